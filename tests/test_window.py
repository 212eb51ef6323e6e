"""nlp.market.window: the typed window of a claim, read once from its fields and the article's time."""

from __future__ import annotations

import pytest

from nlp.calendars import sessions
from nlp.market.window import window_of

NYSE = sessions("XNYS")


def ny(date, time=None):
    return {"published": date, "timezone": "America/New_York",
            "published_time": f"{date}T{time}-05:00" if time else None}


def no_bars(date):
    return None


def window(claim, article):
    return window_of(claim, article, NYSE, "XNYS", no_bars)


@pytest.mark.parametrize("claim, article, kind, basis, first, last, how", [
    ({"period": "session", "as_of": "2013-03-05", "window_explicit": True}, ny("2013-03-05", "17:30:00"),
     "session", "session", "2013-03-05", "2013-03-05", "period"),
    ({"as_of": "2013-03-05"}, ny("2013-03-05", "12:30:00"),
     "intraday", "intraday", "2013-03-05", "2013-03-05", "written before the close"),
    ({"period": "midday", "as_of": "2013-03-05"}, ny("2013-03-05"),
     "intraday", "intraday", "2013-03-05", "2013-03-05", "period"),
    ({"period": "this week", "as_of": "2013-03-08"}, ny("2013-03-08"),
     "week", "week", "2013-03-04", "2013-03-08", "period"),
    ({"period": "year to date", "as_of": "2013-03-08", "window_start": "2013-01-01"}, ny("2013-03-08"),
     "year-to-date", "year-to-date", "2013-01-01", "2013-03-08", "period"),
    ({"period": "past 2 sessions", "as_of": "2013-03-08", "window_start": "2013-03-07"}, ny("2013-03-08"),
     "multi-session", "past 2 sessions", "2013-03-07", "2013-03-08", "period"),
    ({"period": "past 3 months", "as_of": "2013-03-08", "window_start": "2012-12-08"}, ny("2013-03-08"),
     "rolling", "past 3 months", "2012-12-08", "2013-03-08", "period"),
    ({"period": "since december 31", "as_of": "2013-03-08", "window_start": "2012-12-31"}, ny("2013-03-08"),
     "since", "since december 31", "2012-12-31", "2013-03-08", "period"),
])
def test_windows(claim, article, kind, basis, first, last, how):
    w = window(claim, article)
    assert (w.kind, w.basis, w.first, w.last, w.how) == (kind, basis, first, last, how)
    assert w.note is None


def test_a_window_knows_its_sessions():
    w = window({"period": "this week", "as_of": "2013-03-29"}, ny("2013-03-29"))  # Good Friday week
    assert w.sessions == ("2013-03-25", "2013-03-26", "2013-03-27", "2013-03-28")
    assert w.public()["sessions"] == 4


def test_undated_windows_say_why_and_keep_a_session_for_point_claims():
    w = window({"period": "since the election", "as_of": "2013-03-08"}, ny("2013-03-08", "17:00:00"))
    assert w.kind == "since" and w.note.startswith("the text does not say over which period")
    assert w.session == "2013-03-08" and w.session_basis == "session"
    w = window({"period": "unspecified", "as_of": "2013-03-08"}, ny("2013-03-08", "17:00:00"))
    assert w.kind == "unspecified" and not w.multi


def test_after_hours_overnight_and_holidays():
    assert window({"after_hours": True, "as_of": "2013-03-05"}, ny("2013-03-05")).note.startswith("after-hours")
    w = window({"period": "overnight"}, {"published": "2013-03-06", "timezone": "Asia/Tokyo",
                                         "published_time": "2013-03-06T12:00:00+09:00"})
    assert (w.kind, w.session) == ("overnight", "2013-03-05")
    w = window({"as_of": "2013-03-29"}, ny("2013-03-05"))
    assert w.note == "no XNYS session on 2013-03-29" and w.session is None


def test_a_story_written_before_the_open_is_about_the_session_before():
    w = window({"as_of": "2013-03-05"}, ny("2013-03-05", "08:00:00"))
    assert (w.kind, w.last, w.how) == ("session", "2013-03-04", "written before the open")


def test_day_named_and_explicit_come_from_the_claim():
    w = window({"period": "session", "as_of": "2013-03-05", "window_explicit": True, "day_named": False},
               ny("2013-03-05", "17:30:00"))
    assert w.explicit and not w.day_named


def test_a_weekend_story_at_a_months_start_is_about_the_month_just_ended():
    w = window({"period": "month", "as_of": "2013-08-30", "window_start": "2013-09-01"}, ny("2013-09-01"))
    assert (w.kind, w.first, w.last) == ("month", "2013-08-01", "2013-08-30")
