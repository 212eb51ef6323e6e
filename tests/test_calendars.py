"""nlp.calendars: the package's one wrapper of exchange_calendars (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp.calendars import known_exchange, sessions, to_epoch

NLP = Path(__file__).resolve().parents[1] / "nlp"


def test_sessions_of_the_new_york_exchange():
    nyse = sessions("XNYS")
    assert nyse.is_session("2013-03-28") and not nyse.is_session("2013-03-29")  # Good Friday
    assert nyse.previous("2013-04-01") == "2013-03-28"
    assert nyse.on_or_before("2013-03-30") == "2013-03-28"
    assert nyse.offset("2013-04-01", -1) == "2013-03-28" and nyse.offset("2013-03-28", 1) == "2013-04-01"
    assert nyse.offset("2013-03-29", 1) is None  # not a session
    assert nyse.between("2013-03-27", "2013-04-02") == ("2013-03-27", "2013-03-28", "2013-04-01", "2013-04-02")
    opens, closes = nyse.open_close("2013-03-28")
    assert closes - opens == 6.5 * 3600
    assert nyse.close_before(closes) == "2013-03-28" and nyse.close_before(closes - 1) == "2013-03-27"


def test_calendars_reach_back_before_2000():
    assert sessions("XNYS").covers("1995-12-15")


def test_unknown_exchange():
    assert not known_exchange("XXXX")
    with pytest.raises(KeyError):
        sessions("XXXX")


def test_to_epoch_reads_naive_times_in_the_zone():
    assert to_epoch("2013-03-28T16:00:00", "America/New_York") == to_epoch("2013-03-28T16:00:00-04:00")
    assert to_epoch("2013-03-28T16:00:00") is None


def test_only_this_module_wraps_exchange_calendars():
    users = sorted(str(p.relative_to(NLP)) for p in NLP.rglob("*.py")
                   if re.search(r"^\s*(?:import|from) exchange_calendars", p.read_text(encoding="utf-8"), re.M))
    assert users == ["calendars.py"]


def test_sessions_are_kept_on_disk_and_read_back_the_same(tmp_path, monkeypatch):
    import nlp.calendars as calendars

    monkeypatch.setenv(calendars.CACHE_ENV, str(tmp_path))
    built = calendars._build("XLON")
    calendars.sessions.cache_clear()
    try:
        first = calendars.sessions("XLON")  # builds and writes the table
        kept = list(tmp_path.rglob("XLON-*.json"))
        assert len(kept) == 1 and first == built
        calendars.sessions.cache_clear()
        monkeypatch.setattr(calendars, "_build", lambda code: pytest.fail("built again"))
        assert calendars.sessions("XLON") == built  # read back, not built
    finally:
        calendars.sessions.cache_clear()


def test_a_broken_cache_file_is_built_again(tmp_path, monkeypatch):
    import nlp.calendars as calendars

    monkeypatch.setenv(calendars.CACHE_ENV, str(tmp_path))
    path = calendars._cache_file("XNYS")
    path.parent.mkdir(parents=True)
    path.write_text('{"dates": ["2013-01-02"], "opens": [], "closes": []', encoding="utf-8")  # cut short
    calendars.sessions.cache_clear()
    try:
        table = calendars.sessions("XNYS")
        assert table.is_session("2013-03-28") and len(table.dates) > 10_000
        assert calendars._read_cached(path, "XNYS") == table  # written again, whole
    finally:
        calendars.sessions.cache_clear()


def test_no_cache_when_the_folder_cannot_be_written_or_is_turned_off(tmp_path, monkeypatch):
    import nlp.calendars as calendars

    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(calendars.CACHE_ENV, str(blocker))
    calendars.sessions.cache_clear()
    try:
        assert calendars.sessions("XTKS").is_session("2013-03-28")  # no error, nothing kept
        monkeypatch.setenv(calendars.CACHE_ENV, "")
        assert calendars._cache_file("XTKS") is None
        calendars.sessions.cache_clear()
        assert calendars.sessions("XTKS").is_session("2013-03-28")
    finally:
        calendars.sessions.cache_clear()


def test_epochs_match_timestamps_one_by_one():
    import pandas as pd

    import nlp.calendars as calendars

    instants = pd.Series([pd.Timestamp("2013-03-28 13:30", tz="UTC"), pd.Timestamp("1995-12-15 14:30:07", tz="UTC")]).dt.tz_convert("America/New_York")
    assert calendars._epochs(instants) == tuple(t.timestamp() for t in instants)
