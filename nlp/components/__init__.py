"""spaCy components of newslink: one module per extractor.

Each module holds a pure extraction function over a parsed ``Doc`` and a thin
component registered with ``@Language.factory``. Results live in ``Doc``
extension attributes registered here, once: re-running a component overwrites
its attribute, never appends.
"""

from __future__ import annotations

from spacy.tokens import Doc

#: doc._.article: dict with the article's context (published, published_time,
#: timezone, dateline, id); set by nlp.pipeline before the components run.
EXTENSIONS = ("article", "instruments", "claims", "quotes", "causes")


def register_extensions() -> None:
    """Register the Doc extensions newslink components read and write (idempotent)."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()
