"""Fetch daily bars from Yahoo Finance through yfinance (the optional ``fetch`` extra), for users online.

Raw closes only: bars are asked for with ``auto_adjust=False`` so ``Close``
is the traded close and ``Adj Close`` goes to ``adj_close``; yfinance's
adjusted close is never stored as a raw one.
"""

from __future__ import annotations

import datetime as dt
import importlib
import socket
from typing import Any

from nlp.errors import NewslinkError
from nlp.market.prices import PriceBar, canonical_symbol

YAHOO_HOST = "query2.finance.yahoo.com"
#: Master symbol -> the spelling Yahoo answers to, where they differ.
YAHOO_SYMBOLS: dict[str, str] = {}


class FetchError(NewslinkError, RuntimeError):
    """Prices cannot be fetched: yfinance missing, offline, or Yahoo returned nothing."""

    code = "NL302"


def _yfinance() -> Any:
    try:
        return importlib.import_module("yfinance")
    except ImportError:
        raise FetchError("yfinance is not installed: `pip install 'newslink[fetch]'`, or import "
                         "price files with `newslink prices import`") from None


def _online(host: str = YAHOO_HOST, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def fetch_prices(symbols: list[str], start: str, end: str, *, yfinance: Any = None,
                 check_online: bool = True) -> list[PriceBar]:
    """Daily bars of ``symbols`` from ``start`` to ``end`` (ISO dates, both included).

    Returns bars with raw closes. Raises FetchError at once when yfinance is not
    installed or Yahoo cannot be reached, and when a symbol returns no rows.
    """
    yf = yfinance or _yfinance()
    if check_online and not _online():
        raise FetchError(f"cannot reach {YAHOO_HOST}: offline? Import price files with "
                         "`newslink prices import` instead")
    last = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()  # yfinance's end is exclusive
    bars: list[PriceBar] = []
    for raw in symbols:
        symbol = canonical_symbol(raw)
        frame = yf.Ticker(YAHOO_SYMBOLS.get(symbol, symbol)).history(
            start=start, end=last, auto_adjust=False, actions=True)
        if frame is None or len(frame) == 0:
            raise FetchError(f"{symbol}: Yahoo returned no prices for {start}..{end}")
        for stamp, row in frame.iterrows():
            close = _value(row, "Close")
            if close is None:
                continue
            bars.append(PriceBar(
                symbol=symbol, date=stamp.date().isoformat(), open=_value(row, "Open"),
                high=_value(row, "High"), low=_value(row, "Low"), close=close,
                adj_close=_value(row, "Adj Close"), volume=_value(row, "Volume"),
                dividend=_value(row, "Dividends") or None, split=_value(row, "Stock Splits") or None,
                source=f"yfinance {dt.date.today().isoformat()}",
            ))
    return bars


def _value(row: Any, name: str) -> float | None:
    try:
        v = row[name]
    except KeyError:
        return None
    if v is None:
        return None
    v = float(v)
    return None if v != v else v  # NaN
