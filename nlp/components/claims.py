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
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from nlp.components import doc_text, register_extensions
from nlp.components import time_anchors
from nlp.components.doubts import claim_doubts, names_day
from nlp.components.time_anchors import Anchor, ArticleTime
from nlp.instruments import RIC, read_stoplist
from nlp.paths import MODELS as MODELS_ROOT
from nlp.types import Claim, InstrumentMention

MODELS = MODELS_ROOT / "claims"

NUMBER = re.compile(r"^[+\-\u2212]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+\-\u2212]?\d+(\.\d+)?$")
#: a Reuters instrument code: '.SPX', 'AAPL.O', 'VOWG_p.DE', 'CARLb.CO'
CURRENCY = {"$", "€", "£", "¥", "us$", "c$", "a$", "hk$"}
#: dependency labels that open a clause of its own: cues inside belong to that clause
CLAUSAL = {"advcl", "relcl", "acl", "ccomp", "xcomp", "conj", "parataxis", "csubj", "pcomp"}
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE = {"which", "that", "who", "whose"}
#: prepositions that introduce another figure to compare with ('above the 3 percent increase analysts expected')
COMPARING = {"above", "below", "than", "versus", "vs", "vs.", "against", "beyond", "over", "under", "from"}
TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "today", "yesterday", "week", "month", "year", "session", "day", "quarter"}
STOCK_WORDS = {"shares", "share", "stock", "stocks", "equity", "adrs", "adr", "units", "securities"}
INDEX_WORDS = {"index", "average", "benchmark", "composite", "gauge", "indicator"}
#: verbs that move their object: 'sending its shares tumbling 8 percent'
CAUSATIVE = {"send", "push", "drive", "lift", "pull", "knock", "leave", "take", "boost", "drag", "propel"}
CLOSE_LEMMAS = {"close", "end", "finish", "settle"}
#: verbs through which a subject "reaches" a record ("rose to", "closed at", "blowing past")
RECORD_VERBS = {
    "rise", "climb", "hit", "reach", "touch", "set", "blow", "breach", "close", "end", "finish",
    "surge", "jump", "top", "surpass", "break", "scale", "soar", "rally", "advance", "gain",
    "trade", "be", "stand", "extend", "mark", "notch", "post", "log", "race", "push", "move",
    "edge", "fall", "drop", "slide", "sink", "tumble", "plunge", "slump", "hover", "sit",
}


def _rows(name: str) -> list[dict[str, str]]:
    with open(MODELS / name, encoding="utf-8") as f:
        return [
            {k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(line for line in f if not line.startswith("#"))
        ]


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``nlp/models/claims``, loaded once."""

    moves: dict[tuple[str, ...], tuple[str, str]]  # words -> (direction, role)
    periods: dict[tuple[str, ...], str]  # words -> period label
    record_mods: frozenset[tuple[str, ...]]
    record_heads: frozenset[str]
    record_since: frozenset[str]
    record_distance: frozenset[str]
    record_negated: frozenset[str]
    hedges: tuple[tuple[str, ...], ...]  # longest first
    after_hours: frozenset[tuple[str, ...]]
    close_words: frozenset[str]
    modals: frozenset[str]
    nonmarket_after: frozenset[str]
    nonmarket_before: frozenset[str]
    rank_objects: frozenset[str]
    nonmarket_subjects: frozenset[str]
    sectors: frozenset[str]
    affiliate_words: frozenset[str] = frozenset()  # 'Wells Fargo *Advisors*': a unit named after a listed firm
    spans: dict[tuple[str, ...], str] = field(default_factory=dict)  # words -> state, session, trailing, unit, crash


@cache
def lexicon() -> Lexicon:
    """Return the claims word lists (read once from ``nlp/models/claims``)."""
    moves = {tuple(r["word"].lower().split()): (r["direction"], r["role"]) for r in _rows("moves.csv")}
    periods = {tuple(r["phrase"].lower().split()): r["period"] for r in _rows("periods.csv")}
    record = _rows("record_cues.csv")
    cues = _rows("cues.csv")
    nonmarket = _rows("nonmarket.csv")
    return Lexicon(
        moves=moves,
        periods=periods,
        record_mods=frozenset(tuple(r["cue"].split()) for r in record if r["role"] == "mod"),
        record_heads=frozenset(r["cue"] for r in record if r["role"] == "head"),
        record_since=frozenset(r["cue"] for r in record if r["role"] == "since"),
        record_distance=frozenset(r["cue"] for r in record if r["role"] == "distance"),
        record_negated=frozenset(r["cue"] for r in record if r["role"] == "negated"),
        hedges=tuple(sorted((tuple(r["hedge"].split()) for r in _rows("hedges.csv") if r["extracted"] == "yes"),
                            key=len, reverse=True)),
        after_hours=frozenset(tuple(r["cue"].split()) for r in cues if r["kind"] == "after_hours"),
        close_words=frozenset(r["cue"] for r in cues if r["kind"] == "close"),
        modals=frozenset(r["cue"] for r in cues if r["kind"] == "modal"),
        nonmarket_after=frozenset(r["word"] for r in nonmarket if r["where"] == "after"),
        nonmarket_before=frozenset(r["word"] for r in nonmarket if r["where"] == "before"),
        rank_objects=frozenset(r["word"] for r in nonmarket if r["where"] == "rank"),
        nonmarket_subjects=frozenset(r["word"] for r in nonmarket if r["where"] == "subject"),
        # one list with the instrument master's coreference: nlp/models/instruments/affiliate_words.txt
        affiliate_words=read_stoplist(MODELS.parent / "instruments" / "affiliate_words.txt"),
        spans={tuple(r["cue"].split()): r["kind"] for r in _rows("spans.csv")},
        sectors=frozenset(r["word"] for r in _rows("sectors.csv")),
    )


# --- numbers -----------------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """'39,883.86' -> 39883.86; None when ``text`` is not a plain number."""
    text = text.replace("\u2212", "-")
    if not NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def precision_of(text: str) -> float:
    """Half a unit of the last stated digit: '4.64' -> 0.005, '17' -> 0.5."""
    try:
        exponent = Decimal(text.replace(",", "").lstrip("+-\u2212")).as_tuple().exponent
    except InvalidOperation:
        return 0.5
    return float(Decimal(5) * Decimal(10) ** (exponent - 1)) if isinstance(exponent, int) else 0.5


@dataclass(frozen=True)
class Quantity:
    """A number with its unit in the Doc: token range [start, end), value, unit, hedge."""

    start: int
    end: int
    number: int  # token index of the number
    value: float
    unit: str  # pct, points, bps
    hedge: str | None = None


def _unit_at(doc: Doc, i: int) -> tuple[str, int] | None:
    """The unit starting at token ``i``: (unit, tokens it spans), or None."""
    if i >= len(doc):
        return None
    w = doc[i].lower_
    nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    if w in {"%", "percent", "pct", "pct.", "per-cent"}:
        return "pct", 1
    if w == "per" and nxt == "cent":
        return "pct", 2
    if w == "percentage" and nxt in {"point", "points"}:
        return "points", 2
    if w == "basis" and nxt in {"point", "points"}:
        return "bps", 2
    if w in {"bps", "bp", "bpts"}:
        return "bps", 1
    if w in {"points", "point", "pts"}:
        return "points", 1
    return None


def find_quantities(doc: Doc, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every percentage, points and basis-points figure among tokens [start, end)."""
    end = len(doc) if end is None else end
    found = []
    for tok in doc[start:end]:
        value = parse_number(tok.text)
        if value is None:
            continue
        unit = _unit_at(doc, tok.i + 1)
        if unit is None:
            continue
        found.append(
            Quantity(tok.i, tok.i + 1 + unit[1], tok.i, abs(value), unit[0], _hedge_before(doc, tok.i))
        )
    return found


def _hedge_before(doc: Doc, i: int) -> str | None:
    words = [t.lower_ for t in doc[max(0, i - 3) : i]]
    for hedge in lexicon().hedges:
        if tuple(words[-len(hedge) :]) == hedge:
            return " ".join(hedge)
    return None


# --- instrument mentions -----------------------------------------------------------------


@dataclass
class Subject:
    """Who a claim is about: an instrument mention, or a sector phrase without a series."""

    text: str
    start: int  # character offsets
    end: int
    symbol: str | None = None
    exchange: str | None = None
    kind: str = "sector"
    at: int | None = None  # where the sentence refers to it ("the index"), when not at start
    how: str | None = None  # how the symbol was found: the mention's own (ric, name, ...) or coref


@dataclass
class MentionIndex:
    """Instrument mentions of a Doc, addressable by token."""

    mentions: list[InstrumentMention]
    by_token: dict[int, InstrumentMention] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Doc, mentions: Iterable[InstrumentMention]) -> MentionIndex:
        index = cls(sorted(mentions, key=lambda m: m.start))
        for m in index.mentions:
            ts, te = m.token_start, m.token_end
            if ts is None or te is None:
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                ts, te = span.start, span.end
            for i in range(ts, te):
                index.by_token.setdefault(i, m)
        return index

    def last_before(self, i: int, kinds: set[str], doc: Doc, within: int = 150) -> InstrumentMention | None:
        """The latest mention of one of ``kinds`` ending before token ``i`` (coreference).

        A mention inside a longer name ('Wells Fargo Advisors', 'Morgan Stanley Wealth Management') is
        another firm, never what 'it' or 'the stock' refers to, so it is passed over.
        """
        limit = doc[i].idx
        for m in reversed(self.mentions):
            if m.end <= limit and m.kind in kinds and m.symbol and not _inside_longer_name(doc, m):
                if doc[i].idx - m.start > within * 6:
                    return None
                return m
        return None


def _inside_longer_name(doc: Doc, m: InstrumentMention) -> bool:
    """Whether the mention starts the name of another body ('Wells Fargo Advisors', 'JPMorgan Global ... PMI')."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    words = lexicon().affiliate_words
    for t in doc[span.end : span.end + 4]:
        if t.pos_ != "PROPN" or not t.text[:1].isupper():
            return False
        if t.lower_ in words:
            return True
    return False


def _subject_of(m: InstrumentMention, at: int | None = None, how: str | None = None) -> Subject:
    return Subject(m.text, m.start, m.end, m.symbol, m.exchange, m.kind, at, how or m.how)


def _skip_left(doc: Doc, i: int, floor: int) -> int:
    """Index of the first token left of ``i`` that is not punctuation or a '( RIC )' tag."""
    j = i - 1
    while j >= floor:
        t = doc[j]
        if t.text == ")":
            k = j - 1
            while k >= floor and k > j - 5 and doc[k].text != "(":
                k -= 1
            if k >= floor and doc[k].text == "(" and all(RIC.match(x.text) for x in doc[k + 1 : j]):
                j = k - 1
                continue
            return j
        if t.text in {",", "\u2014", "-", "--"}:
            j -= 1
            continue
        return j
    return -1


def _noun_phrase(tok: Token) -> tuple[int, int]:
    """Token range of the modifiers-plus-head phrase of a noun, without determiners."""
    left = tok.i
    for child in tok.lefts:
        if child.dep_ in {"compound", "amod", "nmod", "npadvmod", "nummod"} or child.text == "-":
            left = min(left, child.left_edge.i)
    while left < tok.i and tok.doc[left].dep_ in {"det", "poss", "case", "punct"}:
        left += 1
    return left, tok.i + 1


def resolve_subject(tok: Token, index: MentionIndex) -> list[Subject]:
    """The instrument(s) or sector a subject token stands for; [] when it is no market subject."""
    doc = tok.doc
    lex = lexicon()
    if tok.i not in index.by_token and tok.text.startswith(".") and RIC.match(tok.text):
        named = [c for c in tok.lefts if c.dep_ in {"compound", "nmod"}]
        if not named and tok.i > 0 and doc[tok.i - 1].pos_ in {"NOUN", "PROPN"}:
            named = [doc[tok.i - 1]]  # the parser left the code detached from its name
        found = resolve_subject(named[-1], index) if named else []  # 'the ... Home Construction index .DJUSHB lost'
        if not found:
            span = doc[_noun_phrase(tok)[0] : tok.i + 1]  # 'the FTSEurofirst 300 .FTEU3': an index the master lacks
            found = [Subject(span.text, span.start_char, span.end_char, kind="index")]
        return found
    if tok.i not in index.by_token and tok.lower_ in lex.nonmarket_subjects:
        return []  # 'Nissan ( 7201.T ) sales rose 23 percent': the sales moved, not the stock
    names = [c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i == tok.i + 1 and not RIC.match(c.text)]
    if tok.i not in index.by_token and tok.pos_ == "NOUN" and names:
        found = resolve_subject(names[0], index)  # 'Truck manufacturer Oshkosh ( OSK.N ) rallied'
        if found:
            return found
    found: list[Subject] = []
    searched = False
    if tok.i in index.by_token:
        if any(c.dep_ == "appos" and c.lower_ in lex.nonmarket_subjects for c in tok.children):
            return []  # 'Morgan Stanley ( MS.N ) CEO James Gorman's total pay fell 7 percent'
        found = [_subject_of(index.by_token[tok.i])]
    else:
        for t in _phrase_tokens(tok):
            m = index.by_token.get(t.i)
            if m is None:
                continue
            searched = True
            found = _inner_mention(tok, t, m, index)
            if found:
                break
    if not found and not searched:
        found = _unnamed_subject(tok, index)
    for conj in tok.conjuncts:
        if conj.i > tok.i:
            found.extend(s for s in resolve_subject(conj, index) if s.symbol not in {f.symbol for f in found if f.symbol})
    if found and found[0].symbol:
        found = _with_listed_before(doc, found, index)
    return found


def _inner_mention(tok: Token, t: Token, m: InstrumentMention, index: MentionIndex) -> list[Subject]:
    """What a subject means when an instrument is named inside its phrase.

    'Apple shares', 'shares of Apple', 'fund ( XLE.P )' -> the instrument; 'S&P 500 energy
    companies', 'the Nikkei's tech-related shares' -> a group of its members (symbol None);
    'Gorman's total pay' -> no market subject.
    """
    doc = tok.doc
    a = _noun_phrase(tok)[0]
    if m.kind == "index":
        end = max(x.i for x in _phrase_tokens(tok))
        last = max(i for i, x in index.by_token.items() if x is m)
        between = [x for x in doc[last + 1 : tok.i] if x.text not in {"(", ")"} and not RIC.match(x.text)]
        if tok.lower_ in INDEX_WORDS and not between:
            return [_subject_of(m, min(m.start, doc[a].idx))]  # 'the benchmark S&P 500 index'
        span = doc[a : end + 1]
        return [Subject(span.text, span.start_char, span.end_char, at=span.start_char)]
    if m.kind == "sector":
        return [_subject_of(m, min(m.start, doc[a].idx))]  # 'the S&P 500 energy companies'
    own = {i for i, x in index.by_token.items() if x is m}
    if tok.lower_ in STOCK_WORDS or (t.dep_ == "appos" and t.head == tok and own <= {x.i for x in t.subtree} | {t.i - 1, t.i + 1}):
        return [_subject_of(m, min(m.start, doc[a].idx))]
    name = doc[min(t.i, tok.i) : max(t.i, tok.i) + 1]
    if tok.pos_ == "PROPN" and t.dep_ in {"compound", "nmod"} and all(x.pos_ == "PROPN" or x.text == "&" for x in name):
        # 'Honeywell International', 'Tesla Motors Inc': the mention covers only the first words of the name
        return [_subject_of(m, min(m.start, doc[a].idx))]
    return []


def _unnamed_subject(tok: Token, index: MentionIndex) -> list[Subject]:
    """'the stock', 'its shares', 'the index' (the last one named), or a sector ('miners')."""
    doc = tok.doc
    lex = lexicon()
    lower = tok.lower_
    modifiers = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"}]
    kinds = None
    if lower in {"it", "its"}:
        kinds = {"equity", "index"}
    elif lower in {"stock", "shares", "share"} and not modifiers:
        owner = _owner_named(tok)
        if owner:
            # 'shares of Jones Group', "Twitter's shares": the company so named, never merely the last one
            m = _named_before(owner, tok, index)
            return [_subject_of(m, doc[min(tok.left_edge.i, tok.i)].idx)] if m else []
        kinds = {"equity"}
    elif lower in {"index", "average"} and not modifiers:
        kinds = {"index"}
    if kinds is not None:
        m = index.last_before(tok.i, kinds, doc)
        if m is not None and lower in {"it", "its"} and _data_subject_between(doc, m, tok, index.by_token):
            return []  # 'Orders for durable goods rose 0.9 percent. In February, it fell 3.2 percent'
        return [_subject_of(m, doc[min(tok.left_edge.i, tok.i)].idx, "coref")] if m else []
    if (lower in lex.sectors or tok.lemma_.lower() in lex.sectors) and lower not in lex.nonmarket_subjects:
        a, b = _noun_phrase(tok)
        span = doc[a:b]
        return [Subject(span.text, span.start_char, span.end_char)]
    return []


def _owner_named(tok: Token) -> list[str]:
    """The words of the proper name by which 'shares'/'stock' names its company ("ICE's shares",
    "shares in Dunkin' Brands" -> ['dunkin', 'brands']); [] when it names none."""
    owners = [c for c in tok.children if c.dep_ == "poss" and c.pos_ != "PRON"]
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ in {"of", "in"}):
        owners += [o for o in prep.children if o.dep_ == "pobj"]
    for owner in owners:
        if any(c.dep_ == "det" for c in owner.children):
            continue  # 'shares of the ETF': a description, not a name
        words = [c for c in owner.children if c.dep_ in {"poss", "compound"} and _is_name(c)]
        words = sorted(words + [owner] if _is_name(owner) else words, key=lambda t: t.i)
        if words:
            return [t.lower_ for t in words]
    return []


def _named_before(words: list[str], tok: Token, index: MentionIndex) -> InstrumentMention | None:
    """The latest equity mention before ``tok`` written with all the owner's ``words`` ('Wal-Mart Stores Inc ( WMT.N )')."""
    doc = tok.doc
    for m in reversed(index.mentions):
        if m.end > tok.idx or m.kind != "equity" or not m.symbol:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        start = span.start
        if RIC.match(m.text):  # a RIC tag's name is right before its '('
            start = max(span.start - 1, 0)
            while start > 0 and span.start - start < 8 and doc[start - 1].lower_ not in {")", ".", ";", ",", "and", "or"}:
                start -= 1
        written = {t.lower_ for t in doc[start : span.end]} | {m.text.split(".")[0].lower()}  # 'AIG' of 'AIG.N'
        if set(words) <= written:
            return m
    return None


def _is_name(tok: Token) -> bool:
    """A capitalised proper name that is no place or nationality ('U.S.' in 'shares of the U.S. unit' is none)."""
    return tok.pos_ in {"PROPN", "NOUN"} and tok.text[:1].isupper() and tok.ent_type_ not in {"GPE", "NORP", "LOC"}


def _data_subject_between(doc: Doc, m: InstrumentMention, tok: Token, by_token: dict[int, InstrumentMention]) -> bool:
    """Whether a clause subject that is no instrument ('orders', 'sales', 'the dollar index') stands between a mention and a pronoun."""
    nonmarket = lexicon().nonmarket_subjects
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    start = span.end if span is not None else tok.i
    for t in doc[start : tok.i]:
        if t.dep_ in {"nsubj", "nsubjpass"} and (t.lower_ in nonmarket or t.lemma_.lower() in nonmarket):
            return True
        if t.dep_ in {"nsubj", "nsubjpass"} and t.lower_ in INDEX_WORDS and any(c.dep_ in {"compound", "amod"} for c in t.children):
            if not any(x.i in by_token for x in t.subtree):
                return True  # 'the dollar index fell. It fell 0.5 percent': an index the master lacks
    return False


def _phrase_tokens(tok: Token) -> Iterable[Token]:
    """Tokens of a subject's own noun phrase: compounds, possessives, 'shares of X', not clauses."""
    stack = [tok]
    while stack:
        t = stack.pop()
        yield t
        for child in t.children:
            if child.dep_ in CLAUSAL or child.dep_ in {"cc", "punct"}:
                continue
            if child.dep_ == "prep" and child.lower_ not in {"of", "in"}:
                continue
            stack.append(child)


def _with_listed_before(doc: Doc, found: list[Subject], index: MentionIndex) -> list[Subject]:
    """Add 'the S&P 500 and Nasdaq closed ...': a mention listed right before the subject."""
    first = doc.char_span(found[0].start, found[0].end, alignment_mode="expand")
    if first is None:
        return found
    j = first.start - 1
    if j >= 0 and doc[j].lower_ in {"and", "&"}:
        k = _skip_left(doc, j, max(0, j - 8))
        m = index.by_token.get(k)
        if m is not None and m.symbol and m.symbol not in {s.symbol for s in found}:
            return [_subject_of(m)] + found
    return found


# --- the move word and its subject --------------------------------------------------------


def move_at(tok: Token) -> tuple[str, str] | None:
    """(direction, role) when ``tok`` is a move word ('rose', 'up', 'surge'); else None."""
    lex = lexicon().moves
    doc = tok.doc
    if tok.i + 1 < len(doc):
        two = (tok.lower_, doc[tok.i + 1].lower_)
        if two in lex:
            return lex[two]
    hit = lex.get((tok.lower_,))
    if hit is None:
        return None
    direction, role = hit
    if role == "noun" and tok.pos_ not in {"NOUN", "PROPN"}:
        return None
    if role == "verb" and tok.pos_ in {"NOUN", "PROPN", "ADJ"} and (tok.lower_,) not in _noun_forms():
        return None
    return hit


@cache
def _noun_forms() -> frozenset[tuple[str, ...]]:
    return frozenset(k for k, (_, role) in lexicon().moves.items() if role == "noun")


def _noun_move(tok: Token) -> tuple[str, str] | None:
    hit = lexicon().moves.get((tok.lower_,)) or lexicon().moves.get((tok.lemma_.lower(),))
    return hit if hit and tok.pos_ in {"NOUN", "PROPN"} and (tok.lemma_.lower(),) in _noun_forms() else None


def find_anchor(q: Quantity, doc: Doc, sent: Span) -> tuple[Token, str, str] | None:
    """The move word a quantity belongs to: (token, direction, role), or None."""
    heads = [t for t in doc[q.start : q.end] if not (q.start <= t.head.i < q.end) or t.head == t]
    tok = heads[0] if heads else doc[q.number]
    for _ in range(5):
        if tok.head == tok:
            break
        tok = tok.head
        if tok.lower_ in {"versus", "vs", "vs.", "than", "against"} or (tok.lower_ == "with" and tok.head.lower_ == "compared"):
            return None  # 'gained 24 percent, versus only 13 percent for Coca-Cola': another subject's figure
        hit = move_at(tok) or (_noun_move(tok) if tok.dep_ != "ROOT" else None)
        if hit:
            return tok, hit[0], "noun" if tok.pos_ == "NOUN" and hit[1] == "noun" else hit[1]
        if tok.pos_ == "VERB":
            break
    after = q.end
    if after < sent.end and doc[after].lower_ in {"higher", "lower"}:
        return doc[after], "up" if doc[after].lower_ == "higher" else "down", "adverb"
    for j in range(q.start - 1, max(sent.start, q.start - 5) - 1, -1):
        hit = move_at(doc[j])
        if hit:
            return doc[j], hit[0], hit[1]
        if doc[j].lower_ not in {"by", ",", "or", "a", "nearly", "about", "almost", "some", "around", "over", "more", "than", "just", "roughly", "as", "much"}:
            break
    return None


def _clause_verb(tok: Token) -> Token:
    while tok.pos_ not in {"VERB", "AUX"} and tok.head != tok and tok.dep_ not in SUBJECTS:
        tok = tok.head
    return tok


def subjects_of_verb(verb: Token, index: MentionIndex) -> list[Subject]:
    """Subjects of a clause verb, following conjoined, relative and adverbial clauses up."""
    for _ in range(4):
        subs = [c for c in verb.children if c.dep_ in SUBJECTS]
        if verb.dep_ == "relcl" and (
            not subs or subs[0].lower_ in RELATIVE or any(c.lower_ == "whose" for c in subs[0].children)
        ):
            return resolve_subject(verb.head, index)
        for s in sorted(subs, key=lambda s: -s.i):
            found = resolve_subject(s, index)
            if found:
                return found
        if subs:
            return []
        raised = [c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i]
        infinitive = verb.dep_ == "ccomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        if raised and (verb.dep_ == "xcomp" or infinitive or (verb.dep_ in {"advcl", "ccomp", "oprd"} and verb.head.lemma_.lower() in CAUSATIVE)):
            return resolve_subject(raised[0], index)  # 'sending its shares tumbling 8 percent', 'expects sales to be up 3 percent'
        if verb.dep_ == "pcomp" and verb.head.head != verb.head:
            verb = verb.head.head  # 'hit a high ... before pulling back by 2 percent'
            continue
        with_object = _with_object_before(verb)
        if with_object is not None:
            found = resolve_subject(with_object, index)
            if found:
                return found  # 'rallied, with the S&P 500 index hitting a record high' (parsed as advcl)
        if verb.dep_ in {"conj", "xcomp", "advcl", "ccomp"} and verb.head != verb:
            verb = verb.head
            continue
        break
    return []


def _with_object_before(verb: Token) -> Token | None:
    """The object of 'with' right before a subjectless -ing clause ('with the index hitting a record')."""
    if verb.dep_ not in {"advcl", "acl"} or verb.tag_ != "VBG":
        return None
    head = verb.head
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "with" and child.i < verb.i:
            objects = [t for t in child.children if t.dep_ == "pobj" and t.i < verb.i]
            if objects and all(t.i < verb.i for t in objects[-1].subtree if t.dep_ != "punct"):
                return objects[-1]
    return None


def subject_for(anchor: Token, role: str, index: MentionIndex, sent: Span) -> list[Subject]:
    """The subject(s) a move word attaches to."""
    doc = anchor.doc
    own = [c for c in anchor.children if c.dep_ in SUBJECTS]
    if anchor.pos_ == "NOUN" and any(c.dep_ in {"compound", "nmod"} and c.lower_ in lexicon().nonmarket_subjects for c in anchor.children):
        return []  # "McDonald's had same-restaurant sales gains of 6.7 percent": the sales moved
    if own and anchor.pos_ not in {"VERB", "AUX"}:
        return resolve_subject(own[0], index)  # 'with the index up 8.9 percent'
    if role == "adverb":
        comma = doc[anchor.i - 1] if anchor.i > sent.start else None
        if comma is not None and comma.text == "," and comma.head.i in index.by_token and comma.head.i < anchor.i:
            return [_subject_of(index.by_token[comma.head.i])]  # 'Hewlett-Packard ( HPQ.N ), which ..., up 40 percent'
        j = _skip_left(doc, anchor.i, sent.start)
        if j >= 0 and j in index.by_token:
            return [_subject_of(index.by_token[j])]  # 'Apple ( AAPL.O ), up 2.9 percent'
        if j >= 0 and doc[j].text.startswith(".") and RIC.match(doc[j].text) and doc[j + 1].text == ",":
            found = resolve_subject(doc[j], index)  # 'the consumer discretionary index .SPLRCD, up 0.7 percent'
            if found:
                return found
        head = anchor.head
        if head.pos_ in {"NOUN", "PROPN"}:
            found = resolve_subject(head, index)
            if found:
                return found
    if role == "noun":
        owned = False
        for child in anchor.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in {"in", "of"}):
                target = child if child.dep_ == "poss" else next(iter(child.children), None)
                if target is None or _unit_at(anchor.doc, target.i) or target.lower_ in TIME_WORDS:
                    continue  # 'Thursday's gain of 24.4 percent' belongs to the clause's subject
                if target is not None:
                    owned = True
                    found = resolve_subject(target, index)
                    if found:
                        return found
        if not owned and anchor.dep_ == "pobj" and anchor.head.lower_ == "with":
            node = anchor.head  # 'Energy stocks led gains with a 0.6 percent advance'
            for _ in range(4):
                subs = [c for c in node.children if c.dep_ in SUBJECTS]
                if subs:
                    return resolve_subject(subs[0], index)
                if node.head == node:
                    break
                node = node.head
        near = anchor.head.lower_ == "to" and anchor.head.head.lower_ in {"close", "near", "closer"}  # 'close to a 1 percent decline'
        if not owned and not near and anchor.dep_ in {"pobj", "dobj"} and anchor.head.lower_ not in COMPARING:
            node = anchor.head
            while node.pos_ not in {"VERB", "AUX"} and node.head != node:
                node = node.head
            if node.pos_ in {"VERB", "AUX"} and node.lemma_.lower() not in {"expect", "forecast", "predict", "see", "project"}:
                return subjects_of_verb(node, index)  # 'jumped 10.6 percent, adding to Thursday's gain of 24.4 percent'
        return []
    verb = anchor if anchor.pos_ in {"VERB", "AUX"} else _clause_verb(anchor)
    if verb.dep_ in SUBJECTS:
        return resolve_subject(verb, index)
    if anchor == verb and _has_other_object(verb, anchor):
        return []
    moved = [c for c in verb.children if c.dep_ == "dobj" and c.i < anchor.i]
    if anchor != verb and moved and parse_number(moved[0].text) is None:
        if verb.lemma_.lower() in CAUSATIVE:
            return resolve_subject(moved[0], index)  # 'sending its shares down 4 percent'
        if moved[0].lemma_.lower() not in lexicon().rank_objects:
            return []  # 'aims to sell 900,000 vehicles this year, up 7.1 percent': the object moved
    if verb.dep_ == "conj" and not any(c.dep_ in SUBJECTS for c in verb.children):
        named = _mention_after_conjunction(verb, index, sent)
        if named:
            return [named]
    found = subjects_of_verb(verb, index)
    misparsed_name = verb.text[:1].isupper() and verb.i > sent.start  # 'Toyota ( 7203.T ) Highlander up 18.5 percent'
    if not found and not misparsed_name and not any(c.dep_ in SUBJECTS for c in verb.children):
        j = _skip_left(doc, verb.i, sent.start)
        for k in range(max(j, sent.start), verb.i):
            if k in index.by_token:
                return [_subject_of(index.by_token[k])]  # a misparse left the verb without subject
        if j >= sent.start and doc[j].pos_ in {"NOUN", "PROPN"} and doc[j].dep_ == "compound" and doc[j].head == verb:
            return resolve_subject(doc[j], index)  # 'seen the S&P 500 index gain 6.6 percent' parsed as a compound
    return found


def _mention_after_conjunction(verb: Token, index: MentionIndex, sent: Span) -> Subject | None:
    """'... and shares of Morgan Stanley ( MS.N ), due Thursday, were down': a misparsed conjoined subject."""
    doc = verb.doc
    for j in range(verb.i - 1, sent.start - 1, -1):
        if doc[j].lower_ in {"and", "while", "but", ";", "whereas"}:
            for k in range(j + 1, verb.i):
                if k in index.by_token:
                    return _subject_of(index.by_token[k])
            return None
    return None


def _has_other_object(verb: Token, anchor: Token) -> bool:
    """'Ford increased sales 2 percent': the move is of the object, not of the subject."""
    for child in verb.children:
        if child.dep_ == "dobj" and parse_number(child.text) is None and child.lower_ not in {"%", "percent", "pct", "points", "cent"}:
            return True
    return False


# --- levels, records, periods ------------------------------------------------------------


def _number_after(doc: Doc, i: int, stop: int) -> tuple[float, int] | None:
    """A price level starting at token ``i`` ('$', 'a record' skipped): (value, token index)."""
    j = i
    while j < stop and (doc[j].lower_ in CURRENCY or doc[j].lower_ in {"a", "record", "about", "around", "nearly", "an"}):
        j += 1
    if j >= stop:
        return None
    value = parse_number(doc[j].text)
    if value is None:
        return None
    nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
    if _unit_at(doc, j + 1) or nxt in {"billion", "million", "trillion", "bln", "mln", "cents", "-"}:
        return None
    plain = doc[j].text.lstrip("+-")
    if plain.isdigit() and len(plain) == 4 and 1950 <= value <= 2050 and not doc[j - 1].text in CURRENCY:
        return None  # a year, not a level
    return value, j


def find_level(q_end: int, anchor: Token, sent: Span) -> tuple[float, int] | None:
    """'… 1.83% at 39,883.86', '… to $203.27', 'closed at 2,706.18, up 1.14%'."""
    doc = sent.doc
    j = q_end
    if j < sent.end and doc[j].text == ",":
        j += 1
    if j < sent.end and doc[j].lower_ in {"higher", "lower"}:
        j += 1
    if j + 2 < sent.end and doc[j].lower_ == "to" and doc[j + 1].lemma_.lower() in CLOSE_LEMMAS and doc[j + 2].lower_ == "at":
        j += 2  # '… 0.22 percent, to close at 3,613.16'
    if j < sent.end and doc[j].lower_ in {"at", "to"}:
        found = _number_after(doc, j + 1, sent.end)
        if found:
            return found
    k = anchor.i - 1
    if k >= sent.start and doc[k].text == ",":
        k -= 1
    if k - 1 >= sent.start and parse_number(doc[k].text) is not None:
        at = k - 1
        while at >= sent.start and doc[at].lower_ in CURRENCY:
            at -= 1
        if at >= sent.start and doc[at].lower_ in {"at", "to"}:
            return _number_after(doc, at + 1, sent.end)
    return None


def _scope(anchor: Token) -> dict[int, int]:
    """Tokens whose cues speak for a claim anchored at ``anchor``, with their tree distance.

    The anchor's own subtree, then each ancestor's non-clausal dependents.
    """
    dist: dict[int, int] = {}
    for t in anchor.subtree:
        dist.setdefault(t.i, _depth_below(t, anchor))
    up = 0
    node = anchor
    while node.head != node:
        child, node = node, node.head
        up += 1
        dist.setdefault(node.i, up)
        for c in node.children:
            if c == child or c.dep_ in CLAUSAL:
                continue
            for t in c.subtree:
                dist.setdefault(t.i, up + 1 + _depth_below(t, c))
    return dist


def _depth_below(t: Token, top: Token) -> int:
    d = 0
    while t != top and t.head != t:
        t = t.head
        d += 1
    return d


def _phrases(sent: Span, table: Iterable[tuple[str, ...]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Occurrences (start, end, phrase) of the phrases of ``table`` in a sentence, longest first."""
    words = [t.lower_ for t in sent]
    found: list[tuple[int, int, tuple[str, ...]]] = []
    taken: set[int] = set()
    for phrase in sorted(table, key=len, reverse=True):
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == phrase and not taken.intersection(range(i, i + n)):
                found.append((sent.start + i, sent.start + i + n, phrase))
                taken.update(range(i, i + n))
    return found


@dataclass(frozen=True)
class PeriodCue:
    period: str | None  # a label of periods.csv, a rolling window ('past 3 months') or a weekday name
    after_hours: bool
    closed: bool
    span: str | None = None  # a move's longer window from its wording: 'unspecified', 'since the election'
    session: bool = False  # a word that keeps the move on one session ('today', 'in the session')


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1}
#: dependency relations on the path from a word to the move that put the word in another clause
CLAUSE_PATH = {"advcl", "relcl", "acl", "ccomp", "xcomp", "pcomp", "csubj"}
#: subordinate modifiers: a period word in one dates something else ('JAL, which made headlines this week')
MODIFIER_PATH = frozenset({"relcl", "acl", "advcl"})
#: prepositions of a cause or event phrase: a period inside one dates the event ('after a rosy outlook for this quarter')
CAUSE_PREPS = frozenset({"after", "before", "ahead", "despite", "amid", "following", "since", "from"})
#: heads of a 'from' phrase that measures from an earlier level ('down 25 percent from its peak')
FROM_LEVELS = frozenset({"peak", "high", "highs", "low", "lows", "record", "level", "levels", "top", "bottom"})
#: paths that put a window word on the subject's own move ('shares, down 2% in the past three sessions, rose')
SUBJECT_PATH = frozenset(CLAUSE_PATH | {"nsubj", "nsubjpass", "appos"})
#: one-session moves larger than these (absolute percent) are implausible: the window is longer
MAX_SESSION_PCT = {"equity": 25.0, "index": 10.0}


def _in_other_clause(t: Token, anchor: Token, through: frozenset[str] = frozenset(CLAUSE_PATH)) -> bool:
    """Whether ``t`` reaches the move's clause only through a dependent of ``through``.

    Clausal dependents by default ('scheduled to report after Thursday's close').
    """
    stops = {anchor.i, *(a.i for a in anchor.ancestors)}
    while t.i not in stops and t.head != t:
        if t.dep_ in through or (t.dep_ == "prep" and t.lower_ in CAUSE_PREPS):
            return True
        t = t.head
    return False


def trailing_window(anchor: Token, sent: Span, scope: dict[int, int]) -> tuple[int, int, str] | None:
    """A rolling window in the move's scope: (start, end, 'past year' / 'past 3 months'), or None.

    'past' opens one with or without 'the' ('past 12 months'); 'last' / 'previous' only after
    'the' ('over the last year'), since 'last year' alone is the calendar year.
    """
    spans = lexicon().spans
    doc = sent.doc
    for t in sent:
        if spans.get((t.lower_,)) != "unit" or t.i not in scope or _in_other_clause(t, anchor, SUBJECT_PATH):
            continue
        j = t.i - 1
        count = 1
        if j >= sent.start and (parse_number(doc[j].text) is not None or doc[j].lower_ in NUMBER_WORDS):
            value = parse_number(doc[j].text) if parse_number(doc[j].text) is not None else NUMBER_WORDS[doc[j].lower_]
            count, j = int(value), j - 1
        if j < sent.start or spans.get((doc[j].lower_,)) != "trailing":
            continue
        has_the = j - 1 >= sent.start and doc[j - 1].lower_ == "the"
        if doc[j].lower_ != "past" and not has_the:
            continue
        unit = t.lower_.rstrip("s") if t.lower_ != "days" else "day"
        label = f"past {unit}" if count == 1 else f"past {count} {unit}s"
        return (j - 1 if has_the else j), t.i + 1, label
    return None


def span_cue(anchor: Token, sent: Span, scope: dict[int, int]) -> str | None:
    """The window a move's wording implies when it names none: 'since the election' or 'unspecified'.

    Perfect or pluperfect (has dropped, had risen), a level reached over time
    (is now up, up 12 percent so far), a restrictive relative clause (a stock
    that gained) -> 'unspecified'; 'since <event>' -> 'since <event>'. Returns
    None for plain past or present wording.
    """
    spans = lexicon().spans
    verb = anchor if anchor.pos_ in {"VERB", "AUX"} else _clause_verb(anchor)
    near = {verb.i, anchor.i, *(c.i for c in verb.children)}
    for t in sent:
        # 'has dropped 4 percent since the election', not 'its biggest gain since March'
        on_move = t.head.i in {verb.i, anchor.i} or (t.head.i in near and t.head.pos_ in {"ADV", "NUM", "ADP"}) \
            or t.head.lower_ in {"percent", "%", "pct", "points"}
        if t.lower_ == "since" and t.i in scope and t.dep_ == "prep" and on_move and not _in_other_clause(t.head, anchor):
            objects = [c for c in t.children if c.dep_ == "pobj"]
            if objects:
                last = max(x.i for x in t.subtree)
                return "since " + sent.doc[t.i + 1 : last + 1].text.lower()
        if t.lower_ == "from" and t.i in scope and t.dep_ == "prep" and on_move \
                and any(c.dep_ == "pobj" and c.lower_ in FROM_LEVELS for c in t.children):
            return "since " + sent.doc[t.i + 1 : max(x.i for x in t.subtree) + 1].text.lower()
        if t.lower_ == "in" and t.i in scope and t.dep_ == "prep" and t.head.i in {verb.i, anchor.i}:
            year = next((c for c in t.children if c.dep_ == "pobj" and re.fullmatch(r"(19|20)\d\d", c.text)), None)
            published = (sent.doc._.article or {}).get("published") or ""
            if year is not None and published[:4] and year.text < published[:4]:
                return "unspecified"  # 'In 2011, the shares fell 20 percent in a single day'
        # 'are down 0.5 percent since the 787 was grounded': a clause after the move (before it, 'since' means 'as')
        if t.lower_ == "since" and t.dep_ == "mark" and t.i > anchor.i and t.head.dep_ == "advcl" \
                and t.head.head.i in {verb.i, anchor.i}:
            last = max(x.i for x in t.head.subtree)
            return "since " + sent.doc[t.i + 1 : last + 1].text.lower()
    if any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children):
        return "unspecified"
    for start, end, phrase in _phrases(sent, spans):
        if spans[phrase] == "state" and any(i in scope for i in range(start, end)):
            if phrase != ("now",) or any(sent.doc[i].head.i in near for i in range(start, end)):
                return "unspecified"
    if verb.dep_ == "relcl":
        pronoun = next((c for c in verb.children if c.dep_ in SUBJECTS and c.lower_ in RELATIVE), None)
        if pronoun is not None and pronoun.i > sent.start and sent.doc[pronoun.i - 1].text != ",":
            return "unspecified"
    return None


def period_cue(anchor: Token, sent: Span, skip: range = range(0), move: bool = False) -> PeriodCue:
    """The period words that speak for a claim: nearest in the parse wins.

    Tokens in ``skip`` (the record wording itself: 'record intraday peak') are no cue.
    A rolling window ('over the past year') beats the calendar label inside it.
    Weekdays in another clause ('scheduled to report after Thursday's close') are no cue;
    for a ``move`` (a change claim) neither are period words there or in a cause phrase
    (records keep them: 'the record peak set earlier this week').
    """
    lex = lexicon()
    scope = {i: d for i, d in _scope(anchor).items() if i not in skip}
    best: tuple[int, str] | None = None
    rolling = trailing_window(anchor, sent, scope)
    periods = _phrases(sent, lex.periods)
    for start, end, phrase in periods:
        if rolling and rolling[0] < end and start < rolling[1]:
            continue
        root = next(t for t in sent.doc[start:end] if not start <= t.head.i < end or t.head == t)
        if move and root.head != root and _in_other_clause(root.head, anchor, MODIFIER_PATH):
            continue  # 'since the announcement earlier this month', 'after an outlook for this quarter'
        d = min((scope[i] for i in range(start, end) if i in scope), default=None)
        if d is not None and (best is None or d < best[0]):
            best = (d, lex.periods[phrase])
    if rolling:  # nearest in the parse wins ('after pulling back 1.7% over the last two weeks, ... up 14.6% this year')
        d = min(scope[i] for i in range(rolling[0], rolling[1]) if i in scope)
        if best is None or d < best[0]:
            best = (d, rolling[2])
    verb = anchor if anchor.pos_ in {"VERB", "AUX"} else _clause_verb(anchor)
    if best is None and move:
        for t in sent:  # 'fell more than 4 percent in August'
            if (t.lower_ in time_anchors.MONTHS and (t.lower_ != "may" or t.text == "May") and t.i in scope
                    and t.head.lower_ == "in" and t.head.head.i in {verb.i, anchor.i}
                    and not _in_other_clause(t, anchor, SUBJECT_PATH)):
                best = (scope[t.i], "in " + t.lower_)
                break
    if best is None:
        for t in sent:
            if (t.lower_ in time_anchors.WEEKDAYS and t.i in scope
                    and (t.head.lower_ == "on" or t.dep_ == "poss" or (t.dep_ == "npadvmod" and t.head.i == verb.i))
                    and not _in_other_clause(t, anchor, SUBJECT_PATH)):
                best = (scope[t.i], t.lower_)
                break
    if best is None and move:
        year = _year_window(anchor, verb, sent, scope)
        inherited = year or _sentence_window(anchor, verb, sent, skip, periods)
        if inherited:
            best = (len(sent), inherited)
    closed = verb.lemma_.lower() in CLOSE_LEMMAS or verb.lower_ in lex.close_words
    session = any(lex.spans[p] == "session" and any(i in scope for i in range(s, e))
                  for s, e, p in _phrases(sent, lex.spans))
    extended = _phrases(sent, lex.after_hours) or _phrases_before(sent, lex.after_hours)
    # 'fell 4 percent in extended trade', and 'Shares fell 4 percent, in extended trade after ...':
    # anywhere in the sentence unless the move's own words keep it on the session ('closing down')
    after_hours = not closed and (any(any(i in scope for i in range(s, e)) for s, e, _ in extended) or (
        bool(extended) and move and not session and best is None))  # 'after closing up 1 percent': the session
    span = None if best or session else span_cue(anchor, sent, scope)
    return PeriodCue(best[1] if best else None, after_hours, closed, span, session)


def _phrases_before(sent: Span, table) -> list[tuple[int, int, tuple[str, ...]]]:
    """``_phrases`` of the sentence before ``sent`` in the same paragraph ('Intel also declined
    after the bell. Intel slipped 1.5 percent to $22.02'), or []."""
    doc = sent.doc
    if sent.start == 0 or "\n" in doc[sent.start - 1].whitespace_ or "\n" in doc[sent.start - 1].text:
        return []
    return _phrases(doc[sent.start - 1].sent, table)


def _year_window(anchor: Token, verb: Token, sent: Span, scope: dict[int, int]) -> str | None:
    """'rising 15 percent in 2013' in a 2013 story: the year to date."""
    published = (sent.doc._.article or {}).get("published") or ""
    if not published[:4].isdigit():
        return None
    for t in sent:
        if (t.i in scope and re.fullmatch(r"(19|20)\d\d", t.text) and t.head.lower_ == "in"
                and t.head.head.i in {verb.i, anchor.i, verb.head.i}):
            if int(t.text) == int(published[:4]):
                return "year to date"  # an earlier year is a past event: span_cue says 'unspecified'
    return None


def _sentence_window(anchor: Token, verb: Token, sent: Span, skip: range,
                     periods: list[tuple[int, int, tuple[str, ...]]]) -> str | None:
    """A window said once for several moves: fronted ('For the week, the Dow rose 1.3 percent, the
    S&P 500 advanced 1.4 percent') or on the first of conjoined clauses ('the Dow rose 1.3 percent
    for the week and the S&P 500 1.4 percent'). ``periods``: the sentence's period phrases."""
    lex = lexicon()
    doc = sent.doc
    head = verb
    while head.dep_ == "conj" and head.head != head:
        head = head.head
    for start, end, phrase in periods:
        if any(i in skip for i in range(start, end)):
            continue
        if start <= sent.start + 1 and end <= anchor.i:  # 'For the week, ...', 'Over the quarter the Dow ...'
            return lex.periods[phrase]
        if head != verb:
            root = next((t for t in doc[start:end] if not start <= t.head.i < end), doc[start])
            if root.head == head or root.head.head == head:
                return lex.periods[phrase]
    return None


@dataclass
class Draft:
    """A claim before its ids and dates are assigned."""

    kind: str
    subject: Subject
    start: int
    end: int
    anchor: Token
    direction: str | None = None
    quantity: Quantity | None = None
    points: float | None = None
    level: float | None = None
    record: str | None = None
    cue: PeriodCue | None = None


def record_phrases(sent: Span) -> list[tuple[int, int, Token, str]]:
    """Record wordings in a sentence: (start, end, head token, wording)."""
    lex = lexicon()
    doc = sent.doc
    found = []
    mods = list(_phrases(sent, lex.record_mods))
    for start, end, _ in mods:
        for h in range(end, min(end + 3, sent.end)):
            if doc[h].lower_ in lex.record_heads:
                if doc[h].lower_ in {"close", "closing"} and h + 1 < sent.end and doc[h + 1].lower_ in lex.record_heads:
                    h += 1
                found.append((start, h + 1, doc[h], doc[start : h + 1].text))
                break
    for t in sent:
        if t.lower_ in lex.record_since:
            for k in range(t.i + 1, min(t.i + 4, sent.end)):
                if doc[k].lower_ == "since" and k + 1 < sent.end:
                    stop = k + 2
                    while stop < sent.end and stop < k + 5 and doc[stop].pos_ in {"NUM", "PROPN", "NOUN"}:
                        stop += 1
                    found.append((t.i, stop, doc[k], doc[t.i : stop].text))
                    break
    return found


def _record_verb(head: Token) -> Token | None:
    tok = head
    for _ in range(4):
        if tok.head == tok:
            return tok if tok.lemma_.lower() in RECORD_VERBS else None
        tok = tok.head
        if tok.pos_ in {"VERB", "AUX"}:
            return tok if tok.lemma_.lower() in RECORD_VERBS else None
    return None


def _not_a_record(sent: Span, start: int, verb: Token) -> bool:
    """'6 percent below its all-time closing high', 'fallen 35 percent since its record high',
    'has yet to surpass its record': a distance from the record, or none set."""
    lex = lexicon()
    doc = sent.doc
    before = [t.lower_ for t in doc[max(sent.start, start - 4) : start]]
    if any(w in lex.record_distance for w in before):
        return True
    if verb.lemma_.lower() in lex.record_negated and (
            any(c.dep_ == "neg" for c in verb.children) or
            any(t.lower_ in {"yet", "failed", "not", "never", "n't"} for t in doc[max(sent.start, verb.i - 3) : verb.i])):
        return True
    return False


def record_drafts(sent: Span, index: MentionIndex) -> list[Draft]:
    """Record claims of a sentence ("rose to an all-time high", "closed at record highs")."""
    doc = sent.doc
    drafts = []
    for start, end, head, wording in record_phrases(sent):
        if head.dep_ in {"amod", "compound"} and head.head.lower_ not in lexicon().record_heads:
            continue  # 'record-high closings among their US peers' qualifies another noun
        distance = _distance_draft(sent, index, start, end, head, wording)
        if distance is not None:
            drafts.append(distance)
            continue
        verb = _record_verb(head)
        if verb is None or _not_a_record(sent, start, verb):
            continue
        subjects = subjects_of_verb(verb, index) if verb.dep_ not in SUBJECTS else []
        plural = head.lower_.endswith("s") and head.lower_ not in {"close"}
        closing = verb.lemma_.lower() in CLOSE_LEMMAS
        if plural and len(subjects) < 2 and not closing:
            continue  # 'continues to climb to record peaks': a habit, not one record
        text = record_text(wording, closing)
        level = None
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                hit = _number_after(doc, child.i + 1, sent.end)
                level = hit[0] if hit else None
        for s in subjects:
            drafts.append(
                Draft("record", s, max(sent.start_char, min(_where(s), doc[start].idx)), doc[end - 1].idx + len(doc[end - 1]),
                      head, record=text, level=level, cue=period_cue(head, sent, range(start, end)))
            )
    return drafts


#: distance words a figure stands before ('3 percent *shy* of its record'); 'from' and 'since'
#: ('down 30 percent from its record high') are read by the period, then made a distance by _finish
DISTANCE_AFTER_FIGURE = frozenset({"below", "shy", "short", "off", "under", "away", "above", "beneath"})
#: a move's period that is a record it is measured from: 'since their record high'
DISTANCE_PERIOD = re.compile(r"^(?:since|from) (?:its|their|the|a|an) ((?:[\w-]+ ){0,3}(?:high|peak|low|close|top|trough)s?)$")


def record_text(wording: str, closing: bool = False) -> str:
    """A record wording as claims store it: 'all-time closing high', 'record low close'."""
    text = re.sub(r"\s*-\s*", "-", wording)
    text = re.sub(r"\b(high|peak|low)s\b", r"\1", text)
    if closing and text.endswith(("high", "low")):
        text = f"{text} close"
    return text


def _distance_draft(sent: Span, index: MentionIndex, start: int, end: int, head: Token,
                    wording: str) -> Draft | None:
    """A distance from a record ('the S&P 500 is 3 percent shy of its all-time closing high'), or None."""
    doc = sent.doc
    word = next((t for t in reversed(doc[max(sent.start, start - 4): start])
                 if t.lower_ in DISTANCE_AFTER_FIGURE), None)
    if word is None:
        return None
    figures = [q for q in find_quantities(doc, max(sent.start, word.i - 4), word.i)
               if q.unit == "pct" and q.end <= word.i]
    if not figures:
        return None
    q = figures[-1]
    subjects = subjects_of_verb(_clause_verb(head), index)
    if not subjects:
        return None
    highest = not re.search(r"\blow|\btrough|\bbottom", wording.lower())
    level = None
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            hit = _number_after(doc, child.i + 1, sent.end)
            level = hit[0] if hit else None
    s = subjects[0]
    return Draft("distance", s, max(sent.start_char, min(_where(s), doc[q.start].idx)),
                 doc[end - 1].idx + len(doc[end - 1]), head, direction="down" if highest else "up",
                 quantity=q, record=record_text(wording), level=level,
                 cue=period_cue(head, sent, range(start, end)))


def _elided(doc: Doc, before: Quantity, q: Quantity) -> bool:
    """Whether only 'and' / ',' and no verb separate two figures of one move."""
    gap = doc[before.end : q.start]
    if any(t.lower_ in {"versus", "vs", "vs.", "compared", "against", "than"} for t in gap):
        return False  # 'gained 24 percent this year, versus only 13 percent for Coca-Cola'
    return len(gap) <= 8 and any(t.lower_ in {"and", ","} for t in gap) and not any(t.pos_ in {"VERB", "AUX"} for t in gap)


def _quantity_head(doc: Doc, q: Quantity) -> Token:
    """The token of a quantity whose head lies outside it."""
    for t in doc[q.start : q.end]:
        if not (q.start <= t.head.i < q.end) or t.head == t:
            return t
    return doc[q.number]


def _mention_right_before(doc: Doc, q: Quantity, index: MentionIndex, anchor: Token) -> Subject | None:
    """'the Dow rose 1 percent, the S&P 500 1.2 percent': a figure right after a name, verb elided."""
    j = q.start - 1
    if q.hedge:
        j -= len(q.hedge.split())
    if anchor.i > j:
        return None
    j = _skip_left(doc, j + 1, max(0, j - 6)) if j >= 0 and doc[j].text == ")" else j
    m = index.by_token.get(j)
    if m is None or not m.symbol:
        return None
    last = max(i for i, x in index.by_token.items() if x is m)
    if any(t.dep_ == "case" or t.lower_ in {"'s", "’s"} for t in doc[last : q.start]):
        return None  # 'Toyota Motor Corp's ( 7203.T ) 2.2 percent growth plan' is a possessive
    return _subject_of(m)


def _where(s: Subject) -> int:
    return s.at if s.at is not None else s.start


def change_drafts(sent: Span, index: MentionIndex) -> list[Draft]:
    """Change (and level-with-change) claims of a sentence."""
    doc = sent.doc
    lex = lexicon()
    quantities = find_quantities(doc, sent.start, sent.end)
    merged: dict[int, float] = {}
    for a, b in zip(quantities, quantities[1:]):
        gap = [t.lower_ for t in doc[a.end : b.start]]
        if a.unit == "points" and b.unit == "pct" and gap and "or" in gap and len(gap) <= 3:
            merged[b.start] = a.value  # '100 points, or 0.8 percent': one move
    drafts = []
    previous: tuple[Quantity, tuple[Token, str, str], list[Subject]] | None = None
    for q in quantities:
        if q.unit == "points" and any(m == q.value for s, m in merged.items()):
            continue
        nxt = doc[q.end].lower_ if q.end < len(doc) else ""
        before = doc[q.start - 1].lower_ if q.start > 0 else ""
        if nxt in lex.nonmarket_after or before in lex.nonmarket_before:
            continue
        top = _quantity_head(doc, q)
        if top.head.lower_ in {"from", "to"} and top.head.i < q.start:
            continue  # 'up from 2.5 percent', 'slipped to 10.9 percent': a ratio's level, not a move
        found = find_anchor(q, doc, sent)
        if found is None and q.start in merged:
            points = next(p for p in quantities if p.unit == "points" and p.end <= q.start and p.value == merged[q.start])
            found = find_anchor(points, doc, sent)  # 'closed down 138.19 points, or 0.94 percent'
        elided = previous is not None and _elided(doc, previous[0], q)
        if found is None and not elided:
            continue
        if found is None:
            found, subjects = previous[1], previous[2]  # 'up 14 percent this year and nearly 10 percent since June'
        anchor, direction, role = found
        gapped = _mention_right_before(doc, q, index, anchor)
        if gapped or not elided or found is not previous[1]:
            fresh = [gapped] if gapped else subject_for(anchor, role, index, sent)
            subjects = fresh if fresh or not elided else previous[2]  # 'down 1.3 percent ..., but still up 18 percent'

        previous = (q, found, subjects)
        level_hit = find_level(q.end, anchor, sent)
        end_tok = max(q.end, level_hit[1] + 1 if level_hit else 0)
        end_tok = max(end_tok, anchor.i + 1)
        for s in subjects:
            start = max(sent.start_char, min(_where(s), anchor.idx, doc[q.start].idx))
            drafts.append(
                Draft(
                    "change", s, start, doc[end_tok - 1].idx + len(doc[end_tok - 1]), anchor,
                    direction=direction, quantity=q, points=merged.get(q.start),
                    level=level_hit[0] if level_hit else None, cue=period_cue(anchor, sent, move=True),
                )
            )
    return drafts


def level_drafts(sent: Span, index: MentionIndex, taken: set[int]) -> list[Draft]:
    """'closed at 2,706.18' with no move figure: a level claim."""
    doc = sent.doc
    drafts = []
    for t in sent:
        if t.lemma_.lower() not in CLOSE_LEMMAS | {"stand", "trade"} or t.pos_ != "VERB" or t.i in taken:
            continue
        for child in t.children:
            if child.dep_ == "prep" and child.lower_ == "at":
                hit = _number_after(doc, child.i + 1, sent.end)
                if hit is None:
                    continue
                for s in subjects_of_verb(t, index):
                    end = doc[hit[1]]
                    # 'At 1,400, the S&P 500 was closing in on ...': the figure may come first
                    first = min(_where(s), t.idx, child.idx)
                    last = max(end.idx + len(end), t.idx + len(t))
                    drafts.append(Draft("level", s, max(sent.start_char, first), last, t,
                                        level=hit[0], cue=period_cue(t, sent)))
    return drafts


# --- the claims of a Doc -------------------------------------------------------------------


def extract_claims(doc: Doc, article_ctx: dict[str, Any] | None = None) -> list[Claim]:
    """Return the market claims of a parsed Doc, ids 'c1'.. in order of appearance.

    Reads ``doc._.instruments`` (a list of InstrumentMention, may be empty) and the
    article context (published, published_time, timezone, dateline); claims keep no
    dates when the article has no date.
    """
    mentions = doc._.instruments or [] if Doc.has_extension("instruments") else []
    index = MentionIndex.build(doc, mentions)
    ctx = article_ctx or {}
    drafts: list[Draft] = []
    for sent in doc.sents:
        changes = change_drafts(sent, index)
        drafts.extend(changes)
        drafts.extend(record_drafts(sent, index))
        drafts.extend(level_drafts(sent, index, {d.anchor.i for d in changes} | {d.anchor.head.i for d in changes}))
    drafts = [d for d in _dedupe(drafts) if not _hypothetical(d)]
    when = time_anchors.ArticleTime.from_context(ctx, doc_text(doc))
    market = time_anchors.market_of(ctx.get("dateline"), ctx.get("timezone"))
    claims = [_finish(d, doc, when, market) for d in sorted(drafts, key=lambda d: (d.start, d.end))]
    for n, claim in enumerate(claims, 1):
        claim.id = f"c{n}"
    return claims


def _hypothetical(d: Draft) -> bool:
    """'the S&P 500 will finish 2012 at 1,450', 'shares could fall 10 percent': a forecast, no claim."""
    verb = d.anchor if d.anchor.pos_ in {"VERB", "AUX"} else _clause_verb(d.anchor)
    modals = lexicon().modals
    return any(c.dep_ == "aux" and c.lower_ in modals for c in verb.children)


def _dedupe(drafts: list[Draft]) -> list[Draft]:
    seen: set[tuple] = set()
    kept = []
    for d in drafts:
        who = d.subject.symbol or d.subject.text.lower()
        key = (d.kind, who, d.quantity.start if d.quantity else None, d.record, d.level if d.kind == "level" else None)
        if key in seen:
            continue
        seen.add(key)
        kept.append(d)
    return kept


def _finish(d: Draft, doc: Doc, when: ArticleTime | None, market: str | None) -> Claim:
    q = d.quantity
    claim = Claim(
        id="",
        kind=d.kind,
        text=doc_text(doc)[d.start : d.end],
        start=d.start,
        end=d.end,
        subject=d.subject.text,
        symbol=d.subject.symbol,
        direction=d.direction,
        pct=q.value if q and q.unit == "pct" else None,
        points=d.points if d.points is not None else (q.value if q and q.unit == "points" else None),
        bps=q.value if q and q.unit == "bps" else None,
        level=d.level,
        record=d.record,
        precision=precision_of(doc[q.number].text) if q else None,
        hedge=q.hedge if q else None,
        exchange=d.subject.exchange or market,
        after_hours=bool(d.cue and d.cue.after_hours),
        symbol_how=d.subject.how if d.subject.symbol else None,
    )
    market_index = _broad_market(claim.subject) if not claim.symbol and claim.kind != "level" else None
    if market_index is not None:  # 'Wall Street stocks climbed almost 2 percent': the broad index's move
        claim.symbol, claim.exchange, claim.symbol_how = market_index[0], market_index[1], "market"
    if q and d.subject.symbol and d.subject.at is None and d.subject.start > doc[q.number].idx \
            and d.anchor.pos_ not in {"NOUN", "PROPN"}:  # 'a 9 percent rise of the Dow' names it after, rightly
        # 'Penney up 3.6 percent and Nordstrom Inc ( JWN.N ) up 2.5 percent': the instrument named
        # after the figure is the next one's; the figure's own name (here unknown) keeps no symbol
        claim.subject, claim.symbol, claim.symbol_how = _name_before(doc, d.anchor), None, None
    cue = d.cue
    claim.window_explicit = bool(cue and (cue.period or cue.closed or cue.session or cue.span))
    label = _period_label(d, claim)
    since_record = DISTANCE_PERIOD.match(label or "") if claim.kind == "change" and claim.pct is not None else None
    if since_record and re.search(r"record|all-time|52-week|lifetime|life-time|year", since_record.group(1)):
        # 'down 30 percent from their record high': how far from the record, as of the claim's day
        claim.kind, claim.record, label = "distance", record_text(since_record.group(1)), None
        claim.window_explicit = bool(cue and (cue.closed or cue.session))
    anchor = _anchor_for(d, label, claim.exchange, when, market)
    if anchor is not None:
        claim.period, claim.as_of, claim.window_start = anchor.period, anchor.as_of, anchor.window_start
    elif label:
        claim.period = label
    claim.doubts = claim_doubts(
        doc, d.anchor.sent, claim.kind, claim.period, claim.as_of,
        subject=(d.subject.start, d.subject.end) if claim.symbol and d.subject.at is None else None,
        figure=doc[q.number].idx if q else None)
    claim.day_named = names_day(d.anchor.sent, claim.as_of)
    return claim


@cache
def _broad_markets() -> dict[str, tuple[str, str]]:
    return {r["phrase"]: (r["symbol"], r["exchange"]) for r in _rows("broad_market.csv")}


def _broad_market(subject: str | None) -> tuple[str, str] | None:
    """(index symbol, exchange) a subject naming a whole market stands for ('Wall Street stocks'), or None."""
    if not subject:
        return None
    key = re.sub(r"^(?:the|most)\s+", "", subject.lower().strip())
    return _broad_markets().get(key)


def _name_before(doc: Doc, anchor: Token) -> str | None:
    """The proper name right before a move word ('Penney' in 'Penney up 3.6 percent'), or None."""
    sent = anchor.sent
    j = anchor.i - 1
    while j >= sent.start and doc[j].pos_ == "PROPN":
        j -= 1
    return doc[j + 1 : anchor.i].text if j + 1 < anchor.i else None


def _period_label(d: Draft, claim: Claim) -> str | None:
    """The period label to resolve: the text's own, else the longer window a move's wording or size implies."""
    cue = d.cue
    if cue and cue.period:
        return cue.period
    if d.kind != "change" or cue is None or cue.session:
        return None
    if cue.span and (not cue.closed or cue.span.startswith("since")):
        return cue.span
    limit = MAX_SESSION_PCT.get(d.subject.kind)
    if claim.pct is not None and limit is not None and abs(claim.pct) > limit:
        spans = lexicon().spans
        if d.subject.kind == "index" and any(spans[p] == "crash" for _, _, p in _phrases(d.anchor.sent, spans)):
            return None
        if d.subject.kind == "equity" and _on_news(d.anchor):
            return None  # 'soared 40 percent on the takeover bid': one session's reaction to news
        return "unspecified"
    return None


#: prepositions that tie a move to the news it reacts to ('on the takeover bid', 'after the offer')
NEWS_PREPS = frozenset({"on", "after", "following"})


def _on_news(anchor: Token) -> bool:
    """Whether the move word's clause reacts to news named right after it ('jumped 30 percent after
    the company agreed to be bought'), not to a time ('on Monday', 'after three months')."""
    verb = anchor if anchor.pos_ in {"VERB", "AUX"} else _clause_verb(anchor)
    for child in verb.children:
        if child.dep_ == "advcl" and child.i > anchor.i and any(
                m.dep_ == "mark" and m.lower_ in NEWS_PREPS for m in child.children):
            return True  # 'after the company agreed to be bought'
        if child.dep_ == "prep" and child.lower_ in NEWS_PREPS and child.i > anchor.i:
            objects = [t for t in child.children if t.dep_ in {"pobj", "pcomp"}]
            if objects and not any(t.lemma_.lower() in TIME_WORDS or t.lower_ in TIME_WORDS or t.like_num
                                   for t in objects[0].subtree):
                return True
    return False


def _anchor_for(d: Draft, label: str | None, code: str | None, when: ArticleTime | None,
                market: str | None) -> Anchor | None:
    if when is None or code is None:
        return None
    try:
        cue = d.cue
        if label:
            return time_anchors.resolve(label, code, when)
        if cue and cue.closed:
            return time_anchors.resolve("session", code, when)
        if market and code != market and when.moment is None:
            return Anchor("session", time_anchors.last_closed_session(code, when))
        return time_anchors.default_anchor(code, when)
    except (KeyError, LookupError, ValueError):  # an unknown calendar code or a date outside it: undated
        return None


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


# --- evaluation -----------------------------------------------------------------------------


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
