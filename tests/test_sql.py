"""`newslink sql` and nlp.query.run_sql: read-only SQL with named parameters."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

import nlp.cli.query  # noqa: F401  (registers the commands)
from nlp import query
from nlp.cli.app import app

runner = CliRunner()


def fingerprint(path):
    """Hash of the database file and its WAL, to prove nothing was written."""
    digest = hashlib.sha256()
    for p in (path, path.with_name(path.name + "-wal")):
        if p.exists():
            digest.update(p.read_bytes())
    return digest.hexdigest()


def test_select_with_named_parameters(sample_db):
    frame = query.run_sql(sample_db, "SELECT claim_id, verdict FROM claims_view"
                          " WHERE symbol = :symbol AND published >= :day ORDER BY claim_id",
                          {"symbol": "8035.T", "day": "2024-03-02"})
    assert query.records(frame) == [{"claim_id": "c1", "verdict": "contradicted"}]


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'shareholdings'",
    "WITH x AS (SELECT symbol FROM claims) SELECT count(DISTINCT symbol) FROM x",
    "PRAGMA table_info(claims)",
    "PRAGMA user_version",
    "SELECT name FROM pragma_table_info('checks')",
    "SELECT json_extract(details, '$.verdict') FROM checks LIMIT 1",
])
def test_reads_are_allowed(sample_db, sql):
    assert len(query.run_sql(sample_db, sql)) >= 1


@pytest.mark.parametrize("sql", [
    "INSERT INTO symbols (symbol, name) VALUES ('X', 'x')",
    "UPDATE checks SET verdict = 'supported'",
    "DELETE FROM claims",
    "DROP TABLE claims",
    "DROP VIEW claims_view",
    "CREATE TABLE t (x)",
    "CREATE TEMP TABLE t (x)",
    "ALTER TABLE claims ADD COLUMN x",
    "ATTACH DATABASE ':memory:' AS other",
    "PRAGMA user_version = 7",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA writable_schema = ON",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    "REPLACE INTO prices (symbol, date, close) VALUES ('X', '2024-01-01', 1)",
    "VACUUM",
    "BEGIN",
])
def test_writes_are_refused_and_change_nothing(sample_db, sql):
    before = fingerprint(sample_db)
    with pytest.raises(query.QueryError, match="refused: `newslink sql` is read-only"):
        query.run_sql(sample_db, sql)
    assert fingerprint(sample_db) == before
    assert len(query.claims(sample_db)) == 12


def test_sql_error_is_reported(sample_db):
    with pytest.raises(query.QueryError, match="SQL error: no such table"):
        query.run_sql(sample_db, "SELECT * FROM nowhere")


def test_sql_command_with_parameters(sample_db):
    result = runner.invoke(app, [
        "sql", "SELECT symbol, count(*) AS n FROM claims_view WHERE verdict = :v"
        " AND kind = :kind GROUP BY symbol ORDER BY symbol",
        "--db", str(sample_db), "-p", "v", "supported", "--param", "kind", "change", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"symbol": "6857.T", "n": 1}, {"symbol": "8035.T", "n": 1}, {"symbol": "9984.T", "n": 1},
        {"symbol": "^N225", "n": 1}, {"symbol": "^TOPX", "n": 1}]


def test_sql_command_table_and_csv(sample_db):
    table = runner.invoke(app, ["sql", "SELECT speaker FROM quotes ORDER BY 1", "--db",
                                str(sample_db)])
    assert table.exit_code == 0 and "Kenji Abe" in table.output and "2 rows" in table.output
    csv_out = runner.invoke(app, ["sql", "SELECT speaker FROM quotes ORDER BY 1", "--db",
                                  str(sample_db), "--csv"])
    assert csv_out.output.splitlines() == ["speaker", "Kenji Abe", "Yuki Tanaka"]


@pytest.mark.parametrize("sql", ["DELETE FROM claims", "DROP TABLE articles",
                                 "PRAGMA user_version = 3"])
def test_sql_command_refuses_writes(sample_db, sql):
    before = fingerprint(sample_db)
    result = runner.invoke(app, ["sql", sql, "--db", str(sample_db)])
    assert result.exit_code == 1
    assert "read-only" in result.output and "Nothing was changed" in result.output
    assert fingerprint(sample_db) == before


def test_sql_command_bad_parameters(sample_db):
    result = runner.invoke(app, ["sql", "SELECT :a", "--db", str(sample_db), "-p", "a"])
    assert result.exit_code == 2
    assert "-p NAME VALUE" in result.output
