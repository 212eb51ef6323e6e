"""Time anchors: period words -> session dates on the exchange's calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.components.time_anchors import (
    Anchor,
    ArticleTime,
    default_anchor,
    market_of,
    parse_moment,
    report_kind,
    resolve,
)

TOKYO_MIDDAY = ArticleTime(published=dt.date(2024, 3, 1), text_anchor="intraday")


@pytest.mark.parametrize(
    "period, code, expected",
    [
        ("intraday", "XTKS", Anchor("intraday", "2024-03-01")),
        ("overnight", "XNYS", Anchor("overnight", "2024-02-29")),
        ("earlier this week", "XTKS", Anchor("earlier this week", "2024-02-29", "2024-02-26")),
        ("last month", "XTKS", Anchor("last month", "2024-02-29", "2024-02-01")),
        ("year to date", "XTKS", Anchor("year to date", "2024-02-29", "2024-01-01")),
        ("this week", "XTKS", Anchor("week", "2024-03-01", "2024-02-26")),
        ("last week", "XTKS", Anchor("last week", "2024-02-22", "2024-02-19")),
        ("previous session", "XTKS", Anchor("previous session", "2024-02-29")),
        ("session", "XTKS", Anchor("session", "2024-02-29")),
        ("thursday", "XTKS", Anchor("session", "2024-02-29")),
        ("friday", "XTKS", Anchor("intraday", "2024-03-01")),
    ],
)
def test_resolve_from_a_tokyo_midday_report(period, code, expected):
    assert resolve(period, code, TOKYO_MIDDAY) == expected


def test_last_week_skips_exchange_holidays():
    # 2024-02-23 (Friday) was the Emperor's Birthday: Tokyo's last session of that week is the 22nd
    assert resolve("last week", "XTKS", TOKYO_MIDDAY).as_of == "2024-02-22"
    assert resolve("last week", "XNYS", TOKYO_MIDDAY).as_of == "2024-02-23"


def test_overnight_after_a_us_holiday():
    # From Tokyo on Tuesday 2024-01-16, 'overnight' US is Friday the 12th (Monday was MLK day)
    when = ArticleTime(published=dt.date(2024, 1, 16), text_anchor="intraday")
    assert resolve("overnight", "XNYS", when).as_of == "2024-01-12"


@pytest.mark.parametrize(
    "published_time, expected",
    [
        ("2012-09-11T19:57:00-04:00", Anchor("session", "2012-09-11")),  # after the close
        ("2012-09-11T12:30:00-04:00", Anchor("intraday", "2012-09-11")),  # during the session
        ("2012-09-11T07:10:00-04:00", Anchor("session", "2012-09-10")),  # before the open
        ("2012-09-15T10:00:00-04:00", Anchor("session", "2012-09-14")),  # a Saturday
    ],
)
def test_default_anchor_from_publication_time(published_time, expected):
    moment = parse_moment(published_time)
    when = ArticleTime(published=dt.date.fromisoformat(published_time[:10]), moment=moment)
    assert default_anchor("XNYS", when) == expected


def test_default_anchor_of_midday_report_is_intraday():
    assert default_anchor("XTKS", TOKYO_MIDDAY) == Anchor("intraday", "2024-03-01")


def test_publication_during_the_session_beats_closing_words():
    """A story filed at 1:38pm that mentions another market's close is still a midday story."""
    moment = parse_moment("2013-05-06T13:38:00-04:00")
    when = ArticleTime(published=dt.date(2013, 5, 6), moment=moment, text_anchor="session")
    assert default_anchor("XNYS", when) == Anchor("intraday", "2013-05-06")
    after = ArticleTime(published=dt.date(2013, 5, 6), moment=parse_moment("2013-05-06T17:05:00-04:00"),
                        text_anchor="session")
    assert default_anchor("XNYS", after) == Anchor("session", "2013-05-06")


def test_default_anchor_of_closing_report_without_time():
    when = ArticleTime(published=dt.date(2024, 3, 1), text_anchor="session")
    assert default_anchor("XTKS", when) == Anchor("session", "2024-03-01")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("The Nikkei was up 1.83% by the midday break.", "intraday"),
        ("Tech shares gave strong performances in the morning session.", "intraday"),
        ("The S&P 500 closed up 0.3 percent.", "session"),
        ("Shares of Apple rose.", None),
    ],
)
def test_report_kind(text, kind):
    assert report_kind(text) == kind


def test_article_time_from_context():
    ctx = {"published": "2024-03-01", "published_time": None, "timezone": "Asia/Tokyo", "dateline": "TOKYO"}
    when = ArticleTime.from_context(ctx, "by the midday break")
    assert when == TOKYO_MIDDAY
    assert ArticleTime.from_context({}, "") is None
    late = ArticleTime.from_context({"published_time": "2012-09-11T19:57:00-04:00", "timezone": "America/New_York"})
    assert late.published == dt.date(2012, 9, 11)


def test_market_of():
    assert market_of("TOKYO", "Asia/Tokyo") == "XTKS"
    assert market_of(None, "America/New_York") == "XNYS"
    assert market_of("NOWHERE", None) is None


def test_this_month_before_its_first_session_is_the_month_just_ended():
    sunday = ArticleTime(published=dt.date(2013, 9, 1))
    assert resolve("this month", "XNYS", sunday) == Anchor("month", "2013-08-30", "2013-08-01")
