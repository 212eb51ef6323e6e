"""Score stored causal links against the hand labels of a causes sample (issue 12).

    python bench/causes_eval.py tests/data/causes_sample/tuning.jsonl [--merge LABELS.jsonl ...] [--db reuters.db]

Prints, over the labelled links: precision (links that are causal), both spans right (causal, with
the cause and the effect both right), each span right, and the share of links whose effect is a
market or business fact, overall and by method (rule, model, rule+model) and by cue. With
``--merge``, first writes the labels of the given files (lines with ``id`` and ``label``) into the
sample, matching by link id. With ``--db`` (the run the sample was drawn from), also prints the
number of stored links per article beside the figures, as issue 12 asks.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes_eval import load_rows, measure_line, merge  # noqa: E402

MEASURES = ("causal", "both spans right", "cause right", "effect right", "market effect")


def score(rows: list[dict], by: str | None = None) -> dict[str, dict[str, tuple[int, int]]]:
    """group ("all", or the link's ``by`` field) -> measure -> (right, out of)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in rows:
        label = r.get("label")
        if not label:
            continue
        group = "all" if by is None else str(r["link"].get(by))
        m = out[group]
        causal = bool(label["causal"])
        values = {"causal": causal, "both spans right": causal and label["cause_ok"] and label["effect_ok"],
                  "cause right": causal and label["cause_ok"], "effect right": causal and label["effect_ok"],
                  "market effect": bool(label.get("market_effect"))}
        for name, value in values.items():
            m[name][0] += bool(value)
            m[name][1] += 1
    return {k: {name: tuple(v) for name, v in m.items()} for k, m in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("--merge", type=Path, nargs="*", default=[])
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    if args.merge:
        print(f"{merge(args.sample, args.merge, key='link')} labels written into {args.sample}")
    rows = load_rows(args.sample)
    labelled = sum(1 for r in rows if r.get("label"))
    print(f"{args.sample}: {labelled} of {len(rows)} links labelled")
    if not labelled:
        return
    print(measure_line("all", score(rows)["all"]))
    for by in ("method", "cue"):
        groups = score(rows, by)
        for group in sorted(groups, key=lambda g: -groups[g]["causal"][1]):
            if groups[group]["causal"][1] >= 5 or by == "method":
                print(measure_line(f"{by} {group}", {k: v for k, v in groups[group].items() if k in MEASURES[:2]}))
    if args.db:
        conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        links, articles = conn.execute("SELECT count(*), (SELECT count(*) FROM articles) FROM causes").fetchone()
        print(f"  stored links per article in {args.db.name}: {links:,} / {articles:,} = {links / articles:.2f}")


if __name__ == "__main__":
    main()
