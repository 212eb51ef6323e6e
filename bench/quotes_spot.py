"""Draw the quotes of random dev-archive articles outside every labelled sample, for a hand spot check.

    python bench/quotes_spot.py --seed 77 --n 150 --out spot.jsonl [--exclude OTHER.jsonl ...] [--samples-at COMMIT]

The articles are drawn with ``--seed`` among the archive's members that no file under ``tests/data``
names (nor the ``--exclude`` files). Each line holds one quote the current code extracts: member,
kind, speaker, speaker_kind, role, organization, cue and ``context`` (the text around it, the quote
between ``[[`` and ``]]``). Members that do not parse as articles are skipped. Spot checks are for
finding error patterns while tuning; the measures of issue 15 come from the locked halves.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_ARCHIVE = ROOT.parent / "shared/data/reuters/reuters-2012-08_2013-11-dev.tar.gz"


def sampled_members(extra: list[Path], commit: str | None) -> set[str]:
    """Every archive member a labelled file under tests/data (or an ``extra`` file) names; the spot
    checks themselves (``tests/data/quotes_spot``) do not count. With ``commit``, the files as that
    commit holds them, so that a draw is the same after later samples are committed."""
    texts = [path.read_text(encoding="utf-8") for path in extra]
    if commit:
        listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", commit, "tests/data"],
                                 check=True, capture_output=True, text=True).stdout.split()
        for name in listing:
            if name.endswith(".jsonl") and "quotes_spot" not in name:
                texts.append(subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{name}"], check=True,
                                            capture_output=True, text=True).stdout)
    else:
        texts += [p.read_text(encoding="utf-8") for p in ROOT.glob("tests/data/**/*.jsonl")
                  if "quotes_spot" not in p.parts]
    return {m for text in texts for m in re.findall(r'"member": "([^"]+)"', text)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=150, help="articles to draw")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    parser.add_argument("--samples-at", default=None,
                        help="a commit: exclude the articles of the samples it holds (default: the working tree's)")
    args = parser.parse_args()
    if not args.archive.exists():
        sys.exit(f"{args.archive}: the dev archive is not here (see ../shared/data/SOURCES.md)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from nlp.articles import ReadError, article_from_bytes
    from nlp.pipeline import extract_article, shared_pipeline

    seen = sampled_members(args.exclude, args.samples_at)
    with tarfile.open(args.archive, "r:gz") as tar:
        names = [m.name for m in tar.getmembers() if m.isfile() and m.name not in seen]  # archive order
    pick = set(random.Random(args.seed).sample(names, args.n))
    pipeline = shared_pipeline(False)
    lines = []
    with tarfile.open(args.archive, "r:gz") as tar:
        for info in tar:
            if info.name not in pick:
                continue
            try:
                article = article_from_bytes(tar.extractfile(info).read(), args.archive.name, info.name)
            except ReadError:
                continue
            text = article.text
            for q in extract_article(article, pipeline)["quotes"]:
                a, b = max(0, q["start"] - 350), min(len(text), q["end"] + 200)
                context = text[a : q["start"]] + "[[" + text[q["start"] : q["end"]] + "]]" + text[q["end"] : b]
                lines.append({"member": info.name, "kind": q["kind"], "speaker": q["speaker"],
                              "speaker_kind": q["speaker_kind"], "role": q["role"],
                              "organization": q["organization"], "cue": q["cue"],
                              "context": context.replace("\n", " ")})
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    print(f"{args.out}: {len(lines)} quotes from {len(pick)} drawn articles")


if __name__ == "__main__":
    main()
