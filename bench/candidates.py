"""How much could selective processing save? The share of sentences that hold a candidate fact.

    python bench/candidates.py [--n 1000] [--skip 0] [--archive PATH]

Selective processing (issue 13, part 2) would run the parser and NER only on candidate sentences.
Before building it, this measures the bound on what it can save: over the first ``n`` articles of
the Reuters dev archive (after ``skip``), split into sentences by spaCy's rule-based sentencizer (no
model), the share of sentences, and of characters, that a cheap first pass would keep because the
sentence holds any of:

- a move: a number with %, percent, points or basis points;
- speech: a quote mark, or a reporting verb of ``nlp/models/quotes/reporting_verbs.txt``;
- a causal cue of ``nlp/models/causal/cues.json``;
- an instrument: a name or alias of the master (the instrument component's own phrase matchers),
  or an instrument code in parentheses ("( 7203.T )").

Prints each test's share, the share of sentences any test keeps, and the share of characters they
hold. What the parser and NER would skip is at most the rest.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ARCHIVE = ROOT.parent / "shared" / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"

MOVE = re.compile(r"\d[\d.,]*\s*(?:%|percent\b|per cent\b|(?:percentage\s+)?points?\b|bps\b|basis\s+points?\b)",
                  re.IGNORECASE)
CODE = re.compile(r"\(\s*\.?[A-Z0-9_]{1,8}(?:\.[A-Za-z]{1,3})?\s*\)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    args = parser.parse_args()
    if not args.archive.exists():
        sys.exit(f"{args.archive}: not found (needs ../shared/data)")
    import spacy

    from nlp.articles import Article, read_inputs
    from nlp.components.causes import load_cues
    from nlp.components.instruments import matchers_for
    from nlp.components.quotes.lexicon import QUOTE_MARKS, reporting_verbs
    from nlp.instruments import InstrumentMaster

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    matchers = matchers_for(blank.vocab, InstrumentMaster.load(), blank.tokenizer)
    cues = load_cues().any_cue
    direct, _ = reporting_verbs()
    tests = {
        "move": lambda s: bool(MOVE.search(s.text)),
        "speech": lambda s: any(m in s.text for m in QUOTE_MARKS) or any(t.lower_ in direct for t in s),
        "causal cue": lambda s: bool(cues.search(s.text)),
        "instrument": lambda s: bool(CODE.search(s.text)) or bool(
            matchers.exact(s.as_doc()) or matchers.folded(s.as_doc()) or matchers.after_the(s.as_doc())),
    }
    counts = dict.fromkeys(tests, 0)
    sentences = kept = chars = kept_chars = articles = 0
    started = time.perf_counter()
    seen = 0
    for item in read_inputs([args.archive]):
        if not isinstance(item, Article):
            continue
        seen += 1
        if seen <= args.skip:
            continue
        doc = blank(item.text)
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            sentences += 1
            chars += len(sent.text)
            hits = [name for name, test in tests.items() if test(sent)]
            for name in hits:
                counts[name] += 1
            if hits:
                kept += 1
                kept_chars += len(sent.text)
        articles += 1
        if articles >= args.n:
            break
    print(f"{articles} articles, {sentences:,} sentences, {chars:,} characters"
          f" ({time.perf_counter() - started:.0f} s)")
    for name, n in counts.items():
        print(f"  {name:<11} {n / sentences:6.1%} of sentences")
    print(f"  any test    {kept / sentences:6.1%} of sentences, {kept_chars / chars:6.1%} of characters")
    print(f"  skippable   at most {1 - kept_chars / chars:.1%} of the text the parser and NER read")


if __name__ == "__main__":
    main()
