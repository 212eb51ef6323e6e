"""Who a speaker is: the name, role and firm of a mention, read off the entities and the words around it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from nlp.components import doc_text
from nlp.components.quotes.lexicon import (
    ARTICLES, GROUP_PRONOUNS, NAME_LABELS, ORG_CONNECTORS, ORG_LABELS, ORG_PREPOSITIONS, PERSON_PRONOUNS,
    THING_PRONOUNS, organization_nouns, organization_types, reporting_verbs, role_words, title_modifiers,
    unnamed_speaker_nouns,
)
from nlp.instruments import InstrumentMaster
from nlp.paths import word_lists


@dataclass
class Speaker:
    """Who a quote is attributed to, before pronoun and surname resolution."""

    name: str | None
    kind: str  # person, organization, unnamed, pronoun-unresolved
    start: int | None = None
    end: int | None = None
    role: str | None = None
    organization: str | None = None
    head: str | None = None  # an unnamed speaker's head noun ("company" of "the company")
    org_ref: str | None = None  # the firm as a pronoun or description ("its president": "its")
    definite: bool = False  # "the company", "the world's top producer": it points back to a named one


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    return [t for t in span if t.idx >= start and t.idx + len(t.text) <= end]


_ENTS_KEY = "newslink_quotes_ents"


_CACHE_KEY = "newslink_quotes_cache"


def _per_doc(doc: Doc, name: str, compute):
    """``compute(doc)``, kept for the length of one extraction (``extract_quotes`` drops it)."""
    cache = doc.user_data.setdefault(_CACHE_KEY, {})
    if name not in cache:
        cache[name] = compute(doc)
    return cache[name]


def _ents(doc: Doc) -> tuple:
    """The doc's entities, read once per extraction (``doc.ents`` walks every token)."""
    ents = doc.user_data.get(_ENTS_KEY)
    return ents if ents is not None else tuple(doc.ents)


def _entity_of(token: Token):
    if not token.ent_type_ and token.pos_ != "PROPN":
        return None  # only a proper noun may sit in a possessive name the tagger ended early
    for ent in _ents(token.doc):
        if ent.start <= token.i < ent.end:
            return ent
    return None


def quote_entities(doc: Doc) -> tuple:
    """The doc's entities as the quotes extractor reads them: an organisation whose name holds a
    possessive ("Moody's Investors Service", "Moody's Analytics'"), which the tagger ends at the
    "'s", runs on to the capitalised name it opens. "Daiwa's Roe" (a person) and "Moody's chief
    economist" (a common noun) stay apart."""
    out = []
    for ent in doc.ents:
        if ent.label_ == "ORG" and ent[-1].text in ("'s", "\u2019s") and len(ent) > 1:
            head = ent[0].head
            between = doc[ent.end : head.i + 1]
            if (head.i >= ent.end and head.pos_ == "PROPN" and ent[0].dep_ == "poss"
                    and all(t.pos_ == "PROPN" and not t.ent_type_ and t.text[:1].isupper() for t in between)
                    and head.lower_ not in role_words() | title_modifiers() and len(between) <= 3):
                ent = Span(doc, ent.start, head.i + 1, label="ORG")
        out.append(ent)
    return tuple(out)


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
_AFTER_ORG = word_lists("quotes")["after_org"]


def _clean_name(name: str) -> str:
    name = re.sub(r"^(the|The|But|And|Or)\s+", "", name.strip(" ,;:"))
    name = re.sub(r"^(?:\S+\s+){0,2}?\S+-(?:based|listed)\s+(?=\S)", "", name)  # "(New) York-based Tau": Tau
    return re.sub(r"(’s|'s|’|')$", "", name).strip()


def _org_run(words: list[str]) -> str | None:
    """Return the leading run of capitalised words (``Bank of America Merrill Lynch``), or None.

    A kind of firm before the name is skipped (``brokerage Edward Jones``, ``hedge fund X``).
    None also when the run only modifies a common noun (``the Washington think-tank``).
    """
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if words and words[0].lower() in {"his", "her", "its", "their", "our", "my"}:
        return None  # "His deputy": a possessive pronoun names no firm
    based = next((i for i, w in enumerate(words[:4]) if w.lower().endswith("-based")), None)
    if based is not None and based + 1 < len(words):
        words = words[based + 1 :]  # "New York-based Tau Investment Management": where, then who
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
        elif w.isdigit() and run and i + 1 < len(words) and _capitalized(words[i + 1]):
            run.append(w)  # "United Steelworkers Local 8782 President"
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
        following = [w.strip(",;:.").lower() for w in words[stopped_at + 1 : stopped_at + 3]]
        if nxt in title_modifiers() and following[:1] and following[0] in role_words():
            return " ".join(run)  # "J.P. Morgan global strategist"
        kinds = organization_types() | organization_nouns()
        if nxt in organization_types() and stopped_at + 1 < len(words) and _capitalized(words[stopped_at + 1]):
            return _org_run(words[stopped_at + 1 :])  # "PMI compiler Markit": the firm is the name after
        if (nxt.isalpha() and following[:1] and following[0] in organization_types()
                and stopped_at + 2 < len(words) and _capitalized(words[stopped_at + 2])):
            return _org_run(words[stopped_at + 2 :])  # "Houston law firm Diamond McCarthy": the name after
        if nxt.isalpha() and following[:1] and following[0] in kinds:
            return " ".join(run + [nxt, following[0]])  # "the Emnid polling group"
        if nxt.replace("-", "").isalpha() and nxt not in _AFTER_ORG and nxt not in reporting_verbs()[0]:
            return None
    return " ".join(run)


def _role_phrase(words: list[str], whole: bool = False) -> str | None:
    """Return the job title in ``words`` (articles, possessives and places dropped), or None.

    ``whole``: the firm is already known ("Standard Chartered's head of Hong Kong and China equity
    research"), so an "of" phrase is part of the title, not the firm."""
    out: list[str] = []
    for i, w in enumerate(words):
        w = w.strip(",;:")
        if w.lower() in {"in", "based", "who", "which", "on", "said", "says"}:
            break
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if any(x.lower() in role_words() for x in out) and (
                w.lower() in {"urging", "calling", "saying"}
                or (w.lower() == "and" and nxt.lower() in ARTICLES | {"one", "also", "now", "former"})):
            break  # "a Shizuoka University professor and one of two advisers to Abe urging caution"
        if out and w.lower() in ORG_PREPOSITIONS and not (whole and w.lower() == "of") and (
                nxt.lower() in ARTICLES or _capitalized(nxt)
                or any(x.lower() in organization_types() for x in words[i + 1 : i + 4])):
            break  # "president of the Washington think-tank": the title ends at the organization
        if w in ("'s", "’s", "'", "’", "") or w.lower().endswith("-based"):
            while w.lower().endswith("-based") and out and _capitalized(out[-1]):
                out.pop()  # "New Jersey-based adviser": the place is where, not what
            continue
        out.append(w)
    while out and out[0].lower() in ARTICLES | {"who", "is", "was", "and", "its", "their", "his", "her"}:
        out = out[1:]
    while out and out[-1].lower() in ORG_PREPOSITIONS + ("the",):
        out = out[:-1]
    if out and out[-1].endswith(".") and out[-1][:-1].isalpha() and out[-1][:-1].islower() and len(out[-1]) > 4:
        out[-1] = out[-1][:-1]  # "a longtime branding professional." at the sentence's end
    roles = role_words()
    if not out or len(out) > (10 if whole else 6) or not any(w.lower() in roles for w in out):
        return None
    return " ".join(out)


def _after_word(text: str, name: str, words: set[str]) -> bool:
    """Whether ``name`` occurs in ``text`` right after one of ``words`` (a "the" between allowed)."""
    pos = text.find(name)
    if pos <= 0:
        return False
    before = text[:pos].lower().split()
    if before and before[-1] == "the":
        before = before[:-1]
    return bool(before) and before[-1] in words


def _after_kind_of_firm(descriptor: str, name: str) -> bool:
    """Whether ``name`` follows a kind of firm in ``descriptor`` ("think tank Bruegel")."""
    return _after_word(descriptor, name, set(organization_types()))


#: verbs of running a firm, in a relative clause after a name ("who runs Plains Commodities")
_RUNS = {"runs", "ran", "heads", "headed", "leads", "led", "chairs", "chaired", "manages", "managed",
         "founded", "co-founded", "oversees", "owns"}

#: a participle of where or to whom someone spoke ("speaking to the Business Roundtable")
_VENUE = re.compile(r"\s*(?:speaking|addressing|testifying|appearing|talking|writing|presenting)\b", re.I)

#: a source's knowledge of a firm, not their employer ("familiar with the talks", "close to Rosneft")
_KNOWING = re.compile(r"\s*(?:with\s+(?:direct\s+|first-hand\s+|detailed\s+)?knowledge\s+of|familiar\s+with|"
                      r"close\s+to|briefed\s+(?:on|about)|aware\s+of|knowledgeable\s+about|"
                      r"with\s+(?:direct\s+)?(?:access|ties)\s+to)\b", re.I)


def describe(descriptor: str, org_names: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """Return (role, organization) read from a speaker descriptor; either may be None.

    ``org_names`` are organizations the parser found in the descriptor; they win over the
    capitalisation heuristics. Examples:
    ``"an analyst at Daiwa Securities"`` -> ("analyst", "Daiwa Securities");
    ``"Daiwa Securities analyst"`` -> ("analyst", "Daiwa Securities");
    ``"managing partner at Harris Financial Group in Richmond"`` ->
    ("managing partner", "Harris Financial Group").
    """
    first_words = descriptor.split()[:2]
    if first_words and first_words[0].lower() in {"who", "which", "that", "whose"}:
        if len(first_words) == 2 and first_words[1].lower() in _RUNS:
            # "Doug McClelland, who runs Plains Commodities": the firm they run
            rest = descriptor.split(None, 2)[2:]
            named = [n for n in org_names if rest and rest[0].startswith(n.split()[0])]
            return None, (_clean_name(named[0]) if named else _org_run(rest[0].split()) if rest else None)
        return None, None  # a relative clause ("who rates UBS at accumulate") says no title
    if _KNOWING.match(descriptor):
        return None, None  # "a person with knowledge of Chevron's plans": what they know, not who employs them
    if _VENUE.match(descriptor):
        return None, None  # "Obama, speaking to the Business Roundtable": the audience, not the employer
    clause = re.search(r"\b(?:who|which|that)\s+(\S+)", descriptor)
    if clause and clause.group(1).lower() not in _RUNS:
        # "an attorney who represents Price": names inside the relative clause are clients or
        # subjects, not the employer
        descriptor = descriptor[: clause.start()].rstrip(" ,")
        org_names = tuple(n for n in org_names if n in descriptor)
        if not descriptor.strip():
            return None, None
    roles = role_words()
    # "Treasury trader at ING Investment Management": the firm after "at" is the employer
    # "head of EU policy for Facebook": after "at"/"for"/"with" before after "of"; a capitalised
    # name there counts though the tagger missed it
    if org_names and not any(_after_word(descriptor, n, set(ORG_PREPOSITIONS) - {"of"}) for n in org_names):
        late = re.search(r"\b(?:at|for|with)\s+(?:the\s+)?([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)", descriptor)
        late_name = _org_run(late.group(1).split()) if late else None
        if late_name:
            org_names = (*org_names, late_name)
    org_names = sorted(org_names, key=lambda n: (not _after_word(descriptor, n, set(ORG_PREPOSITIONS) - {"of"}),
                                                 not _after_word(descriptor, n, set(ORG_PREPOSITIONS))))
    for name in org_names:
        pos = descriptor.find(name)
        if pos == -1 or all(w.lower() in roles | title_modifiers() for w in name.split()):
            continue
        rest = descriptor[pos + len(name) :].split()
        if len(rest) > 1 and rest[0].lower() in organization_types() and _capitalized(rest[1]):
            later = _org_run(rest[1:])  # "PMI compiler Markit": the name after the kind of firm is the firm
            if later:
                return _role_phrase(descriptor[:pos].split()), later
        before, after = descriptor[:pos].split(), descriptor[pos + len(name) :].split()
        # the tagger may cut a name short ("RBC [Capital Market] analyst"): take capitalised neighbours
        while (before and _capitalized(before[-1]) and before[-1].lower() not in roles | title_modifiers()
               and before[-1].lower() not in ARTICLES):
            name = before.pop() + " " + name
        # ... or end it on a connector ("Society of Professional Engineering Employees in [Aerospace]")
        while name.split()[-1].lower() in ORG_CONNECTORS | {"in"} and after and _capitalized(after[0]):
            name = name + " " + after.pop(0)
        while len(after) > 1 and after[0].isdigit():
            name = name + " " + after.pop(0)  # "United Steelworkers Local [8782] President"
        tail_words = name.split()
        moved: list[str] = []
        while (len(tail_words) > 1 and tail_words[-1].lower() in title_modifiers() and after
               and after[0].lower().strip(",") in roles):
            moved.insert(0, tail_words.pop())  # "EU Competition Commissioner": the portfolio is the title's
        if moved:
            name = " ".join(tail_words)
            after = moved + after
        possessive = bool(re.search(r"(’s|'s)$", name)) or descriptor[pos + len(name):].startswith(("'s", "’s"))
        # "director of the labor and industry group at the Center for ...": with the firm after
        # "at", an "of" before it is the title's own
        later_firm = any(w.lower() in ORG_PREPOSITIONS and w.lower() != "of" for w in before[1:])
        role = _role_phrase(before, whole=later_firm)
        if role is None:
            # "the BRC's head of Media and Campaigns": after the firm's possessive, "of" is the title's
            modifiers = [w for w in before if w.lower() not in ARTICLES]
            role = _role_phrase(after, whole=possessive and not modifiers)
            if role and modifiers and all(w.lower() in title_modifiers() for w in modifiers):
                role = " ".join(modifiers + [role])  # "a former Facebook executive": a former executive
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
    # a title before the name: "Daiwa Securities analyst", "Bank of Japan Governor", "former
    # Facebook executive" (the modifier belongs to the title)
    lead = 0
    while lead < len(words) - 1 and words[lead].lower() in title_modifiers() and not _capitalized(words[lead]):
        lead += 1
    run = _org_run(words[lead:])
    run_words = run.split() if run else []
    j = next((k for k, x in enumerate(run_words) if x.lower() in roles), len(run_words))
    while j > 0 and run_words[j - 1].lower() in title_modifiers():
        j -= 1
    if 0 < j:
        org = " ".join(run_words[:j])
        role = _role_phrase(words[lead + j :])
        if role:
            return " ".join(words[:lead] + [role]), org
    return _role_phrase(words), None


def _person_surnames(doc: Doc) -> frozenset[str]:
    """Return the last words of multi-word PERSON names in ``doc`` (``Lagarde`` of ``Christine Lagarde``)."""
    return _per_doc(doc, "surnames", lambda d: frozenset(
        e[-1].text for e in _ents(d) if e.label_ in NAME_LABELS and len(e) > 1))


def _org_words(doc: Doc) -> frozenset[str]:
    return _per_doc(doc, "org_words", lambda d: frozenset(t.text for e in _ents(d) if e.label_ == "ORG" for t in e))


def _capitalised_elsewhere(token: Token) -> bool:
    """Whether a sentence-initial noun ("Activision said") is written capitalised inside a sentence
    elsewhere in the doc: a name the tagger read as a common noun."""
    if not (token.text in _org_words(token.doc) or token.text in _person_surnames(token.doc)):
        return False
    text = doc_text(token.doc)
    for m in re.finditer(rf"\b{re.escape(token.text)}\b", text):
        before = text[: m.start()].rstrip()
        if m.start() != token.idx and before and before[-1] not in ".!?\"\u201c\u201d:" and "\n" not in text[len(before) : m.start()]:
            return True
    return False


#: heads of a speaker that is a share of a group ("49 percent of the foundations surveyed")
SHARE_WORDS = frozenset({"percent", "%", "half", "third", "quarter", "majority", "minority", "most",
                         "many", "some", "all", "none", "two-thirds", "three-quarters"})


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
    capitalised_noun = (head.pos_ == "NOUN" and head.text[:1].isupper()
                        and (not head.is_sent_start or _capitalised_elsewhere(head))
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
    # common noun: keep numerals and adjectives ("one trader", "other analysts") and a prefix
    # joined by a hyphen ("RBI-watchers")
    keep = [head]
    doc = head.doc
    while (keep[0].i >= 2 and doc[keep[0].i - 1].text == "-" and not doc[keep[0].i - 1].whitespace_
           and not doc[keep[0].i - 2].whitespace_):
        keep.insert(0, doc[keep[0].i - 2])
    for t in reversed([t for t in head.lefts if t.i < keep[0].i]):
        modifier = t.dep_ in ("nummod", "amod", "det", "compound")
        if modifier and t.lower_ not in ARTICLES and t.ent_type_ not in ORG_LABELS:
            if t.dep_ == "det" and t.lower_ not in {"one", "another", "some", "several", "many", "other", "most"}:
                break
            if t.pos_ == "PROPN":
                if _firm_before_role(t, head):
                    # "Sberbank CIB analysts": the firm's name is the speaker's
                    keep[0:0] = _firm_words(t)
                    continue
                break
            keep.insert(0, t)
        else:
            break
    end = head.idx + len(head.text)
    if head.lower_ in SHARE_WORDS or head.like_num:
        # "49 percent of the foundations surveyed", "half of the economists": a share names its group
        part = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        if part is not None and any(c.dep_ == "pobj" for c in part.children):
            last = part.right_edge
            end = last.idx + len(last.text)
    return keep[0].idx, end, "noun"



def _named_members(head: Token) -> Token | None:
    """The first named organisation in apposition to a plural organisation noun ("two companies,
    Wal-Mart Stores Inc and American Express,"), or None."""
    if head.pos_ != "NOUN" or head.tag_ != "NNS" or head.lemma_.lower() not in organization_types():
        return None
    for c in head.rights:
        if c.dep_ == "appos" and c.ent_type_ in ORG_LABELS:
            return c
    return None


def _firm_words(token: Token) -> list[Token]:
    """The proper nouns of the name ``token`` ends ("Sberbank CIB" of "Sberbank CIB analysts")."""
    return [t for t in token.doc[token.left_edge.i : token.i + 1] if t.pos_ == "PROPN"]


def _firm_before_role(token: Token, head: Token) -> bool:
    """Whether ``token`` is a word of an untagged firm's name before a role noun ("Sberbank CIB
    analysts"): a capitalised proper-noun compound of a role word, not a person's or a place's."""
    return (token.dep_ == "compound" and token.pos_ == "PROPN" and head.lower_ in role_words()
            and token.text[:1].isupper() and token.ent_type_ in ("", "ORG")
            and token.lower_ not in role_words() | title_modifiers())


def _org_names_in(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    return tuple(e.text for e in _ents(doc) if e.label_ == "ORG" and e.start_char >= start and e.end_char <= end)


def _dateline_end(doc: Doc) -> int:
    return _per_doc(doc, "dateline_end", lambda d: _skip_dateline(doc_text(d), 0, min(len(doc_text(d)), 120)))


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
    if kind == "name" and name not in surnames and head.lower_ not in role_words() and link_organization(name):
        return "org"  # the master knows the company ("Citi said", "Virgin Media said")
    if kind == "name" and head.lower_ in role_words() and not_a_person:
        return "noun"  # "the Minister said"
    if apposition and kind == "name":
        words = [w.strip(",") for w in apposition.lower().split()[:5]]
        cut = next((k for k, w in enumerate(words) if w in ORG_PREPOSITIONS or w in {"after", "in", "by"}), len(words))
        relative = bool(words) and words[0] in {"who", "which", "that", "whose"}
        if (any(w in organization_types() for w in words[:cut]) and not any(w in role_words() for w in words)
                and not relative):
            if not_a_person or name not in surnames:
                # "Bild, an influential newspaper, said"; "Air Berlin, Germany's second-biggest
                # airline, said" though tagged a person: the master knows the company
                return "org"
    return kind


def speaker_from_head(doc: Doc, head: Token, window: tuple[int, int], cue: Token | None) -> Speaker:
    """Return the :class:`Speaker` whose mention is headed by ``head``, with role and organization."""
    if head.lower_ in {"who", "which", "that"} and head.head.dep_ == "relcl":
        head = head.head.head  # "analysts, who said ...": the relative clause's noun
        if head.dep_ == "appos" and head.head.ent_type_ in NAME_LABELS and head.head.i < head.i:
            head = head.head  # "Jay Jurata, an antitrust partner at Orrick, who said": the named one
    if head.idx < _dateline_end(doc):
        # the parser glued the dateline to the subject: "PARIS (Reuters) - Mexico ... said"
        later = [t for t in head.subtree if t.idx >= _dateline_end(doc) and t.pos_ in ("PROPN", "NOUN", "PRON")]
        if later:
            head = _phrase_head(later[0])
    title_token = None
    if head.pos_ == "NOUN" and head.lower_ in role_words():
        # "the bank's president Li Lihui said": the name in apposition is the speaker
        named = [c for c in head.rights if c.dep_ in ("appos", "compound") and c.ent_type_ in NAME_LABELS]
        if named:
            title_token, head = head, named[0]
    elif head.dep_ == "appos" and head.head.i < head.i and head.head.lower_ in role_words():
        title_token = head.head  # "its new president, David Marcus"
    named = _named_members(head)
    if named is not None:
        head = named  # "Two companies, Wal-Mart Stores Inc and American Express, said": the named ones
    if document_noun(head):
        source = _document_source(head)
        if source is not None:
            head = source  # "the report by the Government Accountability Office said"
    title_from = None
    if head.pos_ == "PROPN":
        # "said Sterne, Agee & Leach analyst Henry Coffey": the firm's name opens the phrase, the
        # person after the role word is the speaker
        later = [t for t in head.subtree if t.i > head.i and t.ent_type_ in NAME_LABELS and t.pos_ == "PROPN"
                 and t.head.i != t.i and any(x.lower_ in role_words() and x.pos_ == "NOUN" and x.head.i == t.i
                                             for x in t.lefts)]
        if later and not any(t.is_sent_start for t in head.doc[head.i + 1 : later[0].i + 1]):
            title_from = min(t.idx for t in head.subtree)
            head = later[0]
    start, end, kind = _mention_span(head)
    name = doc_text(doc)[start:end]
    if kind == "pronoun":
        return Speaker(name, "pronoun-unresolved", start, end)
    start, name = _drop_heading(doc, start, end, name)
    title = []
    words = name.split()
    while kind != "noun" and len(words) > 1 and (
            words[0].lower() in role_words()
            or (words[0].lower() in title_modifiers() and words[1].lower() in role_words() | title_modifiers())):
        # the tagger put the title inside the name: "CFO Gerspach", "Former CEO Smith" (not the
        # "New" of "New York Federal Reserve")
        title.append(words.pop(0))
    if title:
        start = doc_text(doc).index(words[0], start)
        name = doc_text(doc)[start:end]
        kind = "name"
    before, after = _descriptors(doc, head, (start, end), window, cue)
    if title_from is not None:
        before = (title_from, start)  # "Sterne, Agee & Leach analyst"
        kind = "name"
    if title_token is not None and before is None:
        lefts = [t for t in title_token.subtree if t.i <= title_token.i and t.idx >= max(window[0], _dateline_end(doc))]
        before = (lefts[0].idx, title_token.idx + len(title_token.text)) if lefts else None
    kind = _refine_kind(doc, head, name, kind, doc_text(doc)[after[0] : after[1]] if after else None)
    role = org = None
    nationalities = _per_doc(doc, "nationalities", lambda d: {e.text for e in _ents(d) if e.label_ == "NORP"})
    places = _per_doc(doc, "places", lambda d: {_clean_name(e.text) for e in _ents(d) if e.label_ == "GPE"})
    for a, b in (x for x in (before, after) if x):
        descriptor = doc_text(doc)[a:b]
        r, o = describe(descriptor, _org_names_in(doc, a, b))
        descriptor = descriptor.strip()
        named_kind = bool(o) and _after_kind_of_firm(descriptor, o)
        if o and _place_like(o, places) and not named_kind:
            # "U.S. Attorney Preet Bharara", "investor Brian Gralnick of Pennsylvania": a place is
            # part of the title or where the speaker is, not an employer
            if r and descriptor.startswith(o):
                r = f"{o} {r}"
            o = None
        role = role or r
        if o and all(w in nationalities for w in o.split()):
            # "Cypriot President": a nationality, not a firm; a minister's is the government
            if r and any(w in _GOVERNMENT_OFFICES for w in r.lower().split()):
                org = org or f"{o} government"
        elif o:
            org = org or o
    if after is not None and role and org is None and kind != "noun":
        org = _firm_after_title(doc, after[1], window[1])
    if kind == "noun":
        # "a Marvell spokesman", "the Richmond police": a named modifier is the organization
        place_ok = head.lower_ in organization_nouns()
        # "EU carmakers", "U.S. banks": firms of a kind, whose named modifier is no employer
        speaker_noun = not (head.tag_ == "NNS" and head.lemma_.lower() in organization_types())
        mods = [] if not speaker_noun else [t for t in head.lefts if t.dep_ in ("compound", "poss", "nmod")
                and (t.ent_type_ == "ORG" or (place_ok and t.ent_type_ == "GPE") or _firm_before_role(t, head))
                and doc_text(doc)[t.idx + len(t.text) : t.idx + len(t.text) + 1] != "-"]
        if mods and org is None:
            first = mods[0]
            if _firm_before_role(mods[0], head):  # "Sberbank CIB analysts": the whole name, no article
                first = _firm_words(mods[0])[0]
            org = _clean_name(doc_text(doc)[first.idx : mods[-1].idx + len(mods[-1].text)]) or None
            if org and place_ok:
                org = f"{org} {head.lower_}"
        if org is None:
            org = _government_of(head)
        if role is None and head.lower_ in role_words():
            if head.pos_ == "PROPN":
                role = name
            else:  # "its chief executive": the title words before the noun belong to the role
                k = head.i
                while k > 0 and doc[k - 1].lower_ in role_words() | title_modifiers() and doc[k - 1].idx >= start:
                    k -= 1
                role = doc_text(doc)[doc[k].idx : head.idx + len(head.text)].lower()
        org_ref = None
        if org is None and head.lower_ in role_words():
            # "the union spokeswoman", "a company spokesman": the firm is the one the noun points to
            kinds = [t for t in head.lefts if t.dep_ == "compound" and t.pos_ == "NOUN" and t.lower_ in organization_types()]
            org_ref = kinds[-1].lower_ if kinds else _possessor(head)
        if not speaker_noun:
            org = None  # "EU carmakers": a named modifier of a group is no employer
        return Speaker(name, "unnamed", start, end, role, org, head=head.lower_, definite=_definite(head),
                       org_ref=org_ref)
    role = role or (" ".join(title) if title else None)
    if kind == "org" and role is None:
        return Speaker(name, "organization", start, end, None, _clean_name(name))
    # organizations have no job titles: with one, the tagger mislabelled a person
    org_ref = None
    if org is None:
        org_ref = _possessor(title_token if title_token is not None else head)
    return Speaker(name, "person", start, end, role, org, org_ref=org_ref)


def _government_of(head: Token) -> str | None:
    """ "an Italian government source", "a U.S. government official": the nation's government;
    None without a "government" modifier led by a nationality or a place."""
    lefts = list(head.lefts)
    gov = next((t for t in lefts if t.dep_ == "compound" and t.lower_ == "government"), None)
    if gov is None:
        return None
    nation = [t for t in lefts + list(gov.lefts) if t.i < gov.i and t.ent_type_ in ("NORP", "GPE")]
    if not nation:
        return None
    first, last = min(nation, key=lambda t: t.i), max(nation, key=lambda t: t.i)
    if any(not (t.ent_type_ in ("NORP", "GPE") or t.is_punct) for t in head.doc[first.i : last.i + 1]):
        return None
    return f"{doc_text(head.doc)[first.idx : last.idx + len(last.text)]} government"


#: words of a court's or prosecutor's jurisdiction in a title ("U.S. District Judge")
_JURISDICTION = {"district", "circuit", "federal", "southern", "northern", "eastern", "western", "bankruptcy"}


def _place_like(name: str, places: set[str]) -> bool:
    """Whether ``name`` is a place or places with a jurisdiction ("Manhattan U.S." of "Manhattan U.S.
    Attorney", "U.S. District" of "U.S. District Judge"): part of a title, not an employer."""
    if name in places:
        return True
    place_words = {w for p in places for w in p.split()}
    words = name.split()
    return (any(w in place_words for w in words)
            and all(w in place_words or w.lower() in _JURISDICTION for w in words))


def _firm_after_title(doc: Doc, start: int, limit: int) -> str | None:
    """The firm in a second comma phrase after a title ("Peter Krasilovsky, vice president and
    program director, BIA/Kelsey"; "..., Chief Investment Officer, of IDBI Federal Life"): a
    capitalised name that ends the attribution; None for a date, a place, a person or anything else."""
    text = doc_text(doc)
    m = re.match(r"\s*,\s*(?:of\s+|at\s+)?([A-Z][^,;()]*?)\s*(?=[.,;]|$)", text[start:limit])
    if m is None:
        return None
    a, b = start + m.start(1), start + m.end(1)
    toks = _tokens_in(doc, a, b)
    if not toks or any(t.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "PERSON", "NORP") for t in toks):
        return None
    run = _org_run(text[a:b].split())
    return run if run is not None and len(run) == b - a else None


def _definite(head: Token) -> bool:
    """Whether a common-noun mention points back: ``the company``, ``the world's top producer``,
    ``the German daily`` (not ``a company``, ``one bank``, ``companies``)."""
    if head.tag_ in ("NNS", "NNPS"):
        return False
    for child in head.lefts:
        if child.dep_ == "det":
            return child.lower_ in {"the", "this", "that"}
        if child.dep_ == "poss":
            return child.lower_ not in {"its", "their", "his", "her", "our", "my", "your"} and any(
                t.lower_ == "the" for t in child.lefts) or child.ent_type_ in ("GPE", "LOC")
    return False


def _phrase_head(token: Token) -> Token:
    """Climb compound/flat links to the head of a noun phrase ("Sterne" of "Sterne, Agee & Leach
    analyst Henry Coffey" climbs to "Coffey")."""
    while token.head is not token and (
            token.dep_ in ("compound", "flat", "nummod", "amod", "det")
            or (token.dep_ == "nmod" and token.head.ent_type_ in NAME_LABELS and token.head.i > token.i)):
        token = token.head
    return token


_POSSESSIVE_PRONOUNS = {"its", "their"}
_GOVERNMENT_OFFICES = word_lists("quotes")["government_office"]


def _possessor(token: Token) -> str | None:
    """The firm a title is owned by, as a pronoun or a description to resolve over the article:
    "its" of "its new president", "bank" of "the bank's president"; None otherwise."""
    for t in (token, *[c for c in token.lefts if c.dep_ == "compound" and c.lower_ in role_words()]):
        for c in t.lefts:
            if c.dep_ != "poss":
                continue
            if c.lower_ in _POSSESSIVE_PRONOUNS:
                return c.lower_
            if c.pos_ == "NOUN" and any(d.dep_ == "det" and d.lower_ == "the" for d in c.lefts):
                return c.lower_
    for prep in token.rights:  # "the head of its investment bank"
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and any(c.dep_ == "poss" and c.lower_ in _POSSESSIVE_PRONOUNS for c in obj.lefts):
                    return next(c.lower_ for c in obj.lefts if c.dep_ == "poss")
    return None


def document_noun(token: Token) -> bool:
    """Whether ``token`` names a document or a data set that speaks for its author ("the report")."""
    return token.pos_ == "NOUN" and token.lower_ in _DOCUMENTS


_DOCUMENTS = word_lists("quotes")["document"]


def _document_source(token: Token) -> Token | None:
    """The named author of a document noun: "StarMine data", "the IMF's report", "a report by the
    GAO", "data by Jason Goepfert"; None when the phrase names none."""
    for c in token.lefts:
        named = c.ent_type_ in ORG_LABELS | NAME_LABELS and c.ent_type_ != "NORP"
        untagged = c.pos_ == "PROPN" and c.ent_type_ in ("", "PRODUCT")  # "StarMine data"
        if c.dep_ in ("compound", "poss", "nmod") and (named or untagged):
            return c
    for prep in token.rights:
        if prep.dep_ == "prep" and prep.lower_ in {"by", "from", "of"}:
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.ent_type_ in ("ORG", "PERSON"):
                    return obj
                named = [a for a in obj.children if a.dep_ == "appos" and a.ent_type_ in ("ORG", "PERSON")]
                if obj.dep_ == "pobj" and named:
                    return named[0]  # "the survey by pollster Forsa"
    for prep in token.rights:
        # "a press release on the company's website", "a statement on its website": the owner
        if prep.dep_ == "prep" and prep.lower_ in {"on", "in"}:
            for obj in prep.children:
                if obj.dep_ == "pobj" and document_noun(obj):
                    for c in obj.lefts:
                        if c.dep_ == "poss" and (c.lower_ in _POSSESSIVE_PRONOUNS or (
                                c.pos_ == "NOUN" and any(d.lower_ == "the" for d in c.lefts))):
                            return c
    return None


def _drop_heading(doc: Doc, start: int, end: int, name: str) -> tuple[int, str]:
    """Drop a subheading the parser glued to a name: "HIGH EXPECTATIONS Harvey" -> "Harvey"."""
    words = name.split()
    k = 0
    while k < len(words) - 1 and words[k].isupper() and words[k].isalpha() and len(words[k]) > 1:
        k += 1
    preceding = doc_text(doc)[max(0, start - 40) : start].split()[-1:]
    capital_line = bool(preceding) and preceding[0].isupper() and preceding[0].isalpha() and len(preceding[0]) > 1
    if (k >= 2 or (k == 1 and capital_line)) and not words[k].isupper():
        start = doc_text(doc).index(words[k], start)
        return start, doc_text(doc)[start:end]
    return start, name


#: "TOKYO (Reuters) - ", or its tail where a span starts inside it ("Reuters) - ")
_DATELINE = re.compile(r"[^\n()]{0,80}?\(Reuters\)\s*[-—–]+\s*|\(?Reuters\)\s*[-—–]+\s*")


def _skip_dateline(text: str, start: int, end: int) -> int:
    """Return ``start`` moved past a ``TOKYO (Reuters) -`` dateline that opens the span."""
    m = _DATELINE.match(text, start, end)
    return m.end() if m else start


@functools.cache
def _instrument_master():
    """The instrument master, which ships with the package: a missing or broken one raises
    (naming the file) instead of quietly leaving every speaker's firm without a symbol."""
    return InstrumentMaster.load()


@functools.lru_cache(maxsize=4096)
def link_organization(name: str | None) -> str | None:
    """Return the symbol of the instrument ``name`` names in the master, or None."""
    if not name:
        return None
    master = _instrument_master()
    if master is None:
        return None
    inst = master.lookup(name)
    return getattr(inst, "symbol", None) if inst is not None else None
