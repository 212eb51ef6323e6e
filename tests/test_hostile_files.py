"""Property tests: the readers and the price parser take any bytes without raising, and what a
price file yields is always a valid series; mutated and impossible price files are rejected or
repaired with a note, never imported silently."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_corpus import BODIES, reuters_member
from nlp.articles import decode, read_bytes
from nlp.market import PriceFileError, parse_price_file
from nlp.store import ErrorRow
from nlp.types import Article

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])
GOOD = reuters_member(BODIES[0], "Stocks rise", "Tue Sep 11, 2012 7:57pm EDT", "http://x/1").encode()


def _check_items(items, source="f.txt"):
    assert items, "every input yields at least one article or error row"
    for item in items:
        assert isinstance(item, (Article, ErrorRow))
        assert item.source == source
        if isinstance(item, Article):
            assert item.text.strip() and item.published
            item.text.encode("utf-8")  # storable
        else:
            assert item.stage and item.reason


@SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes_read_as_articles_or_error_rows(raw):
    _check_items(list(read_bytes(raw, "f.txt")))


@SETTINGS
@given(st.data())
def test_mutated_reuters_members_read_as_articles_or_error_rows(data):
    raw = bytearray(GOOD)
    for _ in range(data.draw(st.integers(0, 20))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at:]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=20))
    _check_items(list(read_bytes(bytes(raw), "f.txt")))


@SETTINGS
@given(st.text(max_size=500))
def test_any_text_in_any_common_encoding_decodes_or_is_refused(text):
    for encoding in ("utf-8", "utf-16", "utf-16-le", "utf-32"):
        try:
            raw = text.encode(encoding)
        except UnicodeEncodeError:
            continue  # lone surrogates
        try:
            decoded, notes = decode(raw)
        except Exception as exc:  # noqa: BLE001
            assert type(exc).__name__ == "ReadError"
            continue
        assert isinstance(decoded, str) and isinstance(notes, list)


def test_utf16_articles_are_decoded_with_a_note():
    text = " date 2024-03-01 TOKYO: Tokyo Electron rose 4.64% on Friday."
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        (item,) = read_bytes(text.encode(encoding), "f.txt")
        assert isinstance(item, Article), item
        assert item.text.startswith("Tokyo Electron") and item.notes == [f"decoded as {encoding}"]


# -- price files -----------------------------------------------------------------------------

HEADER = "Date,Open,High,Low,Close,Volume\n"
ROW = st.tuples(
    st.dates(dt.date(2012, 1, 1), dt.date(2013, 12, 31)),
    *[st.one_of(st.floats(-10, 1000), st.sampled_from(["", "null", "nan", "abc", "1e999"]))] * 4,
    st.one_of(st.integers(-5, 10**9), st.just("")),
)


def _cell(v) -> str:
    return f"{v:.4f}" if isinstance(v, float) and v == v else str(v)


@SETTINGS
@given(st.lists(ROW, max_size=25), st.integers(0, 40))
def test_any_price_file_is_a_valid_series_or_rejected_with_a_line(tmp_path_factory, rows, cut):
    text = HEADER + "".join(f"{d.isoformat()},{','.join(_cell(v) for v in vals)}\n" for d, *vals in rows)
    if cut:
        text = text[: max(len(HEADER), len(text) - cut)]  # a truncated download
    path = tmp_path_factory.mktemp("p") / "AAA_data.csv"
    path.write_text(text, encoding="utf-8")
    try:
        parsed = parse_price_file(path, "AAA")
    except PriceFileError as exc:
        assert str(exc).startswith(str(path))
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 1
        return
    dates = [b.date for b in parsed.bars]
    assert dates == sorted(set(dates))
    for b in parsed.bars:
        assert b.close > 0
        assert all(v is None or v > 0 for v in (b.open, b.high, b.low))
        if b.high is not None and b.low is not None:
            assert b.low <= b.high
            assert all(v is None or b.low <= v <= b.high for v in (b.open, b.close))


@pytest.mark.parametrize("text, line, reason", [
    (HEADER + "2013-01-02,1,2,0.5,1.5,100\n2013-01-03,1,2,0.5,1\x00,100\n", 3, "bad number"),
    (HEADER + "2013-01-02,1,2,0.5,1.5,100\n2013-01-03,1,2,0.5", 3, "4 fields where the header has 6"),
    (HEADER + "2013-01-02,1,2,0.5,1.5,100\n2013-01-0", 3, "fields where the header has"),
    (HEADER + '2013-01-02,1,2,0.5,1.5,100\n"2013-01-03,1,2', 3, "fields where the header has"),
    (HEADER + "2013-01-02,1,2,0.5,-1.5,100\n", 2, "non-positive close"),
    (HEADER + "2013-01-02,1,2,0.5,1.5,100\n2013-01-02,1,2,0.5,1.7,100\n", 3, "already at line 2"),
])
def test_mutated_price_files_are_rejected_whole_with_file_and_line(tmp_path, text, line, reason):
    path = tmp_path / "AAA_data.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PriceFileError) as info:
        parse_price_file(path, "AAA")
    assert info.value.line == line, str(info.value)
    assert reason in str(info.value) and str(info.value).startswith(f"{path}:{line}:")


def test_impossible_bars_are_repaired_with_a_note_stored_in_the_run(tmp_path):
    from nlp.run import run_inputs

    prices = tmp_path / "in" / "prices"
    prices.mkdir(parents=True)
    (prices / "AAA_data.csv").write_text(
        HEADER + "2013-01-04,1,2,0.5,1.5,100\n2013-01-02,1,2,0.5,1.4,100\n2013-01-03,3,2,0.5,1.5,100\n",
        encoding="utf-8")
    parsed = parse_price_file(prices / "AAA_data.csv")
    assert [b.date for b in parsed.bars] == ["2013-01-02", "2013-01-03", "2013-01-04"]
    third = parsed.bars[1]
    assert (third.high, third.low, third.close) == (None, None, 1.5)
    assert len(parsed.warnings) == 2
    (tmp_path / "in" / "a.txt").write_text(" date 2013-01-04 NEW YORK: Stocks rose.", encoding="utf-8")
    run_inputs([tmp_path / "in"], tmp_path / "n.db", use_causal_model=False)
    notes = sqlite3.connect(tmp_path / "n.db").execute(
        "SELECT source, line, reason FROM errors WHERE stage = 'prices' ORDER BY line").fetchall()
    assert notes == [
        (str(prices / "AAA_data.csv"), 3, "repaired: AAA 2013-01-02 comes after 2013-01-04 (line 2);"
         " dates out of order, bars sorted by date"),
        (str(prices / "AAA_data.csv"), 4, "repaired: open 3.0 outside the range 0.5..2.0; range dropped"),
    ]
