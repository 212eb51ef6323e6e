"""Check a market claim against daily prices: supported, contradicted, inconclusive or unverifiable.

The article's publish time and the claim's period decide the basis:

- ``intraday-range``: a move stated during the session (midday, morning
  session, a story written before the close). The implied level
  previous close x (1 + pct) must be reachable inside the session's
  low..high, a stated level must lie in that range and, with the pct, imply
  the real previous close.
- ``close-to-close``: a session's move (closed, ended; also "overnight", the
  other market's last session before the article).
- ``week`` / ``month`` / ``year-to-date`` / ``year``: the move since the
  window's reference close (the last close before the window), as of the
  previous close, the session close and any stated level.
- a move whose period is ``unspecified`` (or ``since <event>`` without a
  window start) is ``unverifiable``: the text does not say over which period.
- ``record-high`` / ``record-close`` / ``record-low`` / ``record-low-close``:
  against the stored history before the date (intraday highs for intraday
  records, closes for record closes; "since 2007" bounds the history).

Every verdict keeps the numbers it rests on; ``unverifiable`` says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from nlp.calendars import Sessions, known_exchange, sessions, to_epoch
from nlp.instruments import InstrumentMaster
from nlp.market.exchanges import exchange_for, is_equity, main_index_for
from nlp.market.series import PriceSeries, PriceSource
from nlp.market.window import INTRADAY, OVERNIGHT, ROLLING, SESSION, Window, kind_of, window_of
from nlp.paths import MODELS
from nlp.types import MONTH_NUMBERS, VERDICTS

SUPPORTED, CONTRADICTED, INCONCLUSIVE, UNVERIFIABLE = VERDICTS

#: What each kind of doubt (nlp.components.doubts) leaves uncertain, for the verdict's note.
DOUBTS = {"extended": "outside the regular session", "intraday": "a moment or extreme within the session",
          "window": "another window", "past": "another date", "forecast": "a forecast",
          "not-price": "perhaps not a price", "distance": "a distance from the record",
          "subject": "perhaps another instrument's figure"}
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


def check_claim(claim: dict[str, Any], article: dict[str, Any], prices: PriceSource,
                master: Any = None) -> dict[str, Any]:
    """Check one claim (fields of nlp.types.Claim) against ``prices``.

    ``article`` gives the context: ``published`` (ISO date), ``published_time``
    (ISO datetime with offset, or None) and ``timezone``. Returns the check
    dict stored with the claim: verdict, basis, claimed, actual, tolerance,
    reference {date, close}, session {date, low, high, close}, index_symbol,
    index_move, excess, note, why (the numbers in one line; plus band, exchange and other
    details). Never raises for a claim it cannot check: the verdict is then ``unverifiable``.
    """
    result = _check(claim, article, prices, master)
    result["why"] = why_line(result)
    return result


def _check(claim: dict[str, Any], article: dict[str, Any], prices: PriceSource,
           master: Any = None) -> dict[str, Any]:
    kind = claim.get("kind")
    symbol = claim.get("symbol")
    if claim.get("after_hours"):
        return _verdict(UNVERIFIABLE, note="after-hours move: daily bars do not show extended "
                        "trading", claimed=_claimed_pct(claim))
    if not symbol:
        what = claim.get("subject") or "the subject"
        return _verdict(UNVERIFIABLE, note=f"no price series: {what!r} has no symbol",
                        claimed=_claimed_pct(claim))
    series = prices.series(symbol)
    if series is None or not len(series):
        return _verdict(UNVERIFIABLE, note=f"no price series for {symbol}",
                        claimed=_claimed_pct(claim))
    exchange = claim.get("exchange") or exchange_for(symbol, master)
    calendar = None
    if exchange and known_exchange(exchange):
        calendar = sessions(exchange)
    published = article.get("published")
    published_at = None
    if article.get("published_time"):
        published_at = to_epoch(article["published_time"], article.get("timezone"))
    def bar_before(date: str) -> str | None:
        i = series.before(date)
        return series.dates[i] if i is not None else None

    window = window_of(claim, article, calendar, exchange, bar_before)
    ctx = _Context(claim, article, series, symbol, exchange, calendar, published, published_at,
                   master, prices, window)
    if kind == "record":
        result = _check_record(ctx)
    elif kind == "change" and (claim.get("pct") is not None or claim.get("points") is not None
                               or claim.get("direction")):
        result = _check_move(ctx)
    elif kind == "level" and claim.get("level") is not None:
        result = _check_level(ctx)
    elif kind == "distance" and claim.get("pct") is not None and claim.get("record"):
        result = _check_distance(ctx)
    else:
        result = _verdict(UNVERIFIABLE, note=f"not a checkable statement (kind {kind!r} without "
                          "a figure)")
    if result["verdict"] == CONTRADICTED and kind in ("change", "level"):
        result = _careful(ctx, result)
    elif result["verdict"] == CONTRADICTED and kind == "record":
        result = _careful_record(ctx, result)
    elif result["verdict"] == CONTRADICTED and kind == "distance":
        result = _careful_distance(ctx, result)
    result["exchange"] = exchange
    result["period_window"] = window.public()
    return result


@dataclass(frozen=True)
class Verdict:
    """A check as a careful checker reaches it: the verdict, the basis and numbers it rests on,
    the window it measured over and every reading it tried (``readings``: name, verdict, why).

    ``check_claim`` returns its ``public()`` dict, which is what is stored and exported.
    """

    verdict: str
    basis: str | None
    claimed: float | None
    actual: float | None
    why: str | None
    note: str | None
    window: dict[str, Any] | None
    readings: tuple[dict[str, Any], ...]
    details: dict[str, Any]

    @classmethod
    def of(cls, check: dict[str, Any]) -> Verdict:
        readings = check.get("readings") or [_reading(check.get("basis") or "first", check)]
        return cls(check["verdict"], check.get("basis"), check.get("claimed"), check.get("actual"),
                   check.get("why"), check.get("note"), check.get("period_window"), tuple(readings),
                   check)

    def public(self) -> dict[str, Any]:
        return dict(self.details)


def verdict_for(claim: dict[str, Any], article: dict[str, Any], prices: PriceSource,
                master: Any = None) -> Verdict:
    """:func:`check_claim` as a :class:`Verdict`."""
    return Verdict.of(check_claim(claim, article, prices, master))


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


# -- a careful checker: contradicted only when the article must be wrong -------------------


def _careful(ctx: _Context, result: dict[str, Any]) -> dict[str, Any]:
    """Re-judge a ``contradicted`` move or level as a careful person would.

    ``contradicted`` stands only when the instrument is certain, the stated price is this
    instrument's, the miss is clear and, when the text does not fix the window, no other plausible
    reading (the session's range, the session before) fits. Otherwise: unverifiable (another
    instrument's price) or inconclusive with the reading that fits. The first reading's numbers
    stay in the check; ``readings`` lists the ones tried.
    """
    claim = ctx.claim
    session = result.get("session") or {}
    close = session.get("close")
    level = claim.get("level")
    why = result.get("note")
    if level and close:
        ratio = float(level) / close
        if not LEVEL_RATIO_RANGE[0] <= ratio <= LEVEL_RATIO_RANGE[1]:
            split = _split_ratio(ratio)
            if split is None:
                return _verdict(UNVERIFIABLE, claimed=result.get("claimed"), note=(
                    f"stated price {_num(level)} is {ratio:.2f} times {ctx.symbol}'s close"
                    f" {_num(close)} on {session.get('date')}: not this instrument's price"),
                    readings=[_reading(result.get("basis") or "first", result)])
            text = (f"stated level {_num(level)} matches the price before a later {_num(split)}-for-1"
                    " split (the series is split-adjusted; ratio inferred)")
            if _fits(result):
                return {**result, "verdict": SUPPORTED, "split_factor": split,
                        "note": _join(text, _without_level(why))}
            if claim.get("kind") == "level":
                close_enough = abs(ratio / split - 1.0) <= SPLIT_RATIO_TOLERANCE / 2
                return {**result, "verdict": SUPPORTED if close_enough else INCONCLUSIVE,
                        "split_factor": split, "note": text}
    pointed = _pointed_reading(ctx, result)
    if pointed is not None:
        return pointed
    doubted = _doubted(ctx, result)
    if doubted is not None:
        return doubted
    near = _near_miss(result, level)
    if near:
        return {**result, "verdict": INCONCLUSIVE, "note": _join(f"near miss: {near}", why)}
    unclear = _unclear_miss(result)
    if unclear:
        return {**result, "verdict": INCONCLUSIVE, "note": _join(f"not clearly wrong: {unclear}", why)}
    explicit = ctx.window.explicit
    if not explicit and level and close and _after_close(ctx, session.get("date")):
        low, high = _range(session)
        lt = _level_tolerance(float(level))
        if not low - lt <= float(level) <= high + lt:
            return _verdict(UNVERIFIABLE, claimed=result.get("claimed"), note=(
                f"stated price {_num(level)} lies outside the session's range {_num(low)}..{_num(high)}"
                " in a story filed after the close: an extended-hours price the daily bars do not"
                " show"), readings=[_reading(result.get("basis") or "first", result)])
    # a claim made by hand (no window_explicit) fixes its window by naming a period
    scale = _out_of_scale(ctx, result, OUT_OF_SCALE_EXPLICIT if explicit else OUT_OF_SCALE)
    if scale:
        return {**result, "verdict": INCONCLUSIVE, "note": _join(scale, why)}
    groups = []
    if not explicit or not ctx.window.day_named:
        groups.append(_other_readings(ctx, result, day_only=explicit))
    if explicit:
        groups.append(_explicit_readings(ctx, result))
    tried = [_reading(result.get("basis") or "first", result)]
    for name, other in (r for group in groups for r in group):
        tried.append(_reading(name, other))
        if other["verdict"] == SUPPORTED:
            return {**result, "verdict": INCONCLUSIVE, "readings": tried,
                    "note": _join(f"the text does not fix the window: the {name} reading fits"
                                  f" ({_reading_text(other)}), the {result.get('basis')} one does"
                                  " not", why)}
    return {**result, "readings": tried} if len(tried) > 1 else result


def _reading(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """One reading tried, as a verdict keeps it: its name, verdict and numbers in one line."""
    return {"reading": name, "verdict": result.get("verdict"), "why": why_line(result)}


WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday")


def _named_weekday(ctx: _Context) -> str | None:
    """The session of the weekday a 'past' doubt names ('Friday marked ... record closing highs'
    in a Monday story): the latest such day on or before the article's date, or None."""
    for doubt in ctx.claim.get("doubts") or []:
        kind, _, words = doubt.partition(": ")
        if kind == "past" and words.lower() in WEEKDAY_NAMES and ctx.published:
            day = dt.date.fromisoformat(ctx.published)
            back = (day.weekday() - WEEKDAY_NAMES.index(words.lower())) % 7
            date = (day - dt.timedelta(days=back)).isoformat()
            if ctx.calendar is None or ctx.calendar.is_session(date):
                return date
    return None


def _pointed_reading(ctx: _Context, result: dict[str, Any]) -> dict[str, Any] | None:
    """The reading the claim's own doubt words point to, when it fits: 'as much as', 'at one
    point' -> the session's range; a weekday other than the claim's session -> that day's session.
    A fit is ``supported`` with the words in the note; otherwise None."""
    basis = result.get("basis") or ""
    session = (result.get("session") or {}).get("date")
    doubts = ctx.claim.get("doubts") or []
    tried = []
    if session and basis == "close-to-close" and any(d.startswith("intraday: ") for d in doubts):
        words = next(d for d in doubts if d.startswith("intraday: ")).split(": ", 1)[1]
        tried.append((f"'{words}': the session's range", _check_session_move(ctx, session, "intraday", "reading")))
    named = _named_weekday(ctx)
    if named and named != session and basis in ("close-to-close", "intraday-range"):
        tried.append((f"the session the text names ({named})", _check_session_move(ctx, named, "session", "reading")))
    elif named and named != session and basis == "close" and ctx.series.index(named) is not None:
        fits, common = _level_reading(ctx, ctx.series.index(named), "session")
        tried.append((f"the session the text names ({named})", _verdict(SUPPORTED if fits else CONTRADICTED, **common)))
    for name, other in tried:
        if other["verdict"] == SUPPORTED:
            return {**other, "readings": [_reading(basis or "first", result), _reading(name, other)],
                    "note": _join(f"read as {name}", other.get("note"))}
    return None


def _doubted(ctx: _Context, result: dict[str, Any]) -> dict[str, Any] | None:
    """``result`` made inconclusive when the instrument or the window is in doubt, else None.

    The instrument is in doubt when it is inferred ('its shares', 'the company'), not named; the
    window or the nature of the figure when the claim's sentence says something its period does not
    read (the claim's ``doubts``: "extended: after-market", "past: September 21").
    """
    claim, why = ctx.claim, result.get("note")
    if claim.get("symbol_how") == "coref":
        return {**result, "verdict": INCONCLUSIVE, "note": _join(
            f"the instrument is inferred from {claim.get('subject')!r}, not named in the claim", why)}
    if claim.get("symbol_how") == "market":
        return {**result, "verdict": INCONCLUSIVE, "note": _join(
            f"{claim.get('subject')!r} read as {ctx.symbol}, the market's broad index", why)}
    doubts = claim.get("doubts") or []
    if doubts:
        said = "; ".join(f"{d.split(': ', 1)[-1]!r} ({DOUBTS.get(d.split(':', 1)[0], 'doubt')})" for d in doubts)
        return {**result, "verdict": INCONCLUSIVE, "doubts": list(doubts), "note": _join(
            f"not clearly wrong: the sentence also says {said}", why)}
    return None


def _unclear_miss(result: dict[str, Any]) -> str | None:
    """Why a pct move's miss is too small to call the article wrong, or None when it is clear."""
    claimed, actual, miss = result.get("claimed"), result.get("actual"), _band_miss(result)
    if claimed is None or miss is None or "points" in (result.get("basis") or ""):
        return None
    if claimed * actual <= 0 and abs(actual) >= NEAR_MISS_PCT:
        return None  # the other way: clear
    if result.get("basis") in ONE_SESSION_BASES:
        clear = max(CLEAR_MISS_PCT, CLEAR_MISS_SHARE * abs(claimed))
    else:
        clear = max(CLEAR_MISS_WINDOW_PCT, CLEAR_MISS_WINDOW_SHARE * abs(claimed))
    if miss <= clear:
        return f"{actual:+.2f}% against the stated {claimed:+g}%, a miss of {miss:.2f} points"
    return None


def _careful_record(ctx: _Context, result: dict[str, Any]) -> dict[str, Any]:
    """A contradicted record: inconclusive when the instrument or the window is in doubt, or when
    the text names no day and the session before set the record."""
    session, field = (result.get("session") or {}).get("date"), result.get("field")
    named = _named_weekday(ctx)
    k = ctx.series.index(named) if named and named != session else None
    if k is not None and field is not None and not result.get("window"):
        wording = (ctx.claim.get("record") or "").lower()
        scope_start, scope = _record_scope(wording, named)
        start = 0 if scope_start is None else ctx.series.position(scope_start)
        on_day = _record_on(ctx, field, not (result.get("basis") or "").startswith("record-low"), k, start, scope)
        if on_day["verdict"] == SUPPORTED:
            return {**on_day, "readings": [_reading(result.get("basis") or "first", result),
                                           _reading(f"the session the text names ({named})", on_day)],
                    "note": _join(f"read as the session the text names ({named})", on_day.get("note"))}
    doubted = _doubted(ctx, result)
    if doubted is not None:
        return doubted
    i = ctx.series.index(session) if session else None
    if ctx.window.day_named or i is None or i < 2 or field is None or result.get("window"):
        return result
    wording = (ctx.claim.get("record") or "").lower()
    scope_start, scope = _record_scope(wording, ctx.series.dates[i - 1])
    start = 0 if scope_start is None else ctx.series.position(scope_start)
    highest = not (result.get("basis") or "").startswith("record-low")
    before = _record_on(ctx, field, highest, i - 1, start, scope)
    if before["verdict"] == SUPPORTED:
        return {**result, "verdict": INCONCLUSIVE,
                "readings": [_reading(result.get("basis") or "first", result), _reading("previous session", before)],
                "note": _join(f"the text names no day: the session before ({ctx.series.dates[i - 1]}) set"
                              " the record", result.get("note"))}
    return result


def _out_of_scale(ctx: _Context, result: dict[str, Any], factor: float = OUT_OF_SCALE) -> str | None:
    """Why an undated one-session move is about another period (far beyond the session), or None."""
    basis, session, ref = result.get("basis") or "", result.get("session") or {}, result.get("reference") or {}
    claimed = result.get("claimed")
    prev, close = ref.get("close"), session.get("close")
    if claimed is None or not prev or not close or basis not in (*ONE_SESSION_BASES, "close-to-close-points",
                                                                 "intraday-range-points"):
        return None
    low, high = _range(session)
    if "points" in basis:
        reach = max(abs(low - prev), abs(high - prev), abs(close - prev))
        unit = " points"
    else:
        reach = max(abs(_pct(low, prev)), abs(_pct(high, prev)), abs(_pct(close, prev)), 0.5)
        unit = "%"
    if abs(claimed) > factor * reach:
        return (f"the stated {abs(claimed):g}{unit} is far beyond anything the session of"
                f" {session.get('date')} did (at most {reach:.2f}{unit}): the text is about"
                " another period")
    return None


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


def _near_miss(result: dict[str, Any], level: float | None) -> str | None:
    """What makes a contradicted result a near miss, or None when the miss is clear."""
    claimed, actual, band = result.get("claimed"), result.get("actual"), result.get("band")
    session = result.get("session") or {}
    basis = result.get("basis") or ""
    miss = _band_miss(result)
    if miss is not None and claimed is not None and "points" not in basis:
        same_side = claimed * actual > 0 or abs(actual) < NEAR_MISS_PCT
        tol = result.get("tolerance") or _half_unit(claimed)
        if same_side and miss < max(NEAR_MISS_PCT, 2 * tol):
            return f"the move {actual:+.2f}% is {miss:.2f} points outside the stated {claimed:+g}%"
    if level is not None and session.get("close"):
        close = session["close"]
        low, high = _range(session)
        gap = min(abs(float(level) - close), max(0.0, low - float(level), float(level) - high))
        same_way = claimed is None or actual is None or claimed * actual > 0
        if same_way and gap / close <= NEAR_MISS_LEVEL and (
                claimed is None or not band or _fits(result)
                or abs(float(level) - close) / close <= NEAR_MISS_LEVEL / 5):
            return f"stated level {_num(level)} is {gap / close * 100:.2f}% from the session's prices"
    if "points" in basis and claimed is not None and actual is not None and claimed * actual > 0:
        if abs(actual - claimed) < max(NEAR_MISS_POINTS, NEAR_MISS_POINTS_SHARE * abs(claimed)):
            return f"{actual:+.2f} points against the stated {claimed:+g}"
    return None


def _other_readings(ctx: _Context, result: dict[str, Any], day_only: bool = False):
    """(name, result) of the other one-session readings of a move whose window the text leaves open.

    ``day_only``: the text fixes the kind of window (closed, midday) but names no day, so only the
    same reading of the session before is tried.
    """
    basis = result.get("basis") or ""
    session = (result.get("session") or {}).get("date")
    if not session or basis not in ("close-to-close", "intraday-range", "close-to-close-points",
                                    "intraday-range-points", "close"):
        return
    i = ctx.series.index(session)
    if i is None:
        return
    if day_only:
        if i > 1 and ctx.claim.get("kind") != "level":
            how = "intraday" if basis.startswith("intraday") else "session"
            yield "previous session", _check_session_move(ctx, ctx.series.dates[i - 1], how, "reading")
        elif i > 1 and basis == "close":
            fits, common = _level_reading(ctx, i - 1, "session")
            yield "previous session close", _verdict(SUPPORTED if fits else CONTRADICTED, **common)
        return
    if ctx.claim.get("kind") == "level":
        if basis == "close":
            fits, common = _level_reading(ctx, i, "intraday")
            yield "session range", _verdict(SUPPORTED if fits else CONTRADICTED, **common)
        return
    if basis.startswith("close-to-close"):
        yield "session range (a snapshot during the session)", _check_session_move(ctx, session, "intraday", "reading")
    else:
        yield "close-to-close", _check_session_move(ctx, session, "session", "reading")
    if i > 1:
        yield "previous session close-to-close", _check_session_move(ctx, ctx.series.dates[i - 1], "session", "reading")
    if ctx.claim.get("pct") is None:
        return
    # a figure much larger than the day's may be the week's, the month's or the year's so far
    day = dt.date.fromisoformat(session)
    for name, kind, first in (("week-to-date", "week", day - dt.timedelta(days=day.weekday())),
                              ("month-to-date", "month", day.replace(day=1)),
                              ("year-to-date", "year-to-date", day.replace(month=1, day=1))):
        yield name, _check_window_move(ctx, kind, first.isoformat(), session)


def _explicit_readings(ctx: _Context, result: dict[str, Any]):
    """(name, result) of the readings a window the text names still leaves open.

    A stated price with its move ('rose 3.6 percent to $54.08') may be a snapshot taken before the
    final close; 'for the year' in the first days of January may be the year just ended.
    """
    basis = result.get("basis") or ""
    session = (result.get("session") or {}).get("date")
    claim = ctx.claim
    if basis == "close-to-close" and session and claim.get("level") is not None:
        yield "snapshot during the session", _check_session_move(ctx, session, "intraday", "reading")
    window = result.get("window") or []
    if basis == "year-to-date" and window and window[1][5:7] == "01" and int(window[1][8:10]) <= 7:
        year = int(window[1][:4]) - 1
        yield f"the year {year}", _check_window_move(ctx, "year", f"{year}-01-01", f"{year}-12-31")


def _after_close(ctx: _Context, date: str | None) -> bool:
    """Whether the article was published after the close of session ``date`` (needs its time)."""
    if ctx.published_at is None or ctx.calendar is None or not date or not ctx.calendar.covers(date):
        return False
    times = ctx.calendar.open_close(date)
    return times is not None and ctx.published_at >= times[1]


def _reading_text(result: dict[str, Any]) -> str:
    session = result.get("session") or {}
    if result.get("actual") is not None and "range" in (result.get("basis") or ""):
        return f"{session.get('date')}: range {_num(session.get('low') or 0)}..{_num(session.get('high') or 0)}"
    if result.get("actual") is not None:
        return f"{session.get('date')}: {result['actual']:+.2f}"
    return str(session.get("date"))


# -- shared helpers ---------------------------------------------------------------------


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


# -- moves ------------------------------------------------------------------------------


def _check_move(ctx: _Context) -> dict[str, Any]:
    claim, w = ctx.claim, ctx.window
    if w.kind == OVERNIGHT:
        if w.note:
            return _verdict(UNVERIFIABLE, note=w.note, claimed=_claimed_pct(claim))
        result = _check_session_move(ctx, w.last, SESSION, "period")
        if result["verdict"] != UNVERIFIABLE:
            result["note"] = _join(f"overnight: the {ctx.exchange or ctx.symbol} session of {w.last}",
                                   result["note"])
        return _with_index(ctx, result)
    if w.multi:
        return _with_index(ctx, _check_window_move(ctx, w.basis, w.first, w.last))
    if w.note:
        return _verdict(UNVERIFIABLE, note=w.note, claimed=_claimed_pct(claim))
    return _with_index(ctx, _check_session_move(ctx, w.last, w.basis, w.how))


def _check_session_move(ctx: _Context, date: str, basis: str, how: str) -> dict[str, Any]:
    series, claim = ctx.series, ctx.claim
    i = series.index(date)
    if i is None:
        return _verdict(UNVERIFIABLE, note=f"no {ctx.symbol} bar on {date}",
                        claimed=_claimed_pct(claim))
    if i == 0:
        return _verdict(UNVERIFIABLE, note=f"no {ctx.symbol} close before {date}",
                        claimed=_claimed_pct(claim))
    ref_close = series.close[i - 1]
    notes: list[str] = []
    if ctx.calendar is not None and ctx.calendar.covers(date):
        expected = ctx.calendar.previous(date)
        if expected and expected != series.dates[i - 1]:
            notes.append(f"previous close from {series.dates[i - 1]} (no bar for {expected})")
    if how == "written before the close":
        notes.append("written before the close: intraday move")
    if claim.get("pct") is None and claim.get("points") is not None:
        return _check_points(ctx, i, basis, notes)
    close = series.close[i]
    low = series.low[i] if series.low[i] is not None else close
    high = series.high[i] if series.high[i] is not None else close
    level = claim.get("level")
    claimed = _claimed_pct(claim)
    session = _bar(series, i)
    reference = _ref(series, i - 1)
    basis_name = "intraday-range" if basis == "intraday" else "close-to-close"
    close_move = _pct(close, ref_close)
    if claimed is None:  # direction only: "shares rose"
        return _check_direction(ctx, basis_name, i, low, high, ref_close, notes)
    lo, hi, tol = _band(claimed, claim.get("precision"), claim.get("hedge"))
    common = dict(basis=basis_name, claimed=claimed, tolerance=tol, reference=reference,
                  session=session, band=[lo, hi])

    def evaluate(ref: float) -> tuple[bool, float, bool | None]:
        """(pct fits, actual pct, stated level fits or None) against previous close ``ref``."""
        if basis == "intraday":
            floor, ceiling = _pct(low, ref), _pct(high, ref)
            actual = min(max(claimed, floor), ceiling)
            fits = max(lo, floor) <= min(hi, ceiling) + BAND_SLACK
        else:
            actual = _pct(close, ref)
            fits = lo - BAND_SLACK <= actual <= hi + BAND_SLACK
        level_fits = None
        if level is not None:
            lt = _level_tolerance(level) + _data_unit(close)
            in_range = (low - lt <= level <= high + lt) if basis == "intraday" \
                else abs(level - close) <= lt
            implied = _pct(level, ref)
            # the stated level with the pct must imply the real previous close
            level_fits = in_range and lo - 1e-9 - _pct_of_level_tol(level, ref) <= implied \
                <= hi + 1e-9 + _pct_of_level_tol(level, ref)
        return fits, actual, level_fits

    fits, actual, level_fits = evaluate(ref_close)
    if basis == "intraday":
        notes.append(f"close-to-close was {close_move:+.2f}%")
    if fits and level_fits in (None, True):
        return _verdict(SUPPORTED, actual=actual, note=_join(*notes), **common)
    if fits and level_fits is False:
        split = _split_match(ctx, i, level, low, high, close, basis)
        if split is not None:
            factor, confirmed = split
            text = (f"stated level {_num(level)} matches the price before the later "
                    f"{_num(factor)}-for-1 split (the series is split-adjusted)")
            if not confirmed:
                text += "; no split data stored, ratio inferred"
            return _verdict(SUPPORTED, actual=actual, note=_join(text, *notes),
                            split_factor=factor, **common)
    # an ex-dividend day: the move may be measured from the previous close less the dividend
    dividend = series.dividend[i]
    if dividend:
        adj_fits, adj_actual, adj_level = evaluate(ref_close - dividend)
        if adj_fits and adj_level in (None, True):
            return _verdict(SUPPORTED, actual=adj_actual, note=_join(
                f"ex-dividend day: measured from the previous close less the {_num(dividend)} "
                f"dividend ({_num(ref_close - dividend)}); against the raw close it is "
                f"{actual:+.2f}%", *notes), dividend=dividend, **common)
    elif level is not None and not fits and is_equity(ctx.symbol, ctx.master):
        gap = _dividend_gap(level, lo, hi, ref_close, low, high, close, basis)
        if gap is not None:
            implied_ref, share = gap
            return _verdict(INCONCLUSIVE, actual=actual, note=_join(
                f"stated level {_num(level)} matches, but the move only fits a previous close of "
                f"{_num(implied_ref)}, {share * 100:.2f}% below the stored {_num(ref_close)}: an "
                "ex-dividend day? (no dividend data stored)", *notes), **common)
    reasons = []
    if claimed * actual < 0 and abs(actual) > 1e-9:
        reasons.append("direction differs")
    if not fits:
        what = "the nearest move reached" if basis == "intraday" else "the move"
        reasons.append(f"{what} {actual:+.2f}% lies outside {_band_text(lo, hi)}")
    if level_fits is False:
        lt = _level_tolerance(level)
        if basis == "intraday" and not low - lt <= level <= high + lt:
            reasons.append(f"stated level {_num(level)} not in the session range "
                           f"{_num(low)}..{_num(high)}")
        elif basis != "intraday" and abs(level - close) > lt:
            reasons.append(f"stated level {_num(level)} is not the close {_num(close)}")
        else:
            reasons.append(f"stated level {_num(level)} with the move does not imply the previous "
                           f"close {_num(ref_close)}")
    return _verdict(CONTRADICTED, actual=actual, note=_join(*reasons, *notes), **common)


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


def _check_points(ctx: _Context, i: int, basis: str, notes: list[str]) -> dict[str, Any]:
    series, claim = ctx.series, ctx.claim
    points = abs(float(claim["points"]))
    claimed = -points if claim.get("direction") == "down" else points
    ref = series.close[i - 1]
    tol = _half_unit(points)
    if claim.get("hedge"):
        lo, hi, tol = _band(claimed, None, claim.get("hedge"))
    else:
        lo, hi = claimed - tol, claimed + tol
    close = series.close[i]
    if basis == "intraday":
        low = series.low[i] if series.low[i] is not None else close
        high = series.high[i] if series.high[i] is not None else close
        actual = min(max(claimed, low - ref), high - ref)
        fits = max(lo, low - ref) <= min(hi, high - ref)
        name = "intraday-range-points"
    else:
        actual = close - ref
        fits = lo <= actual <= hi
        name = "close-to-close-points"
    return _verdict(SUPPORTED if fits else CONTRADICTED, basis=name, claimed=claimed,
                    actual=actual, tolerance=tol, reference=_ref(series, i - 1),
                    session=_bar(series, i), note=_join(*notes), band=[lo, hi])


def _check_direction(ctx: _Context, basis: str, i: int, low: float, high: float, ref: float,
                     notes: list[str]) -> dict[str, Any]:
    series, direction = ctx.series, ctx.claim.get("direction")
    actual = _pct(series.close[i], ref)
    if basis == "intraday-range":
        span = (_pct(low, ref), _pct(high, ref))
        ok = {"up": span[1] > 0, "down": span[0] < 0,
              "flat": span[0] <= FLAT_PCT and span[1] >= -FLAT_PCT}.get(direction)
    else:
        ok = {"up": actual > 0, "down": actual < 0, "flat": abs(actual) <= FLAT_PCT}.get(direction)
    if ok is None:
        return _verdict(UNVERIFIABLE, note=f"not a checkable statement (direction {direction!r})")
    return _verdict(SUPPORTED if ok else CONTRADICTED, basis=basis, actual=actual,
                    reference=_ref(series, i - 1), session=_bar(series, i),
                    note=_join(f"direction {direction} only", *notes))


def _check_window_move(ctx: _Context, kind: str, first: str, last: str) -> dict[str, Any]:
    series, claim = ctx.series, ctx.claim
    claimed = _claimed_pct(claim)
    basis = kind
    # a rolling window ('over the past week') runs from the close of its first day; a calendar
    # one ('this week', 'in August') from the close before it
    r = series.on_or_before(first) if kind_of(kind) == ROLLING else series.before(first)
    if r is None:
        return _verdict(UNVERIFIABLE, basis=basis, claimed=claimed,
                        note=f"no {ctx.symbol} close before {first}")
    ref = series.close[r]
    # what the article may measure to: the previous close, the session close, a stated level
    candidates: list[tuple[str, str, float]] = []
    prev = series.before(last) if last == ctx.published else None
    if prev is not None and prev > r:
        candidates.append(("previous close", series.dates[prev], series.close[prev]))
    end = series.on_or_before(last)
    if end is not None and end > r and (not candidates or series.dates[end] != candidates[0][1]):
        candidates.append(("close", series.dates[end], series.close[end]))
    today = _session_now(ctx)
    if today is not None and today > r and _claimed_pct(claim) is not None:
        # a story filed during the session measures to a price of that session
        low, high = _range(_bar(series, today))
        target = series.close[r] * (1 + _claimed_pct(claim) / 100.0)
        candidates.append(("session range", series.dates[today], min(max(target, low), high)))
    if claim.get("level") is not None:
        stated = float(claim["level"])
        if end is not None:
            # a price stated before a later split: the split-adjusted series' own scale
            low, high = _range(_bar(series, end))
            if not low * 0.9 <= stated <= high * 1.1:
                split = _split_match(ctx, end, stated, low, high, series.close[end], "intraday")
                stated = stated / split[0] if split else stated
        candidates.append(("stated level" if stated == float(claim["level"]) else "stated level after the split",
                           last, stated))
    if not candidates:
        return _verdict(UNVERIFIABLE, basis=basis, claimed=claimed,
                        note=f"no {ctx.symbol} close in {first}..{last}")
    if claimed is None:
        return _verdict(UNVERIFIABLE, basis=basis, note="not a checkable statement (no figure)")
    lo, hi, tol = _band(claimed, claim.get("precision"), claim.get("hedge"))
    refs = {}
    rolling = re.fullmatch(r"past (\d+) sessions", kind)
    if rolling:
        # 'over the previous two sessions': N sessions up to whichever end the article measures to
        count = int(rolling.group(1))
        for what, date, _ in candidates:
            e = series.on_or_before(date)
            if e is not None and e - count >= 0:
                refs[date] = e - count
    moves = [(what, date, value, _pct(value, series.close[refs.get(date, r)]))
             for what, date, value in candidates]
    best = min(moves, key=lambda m: 0.0 if lo <= m[3] <= hi else min(abs(m[3] - lo), abs(m[3] - hi)))
    what, date, value, actual = best
    r = refs.get(date, r)
    others = "; ".join(f"as of the {w} ({d}) {a:+.2f}%" for w, d, _, a in moves if (w, d) != (what, date))
    fits = lo - BAND_SLACK <= actual <= hi + BAND_SLACK
    note = _join(f"measured as of the {what} ({date})", others and f"other ends: {others}")
    i = series.index(date)
    session = _bar(series, i) if i is not None else {"date": date, "low": None, "high": None,
                                                      "close": value}
    return _verdict(SUPPORTED if fits else CONTRADICTED, basis=basis, claimed=claimed,
                    actual=actual, tolerance=tol, reference=_ref(series, r), session=session,
                    note=note, band=[lo, hi], window=[first, last], measured_to=what)


def _session_now(ctx: _Context) -> int | None:
    """The bar of the session the article was filed during (between its open and close), or None."""
    if ctx.published_at is None or ctx.calendar is None or not ctx.published:
        return None
    times = ctx.calendar.open_close(ctx.published)
    if times is None or not times[0] <= ctx.published_at < times[1]:
        return None
    return ctx.series.index(ctx.published)


def _check_level(ctx: _Context) -> dict[str, Any]:
    claim, series, w = ctx.claim, ctx.series, ctx.window
    if w.multi:
        return _check_window_level(ctx, w.basis, w.first, w.last)
    if w.session is None:
        return _verdict(UNVERIFIABLE, note=w.session_note, claimed=claim.get("level"))
    basis, date = w.session_basis, w.session
    i = series.index(date)
    if i is None:
        return _verdict(UNVERIFIABLE, note=f"no {ctx.symbol} bar on {date}",
                        claimed=claim.get("level"))
    fits, common = _level_reading(ctx, i, basis)
    if fits:
        return _verdict(SUPPORTED, **common)
    low, high = _range(common["session"])
    split = _split_match(ctx, i, common["claimed"], low, high, series.close[i], basis)
    if split is not None:
        factor, confirmed = split
        return _verdict(SUPPORTED, note=(
            f"matches the price before the later {_num(factor)}-for-1 split (the series is "
            "split-adjusted)" + ("" if confirmed else "; no split data stored, ratio inferred")),
            split_factor=factor, **common)
    return _verdict(CONTRADICTED, **common)


def _check_window_level(ctx: _Context, kind: str, first: str, last: str) -> dict[str, Any]:
    """A price said of a window ('traded at $113.45 last year'): some day of it, so the prices can
    only say whether it lies within the window's range (inconclusive) or clearly outside it."""
    series, level = ctx.series, float(ctx.claim["level"])
    a = series.before(first)
    a = 0 if a is None else a + 1
    b = series.on_or_before(last)
    if b is None or b < a:
        return _verdict(UNVERIFIABLE, claimed=level, note=f"no {ctx.symbol} bar in {first}..{last}")
    lows = [x if x is not None else c for x, c in zip(series.low[a:b + 1], series.close[a:b + 1])]
    highs = [x if x is not None else c for x, c in zip(series.high[a:b + 1], series.close[a:b + 1])]
    low, high = min(lows), max(highs)
    inside = low * (1 - NEAR_MISS_LEVEL) <= level <= high * (1 + NEAR_MISS_LEVEL)
    return _verdict(INCONCLUSIVE if inside else CONTRADICTED, basis=f"range ({kind})", claimed=level,
                    actual=min(max(level, low), high), tolerance=_level_tolerance(level),
                    session=_bar(series, b), window=[first, last], note=(
                        f"{'within' if inside else 'outside'} the {kind} range {_num(low)}..{_num(high)}"
                        f" ({first}..{last}): the text does not say on which day"))


def _level_reading(ctx: _Context, i: int, basis: str) -> tuple[bool, dict[str, Any]]:
    """(fits, the check's fields) of the claim's level on bar ``i``: inside the session's range
    (``intraday``) or at its close (any other basis)."""
    series, level = ctx.series, float(ctx.claim["level"])
    close = series.close[i]
    lt = _level_tolerance(level) + _data_unit(close)
    low, high = _range(_bar(series, i))
    if basis == "intraday":
        fits, actual, name = low - lt <= level <= high + lt, min(max(level, low), high), "intraday-range"
    else:
        fits, actual, name = abs(level - close) <= lt, close, "close"
    return fits, dict(basis=name, claimed=level, actual=actual, tolerance=lt,
                      reference=_ref(series, i - 1) if i > 0 else None, session=_bar(series, i))


# -- records ----------------------------------------------------------------------------


def _record_scope(wording: str, date: str) -> tuple[str | None, str]:
    """(first day of the history the record is about or None for all of it, description)."""
    day = dt.date.fromisoformat(date)
    m = re.search(r"since (?:(?:early|late|mid)[- ])?([a-z]+)(?: (\d{1,2})\b)?", wording)
    month = MONTH_NUMBERS.get(m.group(1)) if m else None
    if month and not re.match(r"[\s\d,]*\d{4}", wording[m.end():]):
        # 'highest close since September 14': the latest such day before the record's
        year = day.year if (month, int(m.group(2) or 1)) < (day.month, day.day) else day.year - 1
        if m.group(2):
            first = dt.date(year, month, int(m.group(2))) + dt.timedelta(days=1)
        else:
            first = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1)
        return first.isoformat(), m.group(0)
    m = re.search(r"since (?:(?:early|late|mid)[- ])?(?:([a-z]+) (?:(\d{1,2}),? )?)?(\d{4})", wording)
    if m:
        # "highest since 2007": nothing higher after that period (the last higher value lies in it)
        year, month = int(m.group(3)), MONTH_NUMBERS.get(m.group(1) or "")
        if month and m.group(2):
            first = dt.date(year, month, int(m.group(2))) + dt.timedelta(days=1)
        elif month:
            first = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1)
        else:
            first = dt.date(year + 1, 1, 1)
        return first.isoformat(), m.group(0)
    m = re.search(r"(\d+|two|three|four|five|six|seven|eight|nine|ten|\w+teen|twenty)[- ]"
                  r"(year|month|week)", wording)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS.get(m.group(1))
        if n:
            days = {"year": 365.25, "month": 30.44, "week": 7}[m.group(2)] * n
            return (day - dt.timedelta(days=round(days))).isoformat(), f"{n}-{m.group(2)}"
    if "decade" in wording:
        return (day - dt.timedelta(days=3652)).isoformat(), "decade"
    if re.search(r"multi-?year", wording):
        return (day - dt.timedelta(days=730)).isoformat(), "multi-year"
    return None, "all-time"


_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
            "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
            "twenty": 20}


def _check_record(ctx: _Context) -> dict[str, Any]:
    claim, series = ctx.claim, ctx.series
    wording = (claim.get("record") or "").lower()
    highest = not re.search(r"\blow|\btrough|\bbottom|\bweakest|\bcheapest", wording)
    if "clos" in wording:
        fields = ["close"]
    elif "intraday" in wording:
        fields = ["high" if highest else "low"]
    else:
        fields = None  # decided by the basis below
    w = ctx.window
    if w.multi:
        fields = fields or ["close", "high" if highest else "low"]
        return _check_window_record(ctx, fields[0], highest, wording, w.basis, w.first, w.last)
    if w.session is None:
        return _verdict(UNVERIFIABLE, note=w.session_note)
    basis, date = w.session_basis, w.session
    if fields is None:
        extreme = "high" if highest else "low"
        fields = [extreme] if basis == INTRADAY else ["close", extreme]
    i = series.index(date)
    if i is None:
        return _verdict(UNVERIFIABLE, note=f"no {ctx.symbol} bar on {date}")
    scope_start, scope = _record_scope(wording, date)
    start = 0 if scope_start is None else series.position(scope_start)
    results = [_record_on(ctx, f, highest, i, start, scope) for f in fields]
    for n, result in enumerate(results):
        if result["verdict"] == SUPPORTED:
            if n > 0:
                result["note"] = _join(f"the {fields[0]} was not a record; the intraday "
                                       f"{fields[n]} was", result["note"])
            break
    else:
        result = results[0]
    if w.kind == OVERNIGHT:
        result["note"] = _join(f"overnight: the {ctx.exchange or ctx.symbol} session of {date}",
                               result["note"])
    return result


def _check_distance(ctx: _Context) -> dict[str, Any]:
    """How far a price stands from its record ('3 percent shy of its all-time closing high').

    The record is the best close (or intraday extreme) up to and including the claim's session;
    the distance is the session's close from it (or any price of the session, for a story written
    during it). A wording that does not say close or intraday is tried against both records. A
    stated record level ('of 1,565.15') picks the record it names.
    """
    claim, series = ctx.claim, ctx.series
    wording = claim["record"].lower()
    highest = not re.search(r"\blow|\btrough|\bbottom", wording)
    if ctx.window.session is None:
        return _verdict(UNVERIFIABLE, note=ctx.window.session_note, claimed=_claimed_pct(claim))
    basis, date = ctx.window.session_basis, ctx.window.session
    i = series.index(date)
    if i is None:
        return _verdict(UNVERIFIABLE, note=f"no {ctx.symbol} bar on {date}", claimed=_claimed_pct(claim))
    scope_start, scope = _record_scope(wording, date)
    start = 0 if scope_start is None else series.position(scope_start)
    extreme = "high" if highest else "low"
    fields = ["close"] if "clos" in wording else [extreme] if "intraday" in wording else ["close", extreme]
    claimed = _claimed_pct(claim)
    lo, hi, tol = _band(claimed, claim.get("precision"), claim.get("hedge"))
    level = claim.get("level")
    results = []
    for field in fields:
        prior = series.extreme(field, highest, start, i + 1)
        if prior is None:
            continue
        best, at = prior
        close = series.close[i]
        low, high = _range(_bar(series, i))
        if basis == INTRADAY:
            floor, ceiling = sorted((_pct(low, best), _pct(high, best)))
            actual = min(max(claimed, floor), ceiling)
            fits = max(lo, floor) <= min(hi, ceiling) + 1e-9
        else:
            actual = _pct(close, best)
            fits = lo - 1e-9 <= actual <= hi + 1e-9
        notes = [f"{scope} {_record_name(field, highest)} {_num(best)} on {series.dates[at]}"]
        if level is not None and abs(float(level) - best) > _level_tolerance(float(level)):
            split = _split_ratio(float(level) / best) if best else None
            if split is None:
                notes.append(f"the stated record {_num(level)} is not this one")
                fits = False
            else:
                notes.append(f"the stated record {_num(level)} is {_num(best)} after a later"
                             f" {_num(split)}-for-1 split")
        if scope == "all-time" and start == 0 and series.dates[0] > "1990-01-01":
            notes.append(f"history from {series.dates[0]}")
        results.append(_verdict(SUPPORTED if fits else CONTRADICTED,
                                basis=f"distance-from-{_record_name(field, highest)}", claimed=claimed,
                                actual=actual, tolerance=tol, band=[lo, hi], field=field,
                                reference={"date": series.dates[at], "close": best},
                                session=_bar(series, i), note=_join(*notes)))
    if not results:
        return _verdict(UNVERIFIABLE, claimed=claimed, note=f"no {ctx.symbol} history before {date}")
    return next((r for r in results if r["verdict"] == SUPPORTED), results[0])


def _careful_distance(ctx: _Context, result: dict[str, Any]) -> dict[str, Any]:
    """A contradicted distance from a record: inconclusive when in doubt or when the miss is small
    (the record's own date and field are less certain than a session's close)."""
    doubted = _doubted(ctx, result)
    if doubted is not None:
        return doubted
    claimed, miss = result.get("claimed"), _band_miss(result)
    if claimed is not None and miss is not None and miss <= max(CLEAR_MISS_WINDOW_PCT,
                                                                 CLEAR_MISS_WINDOW_SHARE * abs(claimed)):
        return {**result, "verdict": INCONCLUSIVE, "note": _join(
            f"not clearly wrong: {result['actual']:+.2f}% from the record against the stated"
            f" {claimed:+g}%, a miss of {miss:.2f} points", result.get("note"))}
    return result


def _record_name(field: str, highest: bool) -> str:
    if field == "close":
        return "record-close" if highest else "record-low-close"
    return "record-high" if highest else "record-low"


def _record_on(ctx: _Context, field: str, highest: bool, i: int, start: int,
               scope: str) -> dict[str, Any]:
    """Whether bar ``i``'s ``field`` beats every value since position ``start``."""
    series, claim = ctx.series, ctx.claim
    value = series.values(field)[i]
    level = claim.get("level")
    prior = series.extreme(field, highest, start, i)
    basis = _record_name(field, highest)
    session = _bar(series, i)
    if prior is None:
        return _verdict(INCONCLUSIVE, basis=basis, actual=value, session=session,
                        claimed=level, note=f"no {ctx.symbol} history before {series.dates[i]}")
    best, at = prior
    beaten = value > best if highest else value < best
    notes = [f"{scope} record: previous best {_num(best)} on {series.dates[at]}"]
    if scope == "all-time" and series.dates[0] > "1990-01-01" and start == 0:
        notes.append(f"history from {series.dates[0]}")
    if level is not None:
        low = series.low[i] if series.low[i] is not None else series.close[i]
        high = series.high[i] if series.high[i] is not None else series.close[i]
        split = _split_match(ctx, i, float(level), low, high, series.close[i],
                             "session" if field == "close" else "intraday")
        if split is not None and not (low * 0.9 <= float(level) <= high * 1.1):
            level = float(level) / split[0]
            notes.append(f"stated level {_num(claim['level'])} is {_num(level)} after the later"
                         f" {_num(split[0])}-for-1 split (the series is split-adjusted"
                         + ("" if split[1] else "; ratio inferred") + ")")
        lt = _level_tolerance(float(level))
        if field == "close" and abs(float(level) - series.close[i]) > lt \
                and not (low - lt <= float(level) <= high + lt):
            beaten = False
            notes.append(f"stated level {_num(level)} not reached on {series.dates[i]}")
        if field != "close" and not (low - lt <= float(level) <= high + lt):
            beaten = False
            notes.append(f"stated level {_num(level)} not in the range {_num(low)}..{_num(high)}")
        elif (float(level) > best) != highest and field != "close":
            beaten = False
    return _verdict(SUPPORTED if beaten else CONTRADICTED, basis=basis, claimed=level,
                    actual=value, reference={"date": series.dates[at], "close": best},
                    session=session, note=_join(*notes), field=field)


def _check_window_record(ctx: _Context, field: str, highest: bool, wording: str, kind: str,
                         first: str, last: str) -> dict[str, Any]:
    """A record set within a window ("set earlier this week", "breached ... last month")."""
    series, claim = ctx.series, ctx.claim
    a = series.before(first)
    a = 0 if a is None else a + 1
    b = series.on_or_before(last)
    if b is None or b < a:
        return _verdict(UNVERIFIABLE, note=f"no {ctx.symbol} bar in {first}..{last}")
    scope_start, scope = _record_scope(wording, series.dates[b])
    start = 0 if scope_start is None else series.position(scope_start)
    values = series.values(field)
    level = claim.get("level")
    basis = _record_name(field, highest) + f" ({kind})"
    candidates = range(a, b + 1)
    if level is not None:
        lt = _level_tolerance(float(level))
        candidates = [k for k in candidates if abs(values[k] - float(level)) <= lt]
        if not candidates:
            return _verdict(CONTRADICTED, basis=basis, claimed=level,
                            note=f"no {field} of {_num(level)} in {first}..{last}", window=[first, last])
    for k in candidates:
        prior = series.extreme(field, highest, start, k)
        if prior is None:
            continue
        best, at = prior
        if (values[k] > best) if highest else (values[k] < best):
            notes = [f"set on {series.dates[k]}, beating {_num(best)} of {series.dates[at]}"]
            verdict = SUPPORTED
            if level is not None and ctx.published:
                # "the record peak of X": still the record up to the article
                until = series.before(ctx.published)
                later = series.extreme(field, highest, k + 1, until + 1) if until is not None else None
                if later is not None and ((later[0] > values[k]) if highest else (later[0] < values[k])):
                    verdict = CONTRADICTED
                    notes.append(f"beaten again on {series.dates[later[1]]} ({_num(later[0])})")
            return _verdict(verdict, basis=basis, claimed=level, actual=values[k],
                            reference={"date": series.dates[at], "close": best},
                            session=_bar(series, k), note=_join(*notes), window=[first, last],
                            field=field)
    prior = series.extreme(field, highest, start, a)
    best_in = series.extreme(field, highest, a, b + 1)
    return _verdict(CONTRADICTED, basis=basis, claimed=level,
                    actual=best_in[0] if best_in else None,
                    reference={"date": series.dates[prior[1]], "close": prior[0]} if prior else None,
                    note=f"no {scope} record {field} in {first}..{last}", window=[first, last])


# -- index move and excess return ---------------------------------------------------------


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


def _num(value: float) -> str:
    """A price or ratio for a note: at most 2 decimals, no trailing zeros (39426.29, 2, 0.5)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


# -- the store ---------------------------------------------------------------------------


@functools.cache
def load_master() -> Any:
    """The instrument master (nlp.instruments), which ships with the package; a missing or broken
    one raises (InstrumentFileError / FileNotFoundError naming the file) instead of quietly
    checking without the exchanges it knows."""
    return InstrumentMaster.load()


def _safe_check(claim: dict[str, Any], article: dict[str, Any], prices: PriceSource,
                master: Any) -> dict[str, Any]:
    try:
        return check_claim(claim, article, prices, master)
    except Exception as exc:  # noqa: BLE001 - one bad claim must not stop the others
        return _verdict(UNVERIFIABLE, note=f"check failed: {type(exc).__name__}: {exc}")


def check_store(store: Any, master: Any = None, article_ids: Any = None) -> dict[str, int]:
    """Re-check the stored claims (of ``article_ids``, or all) against the stored prices.

    ``master`` defaults to :func:`load_master`. Returns counts by verdict plus
    ``claims``. A claim whose check fails unexpectedly is stored
    ``unverifiable`` with the error in its note: no claim is dropped.
    """
    from nlp.market.series import StorePrices

    prices = StorePrices(store)
    master = master if master is not None else load_master()
    counts = {v: 0 for v in VERDICTS}
    checks = []
    for item in store.claims_to_check(article_ids):
        check = _safe_check(item["claim"], item["article"], prices, master)
        counts[check["verdict"]] += 1
        checks.append((item["pk"], item["article_id"], check))
    store.save_checks(checks)
    counts["claims"] = len(checks)
    return counts


def check_records(store: Any, records: list[dict[str, Any]], master: Any = None,
                  prices: PriceSource | None = None) -> dict[str, int]:
    """Fill ``claim["check"]`` of every claim of public ``records`` from the store's prices.

    Each record needs ``article`` (published, published_time, timezone) and
    ``claims``. ``master`` defaults to :func:`load_master`; ``prices`` to the
    store's prices read once per symbol. Returns counts by verdict plus ``claims``.
    """
    from nlp.market.series import StorePrices

    prices = prices or StorePrices(store)
    master = master if master is not None else load_master()
    counts = {v: 0 for v in VERDICTS}
    for record in records:
        article = record.get("article") or {}
        for claim in record.get("claims") or []:
            claim["check"] = _safe_check(claim, article, prices, master)
            counts[claim["check"]["verdict"]] += 1
    counts["claims"] = sum(counts[v] for v in VERDICTS)
    return counts
