"""Causal drivers: what the article says moved what.

:func:`extract_causes` finds explicit connectives with rules (``nlp/models/causal/cues.json``:
"X rose AS Y", "X, SUPPORTED BY Y", "Y FUELLED X", ...) and, when a tagger is given, asks the
FinCausal-trained span tagger (:mod:`nlp.causal.model`) about the candidate sentences: those
with a cue word and a claim or an instrument. A rule link and a model link over the same spans merge
into one ``rule+model`` link. Each effect is linked to the claims (``claim_ids``) and the
instruments (``effect_symbols``) inside it. The ``newslink_causes`` component sets ``doc._.causes``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span as SpacySpan

from nlp.budget import process_threads
from nlp.components import doc_text
from nlp.components.cause_context import (
    clean_span,
    has_clause,
    is_fragment,
    load_context,
    market_fact,
    negated,
    schedule_not_cause,
    through_phrase_commas,
    trim_loose_end,
    snap_effect,
    weak_cue_rejection,
)
from nlp.paths import MODELS
from nlp.types import CausalLink, Span

log = logging.getLogger(__name__)

CUES_FILE = MODELS / "causal" / "cues.json"
CALIBRATION_FILE = MODELS / "causal" / "calibration.json"
#: A model link needs at least this mean label probability over each of its spans.
MODEL_MIN_SCORE = 0.6
#: Spans that share this share of their words (of the shorter one) are "the same span".
SAME_SPAN_OVERLAP = 0.6
_WORD = re.compile(r"\w+(?:[-’']\w+)*")
# a comma inside a number ("1,200") and the brackets of an instrument code ("( GM.N )") cut nothing
_CLAUSE_PUNCT = re.compile(r"(?<!\d),|,(?!\d)|[;:\u2013\u2014]|\((?!\s*[A-Z0-9.^=]+\s*\))|(?<!\()(?<![A-Z0-9.^=]\s)\)|\s-\s|\n")
_EDGE_STRIP = " \t\n,;:.!?\"“”‘’'()-\u2013\u2014"
_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_JOINERS = {"and", "or", "but"}


@dataclass(frozen=True)
class Cue:
    """A causal connective: its compiled pattern, direction and prior score."""

    pattern: re.Pattern
    direction: str  # "backward": effect CUE cause; "forward": cause CUE effect
    score: float
    cause_from: re.Pattern | None = None
    clause: bool = False  # opens a subordinate clause ("as", "after"): its cause may be two clauses


@dataclass(frozen=True)
class CueBook:
    """Everything :func:`causes_by_rules` knows, from ``nlp/models/causal/cues.json``."""

    cues: tuple[Cue, ...]
    any_cue: re.Pattern  # every cue in one pattern: most sentences need no closer look
    boundary: re.Pattern
    trailing: frozenset[str]
    not_after_as: re.Pattern
    not_before_as: frozenset[str]
    not_after_temporal: re.Pattern


@cache
def load_cues(path: str | Path = CUES_FILE) -> CueBook:
    """The cue book in ``path``, loaded once. Raises FileNotFoundError / ValueError on a bad file."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))

    def words(items: Iterable[str]) -> str:
        return "|".join(sorted(items, key=len, reverse=True))

    cues = []
    alternatives = []
    for direction in ("backward", "forward"):
        for item in raw[direction]:
            alternatives.append(item["cue"] + (rf"\s+(?:{words(item['cause_from'])})" if item.get("cause_from") else ""))
            pattern = re.compile(rf"(?<![\w-])(?:{item['cue']})(?![\w-])", re.IGNORECASE)
            cause_from = None
            if item.get("cause_from"):
                cause_from = re.compile(rf"\s+(?:{words(item['cause_from'])})\b", re.IGNORECASE)
            cues.append(Cue(pattern, direction, float(item["score"]), cause_from, bool(item.get("clause"))))
    return CueBook(
        cues=tuple(cues),
        any_cue=re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", re.IGNORECASE),
        boundary=re.compile(rf"\b(?:{words(raw['boundary_words'])})\b", re.IGNORECASE),
        trailing=frozenset(w.lower() for w in raw["trailing_words"]),
        not_after_as=re.compile(rf"\s+(?:{words(raw['not_causal_after_as'])})\b", re.IGNORECASE),
        not_before_as=frozenset(w.lower() for w in raw["not_causal_before_as"]),
        not_after_temporal=re.compile(rf"\s+(?:\d|(?:{words(raw['not_causal_after_temporal'])})\b)", re.IGNORECASE),
    )


# ---------------------------------------------------------------- span helpers


def _trim(text: str, start: int, end: int, trailing: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Shrink [start, end) past blanks, edge punctuation, a leading 'and'/'which' and trailing auxiliaries and 'and's."""
    while True:
        before = (start, end)
        while start < end and text[start] in _EDGE_STRIP:
            start += 1
        while end > start and text[end - 1] in _EDGE_STRIP:
            end -= 1
        m = re.match(r"(?:and|but|then|so|which|who)\s", text[start:end], re.IGNORECASE)
        if m:
            start += m.end()
        words = list(_WORD.finditer(text, start, end))
        if len(words) > 1 and (words[-1].group().lower() in trailing or words[-1].group().lower() in _JOINERS):
            end = words[-1].start()
        if (start, end) == before:
            return start, end


def _words(text: str, start: int, end: int) -> set[tuple[int, int]]:
    return {m.span() for m in _WORD.finditer(text, start, end)}


def word_overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Words shared by spans ``a`` and ``b`` over the words of the shorter one (0 when either is empty)."""
    wa, wb = _words(text, *a), _words(text, *b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _has_finite_verb(sent: SpacySpan, start: int, end: int) -> bool:
    """Whether a token of ``sent`` inside the character range is a finite verb (True when untagged)."""
    if not sent.doc.has_annotation("TAG"):
        return True
    return any(t.tag_ in _FINITE_TAGS for t in sent if start <= t.idx < end)


def _in_word(token) -> bool:
    """'and' inside a hyphenated word ("four-and-a-half-year")."""
    doc = token.doc
    left = token.i > 0 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_
    right = token.i + 1 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_
    return left or right


def _clause_ands(sent: SpacySpan, opens: Sequence[int]) -> list[tuple[int, int]]:
    """Character spans of the 'and's of ``sent`` that join two clauses.

    Such an 'and' is followed by a noun phrase and a finite verb before any punctuation, and
    preceded by a finite verb since the last clause opening (``opens``: punctuation, a
    subordinating cue, a boundary word). With a parse, an 'and' that joins two nouns ("changes to
    banking and capital rules that are ...", "houses and cars before the increases are ...":
    the verb is a relative or subordinate clause's) joins no clauses. Needs
    POS tags: an untagged Doc gives none.
    """
    if not sent.doc.has_annotation("TAG"):
        return []
    parsed = sent.doc.has_annotation("DEP")
    found = []
    tokens = list(sent)
    for k, t in enumerate(tokens):
        if t.lower_ != "and" or _in_word(t):
            continue
        verb = None
        for u in tokens[k + 1 :]:
            if u.is_punct and u.text != "-" or u.pos_ in ("VERB", "AUX") or u.tag_ in _FINITE_TAGS:
                verb = u
                break
        if verb is None or verb.i == t.i + 1:
            continue
        # the tagger often calls a past tense after a noun a participle ("companies gained")
        after_noun = verb.tag_ == "VBN" and verb.nbor(-1).pos_ in ("NOUN", "PROPN", "PRON")
        if verb.tag_ not in _FINITE_TAGS and not after_noun:
            continue
        main = verb.head if parsed and verb.dep_ in ("aux", "auxpass") else verb
        if parsed and (main.dep_ in ("relcl", "acl") or any(
                u.head.i == main.i and (u.dep_ == "mark" or u.tag_ in ("WDT", "WP")) for u in tokens[k + 1 : verb.i - sent.start])):
            continue  # the verb of a relative or subordinate clause inside a noun phrase
        opened = max((o for o in opens if o <= t.idx), default=sent.start_char)
        if _has_finite_verb(sent, opened, t.idx):
            found.append((t.idx, t.idx + len(t.text)))
    return found


def _split_at(text: str, span: tuple[int, int], cuts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``span`` cut at the ``cuts`` inside it, each piece trimmed, empty pieces dropped."""
    pieces, left = [], span[0]
    for a, b in sorted(cuts):
        if span[0] < a and b < span[1]:
            pieces.append((left, a))
            left = b
    pieces.append((left, span[1]))
    return [p for p in (_trim(text, *q) for q in pieces) if p[1] > p[0]]


# ---------------------------------------------------------------- rules


def _sentences(doc: Doc) -> list[SpacySpan]:
    """The Doc's sentences, or the whole Doc as one when nothing set sentence boundaries."""
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        return list(doc.sents)
    # no parser or sentencizer ran: cut at a stop followed by a capital, roughly
    text = doc_text(doc)
    spans, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z“\"])", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    found = (doc.char_span(a, b, alignment_mode="expand") for a, b in spans if text[a:b].strip())
    return [span for span in found if span is not None and len(span)]


@dataclass
class _Hit:
    cue: Cue
    start: int  # of the cue words
    end: int
    cause_start: int  # where the cause may begin (after 'on' for 'on news ...')


def _cue_hits(sent: SpacySpan, book: CueBook) -> list[_Hit]:
    """Cue occurrences in the sentence, longest first where they overlap, in text order."""
    text = doc_text(sent.doc)
    s0, s1 = sent.start_char, sent.end_char
    if not book.any_cue.search(text, s0, s1):
        return []
    hits: list[_Hit] = []
    for cue in book.cues:
        for m in cue.pattern.finditer(text, s0, s1):
            after = text[m.end() : s1]
            word = m.group().lower()
            follow = None
            if cue.cause_from is not None:
                follow = cue.cause_from.match(after)
                if not follow:
                    continue
            if word == "as":
                previous = text[s0 : m.start()].split()
                if book.not_after_as.match(after):
                    continue
                if previous and previous[-1].lower().strip(",") in book.not_before_as:
                    continue
                if " as " in f" {' '.join(previous[-4:]).lower()} ":
                    continue  # "as high as": a comparison
            if word in ("after", "following") and book.not_after_temporal.match(after):
                continue
            cause_start = m.end() + (len(follow.group()) - len(follow.group().lstrip()) if cue.cause_from else 0)
            hits.append(_Hit(cue, m.start(), m.end(), cause_start))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def _boundaries(
    sent: SpacySpan, book: CueBook, hits: Sequence[_Hit]
) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """(clause starts, clause ends, clause-joining 'and's): positions no cause or effect crosses."""
    text = doc_text(sent.doc)
    s0, s1 = sent.start_char, sent.end_char
    starts, ends = [s0], [s1]
    for m in _CLAUSE_PUNCT.finditer(text, s0, s1):
        starts.append(m.end())
        ends.append(m.start())
    for m in book.boundary.finditer(text, s0, s1):
        starts.append(m.end())
        ends.append(m.start())
    opens = list(starts) + [h.end for h in hits if h.cue.clause]
    ands = _clause_ands(sent, opens)
    for h in hits:
        starts.append(h.end)
        ends.append(h.start)
    for a, b in ands:
        starts.append(b)
        ends.append(a)
    return sorted(set(starts)), sorted(set(ends)), ands


def _back_to_clause(text: str, starts: list[int], position: int, floor: int) -> int:
    """The nearest clause start at or before ``position`` that leaves a non-empty span."""
    for s in reversed(starts):
        if floor <= s < position and text[s:position].strip(_EDGE_STRIP):
            return s
    return floor


def _on_to_clause(text: str, ends: list[int], position: int, ceiling: int) -> int:
    """The nearest clause end after ``position`` that leaves a non-empty span."""
    for e in ends:
        if position < e <= ceiling and text[position:e].strip(_EDGE_STRIP):
            return e
    return ceiling


_RELATIVE_TAIL = re.compile(r",\s*(?:which|who|that)\s*$", re.IGNORECASE)


def _relative_antecedent(text: str, starts: list[int], cause: tuple[int, int], floor: int) -> tuple[int, int]:
    """'X, which has contributed to Y': the cause is X, not 'which (has)'."""
    m = _RELATIVE_TAIL.search(text, floor, cause[0])
    if m is None:
        lead = re.match(r"\s*(?:which|who|that)\b", text[cause[0] : cause[1]], re.IGNORECASE)
        before = text[floor : cause[0]].rstrip()
        if not (lead and before.endswith(",")):
            return cause
        comma = floor + len(before) - 1
    else:
        comma = m.start()
    return _back_to_clause(text, starts, comma, floor), comma


def sentence_cues(doc: Doc, book: CueBook | None = None) -> list[tuple[SpacySpan, list[_Hit]]]:
    """The Doc's sentences that hold a cue, each with its cue occurrences."""
    book = book or load_cues()
    found = ((sent, _cue_hits(sent, book)) for sent in _sentences(doc))
    return [(sent, hits) for sent, hits in found if hits]


def causes_by_rules(
    doc: Doc, book: CueBook | None = None, cued: list[tuple[SpacySpan, list[_Hit]]] | None = None
) -> list[CausalLink]:
    """Cause/effect links from explicit connectives, sentence by sentence (method "rule").

    The effect and the cause of a cue each run to the nearest clause boundary (punctuation,
    'while', 'which', another cue); a cause made of two clauses joined by 'and' gives two links.
    ``cued`` is :func:`sentence_cues`' answer when the caller already has it.
    """
    book = book or load_cues()
    context = load_context()
    text = doc_text(doc)
    # the parse says which trailing words are loose (an auxiliary, an adverb); without it, the word list
    trailing = frozenset() if doc.has_annotation("DEP") else book.trailing
    links: list[CausalLink] = []
    for sent, hits in cued if cued is not None else sentence_cues(doc, book):
        starts, ends, ands = _boundaries(sent, book, hits)
        and_starts = {a for a, _ in ands}
        s0, s1 = sent.start_char, sent.end_char
        for h in hits:
            if h.cue.direction == "backward":
                if not text[s0 : h.start].strip(_EDGE_STRIP):
                    # "Because of X, Y fell.": the cause runs to the comma, the effect follows
                    comma = text.find(",", h.end, s1)
                    if comma < 0:
                        continue
                    cause = (h.cause_start, comma)
                    effect = (comma + 1, _on_to_clause(text, ends, comma + 1, s1))
                else:
                    effect = (_back_to_clause(text, starts, h.start, s0), h.start)
                    # a clause cue's cause does not stop at a later cue ("as X gained on news that Y")
                    # nor at a clause-joining 'and' (two causes, split below)
                    cause_ends = ends
                    if h.cue.clause:
                        later = {o.start for o in hits} | and_starts
                        cause_ends = [e for e in ends if e == s1 or e not in later]
                    cause = (h.cause_start, _on_to_clause(text, cause_ends, h.cause_start, s1))
            else:
                cause = (_back_to_clause(text, starts, h.start, s0), h.start)
                cause = _relative_antecedent(text, starts, cause, s0)
                effect = (h.end, _on_to_clause(text, ends, h.end, s1))
            word = text[h.start : h.end].lower()
            if _not_causal_here(doc, h, word, context):
                continue
            if h.cue.direction == "backward":
                effect = snap_effect(doc, *_trim(text, *effect), h.start, context)
            if h.cue.direction == "backward":
                cause = through_phrase_commas(doc, *cause)
            else:
                effect = through_phrase_commas(doc, *effect)
            effect = _trim(text, *trim_loose_end(doc, *clean_span(text, *_trim(text, *effect))))
            cause = _trim(text, *trim_loose_end(doc, *clean_span(text, *_trim(text, *cause, trailing=trailing))),
                          trailing=trailing)
            if effect[1] <= effect[0] or cause[1] <= cause[0]:
                continue
            if word == "as" and not _has_finite_verb(sent, *cause):
                continue  # "as" before a bare noun phrase is a comparison or a role
            if is_fragment(doc, *effect) or is_fragment(doc, *cause):
                continue  # "came", "it aims to": no argument a reader would underline
            if word in context.weak_cues and not has_clause(doc, *effect):
                continue  # "a day after ...", "its role as ...": the effect is no event
            causes = _split_at(text, cause, ands) if h.cue.clause else [cause]
            for c in causes:
                links.append(
                    CausalLink(
                        cause=Span(text[c[0] : c[1]], c[0], c[1]),
                        effect=Span(text[effect[0] : effect[1]], effect[0], effect[1]),
                        cue=word,
                        method="rule",
                        score=h.cue.score,
                    )
                )
    return _dedupe(links)


def _not_causal_here(doc: Doc, hit: _Hit, word: str, context) -> bool:
    """Whether the parse says this cue is no cause: a weak cue in a time, role or statement frame,
    "due to" + verb, "hit by" + a date, a negated effect, or a forward verb cue in the passive ("prompted by": the
    cause comes after it, as a backward cue would read it)."""
    if word in context.weak_cues and weak_cue_rejection(doc, hit.start, hit.end, context):
        return True
    if schedule_not_cause(doc, hit.start, hit.end, context) or negated(doc, hit.start):
        return True
    if hit.cue.direction == "forward" and re.match(r"\s+by\b", doc_text(doc)[hit.end : hit.end + 6]):
        return True
    if hit.cue.direction == "forward":  # an unparsed Doc has no "acl": nothing to check there
        span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
        if span is not None and span[0].tag_ == "VBN" and span[0].dep_ == "acl":
            return True  # "a bout of panic sparked when ...": a participle after its noun is passive
    return False


def _dedupe(links: list[CausalLink]) -> list[CausalLink]:
    """One link per (cause, effect) span pair, keeping the best-scored cue."""
    best: dict[tuple[int, int, int, int], CausalLink] = {}
    for link in links:
        key = (link.cause.start, link.cause.end, link.effect.start, link.effect.end)
        if key not in best or link.score > best[key].score:
            best[key] = link
    return sorted(best.values(), key=lambda l: (l.effect.start, l.cause.start))


# ---------------------------------------------------------------- model


def candidate_sentences(
    cued: Sequence[tuple[SpacySpan, list]], claims: Sequence | None, instruments: Sequence | None
) -> list[SpacySpan]:
    """Sentences worth a model call: those with a cue that also hold a claim or an instrument mention.

    When neither claims nor instruments were extracted (None: their components did not run)
    every cued sentence is a candidate. Reading every cued sentence instead cost about 30% of
    the pipeline's time on Reuters news (bench/causal_share.py).
    """
    if claims is None and instruments is None:
        return [sent for sent, _ in cued]
    marks = [(m.start, m.end) for m in [*(claims or []), *(instruments or [])]]
    return [sent for sent, _ in cued if any(a < sent.end_char and sent.start_char < b for a, b in marks)]


def causes_by_model(
    doc: Doc, tagger, sentences: Sequence[SpacySpan], min_score: float = MODEL_MIN_SCORE
) -> list[CausalLink]:
    """One link per sentence where the tagger finds a cause and an effect, each at ``min_score`` or more.

    ``tagger`` is a :class:`nlp.causal.model.CausalTagger` (anything with its ``predict``).
    The link's score is the lower of the two spans' mean label probabilities (method "model").
    """
    text = doc_text(doc)
    windows = []
    for sent in sentences:
        a, b = _trim(text, sent.start_char, sent.end_char)
        if b > a:
            windows.append((a, b))
    if not windows:
        return []
    links = []
    for (a, _), tagging in zip(windows, tagger.predict([text[a:b] for a, b in windows])):
        if tagging.cause is None or tagging.effect is None:
            continue
        score = min(tagging.cause.score, tagging.effect.score)
        if score < min_score:
            continue
        cause = _trim(text, *clean_span(text, *_trim(text, a + tagging.cause.start, a + tagging.cause.end)))
        effect = _trim(text, a + tagging.effect.start, a + tagging.effect.end)
        if effect[0] > cause[0]:  # the cause comes first: the effect may lack its subject
            effect = snap_effect(doc, *effect, -1)
        effect = _trim(text, *clean_span(text, *effect))
        if cause[1] <= cause[0] or effect[1] <= effect[0] or _overlap(Span("", *cause), Span("", *effect)):
            continue
        if is_fragment(doc, *cause) or is_fragment(doc, *effect):
            continue
        links.append(
            CausalLink(
                cause=Span(text[cause[0] : cause[1]], *cause),
                effect=Span(text[effect[0] : effect[1]], *effect),
                cue=None,
                method="model",
                score=round(score, 3),
            )
        )
    return links


def merge_links(text: str, rule_links: list[CausalLink], model_links: list[CausalLink]) -> list[CausalLink]:
    """Rule links plus model links; a model link over the same spans as rule links makes them "rule+model".

    Spans are the same when they share :data:`SAME_SPAN_OVERLAP` of the shorter one's words
    (so a model cause covering two coordinated rule causes confirms both). The merged score
    is 1 - (1 - rule) * (1 - model); the rule's spans and cue are kept.
    """
    merged = list(rule_links)
    for m in model_links:
        same = [
            r
            for r in rule_links
            if _overlap(r.cause, m.cause) and _overlap(r.effect, m.effect)  # cheap: most pairs are far apart
            and word_overlap(text, (r.cause.start, r.cause.end), (m.cause.start, m.cause.end)) >= SAME_SPAN_OVERLAP
            and word_overlap(text, (r.effect.start, r.effect.end), (m.effect.start, m.effect.end)) >= SAME_SPAN_OVERLAP
        ]
        for r in same:
            if r.method == "rule":
                r.method = "rule+model"
                r.score = round(1 - (1 - r.score) * (1 - m.score), 3)
        if not same:
            merged.append(m)
    return sorted(merged, key=lambda l: (l.effect.start, l.cause.start))


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def link_effects(links: list[CausalLink], claims: Sequence = (), instruments: Sequence = ()) -> list[CausalLink]:
    """Fill each link's ``claim_ids`` (claims overlapping the effect) and ``effect_symbols``.

    The symbols are those of the instruments mentioned inside the effect, then those of the
    linked claims, without repeats. Returns the same list.
    """
    for link in links:
        a, b = link.effect.start, link.effect.end
        link.claim_ids = [c.id for c in claims if c.start < b and a < c.end]
        symbols = [m.symbol for m in instruments if m.symbol and m.start < b and a < m.end]
        symbols += [c.symbol for c in claims if c.id in link.claim_ids and c.symbol]
        link.effect_symbols = list(dict.fromkeys(symbols))
    return links


def extract_causes(doc: Doc, tagger=None, *, confirm_weak: bool = True, model_links: bool = False) -> list[CausalLink]:
    """The article's causal links: rules, checked by the tagger where one is given.

    The tagger reads :func:`candidate_sentences` (a cue, and a claim or an instrument). A rule link
    it reads the same way becomes "rule+model". With ``confirm_weak`` (the default), a link of a weak
    cue ("as", "after", "amid", "following") is kept only when it is "rule+model": in a sentence with
    a market fact, read the same way by the tagger. By default the tagger reads only the sentences
    where its reading decides a weak cue's link, so a strong cue's link stays "rule". With
    ``model_links``, every candidate sentence is read and the tagger's own pairs with no rule link
    become links (method "model"); by default they are not kept. Without a tagger
    every rule link that passes the parse checks is kept. Reads ``doc._.claims`` and
    ``doc._.instruments`` to choose the sentences and to link effects. Returns links ordered by
    effect position.

    Labellers found these links causal (the fresh tuning half of ``tests/data/causes_sample3``, as
    stored before this rule): weak cue and tagger 13 of 14, weak cue alone 24 of 40, the tagger alone
    1 of 1; over the four spent halves of ``causes_sample`` and ``causes_sample2``: 39 of 48, 61 of 91
    and 3 of 10.
    """
    cued = sentence_cues(doc)
    links = causes_by_rules(doc, cued=cued)
    if tagger is not None:
        sentences = candidate_sentences(cued, doc._.claims, doc._.instruments)
        if not model_links:
            # a tagger's pair is kept only where it confirms a rule link (merge_links: its cause
            # overlaps the rule's), and its agreement decides only a weak cue's link: a strong
            # cue's link is kept either way (205 of its 213 labelled links were causal, with the
            # tagger's agreement or without: calibration.json), and a weak cue's link whose effect
            # is no market fact is dropped either way (market_effects_only). So the tagger reads
            # only the sentences holding the cause of a weak cue's link with a market effect:
            # 60 of the 110 windows it read on 200 dev articles, where it decides something
            context, marks = load_context(), [(c.start, c.end) for c in doc._.claims or []]
            open_links = [l for l in links if (l.cue or "") in context.weak_cues
                          and market_fact(doc, l.effect.start, l.effect.end, marks, context)]
            sentences = [s for s in sentences
                         if any(l.cause.start < s.end_char and s.start_char < l.cause.end for l in open_links)]
        links = merge_links(doc_text(doc), links, causes_by_model(doc, tagger, sentences))
        weak = load_context().weak_cues
        links = [l for l in links if (model_links or l.method != "model")
                 and not (confirm_weak and l.method == "rule" and (l.cue or "") in weak)]
    links = calibrate(market_effects_only(doc, links, doc._.claims))
    return link_effects(links, doc._.claims or [], doc._.instruments or [])


def link_class(method: str, cue: str | None) -> str:
    """The class a link's calibrated score is read for: how it was found, and how strong its cue is."""
    if method == "model":
        return method
    if (cue or "") in load_context().weak_cues:
        return f"{method}, weak cue"  # "rule+model, weak cue"; "rule, weak cue" without the tagger
    return "rule, strong cue"  # with or without the tagger's agreement, which it rarely reads for


@cache
def load_calibration(path: str | Path = CALIBRATION_FILE) -> dict[str, float]:
    """class -> calibrated score from ``path`` (``bench/causes_calibrate.py`` writes it); {} when absent."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: float(row["score"]) for name, row in raw["classes"].items()}


def calibrate(links: list[CausalLink], table: dict[str, float] | None = None) -> list[CausalLink]:
    """Each link's ``score`` set to the share of links of its class that labellers found causal
    (``nlp/models/causal/calibration.json``); a class the table lacks keeps its prior score."""
    table = load_calibration() if table is None else table
    for link in links:
        score = table.get(link_class(link.method, link.cue))
        if score is not None:
            link.score = score
    return links


def market_effects_only(doc: Doc, links: list[CausalLink], claims: Sequence | None = None) -> list[CausalLink]:
    """The links, less those of a weak cue ("as", "after", ...) whose effect is no market or
    business fact (:func:`nlp.components.cause_context.market_fact`), and those of the tagger
    alone whose effect holds no claim.

    On the issue-12 tuning half (``tests/data/causes_sample``), the labellers found weak-cue
    links causal 9 times in 39 where the effect is no market or business fact, 23 in 28 where it
    is; the tagger's links of its own were causal 6 times in 25, and their scores (0.69-0.998)
    did not tell the right ones from the wrong.
    """
    context = load_context()
    marks = [(c.start, c.end) for c in claims or []]
    kept = []
    for link in links:
        a, b = link.effect.start, link.effect.end
        if link.method == "model" and not any(s < b and a < e for s, e in marks):
            continue
        if (link.cue or "") in context.weak_cues and not market_fact(doc, a, b, marks, context):
            continue
        kept.append(link)
    return kept


#: environment variable fixing the causal tagger's torch threads (else the process's threads)
TORCH_THREADS_ENV = "NEWSLINK_TORCH_THREADS"


@cache
def default_tagger(artifact_dir: str = ""):
    """The causal tagger of ``nlp/models/causal`` (or ``artifact_dir``), loaded once; None when it cannot load.

    Sets torch's intra-op threads to $NEWSLINK_TORCH_THREADS, by default the process's
    (:func:`nlp.budget.process_threads`): a process that extracts alone would leave the other core
    idle while the tagger runs (2-core machine: 110 windows in 1.32 s on 2 threads, 1.96 s on 1);
    worker processes take 1 each, since there the workers are the parallelism (2 threads each on a
    busy 2-core machine took 1.5 s a batch instead of 35 ms).

    A missing artifact or base package is logged as a warning: the component then uses rules only.
    """
    try:
        from nlp.causal.model import DEFAULT_ARTIFACT, CausalTagger

        threads = int(os.environ.get(TORCH_THREADS_ENV) or process_threads())
        return CausalTagger.load(artifact_dir or DEFAULT_ARTIFACT, threads=threads)
    except (FileNotFoundError, ImportError, OSError) as err:
        log.warning("causal tagger unavailable, using rules only: %s", err)
        return None


class CausalDrivers:
    """The ``newslink_causes`` component: sets ``doc._.causes`` to :func:`extract_causes`' links."""

    def __init__(self, use_model: bool = True, artifact_dir: str = "", confirm_weak: bool = True,
                 model_links: bool = False):
        self.use_model = use_model
        self.artifact_dir = artifact_dir
        self.confirm_weak = confirm_weak
        self.model_links = model_links

    def __call__(self, doc: Doc) -> Doc:
        tagger = default_tagger(self.artifact_dir) if self.use_model else None
        doc._.causes = extract_causes(doc, tagger, confirm_weak=self.confirm_weak, model_links=self.model_links)
        return doc


@Language.factory(
    "newslink_causes",
    default_config={"use_model": True, "artifact_dir": "", "confirm_weak": True, "model_links": False},
    assigns=["doc._.causes"],
    requires=["doc._.claims", "doc._.instruments", "token.is_sent_start"],
)
def make_causes(nlp: Language, name: str, use_model: bool, artifact_dir: str,  # noqa: ARG001
                confirm_weak: bool, model_links: bool) -> CausalDrivers:
    """The component; the tagger loads lazily, on the first Doc, and only once.

    ``confirm_weak``: a weak cue's link needs the tagger's agreement; ``model_links``: the tagger's
    own pairs, without a rule, are links too (see :func:`extract_causes`).

    spaCy insists on the argument name ``nlp`` for the pipeline; it is not used here.
    """
    return CausalDrivers(use_model, artifact_dir, confirm_weak, model_links)
