"""newslink_attributes (issue 13): the model's attribute rules and rule lemmas, exactly as spaCy's
attribute_ruler and lemmatizer set them, on hand-built Docs, the sample article, Reuters articles
and across memory zones; a pattern it cannot compile keeps the stock components."""

from __future__ import annotations

import contextlib
import itertools
import warnings

import pytest
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from conftest import REUTERS, SEED, need
from nlp.components.attributes import FACTORY, Uncompilable, compile_rules, take_over
from nlp.pipeline import load_language

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def stock():
    """The English model as spaCy ships it."""
    return load_language()[0]


@pytest.fixture(scope="module")
def fast():
    """The English model with newslink_attributes in place of attribute_ruler and lemmatizer."""
    lang = load_language()[0]
    before = lang.pipe_names
    assert take_over(lang) == ["attribute_ruler", "lemmatizer"]
    at = before.index("attribute_ruler")
    assert lang.pipe_names == [*before[:at], FACTORY, *before[at + 2:]]
    return lang


def annotations(doc: Doc) -> list[tuple]:
    """What the two components set (and what the rules read), token by token, as plain values."""
    return [(t.i, t.text, t.tag_, t.pos_, str(t.morph), t.morph.key, t.lemma_, t.dep_) for t in doc]


# (words, tags, deps, heads, spaces): Docs built by hand, so each rule kind fires whatever the
# tagger and parser would say; heads are absolute, None for an unparsed Doc
HAND_BUILT = {
    "tag only": (["The", "markets", "rose", "sharply", "."], ["DT", "NNS", "VBD", "RB", "."],
                 ["det", "nsubj", "ROOT", "advmod", "punct"], [1, 2, 2, 2, 2], None),
    "lower and tag": (["I", "told", "her", "her", "shares", "is", "something", "'d", "ca", "n't"],
                      ["PRP", "VBD", "PRP", "PRP$", "NNS", "VBZ", "NN", "MD", "MD", "RB"],
                      ["nsubj", "ROOT", "dobj", "poss", "dobj", "conj", "dobj", "aux", "aux", "neg"],
                      [1, 1, 1, 4, 1, 1, 5, 5, 5, 5], None),
    "dep conditions": (["But", "i", "saw", "you", "and", "it", "has", "done", "that", "this", "did", "."],
                       ["CC", "PRP", "VBD", "PRP", "CC", "PRP", "VBZ", "VBN", "IN", "DT", "VBD", "."],
                       ["advmod", "nsubj", "ROOT", "dobj", "cc", "nsubj", "aux", "conj", "mark", "nsubj",
                        "advcl", "punct"],
                       [2, 2, 2, 2, 2, 7, 7, 2, 10, 10, 7, 2], None),
    "dep missing": (["that", "is", "to", "be"], ["DT", "VBZ", "TO", "VB"], ["", "ROOT", "aux", "xcomp"],
                    [1, 1, 3, 1], None),
    "two tokens": (["There", "is", "gon", "na", "be", "got", "ta", "let", "'s", "c'm", "on", "y'", "all",
                    "ai", "n't"],
                   ["EX", "VBZ", "VBG", "TO", "VB", "VBD", "TO", "VB", "PRP", "VB", "RP", "PRP", "DT",
                    "VBP", "RB"],
                   ["expl", "ROOT", "aux", "aux", "xcomp", "conj", "aux", "conj", "nsubj", "conj", "prt",
                    "nsubj", "appos", "conj", "neg"],
                   [1, 1, 4, 4, 1, 1, 5, 1, 7, 1, 9, 9, 11, 1, 13], None),
    "whitespace": (["Hello", "\n\n", "world", "  ", "x", "\t"], ["UH", "_SP", "NN", "NN", "_SP", "_SP"],
                   ["ROOT", "dep", "npadvmod", "", "dep", "punct"], [0, 0, 0, 0, 0, 0],
                   [False, False, True, False, False, False]),
    "gets and got": (["He", "gets", "it", "and", "she", "got", "it", "."],
                     ["PRP", "VBZ", "PRP", "CC", "PRP", "VBD", "PRP", "."],
                     ["nsubj", "ROOT", "dobj", "cc", "nsubj", "conj", "dobj", "punct"],
                     [1, 1, 1, 1, 5, 1, 5, 1], None),
    "lemma rules": (["Shares", "fell", "dollars", "rallies", "better", "New", "York", "indices", "BUYING"],
                    ["NNS", "VBD", "NNS", "NNS", "JJR", "NNP", "NNP", "NNS", "VBG"],
                    ["nsubj", "ROOT", "dobj", "conj", "amod", "compound", "pobj", "conj", "advcl"],
                    [1, 1, 1, 1, 1, 6, 1, 1, 1], None),
    "tagged, not parsed": (["Tokyo", "stocks", "were", "up", "and", "i", "gets", "it"],
                           ["NNP", "NNS", "VBD", "RB", "CC", "PRP", "VBZ", "PRP"], None, None, None),
}


def hand_built(lang, case: str) -> Doc:
    words, tags, deps, heads, spaces = HAND_BUILT[case]
    return Doc(lang.vocab, words=words, spaces=spaces, tags=tags, deps=deps, heads=heads)


def run_stock(lang, doc: Doc) -> Doc:
    return lang.get_pipe("lemmatizer")(lang.get_pipe("attribute_ruler")(doc))


@pytest.mark.parametrize("case", sorted(HAND_BUILT))
def test_hand_built_docs_get_the_stock_attributes(stock, fast, case):
    expected = annotations(run_stock(stock, hand_built(stock, case)))
    found = annotations(fast.get_pipe(FACTORY)(hand_built(fast, case)))
    assert found == expected


def test_each_rule_kind_fired(fast):
    """The hand-built Docs do reach the rules (literal values, so a component doing nothing fails)."""
    def get(case):
        doc = fast.get_pipe(FACTORY)(hand_built(fast, case))
        return {t.i: (t.pos_, str(t.morph), t.lemma_, t.dep_, t.tag_) for t in doc}

    tag_only = get("tag only")
    assert tag_only[1] == ("NOUN", "Number=Plur", "market", "nsubj", "NNS")
    assert tag_only[2] == ("VERB", "Tense=Past|VerbForm=Fin", "rise", "ROOT", "VBD")
    lower = get("lower and tag")
    assert lower[2][:3] == ("PRON", "Case=Acc|Gender=Fem|Number=Sing|Person=3|PronType=Prs", "she")
    assert lower[3][:3] == ("PRON", "Gender=Fem|Number=Sing|Person=3|Poss=Yes|PronType=Prs", "her")
    assert lower[6][0] == "PRON" and lower[7][2] == "would" and lower[8][2] == "can"
    dep = get("dep conditions")
    assert dep[0][0] == "ADV" and dep[6][0] == "AUX" and dep[8][0] == "SCONJ"
    assert dep[9][0] == "PRON" and dep[10][0] == "VERB"
    assert get("dep missing")[0][::3] == ("DET", "")  # an unset dep is not "not det" for the PRON rule
    two = get("two tokens")
    assert two[1][0] == "VERB"  # "There is": the expl rule sets the second token
    assert (two[2][2], two[3][2], two[6][2], two[8][2], two[9][2], two[11][2], two[13][2]) == (
        "go", "to", "to", "us", "come", "you", "be")
    space = get("whitespace")
    assert space[1] == ("SPACE", "", "\n\n", "dep", "_SP") and space[3] == ("SPACE", "", "  ", "", "_SP")
    assert space[4][:2] == ("X", "")  # tagged _SP, but no whitespace
    gets = get("gets and got")
    assert gets[1][2] == "get" and gets[5][2] == "get"
    lemmas = get("lemma rules")
    assert [lemmas[i][2] for i in range(9)] == [
        "share", "fall", "dollar", "rally", "well", "New", "York", "index", "buy"]


def test_a_doc_without_tags_gets_what_the_stock_gives(stock, fast):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spaCy's W108: the rule lemmatizer got no POS
        expected = annotations(run_stock(stock, Doc(stock.vocab, words=["Nikkei", "rose", "  ", "got"])))
        found = annotations(fast.get_pipe(FACTORY)(Doc(fast.vocab, words=["Nikkei", "rose", "  ", "got"])))
    assert found == expected


def articles(n: int) -> list[str]:
    from nlp.articles import read_inputs
    from nlp.types import Article

    texts = [a.text for a in read_inputs([need(SEED)]) if isinstance(a, Article)]
    found = (a.text for a in read_inputs([need(REUTERS)]) if isinstance(a, Article))
    return texts + list(itertools.islice(found, n))


def test_articles_get_the_stock_attributes(stock, fast):
    texts = articles(30)
    assert len(texts) == 31
    for text, expected, found in zip(texts, stock.pipe(texts), fast.pipe(texts)):
        assert annotations(found) == annotations(expected), text[:80]


def test_caches_that_start_afresh_change_nothing(stock, fast, monkeypatch):
    from nlp.components import attributes

    monkeypatch.setattr(attributes, "CACHE_LIMIT", 7)
    component = fast.get_pipe(FACTORY)
    component._memo.clear()
    component.lemmas.cache.clear()
    texts = articles(2)
    for text, expected, found in zip(texts, stock.pipe(texts), fast.pipe(texts)):
        assert annotations(found) == annotations(expected), text[:80]
    assert len(component._memo) <= 7 and len(component.lemmas.cache) <= 7


ZONE_TEXTS = [
    "Zorblaxian Corp's shares flumbergized 4% as Qwibbletons glorped, but it got worse.",
    "The snarfling Vexitronics indices wuzzled; they're gonna ask y'all: ain't it grand?\n\n  Tokyo fell.",
    "Blorptech gets the Frimbulated orders that Klaxoria had snorbled.",
]


def test_memory_zones_change_nothing(stock, fast):
    """Zone after zone, and after them outside any zone: the stock attributes, every time."""
    def rounds(lang):
        seen, evicted = [], set()
        for zoned in (True, True, False):
            with lang.memory_zone() if zoned else contextlib.nullcontext():
                seen.append([annotations(doc) for doc in lang.pipe(ZONE_TEXTS)])
                lemmas = {a[6] for doc in seen[-1] for a in doc}
            if zoned:
                evicted |= {s for s in lemmas if s not in lang.vocab.strings}
        return seen, evicted

    expected, _ = rounds(stock)
    found, evicted = rounds(fast)
    assert found == expected
    assert found[0] == found[1] == found[2]
    assert {"flumbergize", "glorp"} & evicted  # lemmas added inside a zone went with it


@pytest.mark.parametrize("entry", [
    {"patterns": [[{"LOWER": "up", "OP": "+"}]], "attrs": {"POS": "ADV"}},
    {"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"MORPH": {"IS_SUPERSET": ["Number=Sing"]}}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"LOWER": {"FUZZY": "stock"}}]], "attrs": {"POS": "NOUN"}},
    {"patterns": [[{"_": {"flag": True}}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"ENT_TYPE": "ORG"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"LOWER": "nikkei"}]], "attrs": {"NORM": "nikkei225"}},
    {"patterns": [[{"LOWER": "nikkei"}]], "attrs": {"_": {"flag": True}}},
    {"patterns": [[{"LOWER": "nikkei"}]], "attrs": {"POS": "PROPN"}, "index": 1},
    {"patterns": [[{"LOWER": "nikkei"}, {}]], "attrs": {"POS": "PROPN"}, "index": -3},
])
def test_shapes_it_cannot_compile(entry):
    with pytest.raises(Uncompilable):
        compile_rules([entry], Vocab())


def test_it_does_not_compile_inside_a_memory_zone():
    vocab = Vocab()
    with vocab.memory_zone(), pytest.raises(Uncompilable):
        compile_rules([{"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}}], vocab)


def test_an_uncompilable_pattern_keeps_the_stock_components():
    lang = load_language()[0]
    ruler, lemmatizer = lang.get_pipe("attribute_ruler"), lang.get_pipe("lemmatizer")
    ruler.add([[{"LOWER": "nikkei", "OP": "+"}]], {"POS": "PROPN"})
    names = lang.pipe_names
    assert take_over(lang) == []
    assert lang.pipe_names == names and FACTORY not in names
    assert lang.get_pipe("attribute_ruler") is ruler and lang.get_pipe("lemmatizer") is lemmatizer


def test_generic_patterns_on_a_blank_pipeline():
    """Shapes the English model does not use: TEXT / ORTH, flags, NOT_IN, REGEX, int values, a
    three-token pattern with a negative index, rules that overlap (the later one wins)."""
    patterns = [
        {"patterns": [[{"IS_PUNCT": True}]], "attrs": {"POS": "PUNCT", "MORPH": "PunctType=Peri"}},
        {"patterns": [[{"LIKE_NUM": True}, {"ORTH": "%"}]], "attrs": {"POS": "NUM", "LEMMA": "pct"}},
        {"patterns": [[{"TEXT": {"REGEX": r"^[A-Z]{2,}$"}, "IS_STOP": False}]], "attrs": {"TAG": "NNP"}},
        {"patterns": [[{"LOWER": {"NOT_IN": ["the", "a"]}, "IS_ALPHA": True}, {"ORTH": "rose"},
                       {"LIKE_NUM": True}]], "attrs": {"POS": "PROPN", "DEP": "nsubj"}, "index": -3},
        {"patterns": [[{"ORTH": "%"}], [{"NORM": {"IN": ["percent", "pct"]}}]],
         "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
        {"patterns": [[{"IS_SPACE": 1}]], "attrs": {"POS": "SPACE", "TAG": "_SP"}},
    ]
    texts = ["Nikkei rose 1.8 % to a record , and TOPIX rose 2 percent .", "The IBM rose 3 %  \n  ok."]

    def lang_with(fast_rules: bool):
        lang = spacy.blank("en")
        lang.add_pipe("attribute_ruler").add_patterns(patterns)
        if fast_rules:
            assert take_over(lang) == ["attribute_ruler"]
        return lang

    stock_lang, fast_lang = lang_with(False), lang_with(True)
    for text in texts:
        expected, found = annotations(stock_lang(text)), annotations(fast_lang(text))
        assert found == expected
    doc = fast_lang(texts[0])
    assert [(t.pos_, t.lemma_, t.dep_) for t in doc[:4]] == [
        ("PROPN", "", "nsubj"), ("", "", ""), ("NUM", "pct", ""), ("NOUN", "", "")]
    assert (doc[9].tag_, doc[9].pos_) == ("NNP", "PROPN")
    assert doc[7].pos_ == "PUNCT" and doc[12].pos_ == "NOUN"


def test_build_pipeline_uses_it(pipeline):
    names = pipeline.pipe_names
    assert "attribute_ruler" not in names and "lemmatizer" not in names
    assert names.index("parser") < names.index(FACTORY) < names.index("ner")
