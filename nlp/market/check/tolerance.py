"""What a check rests on: the bands a stated figure allows (precision, hedges, the data's rounding),
splits and dividends, price levels, the verdict dict and its one-line numbers."""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from typing import Any

from nlp.calendars import Sessions
from nlp.market.series import PriceSeries, PriceSource
from nlp.market.window import Window
from nlp.paths import MODELS
from nlp.types import VERDICTS


SUPPORTED, CONTRADICTED, INCONCLUSIVE, UNVERIFIABLE = VERDICTS




#: Split ratios tried when a stated price matches the split-adjusted series only scaled.
COMMON_SPLITS = (2.0, 3.0, 4.0, 1.5, 5.0, 7.0, 10.0, 8.0, 6.0, 20.0, 15.0)


#: Cash dividends, as a share of the price, read as an ex-dividend gap (0.1% .. 3%).
MIN_DIVIDEND_YIELD = 0.001


MAX_DIVIDEND_YIELD = 0.03


#: Percentage points a computed move may lie outside its band and still fit: the rounding of
#: split-adjusted prices (Reuters computes from the unadjusted ones) moves the last digit.
BAND_SLACK = 0.001


#: Price levels match to half a unit of their last digit, or this share of the price.
LEVEL_RELATIVE_TOLERANCE = 0.0005


FLAT_PCT = 0.1


#: A move that misses its band by less than twice its stated precision (at least this many
#: percentage points) is a near miss (a preliminary close, the data's previous close):
#: inconclusive, never contradicted. A move on the other side of zero is no near miss.
NEAR_MISS_PCT = 0.05


#: A contradicted move must miss by more than this many percentage points and this share of
#: the stated figure (or go the other way): smaller misses are inconclusive. One session's move
#: is measured between two known closes; a week's, a month's or a year's has fuzzier ends (which
#: close, a figure taken during the session), so it needs a wider miss.
CLEAR_MISS_PCT = 0.1


CLEAR_MISS_SHARE = 0.05


CLEAR_MISS_WINDOW_PCT = 0.5


CLEAR_MISS_WINDOW_SHARE = 0.25


ONE_SESSION_BASES = frozenset({"close-to-close", "intraday-range"})


#: A move the text does not date that is this many times larger than anything the session did
#: (its range from the previous close) is about another period, not a wrong report of this one.
OUT_OF_SCALE = 1.5


#: The same, for a move whose window the text names: it takes a far larger figure (a window
#: word read from a parenthetical, 'including a nearly 8 percent rise on Monday').
OUT_OF_SCALE_EXPLICIT = 3.0


#: Index points: a miss of less than this many points, or this share of the stated figure.
NEAR_MISS_POINTS = 2.0


NEAR_MISS_POINTS_SHARE = 0.1


#: A stated level within this share of the close (or of the session's range) is a near miss.
NEAR_MISS_LEVEL = 0.005


#: A stated price outside this ratio of the series' own price is another instrument's (or
#: another currency's) price, unless a split explains it.
LEVEL_RATIO_RANGE = (0.6, 1.6)


#: How close a price ratio must come to a split ratio to be read as one (the data's
#: split adjustment is rounded: Google's 2014 class-C split is 2.002-for-1).
SPLIT_RATIO_TOLERANCE = 0.006


@dataclass
class _Context:
    claim: dict[str, Any]
    article: dict[str, Any]
    series: PriceSeries
    symbol: str
    exchange: str | None
    calendar: Sessions | None
    published: str | None
    published_at: float | None  # UTC epoch seconds, when the article says its time
    master: Any
    prices: PriceSource
    window: Window


def why_line(check: dict[str, Any]) -> str | None:
    """The verdict's numbers in one line: "session close 21.07 vs stated 21.70"."""
    basis, claimed, actual = check.get("basis") or "", check.get("claimed"), check.get("actual")
    session, ref = check.get("session") or {}, check.get("reference") or {}
    if check.get("verdict") == UNVERIFIABLE or actual is None:
        return check.get("note")
    day = session.get("date")
    if basis.startswith("distance"):
        return (f"{actual:+.2f}% from the {basis[len('distance-from-'):]} {_num(ref.get('close') or 0)}"
                f" ({ref.get('date')}) on {day} vs stated {claimed:+g}%")
    if basis.startswith("record"):
        what = "close" if check.get("field") == "close" else check.get("field") or "price"
        line = f"{what} {_num(actual)} on {day} vs the earlier best {_num(ref.get('close') or 0)} ({ref.get('date')})"
        return line + (f", stated {_num(claimed)}" if claimed is not None else "")
    if claimed is None:
        return f"{basis} {actual:+.2f}% ({day}), direction only"
    if basis in ("close", "intraday-range") and check.get("band") is None:
        where = f"session close {_num(actual)}" if basis == "close" else (
            f"session range {_num(session.get('low') or 0)}..{_num(session.get('high') or 0)}")
        return f"{where} ({day}) vs stated {_num(claimed)}"
    if "points" in basis:
        return f"{basis} {actual:+.2f} points ({day}) vs stated {claimed:+g}"
    if basis == "intraday-range":
        prev = ref.get("close")
        if prev and session.get("low") is not None and session.get("high") is not None:
            return (f"session range {_pct(session['low'], prev):+.2f}%..{_pct(session['high'], prev):+.2f}%"
                    f" ({day}) vs stated {claimed:+g}%")
    if basis == "close-to-close":
        return f"session close-to-close {actual:+.2f}% ({day}) vs stated {claimed:+g}%"
    if basis.startswith("range"):
        return f"{basis} vs stated {_num(claimed)}: {check.get('note')}"
    return (f"{basis} move from {ref.get('date')} to the {check.get('measured_to') or 'close'} of {day}"
            f" {actual:+.2f}% vs stated {claimed:+g}%")


def _band_miss(result: dict[str, Any]) -> float | None:
    """How far the result's actual move lies outside its band (0 inside; None without either)."""
    band, actual = result.get("band"), result.get("actual")
    if not band or actual is None:
        return None
    lo = -math.inf if band[0] is None else band[0]
    hi = math.inf if band[1] is None else band[1]
    return lo - actual if actual < lo else actual - hi if actual > hi else 0.0


def _fits(result: dict[str, Any]) -> bool:
    miss = _band_miss(result)
    return miss is not None and miss <= BAND_SLACK


def _range(session: dict[str, Any]) -> tuple[float, float]:
    """(low, high) of a check's session, the close standing in for a missing one."""
    close = session["close"]
    low, high = session.get("low"), session.get("high")
    return (close if low is None else low), (close if high is None else high)


def _without_level(note: str | None) -> str | None:
    if not note:
        return None
    kept = [p for p in note.split("; ") if "stated level" not in p]
    return "; ".join(kept) or None


def _split_ratio(ratio: float) -> float | None:
    """The split ratio (from COMMON_SPLITS, or 2.002) that ``ratio`` is, or None."""
    for factor in (*COMMON_SPLITS, 2.002):
        if abs(ratio / factor - 1.0) <= SPLIT_RATIO_TOLERANCE:
            return factor
    return None


def _verdict(verdict: str, *, basis: str | None = None, claimed: float | None = None,
             actual: float | None = None, tolerance: float | None = None,
             reference: dict[str, Any] | None = None, session: dict[str, Any] | None = None,
             note: str | None = None, **extra: Any) -> dict[str, Any]:
    if "band" in extra:  # JSON has no infinity: an open side ("more than 5%") is null
        extra["band"] = [None if math.isinf(x) else round(x, 6) for x in extra["band"]]
    return {"verdict": verdict, "basis": basis, "claimed": claimed,
            "actual": None if actual is None else round(actual, 4),
            "tolerance": tolerance, "reference": reference, "session": session,
            "index_symbol": None, "index_move": None, "excess": None, "note": note, **extra}


def _claimed_pct(claim: dict[str, Any]) -> float | None:
    pct = claim.get("pct")
    if pct is None:
        return None
    direction = claim.get("direction")
    if direction not in ("up", "down"):
        return float(pct)  # no direction: the sign as written
    return -abs(float(pct)) if direction == "down" else abs(float(pct))


def _half_unit(value: float) -> float:
    """Half a unit of the last digit ``value`` is written with (17 -> 0.5, 4.64 -> 0.005)."""
    text = repr(float(value))
    if "e" in text:
        return 0.5
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return 0.5 * 10 ** -decimals


def _band(claimed: float, precision: float | None, hedge: str | None) -> tuple[float, float, float]:
    """(lowest, highest, tolerance) of the figures that make ``claimed`` (signed) true."""
    tol = precision if precision else _half_unit(claimed)
    size = abs(claimed)
    below, above = hedge_shares().get((hedge or "").lower().strip(), (0.0, 0.0))
    small = size - max(tol, below * size)
    large = size + (math.inf if above == math.inf else max(tol, above * size))
    small = max(small, 0.0) if below < 1.0 else 0.0
    if claimed < 0:
        return -large, -small, tol
    return small, large, tol


def _data_unit(price: float) -> float:
    """Half a unit of the price data's own rounding (21.07 -> 0.005); 0 for full-precision floats."""
    unit = _half_unit(price)
    return unit if unit >= 0.00005 else 0.0


@functools.cache
def hedge_shares() -> dict[str, tuple[float, float]]:
    """hedge -> (share below, share above) the stated figure that still fits (inf: no limit), from
    nlp/models/claims/hedges.csv, the list the claims extractor reads hedges with."""
    with open(MODELS / "claims" / "hedges.csv", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["hedge"].strip(): (float(r["below"]), float(r["above"])) for r in rows}


def _level_tolerance(level: float) -> float:
    return max(_half_unit(level), LEVEL_RELATIVE_TOLERANCE * abs(level))


def _bar(series: PriceSeries, i: int) -> dict[str, Any]:
    return {"date": series.dates[i], "low": series.low[i], "high": series.high[i],
            "close": series.close[i]}


def _ref(series: PriceSeries, i: int) -> dict[str, Any]:
    return {"date": series.dates[i], "close": series.close[i]}


def _pct(value: float, ref: float) -> float:
    return (value / ref - 1.0) * 100.0


def _band_text(lo: float, hi: float) -> str:
    if math.isinf(hi):
        return f"{lo:+.3f}% or more"
    if math.isinf(lo):
        return f"{hi:+.3f}% or less"
    return f"{lo:+.3f}%..{hi:+.3f}%"


def _pct_of_level_tol(level: float, ref: float) -> float:
    # the level's rounding, or 1bp for preliminary closes quoted with a rounded pct
    return max(_half_unit(level), 0.0001 * level) / ref * 100.0


def _split_match(ctx: _Context, i: int, level: float, low: float, high: float, close: float,
                 basis: str) -> tuple[float, bool] | None:
    """(split factor, confirmed by stored splits) under which ``level`` matches the bar, or None."""
    series = ctx.series
    stored = series.splits_after(series.dates[i])
    candidates = [(stored, True)] if stored != 1.0 else []
    if not series.has_split_data():
        candidates += [(f, False) for f in COMMON_SPLITS]
    for factor, confirmed in candidates:
        lt = _level_tolerance(level)
        if basis == "intraday":
            if low * factor - lt <= level <= high * factor + lt:
                return factor, confirmed
        elif abs(level - close * factor) <= max(lt, LEVEL_RELATIVE_TOLERANCE * level * 2):
            return factor, confirmed
    return None


def _dividend_gap(level: float, lo: float, hi: float, ref: float, low: float, high: float,
                  close: float, basis: str) -> tuple[float, float] | None:
    """(implied previous close, its gap below ``ref``) when only a dividend explains the pct."""
    lt = _level_tolerance(level)
    in_range = (low - lt <= level <= high + lt) if basis == "intraday" else abs(level - close) <= lt
    if not in_range:
        return None
    mid = (lo + hi) / 2 if math.isfinite(hi) else lo
    implied = level / (1 + mid / 100.0)
    share = (ref - implied) / ref
    if MIN_DIVIDEND_YIELD <= share <= MAX_DIVIDEND_YIELD:
        return implied, share
    return None


def _num(value: float) -> str:
    """A price or ratio for a note: at most 2 decimals, no trailing zeros (39426.29, 2, 0.5)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None
