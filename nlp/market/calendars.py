"""Trading sessions per exchange, from ``exchange_calendars``, and which exchange a symbol trades on.

Calendar objects are slow to build and slow to query, so each exchange's
sessions are built once (cached) into plain sorted ISO dates and UTC epoch
seconds of the open and close; lookups are then bisections.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import exchange_calendars as xcals

#: Calendar range built: wide enough for the article archives, short enough to build fast.
CALENDAR_START = "1990-01-01"
CALENDAR_END = "2030-12-31"

#: Fallback when no instrument master is given: index symbol -> exchange.
INDEX_EXCHANGES = {
    "^N225": "XTKS", "^TOPX": "XTKS", "^GSPC": "XNYS", "^DJI": "XNYS", "^IXIC": "XNAS",
    "^NDX": "XNAS", "^RUT": "XNYS", "^FTSE": "XLON", "^GDAXI": "XETR", "^HSI": "XHKG",
}
#: Fallback: Yahoo suffix -> exchange.
SUFFIX_EXCHANGES = {".T": "XTKS", ".L": "XLON", ".DE": "XETR", ".HK": "XHKG", ".PA": "XPAR",
                    ".TO": "XTSE", ".AX": "XASX", ".SS": "XSHG", ".KS": "XKRX"}
#: Fallback: exchange -> its main index, for abnormal returns.
MAIN_INDEXES = {"XTKS": "^N225", "XNYS": "^GSPC", "XNAS": "^GSPC", "XLON": "^FTSE",
                "XETR": "^GDAXI", "XHKG": "^HSI"}


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


@functools.cache
def sessions(code: str) -> Sessions:
    """The sessions of exchange ``code`` (e.g. "XTKS") over CALENDAR_START..CALENDAR_END.

    Raises KeyError for a code exchange_calendars does not know.
    """
    try:
        factory = xcals.get_calendar(code, start=CALENDAR_START, end=CALENDAR_END)
    except ValueError:
        # the calendar begins later than CALENDAR_START (XTKS: 1997)
        cls = type(xcals.get_calendar(code))
        start = max(CALENDAR_START, str(cls.bound_min().date()))
        factory = xcals.get_calendar(code, start=start, end=CALENDAR_END)
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
        from zoneinfo import ZoneInfo

        try:
            moment = moment.replace(tzinfo=ZoneInfo(timezone))
        except (KeyError, ValueError):
            return None
    return moment.timestamp()


def _master_instrument(master: Any, symbol: str) -> Any:
    if master is None:
        return None
    try:
        return master.get(symbol)
    except (KeyError, LookupError):
        return None


def exchange_for(symbol: str, master: Any = None) -> str | None:
    """The exchange_calendars code ``symbol`` trades on: the master's, else by index name or suffix."""
    inst = _master_instrument(master, symbol)
    code = getattr(inst, "exchange", None) if inst is not None else None
    if isinstance(code, str) and code:
        return code
    if symbol in INDEX_EXCHANGES:
        return INDEX_EXCHANGES[symbol]
    for suffix, exchange in SUFFIX_EXCHANGES.items():
        if symbol.endswith(suffix):
            return exchange
    if symbol.startswith("^") or "=" in symbol:
        return None  # an index or currency the fallback does not know
    return "XNYS"  # plain US tickers: NYSE and Nasdaq share the same sessions


def is_equity(symbol: str, master: Any = None) -> bool:
    """Whether ``symbol`` is a stock (the master's kind, else: not an index / currency symbol)."""
    inst = _master_instrument(master, symbol)
    kind = getattr(inst, "kind", None) if inst is not None else None
    if isinstance(kind, str) and kind:
        return kind == "equity"
    return not (symbol.startswith("^") or symbol.startswith(".") or "=" in symbol)


def main_index_for(exchange: str | None, master: Any = None, symbol: str | None = None) -> str | None:
    """The index to measure ``symbol``'s excess move against.

    The master's instrument ``main_index``, else its exchange's ``main_index``,
    else a fallback by exchange code; None when nothing is known.
    """
    inst = _master_instrument(master, symbol) if symbol else None
    own = getattr(inst, "main_index", None) if inst is not None else None
    if isinstance(own, str) and own:
        return own
    if not exchange:
        return None
    if master is not None and hasattr(master, "exchange"):
        try:
            info = master.exchange(exchange)
        except (KeyError, LookupError):
            info = None
        index = getattr(info, "main_index", None) if info is not None else None
        if isinstance(index, str) and index:
            return index
    return MAIN_INDEXES.get(exchange)
