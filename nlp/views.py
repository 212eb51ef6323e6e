"""The SQL views and extra indexes of the store's schema: the common joins, for queries and Datasette.

:class:`nlp.store.Store` creates them with its tables (``ensure_views``); :mod:`nlp.query` selects
the same fields. SQL only: nothing here knows of NLP.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

_ARTICLE_FIELDS = "a.published, a.title, a.source, a.member"

CLAIM_FIELDS = f"""c.id, c.article_id, {_ARTICLE_FIELDS}, c.claim_id, c.kind, c.text,
    c.start, c."end", c.subject, c.symbol, c.direction, c.pct, c.points, c.bps, c.level,
    c.record, c.period, c.as_of, c.hedge, c.after_hours,
    k.verdict, k.basis, k.claimed, k.actual, k.tolerance, k.reference_date, k.reference_close,
    k.session_date, k.session_low, k.session_high, k.session_close, k.index_symbol,
    k.index_move, k.excess, k.note"""
CLAIM_FROM = """claims c JOIN articles a ON a.id = c.article_id
    LEFT JOIN checks k ON k.claim = c.id"""

QUOTE_FIELDS = f"""q.id, q.article_id, {_ARTICLE_FIELDS}, q.idx, q.text, q.start, q."end",
    q.kind, q.speaker, q.speaker_kind, q.role, q.organization, q.organization_symbol,
    s.name AS organization_name, q.cue, q.paraphrase"""
QUOTE_FROM = """quotes q JOIN articles a ON a.id = q.article_id
    LEFT JOIN symbols s ON s.symbol = q.organization_symbol"""

CAUSE_FIELDS = f"""x.id, x.article_id, {_ARTICLE_FIELDS}, x.idx, x.cause_text, x.cause_start,
    x.cause_end, x.effect_text, x.effect_start, x.effect_end, x.cue, x.effect_symbols,
    x.claim_ids, x.method, x.score"""
CAUSE_FROM = "causes x JOIN articles a ON a.id = x.article_id"

REACTION_FIELDS = f"""r.id, r.article_id, {_ARTICLE_FIELDS}, r.symbol, r.name, r.kind, r.exchange,
    r.index_symbol, r.published_at, r.timing, r.timing_from, r.t0, r.base_date, r.mentions, r.relevance,
    r.relevance_parts, r.novel, r.similar_article_id, r.similar_hours, r.similarity, r.novelty_hours,
    r.beta, r.beta_observations, w.window, w.start_date, w.end_date, w.start_close, w.end_close,
    w.return_pct, w.index_return_pct, w.abnormal_pct, w.abnormal_mm_pct, w.volume, w.volume_avg20,
    w.volume_ratio, coalesce(r.reason, w.reason) AS reason"""
#: one row per (article, instrument) and window; ``{window}`` is the join's window condition
REACTION_FROM = """reactions r JOIN articles a ON a.id = r.article_id
    LEFT JOIN reaction_windows w ON w.reaction = r.id{window}"""

#: Views for the common joins, by name.
VIEWS = {
    "claims_view": f"SELECT {CLAIM_FIELDS} FROM {CLAIM_FROM}",
    "quotes_view": f"SELECT {QUOTE_FIELDS} FROM {QUOTE_FROM}",
    "causes_view": f"SELECT {CAUSE_FIELDS} FROM {CAUSE_FROM}",
    "reactions_view": f"SELECT {REACTION_FIELDS} FROM {REACTION_FROM.format(window='')}",
}
#: Indexes for the filters (newest first by a claim's date) that the store's schema lacks.
INDEXES_SQL = """
CREATE INDEX IF NOT EXISTS idx_quotes_organization_symbol ON quotes(organization_symbol);
CREATE INDEX IF NOT EXISTS idx_claims_symbol_as_of ON claims(symbol, as_of);
CREATE INDEX IF NOT EXISTS idx_claims_kind_as_of ON claims(kind, as_of);
"""


def ensure_views(db: Any) -> None:
    """Create or update the views and extra indexes; writes nothing when they are current.

    ``db``: a path, a sqlite3 connection, a sqlite-utils Database or a Store.
    Meant to be called from ``Store.ensure_schema`` after the tables exist.
    """
    conn = sqlite3.connect(db) if isinstance(db, (str, Path)) else getattr(db, "conn", db)
    try:
        for name, select in VIEWS.items():
            sql = f"CREATE VIEW {name} AS {select}"
            row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?",
                               (name,)).fetchone()
            if row and row[0] == sql:
                continue
            if row:  # made by another version of newslink
                conn.execute(f"DROP VIEW {name}")
            conn.execute(sql)
        conn.executescript(INDEXES_SQL)
        conn.commit()
    finally:
        if isinstance(db, (str, Path)):
            conn.close()
