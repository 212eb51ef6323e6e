"""Doubts (issue 11): the wording around a claim that leaves its window, instrument or nature
uncertain, read by nlp.components.doubts from the claim's sentence. Hand-built Docs."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from nlp.components.doubts import claim_doubts, cues, names_day, previous_sentence


@pytest.fixture(scope="module")
def blank():
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def sents(blank, text):
    doc = blank(text)
    return doc, list(doc.sents)


def kinds(found):
    return [d.split(":", 1)[0] for d in found]


def test_every_row_of_the_table_loads():
    table = cues()
    assert len(table) > 20
    assert {c.doubt for c in table} >= {"extended", "intraday", "window", "past", "forecast",
                                        "not-price", "distance"}


def test_extended_hours_wording(blank):
    doc, (s,) = sents(blank, "In after-market trading, shares of Goldman Sachs fell 2 percent.")
    found = claim_doubts(doc, s, "change", "session", "2013-03-14")
    assert kinds(found) == ["extended"]
    assert "after-market" in found[0]


def test_a_period_that_reads_the_wording_is_no_doubt(blank):
    doc, (s,) = sents(blank, "The Dow fell 2 percent this week.")
    assert claim_doubts(doc, s, "change", "week", "2013-03-15") == []
    assert kinds(claim_doubts(doc, s, "change", "session", "2013-03-15")) == ["window"]


def test_the_sentence_before_sets_the_window_when_no_day_is_named(blank):
    doc, (_, s) = sents(blank, "Stocks ended higher for the week. The Dow rose 0.6 percent.")
    assert kinds(claim_doubts(doc, s, "change", "session", "2013-09-20")) == ["window"]
    doc, (_, s) = sents(blank, "Stocks ended higher for the week. The Dow fell 1.2 percent on Friday.")
    assert claim_doubts(doc, s, "change", "session", "2013-09-20") == []


def test_the_sentence_before_in_another_paragraph_is_not_read(blank):
    doc = blank("Stocks ended higher for the week.\n\nThe Dow rose 0.6 percent.")
    s = list(doc.sents)[-1]
    assert previous_sentence(doc, s) == ""
    assert claim_doubts(doc, s, "change", "session", "2013-09-20") == []


def test_another_date_or_year(blank):
    doc, (s,) = sents(blank, "Both the S&P 500 and the Dow closed at record peaks on May 21.")
    assert "past: May 21" in claim_doubts(doc, s, "record", "session", "2013-06-05")
    assert "past" not in kinds(claim_doubts(doc, s, "record", "session", "2013-05-21"))
    doc, (s,) = sents(blank, "During the shutdown of 1995, the S&P 500 added 0.1 percent.")
    assert "past" in kinds(claim_doubts(doc, s, "change", "session", "2013-09-30"))


def test_another_weekday_than_the_claims_session(blank):
    doc, (s,) = sents(blank, "Boeing shares rose 1.7 percent after it announced orders on Sunday.")
    assert "past: Sunday" in claim_doubts(doc, s, "change", "session", "2013-11-15")
    doc, (s,) = sents(blank, "Boeing shares rose 1.7 percent on Friday.")
    assert claim_doubts(doc, s, "change", "session", "2013-11-15") == []


def test_names_day(blank):
    doc, (s,) = sents(blank, "Boeing shares rose 1.7 percent on Friday.")
    assert names_day(s, "2013-11-15")        # a Friday
    assert not names_day(s, "2013-11-18")    # a Monday
    doc, (s,) = sents(blank, "The S&P 500 closed down nearly 1.4 percent.")
    assert not names_day(s, "2013-06-20")
    doc, (s,) = sents(blank, "The index closed at a record on March 28.")
    assert names_day(s, "2013-03-28") and not names_day(s, "2013-05-06")


def test_not_a_price_and_forecasts(blank):
    doc, (s,) = sents(blank, "Costco said same-store sales rose 5 percent last month.")
    assert "not-price" in kinds(claim_doubts(doc, s, "change", "last month", "2013-05-31"))
    doc, (s,) = sents(blank, "JPMorgan raised its target, implying a gain of 3.5 percent.")
    assert "forecast" in kinds(claim_doubts(doc, s, "change", "session", "2013-05-17"))


def test_distance_from_a_record_only_for_records(blank):
    doc, (s,) = sents(blank, "The S&P 500 is within striking distance of its all-time closing high.")
    assert kinds(claim_doubts(doc, s, "record", "session", "2013-03-13")) == ["distance"]
    assert "distance" not in kinds(claim_doubts(doc, s, "change", "session", "2013-03-13"))


def test_intraday_extremes_for_moves(blank):
    doc, (s,) = sents(blank, "DuPont's shares rose as much as 6 percent on Tuesday.")
    assert kinds(claim_doubts(doc, s, "change", "session", "2013-07-23")) == ["intraday"]
    assert claim_doubts(doc, s, "change", "intraday", "2013-07-23") == []


def hand_doc(blank, words, pos):
    doc = Doc(blank.vocab, words=words, pos=pos)
    doc[0].is_sent_start = True
    for t in doc[1:]:
        t.is_sent_start = False
    return doc


def test_a_subject_named_after_the_figure(blank):
    words = ["Penney", "up", "3.6", "percent", "and", "Nordstrom", "(", "JWN.N", ")", "up", "2.5", "percent"]
    pos = ["PROPN", "ADV", "NUM", "NOUN", "CCONJ", "PROPN", "PUNCT", "PROPN", "PUNCT", "ADV", "NUM", "NOUN"]
    doc = hand_doc(blank, words, pos)
    ric = doc[7]
    found = claim_doubts(doc, doc[:], "change", "session", "2013-11-13",
                         subject=(ric.idx, ric.idx + len(ric)), figure=doc[2].idx)
    assert kinds(found) == ["subject"] and "after the figure" in found[0]


def test_a_subject_that_is_a_prepositional_object(blank):
    words = ["Shares", "in", "POSCO", ",", "owned", "by", "Berkshire", "Hathaway", "(", "BRKb.N", ")",
             ",", "ended", "down", "0.1", "percent"]
    pos = ["NOUN", "ADP", "PROPN", "PUNCT", "VERB", "ADP", "PROPN", "PROPN", "PUNCT", "PROPN", "PUNCT",
           "PUNCT", "VERB", "ADV", "NUM", "NOUN"]
    doc = hand_doc(blank, words, pos)
    ric = doc[9]
    found = claim_doubts(doc, doc[:], "change", "session", "2013-01-28",
                         subject=(ric.idx, ric.idx + len(ric)), figure=doc[14].idx)
    assert kinds(found) == ["subject"] and "'by'" in found[0]
    # 'Shares of Apple': the owner of the shares is the subject
    words = ["Shares", "of", "Apple", "fell", "2", "percent"]
    doc = hand_doc(blank, words, ["NOUN", "ADP", "PROPN", "VERB", "NUM", "NOUN"])
    assert claim_doubts(doc, doc[:], "change", "session", "2013-01-28",
                        subject=(doc[2].idx, doc[2].idx + 5), figure=doc[4].idx) == []
