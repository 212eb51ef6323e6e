"""What runs inside a worker process of ``newslink run --workers N``.

Each worker loads the pipeline once (:func:`start_worker`), then turns articles into plain
records (:func:`extract_in_worker`): no spaCy object crosses the process boundary, and the
parent only checks and stores.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from nlp.budget import ARTICLE_TIMEOUT, MAX_CHARS, THREADS_ENV, ArticleTimeout
from nlp.pipeline import extract_article, extract_articles, shared_pipeline
from nlp.store import ErrorRow
from nlp.types import Article

log = logging.getLogger(__name__)

_pipeline = None

#: thread pools in one worker: the workers are the parallelism, more threads only contend
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def start_worker(use_causal_model: bool = True) -> None:
    """Worker initializer: one thread per worker, and the pipeline loaded once."""
    global _pipeline
    for name in (*THREAD_VARIABLES, THREADS_ENV):
        os.environ.setdefault(name, "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    _pipeline = shared_pipeline(use_causal_model)
    settle_collector()


#: the cyclic garbage collector's thresholds for a process that extracts articles: a young-object
#: collection every 50,000 allocations rather than 700. Extraction allocates (and frees, by reference
#: counting) millions of short-lived objects that hold few cycles; on 200 dev articles this was 3-4%
#: less time, with the same records
COLLECTOR_THRESHOLDS = (50_000, 20, 10)


def settle_collector() -> None:
    """After the pipeline is loaded: move what exists now (model, master, word lists) out of the
    collector's sight (``gc.freeze``) and collect young objects less often. Process-wide; called by
    the processes that extract (``newslink run``'s own process and its workers), not on import."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def extract_in_worker(article: Article, timeout: float | None, max_chars: int | None
                      ) -> dict[str, Any] | ErrorRow:
    """The record of ``article`` (or its error row), extracted with this worker's pipeline."""
    if _pipeline is None:
        start_worker()
    return extract_one(_pipeline, article, timeout=timeout, max_chars=max_chars)


def extract_many_in_worker(articles: list[Article], timeout: float | None, max_chars: int | None
                           ) -> list[dict[str, Any] | ErrorRow]:
    """The records (or error rows) of ``articles`` in input order, with this worker's pipeline."""
    if _pipeline is None:
        start_worker()
    return extract_many(_pipeline, articles, timeout=timeout, max_chars=max_chars)


def extract_many(pipeline, articles: list[Article], *, timeout: float | None = ARTICLE_TIMEOUT,
                 max_chars: int | None = MAX_CHARS) -> list[dict[str, Any] | ErrorRow]:
    """The record or ErrorRow of each article, in input order; the model's components read the
    articles in batches (:func:`nlp.pipeline.extract_articles`). Never raises (but for
    KeyboardInterrupt and SystemExit)."""
    outcomes: list[dict[str, Any] | ErrorRow | None] = [None] * len(articles)
    todo = []
    for i, article in enumerate(articles):
        if max_chars is not None and len(article.text) > max_chars:
            outcomes[i] = _too_long(article, max_chars)
        else:
            todo.append(i)
    try:
        done = extract_articles([articles[i] for i in todo], pipeline, timeout=timeout)
    except Exception as exc:  # noqa: BLE001  (a failure outside any one article: each on its own)
        log.warning("batch extraction failed (%s: %s); extracting each article alone", type(exc).__name__, exc)
        done = [_safely(pipeline, articles[i], timeout) for i in todo]
    for i, outcome in zip(todo, done):
        outcomes[i] = _error_row(articles[i], outcome) if isinstance(outcome, Exception) else outcome
    return outcomes  # type: ignore[return-value]


def _safely(pipeline, article: Article, timeout: float | None) -> dict[str, Any] | Exception:
    try:
        return extract_article(article, pipeline, timeout=timeout)
    except Exception as exc:  # noqa: BLE001
        return exc


def _too_long(article: Article, max_chars: int) -> ErrorRow:
    return ErrorRow(article.source, "size", f"too long: {len(article.text):,} characters"
                    f" (the limit is {max_chars:,})", article.member)


def _error_row(article: Article, exc: Exception) -> ErrorRow:
    """The error row of an article whose extraction raised ``exc``."""
    if isinstance(exc, ArticleTimeout):
        return ErrorRow(article.source, "extract", str(exc), article.member)
    log.warning("%s: extraction failed: %s: %s", article.where, type(exc).__name__, exc)
    return ErrorRow(article.source, "extract", f"{type(exc).__name__}: {exc}", article.member)


def extract_one(pipeline, article: Article, *, timeout: float | None = ARTICLE_TIMEOUT,
                max_chars: int | None = MAX_CHARS) -> dict[str, Any] | ErrorRow:
    """The record of one article, or the ErrorRow that says why there is none. Never raises
    (but for KeyboardInterrupt and SystemExit)."""
    if max_chars is not None and len(article.text) > max_chars:
        return _too_long(article, max_chars)
    outcome = _safely(pipeline, article, timeout)
    return _error_row(article, outcome) if isinstance(outcome, Exception) else outcome
