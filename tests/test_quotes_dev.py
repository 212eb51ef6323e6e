"""Quotes on hand-annotated Reuters passages (tests/data/quotes_dev.jsonl).

Each line: ``source`` (archive member of ../shared/data/reuters/reuters-2012-08_2013-11-dev.tar.gz),
``split`` (``tuning``: passages looked at while writing the rules; ``held-out``: annotated before
running the extractor on them), ``text`` (the passage) and ``quotes``: ``text`` (a verbatim piece of
the quote), ``kind``, ``speaker``, ``speaker_kind``, ``role``, ``organization`` and ``cases``
(direct, indirect, split, pronoun, unnamed).

Annotation rules: the speaker is the person or organization as the text names them, with pronouns
and bare surnames resolved to the full name given earlier in the passage; a description without a
name (``the conservative leader``, ``one source``) stays an unnamed speaker, compared on its head
noun. The organization is the one the text ties to the speaker (apposition, title, ``of``/``at``
phrase, possessive, or an earlier mention of the same speaker); none when the passage does not say.

Run ``pytest tests/test_quotes_dev.py -s`` to print the figures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nlp.components.quotes import extract_quotes
from nlp.types import Quote

DEV = Path(__file__).resolve().parent / "data" / "quotes_dev.jsonl"


def passages() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(name: str | None) -> str | None:
    if name is None:
        return None
    name = re.sub(r"^(the|a|an)\s+", "", name.strip().lower())
    return re.sub(r"(’s|'s)$", "", name)


def same_speaker(expected: dict, quote: Quote | None) -> bool:
    """Whether ``quote`` names the expected speaker (unnamed ones: the same head noun)."""
    if quote is None or quote.speaker is None:
        return False
    want, got = _norm(expected["speaker"]), _norm(quote.speaker)
    if expected["speaker_kind"] == "unnamed":
        return want.split()[-1] == got.split()[-1]
    return want == got


def best_match(text: str, expected: dict, quotes: list[Quote]) -> Quote | None:
    """The extracted quote whose span overlaps the expected one most (by Jaccard), or None."""
    start = text.index(expected["text"])
    end = start + len(expected["text"])
    best, best_score = None, 0.0
    for q in quotes:
        overlap = min(end, q.end) - max(start, q.start)
        if overlap <= 0:
            continue
        score = overlap / (max(end, q.end) - min(start, q.start))
        if score > best_score:
            best, best_score = q, score
    return best


def score(english, records: list[dict]) -> dict[str, float]:
    """Return found / speaker / organization / kind accuracy over the expected quotes."""
    n = found = speaker = organization = kind = 0
    for rec in records:
        quotes = extract_quotes(english(rec["text"]), link=False)
        for expected in rec["quotes"]:
            q = best_match(rec["text"], expected, quotes)
            n += 1
            found += q is not None
            speaker += same_speaker(expected, q)
            organization += q is not None and _norm(q.organization) == _norm(expected["organization"])
            kind += q is not None and q.kind == expected["kind"]
    return {"quotes": n, "found": found / n, "speaker": speaker / n, "organization": organization / n,
            "kind": kind / n}


@pytest.fixture(scope="session")
def english():
    from nlp.pipeline import load_language

    lang, _ = load_language()
    return lang


def test_dev_set_covers_the_cases():
    records = passages()
    cases = [c for rec in records for q in rec["quotes"] for c in q["cases"]]
    assert len([q for rec in records for q in rec["quotes"]]) >= 50
    for case in ("direct", "split", "indirect", "pronoun", "unnamed"):
        assert case in cases, case
    for rec in records:
        for q in rec["quotes"]:
            assert q["text"] in rec["text"]


@pytest.mark.model
def test_speaker_and_organization_accuracy(english):
    figures = score(english, passages())
    print("quotes_dev:", {k: round(v, 3) for k, v in figures.items()})
    assert figures["speaker"] >= 0.9
    assert figures["organization"] >= 0.9


@pytest.mark.model
def test_held_out_passages(english):
    figures = score(english, [r for r in passages() if r["split"] == "held-out"])
    print("quotes_dev held-out:", {k: round(v, 3) for k, v in figures.items()})
    assert figures["speaker"] >= 0.85
    assert figures["organization"] >= 0.8
