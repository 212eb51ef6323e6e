"""Quotes: who said what (nlp/components/quotes.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import spacy
from spacy.tokens import Doc

from nlp.components.quotes import describe, extract_quotes, find_quoted_spans

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "nikkei-2024-03-01.txt"
GOLD = SHARED / "gold" / "nikkei-2024-03-01.json"
TEXTACY_CASES = SHARED / "data" / "quotes" / "textacy_direct_quotation_cases.json"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (tests read ../shared from the repo root)")
    return path


def quoted(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_quoted_spans(text)]


# ---------------------------------------------------------------- quote marks (no model)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said, "I love cats!"', ["I love cats!"]),
        ("“That’s positive,” Abe said.", ["That’s positive"]),
        ('"A," he said. "B."', ["A", "B."]),
        ('She called it "cheap" and left.', ["cheap"]),
        ('Stray close" then "a real one," he said.', ["a real one"]),
        ('Nested: "This \'hamburger\' is good."', ["This 'hamburger' is good."]),
        ('Unclosed "quote runs on\nnext paragraph.', []),
        ('"Opens the paragraph and never closes\nNext.', ["Opens the paragraph and never closes"]),
        ('Mixed marks: “curly open and straight close," said X.', ["curly open and straight close"]),
        ('Empty "" marks', []),
        ("", []),
    ],
)
def test_find_quoted_spans(text, expected):
    assert quoted(text) == expected


@pytest.mark.parametrize(
    "descriptor, org_names, expected",
    [
        ("an analyst at Daiwa Securities", (), ("analyst", "Daiwa Securities")),
        ("managing partner at Harris Financial Group in Richmond", (), ("managing partner", "Harris Financial Group")),
        ("Daiwa Securities analyst", (), ("analyst", "Daiwa Securities")),
        ("chief economist at RDQ Economics in New York", (), ("chief economist", "RDQ Economics")),
        ("Bank of Japan Governor", ("Bank of Japan",), ("Governor", "Bank of Japan")),
        ("Chile's Foreign Minister", (), ("Foreign Minister", "Chile")),
        ("vice president and senior analyst at Moody's Investors Service", (), ("vice president and senior analyst", "Moody's Investors Service")),
        ("of Harris Financial Group", (), (None, "Harris Financial Group")),
        ("for the Bologna police", (), (None, "Bologna police")),
        ("president of the Washington think-tank helping", (), ("president", None)),
        ("a Paris-based management consultant with AlixPartners", ("AlixPartners",), ("management consultant", "AlixPartners")),
        ("who rates UBS at accumulate", ("UBS",), (None, None)),
        ("a stunned onlooker", (), (None, None)),
    ],
)
def test_describe(descriptor, org_names, expected):
    assert describe(descriptor, org_names) == expected


def _doc(words, spaces, heads, deps, pos, tags, ents) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, tags=tags, ents=ents)


def test_inverted_attribution_on_a_hand_built_parse():
    doc = _doc(
        words=['"', "Stocks", "look", "cheap", "here", ",", '"', "said", "Jamie", "Cox", ",", "managing",
               "partner", "at", "Harris", "Financial", "Group", "."],
        spaces=[False, True, True, True, False, False, True, True, True, False, True, True, True, True,
                True, True, False, False],
        heads=[7, 2, 7, 2, 2, 7, 7, 7, 9, 7, 9, 12, 9, 12, 16, 16, 13, 7],
        deps=["punct", "nsubj", "ccomp", "acomp", "advmod", "punct", "punct", "ROOT", "compound", "nsubj",
              "punct", "compound", "appos", "prep", "compound", "compound", "pobj", "punct"],
        pos=["PUNCT", "NOUN", "VERB", "ADJ", "ADV", "PUNCT", "PUNCT", "VERB", "PROPN", "PROPN", "PUNCT",
             "NOUN", "NOUN", "ADP", "PROPN", "PROPN", "PROPN", "PUNCT"],
        tags=["``", "NNS", "VBP", "JJ", "RB", ",", "''", "VBD", "NNP", "NNP", ",", "NN", "NN", "IN", "NNP",
              "NNP", "NNP", "."],
        ents=["O"] * 8 + ["B-PERSON", "I-PERSON"] + ["O"] * 4 + ["B-ORG", "I-ORG", "I-ORG", "O"],
    )
    [q] = extract_quotes(doc, link=False)
    assert (q.text, q.kind, q.speaker, q.role, q.organization, q.cue) == (
        "Stocks look cheap here", "direct", "Jamie Cox", "managing partner", "Harris Financial Group", "said")
    assert doc.text[q.start : q.end] == q.text
    assert doc.text[q.speaker_start : q.speaker_end] == "Jamie Cox"


def test_organization_speaker_on_a_hand_built_parse():
    doc = _doc(
        words=["Goldman", "Sachs", "said", "it", "expects", "the", "Fed", "to", "cut", "rates", "."],
        spaces=[True, True, True, True, True, True, True, True, True, False, False],
        heads=[1, 2, 2, 4, 2, 6, 8, 8, 4, 8, 2],
        deps=["compound", "nsubj", "ROOT", "nsubj", "ccomp", "det", "nsubj", "aux", "ccomp", "dobj", "punct"],
        pos=["PROPN", "PROPN", "VERB", "PRON", "VERB", "DET", "PROPN", "PART", "VERB", "NOUN", "PUNCT"],
        tags=["NNP", "NNP", "VBD", "PRP", "VBZ", "DT", "NNP", "TO", "VB", "NNS", "."],
        ents=["B-ORG", "I-ORG", "O", "O", "O", "O", "B-ORG", "O", "O", "O", "O"],
    )
    [q] = extract_quotes(doc, link=False)
    assert (q.text, q.kind, q.speaker, q.speaker_kind, q.organization, q.cue) == (
        "it expects the Fed to cut rates", "indirect", "Goldman Sachs", "organization", "Goldman Sachs", "said")


# ---------------------------------------------------------------- property: quote-mark soup


SOUP = st.lists(st.sampled_from(list('"“”„«»\'‘’ ,.:—-\nab') + [" said", " he said", "Abe", "“", "”"]), max_size=60).map("".join)


@given(SOUP)
@settings(max_examples=300, deadline=None)
def test_quote_mark_soup_never_raises(text):
    for span in find_quoted_spans(text):
        assert 0 <= span.open < span.start <= span.end <= len(text)
        assert text[span.start : span.end].strip() == text[span.start : span.end]


# ---------------------------------------------------------------- with the English model


@pytest.fixture(scope="session")
def english():
    from nlp.pipeline import load_language

    lang, _ = load_language()
    return lang


@pytest.mark.model
@given(st.lists(st.sampled_from(['"', "“", "”", "„", "'", "’", '"Stocks rose,"', "“fine", "cheap”", " ", "\n",
                                 "Tokyo", ",", ":", "—", "."]), max_size=14))
@settings(max_examples=40, deadline=None)
def test_extraction_on_quote_mark_soup_never_raises(english, parts):
    text = "Prices rose. " + " ".join(parts) + "\n\nThe Nikkei ended higher, traders said."
    quotes = extract_quotes(english(text), link=False)
    for q in quotes:
        assert text[q.start : q.end] == q.text
    # the rest of the article is still read
    assert any(q.speaker == "traders" for q in quotes)


@pytest.mark.model
def test_sample_article_quote_matches_gold(english):
    from nlp.articles import read_article

    gold = json.loads(need(GOLD).read_text(encoding="utf-8"))
    article = read_article(need(SEED))
    quotes = extract_quotes(english(article.text), link=False)
    for expected in gold["quotes"]:
        found = [q for q in quotes if q.text == expected["text"]]
        assert found, f"missing quote {expected['text']!r}"
        q = found[0]
        assert (q.speaker, q.role, q.organization, q.paraphrase) == (
            expected["speaker"], expected["role"], expected["organization"], expected["paraphrase"])
        assert article.text[q.start : q.end] == expected["text"]
        assert q.kind == "mixed" and q.cue == "said"


@pytest.mark.model
def test_speaker_firm_links_to_the_instrument_master(english):
    pytest.importorskip("nlp.instruments")
    doc = english("“That’s positive,” Kenji Abe, an analyst at Daiwa Securities, said.")
    [q] = extract_quotes(doc)
    assert (q.organization, q.organization_symbol) == ("Daiwa Securities", "8601.T")


def _textacy_cases(kind: str) -> list:
    if not TEXTACY_CASES.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"shared data not available: {TEXTACY_CASES}"))]
    data = json.loads(TEXTACY_CASES.read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["text"][:40]) for case in data[kind]]


def _content(content: str) -> str:
    """textacy's content keeps the marks and trailing comma; ours does not."""
    return content.strip().strip('"“”').rstrip(",").strip()


@pytest.mark.model
@pytest.mark.parametrize("case", _textacy_cases("direct_quotations"))
def test_textacy_direct_quotations(english, case):
    doc = english(case["text"])
    got = [q for q in extract_quotes(doc, link=False) if q.kind in ("direct", "mixed")]
    # the speaker as written in the attribution (a pronoun stays a pronoun there)
    assert [
        (doc.text[q.speaker_start : q.speaker_end].split(), [q.cue], q.text) for q in got
    ] == [(" and ".join(e["speaker"]).split(), e["cue"], _content(e["content"])) for e in case["expected"]]


@pytest.mark.model
@pytest.mark.parametrize("case", _textacy_cases("speaker_only"))
def test_textacy_speakers(english, case):
    doc = english(case["text"])
    quotes = extract_quotes(doc, link=False)
    spoken = [w for q in quotes for w in (doc.text[q.speaker_start : q.speaker_end].split())]
    expected = case["speaker_tokens"]
    # every expected speaker token, in order; "Richmond police" is speaker "police" of organization "Richmond police"
    words = [w for q in quotes for w in ((q.organization or "").split() + [q.speaker])] + spoken
    it = iter(words)
    assert all(token in it for token in expected), (expected, spoken)


@pytest.mark.model
@pytest.mark.parametrize(
    "text, expected",
    [
        ('"Stocks look cheap here," said Jamie Cox, managing partner at Harris Financial Group.',
         [("direct", "Stocks look cheap here", "Jamie Cox", "person", "managing partner", "Harris Financial Group")]),
        ('Kenji Abe, an analyst at Daiwa Securities, said: "The yen is the key."',
         [("direct", "The yen is the key.", "Kenji Abe", "person", "analyst", "Daiwa Securities")]),
        ('"Buy the dip," Jamie Cox said. "Then sell the rally."',
         [("direct", "Buy the dip", "Jamie Cox", "person", None, None),
          ("direct", "Then sell the rally.", "Jamie Cox", "person", None, None)]),
        ('Kenji Abe of Daiwa Securities spoke first. "We are cautious," he added.',
         [("direct", "We are cautious", "Kenji Abe", "person", None, "Daiwa Securities")]),
        ("The market looks tired, one trader said.",
         [("indirect", "The market looks tired", "one trader", "unnamed", "trader", None)]),
        ("Analysts said the rally would fade.",
         [("indirect", "the rally would fade", "Analysts", "unnamed", "analysts", None)]),
        ("Goldman Sachs said it expects the Fed to cut rates in June.",
         [("indirect", "it expects the Fed to cut rates in June", "Goldman Sachs", "organization", None, "Goldman Sachs")]),
        ("According to Jamie Cox, managing partner at Harris Financial Group, stocks will rise.",
         [("indirect", "stocks will rise", "Jamie Cox", "person", "managing partner", "Harris Financial Group")]),
        ("Jamie Cox told Reuters that the rally had further to run.",
         [("indirect", "the rally had further to run", "Jamie Cox", "person", None, None)]),
        ('Jamie Cox said — "Stocks are cheap. Buy them."',
         [("direct", "Stocks are cheap. Buy them.", "Jamie Cox", "person", None, None)]),
        ("The strategist was blunt: “Stocks are cheap. Buy them,” said Jamie Cox of Harris Financial Group.",
         [("direct", "Stocks are cheap. Buy them", "Jamie Cox", "person", None, "Harris Financial Group")]),
        ("Daiwa Securities analyst Kenji Abe said the yen would weaken.",
         [("indirect", "the yen would weaken", "Kenji Abe", "person", "analyst", "Daiwa Securities")]),
        ("Kenji Abe, an analyst at Daiwa Securities, expects the Bank of Japan to hold rates.",
         [("indirect", "the Bank of Japan to hold rates", "Kenji Abe", "person", "analyst", "Daiwa Securities")]),
        ("“It’s a trap,” he said.", [("direct", "It’s a trap", "he", "pronoun-unresolved", None, None)]),
        ("The decision was expected to come on Monday.", []),
        ('She called the plan "cheap" and moved on.', []),
    ],
)
def test_quote_table(english, text, expected):
    quotes = extract_quotes(english(text), link=False)
    assert [(q.kind, q.text, q.speaker, q.speaker_kind, q.role, q.organization) for q in quotes] == expected
    for q in quotes:
        assert text[q.start : q.end] == q.text


@pytest.mark.model
def test_component_sets_and_overwrites_doc_quotes(english):
    import nlp.components.quotes  # noqa: F401  registers the factory
    from nlp.pipeline import load_language

    lang, _ = load_language()
    lang.add_pipe("newslink_quotes", config={"link": False})
    doc = lang('"Stocks look cheap," said Jamie Cox.')
    assert [q.speaker for q in doc._.quotes] == ["Jamie Cox"]
    doc = lang.get_pipe("newslink_quotes")(doc)
    assert len(doc._.quotes) == 1


@pytest.mark.model
def test_a_speakers_firm_takes_the_symbol_the_linker_gave_it():
    from nlp.components import register_extensions
    from nlp.pipeline import load_language
    from nlp.types import InstrumentMention

    english = load_language()[0]
    text = '"Demand is strong," said John Smith, an analyst at Zyxor Capital.'
    doc = english(text)
    start = text.index("Zyxor Capital")
    register_extensions()
    doc._.instruments = [InstrumentMention("Zyxor Capital", start, start + 13, "ZYX", "equity", how="name")]
    quotes = extract_quotes(doc)
    assert [(q.speaker, q.organization, q.organization_symbol) for q in quotes] == [
        ("John Smith", "Zyxor Capital", "ZYX")]


def _quotes_of(text: str) -> list[dict]:
    from nlp.pipeline import extract_article, shared_pipeline
    from nlp.types import Article

    record = extract_article(Article(id="t", source="t.txt", text=text, published="2013-01-15"), shared_pipeline(False))
    return record["quotes"]


def test_a_share_of_a_group_is_named_with_its_group():
    [q] = _quotes_of("TOKYO (Reuters) - A survey showed doubts. Some 49 percent of the foundations surveyed said"
                     " Abe's policies will not boost the economy as much as targeted.")
    assert q["speaker"] == "49 percent of the foundations surveyed" and q["speaker_kind"] == "unnamed"


def test_a_plural_noun_with_named_firms_in_apposition_is_those_firms():
    [q] = _quotes_of("NEW YORK (Reuters) - Two companies, Wal-Mart Stores Inc and American Express, said they"
                     " would offer the cards.")
    assert q["speaker"] == "Wal-Mart Stores Inc and American Express" and q["speaker_kind"] == "organization"


def test_a_time_after_the_reporting_verb_is_not_the_report():
    quotes = _quotes_of("WASHINGTON (Reuters) - The SEC is investigating the trades. The FBI said this week it is"
                        " also looking into the case.")
    assert [q["text"] for q in quotes if q["speaker"] == "FBI"] == ["it is also looking into the case"]
    kept = _quotes_of("LONDON (Reuters) - Retail sales rose. The ministry said this week's data showed a recovery.")
    assert any(q["text"].startswith("this week's data") for q in kept)


def test_roles_of_experts_and_recruiters_and_a_first_deputy():
    [faria] = _quotes_of("OTTAWA (Reuters) - Canada will add money to the fund. Tony Faria, an auto industry expert"
                         " at the University of Windsor in Ontario, argues such subsidies are imperative.")
    assert (faria["role"], faria["organization"]) == ("auto industry expert", "University of Windsor")
    grant = _quotes_of("SAN FRANCISCO (Reuters) - Pay is rising, said Iain Grant, a recruiter at Riviera Partners.")
    assert (grant[0]["role"], grant[0]["organization"]) == ("recruiter", "Riviera Partners")
    [deputy] = _quotes_of("MOSCOW (Reuters) - Russia's central bank urged joint action. First Deputy Chairman Alexei"
                          " Ulyukayev also said he supported the statement issued by the Group of Seven.")
    assert deputy["role"] == "First Deputy Chairman" and deputy["organization"] is None


def test_the_planemaker_is_the_planemaker_the_article_names():
    quotes = _quotes_of("TOULOUSE (Reuters) - Airbus won an order for 30 jets from an Asian airline. The planemaker"
                        " said it would deliver the jets in 2015.")
    assert [q["speaker"] for q in quotes if "deliver" in q["text"]] == ["Airbus"]
