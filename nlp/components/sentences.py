"""Sentence bounds set before the parser, so that no sentence runs past a fixed length.

Every newslink extractor works sentence by sentence, and several look at the whole sentence for
each candidate in it, so their cost grows with the square of a sentence's length. Real news
sentences stay well under 100 tokens; text without stops (tables, lists, junk, a 26 KB "sentence"
of comma-joined clauses) does not. ``newslink_sentence_bounds`` runs before the parser and, in a
run of more than :data:`SOFT_LIMIT` tokens without a sentence stop or a line break, starts a new
sentence after the next comma, semicolon, colon or dash, and in any case after :data:`HARD_LIMIT`
tokens. The parser keeps the bounds it is given and decides all others, so ordinary text is
parsed exactly as before.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

#: after this many tokens without a stop, the next clause punctuation starts a sentence
SOFT_LIMIT = 100
#: no sentence is longer than this many tokens
HARD_LIMIT = 150
_STOPS = frozenset({".", "!", "?", "…"})
_CLAUSE_BREAKS = frozenset({",", ";", ":", "-", "–", "—"})


def bound_sentences(doc: Doc, soft: int = SOFT_LIMIT, hard: int = HARD_LIMIT) -> Doc:
    """Mark sentence starts in ``doc`` (before parsing) so no sentence exceeds ``hard`` tokens.

    Returns the same Doc. Tokens it does not mark are left to the parser.
    """
    run = 0
    for token in doc:
        if token.i == 0:
            run = 1
            continue
        previous = doc[token.i - 1]
        if previous.text in _STOPS or "\n" in previous.text or "\n" in previous.whitespace_:
            run = 1  # a likely bound the parser will find by itself
            continue
        if (run >= soft and previous.text in _CLAUSE_BREAKS) or run >= hard:
            token.is_sent_start = True
            run = 1
            continue
        run += 1
    return doc


@Language.component("newslink_sentence_bounds")
def sentence_bounds(doc: Doc) -> Doc:
    """The component: :func:`bound_sentences` with the default limits."""
    return bound_sentences(doc)
