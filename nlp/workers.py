"""What runs inside a worker process of ``newslink run --workers N``.

Each worker loads the pipeline once (:func:`start_worker`), then turns articles into plain
records (:func:`extract_in_worker`): no spaCy object crosses the process boundary, and the
parent only checks and stores.
"""

from __future__ import annotations

import os
from typing import Any

from nlp.store import ErrorRow
from nlp.types import Article

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
    from nlp.pipeline import shared_pipeline

    _pipeline = shared_pipeline(use_causal_model)


def extract_in_worker(article: Article, timeout: float | None, max_chars: int | None
                      ) -> dict[str, Any] | ErrorRow:
    """The record of ``article`` (or its error row), extracted with this worker's pipeline."""
    from nlp.run import extract_one

    if _pipeline is None:
        start_worker()
    return extract_one(_pipeline, article, timeout=timeout, max_chars=max_chars)
