"""Does a run's memory stay flat? Peak RSS of ``newslink run``'s path over 1,000 and 20,000 articles.

    python bench/memory.py [--sizes 1000 20000] [--no-model] [--archive PATH] [--prices DIR]

Each size runs in its own child process (so each peak is its own): ``run_inputs`` over the first N
members of the Reuters dev archive (one worker, checks against the US prices, reactions) into a fresh
database. Prints, per size, the articles, seconds and the child's peak RSS (ru_maxrss), and the ratio
of the largest size's peak to the smallest's (flat: within 1.10).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
ARCHIVE = SHARED / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"
PRICES = SHARED / "prices" / "us-2012-2017"


def child(n: int, archive: Path, prices: Path, use_model: bool) -> None:
    from nlp.run import run_inputs

    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        started = time.perf_counter()
        summary = run_inputs([archive], Path(tmp) / "m.db", limit=n, prices=[prices],
                             use_causal_model=use_model)
        seconds = time.perf_counter() - started
    print(json.dumps({"inputs": summary.inputs, "articles": summary.articles, "seconds": seconds,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--prices", type=Path, default=PRICES)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.archive, args.prices, not args.no_model)
        return
    for path in (args.archive, args.prices):
        if not path.exists():
            sys.exit(f"{path}: not found (needs ../shared/data)")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    rows = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--child", str(n), "--archive", str(args.archive),
               "--prices", str(args.prices)]
        if args.no_model:
            cmd.append("--no-model")
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{n:>7,} inputs: {row['articles']:>6,} articles  {row['seconds']:8.1f} s"
              f"  peak RSS {row['peak_rss_mb']:8.1f} MB", flush=True)
    if len(rows) > 1:
        print(f"peak RSS at {args.sizes[-1]:,} / at {args.sizes[0]:,}: "
              f"{rows[-1]['peak_rss_mb'] / rows[0]['peak_rss_mb']:.3f}")


if __name__ == "__main__":
    main()
