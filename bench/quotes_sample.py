"""Draw the seeded random sample of stored quotes that issue 15 is measured on.

    python bench/quotes_sample.py --db reuters.db --seed 2027 --n 160 --out tests/data/quotes_sample \
        [--halves tests/data/checks_sample2/halves.json]

``reuters.db`` is a ``newslink run`` of the whole dev archive. The sample takes ``n`` quotes at random
with the seed, uniformly over all stored quotes (what a user sees). Each article date belongs to the
tuning half or the locked half: with ``--halves`` as in that file (the checks samples' halves, so a
date is on the same side for every issue), other dates at random with the seed. Writes
``tuning.jsonl`` and ``locked.jsonl``: per quote the article (member, title, date), the quote as
stored, the paragraph holding it with the two before, and the article's lead, which is what a
labeller needs to judge the speaker, role, organisation and content. ``label`` is left empty.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
from pathlib import Path

#: the most context kept before the quote's start and after its end, in characters
MAX_BEFORE, MAX_AFTER = 1500, 400
QUOTE_COLUMNS = ("id", "article_id", "idx", "text", "start", "end", "kind", "speaker", "speaker_kind",
                 "role", "organization", "organization_symbol", "cue", "paraphrase")


def context(text: str, start: int, end: int, paragraphs_before: int = 2) -> tuple[str, int]:
    """The paragraphs from ``paragraphs_before`` before the quote's to the one it ends in (at most
    MAX_BEFORE / MAX_AFTER characters around the quote), and the offset of that context in the text."""
    first = start
    for _ in range(paragraphs_before + 1):
        at = text.rfind("\n", 0, max(first - 1, 0))
        first = at + 1 if at >= 0 else 0
        if first == 0:
            break
    last = text.find("\n", end)
    last = len(text) if last < 0 else last
    first = max(first, start - MAX_BEFORE)  # a text without paragraph breaks
    last = min(last, end + MAX_AFTER)
    return text[first:last], first


def draw(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], n: int,
         rng: random.Random, exclude: set[str] = frozenset()) -> list[dict]:
    """``n`` rows of ``table`` drawn uniformly at random (by rowid) with ``rng``, none of them from
    the articles in ``exclude`` (ids)."""
    total = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    chosen: list[dict] = []
    seen: set[int] = set()
    while len(chosen) < n:
        rowid = rng.randint(1, total)
        if rowid in seen:
            continue
        seen.add(rowid)
        row = conn.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        if row is not None and dict(zip(columns, row)).get("article_id") not in exclude:
            chosen.append(dict(zip(columns, row)))
    return chosen


def write_halves(conn: sqlite3.Connection, chosen: list[dict], key: str, span, out: Path,
                 halves: Path | None, rng: random.Random) -> None:
    """Write ``tuning.jsonl`` / ``locked.jsonl`` (each row under ``key`` with its article, lead and
    context; ``span(row)`` gives the (start, end) the context is cut around) and ``halves.json``."""
    half = json.loads(halves.read_text(encoding="utf-8")) if halves else {}
    rows_by: dict[str, list[dict]] = {"tuning": [], "locked": []}
    for item in chosen:
        member, title, published, text = conn.execute(
            "SELECT member, title, published, text FROM articles WHERE id = ?", (item["article_id"],)).fetchone()
        day = published or ""
        if day not in half:
            half[day] = rng.choice(["tuning", "locked"])
        para, offset = context(text, *span(item))
        rows_by[half[day]].append({
            key: item, "article": {"member": member, "title": title, "published": published},
            "lead": text[:700], "context": para, "context_offset": offset, "label": None})
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in rows_by.items():
        rows.sort(key=lambda r: (r["article"]["published"] or "", r[key]["id"]))
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} {key}s")
    (out / "halves.json").write_text(json.dumps(dict(sorted(half.items())), indent=0), encoding="utf-8")


def sample_main(description: str, seed: int, n: int, table: str, columns: tuple[str, ...], key: str, span) -> None:
    """The command line of a sampler: ``--db --seed --n --out [--halves] [--exclude SAMPLE.jsonl ...]``
    (no row from an article of an earlier sample), then :func:`draw` and :func:`write_halves` over ``table``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--n", type=int, default=n)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--halves", type=Path, default=None)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    rng = random.Random(args.seed)
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    exclude = {json.loads(line)[key]["article_id"] for path in args.exclude
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    chosen = draw(conn, table, columns, args.n, rng, exclude)
    write_halves(conn, chosen, key, span, args.out, args.halves, rng)


def main() -> None:
    sample_main(__doc__.splitlines()[0], 2027, 160, "quotes", QUOTE_COLUMNS, "quote", lambda q: (q["start"], q["end"]))


if __name__ == "__main__":
    main()
