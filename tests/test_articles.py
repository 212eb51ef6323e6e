"""Readers: every format, archives as streams, and hostile inputs as error rows."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REUTERS, SAMPLE, need
from nlp.articles import (
    MAX_ARTICLE_BYTES,
    ReadError,
    decode,
    parse_reuters_stamp,
    read_article,
    read_inputs,
    sniff,
)
from nlp.store import ErrorRow
from nlp.types import Article

REUTERS_MEMBER = (
    "-- Stocks rally as Apple gains\n"
    "-- By  Jane Doe\n"
    "-- Tue Sep 11, 2012 7:57pm EDT\n"
    "-- http://www.reuters.com/article/2012/09/11/us-markets-stocks\n"
    "\n \n NEW YORK  (Reuters) - Shares of Apple Inc ( AAPL.O ) rose 1.2 percent on Tuesday.\n"
)
DATELINE = " date 2024-03-01 TOKYO: Japan's Nikkei share average rose 1.8% on Friday.\n"


def split(items):
    arts = [x for x in items if isinstance(x, Article)]
    errs = [x for x in items if isinstance(x, ErrorRow)]
    return arts, errs


def test_sample_dateline_article():
    a = read_article(SAMPLE)
    assert (a.published, a.dateline, a.timezone) == ("2024-03-01", "TOKYO", "Asia/Tokyo")
    assert a.text.startswith("Japan’s Nikkei share average rose")
    assert a.format == "dateline"
    assert len(a.id) == 64
    assert a.published_time is None


def test_reuters_member(tmp_path: Path):
    p = tmp_path / "us-markets-stocks-idUS123"  # no extension: recognised by content
    p.write_text(REUTERS_MEMBER, encoding="utf-8")
    a = read_article(p)
    assert a.title == "Stocks rally as Apple gains"
    assert a.author == "Jane Doe"
    assert a.published == "2012-09-11"
    assert a.published_time == "2012-09-11T19:57:00-04:00"
    assert a.timezone == "America/New_York"
    assert a.dateline == "NEW YORK"
    assert a.url.startswith("http://www.reuters.com/")
    assert a.text.startswith("NEW YORK  (Reuters) - Shares of Apple")


@pytest.mark.parametrize("line, iso", [
    ("-- Tue Sep 11, 2012 7:57pm EDT", "2012-09-11T19:57:00-04:00"),
    ("-- Mon Dec 3, 2012 12:05am EST", "2012-12-03T00:05:00-05:00"),
    ("-- Wed Jan 9, 2013 12:30pm EST", "2013-01-09T12:30:00-05:00"),
    ("-- Fri Jul 5, 2013 8:00am BST", "2013-07-05T08:00:00+01:00"),
    ("-- Fri Mar 1, 2024 11:45am JST", "2024-03-01T11:45:00+09:00"),
])
def test_reuters_stamps(line, iso):
    assert parse_reuters_stamp(line).isoformat() == iso


@pytest.mark.parametrize("text, kind", [
    (DATELINE, "dateline"),
    (REUTERS_MEMBER, "reuters"),
    ('{"text": "x"}\n', "jsonl"),
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("just some words", "text"),
])
def test_sniff(text, kind):
    assert sniff(text) == kind


def test_decode_falls_back_to_cp1252_with_a_note():
    text, notes = decode("Nikkei’s rise".encode("cp1252"))
    assert text == "Nikkei’s rise"
    assert "cp1252" in notes[0]


def test_jsonl_lines_and_gzip(tmp_path: Path):
    lines = [
        {"text": "Stocks rose 1% on Monday.", "title": "A", "published": "2013-05-06T16:10:00-04:00",
         "url": "http://x/a", "id": "a1"},
        "this is not json",
        {"title": "no text", "published": "2013-05-06"},
        {"text": "Bonds fell.", "published": "2013-02-30"},
        {"text": "Gold rose.", "published": "2013-05-07"},
    ]
    raw = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    for name, data in (("feed.jsonl", raw.encode()), ("feed.jsonl.gz", gzip.compress(raw.encode()))):
        p = tmp_path / name
        p.write_bytes(data)
        arts, errs = split(list(read_inputs([p])))
        assert [a.member for a in arts] == ["line 1", "line 5"]
        assert arts[0].published_time == "2013-05-06T16:10:00-04:00"
        assert arts[0].timezone == "UTC-04:00"
        assert [(e.line, e.stage) for e in errs] == [(2, "parse"), (3, "parse"), (4, "date")]
        assert "not JSON" in errs[0].reason


def test_html_page(tmp_path: Path):
    p = tmp_path / "page.html"
    p.write_text(
        "<!DOCTYPE html><html><head><title>Nikkei hits record</title>"
        '<meta property="article:published_time" content="2024-03-01T12:00:00+09:00"></head>'
        "<body><article><h1>Nikkei hits record</h1>"
        "<p>TOKYO (Reuters) - Japan's Nikkei share average rose 1.8% to a record high on Friday,"
        " as chip stocks tracked gains in their US peers and insurers rallied.</p>"
        "<p>The broader Topix was up 1.1% at 2,706.18 by the midday break, with miners and"
        " insurers among the best performers of the 33 industry sectors.</p></article></body></html>",
        encoding="utf-8")
    a = read_article(p)
    assert a.format == "html"
    assert a.published == "2024-03-01"
    assert "Nikkei share average rose 1.8%" in a.text
    assert a.dateline == "TOKYO"


def _tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_archives_stream_members(tmp_path: Path):
    members = {"20120911/a": REUTERS_MEMBER.encode(), "20120911/b": b"",
               "20120911/c": DATELINE.encode()}
    (tmp_path / "arch.tar.gz").write_bytes(_tar_bytes(members))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    (tmp_path / "arch.zip").write_bytes(zbuf.getvalue())
    for name in ("arch.tar.gz", "arch.zip"):
        arts, errs = split(list(read_inputs([tmp_path / name])))
        assert [a.member for a in arts] == ["20120911/a", "20120911/c"]
        assert [(e.member, e.stage, e.reason) for e in errs] == [("20120911/b", "read", "empty input")]


def test_tar_stream_forgets_members_it_has_read(tmp_path: Path, monkeypatch):
    """A streamed TarFile appends every member to ``members``; over an archive of 20,000 that grew
    the run's memory, so the reader clears it as it goes."""
    (tmp_path / "many.tar.gz").write_bytes(_tar_bytes(
        {f"m{i}": REUTERS_MEMBER.replace("1.2", f"1.{i}").encode() for i in range(30)}))
    held = []
    original = tarfile.TarFile.next

    def next_member(self):
        held.append(len(self.members))
        return original(self)

    monkeypatch.setattr(tarfile.TarFile, "next", next_member)
    arts, errs = split(list(read_inputs([tmp_path / "many.tar.gz"])))
    assert len(arts) == 30 and not errs
    assert len(held) >= 30 and max(held) <= 1


def hostile_folder(root: Path) -> dict[str, int]:
    """A folder of good and broken inputs; returns the expected article and error counts."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.txt").write_text(DATELINE, encoding="utf-8")
    (root / "cp1252.txt").write_bytes(" date 2024-03-01 TOKYO: Tokyo’s stocks rose 1% today.".encode("cp1252"))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (root / "nodate.txt").write_text("Stocks rose 1% on Monday, traders said.", encoding="utf-8")
    (root / "baddate.txt").write_text(" date 2024-02-30 TOKYO: Stocks rose.", encoding="utf-8")
    (root / "huge.txt").write_bytes(b" date 2024-03-01 TOKYO: " + b"word " * (MAX_ARTICLE_BYTES // 5 + 10))
    (root / "feed.jsonl").write_text(
        json.dumps({"text": "Oil rose 2%.", "published": "2013-01-02"}) + "\n{broken\n", encoding="utf-8")
    good_gz = gzip.compress(((json.dumps({"text": "Gold fell.", "published": "2013-01-03"}) + "\n") * 3).encode())
    (root / "cut.jsonl.gz").write_bytes(good_gz[: len(good_gz) // 2])
    tar = _tar_bytes({f"m{i}": REUTERS_MEMBER.replace("1.2", f"1.{i}").encode() for i in range(5)})
    (root / "cut.tar.gz").write_bytes(tar[: len(tar) * 2 // 3])
    (root / "reuters-member").write_text(REUTERS_MEMBER, encoding="utf-8")
    return {"articles": 4, "errors": 8}


def test_hostile_folder_every_input_is_an_article_or_an_error(tmp_path: Path):
    expect = hostile_folder(tmp_path / "in")
    items = list(read_inputs([tmp_path / "in"]))
    arts, errs = split(items)
    assert len(arts) + len(errs) == len(items)
    by_source = {Path(e.source).name: e for e in errs}
    assert by_source["empty.txt"].reason == "empty input"
    assert by_source["binary.bin"].stage == "decode"
    assert by_source["nodate.txt"].stage == "date"
    assert "impossible date" in by_source["baddate.txt"].reason
    assert by_source["huge.txt"].stage == "size"
    assert "truncated" in by_source["cut.tar.gz"].reason
    assert any("not JSON" in e.reason and e.line == 2 for e in errs)
    assert any(Path(e.source).name == "cut.jsonl.gz" for e in errs)
    names = sorted(Path(a.source).name for a in arts)
    assert {"good.txt", "cp1252.txt", "feed.jsonl", "reuters-member"} <= set(names)
    cp = next(a for a in arts if a.source.endswith("cp1252.txt"))
    assert "cp1252" in cp.notes[0] and "Tokyo’s" in cp.text
    assert (len(arts), len(errs)) == (expect["articles"], expect["errors"])


def test_missing_path_is_a_usage_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        list(read_inputs([tmp_path / "nope"]))


def test_read_article_names_the_file(tmp_path: Path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ReadError, match="empty.txt"):
        read_article(p)


@pytest.mark.slow
def test_reuters_archive_members_all_accounted_for():
    """All 20,333 members become an article or an error; ≥ 99% of articles are zone-aware."""
    arts = errs = aware = 0
    for item in read_inputs([need(REUTERS)]):
        if isinstance(item, Article):
            arts += 1
            aware += item.published_time is not None and item.published_time[-6] in "+-"
        else:
            errs += 1
    assert arts + errs == 20_333
    assert aware / arts >= 0.99
    assert arts > 19_000
