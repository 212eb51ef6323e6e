"""The short cuts taken for speed give what the long way gives: token lookups by id, the word before
a stop read from a window, the claims' sentence tests, and the Doc text seeded from the article."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from nlp.components import doc_text, seed_text, tokens_among
from nlp.components.quotes.marks import _ends_sentence, _word_before


def test_tokens_among_finds_what_a_scan_of_lower_case_words_finds():
    doc = spacy.blank("en")("He SAID it; she Says so, and they said: says who?")
    words = frozenset({"said", "says"})
    assert [t.i for t in tokens_among(doc, words)] == [t.i for t in doc if t.lower_ in words]
    assert tokens_among(doc, frozenset()) == [] and tokens_among(doc[0:0].as_doc(), words) == []


def test_the_word_before_a_stop_is_the_whole_run_however_long():
    import re

    for text in ("Apple Inc.", "the U.S.", "x" * 300 + ".", "a-b&c" * 40 + ".", ".", "word\n.", "ends ."):
        i = len(text) - 1
        m = re.search(r"([\w.&-]+)$", text[:i])
        assert _word_before(text, i) == (m.group(1) if m else "")
    assert not _ends_sentence("Shares of Apple Inc. rose", 19)
    assert _ends_sentence("Shares rose. Bonds fell", 11)


def test_claims_skip_only_sentences_that_cannot_hold_one():
    from nlp.components.claims.drafts import _DIGIT, _record_words

    assert _record_words().search("the index hit an all-time high")
    assert _record_words().search("its highest since 2008".lower())
    assert not _record_words().search("analysts said demand was weak")
    assert _DIGIT.search("rose 2 percent") and not _DIGIT.search("rose two percent")


def test_the_seeded_text_is_the_docs_own():
    doc = spacy.blank("en")("Stocks rose.")
    seed_text(doc, doc.text)
    assert doc_text(doc) == "Stocks rose."
    other = Doc(doc.vocab, words=["Bonds", "fell"], spaces=[True, False])
    assert doc_text(other) == "Bonds fell"


def test_the_extracting_process_collects_young_objects_less_often():
    import gc

    from nlp.workers import COLLECTOR_THRESHOLDS, settle_collector

    before = gc.get_threshold()
    try:
        settle_collector()
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
