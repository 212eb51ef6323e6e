"""The SQLite store: articles, facts, checks, prices, runs and errors.

Storage knows nothing of NLP: it writes and reads the public record of
``docs/output-format.md`` (plain dicts) and price bars. One ``Store`` wraps one
sqlite-utils ``Database`` in WAL mode with foreign keys on.

Idempotency: an article's id is the sha256 of its raw bytes. Saving a record
for an article already stored by the same pipeline version changes nothing;
one stored by another version has its facts deleted and written anew, in the
same transaction, so facts are never duplicated and a killed run leaves only
whole articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from nlp.errors import NewslinkError
from nlp.views import ensure_views

DEFAULT_DB = "newslink.db"

#: Tables holding facts of one article, deleted and rewritten together.
FACT_TABLES = ("reaction_windows", "reactions", "checks", "causes", "quotes", "claims", "instruments")

#: the first columns of every table of an article's facts, and of every fact tied to a span of its text
FACT_COLUMNS = """    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
"""
SPAN_COLUMNS = """    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
"""
SCHEMA_TEMPLATE = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    arguments TEXT,
    pipeline_version TEXT,
    inputs INTEGER DEFAULT 0,
    articles INTEGER DEFAULT 0,
    new_articles INTEGER DEFAULT 0,
    reprocessed INTEGER DEFAULT 0,
    unchanged INTEGER DEFAULT 0,
    duplicates INTEGER DEFAULT 0,
    errors INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    member TEXT,
    title TEXT,
    published TEXT,
    published_time TEXT,
    timezone TEXT,
    dateline TEXT,
    author TEXT,
    url TEXT,
    format TEXT,
    notes TEXT,
    text TEXT NOT NULL,
    chars INTEGER,
    pipeline_version TEXT,
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS article_sources (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    member TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, source, member)
);
CREATE TABLE IF NOT EXISTS errors (
    id TEXT PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    source TEXT NOT NULL,
    member TEXT,
    line INTEGER,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS symbols (
    symbol TEXT PRIMARY KEY,
    name TEXT,
    kind TEXT,
    exchange TEXT
);
CREATE TABLE IF NOT EXISTS instruments (
{fact}    idx INTEGER NOT NULL,
{span}    symbol TEXT REFERENCES symbols(symbol),
    kind TEXT,
    name TEXT,
    exchange TEXT,
    how TEXT
);
CREATE TABLE IF NOT EXISTS claims (
{fact}    claim_id TEXT NOT NULL,
    kind TEXT NOT NULL,
{span}    subject TEXT,
    symbol TEXT REFERENCES symbols(symbol),
    direction TEXT,
    pct REAL,
    points REAL,
    bps REAL,
    level REAL,
    record TEXT,
    period TEXT,
    as_of TEXT,
    window_start TEXT,
    precision REAL,
    hedge TEXT,
    exchange TEXT,
    after_hours INTEGER DEFAULT 0,
    window_explicit INTEGER DEFAULT 0,
    symbol_how TEXT,
    day_named INTEGER DEFAULT 1,
    doubts TEXT
);
CREATE TABLE IF NOT EXISTS checks (
    claim TEXT PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL,
    basis TEXT,
    claimed REAL,
    actual REAL,
    tolerance REAL,
    reference_date TEXT,
    reference_close REAL,
    session_date TEXT,
    session_low REAL,
    session_high REAL,
    session_close REAL,
    index_symbol TEXT,
    index_move REAL,
    excess REAL,
    note TEXT,
    why TEXT,
    details TEXT,
    checked_at TEXT
);
CREATE TABLE IF NOT EXISTS quotes (
{fact}    idx INTEGER NOT NULL,
{span}    kind TEXT,
    speaker TEXT,
    speaker_kind TEXT,
    role TEXT,
    organization TEXT,
    organization_symbol TEXT REFERENCES symbols(symbol),
    cue TEXT,
    paraphrase TEXT
);
CREATE TABLE IF NOT EXISTS causes (
{fact}    idx INTEGER NOT NULL,
    cause_text TEXT NOT NULL,
    cause_start INTEGER,
    cause_end INTEGER,
    effect_text TEXT NOT NULL,
    effect_start INTEGER,
    effect_end INTEGER,
    cue TEXT,
    effect_symbols TEXT,
    claim_ids TEXT,
    method TEXT,
    score REAL
);
CREATE TABLE IF NOT EXISTS reactions (
{fact}    symbol TEXT NOT NULL,
    name TEXT,
    kind TEXT,
    exchange TEXT,
    index_symbol TEXT,
    published_at TEXT,
    timing TEXT,
    timing_from TEXT,
    t0 TEXT,
    base_date TEXT,
    beta REAL,
    beta_observations INTEGER,
    mentions INTEGER,
    relevance REAL,
    relevance_parts TEXT,
    novel INTEGER,
    similar_article_id TEXT,
    similar_hours REAL,
    similarity REAL,
    novelty_hours REAL,
    reason TEXT,
    computed_at TEXT
);
CREATE TABLE IF NOT EXISTS reaction_windows (
    reaction TEXT NOT NULL REFERENCES reactions(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    window TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    start_close REAL,
    end_close REAL,
    return_pct REAL,
    index_return_pct REAL,
    abnormal_pct REAL,
    abnormal_mm_pct REAL,
    volume REAL,
    volume_avg20 REAL,
    volume_ratio REAL,
    reason TEXT,
    PRIMARY KEY (reaction, window)
);
CREATE TABLE IF NOT EXISTS prices (
    symbol TEXT NOT NULL,
    date TEXT NOT NULL,
    open REAL,
    high REAL,
    low REAL,
    close REAL,
    adj_close REAL,
    volume REAL,
    dividend REAL,
    split REAL,
    source TEXT,
    PRIMARY KEY (symbol, date)
);
"""
#: the indexes of the tables: table -> (name after idx_<table>_, columns)
INDEXES = {
    "articles": (('published', 'published'), ('source', 'source, member')),
    "errors": (('run', 'run_id'),),
    "instruments": (('article', 'article_id'), ('symbol', 'symbol')),
    "claims": (('article', 'article_id'), ('symbol', 'symbol'), ('kind', 'kind'), ('as_of', 'as_of')),
    "checks": (('article', 'article_id'), ('verdict', 'verdict')),
    "quotes": (('article', 'article_id'), ('speaker', 'speaker'), ('organization', 'organization')),
    "causes": (('article', 'article_id'),),
    "reactions": (('article', 'article_id'), ('symbol', 'symbol'), ('t0', 't0'), ('relevance', 'relevance')),
    "reaction_windows": (('article', 'article_id'),),
}
SCHEMA = SCHEMA_TEMPLATE.replace("{fact}", FACT_COLUMNS).replace("{span}", SPAN_COLUMNS) + "".join(
    f"CREATE INDEX IF NOT EXISTS idx_{table}_{name} ON {table}({columns});\n"
    for table, indexes in INDEXES.items() for name, columns in indexes)


FTS_TRIGGERS = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid'
);
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    text, speaker, organization, content='quotes', content_rowid='rowid'
);
CREATE TRIGGER IF NOT EXISTS quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text, speaker, organization)
    VALUES (new.rowid, new.text, new.speaker, new.organization);
END;
CREATE TRIGGER IF NOT EXISTS quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker, organization)
    VALUES ('delete', old.rowid, old.text, old.speaker, old.organization);
END;
"""

CLAIM_COLUMNS = (
    "kind", "text", "start", "end", "subject", "symbol", "direction", "pct", "points", "bps",
    "level", "record", "period", "as_of", "window_start", "precision", "hedge", "exchange",
    "after_hours", "window_explicit", "symbol_how", "day_named", "doubts",
)
#: columns added to ``claims`` after its first release: (name, type), added to older databases
ADDED_CLAIM_COLUMNS = (("window_explicit", "INTEGER DEFAULT 0"), ("symbol_how", "TEXT"),
                       ("day_named", "INTEGER DEFAULT 1"), ("doubts", "TEXT"))
#: columns added to ``checks`` after its first release
ADDED_CHECK_COLUMNS = (("why", "TEXT"),)
CHECK_COLUMNS = (
    "verdict", "basis", "claimed", "actual", "tolerance", "index_symbol", "index_move",
    "excess", "note", "why",
)
QUOTE_COLUMNS = (
    "text", "start", "end", "kind", "speaker", "speaker_kind", "role", "organization",
    "organization_symbol", "cue", "paraphrase",
)
INSTRUMENT_COLUMNS = ("text", "start", "end", "symbol", "kind", "name", "exchange", "how")
PRICE_COLUMNS = (
    "open", "high", "low", "close", "adj_close", "volume", "dividend", "split", "source",
)


class StoreError(NewslinkError):
    """A database that cannot be opened or written as newslink expects."""

    code = "NL201"


@dataclass
class ErrorRow:
    """One input that could not become an article, and why."""

    source: str
    stage: str  # read, decode, parse, date, size, extract, check
    reason: str
    member: str | None = None
    line: int | None = None

    @property
    def key(self) -> str:
        raw = "\x1f".join(str(x) for x in (self.source, self.member, self.line, self.stage, self.reason))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


#: The tables that hold what a run found, and the columns that say only which run wrote a row.
CONTENT_TABLES = ("articles", "article_sources", "instruments", "claims", "checks", "quotes", "causes",
                  "reactions", "reaction_windows", "errors", "prices")
RUN_COLUMNS = frozenset({"run_id", "checked_at", "computed_at"})


def content_snapshot(path: str | Path, tables: Iterable[str] = CONTENT_TABLES) -> dict[str, list[tuple]]:
    """Every row of ``tables`` in the database at ``path``, sorted, without run ids and check times.

    Two databases with equal snapshots hold the same facts, whichever runs wrote them.
    """
    conn = sqlite3.connect(path)
    try:
        out = {}
        for t in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] not in RUN_COLUMNS]
            out[t] = sorted(conn.execute(f"SELECT {', '.join(repr(c) for c in cols)} FROM {t}").fetchall(),
                            key=repr)
        return out
    finally:
        conn.close()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def open_database(path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and for writing, create) the database at ``path``.

    Returns a sqlite-utils Database with foreign keys on, WAL mode for writers.
    Raises StoreError when a read-only open finds no file.
    """
    path = Path(path)
    if readonly:
        if not path.exists():
            raise StoreError(f"{path}: no such database (run `newslink run` first)")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        db = sqlite_utils.Database(conn)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


class Store:
    """newslink's database: schema, idempotent saves, record round-trips."""

    def __init__(self, db: sqlite_utils.Database | str | Path = DEFAULT_DB):
        self.db = db if isinstance(db, sqlite_utils.Database) else open_database(db)
        self.ensure_schema()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def ensure_schema(self) -> None:
        for table, added in (("claims", ADDED_CLAIM_COLUMNS), ("checks", ADDED_CHECK_COLUMNS)):
            existing = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
            if existing:  # a database written by an older newslink: add the newer columns
                for name, kind in added:
                    if name not in existing:
                        self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        self.conn.executescript(SCHEMA)
        self.conn.executescript(FTS_TRIGGERS)
        self.conn.commit()
        ensure_views(self.db)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing transaction: committed on success, rolled back on error."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    # -- runs -------------------------------------------------------------------------

    def start_run(self, arguments: dict[str, Any], pipeline_version: str) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (started, arguments, pipeline_version) VALUES (?, ?, ?)",
                (now(), json.dumps(arguments, default=str), pipeline_version),
            )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, counts: dict[str, int], status: str = "completed") -> None:
        cols = [c for c in counts if c in {
            "inputs", "articles", "new_articles", "reprocessed", "unchanged", "duplicates", "errors"}]
        sets = ", ".join(f"{c} = ?" for c in cols)
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE runs SET ended = ?, status = ?{', ' if sets else ''}{sets} WHERE id = ?",
                (now(), status, *[counts[c] for c in cols], run_id),
            )

    # -- articles and facts -----------------------------------------------------------

    def article_versions(self, ids: Iterable[str]) -> dict[str, str | None]:
        """Map each stored id among ``ids`` to the pipeline version that processed it."""
        ids = list(ids)
        found: dict[str, str | None] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT id, pipeline_version FROM articles WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = row[1]
        return found

    def add_sources(self, sources: Iterable[tuple[str, str, str | None]]) -> None:
        """Remember (article id, source, member) places stored articles were read from, at once."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO article_sources (article_id, source, member) VALUES (?, ?, ?)",
                [(aid, source, member or "") for aid, source, member in sources],
            )

    def save_records(self, records: list[dict[str, Any]], *, run_id: int | None,
                     pipeline_version: str) -> None:
        """Write whole article records (public format) in one transaction.

        Existing facts of the same articles are deleted first: facts are
        replaced, never duplicated.
        """
        with self.transaction() as conn:
            for record in records:
                self._write_record(conn, record, run_id, pipeline_version)

    def _write_record(self, conn: sqlite3.Connection, record: dict[str, Any],
                      run_id: int | None, version: str) -> None:
        art = record["article"]
        aid = art["id"]
        self._delete_facts(conn, aid)
        exists = conn.execute("SELECT 1 FROM articles WHERE id = ?", (aid,)).fetchone()
        row = {
            "id": aid,
            "source": art.get("_source") or art.get("source"),
            "member": art.get("_member"),
            "title": art.get("title"),
            "published": art.get("published"),
            "published_time": art.get("published_time"),
            "timezone": art.get("timezone"),
            "dateline": art.get("dateline"),
            "author": art.get("author"),
            "url": art.get("url"),
            "format": art.get("format"),
            "notes": json.dumps(art["notes"]) if art.get("notes") else None,
            "text": art["text"],
            "chars": len(art["text"]),
            "pipeline_version": version,
            "run_id": run_id,
        }
        if exists:
            sets = ", ".join(f"{k} = ?" for k in row if k != "id")
            conn.execute(f"UPDATE articles SET {sets} WHERE id = ?",
                         [v for k, v in row.items() if k != "id"] + [aid])
        else:
            _insert(conn, "articles", row)
        conn.execute(
            "INSERT OR IGNORE INTO article_sources (article_id, source, member) VALUES (?, ?, ?)",
            (aid, row["source"], row["member"] or ""),
        )
        for i, m in enumerate(record.get("instruments") or []):
            self._ensure_symbol(conn, m)
            _insert(conn, "instruments", {"id": f"{aid}:i{i}", "article_id": aid, "idx": i,
                                          **{c: m.get(c) for c in INSTRUMENT_COLUMNS}})
        for c in record.get("claims") or []:
            pk = f"{aid}:{c['id']}"
            self._ensure_symbol(conn, c)
            row = {"id": pk, "article_id": aid, "claim_id": c["id"],
                   **{k: c.get(k) for k in CLAIM_COLUMNS}}
            row["after_hours"] = int(bool(row["after_hours"]))
            row["window_explicit"] = int(bool(row["window_explicit"]))
            row["day_named"] = int(row["day_named"] is None or bool(row["day_named"]))
            row["doubts"] = json.dumps(row["doubts"]) if row["doubts"] else None
            _insert(conn, "claims", row)
            if c.get("check"):
                _insert(conn, "checks", check_row(pk, aid, c["check"]))
        for i, q in enumerate(record.get("quotes") or []):
            self._ensure_symbol(conn, {"symbol": q.get("organization_symbol")})
            _insert(conn, "quotes", {"id": f"{aid}:q{i}", "article_id": aid, "idx": i,
                                     **{k: q.get(k) for k in QUOTE_COLUMNS}})
        for i, link in enumerate(record.get("causes") or []):
            cause, effect = link["cause"], link["effect"]
            _insert(conn, "causes", {
                "id": f"{aid}:x{i}", "article_id": aid, "idx": i,
                "cause_text": cause["text"], "cause_start": cause.get("start"),
                "cause_end": cause.get("end"), "effect_text": effect["text"],
                "effect_start": effect.get("start"), "effect_end": effect.get("end"),
                "cue": link.get("cue"), "effect_symbols": json.dumps(link.get("effect_symbols") or []),
                "claim_ids": json.dumps(link.get("claim_ids") or []),
                "method": link.get("method"), "score": link.get("score"),
            })

    @staticmethod
    def _ensure_symbol(conn: sqlite3.Connection, fact: dict[str, Any]) -> None:
        symbol = fact.get("symbol")
        if symbol:
            conn.execute(
                "INSERT OR IGNORE INTO symbols (symbol, name, kind, exchange) VALUES (?, ?, ?, ?)",
                (symbol, fact.get("name"), fact.get("kind") if "how" in fact else None,
                 fact.get("exchange")),
            )

    @staticmethod
    def _delete_facts(conn: sqlite3.Connection, article_id: str) -> None:
        for table in FACT_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))

    def save_errors(self, errors: Iterable[ErrorRow], run_id: int | None) -> int:
        """Record errors; the same error seen again keeps its first row. Returns rows added."""
        added = 0
        with self.transaction() as conn:
            for e in errors:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO errors (id, run_id, source, member, line, stage, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (e.key, run_id, e.source, e.member, e.line, e.stage, e.reason),
                )
                added += cur.rowcount
        return added

    def load_record(self, article_id: str) -> dict[str, Any] | None:
        """Rebuild the public record of one stored article, or None."""
        conn = self.conn
        conn.row_factory = sqlite3.Row
        try:
            art = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
            if art is None:
                return None
            source = art["source"] + (f"::{art['member']}" if art["member"] else "")
            record: dict[str, Any] = {
                "article": {
                    "id": art["id"], "source": source, "title": art["title"],
                    "published": art["published"], "published_time": art["published_time"],
                    "timezone": art["timezone"], "dateline": art["dateline"],
                    "author": art["author"], "url": art["url"], "text": art["text"],
                },
                "instruments": [
                    {c: r[c] for c in INSTRUMENT_COLUMNS}
                    for r in conn.execute(
                        "SELECT * FROM instruments WHERE article_id = ? ORDER BY idx", (article_id,))
                ],
                "claims": [],
                "quotes": [
                    {c: r[c] for c in QUOTE_COLUMNS}
                    for r in conn.execute(
                        "SELECT * FROM quotes WHERE article_id = ? ORDER BY idx", (article_id,))
                ],
                "causes": [
                    {"cause": {"text": r["cause_text"], "start": r["cause_start"], "end": r["cause_end"]},
                     "effect": {"text": r["effect_text"], "start": r["effect_start"],
                                "end": r["effect_end"]},
                     "cue": r["cue"], "effect_symbols": json.loads(r["effect_symbols"] or "[]"),
                     "claim_ids": json.loads(r["claim_ids"] or "[]"), "method": r["method"],
                     "score": r["score"]}
                    for r in conn.execute(
                        "SELECT * FROM causes WHERE article_id = ? ORDER BY idx", (article_id,))
                ],
            }
            windows: dict[str, list[dict[str, Any]]] = {}
            for w in conn.execute("SELECT * FROM reaction_windows WHERE article_id = ?", (article_id,)):
                windows.setdefault(w["reaction"], []).append(dict(w))
            record["reactions"] = [
                public_reaction(dict(r), windows.get(r["id"], []))
                for r in conn.execute("SELECT * FROM reactions WHERE article_id = ?"
                                      " ORDER BY relevance DESC, symbol", (article_id,))]
            for r in conn.execute(
                "SELECT c.*, k.claim AS has_check, k.details AS check_details, k.verdict AS k_verdict"
                " FROM claims c LEFT JOIN checks k ON k.claim = c.id"
                " WHERE c.article_id = ? ORDER BY c.start, c.claim_id", (article_id,)
            ):
                claim = {"id": r["claim_id"], **{c: r[c] for c in CLAIM_COLUMNS}}
                claim["after_hours"] = bool(claim["after_hours"])
                claim["window_explicit"] = bool(claim["window_explicit"])
                claim["doubts"] = json.loads(claim["doubts"]) if claim["doubts"] else []
                claim["day_named"] = claim["day_named"] is None or bool(claim["day_named"])
                claim["check"] = json.loads(r["check_details"]) if r["has_check"] else None
                record["claims"].append(claim)
            return record
        finally:
            conn.row_factory = None

    # -- checks ----------------------------------------------------------------------

    def claims_to_check(self, article_ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Yield stored claims with their article's context, for (re-)checking."""
        conn = self.conn
        conn.row_factory = sqlite3.Row
        try:
            sql = ("SELECT c.*, a.published, a.published_time, a.timezone, a.dateline"
                   " FROM claims c JOIN articles a ON a.id = c.article_id")
            args: list[Any] = []
            if article_ids is not None:
                sql += " WHERE c.article_id IN (SELECT value FROM json_each(?))"
                args.append(json.dumps(list(article_ids)))
            rows = list(conn.execute(sql, args))
        finally:
            conn.row_factory = None
        for r in rows:
            claim = {"id": r["claim_id"], **{c: r[c] for c in CLAIM_COLUMNS}}
            claim["after_hours"] = bool(claim["after_hours"])
            claim["window_explicit"] = bool(claim["window_explicit"])
            claim["doubts"] = json.loads(claim["doubts"]) if claim["doubts"] else []
            claim["day_named"] = claim["day_named"] is None or bool(claim["day_named"])
            yield {"pk": r["id"], "article_id": r["article_id"], "claim": claim,
                   "article": {"published": r["published"], "published_time": r["published_time"],
                               "timezone": r["timezone"], "dateline": r["dateline"]}}

    def save_checks(self, checks: Iterable[tuple[str, str, dict[str, Any]]]) -> int:
        """Store (claim pk, article id, check) triples, replacing earlier checks."""
        n = 0
        with self.transaction() as conn:
            for pk, aid, check in checks:
                conn.execute("DELETE FROM checks WHERE claim = ?", (pk,))
                _insert(conn, "checks", check_row(pk, aid, check))
                n += 1
        return n

    def save_reactions(self, article_ids: Iterable[str],
                       rows: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]) -> int:
        """Replace the reactions of ``article_ids`` by ``rows`` ((reaction row, its window rows)
        pairs) in one transaction. Returns the reaction rows written."""
        n = 0
        ids = json.dumps(list(article_ids))
        with self.transaction() as conn:
            conn.execute("DELETE FROM reaction_windows WHERE article_id IN (SELECT value FROM json_each(?))",
                         (ids,))
            conn.execute("DELETE FROM reactions WHERE article_id IN (SELECT value FROM json_each(?))", (ids,))
            for row, windows in rows:
                _insert(conn, "reactions", row)
                for w in windows:
                    _insert(conn, "reaction_windows", w)
                n += 1
        return n

    # -- prices ------------------------------------------------------------------------

    def replace_prices(self, bars: Iterable[dict[str, Any]]) -> int:
        """Insert or replace price bars (dicts with symbol, date and PRICE_COLUMNS) atomically."""
        rows = list(bars)
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO prices (symbol, date, " + ", ".join(PRICE_COLUMNS) + ")"
                " VALUES (" + ", ".join("?" * (len(PRICE_COLUMNS) + 2)) + ")",
                [(r["symbol"], r["date"], *[r.get(c) for c in PRICE_COLUMNS]) for r in rows],
            )
        return len(rows)

    def price_bars(self, symbol: str, start: str | None = None,
                   end: str | None = None) -> list[dict[str, Any]]:
        """Stored bars of ``symbol`` between ISO dates ``start`` and ``end`` (inclusive), by date."""
        sql = "SELECT * FROM prices WHERE symbol = ?"
        args: list[Any] = [symbol]
        if start:
            sql += " AND date >= ?"
            args.append(start)
        if end:
            sql += " AND date <= ?"
            args.append(end)
        return list(self.db.query(sql + " ORDER BY date", args))

    def price_symbols(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT symbol FROM prices ORDER BY 1")]

    # -- summaries ---------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        tables = ("articles", "instruments", "claims", "checks", "quotes", "causes", "reactions",
                  "prices", "errors", "runs")
        return {t: self.db[t].count for t in tables}


def public_reaction(row: dict[str, Any], windows: list[dict[str, Any]]) -> dict[str, Any]:
    """The record form of a reaction: its row without ids, ``relevance_parts`` as a dict and the
    windows by name."""
    out = {k: v for k, v in row.items() if k not in ("id", "article_id", "computed_at")}
    if isinstance(out.get("relevance_parts"), str):
        out["relevance_parts"] = json.loads(out["relevance_parts"])
    if out.get("novel") is not None:
        out["novel"] = bool(out["novel"])
    out["windows"] = {w["window"]: {k: v for k, v in w.items()
                                    if k not in ("reaction", "article_id", "window")} for w in windows}
    return out


def check_row(claim_pk: str, article_id: str, check: dict[str, Any]) -> dict[str, Any]:
    """Flatten a claim's check object into a row of the ``checks`` table."""
    ref = check.get("reference") or {}
    ses = check.get("session") or {}
    return {
        "claim": claim_pk,
        "article_id": article_id,
        **{c: check.get(c) for c in CHECK_COLUMNS},
        "reference_date": ref.get("date"),
        "reference_close": ref.get("close"),
        "session_date": ses.get("date"),
        "session_low": ses.get("low"),
        "session_high": ses.get("high"),
        "session_close": ses.get("close"),
        "details": json.dumps(check, default=str),
        "checked_at": now(),
    }


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    cols = ", ".join(f'"{c}"' for c in row)
    conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})",
                 list(row.values()))
