"""Market reactions per (article, instrument): what the price did, how relevant and how new the story was.

For every symbol an article names (its ``instruments`` rows), :func:`fill_reactions` stores one
``reactions`` row and one ``reaction_windows`` row per window of :data:`nlp.market.reactions.WINDOWS`:

- the price reaction (:mod:`nlp.market.reactions`): ``t0``, returns, the main index's return over the
  same dates, market-adjusted and market-model abnormal returns, volume against its 20-session mean;
  a symbol without prices gets a row with ``reason`` and no numbers;
- **relevance** 0-100, the sum of the parts of ``nlp/models/reactions/relevance.csv`` (named in the
  title, in the first sentence, share of the article's instrument mentions, subject of a claim or a
  quote's firm), stored with its parts (``relevance_parts``, JSON);
- **novelty**: the story is not novel for a symbol when an earlier article, published within
  ``novelty_hours`` (default 24) before it, names the same symbol and has a TF-IDF cosine similarity of
  at least :data:`SIMILAR` with it. The row keeps that earlier article's id, the hours since it and the
  similarity. IDF weights come from the document frequencies shipped in
  ``nlp/models/reactions/idf.csv``, so a score depends on the two texts only, never on what else the
  database holds.

This module reads and writes the store; the market arithmetic lives in :mod:`nlp.market.reactions`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nlp.calendars import known_exchange, sessions, to_epoch
from nlp.components.time_anchors import report_kind
from nlp.market.exchanges import exchange_for, is_equity, main_index_for
from nlp.market.reactions import WINDOWS, event_time, measure_reaction
from nlp.market.series import PriceSource, StorePrices
from nlp.paths import model_path
from nlp.store import Store, now, public_reaction

#: the earliest-article lookback, hours
NOVELTY_HOURS = 24.0
#: TF-IDF cosine at or above which an earlier story about the same symbol makes this one not novel.
#: Read from pairs of dev-archive stories about one symbol within 24 h: 0.40-0.45 mostly the same news,
#: 0.35-0.40 about half, below 0.35 mostly other news (nlp/models/reactions/README.md).
SIMILAR = 0.4
#: focal articles handled per database round trip
CHUNK = 400

_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b(?:Inc|Corp|Co|Ltd|Mr|Mrs|Ms|Dr|St|No|Jan|Feb|Aug|Sept?|Oct|Nov|Dec"
                           r"|vs|Gov|Sen|Rep|Gen|Jr|Sr|Bros|Cos|Plc|PLC|U\.S|U\.K|U\.N|E\.U)|\b[A-Z])$")


# -- relevance ---------------------------------------------------------------------------------


@functools.cache
def relevance_weights() -> dict[str, float]:
    """The weight of each relevance part (``nlp/models/reactions/relevance.csv``); they sum to 100."""
    with open(model_path("reactions", "relevance.csv"), encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["part"].strip(): float(r["weight"]) for r in rows}


def first_sentence_end(text: str) -> int:
    """The offset where the article's first sentence ends (its first paragraph at most)."""
    text = text or ""
    lead = text.lstrip()
    skipped = len(text) - len(lead)
    paragraph = lead.split("\n", 1)[0]
    for m in _SENTENCE_END.finditer(paragraph):
        if not _ABBREVIATION.search(paragraph[: m.start()]):
            return skipped + m.start() + 1
    return skipped + len(paragraph)


def _named_in(title: str, names: Iterable[str]) -> bool:
    low = title.lower()
    for name in names:
        name = (name or "").strip().lower()
        if len(name) >= 2 and re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", low):
            return True
    return False


def relevance(symbol: str, *, title: str | None, text: str, mentions: list[dict[str, Any]],
              claim_symbols: Iterable[str] = (), quote_symbols: Iterable[str] = (),
              name: str | None = None) -> tuple[float, dict[str, float]]:
    """Relevance 0-100 of an article to ``symbol`` and its parts.

    ``mentions``: the article's instrument mentions (dicts with symbol, text, start); ``name``: the
    instrument's name in the master. Parts: ``title`` (the symbol, its name or a mention's words in
    the title), ``lead`` (a mention in the first sentence), ``share`` (its share of the mentions that
    have a symbol), ``subject`` (the symbol of a claim or a quote's firm).
    """
    weights = relevance_weights()
    own = [m for m in mentions if m.get("symbol") == symbol]
    linked = [m for m in mentions if m.get("symbol")]
    parts = {k: 0.0 for k in weights}
    names = [m.get("text") for m in own if not (m.get("how") == "coref")] + [name, symbol]
    if title and _named_in(title, names):
        parts["title"] = weights["title"]
    end = first_sentence_end(text)
    if any((m.get("start") or 0) < end for m in own):
        parts["lead"] = weights["lead"]
    if linked:
        parts["share"] = round(weights["share"] * len(own) / len(linked), 1)
    if symbol in set(claim_symbols) or symbol in set(quote_symbols):
        parts["subject"] = weights["subject"]
    return round(sum(parts.values()), 1), parts


# -- novelty -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFrequencies:
    """Document frequencies of words over a reference archive: the IDF side of TF-IDF."""

    documents: int
    counts: dict[str, int]

    def idf(self, word: str) -> float:
        return math.log((self.documents + 1) / (self.counts.get(word, 0) + 1)) + 1.0


@functools.cache
def document_frequencies() -> DocumentFrequencies:
    """The shipped table (``nlp/models/reactions/idf.csv``: ``word,df``; ``# documents: N``)."""
    path = model_path("reactions", "idf.csv")
    documents, counts = 0, {}
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            if line.startswith("# documents:"):
                documents = int(line.split(":", 1)[1])
            if line.startswith("#") or line.startswith("word,"):
                continue
            word, _, df = line.rstrip("\n").rpartition(",")
            counts[word] = int(df)
    if not documents:
        raise ValueError(f"{path}: no '# documents: N' line")
    return DocumentFrequencies(documents, counts)


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def build_document_frequencies(texts: Iterable[str], min_df: int = 3) -> DocumentFrequencies:
    """Document frequencies over ``texts``, words in fewer than ``min_df`` documents left out."""
    counts: Counter[str] = Counter()
    n = 0
    for t in texts:
        n += 1
        counts.update(set(words(t)))
    return DocumentFrequencies(n, {w: c for w, c in counts.items() if c >= min_df})


def write_document_frequencies(table: DocumentFrequencies, path: Any, source: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(f"# document frequencies of words, for novelty's TF-IDF; from {source}\n")
        f.write(f"# documents: {table.documents}\n")
        f.write("word,df\n")
        for word, df in sorted(table.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{word},{df}\n")


def vector(text: str, table: DocumentFrequencies | None = None,
           leave_out: Iterable[str] = ()) -> dict[str, float]:
    """The unit-length TF-IDF vector of ``text`` (log-scaled term frequency), without the words of
    ``leave_out`` (the names of the instruments it mentions: stories about one company all share
    its name, so the name says nothing about whether they tell the same news)."""
    table = table or document_frequencies()
    dropped = {w for phrase in leave_out for w in words(phrase)}
    tf = Counter(w for w in words(text) if w not in dropped)
    weights = {w: (1.0 + math.log(c)) * table.idf(w) for w, c in tf.items()}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {w: v / norm for w, v in weights.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def similarity(text_a: str, text_b: str, leave_out: Iterable[str] = ()) -> float:
    """TF-IDF cosine similarity of two texts, 0..1, the words of ``leave_out`` left out."""
    return round(cosine(vector(text_a, leave_out=leave_out), vector(text_b, leave_out=leave_out)), 4)


# -- filling the store -------------------------------------------------------------------------


@dataclass
class _Story:
    id: str
    published: str | None
    epoch: float | None
    published_at: float | None  # None when only the date is known
    title: str | None
    text: str


def _epoch(published: str | None, published_time: str | None, timezone: str | None
           ) -> tuple[float | None, float | None]:
    """(ordering instant, publication instant): a date alone orders at its midnight (UTC)."""
    at = to_epoch(published_time, timezone) if published_time else None
    if at is not None:
        return at, at
    if published:
        try:
            day = dt.date.fromisoformat(published[:10])
        except ValueError:
            return None, None
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp(), None
    return None, None


def _stories(conn, ids: list[str]) -> dict[str, _Story]:
    out = {}
    rows = conn.execute(
        "SELECT id, published, published_time, timezone, title, text FROM articles"
        " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)).fetchall()
    for aid, published, ptime, tz, title, text in rows:
        order, at = _epoch(published, ptime, tz)
        out[aid] = _Story(aid, published, order, at, title, text or "")
    return out


def _day(published: str | None, days: int) -> str:
    base = dt.date.fromisoformat((published or "1970-01-01")[:10])
    return (base + dt.timedelta(days=days)).isoformat()


def _articles_naming(conn, symbols: set[str], first_day: str, last_day: str) -> dict[str, set[str]]:
    """symbol -> ids of the articles published first_day..last_day that name it."""
    out: dict[str, set[str]] = {}
    for aid, symbol in conn.execute(
            "SELECT DISTINCT i.article_id, i.symbol FROM instruments i JOIN articles a ON a.id = i.article_id"
            " WHERE a.published BETWEEN ? AND ? AND i.symbol IN (SELECT value FROM json_each(?))",
            (first_day, last_day, json.dumps(sorted(symbols)))):
        out.setdefault(symbol, set()).add(aid)
    return out


class _Novelty:
    """Earlier similar stories per symbol, with each article's vector computed once."""

    def __init__(self, conn, hours: float):
        self.conn, self.hours = conn, hours
        self._stories: dict[str, _Story] = {}
        self._vectors: dict[str, dict[str, float]] = {}

    def story(self, aid: str) -> _Story | None:
        if aid not in self._stories:
            self._stories.update(_stories(self.conn, [aid]))
        return self._stories.get(aid)

    def preload(self, ids: Iterable[str]) -> None:
        todo = [i for i in ids if i not in self._stories]
        for k in range(0, len(todo), 900):
            self._stories.update(_stories(self.conn, todo[k:k + 900]))

    def vector(self, aid: str) -> dict[str, float]:
        if aid not in self._vectors:
            s = self.story(aid)
            names = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT text FROM instruments WHERE article_id = ? AND symbol IS NOT NULL", (aid,))]
            self._vectors[aid] = vector(f"{s.title or ''}\n{s.text}", leave_out=names) if s else {}
        return self._vectors[aid]

    def earlier(self, focal: _Story, candidates: Iterable[str]) -> tuple[str | None, float | None, float | None]:
        """(earlier similar article, hours since it, similarity) of the most similar earlier
        story among ``candidates`` within the window, or Nones."""
        if focal.epoch is None:
            return None, None, None
        best = (None, None, None)
        for aid in candidates:
            if aid == focal.id:
                continue
            other = self.story(aid)
            if other is None or other.epoch is None:
                continue
            gap = (focal.epoch - other.epoch) / 3600.0
            if not 0 < gap <= self.hours:
                continue
            sim = round(cosine(self.vector(focal.id), self.vector(aid)), 4)
            if sim >= SIMILAR and (best[2] is None or sim > best[2]):
                best = (aid, round(gap, 2), sim)
        return best


def _facts(conn, aid: str) -> tuple[list[dict[str, Any]], set[str], set[str]]:
    mentions = [{"symbol": s, "text": t, "start": st, "how": how} for s, t, st, how in conn.execute(
        "SELECT symbol, text, start, how FROM instruments WHERE article_id = ? ORDER BY idx", (aid,))]
    claims = {r[0] for r in conn.execute(
        "SELECT DISTINCT symbol FROM claims WHERE article_id = ? AND symbol IS NOT NULL", (aid,))}
    quotes = {r[0] for r in conn.execute(
        "SELECT DISTINCT organization_symbol FROM quotes WHERE article_id = ?"
        " AND organization_symbol IS NOT NULL", (aid,))}
    return mentions, claims, quotes


def _benchmark(symbol: str, exchange: str | None, prices: PriceSource, master: Any) -> tuple[str | None, Any]:
    """The index an equity is measured against and its series: the instrument's own main index
    (the master's), else its exchange's when the own one has no prices. (None, None) for an index."""
    if not is_equity(symbol, master):
        return None, None
    own = main_index_for(exchange, master, symbol)
    choices = [own, main_index_for(exchange, master)]
    for choice in dict.fromkeys(c for c in choices if c and c != symbol):
        series = prices.series(choice)
        if series is not None:
            return choice, series
    return (own if own != symbol else None), None


def reactions_of(story: _Story, facts: tuple[list[dict[str, Any]], set[str], set[str]],
                 prices: PriceSource, master: Any, novelty: _Novelty | None = None,
                 naming: dict[str, set[str]] | None = None
                 ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The (reaction row, window rows) of every symbol ``story`` names.

    ``facts``: (instrument mentions, claim symbols, quote firm symbols). Without ``novelty`` (one
    article on its own) ``novel`` is None: unknown.
    """
    mentions, claim_symbols, quote_symbols = facts
    symbols = list(dict.fromkeys(m["symbol"] for m in mentions if m["symbol"]))
    intraday = story.published_at is None and report_kind(story.text) == "intraday"
    out = []
    for symbol in symbols:
        inst = master.get(symbol) if master is not None else None
        exchange = exchange_for(symbol, master)
        series = prices.series(symbol)
        # calendars are slow to build: only for a symbol with prices
        calendar = (sessions(exchange) if series is not None and exchange and known_exchange(exchange)
                    else None)
        index_symbol, index = _benchmark(symbol, exchange, prices, master)
        when = event_time(story.published, story.published_at, calendar,
                          series.dates if series is not None else (), intraday_report=intraday)
        reaction = measure_reaction(symbol, series, when, index_symbol, index, calendar)
        score, parts = relevance(symbol, title=story.title, text=story.text, mentions=mentions,
                                 claim_symbols=claim_symbols, quote_symbols=quote_symbols,
                                 name=getattr(inst, "name", None))
        similar, hours, sim = (novelty.earlier(story, (naming or {}).get(symbol, ()))
                               if novelty is not None else (None, None, None))
        rid = f"{story.id}:r:{symbol}"
        row = {
            "id": rid, "article_id": story.id, "symbol": symbol,
            "name": getattr(inst, "name", None), "kind": getattr(inst, "kind", None),
            "exchange": exchange, "index_symbol": index_symbol,
            "published_at": (dt.datetime.fromtimestamp(story.published_at, dt.timezone.utc)
                             .isoformat(timespec="seconds") if story.published_at is not None else None),
            "timing": reaction.timing, "timing_from": reaction.timing_from, "t0": reaction.t0, "base_date": reaction.base_date,
            "beta": reaction.beta, "beta_observations": reaction.beta_observations,
            "mentions": sum(1 for m in mentions if m["symbol"] == symbol),
            "relevance": score, "relevance_parts": json.dumps(parts),
            "novel": int(similar is None) if novelty is not None else None, "similar_article_id": similar, "similar_hours": hours,
            "similarity": sim,
            "novelty_hours": novelty.hours if novelty is not None else None, "reason": reaction.reason,
            "computed_at": now(),
        }
        windows = [{"reaction": rid, "article_id": story.id, **w.row()} for w in reaction.windows]
        out.append((row, windows))
    return out


def record_reactions(record: dict[str, Any], prices: PriceSource, master: Any = None) -> list[dict[str, Any]]:
    """The reactions of one public record on its own (novelty unknown: no earlier stories)."""
    from nlp.market.check import load_master

    art = record.get("article") or {}
    order, at = _epoch(art.get("published"), art.get("published_time"), art.get("timezone"))
    story = _Story(art.get("id") or "", art.get("published"), order, at, art.get("title"),
                   art.get("text") or "")
    mentions = [{k: m.get(k) for k in ("symbol", "text", "start", "how")}
                for m in record.get("instruments") or []]
    claims = {c["symbol"] for c in record.get("claims") or [] if c.get("symbol")}
    quotes = {q["organization_symbol"] for q in record.get("quotes") or [] if q.get("organization_symbol")}
    master = master if master is not None else load_master()
    return [public_reaction(row, windows)
            for row, windows in reactions_of(story, (mentions, claims, quotes), prices, master)]


def _symbols_of(conn, ids: list[str]) -> set[str]:
    """The symbols the articles ``ids`` name."""
    return {r[0] for r in conn.execute(
        "SELECT DISTINCT symbol FROM instruments WHERE symbol IS NOT NULL AND article_id IN"
        " (SELECT value FROM json_each(?))", (json.dumps(ids),))}


def _days_back(hours: float) -> int:
    """Whole days of publication dates that cover ``hours`` before any moment of a day."""
    return int(math.ceil(hours / 24.0)) + 1


def _later_dependents(conn, ids: list[str], hours: float) -> set[str]:
    """Articles already stored, published within ``hours`` after one of ``ids`` and naming one of
    their symbols: their novelty may change now that the earlier story is there."""
    first, last = conn.execute(
        "SELECT min(published), max(published) FROM articles WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),)).fetchone()
    symbols = _symbols_of(conn, ids)
    if first is None or not symbols:
        return set()
    found: set[str] = set()
    for named in _articles_naming(conn, symbols, first, _day(last, _days_back(hours))).values():
        found |= named
    return found - set(ids)


def fill_reactions(store: Store, article_ids: Iterable[str] | None = None, *,
                   prices: PriceSource | None = None, master: Any = None,
                   novelty_hours: float = NOVELTY_HOURS) -> int:
    """Compute and store the reactions of ``article_ids`` (None: every article), replacing earlier ones.

    Stories published up to ``novelty_hours`` after a given one that name the same symbols are
    recomputed too (their novelty may depend on it). Returns the number of reaction rows written.
    """
    from nlp.market.check import load_master

    conn = store.conn
    prices = prices or StorePrices(store)
    master = master if master is not None else load_master()
    if article_ids is None:
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY published, id")]
    else:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return 0
        extra = _later_dependents(conn, ids, novelty_hours)
        ids += sorted(extra)
    novelty = _Novelty(conn, novelty_hours)
    written = 0
    days = _days_back(novelty_hours)
    for k in range(0, len(ids), CHUNK):
        chunk = ids[k:k + CHUNK]
        stories = _stories(conn, chunk)
        if not stories:
            continue
        dated = [s.published for s in stories.values() if s.published]
        symbols = _symbols_of(conn, chunk)
        naming = (_articles_naming(conn, symbols, _day(min(dated), -days), max(dated))
                  if dated and symbols else {})
        novelty.preload(set().union(*naming.values()) if naming else ())
        rows = [r for aid in chunk if aid in stories
                for r in reactions_of(stories[aid], _facts(conn, aid), prices, master, novelty, naming)]
        store.save_reactions(chunk, rows)
        written += len(rows)
        if len(novelty._vectors) > 20_000:  # bounded memory over a whole archive
            novelty = _Novelty(conn, novelty_hours)
    return written


__all__ = ["NOVELTY_HOURS", "SIMILAR", "WINDOWS", "build_document_frequencies", "document_frequencies",
           "fill_reactions", "first_sentence_end", "relevance", "similarity", "vector"]
