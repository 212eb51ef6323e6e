"""The quotes extractor's word lists (nlp/models/quotes) and fixed word sets."""

from __future__ import annotations

import functools
import logging

from nlp.paths import MODELS as MODELS_ROOT
from nlp.paths import word_lists


log = logging.getLogger(__name__)


MODEL_DIR = MODELS_ROOT / "quotes"


OPENING_MARKS = "“„«"


CLOSING_MARKS = "”»"


STRAIGHT_MARK = '"'


QUOTE_MARKS = OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK


# Punctuation that may sit between an attribution and the quote it introduces.
INTRODUCERS = (",", ":", "—", "–", "-", ";")


PERSON_PRONOUNS = word_lists("quotes")["person_pronoun"]


GROUP_PRONOUNS = word_lists("quotes")["group_pronoun"]


THING_PRONOUNS = word_lists("quotes")["thing_pronoun"]


UNRESOLVABLE_PRONOUNS = word_lists("quotes")["unresolvable_pronoun"]


ORG_PREPOSITIONS = tuple(sorted(word_lists("quotes")["org_preposition"]))


ORG_CONNECTORS = word_lists("quotes")["org_connector"]


ARTICLES = word_lists("quotes")["article"]


NAME_LABELS = {"PERSON"}


ORG_LABELS = {"ORG", "GPE", "NORP", "FAC"}


def _read_lines(name: str) -> list[str]:
    lines = (MODEL_DIR / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@functools.cache
def reporting_verbs() -> tuple[frozenset[str], frozenset[str]]:
    """Return (forms that attribute a direct quote, forms that introduce indirect speech)."""
    direct: set[str] = set()
    indirect: set[str] = set()
    for line in _read_lines("reporting_verbs.txt"):
        words = line.lower().split()
        forms = [w for w in words if w != "*"]
        direct.update(forms)
        if "*" in words:
            indirect.update(forms)
    return frozenset(direct), frozenset(indirect)


@functools.cache
def role_words() -> frozenset[str]:
    """Return the lower-case words that make an apposition a job title."""
    return frozenset(w.lower() for w in _read_lines("roles.txt"))


@functools.cache
def unnamed_speaker_nouns() -> frozenset[str]:
    """Return the lower-case nouns that stand for a speaker without naming one."""
    return frozenset(w.lower() for w in _read_lines("unnamed_speakers.txt"))


@functools.cache
def title_modifiers() -> frozenset[str]:
    """Return the lower-case words that belong to a title before a role word (``Foreign Minister``)."""
    return frozenset(w.lower() for w in _read_lines("title_modifiers.txt"))


@functools.cache
def organization_nouns() -> frozenset[str]:
    """Return the lower-case nouns that complete a place-named organization (``Bologna police``)."""
    return frozenset(w.lower() for w in _read_lines("organization_nouns.txt"))


@functools.cache
def not_speakers() -> frozenset[str]:
    """Return the lower-case nouns whose reporting verbs quote nobody (``data suggests``)."""
    return frozenset(w.lower() for w in _read_lines("not_speakers.txt"))


@functools.cache
def organization_types() -> frozenset[str]:
    """Return the lower-case nouns that, in an apposition, make the speaker an organization."""
    return frozenset(w.lower() for w in _read_lines("organization_types.txt"))


@functools.cache
def abbreviations() -> frozenset[str]:
    """Return the lower-case words whose trailing period does not end a sentence."""
    return frozenset(w.lower().rstrip(".") for w in _read_lines("abbreviations.txt"))
