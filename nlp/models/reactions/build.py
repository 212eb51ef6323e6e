"""Generate nlp/models/reactions/idf.csv: word document frequencies for novelty's TF-IDF.

Maintainer's script, run once per reference archive; newslink only reads the result.

    .venv/bin/python nlp/models/reactions/build.py ../shared/data/reuters/reuters-2012-08_2013-11-dev.tar.gz

Every readable article (title and text) counts once; words in fewer than ``--min-df`` articles are
left out (they get the highest IDF, as unseen words do).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the checkout (nlp/models/reactions -> .)

from nlp.articles import read_inputs  # noqa: E402
from nlp.reactions import build_document_frequencies, write_document_frequencies  # noqa: E402
from nlp.types import Article  # noqa: E402


def texts(paths: list[str]):
    for item in read_inputs(paths):
        if isinstance(item, Article):
            yield f"{item.title or ''}\n{item.text}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", nargs="+", help="Files, folders or archives of articles.")
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "idf.csv"))
    args = parser.parse_args()
    table = build_document_frequencies(texts(args.archive), min_df=args.min_df)
    names = ", ".join(Path(a).name for a in args.archive)
    write_document_frequencies(table, args.out, f"{names} ({table.documents} articles, min df {args.min_df})")
    print(f"{len(table.counts)} words over {table.documents} articles -> {args.out}")


if __name__ == "__main__":
    main()
