"""A causal cue read through the parse, and cause/effect spans snapped to what the parse says they are.

:mod:`nlp.components.causes` finds a connective and cuts a cause and an effect around it with
punctuation and cue words. This module reads that guess again with the sentence's parse
(knowledge in ``nlp/models/causal/context.json``):

- :func:`weak_cue_rejection`: why a weak cue ("as", "after", "following", "amid") is not causal
  here, or None: "as" must open a clause (a subordinating conjunction), not a role ("served as
  adviser") or a comparison; "after" is not a time ("a day after", "after years of losses"), the
  time of a thing ("expectations after a strong June"), a ranking ("second wealthiest after"), a schedule ("until after"), and a weak cue that dates a
  statement ("said on Friday after ...") or an arrival ("came as ...") is not a reason;
- :func:`schedule_not_cause`: "due to be released" is a schedule, "hit by year's end" a deadline;
  :func:`negated`: "is not expecting an increase due to ..." denies the effect;
- :func:`snap_effect`: an effect cut after its subject gets the subject back ("John Hourican, head
  of ..., is leaving"), an effect that opens with a frame of saying is narrowed to what was said
  ("analysts suggested that investors sold ..." -> "investors sold ...");
- :func:`clean_span`: no span crosses a dateline, a section heading or an attribution tail;
- :func:`is_fragment` and :func:`market_fact`: whether a span is a lone function word, and whether
  an effect is a market or business fact (a weak cue's and the tagger's links need one).

Everything here takes and returns character offsets into the Doc's text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Token

from nlp.components import doc_text
from nlp.paths import MODELS

CONTEXT_FILE = MODELS / "causal" / "context.json"

_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
_DATELINE = re.compile(r"^.{0,80}?\(?(?:Reuters|IFR|Reuters Breakingviews)\)\s*[-\u2013\u2014]+\s*", re.DOTALL)
_HEADING = re.compile(r"^(?:[A-Z0-9][A-Z0-9&.,'’/ -]*[A-Z0-9.]\s*:\s+)+|^(?:[A-Z]{2,}\s+){2,}(?=[A-Z][a-z])")
_TAIL = re.compile(
    r"""(?:,\s*["”]?|["”]\s*,?)\s*(?:[\w.'’&-]+\s+){0,6}?"""
    r"""(?:said|says|added|adds|told|wrote|noted|warned|explained|argued)\b"""
)
_TICKER_TAIL = re.compile(r"\(\s*[^\s()]*$")
_CONTENT = re.compile(r"[A-Za-z0-9]")
_LOWER = re.compile(r"[a-z]")
_QUANTITY = re.compile(r"\d\s*(?:%|percent|per cent|pct|points?|basis points|bps)\b|[$€£¥]\s*\d"
                       r"|\d\s*(?:million|billion|trillion)\b")


@dataclass(frozen=True)
class Context:
    weak_cues: frozenset[str]
    time_nouns: frozenset[str]
    not_before_cue: frozenset[str]
    not_after_cue: frozenset[str]
    reporting_verbs: frozenset[str]
    move_verbs: frozenset[str]
    market_verbs: frozenset[str]
    market_nouns: frozenset[str]
    ongoing_verbs: frozenset[str]
    move_nouns: frozenset[str]
    earlier_words: frozenset[str]
    extreme_nouns: frozenset[str]
    reach_verbs: frozenset[str]
    net_of_nouns: frozenset[str]
    phrasal_after: frozenset[str]
    ordinals: frozenset[str]


@cache
def load_context(path: str | Path = CONTEXT_FILE) -> Context:
    """The word lists of ``path``, loaded once. Raises FileNotFoundError / KeyError on a bad file."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return Context(*(frozenset(w.lower() for w in raw[key]) for key in (
        "weak_cues", "time_nouns", "not_before_cue", "not_after_cue", "reporting_verbs", "move_verbs",
        "market_verbs", "market_nouns", "ongoing_verbs", "move_nouns", "earlier_words", "extreme_nouns",
        "reach_verbs", "net_of_nouns", "phrasal_after", "ordinals")))


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _roots(tokens: list[Token]) -> list[Token]:
    """The tokens of a span whose head lies outside it (or who are their own head)."""
    inside = {t.i for t in tokens}
    return [t for t in tokens if t.head.i not in inside or t.head.i == t.i]


def _parsed(doc: Doc) -> bool:
    return doc.has_annotation("DEP")


def _clause_head(cue: Token) -> Token:
    """The word the cue's clause or phrase modifies: the main verb for "as"/"after" + clause
    (the cue marks the subordinate verb, which hangs on the main one), else the cue's head."""
    if cue.dep_ == "mark":
        return cue.head.head if cue.head.dep_ in ("advcl", "relcl", "ccomp", "acl") else cue.head
    return cue.head


def weak_cue_rejection(doc: Doc, cue_start: int, cue_end: int, context: Context | None = None) -> str | None:
    """Why the weak cue at [cue_start, cue_end) is not causal in this sentence, or None when it may be.

    Needs the parse; an unparsed Doc gets None (the cue book's own checks still apply).
    """
    context = context or load_context()
    if not _parsed(doc):
        return None
    cue = _token_at(doc, cue_start)
    if cue is None:
        return None
    word = doc_text(doc)[cue_start:cue_end].lower()
    before = doc[cue.i - 1] if cue.i > cue.sent.start else None
    after = doc[cue.i + 1] if cue.i + 1 < cue.sent.end else None
    if before is not None and (before.lower_ in context.not_before_cue or before.tag_ == "JJS"):
        return f"'{before.text} {word}': a ranking, schedule or concession"
    if after is not None and after.lower_ in context.not_after_cue:
        return f"'{word} {after.text}': not a cause"
    if word == "as" and cue.dep_ != "mark":
        return "'as' does not open a clause (a role, a comparison)"
    if after is not None and after.pos_ == "AUX" and (word == "following" or after.lemma_ in ("do", "have", "be")):
        return f"'{word} {after.text}': a comparison or a list ('as did', 'following are')"
    if word == "as" and cue.head.lemma_ == "do" and not any(c.dep_ == "dobj" for c in cue.head.children):
        return "'as ... do': a comparison"
    if word == "as" and cue.head.lemma_.lower() in context.ongoing_verbs:
        return f"'as ... {cue.head.text}': what goes on meanwhile, or a condition, not a reason"
    head = _clause_head(cue)
    if word in ("after", "following"):
        why = _after_not_cause(cue, word, before, head, context)
        if why:
            return why
    if head.lemma_.lower() in context.reporting_verbs:
        return f"'{word}' dates the statement ('{head.text}')"
    if word == "as" and head.lemma_.lower() == "come":
        return "'came as': an arrival in time"
    return None


def _after_not_cause(cue: Token, word: str, before: Token | None, head: Token, context: Context) -> str | None:
    """Why "after"/"following" here names a time, a sequence, a ranking or an amount, not a cause."""
    if before is not None and before.lemma_.lower() in context.time_nouns:
        return f"'{before.text} {word}': a time"
    objects = [c for c in cue.children if c.dep_ in ("pobj", "pcomp")]
    if any(o.lemma_.lower() in context.time_nouns or o.lower_ in context.time_nouns for o in objects):
        return f"'{word} {objects[0].text}': a time"
    if any(o.ent_type_ in ("DATE", "TIME") and o.pos_ == "PROPN" for o in objects):
        return f"'{word} {objects[0].text}': a date"
    moves = [o for o in objects if o.tag_ == "VBG" and not any(c.dep_ in _SUBJECTS for c in o.children)
             and o.lemma_.lower() in context.move_verbs]
    if moves:
        return f"'{word} {moves[0].text}': the subject's earlier move, a sequence"
    for o in objects:
        lemma = o.lemma_.lower()
        if lemma in context.move_nouns and any(c.lower_ in context.earlier_words for c in o.children):
            return f"'{word} earlier {o.text}': the subject's own path, a sequence"
        if (o.tag_ == "VBG" and lemma in context.reach_verbs and not any(c.dep_ in _SUBJECTS for c in o.children)
                and any(c.dep_ == "dobj" and c.lemma_.lower() in context.extreme_nouns for c in o.children)):
            return f"'{word} {o.text} a high or low': the subject's own path, a sequence"
        if lemma in context.net_of_nouns:
            return f"'{word} {o.text}': an amount net of them"
    if head.lemma_.lower() in context.phrasal_after:
        return f"'{head.text} {word}': a phrasal verb"
    if head.lemma_ == "be" and any(c.dep_ == "attr" and any(m.lower_ in context.ordinals or m.tag_ == "JJS"
                                                            for m in c.children) for c in head.children):
        return f"'is the second ... {word}': a ranking"
    if cue.dep_ == "prep" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        return f"'{head.text} {word} ...': when the {head.text} was, not what caused it"
    return None


def negated(doc: Doc, cue_start: int) -> bool:
    """Whether the verb the cue hangs on is negated ("is not expecting an increase due to ..."):
    the text then denies the effect, it does not link it to the cause."""
    if not _parsed(doc):
        return False
    cue = _token_at(doc, cue_start)
    if cue is None:
        return False
    if cue.pos_ == "VERB" and any(c.dep_ == "neg" for c in cue.children):
        return True  # "in a way that does not hurt growth"
    # a conjunction marks the cause's own verb ("because the arguments are not ..."): start above it
    head = _clause_head(cue)
    for up in [head, *head.ancestors]:
        if up.pos_ in ("VERB", "AUX") and up.i != cue.i:
            return any(c.dep_ == "neg" for c in up.children)
    return False


def schedule_not_cause(doc: Doc, cue_start: int, cue_end: int, context: Context | None = None) -> str | None:
    """Why a strong cue is not causal here: "due to" + a verb is a schedule, "hit by" + a time a deadline."""
    context = context or load_context()
    words = doc_text(doc)[cue_start:cue_end].lower().split()
    tokens = _tokens(doc, cue_start, cue_end)
    if not tokens:
        return None
    nxt = doc[tokens[-1].i + 1] if tokens[-1].i + 1 < len(doc) else None
    if nxt is None:
        return None
    if words[:2] == ["due", "to"] and (nxt.tag_ == "VB" or nxt.lower_ in ("be", "have")):
        return "'due to' + verb: a schedule"
    if words[-1] == "by" and (nxt.ent_type_ in ("DATE", "TIME") or nxt.lemma_.lower() in context.time_nouns):
        return f"'{words[-1]} {nxt.text}': a deadline"
    if words[-1] in ("tracked", "tracking") and nxt.lower_ == "by":
        return "'tracked by': followed, measured"
    if words == ["tracking"] and tokens[0].dep_ in ("amod", "compound", "nmod"):
        return "'tracking' + noun: a kind of thing ('its tracking system')"
    if words[0] in ("drag", "drags", "dragged", "dragging") and words[-1] == "on" and (
            nxt.is_punct or nxt.like_num or nxt.ent_type_ in ("DATE", "TIME")
            or nxt.lower_ in ("for", "nearly", "almost", "into", "until", "since", "throughout")
            or nxt.lemma_.lower() in context.time_nouns):
        return "'dragged on' + a time: it lasted"
    if words[0] == "weighed" and words[-1] == "by" and (
            any(c.lower_ == "being" for c in tokens[0].children) or nxt.ent_type_ in ("ORG", "PERSON", "GPE")):
        return "'weighed by' someone: considered"
    if words == ["on"] and tokens[0].head.lemma_.lower() in context.reporting_verbs:
        return f"'{tokens[0].head.text} on': a topic"
    return None


def snap_effect(doc: Doc, start: int, end: int, cue_start: int, context: Context | None = None) -> tuple[int, int]:
    """The effect [start, end) with its subject put back and a frame of saying taken off.

    Subject: when the effect's verb has its subject before ``start`` in the same sentence, and
    every word between belongs to that verb's clause, the effect starts at the subject. Saying:
    when the effect opens with a reporting verb whose complement clause holds the rest of the
    effect, and the cue at ``cue_start`` modifies something inside that clause, the effect is the
    clause ("Some analysts suggested that investors sold" -> "investors sold"). Unparsed: unchanged.
    """
    context = context or load_context()
    if not _parsed(doc):
        return start, end
    tokens = _tokens(doc, start, end)
    if not tokens:
        return start, end
    inside = {t.i for t in tokens}
    verb = next((t for t in _roots(tokens) if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None and verb.dep_ == "aux":
        verb = verb.head
    if verb is not None:
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None and subject.tag_ in ("WP", "WDT"):
            subject = None  # "who has led ...": the relative pronoun names nothing
        if subject is not None and subject.left_edge.idx < start and subject.left_edge.sent.start == verb.sent.start:
            gap = doc[subject.left_edge.i : tokens[0].i]
            if all(t.i == verb.i or verb in t.ancestors for t in gap):
                start = subject.left_edge.idx
                tokens = _tokens(doc, start, end)
                inside = {t.i for t in tokens}
    # a frame of saying: "<someone> said (on Thursday) (that) <clause>"
    cue = _token_at(doc, cue_start) if cue_start >= 0 else None
    for t in _roots(tokens):
        if t.lemma_.lower() not in context.reporting_verbs or t.pos_ not in ("VERB", "AUX"):
            continue
        clause = next((c for c in t.children if c.dep_ == "ccomp" and c.i in inside), None)
        if clause is None or clause.left_edge.i <= t.i:
            continue
        if cue is not None and not (cue.i in {u.i for u in clause.subtree} or clause.i in {a.i for a in cue.ancestors}):
            continue
        first = clause.left_edge
        while first.i < len(doc) - 1 and first.lower_ in ("that", ",", ":") and first.i < clause.i:
            first = doc[first.i + 1]
        if first.idx < end:
            start = first.idx
        break
    return start, end


def clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without a dateline or a heading before it, nor an attribution tail or a cut
    ticker after it ("...," said Jane Roe, an analyst at ...; "General Motors Co ( GM.N")."""
    piece = text[start:end]
    m = _DATELINE.match(piece)
    if m and m.end() < len(piece):
        start += m.end()
        piece = text[start:end]
    m = _HEADING.match(piece)
    if m and m.end() < len(piece) and _LOWER.search(piece, m.end()):
        start += m.end()
        piece = text[start:end]
    m = _TAIL.search(piece)
    if m and m.start() > 0 and _CONTENT.search(piece[: m.start()]):
        end = start + m.start()
        piece = text[start:end]
    m = _TICKER_TAIL.search(piece)
    if m and m.start() > 0:
        end = start + m.start()
    while end > start and text[end - 1] in " \t\n,;:\"“”'(":
        end -= 1
    return start, end


#: tags of the words a span does not end on: auxiliaries and modals, adverbs, a pre-conjunction
_LOOSE_END_TAGS = {"MD", "RB", "RBR", "RBS", "CC", "PDT"}


def trim_loose_end(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the auxiliaries, adverbs and "both"/"either" it ends on that hang on a
    word outside it, the cue's verb as a rule ("the sector has been badly [hit by]" -> "the sector",
    "rates both [hurt]" -> "rates"); a main verb ("the only asset that it really has") and an adverb
    of the span's own ("a year ago") stay. Unparsed: unchanged."""
    if not _parsed(doc):
        return start, end
    tokens = _tokens(doc, start, end)
    kept = len(tokens)
    while kept > 1:
        last = tokens[kept - 1]
        loose = last.pos_ == "AUX" or last.tag_ in _LOOSE_END_TAGS or last.dep_ == "preconj"
        outside = not tokens[0].i <= last.head.i <= last.i  # it hangs on the cue or beyond
        if not (loose and outside) or last.pos_ == "VERB" or last.lower_ == "not":
            break
        kept -= 1
    if kept == len(tokens):
        return start, end
    return start, tokens[kept - 1].idx + len(tokens[kept - 1].text)


def _common_head(a: Token, b: Token) -> Token | None:
    ups = {a.i, *(t.i for t in a.ancestors)}
    for t in (b, *b.ancestors):
        if t.i in ups:
            return t
    return None


def through_phrase_commas(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """[start, end) carried on past a comma that lies inside a noun phrase: a list ("technology,
    media and telecom") or a row of adjectives ("the lightweight, fuel-efficient jetliners"), to the
    end of that phrase. A comma before a relative pronoun or between clauses stops it, as it did."""
    if not _parsed(doc):
        return start, end
    tokens = _tokens(doc, start, end)
    if not tokens:
        return start, end
    sent_end = tokens[-1].sent.end
    while True:
        last = tokens[-1]
        if last.i + 2 >= sent_end or doc[last.i + 1].text != ",":
            break
        nxt = doc[last.i + 2]
        if nxt.tag_ in ("WDT", "WP", "WP$") or nxt.pos_ in ("VERB", "AUX", "SCONJ", "CCONJ"):
            break
        head = _common_head(last, nxt)
        if head is None or head.pos_ not in ("NOUN", "PROPN") or head.i < tokens[0].i:
            break
        right = head.right_edge
        if right.i <= last.i or right.i >= sent_end:
            break
        # never into a relative or another clause inside the phrase's subtree
        stop = next((t for t in doc[last.i + 1 : right.i + 1] if t.dep_ in ("relcl", "advcl", "ccomp")
                     or t.tag_ in ("WDT", "WP", "WP$")), None)
        if stop is not None:
            cut = min(stop.left_edge.i, stop.i) - 1
            while cut > last.i and doc[cut].is_punct:
                cut -= 1
            if cut <= last.i + 1:
                break
            right = doc[cut]
        tokens = list(doc[tokens[0].i : right.i + 1])
    return start, max(end, tokens[-1].idx + len(tokens[-1].text))


def is_fragment(doc: Doc, start: int, end: int) -> bool:
    """A span with no content word (only function words, numbers cut short or punctuation), or a
    copula whose complement lies outside it ("That, economists say, is")."""
    tokens = _tokens(doc, start, end)
    if not tokens:
        return True
    if not doc.has_annotation("TAG"):
        return not any(_CONTENT.search(t.text) for t in tokens)
    if not any(t.pos_ in ("NOUN", "PROPN", "PRON", "VERB", "NUM", "ADJ") for t in tokens
               if not (t.pos_ in ("VERB", "AUX") and t.dep_ == "aux")):
        return True
    if _parsed(doc):
        inside = {t.i for t in tokens}
        for t in _roots(tokens):
            if t.lemma_ == "be" and t.dep_ in ("ROOT", "ccomp", "conj"):
                complements = [c for c in t.children if c.dep_ in ("attr", "acomp", "ccomp", "xcomp", "prep", "advcl")]
                if not any(c.i in inside for c in complements):
                    return True
    return False


def has_clause(doc: Doc, start: int, end: int) -> bool:
    """Whether the span holds a verb other than an auxiliary, with a noun or pronoun (True when untagged)."""
    tokens = _tokens(doc, start, end)
    if not doc.has_annotation("TAG"):
        return True
    verbs = [t for t in tokens if t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ != "aux")]
    nouns = [t for t in tokens if t.pos_ in ("NOUN", "PROPN", "PRON", "NUM")]
    return bool(verbs) and bool(nouns)


def market_fact(doc: Doc, start: int, end: int, marks: list[tuple[int, int]] = (), context: Context | None = None) -> bool:
    """Whether [start, end) states a market or business fact: it holds a claim or a priced
    instrument (``marks``), a number with a unit (%, $, points, a currency), or a market verb or noun."""
    context = context or load_context()
    if any(a < end and start < b for a, b in marks):
        return True
    piece = doc_text(doc)[start:end]
    if _QUANTITY.search(piece):
        return True
    for t in _tokens(doc, start, end):
        lemma = t.lemma_.lower()
        if t.pos_ in ("VERB", "AUX") and lemma in context.market_verbs:
            return True
        if t.pos_ in ("NOUN", "PROPN") and (lemma in context.market_nouns or t.lower_ in context.market_nouns):
            return True
    return False
