"""Batch processing: inputs → articles → facts → checks → SQLite, resumable and idempotent.

``run_inputs()`` is what ``newslink run`` calls. It reads every input, skips
articles the database already holds from the same pipeline version, extracts
the rest in batches, checks their claims against stored prices, and commits
each batch in one transaction, so a run killed at any point leaves only whole
articles and the next run carries on where it stopped.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from nlp.articles import read_inputs
from nlp import workers
from nlp.budget import ARTICLE_TIMEOUT, MAX_CHARS, ArticleTimeout
from nlp.market import StorePrices, check_records, import_prices
from nlp.reactions import NOVELTY_HOURS, fill_reactions
from nlp.store import DEFAULT_DB, ErrorRow, Store
from nlp.types import Article
from nlp.pipeline import BATCH_SIZE
from nlp.workers import extract_many, extract_one

log = logging.getLogger(__name__)

#: Sub-folders of an input folder that hold price files, not articles.
PRICE_FOLDER = "prices"


@dataclass
class RunSummary:
    """What one run did; ``errors`` counts inputs that did not become articles."""

    run_id: int | None = None
    db: str = DEFAULT_DB
    inputs: int = 0
    articles: int = 0
    new_articles: int = 0
    reprocessed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    errors: int = 0
    extract_errors: int = 0
    prices_imported: int = 0
    facts: Counter = field(default_factory=Counter)
    verdicts: Counter = field(default_factory=Counter)
    error_stages: Counter = field(default_factory=Counter)  # error rows of this run by stage
    bases: Counter = field(default_factory=Counter)  # (verdict, basis) of this run's checks
    reactions: int = 0  # (article, instrument) reaction rows written
    reaction_seconds: float = 0.0
    seconds: float = 0.0
    status: str = "completed"

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("inputs", "articles", "new_articles", "reprocessed",
                                              "unchanged", "duplicates", "errors")}


def price_folders(paths: Iterable[str | Path]) -> list[Path]:
    """``prices/`` folders directly inside the input folders: imported, not read as articles."""
    found = []
    for p in paths:
        candidate = Path(p) / PRICE_FOLDER
        if Path(p).is_dir() and candidate.is_dir():
            found.append(candidate)
    return found


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        batch = list(islice(items, size))
        if not batch:
            return
        yield batch


def run_inputs(
    paths: list[str | Path],
    db: str | Path = DEFAULT_DB,
    *,
    workers: int = 1,
    batch_size: int = 64,
    limit: int | None = None,
    prices: list[str | Path] | None = None,
    check: bool = True,
    reactions: bool = True,
    novelty_hours: float = NOVELTY_HOURS,
    use_causal_model: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    arguments: dict[str, Any] | None = None,
    article_timeout: float | None = ARTICLE_TIMEOUT,
    max_chars: int | None = MAX_CHARS,
    dask: str | None = None,
    extractor: Any = None,
) -> RunSummary:
    """Process ``paths`` into the database ``db``; returns the run's summary.

    ``prices``: price files or folders imported before checking (``prices/``
    folders inside input folders are added automatically). ``on_progress`` is
    called with (inputs done, articles done) after each batch. ``reactions`` (with ``check``):
    fill the market reactions of every stored article (:mod:`nlp.reactions`), novelty looking back
    ``novelty_hours``; a batch whose reactions fail keeps its articles and gets an error row.
    ``article_timeout``: seconds one article (each 100,000-character piece of a longer
    one) may take before it becomes an error row; None for no limit. ``max_chars``: longer
    articles become an error row "too long". Every input ends as an article or an error
    row: no single article stops the run. ``dask``: extract on a Dask cluster, ``"local"`` for a
    LocalCluster of ``workers`` processes or a scheduler address (:mod:`nlp.distributed`); the
    database is the one a local run gives. ``extractor``: an :class:`Extractor` (or DaskExtractor)
    already started, used instead of a new one and left open (benchmarks, many runs on one
    cluster). Raises FileNotFoundError for a missing input path and
    nlp.distributed.DaskError when Dask is missing or the scheduler cannot be reached.
    """
    from nlp import pipeline as pl

    started = time.perf_counter()
    # no local process or model is started until the first article needs one; a Dask cluster
    # is reached first, so that an unreachable one leaves no run behind
    own_extractor = extractor is None
    if extractor is not None:
        pass
    elif dask:
        from nlp.distributed import DaskExtractor

        extractor = DaskExtractor(None if dask == "local" else dask, use_causal_model,
                                  workers=max(workers, 1), timeout=article_timeout, max_chars=max_chars)
    else:
        extractor = Extractor(use_causal_model, workers=workers, timeout=article_timeout,
                              max_chars=max_chars)
    store = Store(db)
    version = pl.pipeline_version()
    summary = RunSummary(db=str(db))
    summary.run_id = store.start_run(arguments or {"paths": [str(p) for p in paths]}, version)
    inner_prices = price_folders(paths)
    price_paths = list(prices or []) + inner_prices
    # one price cache for the whole run: prices are imported first and do not change after
    price_source = StorePrices(store)
    try:
        if price_paths:
            summary.prices_imported = _import_prices(store, price_paths, summary)
        items = read_inputs(paths, skip=[PRICE_FOLDER] if inner_prices else [])
        if limit is not None:
            items = islice(items, limit)
        seen: set[str] = set()
        failed_ids: dict[str, ErrorRow] = {}  # articles of this run that became error rows
        pending: _Batch | None = None
        # the next batch is sent to the workers before this one is checked and stored, so that
        # workers never wait for the parent (in one process, extraction happens when collected)
        for batch in _batches(iter(items), batch_size):
            following = _prepare(batch, store, seen, version, summary, extractor)
            if pending is not None:
                _finish(pending, store, summary, failed_ids, version, check, reactions, price_source,
                        novelty_hours, on_progress)
            pending = following
        if pending is not None:
            _finish(pending, store, summary, failed_ids, version, check, reactions, price_source,
                    novelty_hours, on_progress)
    except BaseException:
        summary.status = "failed"
        summary.seconds = time.perf_counter() - started
        store.finish_run(summary.run_id, summary.counts(), status="failed")
        store.conn.close()
        raise
    finally:
        if own_extractor:
            extractor.close()
    summary.seconds = time.perf_counter() - started
    store.finish_run(summary.run_id, summary.counts())
    store.conn.close()  # the run's writes checkpointed now, not whenever the connection is collected
    return summary


@dataclass
class _Batch:
    """A batch read and sorted: its error rows, articles to extract (sent off), articles already
    stored, and how to collect the extraction."""

    errors: list[ErrorRow]
    todo: list[Article]
    known: list[Article]
    collect: Callable[[], tuple[list[dict[str, Any]], list[ErrorRow]]] | None


def _prepare(batch: list[Any], store: Store, seen: set[str], version: str, summary: RunSummary,
             extractor: Any) -> _Batch:
    """Count and sort one batch of inputs, and send its new articles to the extractor."""
    errors = [x for x in batch if isinstance(x, ErrorRow)]
    articles = [x for x in batch if isinstance(x, Article)]
    summary.inputs += len(batch)
    summary.errors += len(errors)
    summary.articles += len(articles)
    stored = store.article_versions(a.id for a in articles)
    todo: list[Article] = []
    known: list[Article] = []  # stored already: only remember where they were read
    for a in articles:
        if a.id in seen:
            summary.duplicates += 1
            known.append(a)
            continue
        seen.add(a.id)
        if stored.get(a.id) == version:
            summary.unchanged += 1
            known.append(a)
            continue
        if a.id in stored:
            summary.reprocessed += 1
        else:
            summary.new_articles += 1
        todo.append(a)
    return _Batch(errors, todo, known, extractor.submit(todo) if todo else None)


def _finish(batch: _Batch, store: Store, summary: RunSummary, failed_ids: dict[str, ErrorRow],
            version: str, check: bool, reactions: bool, price_source: StorePrices,
            novelty_hours: float, on_progress: Callable[[int, int], None] | None) -> None:
    """Collect a batch's records, check, store, fill reactions and record its error rows."""
    errors, todo, known = batch.errors, batch.todo, batch.known
    if batch.collect is not None:
        records, failed = batch.collect()
        if check:
            records, unchecked = _check_records(store, records, summary, price_source)
            failed.extend(unchecked)
        records, unsaved = _save_records(store, records, summary.run_id, version)
        failed.extend(unsaved)
        if check and reactions and records:
            errors.extend(_fill_reactions(store, records, summary, price_source, novelty_hours))
        for r in records:
            for key in ("instruments", "claims", "quotes", "causes"):
                summary.facts[key] += len(r[key])
        # an article that became an error row is counted as an error, not an article
        summary.extract_errors += len(failed)
        summary.errors += len(failed)
        summary.articles -= len(failed)
        errors.extend(failed)
        saved = {r["article"]["id"] for r in records}
        reasons = {(e.source, e.member): e for e in failed}
        for a in todo:
            if a.id not in saved and (a.source, a.member) in reasons:
                failed_ids[a.id] = reasons[(a.source, a.member)]
    # a copy of an article that became an error row is an error row too, not a duplicate
    copies = [a for a in known if a.id in failed_ids]
    if copies:
        known = [a for a in known if a.id not in failed_ids]
        summary.duplicates -= len(copies)
        summary.errors += len(copies)
        summary.articles -= len(copies)
        errors.extend(ErrorRow(a.source, failed_ids[a.id].stage, f"same bytes as"
                               f" {failed_ids[a.id].source}: {failed_ids[a.id].reason}",
                               a.member) for a in copies)
    if known:
        store.add_sources((a.id, a.source, a.member) for a in known)
    if errors:
        store.save_errors(errors, summary.run_id)
        summary.error_stages.update(e.stage for e in errors)
    if on_progress:
        on_progress(summary.inputs, summary.articles)


def extract_batch(pipeline, articles: list[Article], *, timeout: float | None = ARTICLE_TIMEOUT,
                  max_chars: int | None = MAX_CHARS) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
    """Records for ``articles`` in this process; an article that fails becomes an ErrorRow.

    The model's components read the articles in batches; each article then goes through
    newslink's extractors within ``timeout`` seconds (per 100,000-character piece), so a slow or
    broken one costs only itself (:func:`nlp.workers.extract_many`).
    """
    records, errors = [], []
    for outcome in extract_many(pipeline, articles, timeout=timeout, max_chars=max_chars):
        (errors if isinstance(outcome, ErrorRow) else records).append(outcome)
    return records, errors


class Extractor:
    """Extraction for a run: in this process (one worker) or in a pool of worker processes.

    Each worker process loads the pipeline once, extracts whole articles within the time
    budget and sends back plain records; the parent only checks and stores. A worker that
    dies (killed, out of memory) costs the articles it held: they are retried one by one in
    a fresh pool and the one that kills it again becomes an error row.
    """

    def __init__(self, use_causal_model: bool = True, *, workers: int = 1,
                 timeout: float | None = ARTICLE_TIMEOUT, max_chars: int | None = MAX_CHARS):
        self.use_causal_model = use_causal_model
        self.workers = workers
        self.timeout = timeout
        self.max_chars = max_chars
        self._pipeline = None
        self._pool = None

    def submit(self, articles: list[Article]) -> Callable[[], tuple[list[dict[str, Any]], list[ErrorRow]]]:
        """Start extracting ``articles``; returns what collects (records, error rows), records in
        input order. With worker processes they start now; in this process, when collected."""
        if self.workers <= 1 or len(articles) == 1 and self._pool is None:
            return lambda: self._in_process(articles)
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            self._pool = self._new_pool()
        # each task is a batch of articles the worker's model reads together (at most BATCH_SIZE),
        # and each worker gets at least two tasks of a run's batch, so none waits for the other
        size = max(1, min(BATCH_SIZE, -(-len(articles) // (self.workers * 2))))
        chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
        try:
            outcomes = self._pool.map(workers.extract_many_in_worker, chunks, [self.timeout] * len(chunks),
                                      [self.max_chars] * len(chunks))
            outcomes = chain.from_iterable(outcomes)
        except (BrokenProcessPool, RuntimeError):  # the pool broke on an earlier batch
            outcomes = None
        return lambda: self._collect(articles, outcomes)

    def extract(self, articles: list[Article]) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
        """(records, error rows) for ``articles``, records in input order."""
        return self.submit(articles)()

    def _in_process(self, articles: list[Article]) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
        if self._pipeline is None:
            from nlp.pipeline import shared_pipeline

            self._pipeline = shared_pipeline(self.use_causal_model)
            workers.settle_collector()
        return extract_batch(self._pipeline, articles, timeout=self.timeout, max_chars=self.max_chars)

    def _new_pool(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=workers.start_worker,
                                   initargs=(self.use_causal_model,))

    def _collect(self, articles: list[Article], outcomes: Any) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
        """The outcomes of a pool's map; if a worker died, each article again in a fresh pool."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            if outcomes is None:
                raise BrokenProcessPool("the pool was broken")
            done = list(outcomes)
        except BrokenProcessPool:
            log.warning("a worker process died; retrying its batch of %d articles one by one",
                        len(articles))
            done = [self._one_in_fresh_pool(a) for a in articles]
        return [o for o in done if not isinstance(o, ErrorRow)], [o for o in done if isinstance(o, ErrorRow)]

    def _one_in_fresh_pool(self, article: Article) -> dict[str, Any] | ErrorRow:
        from concurrent.futures.process import BrokenProcessPool

        for _ in range(2):
            if self._pool is None:
                self._pool = self._new_pool()
            try:
                return self._pool.submit(workers.extract_in_worker, article, self.timeout,
                                         self.max_chars).result()
            except BrokenProcessPool as exc:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                reason = f"the worker process died while extracting it ({exc})"
        return ErrorRow(article.source, "extract", reason, article.member)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _import_prices(store: Store, paths: list[str | Path], summary: RunSummary) -> int:
    total = 0
    for p in paths:
        report = import_prices(store, p)
        total += report.rows
        store.save_errors([ErrorRow(str(problem.source), "prices", problem.reason, line=problem.line)
                           for problem in report.errors], summary.run_id)
        # a repaired bar is stored, and says so: never a silent import
        store.save_errors([_repair_note(p, note) for note in report.warnings], summary.run_id)
    return total


def _repair_note(path: str | Path, note: str) -> ErrorRow:
    """An ``errors`` row (stage ``prices``) for a warning such as ``f.csv:12: high 3 below low 4; ...``."""
    m = re.match(r"(?P<name>[^:]+):(?P<line>\d+): (?P<reason>.*)", note)
    where = Path(path)
    source = str(where / m["name"]) if m and where.is_dir() else str(where)
    if m:
        return ErrorRow(source, "prices", f"repaired: {m['reason']}", line=int(m["line"]))
    return ErrorRow(source, "prices", f"note: {note}")


def _batch_or_each(records: list[dict[str, Any]], stage: str,
                   action: Callable[[list[dict[str, Any]]], Any]
                   ) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
    """``action`` on the whole batch; if it raises, on each record alone, so that only the
    records it fails on are lost, each as an error row of ``stage``. Returns (kept, errors)."""
    try:
        action(records)
        return records, []
    except Exception:  # noqa: BLE001  (find the article that fails, keep the rest)
        kept, errors = [], []
        for r in records:
            try:
                action([r])
                kept.append(r)
            except Exception as exc:  # noqa: BLE001
                errors.append(_record_error(r, stage, exc))
        return kept, errors


def _check_records(store: Store, records: list[dict[str, Any]], summary: RunSummary,
                   prices: StorePrices) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
    """Check the records' claims; a record whose check raises becomes an error row (stage check)."""
    kept, errors = _batch_or_each(records, "check",
                                  lambda batch: check_records(store, batch, prices=prices))
    for r in kept:
        for c in r["claims"]:
            if c.get("check"):
                summary.verdicts[c["check"]["verdict"]] += 1
                summary.bases[(c["check"]["verdict"], c["check"].get("basis") or "no basis")] += 1
    return kept, errors


def _fill_reactions(store: Store, records: list[dict[str, Any]], summary: RunSummary,
                    prices: StorePrices, hours: float) -> list[ErrorRow]:
    """Reactions of the saved records; one that fails is an error row (stage reactions), its
    article stays stored."""
    def fill(batch: list[dict[str, Any]]) -> None:
        summary.reactions += fill_reactions(store, [r["article"]["id"] for r in batch], prices=prices,
                                            novelty_hours=hours)

    started = time.perf_counter()
    _, errors = _batch_or_each(records, "reactions", fill)
    summary.reaction_seconds += time.perf_counter() - started
    return errors


def _save_records(store: Store, records: list[dict[str, Any]], run_id: int | None,
                  version: str) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
    """Store the records in one transaction; if it fails, one by one (stage store)."""
    return _batch_or_each(records, "store", lambda batch: store.save_records(
        batch, run_id=run_id, pipeline_version=version))


def _record_error(record: dict[str, Any], stage: str, exc: Exception) -> ErrorRow:
    art = record["article"]
    log.warning("%s: %s failed: %s: %s", art.get("source"), stage, type(exc).__name__, exc)
    return ErrorRow(art.get("_source") or art.get("source"), stage, f"{type(exc).__name__}: {exc}",
                    art.get("_member"))
