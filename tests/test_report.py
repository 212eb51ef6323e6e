"""`newslink report`: the self-contained HTML page of one article."""

from __future__ import annotations

import html
import re

import pytest
from typer.testing import CliRunner

import nlp.cli.query  # noqa: F401  (registers the commands)
from nlp import report
from nlp.cli.app import app
from query_sample import OTHER_ID, SEED, sample_records

runner = CliRunner()
S = "2afa2522b194f51cc61e1e952fd648636aed5525a4ca12d6a0355335cc48e4fe"


@pytest.fixture(scope="module")
def page(sample_db):
    return report.report_html(SEED, sample_db)


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)\s*=|url\(|@import|<script|<link|https?://", page)


def test_page_highlights_every_kind_of_fact(page):
    for layer in ("instrument", "claim", "quote", "cause", "effect"):
        assert f"hl-{layer}" in page, layer
    # hover details name the symbol, the verdict and the speaker
    assert "instrument: Tokyo Electron Ltd -&gt; 8035.T" in page
    assert "verdict: supported (intraday-range)" in page
    assert "quote (direct) by Kenji Abe, analyst, Daiwa Securities" in page


def test_page_keeps_the_article_text(page):
    text = re.search(r'<div class="text">(.*?)</div>', page, re.S).group(1)
    plain = re.sub(r'<span class="tag[^>]*>[^<]*</span>', "", text)
    plain = re.sub(r"<[^>]+>", "", plain)
    assert html.unescape(plain) == sample_records()[0]["article"]["text"]


def test_claims_table_has_verdict_basis_and_numbers(page):
    table = re.search(r"<table>.*?</table>", page, re.S).group(0)
    assert table.count("<tr>") == 11  # header and ten claims
    row = re.search(r"<tr><td>c3</td>.*?</tr>", table).group(0)
    for cell in ("Tokyo Electron Ltd gained 4.64%", "8035.T", "supported", "intraday-range",
                 "4.64", "36,870 (2024-02-29)", "2024-03-01: 37,050..38,710, 38,380",
                 "morning-session move"):
        assert cell in row, cell


def test_one_chart_per_checked_claim(page):
    assert page.count("<svg") == 8  # c1-c7 and c10; the two unverifiable claims have none
    chart = re.search(r'<figcaption><b>c3</b>.*?</svg>', page, re.S).group(0)
    assert "ref 36,870 (02-29)" in chart
    assert "claimed 38,581" in chart  # 36870 * 1.0464
    assert "range 37,050–38,710" in chart
    assert "2024-03-01: close 38,380" in chart


@pytest.mark.parametrize("claim, expected", [
    ({"level": 39883.86, "pct": 1.83}, 39883.86),
    ({"pct": 4.64, "direction": "up", "check": {"reference": {"close": 100.0}}}, 104.64),
    ({"pct": 3.1, "direction": "down", "check": {"reference": {"close": 100.0}}}, 96.9),
    ({"pct": -3.1, "direction": "down", "check": {"reference": {"close": 100.0}}}, 96.9),
    ({"points": 5, "direction": "up", "check": {"reference": {"close": 100.0}}}, 105.0),
    ({"kind": "record", "check": {"claimed": 39990.23}}, 39990.23),
    ({"kind": "change", "pct": 2.0}, None),
])
def test_claimed_level(claim, expected):
    level = report.claimed_level(claim)
    if expected is None:
        assert level is None
    else:
        assert level == pytest.approx(expected)


@pytest.mark.parametrize("spans, expected", [
    ([], "Tokyo Electron gained"),
    ([report.Highlight(0, 14, "instrument", "8035.T", "i")],
     '<span class="tag tag-instrument" style="background:#1e3a8a">8035.T</span>'
     '<span class="hl hl-instrument" style="background:#bfdbfe;font-weight:600" title="i">'
     "Tokyo Electron</span> gained"),
    ([report.Highlight(0, 21, "claim", "c1", "c"), report.Highlight(0, 14, "instrument", "X", "i")],
     '<span class="tag tag-claim" style="background:#ea580c">c1</span>'
     '<span class="tag tag-instrument" style="background:#1e3a8a">X</span>'
     '<span class="hl hl-claim hl-instrument" style="background:#bfdbfe;font-weight:600;'
     'box-shadow:0 2px 0 0 #ea580c" title="c\n\ni">Tokyo Electron</span>'
     '<span class="hl hl-claim" style="box-shadow:0 2px 0 0 #ea580c" title="c"> gained</span>'),
    ([report.Highlight(5, 99, "claim", "c1", "out of range")], "Tokyo Electron gained"),
])
def test_highlighted_text(spans, expected):
    assert report.highlighted_text("Tokyo Electron gained", spans) == expected


def test_report_by_id_prefix_and_by_file_agree(sample_db):
    by_id = report.report_html(S[:12], sample_db)
    assert by_id == report.report_html(SEED, sample_db)


def test_report_of_the_contradicted_article(sample_db):
    page = report.report_html(OTHER_ID, sample_db)
    assert "Chip stocks cool in Tokyo" in page
    assert "contradicted" in page and page.count("<svg") == 2
    assert "claimed 38,072" in page  # 39290 * (1 - 0.031)


@pytest.mark.parametrize("target, message", [
    ("ffffffffffff", "no article with id"),
    ("nowhere.txt", "neither a file nor an article"),
])
def test_report_errors(sample_db, target, message):
    db = sample_db if target.startswith("f") else sample_db.with_name("absent.db")
    with pytest.raises(report.ReportError, match=message):
        report.report_html(target, db)


def test_report_command_writes_the_page(sample_db, tmp_path):
    out = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["report", S[:10], "-o", str(out), "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("<svg") == 8
    bad = runner.invoke(app, ["report", "0000000000", "-o", str(out), "--db", str(sample_db)])
    assert bad.exit_code == 1 and "no article with id" in bad.output


@pytest.mark.model
def test_report_of_a_new_file_runs_the_pipeline(tmp_path):
    pytest.importorskip("nlp.extract", reason="the pipeline's extract_file is not there yet")
    if not SEED.exists():
        pytest.skip(f"shared sample article not found at {SEED}")
    page = report.report_html(SEED, tmp_path / "no-database.db")
    assert "Tokyo Electron Ltd" in page and "hl-claim" in page and "hl-instrument" in page
    assert not re.search(r"(src|href)\s*=|https?://", page)
