"""Who a claim is about: instrument mentions, 'shares of X', 'the stock', sectors, read off the parse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from spacy.tokens import Doc, Span, Token

from nlp.components.claims.lexicon import (
    CAUSATIVE, CLAUSAL, COMPARING, INDEX_WORDS, RELATIVE, STOCK_WORDS, SUBJECTS, TIME_WORDS, lexicon,
)
from nlp.components.claims.quantities import _unit_at, parse_number
from nlp.instruments import RIC
from nlp.types import InstrumentMention


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
