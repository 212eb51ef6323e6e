"""The whole pipeline on the claims dev set: real instrument linking, then the claims extractor.

tests/test_claims_dev.py scores the claims extractor with a regex stand-in for linking;
here the same sentences go through ``newslink_instruments`` + ``newslink_claims`` (no causal
model), so linking misses (a RIC left unlinked, a name linked wrongly) count too.

Run: .venv/bin/pytest tests/test_claims_pipeline.py -q -s   (prints the figures and the misses)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.components.claims import claim_key, score_claims

DEV = Path(__file__).resolve().parent / "data" / "claims_dev.jsonl"
CONTEXT_KEYS = ("published", "published_time", "timezone", "dateline")


def load_dev() -> list[dict]:
    """The annotated dev sentences (see tests/test_claims_dev.py for their fields)."""
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_item(pipeline, item: dict) -> list:
    """Change claims of the item's sentence; its ``before`` text is parsed too but not scored."""
    before = item.get("before") or ""
    text = f"{before} {item['text']}" if before else item["text"]
    doc = pipeline.make_doc(text)
    doc._.article = {k: item.get(k) for k in CONTEXT_KEYS}
    doc = pipeline(doc)
    offset = len(before) + 1 if before else 0
    return [c for c in doc._.claims if c.start >= offset and c.kind == "change" and c.pct is not None]


def evaluate(pipeline, items: list[dict]) -> tuple[dict, list]:
    """Return (scores on (symbol, pct, direction), [(text, expected, found)] of the sentences missed)."""
    pairs, mistakes = [], []
    for item in items:
        found = [claim_key(c.symbol, c.pct, c.direction) for c in run_item(pipeline, item)]
        expected = [claim_key(e["symbol"], e["pct"], e["direction"]) for e in item["expected"]]
        pairs.append((expected, found))
        if sorted(map(str, expected)) != sorted(map(str, found)):
            mistakes.append((item["text"], expected, found))
    return score_claims(pairs), mistakes


@pytest.fixture(scope="module")
def claims_pipeline():
    """The real pipeline: English model, instrument linking and claims (no causal model)."""
    from nlp.pipeline import build_pipeline

    return build_pipeline(use_causal_model=False, components=["newslink_instruments", "newslink_claims"])


@pytest.mark.model
def test_pipeline_precision_recall(claims_pipeline):
    scores, mistakes = evaluate(claims_pipeline, load_dev())
    print(f"\nclaims dev through the pipeline: {scores}")
    for text, expected, found in mistakes:
        print(f"  {text!r}\n    expected {expected}\n    found    {found}")
    assert scores["precision"] >= 0.95
    assert scores["recall"] >= 0.95
