"""k-fold cross-validation of the causal tagger's recipe on FinCausal task 2 (issue 12).

    python bench/causal_cv.py --out DIR [--folds 5] [--seed 13] [--parallel 1] [--threads 2]
                              [--recipe '{"epochs": 16, ...}'] [--only 0 2] [--summarize]

The texts of both FinCausal task-2 files are shuffled with the seed and dealt into k folds
(``nlp.causal.data.fold_by_text``: every text is held out exactly once, its relations together).
For each fold the recipe is trained on the other folds and scored with the official metric on the
held-out one. The score reported is the **last** epoch's, so the held-out fold chose nothing (not
the epoch, not the settings); the best epoch's score is printed beside it as the optimistic figure
that a single dev split gives. Each fold writes ``fold<i>.result.json`` under DIR as soon as it ends,
so ``--summarize`` tabulates a partial run, and ``--only`` runs the missing folds later.

The default recipe is the committed artifact's (``nlp/models/causal/README.md``). On a GPU machine
the folds run side by side with ``--parallel``. On this project's 2-core CPU one fold of three
(16 epochs of 1,084 relations) took 1,974 s on one thread beside another job.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: the committed artifact's recipe (its model card's training command)
RECIPE = {"epochs": 16, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 8, "learning_rate": 0.00015}


def _run(job: dict) -> dict:
    import logging

    import torch

    from nlp.causal.train import train

    logging.basicConfig(level=logging.INFO, format=f"[fold {job['fold']}] %(message)s", force=True)
    torch.set_num_threads(job.pop("threads"))
    out = Path(job.pop("out"))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as artifact:
        config = train(artifact, write_card=False, keep="last", **job)
    history = config["history"]
    best = max(history, key=lambda h: h["f1"])
    result = {"fold": job["fold"], "folds": job["folds"], "seed": job["seed"],
              "train_relations": config["train_relations"], "held_out_relations": config["dev_relations"],
              "held_out_texts": config["dev_texts"], "last": history[-1], "best": best,
              "seconds": round(time.monotonic() - started), "recipe": {k: v for k, v in job.items()
                                                                       if k not in ("fold", "folds", "seed", "data_dir")}}
    (out / f"fold{job['fold']}.result.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def report(results: list[dict], folds: int) -> str:
    """The table of folds and the mean (sample standard deviation) of each measure."""
    results = sorted(results, key=lambda r: r["fold"])
    lines = [f"{'fold':>4} {'held out':>9} {'F1 (last)':>10} {'exact':>7} {'cause F1':>9} {'effect F1':>10}"
             f" {'best F1':>8} {'at epoch':>9} {'s':>6}"]
    for r in results:
        last, best = r["last"], r["best"]
        lines.append(f"{r['fold']:>4} {r['held_out_relations']:>9} {last['f1']:>10.4f} {last['exact_match']:>7.4f}"
                     f" {last['cause_f1']:>9.4f} {last['effect_f1']:>10.4f} {best['f1']:>8.4f} {best['epoch']:>9}"
                     f" {r['seconds']:>6}")

    def mean(key: str, part: str = "last") -> str:
        values = [r[part][key] for r in results]
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return f"{statistics.fmean(values):.4f} (sd {sd:.4f})"

    done = len(results)
    lines.append(f"{done} of {folds} folds: F1 {mean('f1')}, exact match {mean('exact_match')},"
                 f" best-epoch F1 {mean('f1', 'best')}")
    if done < folds:
        lines.append("(not every fold has run: the mean is of the folds above)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the per-fold results")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13, help="shuffles the texts into folds")
    parser.add_argument("--recipe", help="JSON object of nlp.causal.train.train keyword arguments"
                                         " (default: the committed artifact's)")
    parser.add_argument("--data", type=Path, help="FinCausal folder (default: ../shared/data/fincausal)")
    parser.add_argument("--parallel", type=int, default=1, help="folds trained at once")
    parser.add_argument("--threads", type=int, default=2, help="torch threads per fold")
    parser.add_argument("--only", type=int, nargs="*", help="run only these folds (0-based)")
    parser.add_argument("--summarize", action="store_true", help="train nothing: tabulate the folds in --out")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.summarize:
        recipe = json.loads(args.recipe) if args.recipe else RECIPE
        jobs = []
        for fold in (args.only if args.only is not None else range(args.folds)):
            job = {**recipe, "folds": args.folds, "fold": fold, "seed": args.seed, "out": str(args.out),
                   "threads": args.threads}
            if args.data:
                job["data_dir"] = str(args.data)
            jobs.append(job)
        with mp.get_context("spawn").Pool(max(1, args.parallel)) as pool:
            pool.map(_run, jobs, chunksize=1)
    results = [json.loads(p.read_text()) for p in sorted(args.out.glob("fold*.result.json"))]
    results = [r for r in results if r["folds"] == args.folds and r["seed"] == args.seed]
    if not results:
        print(f"no fold results in {args.out}")
        return 1
    print(report(results, args.folds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
