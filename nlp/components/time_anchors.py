"""Time anchors: which trading session or window a market claim is about.

Pure functions, no spaCy: they turn a period label found in the text
("midday", "overnight", "earlier this week", ...; see ``nlp/models/claims/periods.csv``)
plus the article's publication date/time into an :class:`Anchor` whose dates are
sessions of the instrument's exchange calendar (:mod:`nlp.calendars`), never
weekday arithmetic.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from nlp.calendars import sessions
from nlp.paths import MODELS as MODELS_ROOT
from nlp.types import MONTHS, WEEKDAYS

MODELS = MODELS_ROOT / "claims"

#: cues in an article's text that make it a report written during the session
INTRADAY_REPORT = re.compile(
    r"\b(midday|mid-day|by the (midday |lunch )?break|morning session|morning trade|"
    r"lunch(time)? break|in afternoon trade|in early trade|at noon)\b",
    re.IGNORECASE,
)
#: cues that the article reports a finished session
CLOSING_REPORT = re.compile(r"\b(closed|ended|finished|settled|at the close)\b", re.IGNORECASE)

#: rolling windows named by the claims extractor: 'past year', 'past 3 months'
ROLLING = re.compile(r"past (?:(\d+) )?(day|session|week|month|quarter|year)s?")
ROLLING_UNITS = {
    "day": lambda n: pd.DateOffset(days=n),
    "week": lambda n: pd.DateOffset(weeks=n),
    "month": lambda n: pd.DateOffset(months=n),
    "quarter": lambda n: pd.DateOffset(months=3 * n),
    "year": lambda n: pd.DateOffset(years=n),
}



@dataclass(frozen=True)
class Anchor:
    """The period a claim is about: ``as_of`` is the session (or window end) date."""

    period: str
    as_of: str | None
    window_start: str | None = None


@dataclass(frozen=True)
class ArticleTime:
    """When an article was published, as the time anchors need it."""

    published: dt.date
    moment: pd.Timestamp | None = None  # UTC, when the article gives a time
    text_anchor: str | None = None  # "intraday" or "session" from the article's wording

    @classmethod
    def from_context(cls, context: dict, text: str = "") -> ArticleTime | None:
        """Build from ``doc._.article``; returns None when it has no usable date."""
        published = parse_date(context.get("published")) if context else None
        moment = parse_moment(context.get("published_time")) if context else None
        if published is None and moment is not None:
            zone = context.get("timezone")
            published = (moment.tz_convert(ZoneInfo(zone)) if zone else moment).date()
        if published is None:
            return None
        return cls(published=published, moment=moment, text_anchor=report_kind(text))


def parse_date(value: str | None) -> dt.date | None:
    """ISO date (or datetime) string -> date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def parse_moment(value: str | None) -> pd.Timestamp | None:
    """ISO datetime with a UTC offset -> UTC Timestamp; None when absent or naive."""
    if not value:
        return None
    try:
        stamp = pd.Timestamp(value)
    except ValueError:
        return None
    return stamp.tz_convert("UTC") if stamp.tzinfo is not None else None


def report_kind(text: str) -> str | None:
    """'intraday' for a midday/morning-session report, 'session' for a closing one, else None."""
    if not text:
        return None
    if INTRADAY_REPORT.search(text):
        return "intraday"
    if CLOSING_REPORT.search(text):
        return "session"
    return None


@cache
def _markets() -> dict[str, str]:
    with open(MODELS / "markets.csv", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {row["place"].strip().upper(): row["exchange"].strip() for row in rows}


def market_of(dateline: str | None, timezone: str | None) -> str | None:
    """The exchange code an article reports on by default (from its dateline, else its zone)."""
    for key in (dateline, timezone):
        if key and key.strip().upper() in _markets():
            return _markets()[key.strip().upper()]
    return None


def _session(found: str | None, code: str, day: dt.date) -> str:
    if found is None:
        raise LookupError(f"no {code} session on or before {day} in the calendar")
    return found


def session_on_or_before(code: str, day: dt.date) -> str:
    """The last session of ``code`` on or before ``day`` (ISO date)."""
    return _session(sessions(code).on_or_before(day.isoformat()), code, day)


def session_before(code: str, day: dt.date) -> str:
    """The last session of ``code`` strictly before ``day`` (ISO date)."""
    return session_on_or_before(code, day - dt.timedelta(days=1))


def last_closed_session(code: str, when: ArticleTime) -> str:
    """The latest session of ``code`` that had closed when the article appeared (ISO date).

    Without a publication time, the published day counts as closed only for a
    closing report; a midday report's last closed session is the one before.
    """
    if when.moment is not None:
        return _session(sessions(code).close_before(when.moment.timestamp()), code, when.published)
    if when.text_anchor == "intraday":
        return session_before(code, when.published)
    return session_on_or_before(code, when.published)


def default_anchor(code: str, when: ArticleTime) -> Anchor:
    """The anchor of a claim that states no period: the article's own.

    A midday/morning-session report (or one published while ``code`` was open)
    -> intraday on the published day; otherwise the last closed session.
    """
    cal = sessions(code)
    today = when.published.isoformat()
    if when.text_anchor == "intraday" and cal.is_session(today):
        return Anchor("intraday", today)
    if when.moment is not None:  # filed while the market was open: its close was not known yet
        local_day = session_on_or_before(code, when.moment.tz_convert(ZoneInfo(cal.timezone)).date())
        opens, closes = cal.open_close(local_day)
        if opens <= when.moment.timestamp() < closes:
            return Anchor("intraday", local_day)
    return Anchor("session", last_closed_session(code, when))


def resolve(period: str, code: str, when: ArticleTime) -> Anchor:
    """Dates for a period label of ``nlp/models/claims/periods.csv``, a rolling window or a weekday name.

    'past 3 months' -> window_start three months before the article, as_of its last
    closed session; 'unspecified' and 'since <event>' keep the label with the default
    as_of and no window_start (the text gives no date to start from).

    ``code`` is the instrument's exchange: 'overnight' from Tokyo about a US index is
    that index's last session before the article's day. Unknown labels keep the
    text as period with the default as_of.
    """
    published = when.published
    if period == "intraday":
        return Anchor("intraday", session_on_or_before(code, published))
    if period == "session":
        return Anchor("session", last_closed_session(code, when))
    if period in ("overnight", "previous session"):
        return Anchor(period, session_before(code, published))
    if period in WEEKDAYS:
        back = (published.weekday() - WEEKDAYS.index(period)) % 7
        day = published - dt.timedelta(days=back)
        if back == 0:
            return default_anchor(code, when)
        return Anchor("session", session_on_or_before(code, day))
    monday = published - dt.timedelta(days=published.weekday())
    if period == "earlier this week":
        return Anchor(period, session_before(code, published), monday.isoformat())
    if period == "this week":
        return Anchor("week", session_on_or_before(code, published), monday.isoformat())
    if period == "last week":
        if published.weekday() >= 5:  # a weekend story's last week is the one that just ended
            return Anchor(period, session_on_or_before(code, published), monday.isoformat())
        end = monday - dt.timedelta(days=1)
        start = monday - dt.timedelta(days=7)
        return Anchor(period, session_on_or_before(code, end), start.isoformat())
    first = published.replace(day=1)
    if period == "this month":
        end = session_on_or_before(code, published)
        if end < first.isoformat():  # a story before the month's first session: the month just ended
            first = dt.date.fromisoformat(end).replace(day=1)
        return Anchor("month", end, first.isoformat())
    if period == "last month":
        end = first - dt.timedelta(days=1)
        return Anchor(period, session_on_or_before(code, end), end.replace(day=1).isoformat())
    if period == "year to date":
        start = published.replace(month=1, day=1)
        return Anchor(period, last_closed_session(code, when), start.isoformat())
    if period == "last year":
        start = dt.date(published.year - 1, 1, 1)
        end = dt.date(published.year - 1, 12, 31)
        return Anchor("year", session_on_or_before(code, end), start.isoformat())
    if period.startswith("in ") and period[3:] in MONTHS:  # 'fell 4 percent in August': the latest such month
        month = MONTHS.index(period[3:]) + 1
        year = published.year if month <= published.month else published.year - 1
        first_day = dt.date(year, month, 1)
        last_day = (first_day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if last_day >= published:
            return Anchor("month", last_closed_session(code, when), first_day.isoformat())
        return Anchor("month", session_on_or_before(code, last_day), first_day.isoformat())
    if period == "last quarter":
        this_start = published.replace(month=3 * ((published.month - 1) // 3) + 1, day=1)
        end = this_start - dt.timedelta(days=1)
        start = end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1)
        return Anchor("quarter", session_on_or_before(code, end), start.isoformat())
    if period == "this quarter":
        start = published.replace(month=3 * ((published.month - 1) // 3) + 1, day=1)
        return Anchor("quarter", last_closed_session(code, when), start.isoformat())
    rolling = ROLLING.fullmatch(period)
    if rolling:
        count, unit = int(rolling.group(1) or 1), rolling.group(2)
        end = last_closed_session(code, when)
        if unit == "session":  # n sessions of the exchange, the last closed one included
            return Anchor(period, end, _session(sessions(code).offset(end, 1 - count), code, when.published))
        start = (pd.Timestamp(published) - ROLLING_UNITS[unit](count)).date()
        return Anchor(period, end, start.isoformat())
    # 'unspecified', 'since the election': no window start the text lets us date
    return Anchor(period, default_anchor(code, when).as_of)
