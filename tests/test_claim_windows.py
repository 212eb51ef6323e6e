"""Claims (issue 11): windows said once for a sentence, forecasts, distances from a record,
after-hours words around the move, and how each claim got its symbol. On the real pipeline."""

from __future__ import annotations

import pytest

from nlp.pipeline import extract_article, shared_pipeline
from nlp.types import Article

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def rules_pipeline():
    return shared_pipeline(False)


def claims_of(pipeline, text, published="2013-10-25", time="17:05:00-04:00"):
    article = Article(id="t", source="t.txt", text=text, published=published,
                      published_time=f"{published}T{time}", timezone="America/New_York",
                      dateline="NEW YORK")
    return extract_article(article, pipeline)["claims"]


def test_a_fronted_window_applies_to_every_move_of_the_sentence(rules_pipeline):
    claims = claims_of(rules_pipeline, "NEW YORK (Reuters) - For the week, the Dow rose 1.1 percent,"
                       " the S&P 500 gained 0.9 percent and the Nasdaq added 0.7 percent.")
    moves = [c for c in claims if c["kind"] == "change"]
    assert [c["pct"] for c in moves] == [1.1, 0.9, 0.7]
    assert {c["period"] for c in moves} == {"week"}
    assert {c["window_start"] for c in moves} == {"2013-10-21"}
    assert all(c["window_explicit"] for c in moves)


def test_the_year_named_is_the_year_to_date(rules_pipeline):
    (claim,) = claims_of(rules_pipeline, "NEW YORK (Reuters) - Shares of Chevron Corp ( CVX.N ) have"
                         " outperformed peers in 2013, rising 15 percent.", published="2013-08-02")
    assert claim["period"] == "year to date" and claim["window_start"] == "2013-01-01"


def test_a_forecast_is_no_claim(rules_pipeline):
    claims = claims_of(rules_pipeline, "NEW YORK (Reuters) - The Standard & Poor's 500 index .SPX"
                       " will finish 2012 at 1,450, according to Chris Leavy of BlackRock.",
                       published="2012-09-25")
    assert claims == []


def test_a_distance_from_a_record_is_no_record(rules_pipeline):
    claims = claims_of(rules_pipeline, "NEW YORK (Reuters) - At Thursday's close, the S&P 500 .SPX"
                       " sits about 6 percent below its all-time closing high of 1,565.15.",
                       published="2013-01-10")
    assert not [c for c in claims if c["kind"] == "record"]


def test_after_hours_words_in_the_sentence_before(rules_pipeline):
    text = ("NEW YORK (Reuters) - Shares of Intel Corp ( INTC.O ) also declined after the bell."
            " Intel slipped 1.5 percent to $22.02 after the chipmaker forecast weak margins.")
    claims = [c for c in claims_of(rules_pipeline, text, published="2012-10-16") if c["pct"] == 1.5]
    assert claims and claims[0]["after_hours"]


def test_a_closing_move_beside_an_extended_one_stays_on_the_session(rules_pipeline):
    text = ("NEW YORK (Reuters) - Shares of Qualcomm Inc ( QCOM.O ) fell 6 percent to $61.80 in"
            " extended trade after closing up 1 percent at $66.00.")
    claims = {c["pct"]: c for c in claims_of(rules_pipeline, text, published="2013-11-06")}
    assert claims[6.0]["after_hours"]
    assert not claims[1.0]["after_hours"]


def test_symbol_how_says_how_the_subject_was_found(rules_pipeline):
    text = ("NEW YORK (Reuters) - Apple Inc ( AAPL.O ) said on Tuesday it would buy back shares."
            " Its shares rose 2.1 percent.")
    claims = claims_of(rules_pipeline, text, published="2013-04-23")
    assert [c["symbol_how"] for c in claims if c["pct"] == 2.1] == ["coref"]
    named = claims_of(rules_pipeline, "NEW YORK (Reuters) - Apple Inc ( AAPL.O ) shares rose 2.1"
                      " percent on Tuesday.", published="2013-04-23")
    assert named[0]["symbol"] == "AAPL" and named[0]["symbol_how"] != "coref"


def test_a_weekend_storys_last_week_is_the_week_just_ended():
    import datetime as dt

    from nlp.components import time_anchors

    when = time_anchors.ArticleTime(published=dt.date(2013, 10, 6))
    anchor = time_anchors.resolve("last week", "XNYS", when)
    assert (anchor.window_start, anchor.as_of) == ("2013-09-30", "2013-10-04")
    weekday = time_anchors.resolve("last week", "XNYS", time_anchors.ArticleTime(dt.date(2013, 10, 9)))
    assert (weekday.window_start, weekday.as_of) == ("2013-09-30", "2013-10-04")


def test_claims_carry_the_doubts_of_their_sentence(rules_pipeline):
    claims = claims_of(rules_pipeline, "NEW YORK (Reuters) - Stocks ended higher for the week. The Dow rose"
                       " 0.6 percent.\nShares of DuPont rose as much as 6 percent on Friday.",
                       published="2013-09-20", time="18:00:00-04:00")
    dow, dupont = [c for c in claims if c["kind"] == "change"]
    assert [d.split(":")[0] for d in dow["doubts"]] == ["window"] and dow["day_named"] is False
    assert dupont["day_named"] is True
    assert any(d.startswith("intraday: as much as") for d in dupont["doubts"]) or dupont["period"] == "intraday"


def test_a_distance_from_a_record_is_its_own_kind(rules_pipeline):
    claims = claims_of(rules_pipeline, "The S&P 500 is 3 percent shy of its all-time closing high of 1,565.15."
                       "\nApple shares are down 30 percent from their record high.")
    kinds = [(c["kind"], c["symbol"], c["pct"], c["direction"], c["record"]) for c in claims]
    assert ("distance", "^GSPC", 3.0, "down", "all-time closing high") in kinds
    assert ("distance", "AAPL", 30.0, "down", "record high") in kinds
    assert not [c for c in claims if c["kind"] == "record"]
    sp = next(c for c in claims if c["symbol"] == "^GSPC")
    assert sp["level"] == 1565.15


def test_within_striking_distance_is_no_record(rules_pipeline):
    claims = claims_of(rules_pipeline, "The S&P 500 is within striking distance of its all-time closing high.")
    assert [c for c in claims if c["kind"] == "record"] == []


def test_a_figure_before_the_next_instruments_name_takes_no_symbol(rules_pipeline):
    claims = claims_of(rules_pipeline, "Macy's results lifted shares of several rivals, with Kohl's Corp"
                       " ( KSS.N ) up 1.1 percent, Penney up 3.6 percent and Nordstrom Inc ( JWN.N ) up 2.5 percent.")
    penney = next(c for c in claims if c["pct"] == 3.6)
    assert penney["symbol"] is None and penney["subject"] == "Penney"
    assert next(c for c in claims if c["pct"] == 2.5)["symbol"] == "JWN"


def test_a_code_in_a_clause_about_the_owner_is_doubted(rules_pipeline):
    claims = claims_of(rules_pipeline, "Shares in POSCO, 5 percent owned by Warren Buffett's Berkshire"
                       " Hathaway ( BRKa.N ) ( BRKb.N ), ended down 0.1 percent prior to the results.")
    moves = [c for c in claims if c["pct"] == 0.1]
    assert all(c["symbol"] is None or any(d.startswith("subject:") for d in c["doubts"]) for c in moves)


def test_a_fronted_clause_keeps_the_subject_and_its_code(rules_pipeline):
    claims = claims_of(rules_pipeline, "Weighing on the Dow, Caterpillar Inc ( CAT.N ) fell 2.1 percent.")
    assert [(c["symbol"], c["pct"], c["doubts"]) for c in claims if c["kind"] == "change"] == [("CAT", 2.1, [])]


def test_with_the_index_hitting_a_record(rules_pipeline):
    claims = claims_of(rules_pipeline, "Stocks on Wall Street rallied on the Fed statement, with the Standard"
                       " & Poor's 500 index  .SPX  hitting a record high.")
    assert [(c["kind"], c["symbol"]) for c in claims] == [("record", "^GSPC")]


def test_a_level_stated_before_its_verb_keeps_a_proper_span(rules_pipeline):
    claims = claims_of(rules_pipeline, "At 1,400, the S&P 500 on Friday was closing in on a four-year high.")
    level = next(c for c in claims if c["kind"] == "level")
    assert level["start"] < level["end"] and level["text"].startswith("At 1,400")


def test_a_whole_market_is_read_as_its_broad_index(rules_pipeline):
    claims = claims_of(rules_pipeline, "Wall Street stocks climbed almost 2 percent on Friday.")
    assert [(c["symbol"], c["symbol_how"]) for c in claims] == [("^GSPC", "market")]


def test_a_noun_move_names_its_instrument_after_the_figure(rules_pipeline):
    claims = claims_of(rules_pipeline, "Microsoft shares had risen 32 percent this year, beating a 19 percent"
                       " rise in the Standard & Poor's 500 index.")
    assert ("^GSPC", 19.0) in [(c["symbol"], c["pct"]) for c in claims]
