"""Quotes: who said what.

:func:`extract_quotes` reads a parsed ``Doc`` and returns :class:`nlp.types.Quote` records:

- ``direct``: text between quote marks, attributed by a reporting verb before or after it
  (``"...," he said.``, ``Burton said: "..."``, ``"...," said Jamie Cox, managing partner at ...``),
  or by the quote just before it (``"...," he said. "..."``);
- ``mixed``: a direct quote followed by the speaker's words in reported form before the
  attribution (``"That's positive," as it allows ..., Kenji Abe, an analyst at Daiwa, said.``);
  the reported part is in ``paraphrase``;
- ``indirect``: ``X said (that) ...``, ``X told Reuters ...``, ``X expects ...``,
  ``according to X, ...``.

Speakers carry a role and an organization read from appositions (``Kenji Abe, an analyst at
Daiwa Securities``), prepositions (``Jamie Cox of Harris``) and pre-name titles (``Daiwa analyst
Kenji Abe``). Pronouns and bare surnames are resolved to the last matching named speaker;
``analysts said`` keeps ``speaker_kind="unnamed"``. Word lists live in ``nlp/models/quotes/``.

The component ``newslink_quotes`` sets ``doc._.quotes``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from nlp.components import doc_text, register_extensions
from nlp.instruments import InstrumentMaster
from nlp.paths import MODELS as MODELS_ROOT
from nlp.types import Quote

log = logging.getLogger(__name__)

MODEL_DIR = MODELS_ROOT / "quotes"

OPENING_MARKS = "“„«"
CLOSING_MARKS = "”»"
STRAIGHT_MARK = '"'
QUOTE_MARKS = OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK

# Punctuation that may sit between an attribution and the quote it introduces.
INTRODUCERS = (",", ":", "—", "–", "-", ";")
PERSON_PRONOUNS = {"he", "she"}
GROUP_PRONOUNS = {"they"}
THING_PRONOUNS = {"it"}
UNRESOLVABLE_PRONOUNS = {"i", "we", "you", "him", "her", "them", "one"}
ORG_PREPOSITIONS = ("at", "of", "with", "for", "from")
ORG_CONNECTORS = {"of", "&", "and", "de", "du", "la", "von", "van", "der"}
ARTICLES = {"a", "an", "the"}
NAME_LABELS = {"PERSON"}
ORG_LABELS = {"ORG", "GPE", "NORP", "FAC"}


# ---------------------------------------------------------------- word lists


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


# ---------------------------------------------------------------- quote marks


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

    for i, ch in enumerate(text):
        if ch == "\n":
            unclosed(i)
            open_at = None
            para_start = i + 1
            continue
        if ch not in QUOTE_MARKS:
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


# ---------------------------------------------------------------- clause windows


_SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’)]|$)")


def _ends_sentence(text: str, i: int) -> bool:
    """Whether the period/!/? at ``i`` ends a sentence (not ``Inc.``, ``U.S.``, ``J.``)."""
    if text[i] != ".":
        return True
    m = re.search(r"([\w.&-]+)$", text[:i])
    if not m:
        return True
    word = m.group(1).lower()
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


# ---------------------------------------------------------------- speakers


@dataclass
class Speaker:
    """Who a quote is attributed to, before pronoun and surname resolution."""

    name: str | None
    kind: str  # person, organization, unnamed, pronoun-unresolved
    start: int | None = None
    end: int | None = None
    role: str | None = None
    organization: str | None = None


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    return [t for t in span if t.idx >= start and t.idx + len(t.text) <= end]


_ENTS_KEY = "newslink_quotes_ents"


def _ents(doc: Doc) -> tuple:
    """The doc's entities, read once per extraction (``doc.ents`` walks every token)."""
    ents = doc.user_data.get(_ENTS_KEY)
    return ents if ents is not None else tuple(doc.ents)


def _entity_of(token: Token):
    if not token.ent_type_:
        return None
    for ent in _ents(token.doc):
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _capitalized(word: str) -> bool:
    """Whether ``word`` looks like part of a name: ``Daiwa``, ``4Cast``, ``iShares``, ``iitrader.com``."""
    if not word or not word[0].isalnum():
        return False
    return (
        word[0].isupper()
        or any(c.isupper() for c in word[1:])
        or (word[0].isdigit() and any(c.isalpha() for c in word))
        or bool(re.search(r"\w\.(com|net|org)$", word))
    )


# Words that may follow an organization's name without being part of a longer common-noun phrase.
_AFTER_ORG = {"in", "on", "at", "for", "and", "or", "of", "who", "which", "that", "based", "with",
              "to", "by", "from", "as", "since", "until", "where", "when", "while"}


def _clean_name(name: str) -> str:
    name = re.sub(r"^(the|The)\s+", "", name.strip(" ,;:"))
    return re.sub(r"(’s|'s|’|')$", "", name).strip()


def _org_run(words: list[str]) -> str | None:
    """Return the leading run of capitalised words (``Bank of America Merrill Lynch``), or None.

    A kind of firm before the name is skipped (``brokerage Edward Jones``, ``hedge fund X``).
    None also when the run only modifies a common noun (``the Washington think-tank``).
    """
    if words and words[0].lower() == "the":
        words = words[1:]
    k = 0
    while k < min(3, len(words)) and not _capitalized(words[k]) and words[k].isalpha():
        k += 1
    if 0 < k < len(words) and _capitalized(words[k]) and any(w.lower() in organization_types() for w in words[:k]):
        words = words[k:]
    run: list[str] = []
    stopped_at = len(words)
    for i, w in enumerate(words):
        w = w.rstrip(",;:")
        bare = re.sub(r"(’s|'s|’|')$", "", w)
        if _capitalized(bare):
            nxt_word = words[i + 1] if i + 1 < len(words) else ""
            inner = (bare != w and _capitalized(nxt_word) and not words[i].endswith((",", ";", ":"))
                     and nxt_word.lower().strip(",") not in role_words() | title_modifiers())
            if inner:
                run.append(w)  # "Moody's Investors Service": the possessive is part of the name
                continue
            run.append(bare)
            if bare != w or words[i].endswith((",", ";", ":")):
                stopped_at = -1  # a possessive or a comma closes the name
                break
        elif w.lower() in ORG_CONNECTORS and i + 1 < len(words) and _capitalized(words[i + 1]) and run:
            run.append(w)
        else:
            stopped_at = i
            break
    if not run:
        return None
    if 0 <= stopped_at < len(words):
        nxt = words[stopped_at].strip(",;:.").lower()
        if nxt in organization_nouns():
            return " ".join(run + [nxt])
        if nxt in role_words():
            return " ".join(run)  # "Daiwa Securities analyst"
        if nxt.replace("-", "").isalpha() and nxt not in _AFTER_ORG and nxt not in reporting_verbs()[0]:
            return None
    return " ".join(run)


def _role_phrase(words: list[str]) -> str | None:
    """Return the job title in ``words`` (articles, possessives and places dropped), or None."""
    out: list[str] = []
    for i, w in enumerate(words):
        w = w.strip(",;:")
        if w.lower() in {"in", "based", "who", "which", "on", "said", "says"}:
            break
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if out and w.lower() in ORG_PREPOSITIONS and (
                nxt.lower() in ARTICLES or _capitalized(nxt)
                or any(x.lower() in organization_types() for x in words[i + 1 : i + 4])):
            break  # "president of the Washington think-tank": the title ends at the organization
        if w in ("'s", "’s", "") or w.lower().endswith("-based"):
            continue
        out.append(w)
    while out and out[0].lower() in ARTICLES | {"who", "is", "was", "and"}:
        out = out[1:]
    while out and out[-1].lower() in ORG_PREPOSITIONS + ("the",):
        out = out[:-1]
    roles = role_words()
    if not out or len(out) > 6 or not any(w.lower() in roles for w in out):
        return None
    return " ".join(out)


def describe(descriptor: str, org_names: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """Return (role, organization) read from a speaker descriptor; either may be None.

    ``org_names`` are organizations the parser found in the descriptor; they win over the
    capitalisation heuristics. Examples:
    ``"an analyst at Daiwa Securities"`` -> ("analyst", "Daiwa Securities");
    ``"Daiwa Securities analyst"`` -> ("analyst", "Daiwa Securities");
    ``"managing partner at Harris Financial Group in Richmond"`` ->
    ("managing partner", "Harris Financial Group").
    """
    if descriptor.split()[:1] and descriptor.split()[0].lower() in {"who", "which", "that", "whose"}:
        return None, None  # a relative clause ("who rates UBS at accumulate") says no title
    roles = role_words()
    for name in org_names:
        pos = descriptor.find(name)
        if pos == -1 or all(w.lower() in roles | title_modifiers() for w in name.split()):
            continue
        before, after = descriptor[:pos].split(), descriptor[pos + len(name) :].split()
        # the tagger may cut a name short ("RBC [Capital Market] analyst"): take capitalised neighbours
        while before and _capitalized(before[-1]) and before[-1].lower() not in roles | title_modifiers():
            name = before.pop() + " " + name
        role = _role_phrase(before) or _role_phrase(after)
        return role, _clean_name(name) or None
    words = descriptor.split()
    while words and words[0].lower() in ARTICLES | {"who", "is", "was", "and"}:
        words = words[1:]
    if not words:
        return None, None
    if words[0].lower() in ORG_PREPOSITIONS:
        return None, _org_run(words[1:])  # "Jamie Cox of Harris", "a spokeswoman for the Bologna police"
    for i, w in enumerate(words):
        if w.lower() in ORG_PREPOSITIONS and 0 < i and i + 1 < len(words):
            if not any(x.lower().strip(",") in roles for x in words[:i]):
                continue
            org = _org_run([x for x in words[i + 1 :] if x not in ("'s", "’s")])
            if org:
                return _role_phrase(words[:i]), org
    # a title before the name: "Daiwa Securities analyst", "Bank of Japan Governor"
    run = _org_run(words)
    run_words = run.split() if run else []
    j = next((k for k, x in enumerate(run_words) if x.lower() in roles), len(run_words))
    while j > 0 and run_words[j - 1].lower() in title_modifiers():
        j -= 1
    if 0 < j:
        org = " ".join(run_words[:j])
        rest = words[j:]
        role = _role_phrase(rest)
        if role:
            return role, org
    return _role_phrase(words), None


def _person_surnames(doc: Doc) -> frozenset[str]:
    """Return the last words of multi-word PERSON names in ``doc`` (``Lagarde`` of ``Christine Lagarde``)."""
    return frozenset(e[-1].text for e in _ents(doc) if e.label_ in NAME_LABELS and len(e) > 1)


def _org_words(doc: Doc) -> frozenset[str]:
    return frozenset(t.text for e in _ents(doc) if e.label_ == "ORG" for t in e)


def _mention_span(head: Token) -> tuple[int, int, str]:
    """Return (start, end, kind) of the speaker mention headed by ``head``; kind is name/org/noun/pronoun."""
    if head.pos_ == "PRON" or head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS:
        return head.idx, head.idx + len(head.text), "pronoun"
    ent = _entity_of(head)
    if ent is not None and ent.label_ in NAME_LABELS | ORG_LABELS:
        kind = "name" if ent.label_ in NAME_LABELS else "org"
        toks = [t for t in ent if not (t.i == ent.start and t.lower_ in ARTICLES)]
        toks = [t for t in toks if t.text not in ("'s", "’s")]
        if toks:
            last = toks[-1]
            for c in head.rights:  # "Burton and Nick"
                if c.dep_ == "conj" and c.pos_ == "PROPN" and c.i > last.i:
                    last = c
            return toks[0].idx, last.idx + len(last.text), kind
    capitalised_noun = (head.pos_ == "NOUN" and head.text[:1].isupper() and not head.is_sent_start
                        and head.lower_ not in unnamed_speaker_nouns() | role_words())
    if head.pos_ == "PROPN" or capitalised_noun:  # the tagger may call "Townsend" a noun
        toks = [t for t in head.lefts if t.dep_ in ("compound", "flat") and t.pos_ == "PROPN"]
        first = toks[0] if toks else head
        last = head
        # "Burton and Nick": two named speakers of one quote
        for c in head.rights:
            if c.dep_ == "conj" and c.pos_ == "PROPN":
                last = c
        return first.idx, last.idx + len(last.text), "name"
    # common noun: keep numerals and adjectives ("one trader", "other analysts")
    keep = [head]
    for t in reversed(list(head.lefts)):
        modifier = t.dep_ in ("nummod", "amod", "det", "compound")
        if modifier and t.lower_ not in ARTICLES and t.ent_type_ not in ORG_LABELS:
            if t.dep_ == "det" and t.lower_ not in {"one", "another", "some", "several", "many", "other", "most"}:
                break
            if t.pos_ == "PROPN":
                break
            keep.insert(0, t)
        else:
            break
    return keep[0].idx, head.idx + len(head.text), "noun"


def _org_names_in(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    return tuple(e.text for e in _ents(doc) if e.label_ == "ORG" and e.start_char >= start and e.end_char <= end)


def _dateline_end(doc: Doc) -> int:
    return _skip_dateline(doc_text(doc), 0, min(len(doc_text(doc)), 120))


def _descriptors(doc: Doc, head: Token, mention: tuple[int, int], window: tuple[int, int],
                 cue: Token | None) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Return the spans of the title before a name and of the apposition / ``of``-phrase after it."""
    start, end = mention
    lefts = [t for t in head.subtree if max(window[0], _dateline_end(doc)) <= t.idx < start]
    before = (lefts[0].idx, start) if lefts else None
    limit = min(window[1], cue.idx) if cue is not None and cue.idx >= end else window[1]
    tail = doc_text(doc)[end:limit]
    m = re.match(r"\s*,\s*([^,;]+)", tail) or re.match(r"\s+((?:of|at|from|with|for)\s+[^,;]+)", tail)
    after = (end + m.start(1), end + m.end(1)) if m else None
    return before, after


def _refine_kind(doc: Doc, head: Token, name: str, kind: str, apposition: str | None) -> str:
    """Correct the tagger's person/organization call for a speaker mention."""
    surnames = _person_surnames(doc)
    not_a_person = head.ent_type_ not in NAME_LABELS
    if kind == "org" and name in surnames:
        return "name"  # the tagger took a surname for a company ("Lagarde said")
    if kind == "name" and len(name.split()) == 1 and name in _org_words(doc) and name not in surnames:
        return "org"
    if kind == "name" and name.isupper() and len(name) > 1 and not_a_person:
        return "org"  # "according to IDC"
    if kind == "name" and head.lower_ in role_words() and not_a_person:
        return "noun"  # "the Minister said"
    if apposition and kind == "name" and not_a_person:
        words = apposition.lower().split()[:4]
        if any(w in organization_types() for w in words) and not any(w in role_words() for w in words):
            return "org"  # "Bild, an influential newspaper, said"
    return kind


def speaker_from_head(doc: Doc, head: Token, window: tuple[int, int], cue: Token | None) -> Speaker:
    """Return the :class:`Speaker` whose mention is headed by ``head``, with role and organization."""
    if head.lower_ in {"who", "which", "that"} and head.head.dep_ == "relcl":
        head = head.head.head  # "analysts, who said ...": the relative clause's noun
    if head.idx < _dateline_end(doc):
        # the parser glued the dateline to the subject: "PARIS (Reuters) - Mexico ... said"
        later = [t for t in head.subtree if t.idx >= _dateline_end(doc) and t.pos_ in ("PROPN", "NOUN", "PRON")]
        if later:
            head = _phrase_head(later[0])
    start, end, kind = _mention_span(head)
    name = doc_text(doc)[start:end]
    if kind == "pronoun":
        return Speaker(name, "pronoun-unresolved", start, end)
    title = []
    words = name.split()
    while len(words) > 1 and words[0].lower() in role_words() | title_modifiers():
        title.append(words.pop(0))  # the tagger put the title inside the name: "CFO Gerspach"
    if title:
        start = doc_text(doc).index(words[0], start)
        name = doc_text(doc)[start:end]
        kind = "name"
    before, after = _descriptors(doc, head, (start, end), window, cue)
    kind = _refine_kind(doc, head, name, kind, doc_text(doc)[after[0] : after[1]] if after else None)
    role = org = None
    nationalities = {e.text for e in _ents(doc) if e.label_ == "NORP"}
    for a, b in (x for x in (before, after) if x):
        r, o = describe(doc_text(doc)[a:b], _org_names_in(doc, a, b))
        role = role or r
        if o and o.split()[0] not in nationalities:  # "Cypriot President": a nationality, not a firm
            org = org or o
    if kind == "noun":
        # "a Marvell spokesman", "the Richmond police": a named modifier is the organization
        place_ok = head.lower_ in organization_nouns()
        mods = [t for t in head.lefts if t.dep_ in ("compound", "poss", "nmod")
                and (t.ent_type_ == "ORG" or (place_ok and t.ent_type_ == "GPE"))]
        if mods and org is None:
            org = _clean_name(doc_text(doc)[mods[0].idx : mods[-1].idx + len(mods[-1].text)]) or None
            if org and place_ok:
                org = f"{org} {head.lower_}"
        if role is None and head.lower_ in role_words():
            role = name if head.pos_ == "PROPN" else head.lower_
        return Speaker(name, "unnamed", start, end, role, org)
    role = role or (" ".join(title) if title else None)
    if kind == "org" and role is None:
        return Speaker(name, "organization", start, end, None, _clean_name(name))
    # organizations have no job titles: with one, the tagger mislabelled a person
    return Speaker(name, "person", start, end, role, org)


# ---------------------------------------------------------------- attribution


def _is_cue(token: Token) -> bool:
    """Whether ``token`` is a reporting verb; ``said``/``told`` count whatever the tagger says."""
    direct, _ = reporting_verbs()
    if token.lower_ in {"said", "says", "told", "added"}:
        return True
    return token.lower_ in direct and token.pos_ not in ("NOUN", "PROPN", "ADJ")


def _subject_of(cue: Token) -> Token | None:
    """Return the subject of a reporting verb (or of the verb it is conjoined to), or None."""
    par = _paragraph(doc_text(cue.doc), cue.idx)
    subjects = [t for t in cue.children if t.dep_ in ("nsubj", "nsubjpass") and par[0] <= t.idx < par[1]]
    if subjects:
        return min(subjects, key=lambda t: abs(t.i - cue.i))  # the parse may reach across paragraphs
    if cue.dep_ == "conj" and cue.head is not cue:
        return _subject_of(cue.head)
    if cue.dep_ == "advcl" and cue.tag_ == "VBG":
        # "Anastasiades defended the deal (agreed with the EU), saying ...": the nearest named subject
        verb = cue.head
        for _ in range(3):
            subj = next((t for t in verb.children if t.dep_ == "nsubj"), None)
            if subj is not None and (subj.pos_ in ("PROPN", "PRON") or subj.lower_ in unnamed_speaker_nouns()):
                return subj
            if verb.head is verb:
                break
            verb = verb.head
    return None


@dataclass
class Attribution:
    """The reporting verb and speaker found next to a quote."""

    cue: Token
    speaker: Speaker
    clause: tuple[int, int]  # the window the attribution was found in
    phrase_start: int  # where the speaker's noun phrase starts ("the German official")


def find_attribution(doc: Doc, window: tuple[int, int], quote_side: str) -> Attribution | None:
    """Return the reporting verb and speaker in ``window``, or None.

    ``quote_side`` is "before" when the quote precedes the window, "after" when it follows it:
    the cue nearest the quote wins.
    """
    a, b = window
    tokens = _tokens_in(doc, a, b)
    cues = [t for t in tokens if _is_cue(t)]
    if not cues:
        return None
    cue = cues[0] if quote_side == "before" else cues[-1]
    head = _subject_of(cue)
    if head is None or not (a <= head.idx < b):
        # parse went astray: the noun right after the cue ("said Jamie Cox"), else the first name
        after = [t for t in tokens if t.i > cue.i and t.pos_ in ("PROPN", "NOUN", "PRON")]
        before = [t for t in tokens if t.i < cue.i and t.pos_ in ("PROPN", "NOUN", "PRON")]
        names = [t for t in tokens if t.ent_type_ == "PERSON"]
        head = None
        if after and all(t.is_punct or t.is_space for t in tokens if t.i < cue.i):
            head = _phrase_head(after[0])
        elif names:
            head = _phrase_head(names[0])
        elif before:
            head = _phrase_head(before[-1])
        elif after:
            head = _phrase_head(after[0])
    if head is None:
        return None
    speaker = speaker_from_head(doc, head, window, cue)
    phrase = [t.idx for t in head.subtree if a <= t.idx < b and t.idx <= (speaker.start or t.idx)]
    return Attribution(cue, speaker, window, min(phrase + [speaker.start or head.idx]))


def _phrase_head(token: Token) -> Token:
    """Climb compound/flat links to the head of a noun phrase."""
    while token.dep_ in ("compound", "flat", "nummod", "amod", "det") and token.head is not token:
        token = token.head
    return token


# ---------------------------------------------------------------- extraction


@dataclass
class _Draft:
    """A quote before pronoun and surname resolution."""

    quote: Quote
    speaker: Speaker
    order: int  # offset of the attribution, for resolving pronouns in reading order
    cue_i: int | None = None
    inherits: bool = False
    sentence_end: int = 0


_DATELINE = re.compile(r"[^\n()]{0,80}?\(Reuters\)\s*[-—–]+\s*")


def _skip_dateline(text: str, start: int, end: int) -> int:
    """Return ``start`` moved past a ``TOKYO (Reuters) -`` dateline that opens the span."""
    m = _DATELINE.match(text, start, end)
    return m.end() if m else start


_FIRST_PERSON = re.compile(r"\b(I|I'm|I’m|I've|I’ve|I'd|I’d|my|me)\b")


def _introduces(lead: str) -> bool:
    """Whether the clause text before a quote mark hands over to the quote (``he said:``)."""
    words = lead.lower().split()
    direct, _ = reporting_verbs()
    return (
        not words
        or lead.endswith(INTRODUCERS)
        or words[-1] in direct
        or (len(words) > 1 and words[-1] == "that" and words[-2] in direct)
    )


def _hands_on(text: str, span: QuotedSpan, trails: str) -> bool:
    """Whether the clause after a quote may hold its attribution (``"...," he said``).

    A quote whose text ends with a period ended its sentence; after ``!`` or ``?`` the
    attribution starts lower case or with a name and a cue (``"Stop!" Burton shouted``).
    """
    if not trails:
        return False
    if span.close is not None and "," in text[span.end : span.close]:
        return True  # '"... profit pools ...," Liveris said'
    last = text[span.end - 1]
    if trails.startswith(","):
        return True
    if last == ".":
        return trails[:1].islower()
    if last in "!?":
        direct, _ = reporting_verbs()
        first = trails.split()[:5]
        return trails[:1].islower() or any(w.lower().strip(",.") in direct for w in first)
    return True


def _direct_drafts(doc: Doc) -> list[_Draft]:
    """Return drafts for the quotes between quote marks that an attribution (or the quote before) claims."""
    text = doc_text(doc)
    spans = find_quoted_spans(text)
    drafts: list[_Draft] = []
    prev: _Draft | None = None
    for k, span in enumerate(spans):
        floor = spans[k - 1].after if k > 0 else 0
        limit = spans[k + 1].open if k + 1 < len(spans) else len(text)
        before = (_clause_start(text, span.open, floor), span.open)
        after = (span.after, _clause_end(text, span.after, limit))
        lead = _DATELINE.sub("", text[before[0] : before[1]]).strip()
        if not _introduces(lead):
            continue  # a scare quote or a title inside a sentence
        trails = text[after[0] : after[1]].strip()
        attribution = None
        side = None
        if lead:
            attribution = find_attribution(doc, before, "after")
            side = "before"
        if attribution is None and _hands_on(text, span, trails):
            attribution = find_attribution(doc, after, "before")
            side = "after"
        if attribution is None:
            if prev is not None and not lead and not text[prev.sentence_end : span.open].strip(" \t\n.,"):
                # the speaker goes on: '"...," he said. "..."'
                q = replace(prev.quote, text=text[span.start : span.end], start=span.start, end=span.end,
                            kind="direct", paraphrase=None)
                d = _Draft(q, prev.speaker, span.start, prev.cue_i, inherits=True,
                           sentence_end=after[1] + 1 if _hands_on(text, span, trails) else span.after)
                drafts.append(d)
                prev = d
            continue
        paraphrase = None
        kind = "direct"
        if side == "after":
            stop = min(attribution.phrase_start, attribution.cue.idx)
            middle = text[span.after : max(stop, span.after)].strip(" ,;\t")
            if len(middle.split()) >= 2:
                paraphrase, kind = middle, "mixed"
        speaker = attribution.speaker
        if speaker.kind == "organization" and _FIRST_PERSON.search(text[span.start : span.end]):
            # organizations say "we": "I" means the tagger took a person for a company ("Hollande said")
            speaker = replace(speaker, kind="person", organization=None)
        q = Quote(
            text=text[span.start : span.end],
            start=span.start,
            end=span.end,
            kind=kind,
            cue=attribution.cue.text,
            paraphrase=paraphrase,
        )
        end_of_sentence = after[1] + 1 if side == "after" else span.after
        d = _Draft(q, speaker, span.start, attribution.cue.i, sentence_end=end_of_sentence)
        drafts.append(d)
        prev = d
    return drafts


def _content_span(doc: Doc, clause: Token, cue: Token) -> tuple[int, int] | None:
    """Return the character span of a content clause, without ``that`` and edge punctuation."""
    toks = [t for t in clause.subtree if t.i != cue.i]
    while toks and (toks[0].dep_ == "mark" and toks[0].lower_ in {"that", "whether", "if"} or toks[0].is_punct):
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in ('"', "”", "’", ")"):
        toks = toks[:-1]
    if not toks:
        return None
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return _trim(doc_text(doc), _skip_dateline(doc_text(doc), s, e), e)


_EXPECTING = {"expect", "expected", "expects", "expecting", "forecast", "forecasts", "predict", "predicts",
              "predicted", "estimate", "estimates", "estimated"}


def _around(doc: Doc, cue: Token) -> tuple[int, int] | None:
    """Return the longer side of a sentence around a parenthetical attribution (``, he said,``)."""
    sent = cue.sent
    inner = list(cue.subtree)
    a, b = inner[0].idx, inner[-1].idx + len(inner[-1].text)
    before = _trim(doc_text(doc), _skip_dateline(doc_text(doc), sent.start_char, a), a)
    after = _trim(doc_text(doc), b, sent.end_char)
    s, e = max((before, after), key=lambda r: r[1] - r[0])
    while e > s and doc_text(doc)[e - 1] in ".,;: ":
        e -= 1
    while s < e and doc_text(doc)[s] in ",;: ":
        s += 1
    return (s, e) if e > s else None


def _inverted_content(doc: Doc, cue: Token, subject: Token) -> tuple[int, int] | None:
    """Return the reported clause before ``, traders said.`` when the parse did not attach it, or None."""
    text = doc_text(doc)
    first = min(t.idx for t in subject.subtree)
    if not text[:first].rstrip().endswith(",") or cue.i < subject.i:
        return None
    tail = [t for t in cue.sent if t.i > cue.i]
    if tail and (tail[0].text in (",", ";", "—", "-") or not (tail[0].is_punct or tail[0].is_space)):
        return None  # the sentence goes on after the cue ("If it did, he said, the ..."): not inverted
    start = max(cue.sent.start_char, _paragraph(text, cue.idx)[0])
    comma = text.rfind(",", start, first)
    if comma <= start:
        return None
    return _clip(text, _trim(text, start, comma), cue.idx)


def _paragraph(text: str, i: int) -> tuple[int, int]:
    """Return the bounds of the line (paragraph) holding offset ``i``."""
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    return start, end if end != -1 else len(text)


def _clip(text: str, span: tuple[int, int] | None, anchor: int) -> tuple[int, int] | None:
    """Clip ``span`` to the paragraph of ``anchor``: reported speech does not cross a line break."""
    if span is None:
        return None
    a, b = _paragraph(text, anchor)
    s, e = _trim(text, max(span[0], a), min(span[1], b))
    while e > s and text[e - 1] in ".,;: ":
        e -= 1
    return (s, e) if e > s else None


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(x < a[1] and a[0] < y for x, y in spans)


def _according_to_drafts(doc: Doc, free, taken: list[tuple[int, int]]) -> list[_Draft]:
    """Return drafts for ``according to X, ...`` (either order)."""
    text = doc_text(doc)
    drafts: list[_Draft] = []
    for tok in doc:
        if tok.lower_ != "according" or not free(tok.idx):
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if obj is None:
            continue
        sent = tok.sent
        phrase = list(tok.subtree)
        p_start, p_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        lead = _skip_dateline(text, sent.start_char, p_start)
        before, after = _trim(text, lead, p_start), _trim(text, p_end, sent.end_char)
        a_par, b_par = _paragraph(text, tok.idx)
        before = (max(before[0], a_par), before[1])
        after = (after[0], min(after[1], b_par))
        # "According to Y, X." / "A and, according to Y, X" read on; "X, according to Y." reads back
        lead_words = text[before[0] : before[1]].split()
        middle = (text[p_end : p_end + 2].startswith(",") and bool(lead_words)
                  and lead_words[-1].lower().strip(",") in {"and", "but"})
        s, e = after if not lead_words or middle else before
        while e > s and text[e - 1] in ".,;: ":
            e -= 1
        while s < e and text[s] in ",;: ":
            s += 1
        if len(text[s:e].split()) < 3 or not free(s) or _overlaps((s, e), taken):
            continue
        speaker = speaker_from_head(doc, obj, (p_start, p_end), None)
        q = Quote(text=text[s:e], start=s, end=e, kind="indirect", cue="according to")
        drafts.append(_Draft(q, speaker, tok.idx, tok.i))
    return drafts


def _indirect_drafts(doc: Doc, taken: list[tuple[int, int]], used_cues: set[int]) -> list[_Draft]:
    """Return drafts for ``X said (that) ...``, ``X expects ...`` and ``according to X, ...``.

    ``taken`` are the direct quotes' spans: no indirect quote is read inside or across them.
    """
    _, indirect = reporting_verbs()
    text = doc_text(doc)
    quoted = [(s.open, s.after) for s in find_quoted_spans(text)]
    claimed: list[tuple[int, int]] = list(taken)

    def free(i: int) -> bool:
        return not any(a <= i < b for a, b in claimed) and not any(a < i < b for a, b in quoted)

    drafts = _according_to_drafts(doc, free, taken)
    claimed += [(d.quote.start, d.quote.end) for d in drafts]
    nested_ok: list[tuple[int, int]] = []  # other indirect quotes: a named speaker may be quoted inside
    # outermost cues first, so "X said it expects ..." is one quote of X
    candidates = [t for t in doc if t.lower_ in indirect and t.pos_ in ("VERB", "AUX") and t.i not in used_cues]
    candidates.sort(key=lambda t: sum(1 for _ in t.ancestors))
    for cue in candidates:
        if not free(cue.idx) or any(c.dep_ == "auxpass" for c in cue.children):
            continue
        if any(t.tag_ in ("WRB", "WP") for c in cue.lefts if c.dep_ in ("advmod", "mark") for t in c.subtree):
            continue  # "asked how long he expects ...": a question, not a statement
        par = _paragraph(text, cue.idx)
        clauses = [c for c in cue.children if c.dep_ == "ccomp" and par[0] <= c.idx < par[1]]
        clause = clauses[0] if clauses else None
        if clause is None and cue.lower_ in _EXPECTING:
            clause = next((c for c in cue.children if c.dep_ == "xcomp" and c.i > cue.i), None)
        subject = _subject_of(cue)
        parenthetical = clause is None and cue.dep_ == "parataxis"  # "If it did, he said, the department ..."
        inverted = clause is None and subject is not None and _inverted_content(doc, cue, subject) is not None
        if clause is None and not (parenthetical or inverted):
            continue
        if subject is None or subject.dep_ == "nsubjpass" or subject.lower_ in {"i", "you", "we"}:
            continue
        if subject.pos_ == "PRON" and any(a <= cue.idx < b for a, b in nested_ok):
            continue  # "X said it expects ...": X's quote already holds it
        if subject.pos_ == "NOUN" and subject.lower_ in not_speakers():
            continue  # "recent data suggests ...": a thing, not a speaker
        if clause is not None:
            content = _content_span(doc, clause, cue)
        else:
            content = _inverted_content(doc, cue, subject) if inverted else _around(doc, cue)
        content = _clip(text, content, cue.idx)
        if content is None or len(text[content[0] : content[1]].split()) < 3 or _overlaps(content, taken):
            continue
        sent = cue.sent
        speaker = speaker_from_head(doc, subject, (sent.start_char, sent.end_char), cue)
        q = Quote(text=text[content[0] : content[1]], start=content[0], end=content[1], kind="indirect",
                  cue=cue.text)
        drafts.append(_Draft(q, speaker, cue.idx, cue.i))
        nested_ok.append(content)
    return drafts


def _resolve_pronoun(sp: Speaker, named: list[Speaker], last: Speaker | None, doc: Doc) -> Speaker:
    """Return the speaker a pronoun stands for (he/she: the last named person; they: the last
    speaker; it: the last organization), or ``sp`` unchanged."""
    low = (sp.name or "").lower()
    target = None
    if low in PERSON_PRONOUNS:
        target = next((s for s in reversed(named) if s.kind == "person"), None)
        target = target or _last_entity(doc, sp.start or 0, ("PERSON",), "person")
    elif low in GROUP_PRONOUNS:
        target = last if last is not None and last.kind != "pronoun-unresolved" else None
    elif low in THING_PRONOUNS:
        target = next((s for s in reversed(named) if s.kind == "organization"), None)
        target = target or _main_organization(doc, sp.start or 0)
    return replace(target, start=sp.start, end=sp.end) if target is not None else sp


def _resolve_name(sp: Speaker, named: list[Speaker]) -> Speaker:
    """Return ``Kenji Abe`` (with his title) for a later bare ``Abe``; fill a repeated name's title."""
    surname = sp.name.split()[-1] if sp.name else None
    for s in reversed(named):
        longer = s.name is not None and len(sp.name.split()) < len(s.name.split())
        if s.kind == "person" and longer and s.name.split()[-1] == surname:
            return replace(s, start=sp.start, end=sp.end, role=sp.role or s.role,
                           organization=sp.organization or s.organization)
    same = next((s for s in reversed(named) if s.name == sp.name), None)
    if same is not None:
        return replace(sp, role=sp.role or same.role, organization=sp.organization or same.organization)
    return sp


def _resolve(drafts: list[_Draft], doc: Doc) -> list[Quote]:
    """Resolve pronouns, bare surnames and repeated descriptions in reading order.

    Returns the finished quotes in text order.
    """
    named: list[Speaker] = []  # named speakers so far, latest last
    unnamed: list[Speaker] = []  # "a spokeswoman for the Bologna police", for "the spokeswoman" later
    last: Speaker | None = None
    quotes: list[Quote] = []
    for d in sorted(drafts, key=lambda d: (d.order, d.quote.start)):
        sp = d.speaker
        if sp.kind == "organization" and any(s.kind == "person" and s.name == sp.name for s in named):
            sp = replace(sp, kind="person", organization=None)  # once a person, always a person
        if sp.kind == "pronoun-unresolved":
            sp = _resolve_pronoun(sp, named, last, doc)
        elif sp.kind == "unnamed" and sp.name:
            head_word = sp.name.split()[-1].lower()
            earlier = next((s for s in reversed(unnamed) if s.name and s.name.split()[-1].lower() == head_word), None)
            if earlier is not None:
                sp = replace(sp, role=sp.role or earlier.role, organization=sp.organization or earlier.organization)
        elif sp.kind == "person":
            sp = _resolve_name(sp, named)
        if not d.inherits:
            last = sp
            if sp.kind in ("person", "organization"):
                named.append(sp)
        if sp.kind == "unnamed":
            unnamed.append(sp)
        quotes.append(replace(d.quote, speaker=sp.name, speaker_kind=sp.kind, role=sp.role,
                              organization=sp.organization, speaker_start=sp.start, speaker_end=sp.end))
    return sorted(quotes, key=lambda q: (q.start, q.end))


def _main_organization(doc: Doc, before: int) -> Speaker | None:
    """Return the organization named most often before ``before`` (the story's company), or None."""
    counts: dict[str, int] = {}
    for e in _ents(doc):
        if e.label_ == "ORG" and e.end_char <= before and len(e.text) > 1:
            name = _clean_name(e.text)
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    name = max(counts, key=lambda n: counts[n])
    return Speaker(name, "organization", organization=name)


def _last_entity(doc: Doc, before: int, labels: tuple[str, ...], kind: str) -> Speaker | None:
    """Return the last entity with one of ``labels`` ending before ``before``, as a speaker, or None."""
    found = [e for e in _ents(doc) if e.label_ in labels and e.end_char <= before]
    if not found:
        return None
    e = found[-1]
    if kind == "person":
        # a person named before, though not quoted: read the title there ("Kenji Abe of Daiwa")
        return speaker_from_head(doc, e.root, (e.sent.start_char, e.sent.end_char), None)
    name = _clean_name(e.text)
    return Speaker(name, kind, e.start_char, e.end_char, organization=name if kind == "organization" else None)


@functools.cache
def _instrument_master():
    """The instrument master, which ships with the package: a missing or broken one raises
    (naming the file) instead of quietly leaving every speaker's firm without a symbol."""
    return InstrumentMaster.load()


def link_organization(name: str | None) -> str | None:
    """Return the symbol of the instrument ``name`` names in the master, or None."""
    if not name:
        return None
    master = _instrument_master()
    if master is None:
        return None
    inst = master.lookup(name)
    return getattr(inst, "symbol", None) if inst is not None else None


def extract_quotes(doc: Doc, link: bool = True) -> list[Quote]:
    """Return the quotes of a parsed ``doc`` in text order.

    Needs a dependency parse and named entities (``en_core_web_sm`` or better). With ``link``,
    the speaker's organization is linked to the instrument master (``organization_symbol``) when
    :mod:`nlp.instruments` is available. Never raises on unbalanced or stray quote marks.
    """
    doc.user_data[_ENTS_KEY] = tuple(doc.ents)
    try:
        return _extract(doc, link)
    finally:
        doc.user_data.pop(_ENTS_KEY, None)


def _extract(doc: Doc, link: bool) -> list[Quote]:
    direct = _direct_drafts(doc)
    taken = [(d.quote.start, d.quote.end) for d in direct]
    used = {d.cue_i for d in direct if d.cue_i is not None}
    drafts = direct + _indirect_drafts(doc, taken, used)
    quotes = _resolve(drafts, doc)
    if link:
        quotes = [replace(q, organization_symbol=link_organization(q.organization)) for q in quotes]
    return quotes


# ---------------------------------------------------------------- component


class QuoteExtractor:
    """spaCy component: sets ``doc._.quotes`` to :func:`extract_quotes` of the doc."""

    def __init__(self, link: bool = True) -> None:
        self.link = link

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = extract_quotes(doc, link=self.link)
        return doc


@Language.factory(
    "newslink_quotes",
    default_config={"link": True},
    assigns=["doc._.quotes"],
    requires=["token.dep", "doc.ents"],
)
def make_quote_extractor(nlp: Language, name: str, link: bool) -> QuoteExtractor:  # noqa: ARG001
    """Return the ``newslink_quotes`` component (spaCy passes the pipeline as ``nlp``: its required name)."""
    register_extensions()
    return QuoteExtractor(link=link)
