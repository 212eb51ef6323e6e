"""Throughput of newslink's run path against bare en_core_web_sm, measured in the same run.

    python bench/throughput.py [--n 200] [--archive PATH] [--workers 1] [--repeat 1]

Reads the first N articles of the Reuters dev archive, then in separate child
processes (so each peak RSS is its own):
  1. bare: the English spaCy model's ``pipe`` over the article texts;
  2. newslink: ``newslink run``'s library path (read, extract, check, store) into a fresh database;
  3. components: the newslink pipeline component by component, to show each one's share.
Prints articles/s, words/s, peak RSS and the ratio newslink / bare. With ``--repeat R`` the
three timed runs take turns R times (bare, model on, no model, bare, ...) and each reports its
fastest time, with the spread of its R times: on a 2-core machine one pass varies by 5%.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"


def first_articles(archive: Path, n: int, folder: Path) -> Path:
    """Write the first ``n`` readable articles of ``archive`` into a small tar in ``folder``."""
    from nlp.articles import read_inputs
    from nlp.types import Article

    out = folder / "slice.tar"
    kept = 0
    with tarfile.open(archive, "r|gz") as src, tarfile.open(out, "w") as dst:
        for info in src:
            if not info.isfile():
                continue
            raw = src.extractfile(info).read()
            tmp = folder / "probe"
            tmp.write_bytes(raw)
            if not any(isinstance(x, Article) for x in read_inputs([tmp])):
                continue
            info.size = len(raw)
            import io
            dst.addfile(info, io.BytesIO(raw))
            kept += 1
            if kept == n:
                break
    return out


def texts_of(slice_path: Path) -> list[str]:
    from nlp.articles import read_inputs
    from nlp.types import Article

    return [a.text for a in read_inputs([slice_path]) if isinstance(a, Article)]


def phase_bare(slice_path: Path, workers: int) -> dict:
    from nlp.pipeline import load_language

    texts = texts_of(slice_path)
    lang, name = load_language()
    lang(texts[0])
    t0 = time.perf_counter()
    words = sum(len(d) for d in lang.pipe(texts, n_process=workers, batch_size=16))
    return {"model": name, "articles": len(texts), "tokens": words,
            "seconds": time.perf_counter() - t0}


def warm_up(pipeline, slice_path: Path) -> None:
    """Run the pipeline once so lazily loaded models (the causal tagger) load before timing."""
    from nlp.articles import read_inputs
    from nlp.pipeline import make_doc
    from nlp.types import Article

    first = next(a for a in read_inputs([slice_path]) if isinstance(a, Article))
    pipeline(make_doc(pipeline, first))


def phase_newslink(slice_path: Path, workers: int, use_model: bool) -> dict:
    from nlp.pipeline import shared_pipeline
    from nlp.run import run_inputs

    warm_up(shared_pipeline(use_model), slice_path)  # load outside the timed part, as bare does
    texts = texts_of(slice_path)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = run_inputs([slice_path], Path(tmp) / "bench.db", workers=workers,
                             use_causal_model=use_model)
        seconds = time.perf_counter() - t0
    return {"articles": summary.articles, "tokens": None, "seconds": seconds,
            "claims": summary.facts.get("claims", 0), "chars": sum(map(len, texts))}


def phase_components(slice_path: Path) -> dict:
    from nlp.pipeline import make_doc, shared_pipeline
    from nlp.articles import read_inputs
    from nlp.types import Article

    pipeline = shared_pipeline(True)
    warm_up(pipeline, slice_path)
    arts = [a for a in read_inputs([slice_path]) if isinstance(a, Article)]
    docs = [make_doc(pipeline, a) for a in arts]
    spent: dict[str, float] = defaultdict(float)
    for name, proc in pipeline.pipeline:
        t0 = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=16))
        else:
            docs = [proc(d) for d in docs]
        spent[name] += time.perf_counter() - t0
    return {"seconds": dict(spent)}


def child(phase: str, slice_path: Path, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--slice", str(slice_path),
           "--workers", str(workers)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fastest(results: list[dict]) -> dict:
    """The fastest of a phase's runs, with every run's seconds as ``spread``."""
    best = dict(min(results, key=lambda r: r["seconds"]))
    best["spread"] = " ".join(f"{r['seconds']:.1f}" for r in results)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="articles to process")
    ap.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="timed passes of each run; the fastest counts")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--slice", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        result = {"bare": lambda: phase_bare(args.slice, args.workers),
                  "newslink": lambda: phase_newslink(args.slice, args.workers, True),
                  "newslink-no-model": lambda: phase_newslink(args.slice, args.workers, False),
                  "components": lambda: phase_components(args.slice)}[args.phase]()
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    if not args.archive.exists():
        sys.exit(f"{args.archive}: archive not found (needs ../shared/data/reuters)")
    with tempfile.TemporaryDirectory() as tmp:
        slice_path = first_articles(args.archive, args.n, Path(tmp))
        runs: dict[str, list[dict]] = defaultdict(list)
        for _ in range(max(1, args.repeat)):
            for phase in ("bare", "newslink", "newslink-no-model"):
                runs[phase].append(child(phase, slice_path, args.workers))
        bare, full, rules = (fastest(runs[p]) for p in ("bare", "newslink", "newslink-no-model"))
        comps = child("components", slice_path, args.workers)
    words = bare["tokens"]
    print(f"articles: {bare['articles']} (first of {args.archive.name}), tokens: {words:,},"
          f" workers: {args.workers}, model: {bare['model']}")
    print(f"{'run':<28}{'articles/s':>12}{'tokens/s':>12}{'peak RSS MB':>13}{'ratio':>8}"
          f"{'seconds of each pass':>24}")
    for label, r in (("bare en_core_web_sm pipe", bare), ("newslink run (model on)", full),
                     ("newslink run (--no-model)", rules)):
        aps = r["articles"] / r["seconds"]
        ratio = r["seconds"] / bare["seconds"]
        print(f"{label:<28}{aps:>12.1f}{words / r['seconds']:>12,.0f}{r['peak_rss_mb']:>13.0f}"
              f"{ratio:>7.2f}x{r['spread']:>24}")
    total = sum(comps["seconds"].values())
    print("component share of pipeline time (model on):")
    for name, s in sorted(comps["seconds"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<24}{s:>8.2f} s{100 * s / total:>7.1f}%")


if __name__ == "__main__":
    main()
