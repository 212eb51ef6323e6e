"""An equity's move against its market's main index over the same basis: the excess return."""

from __future__ import annotations

from typing import Any

from nlp.market.check.tolerance import UNVERIFIABLE, _Context, _pct
from nlp.market.exchanges import is_equity, main_index_for


def _with_index(ctx: _Context, result: dict[str, Any]) -> dict[str, Any]:
    """Add the main index's move over the same basis, and the excess, for an equity's move."""
    if result["verdict"] == UNVERIFIABLE or result.get("actual") is None:
        return result
    if not result.get("basis") or "points" in result["basis"]:
        return result
    if not is_equity(ctx.symbol, ctx.master):
        return result
    index = main_index_for(ctx.exchange, ctx.master, ctx.symbol)
    if not index or index == ctx.symbol:
        return result
    result["index_symbol"] = index
    series = ctx.prices.series(index)
    session = result.get("session") or {}
    ref = result.get("reference") or {}
    if series is None or not session.get("date") or not ref.get("date"):
        result["index_note"] = f"no {index} prices"
        return result
    end = series.index(session["date"])
    if result["basis"] in ("intraday-range", "close-to-close"):
        start = end - 1 if end else None
    else:
        start = series.on_or_before(ref["date"])
    if end is None or start is None or start < 0:
        result["index_note"] = f"no {index} bars for {ref['date']}..{session['date']}"
        return result
    move = _pct(series.close[end], series.close[start])
    result["index_move"] = round(move, 4)
    result["excess"] = round(result["actual"] - move, 4)
    if result["basis"] == "intraday-range":
        result["index_basis"] = "close-to-close (the index level at the article's time is unknown)"
    return result
