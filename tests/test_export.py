"""`newslink export`: jsonl records per article, csv and parquet files per table."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

import nlp.cli.query  # noqa: F401  (registers the commands)
from nlp import query
from nlp.cli.app import app
from nlp.store import Store
from query_sample import sample_records

runner = CliRunner()
TABLES = {"article_sources", "articles", "causes", "checks", "claims", "errors", "instruments",
          "prices", "quotes", "reaction_windows", "reactions", "runs", "symbols"}


def stored_counts(db):
    conn = query.connect_readonly(db)
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def test_jsonl_is_one_stored_record_per_article(sample_db, tmp_path):
    out = tmp_path / "facts.jsonl"
    assert query.export(sample_db, "jsonl", out) == [out]
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    store = Store(sample_db)
    try:
        assert lines == [store.load_record(r["article"]["id"]) for r in lines]
    finally:
        store.conn.close()
    # oldest first, and the facts written are the facts read back
    by_id = {r["article"]["id"]: r for r in sample_records()}
    assert [r["article"]["published"] for r in lines] == ["2024-03-01", "2024-03-05"]
    for line in lines:
        written = by_id[line["article"]["id"]]
        assert line["article"]["text"] == written["article"]["text"]
        assert [(c["id"], c["text"], c["check"]["verdict"]) for c in line["claims"]] == sorted(
            ((c["id"], c["text"], c["check"]["verdict"]) for c in written["claims"]),
            key=lambda t: written["article"]["text"].index(t[1]))
        assert [q["speaker"] for q in line["quotes"]] == [q["speaker"] for q in written["quotes"]]
        assert len(line["causes"]) == len(written["causes"])


@pytest.mark.parametrize("fmt, read", [("csv", pd.read_csv), ("parquet", pd.read_parquet)])
def test_tables_export_one_file_each(sample_db, tmp_path, fmt, read):
    written = query.export(sample_db, fmt, tmp_path / fmt)
    assert {p.name for p in written} == {f"{t}.{fmt}" for t in TABLES}
    counts = stored_counts(sample_db)
    for path in written:
        assert len(read(path)) == counts[path.stem], path.name
    claims = read(tmp_path / fmt / f"claims.{fmt}")
    assert set(claims["symbol"].dropna()) == {"^N225", "^TOPX", "^GSPC", "8035.T", "6857.T",
                                              "9984.T"}
    checks = read(tmp_path / fmt / f"checks.{fmt}")
    assert sorted(checks["verdict"].value_counts().items()) == [
        ("contradicted", 1), ("supported", 9), ("unverifiable", 2)]


def test_export_command_jsonl_to_stdout(sample_db):
    result = runner.invoke(app, ["export", "--format", "jsonl", "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2 and all({"article", "instruments", "claims", "quotes", "causes"}
                                     <= set(r) for r in records)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_command_tables(sample_db, tmp_path, fmt):
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(tmp_path / "x"),
                                 "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / f"claims.{fmt}").is_file()


def test_export_rejects_unknown_format(sample_db, tmp_path):
    result = runner.invoke(app, ["export", "--format", "xlsx", "--db", str(sample_db)])
    assert result.exit_code == 1 and "jsonl, csv, parquet" in result.output
    with pytest.raises(query.QueryError, match="no such database"):
        query.export(tmp_path / "none.db", "csv", tmp_path / "out")
