"""The store: schema, idempotent saves, fact replacement, FTS, record round-trips."""

from __future__ import annotations

import copy
import sqlite3

import pytest

from nlp.store import ErrorRow, Store, StoreError, open_database


def record(aid: str = "a" * 64, text: str = "Tokyo Electron gained 4.64% by midday.") -> dict:
    return {
        "article": {"id": aid, "source": "corpus/x.txt", "title": "Nikkei record", "published": "2024-03-01",
                    "published_time": None, "timezone": "Asia/Tokyo", "dateline": "TOKYO",
                    "text": text},
        "instruments": [{"text": "Tokyo Electron", "start": 0, "end": 14, "symbol": "8035.T",
                         "kind": "equity", "name": "Tokyo Electron Ltd.", "exchange": "XTKS",
                         "how": "name"}],
        "claims": [{"id": "c1", "kind": "change", "text": "Tokyo Electron gained 4.64%", "start": 0,
                    "end": 27, "subject": "Tokyo Electron", "symbol": "8035.T", "direction": "up",
                    "pct": 4.64, "level": None, "period": "intraday", "as_of": "2024-03-01",
                    "after_hours": False,
                    "check": {"verdict": "supported", "basis": "intraday-range", "claimed": 4.64,
                              "actual": 4.64, "tolerance": 0.005,
                              "reference": {"date": "2024-02-29", "close": 36870.0},
                              "session": {"date": "2024-03-01", "low": 37050.0, "high": 38710.0,
                                          "close": 38380.0}}}],
        "quotes": [{"text": "That’s positive", "start": 30, "end": 45, "kind": "direct",
                    "speaker": "Kenji Abe", "role": "analyst", "organization": "Daiwa Securities",
                    "organization_symbol": "8601.T", "cue": "said", "paraphrase": None}],
        "causes": [{"cause": {"text": "news", "start": 1, "end": 5},
                    "effect": {"text": "gained", "start": 15, "end": 21}, "cue": "on",
                    "effect_symbols": ["8035.T"], "claim_ids": ["c1"], "method": "rule", "score": 0.9}],
    }


def dump(store: Store) -> dict:
    out = {}
    for t in ("articles", "instruments", "claims", "checks", "quotes", "causes", "symbols"):
        rows = store.db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
        out[t] = rows
    return out


def test_schema_wal_and_foreign_keys(db_path):
    store = Store(db_path)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    fks = {fk.other_table for fk in store.db["claims"].foreign_keys}
    assert {"articles", "symbols"} <= fks
    assert any(ix.columns == ["article_id"] for ix in store.db["claims"].indexes)


def test_save_and_load_round_trip(db_path):
    store = Store(db_path)
    rec = record()
    store.save_records([rec], run_id=None, pipeline_version="1")
    back = store.load_record(rec["article"]["id"])
    assert back["claims"][0]["check"]["verdict"] == "supported"
    assert back["claims"][0]["pct"] == 4.64
    assert back["quotes"][0]["speaker"] == "Kenji Abe"
    assert back["causes"][0]["effect_symbols"] == ["8035.T"]
    assert back["instruments"][0]["symbol"] == "8035.T"
    assert back["article"]["text"] == rec["article"]["text"]
    assert store.db.execute("SELECT verdict, reference_close FROM checks").fetchone() == ("supported", 36870.0)


def test_saving_twice_replaces_facts_never_duplicates(db_path):
    store = Store(db_path)
    store.save_records([record()], run_id=None, pipeline_version="1")
    first = dump(store)
    store.save_records([record()], run_id=None, pipeline_version="1")
    assert dump(store)["claims"] == first["claims"]
    changed = record()
    changed["claims"] = []
    store.save_records([changed], run_id=None, pipeline_version="2")
    assert store.db["claims"].count == 0 and store.db["checks"].count == 0
    assert store.db["articles"].count == 1
    assert store.article_versions(["a" * 64, "b"]) == {"a" * 64: "2"}


def test_transaction_is_all_or_nothing(db_path):
    store = Store(db_path)
    bad = record("b" * 64)
    bad["claims"][0]["kind"] = None  # NOT NULL violation after the article row was written
    with pytest.raises(sqlite3.IntegrityError):
        store.save_records([record(), bad], run_id=None, pipeline_version="1")
    assert store.db["articles"].count == 0 and store.db["claims"].count == 0


def test_full_text_search_follows_updates(db_path):
    store = Store(db_path)
    store.save_records([record()], run_id=None, pipeline_version="1")
    hit = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert store.db.execute(hit, ["midday"]).fetchone()[0] == 1
    store.save_records([record(text="Advantest added 2.63%.")], run_id=None, pipeline_version="2")
    assert store.db.execute(hit, ["midday"]).fetchone()[0] == 0
    assert store.db.execute(hit, ["advantest"]).fetchone()[0] == 1
    assert store.db.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'positive'").fetchone()[0] == 1


def test_errors_are_kept_once(db_path):
    store = Store(db_path)
    run = store.start_run({"paths": ["x"]}, "1")
    e = ErrorRow("x.tar.gz", "read", "empty input", member="20120801/a")
    assert store.save_errors([e, copy.copy(e)], run) == 1
    assert store.save_errors([e], run) == 0
    store.finish_run(run, {"inputs": 1, "errors": 1})
    row = store.db.execute("SELECT status, inputs, errors, ended IS NOT NULL FROM runs").fetchone()
    assert row == ("completed", 1, 1, 1)


def test_prices_replace_and_query(db_path):
    store = Store(db_path)
    bars = [{"symbol": "^N225", "date": f"2024-02-{d:02d}", "close": 39000.0 + d, "source": "t"}
            for d in (26, 27, 28, 29)]
    assert store.replace_prices(bars) == 4
    assert store.replace_prices(bars[:1]) == 1
    got = store.price_bars("^N225", start="2024-02-27")
    assert [b["date"] for b in got] == ["2024-02-27", "2024-02-28", "2024-02-29"]
    assert store.price_symbols() == ["^N225"]


def test_readonly_open_of_missing_database(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        open_database(tmp_path / "missing.db", readonly=True)


def test_claim_doubts_and_day_named_round_trip(tmp_path):
    store = Store(tmp_path / "d.db")
    rec = record()
    rec["claims"][0].update(doubts=["extended: after-market"], day_named=False)
    store.save_records([rec], run_id=None, pipeline_version="1")
    claim = store.load_record("a" * 64)["claims"][0]
    assert claim["doubts"] == ["extended: after-market"] and claim["day_named"] is False
    again = next(store.claims_to_check())["claim"]
    assert again["doubts"] == ["extended: after-market"] and again["day_named"] is False
    # a claim written without them (an older record): no doubts, its day taken as named
    plain = record("b" * 64)
    store.save_records([plain], run_id=None, pipeline_version="1")
    claim = store.load_record("b" * 64)["claims"][0]
    assert claim["doubts"] == [] and claim["day_named"] is True


def test_an_older_database_gains_the_new_claim_columns(tmp_path):
    path = tmp_path / "old.db"
    Store(path).conn.close()
    conn = sqlite3.connect(path)
    for name in ("doubts", "day_named", "symbol_how"):  # as a database before these columns
        conn.execute(f"ALTER TABLE claims DROP COLUMN {name}")
    conn.commit()
    conn.close()
    store = Store(path)
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(claims)")}
    assert {"window_explicit", "symbol_how", "day_named", "doubts"} <= columns
