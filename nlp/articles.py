"""Readers: files, folders and archives of news into :class:`~nlp.types.Article` records.

``read_inputs(paths)`` walks files, folders (recursively) and ``.tar.gz``/``.tgz``/
``.tar``/``.zip`` archives as streams, and yields an ``Article`` for every
readable article and an :class:`~nlp.store.ErrorRow` for everything else, so a
caller can count both. Formats are recognised by content, not only by name:

- dateline text: first line ``date YYYY-MM-DD CITY:`` (the sample format);
- Reuters archive members: ``-- title``, ``-- By author``, ``-- Tue Sep 11, 2012 7:57pm EDT``,
  ``-- url``, then the body ``NEW YORK  (Reuters) - ...``;
- JSON Lines (optionally gzip-compressed): one object per line with at least ``text``;
- HTML pages: main text, title and date through trafilatura.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import logging
import os
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from nlp.errors import NewslinkError
from nlp.paths import MODELS as MODELS_ROOT
from nlp.store import ErrorRow
from nlp.types import Article

#: A single article larger than this is refused (a 50 MB "article" is not news).
MAX_ARTICLE_BYTES = 5 * 1024 * 1024

MODELS = MODELS_ROOT / "places"

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".zip")

DATELINE_HEADER = re.compile(r"^\s*date\s+(\S+)\s+([^:\n]{1,60}?):[ \t]*")
REUTERS_STAMP = re.compile(
    r"^--\s+(?:\w{3},?\s+)?(\w{3})\s+(\d{1,2}),\s+(\d{4})\s+(\d{1,2}):(\d{2})\s*([ap]m)\s+([A-Z]{2,5})\s*$",
    re.IGNORECASE,
)
REUTERS_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z.'\- ]*(?:/[A-Z][A-Za-z.'\- ]*)*?)?\s*\(Reuters\)\s*-\s*")
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


class ReadError(NewslinkError):
    """An input that cannot become an article; ``stage`` says where it failed."""

    code = "NL101"

    def __init__(self, reason: str, stage: str = "parse", line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.stage = stage
        self.line = line


@cache
def dateline_zones() -> dict[str, str]:
    with open(MODELS / "datelines.csv", newline="", encoding="utf-8") as f:
        return {row["city"].upper(): row["timezone"] for row in csv.DictReader(f)}


@cache
def zone_abbreviations() -> dict[str, str]:
    with open(MODELS / "zone_abbreviations.csv", newline="", encoding="utf-8") as f:
        return {row["abbreviation"].upper(): row["timezone"] for row in csv.DictReader(f)}


def zone_for_city(city: str | None) -> str | None:
    """IANA zone of a dateline city ("TOKYO", "NEW YORK/LONDON" → first city), or None."""
    if not city:
        return None
    first = city.split("/")[0].strip().upper()
    return dateline_zones().get(first)


# -- decoding ------------------------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, list[str]]:
    """Decode article bytes: UTF-8 (BOM stripped), else cp1252 with a note.

    Returns (text, notes). Raises ReadError for empty or binary input.
    """
    if not raw.strip():
        raise ReadError("empty input", stage="read")
    wide = _wide_encoding(raw)
    if wide:
        try:
            text = raw.decode(wide)
        except UnicodeDecodeError as exc:
            raise ReadError(f"looks like {wide} but byte {exc.start} is not: {exc.reason}",
                            stage="decode") from None
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise ReadError("empty input", stage="read")
        return text, [f"decoded as {wide}"]
    head = raw[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.1:
        raise ReadError("binary content, not text", stage="decode")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    try:
        return raw.decode("cp1252"), [f"not valid UTF-8 ({where}); decoded as cp1252"]
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [
            f"not valid UTF-8 ({where}) nor cp1252; undecodable bytes replaced"]


def _wide_encoding(raw: bytes) -> str | None:
    """"utf-32" / "utf-16" for text with such a byte-order mark, "utf-16-le" / "utf-16-be" for
    BOM-less UTF-16 (every other byte NUL, as Windows tools write it); None otherwise."""
    if raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = raw[:4096]
    if len(head) >= 16 and len(head) % 2 == 0:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    bad = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(data)


# -- formats -------------------------------------------------------------------------------


def sniff(text: str) -> str:
    """Name the format of decoded text: dateline, reuters, jsonl, html or text."""
    head = text.lstrip("\ufeff")[:2000]
    stripped = head.lstrip()
    if DATELINE_HEADER.match(head):
        return "dateline"
    if stripped.startswith("-- ") and any(REUTERS_STAMP.match(l.strip()) for l in head.splitlines()[:6]):
        return "reuters"
    if stripped.startswith("{"):
        return "jsonl"
    low = stripped[:500].lower()
    if low.startswith("<!doctype html") or low.startswith("<html") or "<body" in low:
        return "html"
    return "text"


def parse_dateline(text: str) -> dict:
    """Fields of a ``date YYYY-MM-DD CITY:`` article. Raises ReadError on a bad date."""
    m = DATELINE_HEADER.match(text)
    if not m:
        raise ReadError("no `date YYYY-MM-DD CITY:` header on the first line", stage="date", line=1)
    try:
        day = dt.date.fromisoformat(m.group(1))
    except ValueError:
        raise ReadError(f"impossible date {m.group(1)!r} in the header", stage="date", line=1) from None
    city = m.group(2).strip().upper()
    body = text[m.end():].strip()
    if not body:
        raise ReadError("header but no article text", stage="parse", line=1)
    return {"text": body, "published": day.isoformat(), "dateline": city,
            "timezone": zone_for_city(city), "format": "dateline"}


def parse_reuters_stamp(line: str) -> dt.datetime:
    """``-- Tue Sep 11, 2012 7:57pm EDT`` → aware datetime in the zone the abbreviation names."""
    m = REUTERS_STAMP.match(line.strip())
    if not m:
        raise ReadError(f"unreadable time stamp {line.strip()!r}", stage="date")
    mon, day, year, hour, minute, ampm, abbr = m.groups()
    zone = zone_abbreviations().get(abbr.upper())
    if zone is None:
        raise ReadError(f"unknown time zone {abbr!r} in {line.strip()!r}", stage="date")
    hour_i = int(hour) % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        month = MONTHS[mon.lower()[:3]]
        return dt.datetime(int(year), month, int(day), hour_i, int(minute), tzinfo=ZoneInfo(zone))
    except (KeyError, ValueError):
        raise ReadError(f"impossible date in {line.strip()!r}", stage="date") from None


def parse_reuters(text: str) -> dict:
    """Fields of a Reuters archive member. Raises ReadError when the stamp or body is missing."""
    lines = text.splitlines()
    header: list[str] = []
    i = 0
    while i < len(lines) and lines[i].startswith("--"):
        header.append(lines[i][2:].strip())
        i += 1
    fields: dict = {"format": "reuters"}
    stamp_line = next((l for l in lines[:i] if REUTERS_STAMP.match(l.strip())), None)
    if stamp_line is None:
        raise ReadError("Reuters header without a time stamp line", stage="date")
    when = parse_reuters_stamp(stamp_line)
    fields["published"] = when.date().isoformat()
    fields["published_time"] = when.isoformat()
    fields["timezone"] = str(when.tzinfo)
    rest = [h for h in header if not REUTERS_STAMP.match(f"-- {h}")]
    fields["title"] = rest[0] if rest else None
    for h in rest[1:]:
        if h.lower().startswith("by "):
            fields["author"] = re.sub(r"\s+", " ", h[3:]).strip()
        elif h.startswith("http"):
            fields["url"] = h
    body = "\n".join(l.strip() for l in lines[i:]).strip()
    if not body:
        raise ReadError("Reuters header but no article text", stage="parse")
    dm = REUTERS_DATELINE.match(body)
    if dm and dm.group(1):
        fields["dateline"] = re.sub(r"\s+", " ", dm.group(1)).strip().upper()
    fields["text"] = body
    return fields


def parse_published(value: object) -> tuple[str | None, str | None]:
    """A JSONL ``published`` value → (ISO date, ISO datetime or None). Raises ReadError."""
    if value in (None, ""):
        return None, None
    s = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s).isoformat(), None
        when = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(s)
        except (TypeError, ValueError):
            raise ReadError(f"unreadable or impossible date {s!r}", stage="date") from None
    if when.tzinfo is None:
        return when.date().isoformat(), None
    return when.date().isoformat(), when.isoformat()


def parse_html(text: str) -> dict:
    """Main text, title and date of an HTML page through trafilatura. Raises ReadError."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its per-page notes are not ours to print
    out = trafilatura.extract(text, output_format="json", with_metadata=True,
                              include_comments=False, include_tables=False)
    if not out:
        raise ReadError("HTML page without extractable main text", stage="parse")
    data = json.loads(out)
    body = (data.get("text") or "").strip()
    if not body:
        raise ReadError("HTML page without extractable main text", stage="parse")
    published, published_time = parse_published(data.get("date"))
    fields = {"text": body, "title": data.get("title"), "published": published,
              "published_time": published_time, "url": data.get("url") or data.get("source"),
              "author": data.get("author"), "format": "html"}
    for line in body.splitlines()[:3]:
        dm = REUTERS_DATELINE.match(line)
        if dm and dm.group(1):
            fields["dateline"] = dm.group(1).strip().upper()
            fields["timezone"] = zone_for_city(fields["dateline"])
            break
    return fields


def parse_json_object(obj: object) -> dict:
    """Fields of one JSONL record. Raises ReadError when it has no usable ``text``."""
    if not isinstance(obj, dict):
        raise ReadError("JSON value is not an object", stage="parse")
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        raise ReadError("JSON object without a non-empty `text`", stage="parse")
    published, published_time = parse_published(obj.get("published") or obj.get("date"))
    body = _valid_unicode(body)
    fields = {"text": body.strip(), "title": _valid_unicode(obj.get("title")), "published": published,
              "published_time": published_time, "url": obj.get("url"), "format": "jsonl",
              "author": obj.get("author")}
    tz = obj.get("timezone")
    if published_time and not tz:
        tz = _zone_name(dt.datetime.fromisoformat(published_time))
    dm = REUTERS_DATELINE.match(fields["text"])
    if dm and dm.group(1):
        fields["dateline"] = dm.group(1).strip().upper()
    fields["timezone"] = tz or zone_for_city(fields.get("dateline"))
    return fields


def _valid_unicode(value: object) -> object:
    """A string with lone surrogates (``"\\ud800"`` in JSON) replaced by "?": they cannot be stored."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _zone_name(when: dt.datetime) -> str | None:
    off = when.utcoffset()
    if off is None:
        return None
    if off == dt.timedelta(0):
        return "UTC"
    total = int(off.total_seconds() // 60)
    return f"UTC{'+' if total >= 0 else '-'}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


# -- making articles -----------------------------------------------------------------------


def article_from_bytes(raw: bytes, source: str, member: str | None = None) -> Article:
    """One article from the raw bytes of a single-article file or member.

    Raises ReadError (with a stage) when the bytes are not a readable, dated article.
    """
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ReadError(f"{len(raw):,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte limit for one"
                        " article", stage="size")
    text, notes = decode(raw)
    kind = sniff(text)
    if kind == "dateline":
        fields = parse_dateline(text)
    elif kind == "reuters":
        fields = parse_reuters(text)
    elif kind == "html":
        fields = parse_html(text)
    elif kind == "jsonl":
        raise ReadError("JSON Lines content must be read line by line", stage="parse")
    else:
        raise ReadError("unrecognised format: no dateline header, Reuters header, JSON or HTML, so"
                        " no publish date", stage="date")
    if not fields.get("published"):
        raise ReadError("missing publish date", stage="date")
    return Article(id=hashlib.sha256(raw).hexdigest(), source=source, member=member,
                   notes=notes, **fields)


Item = Article | ErrorRow


def _error(exc: ReadError, source: str, member: str | None, line: int | None = None) -> ErrorRow:
    return ErrorRow(source=source, member=member, line=exc.line if exc.line else line,
                    stage=exc.stage, reason=exc.reason)


def read_bytes(raw: bytes, source: str, member: str | None = None) -> Iterator[Item]:
    """Articles (or errors) in the bytes of one file or archive member, by content."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            yield ErrorRow(source, "read", f"truncated or corrupt gzip data: {exc}", member)
            return
        if _is_tar(raw):
            yield from read_tar(io.BytesIO(raw), source, prefix=member)
            return
    elif _is_tar(raw):
        yield from read_tar(io.BytesIO(raw), source, prefix=member)
        return
    elif raw[:4] == b"PK\x03\x04":
        yield from read_zip(io.BytesIO(raw), source, prefix=member)
        return
    if raw.lstrip()[:1] == b"{":
        yield from read_jsonl(io.BytesIO(raw), source, member)
        return
    try:
        yield article_from_bytes(raw, source, member)
    except ReadError as exc:
        yield _error(exc, source, member)
    except Exception as exc:  # noqa: BLE001  (a reader bug or a pathological page: this input's error)
        yield ErrorRow(source, "parse", f"unreadable: {type(exc).__name__}: {exc}", member)


def _is_tar(raw: bytes) -> bool:
    if len(raw) >= 262 and raw[257:262] == b"ustar":
        return True
    # an empty tar is all zero blocks
    return len(raw) >= 1024 and len(raw) % 512 == 0 and not raw.strip(b"\x00")


def read_jsonl(stream: io.BufferedIOBase, source: str, member: str | None = None) -> Iterator[Item]:
    """One article per JSON line; a bad line becomes an error naming its line number."""
    where = member
    for lineno, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        tag = f"{where}:line {lineno}" if where else f"line {lineno}"
        if len(raw) > MAX_ARTICLE_BYTES:
            yield ErrorRow(source, "size", f"line of {len(raw):,} bytes is over the limit", where,
                           lineno)
            continue
        try:
            text, notes = decode(raw)
            obj = json.loads(text)
            fields = parse_json_object(obj)
        except json.JSONDecodeError as exc:
            yield ErrorRow(source, "parse", f"not JSON: {exc.msg} at column {exc.colno}", where,
                           lineno)
            continue
        except ReadError as exc:
            yield _error(exc, source, where, lineno)
            continue
        if not fields.get("published"):
            yield ErrorRow(source, "date", "missing publish date (`published`)", where, lineno)
            continue
        aid = obj.get("id") if isinstance(obj.get("id"), str) else None
        yield Article(id=hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest(), source=source,
                      member=tag, notes=notes + ([f"external id {aid}"] if aid else []), **fields)


def read_tar(fileobj: io.IOBase | None, source: str, prefix: str | None = None) -> Iterator[Item]:
    """Members of a tar archive, read as a stream (memory stays flat)."""
    count = 0
    last = prefix
    try:
        with tarfile.open(fileobj=fileobj, mode="r|*") if fileobj is not None else \
                tarfile.open(source, mode="r|*") as tar:
            while True:
                info = tar.next()
                if info is None:
                    break
                # a stream's TarFile keeps every member it read in ``members``; nothing here
                # looks back, so forget them (20,000 members held about 20 MB)
                tar.members.clear()
                if not info.isfile():
                    continue
                name = f"{prefix}/{info.name}" if prefix else info.name
                last = name
                count += 1
                if info.size > MAX_ARTICLE_BYTES:
                    yield ErrorRow(source, "size", f"{info.size:,} bytes is over the"
                                   f" {MAX_ARTICLE_BYTES:,}-byte limit for one article", name)
                    continue
                f = tar.extractfile(info)
                raw = f.read() if f else b""
                if len(raw) < info.size:
                    raise EOFError("unexpected end of data")
                yield from read_bytes(raw, source, name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        yield ErrorRow(source, "read", f"truncated or corrupt archive after {count} member(s):"
                       f" {exc}", last)
        return
    if count == 0:
        yield ErrorRow(source, "read", "archive holds no files", prefix)


def read_zip(fileobj: io.IOBase | str, source: str, prefix: str | None = None) -> Iterator[Item]:
    """Members of a zip archive, one at a time."""
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError) as exc:
        yield ErrorRow(source, "read", f"corrupt zip archive: {exc}", prefix)
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if not infos:
            yield ErrorRow(source, "read", "archive holds no files", prefix)
        for info in infos:
            name = f"{prefix}/{info.filename}" if prefix else info.filename
            if info.file_size > MAX_ARTICLE_BYTES:
                yield ErrorRow(source, "size", f"{info.file_size:,} bytes is over the"
                               f" {MAX_ARTICLE_BYTES:,}-byte limit for one article", name)
                continue
            try:
                raw = zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                yield ErrorRow(source, "read", f"corrupt zip member: {exc}", name)
                continue
            yield from read_bytes(raw, source, name)


def read_path(path: Path) -> Iterator[Item]:
    """Articles (or errors) in one file, whatever it holds."""
    source = str(path)
    name = path.name.lower()
    try:
        size = path.stat().st_size
        if name.endswith(ARCHIVE_SUFFIXES[:-1]) or (not name.endswith(".zip") and _file_is_tar(path)):
            yield from read_tar(None, source)
            return
        if name.endswith(".zip") or _starts_with(path, b"PK\x03\x04"):
            yield from read_zip(source, source)
            return
        if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")) or _is_jsonl_file(path):
            opener = gzip.open if _starts_with(path, b"\x1f\x8b") else open
            with opener(path, "rb") as stream:
                yield from read_jsonl(stream, source)
            return
        if size > MAX_ARTICLE_BYTES:
            yield ErrorRow(source, "size", f"{size:,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte"
                           " limit for one article")
            return
        raw = path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        yield ErrorRow(source, "read", f"cannot read: {exc}")
        return
    yield from read_bytes(raw, source)


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as f:
        return f.read(len(magic)) == magic


def _file_is_tar(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(512)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as g:
                head = g.read(512)
        return len(head) >= 262 and head[257:262] == b"ustar"
    except (OSError, EOFError, zlib.error):
        return False


def _is_jsonl_file(path: Path) -> bool:
    try:
        opener = gzip.open if _starts_with(path, b"\x1f\x8b") else open
        with opener(path, "rb") as f:
            first = f.readline(65536).strip()
    except (OSError, EOFError, zlib.error):
        return False
    return first.startswith(b"{") and (path.stat().st_size > len(first) + 2 or first.endswith(b"}"))


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files under ``paths`` (folders recursively, sorted; hidden files skipped)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if sub.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield sub
        else:
            yield path


def read_inputs(paths: Iterable[str | os.PathLike], *, skip: Iterable[str] = ()) -> Iterator[Item]:
    """Every article and every error in ``paths``, in a stable order.

    ``skip`` names sub-folders (relative names like ``prices``) whose files are not articles.
    Raises FileNotFoundError for a path that does not exist (a usage error).
    """
    skip = set(skip)
    for p in paths:
        if not Path(p).exists():
            raise FileNotFoundError(f"{p}: no such file or folder")
    for path in iter_files(paths):
        if skip and any(part in skip for part in path.parts):
            continue
        yield from _guarded(read_path(path), str(path))


def _guarded(items: Iterator[Item], source: str) -> Iterator[Item]:
    """The items of one input; an unexpected failure ends that input with an error row."""
    last = None
    try:
        for item in items:
            last = item.member if isinstance(item, (Article, ErrorRow)) else None
            yield item
    except Exception as exc:  # noqa: BLE001  (one broken input never stops the others)
        yield ErrorRow(source, "read", f"reading stopped after {last or 'the start'}:"
                       f" {type(exc).__name__}: {exc}", last)


def read_article(path: str | os.PathLike) -> Article:
    """The single article in ``path``. Raises ReadError naming the file when there is none."""
    for item in read_path(Path(path)):
        if isinstance(item, Article):
            return item
        where = item.source + (f"::{item.member}" if item.member else "")
        line = f" line {item.line}" if item.line else ""
        raise ReadError(f"{where}{line}: {item.reason}", stage=item.stage)
    raise ReadError(f"{path}: no article found", stage="read")
