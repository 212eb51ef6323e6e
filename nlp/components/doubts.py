"""Doubts: wording around a claim that leaves its window, instrument or nature uncertain.

A claim's own words may fix its window ("closed down 2 percent on Tuesday") while the rest of
its sentence says something the extractor did not read into the period: "in after-market
trade", "during the morning", "ended May up 2.1 percent", "on September 21", "within
striking distance of its all-time high", "same-store sales rose 5 percent". Such a claim may
still be checked, and supported when a reading fits; but when the prices disagree, the
disagreement may be newslink's reading, not the article's error. ``claim_doubts`` lists those
doubts (``"extended: after-market trade"``); the checker never calls a doubted claim
``contradicted``.

The wording is data: ``nlp/models/claims/doubts.csv`` (regular expressions with the doubt they
raise and the periods that already account for them). Dates and years other than the claim's
own, and a subject that is only a prepositional object ("owned by Berkshire Hathaway
( BRKb.N )") or named after the figure ("Penney up 3.6 percent and Nordstrom ( JWN.N ) up
2.5 percent"), are found from the text and the parse here.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Span

from nlp.components import doc_text
from nlp.paths import MODELS as MODELS_ROOT, word_lists
from nlp.types import MONTH_NUMBERS, MONTHS, WEEKDAYS

MODELS = MODELS_ROOT / "claims"
#: the claim kinds a doubt row may apply to ("move" is kind "change")
KINDS = {"move": {"change"}, "record": {"record"}, "level": {"level"},
         "any": {"change", "record", "level", "distance", "range", "other"}}
DATE = re.compile(r"\b(" + "|".join(MONTHS) + r")\.? (\d{1,2})(?:st|nd|rd|th)?\b(?:,? (\d{4}))?", re.I)
YEAR = re.compile(r"(?<![\d.,$])\b(19[5-9]\d|20\d\d)\b(?![\d.,]\d)")
#: words that make the mention before them a prepositional object, not the claim's subject
PREPOSITIONS = word_lists("claims")["object_preposition"]
OWNER_PREPOSITIONS = word_lists("claims")["owner_preposition"]  # 'shares of X', 'stake in X': fine after a stock word
STOCK_WORDS = word_lists("claims")["stock"]


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    doubt: str
    kinds: frozenset[str]
    unless: re.Pattern[str] | None


@cache
def cues() -> tuple[Cue, ...]:
    """The doubt wording of ``nlp/models/claims/doubts.csv`` (read once)."""
    with open(MODELS / "doubts.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out = []
    for row in rows:
        unless = (row.get("unless") or "").strip()
        out.append(Cue(re.compile(row["pattern"], re.I), row["doubt"].strip(),
                       frozenset(KINDS[row["applies"].strip()]),
                       re.compile(r"\b(?:" + unless + r")", re.I) if unless else None))
    return tuple(out)


#: doubts the sentence before (same paragraph) also raises, when the claim's own names no day
CONTEXT_DOUBTS = frozenset({"window", "extended"})


def claim_doubts(doc: Doc, sent: Span, kind: str, period: str | None, as_of: str | None,
                 subject: tuple[int, int] | None = None, figure: int | None = None,
                 day_named: bool | None = None) -> list[str]:
    """The doubts the sentence ``sent`` raises about a claim of ``kind`` read over ``period``.

    ``as_of`` is the claim's ISO date; ``subject`` the character span of its instrument mention
    and ``figure`` the character offset of its number (both None when unknown). When the sentence
    names no day, the sentence before it in the same paragraph may set the window too ("... ended
    higher for the week. The Dow rose 0.6 percent"). Returns ``"doubt: words"`` strings, one per
    doubt kind, in the order found. ``day_named``: :func:`names_day` of the sentence, when the
    caller has it already.
    """
    text = sent.text
    if day_named is None:
        day_named = names_day(sent, as_of)
    before = "" if day_named else previous_sentence(doc, sent)
    period_text = (period or "").lower()
    found: dict[str, str] = {}
    for cue in cues():
        if kind not in cue.kinds or cue.doubt in found:
            continue
        if cue.unless is not None and cue.unless.search(period_text):
            continue
        m = cue.pattern.search(text)
        if m is None and before and cue.doubt in CONTEXT_DOUBTS:
            m = cue.pattern.search(before)
        if m is not None:
            found[cue.doubt] = m.group(0)
    when = _other_date(text, as_of) or _other_weekday(text, as_of)
    if when and "past" not in found:
        found["past"] = when
    if subject is not None:
        why = _subject_doubt(doc, sent, subject, figure)
        if why:
            found["subject"] = why
    return [f"{doubt}: {words}" for doubt, words in found.items()]


WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
DAY_WORDS = re.compile(r"\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening)|on the day|"
                       r"in the session|in (?:today|the day)'s (?:session|trade|trading))\b", re.I)


def names_day(sent: Span, as_of: str | None = None) -> bool:
    """Whether the sentence names the day the claim is about (its weekday, today, its date)."""
    text = sent.text
    if DAY_WORDS.search(text) is not None:
        return True
    weekday = dt.date.fromisoformat(as_of).weekday() if as_of else None
    if any(WEEKDAYS.index(m.group(1).lower()) == weekday for m in WEEKDAY.finditer(text)):
        return True
    return as_of is not None and _other_date(text, as_of) is None and DATE.search(text) is not None


def _other_weekday(text: str, as_of: str | None) -> str | None:
    """A weekday the sentence names when none is the claim's own session's ('on Sunday'), or None."""
    if not as_of:
        return None
    weekday = dt.date.fromisoformat(as_of).weekday()
    named = [m.group(0) for m in WEEKDAY.finditer(text)]
    if named and all(WEEKDAYS.index(w.lower()) != weekday for w in named):
        return named[0]
    return None


def previous_sentence(doc: Doc, sent: Span) -> str:
    """The text of the sentence before ``sent`` when it is in the same paragraph, else ''."""
    if sent.start == 0:
        return ""
    prev = doc[sent.start - 1].sent
    text = doc_text(doc)[prev.start_char:sent.start_char]
    own = sent.text
    lead = own[: len(own) - len(own.lstrip())]
    return "" if "\n" in text or "\n" in lead or not text.strip() else text


def _other_date(text: str, as_of: str | None) -> str | None:
    """A date or year in ``text`` that is not the claim's own day or year, or None."""
    if not as_of:
        return None
    day = dt.date.fromisoformat(as_of)
    for m in DATE.finditer(text):
        month, number = MONTH_NUMBERS[m.group(1).lower()], int(m.group(2))
        year = int(m.group(3)) if m.group(3) else day.year
        try:
            named = dt.date(year, month, number)
        except ValueError:
            continue
        if abs((named - day).days) > 3:  # a story may date the session a weekend away
            return m.group(0)
    for m in YEAR.finditer(text):
        if int(m.group(1)) != day.year:
            return m.group(0)
    return None


def _subject_doubt(doc: Doc, sent: Span, subject: tuple[int, int], figure: int | None) -> str | None:
    """Why the instrument mention at ``subject`` may not be what the figure is about, or None."""
    start, end = subject
    if figure is not None and start > figure:
        return f"{doc_text(doc)[start:end]!r} is named after the figure"
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span.start < sent.start:
        return None
    # walk left over the name, its codes and brackets; a sentence the parser began inside the
    # brackets ('... Berkshire Hathaway ( BRKa.N ) ( BRKb.N ), ended down') is walked out of
    floor = sent.start if doc[sent.start].text not in "()" and span.start != sent.start else max(0, sent.start - 40)
    i = span.start - 1
    while i >= floor and (doc[i].text in "()" or doc[i].pos_ == "PROPN" or doc[i].lower_ in {"'s", "’s"}
                          or _glued(doc, i)):
        i -= 1
    if i < floor or doc[i].text in {".", "!", "?"}:
        return None
    word = doc[i].lower_
    if word in PREPOSITIONS:
        return f"{doc_text(doc)[start:end]!r} follows {doc[i].text!r}"
    if word in OWNER_PREPOSITIONS and (i == 0 or doc[i - 1].lower_ not in STOCK_WORDS):
        return f"{doc_text(doc)[start:end]!r} follows {doc[i].text!r}"
    return None


def _glued(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is part of a code the tokenizer cut ('BRKb.N' as BRKb . N)."""
    return (not doc[i].whitespace_ and i + 1 < len(doc) and doc[i + 1].text not in "()") or (
        i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].text not in "()")
