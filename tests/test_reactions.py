"""Market reactions (issue 17): event time, returns and abnormal returns on hand-built prices,
relevance and novelty rules, event studies, the store/query/CLI path, and the sample article
against the shared seed prices."""

from __future__ import annotations

import datetime as dt
import json
import math
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE, SHARED, need
from nlp import query
from nlp.calendars import sessions
from nlp.market.reactions import (
    EventTime, abnormal_path, event_study, event_time, fit_market_model, measure_reaction, parse_window,
)
from nlp.market.series import MemoryPrices, PriceSeries
from nlp.reactions import fill_reactions, first_sentence_end, relevance, similarity
from nlp.store import Store

NY = ZoneInfo("America/New_York")


def at(y, m, d, hh, mm=0) -> float:
    return dt.datetime(y, m, d, hh, mm, tzinfo=NY).timestamp()


# -- event time: t0 is the first session close after publication ---------------------------------

XNYS = sessions("XNYS")


@pytest.mark.parametrize("instant, t0, base, timing", [
    (at(2013, 7, 3, 8, 0), "2013-07-03", "2013-07-02", "before-open"),
    (at(2013, 7, 2, 11, 30), "2013-07-02", "2013-07-01", "during"),
    (at(2013, 7, 2, 16, 0), "2013-07-03", "2013-07-02", "after-close"),  # at the close: next session
    (at(2013, 7, 2, 19, 57), "2013-07-03", "2013-07-02", "after-close"),
    (at(2013, 7, 6, 12, 0), "2013-07-08", "2013-07-05", "non-session"),  # Saturday
    (at(2013, 7, 4, 10, 0), "2013-07-05", "2013-07-03", "non-session"),  # Independence Day
    (at(2013, 7, 3, 12, 30), "2013-07-03", "2013-07-02", "during"),
    (at(2013, 7, 3, 13, 30), "2013-07-05", "2013-07-03", "after-close"),  # a half day: closed at 13:00
])
def test_event_time_from_the_publication_instant(instant, t0, base, timing):
    assert event_time("2013-07-01", instant, XNYS) == EventTime(t0, base, timing, "time")


def test_event_time_from_the_date_alone_and_from_the_text():
    assert event_time("2013-07-02", None, XNYS) == EventTime("2013-07-02", "2013-07-01", "date-only", "date")
    assert event_time("2013-07-04", None, XNYS) == EventTime("2013-07-05", "2013-07-03", "date-only", "date")
    # "by the midday break": written during a session day
    assert event_time("2013-07-02", None, XNYS, intraday_report=True) == EventTime(
        "2013-07-02", "2013-07-01", "during", "text")
    # without a calendar, the series' bars are the sessions
    assert event_time("2013-07-04", None, None, ["2013-07-03", "2013-07-05"]) == EventTime(
        "2013-07-05", "2013-07-03", "date-only", "date")
    assert event_time("2031-01-05", None, XNYS) is None


def test_parse_window():
    assert parse_window("0") == (0, 0) and parse_window("0..5") == (0, 5)
    for bad in ("", "-1", "3..1", "a..b"):
        with pytest.raises(ValueError):
            parse_window(bad)


# -- returns on hand-built prices ---------------------------------------------------------------


def bars(symbol: str, closes: dict[str, float], volume: float | None = None) -> list[dict]:
    return [{"symbol": symbol, "date": d, "close": c, "volume": volume} for d, c in closes.items()]


DAYS = ["2013-07-01", "2013-07-02", "2013-07-03", "2013-07-05", "2013-07-08", "2013-07-09",
        "2013-07-10", "2013-07-11", "2013-07-12"]


def prices():
    stock = dict(zip(DAYS, [100.0, 102.0, 104.04, 101.0, 103.0, 104.0, 105.0, 106.0, 107.0]))
    index = dict(zip(DAYS, [1000.0, 1010.0, 1020.0, 1010.0, 1015.0, 1020.0, 1025.0, 1030.0, 1035.0]))
    return MemoryPrices(bars("ACME", stock) + bars("^GSPC", index))


def test_windows_index_and_abnormal_returns():
    p = prices()
    when = event_time(None, at(2013, 7, 2, 18, 0), XNYS)  # after the close of 2 July
    r = measure_reaction("ACME", p.series("ACME"), when, "^GSPC", p.series("^GSPC"), XNYS)
    assert (r.t0, r.base_date, r.timing, r.reason) == ("2013-07-03", "2013-07-02", "after-close", None)
    w0, w1, w5 = r.windows
    assert (w0.window, w0.start_date, w0.end_date) == ("0", "2013-07-02", "2013-07-03")
    assert w0.return_pct == 2.0 and w0.index_return_pct == pytest.approx(0.9901, abs=1e-4)
    assert w0.abnormal_pct == pytest.approx(2.0 - 0.9901, abs=1e-4)
    assert w1.end_date == "2013-07-05"  # the holiday is skipped
    assert w1.return_pct == pytest.approx(-0.9804, abs=1e-4)
    assert w5.end_date == "2013-07-11" and w5.return_pct == pytest.approx(3.9216, abs=1e-4)
    assert w0.abnormal_mm_pct is None and r.beta is None  # no estimation history


def test_missing_prices_give_reasons_not_guesses():
    p = prices()
    when = event_time(None, at(2013, 7, 2, 18, 0), XNYS)
    none = measure_reaction("NOPE", p.series("NOPE"), when, "^GSPC", p.series("^GSPC"), XNYS)
    assert none.reason == "no price series for NOPE" and none.windows == []
    late = event_time(None, at(2013, 7, 11, 18, 0), XNYS)
    r = measure_reaction("ACME", p.series("ACME"), late, "^GSPC", p.series("^GSPC"), XNYS)
    assert r.windows[0].return_pct == pytest.approx(0.9434, abs=1e-4)
    assert r.windows[2].return_pct is None and r.windows[2].reason == "ACME prices end at 2013-07-12"
    gap = MemoryPrices([b for b in bars("ACME", dict(zip(DAYS, range(100, 109)))) if b["date"] != "2013-07-03"])
    r = measure_reaction("ACME", gap.series("ACME"), event_time(None, at(2013, 7, 2, 18, 0), XNYS),
                         None, None, XNYS)
    assert r.windows[0].reason == "no ACME bar for 2013-07-03"
    no_index = measure_reaction("ACME", p.series("ACME"), when, "^SP600", None, XNYS)
    assert no_index.windows[0].return_pct == 2.0
    assert no_index.windows[0].reason == "no price series for the index ^SP600"


def test_returns_apply_stored_splits():
    raw = [{"symbol": "ACME", "date": d, "close": c, "split": sp} for d, c, sp in
           zip(DAYS[:4], [300.0, 306.0, 104.0, 103.0], [None, None, 3.0, None])]
    series = PriceSeries("ACME", raw)
    r = measure_reaction("ACME", series, EventTime("2013-07-03", "2013-07-02", "during"), calendar=XNYS)
    assert r.windows[0].return_pct == pytest.approx((104 * 3 / 306 - 1) * 100, abs=1e-4)
    assert r.windows[1].return_pct == pytest.approx((103 * 3 / 306 - 1) * 100, abs=1e-4)


def synthetic(n: int = 160, beta: float = 1.5, alpha: float = 0.0002, shock_at: int = 140,
              shock: float = 0.05) -> tuple[PriceSeries, PriceSeries, list[str]]:
    days = list(XNYS.between("2013-01-02", "2013-12-31"))[:n]
    index_close, stock_close = [1000.0], [50.0]
    for k in range(1, n):
        rm = 0.01 * math.sin(k * 1.7) + 0.002 * math.cos(k * 0.3)
        r = alpha + beta * rm + (shock if k == shock_at else 0.0)
        index_close.append(index_close[-1] * (1 + rm))
        stock_close.append(stock_close[-1] * (1 + r))
    vol = [1000.0] * n
    vol[shock_at] = 3000.0
    stock = PriceSeries("ACME", [{"date": d, "close": c, "volume": v} for d, c, v in zip(days, stock_close, vol)])
    index = PriceSeries("^GSPC", [{"date": d, "close": c} for d, c in zip(days, index_close)])
    return stock, index, days


def test_market_model_fits_beta_and_finds_the_shock():
    stock, index, days = synthetic()
    model = fit_market_model(stock, index, 140)
    assert model.beta == pytest.approx(1.5, abs=1e-6) and model.alpha == pytest.approx(0.0002, abs=1e-8)
    assert model.observations == 101
    when = EventTime(days[140], days[139], "during")
    r = measure_reaction("ACME", stock, when, "^GSPC", index, XNYS)
    assert r.beta == 1.5
    w0 = r.windows[0]
    assert w0.abnormal_mm_pct == pytest.approx(5.0, abs=1e-3)  # the shock, nothing else
    assert w0.volume_ratio == 3.0 and w0.volume_avg20 == 1000.0
    assert r.windows[1].abnormal_mm_pct == pytest.approx(5.0, abs=1e-3)
    assert fit_market_model(stock, index, 60) is None  # too little history before


def test_event_study_averages_cumulative_abnormal_returns():
    paths = [[0.0, 1.0, 2.0], [0.0, 3.0, -2.0], None, [1.0]]
    study = event_study(paths, days=(-1, 1))
    assert study.days == (-1, 0, 1) and study.count == 2 and study.left_out == 2
    assert study.mean_car == (0.0, 2.0, 2.0)
    # CARs on day 0: 1 and 3 -> sd sqrt(2), se 1
    assert study.standard_error[1] == pytest.approx(1.0) and study.t_stat[1] == pytest.approx(2.0)
    assert study.standard_error[0] == 0.0 and study.t_stat[0] is None
    stock, index, days = synthetic()
    path = abnormal_path(stock, index, days[140], days=(-2, 2), model="market")
    assert [round(v, 3) for v in path] == [0.0, 0.0, 5.0, 0.0, 0.0]
    adjusted = abnormal_path(stock, index, days[140], days=(0, 0))
    rm = 0.01 * math.sin(140 * 1.7) + 0.002 * math.cos(140 * 0.3)
    assert adjusted[0] == pytest.approx(100 * (0.0002 + 0.5 * rm + 0.05), abs=1e-6)  # minus the index only
    assert abnormal_path(stock, index, days[1], days=(-5, 0)) is None  # not enough bars before


# -- relevance and novelty ----------------------------------------------------------------------


def test_first_sentence_skips_abbreviations():
    text = "NEW YORK (Reuters) - Apple Inc. shares fell 2 percent on Monday. The U.S. market rose."
    assert text[:first_sentence_end(text)].endswith("Monday.")
    assert first_sentence_end("One line only") == len("One line only")


def test_relevance_parts():
    text = "Apple Inc shares fell 2 percent. Microsoft rose. Apple said sales were weak."
    mentions = [{"symbol": "AAPL", "text": "Apple Inc", "start": 0},
                {"symbol": "MSFT", "text": "Microsoft", "start": 33},
                {"symbol": "AAPL", "text": "Apple", "start": 49},
                {"symbol": None, "text": "tech stocks", "start": 70}]
    score, parts = relevance("AAPL", title="Apple shares slide on weak iPhone sales", text=text,
                             mentions=mentions, claim_symbols={"AAPL"})
    assert parts == {"title": 30.0, "lead": 25.0, "share": 16.7, "subject": 20.0} and score == 91.7
    score, parts = relevance("MSFT", title="Apple shares slide", text=text, mentions=mentions,
                             name="Microsoft Corp.")
    assert parts == {"title": 0.0, "lead": 0.0, "share": 8.3, "subject": 0.0} and score == 8.3
    _, parts = relevance("MSFT", title=None, text=text, mentions=mentions, quote_symbols={"MSFT"})
    assert parts["subject"] == 20.0


def test_similarity_is_a_property_of_the_two_texts():
    a = "Barclays promises angry investors to crack down on bankers' pay after the Libor scandal"
    b = "Barclays vows to crack down on pay as investors anger grows over the Libor scandal"
    c = "Oil prices rose on Monday as Middle East supply worries returned"
    assert similarity(a, b) > 0.4 > similarity(a, c)
    assert similarity(a, a) == pytest.approx(1.0)


def story(aid: str, when: str, title: str, text: str, symbols: list[str]) -> dict:
    published_time = dt.datetime.fromisoformat(when).replace(tzinfo=NY).isoformat()
    return {"article": {"id": aid, "source": f"{aid}.txt", "title": title, "published": when[:10],
                        "published_time": published_time, "timezone": "America/New_York", "text": text},
            "instruments": [{"text": s, "start": 0, "end": len(s), "symbol": s, "kind": "equity"}
                            for s in symbols],
            "claims": [], "quotes": [], "causes": []}


TEXT = "ACME Corp agreed to buy Widget Inc for $2 billion in cash, the companies said on Tuesday."


def novelty_store(tmp_path, order):
    store = Store(tmp_path / "n.db")
    records = {
        "a1": story("a1", "2013-07-02T09:00", "ACME to buy Widget for $2 billion", TEXT, ["ACME"]),
        "a2": story("a2", "2013-07-02T15:00", "UPDATE 1-ACME to buy Widget for $2 billion",
                    TEXT + " Shares of Widget jumped.", ["ACME"]),
        "a3": story("a3", "2013-07-02T16:00", "ACME names new finance chief",
                    "ACME Corp named a new chief financial officer on Tuesday, hiring the executive"
                    " from a rival retailer to lead its cost-cutting program after two years of falling"
                    " profit margins in its European stores.", ["ACME"]),
        "a4": story("a4", "2013-07-04T10:00", "ACME to buy Widget, deal confirmed", TEXT, ["ACME"]),
    }
    for aid in order:
        store.save_records([records[aid]], run_id=None, pipeline_version="t")
        fill_reactions(store, [aid], prices=prices(), master=None)
    return store


@pytest.mark.parametrize("order", [["a1", "a2", "a3", "a4"], ["a4", "a3", "a2", "a1"]])
def test_novelty_rules_whatever_the_order_articles_arrive(tmp_path, order):
    store = novelty_store(tmp_path, order)
    rows = {r["article_id"]: r for r in store.db.query(
        "SELECT article_id, novel, similar_article_id, similar_hours, similarity FROM reactions")}
    assert rows["a1"]["novel"] == 1 and rows["a1"]["similar_article_id"] is None
    assert rows["a2"]["novel"] == 0 and rows["a2"]["similar_article_id"] == "a1"
    assert rows["a2"]["similar_hours"] == 6.0 and rows["a2"]["similarity"] >= 0.4
    assert rows["a3"]["novel"] == 1  # same company, other news
    assert rows["a4"]["novel"] == 1  # same news, but more than 24 hours later


def test_novelty_window_is_configurable(tmp_path):
    store = novelty_store(tmp_path, ["a1", "a2", "a3", "a4"])
    fill_reactions(store, prices=prices(), master=None, novelty_hours=72)
    row = next(store.db.query("SELECT novel, similar_article_id, novelty_hours FROM reactions"
                              " WHERE article_id = 'a4'"))
    assert row == {"novel": 0, "similar_article_id": "a1", "novelty_hours": 72.0}  # the most similar


def test_reactions_are_stored_queried_and_replaced(tmp_path):
    store = novelty_store(tmp_path, ["a1", "a2"])
    frame = query.reactions(store.db, window="0..1")
    assert list(frame["article_id"]) == ["a2", "a1"]  # newest first
    assert frame.iloc[1]["t0"] == "2013-07-02" and frame.iloc[1]["timing"] == "before-open"  # 9:00
    assert frame.iloc[1]["end_date"] == "2013-07-03"
    assert len(query.reactions(store.db, novel=True)) == 1
    assert len(query.reactions(store.db, min_relevance=101 - 1)) == 0
    with pytest.raises(query.QueryError, match="window"):
        query.reactions(store.db, window="0..2")
    # re-filling replaces, never duplicates; rewriting the article drops its reactions
    fill_reactions(store, prices=prices(), master=None)
    assert store.db["reactions"].count == 2 and store.db["reaction_windows"].count == 6
    record = store.load_record("a1")
    assert record["reactions"][0]["windows"]["0"]["return_pct"] == 2.0
    store.save_records([story("a1", "2013-07-02T09:00", "x", "y", [])], run_id=None, pipeline_version="u")
    assert store.db["reactions"].count == 1


# -- the sample article with the shared seed prices (issue 17's figures) ----------------------


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory, request):
    from nlp.market import import_prices
    from nlp.run import run_inputs

    need(SAMPLE)
    seed = need(SHARED / "data" / "prices" / "seed")
    path = tmp_path_factory.mktemp("reactions") / "sample.db"
    run_inputs([SAMPLE], path, prices=[seed], use_causal_model=False)
    store = Store(path)
    assert import_prices  # imported with the run
    return store


@pytest.mark.model
def test_tokyo_electron_reaction_on_the_sample(sample_store):
    row = query.reactions(sample_store.db, symbol="8035.T").iloc[0]
    assert (row["t0"], row["base_date"], row["timing"]) == ("2024-03-01", "2024-02-29", "during")
    assert (row["start_close"], row["end_close"]) == (36870.0, 38380.0)
    assert round(row["return_pct"], 2) == 4.10
    assert row["index_symbol"] == "^N225"
    assert round(row["abnormal_pct"], 2) == pytest.approx(2.19, abs=0.005)
    index = query.reactions(sample_store.db, symbol="^N225").iloc[0]
    assert round(index["start_close"], 2) == 39166.19 and round(index["end_close"], 2) == 39910.82
    later = query.reactions(sample_store.db, symbol="8035.T", window="0..1").iloc[0]
    assert later["end_date"] == "2024-03-04"
    assert row["beta"] is not None and row["abnormal_mm_pct"] is not None  # the seed has the history
    assert query.reactions(sample_store.db, symbol="NVDA").iloc[0]["reason"] == "no price series for NVDA"


@pytest.mark.model
def test_study_and_cli_on_the_sample(sample_store, tmp_path):
    from nlp.cli import app

    db = str(sample_store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    runner = CliRunner()
    result = runner.invoke(app, ["reactions", "--db", db, "--symbol", "8035.T", "--window", "0..1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["end_date"] == "2024-03-04"
    chart = tmp_path / "study.svg"
    result = runner.invoke(app, ["study", "--db", db, "--search", "Tokyo Electron", "--chart", str(chart),
                                 "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["count"] == 3 and out["left_out"] == 0 and [d["day"] for d in out["days"]] == list(range(-5, 11))
    assert chart.read_text().startswith("<svg") and "3 events" in chart.read_text()
    result = runner.invoke(app, ["study", "--db", db])
    assert result.exit_code == 1 and "choose the stories" in result.output
    result = runner.invoke(app, ["reactions", "--db", db, "--window", "7"])
    assert result.exit_code == 1 and "--window" in result.output


@pytest.mark.model
def test_report_shows_each_instruments_reaction(sample_store):
    from nlp.report import report_html

    db = str(sample_store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    page = report_html("2afa2522b194", db)
    section = page[page.index("<h2>Market reaction</h2>"):page.index("<h2>Prices around the article</h2>")]
    assert "8035.T" in section and "+4.10%" in section and "+2.19%" in section
    assert "no price series for NVDA" in section
