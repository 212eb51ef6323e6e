"""The window a claim is about, typed: which sessions its figure covers and what set them.

A claim says its period in words ("closed", "this week", "so far this year", "in after-market
trade") or says none, and then the article's publication time against the exchange's hours
decides (a story filed at midday is about the session so far). :func:`window_of` reads those
once, from the claim's fields (``period``, ``as_of``, ``window_start``, ``after_hours``,
``window_explicit``, ``day_named``) and the article's time, into a :class:`Window` whose
sessions come from :mod:`nlp.calendars`. The checker measures over the window and never reads
the wording again.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from nlp.calendars import Sessions, to_epoch

#: Window kinds. Premarket moves have no kind of their own: their wording is a doubt
#: (nlp.components.doubts) and daily bars cannot check them, like after-hours ones.
INTRADAY, SESSION, AFTER_HOURS, OVERNIGHT = "intraday", "session", "after-hours", "overnight"
MULTI_SESSION, WEEK, MONTH, QUARTER, YEAR_TO_DATE, YEAR = (
    "multi-session", "week", "month", "quarter", "year-to-date", "year")
SINCE, ROLLING, UNSPECIFIED = "since", "rolling", "unspecified"
ONE_SESSION_KINDS = frozenset({INTRADAY, SESSION, OVERNIGHT})
MULTI_SESSION_KINDS = frozenset({MULTI_SESSION, WEEK, MONTH, QUARTER, YEAR_TO_DATE, YEAR, SINCE, ROLLING})

INTRADAY_PERIODS = ("intraday", "midday", "morning", "afternoon", "noon", "lunch", "early trade",
                    "early trading", "in trade", "by the break", "opening", "at the open")
SESSION_PERIODS = ("session", "close", "closed", "closing", "ended", "on the day", "day")
OVERNIGHT_PERIODS = ("overnight", "last night", "previous session", "prior session")
#: the period of a move over a longer span the text does not state (has risen, is now up, +60%)
UNSPECIFIED_PERIOD = "unspecified"
UNSPECIFIED_NOTE = "the text does not say over which period"
AFTER_HOURS_NOTE = "after-hours move: daily bars do not show extended trading"


@dataclass(frozen=True)
class Window:
    """The sessions a claim's figure covers.

    ``kind`` is one of the kinds above; ``basis`` names the measurement ('intraday', 'session',
    'week', 'past 2 sessions', 'since december 31'); ``first`` .. ``last`` are the window's days
    (for a one-session kind both are the session); ``words`` is the wording that set it (the
    claim's period, or '' for the default) and ``how`` what decided a one-session basis
    ('period', 'written before the close', 'written before the open', 'default'). ``note`` says
    why the window has no dates (the claim is then unverifiable over it). ``session`` is the one
    session a claim that reads a point (a level, a record, a distance) is read on.
    """

    kind: str
    basis: str
    first: str | None = None
    last: str | None = None
    words: str = ""
    how: str = "default"
    explicit: bool = False
    day_named: bool = True
    note: str | None = None
    session: str | None = None
    session_basis: str = SESSION
    session_note: str | None = None
    calendar: Sessions | None = field(default=None, compare=False, repr=False)

    @property
    def multi(self) -> bool:
        return self.kind in MULTI_SESSION_KINDS and self.first is not None and self.last is not None

    @property
    def sessions(self) -> tuple[str, ...]:
        """The exchange's sessions from ``first`` to ``last`` (() without a calendar or dates)."""
        if self.calendar is None or self.first is None or self.last is None:
            return ()
        return self.calendar.between(self.first, self.last)

    def public(self) -> dict[str, Any]:
        return {"kind": self.kind, "basis": self.basis, "first": self.first, "last": self.last,
                "sessions": len(self.sessions) or None, "words": self.words or None, "how": self.how,
                "explicit": self.explicit, "day_named": self.day_named}


def published_epoch(article: dict[str, Any]) -> float | None:
    """UTC epoch seconds of the article's publication time, or None when it gives none."""
    if not article.get("published_time"):
        return None
    return to_epoch(article["published_time"], article.get("timezone"))


def period_of(claim: dict[str, Any]) -> str:
    return (claim.get("period") or "").lower().strip()


@functools.lru_cache(maxsize=4096)
def has_words(period: str, words: tuple[str, ...]) -> bool:
    """Whether ``period`` holds one of ``words`` as whole words (cached: periods repeat)."""
    return _words_pattern(words).search(period) is not None


@functools.cache
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def window_of(claim: dict[str, Any], article: dict[str, Any], calendar: Sessions | None,
              exchange: str | None, bar_before: Callable[[str], str | None]) -> Window:
    """The window of ``claim`` in ``article`` (``published``, ``published_time``, ``timezone``).

    ``calendar`` is the sessions of the claim's exchange (None when unknown); ``bar_before(date)``
    gives the last price date before ``date``, for an overnight claim without a calendar.
    """
    published = article.get("published")
    published_at = published_epoch(article)
    period = period_of(claim)
    explicit = bool(claim.get("window_explicit", claim.get("period") is not None))
    common = dict(words=claim.get("period") or "", explicit=explicit,
                  day_named=bool(claim.get("day_named", True)), calendar=calendar)
    overnight = has_words(period, OVERNIGHT_PERIODS)
    if overnight:
        date, why = _session_date(claim, published, published_at, article, calendar, exchange,
                                  bar_before, overnight=True)
        return Window(OVERNIGHT, SESSION, date, date, how="period", note=why, session=date,
                      session_note=why, **common)
    date, why = _session_date(claim, published, published_at, article, calendar, exchange,
                              bar_before, overnight=False)
    basis, how = SESSION, "default"
    if date is not None:
        basis, date, how = _resolve_basis(period, date, published, published_at, calendar)
        if date is None:
            why = "no session before the article"
        elif basis == INTRADAY and calendar is not None and calendar.covers(date) \
                and not calendar.is_session(date):
            why = f"no {exchange} session on {date}"
    point = dict(session=date if why is None else None, session_basis=basis, session_note=why)
    if claim.get("after_hours"):
        return Window(AFTER_HOURS, AFTER_HOURS, date, date, how="period", note=AFTER_HOURS_NOTE,
                      **point, **common)
    if period == UNSPECIFIED_PERIOD:
        return Window(UNSPECIFIED, UNSPECIFIED, note=UNSPECIFIED_NOTE, **point, **common)
    if period.startswith("since ") and not claim.get("window_start"):
        return Window(SINCE, period, note=f"{UNSPECIFIED_NOTE} ({period}: no date to measure from)",
                      **point, **common)
    span = _span(claim, published)
    if span is not None:
        basis_name, first, last = span
        return Window(kind_of(basis_name), basis_name, _ended(basis_name, first, last), last, how="period",
                      **point, **common)
    return Window(INTRADAY if basis == INTRADAY else SESSION, basis, date, date, how=how, note=why,
                  **point, **common)


def kind_of(basis: str) -> str:
    """The window kind of a basis name ('past 3 months' -> rolling, 'past 2 sessions' -> multi-session)."""
    if basis in (WEEK, MONTH, YEAR_TO_DATE, YEAR, QUARTER):
        return basis
    if re.fullmatch(r"past \d+ sessions", basis):
        return MULTI_SESSION
    if basis.startswith("since "):
        return SINCE
    if basis.startswith("past "):
        return ROLLING
    return QUARTER if "quarter" in basis else MULTI_SESSION


def _span(claim: dict[str, Any], published: str | None) -> tuple[str, str, str] | None:
    """(basis, first day, last day) of a week / month / year window the claim's period names."""
    period = period_of(claim)
    end = claim.get("as_of") or published
    if not end:
        return None
    day = dt.date.fromisoformat(end)
    start = claim.get("window_start")
    if re.search(r"\blast month\b|\bprevious month\b", period):
        first = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        last = day.replace(day=1) - dt.timedelta(days=1)
        if claim.get("as_of") and start:  # the extractor already resolved the month
            first, last = dt.date.fromisoformat(start), day
        return MONTH, first.isoformat(), last.isoformat()
    if re.search(r"\blast week\b|\bprevious week\b", period):
        if claim.get("as_of") and start:  # the extractor already resolved the week
            return WEEK, start, end
        monday = day - dt.timedelta(days=day.weekday())
        return WEEK, (monday - dt.timedelta(days=7)).isoformat(), (monday - dt.timedelta(days=1)).isoformat()
    if re.search(r"\blast year\b|\bprevious year\b", period):
        return YEAR, dt.date(day.year - 1, 1, 1).isoformat(), dt.date(day.year - 1, 12, 31).isoformat()
    if re.search(r"year.to.date|\bytd\b|\bthis year\b|so far in \d{4}|\bthe year\b", period):
        return YEAR_TO_DATE, start or dt.date(day.year, 1, 1).isoformat(), end
    if re.search(r"month.to.date|\bthis month\b", period):
        return MONTH, start or day.replace(day=1).isoformat(), end
    if re.search(r"week.to.date|\bthis week\b|\bthe week\b", period):
        return WEEK, start or (day - dt.timedelta(days=day.weekday())).isoformat(), end
    if start:
        return period or "window", start, end
    return None


def _ended(basis: str, first: str, last: str) -> str:
    """The window's first day, when the story came before its first session: a weekend story
    at the start of a month ('for the month of August', published Sunday 1 September) is
    about the month (week, quarter, year) that just ended."""
    if first <= last:
        return first
    day = dt.date.fromisoformat(last)
    if basis == WEEK:
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    if basis == YEAR_TO_DATE:
        return day.replace(month=1, day=1).isoformat()
    if basis == QUARTER or "quarter" in basis:
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1).isoformat()
    return day.replace(day=1).isoformat()


def _session_date(claim: dict[str, Any], published: str | None, published_at: float | None,
                  article: dict[str, Any], cal: Sessions | None, exchange: str | None,
                  bar_before: Callable[[str], str | None], overnight: bool) -> tuple[str | None, str | None]:
    """(session date, why not) of a claim about one session."""
    if overnight:
        if claim.get("as_of"):
            date = claim["as_of"]
        else:
            moment = published_at
            if moment is None and published:
                # no time: take the article's local noon, which orders it against the other market
                moment = to_epoch(f"{published}T12:00:00", article.get("timezone") or "UTC")
            date = None
            if cal is not None and moment is not None:
                date = cal.close_before(moment)
            elif published:
                date = bar_before(published)
        if date is None:
            return None, "no session before the article"
        return date, None
    date = claim.get("as_of") or published
    if not date:
        return None, "the article has no date"
    if cal is not None and cal.covers(date) and not cal.is_session(date):
        # an as_of that is only the article's own date does not name a session
        if claim.get("as_of") and claim["as_of"] != published:
            return None, f"no {exchange} session on {date}"
        date = cal.on_or_before(date)  # a weekend story about the last session
    return date, None


def _resolve_basis(period: str, date: str, published: str | None, published_at: float | None,
                   cal: Sessions | None) -> tuple[str, str | None, str]:
    """(basis, session date, how chosen) of a one-session claim: intraday or the session."""
    if has_words(period, INTRADAY_PERIODS):
        return INTRADAY, date, "period"
    explicit_session = has_words(period, SESSION_PERIODS)
    if published_at is not None and cal is not None and date == published:
        times = cal.open_close(date)
        if times is not None:
            opens, closes = times
            if published_at < opens and not explicit_session:
                return SESSION, cal.previous(date), "written before the open"
            if published_at < closes and not explicit_session:
                return INTRADAY, date, "written before the close"
    return SESSION, date, "period" if explicit_session else "default"
