"""Market-move claims: "Tokyo Electron Ltd gained 4.64%", "closed at record highs overnight".

:func:`extract_claims` reads a parsed ``Doc`` whose ``doc._.instruments`` holds the
instrument mentions and returns :class:`~nlp.types.Claim` records:

- ``change``: a percentage (``4.64%``, ``4.64 percent``, ``per cent``, ``pct``), points or
  basis points, with its direction taken from the move word (rose / fell / up / down / a
  17% surge), not from a sign; the subject is found through the dependency parse
  (relative clauses, "shares of X", "X shares", "the stock", "the index");
- ``level``: "closed at 39,883.86" with no move;
- ``record``: all-time / record / life-time highs, "highest since 2007".

Each claim gets a period and dates from :mod:`nlp.components.time_anchors`.
Numbers that are no market move (a 60 percent chance, 72 percent of income) are left out.
Word lists live in ``nlp/models/claims/`` (see its README).

The package's modules, each building on the ones before: ``lexicon`` (the word lists),
``quantities`` (figures and move words), ``subjects`` (who a claim is about), ``periods`` (the
window a move's wording sets), ``drafts`` (claims of a sentence, finished into Claims) and
``component`` (the registered spaCy component and the claims metric).
"""

from __future__ import annotations

from nlp.components.claims.component import ClaimsComponent, claim_key, make_claims_component, score_claims
from nlp.components.claims.drafts import Draft, extract_claims
from nlp.components.claims.lexicon import Lexicon, lexicon
from nlp.components.claims.quantities import Quantity, find_quantities, parse_number, precision_of
from nlp.components.claims.subjects import MentionIndex, Subject, resolve_subject

__all__ = [
    "ClaimsComponent", "Draft", "Lexicon", "MentionIndex", "Quantity", "Subject", "claim_key", "extract_claims",
    "find_quantities", "lexicon", "make_claims_component", "parse_number", "precision_of", "resolve_subject",
    "score_claims",
]
