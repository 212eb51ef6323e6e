"""The issue-14 acceptance run: 1,000 hostile files plus one 1.3-million-character article.

    python bench/hostile_run.py [--n 1000] [--scale 3] [--long 1300000] [--workers 1] [--out DIR]

Writes the fuzz folder (``tests/fuzz_corpus.py``, seeded; its big pathological texts reach
~30 KB at scale 3, ~100 KB at scale 10) and the long article, runs ``newslink run`` on it as a
user would (causal model on, checks on, the default time budget), and prints the exit status,
the wall time, how every file was accounted for (article, error row or duplicate) and the error
rows by stage and reason. The run must exit 0 and account for every file.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_corpus import SEED, long_article, write_fuzz_corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--scale", type=int, default=3)
    parser.add_argument("--long", type=int, default=1_300_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="keep the folder and database here")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="newslink-hostile-"))
    folder, db = out / "fuzz", out / "hostile.db"
    files = write_fuzz_corpus(folder, args.n, args.seed, args.scale)
    long_path = folder / "long-article"
    long_path.write_bytes(long_article(args.long, args.seed))
    files.append(long_path)
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB, in {folder} (seed {args.seed}, scale {args.scale})")
    newslink = Path(sys.executable).with_name("newslink")
    cmd = [str(newslink), "run", str(folder), "--db", str(db), "-q", "--workers", str(args.workers)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    seconds = time.perf_counter() - started
    print(f"exit status {proc.returncode} after {seconds:.0f} s ({seconds / 60:.1f} min)")
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        return 1
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    errors = conn.execute("SELECT count(*) FROM errors WHERE stage != 'prices'").fetchone()[0]
    duplicates = conn.execute("SELECT duplicates FROM runs ORDER BY id DESC").fetchone()[0]
    sources = {r[0] for r in conn.execute(
        "SELECT source FROM article_sources UNION SELECT source FROM errors")}
    missing = [str(p) for p in files if str(p) not in sources]
    print(f"articles {stored} + error rows {errors} + duplicates {duplicates} = {stored + errors + duplicates}"
          f" of {len(files)} files; files with no row: {len(missing)}")
    long_row = conn.execute("SELECT chars FROM articles WHERE source = ?", (str(long_path),)).fetchone()
    long_error = conn.execute("SELECT reason FROM errors WHERE source = ?", (str(long_path),)).fetchone()
    print(f"the {args.long:,}-character article: "
          + (f"stored ({long_row[0]:,} characters)" if long_row else f"error row: {long_error}"))
    print("error rows by stage and reason:")
    for stage, reason, n in conn.execute(
            "SELECT stage, substr(reason, 1, 70), count(*) FROM errors WHERE stage != 'prices'"
            " GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 25"):
        print(f"  {n:5d}  {stage:8s} {reason}")
    ok = proc.returncode == 0 and not missing and stored + errors + duplicates == len(files)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
