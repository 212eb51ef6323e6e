"""Who said a quote: the reporting cue and its subject, and the drafts of direct and indirect quotes
(their speakers as the attribution names them; :mod:`.resolver` then reads the whole article)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from nlp.components import doc_text, tokens_among
from nlp.components.quotes.lexicon import (
    GROUP_PRONOUNS, INTRODUCERS, PERSON_PRONOUNS, THING_PRONOUNS, anaphor_nouns, not_speakers, organization_nouns,
    organization_types, reporting_verbs, role_words, unnamed_speaker_nouns,
)
from nlp.components.quotes.marks import QuotedSpan, _clause_end, _clause_start, _trim, find_quoted_spans
from nlp.components.quotes.speakers import (
    Speaker, _DATELINE, _phrase_head, _skip_dateline, _tokens_in, document_noun, speaker_from_head,
)
from nlp.paths import word_lists
from nlp.types import Quote


def _heading_word(token: Token) -> bool:
    """Whether ``token`` is written in capitals, as in a subheading ("LAUNCH EXPECTED")."""
    return token.text.isupper() and len(token.text) > 1


def _has_subject(verb: Token) -> bool:
    """Whether a clause's verb has a subject of its own."""
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children)


#: the reporter's linking words that may open a report's sentence ("..., however, Ford is ...")
_LINKS = ("however", "yet", "meanwhile")
_LINK = re.compile(rf"(?:{'|'.join(_LINKS)}),\s+", re.I)


def _is_cue(token: Token) -> bool:
    """Whether ``token`` is a reporting verb; ``said``/``told`` count whatever the tagger says."""
    direct, _ = reporting_verbs()
    if _heading_word(token):
        return False  # a subheading ("LAUNCH EXPECTED"), not a verb of the story
    if token.lower_ in {"said", "says", "told", "added"}:
        return True
    if token.lemma_ == "continue" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
        return False  # "New York continued to be the tightest market": not "he continued"
    return token.lower_ in direct and token.pos_ not in ("NOUN", "PROPN", "ADJ")


def _subject_of(cue: Token) -> Token | None:
    """Return the subject of a reporting verb (or of the verb it is conjoined to), or None."""
    par = _paragraph(doc_text(cue.doc), cue.idx)
    subjects = [t for t in cue.children if t.dep_ in ("nsubj", "nsubjpass") and par[0] <= t.idx < par[1]]
    if subjects:
        return min(subjects, key=lambda t: abs(t.i - cue.i))  # the parse may reach across paragraphs
    if cue.dep_ == "conj" and cue.head is not cue:
        verbs = reporting_verbs()[0]
        if cue.head.lower_ not in verbs:
            # "told a paper his country could not manage ... and suggested the ECB could help":
            # conjoined to a verb of the report, the cue shares the reporting verb's subject
            outer = next((a for a in cue.head.ancestors if a.lower_ in verbs and a.pos_ in ("VERB", "AUX")), None)
            found = _subject_of(outer) if outer is not None else None
            if found is not None:
                return found
        return _subject_of(cue.head)
    if cue.dep_ == "advcl" and cue.tag_ == "VBG":
        # "Anastasiades defended the deal (agreed with the EU), saying ...": the nearest named subject
        verb = cue.head
        pronoun = None
        for _ in range(3):
            subj = next((t for t in verb.children if t.dep_ == "nsubj"), None)
            if subj is not None and (subj.pos_ == "PROPN" or subj.lower_ in unnamed_speaker_nouns()):
                return subj
            if subj is not None and subj.pos_ == "PRON" and pronoun is None:
                # "The Pentagon announced (that it had reached a deal), saying ...": a named
                # subject higher up wins over the pronoun of the clause in between
                pronoun = subj
            if verb.head is verb:
                break
            verb = verb.head
        return pronoun
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


@dataclass
class _Draft:
    """A quote before pronoun and surname resolution."""

    quote: Quote
    speaker: Speaker
    order: int  # offset of the attribution, for resolving pronouns in reading order
    cue_i: int | None = None
    inherits: bool = False
    sentence_end: int = 0


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
        first = [w.lower().strip(",.") for w in trails.split()[:6]]
        return trails[:1].islower() or any(w in direct and first[k + 1 : k + 2] != ["to"]
                                           for k, w in enumerate(first[:5]))
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


def _without_leading_time(toks: list[Token], cue: Token) -> list[Token]:
    """``toks`` less a time right after the reporting verb that the parser hung inside the clause:
    "said this week it is also looking into the case" reports "it is also looking into the case".
    Only a date or time phrase (NER) that modifies its verb (an adverbial noun phrase or a
    preposition), followed by the rest of a clause; "said this week's data showed" keeps it."""
    if not toks or toks[0].i != cue.i + 1:
        return toks
    k = 1 if toks[0].lower_ == "on" and len(toks) > 1 and toks[1].ent_type_ in ("DATE", "TIME") else 0
    while k < len(toks) and toks[k].ent_type_ in ("DATE", "TIME"):
        k += 1
    if k == 0 or len(toks) - k < 3 or toks[k].tag_ == "POS" or toks[k].is_punct:
        return toks
    inside = {t.i for t in toks[:k]}
    roots = [t for t in toks[:k] if t.head.i not in inside]
    if len(roots) != 1 or roots[0].dep_ not in ("npadvmod", "prep", "advmod", "tmod"):
        return toks
    return toks[k:]


def _content_span(doc: Doc, clause: Token, cue: Token) -> tuple[int, int] | None:
    """Return the character span of a content clause, without ``that`` and edge punctuation."""
    toks = [t for t in clause.subtree if t.i != cue.i]
    if not _has_subject(clause):
        # "Analysts said implementation risks of the plan, which ..., were high": the parser took the
        # clause's subject for the verb's object; the content starts there
        obj = next((c for c in cue.children if c.dep_ == "dobj" and cue.i < c.i < clause.i), None)
        if obj is not None:
            toks = list(cue.doc[obj.left_edge.i : clause.i]) + toks
    for other in sorted((c for c in cue.children if c.dep_ == "ccomp" and c.i > clause.i), key=lambda c: c.i):
        # "said Merkel had not meant to ... by remarking on Thursday that, if ..., it would have to":
        # the parser hung the rest of the report on the verb as a second clause
        last = max(t.i for t in toks)
        after_comma = cue.doc[last].text == ","
        if other.left_edge.i != last + 1 or not (other.left_edge.dep_ == "mark" or not _has_subject(other)
                                                 or not after_comma):
            break  # ", a dose of shock therapy officials hope will ...": the reporter's gloss
        toks = toks + list(other.subtree)
    # "said that X": the complementizer is the attribution's; "whether" and "if" are the content's
    # ("asked whether X"), and an "If" inside the clause is its own ("If activated, the plan ...")
    toks = _without_leading_time(toks, cue)  # then a "that" or a comma after the time goes too
    while toks and ((toks[0].dep_ == "mark" and toks[0].lower_ == "that") or toks[0].is_punct):
        toks = toks[1:]
    gloss = next((t for t in toks if t.dep_ == "advcl" and t.tag_ == "VBG" and t.head.i == clause.i
                  and t.i > 0 and doc[t.i - 1].text == ","), None)
    if gloss is not None:
        toks = [t for t in toks if t.i < gloss.i - 1]  # ", leading the government to ...": the reporter's gloss
    again = next((t for t in toks if t.dep_ == "conj" and t.i > toks[0].i + 2 and _act_of_reporting(t)
                  and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
                  and cue.doc[t.left_edge.i - 1].dep_ == "cc"), None)
    denial = next((t for t in toks if t.dep_ == "conj" and t.i > toks[0].i + 2 and t.lemma_ in _DENIALS
                   and any(c.dep_ == "nsubj" for c in t.children) and cue.doc[t.left_edge.i - 1].dep_ == "cc"), None)
    if denial is not None and (again is None or denial.i < again.i):
        again = denial  # "..., but sources involved in the negotiations denied this": someone else's word
    if again is not None:
        # "told the paper his country could not manage ... and suggested the ECB could help": a
        # second act of reporting ends the first report
        toks = [t for t in toks if t.i < again.left_edge.i - 1]
    while len(toks) > 3 and toks[0].lower_ in _LINKS and toks[1].text == ",":
        toks = toks[2:]  # "According to sources, however, Ford is prepared to ...": the reporter's link
    while len(toks) > 3 and (toks[-1].dep_ == "cc" or toks[-1].is_punct and toks[-1].text in ",;"):
        toks = toks[:-1]  # "they were aware of manipulation and"
    more = _conjoined_clause(clause, cue, toks)
    if more:
        toks = toks + more  # "Lockheed said X and the battery checked out": the report goes on
    while toks and toks[-1].is_punct and toks[-1].text not in ('"', "”", "’", ")"):
        toks = toks[:-1]
    if not toks:
        return None
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    s = _after_time(doc_text(doc), s, e)
    return _trim(doc_text(doc), _skip_dateline(doc_text(doc), s, e), e)


def _conjoined_clause(clause: Token, cue: Token, toks: list[Token]) -> list[Token]:
    """The tokens of a full clause conjoined to the reporting verb right after its content
    ("said X and the battery checked out ..."), which the parser hangs on the verb; [] otherwise."""
    if not toks:
        return []
    end = toks[-1].i
    for conj in cue.children:
        if conj.dep_ != "conj" or conj.i <= end or _is_cue(conj) or conj.lower_ in reporting_verbs()[1]:
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") and c.i > end for c in conj.children):
            continue
        between = [t for t in cue.doc[end + 1 : conj.i] if t.i not in {x.i for x in conj.subtree}]
        if any(not (t.dep_ == "cc" or t.is_punct) for t in between):
            continue
        return [t for t in cue.doc[end + 1 : conj.right_edge.i + 1]]
    return []


_TIME_LEAD = re.compile(
    r"(?:(?:late|early)\s+)?on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*,?\s+")


def _after_time(text: str, s: int, e: int) -> int:
    """Skip a time the attribution carries before the content: "said on Monday it was ..."."""
    m = _TIME_LEAD.match(text, s, e)
    return m.end() if m else s


_EXPECTING = word_lists("quotes")["expecting"]


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
    timed = {t.i for c in cue.rights if _time_phrase(c) for t in c.subtree}
    tail = [t for t in cue.sent if t.i > cue.i and t.i not in timed]  # "..., an official said on Thursday."
    if tail and (tail[0].text in (",", ";", "—", "-") or not (tail[0].is_punct or tail[0].is_space)):
        return None  # the sentence goes on after the cue ("If it did, he said, the ..."): not inverted
    start = max(cue.sent.start_char, _paragraph(text, cue.idx)[0])
    start = _skip_dateline(text, start, first)
    comma = text.rfind(",", start, first)
    if comma <= start:
        return None
    return _clip(text, _trim(text, start, comma), cue.idx)


#: verbs that report evidence as much as speech: their subject must be able to speak
_EVIDENTIAL = {"suggest", "indicate", "show", "imply", "signal", "mean"}


def _can_speak(subject: Token) -> bool:
    """Whether ``subject`` can be a source: a name, a pronoun, a person or body noun ("analysts",
    "the company"), or a document ("the report"); not "the timing of the talks"."""
    if subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    words = {subject.lower_, subject.lemma_.lower()}
    vocab = (unnamed_speaker_nouns() | role_words() | set(anaphor_nouns()) | organization_types()
             | organization_nouns() | _PARTIES)
    return document_noun(subject) or bool(words & vocab)


#: who speaks in court or for a nation ("the defense suggested", "the country suggested")
_PARTIES = {"defense", "defence", "prosecution", "prosecutor", "prosecutors", "country", "nation", "minutes"}


#: verbs by which someone else answers the report ("but sources denied this")
_DENIALS = {"deny", "dispute", "reject", "contradict", "say", "insist", "counter"}

#: what a source does besides the report ("... and did not specify a price", "but declined to elaborate")
_ACTS = {"specify", "elaborate", "provide", "question", "decline", "refuse", "give", "disclose", "name", "comment",
         "identify", "detail", "reveal", "confirm"}


def _act_of_reporting(token: Token) -> bool:
    """Whether a verb conjoined inside a report is the source's own act, not more of the report:
    another reporting verb ("and suggested"), or a verb of telling or withholding ("and did not
    specify a price", "but declined to comment")."""
    if token.lower_ in reporting_verbs()[0]:
        return True
    return token.lemma_ in _ACTS and any(c.dep_ in ("aux", "neg") and c.lemma_ in ("do", "not") for c in token.children) \
        or token.lemma_ in {"decline", "refuse", "question"}


_ASIDE_DASH = re.compile(r"\s[-\u2013\u2014]{1,2}\s")


def _close_aside(text: str, span: tuple[int, int] | None, sentence_start: int) -> tuple[int, int] | None:
    """End ``span`` at the dash that closes an aside it opened inside ("BSI - for which bankers say
    it hopes to fetch 2 billion euros - and its own U.S. business": the report ends at the dash)."""
    if span is None:
        return None
    s, e = span
    opened = len(_ASIDE_DASH.findall(text, sentence_start, s)) % 2 == 1
    closing = _ASIDE_DASH.search(text, s, e)
    if not opened or closing is None:
        return span
    return _trim(text, s, closing.start())


def _time_phrase(token: Token) -> bool:
    """Whether ``token`` heads a time the attribution carries ("on Thursday", "last week")."""
    if token.dep_ not in ("prep", "npadvmod"):
        return False
    rest = [t for t in token.subtree if t.i != token.i or token.dep_ == "npadvmod"]
    return bool(rest) and all(t.ent_type_ in ("DATE", "TIME") for t in rest)


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
    for m in re.finditer(r"\baccording\b", text, re.I):  # only the words themselves, not every token
        span = doc.char_span(m.start(), m.end())
        tok = span[0] if span is not None and len(span) == 1 else None
        if tok is None or tok.lower_ != "according" or not free(tok.idx):
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
        link = _LINK.match(text, s, e)
        if link:
            s = link.end()  # "According to sources, however, Ford is ...": the reporter's link
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
    candidates = [t for t in tokens_among(doc, indirect) if t.pos_ in ("VERB", "AUX") and t.i not in used_cues
                  and not _heading_word(t)]  # "LAUNCH EXPECTED": a subheading
    candidates.sort(key=lambda t: sum(1 for _ in t.ancestors))
    for cue in candidates:
        if not free(cue.idx) or any(c.dep_ == "auxpass" for c in cue.children):
            continue
        if any(t.tag_ in ("WRB", "WP") for c in cue.lefts if c.dep_ in ("advmod", "mark") for t in c.subtree):
            continue  # "asked how long he expects ...": a question, not a statement
        par = _paragraph(text, cue.idx)
        clauses = [c for c in cue.children if c.dep_ == "ccomp" and par[0] <= c.idx < par[1]]
        # "While ..., Lagarde said they were worries, officials privately say they expect ...": the
        # clause after the verb is its report, one before it another's
        clause = next((c for c in clauses if c.i > cue.i), clauses[0]) if clauses else None
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
        if any(c.dep_ == "neg" for c in cue.children):
            continue  # "ValueAct did not say whether ...": nothing was said
        if cue.lemma_ in _EVIDENTIAL and not _can_speak(subject):
            continue  # "the timing of the talks suggests ...": the reporter's inference
        if clause is None and parenthetical and any(c.dep_ in ("xcomp", "dobj") for c in cue.children):
            continue  # "..., Sony agreed to pay ...": an act, not a parenthetical "he said"
        if clause is not None:
            content = _content_span(doc, clause, cue)
        else:
            content = _inverted_content(doc, cue, subject) if inverted else _around(doc, cue)
        content = _clip(text, content, cue.idx)
        content = _close_aside(text, content, cue.sent.start_char)
        if content is None or len(text[content[0] : content[1]].split()) < 3 or _overlaps(content, taken):
            continue
        sent = cue.sent
        speaker = speaker_from_head(doc, subject, (sent.start_char, sent.end_char), cue)
        q = Quote(text=text[content[0] : content[1]], start=content[0], end=content[1], kind="indirect",
                  cue=cue.text)
        drafts.append(_Draft(q, speaker, cue.idx, cue.i))
        nested_ok.append(content)
    return drafts
