"""Every query filter and output format on a database that `newslink run` itself wrote:
the sample corpus (with its prices) plus a slice of the Reuters dev archive."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import REUTERS, ROOT, need
from nlp import query
from nlp.cli import app
from nlp.run import run_inputs

pytestmark = pytest.mark.model

SLICE = 60  # Reuters members read into the database


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipeline-db")
    path = folder / "n.db"
    run_inputs([ROOT / "corpus"], path, use_causal_model=False)
    members = folder / "reuters-slice.tar.gz"
    with tarfile.open(need(REUTERS), "r|gz") as src, tarfile.open(members, "w:gz") as dst:
        n = 0
        for info in src:
            if info.isfile() and n < SLICE:
                dst.addfile(info, io.BytesIO(src.extractfile(info).read()))
                n += 1
            if n >= SLICE:
                break
    summary = run_inputs([members], path, use_causal_model=False)
    assert summary.inputs == SLICE
    return path


def sql(db, q, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(q, args).fetchall()
    finally:
        conn.close()


def test_claim_filters_match_the_sample(db):
    te = query.claims(db, symbol="8035.T")
    assert list(te["pct"]) == [4.64] and list(te["verdict"]) == ["supported"]
    assert te.iloc[0]["basis"].startswith("intraday")
    assert te.iloc[0]["reference_close"] == 36870.0
    records = query.claims(db, kind="record", symbol="^N225")
    assert set(records["verdict"]) == {"supported"} and len(records) >= 2
    unverifiable = query.claims(db, verdict="unverifiable", date_from="2024-03-01", date_to="2024-03-01")
    assert {"insurance sector", "miners"} <= set(unverifiable["subject"])
    assert query.claims(db, symbol="8035.T", verdict="contradicted").empty
    assert len(query.claims(db, limit=3)) == 3


def test_claim_search_and_dates_cover_both_sources(db):
    found = query.claims(db, search="cross-shareholdings")
    assert set(found["published"]) == {"2024-03-01"}
    old = query.claims(db, date_to="2013-12-31")
    expected = sql(db, "SELECT count(*) FROM claims WHERE as_of <= '2013-12-31'")[0][0]
    assert len(old) == expected > 0
    assert set(old["published"]) <= {d for (d,) in sql(db, "SELECT published FROM articles")}


def test_quote_cause_and_article_filters(db):
    q = query.quotes(db, speaker="Abe", firm="Daiwa")
    assert list(q["organization_symbol"]) == ["8601.T"]
    assert list(query.quotes(db, symbol="8601.T")["speaker"]) == ["Kenji Abe"]
    reuters_quotes = query.quotes(db, date_to="2013-12-31")
    assert len(reuters_quotes) == sql(db, "SELECT count(*) FROM quotes q JOIN articles a"
                                          " ON a.id = q.article_id WHERE a.published <= '2013-12-31'")[0][0]
    causes = query.causes(db, symbol="^N225")
    assert not causes.empty and all("^N225" in json.loads(s) for s in causes["effect_symbols"])
    arts = query.articles(db, search="Nikkei", date_from="2024-01-01")
    assert list(arts["published"]) == ["2024-03-01"]
    reuters = query.articles(db, date_to="2013-12-31")
    assert len(reuters) == sql(db, "SELECT count(*) FROM articles WHERE published <= '2013-12-31'")[0][0]


@pytest.mark.parametrize("command", ["claims", "quotes", "causes", "articles"])
def test_cli_formats(db, command):
    runner = CliRunner()
    as_json = runner.invoke(app, [command, "--db", str(db), "--json", "--limit", "5"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert 0 < len(rows) <= 5
    as_csv = runner.invoke(app, [command, "--db", str(db), "--csv", "--limit", "5"])
    assert as_csv.exit_code == 0
    assert len(pd.read_csv(io.StringIO(as_csv.stdout))) == len(rows)
    table = runner.invoke(app, [command, "--db", str(db), "--limit", "5"])
    assert table.exit_code == 0 and "│" in table.output


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_formats(db, tmp_path, fmt):
    out = tmp_path / ("facts.jsonl" if fmt == "jsonl" else "export")
    files = query.export(db, fmt, out)
    n_articles = sql(db, "SELECT count(*) FROM articles")[0][0]
    if fmt == "jsonl":
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == n_articles
        sample = next(json.loads(l) for l in lines if json.loads(l)["article"]["published"] == "2024-03-01")
        assert len(sample["claims"]) == 13 and sample["claims"][0]["check"]["verdict"]
    else:
        claims = next(f for f in files if f.stem == "claims")
        frame = pd.read_csv(claims) if fmt == "csv" else pd.read_parquet(claims)
        assert len(frame) == sql(db, "SELECT count(*) FROM claims")[0][0]


@pytest.mark.parametrize("statement", [
    "INSERT INTO claims (id) VALUES ('x')", "UPDATE claims SET pct = 0", "DELETE FROM claims",
    "DROP TABLE claims", "ATTACH DATABASE ':memory:' AS m", "PRAGMA journal_mode = DELETE",
])
def test_sql_refuses_writes(db, statement):
    before = db.read_bytes()
    out = CliRunner().invoke(app, ["sql", statement, "--db", str(db)])
    assert out.exit_code != 0 and "read-only" in out.output
    assert db.read_bytes() == before
