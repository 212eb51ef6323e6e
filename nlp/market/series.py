"""Price series held in memory for checking, and where they come from.

A :class:`PriceSeries` is one symbol's bars as parallel lists sorted by date,
with running maxima / minima built on first use so that record checks
("highest ever before this date") are one bisection. A price source is
anything with ``series(symbol) -> PriceSeries | None``: :class:`StorePrices`
reads the SQLite store once per symbol and keeps the series in memory,
:class:`MemoryPrices` wraps bars already in hand.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Protocol

from nlp.market.prices import PriceBar


class PriceSeries:
    """One symbol's daily bars, by date (ISO strings), as parallel lists."""

    def __init__(self, symbol: str, bars: Iterable[dict[str, Any] | PriceBar]):
        rows = [b.row() if isinstance(b, PriceBar) else b for b in bars]
        rows = [r for r in rows if r.get("close") is not None]
        rows.sort(key=lambda r: r["date"])
        self.symbol = symbol
        self.dates: list[str] = [r["date"] for r in rows]
        self.close: list[float] = [float(r["close"]) for r in rows]
        self.high: list[float | None] = [r.get("high") for r in rows]
        self.low: list[float | None] = [r.get("low") for r in rows]
        self.dividend: list[float | None] = [r.get("dividend") for r in rows]
        self.split: list[float | None] = [r.get("split") for r in rows]
        self.volume: list[float | None] = [r.get("volume") for r in rows]
        self._running: dict[str, tuple[list[float], list[int]]] = {}
        self._filled: dict[str, list[float]] = {}

    @classmethod
    def from_columns(cls, symbol: str, dates: list[str], close: list[float],
                     high: list[float | None], low: list[float | None],
                     dividend: list[float | None], split: list[float | None],
                     volume: list[float | None] | None = None) -> PriceSeries:
        """A series from parallel lists already sorted by date (no copying, no checks)."""
        self = cls.__new__(cls)
        self.symbol, self.dates, self.close, self.high, self.low = symbol, dates, close, high, low
        self.dividend, self.split = dividend, split
        self.volume = volume if volume is not None else [None] * len(dates)
        self._running, self._filled = {}, {}
        return self

    def __len__(self) -> int:
        return len(self.dates)

    def index(self, date: str) -> int | None:
        """Position of the bar dated ``date``, or None."""
        i = bisect.bisect_left(self.dates, date)
        return i if i < len(self.dates) and self.dates[i] == date else None

    def position(self, date: str) -> int:
        """Position of the first bar on or after ``date`` (``len(self)`` when none)."""
        return bisect.bisect_left(self.dates, date)

    def before(self, date: str) -> int | None:
        """Position of the last bar strictly before ``date``, or None."""
        i = bisect.bisect_left(self.dates, date)
        return i - 1 if i > 0 else None

    def on_or_before(self, date: str) -> int | None:
        i = bisect.bisect_right(self.dates, date)
        return i - 1 if i > 0 else None

    def values(self, field: str) -> list[float]:
        """The ``field`` values (high, low, close), a missing high / low read as the close."""
        if field == "close":
            return self.close
        if field not in self._filled:
            raw = self.high if field == "high" else self.low
            self._filled[field] = [c if v is None else v for v, c in zip(raw, self.close)]
        return self._filled[field]

    def running(self, field: str, highest: bool) -> tuple[list[float], list[int]]:
        """Running max (``highest``) or min of ``field`` and where it was set, per position."""
        key = f"{field}:{'max' if highest else 'min'}"
        if key not in self._running:
            best: list[float] = []
            where: list[int] = []
            cur, at = None, -1
            for i, v in enumerate(self.values(field)):
                if cur is None or (v > cur if highest else v < cur):
                    cur, at = v, i
                best.append(cur)
                where.append(at)
            self._running[key] = (best, where)
        return self._running[key]

    def extreme(self, field: str, highest: bool, start: int, stop: int) -> tuple[float, int] | None:
        """Max (``highest``) or min of ``field`` over positions start..stop-1 and its position."""
        if stop <= start:
            return None
        if start == 0:
            best, where = self.running(field, highest)
            return best[stop - 1], where[stop - 1]
        vals = self.values(field)[start:stop]
        value = max(vals) if highest else min(vals)
        return value, start + vals.index(value)

    def splits_after(self, date: str) -> float:
        """Product of the split ratios that take effect after ``date`` (1.0 when none stored)."""
        factor = 1.0
        for d, s in zip(self.dates[bisect.bisect_right(self.dates, date):],
                        self.split[bisect.bisect_right(self.dates, date):]):
            if s:
                factor *= s
        return factor

    def has_split_data(self) -> bool:
        return any(self.split)


class PriceSource(Protocol):
    """Where checks get prices: ``series(symbol)`` returns the symbol's series or None."""

    def series(self, symbol: str) -> PriceSeries | None: ...


class MemoryPrices:
    """A price source over bars already in memory (dicts with symbol, date, close, ...)."""

    def __init__(self, bars: Iterable[dict[str, Any] | PriceBar] = ()):
        grouped: dict[str, list[dict[str, Any]]] = {}
        for b in bars:
            row = b.row() if isinstance(b, PriceBar) else b
            grouped.setdefault(row["symbol"], []).append(row)
        self._series = {s: PriceSeries(s, rows) for s, rows in grouped.items()}

    def series(self, symbol: str) -> PriceSeries | None:
        return self._series.get(symbol)


class StorePrices:
    """A price source over a newslink Store (or a sqlite3 connection to its database).

    The series of the ``max_series`` symbols used last are kept in memory (a series of ten years
    of daily bars is about 0.3 MB as Python lists, and re-reading one costs a few milliseconds),
    so a run over an archive that names thousands of symbols keeps its memory flat.
    """

    #: the series kept; a run's checks and reactions come back to a few hot symbols (the indices)
    MAX_SERIES = 64

    def __init__(self, store: Any, max_series: int | None = None):
        self.store = store
        self.max_series = max(1, max_series or self.MAX_SERIES)
        self._cache: OrderedDict[str, PriceSeries | None] = OrderedDict()

    def series(self, symbol: str) -> PriceSeries | None:
        if symbol in self._cache:
            self._cache.move_to_end(symbol)
            return self._cache[symbol]
        found = self._cache[symbol] = self._read(symbol)
        while len(self._cache) > self.max_series:
            self._cache.popitem(last=False)
        return found

    def _read(self, symbol: str) -> PriceSeries | None:
        conn = self.store if isinstance(self.store, sqlite3.Connection) else getattr(self.store, "conn", None)
        if conn is None:
            bars = self.store.price_bars(symbol)
            return PriceSeries(symbol, bars) if bars else None
        # plain tuples of the columns checks use: several times faster than dict rows
        rows = conn.execute(
            "SELECT date, high, low, close, dividend, split, volume FROM prices"
            " WHERE symbol = ? AND close IS NOT NULL ORDER BY date", (symbol,)).fetchall()
        if not rows:
            return None
        dates, high, low, close, dividend, split, volume = (list(c) for c in zip(*rows))
        return PriceSeries.from_columns(symbol, dates, close, high, low, dividend, split, volume)
