"""Train several causal-tagger configurations side by side and compare their dev scores.

Every run uses the same FinCausal split (seed 13 unless a configuration says otherwise) and
keeps its best epoch, exactly as ``newslink train causal`` does; this script only runs them in
parallel worker processes (one GPU shared, or the CPU) and prints a table sorted by dev F1.
Artifacts over the 10 MB limit are reported and never kept.

    python bench/causal_sweep.py --out /tmp/sweep --parallel 4            # the built-in grid
    python bench/causal_sweep.py --out /tmp/sweep --configs grid.json     # your own grid

``grid.json`` is a list of objects of :func:`nlp.causal.train.train` keyword arguments, each
with a ``name``. ``--keep DIR`` copies the best artifact (weights, config, model card) to DIR.

On a GPU machine without this project's virtual environment (how the committed artifact was
trained): copy the base model's folder with its weights in fp16 (45 MB instead of 91 MB) and point
``NEWSLINK_CAUSAL_BASE`` at it, put the repository on ``PYTHONPATH`` (the training code needs only
torch, transformers, safetensors and nltk), and pass ``--data`` a copy of the two FinCausal task-2
files. The artifact's dev scores were then checked again on CPU over the fp32 base: identical.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMIT_BYTES = 10 * 1024 * 1024

#: The built-in grid: the second sweep of 2026-11-27, whose f5-r32-bs8-e16 is the committed artifact.
GRID = [
    {"name": "f5-r32-bs8-e12", "frozen_layers": 5, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 8, "epochs": 12},
    {"name": "f5-r32-bs8-e16", "frozen_layers": 5, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 8, "epochs": 16},
    {"name": "f5-r48-bs8-e12", "frozen_layers": 5, "lora_rank": 48, "lora_alpha": 48.0, "batch_size": 8, "epochs": 12},
    {"name": "f4-r32-bs8-e12", "frozen_layers": 4, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 8, "epochs": 12},
    {"name": "f4-r32-bs8-e16-lr1.5e-4", "frozen_layers": 4, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 8, "epochs": 16, "learning_rate": 0.00015},
    {"name": "f5-r32-bs16-e16-lr3e-4", "frozen_layers": 5, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 16, "epochs": 16, "learning_rate": 0.0003},
    {"name": "f6-r64-bs8-e20", "frozen_layers": 6, "lora_rank": 64, "lora_alpha": 64.0, "batch_size": 8, "epochs": 20},
    {"name": "f5-r32-bs8-e12-hlr5e-4", "frozen_layers": 5, "lora_rank": 32, "lora_alpha": 32.0, "batch_size": 8, "epochs": 12, "head_learning_rate": 0.0005},
]


def _run(job: dict) -> dict:
    import logging

    import torch

    from nlp.causal.train import train

    logging.basicConfig(level=logging.INFO, format=f"[{job['name']}] %(message)s")
    torch.set_num_threads(job.pop("threads", 2))
    name, out = job.pop("name"), Path(job.pop("out"))
    started = time.monotonic()
    try:
        config = train(out, **job)
    except Exception as exc:  # one failed configuration must not hide the others
        return {"name": name, "error": repr(exc)}
    size = sum(p.stat().st_size for p in out.iterdir())
    result = {"name": name, "out": str(out), "bytes": size, "seconds": round(time.monotonic() - started),
              "best": config["dev"], "by_source": config.get("dev_by_source"), "kwargs": job}
    (out.parent / f"{name}.result.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for one artifact per configuration")
    parser.add_argument("--configs", type=Path, help="JSON list of configurations (default: the built-in grid)")
    parser.add_argument("--data", type=Path, help="FinCausal folder (default: ../shared/data/fincausal)")
    parser.add_argument("--parallel", type=int, default=2, help="configurations trained at once")
    parser.add_argument("--threads", type=int, default=2, help="torch threads per configuration")
    parser.add_argument("--only", nargs="*", help="run only these configuration names")
    parser.add_argument("--keep", type=Path, help="copy the best artifact under the size limit here")
    parser.add_argument("--keep-top", type=int, default=1,
                        help="with --keep: copy the N best, each into a folder of its name")
    parser.add_argument("--results", type=Path, help="write all results as JSON here")
    parser.add_argument("--summarize", action="store_true", help="train nothing: tabulate the runs already in --out")
    args = parser.parse_args(argv)
    if args.summarize:
        results = [json.loads(p.read_text()) for p in sorted(args.out.glob("*.result.json"))]
        return _report(results, args)

    grid = json.loads(args.configs.read_text()) if args.configs else GRID
    if args.only:
        grid = [c for c in grid if c["name"] in args.only]
    jobs = []
    for config in grid:
        job = {**config, "out": str(args.out / config["name"]), "threads": args.threads}
        if args.data:
            job["data_dir"] = str(args.data)
        jobs.append(job)
    args.out.mkdir(parents=True, exist_ok=True)
    with mp.get_context("spawn").Pool(max(1, args.parallel)) as pool:
        results = pool.map(_run, jobs, chunksize=1)
    return _report(results, args)


def _report(results: list[dict], args) -> int:
    ok = sorted((r for r in results if "best" in r), key=lambda r: -r["best"]["f1"])
    print(f"\n{'configuration':26} {'F1':>7} {'exact':>7} {'cause':>7} {'effect':>7} {'epoch':>5} {'MB':>6} {'s':>5}")
    for r in ok:
        b = r["best"]
        flag = "" if r["bytes"] <= LIMIT_BYTES else "  over 10 MB"
        print(f"{r['name']:26} {b['f1']:7.4f} {b['exact_match']:7.4f} {b['cause_f1']:7.4f} {b['effect_f1']:7.4f} "
              f"{b['epoch']:5d} {r['bytes'] / 1e6:6.2f} {r['seconds']:5d}{flag}")
    for r in results:
        if "error" in r:
            print(f"{r['name']}: failed: {r['error']}")
    if args.results:
        args.results.write_text(json.dumps(results, indent=2) + "\n")
    keep = [r for r in ok if r["bytes"] <= LIMIT_BYTES]
    if args.keep and keep:
        for r in keep[: max(1, args.keep_top)]:
            target = args.keep if args.keep_top <= 1 else args.keep / r["name"]
            target.mkdir(parents=True, exist_ok=True)
            for path in Path(r["out"]).iterdir():
                shutil.copy2(path, target / path.name)
            print(f"kept {r['name']} in {target}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
