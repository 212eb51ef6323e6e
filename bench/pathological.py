"""Seconds per pipeline component on pathological texts that once made single articles crawl.

    python bench/pathological.py [--no-model]

Texts: 100 KB of one repeated causal sentence; 26 KB of comma-joined clauses without a stop;
10 KB of nested brackets (with and without spaces); quote soup; number soup; 8,000 ``(`` in one
token. Prints, per text, its length, the total and each component's seconds (the tokenizer
first). Run it on an older commit (``git checkout f7a4d66``) for the figures before issue 14.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CASES = {
    "repeated causal sentence": "Shares of Apple rose 2 percent as investors cheered the results and the Nasdaq gained. " * 1200,
    "clauses without a stop": "Shares of Apple rose 2 percent as investors cheered the results and the Nasdaq gained, " * 300,
    "nested brackets": "(" * 5000 + "Apple" + ")" * 5000,
    "spaced brackets": "The index ( ( ( rose ( 2 percent ) ) ) ) " * 250,
    "quote soup": '"He said" "she said" ' * 500,
    "number soup": "1.5% 2.3 points 4 percent +5% -3 bps " * 600,
    "8,000 brackets in one token": "Shares " + "(" * 8000 + "IBM" + ")" * 8000 + " rose.",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-model", action="store_true", help="causal rules only")
    args = parser.parse_args()
    from nlp.pipeline import make_doc, shared_pipeline
    from nlp.types import Article

    pipeline = shared_pipeline(not args.no_model)
    for name, text in CASES.items():
        article = Article(id=name, source=name, text=text, published="2013-01-02",
                          published_time="2013-01-02T10:00:00-05:00", timezone="America/New_York")
        started = time.perf_counter()
        doc = make_doc(pipeline, article)
        times = {"tokenizer": time.perf_counter() - started}
        for component, proc in pipeline.pipeline:
            t = time.perf_counter()
            doc = proc(doc)
            times[component] = time.perf_counter() - t
        total = time.perf_counter() - started
        parts = ", ".join(f"{k} {v:.2f}" for k, v in times.items() if v >= 0.01)
        print(f"{name:28s} {len(text):7,d} chars  {total:6.2f} s  ({parts})", flush=True)


if __name__ == "__main__":
    main()
