"""The changed spans a re-extraction of the causes sample makes, written out for a labeller to judge.

    python bench/causes_relabel.py tests/data/causes_sample/tuning.jsonl --out RELABEL.jsonl [--cache C.json]

``bench/causes_rescore.py`` can judge a changed cause or effect by itself only when its words are
those of the right span. Every other changed span of a causal link is written here, one line each:
``key`` (link id, part and offsets), ``part``, ``span`` (the new text), ``other`` (the link's other
span), ``cue``, ``sentence`` context and an empty ``ok``. The labeller fills ``ok`` (is this span the
constituent a careful reader would underline as the cause / the effect, small boundary differences
aside?) without seeing the old span or its label, following ``tests/data/causes_sample/PROMPT.md``.
``causes_rescore.py --relabels RELABEL.jsonl`` then uses the judgements.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from causes_rescore import DEFAULT_ARCHIVE, judge, match, read_relabels, reextract, relabel_key  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    rows, records = reextract(args.sample, args.archive, args.cache, not args.no_model)
    done = read_relabels([args.out]) if args.out.exists() else {}
    items = []
    for r in rows:
        member = r["article"]["member"]
        new = match(r["link"], records[member]["causes"])
        verdict = judge(r, new, done)
        text = records[member]["article"]["text"]
        for part in verdict["unjudged"]:
            other = "effect" if part == "cause" else "cause"
            a = max(0, min(new["cause"]["start"], new["effect"]["start"]) - 300)
            b = max(new["cause"]["end"], new["effect"]["end"]) + 200
            items.append({"key": relabel_key(r["link"]["id"], part, new[part]), "part": part,
                          "span": new[part]["text"], "other": new[other]["text"], "cue": new["cue"],
                          "context": text[a:b], "ok": None, "right": None})
    with args.out.open("a", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} changed spans to judge appended to {args.out} ({len(done)} judged before)")


if __name__ == "__main__":
    main()
