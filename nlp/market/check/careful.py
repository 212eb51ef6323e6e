"""A careful checker: a contradicted verdict stands only when the instrument is certain, the window
fixed, the miss clear and no other plausible reading fits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nlp.market.check.moves import _check_session_move, _check_window_move, _level_reading
from nlp.market.check.records import _record_on, _record_scope
from nlp.market.check.tolerance import (
    CLEAR_MISS_PCT, CLEAR_MISS_SHARE, CLEAR_MISS_WINDOW_PCT, CLEAR_MISS_WINDOW_SHARE, CONTRADICTED,
    INCONCLUSIVE, LEVEL_RATIO_RANGE, NEAR_MISS_LEVEL, NEAR_MISS_PCT, NEAR_MISS_POINTS,
    NEAR_MISS_POINTS_SHARE, ONE_SESSION_BASES, OUT_OF_SCALE, OUT_OF_SCALE_EXPLICIT, SPLIT_RATIO_TOLERANCE,
    SUPPORTED, UNVERIFIABLE, _Context, _band_miss, _fits, _half_unit, _join, _level_tolerance, _num, _pct,
    _range, _split_ratio, _verdict, _without_level, why_line,
)
from nlp.types import WEEKDAYS


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


#: What each kind of doubt (nlp.components.doubts) leaves uncertain, for the verdict's note.
DOUBTS = {"extended": "outside the regular session", "intraday": "a moment or extreme within the session",
          "window": "another window", "past": "another date", "forecast": "a forecast",
          "not-price": "perhaps not a price", "distance": "a distance from the record",
          "subject": "perhaps another instrument's figure"}
WEEKDAY_NAMES = WEEKDAYS[:5]  # the trading days


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
