"""Who each quote's speaker is, read over the whole article.

The attribution of a quote names its speaker as the sentence does: ``he``, ``Roe``, ``the company``,
``the report``. This module turns those into the person or organisation the article means, in
reading order:

- **people**: every mention of a person in the article (a quoted one or not) is read for a role and a
  firm (``Chief Executive Jane Roe``, ``Roe, an analyst at Daiwa``, ``Daiwa's Roe``); a person's
  quotes carry the role and firm of the first mention that gives them, and a bare surname becomes
  the full name given earlier;
- **pronouns**: ``he``/``she`` stand for the person who is the subject of the sentence before (else
  the last quoted person), ``it`` for the last quoted organisation (else the article's main one),
  ``they`` for the last speaker;
- **nominal anaphors** (the ``anaphor_*`` lists of ``nlp/models/quotes/words.csv``): ``the company``, ``the bank``, ``the
  world's top producer`` stand for the last compatible named organisation (its name holding the
  noun, the subject of the sentence before, the last quoted organisation, else the article's main
  one); ``the paper`` for the last quoted news organisation; ``the report`` for the last quoted
  organisation. An indefinite description (``a company``, ``one bank``) stays unnamed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from spacy.attrs import IDX
from spacy.tokens import Doc

from nlp.components import doc_text
from nlp.components.quotes.lexicon import (
    GROUP_PRONOUNS, NAME_LABELS, PERSON_PRONOUNS, THING_PRONOUNS, anaphor_nouns, organization_types, reporting_verbs,
    role_words, unnamed_speaker_nouns,
)
from nlp.components.quotes.marks import find_quoted_spans
from nlp.components.quotes.speakers import (
    Speaker, _clean_name, _dateline_end, _document_source, _ents, document_noun, speaker_from_head,
)
from nlp.paths import word_lists
from nlp.types import Quote


#: an instrument code in parentheses, which the tagger calls an organisation ("AMSJ.J", "AB1.DE")
_RIC = re.compile(r"[A-Z0-9_]{1,8}(\.[A-Za-z]{1,3})+|\.[A-Z0-9]+")


class Article:
    """What the resolver knows of one parsed article: its people (with the role and firm of every
    mention), its organisation mentions, and the spans between quote marks."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.floor = _dateline_end(doc)
        self.starts = doc.to_array(IDX).tolist() if len(doc) else []  # no Token objects made
        first_break = self.text.find("\n", self.floor + 1)
        self.lead_end = first_break if first_break > 0 else len(self.text)  # the first paragraph
        self.quoted = [(s.open, s.after) for s in find_quoted_spans(self.text)]
        # the entities after the dateline and outside quote marks
        self.ents = ents = [e for e in _ents(doc) if e.start_char >= self.floor and not self.inside_quote(e.start_char)]
        self.orgs = [e for e in ents if e.label_ == "ORG" and len(e.text) > 1 and not _RIC.fullmatch(e.text)]
        # the companies the instrument linker found, where the tagger saw no organisation
        linked = (doc._.instruments or []) if Doc.has_extension("instruments") else []
        taken = [(e.start_char, e.end_char) for e in self.orgs]
        self.companies = []
        for m in linked:
            if m.kind != "equity" or m.how not in ("name", "alias", "ric") or m.start < self.floor - 40:
                continue
            start, end, text = m.start, m.end, m.text
            if m.how == "ric" and _RIC.fullmatch(m.text):  # "Ryanair ( RYA.I )": the name before the code
                left = max(0, m.start - 60)
                before = re.search(r"([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)\s*\(\s*$", self.text[left : m.start])
                if before is None:
                    continue
                start, end, text = left + before.start(1), left + before.end(1), before.group(1)
            if any(a < end + 4 and start < b for a, b in taken) or any(c[0] == start for c in self.companies):
                continue
            self.companies.append((start, end, text))
        self.people: list[Speaker] = []
        for e in ents:
            # a person, or a "firm" with a job title in apposition: the tagger's mistake for a
            # person ("Klaus-Peter Schoeppner, head of the Emnid polling group")
            titled_org = e.label_ == "ORG" and self.text[e.end_char : e.end_char + 2].startswith(",")
            if e.label_ in NAME_LABELS or titled_org:
                sp = speaker_from_head(doc, e.root, (e.sent.start_char, e.sent.end_char), None)
                if sp.kind == "person" and sp.name and (e.label_ in NAME_LABELS or sp.role):
                    if sp.organization is None and sp.org_ref:  # "its new president, David Marcus"
                        sp = replace(sp, organization=_firm_of(sp.org_ref, [], self, sp.start or 0))
                    self.people.append(sp)
        self.surnames = {p.name.split()[-1] for p in self.people if p.name and len(p.name.split()) > 1}
        for m in re.finditer(r"\bby [A-Z]", self.text):  # "The Claims Administration headed by Juneau"
            k = bisect.bisect_left(self.starts, m.end() - 1)
            if k >= len(doc) or self.starts[k] != m.end() - 1:
                continue
            token = doc[k]
            if token.dep_ == "pobj" and token.head.lower_ == "by":
                run = _run_by(token)
                full = [p.name for p in self.people if p.name and p.name.split()[-1] == token.text]
                if run is not None and (full or token.ent_type_ in NAME_LABELS):
                    name = full[0] if full else token.text
                    self.people.append(Speaker(name, "person", token.idx, token.idx + len(token.text),
                                               role=run[0], organization=run[1]))
        # "Liveris said": the tagger's organisation that is a person's name is no firm
        self.orgs = [e for e in self.orgs if _clean_name(e.text) not in self.surnames
                     and not any(p.name == _clean_name(e.text) for p in self.people)]

    def named_next(self, sp: Speaker) -> Speaker | None:
        """The person the lead's "a prominent adviser to the prime minister" turns out to be: the
        first person the next paragraph names, when the words after their name call them the same
        ("Honda, a professor and one of two advisers to Abe"); else None. Only a single, indefinite
        description of a person in the lead; "a senior official said" stays unnamed when the next
        person named is not called an official."""
        if (sp.definite or sp.start is None or sp.start >= self.lead_end or not sp.head
                or sp.head not in role_words() or sp.organization):
            return None
        if self.token_before(sp.end or sp.start).tag_ != "NN":
            return None
        following = self.text.find("\n", self.lead_end + 1)
        paragraph_end = following if following > 0 else len(self.text)
        later = sorted((p for p in self.people if self.lead_end < (p.start or 0) < paragraph_end),
                       key=lambda p: p.start or 0)
        if not later:
            return None
        first = later[0].name
        # the name's own apposition calls them so: "Honda, a professor and one of two advisers to Abe"
        said = re.compile(rf"\s*,\s*[^.;]*?\b{re.escape(sp.head)}s?\b", re.I)
        for p in later:
            if p.name != first and (first or "").split()[-1:] != (p.name or "").split()[-1:]:
                break
            sentence = self.sentence_at((p.end or 0) + 1)
            if said.match(self.text[p.end or 0 : min(sentence.end_char, (p.end or 0) + 200)]):
                return replace(self.profile(p), start=sp.start, end=sp.end)
        return None

    def inside_quote(self, i: int) -> bool:
        return any(a < i < b for a, b in self.quoted)

    def profile(self, sp: Speaker) -> Speaker:
        """``sp`` with its full name (a bare surname given in full earlier) and the role and firm of
        its first mention that gives them, where its own mention gives none."""
        name = sp.name or ""
        if len(name.split()) == 1:
            full = {p.name for p in self.people if p.name and len(p.name.split()) > 1 and p.name.split()[-1] == name
                    and not {"and", "nor", "or"} & set(p.name.split())}  # not "Kocherlakota nor Fisher"
            if not full:
                # a family name first ("Vice Finance Minister Zhu Guangyao ... Zhu said")
                full = {p.name for p in self.people if p.name and len(p.name.split()) == 2 and p.name.split()[0] == name}
                full = full if len(full) == 1 else set()
            if not full:
                found = self.first_full_mention(name)
                if found is not None:
                    self.people.append(found)
                    full = {found.name}
            if len(full) == 1:
                name = full.pop()
        surname = name.split()[-1] if name else None
        # the full name, its last word, and the bare name the mention gave ("Zhang" of "Zhang Baoquan")
        same = [p for p in self.people if p.name in (name, surname, sp.name)]
        titled = next((p for p in same if p.role), None)
        firm = (titled if titled is not None and titled.organization else
                next((p for p in same if p.organization), None))
        role = sp.role or (titled.role if titled is not None else None)
        organization = sp.organization or (firm.organization if firm is not None else None)
        return replace(sp, name=name or sp.name, role=role, organization=organization)

    def first_full_mention(self, surname: str) -> Speaker | None:
        """The first ``<First> <surname>`` in the text that the tagger did not call a person
        ("Chief Executive Elon Musk must ..."), read for a role and a firm; or None."""
        for token in self.doc:
            if (token.text == surname and token.i > 0 and token.idx >= self.floor
                    and self.doc[token.i - 1].pos_ == "PROPN" and self.doc[token.i - 1].text[:1].isupper()
                    and not self.inside_quote(token.idx)):
                sp = speaker_from_head(self.doc, token, (token.sent.start_char, token.sent.end_char), None)
                if sp.kind == "person" and sp.name and len(sp.name.split()) > 1 and sp.name.split()[-1] == surname:
                    return sp
                return None
        return None

    def sentence_subject(self, before: int, labels: tuple[str, ...], previous: bool = True, main: bool = False):
        """The entity with one of ``labels`` that is the subject of the sentence holding offset
        ``before`` (left of it) or else (with ``previous``) of the sentence before it, outside quote
        marks; or None."""
        if not len(self.doc):
            return None
        # without ``previous``, the sentence the offset itself opens or is in
        sent = self.sentence_at(before if previous else before + 1)
        previous = self.doc[sent.start - 1].sent if sent.start > 0 and previous else None
        for s, limit in ((sent, before), (previous, sent.start_char)):
            if s is None or s.end_char <= self.floor:
                continue
            found = [e for e in self.mentions(labels, s.start_char, limit) if e.root.dep_ in ("nsubj", "nsubjpass")
                     and (not main or e.root.head.dep_ == "ROOT")]  # main: the main clause's own subject
            if set(labels) & set(NAME_LABELS):
                # a known person's surname the tagger did not call a person ("Hollande also voiced concern")
                taken = {e.root.i for e in found}
                found += [self.doc[t.i : t.i + 1] for t in self.doc[s.start : s.end]
                          if t.idx < limit and t.dep_ in ("nsubj", "nsubjpass") and t.i not in taken
                          and t.text in self.surnames and not self.inside_quote(t.idx)]
            if found:
                # the main clause's subject ("Ryanair may appeal if its bid for Aer Lingus fails")
                return min(found, key=lambda e: (sum(1 for _ in e.root.ancestors), e.start))
        return None

    def token_before(self, offset: int):
        """The token holding the character just before ``offset`` (a non-empty doc)."""
        return self.doc[max(bisect.bisect_right(self.starts, max(offset - 1, 0)) - 1, 0)]

    def sentence_at(self, before: int):
        """The sentence holding the character just before offset ``before`` (a non-empty doc)."""
        return self.token_before(before).sent

    def mentions(self, labels: tuple[str, ...], start: int, end: int) -> list:
        """Entities with one of ``labels`` starting in [start, end), outside quote marks, the
        dateline and instrument codes."""
        return [e for e in self.ents if e.label_ in labels and start <= e.start_char < end
                and not _RIC.fullmatch(e.text)]

    def previous_sentence(self, before: int) -> tuple[int, int]:
        """Bounds from the start of the sentence before the one holding ``before`` up to ``before``."""
        if not len(self.doc):
            return before, before
        sent = self.sentence_at(before)
        first = self.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
        return max(first, self.floor), before

    def main_organization(self, before: int) -> Speaker | None:
        """The organisation named most often before ``before`` (the story's company), or None."""
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        names = [(e.end_char, e.text) for e in self.orgs] + [(end, text) for _, end, text in self.companies]
        for end, text in sorted(names):
            if end <= before and not _news_name(text):
                name = _clean_name(text)
                counts[name] = counts.get(name, 0) + 1
                first.setdefault(name, end)
        if not counts:
            return None
        name = max(counts, key=lambda n: (counts[n], -first[n]))  # a tie: the one named first
        return Speaker(name, "organization", organization=name)

    def last_person(self, before: int) -> Speaker | None:
        """The last person named before ``before``, with the role and firm read there."""
        found = [p for p in self.people if (p.end or 0) <= before]
        return found[-1] if found else None


_RUN_VERBS = {"head": "head", "lead": "head", "run": "head", "chair": "chairman", "found": "founder"}


def _run_by(root) -> tuple[str, str] | None:
    """(role, firm) of a person named as the agent of running an organisation ("The Deepwater
    Horizon Claims Administration headed by Juneau"), or None; ``root`` is the name's last word."""
    by = root.head
    if root.dep_ != "pobj" or by.lower_ != "by" or by.head.dep_ not in ("acl", "relcl"):
        return None
    verb = by.head
    role = _RUN_VERBS.get(verb.lemma_)
    if role is None:
        return None
    noun = verb.head
    for other in _ents(root.doc):
        if other.label_ == "ORG" and other.start <= noun.i < other.end:
            return role, _clean_name(other.text)
    if noun.pos_ == "PROPN":  # an untagged name: its proper-noun words
        words = [t for t in noun.subtree if t.i <= noun.i and t.pos_ == "PROPN"]
        return role, " ".join(t.text for t in words)
    return None


def _organization(name: str, start: int | None, end: int | None) -> Speaker:
    name = _clean_name(name)
    return Speaker(name, "organization", start, end, organization=name)


def _with_earlier(person: Speaker, named: list[Speaker]) -> Speaker:
    """``person`` with the role and firm of their latest earlier quote where their own are missing."""
    earlier = next((s for s in reversed(named) if s.kind == "person" and s.name == person.name), None)
    if earlier is None:
        return person
    return replace(person, role=person.role or earlier.role, organization=person.organization or earlier.organization)


def _resolve_pronoun(sp: Speaker, named: list[Speaker], last: Speaker | None, article: Article,
                     at: int) -> Speaker:
    """Return the speaker a pronoun stands for, or ``sp`` unchanged; ``at`` is where the quote and its
    attribution begin (the sentence before is read from there)."""
    low = (sp.name or "").lower()
    target = None
    if low in PERSON_PRONOUNS:
        subject = article.sentence_subject(at, tuple(NAME_LABELS))
        if subject is not None:
            target = _with_earlier(article.profile(
                Speaker(_clean_name(subject.text), "person", subject.start_char, subject.end_char)), named)
        if (target is None and last is not None and last.kind == "unnamed" and last.start is not None
                and not last.definite and len(article.doc)):
            # "A former senior executive at ArcelorMittal told Reuters ... 'Quote,' he said": the
            # person the sentence before introduced, not the last one named ("the judge" points
            # back to a named one itself)
            sent = article.sentence_at(at + 1)
            before = article.doc[sent.start - 1].sent if sent.start > 0 else None
            if (before is not None and before.start_char <= last.start < sent.start_char
                    and (last.head in role_words() or last.head in unnamed_speaker_nouns())
                    and not article.mentions(tuple(NAME_LABELS), before.start_char, sent.start_char)):
                target = last
        target = target or next((s for s in reversed(named) if s.kind == "person"), None)
        target = target or article.last_person(sp.start or 0)
    elif low in GROUP_PRONOUNS:
        target = last if last is not None and last.kind != "pronoun-unresolved" else None
    elif low in THING_PRONOUNS:
        # "... when Lehman sued CIBC to recover $3 billion it said it was owed": the organisation
        # that is the subject of the pronoun's own sentence, left of it
        subject = article.sentence_subject(at, ("ORG",), previous=False)
        if subject is not None and subject in article.orgs:
            target = _organization(subject.text, subject.start_char, subject.end_char)
        target = target or next((s for s in reversed(named) if s.kind == "organization"), None)
        target = target or article.main_organization(sp.start or 0)
    return replace(target, start=sp.start, end=sp.end) if target is not None else sp


_NEWS_WORDS = word_lists("quotes")["news_name"]


def _reports(ent) -> bool:
    """Whether the organisation ``ent`` is the subject of a reporting verb ("Barron's reported"):
    a publication the article cites, whatever its name."""
    return ent.root.dep_ == "nsubj" and ent.root.head.lower_ in reporting_verbs()[0] | {"reported", "reports", "wrote"}


def _news_name(name: str | None) -> bool:
    """Whether ``name`` is a news organisation's ("The Wall Street Journal", "Handelsblatt")."""
    return any(w.lower() in _NEWS_WORDS for w in (name or "").replace("'s", "").split())


#: descriptions that fit any firm: they point to the subject or the story's company, not to
#: whichever organisation the sentence before happened to name
_GENERIC = {"company", "firm", "group"}
_OWN_NAMED = frozenset(word_lists("quotes")["anaphor_named"])
#: words of public bodies' names, which no "the companies" / "the firms" stands for
_PUBLIC_BODY = _OWN_NAMED | {"government", "agency", "authority", "office", "administration", "parliament",
                             "senate", "congress", "union"}


def _resolve_anaphor(sp: Speaker, named: list[Speaker], article: Article, at: int) -> Speaker:
    """Return the named organisation a definite description (``the company``) stands for, or ``sp``."""
    kind = anaphor_nouns().get(sp.head or "")
    if not sp.definite or kind is None or (sp.organization and kind != "org"):
        return sp  # "the maker of Post-It notes": an "of" phrase names no employer
    quoted_orgs = [s for s in named if s.kind == "organization" and s.name]
    target: Speaker | None = None
    if kind == "org":
        firms = [e for e in article.orgs if not _news_name(e.text)]  # a data vendor is no "company"
        before = [e for e in firms if e.end_char <= at]
        holding = [e for e in before if sp.head in e.text.lower().split()]
        if holding and holding[-1].end_char >= at - 600:
            target = _organization(holding[-1].text, None, None)  # "the bank": Bank of China
        elif sp.head in _OWN_NAMED:
            # "the court said": the court named before, however far back; with none, the
            # description stays unnamed ("the court in Karlsruhe" is not the body last named)
            if not holding:
                return sp
            target = _organization(holding[-1].text, None, None)
        subject = article.sentence_subject(at, ("ORG",))
        if target is None and subject is not None and subject in firms:
            target = _organization(subject.text, None, None)
        if target is None and sp.head not in _GENERIC:
            # "... concerns at Moody's Investors Service. The ratings agency said": the body just named
            near = [e for e in article.mentions(("ORG",), *article.previous_sentence(at)) if e in firms]
            if near:
                target = _organization(near[-1].text, None, None)
        if target is None:
            target = article.main_organization(at)
    if target is None and kind == "news":
        # "The Wall Street Journal reported ... the paper said": the last news organisation named
        outlets = [s for s in quoted_orgs if _news_name(s.name)]
        outlets += [_organization(e.text, e.start_char, e.end_char) for e in article.orgs
                    if e.end_char <= at and (_news_name(e.text) or _reports(e))]
        if outlets:
            target = max(outlets, key=lambda s: s.start or 0)
    if target is None and kind == "document":
        target = _document_before(sp, article, at)
    if target is None and quoted_orgs:
        target = quoted_orgs[-1]
    if target is None:
        return sp
    return replace(target, start=sp.start, end=sp.end, role=None)


def _document_before(sp: Speaker, article: Article, at: int) -> Speaker | None:
    """Whose "the statement" / "the poll" is: the named author of the nearest document mentioned
    before ("the survey by pollster Forsa", "the groups said in a statement"), the same noun first;
    None when the article names none within a few paragraphs."""
    found: list[tuple[bool, int, Speaker]] = []
    lo = bisect.bisect_left(article.starts, max(article.floor, at - 1500))
    hi = bisect.bisect_left(article.starts, at)
    for token in article.doc[lo:hi]:
        if not document_noun(token):
            continue
        if article.inside_quote(token.idx):
            continue
        source = _document_source(token)
        if source is None and token.head.lower_ == "in" and token.head.head.lower_ in reporting_verbs()[0]:
            # "X said in a statement": the statement is the reporting verb's subject's
            source = next((c for c in token.head.head.children if c.dep_ == "nsubj"), None)
        if source is None or not (source.pos_ == "PROPN" or source.ent_type_ in ("ORG", "PERSON")):
            continue
        found.append((token.lemma_ == (sp.head or "") or token.lower_ == sp.head, token.idx,
                      speaker_from_head(article.doc, source, (token.sent.start_char, token.sent.end_char), None)))
    named = [f for f in found if f[2].kind in ("person", "organization") and f[2].name]
    if not named:
        return None
    return max(named, key=lambda f: (f[0], f[1]))[2]


_OFFICES = word_lists("quotes")["office"]
_HEADS = {"executive", "head", "chief", "founder", "director", "officer"}


def _resolve_group(sp: Speaker, article: Article, at: int) -> Speaker:
    """Return the organisations "the companies" / "the two banks" stand for: those the sentence
    before (or this one, before the quote) joins by "and" ("Delta and Virgin Atlantic"); else ``sp``."""
    if sp.end is None or sp.head not in anaphor_nouns() and not (sp.head or "").endswith("s"):
        return sp
    head = article.token_before(sp.end)
    if head.tag_ != "NNS" or head.lemma_ not in anaphor_nouns() or anaphor_nouns()[head.lemma_] != "org":
        return sp
    if not any(c.dep_ == "det" and c.lower_ in {"the", "both"} for c in head.lefts):
        return sp
    start, _ = article.previous_sentence(at)
    # the tagger may call one of the firms a person ("Delta Air Lines and [Virgin Atlantic]")
    orgs = [e for e in article.mentions(("ORG", "PERSON"), start, at) if not _news_name(e.text)]
    groups: list[list] = []
    for e in orgs:
        if e.label_ != "ORG" or any(e in g for g in groups):
            continue
        # the names conjoined to it, along the chain: "Deloitte, Ernst & Young, KPMG and PwC"
        members = [e]
        grown = True
        while grown:
            grown = False
            for o in orgs:
                if o not in members and o.root.dep_ == "conj" and any(
                        o.root.head.i in range(m.start, m.end) for m in members):
                    members.append(o)
                    grown = True
        if len(members) > 1:
            groups.append(sorted(members, key=lambda m: m.start))
    if not groups:
        return sp
    names = [_clean_name(m.text) for m in groups[-1]]
    if any(w.lower() in _PUBLIC_BODY for n in names for w in n.split()):
        return sp  # "the companies" are not "the Justice Department and the European Commission"
    name = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return Speaker(name, "organization", sp.start, sp.end, organization=name)


def _resolve_office(sp: Speaker, named: list[Speaker], article: Article, at: int) -> Speaker:
    """Return the person a definite office stands for ("Merkel said ... The German leader also
    said": the subject of the sentence before), or ``sp``."""
    if not sp.definite or sp.head not in _OFFICES:
        return sp
    subject = article.sentence_subject(at, tuple(NAME_LABELS))
    if subject is None:
        return sp
    person = _with_earlier(article.profile(Speaker(_clean_name(subject.text), "person", sp.start, sp.end)), named)
    return replace(person, role=person.role or sp.role)


def resolve(drafts: list, doc: Doc) -> list[Quote]:
    """Resolve pronouns, bare surnames, descriptions and titles over the whole article, in reading
    order; returns the finished quotes in text order."""
    article = Article(doc)
    named: list[Speaker] = []  # named speakers so far, latest last
    unnamed: list[Speaker] = []  # "a spokeswoman for the Bologna police", for "the spokeswoman" later
    last: Speaker | None = None
    lead_title: Speaker | None = None  # "its chief executive said" in the lead, named later
    quotes: list[Quote] = []
    for d in sorted(drafts, key=lambda d: (d.order, d.quote.start)):
        sp = d.speaker
        at = min(d.quote.start, sp.start if sp.start is not None else d.quote.start)
        if sp.kind == "organization" and (any(s.kind == "person" and s.name == sp.name for s in named)
                                          or sp.name in article.surnames
                                          or any(p.name == sp.name for p in article.people)):
            sp = replace(sp, kind="person", organization=None)  # once a person, always a person
        if sp.kind == "pronoun-unresolved":
            sp = _resolve_pronoun(sp, named, last, article, at)
        elif sp.kind == "unnamed" and sp.name and (named_later := article.named_next(sp)) is not None:
            sp = named_later
        elif sp.kind == "unnamed" and sp.name:
            resolved = _resolve_anaphor(sp, named, article, at)
            if resolved is sp:
                resolved = _resolve_office(sp, named, article, at)
            if resolved is sp:
                resolved = _resolve_group(sp, article, at)
            if resolved is sp and sp.definite:
                # "A Dow spokeswoman said ... the spokeswoman said": the one described before (not
                # for "analysts" or "one trader": other people of the same kind)
                head_word = sp.name.split()[-1].lower()
                earlier = next((s for s in reversed(unnamed) if s.name and s.name.split()[-1].lower() == head_word),
                               None)
                if earlier is not None:
                    sp = replace(sp, role=sp.role or earlier.role, organization=sp.organization or earlier.organization)
            else:
                sp = resolved
        if sp.kind == "person":
            sp = _carry(article.profile(sp), named)
            if (sp.organization is None and lead_title is not None and (sp.role is None or _corporate(sp.role))
                    and (sp.role is None or lead_title.organization) and not any(s.kind == "person" for s in named)):
                # "... its chief executive said on Friday. 'Quote,' Michael O'Leary said": the lead's
                # title belongs to the first person the story names ("the head of UniCredit said ...
                # Chief Executive Federico Ghizzoni said": UniCredit's, not the story's other bank)
                sp = replace(sp, role=sp.role or lead_title.role, organization=lead_title.organization)
            if sp.organization is None and sp.org_ref:
                sp = replace(sp, organization=_firm_of(sp.org_ref, named, article, _mention_at(sp, at)))
            if sp.organization is None and (sp.role or "").lower() in _SPOKES:
                # "Raytheon said it remained confident. '...,' said spokesman Dave Desilets": the
                # organisation that spoke just before
                start, _ = article.previous_sentence(at)
                spoke = next((s for s in reversed(named) if s.kind == "organization" and (s.start or 0) >= start), None)
                if spoke is not None:
                    sp = replace(sp, organization=spoke.name)
            if sp.organization is None and _corporate(sp.role):
                # "Vivendi is selling its stake in Activision. Chief Financial Officer Philippe Capron
                # said": the organisation the sentence before is about; else, "Chief Executive Elon
                # Musk" in a story about Tesla: the story's company
                subject = article.sentence_subject(at, ("ORG",), main=True)
                if subject is not None and subject in article.orgs and not _news_name(subject.text):
                    sp = replace(sp, organization=_clean_name(subject.text))
                else:
                    main = article.main_organization(at)
                    sp = replace(sp, organization=main.name) if main is not None else sp
        if not d.inherits:
            last = sp
            if sp.kind in ("person", "organization"):
                named.append(sp)
        if (sp.kind == "unnamed" and sp.organization and sp.head in organization_types()
                and not sp.role and sp.head not in ("government",)):
            # "One Chinese oil engineering firm, Hong Kong-listed Wison Engineering Services, said":
            # the firm the description names is the speaker
            sp = replace(sp, name=sp.organization, kind="organization")
        if sp.kind == "unnamed" and sp.organization is None and sp.org_ref:
            sp = replace(sp, organization=_firm_of(sp.org_ref, named, article, _mention_at(sp, at)))
        if sp.kind == "unnamed":
            unnamed.append(sp)
            if (lead_title is None and sp.role and (sp.definite or sp.org_ref) and sp.head in _OFFICES | _HEADS
                    and (sp.start or 0) < article.lead_end):
                lead_title = sp
        quotes.append(replace(d.quote, speaker=sp.name, speaker_kind=sp.kind, role=sp.role,
                              organization=sp.organization, speaker_start=sp.start, speaker_end=sp.end))
    return sorted(quotes, key=lambda q: (q.start, q.end))


_CORPORATE = word_lists("quotes")["corporate_role"]
_SPOKES = {"spokesman", "spokeswoman", "spokesperson", "company spokesman", "company spokeswoman"}


def _corporate(role: str | None) -> bool:
    """Whether ``role`` is an office inside a company ("chief executive", "founder", "chairman")."""
    words = (role or "").lower().replace("-", " ").split()
    # any ending of the title: "chief financial officer", "senior vice president and cfo"
    return any(" ".join(words[-k:]) in _CORPORATE for k in range(1, min(len(words), 5) + 1))


def _mention_at(sp: Speaker, at: int) -> int:
    """Where a title's "its" is read from: the speaker's own mention ("Ryanair may appeal, its chief
    executive said": the subject before it), else the quote."""
    return sp.start if sp.start is not None else at


def _firm_of(ref: str, named: list[Speaker], article: Article, at: int) -> str | None:
    """The organisation ``its`` / ``their`` / ``the bank`` (the owner of a title) stands for."""
    probe = Speaker(ref, "unnamed", head=ref, definite=True)
    if ref in ("its", "their"):
        # "Infiniti, the luxury brand of Nissan, will meet its target, its president said": the
        # organisation that is the subject of the title's own sentence
        subject = article.sentence_subject(at, ("ORG",), previous=False)
        if subject is not None and subject in article.orgs:
            return _clean_name(subject.text)
        main = article.main_organization(at)
        start, _ = article.previous_sentence(at)
        sentence = [t for _, end, t in article.companies if start <= end <= at]
        sentence += [e.text for e in article.orgs if start <= e.end_char <= at]
        if main is not None and main.name in {_clean_name(t) for t in sentence}:
            return main.name  # "Ryanair may appeal ..., its chief executive said": the story's company
        probe = replace(probe, head="company")
    found = _resolve_anaphor(probe, named, article, at)
    return found.name if found is not probe else None


def _carry(sp: Speaker, named: list[Speaker]) -> Speaker:
    """Fill a person's role and firm from their earlier quotes (``Kenji Abe`` for a later ``Abe``)."""
    surname = sp.name.split()[-1] if sp.name else None
    for s in reversed(named):
        longer = s.name is not None and sp.name is not None and len(sp.name.split()) < len(s.name.split())
        if s.kind == "person" and longer and s.name.split()[-1] == surname:
            return replace(s, start=sp.start, end=sp.end, role=sp.role or s.role,
                           organization=sp.organization or s.organization)
    same = next((s for s in reversed(named) if s.name == sp.name), None)
    if same is not None:
        return replace(sp, role=sp.role or same.role, organization=sp.organization or same.organization)
    return sp
