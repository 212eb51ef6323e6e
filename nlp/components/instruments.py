"""Link mentions of indices, companies and sectors to the instrument master.

:func:`link_instruments` is the pure extractor; the ``newslink_instruments`` component sets
``doc._.instruments`` and writes the linked names into ``doc.ents`` ahead of the statistical NER.

What links, in order of strength: Reuters codes ``( IBM.N )`` (also bare, ``CLWR.O shares``,
``.SPX``, when the venue or index code is known), exchange tags ``(NYSE: IBM)``,
cashtags ``$AAPL``, then names and aliases of the master (a phrase matcher; short all-caps aliases
match case-sensitively, proper names only when capitalised). Later mentions ("the index",
"the company", a company's first name) resolve to the instrument mentioned before, ``how="coref"``.
Stoplisted words (TOKYO, AI, US, ...) never link. A company name inside an index or fund name
("iShares MSCI Japan Index") does not link. With the article's published date, a renamed listing
gets the symbol of that date ("Facebook ( FB.O )" in 2012 is FB, not META).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

import spacy
from spacy.language import Language
from spacy.attrs import LOWER, ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.components import doc_text, register_extensions
from nlp.instruments import (
    LEGAL_SUFFIXES,
    RIC,
    Instrument,
    InstrumentMaster,
    Rename,
    is_case_sensitive,
    load,
    name_aliases,
    normalise,
)
from nlp.types import InstrumentMention

#: doc.ents label of each instrument kind; equities stay ORG so organisation-aware extractors see them.
DEFAULT_LABELS = {
    "equity": "ORG",
    "index": "INDEX",
    "sector": "SECTOR",
    "commodity": "COMMODITY",
    "currency": "CURRENCY",
    "rate": "RATE",
    "other": "ORG",
}

# Anaphors and the instrument kinds they may refer back to.
ANAPHORS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("the", "index"): ("index",),
    ("the", "benchmark"): ("index",),
    ("the", "benchmark", "index"): ("index",),
    ("the", "company"): ("equity",),
    ("the", "stock"): ("equity",),
    ("the", "firm"): ("equity",),
}
# Entity types a bare capitalised word must not have to be read as a company's short name.
_NOT_SHORT_NAME = {"GPE", "LOC", "NORP", "PERSON", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "EVENT"}

_PARENS = re.compile(r"\(\s*([^()\n]{2,60}?)\s*\)")
# A RIC written without brackets: "CLWR.O", "BRKb.N", ".SPX" (checked against known suffixes and index codes).
_BARE_RIC = re.compile(r"(?<![\w.$])(\.[A-Z][A-Z0-9]{1,9}|[A-Z0-9][A-Z0-9]{1,9}[a-z]?\.[A-Z]{1,2})(?![\w&]|\.\w)")
_CASHTAG = re.compile(r"(?<![\w$])\$([A-Z]{1,6}(?:\.[A-Z])?)(?![\w$])")


@dataclass
class _Candidate:
    span: Span
    instrument: Instrument
    how: str
    strength: int  # tags beat names when two candidates cover the same tokens


class _Matchers:
    """The phrase matchers built from one master for one vocabulary."""

    def __init__(self, vocab, master: InstrumentMaster, tokenizer=None) -> None:
        tokenizer = tokenizer or spacy.blank("en", vocab=vocab).tokenizer
        self.master = master
        # Short all-caps aliases ("IBM", "DAX") must match exactly; others ignore case.
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.folded = PhraseMatcher(vocab, attr="LOWER")
        self.after_the = PhraseMatcher(vocab, attr="ORTH")
        exact, proper, plain, after_the = [], [], [], []
        for pattern in master.patterns():
            text = pattern["pattern"]
            if pattern.get("after_the"):
                after_the.append(text)
            elif pattern["case_sensitive"]:
                exact.append(text)
            elif any(ch.isupper() for ch in text):
                proper.append(text)
            else:
                plain.append(text)
        self.exact.add("EXACT", list(tokenizer.pipe(sorted(set(exact)))))
        self.folded.add("PROPER", list(tokenizer.pipe(sorted(set(proper)))))
        self.folded.add("PLAIN", list(tokenizer.pipe(sorted(set(plain)))))
        self.after_the.add("AFTER_THE", list(tokenizer.pipe(sorted(set(after_the)))))
        venues = sorted({t for e in master.exchanges.values() for t in e.tags}, key=len, reverse=True)
        self.exchange_tag = re.compile(
            r"(?<![\w])(" + "|".join(re.escape(v) for v in venues) + r")\s*:\s*([A-Z][A-Za-z0-9.\-]{0,9}|\d{4,6})(?![\w:])"
        )


_MATCHERS: dict[tuple[int, int], _Matchers] = {}


def matchers_for(vocab, master: InstrumentMaster, tokenizer=None) -> _Matchers:
    """Return the (cached) matchers of ``master`` for ``vocab``."""
    key = (id(vocab), id(master))
    found = _MATCHERS.get(key)
    if found is None or found.master is not master:
        found = _MATCHERS[key] = _Matchers(vocab, master, tokenizer)
    return found


def link_instruments(
    doc: Doc,
    master: InstrumentMaster | None = None,
    coref: bool = True,
    matchers: _Matchers | None = None,
    published: str | None = None,
) -> list[InstrumentMention]:
    """Return the instrument mentions of ``doc``, sorted by start; the Doc is left unchanged.

    ``master`` defaults to the cached default master. Works on a tokenised Doc; NER entities,
    when present, help only to skip places and people in short-name coreference. ``published``
    (ISO date) gives renamed listings the symbol they had then (see ``InstrumentMaster.symbol_on``).
    """
    if master is None:
        master = load()
    matchers = matchers or matchers_for(doc.vocab, master)
    tags, blocked = _tag_candidates(doc, master, matchers)
    names = [c for c in _name_candidates(doc, master, matchers) if not _overlaps(c.span, blocked)]
    chosen = _choose(tags + names)
    chosen = _tags_after_names(doc, chosen, master)
    chosen += _names_before_tags(doc, chosen)
    chosen = _choose(chosen)
    mentions = [_mention(c.span, c.instrument, c.how) for c in chosen]
    if coref:
        mentions += _coreferences(doc, master, mentions)
    _as_of(mentions, master, published)
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _as_of(mentions: list[InstrumentMention], master: InstrumentMaster, published: str | None) -> None:
    """Give mentions of a renamed listing the symbol it had when the article was published (in place).

    Undated, a former code written in a tag ("FB.O") dates the text: no text writes it after the
    rename, so every mention of that instrument takes the former symbol.
    """
    renamed = [m for m in mentions if m.symbol in master.renames]
    if not renamed:
        return
    written: dict[str, Rename] = {}
    if not published:
        for m in renamed:
            if m.how in ("ric", "exchange-tag", "cashtag"):
                code = m.text.lstrip("$").split(".")[0].upper()  # "FB.O", "$FB", "FB" of "(Nasdaq: FB)"
                for rename in master.renames[m.symbol]:
                    if rename.former_symbol.upper() == code:
                        written[m.symbol] = rename
    for m in renamed:
        if published:
            symbol, name = master.symbol_on(m.symbol, published)
        elif m.symbol in written:
            symbol, name = written[m.symbol].former_symbol, written[m.symbol].former_name
        else:
            continue
        if symbol != m.symbol:
            m.symbol, m.name = symbol, name or m.name


def _mention(span: Span, instrument: Instrument | InstrumentMention, how: str) -> InstrumentMention:
    """A mention of ``instrument`` at ``span``; for coreference, ``instrument`` is the referent mention."""
    return InstrumentMention(
        text=span.text,
        start=span.start_char,
        end=span.end_char,
        symbol=instrument.symbol,
        kind=instrument.kind,
        name=instrument.name,
        exchange=instrument.exchange,
        how=how,
        token_start=span.start,
        token_end=span.end,
    )


def _choose(candidates: list[_Candidate]) -> list[_Candidate]:
    """Return non-overlapping candidates: longest first, a tag before a name of the same length."""
    ordered = sorted(candidates, key=lambda c: (-(c.span.end - c.span.start), -c.strength, c.span.start))
    taken: set[int] = set()
    out = []
    for cand in ordered:
        tokens = set(range(cand.span.start, cand.span.end))
        if tokens & taken:
            continue
        taken |= tokens
        out.append(cand)
    return sorted(out, key=lambda c: c.span.start)


def _overlaps(span: Span, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(span.start_char < end and start < span.end_char for start, end in ranges)


def _tag_candidates(
    doc: Doc, master: InstrumentMaster, matchers: _Matchers
) -> tuple[list[_Candidate], list[tuple[int, int]]]:
    """Return RIC, exchange-tag and cashtag candidates, and the character ranges of tag venues."""
    text = doc_text(doc)
    out: list[_Candidate] = []
    blocked: list[tuple[int, int]] = []
    for found in _PARENS.finditer(text):
        inner_start = found.start(1)
        for code in re.finditer(r"[^\s,;/]+", found.group(1)):
            if not RIC.match(code.group()):
                continue
            instrument = master.resolve_ric(code.group())
            span = doc.char_span(inner_start + code.start(), inner_start + code.end(), alignment_mode="expand")
            if instrument is not None and span is not None:
                out.append(_Candidate(span, instrument, "ric", 3))
    inside = {(c.span.start_char, c.span.end_char) for c in out}
    for found in _BARE_RIC.finditer(text):
        if (found.start(), found.end()) in inside or _overlaps_parens(text, found.start()):
            continue
        code = found.group(1)
        if code.startswith("."):
            instrument = master.instruments.get(master.index["ric"].get(code.upper(), ""))
        else:
            instrument = master.resolve_ric(code)
        span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
        if instrument is not None and span is not None:
            out.append(_Candidate(span, instrument, "ric", 3))
    for found in matchers.exchange_tag.finditer(text):
        instrument = master.resolve_tag(found.group(1), found.group(2).rstrip("."))
        span = doc.char_span(found.start(2), found.start(2) + len(found.group(2).rstrip(".")), alignment_mode="expand")
        if instrument is not None and span is not None:
            out.append(_Candidate(span, instrument, "exchange-tag", 3))
            blocked.append((found.start(1), found.end(1)))
    for found in _CASHTAG.finditer(text):
        instrument = master.cashtag(found.group(1))
        span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
        if instrument is not None and span is not None:
            out.append(_Candidate(span, instrument, "cashtag", 3))
    return out, blocked


def _overlaps_parens(text: str, at: int) -> bool:
    """Whether char ``at`` is inside a bracket pair on its line (those codes are read by the bracket rule)."""
    opened = text.rfind("(", 0, at)
    return opened != -1 and text.rfind(")", opened, at) == -1 and "\n" not in text[opened:at]


def _name_candidates(doc: Doc, master: InstrumentMaster, matchers: _Matchers) -> list[_Candidate]:
    """Return candidates from the master's names and aliases."""
    out = []
    strings = doc.vocab.strings
    matches = [(strings[m], s, e) for m, s, e in matchers.exact(doc)]
    matches += [(strings[m], s, e) for m, s, e in matchers.folded(doc)]
    matches += [(strings[m], s, e) for m, s, e in matchers.after_the(doc)]
    for label, start, end in matches:
        span = doc[start:end]
        if label == "AFTER_THE" and (start == 0 or doc[start - 1].lower_ != "the"):
            continue
        if label == "PROPER" and not _capitalised(span):
            continue
        if label == "PROPER" and is_case_sensitive(span.text):
            continue  # "ENI" (economic net income) is not "Eni": short all-caps forms must be aliases as written
        if label == "PLAIN" and _capitalised(span) and _inside_name(doc, start):
            continue  # "United Airlines" is a company, not the airlines sector
        span = _with_legal_suffix(doc, span, master)
        instrument = master.lookup(span.text)
        if instrument is None:
            continue
        if instrument.kind == "equity" and _inside_product_name(doc, span, master):
            continue
        how = "name" if normalise(span.text) in {normalise(f) for f in name_aliases(instrument.name)} else "alias"
        out.append(_Candidate(span, instrument, how, 1))
    return out


def _inside_product_name(doc: Doc, span: Span, master: InstrumentMaster) -> bool:
    """Whether a company name is part of an index or fund name: "MSCI" in "iShares MSCI Japan Index".

    True when a capitalised product word ("Index", "ETF", "Fund") ends the run of capitalised
    words after it; lower case ("Apple fund managers") is left to the company.
    """
    for token in doc[span.end : span.end + 5]:
        if not (token.text[:1].isupper() or token.is_digit or token.text == "&"):
            return False
        if normalise(token.text) in master.product_words:
            return True
    return False


def _inside_name(doc: Doc, start: int) -> bool:
    """Whether token ``start`` follows a capitalised word of the same sentence (a name goes on)."""
    if start == 0 or doc[start].is_sent_start:
        return False
    before = doc[start - 1]
    return before.is_alpha and before.text[:1].isupper()


def _capitalised(span: Span) -> bool:
    """Whether a span reads as a proper name: its first character is upper case or a digit."""
    first = span.text[:1]
    return first.isupper() or first.isdigit() or not first.isalpha()


def _with_legal_suffix(doc: Doc, span: Span, master: InstrumentMaster) -> Span:
    """Return the span extended over a following legal form ("Tokyo Electron" + "Ltd").

    The longer span is kept only when the master knows it ("Nasdaq Inc" is NDAQ, not the index).
    """
    end = span.end
    while end < len(doc):
        word = doc[end]
        if _is_legal_word(word):
            end += 1
        elif word.text in (",", "&") and end + 1 < len(doc) and _is_legal_word(doc[end + 1]):
            end += 1
        else:
            break
    if end == span.end:
        return span
    longer = doc[span.start : end]
    return longer if master.lookup(longer.text) is not None else span


def _tags_after_names(doc: Doc, chosen: list[_Candidate], master: InstrumentMaster) -> list[_Candidate]:
    """Return the candidates with each unknown tag code ("DBKGn.DE") given the instrument of the name just before it.

    Only when the name's instrument trades on the tag's venue (same exchange or time zone). On a
    US venue, where the RIC base is the ticker, it is the other way round: the name takes the tag's listing.
    """
    out = chosen[:]
    for k, cand in enumerate(chosen):
        if cand.how not in ("ric", "exchange-tag") or cand.instrument.source not in ("ric", "exchange-tag") or k == 0:
            continue
        before = chosen[k - 1]
        gap = doc[before.span.end : cand.span.start]
        venue = _venue_words(doc, cand)
        if before.how not in ("name", "alias") or len(gap) > 4 or any(t.is_alpha and t.text not in venue for t in gap):
            continue
        known, tagged = before.instrument, cand.instrument
        same_market = known.exchange == tagged.exchange or (known.timezone and known.timezone == tagged.timezone)
        if not same_market:
            continue
        market = master.exchanges.get(tagged.exchange or "")
        if market is not None and not market.yahoo_suffix:
            # A US code is the ticker itself: the name means the tagged listing
            # ("Consol Energy ( CNX.N )" in 2012 is CNX, not today's CONSOL Energy, CNR).
            out[k - 1] = _Candidate(before.span, tagged, before.how, before.strength)
        else:
            out[k] = _Candidate(cand.span, known, cand.how, cand.strength)
    return out


def _is_legal_word(token) -> bool:
    """Whether a token is a capitalised legal-form word ("Ltd", "Inc.", "Co", "plc")."""
    return token.lower_.rstrip(".") in LEGAL_SUFFIXES and (token.text[:1].isupper() or token.lower_ == "plc")


def _names_before_tags(doc: Doc, chosen: list[_Candidate]) -> list[_Candidate]:
    """Return the organisation names written just before a RIC or exchange tag, linked to the tag's instrument.

    "International Business Machines Corp ( IBM.N )": the NER's ORG entity ending before the
    parenthesis is the name of the tagged company.
    """
    linked_tokens = {i for c in chosen for i in range(c.span.start, c.span.end)}
    out = chosen[:]
    for cand in chosen:
        if cand.how not in ("ric", "exchange-tag"):
            continue
        i = cand.span.start - 1
        venue = _venue_words(doc, cand)
        while i >= 0 and (doc[i].text in ("(", ":") or doc[i].text in venue):
            i -= 1
        if i < 0 or doc[i].ent_type_ != "ORG" or i in linked_tokens:
            continue
        start = i
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        span = doc[start : i + 1]
        if span[0].lower_ == "the":
            span = span[1:]
        if len(span) and not any(t.i in linked_tokens for t in span):
            out.append(_Candidate(span, cand.instrument, cand.how, 2))
    return out


def _venue_words(doc: Doc, cand: _Candidate) -> set[str]:
    """Return the words of an exchange tag's venue ("NYSE", "Nasdaq") before the tagged code."""
    if cand.how != "exchange-tag":
        return set()
    i = cand.span.start - 1
    words = set()
    while i >= 0 and doc[i].text != "(" and cand.span.start - i <= 4:
        words.add(doc[i].text)
        i -= 1
    return words


def _coreferences(doc: Doc, master: InstrumentMaster, mentions: list[InstrumentMention]) -> list[InstrumentMention]:
    """Return mentions for "the index"/"the company"/"the stock" and for a company's short name.

    An anaphor takes the last earlier instrument of a compatible kind, unless the sentence of that
    mention names a second instrument of that kind (then it is ambiguous and left out).
    """
    taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
    linked = [m for m in mentions if m.symbol is not None or m.kind == "sector"]
    out: list[InstrumentMention] = []
    if not linked:
        return out
    the = doc.vocab.strings.add("the")
    for i in (doc.to_array(LOWER) == the).nonzero()[0].tolist():
        token = doc[i]
        if token.i in taken:
            continue
        for words, kinds in sorted(ANAPHORS.items(), key=lambda kv: -len(kv[0])):
            end = token.i + len(words)
            if end > len(doc) or tuple(t.lower_ for t in doc[token.i : end]) != words:
                continue
            # "the index's" is an anaphor, "the stock market" is not
            noun_follows = end < len(doc) and doc[end].pos_ in ("NOUN", "PROPN") and doc[end].tag_ != "POS"
            if noun_follows or any(i in taken for i in range(token.i, end)):
                break
            referent = _antecedent(doc, linked, token.idx, kinds, master.affiliate_words)
            if referent is not None:
                out.append(_mention(doc[token.i : end], referent, "coref"))
                taken.update(range(token.i, end))
            break
    out += _short_names(doc, master, linked, taken)
    return out


def _antecedent(
    doc: Doc, linked: list[InstrumentMention], before: int, kinds: tuple[str, ...], affiliates: frozenset[str] = frozenset()
) -> InstrumentMention | None:
    """Return the last mention of a kind in ``kinds`` ending before char ``before``, or None when ambiguous."""
    earlier = [m for m in linked if m.end <= before and m.kind in kinds and not _starts_other_name(doc, m, affiliates)]
    if not earlier:
        return None
    last = earlier[-1]
    sentence = _sentence_range(doc, last.token_start)
    rivals = {m.symbol for m in earlier if sentence[0] <= m.token_start < sentence[1]}
    return last if len(rivals) == 1 else None


def _starts_other_name(doc: Doc, m: InstrumentMention, affiliates: frozenset[str]) -> bool:
    """Whether the mention begins another body's name ('Wells Fargo' in 'Wells Fargo Advisors')."""
    if m.token_end is None or not affiliates:
        return False
    for t in doc[m.token_end : m.token_end + 4]:
        if not t.text[:1].isupper() or t.is_punct:
            return False
        if normalise(t.text) in affiliates:
            return True
    return False


def _sentence_range(doc: Doc, i: int) -> tuple[int, int]:
    """Return the token range of the sentence holding token ``i`` (the whole Doc when unsegmented)."""
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        sent = doc[i].sent
        return sent.start, sent.end
    return 0, len(doc)


def _short_names(
    doc: Doc, master: InstrumentMaster, linked: list[InstrumentMention], taken: set[int]
) -> list[InstrumentMention]:
    """Return a company's later mentions by the first word of its name ("Daiwa" after "Daiwa Securities")."""
    out = []
    first_words = {_first_word(m) for m in linked if m.kind == "equity"} - {""}
    if not first_words:
        return out
    wanted = {doc.vocab.strings.add(w) for w in first_words}
    orths = doc.to_array(ORTH).tolist()
    for i, orth in enumerate(orths):
        if orth not in wanted:
            continue
        token = doc[i]
        if token.i in taken or not token.text[:1].isupper() or len(token.text) < 3 or not token.is_alpha:
            continue
        if token.ent_type_ in _NOT_SHORT_NAME or token.is_stop or master.is_stopword(token.text):
            continue
        if _inside_name(doc, token.i):
            continue  # inside a longer capitalised name
        if token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper() and doc[token.i + 1].is_alpha:
            continue
        earlier = {
            m.symbol: m
            for m in linked
            if m.kind == "equity" and m.end <= token.idx and _first_word(m) == token.text
        }
        if len(earlier) == 1:
            referent = next(iter(earlier.values()))
            out.append(_mention(doc[token.i : token.i + 1], referent, "coref"))
            taken.add(token.i)
    return out


def _first_word(mention: InstrumentMention) -> str:
    words = mention.text.split()
    return words[0] if len(words) > 1 else ""


def write_entities(doc: Doc, mentions: list[InstrumentMention], labels: dict[str, str] | None = None) -> None:
    """Write linked (non-coreference) mentions into ``doc.ents``, dropping NER entities they overlap."""
    labels = {**DEFAULT_LABELS, **(labels or {})}
    linked = [
        Span(doc, m.token_start, m.token_end, label=labels.get(m.kind, "ORG"))
        for m in mentions
        if m.how != "coref" and m.token_start is not None
    ]
    linked = filter_spans(linked)
    covered = {i for s in linked for i in range(s.start, s.end)}
    kept = [e for e in doc.ents if not any(i in covered for i in range(e.start, e.end))]
    doc.ents = sorted(linked + kept, key=lambda s: s.start)


class InstrumentLinker:
    """Sets ``doc._.instruments`` (overwriting) and gives linked names precedence in ``doc.ents``."""

    def __init__(
        self,
        pipeline: Language | None,
        master: InstrumentMaster,
        write_ents: bool,
        labels: dict[str, str],
        coref: bool,
    ) -> None:
        self.master = master
        self.write_ents = write_ents
        self.labels = labels
        self.coref = coref
        self._pipeline = pipeline
        if pipeline is not None:
            # built now, outside any memory zone: the matchers' strings and lexemes must outlive
            # every article (a zone evicts what is added inside it)
            matchers_for(pipeline.vocab, master, pipeline.tokenizer)

    def __call__(self, doc: Doc) -> Doc:
        tokenizer = self._pipeline.tokenizer if self._pipeline is not None else None
        matchers = matchers_for(doc.vocab, self.master, tokenizer)
        published = (doc._.article or {}).get("published")
        mentions = link_instruments(doc, self.master, coref=self.coref, matchers=matchers, published=published)
        doc._.instruments = mentions
        if self.write_ents:
            write_entities(doc, mentions, self.labels)
        return doc


@Language.factory(
    "newslink_instruments",
    default_config={"paths": None, "write_ents": True, "labels": {}, "coref": True},
    assigns=["doc._.instruments", "doc.ents"],
    requires=["doc.ents"],  # the statistical NER's entities, which linked names take precedence over
)
def make_instrument_linker(
    nlp: Language,  # spaCy passes the pipeline under this name
    name: str,  # noqa: ARG001
    paths: list[str] | None,
    write_ents: bool,
    labels: dict[str, Any],
    coref: bool,
) -> InstrumentLinker:
    """Return the ``newslink_instruments`` component (spaCy passes the pipeline as ``nlp``: its required name).

    ``paths``: model folders / CSV files of the master (None: the default master with the user's
    additions); ``labels``: doc.ents label per instrument kind, over :data:`DEFAULT_LABELS`.
    """
    register_extensions()
    master = InstrumentMaster.load(paths)
    return InstrumentLinker(nlp, master, write_ents, dict(labels), coref)
