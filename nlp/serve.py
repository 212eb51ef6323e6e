"""``newslink serve``: the database in Datasette, with titles, facets, search and labels.

Datasette is an optional extra (``pip install newslink[serve]``); it runs as a
child process on the loopback interface only.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from nlp.errors import NewslinkError
from nlp.paths import MODELS
from nlp.views import ensure_views

METADATA = MODELS / "serve" / "metadata.json"
HOST = "127.0.0.1"


class ServeError(NewslinkError):
    """Datasette missing, or no database to serve."""

    code = "NL603"


@functools.cache
def _metadata_template() -> dict[str, Any]:
    return json.loads(METADATA.read_text(encoding="utf-8"))


def metadata(db: str | Path) -> dict[str, Any]:
    """Datasette metadata for the database at ``db``: tables filed under its name (file stem)."""
    template = _metadata_template()
    return {
        "title": template["title"],
        "description": template["description"],
        "license": template.get("license"),
        "databases": {Path(db).stem: {"tables": template["tables"]}},
    }


def datasette_command(db: str | Path, metadata_path: str | Path, *, port: int = 8001,
                      host: str = HOST) -> list[str]:
    """The command line that serves ``db`` with the metadata file at ``metadata_path``."""
    return [sys.executable, "-m", "datasette", "serve", str(db), "--host", host,
            "--port", str(port), "--metadata", str(metadata_path),
            "--setting", "default_page_size", "50",
            "--setting", "facet_time_limit_ms", "500"]


def add_views(db: str | Path) -> bool:
    """Create newslink's views in ``db`` when it is writable; return whether they exist."""
    try:
        conn = sqlite3.connect(db)
        try:
            ensure_views(conn)
        finally:
            conn.close()
        return True
    except sqlite3.Error:
        return False


def prepare(db: str | Path, folder: str | Path) -> Path:
    """Check ``db`` and Datasette, add the views, write metadata.json into ``folder``.

    Returns the metadata file. Raises ServeError when Datasette is not
    installed or ``db`` does not exist.
    """
    if importlib.util.find_spec("datasette") is None:
        raise ServeError("Datasette is not installed: pip install 'newslink[serve]'")
    if not Path(db).is_file():
        raise ServeError(f"{db}: no such database (build one with `newslink run`)")
    add_views(db)
    path = Path(folder) / "metadata.json"
    path.write_text(json.dumps(metadata(db), indent=1), encoding="utf-8")
    return path


def serve(db: str | Path, *, port: int = 8001, host: str = HOST) -> int:
    """Run Datasette on ``db`` until interrupted; return its exit status.

    Raises ServeError when Datasette is missing or ``db`` does not exist.
    """
    with tempfile.TemporaryDirectory(prefix="newslink-serve-") as tmp:
        meta = prepare(db, tmp)
        try:
            return subprocess.call(datasette_command(db, meta, port=port, host=host))
        except KeyboardInterrupt:
            return 0
