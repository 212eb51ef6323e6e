"""The window a move's wording sets: period words, rolling windows, 'since <event>', a fronted window."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from spacy.tokens import Span, Token

from nlp.components import time_anchors
from nlp.components.claims.lexicon import CLAUSAL, CLOSE_LEMMAS, RELATIVE, SUBJECTS, lexicon
from nlp.components.claims.quantities import parse_number
from nlp.components.claims.subjects import _clause_verb
from nlp.paths import word_lists
from nlp.types import NUMBER_NAMES


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


NUMBER_WORDS = {**NUMBER_NAMES, "a": 1}


#: dependency relations on the path from a word to the move that put the word in another clause
CLAUSE_PATH = {"advcl", "relcl", "acl", "ccomp", "xcomp", "pcomp", "csubj"}


#: subordinate modifiers: a period word in one dates something else ('JAL, which made headlines this week')
MODIFIER_PATH = frozenset({"relcl", "acl", "advcl"})


#: (words of nlp/models/claims/words.csv: cause_prep, from_level)
CAUSE_PREPS = word_lists("claims")["cause_prep"]


FROM_LEVELS = word_lists("claims")["from_level"]


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
