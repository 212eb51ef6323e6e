"""Hand-labelled claims from the Reuters 2012-2013 archive, checked against the us-2012-2017 prices.

tests/data/checks_reuters.jsonl holds, per claim, the claim fields, the
article's context, the expected verdict, the sentence and the archive member
it came from. Categories: session moves, pre-close intraday moves, ex-dividend
days, after-hours moves, prices quoted before later splits, index moves and
records (.SPX / .DJI / .IXIC), and claims no price series can check.
"""

from __future__ import annotations

import collections
import json
import tarfile
from pathlib import Path

import pytest

from nlp.market import StorePrices, check_claim, import_prices
from nlp.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
PRICES = SHARED / "data" / "prices" / "us-2012-2017"
ARCHIVE = SHARED / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"
LABELS = Path(__file__).parent / "data" / "checks_reuters.jsonl"
ROWS = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]


def _price_file(symbol: str) -> Path:
    return PRICES / (f"{symbol}.csv" if symbol.startswith("^") else f"{symbol}_data.csv")


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    if not PRICES.is_dir():
        pytest.skip(f"shared US prices absent ({PRICES})")
    store = Store(tmp_path_factory.mktemp("reuters") / "prices.db")
    symbols = {r["claim"]["symbol"] for r in ROWS if r["claim"]["symbol"]} | {"^GSPC"}
    for symbol in sorted(symbols):
        report = import_prices(store, _price_file(symbol))
        assert report.ok, report.errors
    return StorePrices(store)


def test_labels_cover_the_categories():
    assert len(ROWS) >= 40
    categories = collections.Counter(r["category"] for r in ROWS)
    for needed in ("session", "pre-close", "ex-dividend", "after-hours", "pre-split", "index",
                   "index-record"):
        assert categories[needed] >= 1, needed
    assert {r["claim"]["symbol"] for r in ROWS} >= {"^GSPC", "^DJI", "^IXIC"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['id']}-{r['category']}" for r in ROWS])
def test_reuters_claim_verdict(row, prices, master):
    check = check_claim(row["claim"], row["article"], prices, master)
    assert check["verdict"] == row["expected"], (row["sentence"], check)
    if check["verdict"] != "unverifiable":
        assert check["basis"] and check["session"]["date"]
    else:
        assert check["note"]
    if row["category"] == "pre-close":
        assert check["basis"] == "intraday-range"
    if row["category"] == "pre-split":
        assert "split" in check["note"]
    if row["category"] == "ex-dividend":
        assert "ex-dividend" in check["note"]
    if row["category"] == "after-hours":
        assert "after-hours" in check["note"]


def test_equity_moves_carry_the_index_move(prices):
    row = next(r for r in ROWS if r["claim"]["symbol"] == "XOM")
    check = check_claim(row["claim"], row["article"], prices)
    assert check["index_symbol"] == "^GSPC"
    assert check["excess"] == pytest.approx(check["actual"] - check["index_move"], abs=1e-3)


def test_sentences_come_from_the_archive():
    if not ARCHIVE.is_file():
        pytest.skip(f"shared Reuters archive absent ({ARCHIVE})")
    wanted = {r["member"] for r in ROWS}
    bodies = {}
    with tarfile.open(ARCHIVE) as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if name in wanted:
                bodies[name] = " ".join(tar.extractfile(member).read().decode("utf-8", "replace").split())
    for row in ROWS:
        assert row["member"] in bodies, row["member"]
        assert row["sentence"] in bodies[row["member"]], row["id"]
