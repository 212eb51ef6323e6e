"""Claim checks: the sample article's 13 claims against the seed prices, and small hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.market import MemoryPrices, StorePrices, check_claim, check_store, import_prices, verdict_for
from nlp.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "data" / "prices" / "seed"
GOLD = SHARED / "gold" / "nikkei-2024-03-01.json"
CORPUS_PRICES = Path(__file__).resolve().parents[1] / "corpus" / "prices"

ARTICLE = {"published": "2024-03-01", "timezone": "Asia/Tokyo", "published_time": None}


def claim(**fields):
    base = {"kind": "change", "symbol": None, "subject": None, "pct": None, "direction": None,
            "level": None, "record": None, "period": None, "as_of": None, "window_start": None,
            "precision": None, "after_hours": False, "exchange": None, "points": None,
            "hedge": None}
    return {**base, **fields}


#: The sample's claims as the claims extractor gives them (fields of nlp.types.Claim).
SAMPLE_CLAIMS = {
    "c1": claim(subject="Nikkei", symbol="^N225", pct=1.83, direction="up", level=39883.86,
                period="intraday", as_of="2024-03-01", precision=0.005),
    "c2": claim(subject="Topix", symbol="^TOPX", pct=1.14, direction="up", level=2706.18,
                period="intraday", as_of="2024-03-01", precision=0.005),
    "c3": claim(subject="Tokyo Electron Ltd", symbol="8035.T", pct=4.64, direction="up",
                period="intraday", as_of="2024-03-01", precision=0.005, exchange="XTKS"),
    "c4": claim(subject="Advantest", symbol="6857.T", pct=2.63, direction="up",
                period="intraday", as_of="2024-03-01", precision=0.005, exchange="XTKS"),
    "c5": claim(subject="SoftBank Group", symbol="9984.T", pct=2.05, direction="up",
                period="intraday", as_of="2024-03-01", precision=0.005, exchange="XTKS"),
    "c6": claim(kind="record", subject="Nikkei", symbol="^N225", record="all-time high",
                period="intraday", as_of="2024-03-01"),
    "c7": claim(kind="record", subject="Nikkei", symbol="^N225", record="record intraday peak",
                level=39426.29, period="earlier this week", as_of="2024-02-29",
                window_start="2024-02-26"),
    "c8": claim(kind="record", subject="The index", symbol="^N225",
                record="breached the December 1989 life-time high", period="last month"),
    "c9": claim(subject="the index", symbol="^N225", pct=17, direction="up",
                period="year to date", window_start="2024-01-01", precision=0.5),
    "c10": claim(kind="record", subject="S&P 500", symbol="^GSPC", record="record high close",
                 period="overnight", as_of="2024-02-29", exchange="XNYS"),
    "c11": claim(kind="record", subject="Nasdaq", symbol="^IXIC", record="record high close",
                 period="overnight", as_of="2024-02-29", exchange="XNAS"),
    "c12": claim(subject="insurance sector", pct=2.51, direction="up", period="intraday",
                 precision=0.005),
    "c13": claim(subject="miners", pct=2.27, direction="up", period="intraday", precision=0.005),
}

#: claim -> (basis, reference date, reference value, session date, actual), from the gold's reasons.
SAMPLE_NUMBERS = {
    "c1": ("intraday-range", "2024-02-29", 39166.19, "2024-03-01", 1.83),
    "c2": ("intraday-range", "2024-02-29", 2675.73, "2024-03-01", 1.14),
    "c3": ("intraday-range", "2024-02-29", 36870.0, "2024-03-01", 4.64),
    "c4": ("intraday-range", "2024-02-29", 6910.0, "2024-03-01", 2.63),
    "c5": ("intraday-range", "2024-02-29", 8790.0, "2024-03-01", 2.05),
    "c6": ("record-high", "2024-02-27", 39426.29, "2024-03-01", 39990.23),
    "c7": ("record-high (week)", "2024-02-26", 39388.08, "2024-02-27", 39426.29),
    "c8": ("record-close (month)", "1989-12-29", 38915.87, "2024-02-22", 39098.68),
    "c9": ("year-to-date", "2023-12-29", 33464.17, "2024-02-29", 17.04),
    "c10": ("record-close", "2024-02-23", 5088.80, "2024-02-29", 5096.27),
    "c11": ("record-close", "2021-11-19", 16057.44, "2024-02-29", 16091.92),
}


def _sample_store(tmp_path_factory, folder: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("prices") / "prices.db")
    report = import_prices(store, folder)
    assert report.ok, report.errors
    return store


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    if not SEED.is_dir():
        pytest.skip(f"shared seed prices absent ({SEED})")
    return _sample_store(tmp_path_factory, SEED)


@pytest.fixture(scope="module")
def seed_prices(seed_store):
    return StorePrices(seed_store)


@pytest.fixture(scope="module")
def gold():
    if not GOLD.is_file():
        pytest.skip(f"shared gold file absent ({GOLD})")
    return {c["id"]: c for c in json.loads(GOLD.read_text())["claims"]}


@pytest.mark.parametrize("cid", list(SAMPLE_CLAIMS))
def test_sample_claim_gets_gold_verdict(cid, seed_prices, gold, master):
    check = check_claim(SAMPLE_CLAIMS[cid], ARTICLE, seed_prices, master)
    assert check["verdict"] == gold[cid]["verdict"], check
    if cid in SAMPLE_NUMBERS:
        basis, ref_date, ref_value, session_date, actual = SAMPLE_NUMBERS[cid]
        assert check["basis"] == basis
        assert check["reference"]["date"] == ref_date
        assert check["reference"]["close"] == pytest.approx(ref_value, abs=0.01)
        assert check["session"]["date"] == session_date
        assert check["actual"] == pytest.approx(actual, abs=0.01)
    else:
        assert "no price series" in check["note"]


def test_sample_c3_intraday_although_close_to_close_differs(seed_prices):
    check = check_claim(SAMPLE_CLAIMS["c3"], ARTICLE, seed_prices)
    assert check["verdict"] == "supported"
    assert check["tolerance"] == 0.005
    assert check["session"] == {"date": "2024-03-01", "low": 37050.0, "high": 38710.0,
                                "close": 38380.0}
    assert "+4.10%" in check["note"]
    # the same figure read as a close-to-close move is wrong when the text says so ("closed") ...
    session = check_claim({**SAMPLE_CLAIMS["c3"], "period": "session", "window_explicit": True},
                          ARTICLE, seed_prices)
    assert session["verdict"] == "contradicted"
    assert session["actual"] == pytest.approx(4.0954, abs=1e-3)
    # ... and only inconclusive when the session is the default reading: the range fits
    implicit = check_claim({**SAMPLE_CLAIMS["c3"], "period": "session", "window_explicit": False},
                           ARTICLE, seed_prices)
    assert implicit["verdict"] == "inconclusive"
    assert "the session range (a snapshot during the session) reading fits" in implicit["note"]


def test_sample_equities_carry_index_move_and_excess(seed_prices, master):
    check = check_claim(SAMPLE_CLAIMS["c3"], ARTICLE, seed_prices, master)
    assert check["index_symbol"] == "^N225"
    assert check["index_move"] == pytest.approx(1.90, abs=0.01)
    assert check["excess"] == pytest.approx(4.64 - 1.9012, abs=0.01)


def test_sample_c9_measured_to_previous_close(seed_prices):
    check = check_claim(SAMPLE_CLAIMS["c9"], ARTICLE, seed_prices)
    assert check["measured_to"] == "previous close"
    assert "+19.26%" in check["note"]


def test_corpus_prices_give_the_same_checks(tmp_path_factory, seed_prices):
    if not CORPUS_PRICES.is_dir():
        pytest.skip("corpus/prices not generated")
    corpus = StorePrices(_sample_store(tmp_path_factory, CORPUS_PRICES))
    for cid, c in SAMPLE_CLAIMS.items():
        full, small = check_claim(c, ARTICLE, seed_prices), check_claim(c, ARTICLE, corpus)
        assert small == full, cid


def test_check_store_rechecks_stored_claims(seed_store):
    store = seed_store
    record = {"article": {"id": "a1", "source": "x.txt", "text": "...", **ARTICLE},
              "claims": [{"id": cid, "text": cid, "start": 0, "end": 1, **c}
                         for cid, c in SAMPLE_CLAIMS.items()]}
    store.save_records([record], run_id=None, pipeline_version="test")
    counts = check_store(store)
    assert counts == {"supported": 11, "contradicted": 0, "inconclusive": 0, "unverifiable": 2,
                      "claims": 13}
    row = store.conn.execute(
        "SELECT verdict, basis, reference_close, session_low FROM checks WHERE claim = 'a1:c3'"
    ).fetchone()
    assert row == ("supported", "intraday-range", 36870.0, 37050.0)


# -- hand-made prices ----------------------------------------------------------------------


def bar(symbol, date, close, low=None, high=None, **extra):
    return {"symbol": symbol, "date": date, "open": close, "high": high or close,
            "low": low or close, "close": close, **extra}


#: A US stock and the S&P 500 over one week of March 2013 (made-up numbers).
US_BARS = [
    # a split-adjusted series: the 2-for-1 split of 2013-03-07 already halved the earlier bars
    bar("XYZ", "2013-03-04", 50.0, 49.5, 50.5),
    bar("XYZ", "2013-03-05", 51.0, 50.25, 51.5),
    bar("XYZ", "2013-03-06", 49.5, 49.0, 51.25, dividend=0.5),
    bar("XYZ", "2013-03-07", 50.0, 49.0, 51.0, split=2.0),
    bar("XYZ", "2013-03-08", 51.0, 50.0, 52.0),
    bar("ABC", "2013-03-04", 40.0, 39.5, 40.5),
    bar("ABC", "2013-03-05", 39.0, 38.5, 40.2),
    bar("^GSPC", "2013-03-01", 1518.20, 1501.5, 1519.0),
    bar("^GSPC", "2013-03-04", 1525.2, 1512.0, 1526.0),
    bar("^GSPC", "2013-03-05", 1539.79, 1525.0, 1543.0),
    bar("^GSPC", "2013-03-06", 1541.46, 1538.0, 1545.0),
    bar("^GSPC", "2013-03-07", 1544.26, 1540.0, 1545.0),
    bar("^GSPC", "2013-03-08", 1551.18, 1542.0, 1552.0),
]
NY = {"published": "2013-03-05", "timezone": "America/New_York", "published_time": None}


def ny(date, time=None):
    stamp = f"{date}T{time}-05:00" if time else None
    return {"published": date, "timezone": "America/New_York", "published_time": stamp}


@pytest.fixture(scope="module")
def us_prices():
    return MemoryPrices(US_BARS)


CASES = [
    # (id, claim, article, verdict, note fragment)
    ("close-to-close", claim(symbol="XYZ", pct=2.0, direction="up", precision=0.05), NY,
     "supported", None),
    ("direction mismatch", claim(symbol="XYZ", pct=2.0, direction="down", precision=0.05), NY,
     "contradicted", "direction"),
    ("direction only", claim(symbol="ABC", direction="down"), NY, "supported", "direction down"),
    ("wrong size", claim(symbol="XYZ", pct=2.2, direction="up", precision=0.05, period="session",
                         window_explicit=True), NY, "contradicted", None),
    ("wrong size, window not said: the range fits", claim(symbol="XYZ", pct=2.2, direction="up",
                                                          precision=0.05), NY, "inconclusive", "reading fits"),
    ("whole-number precision", claim(symbol="XYZ", pct=2, direction="up"), NY, "supported", None),
    ("nearly is looser", claim(symbol="XYZ", pct=2.2, direction="up", precision=0.05,
                               hedge="nearly"), NY, "supported", None),
    ("more than", claim(symbol="XYZ", pct=1, direction="up", precision=0.5, hedge="more than"),
     NY, "supported", None),
    ("after hours", claim(symbol="XYZ", pct=5.0, direction="up", after_hours=True), NY,
     "unverifiable", "after-hours"),
    ("no symbol", claim(subject="retailers", pct=1.0, direction="up"), NY, "unverifiable",
     "no price series"),
    ("no series", claim(symbol="NOPE", pct=1.0, direction="up"), NY, "unverifiable",
     "no price series for NOPE"),
    ("holiday", claim(symbol="XYZ", pct=1.0, direction="up", as_of="2013-03-29"), NY,
     "unverifiable", "no XNYS session on 2013-03-29"),
    ("level claim", claim(kind="level", symbol="XYZ", level=51.0), NY, "supported", None),
    ("not checkable", claim(kind="range", symbol="XYZ"), NY, "unverifiable",
     "not a checkable statement"),
    ("points", claim(symbol="^GSPC", points=14.59, direction="up"), NY, "supported", None),
    ("pre-close story is intraday", claim(symbol="XYZ", pct=2.8, direction="up", precision=0.05),
     ny("2013-03-05", "12:30:00"), "supported", "written before the close"),
    ("post-close story that says 'closed' is close-to-close",
     claim(symbol="XYZ", pct=2.8, direction="up", precision=0.05, window_explicit=True),
     ny("2013-03-05", "17:30:00"), "contradicted", None),
    ("post-close story without a window: an intraday snapshot fits",
     claim(symbol="XYZ", pct=2.8, direction="up", precision=0.05), ny("2013-03-05", "17:30:00"),
     "inconclusive", "session range"),
    ("ex-dividend, stored dividend", claim(symbol="XYZ", pct=1.98, direction="down",
                                           level=49.5, precision=0.005, as_of="2013-03-06"),
     NY, "supported", "ex-dividend"),
    ("pre-split level, stored split", claim(symbol="XYZ", pct=2.0, direction="up", level=102.0,
                                            precision=0.05, as_of="2013-03-05"),
     NY, "supported", "2-for-1 split"),
    ("index move of the week", claim(symbol="^GSPC", pct=1.7, direction="up", precision=0.05,
                                     period="this week", as_of="2013-03-08"),
     ny("2013-03-08"), "supported", None),
    ("record close since", claim(kind="record", symbol="^GSPC", record="highest close since 2007",
                                 as_of="2013-03-08"), ny("2013-03-08"), "supported", "since 2007"),
    ("not a record", claim(kind="record", symbol="ABC", record="record high", as_of="2013-03-05"),
     NY, "contradicted", None),
    ("52-week high", claim(kind="record", symbol="^GSPC", record="52-week closing high",
                           as_of="2013-03-08"), ny("2013-03-08"), "supported", "52-week"),
    ("weekend story is about the last session",
     claim(symbol="^GSPC", pct=0.45, direction="up", precision=0.005, as_of="2013-03-09"),
     ny("2013-03-09"), "supported", None),
]


@pytest.mark.parametrize("case_id,c,article,verdict,fragment", CASES, ids=[c[0] for c in CASES])
def test_hand_made_cases(case_id, c, article, verdict, fragment, us_prices):
    check = check_claim(c, article, us_prices)
    assert check["verdict"] == verdict, check
    if fragment:
        assert fragment in (check["note"] or ""), check


def test_ex_dividend_without_dividend_data_is_inconclusive():
    bars = [b for b in US_BARS if b["symbol"] == "XYZ"]
    prices = MemoryPrices([{**b, "dividend": None} for b in bars])
    c = claim(symbol="XYZ", pct=1.98, direction="down", level=49.5, precision=0.005,
              as_of="2013-03-06")
    check = check_claim(c, NY, prices)
    assert check["verdict"] == "inconclusive"
    assert "ex-dividend day?" in check["note"]
    assert check["reference"] == {"date": "2013-03-05", "close": 51.0}


def test_pre_split_level_without_split_data_is_noted():
    prices = MemoryPrices([{**b, "split": None} for b in US_BARS if b["symbol"] == "XYZ"])
    c = claim(symbol="XYZ", pct=2.0, direction="up", level=102.0, precision=0.05,
              as_of="2013-03-05")
    check = check_claim(c, NY, prices)
    assert check["verdict"] == "supported"
    assert "ratio inferred" in check["note"]
    assert check["split_factor"] == 2.0


def test_overnight_without_as_of_is_the_other_markets_last_session(us_prices):
    tokyo = {"published": "2013-03-06", "timezone": "Asia/Tokyo", "published_time": None}
    c = claim(symbol="^GSPC", pct=0.96, direction="up", precision=0.005, period="overnight")
    check = check_claim(c, tokyo, us_prices)
    assert check["verdict"] == "supported"
    assert check["session"]["date"] == "2013-03-05"
    assert check["basis"] == "close-to-close"


def test_unverifiable_keeps_the_claimed_figure(us_prices):
    check = check_claim(claim(symbol="NOPE", pct=1.5, direction="down"), NY, us_prices)
    assert check["claimed"] == -1.5
    assert set(check) >= {"verdict", "basis", "claimed", "actual", "tolerance", "reference",
                          "session", "index_symbol", "index_move", "excess", "note"}


def test_check_records_fills_every_claim(us_prices):
    record = {"article": NY, "claims": [
        claim(symbol="XYZ", pct=2.0, direction="up", precision=0.05),
        claim(subject="retailers", pct=1.0, direction="up"),
    ]}
    from nlp.market import check_records

    counts = check_records(None, [record], prices=us_prices)
    assert counts == {"supported": 1, "contradicted": 0, "inconclusive": 0, "unverifiable": 1,
                      "claims": 2}
    assert [c["check"]["verdict"] for c in record["claims"]] == ["supported", "unverifiable"]


def test_open_band_is_json_safe(us_prices):
    check = check_claim(claim(symbol="XYZ", pct=1, direction="up", precision=0.5,
                              hedge="more than"), NY, us_prices)
    assert check["band"] == [0.5, None]
    json.dumps(check, allow_nan=False)


# -- the careful checker (issue 11): contradicted only when the article must be wrong ----------

EXPLICIT = {"period": "session", "window_explicit": True}
CAREFUL_CASES = [
    ("another instrument's price", claim(symbol="XYZ", pct=2.0, direction="up", level=268.46,
                                         precision=0.05, **EXPLICIT), NY, "unverifiable",
     "not this instrument's price"),
    ("a level from before a split, the data's ratio rounded", claim(
        kind="level", symbol="ABC", level=78.09, as_of="2013-03-05", **EXPLICIT), NY,
     "supported", "split (the series is split-adjusted; ratio inferred)"),
    ("an inferred instrument", claim(symbol="XYZ", pct=4.0, direction="up", precision=0.5,
                                     symbol_how="coref", subject="its shares", **EXPLICIT), NY,
     "inconclusive", "inferred from 'its shares'"),
    ("a preliminary close: near miss", claim(symbol="^GSPC", pct=0.93, direction="up",
                                            level=1539.79, precision=0.005, **EXPLICIT), NY,
     "inconclusive", "near miss"),
    ("a miss that is not clear", claim(symbol="XYZ", pct=2.08, direction="up", precision=0.005,
                                       **EXPLICIT), NY, "inconclusive", "not clearly wrong"),
    ("a clear miss stays contradicted", claim(symbol="XYZ", pct=2.6, direction="up",
                                              precision=0.05, **EXPLICIT), NY, "contradicted", None),
    ("the other way stays contradicted", claim(symbol="XYZ", pct=2.0, direction="down",
                                               precision=0.05, **EXPLICIT), NY, "contradicted",
     "direction differs"),
    ("far beyond the session: another period", claim(symbol="XYZ", pct=40.0, direction="up",
                                                     precision=0.5, **EXPLICIT), NY,
     "inconclusive", "far beyond anything the session"),
    ("a price outside the range after the close: extended hours",
     claim(symbol="XYZ", pct=3.5, direction="up", level=51.75, precision=0.05),
     ny("2013-03-05", "17:30:00"), "unverifiable", "extended-hours price"),
    ("a doubted window: never contradicted", claim(symbol="XYZ", pct=2.6, direction="up", precision=0.05,
                                                   doubts=["extended: after-market"], **EXPLICIT), NY,
     "inconclusive", "'after-market' (outside the regular session)"),
    ("no day named: the session before fits", claim(symbol="^GSPC", pct=0.46, direction="up",
                                                    precision=0.005, day_named=False, **EXPLICIT), NY,
     "inconclusive", "previous session reading fits"),
    ("the day named: the session before is not tried", claim(symbol="^GSPC", pct=0.46, direction="up",
                                                             precision=0.005, day_named=True, **EXPLICIT),
     NY, "contradicted", None),
    ("a stated price with its move: a snapshot during the session fits",
     claim(symbol="XYZ", pct=2.8, direction="up", level=51.4, precision=0.05, **EXPLICIT), NY,
     "inconclusive", "snapshot during the session"),
    ("the previous N sessions end at the previous close",
     claim(symbol="^GSPC", pct=0.29, direction="up", precision=0.005, period="past 2 sessions",
           as_of="2013-03-08", window_start="2013-03-07"), ny("2013-03-08", "17:30:00"),
     "supported", "previous close (2013-03-07)"),
    ("a price said of a week lies within its range", claim(kind="level", symbol="XYZ", level=50.8,
                                                           period="this week", as_of="2013-03-08"),
     ny("2013-03-08"), "inconclusive", "within the week range"),
    ("a pre-split record level", claim(kind="record", symbol="XYZ", record="record high", level=103.0,
                                       as_of="2013-03-05"), NY, "supported", "2-for-1 split"),
]


@pytest.mark.parametrize("case_id, c, article, verdict, fragment", CAREFUL_CASES,
                         ids=[x[0] for x in CAREFUL_CASES])
def test_careful_verdicts(case_id, c, article, verdict, fragment, us_prices):
    test_hand_made_cases(case_id, c, article, verdict, fragment, us_prices)


def test_records_since_a_day_without_a_year():
    from nlp.market.check.records import _record_scope

    assert _record_scope("highest close since september 14", "2013-01-02") == (
        "2012-09-15", "since september 14")
    assert _record_scope("lowest level since april 22", "2013-06-25") == ("2013-04-23", "since april 22")
    assert _record_scope("highest since december 20, 2011", "2013-01-02")[0] == "2011-12-21"
    assert _record_scope("highest since 2007", "2013-01-02")[0] == "2008-01-01"


def test_a_record_the_session_before_set_when_no_day_is_named():
    prices = MemoryPrices([bar("ZZ", "2013-03-04", 10.0), bar("ZZ", "2013-03-05", 12.0),
                           bar("ZZ", "2013-03-06", 11.0)])
    said = claim(kind="record", symbol="ZZ", record="all-time high", as_of="2013-03-06")
    undated = check_claim({**said, "day_named": False}, ny("2013-03-06"), prices)
    assert undated["verdict"] == "inconclusive"
    assert "the session before (2013-03-05) set the record" in undated["note"]
    assert check_claim({**said, "day_named": True}, ny("2013-03-06"), prices)["verdict"] == "contradicted"


def test_a_contradicted_check_says_why_in_one_line(us_prices):
    level = check_claim(claim(kind="level", symbol="XYZ", level=53.0, as_of="2013-03-05", **EXPLICIT), NY, us_prices)
    assert level["verdict"] == "contradicted"
    assert level["why"] == "session close 51 (2013-03-05) vs stated 53"
    move = check_claim(claim(symbol="XYZ", pct=2.6, direction="up", precision=0.05, **EXPLICIT), NY, us_prices)
    assert move["verdict"] == "contradicted"
    assert move["why"] == "session close-to-close +2.00% (2013-03-05) vs stated +2.6%"
    none = check_claim(claim(symbol="NOPE", pct=1.0, direction="up"), NY, us_prices)
    assert none["why"] == none["note"] == "no price series for NOPE"


@pytest.mark.parametrize("pct, verdict", [(2.5, "supported"), (2.8, "inconclusive"), (6.0, "contradicted")])
def test_a_distance_from_a_record(pct, verdict, us_prices):
    said = claim(kind="distance", symbol="ABC", pct=pct, direction="down", record="record close",
                 as_of="2013-03-05", precision=0.05, **EXPLICIT)
    check = check_claim(said, NY, us_prices)
    assert check["verdict"] == verdict, check
    assert check["basis"] == "distance-from-record-close"
    assert check["why"].startswith("-2.50% from the record-close 40 (2013-03-04) on 2013-03-05 vs stated")


def test_a_verdict_keeps_every_reading_it_tried(us_prices):
    said = claim(symbol="^GSPC", pct=0.46, direction="up", precision=0.005, day_named=False, **EXPLICIT)
    v = verdict_for(said, NY, us_prices)
    assert v.verdict == "inconclusive"
    assert [(r["reading"], r["verdict"]) for r in v.readings] == [
        ("close-to-close", "contradicted"), ("previous session", "supported")]
    assert v.readings[1]["why"] == "session close-to-close +0.46% (2013-03-04) vs stated +0.46%"
    assert v.window["kind"] == "session" and v.window["day_named"] is False
    plain = verdict_for(claim(symbol="XYZ", pct=2.0, direction="up", precision=0.05), NY, us_prices)
    assert plain.verdict == "supported" and [r["reading"] for r in plain.readings] == ["close-to-close"]


def test_a_windows_stated_price_from_before_a_later_split():
    prices = MemoryPrices([bar("ZZ", "2013-03-01", 50.0), bar("ZZ", "2013-03-08", 56.0, 54.0, 56.5)])
    said = claim(symbol="ZZ", pct=10, direction="up", level=110.0, period="this week",
                 as_of="2013-03-08", window_explicit=True)
    check = check_claim(said, ny("2013-03-08"), prices)
    assert check["verdict"] == "supported", check
    assert check["measured_to"] == "stated level after the split"


def test_a_level_tolerates_the_price_datas_own_rounding():
    prices = MemoryPrices([bar("ZZ", "2013-03-04", 21.0), bar("ZZ", "2013-03-05", 21.07)])
    said = claim(kind="level", symbol="ZZ", level=21.075, as_of="2013-03-05", **EXPLICIT)
    assert check_claim(said, NY, prices)["verdict"] == "supported"


def test_at_one_point_reads_the_sessions_range(us_prices):
    said = claim(symbol="XYZ", pct=3.0, direction="up", precision=0.05, doubts=["intraday: at one point"], **EXPLICIT)
    check = check_claim(said, NY, us_prices)
    assert check["verdict"] == "supported" and check["basis"] == "intraday-range"
    assert "'at one point': the session's range" in check["note"]


def test_a_weekday_the_text_names_is_read_as_that_session(us_prices):
    said = claim(symbol="^GSPC", pct=0.96, direction="up", precision=0.005, as_of="2013-03-08",
                 doubts=["past: Tuesday"], **EXPLICIT)
    check = check_claim(said, ny("2013-03-08", "17:30:00"), us_prices)
    assert check["verdict"] == "supported" and check["session"]["date"] == "2013-03-05", check


def test_a_rolling_window_runs_from_the_close_of_its_first_day(us_prices):
    said = claim(symbol="^GSPC", pct=2.17, direction="up", precision=0.005, period="past week",
                 as_of="2013-03-08", window_start="2013-03-01")
    check = check_claim(said, ny("2013-03-08", "17:30:00"), us_prices)
    assert check["verdict"] == "supported" and check["reference"]["date"] == "2013-03-01", check


def test_a_window_move_filed_during_the_session_measures_to_its_range(us_prices):
    said = claim(symbol="^GSPC", pct=1.9, direction="up", precision=0.05, period="this week", as_of="2013-03-08")
    check = check_claim(said, ny("2013-03-08", "12:00:00"), us_prices)
    assert check["verdict"] == "supported" and check["measured_to"] == "session range", check


def test_a_market_read_as_its_index_is_never_contradicted(us_prices):
    said = claim(symbol="^GSPC", pct=3.0, direction="up", precision=0.05, symbol_how="market",
                 subject="Wall Street stocks", **EXPLICIT)
    check = check_claim(said, NY, us_prices)
    assert check["verdict"] == "inconclusive" and "read as ^GSPC" in check["note"]
    fits = check_claim({**said, "pct": 0.96, "precision": 0.005}, NY, us_prices)
    assert fits["verdict"] == "supported"
