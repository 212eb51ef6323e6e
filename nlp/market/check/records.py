"""Records and distances from them: all-time, since a date or over N years, set on a session or
within a window, and how far a price stands from its record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nlp.market.check.tolerance import (
    CONTRADICTED, INCONCLUSIVE, SUPPORTED, UNVERIFIABLE, _Context, _band, _bar, _claimed_pct, _join,
    _level_tolerance, _num, _pct, _range, _split_match, _split_ratio, _verdict,
)
from nlp.market.window import INTRADAY, OVERNIGHT
from nlp.types import MONTH_NUMBERS, NUMBER_NAMES


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
        n = int(m.group(1)) if m.group(1).isdigit() else NUMBER_NAMES.get(m.group(1))
        if n:
            days = {"year": 365.25, "month": 30.44, "week": 7}[m.group(2)] * n
            return (day - dt.timedelta(days=round(days))).isoformat(), f"{n}-{m.group(2)}"
    if "decade" in wording:
        return (day - dt.timedelta(days=3652)).isoformat(), "decade"
    if re.search(r"multi-?year", wording):
        return (day - dt.timedelta(days=730)).isoformat(), "multi-year"
    return None, "all-time"




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
