"""Batch processing: inputs → articles → facts → checks → SQLite, resumable and idempotent.

``run_inputs()`` is what ``newslink run`` calls. It reads every input, skips
articles the database already holds from the same pipeline version, extracts
the rest in batches, checks their claims against stored prices, and commits
each batch in one transaction, so a run killed at any point leaves only whole
articles and the next run carries on where it stopped.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from nlp.articles import read_inputs
from nlp.market import StorePrices, check_records, import_prices
from nlp.store import DEFAULT_DB, ErrorRow, Store
from nlp.types import Article

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
    use_causal_model: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    arguments: dict[str, Any] | None = None,
) -> RunSummary:
    """Process ``paths`` into the database ``db``; returns the run's summary.

    ``prices``: price files or folders imported before checking (``prices/``
    folders inside input folders are added automatically). ``on_progress`` is
    called with (inputs done, articles done) after each batch. Raises
    FileNotFoundError for a missing input path.
    """
    from nlp import pipeline as pl

    started = time.perf_counter()
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
        pipeline = None
        seen: set[str] = set()
        for batch in _batches(iter(items), batch_size):
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
            if todo:
                if pipeline is None:
                    pipeline = pl.shared_pipeline(use_causal_model)
                records, failed = extract_batch(pipeline, todo, workers=workers)
                summary.extract_errors += len(failed)
                errors.extend(failed)
                if check:
                    _check_records(store, records, summary, price_source)
                for r in records:
                    for key in ("instruments", "claims", "quotes", "causes"):
                        summary.facts[key] += len(r[key])
                store.save_records(records, run_id=summary.run_id, pipeline_version=version)
            if known:
                store.add_sources((a.id, a.source, a.member) for a in known)
            if errors:
                store.save_errors(errors, summary.run_id)
            if on_progress:
                on_progress(summary.inputs, summary.articles)
    except BaseException:
        summary.status = "failed"
        summary.seconds = time.perf_counter() - started
        store.finish_run(summary.run_id, summary.counts(), status="failed")
        raise
    summary.seconds = time.perf_counter() - started
    store.finish_run(summary.run_id, summary.counts())
    return summary


def extract_batch(pipeline, articles: list[Article], *, workers: int = 1
                  ) -> tuple[list[dict[str, Any]], list[ErrorRow]]:
    """Records for ``articles``; an article whose extraction raises becomes an ErrorRow.

    The batch goes through ``pipeline.pipe``; if anything in it raises, its
    articles are processed one at a time so only the broken one is lost.
    """
    from nlp.pipeline import build_record, make_doc

    docs = [make_doc(pipeline, a) for a in articles]
    try:
        processed = list(pipeline.pipe(docs, n_process=workers, batch_size=16))
    except Exception:  # one bad article: find it, keep the rest
        log.warning("a batch failed; processing its %d articles one by one", len(docs))
        processed = []
        for doc in [make_doc(pipeline, a) for a in articles]:
            try:
                processed.append(pipeline(doc))
            except Exception as exc:
                processed.append(f"{type(exc).__name__}: {exc}")
    records, errors = [], []
    for a, doc in zip(articles, processed):
        if isinstance(doc, str):
            errors.append(ErrorRow(a.source, "extract", doc, a.member))
        else:
            records.append(build_record(a, doc))
    return records, errors


def _import_prices(store: Store, paths: list[str | Path], summary: RunSummary) -> int:
    total = 0
    for p in paths:
        report = import_prices(store, p)
        total += report.rows
        store.save_errors([ErrorRow(str(problem.source), "prices", problem.reason, line=problem.line)
                           for problem in report.errors], summary.run_id)
    return total


def _check_records(store: Store, records: list[dict[str, Any]], summary: RunSummary,
                   prices: StorePrices) -> None:
    check_records(store, records, prices=prices)
    for r in records:
        for c in r["claims"]:
            if c.get("check"):
                summary.verdicts[c["check"]["verdict"]] += 1
