"""Score stored quotes against the hand labels of a quotes sample (issue 15).

    python bench/quotes_eval.py tests/data/quotes_sample/tuning.jsonl [--merge LABELS.jsonl ...]

Without ``--merge``: prints, over the labelled lines, attribution precision (stored quotes that are
real attributions), and over the attributions speaker accuracy, role/organisation accuracy (among
quotes where the label or the stored quote gives a role or an organisation) and content exact, split
by quote kind. An organisation speaking for itself stored with its own name as its organisation is
right (newslink's convention; the labels put null there). With ``--merge``: first writes the labels of the given files (lines with ``id`` and
``label``) into the sample's ``label`` fields, matching by quote id, then scores.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def load_rows(path: Path) -> list[dict]:
    """The JSON objects of a JSON-lines file, blank lines skipped."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def merge(sample: Path, label_files: list[Path], key: str = "quote") -> int:
    labels = {row["id"]: row["label"] for path in label_files for row in load_rows(path)}
    rows = load_rows(sample)
    n = 0
    for r in rows:
        if r[key]["id"] in labels:
            r["label"] = labels[r[key]["id"]]
            n += 1
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return n


def _self(label: dict, quote: dict) -> bool:
    """An organisation speaking for itself, stored with its own name as its organisation: newslink's
    convention (the labels put null there); counted right when the speaker is right."""
    return (bool(label.get("speaker_ok")) and label.get("speaker_kind") == "organization"
            and not label.get("organization") and bool(quote.get("organization"))
            and quote.get("organization") == quote.get("speaker"))


def score(rows: list[dict]) -> dict[str, dict[str, tuple[int, int]]]:
    """kind (or "all") -> measure -> (right, out of)."""
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in rows:
        label = r.get("label")
        if not label:
            continue
        for kind in ("all", r["quote"].get("kind") or "?"):
            m = out[kind]
            m["attribution"][0] += bool(label["attribution"])
            m["attribution"][1] += 1
            if not label["attribution"]:
                continue
            m["speaker"][0] += bool(label["speaker_ok"])
            m["speaker"][1] += 1
            q = r["quote"]
            organization_ok = label["organization_ok"] or _self(label, q)
            stored_org = q.get("organization") if not _self(label, q) else None
            if label.get("role") or label.get("organization") or q.get("role") or stored_org:
                m["role and organisation"][0] += bool(label["role_ok"] and organization_ok)
                m["role and organisation"][1] += 1
            m["content exact"][0] += bool(label["content_exact"])
            m["content exact"][1] += 1
    return {k: {name: tuple(v) for name, v in m.items()} for k, m in out.items()}


def measure_line(group: str, measures: dict[str, tuple[int, int]]) -> str:
    """``  group: measure right/total (pct%); ...`` for the measures with a denominator."""
    parts = [f"{name} {right}/{total} ({100 * right / total:.1f}%)" for name, (right, total) in measures.items()
             if total]
    return f"  {group}: " + "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("--merge", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    if args.merge:
        print(f"{merge(args.sample, args.merge)} labels written into {args.sample}")
    rows = load_rows(args.sample)
    labelled = sum(1 for r in rows if r.get("label"))
    print(f"{args.sample}: {labelled} of {len(rows)} quotes labelled")
    for kind, measures in sorted(score(rows).items(), key=lambda kv: kv[0] != "all"):
        print(measure_line(kind, measures))


if __name__ == "__main__":
    main()
