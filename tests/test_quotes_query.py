"""Quotes by the instrument their own words mention (`--mentions`)."""

from __future__ import annotations

from typer.testing import CliRunner

import nlp.query as query
from nlp.cli import app
from nlp.store import Store

TEXT = ('"Toyota looks cheap here," said Ann Lee, a strategist at Mizuho. '
        'Toyota rose 2%. "Rates matter more," she added.')


def build(db_path):
    i = TEXT.index
    rec = {
        "article": {"id": "f" * 64, "source": "t.txt", "title": None, "published": "2013-05-06",
                    "published_time": None, "timezone": "Asia/Tokyo", "dateline": "TOKYO",
                    "text": TEXT},
        "instruments": [
            {"text": "Toyota", "start": 1, "end": 7, "symbol": "7203.T", "kind": "equity",
             "name": "Toyota Motor Corp.", "exchange": "XTKS", "how": "name"},
            {"text": "Toyota", "start": i("Toyota rose"), "end": i("Toyota rose") + 6,
             "symbol": "7203.T", "kind": "equity", "name": "Toyota Motor Corp.",
             "exchange": "XTKS", "how": "name"},
        ],
        "claims": [],
        "quotes": [
            {"text": "Toyota looks cheap here", "start": 1, "end": 24, "kind": "direct",
             "speaker": "Ann Lee", "role": "strategist", "organization": "Mizuho", "cue": "said"},
            {"text": "Rates matter more", "start": i("Rates"), "end": i("Rates") + 17,
             "kind": "direct", "speaker": "Ann Lee", "role": "strategist",
             "organization": "Mizuho", "cue": "added"},
        ],
        "causes": [],
    }
    Store(db_path).save_records([rec], run_id=None, pipeline_version="t")
    return db_path


def test_quotes_mentioning_a_symbol(tmp_path):
    db = build(tmp_path / "q.db")
    assert list(query.quotes(db, mentions="7203.T")["text"]) == ["Toyota looks cheap here"]
    assert query.quotes(db, mentions="6758.T").empty
    assert len(query.quotes(db, speaker="Lee")) == 2


def test_quotes_mentions_option(tmp_path):
    db = build(tmp_path / "q.db")
    out = CliRunner().invoke(app, ["quotes", "--db", str(db), "--mentions", "7203.T", "--json"])
    assert out.exit_code == 0, out.output
    assert "Toyota looks cheap here" in out.output and "Rates matter" not in out.output
