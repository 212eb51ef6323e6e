"""The registered spaCy component that sets doc._.claims, and the claims metric."""

from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import register_extensions
from nlp.components.claims.drafts import extract_claims


@Language.factory(
    "newslink_claims",
    assigns=["doc._.claims"],
    requires=["doc._.instruments", "token.dep", "token.head"],  # doc._.article is set by nlp.pipeline, not a component
)
def make_claims_component(nlp: Language, name: str) -> ClaimsComponent:  # noqa: ARG001 - spaCy's signature
    """Create the component that sets ``doc._.claims``."""
    return ClaimsComponent()


class ClaimsComponent:
    """Sets ``doc._.claims`` (overwriting) from the parse, ``doc._.instruments`` and ``doc._.article``."""

    def __init__(self) -> None:
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        doc._.claims = extract_claims(doc, doc._.article or {})
        return doc


def claim_key(symbol: str | None, pct: float | None, direction: str | None) -> tuple:
    """The key change claims are scored on: (symbol, pct rounded to 4 places, direction)."""
    return (symbol, round(pct, 4) if pct is not None else None, direction)


def score_claims(pairs: Iterable[tuple[Iterable[tuple], Iterable[tuple]]]) -> dict[str, float]:
    """Micro precision / recall / F1 over (expected keys, found keys) pairs, one pair per sentence.

    Returns dict with tp, fp, fn, precision, recall, f1 (1.0 where nothing was expected nor found).
    """
    tp = fp = fn = 0
    for expected, found in pairs:
        want = list(expected)
        for key in found:
            if key in want:
                want.remove(key)
                tp += 1
            else:
                fp += 1
        fn += len(want)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}
