"""Calibrate the causal links' scores on a labelled causes sample, or check a calibration on another.

    python bench/causes_calibrate.py tests/data/causes_sample/tuning.jsonl [MORE.jsonl ...] --out nlp/models/causal/calibration.json
    python bench/causes_calibrate.py tests/data/causes_sample/locked.jsonl --check

Re-extracts the samples' articles (``bench/causes_rescore.py``), puts each labelled link the new run
still makes in its class (:func:`nlp.components.causes.link_class`: tagger alone, rule and tagger,
rule with a strong cue, rule with a weak cue) and writes, per class, the links, those labelled causal
and the score: the share causal (a second pass without the tagger adds the classes only the rules
alone make), Laplace-smoothed ((causal + 1) / (links + 2)) so that a small class
is not given 0 or 1. ``--check`` prints the reliability table instead: each class's calibrated score
beside the share causal on this sample (a held-out one), and the links' mean absolute gap.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from causes_rescore import DEFAULT_ARCHIVE, match, reextract  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    from nlp.components.causes import link_class, load_calibration

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for use_model in (True, False):
        # the second pass, rules only (``newslink run --no-model``), adds the classes only it makes
        seen = set(counts)
        for sample in args.samples:
            rows, records = reextract(sample, args.archive, args.cache, use_model)
            for r in rows:
                new = match(r["link"], records[r["article"]["member"]]["causes"])
                cls = link_class(new["method"], new["cue"]) if new is not None else None
                if cls is not None and cls not in seen:
                    counts[cls][0] += bool(r["label"]["causal"])
                    counts[cls][1] += 1
    samples = " ".join(str(s) for s in args.samples)
    if args.check:
        table = load_calibration()
        gap = total = 0
        print(f"{samples}: reliability of nlp/models/causal/calibration.json")
        for name, (causal, links) in sorted(counts.items(), key=lambda kv: -kv[1][1]):
            score = table.get(name)
            print(f"  {name}: calibrated {score if score is not None else '-'}; "
                  f"causal here {causal}/{links} ({causal / links:.3f})")
            if score is not None:
                gap += abs(score - causal / links) * links
                total += links
        if total:
            print(f"  mean absolute gap over {total} links: {gap / total:.3f}")
        return
    classes = {name: {"links": links, "causal": causal, "score": round((causal + 1) / (links + 2), 3)}
               for name, (causal, links) in sorted(counts.items())}
    out = {"about": "Calibrated scores of causal links by class (nlp.components.causes.link_class): the share "
                    "of a labelled sample's links of that class that labellers found causal, Laplace-smoothed "
                    "((causal + 1) / (links + 2)). Written by bench/causes_calibrate.py.",
           "sample": samples, "classes": classes}
    text = json.dumps(out, indent=1) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    print(text)


if __name__ == "__main__":
    main()
