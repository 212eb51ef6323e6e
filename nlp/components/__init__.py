"""spaCy components of newslink: one module per extractor.

Each module holds a pure extraction function over a parsed ``Doc`` and a thin
component registered with ``@Language.factory``. Results live in ``Doc``
extension attributes registered here, once: re-running a component overwrites
its attribute, never appends.
"""

from __future__ import annotations

import functools

import numpy as np
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

#: doc._.article: dict with the article's context (published, published_time,
#: timezone, dateline, id); set by nlp.pipeline before the components run.
EXTENSIONS = ("article", "instruments", "claims", "quotes", "causes")


def register_extensions() -> None:
    """Register the Doc extensions newslink components read and write (idempotent)."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()

_TEXT_KEY = "newslink_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once and kept in ``doc.user_data``.

    ``Doc.text`` joins every token on each call: read per sentence or per claim, it made the
    components quadratic in the article's length.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return text


def seed_text(doc: Doc, text: str) -> None:
    """Give :func:`doc_text` the Doc's text when it is already at hand (``text`` must be ``doc.text``)."""
    doc.user_data[_TEXT_KEY] = text


@functools.lru_cache(maxsize=64)
def _word_ids(words: frozenset[str]) -> np.ndarray:
    return np.fromiter((get_string_id(w) for w in words), dtype=np.uint64, count=len(words))


def tokens_among(doc: Doc, words: frozenset[str]) -> list[Token]:
    """The tokens of ``doc`` whose lower-case text is one of ``words``, in order. Compares the
    Doc's LOWER ids as one array, so no Token object is made for the other words."""
    if not len(doc) or not words:
        return []
    hits = np.flatnonzero(np.isin(doc.to_array(LOWER), _word_ids(frozenset(words))))
    return [doc[int(i)] for i in hits]
