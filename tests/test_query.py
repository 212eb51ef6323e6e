"""nlp.query and `newslink claims|quotes|causes|articles`: every filter and output format."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections import Counter

import pytest
from typer.testing import CliRunner

import nlp.cli.query  # noqa: F401  (registers the commands)
from nlp import query, views
from nlp.cli.app import app
from nlp.store import Store
from query_sample import OTHER_ID, REUTERS, SEED, build_sample_db, reuters_records

S = "2afa2522b194f51cc61e1e952fd648636aed5525a4ca12d6a0355335cc48e4fe"  # sha256 of the seed
O = OTHER_ID

runner = CliRunner()


@pytest.fixture(scope="module")
def reuters(tmp_path_factory):
    """A database of simple records from the first 200 Reuters dev archive members."""
    if not REUTERS.exists():
        pytest.skip(f"Reuters dev archive not found at {REUTERS}")
    records = list(reuters_records(200))
    path = tmp_path_factory.mktemp("reuters") / "reuters.db"
    store = Store(path)
    store.save_records(records, run_id=None, pipeline_version="test-query")
    store.conn.close()
    return path, records


def keys(frame, id_column="article_id", fact_column="claim_id"):
    """``S:c3`` / ``O:c1`` labels of result rows, in order."""
    names = {S: "S", O: "O"}
    return [f"{names[a]}:{f}" for a, f in zip(frame[id_column], frame[fact_column])]


# Newest claim date (as_of) first, then text order: c10 is about 02-29, c7 about 02-27.
ON_MARCH_1 = ["S:c6", "S:c1", "S:c2", "S:c3", "S:c4", "S:c5", "S:c12", "S:c13"]
SAMPLE_CLAIMS = [*ON_MARCH_1, "S:c10", "S:c7"]


@pytest.mark.parametrize("filters, expected", [
    ({}, ["O:c1", "O:c2", *SAMPLE_CLAIMS]),
    ({"symbol": "8035.T"}, ["O:c1", "S:c3"]),
    ({"kind": "record"}, ["S:c6", "S:c10", "S:c7"]),
    ({"kind": "level"}, ["O:c2"]),
    ({"verdict": "contradicted"}, ["O:c1"]),
    ({"verdict": "unverifiable"}, ["S:c12", "S:c13"]),
    ({"verdict": "inconclusive"}, []),
    ({"verdict": "unchecked"}, []),
    ({"date_from": "2024-03-02"}, ["O:c1", "O:c2"]),
    ({"date_to": "2024-03-01"}, SAMPLE_CLAIMS),
    ({"date_from": "2024-03-01", "date_to": "2024-03-01"}, ON_MARCH_1),
    ({"date_from": "2024-02-27", "date_to": "2024-02-29"}, ["S:c10", "S:c7"]),
    ({"search": "cross-shareholdings"}, SAMPLE_CLAIMS),
    ({"search": "Nomura"}, ["O:c1", "O:c2"]),
    ({"search": "rally pause"}, ["O:c1", "O:c2"]),
    ({"search": '"rally pause"'}, []),  # FTS5 phrase syntax is kept: not adjacent words
    ({"search": "chip*"}, ["O:c1", "O:c2", *SAMPLE_CLAIMS]),
    ({"symbol": "^N225", "kind": "record"}, ["S:c6", "S:c7"]),
    ({"symbol": "^N225", "verdict": "supported", "date_from": "2024-03-02"}, ["O:c2"]),
    ({"symbol": "8035.T", "verdict": "supported", "search": "cross-shareholdings"}, ["S:c3"]),
    ({"kind": "change", "verdict": "supported", "date_to": "2024-03-01", "limit": 2},
     ["S:c1", "S:c2"]),
    ({"article": O[:8]}, ["O:c1", "O:c2"]),
    ({"limit": 0}, []),
])
def test_claim_filters(sample_db, filters, expected):
    assert keys(query.claims(sample_db, **filters)) == expected


def test_claim_row_has_article_span_and_numbers(sample_db):
    row = query.records(query.claims(sample_db, symbol="8035.T", verdict="supported"))[0]
    assert row["article_id"] == S and row["published"] == "2024-03-01"
    assert row["text"] == "Tokyo Electron Ltd gained 4.64%"
    text = query.run_sql(sample_db, "SELECT text FROM articles WHERE id = :id", {"id": S}).text[0]
    assert text[row["start"]:row["end"]] == row["text"]
    assert {k: row[k] for k in ("verdict", "basis", "claimed", "actual", "tolerance",
                                "reference_date", "reference_close", "session_low",
                                "session_high", "session_close")} == {
        "verdict": "supported", "basis": "intraday-range", "claimed": 4.64, "actual": 4.64,
        "tolerance": 0.005, "reference_date": "2024-02-29", "reference_close": 36870.0,
        "session_low": 37050.0, "session_high": 38710.0, "session_close": 38380.0}


@pytest.mark.parametrize("filters, param, message", [
    ({"kind": "move"}, "kind", "'move' is not one of"),
    ({"verdict": "true"}, "verdict", "'true' is not one of"),
    ({"date_from": "1 March 2024"}, "date_from", "not an ISO date"),
    ({"date_to": "2024-02-30"}, "date_to", "not an ISO date"),
    ({"search": "  "}, "search", "empty"),
    ({"search": '"unbalanced'}, "search", ""),
    ({"article": "2af"}, "article", "at least 6 characters"),
    ({"limit": -1}, "limit", "0 or more"),
])
def test_claim_filter_errors(sample_db, filters, param, message):
    """The library names the parameter at fault, never a CLI flag; the CLI says the flag."""
    with pytest.raises(query.QueryError, match=re.escape(message) if message else None) as caught:
        query.claims(sample_db, **filters)
    assert caught.value.param == param and str(caught.value).startswith(f"{param}: ")
    assert "--" not in str(caught.value)


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(query.QueryError, match="no such database"):
        query.claims(tmp_path / "none.db")


@pytest.mark.parametrize("search, expected", [
    ("cross-shareholdings", '"cross-shareholdings"'),
    ("rally pause", '"rally" "pause"'),
    ('"rally pause"', '"rally pause"'),
    ("chip*", "chip*"),
    ("Nikkei OR Topix", "Nikkei OR Topix"),
    ("S&P 500", '"S&P" "500"'),
])
def test_fts_query(search, expected):
    assert query.fts_query(search) == expected


@pytest.mark.parametrize("filters, expected", [
    ({}, ["O:0", "S:0"]),
    ({"speaker": "abe"}, ["S:0"]),
    ({"speaker": "Yuki Tanaka"}, ["O:0"]),
    ({"firm": "daiwa"}, ["S:0"]),
    ({"firm": "8604.T"}, ["O:0"]),
    ({"symbol": "8601.T"}, ["S:0"]),
    ({"kind": "direct"}, ["O:0", "S:0"]),
    ({"kind": "indirect"}, []),
    ({"search": "financial sector"}, ["S:0"]),
    ({"search": "Nomura"}, ["O:0"]),  # the quote's firm is searched too
    ({"search": "cross-shareholdings"}, []),  # the article's text is not
    ({"date_from": "2024-03-02"}, ["O:0"]),
    ({"date_to": "2024-03-04"}, ["S:0"]),
    ({"speaker": "Abe", "firm": "Nomura"}, []),
    ({"limit": 1}, ["O:0"]),
])
def test_quote_filters(sample_db, filters, expected):
    frame = query.quotes(sample_db, **filters)
    assert keys(frame, fact_column="idx") == expected


def test_quote_row_names_speaker_and_firm(sample_db):
    row = query.records(query.quotes(sample_db, speaker="Abe"))[0]
    assert row["text"] == "That\u2019s positive for the Japanese financial sector"
    assert (row["speaker"], row["role"], row["organization"], row["organization_symbol"],
            row["organization_name"]) == ("Kenji Abe", "analyst", "Daiwa Securities", "8601.T",
                                          "Daiwa Securities Group Inc.")


@pytest.mark.parametrize("filters, expected", [
    ({}, ["O:0", "S:0", "S:1", "S:2"]),
    ({"symbol": "^N225"}, ["O:0", "S:0"]),
    ({"symbol": "^IXIC"}, ["S:2"]),
    ({"symbol": "8035.T"}, []),
    ({"search": "cross-shareholdings"}, ["S:0", "S:1", "S:2"]),
    ({"date_from": "2024-03-02", "symbol": "^N225"}, ["O:0"]),
    ({"date_to": "2024-03-01", "limit": 1}, ["S:0"]),
    ({"min_score": 0.85}, ["S:0", "S:2"]),
    ({"min_score": 0.7, "symbol": "^N225"}, ["O:0", "S:0"]),
    ({"min_score": 0.95}, []),
])
def test_cause_filters(sample_db, filters, expected):
    assert keys(query.causes(sample_db, **filters), fact_column="idx") == expected


@pytest.mark.parametrize("filters, expected", [
    ({}, [O, S]),
    ({"symbol": "NVDA"}, [S]),
    ({"symbol": "8035.T"}, [O, S]),
    ({"verdict": "contradicted"}, [O]),
    ({"verdict": "unverifiable"}, [S]),
    ({"speaker": "tanaka"}, [O]),
    ({"firm": "Daiwa Securities"}, [S]),
    ({"search": "cross-shareholdings"}, [S]),
    ({"search": "Tokyo"}, [O, S]),
    ({"date_from": "2024-03-02"}, [O]),
    ({"date_to": "2024-03-01"}, [S]),
    ({"symbol": "8035.T", "verdict": "supported", "date_from": "2024-03-01"}, [O, S]),
    ({"symbol": "8035.T", "search": "chip", "date_to": "2024-03-04"}, [S]),
    ({"limit": 1}, [O]),
])
def test_article_filters(sample_db, filters, expected):
    assert list(query.articles(sample_db, **filters)["id"]) == expected


def test_article_row_counts_facts(sample_db):
    row = query.records(query.articles(sample_db, article=S))[0]
    assert {k: row[k] for k in ("published", "dateline", "instruments", "claims",
                                "contradicted", "quotes", "causes")} == {
        "published": "2024-03-01", "dateline": "TOKYO", "instruments": 10, "claims": 10,
        "contradicted": 0, "quotes": 1, "causes": 3}
    assert set(row["symbols"].split(",")) == {"^N225", "^TOPX", "^GSPC", "^IXIC", "8035.T",
                                              "6857.T", "NVDA", "9984.T", "8601.T"}


def test_views_hold_the_same_joins(sample_db):
    conn = query.connect_readonly(sample_db)
    try:
        rows = conn.execute("SELECT claim_id, verdict, published FROM claims_view"
                            " WHERE symbol = '8035.T' ORDER BY published").fetchall()
        assert rows == [("c3", "supported", "2024-03-01"), ("c1", "contradicted", "2024-03-05")]
        assert conn.execute("SELECT speaker, organization_name FROM quotes_view ORDER BY 1"
                            ).fetchall() == [("Kenji Abe", "Daiwa Securities Group Inc."),
                                             ("Yuki Tanaka", "Nomura Holdings Inc.")]
        assert conn.execute("SELECT count(*) FROM causes_view").fetchone() == (4,)
    finally:
        conn.close()


@pytest.mark.parametrize("filters, index", [
    ({"symbol": "8035.T"}, "idx_claims_symbol_as_of"),
    ({"verdict": "contradicted"}, "idx_checks_verdict"),
])
def test_filters_use_indexes(sample_db, filters, index):
    where = query._Where()
    if "symbol" in filters:
        where.add("c.symbol = ?", filters["symbol"])
    else:
        where.add("k.verdict = ?", filters["verdict"])
    conn = query.connect_readonly(sample_db)
    try:
        plan = " ".join(r[-1] for r in conn.execute(
            f"EXPLAIN QUERY PLAN SELECT {query.CLAIM_FIELDS} FROM {query.CLAIM_FROM}{where.sql}"
            " ORDER BY c.as_of DESC, c.article_id, c.start, c.claim_id LIMIT 100",
            where.params))
    finally:
        conn.close()
    assert index in plan


def test_query_accepts_an_open_store(sample_db):
    store = Store(sample_db)
    try:
        assert len(query.claims(store.db, symbol="^N225")) == 4
        assert len(query.claims(store.conn, symbol="^N225")) == 4
    finally:
        store.conn.close()


# -- the commands ---------------------------------------------------------------------


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


def test_claims_command_json(sample_db):
    result = invoke("claims", "--db", sample_db, "--symbol", "8035.T", "--verdict", "contradicted",
                    "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["claim_id"], r["text"], r["verdict"], r["claimed"], r["actual"]) for r in rows] == [
        ("c1", "Tokyo Electron shares fell 3.1%", "contradicted", -3.1, 0.41)]


def test_claims_command_csv(sample_db):
    result = invoke("claims", "--db", sample_db, "--kind", "record", "--from", "2024-02-01",
                    "--to", "2024-03-01", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["claim_id"], r["symbol"], r["verdict"]) for r in rows] == [
        ("c6", "^N225", "supported"), ("c10", "^GSPC", "supported"), ("c7", "^N225", "supported")]


def test_claims_command_table_shows_article_span_and_verdict(sample_db):
    result = invoke("claims", "--db", sample_db, "--search", "cross-shareholdings",
                    "--symbol", "8035.T")
    assert result.exit_code == 0, result.output
    for text in ("1 claims", "nikkei-2024-03-01.txt", "2afa2522b1",
                 "c3: Tokyo Electron Ltd gained", "supported", "intraday-range", "claimed +4.64",
                 "ref 36,870.00 (2024-02-29)", "range 37,050.00..38,710.00"):
        assert text in result.output


def test_claims_command_limit(sample_db):
    result = invoke("claims", "--db", sample_db, "--limit", "3", "--json")
    assert [r["claim_id"] for r in json.loads(result.output)] == ["c1", "c2", "c6"]


@pytest.mark.parametrize("args, expected", [
    (["quotes", "--speaker", "Abe", "--json"], [("Kenji Abe", "Daiwa Securities")]),
    (["quotes", "--firm", "Nomura", "--from", "2024-03-05", "--json"],
     [("Yuki Tanaka", "Nomura Securities")]),
    (["quotes", "--search", "financial sector", "--limit", "5", "--json"],
     [("Kenji Abe", "Daiwa Securities")]),
])
def test_quotes_command(sample_db, args, expected):
    result = invoke(*args, "--db", sample_db)
    assert result.exit_code == 0, result.output
    assert [(r["speaker"], r["organization"]) for r in json.loads(result.output)] == expected


def test_quotes_command_table_and_csv(sample_db):
    table = invoke("quotes", "--db", sample_db, "--firm", "daiwa")
    assert "Kenji Abe, analyst" in table.output and "Daiwa Securities (8601.T)" in table.output
    rows = list(csv.DictReader(io.StringIO(invoke("quotes", "--db", sample_db, "--csv").output)))
    assert [r["speaker"] for r in rows] == ["Yuki Tanaka", "Kenji Abe"]


def test_cause_min_score_out_of_range(sample_db):
    with pytest.raises(query.QueryError, match="between 0 and 1"):
        query.causes(sample_db, min_score=1.5)


def test_causes_command(sample_db):
    result = invoke("causes", "--db", sample_db, "--symbol", "^GSPC", "--json")
    assert [(r["cause_text"], r["cue"]) for r in json.loads(result.output)] == [
        ("technology stocks linked to AI", "supported by")]
    rows = list(csv.DictReader(io.StringIO(
        invoke("causes", "--db", sample_db, "--search", "cross-shareholdings", "--csv").output)))
    assert len(rows) == 3
    table = invoke("causes", "--db", sample_db, "--to", "2024-03-01")
    assert "3 causes" in table.output and "supported by" in table.output


def test_articles_command(sample_db):
    result = invoke("articles", "--db", sample_db, "--verdict", "contradicted", "--json")
    assert [r["id"] for r in json.loads(result.output)] == [O]
    rows = list(csv.DictReader(io.StringIO(
        invoke("articles", "--db", sample_db, "--speaker", "Abe", "--csv").output)))
    assert [r["id"] for r in rows] == [S]
    table = invoke("articles", "--db", sample_db, "--search", "cross-shareholdings")
    assert "1 articles" in table.output and "nikkei-2024-03-01.txt" in table.output


@pytest.mark.parametrize("args, message", [
    (["claims", "--verdict", "bogus"], "--verdict"),
    (["claims", "--from", "yesterday"], "--from"),
    (["claims", "--json", "--csv"], "choose one"),
    (["articles", "--db", "/nonexistent/x.db"], "no such database"),
])
def test_commands_report_bad_input(sample_db, args, message):
    if "--db" not in args:
        args = [*args, "--db", str(sample_db)]
    result = invoke(*args)
    assert result.exit_code == 1
    assert message in result.output


# -- a slice of the Reuters archive ------------------------------------------------------


def test_reuters_symbol_filter_matches_records(reuters):
    db, records = reuters
    counts = Counter(c["symbol"] for r in records for c in r["claims"] if c["symbol"])
    symbol, n = counts.most_common(1)[0]
    frame = query.claims(db, symbol=symbol)
    assert len(frame) == n
    assert set(frame["symbol"]) == {symbol}
    assert len(query.articles(db, symbol=symbol)) == len(
        {r["article"]["id"] for r in records
         if any(m["symbol"] == symbol for m in r["instruments"] + r["claims"])})


def test_reuters_verdict_and_kind_filters(reuters):
    db, records = reuters
    for verdict in query.VERDICTS:
        expected = sum(c["check"]["verdict"] == verdict for r in records for c in r["claims"])
        assert len(query.claims(db, verdict=verdict, kind="change")) == expected


def test_reuters_date_filter(reuters):
    db, records = reuters
    days = sorted(r["article"]["published"] for r in records)
    start, end = days[len(days) // 4], days[len(days) // 2]
    frame = query.articles(db, date_from=start, date_to=end)
    assert len(frame) == sum(start <= d <= end for d in days)
    assert frame["published"].between(start, end).all()
    claims = query.claims(db, date_from=start, date_to=end)
    assert len(claims) == sum(len(r["claims"]) for r in records
                              if start <= r["article"]["published"] <= end)


@pytest.mark.parametrize("word", ["Treasury", "Apple", "bank"])
def test_reuters_search_matches_a_word_scan(reuters, word):
    db, records = reuters
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    expected = {r["article"]["id"] for r in records
                if pattern.search(r["article"]["title"] or "") or pattern.search(r["article"]["text"])}
    assert set(query.articles(db, search=word)["id"]) == expected
    assert len(query.claims(db, search=word)) == sum(
        len(r["claims"]) for r in records if r["article"]["id"] in expected)


def test_reuters_claims_command_combines_filters(reuters):
    db, records = reuters
    record = next(r for r in records if r["claims"] and r["claims"][0]["symbol"])
    claim = record["claims"][0]
    result = invoke("claims", "--db", db, "--symbol", claim["symbol"], "--kind", "change",
                    "--from", record["article"]["published"], "--to",
                    record["article"]["published"], "--verdict", claim["check"]["verdict"],
                    "--json")
    rows = json.loads(result.output)
    assert (record["article"]["id"], claim["id"], claim["text"]) in {
        (r["article_id"], r["claim_id"], r["text"]) for r in rows}


def test_unchecked_claims(tmp_path):
    if not SEED.exists():
        pytest.skip(f"shared sample article not found at {SEED}")
    db = build_sample_db(tmp_path / "unchecked.db")
    store = Store(db)  # store the invented article again with its c2 unchecked
    try:
        full = store.load_record(O)
        full["claims"][1]["check"] = None
        store.save_records([full], run_id=None, pipeline_version="test-query")
    finally:
        store.conn.close()
    assert keys(query.claims(db, verdict="unchecked")) == ["O:c2"]
    assert keys(query.claims(db, verdict="unchecked", limit=5)) == ["O:c2"]


def test_ensure_views_replaces_old_views_and_is_a_no_op_when_current(tmp_path):
    if not SEED.exists():
        pytest.skip(f"shared sample article not found at {SEED}")
    db = build_sample_db(tmp_path / "views.db")
    conn = sqlite3.connect(db)
    conn.execute("DROP VIEW claims_view")
    conn.execute("CREATE VIEW claims_view AS SELECT 1 AS old")
    conn.commit()
    conn.close()
    views.ensure_views(db)
    assert query.run_sql(db, "SELECT count(*) AS n FROM claims_view").n[0] == 12
    readonly = query.connect_readonly(db)
    try:
        views.ensure_views(readonly)  # nothing to write, so a read-only connection is enough
    finally:
        readonly.close()
