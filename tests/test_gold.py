"""End to end: the sample article through the whole pipeline, against the gold file."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, SAMPLE, SEED, need
from nlp.extract import extract_file

pytestmark = pytest.mark.model

PRICES = ROOT / "corpus" / "prices"


@pytest.fixture(scope="module")
def record(pipeline):
    return extract_file(SAMPLE, prices=[PRICES])


def words(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def overlap(found: str, gold: str) -> float:
    """Share of the gold span's tokens that the found span covers."""
    f, g = words(found), words(gold)
    return sum(1 for w in g if w in f) / len(g) if g else 0.0


def find_claim(record: dict, gold: dict) -> dict | None:
    for c in record["claims"]:
        if c["kind"] != gold["kind"]:
            continue
        if gold.get("symbol") and c["symbol"] != gold["symbol"]:
            continue
        if not gold.get("symbol") and (c["symbol"] or gold["subject"] not in (c["subject"] or "")):
            continue
        if "pct" in gold and c["pct"] != gold["pct"]:
            continue
        if gold["kind"] == "record" and gold.get("level") and c["level"] != gold["level"]:
            continue
        if gold["kind"] == "record" and gold["period"] != c["period"]:
            continue
        return c
    return None


def test_sample_is_the_seed():
    need(SEED)
    assert SAMPLE.read_bytes() == SEED.read_bytes()


def test_article_block(record, gold):
    art = record["article"]
    pub = gold["published"]
    assert (art["published"], art["dateline"], art["timezone"]) == (pub["date"], pub["dateline"], pub["timezone"])


def test_instruments(record, gold):
    linked = {(m["text"], m["symbol"]) for m in record["instruments"]}
    for item in gold["instruments"]["must_link"] + gold["instruments"]["should_link"]:
        assert (item["text"], item["symbol"]) in linked, item
    symbols = {m["symbol"] for m in record["instruments"]}
    texts = {m["text"] for m in record["instruments"] if m["symbol"]}
    for bad in gold["instruments"]["must_not_link"]:
        assert bad not in symbols and bad not in texts
    text = record["article"]["text"]
    assert all(text[m["start"]:m["end"]] == m["text"] for m in record["instruments"])


@pytest.mark.parametrize("cid", [f"c{i}" for i in range(1, 14)])
def test_claims_and_verdicts(record, gold, cid):
    g = next(c for c in gold["claims"] if c["id"] == cid)
    c = find_claim(record, g)
    assert c is not None, f"gold claim {cid} not extracted: {g}"
    text = record["article"]["text"]
    assert text[c["start"]:c["end"]] == c["text"]
    if "direction" in g:
        assert c["direction"] == g["direction"]
    if "level" in g:
        assert c["level"] == g["level"]
    assert c["period"] == g["period"]
    assert c["check"]["verdict"] == g["verdict"], (cid, c["check"])


def test_c3_is_intraday_not_close_to_close(record, gold):
    c = find_claim(record, next(c for c in gold["claims"] if c["id"] == "c3"))
    check = c["check"]
    assert check["basis"].startswith("intraday")
    assert check["reference"] == {"date": "2024-02-29", "close": 36870.0}
    assert (check["session"]["low"], check["session"]["high"]) == (37050.0, 38710.0)


def test_quote(record, gold):
    g = gold["quotes"][0]
    q = next(q for q in record["quotes"] if q["text"] == g["text"])
    assert (q["speaker"], q["role"], q["organization"], q["paraphrase"]) == (
        g["speaker"], g["role"], g["organization"], g["paraphrase"])
    assert record["article"]["text"][q["start"]:q["end"]] == q["text"]


@pytest.mark.parametrize("i", range(10))
def test_required_causes(record, gold, i):
    g = gold["causes"][i]
    if not g["required"]:
        pytest.skip("not required by the gold file")
    hits = [x for x in record["causes"]
            if overlap(x["cause"]["text"], g["cause"]) >= 0.6 and overlap(x["effect"]["text"], g["effect"]) >= 0.6]
    assert hits, f"cause not found: {g}"
    if g.get("effect_symbol"):
        assert any(g["effect_symbol"] in x["effect_symbols"] for x in hits)
