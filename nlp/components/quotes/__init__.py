"""Quotes: who said what.

:func:`extract_quotes` reads a parsed ``Doc`` and returns :class:`nlp.types.Quote` records:

- ``direct``: text between quote marks, attributed by a reporting verb before or after it
  (``"...," he said.``, ``Burton said: "..."``, ``"...," said Jamie Cox, managing partner at ...``),
  or by the quote just before it (``"...," he said. "..."``);
- ``mixed``: a direct quote followed by the speaker's words in reported form before the
  attribution (``"That's positive," as it allows ..., Kenji Abe, an analyst at Daiwa, said.``);
  the reported part is in ``paraphrase``;
- ``indirect``: ``X said (that) ...``, ``X told Reuters ...``, ``X expects ...``,
  ``according to X, ...``.

Speakers carry a role and an organization read from appositions (``Kenji Abe, an analyst at
Daiwa Securities``), prepositions (``Jamie Cox of Harris``) and pre-name titles (``Daiwa analyst
Kenji Abe``). Pronouns and bare surnames are resolved to the last matching named speaker;
``analysts said`` keeps ``speaker_kind="unnamed"``. Word lists live in ``nlp/models/quotes/``.

The component ``newslink_quotes`` sets ``doc._.quotes``.

The package's modules, each building on the ones before: ``lexicon`` (word lists), ``marks``
(quoted spans), ``speakers`` (who a mention is), ``attribution`` (who said each quote, as the
sentence names them) and ``resolver`` (who that is, over the whole article); this
module holds the registered component.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from nlp.components import register_extensions
from nlp.components.quotes.attribution import _direct_drafts, _indirect_drafts
from nlp.components.quotes.resolver import resolve
from nlp.components.quotes.marks import find_quoted_spans
from nlp.components.quotes.speakers import _CACHE_KEY, _ENTS_KEY, describe, link_organization, quote_entities
from nlp.types import Quote

__all__ = ["QuoteExtractor", "describe", "extract_quotes", "find_quoted_spans", "link_organization",
           "make_quote_extractor"]


def extract_quotes(doc: Doc, link: bool = True) -> list[Quote]:
    """Return the quotes of a parsed ``doc`` in text order.

    Needs a dependency parse and named entities (``en_core_web_sm`` or better). With ``link``,
    the speaker's organization is linked to the instrument master (``organization_symbol``) when
    :mod:`nlp.instruments` is available. Never raises on unbalanced or stray quote marks.
    """
    doc.user_data[_ENTS_KEY] = quote_entities(doc)
    try:
        return _extract(doc, link)
    finally:
        doc.user_data.pop(_ENTS_KEY, None)
        doc.user_data.pop(_CACHE_KEY, None)


def _extract(doc: Doc, link: bool) -> list[Quote]:
    direct = _direct_drafts(doc)
    taken = [(d.quote.start, d.quote.end) for d in direct]
    used = {d.cue_i for d in direct if d.cue_i is not None}
    drafts = _without_nested_attributions(direct + _indirect_drafts(doc, taken, used))
    quotes = resolve(drafts, doc)
    if link:
        quotes = [replace(q, organization_symbol=_organization_symbol(doc, q.organization)) for q in quotes]
    return quotes


def _without_nested_attributions(drafts: list) -> list:
    """Drop an indirect quote attributed after its content when the content holds another quote
    with its attribution ("[HEADING On the call, Conheeney again told investors that X], a source
    said" when "Conheeney told ... X" is a quote): the inner one is the report. "X said Y told
    them Z" keeps both."""
    out = []
    for d in drafts:
        q = d.quote
        nested = q.kind == "indirect" and d.order >= q.end and any(
            o is not d and q.start <= o.quote.start and o.quote.end <= q.end and q.start <= o.order < q.end
            and o.speaker.kind in ("person", "organization") for o in drafts)
        if not nested:
            out.append(d)
    return out


def _organization_symbol(doc: Doc, organization: str | None) -> str | None:
    """The symbol of the speaker's firm: the instrument linker's, when it linked that name in this
    article (``doc._.instruments``), else the master's reading of the name (a firm the article names
    only in a speaker's title, 'an analyst at Daiwa Securities')."""
    if not organization:
        return None
    wanted = organization.lower()
    mentions = (doc._.instruments or []) if Doc.has_extension("instruments") else []
    for m in mentions:
        if m.symbol and m.how != "coref" and (m.text.lower() == wanted or (m.name or "").lower() == wanted):
            return m.symbol
    return link_organization(organization)


class QuoteExtractor:
    """spaCy component: sets ``doc._.quotes`` to :func:`extract_quotes` of the doc."""

    def __init__(self, link: bool = True) -> None:
        self.link = link

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = extract_quotes(doc, link=self.link)
        return doc


@Language.factory(
    "newslink_quotes",
    default_config={"link": True},
    assigns=["doc._.quotes"],
    requires=["token.dep", "doc.ents"],
)
def make_quote_extractor(nlp: Language, name: str, link: bool) -> QuoteExtractor:  # noqa: ARG001
    """Return the ``newslink_quotes`` component (spaCy passes the pipeline as ``nlp``: its required name)."""
    register_extensions()
    return QuoteExtractor(link=link)
