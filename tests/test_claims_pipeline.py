"""The whole pipeline on the claims dev set: real instrument linking, then the claims extractor.

tests/test_claims_dev.py scores the claims extractor with a regex stand-in for linking;
here the same sentences go through ``newslink_instruments`` + ``newslink_claims`` (no causal
model), so linking misses (a RIC left unlinked, a name linked wrongly) count too.

Run: .venv/bin/pytest tests/test_claims_pipeline.py -q -s   (prints the figures and the misses)
"""

from __future__ import annotations

import pytest

from claims_dev import load_dev, score_dev

CONTEXT_KEYS = ("published", "published_time", "timezone", "dateline")


def run_item(pipeline, item: dict) -> list:
    """Change claims of the item's sentence; its ``before`` text is parsed too but not scored."""
    before = item.get("before") or ""
    text = f"{before} {item['text']}" if before else item["text"]
    doc = pipeline.make_doc(text)
    doc._.article = {k: item.get(k) for k in CONTEXT_KEYS}
    doc = pipeline(doc)
    offset = len(before) + 1 if before else 0
    return [c for c in doc._.claims if c.start >= offset and c.kind == "change" and c.pct is not None]


@pytest.fixture(scope="module")
def claims_pipeline():
    """The real pipeline: English model, instrument linking and claims (no causal model)."""
    from nlp.pipeline import build_pipeline

    return build_pipeline(use_causal_model=False, components=["newslink_instruments", "newslink_claims"])


@pytest.mark.model
def test_pipeline_precision_recall(claims_pipeline):
    scores, mistakes = score_dev(load_dev(), lambda item: run_item(claims_pipeline, item))
    print(f"\nclaims dev through the pipeline: {scores}")
    for text, expected, found in mistakes:
        print(f"  {text!r}\n    expected {expected}\n    found    {found}")
    assert scores["precision"] >= 0.95
    assert scores["recall"] >= 0.95
