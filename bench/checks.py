"""Claims checked per second from the SQLite prices, against a naive baseline in the same run.

Builds a temporary store with the US 2012-2017 prices of ../shared/data (a
sample of symbols plus the three indices), makes a mix of claims from those
prices (close-to-close and pre-close intraday moves with and without a level,
records, year-to-date moves, some off by a little), then checks them twice:

- cached: :class:`nlp.market.StorePrices` reads each symbol's bars once and
  keeps the series in memory (what ``check_store`` uses);
- naive: every claim reads its symbol's bars from SQLite again.

Usage: python bench/checks.py [--claims 20000] [--naive 100] [--symbols 60] [--db FILE]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from nlp.market import PriceSeries, StorePrices, check_claim, import_prices
from nlp.store import Store

ROOT = Path(__file__).resolve().parents[1]
US = ROOT.parent / "shared" / "data" / "prices" / "us-2012-2017"
INDEXES = ("^GSPC", "^DJI", "^IXIC")


class NaivePrices:
    """The baseline: a fresh SQLite read of the symbol's bars for every claim."""

    def __init__(self, store: Store):
        self.store = store

    def series(self, symbol: str) -> PriceSeries | None:
        bars = self.store.price_bars(symbol)
        return PriceSeries(symbol, bars) if bars else None


def build_store(path: Path, n_symbols: int, seed: int) -> Store:
    files = sorted(US.glob("*_data.csv"))
    random.Random(seed).shuffle(files)
    store = Store(path)
    for f in [US / f"{i}.csv" for i in INDEXES] + files[:n_symbols]:
        report = import_prices(store, f)
        if not report.ok:
            raise SystemExit(report.errors[0])
    return store


def make_claims(store: Store, n: int, seed: int) -> list[tuple[dict, dict]]:
    """(claim, article) pairs drawn from the stored bars; about a fifth are wrong by a little."""
    rng = random.Random(seed)
    series = {s: store.price_bars(s) for s in store.price_symbols()}
    symbols = sorted(s for s in series if len(series[s]) > 320)
    out = []
    for _ in range(n):
        symbol = rng.choice(symbols)
        bars = series[symbol]
        i = rng.randrange(300, len(bars))
        bar, prev = bars[i], bars[i - 1]
        date = bar["date"]
        move = (bar["close"] / prev["close"] - 1) * 100
        if rng.random() < 0.2:
            move += rng.choice((-1, 1)) * rng.uniform(0.1, 2.0)
        article = {"published": date, "timezone": "America/New_York",
                   "published_time": f"{date}T17:30:00-04:00"}
        claim = {"kind": "change", "symbol": symbol, "pct": round(abs(move), 2),
                 "direction": "up" if move >= 0 else "down", "precision": 0.005,
                 "after_hours": False}
        roll = rng.random()
        if roll < 0.3:
            claim["level"] = round(bar["close"], 2)
        elif roll < 0.5:  # a story written at midday
            article["published_time"] = f"{date}T12:30:00-04:00"
            mid = (bar["high"] or bar["close"]) * 0.5 + (bar["low"] or bar["close"]) * 0.5
            claim["pct"] = round(abs(mid / prev["close"] - 1) * 100, 2)
            claim["direction"] = "up" if mid >= prev["close"] else "down"
        elif roll < 0.65:
            claim = {"kind": "record", "symbol": symbol, "record": "record closing high",
                     "as_of": date, "after_hours": False}
        elif roll < 0.75:
            start = f"{date[:4]}-01-01"
            ref = next((b for b in reversed(bars[:i]) if b["date"] < start), None)
            if ref is not None:
                ytd = (prev["close"] / ref["close"] - 1) * 100
                claim.update(pct=round(abs(ytd), 1), direction="up" if ytd >= 0 else "down",
                             precision=0.05, period="year to date", window_start=start)
        out.append((claim, article))
    return out


def run(prices, claims) -> tuple[float, dict[str, int]]:
    counts: dict[str, int] = {}
    t0 = time.perf_counter()
    for claim, article in claims:
        verdict = check_claim(claim, article, prices)["verdict"]
        counts[verdict] = counts.get(verdict, 0) + 1
    return time.perf_counter() - t0, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20000)
    parser.add_argument("--naive", type=int, default=100, help="claims for the naive baseline")
    parser.add_argument("--symbols", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing store with prices (default: build one)")
    args = parser.parse_args()
    if args.db is None and not US.is_dir():
        print(f"no prices: {US} is absent; pass --db", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = Store(args.db) if args.db else build_store(Path(tmp) / "bench.db", args.symbols,
                                                           args.seed)
        print(f"store: {store.db['prices'].count} bars of {len(store.price_symbols())} symbols "
              f"({time.perf_counter() - t0:.1f}s to build)")
        claims = make_claims(store, args.claims, args.seed)
        run(StorePrices(store), claims[:50])  # build the exchange calendars once, outside the timing
        cached_s, counts = run(StorePrices(store), claims)
        naive_s, _ = run(NaivePrices(store), claims[: args.naive])
    cached_rate = len(claims) / cached_s
    naive_rate = min(args.naive, len(claims)) / naive_s
    print(f"verdicts: {dict(sorted(counts.items()))}")
    print(f"cached: {len(claims)} claims in {cached_s:.2f}s = {cached_rate:,.0f} claims/s "
          "(bars read once per symbol, then kept in memory)")
    print(f"naive:  {min(args.naive, len(claims))} claims in {naive_s:.2f}s = "
          f"{naive_rate:,.0f} claims/s (bars read from SQLite for every claim)")
    print(f"ratio:  {cached_rate / naive_rate:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
