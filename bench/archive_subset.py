"""A seeded random subset of an archive's members, as a plain tar, for a sample's run.

    python bench/archive_subset.py --n 1200 --seed 2030 --out /tmp/subset.tar \
        [--archive ../shared/data/reuters/reuters-2012-08_2013-11-dev.tar.gz] \
        [--exclude tests/data/causes_sample/tuning.jsonl ...]

A whole-archive run takes about an hour on the 2-core development machine; a hand-labelled sample
needs a few hundred facts. This takes ``n`` file members uniformly at random with the seed (none of
an article named by a sample in ``--exclude``: its ``article.member``), in archive order, so that
``newslink run`` over the subset gives the facts a whole-archive run gives for those articles. A
sample drawn uniformly from that run's facts is a two-stage sample: articles at random, then facts
at random among theirs.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes_eval import load_rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"


def sampled_members(paths: list[Path]) -> set[str]:
    """The archive members of every article named in the sample files."""
    # quotes and causes samples name it under "article", check samples and spot checks at the top
    members = {(row.get("article") or {}).get("member") or row.get("member")
               for path in paths for row in load_rows(path)}
    return members - {None, ""}


def member_names(archive: Path) -> list[str]:
    with tarfile.open(archive, "r|*") as tar:
        return [info.name for info in tar if info.isfile()]


def write_subset(archive: Path, n: int, seed: int, out: Path, exclude: set[str]) -> int:
    """Write ``n`` random file members of ``archive`` (none in ``exclude``) to ``out``; returns how many."""
    names = [name for name in member_names(archive) if name not in exclude]
    chosen = set(random.Random(seed).sample(names, min(n, len(names))))
    kept = 0
    with tarfile.open(archive, "r|*") as src, tarfile.open(out, "w") as dst:
        for info in src:
            if info.isfile() and info.name in chosen:
                dst.addfile(info, io.BytesIO(src.extractfile(info).read()))
                kept += 1
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    kept = write_subset(args.archive, args.n, args.seed, args.out, sampled_members(args.exclude))
    print(f"{kept} members of {args.archive.name} -> {args.out}")


if __name__ == "__main__":
    main()
