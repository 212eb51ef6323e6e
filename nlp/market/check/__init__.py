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

The package's modules, each building on the ones before: ``tolerance`` (bands, splits, levels,
the verdict dict), ``excess`` (the move against the main index), ``moves`` (moves and levels over
their window), ``records`` (records and distances from them) and ``careful`` (when a miss may be
called contradicted). This module holds the entry points.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from nlp.calendars import known_exchange, sessions
from nlp.instruments import InstrumentMaster
from nlp.market.check.careful import _careful, _careful_distance, _careful_record, _reading
from nlp.market.check.moves import _check_level, _check_move
from nlp.market.check.records import _check_distance, _check_record
from nlp.market.check.tolerance import CONTRADICTED, UNVERIFIABLE, _Context, _claimed_pct, _verdict, why_line
from nlp.market.exchanges import exchange_for
from nlp.market.series import PriceSource
from nlp.market.window import published_epoch, window_of
from nlp.types import VERDICTS

__all__ = ["VERDICTS", "Verdict", "check_claim", "check_records", "check_store", "load_master", "verdict_for",
           "why_line"]


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
    def bar_before(date: str) -> str | None:
        i = series.before(date)
        return series.dates[i] if i is not None else None

    window = window_of(claim, article, calendar, exchange, bar_before)
    ctx = _Context(claim, article, series, symbol, exchange, calendar, article.get("published"),
                   published_epoch(article), master, prices, window)
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
