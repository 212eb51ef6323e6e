"""Quotation marks: the quoted spans of a text, and the sentence and clause bounds around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.components.quotes.lexicon import (
    CLOSING_MARKS, OPENING_MARKS, QUOTE_MARKS, STRAIGHT_MARK, abbreviations,
)


@dataclass(frozen=True)
class QuotedSpan:
    """Text between a pair of quote marks (or from an opening mark to the paragraph end)."""

    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark; None when the paragraph ended first
    start: int  # the quoted text, without marks, surrounding spaces and a trailing comma
    end: int

    @property
    def after(self) -> int:
        """Offset just past the closing mark (or the end of the text)."""
        return self.close + 1 if self.close is not None else self.end


def _is_opening(text: str, i: int) -> bool:
    ch = text[i]
    if ch in OPENING_MARKS:
        return True
    if ch != STRAIGHT_MARK:
        return False
    before_ok = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-/:" + OPENING_MARKS
    after_ok = i + 1 < len(text) and not text[i + 1].isspace()
    return before_ok and after_ok


def _is_closing(text: str, i: int) -> bool:
    ch = text[i]
    if ch in CLOSING_MARKS:
        return True
    if ch != STRAIGHT_MARK:
        return False
    return i > 0 and not text[i - 1].isspace()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past spaces, and a trailing comma the attribution owns."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


_MARK_OR_BREAK = re.compile("[\n" + re.escape(QUOTE_MARKS) + "]")


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Return the quoted spans of ``text`` in order; never raises.

    Quotes do not cross a line break; one left open at the end of a paragraph counts only when
    it opened the paragraph (the news habit for multi-paragraph quotes). Stray closing marks and
    marks nested inside an open quote are ignored.
    """
    spans: list[QuotedSpan] = []
    open_at: int | None = None
    para_start = 0

    def unclosed(end: int) -> None:
        if open_at is not None and not text[para_start:open_at].strip():
            s, e = _trim(text, open_at + 1, end)
            if e > s:
                spans.append(QuotedSpan(open_at, None, s, e))

    for m in _MARK_OR_BREAK.finditer(text):  # only these characters matter: a scan of every one was 3% of extraction
        i, ch = m.start(), m.group()
        if ch == "\n":
            unclosed(i)
            open_at = None
            para_start = i + 1
            continue
        if open_at is None:
            if _is_opening(text, i):
                open_at = i
        elif _is_closing(text, i):
            s, e = _trim(text, open_at + 1, i)
            if e > s:
                spans.append(QuotedSpan(open_at, i, s, e))
            open_at = None
    unclosed(len(text))
    return spans


_SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’)]|$)")


_WORD_AT_END = re.compile(r"[\w.&-]+$")


def _word_before(text: str, i: int) -> str:
    """The run of word characters, stops, '&' and '-' that ends at ``i`` ('' if none). Reads a window
    that widens only while the run fills it: reading all of ``text[:i]`` made each call linear."""
    width = 64
    while True:
        low = max(0, i - width)
        m = _WORD_AT_END.search(text, low, i)
        if m is None:
            return ""
        if m.start() > low or low == 0:
            return m.group(0)
        width *= 4


def _ends_sentence(text: str, i: int) -> bool:
    """Whether the period/!/? at ``i`` ends a sentence (not ``Inc.``, ``U.S.``, ``J.``)."""
    if text[i] != ".":
        return True
    word = _word_before(text, i)
    if not word:
        return True
    word = word.lower()
    if word in abbreviations() or (len(word) == 1 and word.isalpha()):
        return False
    return not re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)  # initialisms: "J.P. Morgan", "U.S."


def _clause_end(text: str, pos: int, limit: int) -> int:
    """Offset where the clause starting at ``pos`` ends: a sentence end, a line break or ``limit``."""
    for m in _SENTENCE_END.finditer(text, pos, limit):
        if _ends_sentence(text, m.start()):
            return m.start()
    nl = text.find("\n", pos, limit)
    return nl if nl != -1 else limit


def _clause_start(text: str, pos: int, floor: int) -> int:
    """Offset where the clause that ends at ``pos`` starts: after a sentence end, a line break or ``floor``."""
    start = floor
    for m in _SENTENCE_END.finditer(text, floor, pos):
        if _ends_sentence(text, m.start()):
            start = m.end()
    nl = text.rfind("\n", floor, pos)
    return max(start, nl + 1 if nl != -1 else floor)
