"""The quotes extractor's word lists (nlp/models/quotes) and fixed word sets."""

from __future__ import annotations

import functools

from nlp.paths import MODELS as MODELS_ROOT
from nlp.paths import word_lists




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
def anaphor_nouns() -> dict[str, str]:
    """noun -> what it points back to: ``org``, ``news`` or ``document`` (the ``anaphor_*`` lists of
    nlp/models/quotes/words.csv)."""
    lists = word_lists("quotes")
    return {noun: kind for kind in ("org", "news", "document") for noun in lists.get(f"anaphor_{kind}", ())}


def _word_file(filename: str, what: str, strip: str = ""):
    """A cached reader of the lower-case words of ``nlp/models/quotes/<filename>``: ``what`` they are."""
    @functools.cache
    def words() -> frozenset[str]:
        return frozenset(w.lower().rstrip(strip) if strip else w.lower() for w in _read_lines(filename))

    words.__doc__ = f"Return {what} (nlp/models/quotes/{filename})."
    return words


role_words = _word_file("roles.txt", "the words that make an apposition a job title")
unnamed_speaker_nouns = _word_file("unnamed_speakers.txt", "the nouns that stand for a speaker without naming one")
title_modifiers = _word_file("title_modifiers.txt",
                             "the words that belong to a title before a role word ('Foreign Minister')")
organization_nouns = _word_file("organization_nouns.txt",
                                "the nouns that complete a place-named organization ('Bologna police')")
not_speakers = _word_file("not_speakers.txt", "the nouns whose reporting verbs quote nobody ('data suggests')")
organization_types = _word_file("organization_types.txt",
                                "the nouns that, in an apposition, make the speaker an organization")
abbreviations = _word_file("abbreviations.txt", "the words whose trailing period does not end a sentence", ".")
