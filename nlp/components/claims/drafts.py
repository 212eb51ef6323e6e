"""Claims before their ids: change, level, record and distance drafts of a sentence, and the finished
Claim with its period, dates, doubts and symbol."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from nlp.components import doc_text
from nlp.components import time_anchors
from nlp.components.claims.lexicon import CLOSE_LEMMAS, RECORD_VERBS, SUBJECTS, TIME_WORDS, _rows, lexicon
from nlp.components.claims.periods import MAX_SESSION_PCT, PeriodCue, _phrases, period_cue
from nlp.components.claims.quantities import (
    Quantity, _number_after, find_anchor, find_level, find_quantities, precision_of,
)
from nlp.components.claims.subjects import (
    MentionIndex, Subject, _clause_verb, _skip_left, _subject_of, subject_for, subjects_of_verb,
)
from nlp.components.doubts import claim_doubts, names_day
from nlp.components.time_anchors import Anchor, ArticleTime
from nlp.paths import word_lists
from nlp.types import Claim


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
DISTANCE_AFTER_FIGURE = word_lists("claims")["distance_after_figure"]


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


_DIGIT = re.compile(r"\d")  # parse_number's NUMBER needs one


@cache
def _record_words() -> re.Pattern:
    """Any word a record wording (:func:`record_phrases`) starts with, anywhere in lower-case text."""
    lex = lexicon()
    words = {phrase[0] for phrase in lex.record_mods} | set(lex.record_since)
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


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
    text = doc_text(doc)
    record_words = _record_words()
    for sent in doc.sents:
        # cheap tests on the sentence's text first: a move or a level needs a figure, a record one of
        # the record wordings; most sentences have neither and are not read token by token
        words = text[sent.start_char:sent.end_char]
        figures = _DIGIT.search(words) is not None
        changes = change_drafts(sent, index) if figures else []
        drafts.extend(changes)
        if record_words.search(words.lower()):
            drafts.extend(record_drafts(sent, index))
        if figures:
            drafts.extend(level_drafts(sent, index, {d.anchor.i for d in changes} | {d.anchor.head.i for d in changes}))
    drafts = [d for d in _dedupe(drafts) if not _hypothetical(d)]
    when = time_anchors.ArticleTime.from_context(ctx, text)
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
    claim.day_named = names_day(d.anchor.sent, claim.as_of)
    claim.doubts = claim_doubts(
        doc, d.anchor.sent, claim.kind, claim.period, claim.as_of,
        subject=(d.subject.start, d.subject.end) if claim.symbol and d.subject.at is None else None,
        figure=doc[q.number].idx if q else None, day_named=claim.day_named)
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
NEWS_PREPS = word_lists("claims")["news_prep"]


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
