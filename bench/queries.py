"""Query speed on a whole-archive database: filtered claim queries and FTS searches.

Usage:

    python bench/queries.py --db reuters.db            # a database `newslink run` built
    python bench/queries.py --build /tmp/bench.db      # first build one from the Reuters
                                                       # dev archive (simple regex facts)

Targets: filtered claim queries < 20 ms median, full-text searches < 50 ms
median. Each query runs through the Python API (``nlp.query``, DataFrame
included) ``--repeat`` times; the median and the slowest run are printed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from nlp import query  # noqa: E402

CLAIM_TARGET_MS = 20.0
SEARCH_TARGET_MS = 50.0
_QUOTE = re.compile(r"\"([^\"]{20,300}?)[,.]?\" (?:said )?([A-Z][a-z]+ [A-Z][a-z]+)")
# Every "N percent" / "N points" is a claim here: denser than the regex facts of the tests.
_FIGURE = re.compile(r"\b(\d+(?:\.\d+)?) (percent|pct|points|basis points)\b")
_DOWN = re.compile(r"\b(fell|down|lower|dropped|declined|slipped|lost|slid|cut)\b")
_VERDICTS = ("supported", "supported", "contradicted", "unverifiable", "inconclusive")
INDICES = ("^GSPC", "^DJI", "^IXIC")


def bench_claims(record: dict) -> list[dict]:
    """Claims for every figure of the article, linked to the nearest RIC before it."""
    text, art = record["article"]["text"], record["article"]
    rics = [(m["start"], m["symbol"]) for m in record["instruments"]]
    claims = []
    for i, m in enumerate(_FIGURE.finditer(text)):
        before = [sym for pos, sym in rics if pos < m.start()]
        symbol = before[-1] if before else INDICES[i % 3] if i % 2 else None
        down = bool(_DOWN.search(text, max(0, m.start() - 40), m.start()))
        value = float(m.group(1)) * (-1 if down else 1)
        start = max(0, m.start() - 30)
        verdict = _VERDICTS[(int(art["id"][i % 60], 16) + i) % len(_VERDICTS)]
        claims.append({
            "id": f"c{i + 1}", "kind": "change" if i % 4 else "level", "text": text[start:m.end()],
            "start": start, "end": m.end(), "symbol": symbol, "direction": "down" if down else "up",
            "pct": value if m.group(2) in ("percent", "pct") else None,
            "points": value if m.group(2) == "points" else None,
            "bps": value if m.group(2) == "basis points" else None, "period": "session",
            "as_of": art["published"],
            "check": {"verdict": verdict, "basis": "close-to-close", "claimed": value,
                      "actual": value + (i % 3), "tolerance": 0.005,
                      "reference": {"date": art["published"], "close": 100.0},
                      "session": {"date": art["published"], "low": 99.0, "high": 101.0,
                                  "close": 100.5}}})
    return claims


def build(path: Path, limit: int | None = None) -> None:
    """Write simple records of the Reuters dev archive into a new database at ``path``."""
    from query_sample import reuters_records

    from nlp.store import Store

    if path.exists():
        raise SystemExit(f"{path} exists: remove it or pass it as --db")
    store = Store(path)
    batch, started, n = [], time.perf_counter(), 0
    for record in reuters_records(limit):
        text = record["article"]["text"]
        record["claims"] = bench_claims(record)
        record["quotes"] = [
            {"text": m.group(1), "start": m.start(1), "end": m.end(1), "kind": "direct",
             "speaker": m.group(2), "cue": "said"} for m in _QUOTE.finditer(text)]
        batch.append(record)
        if len(batch) == 500:
            store.save_records(batch, run_id=None, pipeline_version="bench")
            n += len(batch)
            batch = []
            print(f"\r{n} articles, {time.perf_counter() - started:.0f} s", end="", file=sys.stderr)
    store.save_records(batch, run_id=None, pipeline_version="bench")
    query.ensure_views(store.db)  # what Store.ensure_schema does for newslink's own databases
    store.conn.close()
    print(f"\rbuilt {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def timed(fn, repeat: int) -> tuple[float, float, int]:
    """Median and worst milliseconds of ``fn()`` over ``repeat`` runs, and its row count."""
    fn()  # warm the page cache
    times = []
    rows = 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(fn())
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), rows


def workload(db: Path) -> list[tuple[str, str, object]]:
    """(group, label, callable) for every benchmarked query, with values taken from ``db``."""
    conn = query.connect_readonly(db)
    try:
        symbol = conn.execute("SELECT symbol FROM claims WHERE symbol IS NOT NULL"
                              " GROUP BY symbol ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        first, last = conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
        counts = conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM"
                              " claims), (SELECT count(*) FROM quotes)").fetchone()
    finally:
        conn.close()
    print(f"{db}: {counts[0]} articles, {counts[1]} claims, {counts[2]} quotes, "
          f"{first}..{last}")
    conn = query.connect_readonly(db)
    middle = conn.execute("SELECT published FROM articles ORDER BY published LIMIT 1 OFFSET ?",
                          (counts[0] // 2,)).fetchone()[0]
    conn.close()
    month_from, month_to = f"{middle[:7]}-01", f"{middle[:7]}-31"  # a month mid-archive
    q = query
    return [
        ("claims", f"--symbol {symbol}", lambda: q.claims(db, symbol=symbol, limit=100)),
        ("claims", "--verdict contradicted", lambda: q.claims(db, verdict="contradicted", limit=100)),
        ("claims", "--verdict unchecked (none)", lambda: q.claims(db, verdict="unchecked", limit=100)),
        ("claims", "--symbol NOSUCH (none)", lambda: q.claims(db, symbol="NOSUCH", limit=100)),
        ("claims", f"--kind change --verdict supported --from/--to {middle[:7]}",
         lambda: q.claims(db, kind="change", verdict="supported", date_from=month_from,
                          date_to=month_to, limit=100)),
        ("claims", f"--symbol {symbol} --verdict supported --from {first[:4]}-01-01",
         lambda: q.claims(db, symbol=symbol, verdict="supported", date_from=f"{first[:4]}-01-01",
                          limit=100)),
        ("claims", "no filter", lambda: q.claims(db, limit=100)),
        ("claims", "--article PREFIX", lambda: q.claims(db, article="0000000", limit=100)),
        ("quotes", "--speaker Smith", lambda: q.quotes(db, speaker="Smith", limit=100)),
        ("search", "articles --search cross-shareholdings",
         lambda: q.articles(db, search="cross-shareholdings", limit=100)),
        ("search", "articles --search Treasury", lambda: q.articles(db, search="Treasury", limit=100)),
        ("search", f"articles --search \"Federal Reserve\" --from/--to {middle[:7]}",
         lambda: q.articles(db, search="Federal Reserve", date_from=month_from,
                            date_to=month_to, limit=100)),
        ("search", "claims --search Apple", lambda: q.claims(db, search="Apple", limit=100)),
        ("search", "claims --search shares --verdict contradicted",
         lambda: q.claims(db, search="shares", verdict="contradicted", limit=100)),
        ("search", "quotes --search growth", lambda: q.quotes(db, search="growth", limit=100)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to query")
    parser.add_argument("--build", type=Path, help="build this database from the archive first")
    parser.add_argument("--limit", type=int, help="build from the first N members only")
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args(argv)
    if args.build:
        build(args.build, args.limit)
    db = args.db or args.build
    if db is None:
        parser.error("give --db or --build")
    failed = 0
    print(f"{'query':<66} {'median ms':>9} {'max ms':>8} {'rows':>5}")
    for group, label, fn in workload(db):
        median, worst, rows = timed(fn, args.repeat)
        target = SEARCH_TARGET_MS if group == "search" else CLAIM_TARGET_MS
        ok = median < target
        failed += not ok
        print(f"{group + ' ' + label:<66.66} {median:9.2f} {worst:8.2f} {rows:5d}"
              f"  {'ok' if ok else f'SLOW (target {target:.0f} ms)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
