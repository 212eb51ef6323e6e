"""The labelled samples under tests/data (issues 11, 12, 15) and the causes rescoring's judging rules.

The samples are the measuring sticks of the closing figures: every row is labelled, a date is on one
side only (the halves are split by article date), and the causes relabels name links of their half.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

SAMPLES = {  # folder -> (key of the fact, how a row gives its article date)
    "checks_sample": ("claim", lambda r: (r.get("published_time") or "")[:10]),
    "checks_sample2": ("claim", lambda r: (r.get("published_time") or "")[:10]),
    "checks_sample3": ("claim", lambda r: (r.get("published_time") or "")[:10]),
    "quotes_sample": ("quote", lambda r: r["article"]["published"] or ""),
    "causes_sample": ("link", lambda r: r["article"]["published"] or ""),
    "causes_sample2": ("link", lambda r: r["article"]["published"] or ""),
    "causes_sample3": ("link", lambda r: r["article"]["published"] or ""),
    "quotes_sample2": ("quote", lambda r: r["article"]["published"] or ""),
    "quotes_sample3": ("quote", lambda r: r["article"]["published"] or ""),
    "quotes_sample4": ("quote", lambda r: r["article"]["published"] or ""),
}


def rows(folder: str, half: str) -> list[dict]:
    path = DATA / folder / f"{half}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("folder", sorted(SAMPLES))
def test_every_row_is_labelled_and_each_date_on_one_side(folder):
    key, date_of = SAMPLES[folder]
    tuning, locked = rows(folder, "tuning"), rows(folder, "locked")
    assert tuning and locked
    for r in tuning + locked:
        assert r.get("label"), f"{folder}: an unlabelled row ({r.get('id') or r[key].get('id')})"
    assert not {date_of(r) for r in tuning} & {date_of(r) for r in locked}


@pytest.mark.parametrize("folder", ["causes_sample", "causes_sample3"])
def test_causes_relabels_name_links_of_their_half(folder):
    for half in ("tuning", "locked"):
        ids = {r["link"]["id"] for r in rows(folder, half)}
        path = DATA / folder / f"relabels_{half}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            assert item["key"].split("|")[0] in ids
            assert isinstance(item["ok"], bool)


def test_rescoring_judges_changed_spans_by_words_or_relabel():
    from causes_rescore import judge, relabel_key, same_span

    assert same_span("the shares of Merck ( MRK.N ) fell", "shares of Merck fell")
    assert not same_span("shares fell sharply", "shares fell")
    row = {"link": {"id": "a:x0", "cause_text": "weak demand", "cause_start": 20, "cause_end": 31,
                    "effect_text": "fell", "effect_start": 0, "effect_end": 4},
           "label": {"causal": True, "cause_ok": True, "effect_ok": False, "cause": None,
                     "effect": "Shares fell"}}
    same_cause = {"start": 20, "end": 31, "text": "weak demand"}
    fixed = {"cause": same_cause, "effect": {"start": 0, "end": 11, "text": "Shares fell"}}
    assert judge(row, fixed) == {"kept": True, "causal": True, "cause": True, "effect": True, "unjudged": []}
    other = {"cause": same_cause, "effect": {"start": 0, "end": 20, "text": "Shares fell because"}}
    assert judge(row, other)["unjudged"] == ["effect"]
    key = relabel_key("a:x0", "effect", other["effect"])
    assert judge(row, other, {key: True})["effect"] is True
    assert judge(row, None) == {"kept": False, "causal": True, "unjudged": []}


def test_the_second_causes_sample_has_no_article_of_the_first():
    first = {r["link"]["article_id"] for h in ("tuning", "locked") for r in rows("causes_sample", h)}
    second = {r["link"]["article_id"] for h in ("tuning", "locked") for r in rows("causes_sample2", h)}
    assert len(second) > 150 and not first & second



def test_later_samples_have_no_article_of_an_earlier_one():
    """Each new sample is drawn from articles no earlier sample of any issue read (its locked half
    would not be new text otherwise)."""
    def members(folder: str) -> set[str]:
        return {r["article"]["member"] for h in ("tuning", "locked") for r in rows(folder, h)}

    earlier = members("causes_sample") | members("causes_sample2") | members("quotes_sample")
    third, quotes = members("causes_sample3"), members("quotes_sample2")
    assert len(third) > 150 and not third & earlier
    assert len(quotes) > 100 and not quotes & earlier
    spots = {json.loads(line)["member"] for name in ("spot77", "spot78")
             for line in (DATA / "quotes_spot" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()}
    fourth = members("quotes_sample3")
    assert len(fourth) > 100 and not fourth & (earlier | third | quotes | spots)
    checks = {r["member"] for folder in ("checks_sample", "checks_sample2") for h in ("tuning", "locked")
              for r in rows(folder, h)}
    fifth = members("quotes_sample4")
    assert len(fifth) > 100 and not fifth & (earlier | third | quotes | spots | fourth | checks)


def test_the_third_check_sample_has_no_article_of_an_earlier_sample():
    def members(folder: str) -> set[str]:
        return {r.get("member") or r["article"]["member"] for h in ("tuning", "locked") for r in rows(folder, h)}

    # drawn from the run behind quotes_sample4 (its articles are shared: claims there, quotes here)
    third = members("checks_sample3")
    earlier = set().union(*(members(f) for f in SAMPLES if f not in ("checks_sample3", "quotes_sample4")))
    assert len(third) > 50 and not third & earlier
