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
