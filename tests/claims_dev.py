"""The claims dev set (tests/data/claims_dev.jsonl) and its scoring, shared by two tests.

tests/test_claims_dev.py runs the claims extractor with a regex stand-in for linking;
tests/test_claims_pipeline.py runs the whole pipeline. Both score the same way here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from nlp.components.claims import claim_key, score_claims

DEV = Path(__file__).resolve().parent / "data" / "claims_dev.jsonl"


def load_dev() -> list[dict]:
    """The annotated dev sentences (see tests/test_claims_dev.py for their fields)."""
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_dev(items: list[dict], run: Callable[[dict], list]) -> tuple[dict, list]:
    """Score the change claims ``run(item)`` finds on (symbol, pct, direction).

    Returns (scores, [(text, expected, found)] of the sentences missed).
    """
    pairs, mistakes = [], []
    for item in items:
        found = [claim_key(c.symbol, c.pct, c.direction) for c in run(item) if c.kind == "change" and c.pct is not None]
        expected = [claim_key(e["symbol"], e["pct"], e["direction"]) for e in item["expected"]]
        pairs.append((expected, found))
        if sorted(map(str, expected)) != sorted(map(str, found)):
            mistakes.append((item["text"], expected, found))
    return score_claims(pairs), mistakes
