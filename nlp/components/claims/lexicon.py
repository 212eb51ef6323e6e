"""The claims extractor's word lists (nlp/models/claims) and the fixed word sets of the parse rules."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache

from nlp.instruments import read_stoplist
from nlp.paths import MODELS as MODELS_ROOT, word_lists


MODELS = MODELS_ROOT / "claims"


NUMBER = re.compile(r"^[+\-\u2212]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+\-\u2212]?\d+(\.\d+)?$")


#: currency signs before a level, and the other word lists of nlp/models/claims/words.csv
CURRENCY = word_lists("claims")["currency"]


#: dependency labels that open a clause of its own: cues inside belong to that clause
CLAUSAL = {"advcl", "relcl", "acl", "ccomp", "xcomp", "conj", "parataxis", "csubj", "pcomp"}


SUBJECTS = {"nsubj", "nsubjpass", "csubj"}


RELATIVE = word_lists("claims")["relative"]


COMPARING = word_lists("claims")["comparing"]


TIME_WORDS = word_lists("claims")["time"]


STOCK_WORDS = word_lists("claims")["stock"]


INDEX_WORDS = word_lists("claims")["index"]


CAUSATIVE = word_lists("claims")["causative"]


CLOSE_LEMMAS = word_lists("claims")["close"]


RECORD_VERBS = word_lists("claims")["record_verb"]


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
