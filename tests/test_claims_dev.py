"""The claims extractor on the Reuters dev set: precision and recall of (symbol, pct, direction).

tests/data/claims_dev.jsonl holds sentences of Reuters market stories (2012-2013,
../shared/data/reuters), annotated by hand: each object has ``text`` (the sentence),
``before`` (earlier text the sentence refers back to, may be empty), ``published``,
``published_time``, ``timezone``, ``dateline`` and ``expected``: the change claims
[{symbol, pct, direction}] (symbol null for a sector), [] for sentences whose
percentages are no market move.

Instrument mentions come from the ``( AAPL.O )`` tags and index names of each
sentence (see :func:`ric_mentions`), so the score measures this extractor alone.

Run: .venv/bin/pytest tests/test_claims_dev.py -q -s   (prints the figures)
"""

from __future__ import annotations

import re

import pytest

from claims_dev import load_dev, score_dev
from nlp.components.claims import extract_claims
from nlp.types import InstrumentMention


#: Reuters index codes and index names -> symbols of the instrument master
INDEX_RICS = {".SPX": "^GSPC", ".DJI": "^DJI", ".IXIC": "^IXIC", ".N225": "^N225", ".FTSE": "^FTSE"}
INDEX_NAMES = [
    (r"Standard & Poor's 500(?: index| Index)?|S&P 500(?: index| Index)?|[Tt]he S&P(?= (?:is|was|rose|fell|gained|lost)\b)", "^GSPC"),
    (r"Dow Jones industrial average|Dow Jones Industrial Average|Dow industrials|[Tt]he Dow\b(?! Jones)", "^DJI"),
    (r"Nasdaq Composite(?: index| Index)?|Nasdaq", "^IXIC"),
]
TAG = re.compile(r"\(\s*(\.[A-Za-z0-9]+|[A-Za-z0-9&_]+\.[A-Za-z]{1,2})\s*\)|(?<= )(\.(?:SPX|DJI|IXIC|N225|FTSE)|[A-Z]{1,5}\.[NOA])(?= |$|,)")
NAME_WORD = re.compile(r"^(?:[A-Z0-9][\w.&'-]*|&|and|of|de)$")


#: RIC suffixes of US venues: their Yahoo symbol is the bare code; elsewhere the RIC is kept ('BARC.L')
US_SUFFIXES = {"N", "O", "OQ", "A", "K", "P", "OB", "PK", "Q"}


def ric_symbol(ric: str) -> str | None:
    """'AAPL.O' -> 'AAPL'; 'BARC.L' -> 'BARC.L'; '.SPX' -> '^GSPC'; other indices -> None."""
    if ric.startswith("."):
        return INDEX_RICS.get(ric)
    code, _, suffix = ric.partition(".")
    return code if suffix in US_SUFFIXES else ric


def ric_mentions(doc) -> list[InstrumentMention]:
    """Mentions from '( AAPL.O )' tags (with the capitalised name before them) and index names."""
    text = doc.text
    found: list[InstrumentMention] = []
    taken: set[int] = set()
    for m in TAG.finditer(text):
        ric = m.group(1) or m.group(2)
        symbol = ric_symbol(ric)
        if symbol is None:
            continue
        start = m.start()
        words = text[: m.start()].rstrip().split(" ")
        kept = []
        for w in reversed(words):
            if not NAME_WORD.match(w) or (not kept and w in {"and", "of", "&", "de"}):
                break
            kept.append(w)
        while kept and kept[-1] in {"and", "of", "&", "de", "The"}:
            kept.pop()
        if kept:
            start = m.start() - len(" ".join(reversed(kept))) - 1
            start = text.rindex(kept[-1], 0, m.start())
        kind = "index" if ric.startswith(".") else "equity"
        found.append(InstrumentMention(text[start : m.end()], start, m.end(), symbol, kind, how="ric"))
        taken.update(range(start, m.end()))
    for pattern, symbol in INDEX_NAMES:
        for m in re.finditer(pattern, text):
            if not taken.intersection(range(m.start(), m.end())):
                found.append(InstrumentMention(m.group(0), m.start(), m.end(), symbol, "index", how="name"))
                taken.update(range(m.start(), m.end()))
    for mention in found:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        mention.token_start, mention.token_end = span.start, span.end
        mention.exchange = "XNYS"
    return sorted(found, key=lambda x: x.start)


@pytest.fixture(scope="module")
def english():
    """The bare English spaCy pipeline (the claims extractor runs on its parse)."""
    from nlp.pipeline import load_language

    return load_language()[0]


def run_item(pipeline, item: dict) -> list:
    """Claims found in the item's sentence (claims of its ``before`` text are not scored)."""
    before = item.get("before") or ""
    text = f"{before} {item['text']}" if before else item["text"]
    doc = pipeline(text)
    doc._.instruments = ric_mentions(doc)
    offset = len(before) + 1 if before else 0
    context = {k: item.get(k) for k in ("published", "published_time", "timezone", "dateline")}
    return [c for c in extract_claims(doc, context) if c.start >= offset]


def test_dev_set_shape():
    items = load_dev()
    assert len(items) >= 80
    assert sum(len(i["expected"]) >= 2 for i in items) >= 5  # several claims in one sentence
    assert sum(not i["expected"] for i in items) >= 8  # percentages that are no market move
    for item in items:
        assert item["published"] and item["text"]
        for e in item["expected"]:
            assert set(e) >= {"symbol", "pct", "direction"}


@pytest.mark.model
def test_dev_precision_recall(english):
    scores, mistakes = score_dev(load_dev(), lambda item: run_item(english, item))
    print(f"\nclaims dev: {scores}")
    for text, expected, found in mistakes:
        print(f"  {text!r}\n    expected {expected}\n    found    {found}")
    assert scores["precision"] >= 0.95
    assert scores["recall"] >= 0.95
