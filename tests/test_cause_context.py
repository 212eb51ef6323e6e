"""Causal cues read through the parse (issue 12): hand-built Docs for the parse rules of
``nlp.components.cause_context``, and small sentences through the rules with the real parser."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from nlp.components.cause_context import (
    clean_span,
    has_clause,
    is_fragment,
    market_fact,
    negated,
    schedule_not_cause,
    snap_effect,
    weak_cue_rejection,
)


VOCAB = spacy.blank("en").vocab  # with English lexical attributes (lower_, like_num)


def build(rows: list[tuple[str, str, str, str, int, str]]) -> Doc:
    """A Doc from (word, tag, pos, dep, head index, lemma) rows, one sentence, spaces between words."""
    words = [r[0] for r in rows]
    return Doc(VOCAB, words=words, tags=[r[1] for r in rows], pos=[r[2] for r in rows],
               deps=[r[3] for r in rows], heads=[r[4] for r in rows], lemmas=[r[5] for r in rows],
               sent_starts=[True] + [False] * (len(rows) - 1))


def at(doc: Doc, word: str, nth: int = 0) -> tuple[int, int]:
    token = [t for t in doc if t.text == word][nth]
    return token.idx, token.idx + len(token.text)


# "Oil jumped as OPEC cut output ." / "Raine served as adviser ."
AS_CLAUSE = build([
    ("Oil", "NN", "NOUN", "nsubj", 1, "oil"), ("jumped", "VBD", "VERB", "ROOT", 1, "jump"),
    ("as", "IN", "SCONJ", "mark", 4, "as"), ("OPEC", "NNP", "PROPN", "nsubj", 4, "OPEC"),
    ("cut", "VBD", "VERB", "advcl", 1, "cut"), ("output", "NN", "NOUN", "dobj", 4, "output"),
    (".", ".", "PUNCT", "punct", 1, "."),
])
AS_ROLE = build([
    ("Raine", "NNP", "PROPN", "nsubj", 1, "Raine"), ("served", "VBD", "VERB", "ROOT", 1, "serve"),
    ("as", "IN", "ADP", "prep", 1, "as"), ("adviser", "NN", "NOUN", "pobj", 2, "adviser"),
    (".", ".", "PUNCT", "punct", 1, "."),
])
# "Output rose a day after data pointed up ."
DAY_AFTER = build([
    ("Output", "NN", "NOUN", "nsubj", 1, "output"), ("rose", "VBD", "VERB", "ROOT", 1, "rise"),
    ("a", "DT", "DET", "det", 3, "a"), ("day", "NN", "NOUN", "npadvmod", 1, "day"),
    ("after", "IN", "SCONJ", "mark", 6, "after"), ("data", "NNS", "NOUN", "nsubj", 6, "datum"),
    ("pointed", "VBD", "VERB", "advcl", 3, "point"), ("up", "RP", "ADP", "prt", 6, "up"),
    (".", ".", "PUNCT", "punct", 1, "."),
])
# "Draghi said after the meeting ."
SAID_AFTER = build([
    ("Draghi", "NNP", "PROPN", "nsubj", 1, "Draghi"), ("said", "VBD", "VERB", "ROOT", 1, "say"),
    ("after", "IN", "ADP", "prep", 1, "after"), ("the", "DT", "DET", "det", 4, "the"),
    ("meeting", "NN", "NOUN", "pobj", 2, "meeting"), (".", ".", "PUNCT", "punct", 1, "."),
])
# "Shares fell after the company cut its forecast ."
FELL_AFTER = build([
    ("Shares", "NNS", "NOUN", "nsubj", 1, "share"), ("fell", "VBD", "VERB", "ROOT", 1, "fall"),
    ("after", "IN", "SCONJ", "mark", 5, "after"), ("the", "DT", "DET", "det", 4, "the"),
    ("company", "NN", "NOUN", "nsubj", 5, "company"), ("cut", "VBD", "VERB", "advcl", 1, "cut"),
    ("its", "PRP$", "PRON", "poss", 7, "its"), ("forecast", "NN", "NOUN", "dobj", 5, "forecast"),
    (".", ".", "PUNCT", "punct", 1, "."),
])


def test_as_must_open_a_clause():
    assert weak_cue_rejection(AS_CLAUSE, *at(AS_CLAUSE, "as")) is None
    assert "clause" in weak_cue_rejection(AS_ROLE, *at(AS_ROLE, "as"))


def test_after_a_time_or_a_statement_is_no_cause():
    assert "time" in weak_cue_rejection(DAY_AFTER, *at(DAY_AFTER, "after"))
    assert "statement" in weak_cue_rejection(SAID_AFTER, *at(SAID_AFTER, "after"))
    assert weak_cue_rejection(FELL_AFTER, *at(FELL_AFTER, "after")) is None


def test_after_the_subjects_own_earlier_move_is_a_sequence():
    # "Shares climbed after hitting a high ." / "Shares fell after discovering fraud ."
    doc = build([
        ("Shares", "NNS", "NOUN", "nsubj", 1, "share"), ("climbed", "VBD", "VERB", "ROOT", 1, "climb"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("hitting", "VBG", "VERB", "pcomp", 2, "hit"),
        ("a", "DT", "DET", "det", 5, "a"), ("high", "NN", "NOUN", "dobj", 3, "high"),
    ])
    assert "sequence" in weak_cue_rejection(doc, *at(doc, "after"))
    other = build([
        ("Shares", "NNS", "NOUN", "nsubj", 1, "share"), ("fell", "VBD", "VERB", "ROOT", 1, "fall"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("discovering", "VBG", "VERB", "pcomp", 2, "discover"),
        ("fraud", "NN", "NOUN", "dobj", 3, "fraud"),
    ])
    assert weak_cue_rejection(other, *at(other, "after")) is None


def test_comparisons_and_lists_are_no_cause():
    # "Novartis closed offices , as did Novo ." / "Following are the highlights ."
    doc = build([
        ("Novartis", "NNP", "PROPN", "nsubj", 1, "Novartis"), ("closed", "VBD", "VERB", "ROOT", 1, "close"),
        ("offices", "NNS", "NOUN", "dobj", 1, "office"), (",", ",", "PUNCT", "punct", 1, ","),
        ("as", "IN", "SCONJ", "mark", 5, "as"), ("did", "VBD", "AUX", "advcl", 1, "do"),
        ("Novo", "NNP", "PROPN", "nsubj", 5, "Novo"),
    ])
    assert "comparison" in weak_cue_rejection(doc, *at(doc, "as"))
    listing = build([
        ("Following", "VBG", "VERB", "csubj", 1, "follow"), ("are", "VBP", "AUX", "ROOT", 1, "be"),
        ("the", "DT", "DET", "det", 3, "the"), ("highlights", "NNS", "NOUN", "attr", 1, "highlight"),
    ])
    assert weak_cue_rejection(listing, *at(listing, "Following")) is not None


def test_tracked_by_and_comment_on_are_no_cause():
    doc = build([
        ("cities", "NNS", "NOUN", "nsubj", 0, "city"), ("tracked", "VBN", "VERB", "acl", 0, "track"),
        ("by", "IN", "ADP", "agent", 1, "by"), ("S&P", "NNP", "PROPN", "pobj", 2, "S&P"),
    ])
    assert "tracked by" in schedule_not_cause(doc, *at(doc, "tracked"))
    talk = build([
        ("Suri", "NNP", "PROPN", "nsubj", 1, "Suri"), ("declined", "VBD", "VERB", "ROOT", 1, "decline"),
        ("to", "TO", "PART", "aux", 3, "to"), ("comment", "VB", "VERB", "xcomp", 1, "comment"),
        ("on", "IN", "ADP", "prep", 3, "on"), ("speculation", "NN", "NOUN", "pobj", 4, "speculation"),
    ])
    assert "topic" in schedule_not_cause(talk, *at(talk, "on"))


def test_a_negated_verb_cue():
    doc = build([
        ("cuts", "NNS", "NOUN", "nsubj", 3, "cut"), ("do", "VBP", "AUX", "aux", 3, "do"),
        ("not", "RB", "PART", "neg", 3, "not"), ("hurt", "VB", "VERB", "ROOT", 3, "hurt"),
        ("growth", "NN", "NOUN", "dobj", 3, "growth"),
    ])
    assert negated(doc, at(doc, "hurt")[0])


def test_unparsed_doc_is_left_to_the_cue_book():
    doc = Doc(VOCAB, words=["Raine", "served", "as", "adviser"])
    assert weak_cue_rejection(doc, *at(doc, "as")) is None
    assert snap_effect(doc, 0, 6, 13) == (0, 6)


def test_due_to_with_a_verb_is_a_schedule():
    doc = build([
        ("minutes", "NNS", "NOUN", "nsubj", 0, "minute"), ("due", "JJ", "ADJ", "amod", 0, "due"),
        ("to", "TO", "PART", "aux", 3, "to"), ("be", "VB", "AUX", "auxpass", 4, "be"),
        ("released", "VBN", "VERB", "xcomp", 1, "release"),
    ])
    start, _ = at(doc, "due")
    assert "schedule" in schedule_not_cause(doc, start, at(doc, "to")[1])
    noun = build([
        ("fell", "VBD", "VERB", "ROOT", 0, "fall"), ("due", "JJ", "ADJ", "amod", 0, "due"),
        ("to", "IN", "ADP", "prep", 1, "to"), ("demand", "NN", "NOUN", "pobj", 2, "demand"),
    ])
    assert schedule_not_cause(noun, at(noun, "due")[0], at(noun, "to")[1]) is None


def test_a_negated_effect_is_denied_not_caused():
    # "Latvia is not expecting an increase due to the woes"
    doc = build([
        ("Latvia", "NNP", "PROPN", "nsubj", 3, "Latvia"), ("is", "VBZ", "AUX", "aux", 3, "be"),
        ("not", "RB", "PART", "neg", 3, "not"), ("expecting", "VBG", "VERB", "ROOT", 3, "expect"),
        ("an", "DT", "DET", "det", 5, "an"), ("increase", "NN", "NOUN", "dobj", 3, "increase"),
        ("due", "IN", "ADP", "prep", 3, "due"), ("to", "IN", "ADP", "pcomp", 6, "to"),
        ("the", "DT", "DET", "det", 9, "the"), ("woes", "NNS", "NOUN", "pobj", 7, "woe"),
    ])
    assert negated(doc, at(doc, "due")[0])
    # the negation is the cause's own: "it will be hard because the arguments are not new"
    cause_neg = build([
        ("it", "PRP", "PRON", "nsubj", 1, "it"), ("will", "MD", "AUX", "aux", 2, "will"),
        ("be", "VB", "AUX", "ROOT", 2, "be"), ("hard", "JJ", "ADJ", "acomp", 2, "hard"),
        ("because", "IN", "SCONJ", "mark", 6, "because"), ("arguments", "NNS", "NOUN", "nsubj", 6, "argument"),
        ("are", "VBP", "AUX", "advcl", 2, "be"), ("not", "RB", "PART", "neg", 6, "not"),
        ("new", "JJ", "ADJ", "acomp", 6, "new"),
    ])
    assert not negated(cause_neg, at(cause_neg, "because")[0])
    assert not negated(FELL_AFTER, at(FELL_AFTER, "after")[0])


def test_snap_effect_puts_the_subject_back():
    # "Hourican , head of the bank , is leaving after ..."
    doc = build([
        ("Hourican", "NNP", "PROPN", "nsubj", 8, "Hourican"), (",", ",", "PUNCT", "punct", 0, ","),
        ("head", "NN", "NOUN", "appos", 0, "head"), ("of", "IN", "ADP", "prep", 2, "of"),
        ("the", "DT", "DET", "det", 5, "the"), ("bank", "NN", "NOUN", "pobj", 3, "bank"),
        (",", ",", "PUNCT", "punct", 0, ","), ("is", "VBZ", "AUX", "aux", 8, "be"),
        ("leaving", "VBG", "VERB", "ROOT", 8, "leave"), ("after", "IN", "ADP", "prep", 8, "after"),
        ("losses", "NNS", "NOUN", "pobj", 9, "loss"),
    ])
    start = at(doc, "is")[0]
    end = at(doc, "leaving")[1]
    assert doc.text[slice(*snap_effect(doc, start, end, at(doc, "after")[0]))] == \
        "Hourican , head of the bank , is leaving"


def test_snap_effect_takes_off_a_frame_of_saying():
    # "analysts suggested that investors sold shares amid uncertainty"
    doc = build([
        ("analysts", "NNS", "NOUN", "nsubj", 1, "analyst"), ("suggested", "VBD", "VERB", "ROOT", 1, "suggest"),
        ("that", "IN", "SCONJ", "mark", 4, "that"), ("investors", "NNS", "NOUN", "nsubj", 4, "investor"),
        ("sold", "VBD", "VERB", "ccomp", 1, "sell"), ("shares", "NNS", "NOUN", "dobj", 4, "share"),
        ("amid", "IN", "ADP", "prep", 4, "amid"), ("uncertainty", "NN", "NOUN", "pobj", 6, "uncertainty"),
    ])
    span = snap_effect(doc, 0, at(doc, "shares")[1], at(doc, "amid")[0])
    assert doc.text[slice(*span)] == "investors sold shares"
    # the cue modifies the saying itself: the frame stays (the weak-cue check drops such links)
    said = build([
        ("analysts", "NNS", "NOUN", "nsubj", 1, "analyst"), ("said", "VBD", "VERB", "ROOT", 1, "say"),
        ("investors", "NNS", "NOUN", "nsubj", 3, "investor"), ("sold", "VBD", "VERB", "ccomp", 1, "sell"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("talks", "NNS", "NOUN", "pobj", 4, "talk"),
    ])
    assert snap_effect(said, 0, at(said, "sold")[1], at(said, "after")[0]) == (0, at(said, "sold")[1])


def test_clean_span_drops_datelines_headings_and_tails():
    text = 'NEW YORK (Reuters) - Stocks fell sharply," said Jane Roe, an analyst'
    start, end = clean_span(text, 0, len(text))
    assert text[start:end] == "Stocks fell sharply"
    text = "COMMENTS: JANE ROE, ECONOMIST: payrolls surprised"
    assert text[slice(*clean_span(text, 0, len(text)))] == "payrolls surprised"
    text = "ONLINE CHALLENGES Office supply retailers face competition"
    assert text[slice(*clean_span(text, 0, len(text)))] == "Office supply retailers face competition"
    text = "IBM shares fell"
    assert clean_span(text, 0, len(text)) == (0, len(text))
    text = "Toyota ( 7203.T ) and General Motors Co ( GM.N"
    assert text[slice(*clean_span(text, 0, len(text)))] == "Toyota ( 7203.T ) and General Motors Co"


def test_fragments_and_clauses():
    doc = build([
        ("That", "DT", "PRON", "nsubj", 3, "that"), (",", ",", "PUNCT", "punct", 3, ","),
        ("economists", "NNS", "NOUN", "nsubj", 3, "economist"), ("say", "VBP", "VERB", "parataxis", 4, "say"),
        ("is", "VBZ", "AUX", "ROOT", 4, "be"), ("because", "IN", "SCONJ", "mark", 6, "because"),
        ("growth", "NN", "NOUN", "advcl", 4, "growth"),
    ])
    assert is_fragment(doc, 0, at(doc, "is")[1])
    assert not is_fragment(doc, *at(doc, "growth"))
    assert has_clause(AS_CLAUSE, 0, at(AS_CLAUSE, "jumped")[1])
    assert not has_clause(DAY_AFTER, *at(DAY_AFTER, "day"))


def test_market_fact():
    assert market_fact(FELL_AFTER, 0, at(FELL_AFTER, "fell")[1])  # a market verb and noun
    doc = build([("Raine", "NNP", "PROPN", "nsubj", 1, "Raine"), ("served", "VBD", "VERB", "ROOT", 1, "serve")])
    assert not market_fact(doc, 0, len(doc.text))
    assert market_fact(doc, 0, len(doc.text), marks=[(0, 5)])  # a claim inside
    num = Doc(VOCAB, words=["a", "stake", "worth", "$", "2", "billion"])
    assert market_fact(num, 0, len(num.text))


@pytest.fixture(scope="module")
def english():
    from nlp.pipeline import load_language

    return load_language()[0]


def _rules(english, text):
    import nlp.components  # noqa: F401  (registers the Doc extensions)
    from nlp.components.causes import extract_causes

    doc = english(text)
    doc._.claims, doc._.instruments = [], []
    return [(link.cue, link.cause.text, link.effect.text) for link in extract_causes(doc)]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Raine Group also served as adviser to Dick Clark Productions.", []),
        ("Draghi said after the ECB's August 1 meeting that rates would stay low.", []),
        ("Industrial output climbed, the Fed said on Wednesday, a day after retail sales data pointed to robust spending.", []),
        ("The Kwok family is Hong Kong's second wealthiest after that of Li Ka-shing.", []),
        ("In the coming days, the market will focus on minutes from the Fed meeting, due to be released on Wednesday.", []),
        ("Former President Michael Francis, who left in June after only 9 months with the company, got a fee.", []),
        (
            "Consumer confidence rose to a four-and-a-half-year high in November as consumers became more optimistic.",
            [("as", "consumers became more optimistic", "Consumer confidence rose to a four-and-a-half-year high in November")],
        ),
        (
            "Sales fell more than 1,200 units because of weak demand.",
            [("because of", "weak demand", "Sales fell more than 1,200 units")],
        ),
    ],
)
def test_rules_read_through_the_parse(english, text, expected):
    assert _rules(english, text) == expected


def test_as_with_an_ongoing_verb_is_meanwhile_not_because():
    # "Revenue will drop as it continues to grow ." / "Revenue dropped as demand fell ."
    doc = build([
        ("Revenue", "NN", "NOUN", "nsubj", 2, "revenue"), ("will", "MD", "AUX", "aux", 2, "will"),
        ("drop", "VB", "VERB", "ROOT", 2, "drop"), ("as", "IN", "SCONJ", "mark", 5, "as"),
        ("it", "PRP", "PRON", "nsubj", 5, "it"), ("continues", "VBZ", "VERB", "advcl", 2, "continue"),
        ("to", "TO", "PART", "aux", 7, "to"), ("grow", "VB", "VERB", "xcomp", 5, "grow"),
    ])
    assert "meanwhile" in weak_cue_rejection(doc, *at(doc, "as"))
    other = build([
        ("Revenue", "NN", "NOUN", "nsubj", 1, "revenue"), ("dropped", "VBD", "VERB", "ROOT", 1, "drop"),
        ("as", "IN", "SCONJ", "mark", 4, "as"), ("demand", "NN", "NOUN", "nsubj", 4, "demand"),
        ("fell", "VBD", "VERB", "advcl", 1, "fall"),
    ])
    assert weak_cue_rejection(other, *at(other, "as")) is None


def test_after_the_subjects_own_path_dates_and_amounts_are_no_cause():
    # "Shares rebounded after earlier losses ." / "Shares fell after heavy losses ."
    earlier = build([
        ("Shares", "NNS", "NOUN", "nsubj", 1, "share"), ("rebounded", "VBD", "VERB", "ROOT", 1, "rebound"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("earlier", "JJR", "ADJ", "amod", 4, "earlier"),
        ("losses", "NNS", "NOUN", "pobj", 2, "loss"),
    ])
    assert "path" in weak_cue_rejection(earlier, *at(earlier, "after"))
    heavy = build([
        ("Shares", "NNS", "NOUN", "nsubj", 1, "share"), ("fell", "VBD", "VERB", "ROOT", 1, "fall"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("heavy", "JJ", "ADJ", "amod", 4, "heavy"),
        ("losses", "NNS", "NOUN", "pobj", 2, "loss"),
    ])
    assert weak_cue_rejection(heavy, *at(heavy, "after")) is None
    # "The S&P closed lower after setting a record high ." / "... after reporting a record profit ."
    rows = [("S&P", "NNP", "PROPN", "nsubj", 1, "S&P"), ("closed", "VBD", "VERB", "ROOT", 1, "close"),
            ("after", "IN", "ADP", "prep", 1, "after"), ("setting", "VBG", "VERB", "pcomp", 2, "set"),
            ("a", "DT", "DET", "det", 6, "a"), ("record", "NN", "NOUN", "compound", 6, "record"),
            ("high", "NN", "NOUN", "dobj", 3, "high")]
    high = build(rows)
    assert "path" in weak_cue_rejection(high, *at(high, "after"))
    profit = build(rows[:3] + [("reporting", "VBG", "VERB", "pcomp", 2, "report")] + rows[4:6]
                   + [("profit", "NN", "NOUN", "dobj", 3, "profit")])
    assert weak_cue_rejection(profit, *at(profit, "after")) is None
    # "Funds accumulated after November 2008 ." (a date) / "It raised 5 billion after expenses ."
    date = Doc(VOCAB, words=["Funds", "accumulated", "after", "November", "2008"],
               tags=["NNS", "VBD", "IN", "NNP", "CD"], pos=["NOUN", "VERB", "ADP", "PROPN", "NUM"],
               deps=["nsubj", "ROOT", "prep", "pobj", "nummod"], heads=[1, 1, 1, 2, 3],
               lemmas=["fund", "accumulate", "after", "November", "2008"],
               ents=["O", "O", "O", "B-DATE", "I-DATE"], sent_starts=[True, False, False, False, False])
    assert "date" in weak_cue_rejection(date, *at(date, "after"))
    net = build([
        ("It", "PRP", "PRON", "nsubj", 1, "it"), ("raised", "VBD", "VERB", "ROOT", 1, "raise"),
        ("5", "CD", "NUM", "nummod", 3, "5"), ("billion", "CD", "NUM", "dobj", 1, "billion"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("expenses", "NNS", "NOUN", "pobj", 4, "expense"),
    ])
    assert "net of" in weak_cue_rejection(net, *at(net, "after"))


def test_after_as_a_particle_a_ranking_or_a_first_step_is_no_cause():
    # "He is cleaning up after the episode ."
    clean = build([
        ("He", "PRP", "PRON", "nsubj", 2, "he"), ("is", "VBZ", "AUX", "aux", 2, "be"),
        ("cleaning", "VBG", "VERB", "ROOT", 2, "clean"), ("up", "RP", "ADP", "prt", 2, "up"),
        ("after", "IN", "ADP", "prep", 2, "after"), ("the", "DT", "DET", "det", 6, "the"),
        ("episode", "NN", "NOUN", "pobj", 4, "episode"),
    ])
    assert "phrasal" in weak_cue_rejection(clean, *at(clean, "after"))
    # "Itera is its second acquisition after the takeover ."
    ranking = build([
        ("Itera", "NNP", "PROPN", "nsubj", 1, "Itera"), ("is", "VBZ", "AUX", "ROOT", 1, "be"),
        ("its", "PRP$", "PRON", "poss", 4, "its"), ("second", "JJ", "ADJ", "amod", 4, "second"),
        ("acquisition", "NN", "NOUN", "attr", 1, "acquisition"), ("after", "IN", "ADP", "prep", 1, "after"),
        ("the", "DT", "DET", "det", 7, "the"), ("takeover", "NN", "NOUN", "pobj", 5, "takeover"),
    ])
    assert "ranking" in weak_cue_rejection(ranking, *at(ranking, "after"))
    # "GM shifted after first partnering with AvtoVAZ ."
    first = build([
        ("GM", "NNP", "PROPN", "nsubj", 1, "GM"), ("shifted", "VBD", "VERB", "ROOT", 1, "shift"),
        ("after", "IN", "ADP", "prep", 1, "after"), ("first", "RB", "ADV", "advmod", 4, "first"),
        ("partnering", "VBG", "VERB", "pcomp", 2, "partner"),
    ])
    assert weak_cue_rejection(first, *at(first, "after")) is not None


def test_strong_cues_that_last_consider_or_name_a_kind():
    # "talks that have dragged on nearly three years" / "losses dragged on the index"
    lasted = build([
        ("talks", "NNS", "NOUN", "ROOT", 0, "talk"), ("that", "WDT", "PRON", "nsubj", 3, "that"),
        ("have", "VBP", "AUX", "aux", 3, "have"), ("dragged", "VBN", "VERB", "relcl", 0, "drag"),
        ("on", "RP", "ADP", "prt", 3, "on"), ("nearly", "RB", "ADV", "advmod", 6, "nearly"),
        ("three", "CD", "NUM", "nummod", 7, "three"), ("years", "NNS", "NOUN", "npadvmod", 3, "year"),
    ])
    dragged = (at(lasted, "dragged")[0], at(lasted, "on")[1])
    assert "lasted" in schedule_not_cause(lasted, *dragged)
    weighing = build([
        ("losses", "NNS", "NOUN", "nsubj", 1, "loss"), ("dragged", "VBD", "VERB", "ROOT", 1, "drag"),
        ("on", "IN", "ADP", "prep", 1, "on"), ("the", "DT", "DET", "det", 4, "the"),
        ("index", "NN", "NOUN", "pobj", 2, "index"),
    ])
    assert schedule_not_cause(weighing, at(weighing, "dragged")[0], at(weighing, "on")[1]) is None
    # "The proposal is being weighed by regulators"
    considered = build([
        ("proposal", "NN", "NOUN", "nsubjpass", 3, "proposal"), ("is", "VBZ", "AUX", "aux", 3, "be"),
        ("being", "VBG", "AUX", "auxpass", 3, "be"), ("weighed", "VBN", "VERB", "ROOT", 3, "weigh"),
        ("by", "IN", "ADP", "agent", 3, "by"), ("regulators", "NNS", "NOUN", "pobj", 4, "regulator"),
    ])
    assert "considered" in schedule_not_cause(considered, at(considered, "weighed")[0], at(considered, "by")[1])
    # "the plane 's tracking system"
    kind = build([
        ("plane", "NN", "NOUN", "poss", 3, "plane"), ("'s", "POS", "PART", "case", 0, "'s"),
        ("tracking", "NN", "NOUN", "compound", 3, "tracking"), ("system", "NN", "NOUN", "ROOT", 3, "system"),
    ])
    assert "kind" in schedule_not_cause(kind, *at(kind, "tracking"))
