"""Blind labelling chunks for a check sample, and the labels merged back.

    python bench/checks_blind.py split tests/data/checks_sample2/*.jsonl --chunks 8 --out /tmp/label
    python bench/checks_blind.py merge tests/data/checks_sample2/*.jsonl --labels /tmp/label/labels_*.jsonl

``split`` writes ``chunk_K.jsonl`` files holding every claim of the samples, interleaved
(claim n goes to chunk n mod K), without newslink's verdict (``check``), so a labeller judges
from the text and the prices alone. ``merge`` writes each ``{"id", "label"}`` line of the label
files into the ``label`` field of its claim, in place, and says which claims are still
unlabelled.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split(samples: list[Path], chunks: int, out: Path) -> None:
    items = [item for path in samples for item in load(path)]
    out.mkdir(parents=True, exist_ok=True)
    files = [open(out / f"chunk_{k}.jsonl", "w", encoding="utf-8") for k in range(chunks)]
    try:
        for n, item in enumerate(items):
            blind = {key: value for key, value in item.items() if key not in ("check", "label", "half")}
            files[n % chunks].write(json.dumps(blind, ensure_ascii=False) + "\n")
    finally:
        for f in files:
            f.close()
    print(f"{len(items)} claims in {chunks} chunks under {out}")


def merge(samples: list[Path], labels: list[Path]) -> None:
    found = {}
    for path in labels:
        for row in load(path):
            found[row["id"]] = row["label"]
    missing = 0
    for path in samples:
        items = load(path)
        for item in items:
            if item["id"] in found:
                item["label"] = found[item["id"]]
            missing += item.get("label") is None
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    print(f"{len(found)} labels merged; {missing} claims still unlabelled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("split")
    s.add_argument("samples", type=Path, nargs="+")
    s.add_argument("--chunks", type=int, default=8)
    s.add_argument("--out", type=Path, required=True)
    m = sub.add_parser("merge")
    m.add_argument("samples", type=Path, nargs="+")
    m.add_argument("--labels", type=Path, nargs="+", required=True)
    args = parser.parse_args()
    if args.command == "split":
        split(args.samples, args.chunks, args.out)
    else:
        merge(args.samples, args.labels)


if __name__ == "__main__":
    main()
