"""Moves and levels over their window: one session (close to close, the session's range), points,
direction only, multi-session windows, and prices said of a session or a window."""

from __future__ import annotations

import re
from typing import Any

from nlp.market.check.excess import _with_index
from nlp.market.check.tolerance import (
    BAND_SLACK, CONTRADICTED, FLAT_PCT, INCONCLUSIVE, NEAR_MISS_LEVEL, SUPPORTED, UNVERIFIABLE, _Context,
    _band, _band_text, _bar, _claimed_pct, _data_unit, _dividend_gap, _half_unit, _join, _level_tolerance,
    _num, _pct, _pct_of_level_tol, _range, _ref, _split_match, _verdict,
)
from nlp.market.exchanges import is_equity
from nlp.market.window import OVERNIGHT, ROLLING, SESSION, kind_of


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
