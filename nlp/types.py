"""The records newslink passes between its layers.

Readers yield :class:`Article`; the spaCy components attach lists of
:class:`InstrumentMention`, :class:`Claim`, :class:`Quote` and :class:`CausalLink`
to ``doc._``; :mod:`nlp.record` turns them into the public JSON record of
``docs/output-format.md``; :mod:`nlp.store` writes that record to SQLite.
All character offsets index ``Article.text``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


#: The verdicts of a check, in the order reports list them.
VERDICTS = ("supported", "contradicted", "inconclusive", "unverifiable")
#: Month names, January first (index + 1 is the month's number).
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
#: Weekday names, Monday first (index is the weekday's number).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Number words -> numbers.
NUMBER_NAMES = {w: n for n, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                            "sixteen", "seventeen", "eighteen", "nineteen", "twenty"), 1)}
#: Month names and their abbreviations -> the month's number.
MONTH_NUMBERS = {**{m: n for n, m in enumerate(MONTHS, 1)}, **{m[:3]: n for n, m in enumerate(MONTHS, 1)},
                 "sept": 9}


@dataclass
class Article:
    """One news article as a reader returns it."""

    id: str  # sha256 of the raw bytes the article came from
    source: str  # file path, or archive path
    text: str  # the body text; every offset indexes this string
    member: str | None = None  # archive member name, or "line N" of a JSONL file
    title: str | None = None
    published: str | None = None  # ISO date, in the article's own time zone
    published_time: str | None = None  # ISO datetime with UTC offset, when known
    timezone: str | None = None  # IANA zone, e.g. "Asia/Tokyo"
    dateline: str | None = None  # e.g. "TOKYO", "NEW YORK"
    author: str | None = None
    url: str | None = None
    format: str | None = None  # "dateline", "reuters", "jsonl", "html", "text"
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as cp1252"

    @property
    def where(self) -> str:
        """Human-readable location: ``path`` or ``path::member``."""
        return f"{self.source}::{self.member}" if self.member else self.source

    def public(self) -> dict[str, Any]:
        """The ``article`` block of the public record."""
        return {
            "id": self.id,
            "source": self.where,
            "title": self.title,
            "published": self.published,
            "published_time": self.published_time,
            "timezone": self.timezone,
            "dateline": self.dateline,
            "author": self.author,
            "url": self.url,
            "text": self.text,
        }


@dataclass
class InstrumentMention:
    """A span of text linked (or not) to an instrument of the master."""

    text: str
    start: int
    end: int
    symbol: str | None  # None: no series (a sector) or an unknown company
    kind: str  # index, equity, sector, commodity, currency, rate, other
    name: str | None = None  # canonical name in the master
    exchange: str | None = None  # exchange_calendars code, e.g. "XTKS"
    how: str = "name"  # name, alias, ric, exchange-tag, cashtag, coref
    token_start: int | None = None  # token offsets in the Doc, for extractors
    token_end: int | None = None

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("token_start")
        d.pop("token_end")
        return d


@dataclass
class Claim:
    """A statement about a market move, level or record."""

    id: str  # "c1", "c2", ... in order of appearance
    kind: str  # change, level, record, range, other
    text: str
    start: int
    end: int
    subject: str | None = None
    symbol: str | None = None
    direction: str | None = None  # up, down, flat
    pct: float | None = None
    points: float | None = None
    bps: float | None = None
    level: float | None = None
    record: str | None = None  # the record wording, for kind == "record"
    period: str | None = None  # intraday, session, overnight, week, month, year to date, ...
    as_of: str | None = None  # ISO date of the session / window end the claim is about
    window_start: str | None = None  # ISO date, for week / month / year windows
    precision: float | None = None  # half a unit of the last stated digit of pct
    hedge: str | None = None  # "nearly", "about", "more than", ...
    exchange: str | None = None
    after_hours: bool = False
    window_explicit: bool = False  # the text names the window (closed, this week, midday), not the default
    symbol_how: str | None = None  # how the subject got its symbol: ric, exchange-tag, name, alias, coref
    day_named: bool = True  # the sentence names its day (a weekday, today, a date); else the session before is a reading too
    doubts: list[str] = field(default_factory=list)  # wording that leaves window or instrument uncertain ("extended: after-market")
    check: dict[str, Any] | None = None  # filled by nlp.market.check

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Quote:
    """Who said what."""

    text: str
    start: int
    end: int
    kind: str  # direct, mixed, indirect
    speaker: str | None = None
    speaker_kind: str = "person"  # person, organization, unnamed, pronoun-unresolved
    role: str | None = None
    organization: str | None = None
    organization_symbol: str | None = None
    cue: str | None = None
    paraphrase: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Span:
    text: str
    start: int
    end: int


@dataclass
class CausalLink:
    """What the article says moved what."""

    cause: Span
    effect: Span
    cue: str | None = None
    method: str = "rule"  # rule, model, rule+model
    score: float = 1.0
    effect_symbols: list[str] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return asdict(self)
