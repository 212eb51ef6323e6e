"""Do workers help? ``newslink run``'s path with 1 worker, N worker processes and a Dask LocalCluster of
N workers, on the same articles, measured in the same run.

    python bench/workers.py [--n 240] [--workers 2] [--skip 4000] [--no-model] [--no-dask]

Each extractor is started and warmed on a few other articles first (pools spawn and load the pipeline
once per worker; that start-up is printed apart: on a whole archive it is paid once). Then each
configuration runs ``run_inputs`` (read, extract, check, store, reactions) over the same slice into a
fresh database with the US prices; the single-process run goes first and last, so that drift shows.
A process that extracts alone uses two threads by default (the NER's embedding beside the parser,
two torch threads for the causal tagger: ``nlp.budget.process_threads``); the single process also
runs once with one thread (``NEWSLINK_THREADS=1``), the baseline of the workers' scaling, since each
worker process takes one thread. Prints articles/s and the speed-ups over both single-process runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reactions import DEFAULT_ARCHIVE, DEFAULT_PRICES, slice_of  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=240)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip", type=int, default=4000)
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()

    from nlp.market import import_prices
    from nlp.run import Extractor, run_inputs
    from nlp.store import Store

    use_model = not args.no_model
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        tmp = Path(tmp)
        articles = slice_of(DEFAULT_ARCHIVE, args.skip, args.n, tmp / "slice.tar")
        warm = slice_of(DEFAULT_ARCHIVE, 0, 4 * args.workers, tmp / "warm.tar")
        template = tmp / "template.db"
        store = Store(template)
        import_prices(store, DEFAULT_PRICES)
        store.conn.close()

        def start(kind: str):
            began = time.perf_counter()
            if kind == "dask":
                from nlp.distributed import DaskExtractor

                extractor = DaskExtractor(None, use_model, workers=args.workers)
            else:
                extractor = Extractor(use_model, workers=1 if kind == "one" else args.workers)
            run_inputs([warm], tmp / f"warm-{kind}.db", extractor=extractor, use_causal_model=use_model)
            return extractor, time.perf_counter() - began

        plan = [("one", "1 process, 2 threads (default)", 0), ("one", "1 process, 1 thread", 1),
                ("pool", f"{args.workers} worker processes", 0)]
        if not args.no_dask:
            plan.append(("dask", f"Dask LocalCluster, {args.workers} workers", 0))
        plan += [("one", "1 process, 1 thread, again", 1), ("one", "1 process, 2 threads, again", 0)]
        results = []
        extractors: dict[str, tuple] = {}
        for k, (kind, label, threads) in enumerate(plan):
            if kind not in extractors:
                extractors[kind] = start(kind)
            extractor, startup = extractors[kind]
            db = tmp / f"run-{k}.db"
            shutil.copy(template, db)
            with one_thread() if threads == 1 else contextlib.nullcontext():
                began = time.perf_counter()
                summary = run_inputs([articles], db, extractor=extractor, use_causal_model=use_model)
                results.append((label, summary.articles, time.perf_counter() - began, startup))
        for extractor, _ in extractors.values():
            extractor.close()

    two = (results[0][2] + results[-1][2]) / 2
    one = (results[1][2] + results[-2][2]) / 2
    print(f"{results[0][1]} articles (members {args.skip + 1}..{args.skip + args.n} of {DEFAULT_ARCHIVE.name}),"
          f" model {'on' if use_model else 'off'}")
    print(f"{'configuration':<36}{'seconds':>9}{'articles/s':>12}{'vs 1 thread':>13}{'vs default':>12}"
          f"{'start-up s':>12}")
    for label, n, seconds, startup in results:
        print(f"{label:<36}{seconds:>9.1f}{n / seconds:>12.2f}{one / seconds:>12.2f}x{two / seconds:>11.2f}x"
              f"{startup:>12.1f}")
    print("speed-ups: against the mean of the two runs of one process with 1 thread (each worker process"
          " has one), and with its default 2 threads")


@contextlib.contextmanager
def one_thread():
    """This process extracts with one thread inside the block, as a worker process does."""
    import torch

    from nlp.budget import THREADS_ENV

    before, threads = os.environ.get(THREADS_ENV), torch.get_num_threads()
    os.environ[THREADS_ENV] = "1"
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        if before is None:
            os.environ.pop(THREADS_ENV, None)
        else:
            os.environ[THREADS_ENV] = before


if __name__ == "__main__":
    main()
