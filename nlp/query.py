"""Querying the facts: claims, quotes, causes and articles as pandas DataFrames.

Every function takes ``db`` (a path, a ``sqlite3.Connection`` or a sqlite-utils
``Database``) and keyword filters that combine with AND; a path is opened
read-only, so querying never changes the database. The same SQL backs the
views of :func:`nlp.views.ensure_views`, which the store creates for Datasette and for
people writing their own SQL (``newslink sql``).

Filters:
- ``symbol``: an instrument symbol (``8035.T``); for quotes the speaker's firm,
  for causes a symbol the effect is about, for articles a linked mention.
- ``kind``: the claim kind (``change``, ``level``, ``record``, ``distance``, ``range``) or
  quote kind (``direct``, ``indirect``).
- ``verdict``: ``supported``, ``contradicted``, ``unverifiable``,
  ``inconclusive``, or ``unchecked`` (a claim with no check yet).
- ``date_from`` / ``date_to``: ISO dates, inclusive: a claim's own date
  (``as_of``, the session it is about; claims without one are left out),
  otherwise the article's publication date.
- ``speaker`` / ``firm``: case-insensitive substrings of a quote's speaker and
  organization (a firm also matches the organization's symbol exactly).
- ``search``: full-text search (FTS5) over article titles, text and quotes.
  Plain words are matched as given (all of them must occur); a query with
  FTS5 syntax (double quotes, AND/OR/NOT, NEAR, ``*``) is passed as is.
- ``article``: an article id, or a prefix of one of at least 6 characters.
- ``limit``: the most rows to return (None: all).

Speed: results come newest first, so with a limit the best plan walks rows in
date order and tests each filter, unless a filter keeps so few rows that
sorting them is cheaper; :func:`_dense` picks per filter, from index counts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nlp.errors import NewslinkError
from nlp.store import Store, open_database
from nlp.types import VERDICTS
from nlp.views import (
    CAUSE_FIELDS, CAUSE_FROM, CLAIM_FIELDS, CLAIM_FROM, QUOTE_FIELDS, QUOTE_FROM, REACTION_FIELDS,
    REACTION_FROM,
)

CLAIM_KINDS = ("change", "level", "record", "distance", "range")

ARTICLE_FIELDS = """a.id, a.published, a.title, a.source, a.member, a.dateline, a.chars,
    (SELECT count(*) FROM instruments i WHERE i.article_id = a.id) AS instruments,
    (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims,
    (SELECT count(*) FROM checks k WHERE k.article_id = a.id AND +k.verdict = 'contradicted')
        AS contradicted,
    (SELECT count(*) FROM quotes q WHERE q.article_id = a.id) AS quotes,
    (SELECT count(*) FROM causes x WHERE x.article_id = a.id) AS causes,
    (SELECT group_concat(DISTINCT i.symbol) FROM instruments i
        WHERE i.article_id = a.id AND i.symbol IS NOT NULL) AS symbols"""

# Characters or words that mark a search as FTS5 syntax rather than plain words.
_FTS_SYNTAX = re.compile(r'"|\*$|\*\s|\bNEAR\(|\s(?:AND|OR|NOT)\s|^\s*NOT\s')


class QueryError(NewslinkError):
    """A query that cannot run: bad filter value, bad search syntax, refused SQL.

    ``param`` names the filter at fault (``kind``, ``verdict``, ``date_from`` ...), so that a
    caller can say it in its own terms (the CLI: ``--kind``); the message starts with it.
    """

    code = "NL601"

    def __init__(self, message: str, param: str | None = None):
        super().__init__(f"{param}: {message}" if param else message)
        self.param, self.reason = param, message


# -- opening ------------------------------------------------------------------------------


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """Open the database at ``path`` read-only (``mode=ro``).

    Raises QueryError when there is no such file.
    """
    path = Path(path)
    if not path.is_file():
        raise QueryError(f"{path}: no such database (build one with `newslink run`)")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)


def _connection(db: Any) -> sqlite3.Connection:
    if isinstance(db, sqlite3.Connection):
        return db
    if hasattr(db, "conn"):  # a sqlite-utils Database or a Store
        return db.conn
    return connect_readonly(db)


@dataclass
class _Where:
    """WHERE clauses and their parameters, built up filter by filter."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def fts_query(search: str) -> str:
    """The FTS5 MATCH expression for a user's search.

    Plain words are each quoted (so ``cross-shareholdings`` is a phrase, not
    a syntax error) and must all occur; FTS5 syntax is kept as given.
    Raises QueryError for an empty search.
    """
    search = search.strip()
    if not search:
        raise QueryError("empty", "search")
    if _FTS_SYNTAX.search(search):
        return search
    return " ".join('"' + word.replace('"', '""') + '"' for word in search.split())


def _check_date(value: str | dt.date | None, option: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{value!r} is not an ISO date (YYYY-MM-DD)", option) from None


def _dense(conn: sqlite3.Connection, matches: int, table: str, limit: int | None) -> bool:
    """Whether a filter keeping ``matches`` rows of ``table`` is better checked row by row.

    Walking rows newest first and testing the filter finds ``limit`` rows after
    about limit * total / matches rows; driving from the filter's index sorts
    all ``matches`` rows. The cheaper plan wins; without a limit, the index.
    """
    if limit is None:
        return False
    total = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    return matches * matches > limit * total


def _search_hits(conn: sqlite3.Connection, match: str) -> int:
    """Articles whose text matches the FTS5 expression ``match`` (quotes not counted)."""
    try:
        return conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                            (match,)).fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise QueryError(str(exc), "search") from None


def _article_filters(where: _Where, conn: sqlite3.Connection, *, date_from: Any, date_to: Any,
                     search: str | None, article: str | None, limit: int | None,
                     dated: bool = True, facts_per_article: float = 1.0) -> None:
    """Filters every query shares; they bear on the article table ``a``.

    ``dated``: filter on the article's publication date (claims use their own
    ``as_of`` instead). ``facts_per_article`` scales search hits to result rows.
    """
    if dated:
        start = _check_date(date_from, "date_from")
        end = _check_date(date_to, "date_to")
        if start:
            where.add("a.published >= ?", start)
        if end:
            where.add("a.published <= ?", end)
    if article:
        if len(article) >= 64:
            where.add("a.id = ?", article)
        elif len(article) >= 6:
            where.add("a.id >= ? AND a.id < ?", article, article + "\U0010ffff")
        else:
            raise QueryError("give at least 6 characters of the id", "article")
    if search:
        match = fts_query(search)
        hits = _search_hits(conn, match) * facts_per_article
        # A unary + keeps SQLite from driving the query from a common word's long hit list.
        column = "+a.rowid" if _dense(conn, int(hits), "articles", limit) else "a.rowid"
        where.add(
            f"{column} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            " UNION SELECT a2.rowid FROM quotes_fts f JOIN quotes q2 ON q2.rowid = f.rowid"
            " JOIN articles a2 ON a2.id = q2.article_id WHERE quotes_fts MATCH ?)",
            match, match)


def _limit_sql(limit: int | None, params: list[Any]) -> str:
    if limit is None:
        return ""
    if limit < 0:
        raise QueryError("must be 0 or more", "limit")
    params.append(int(limit))
    return " LIMIT ?"


def _frame(cursor: sqlite3.Cursor) -> pd.DataFrame:
    columns = [d[0] for d in cursor.description or ()]
    return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def _select(conn: sqlite3.Connection, select: str, where: _Where, order: str, limit: int | None,
            search: str | None) -> pd.DataFrame:
    """``select`` with the filters of ``where``, in ``order``, at most ``limit`` rows, as a frame."""
    sql = f"{select}{where.sql} ORDER BY {order}"
    sql += _limit_sql(limit, where.params)
    return _read(conn, sql, where.params, search=bool(search))


def _read(conn: sqlite3.Connection, sql: str, params: list[Any], *,
          search: bool = False) -> pd.DataFrame:
    try:
        return _frame(conn.execute(sql, params))
    except sqlite3.OperationalError as exc:
        # FTS5 reports a bad MATCH expression as a plain OperationalError.
        raise QueryError(str(exc), "search" if search else None) from None


def _release(db: Any, conn: sqlite3.Connection) -> None:
    """Close ``conn`` when this module opened it from a path."""
    if not (isinstance(db, sqlite3.Connection) or hasattr(db, "conn")):
        conn.close()


def _ratio(conn: sqlite3.Connection, facts: str, per: str) -> float:
    """Rows of ``facts`` per row of ``per``, from the largest rowids (no counting)."""
    n_facts, n_per = (conn.execute(f"SELECT max(rowid) FROM {t}").fetchone()[0] or 0
                      for t in (facts, per))
    return n_facts / n_per if n_per else 0.0


# -- the four queries -----------------------------------------------------------------


def claims(db: Any, *, symbol: str | None = None, kind: str | None = None,
           verdict: str | None = None, date_from: Any = None, date_to: Any = None,
           search: str | None = None, article: str | None = None,
           limit: int | None = None) -> pd.DataFrame:
    """Claims with their check and article, newest (``as_of``) first, then in text order.

    Returns one row per claim: article columns (``article_id``, ``published``,
    ``title``, ``source``), the span (``text``, ``start``, ``end``), the claim's
    fields and the check's (``verdict``, ``basis``, ``claimed``, ``actual``,
    ``tolerance``, reference and session numbers, ``note``).
    Raises QueryError for an unknown kind or verdict, a bad date or search.
    """
    where = _Where()
    conn = _connection(db)
    try:
        if symbol:
            where.add("c.symbol = ?", symbol)
        if kind:
            if kind not in CLAIM_KINDS:
                raise QueryError(f"{kind!r} is not one of {', '.join(CLAIM_KINDS)}", "kind")
            where.add("c.kind = ?", kind)
        if verdict:
            if verdict == "unchecked":
                # Each check belongs to one claim, so the difference counts the unchecked.
                unchecked = conn.execute("SELECT (SELECT count(*) FROM claims)"
                                         " - (SELECT count(*) FROM checks)").fetchone()[0]
                where.add("k.claim IS NULL" if unchecked > 0 else "0")
            elif verdict in VERDICTS:
                matches = conn.execute("SELECT count(*) FROM checks WHERE verdict = ?",
                                       (verdict,)).fetchone()[0]
                dense = _dense(conn, matches, "claims", limit)
                where.add(f"{'+' if dense else ''}k.verdict = ?", verdict)
            else:
                raise QueryError(f"{verdict!r} is not one of {', '.join(VERDICTS)}, unchecked", "verdict")
        start = _check_date(date_from, "date_from")
        end = _check_date(date_to, "date_to")
        if start:
            where.add("c.as_of >= ?", start)
        if end:
            where.add("c.as_of <= ?", end)
        claims_per_article = _ratio(conn, "claims", "articles")
        _article_filters(where, conn, date_from=None, date_to=None, search=search,
                         article=article, limit=limit, dated=False,
                         facts_per_article=claims_per_article)
        return _select(conn, f"SELECT {CLAIM_FIELDS} FROM {CLAIM_FROM}", where,
                       "c.as_of DESC, c.article_id, c.start, c.claim_id", limit, search)
    finally:
        _release(db, conn)


def quotes(db: Any, *, symbol: str | None = None, kind: str | None = None,
           speaker: str | None = None, firm: str | None = None, date_from: Any = None,
           date_to: Any = None, search: str | None = None, article: str | None = None,
           mentions: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Quotes with speaker, firm and article, newest article first, in text order.

    ``search`` here matches the quote itself (its text, speaker, organization),
    not the rest of the article. ``mentions``: the quote's own text names that
    instrument (a symbol linked inside the quote's span). Returns one row per quote.
    Raises QueryError for a bad date or search.
    """
    where = _Where()
    conn = _connection(db)
    try:
        if symbol:
            where.add("q.organization_symbol = ?", symbol)
        if kind:
            where.add("q.kind = ?", kind)
        if speaker:
            where.add("q.speaker LIKE ?", f"%{speaker}%")
            words = re.findall(r"\w+", speaker)
            if words and " ".join(words) == speaker.strip():
                # the full-text index finds the few quotes whose speaker has these words (prefix
                # match), so the LIKE above only runs on those: 150k quotes → a few ms
                where.add("q.rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
                          "speaker : (" + " ".join(f'"{w}"*' for w in words) + ")")
        if firm:
            where.add("(q.organization LIKE ? OR q.organization_symbol = ?)", f"%{firm}%", firm)
        if mentions:
            where.add("EXISTS (SELECT 1 FROM instruments i WHERE i.article_id = q.article_id"
                      " AND i.symbol = ? AND i.start >= q.start AND i.\"end\" <= q.\"end\")",
                      mentions)
        _article_filters(where, conn, date_from=date_from, date_to=date_to, search=None,
                         article=article, limit=limit)
        if search:
            where.add("q.rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
                      fts_query(search))
        return _select(conn, f"SELECT {QUOTE_FIELDS} FROM {QUOTE_FROM}", where,
                       "a.published DESC, q.article_id, q.idx", limit, search)
    finally:
        _release(db, conn)


def causes(db: Any, *, symbol: str | None = None, date_from: Any = None, date_to: Any = None,
           search: str | None = None, article: str | None = None, min_score: float | None = None,
           limit: int | None = None) -> pd.DataFrame:
    """Cause/effect links with their article, newest article first, in text order.

    ``symbol`` keeps links whose effect is about that symbol (``effect_symbols``); ``min_score``
    those whose calibrated score (the share of such links labellers found causal) is at least that.
    Raises QueryError for a bad date or search, or a score outside 0..1.
    """
    where = _Where()
    if min_score is not None:
        if not 0 <= min_score <= 1:
            raise QueryError(f"--min-score must be between 0 and 1, not {min_score}")
        where.add("x.score >= ?", min_score)
    conn = _connection(db)
    try:
        if symbol:
            where.add("EXISTS (SELECT 1 FROM json_each(x.effect_symbols) j WHERE j.value = ?)",
                      symbol)
        _article_filters(where, conn, date_from=date_from, date_to=date_to, search=search,
                         article=article, limit=limit,
                         facts_per_article=_ratio(conn, "causes", "articles"))
        return _select(conn, f"SELECT {CAUSE_FIELDS} FROM {CAUSE_FROM}", where,
                       "a.published DESC, x.article_id, x.idx", limit, search)
    finally:
        _release(db, conn)


def reactions(db: Any, *, symbol: str | None = None, date_from: Any = None, date_to: Any = None,
              min_relevance: float | None = None, novel: bool | None = None, window: str = "0",
              search: str | None = None, article: str | None = None, priced: bool = False,
              limit: int | None = None) -> pd.DataFrame:
    """Market reactions per (article, instrument), newest first, the most relevant first at one time.

    Returns one row per (article, symbol) with the event time (``t0``, ``base_date``, ``timing``),
    relevance and its parts, novelty (``novel``, ``similar_article_id``, ``similar_hours``,
    ``similarity``) and the numbers of ``window`` (``0``, ``0..1`` or ``0..5``): ``return_pct``,
    ``index_return_pct``, ``abnormal_pct``, ``abnormal_mm_pct``, volume; ``reason`` says what was
    missing. ``novel``: True keeps novel stories only, False repeats only. ``priced``: only rows
    with a return. Raises QueryError for a bad window, date, relevance or search.
    """
    from nlp.market.reactions import WINDOWS

    if window not in WINDOWS:
        raise QueryError(f"{window!r} is not one of {', '.join(WINDOWS)}", "window")
    where = _Where()
    conn = _connection(db)
    try:
        if symbol:
            where.add("r.symbol = ?", symbol)
        if min_relevance is not None:
            if not 0 <= float(min_relevance) <= 100:
                raise QueryError(f"{min_relevance!r} is not between 0 and 100", "min_relevance")
            where.add("r.relevance >= ?", float(min_relevance))
        if novel is not None:
            where.add("r.novel = ?", int(bool(novel)))
        if priced:
            where.add("w.return_pct IS NOT NULL")
        _article_filters(where, conn, date_from=date_from, date_to=date_to, search=search,
                         article=article, limit=limit, facts_per_article=_ratio(conn, "reactions", "articles"))
        sql = f"SELECT {REACTION_FIELDS} FROM {REACTION_FROM.format(window=' AND w.window = ?')}"
        where.params.insert(0, window)
        return _select(conn, sql, where, "a.published DESC, r.published_at DESC, r.relevance DESC, r.article_id, r.symbol",
                       limit, search)
    finally:
        _release(db, conn)


def articles(db: Any, *, symbol: str | None = None, verdict: str | None = None,
             speaker: str | None = None, firm: str | None = None, date_from: Any = None,
             date_to: Any = None, search: str | None = None, article: str | None = None,
             limit: int | None = None) -> pd.DataFrame:
    """Articles with counts of their facts, newest first.

    ``symbol``: the article mentions that instrument; ``verdict``: it has a
    claim checked so; ``speaker`` / ``firm``: it quotes such a person or firm.
    Raises QueryError for an unknown verdict, a bad date or search.
    """
    where = _Where()
    conn = _connection(db)

    def subquery(sql: str, *params: Any) -> None:
        # An article-id list as long as most of the table is better probed than driven from.
        matches = conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        column = "+a.id" if _dense(conn, matches, "articles", limit) else "a.id"
        where.add(f"{column} IN ({sql})", *params)

    try:
        if symbol:
            subquery("SELECT article_id FROM instruments WHERE symbol = ?"
                     " UNION SELECT article_id FROM claims WHERE symbol = ?", symbol, symbol)
        if verdict:
            if verdict not in VERDICTS:
                raise QueryError(f"{verdict!r} is not one of {', '.join(VERDICTS)}", "verdict")
            subquery("SELECT article_id FROM checks WHERE verdict = ?", verdict)
        if speaker:
            where.add("a.id IN (SELECT article_id FROM quotes WHERE speaker LIKE ?)",
                      f"%{speaker}%")
        if firm:
            where.add("a.id IN (SELECT article_id FROM quotes WHERE organization LIKE ?"
                      " OR organization_symbol = ?)", f"%{firm}%", firm)
        _article_filters(where, conn, date_from=date_from, date_to=date_to, search=search,
                         article=article, limit=limit)
        return _select(conn, f"SELECT {ARTICLE_FIELDS} FROM articles a", where, "a.published DESC, a.id",
                       limit, search)
    finally:
        _release(db, conn)


# -- read-only SQL --------------------------------------------------------------------

# Pragmas that only read, with or without an argument (table_info(claims)).
_READ_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "database_list", "collation_list",
    "function_list", "module_list", "pragma_list", "compile_options", "integrity_check",
    "quick_check",
})
# Pragmas that read a setting when given no value (PRAGMA user_version).
_SETTING_PRAGMAS = frozenset({
    "user_version", "schema_version", "application_id", "page_count", "page_size",
    "freelist_count", "encoding", "journal_mode", "foreign_keys", "data_version",
    "max_page_count", "auto_vacuum",
})
_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                    sqlite3.SQLITE_RECURSIVE}
_ACTION_NAMES = {getattr(sqlite3, f"SQLITE_{n}"): n.replace("_", " ") for n in (
    "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE",
    "CREATE_TEMP_TRIGGER", "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "DELETE",
    "DROP_INDEX", "DROP_TABLE", "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER",
    "DROP_TEMP_VIEW", "DROP_TRIGGER", "DROP_VIEW", "INSERT", "TRANSACTION", "UPDATE", "ATTACH",
    "DETACH", "ALTER_TABLE", "REINDEX", "ANALYZE", "CREATE_VTABLE", "DROP_VTABLE", "SAVEPOINT")}


class _ReadOnlyAuthorizer:
    """sqlite3 authorizer allowing reads only; remembers the first thing refused."""

    def __init__(self) -> None:
        self.refused: str | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None,
                 dbname: str | None, source: str | None) -> int:
        if action in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        # SQLite's own bookkeeping when a virtual table (FTS5, pragma_*) is first used.
        if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master" and source is None:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name in _READ_PRAGMAS or (name in _SETTING_PRAGMAS and arg2 is None):
                return sqlite3.SQLITE_OK
            what = f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
        else:
            what = _ACTION_NAMES.get(action, f"action {action}")
            if arg1:
                what += f" {arg1}"
        self.refused = self.refused or what
        return sqlite3.SQLITE_DENY


def run_sql(db: str | Path, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one read-only SQL statement on the database at ``db``; return its rows.

    The connection is opened with ``mode=ro`` and an authorizer that allows
    only reading (SELECT, WITH, reading PRAGMAs). ``params`` fills named
    parameters (``:name``). Raises QueryError when the statement would write,
    attach, change a setting, or fails.
    """
    conn = connect_readonly(db)
    guard = _ReadOnlyAuthorizer()
    conn.set_authorizer(guard)
    try:
        return _frame(conn.execute(sql, params or {}))
    except (sqlite3.DatabaseError, sqlite3.ProgrammingError, sqlite3.Warning) as exc:
        message = str(exc)
        if guard.refused or any(w in message for w in ("not authorized", "readonly",
                                                       "may not be modified")):
            raise QueryError(
                f"refused: `newslink sql` is read-only ({guard.refused or message}); "
                "use SELECT, WITH or a reading PRAGMA. Nothing was changed.") from None
        raise QueryError(f"SQL error: {message}") from None
    finally:
        conn.close()


# -- export ---------------------------------------------------------------------------

EXPORT_FORMATS = ("jsonl", "csv", "parquet")


def study(db: str | Path, *, symbol: str | None = None, search: str | None = None,
          sql: str | None = None, date_from: Any = None, date_to: Any = None,
          min_relevance: float | None = None, novel: bool | None = None,
          model: str = "adjusted", days: tuple[int, int] | None = None) -> Any:
    """An event study over (article, instrument) pairs of the ``reactions`` table.

    The pairs: those of :func:`reactions` with ``symbol`` / ``search`` / dates / ``min_relevance`` /
    ``novel``, or the rows of the read-only ``sql`` (it must return ``article_id``; a ``symbol``
    column narrows each article to that instrument). Each event (symbol, t0) counts once, however
    many stories it had. Returns a :class:`nlp.market.reactions.EventStudy`: the mean cumulative
    abnormal return from ``days[0]`` to ``days[1]`` sessions (default -5..+10) with standard error,
    t-statistic and count. Raises QueryError when nothing selects pairs, or for bad filters.
    """
    from nlp.market.reactions import STUDY_DAYS, abnormal_path, event_study
    from nlp.market.series import StorePrices

    days = days or STUDY_DAYS
    if model not in ("adjusted", "market"):
        raise QueryError(f"{model!r} is not one of adjusted, market", "model")
    if not (symbol or search or sql or date_from or date_to or min_relevance is not None
            or novel is not None):
        raise QueryError("choose the stories: --symbol, --search, --sql or a filter", "symbol")
    if sql:
        chosen = run_sql(db, sql)
        if "article_id" not in chosen.columns:
            raise QueryError("the query must return an article_id column", "sql")
        frame = reactions(db, priced=True)
        keys = set(chosen["article_id"].astype(str))
        frame = frame[frame["article_id"].isin(keys)]
        if "symbol" in chosen.columns:
            pairs = set(zip(chosen["article_id"].astype(str), chosen["symbol"].astype(str)))
            frame = frame[[(a, s) in pairs for a, s in zip(frame["article_id"], frame["symbol"])]]
    else:
        frame = reactions(db, symbol=symbol, search=search, date_from=date_from, date_to=date_to,
                          min_relevance=min_relevance, novel=novel, priced=True)
    events = {(r["symbol"], r["t0"]): r["index_symbol"] for r in records(frame)
              if r.get("index_symbol") and r.get("t0")}
    conn = connect_readonly(db)
    try:
        prices = StorePrices(conn)
        paths = []
        for (sym, t0), index_symbol in sorted(events.items()):
            series, index = prices.series(sym), prices.series(index_symbol)
            paths.append(abnormal_path(series, index, t0, days=days, model=model)
                         if series is not None and index is not None else None)
    finally:
        conn.close()
    return event_study(paths, days=days, model=model)


def table_names(db: Any) -> list[str]:
    """The database's own tables, without SQLite's and FTS5's internal ones."""
    conn = _connection(db)
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name").fetchall()
    fts = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    return [r[0] for r in rows if not any(r[0].startswith(f + "_") for f in fts)]


def open_store(db: str | Path):
    """A Store on ``db`` for reading records: read-only unless its schema needs an update.

    Raises QueryError when there is no such file.
    """
    connect_readonly(db).close()
    try:
        return Store(open_database(db, readonly=True))
    except sqlite3.OperationalError:  # an older database missing some of today's schema
        return Store(db)


def iter_records(db: str | Path) -> Iterator[dict[str, Any]]:
    """Yield the public record of every stored article, oldest first (Store.load_record)."""
    store = open_store(db)
    try:
        ids = [r[0] for r in store.conn.execute(
            "SELECT id FROM articles ORDER BY published, id")]
        for aid in ids:
            record = store.load_record(aid)
            if record is not None:
                yield record
    finally:
        store.conn.close()


def export(db: str | Path, fmt: str, out: str | Path | None = None) -> list[Path]:
    """Write the database out; return the files written.

    ``jsonl``: one public record per article per line, to ``out`` (a file; None
    or ``-``: standard output, and no path is returned). ``csv`` / ``parquet``:
    one file per table, named after it, in the folder ``out`` (default
    ``newslink-export``). Raises QueryError for an unknown format or database.
    """
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"{fmt!r} is not one of {', '.join(EXPORT_FORMATS)}", "format")
    connect_readonly(db).close()  # a clear error for a missing database
    if fmt == "jsonl":
        to_stdout = out is None or str(out) == "-"
        stream = sys.stdout if to_stdout else open(out, "w", encoding="utf-8")
        try:
            for record in iter_records(db):
                stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        finally:
            if not to_stdout:
                stream.close()
        return [] if to_stdout else [Path(out)]
    folder = Path(out or "newslink-export")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    conn = connect_readonly(db)
    try:
        for table in table_names(conn):
            frame = pd.read_sql_query(f'SELECT * FROM "{table}"', conn)
            path = folder / f"{table}.{fmt}"
            if fmt == "csv":
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
            written.append(path)
    finally:
        conn.close()
    return written


# -- output ---------------------------------------------------------------------------


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as plain dicts, missing values as None (JSON-ready)."""
    out = []
    for row in frame.astype(object).itertuples(index=False):
        out.append({col: None if _missing(v) else _plain(v)
                    for col, v in zip(frame.columns, row)})
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
