"""Dump the extracted records of dev-archive articles, to compare two checkouts byte for byte.

    python bench/records_dump.py --n 300 --skip 2000 --out new.jsonl
    (in the other checkout: the same command, --out old.jsonl)
    cmp old.jsonl new.jsonl

Reads articles ``skip`` .. ``skip + n`` of the Reuters dev archive, extracts each one alone with
the causal model on (``nlp.workers.extract_one``, so the batched path is not what is compared),
and writes one JSON record per line, keys sorted. Prints the extraction time and how many
windows the causal tagger read. A speed change that keeps behaviour gives identical files.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARCHIVE = ROOT.parent / "shared" / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--skip", type=int, default=2000)
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if not args.archive.exists():
        sys.exit(f"{args.archive}: not found (needs ../shared/data)")
    from nlp.articles import read_inputs
    from nlp.causal.model import CausalTagger
    from nlp.pipeline import shared_pipeline
    from nlp.types import Article
    from nlp.workers import extract_one

    articles = list(itertools.islice((a for a in read_inputs([args.archive]) if isinstance(a, Article)),
                                     args.skip, args.skip + args.n))
    windows = [0]
    predict = CausalTagger.predict

    def counted(self, texts, *rest, **options):
        windows[0] += len(texts)
        return predict(self, texts, *rest, **options)

    CausalTagger.predict = counted
    pipeline = shared_pipeline(True)
    windows[0] = 0  # the warm-up's windows do not count
    started = time.perf_counter()
    records = [extract_one(pipeline, a) for a in articles]
    seconds = time.perf_counter() - started
    args.out.write_text("\n".join(json.dumps(r, sort_keys=True, default=str) for r in records), encoding="utf-8")
    print(f"{len(records)} records to {args.out} in {seconds:.1f} s; causal tagger windows: {windows[0]}")


if __name__ == "__main__":
    main()
