"""Is extraction's cost linear in an article's length? Time per character at 1x, 10x and 100x sizes.

    python bench/length.py [--no-model] [--skip 4000]

Texts, each at three sizes, extracted with ``extract_article`` (the run path's extraction, long texts
in 100,000-character pieces, no time budget):
- real articles: 20 single Reuters articles (1x), two texts of 10 consecutive articles joined by
  blank lines (10x), one text of 100 (100x);
- repeated patterns (1x is about 1,000 characters): a causal sentence; comma-joined clauses without
  a stop; spaced brackets; quote soup; number soup.
Prints milliseconds per 1,000 characters at each size and the ratio of 100x to 1x (linear: near 1).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reactions import DEFAULT_ARCHIVE as ARCHIVE, slice_of  # noqa: E402

PATTERNS = {
    "causal sentence": "Shares of Apple rose 2 percent as investors cheered the results and the Nasdaq gained. ",
    "clauses without a stop": "Shares of Apple rose 2 percent as investors cheered the results and the Nasdaq gained, ",
    "spaced brackets": "The index ( ( ( rose ( 2 percent ) ) ) ) ",
    "quote soup": '"He said" "she said" ',
    "number soup": "1.5% 2.3 points 4 percent +5% -3 bps ",
}


def real_texts(skip: int, n: int) -> list[str]:
    """The texts of readable articles longer than 500 characters among the members after ``skip``."""
    from nlp.articles import read_inputs
    from nlp.types import Article

    with tempfile.TemporaryDirectory(prefix="bench-length-") as tmp:
        part = slice_of(ARCHIVE, skip, 2 * n, Path(tmp) / "slice.tar")  # room for empty members
        texts = [a.text for a in read_inputs([part]) if isinstance(a, Article) and len(a.text) > 500]
    return texts[:n]


def timed(pipeline, text: str) -> float:
    from nlp.pipeline import extract_article
    from nlp.types import Article

    article = Article(id=str(hash(text)), source="bench", text=text, published="2013-03-01",
                      published_time="2013-03-01T16:30:00-05:00", timezone="America/New_York")
    started = time.perf_counter()
    extract_article(article, pipeline)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--skip", type=int, default=4000)
    args = parser.parse_args()
    if not ARCHIVE.exists():
        sys.exit(f"{ARCHIVE}: not found (needs ../shared/data/reuters)")
    from nlp.pipeline import shared_pipeline

    pipeline = shared_pipeline(not args.no_model)
    articles = real_texts(args.skip, 120)
    timed(pipeline, articles[0])  # load lazily loaded models before timing
    cases: dict[str, dict[int, list[str]]] = {
        "real articles": {1: articles[:20], 10: ["\n\n".join(articles[k:k + 10]) for k in (20, 30)],
                          100: ["\n\n".join(articles[20:120])]}}
    for name, unit in PATTERNS.items():
        reps = max(1, round(1000 / len(unit)))
        cases[name] = {k: [unit * reps * k] for k in (1, 10, 100)}
    print(f"{'text':<24}{'1x chars':>10}{'1x ms/kc':>10}{'10x ms/kc':>11}{'100x ms/kc':>12}{'100x/1x':>9}")
    for name, sizes in cases.items():
        per = {}
        for k, texts in sizes.items():
            seconds = sum(timed(pipeline, t) for t in texts)
            per[k] = seconds / sum(len(t) for t in texts) * 1e6  # ms per 1,000 characters
        chars = sum(len(t) for t in sizes[1]) // len(sizes[1])
        print(f"{name:<24}{chars:>10,}{per[1]:>10.2f}{per[10]:>11.2f}{per[100]:>12.2f}{per[100] / per[1]:>9.2f}",
              flush=True)


if __name__ == "__main__":
    main()
