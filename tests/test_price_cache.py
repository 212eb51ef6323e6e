"""The run's price cache (nlp.market.series.StorePrices) keeps only the symbols used last, so a run
over an archive naming thousands of symbols keeps its memory flat."""

from __future__ import annotations

import sqlite3

from nlp.market.series import StorePrices


def _prices(symbols: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE prices (symbol TEXT, date TEXT, high REAL, low REAL, close REAL,"
                 " dividend REAL, split REAL, volume REAL)")
    for k, symbol in enumerate(symbols):
        for day in range(1, 6):
            close = 100.0 * (k + 1) + day
            conn.execute("INSERT INTO prices VALUES (?, ?, ?, ?, ?, 0, 1, 1000)",
                         (symbol, f"2024-01-0{day}", close + 1, close - 1, close))
    return conn


def test_the_cache_keeps_the_symbols_used_last_and_rereads_the_rest():
    prices = StorePrices(_prices(["A", "B", "C"]), max_series=2)
    first = prices.series("A")
    prices.series("B")
    prices.series("A")  # A used again: B is now the oldest
    prices.series("C")
    assert list(prices._cache) == ["A", "C"]
    assert prices.series("A") is first  # still cached
    again = prices.series("B")  # evicted, read again, the same bars
    assert again is not None and again.symbol == "B"
    assert len(prices._cache) == 2


def test_a_missing_symbol_is_cached_as_none_within_the_bound():
    prices = StorePrices(_prices(["A"]), max_series=1)
    assert prices.series("ZZZ") is None
    assert prices.series("A") is not None
    assert list(prices._cache) == ["A"]


def test_the_default_bound():
    assert StorePrices(_prices([])).max_series == StorePrices.MAX_SERIES
