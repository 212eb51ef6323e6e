"""Kill safety, measured: SIGKILL a run at random points, rerun, compare with a clean run.

    python bench/kill_safety.py [--kills 20] [--n 1000] [--max-delay 15] [--seed 14] [--out DIR]

Input: the first N files of the seeded fuzz folder (``tests/fuzz_corpus.py``: clean and
hostile articles) plus a ``prices/`` folder (the corpus prices), so articles, error rows,
checks and prices are all written. A clean run writes ``clean.db``. Then ``newslink run`` on
``killed.db`` is started again and again and killed with SIGKILL after a random delay (uniform
in 1..``--max-delay`` seconds, loading included, so kills fall while loading, importing prices,
extracting and committing), ``--kills`` times, each run resuming the last; a final run completes.
Prints each kill's delay and how many articles were stored at that point, then whether every
table (articles, sources, instruments, claims, checks, quotes, causes, errors, prices; run ids
and timestamps aside) is equal to the clean run's.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fuzz_corpus import write_fuzz_corpus  # noqa: E402
from nlp.store import CONTENT_TABLES, content_snapshot  # noqa: E402

TABLES = CONTENT_TABLES


def stored(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=1)
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
        return n
    except sqlite3.Error:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--max-delay", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="newslink-kill-"))
    folder = out / "in"
    write_fuzz_corpus(folder, args.n)
    shutil.copytree(ROOT / "corpus" / "prices", folder / "prices", dirs_exist_ok=True)
    shutil.copy(ROOT / "corpus" / "nikkei-2024-03-01.txt", folder / "nikkei-2024-03-01.txt")
    newslink = str(Path(sys.executable).with_name("newslink"))
    env = dict(os.environ, HF_HUB_OFFLINE="1")

    def command(db: Path) -> list[str]:
        return [newslink, "run", str(folder), "--db", str(db), "-q", "--batch-size", str(args.batch_size)]

    clean, killed = out / "clean.db", out / "killed.db"
    started = time.perf_counter()
    subprocess.run(command(clean), check=True, capture_output=True, env=env)
    duration = time.perf_counter() - started
    print(f"clean run: {duration:.1f} s, {stored(clean)} articles")
    rng = random.Random(args.seed)
    for k in range(1, args.kills + 1):
        delay = rng.uniform(1.0, args.max_delay)
        proc = subprocess.Popen(command(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            proc.wait(timeout=delay)
            note = "finished before the kill"
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            note = "killed"
        print(f"  kill {k:2d}: after {delay:5.1f} s, {note}; {stored(killed)} articles stored")
    subprocess.run(command(killed), check=True, capture_output=True, env=env)
    a, b = content_snapshot(clean), content_snapshot(killed)
    same = {t: a[t] == b[t] for t in TABLES}
    for t in TABLES:
        print(f"  {t:16s} {len(a[t]):6d} rows clean, {len(b[t]):6d} after kills: {'equal' if same[t] else 'DIFFERENT'}")
    print("IDENTICAL" if all(same.values()) else "DIFFERENT")
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
