"""Which exchange a symbol trades on, and that exchange's main index (for excess returns).

The instrument master says it when given; otherwise these fallbacks (index symbols, Yahoo
suffixes) do. Sessions themselves come from :mod:`nlp.calendars`.
"""

from __future__ import annotations

from typing import Any

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
