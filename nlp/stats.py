"""What a newslink database holds: the library side of ``newslink stats``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.store import open_database


def database_stats(db: str | Path, *, runs: int = 5) -> dict[str, Any]:
    """Row counts per table, claims per verdict, and the last ``runs`` runs.

    Raises nlp.store.StoreError when the database does not exist.
    """
    conn = open_database(db, readonly=True)
    tables = ("articles", "errors", "instruments", "claims", "checks", "quotes", "causes",
              "reactions", "prices", "runs")
    existing = set(conn.table_names())
    data: dict[str, Any] = {"tables": {t: conn[t].count for t in tables if t in existing}}
    data["verdicts"] = dict(conn.execute(
        "SELECT verdict, count(*) FROM checks GROUP BY verdict ORDER BY 2 DESC").fetchall()
    ) if "checks" in existing else {}
    data["runs"] = list(conn.query(
        "SELECT id, started, ended, status, inputs, articles, errors, pipeline_version"
        " FROM runs ORDER BY id DESC LIMIT ?", [runs])) if "runs" in existing else []
    conn.conn.close()
    return data
