"""Write corpus/prices/: the few price rows the sample article's checks need, in newslink's format.

Reads the seed files of ../shared/data/prices/seed (see shared/data/SOURCES.md)
and keeps, per symbol: the first bar (where the history starts), the bars
holding the highest high and the highest close before the window (enough
for the all-time record checks), and every bar of the window around the
article (2023-12-01 .. 2024-03-08: year-to-date reference, February's
records, the week of 2024-02-26, the sessions of 2024-02-29 and 03-01).

Usage: python bench/corpus_prices.py [SEED_DIR] [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from nlp.market.prices import PriceBar, parse_price_file, write_price_csv

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "data" / "prices" / "seed"
OUT = ROOT / "corpus" / "prices"
WINDOW = ("2023-12-01", "2024-03-08")

#: Upstream file of each seed symbol, as shared/data/SOURCES.md names it.
UPSTREAM = {
    "^N225": "hjyssg/tqqq_simulation data/^N225.csv @5605b60a",
    "^GSPC": "hjyssg/tqqq_simulation data/^SPX.csv @83b9dc0f",
    "^IXIC": "ferranfont/commodities_correlation data/^IXIC.csv @92322625",
    "^TOPX": "ociponan/streamlit topix.csv @11c42be6",
    "8035.T": "merida901/csv-files 8035.T.csv @083f2681",
    "9984.T": "merida901/csv-files 9984.T.csv @083f2681",
    "6857.T": "keroppa88/chart0 data/6857.csv @eb1c67af",
}


def excerpt(bars: list[PriceBar], window: tuple[str, str] = WINDOW) -> list[PriceBar]:
    """The bars a record or move check inside ``window`` needs (see the module docstring)."""
    before = [b for b in bars if b.date < window[0]]
    keep = {b.date: b for b in bars if window[0] <= b.date <= window[1]}
    if before:
        keep.setdefault(before[0].date, before[0])
        top_close = max(before, key=lambda b: b.close)
        top_high = max(before, key=lambda b: b.high if b.high is not None else b.close)
        keep.setdefault(top_close.date, top_close)
        keep.setdefault(top_high.date, top_high)
    return [keep[d] for d in sorted(keep)]


def main(seed: Path = SEED, out: Path = OUT) -> int:
    total = 0
    for path in sorted(seed.glob("*.csv")):
        parsed = parse_price_file(path)
        for symbol in parsed.symbols:
            rows = excerpt([b for b in parsed.bars if b.symbol == symbol])
            for bar in rows:
                bar.source = UPSTREAM.get(symbol, path.name)
            target = write_price_csv(rows, out / f"{symbol}.csv")
            total += target.stat().st_size
            print(f"{target.relative_to(ROOT)}\t{len(rows)} bars")
    print(f"{total} bytes")
    return 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    sys.exit(main(*args))
