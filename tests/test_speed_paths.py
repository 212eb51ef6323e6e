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


def _articles():
    from conftest import SAMPLE
    from nlp.articles import read_inputs
    from nlp.types import Article

    return [*(a for a in read_inputs([SAMPLE]) if isinstance(a, Article)),
            Article(id="b1", source="b1.txt", published="2013-01-15",
                    text="NEW YORK (Reuters) - Apple Inc ( AAPL.O ) fell 3.1 percent after its results, analysts"
                         " at Morgan Stanley said. \"It was a weak quarter,\" said Jane Roe, a strategist at UBS."),
            Article(id="b2", source="b2.txt", published="2013-01-16",
                    text="LONDON (Reuters) - Britain's FTSE 100 rose 0.4 percent, led by BP Plc and HSBC.")]


def test_the_ner_embedding_computed_ahead_gives_the_records_of_one_thread(monkeypatch):
    """With two threads the NER's own embedding runs beside the parser and is served to the NER;
    the records are those of a process with one thread, and the NER did not embed them again."""
    from nlp.budget import THREADS_ENV
    from nlp.pipeline import own_embedding, shared_pipeline
    from nlp.workers import extract_many

    pipeline = shared_pipeline(False)
    layer, columns = own_embedding(pipeline.get_pipe("ner"))
    assert layer is not None and columns == ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
    articles = _articles()
    monkeypatch.setenv(THREADS_ENV, "1")
    alone = extract_many(pipeline, articles)
    monkeypatch.setenv(THREADS_ENV, "2")
    calls = []
    original = layer._func

    def counting(model, docs, is_train):
        calls.append(len(docs))
        return original(model, docs, is_train)

    monkeypatch.setattr(layer, "_func", counting)
    beside = extract_many(pipeline, articles)
    assert beside == alone and any(r["instruments"] for r in beside)
    assert sum(calls) == len(articles)  # each Doc embedded once, one at a time, in the second thread
    assert layer._func is counting  # restored after the NER ran


def test_a_doc_whose_features_changed_is_embedded_by_the_ner_itself():
    import numpy

    from nlp.pipeline import EmbedAhead, own_embedding, shared_pipeline

    pipeline = shared_pipeline(False)
    layer, columns = own_embedding(pipeline.get_pipe("ner"))
    docs = [pipeline.make_doc("Apple rose 2 percent."), pipeline.make_doc("Shares of BP fell.")]
    ahead = EmbedAhead(layer, columns, docs)
    ahead.thread.join()
    stored = ahead.rows[id(docs[0])][1]
    docs[1][0].norm_ = "changed"  # a component before the NER changed what it reads
    with ahead.serving("ner"):
        both = layer.predict(docs)
        first = layer.predict(docs[:1])
    assert first is stored  # served, not computed
    assert both.shape[0] == len(docs[0]) + len(docs[1])
    assert numpy.array_equal(both, layer.predict(docs))  # computed again, as without the thread
    ahead.close()
    assert not ahead.rows and not ahead.thread.is_alive()


def test_no_embedding_ahead_in_a_process_of_one_thread(monkeypatch):
    from nlp.budget import THREADS_ENV
    from nlp.pipeline import EmbedAhead, shared_pipeline, shared_stage

    pipeline = shared_pipeline(False)
    docs = [pipeline.make_doc("Apple rose."), pipeline.make_doc("BP fell.")]
    monkeypatch.setenv(THREADS_ENV, "1")
    assert EmbedAhead.start(pipeline, docs, shared_stage(pipeline)).thread is None
    monkeypatch.setenv(THREADS_ENV, "2")
    ahead = EmbedAhead.start(pipeline, docs, shared_stage(pipeline))
    assert ahead.thread is not None
    ahead.close()
    assert EmbedAhead.start(pipeline, docs[:1], shared_stage(pipeline)).thread is None  # one Doc: no gain
