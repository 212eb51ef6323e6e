"""What market reactions add to a run, measured in the same run against the run without them.

    python bench/reactions.py [--n 300] [--skip 4000] [--archive PATH] [--prices DIR]

Takes N readable articles of the Reuters dev archive after the first SKIP (the earliest weeks predate
the US prices), imports the US prices once into a template database, then in this one process:
  1. warm-up: the pipeline is loaded on a few articles (not timed);
  2. ``run_inputs`` with checks, without and with reactions, each into a copy of the template, in
     the order without, with, with, without;
  3. ``fill_reactions`` over the whole of the last database with reactions (what ``newslink check``
     adds).
Prints the times, the ratio with / without, the reactions' own share of a run (timed inside it),
and how many (article, instrument) rows got a return.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_ARCHIVE = SHARED / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"
DEFAULT_PRICES = SHARED / "prices" / "us-2012-2017"


def slice_of(archive: Path, skip: int, n: int, out: Path) -> Path:
    """Members skip..skip+n of ``archive`` (files only) into a small tar at ``out``."""
    seen = kept = 0
    with tarfile.open(archive, "r|gz") as src, tarfile.open(out, "w") as dst:
        for info in src:
            if not info.isfile():
                continue
            seen += 1
            if seen <= skip:
                continue
            dst.addfile(info, io.BytesIO(src.extractfile(info).read()))
            kept += 1
            if kept == n:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--skip", type=int, default=4000)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--prices", type=Path, default=DEFAULT_PRICES)
    args = parser.parse_args()
    for path in (args.archive, args.prices):
        if not path.exists():
            sys.exit(f"not found: {path}")

    from nlp.market import import_prices
    from nlp.reactions import fill_reactions
    from nlp.run import run_inputs
    from nlp.store import Store

    with tempfile.TemporaryDirectory(prefix="bench-reactions-") as tmp:
        tmp = Path(tmp)
        articles = slice_of(args.archive, args.skip, args.n, tmp / "slice.tar")
        warm = slice_of(args.archive, 0, 5, tmp / "warm.tar")
        template = tmp / "template.db"
        store = Store(template)
        started = time.perf_counter()
        import_prices(store, args.prices)
        store.conn.close()
        print(f"prices imported once in {time.perf_counter() - started:.1f} s (not part of the runs)")
        run_inputs([warm], tmp / "warm.db", reactions=False)

        timings: dict[str, list[float]] = {"without reactions": [], "with reactions": []}
        summaries = {}
        # ABBA order, so that warming caches (calendars, the page cache) favours neither side
        for k, (name, reactions) in enumerate((("without reactions", False), ("with reactions", True),
                                               ("with reactions", True), ("without reactions", False))):
            db = tmp / f"{name.replace(' ', '-')}-{k}.db"
            shutil.copy(template, db)
            started = time.perf_counter()
            summaries[name] = run_inputs([articles], db, reactions=reactions)
            timings[name].append(time.perf_counter() - started)
            if reactions:
                last_with = db
        on = summaries["with reactions"]
        store = Store(last_with)
        started = time.perf_counter()
        refill = fill_reactions(store)
        refill_s = time.perf_counter() - started
        priced = store.conn.execute(
            "SELECT count(DISTINCT reaction) FROM reaction_windows WHERE return_pct IS NOT NULL").fetchone()[0]
        with_prices = store.conn.execute(
            "SELECT count(DISTINCT article_id) FROM reaction_windows WHERE return_pct IS NOT NULL").fetchone()[0]
        store.conn.close()

    n = on.articles
    print(f"{n} articles (members {args.skip + 1}..{args.skip + args.n} of {args.archive.name})")
    for name, runs in timings.items():
        print(f"  runs {name:<18} " + ", ".join(f"{s:.1f} s" for s in runs)
              + f"  ({sum(runs) / len(runs) / max(n, 1) * 1000:.1f} ms/article)")
    ratio = sum(timings["with reactions"]) / sum(timings["without reactions"])
    print(f"  ratio with / without (sums): {ratio:.3f} ({(ratio - 1) * 100:+.1f}%)")
    print(f"  reactions' own time inside the last run with them: {on.reaction_seconds:.1f} s"
          f" ({on.reaction_seconds / timings['with reactions'][-1] * 100:.1f}% of it),"
          f" {on.reactions} rows written (stories stored before earlier ones are re-scored)")
    print(f"  fill_reactions over the whole database again (newslink check): {refill_s:.1f} s"
          f" for {refill} rows ({refill_s / max(n, 1) * 1000:.1f} ms/article)")
    print(f"  rows with a return: {priced} of {refill}; articles with a priced instrument: {with_prices} of {n}")


if __name__ == "__main__":
    main()
