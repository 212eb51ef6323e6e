"""Numbers and move words: percentages, points and basis points with their hedges and precision; the
move word a figure belongs to; a stated level ('to $532.17')."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from spacy.tokens import Doc, Span, Token

from nlp.components.claims.lexicon import CLOSE_LEMMAS, CURRENCY, NUMBER, lexicon


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
