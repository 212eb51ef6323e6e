"""Claims extractor: numbers, move words, subjects through the parse, records, periods; the sample vs gold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from nlp.components import register_extensions
from nlp.components.claims import extract_claims, find_quantities, parse_number, precision_of, score_claims
from nlp.types import InstrumentMention

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "nikkei-2024-03-01.txt"
GOLD = SHARED / "gold" / "nikkei-2024-03-01.json"

NY = {"published": "2013-04-23", "published_time": "2013-04-23T17:05:00-04:00", "timezone": "America/New_York", "dateline": "NEW YORK"}
TOKYO = {"published": "2024-03-01", "published_time": None, "timezone": "Asia/Tokyo", "dateline": "TOKYO"}

#: surface form -> (symbol, kind, exchange) for hand-built mentions
NAMES = {
    "Tokyo Electron Ltd": ("8035.T", "equity", "XTKS"),
    "Advantest": ("6857.T", "equity", "XTKS"),
    "SoftBank Group": ("9984.T", "equity", "XTKS"),
    "Nvidia": ("NVDA", "equity", "XNAS"),
    "Apple Inc ( AAPL.O )": ("AAPL", "equity", "XNAS"),
    "Apple": ("AAPL", "equity", "XNAS"),
    "Toyota ( 7203.T )": ("7203.T", "equity", "XTKS"),
    "Toyota": ("7203.T", "equity", "XTKS"),
    "Nissan ( 7201.T )": ("7201.T", "equity", "XTKS"),
    "Nikkei share average": ("^N225", "index", "XTKS"),
    "Nikkei": ("^N225", "index", "XTKS"),
    "Topix": ("^TOPX", "index", "XTKS"),
    "S&P 500": ("^GSPC", "index", "XNYS"),
    "Nasdaq": ("^IXIC", "index", "XNAS"),
    "Dow": ("^DJI", "index", "XNYS"),
}


def mentions_for(doc: Doc, names: dict = NAMES) -> list[InstrumentMention]:
    """Mentions of every surface form of ``names`` in the Doc, longest first, no overlaps."""
    found, taken = [], set()
    for text in sorted(names, key=len, reverse=True):
        symbol, kind, exchange = names[text]
        for m in re.finditer(re.escape(text), doc.text):
            if taken.intersection(range(m.start(), m.end())):
                continue
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            found.append(InstrumentMention(text, m.start(), m.end(), symbol, kind, exchange=exchange,
                                           token_start=span.start, token_end=span.end))
            taken.update(range(m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


@pytest.fixture(scope="module")
def english():
    """The bare English spaCy pipeline (no newslink components)."""
    from nlp.pipeline import load_language

    return load_language()[0]


def claims_of(english, text: str, ctx: dict = NY) -> list:
    doc = english(text)
    doc._.instruments = mentions_for(doc)
    return extract_claims(doc, ctx)


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("39,883.86", 39883.86), ("4.64", 4.64), ("17", 17.0), ("-2.5", -2.5), ("2706.18", 2706.18), ("1,2", None), ("abc", None)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, half_unit", [("4.64", 0.005), ("17", 0.5), ("1.0", 0.05), ("0.8", 0.05), ("1,234", 0.5)])
def test_precision_is_half_the_last_digit(text, half_unit):
    assert precision_of(text) == pytest.approx(half_unit)


def test_score_claims():
    scores = score_claims([([("A", 1.0, "up")], [("A", 1.0, "up"), ("B", 2.0, "down")]), ([("C", 3.0, "up")], [])])
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 1)
    assert scores["precision"] == 0.5 and scores["recall"] == 0.5


# --- a hand-built parse: no model needed ---------------------------------------------------


def test_relative_clause_subject_on_a_hand_built_parse():
    register_extensions()
    words = ["followed", "by", "miners", ",", "which", "rose", "2.27", "%", "."]
    doc = Doc(
        spacy.blank("en").vocab,
        words=words,
        spaces=[True, True, False, True, True, True, False, False, False],
        heads=[0, 0, 1, 2, 5, 2, 7, 5, 0],
        deps=["ROOT", "agent", "pobj", "punct", "nsubj", "relcl", "nummod", "npadvmod", "punct"],
        pos=["VERB", "ADP", "NOUN", "PUNCT", "PRON", "VERB", "NUM", "NOUN", "PUNCT"],
    )
    doc._.instruments = []
    (claim,) = extract_claims(doc, TOKYO)
    assert (claim.kind, claim.subject, claim.symbol, claim.pct, claim.direction) == ("change", "miners", None, 2.27, "up")
    assert claim.text == "miners, which rose 2.27%"
    assert (claim.precision, claim.period, claim.as_of) == (0.005, "session", "2024-03-01")


def test_find_quantities_spellings():
    register_extensions()
    words = ["up", "4.64", "%", ",", "1.2", "percent", ",", "3", "per", "cent", ",", "2", "pct", ",", "5", "basis", "points", ",", "100", "points"]
    doc = Doc(spacy.blank("en").vocab, words=words)
    units = [(q.value, q.unit) for q in find_quantities(doc)]
    assert units == [(4.64, "pct"), (1.2, "pct"), (3.0, "pct"), (2.0, "pct"), (5.0, "bps"), (100.0, "points")]


# --- sentences through the real parser -------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tokyo Electron Ltd gained 4.64% and Advantest added 2.63%.",
         [("change", "8035.T", 4.64, "up", None), ("change", "6857.T", 2.63, "up", None)]),
        ("Shares of Apple Inc ( AAPL.O ) rose 4.64 percent to $203.27.", [("change", "AAPL", 4.64, "up", 203.27)]),
        ("Apple shares fell 2 per cent.", [("change", "AAPL", 2.0, "down", None)]),
        ("Toyota ( 7203.T ) shares slid 1.5 pct to 2,380 yen.", [("change", "7203.T", 1.5, "down", 2380.0)]),
        ("SoftBank Group was up 2.05%.", [("change", "9984.T", 2.05, "up", None)]),
        ("The Topix was down 0.4% at 2706.18.", [("change", "^TOPX", 0.4, "down", 2706.18)]),
        ("Among sectors, banks led the decliners, down 1.2%, followed by miners, which fell 0.8%.",
         [("change", "banks", 1.2, "down", None), ("change", "miners", 0.8, "down", None)]),
        ("For the week, the Dow rose 1 percent, the S&P 500 1.2 percent and the Nasdaq 1.7 percent.",
         [("change", "^DJI", 1.0, "up", None), ("change", "^GSPC", 1.2, "up", None), ("change", "^IXIC", 1.7, "up", None)]),
        ("The Dow fell 100 points, or 0.8 percent, to 13,000.12.", [("change", "^DJI", 0.8, "down", 13000.12)]),
        ("The Nikkei closed at 39,910.82.", [("level", "^N225", None, None, 39910.82)]),
        ("There is a 60 percent chance the Fed cuts rates, traders said.", []),
        ("About 72 percent of Toyota's income comes from abroad.", []),
        ("The Bank of Japan kept its 2% inflation target.", []),
        ("Nissan ( 7201.T ) sales rose 23 percent to 87,847 vehicles.", []),
        ("Toyota ( 7203.T ) posted a 1 percent rise in U.S. sales.", []),
    ],
)
def test_change_claims(english, text, expected):
    got = [(c.kind, c.symbol or c.subject, c.pct, c.direction, c.level) for c in claims_of(english, text)]
    assert got == expected


@pytest.mark.model
def test_pronoun_and_the_stock_refer_back(english):
    (claim,) = claims_of(english, "Apple Inc ( AAPL.O ) beat forecasts. The stock rose 3 percent.")
    assert (claim.symbol, claim.pct, claim.direction, claim.text) == ("AAPL", 3.0, "up", "The stock rose 3 percent")


@pytest.mark.model
@pytest.mark.parametrize(
    "text, expected",
    [
        # a company the master lacks, named right on 'shares': never the last instrument named
        ("Apple rose 1 percent. Shares of Jones Group were up 7.6 percent at $15.75.", [("AAPL", 1.0)]),
        ("Apple rose 1 percent. Shares in Samsung, the world's biggest technology firm, tumbled 7 percent.", [("AAPL", 1.0)]),
        ("Apple rose 1 percent. Twitter's shares were down nearly 6 percent to $42.26.", [("AAPL", 1.0)]),
        ("Apple rose 1 percent. ICE's shares fell as much as 4 percent.", [("AAPL", 1.0)]),
        ("Apple rose 1 percent. Shares in Dunkin' Brands closed up 2.6 percent to $34.89.", [("AAPL", 1.0)]),
        ("Apple rose 1 percent. Dell's shares closed up 2.3 percent at $12.96.", [("AAPL", 1.0)]),
        # economic data between the instrument and 'it': the pronoun is the data
        ("Apple rose 1 percent. Orders for durable goods rose 0.9 percent. In February, it fell 3.2 percent.", [("AAPL", 1.0)]),
        # an economic indicator, or sales, named with the firm: no price move of the firm
        ("Apple rose 1 percent. The Apple Global Manufacturing PMI fell to 48.1 in August from 48.4 in July.", [("AAPL", 1.0)]),
        ("Apple had same-store sales gains of 6.7 percent in January.", []),
        # an index the master lacks stands between: 'it' is that index
        ("The S&P 500 rose 1 percent. The dollar index fell. It fell 0.5 percent.", [("^GSPC", 1.0)]),
        # a firm's name inside another body's ('Toyota Asset Management') is not what 'it' refers to
        ("Apple rose 1 percent. A strategist at Toyota Asset Management agreed. It fell 2 percent.", [("AAPL", 1.0), ("AAPL", 2.0)]),
        # still coreference: an unnamed or pronoun owner
        ("Apple rose 1 percent. The company's shares fell 2 percent.", [("AAPL", 1.0), ("AAPL", 2.0)]),
        ("Apple rose 1 percent. Shares of the world's largest company fell 2 percent.", [("AAPL", 1.0), ("AAPL", 2.0)]),
        ("Apple rose 1 percent. Its shares later fell 2 percent.", [("AAPL", 1.0), ("AAPL", 2.0)]),
    ],
)
def test_unlisted_owner_or_data_is_not_the_last_instrument(english, text, expected):
    assert [(c.symbol, c.pct) for c in claims_of(english, text)] == expected


#: mentions the linker gives when only the RIC tag is known ('Marathon Petroleum ( MPC.N )')
TAGS_ONLY = {"MPC.N": ("MPC", "equity", "XNYS"), "MRO.N": ("MRO", "equity", "XNYS"), "AIG.N": ("AIG", "equity", "XNYS"),
             "Apple": ("AAPL", "equity", "XNAS")}


@pytest.mark.model
@pytest.mark.parametrize(
    "text, expected",
    [
        # the owner's name is the one written before an earlier RIC tag: that instrument
        ("Marathon Oil ( MRO.N ) and Marathon Petroleum ( MPC.N ) rose. Apple rose 1 percent. Shares of Marathon Oil fell 1.5 percent.",
         [("AAPL", 1.0), ("MRO", 1.5)]),
        ("American International Group Inc ( AIG.N ) beat forecasts. Apple rose 1 percent. AIG's stock advanced 3.1 percent.",
         [("AAPL", 1.0), ("AIG", 3.1)]),
        # no earlier tag written with that name: no instrument
        ("Marathon Petroleum ( MPC.N ) rose. Apple rose 1 percent. Shares of Marathon Oil fell 1.5 percent.", [("AAPL", 1.0)]),
    ],
)
def test_owner_named_takes_the_instrument_written_with_that_name(english, text, expected):
    doc = english(text)
    doc._.instruments = mentions_for(doc, TAGS_ONLY)
    assert [(c.symbol, c.pct) for c in extract_claims(doc, NY)] == expected


@pytest.mark.model
def test_hedge_after_hours_and_precision(english):
    (claim,) = claims_of(english, "Toyota ( 7203.T ) shares were down nearly 3% in extended trading.")
    assert (claim.hedge, claim.after_hours, claim.precision, claim.direction) == ("nearly", True, 0.5, "down")
    (claim,) = claims_of(english, "Apple shares rose more than 4.5 percent after the bell.")
    assert (claim.hedge, claim.after_hours, claim.precision) == ("more than", True, 0.05)


@pytest.mark.model
def test_points_and_level_kept_with_the_percentage(english):
    (claim,) = claims_of(english, "The Dow fell 100 points, or 0.8 percent, to 13,000.12.")
    assert (claim.points, claim.pct, claim.level) == (100.0, 0.8, 13000.12)


@pytest.mark.model
@pytest.mark.parametrize(
    "text, expected",
    [
        ("The S&P 500 rose to its highest since 2007.", ("^GSPC", "highest since 2007")),
        ("The Nasdaq closed at a record high.", ("^IXIC", "record high close")),
        ("The Nikkei rose to an all-time high on Friday.", ("^N225", "all-time high")),
    ],
)
def test_record_claims(english, text, expected):
    records = [(c.symbol, c.record) for c in claims_of(english, text, TOKYO) if c.kind == "record"]
    assert records == [expected]


@pytest.mark.model
@pytest.mark.parametrize(
    "text, period, as_of",
    [
        ("The Nikkei was up 1.8% by the midday break.", "intraday", "2024-03-01"),
        ("The S&P 500 closed up 0.8% overnight.", "overnight", "2024-02-29"),
        ("The Nikkei has risen 17% this year.", "year to date", "2024-03-01"),  # no midday wording: a closing report
        ("The Nikkei closed down 0.1% on Thursday.", "session", "2024-02-29"),
        ("The Nikkei fell 2% last week.", "last week", "2024-02-22"),
    ],
)
def test_periods(english, text, period, as_of):
    (claim,) = claims_of(english, text, TOKYO)
    assert (claim.period, claim.as_of) == (period, as_of)


# --- the sample article against the gold file ------------------------------------------------

RECORD_WORDS = {"all-time", "record", "life-time", "lifetime", "high", "peak", "close", "intraday", "low"}


def record_words(text: str | None) -> frozenset[str]:
    """The words that say which record: 'breached the December 1989 life-time high' -> {life-time, high}."""
    words = re.findall(r"[\w-]+", (text or "").lower())
    return frozenset(w[:-1] if w in {"highs", "peaks", "lows"} else w for w in words) & RECORD_WORDS


def gold_key(kind, symbol, subject, pct, record) -> tuple:
    return (kind, symbol or (subject or "").lower(), pct, record_words(record) if kind == "record" else frozenset())


def sample_body() -> str:
    if not SEED.exists() or not GOLD.exists():
        pytest.skip(f"shared sample not available at {SHARED} (tests read ../shared from the repo root)")
    first, _, rest = SEED.read_text(encoding="utf-8").partition("\n")
    return (first.split("TOKYO:", 1)[1] + "\n" + rest).strip()


EXPECTED_DATES = {  # gold id -> (period, as_of, window_start)
    "c1": ("intraday", "2024-03-01", None), "c2": ("intraday", "2024-03-01", None),
    "c3": ("intraday", "2024-03-01", None), "c4": ("intraday", "2024-03-01", None),
    "c5": ("intraday", "2024-03-01", None), "c6": ("intraday", "2024-03-01", None),
    "c7": ("earlier this week", "2024-02-29", "2024-02-26"), "c8": ("last month", "2024-02-29", "2024-02-01"),
    "c9": ("year to date", "2024-02-29", "2024-01-01"), "c10": ("overnight", "2024-02-29", None),
    "c11": ("overnight", "2024-02-29", None), "c12": ("intraday", "2024-03-01", None),
    "c13": ("intraday", "2024-03-01", None),
}


def check_against_gold(claims: list) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    found = {gold_key(c.kind, c.symbol, c.subject, c.pct, c.record): c for c in claims}
    for g in gold["claims"]:
        key = gold_key(g["kind"], g.get("symbol"), g.get("subject"), g.get("pct"), g.get("record"))
        assert key in found, f"gold {g['id']} not extracted: {key}"
        claim = found[key]
        assert claim.direction == g.get("direction"), g["id"]
        assert claim.level == g.get("level"), g["id"]
        assert (claim.period, claim.as_of, claim.window_start) == EXPECTED_DATES[g["id"]], g["id"]
    assert [c.id for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    body = sample_body()
    assert all(body[c.start : c.end] == c.text for c in claims)


@pytest.mark.model
def test_sample_with_hand_built_mentions(english):
    body = sample_body()
    doc = english(body)
    doc._.instruments = mentions_for(doc)
    check_against_gold(extract_claims(doc, TOKYO))


@pytest.mark.model
def test_sample_through_the_components(english):
    """newslink_instruments then newslink_claims, as the pipeline runs them."""
    pytest.importorskip("nlp.components.instruments")
    from nlp.components.claims import ClaimsComponent
    from nlp.components.instruments import make_instrument_linker

    body = sample_body()
    doc = english(body)
    doc._.article = TOKYO
    doc = make_instrument_linker(english, "newslink_instruments", None, False, {}, True)(doc)
    doc = ClaimsComponent()(doc)
    check_against_gold(doc._.claims)
    first = list(doc._.claims)
    assert ClaimsComponent()(doc)._.claims == first  # re-running overwrites, never appends
