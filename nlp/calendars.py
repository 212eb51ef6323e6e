"""Trading sessions per exchange: the package's one wrapper of ``exchange_calendars``.

Calendar objects are slow to build and slow to query, so each exchange's sessions are built
once (cached) into plain sorted ISO dates and UTC epoch seconds of the open and close; lookups
are then bisections. The claims extractor (dating a claim) and the checker (the sessions a
window covers) both read sessions from here; neither imports ``exchange_calendars`` itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import exchange_calendars as xcals

#: Calendar range built: wide enough for the article archives, short enough to build fast.
CALENDAR_START = "1990-01-01"
CALENDAR_END = "2030-12-31"

@dataclass(frozen=True)
class Sessions:
    """One exchange's sessions: ISO dates with open / close instants (UTC epoch seconds)."""

    code: str
    dates: tuple[str, ...]
    opens: tuple[float, ...]
    closes: tuple[float, ...]
    timezone: str

    @property
    def first(self) -> str:
        return self.dates[0]

    @property
    def last(self) -> str:
        return self.dates[-1]

    def covers(self, date: str) -> bool:
        """Whether ``date`` lies in the range the calendar was built for."""
        return self.first <= date <= self.last

    def is_session(self, date: str) -> bool:
        i = bisect.bisect_left(self.dates, date)
        return i < len(self.dates) and self.dates[i] == date

    def previous(self, date: str) -> str | None:
        """The last session strictly before ``date``, or None."""
        i = bisect.bisect_left(self.dates, date)
        return self.dates[i - 1] if i > 0 else None

    def on_or_before(self, date: str) -> str | None:
        i = bisect.bisect_right(self.dates, date)
        return self.dates[i - 1] if i > 0 else None

    def close_before(self, instant: float) -> str | None:
        """The last session whose close is at or before the UTC epoch ``instant``."""
        i = bisect.bisect_right(self.closes, instant)
        return self.dates[i - 1] if i > 0 else None

    def open_close(self, date: str) -> tuple[float, float] | None:
        i = bisect.bisect_left(self.dates, date)
        if i < len(self.dates) and self.dates[i] == date:
            return self.opens[i], self.closes[i]
        return None

    def offset(self, date: str, n: int) -> str | None:
        """The session ``n`` sessions after (negative: before) session ``date``, or None."""
        i = bisect.bisect_left(self.dates, date)
        if i >= len(self.dates) or self.dates[i] != date or not 0 <= i + n < len(self.dates):
            return None
        return self.dates[i + n]

    def between(self, first: str, last: str) -> tuple[str, ...]:
        """The sessions from ``first`` to ``last``, both included."""
        return self.dates[bisect.bisect_left(self.dates, first): bisect.bisect_right(self.dates, last)]


@functools.cache
def sessions(code: str) -> Sessions:
    """The sessions of exchange ``code`` (e.g. "XTKS") over CALENDAR_START..CALENDAR_END.

    Raises KeyError for a code exchange_calendars does not know.
    """
    try:
        factory = xcals.get_calendar(code, start=CALENDAR_START, end=CALENDAR_END)
    except ValueError:
        # the calendar's holidays begin later than CALENDAR_START (XTKS: 1997) or end before
        # CALENDAR_END (XSHG: 2026): build the range it knows
        cls = type(xcals.get_calendar(code))
        low, high = cls.bound_min(), cls.bound_max()
        start = max(CALENDAR_START, str(low.date())) if low is not None else CALENDAR_START
        end = min(CALENDAR_END, str(high.date())) if high is not None else CALENDAR_END
        factory = xcals.get_calendar(code, start=start, end=end)
    except xcals.errors.InvalidCalendarName as exc:
        raise KeyError(code) from exc
    dates = tuple(d.date().isoformat() for d in factory.sessions)
    opens = tuple(t.timestamp() for t in factory.opens)
    closes = tuple(t.timestamp() for t in factory.closes)
    return Sessions(code=code, dates=dates, opens=opens, closes=closes, timezone=str(factory.tz))


@functools.cache
def _calendar_names() -> frozenset[str]:
    return frozenset(xcals.get_calendar_names())


def known_exchange(code: str | None) -> bool:
    return bool(code) and code in _calendar_names()


def to_epoch(iso: str, timezone: str | None = None) -> float | None:
    """UTC epoch seconds of an ISO datetime; a naive one is read in ``timezone``. None if unreadable."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        if not timezone:
            return None
        try:
            moment = moment.replace(tzinfo=ZoneInfo(timezone))
        except (KeyError, ValueError):
            return None
    return moment.timestamp()
