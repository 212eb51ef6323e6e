"""What runs inside a worker process of ``newslink run --workers N``.

Each worker loads the pipeline once (:func:`start_worker`), then turns articles into plain
records (:func:`extract_in_worker`): no spaCy object crosses the process boundary, and the
parent only checks and stores.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from nlp.budget import ARTICLE_TIMEOUT, MAX_CHARS, ArticleTimeout
from nlp.pipeline import extract_article, shared_pipeline
from nlp.store import ErrorRow
from nlp.types import Article

log = logging.getLogger(__name__)

_pipeline = None

#: thread pools in one worker: the workers are the parallelism, more threads only contend
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def start_worker(use_causal_model: bool = True) -> None:
    """Worker initializer: one thread per worker, and the pipeline loaded once."""
    global _pipeline
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    _pipeline = shared_pipeline(use_causal_model)


def extract_in_worker(article: Article, timeout: float | None, max_chars: int | None
                      ) -> dict[str, Any] | ErrorRow:
    """The record of ``article`` (or its error row), extracted with this worker's pipeline."""
    if _pipeline is None:
        start_worker()
    return extract_one(_pipeline, article, timeout=timeout, max_chars=max_chars)


def extract_one(pipeline, article: Article, *, timeout: float | None = ARTICLE_TIMEOUT,
                max_chars: int | None = MAX_CHARS) -> dict[str, Any] | ErrorRow:
    """The record of one article, or the ErrorRow that says why there is none. Never raises
    (but for KeyboardInterrupt and SystemExit)."""
    if max_chars is not None and len(article.text) > max_chars:
        return ErrorRow(article.source, "size", f"too long: {len(article.text):,} characters"
                        f" (the limit is {max_chars:,})", article.member)
    try:
        return extract_article(article, pipeline, timeout=timeout)
    except ArticleTimeout as exc:
        return ErrorRow(article.source, "extract", str(exc), article.member)
    except Exception as exc:  # noqa: BLE001  (any failure is this article's error row)
        log.warning("%s: extraction failed: %s: %s", article.where, type(exc).__name__, exc)
        return ErrorRow(article.source, "extract", f"{type(exc).__name__}: {exc}", article.member)
