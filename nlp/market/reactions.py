"""What the price did after a story: event windows, abnormal returns, volume, and event studies.

Market code only: it takes a publication instant, an exchange's sessions and price series, and
knows nothing of how the article was read.

- ``t0`` is the first session close after publication (:func:`event_time`): published during a
  session, that session; before the open, that day's session; after the close, on a weekend or a
  holiday, the next session. With a date and no time, the published day's session (or the next one
  when the day has none): ``timing`` then says ``date-only``, because a story filed after that close
  would see the day's move counted as its reaction; a text that says it was written during the
  session ("by the midday break") makes it ``during`` (``timing_from`` says ``text``).
- The base of every window is the last close before publication: the session before ``t0``.
  Returns apply the split ratios stored for the bars in between (raw closes across a split).
- Window ``"0..k"`` runs from the base close to the close of the session ``k`` sessions after ``t0``
  (``"0"`` is ``"0..0"``).
- ``abnormal_pct`` is market-adjusted: the window's return minus the main index's over the same
  dates. ``abnormal_mm_pct`` is the market model's: the sum over the window's sessions of
  ``r - (alpha + beta * r_index)``, with alpha and beta fitted by least squares on the daily returns
  of sessions -120..-20 around ``t0`` (at least :data:`MIN_ESTIMATION` of them).
- ``volume_ratio``: the window's mean daily volume over the mean of the 20 sessions before ``t0``.

Missing prices never become a guess: the window's ``reason`` says what was missing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from nlp.calendars import Sessions
from nlp.market.series import PriceSeries

#: The event windows stored for every (article, instrument): name -> (first, last) session after t0.
WINDOWS: dict[str, tuple[int, int]] = {"0": (0, 0), "0..1": (0, 1), "0..5": (0, 5)}
#: Sessions (relative to t0, both included) whose daily returns fit the market model.
ESTIMATION = (-120, -20)
#: The fewest daily returns a market-model fit needs.
MIN_ESTIMATION = 60
#: Sessions before t0 whose mean volume is the volume baseline, and the fewest known ones needed.
VOLUME_SESSIONS = 20
MIN_VOLUME_SESSIONS = 10
#: The days an event study covers, relative to t0.
STUDY_DAYS = (-5, 10)

_WINDOW = re.compile(r"^\s*(-?\d+)\s*(?:\.\.\s*(-?\d+))?\s*$")


def parse_window(text: str) -> tuple[int, int]:
    """``"0"`` -> (0, 0), ``"0..5"`` -> (0, 5). Raises ValueError for anything else."""
    m = _WINDOW.match(text or "")
    if not m:
        raise ValueError(f"{text!r} is not a window: use N or N..M, e.g. 0, 0..1, 0..5")
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) is not None else first
    if first < 0 or last < first:
        raise ValueError(f"{text!r}: a reaction window starts at 0 or later and ends at or after it")
    return first, last


def window_name(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}..{last}"


@dataclass(frozen=True)
class EventTime:
    """When a story hit the market: ``t0`` (first session close after it), ``base`` (the last close
    before it) and ``timing``: during, before-open, after-close, non-session or date-only."""

    t0: str
    base: str | None
    timing: str
    source: str = "time"  # what the timing rests on: time (of publication), text, date


def event_time(published: str | None, published_at: float | None,
               calendar: Sessions | None, dates: Sequence[str] = (), *,
               intraday_report: bool = False) -> EventTime | None:
    """The event time of a story published on ISO date ``published``, at UTC epoch ``published_at``
    (None when only the date is known), on the exchange with sessions ``calendar``.

    ``intraday_report``: with no time, the text says it was written during the session ("by the
    midday break"): a session day is then t0 with timing ``during`` (source ``text``). Without a
    calendar, the sorted bar ``dates`` of the series stand for the sessions and only the date
    counts. Returns None when no session follows the publication.
    """
    if calendar is not None and published_at is not None:
        i = bisect.bisect_right(calendar.closes, published_at)
        if i >= len(calendar.dates):
            return None
        t0 = calendar.dates[i]
        base = calendar.dates[i - 1] if i > 0 else None
        local = dt.datetime.fromtimestamp(published_at, ZoneInfo(calendar.timezone)).date().isoformat()
        if calendar.opens[i] <= published_at:
            timing = "during"
        elif local == t0:
            timing = "before-open"
        elif base == local:
            timing = "after-close"
        else:
            timing = "non-session"
        return EventTime(t0, base, timing)
    if not published:
        return None
    days: Sequence[str] = calendar.dates if calendar is not None else dates
    i = bisect.bisect_left(days, published)
    if i >= len(days):
        return None
    base = days[i - 1] if i > 0 else None
    if intraday_report and days[i] == published:
        return EventTime(days[i], base, "during", "text")
    return EventTime(days[i], base, "date-only", "date")


def _pct(new: float, old: float) -> float:
    return (new / old - 1.0) * 100.0


def split_factor(series: PriceSeries, i: int, j: int) -> float:
    """The product of the split ratios stored for bars i+1..j: a raw close at j times it is
    comparable with the close at i (1.0 when none is stored, as in split-adjusted data)."""
    factor = 1.0
    for s in series.split[i + 1: j + 1]:
        if s:
            factor *= s
    return factor


@dataclass(frozen=True)
class MarketModel:
    """A least-squares fit r = alpha + beta * r_index on daily returns (fractions, not percent)."""

    alpha: float
    beta: float
    observations: int


def daily_returns(series: PriceSeries, index: PriceSeries, first: int, last: int
                  ) -> list[tuple[str, float, float]]:
    """(date, return, index return) of the series' bars at positions first..last (both included)
    whose bar, the bar before and the index's bars on both dates exist."""
    out = []
    for p in range(max(first, 1), min(last, len(series) - 1) + 1):
        d, prev = series.dates[p], series.dates[p - 1]
        j, k = index.index(d), index.index(prev)
        if j is None or k is None or not series.close[p - 1] or not index.close[k]:
            continue
        ratio = series.close[p] * split_factor(series, p - 1, p) / series.close[p - 1]
        out.append((d, ratio - 1.0, index.close[j] / index.close[k] - 1.0))
    return out


def fit_market_model(series: PriceSeries, index: PriceSeries, t0_position: int) -> MarketModel | None:
    """The market model over sessions ESTIMATION around ``t0_position``, or None (too little data)."""
    rows = daily_returns(series, index, t0_position + ESTIMATION[0], t0_position + ESTIMATION[1])
    if len(rows) < MIN_ESTIMATION:
        return None
    xs = [r[2] for r in rows]
    ys = [r[1] for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    beta = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return MarketModel(my - beta * mx, beta, len(rows))


@dataclass
class WindowReaction:
    """One window's reaction: dates, closes, returns in percent, volume; ``reason`` when missing."""

    window: str
    start_date: str | None = None
    end_date: str | None = None
    start_close: float | None = None
    end_close: float | None = None
    return_pct: float | None = None
    index_return_pct: float | None = None
    abnormal_pct: float | None = None
    abnormal_mm_pct: float | None = None
    volume: float | None = None
    volume_avg20: float | None = None
    volume_ratio: float | None = None
    reason: str | None = None

    def row(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Reaction:
    """What ``symbol`` did after a story: the event time, the index it is measured against, the
    market model, and one :class:`WindowReaction` per window; ``reason`` when nothing could be
    measured (no price series, no session after the story)."""

    symbol: str
    index_symbol: str | None = None
    t0: str | None = None
    base_date: str | None = None
    timing: str | None = None
    timing_from: str | None = None
    beta: float | None = None
    beta_observations: int | None = None
    reason: str | None = None
    windows: list[WindowReaction] = field(default_factory=list)


def _known_volumes(series: PriceSeries, first: int, last: int) -> list[float]:
    """The volumes of bars first..last (both included) that are known (a 0 is unknown)."""
    return [v for v in series.volume[max(first, 0): last + 1] if v is not None and v > 0]


def _session_after(calendar: Sessions | None, series: PriceSeries, t0: str, n: int) -> str | None:
    if calendar is not None:
        return calendar.offset(t0, n)
    i = series.index(t0)
    return series.dates[i + n] if i is not None and i + n < len(series) else None


def measure_reaction(symbol: str, series: PriceSeries | None, when: EventTime | None,
                     index_symbol: str | None = None, index: PriceSeries | None = None,
                     calendar: Sessions | None = None,
                     windows: dict[str, tuple[int, int]] = WINDOWS) -> Reaction:
    """The reaction of ``symbol`` (its ``series``) to a story at event time ``when``.

    ``index_symbol`` / ``index``: the main index to measure the abnormal return against (None for
    an index itself). ``calendar``: the exchange's sessions (None: the series' bars stand for them).
    Never raises for missing data: the reason is in ``reason`` or the window's ``reason``.
    """
    out = Reaction(symbol, index_symbol=index_symbol)
    if series is None or not len(series):
        out.reason = f"no price series for {symbol}"
        return out
    if when is None:
        out.reason = f"no {symbol} session after the story in the calendar"
        return out
    out.t0, out.base_date, out.timing, out.timing_from = when.t0, when.base, when.timing, when.source
    t0_pos = series.index(when.t0)
    model = None
    if index is not None and t0_pos is not None:
        model = fit_market_model(series, index, t0_pos)
        if model is not None:
            out.beta, out.beta_observations = round(model.beta, 4), model.observations
    for name, (first, last) in windows.items():
        out.windows.append(_window(series, when, name, first, last, index_symbol, index, model,
                                   calendar))
    return out


def _window(series: PriceSeries, when: EventTime, name: str, first: int, last: int,
            index_symbol: str | None, index: PriceSeries | None, model: MarketModel | None,
            calendar: Sessions | None) -> WindowReaction:
    w = WindowReaction(name)
    start = when.base if first == 0 else _session_after(calendar, series, when.t0, first - 1)
    end = _session_after(calendar, series, when.t0, last)
    w.start_date, w.end_date = start, end
    if start is None:
        w.reason = f"no session before {when.t0}"
        return w
    if end is None:
        w.reason = f"no session {last} after {when.t0} in the calendar"
        return w
    i, j = series.index(start), series.index(end)
    if i is None or j is None:
        missing = start if i is None else end
        if missing > series.dates[-1]:
            w.reason = f"{series.symbol} prices end at {series.dates[-1]}"
        elif missing < series.dates[0]:
            w.reason = f"{series.symbol} prices start at {series.dates[0]}"
        else:
            w.reason = f"no {series.symbol} bar for {missing}"
        return w
    w.start_close, w.end_close = series.close[i], series.close[j]
    if not w.start_close:
        w.reason = f"{series.symbol} close on {start} is zero"
        return w
    w.return_pct = round(_pct(w.end_close * split_factor(series, i, j), w.start_close), 4)
    window_known = _known_volumes(series, i + 1, j)
    baseline_known = _known_volumes(series, i + 1 - VOLUME_SESSIONS, i)
    if window_known and len(baseline_known) >= MIN_VOLUME_SESSIONS:
        volume = sum(window_known) / len(window_known)
        w.volume = round(volume, 2)
        w.volume_avg20 = round(sum(baseline_known) / len(baseline_known), 2)
        w.volume_ratio = round(volume / w.volume_avg20, 4)
    if index_symbol is None:
        return w
    if index is None:
        w.reason = f"no price series for the index {index_symbol}"
        return w
    a, b = index.index(start), index.index(end)
    if a is None or b is None or not index.close[a]:
        w.reason = f"no {index_symbol} bar for {start if a is None else end}"
        return w
    w.index_return_pct = round(_pct(index.close[b], index.close[a]), 4)
    w.abnormal_pct = round(w.return_pct - w.index_return_pct, 4)
    if model is not None:
        days = daily_returns(series, index, i + 1, j)
        if len(days) == j - i:
            w.abnormal_mm_pct = round(100.0 * sum(r - model.alpha - model.beta * m for _, r, m in days), 4)
    return w


# -- event studies ----------------------------------------------------------------------------


def abnormal_path(series: PriceSeries, index: PriceSeries, t0: str, *,
                  days: tuple[int, int] = STUDY_DAYS, model: str = "adjusted") -> list[float] | None:
    """Daily abnormal returns (percent) from ``days[0]`` to ``days[1]`` sessions around ``t0``
    (day 0: the base close to the close of t0), or None when a bar is missing or, for
    ``model="market"``, the market model cannot be fitted.

    ``model``: ``adjusted`` (return minus the index's) or ``market`` (minus alpha + beta x index).
    """
    pos = series.index(t0)
    if pos is None:
        return None
    rows = daily_returns(series, index, pos + days[0], pos + days[1])
    if len(rows) != days[1] - days[0] + 1 or pos + days[0] < 1:
        return None
    if model == "market":
        fit = fit_market_model(series, index, pos)
        if fit is None:
            return None
        return [100.0 * (r - fit.alpha - fit.beta * m) for _, r, m in rows]
    if model != "adjusted":
        raise ValueError(f"unknown model {model!r}: use adjusted or market")
    return [100.0 * (r - m) for _, r, m in rows]


@dataclass(frozen=True)
class EventStudy:
    """The average cumulative abnormal return (CAR, percent) by day around publication, with its
    standard error and t-statistic, over ``count`` events (``left_out``: events without a full path)."""

    days: tuple[int, ...]
    mean_car: tuple[float, ...]
    standard_error: tuple[float | None, ...]
    t_stat: tuple[float | None, ...]
    count: int
    left_out: int
    model: str

    def rows(self) -> list[dict[str, Any]]:
        return [{"day": d, "mean_car_pct": m, "standard_error": s, "t_stat": t, "count": self.count}
                for d, m, s, t in zip(self.days, self.mean_car, self.standard_error, self.t_stat)]


def event_study(paths: Sequence[Sequence[float] | None], *, days: tuple[int, int] = STUDY_DAYS,
                model: str = "adjusted") -> EventStudy:
    """Average the cumulative sums of daily abnormal ``paths`` (one per event, None = left out)."""
    span = tuple(range(days[0], days[1] + 1))
    full = [p for p in paths if p is not None and len(p) == len(span)]
    cars = []
    for p in full:
        total, car = 0.0, []
        for v in p:
            total += v
            car.append(total)
        cars.append(car)
    n = len(cars)
    means, ses, ts = [], [], []
    for k in range(len(span)):
        col = [c[k] for c in cars]
        mean = sum(col) / n if n else float("nan")
        if n > 1:
            var = sum((v - mean) ** 2 for v in col) / (n - 1)
            se = math.sqrt(var / n)
        else:
            se = None
        means.append(round(mean, 4) if n else float("nan"))
        ses.append(round(se, 4) if se is not None else None)
        ts.append(round(mean / se, 3) if se else None)
    return EventStudy(span, tuple(means), tuple(ses), tuple(ts), n, len(paths) - n, model)
