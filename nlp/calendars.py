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
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import exchange_calendars as xcals

#: Calendar range built: wide enough for the article archives, short enough to build fast.
CALENDAR_START = "1990-01-01"
CALENDAR_END = "2030-12-31"

log = logging.getLogger(__name__)

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

    Built once per machine and exchange_calendars version: building a calendar takes 0.1-0.2 s
    (five of them were 4% of a 200-article run), so the table is kept in :func:`cache_dir` and
    read back in milliseconds by later processes. Raises KeyError for a code exchange_calendars
    does not know.
    """
    path = _cache_file(code)
    if path is not None:
        cached = _read_cached(path, code)
        if cached is not None:
            return cached
    table = _build(code)
    if path is not None:
        _write_cached(path, table)
    return table


def _build(code: str) -> Sessions:
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
    return Sessions(code=code, dates=tuple(factory.sessions.strftime("%Y-%m-%d")),
                    opens=_epochs(factory.opens), closes=_epochs(factory.closes),
                    timezone=str(factory.tz))


def _epochs(instants) -> tuple[float, ...]:
    """UTC epoch seconds of a tz-aware datetime Series, as ``Timestamp.timestamp()`` gives them."""
    nanos = instants.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return tuple((nanos.astype("int64") / 1e9).tolist())


#: environment variable naming the folder for tables newslink builds once per machine
CACHE_ENV = "NEWSLINK_CACHE_DIR"


def cache_dir() -> Path:
    """Where built tables are kept: $NEWSLINK_CACHE_DIR, else $XDG_CACHE_HOME/newslink, else
    ~/.cache/newslink. Set NEWSLINK_CACHE_DIR to an empty string to keep nothing on disk."""
    if CACHE_ENV in os.environ:
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newslink"


def _cache_file(code: str) -> Path | None:
    if os.environ.get(CACHE_ENV) == "" or not code.isalnum():
        return None
    version = getattr(xcals, "__version__", "unknown")
    return cache_dir() / "sessions" / f"xcals-{version}" / f"{code}-{CALENDAR_START}-{CALENDAR_END}.json"


def _read_cached(path: Path, code: str) -> Sessions | None:
    """The table kept at ``path``, or None when it is absent or does not read as one."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        table = Sessions(code=code, dates=tuple(raw["dates"]), opens=tuple(map(float, raw["opens"])),
                         closes=tuple(map(float, raw["closes"])), timezone=str(raw["timezone"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not table.dates or not len(table.dates) == len(table.opens) == len(table.closes):
        return None
    return table


def _write_cached(path: Path, table: Sessions) -> None:
    """Keep ``table`` at ``path`` (written whole, then renamed); a folder that cannot be written
    is no error: the next process builds the table again."""
    body = json.dumps({"code": table.code, "timezone": table.timezone, "dates": table.dates,
                       "opens": table.opens, "closes": table.closes})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        log.debug("sessions of %s not cached at %s: %s", table.code, path, err)


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
