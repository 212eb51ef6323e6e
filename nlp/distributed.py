"""``newslink run --dask [ADDRESS]``: extraction on a Dask cluster, merged like a local run.

Optional extra: ``pip install 'newslink[dask]'`` (Dask's ``distributed``), on the machine that runs
``newslink run`` and on every worker, with the same newslink version (the pipeline version decides
idempotence).

:class:`DaskExtractor` has the interface of :class:`nlp.run.Extractor`, so the run loop is the one
of a local run: it reads the inputs, skips articles already stored by this pipeline version,
extracts each batch, checks claims against the target database's prices, stores whole articles,
fills reactions and records error rows. What differs is where a batch is extracted:

- each worker loads the pipeline once (:class:`PipelinePlugin`, a Dask worker plugin);
- a batch is split into partitions, one task each; a task extracts its articles (each within the
  time budget, a failure its error row) into its own SQLite shard and returns the shard's bytes, so
  workers need no file system shared with the client;
- the client merges the shards in input order: the records go through the local run's checks, store
  and reactions (checks and novelty need the target's prices and earlier articles). The database is
  therefore the one a local run gives (``tests/test_dask.py``), and a killed run resumes the same way.

Without an address, a ``LocalCluster`` of ``workers`` processes (one thread each) runs on this machine.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from nlp.budget import ARTICLE_TIMEOUT, MAX_CHARS
from nlp.errors import NewslinkError
from nlp.store import ErrorRow
from nlp.types import Article

#: seconds to wait for a scheduler before giving up
CONNECT_TIMEOUT = 30.0
#: the shard's one table: the partition's outcomes in input order, a record or an error row each
SHARD_SCHEMA = "CREATE TABLE outcomes (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL)"


class DaskError(NewslinkError):
    """Dask is not installed, or its scheduler cannot be reached."""

    code = "NL103"


def _distributed():
    try:
        import distributed
    except ImportError:
        raise DaskError("Dask is not installed: pip install 'newslink[dask]'") from None
    return distributed


def write_shard(outcomes: list[dict[str, Any] | ErrorRow], path: str | Path) -> None:
    """Write a partition's outcomes (records and error rows, in input order) into a SQLite shard."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(SHARD_SCHEMA)
        conn.executemany("INSERT INTO outcomes (idx, kind, body) VALUES (?, ?, ?)", [
            (i, "error", json.dumps(o.__dict__)) if isinstance(o, ErrorRow)
            else (i, "record", json.dumps(o, ensure_ascii=False, default=str))
            for i, o in enumerate(outcomes)])
        conn.commit()
    finally:
        conn.close()


def read_shard(path: str | Path) -> list[dict[str, Any] | ErrorRow]:
    """The outcomes of a shard written by :func:`write_shard`, in input order."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT kind, body FROM outcomes ORDER BY idx").fetchall()
    finally:
        conn.close()
    return [ErrorRow(**json.loads(body)) if kind == "error" else json.loads(body) for kind, body in rows]


def extract_partition(articles: list[Article], timeout: float | None, max_chars: int | None) -> bytes:
    """Runs on a worker: extract ``articles`` with the worker's pipeline into a shard; its bytes."""
    from nlp import workers

    outcomes = workers.extract_many_in_worker(articles, timeout, max_chars)
    with tempfile.TemporaryDirectory(prefix="newslink-shard-") as tmp:
        path = Path(tmp) / "shard.db"
        write_shard(outcomes, path)
        return path.read_bytes()


def _plugin_class():
    distributed = _distributed()

    class PipelinePlugin(distributed.WorkerPlugin):
        """Loads newslink's pipeline once per worker (one thread for torch and BLAS)."""

        name = "newslink-pipeline"

        def __init__(self, use_causal_model: bool = True):
            self.use_causal_model = use_causal_model

        def setup(self, worker) -> None:
            from nlp import workers

            workers.start_worker(self.use_causal_model)

    return PipelinePlugin


class DaskExtractor:
    """Extraction of a run's batches on a Dask cluster (``address``) or a LocalCluster of ``workers``."""

    def __init__(self, address: str | None = None, use_causal_model: bool = True, *, workers: int = 2,
                 timeout: float | None = ARTICLE_TIMEOUT, max_chars: int | None = MAX_CHARS,
                 partition_size: int = 8):
        distributed = _distributed()
        self.timeout, self.max_chars, self.partition_size = timeout, max_chars, partition_size
        self.cluster = None
        try:
            if address:
                self.client = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT}s")
            else:
                self.cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                        processes=True, dashboard_address=None)
                self.client = distributed.Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            raise DaskError(f"cannot reach the Dask scheduler {address or '(local)'}: {exc}") from None
        self.client.register_plugin(_plugin_class()(use_causal_model))

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def submit(self, articles: list[Article]):
        """Send ``articles`` to the cluster now, in partitions; returns what collects
        (records, error rows), records in input order."""
        size = max(1, min(self.partition_size, -(-len(articles) // max(self.workers, 1))))
        parts = [articles[i:i + size] for i in range(0, len(articles), size)]
        futures = [self.client.submit(extract_partition, part, self.timeout, self.max_chars, pure=False)
                   for part in parts]
        return lambda: self._merge(parts, futures)

    def extract(self, articles: list[Article]) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
        """(records, error rows) for ``articles``, records in input order."""
        return self.submit(articles)()

    def _merge(self, parts: list[list[Article]], futures: list[Any]
               ) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
        records: list[dict[str, Any]] = []
        errors: list[ErrorRow] = []
        with tempfile.TemporaryDirectory(prefix="newslink-merge-") as tmp:
            for k, (part, future) in enumerate(zip(parts, futures)):
                try:
                    shard = Path(tmp) / f"part-{k:05d}.db"
                    shard.write_bytes(future.result())
                    outcomes = read_shard(shard)
                except Exception as exc:  # noqa: BLE001 - a lost task costs its partition, as error rows
                    outcomes = [ErrorRow(a.source, "extract", f"the Dask task failed: {type(exc).__name__}:"
                                         f" {exc}", a.member) for a in part]
                for o in outcomes:
                    (errors if isinstance(o, ErrorRow) else records).append(o)
        return records, errors

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
