"""Does a run's memory stay flat? Peak RSS of ``newslink run``'s path after 1,000 ... 20,000 articles.

    python bench/memory.py [--marks 1000 5000 10000 20000] [--no-model] [--archive PATH] [--prices DIR]

One child process runs ``run_inputs`` over the first members of the Reuters dev archive (one worker,
checks against the US prices, reactions) into a fresh database and, as the inputs read pass each
mark, prints its peak RSS so far (ru_maxrss) and the time. The last line is the ratio of the peak
at the last mark to the peak at the first (flat: within 1.10). Lines come as they are measured, so
a partial run still tells.
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


def child(marks: list[int], archive: Path, prices: Path, use_model: bool) -> None:
    from nlp.run import run_inputs

    started = time.perf_counter()
    todo = sorted(marks)

    def on_progress(inputs: int, articles: int) -> None:
        while todo and inputs >= todo[0]:
            mark = todo.pop(0)
            print(json.dumps({"mark": mark, "inputs": inputs, "articles": articles,
                              "seconds": time.perf_counter() - started,
                              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
                  flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        run_inputs([archive], Path(tmp) / "m.db", limit=max(marks), prices=[prices],
                   use_causal_model=use_model, on_progress=on_progress)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, nargs="+", default=[1000, 5000, 10000, 20000])
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--prices", type=Path, default=PRICES)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.marks, args.archive, args.prices, not args.no_model)
        return
    for path in (args.archive, args.prices):
        if not path.exists():
            sys.exit(f"{path}: not found (needs ../shared/data)")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    cmd = [sys.executable, __file__, "--child", "--archive", str(args.archive), "--prices", str(args.prices),
           "--marks", *map(str, args.marks)] + (["--no-model"] if args.no_model else [])
    rows = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) as proc:
        for line in proc.stdout:
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            rows.append(row)
            print(f"{row['inputs']:>7,} inputs: {row['articles']:>6,} articles  {row['seconds']:8.1f} s"
                  f"  peak RSS {row['peak_rss_mb']:8.1f} MB", flush=True)
    if len(rows) > 1:
        print(f"peak RSS at {rows[-1]['inputs']:,} inputs / at {rows[0]['inputs']:,}: "
              f"{rows[-1]['peak_rss_mb'] / rows[0]['peak_rss_mb']:.3f}")


if __name__ == "__main__":
    main()
