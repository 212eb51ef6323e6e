"""What the quotes component costs: ``extract_quotes`` over parsed sample articles, beside spaCy.

    python bench/quotes_cost.py [--sample tests/data/quotes_sample/tuning.jsonl] [--cache F.json] [--repeat 3]

Reads the sample's articles from the dev archive (as ``bench/quotes_rescore.py`` does, sharing its
``--cache``), parses each once with the bare spaCy pipeline, then times ``extract_quotes`` over all of
them (the mean of ``--repeat`` passes) and prints it beside the time spaCy took. Run it from two
checkouts (a worktree of an older commit) to compare versions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=ROOT / "tests" / "data" / "quotes_sample" / "tuning.jsonl")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import json

    from quotes_rescore import DEFAULT_ARCHIVE, read_texts

    from nlp.articles import article_from_bytes
    from nlp.components.quotes import extract_quotes
    from nlp.pipeline import load_language

    rows = [json.loads(line) for line in args.sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = read_texts(DEFAULT_ARCHIVE, {r["article"]["member"] for r in rows}, args.cache)
    lang, _ = load_language()
    articles = [article_from_bytes(raw, DEFAULT_ARCHIVE.name, member).text for member, raw in sorted(texts.items())]
    started = time.perf_counter()
    docs = list(lang.pipe(articles))
    spacy_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(args.repeat):
        for doc in docs:
            extract_quotes(doc, link=True)
    quotes_s = (time.perf_counter() - started) / args.repeat
    print(f"{ROOT}: {len(docs)} articles; extract_quotes {quotes_s:.2f} s a pass "
          f"({1000 * quotes_s / len(docs):.1f} ms an article); spaCy {spacy_s:.2f} s; share {quotes_s / spacy_s:.1%}")


if __name__ == "__main__":
    main()
