"""Draw the seeded, stratified sample of real check verdicts that issue 11 is measured on.

    python bench/checks_sample.py --db reuters.db --seed 1111 --out tests/data/checks_sample \
        [--contradicted 160] [--supported 110] [--unverifiable 110] [--inconclusive 0] \
        [--halves halves.json] [--exclude earlier.jsonl ...]

``reuters.db`` is a ``newslink run`` of the whole dev archive with the US prices
(``--prices ../shared/data/prices/us-2012-2017``). The sample takes, at random with the seed,
the given number of claims of each verdict. Every distinct article date is assigned, at random
with the same seed, to the tuning half or the locked half, so a day's articles stay together
and both halves span the whole period. With ``--halves`` the dates keep the halves of an earlier
sample (the rest are assigned at random) and the counts are drawn per half; ``--exclude`` leaves
out the articles of earlier samples. Writes ``tuning.jsonl`` and ``locked.jsonl``: per claim
the article (member, title, publish time), the claim as extracted, its sentence and the
paragraph's first sentence, the verdict with its numbers, and the daily bars around the
claim's date for its symbol and the S&P 500 (close-to-close moves included), which is what a
labeller needs to check it by hand. The ``label`` field is left for the labeller.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
from pathlib import Path

VERDICT_COLUMNS = ("verdict", "basis", "claimed", "actual", "tolerance", "reference_date",
                   "reference_close", "session_date", "session_low", "session_high",
                   "session_close", "index_symbol", "index_move", "note")
CLAIM_COLUMNS = ("claim_id", "kind", "text", "start", "end", "subject", "symbol", "direction", "pct",
                 "points", "level", "record", "period", "as_of", "window_start", "precision",
                 "hedge", "exchange", "after_hours")
INDEX = "^GSPC"


def sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """(the sentence(s) holding [start, end), the first sentence of that paragraph)."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    stops = [m.end() for m in re.finditer(r"[.!?][\"”’]?\s+(?=[A-Z\"“(])", text[para_start:start])]
    s0 = para_start + (stops[-1] if stops else 0)
    m = re.search(r"[.!?][\"”’]?(?:\s+(?=[A-Z\"“(])|$)", text[end:para_end])
    s1 = end + m.end() if m else para_end
    first = re.search(r"[.!?][\"”’]?(?:\s+(?=[A-Z\"“(])|$)", text[para_start:para_end])
    opener = text[para_start: para_start + first.end()] if first else text[para_start:para_end]
    return text[s0:s1].strip(), opener.strip()


def bars_around(conn: sqlite3.Connection, symbol: str, date: str, before: int = 25, after: int = 3
                ) -> list[dict]:
    rows = conn.execute("SELECT date, open, high, low, close FROM prices WHERE symbol = ? AND date <= ?"
                        " ORDER BY date DESC LIMIT ?", (symbol, date, before + 1)).fetchall()[::-1]
    rows += conn.execute("SELECT date, open, high, low, close FROM prices WHERE symbol = ? AND date > ?"
                         " ORDER BY date LIMIT ?", (symbol, date, after)).fetchall()
    out, prev = [], None
    for d, o, h, l, c in rows:
        bar = {"date": d, "open": o, "high": h, "low": l, "close": c}
        if prev:
            bar["close_to_close_pct"] = round((c / prev - 1) * 100, 3)
            if h is not None and l is not None:
                bar["range_pct"] = [round((l / prev - 1) * 100, 3), round((h / prev - 1) * 100, 3)]
        out.append(bar)
        prev = c
    return out


def year_context(conn: sqlite3.Connection, symbol: str, date: str) -> dict:
    """Closes a labeller needs for year-to-date, record and long-window claims."""
    year = date[:4]
    last_prev_year = conn.execute("SELECT date, close FROM prices WHERE symbol = ? AND date < ?"
                                  " ORDER BY date DESC LIMIT 1", (symbol, f"{year}-01-01")).fetchone()
    high = conn.execute("SELECT date, max(close) FROM prices WHERE symbol = ? AND date < ?",
                        (symbol, date)).fetchone()
    first = conn.execute("SELECT min(date) FROM prices WHERE symbol = ?", (symbol,)).fetchone()[0]
    return {"last_close_of_previous_year": last_prev_year, "highest_close_before": high,
            "history_from": first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1111)
    parser.add_argument("--out", type=Path, default=Path("tests/data/checks_sample"))
    parser.add_argument("--contradicted", type=int, default=160)
    parser.add_argument("--supported", type=int, default=110)
    parser.add_argument("--unverifiable", type=int, default=110)
    parser.add_argument("--inconclusive", type=int, default=0)
    parser.add_argument("--halves", type=Path, default=None,
                        help="JSON {date: tuning|locked} fixing each article date's half; a date it"
                             " lacks is assigned at random with the seed. The counts are then per half.")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[],
                        help="earlier samples (jsonl) whose articles are left out")
    args = parser.parse_args()
    conn = sqlite3.connect(args.db)
    rng = random.Random(args.seed)
    skip = {json.loads(line)["id"].split(":")[0] for p in args.exclude
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()}
    picked = []
    counts = (("contradicted", args.contradicted), ("supported", args.supported),
              ("inconclusive", args.inconclusive), ("unverifiable", args.unverifiable))
    if args.halves is None:
        for verdict, n in counts:
            ids = [r[0] for r in conn.execute("SELECT claim FROM checks WHERE verdict = ? ORDER BY claim",
                                              (verdict,)) if r[0].split(":")[0] not in skip]
            picked += rng.sample(ids, min(n, len(ids)))
        dates = sorted({r[0] for r in conn.execute(
            f"SELECT DISTINCT a.published FROM claims c JOIN articles a ON a.id = c.article_id"
            f" WHERE c.id IN ({','.join('?' * len(picked))})", picked)})
        half = {d: ("tuning" if rng.random() < 0.5 else "locked") for d in dates}
    else:
        half = json.loads(args.halves.read_text(encoding="utf-8"))
        for d in sorted(r[0] for r in conn.execute("SELECT DISTINCT published FROM articles"
                                                     " WHERE published IS NOT NULL")):
            if d not in half:
                half[d] = "tuning" if rng.random() < 0.5 else "locked"
        for name in ("tuning", "locked"):
            for verdict, n in counts:
                ids = [r[0] for r in conn.execute(
                    "SELECT k.claim, a.published FROM checks k JOIN articles a ON a.id = k.article_id"
                    " WHERE k.verdict = ? ORDER BY k.claim", (verdict,))
                    if half.get(r[1]) == name and r[0].split(":")[0] not in skip]
                picked += rng.sample(ids, min(n, len(ids)))
    items = {"tuning": [], "locked": []}
    for pk in picked:
        c = dict(zip(CLAIM_COLUMNS, conn.execute(
            f"SELECT {', '.join(chr(34) + x + chr(34) for x in CLAIM_COLUMNS)} FROM claims WHERE id = ?", (pk,)).fetchone()))
        check = dict(zip(VERDICT_COLUMNS, conn.execute(
            f"SELECT {', '.join(VERDICT_COLUMNS)} FROM checks WHERE claim = ?", (pk,)).fetchone()))
        aid = pk.split(":")[0]
        member, title, published, published_time, text = conn.execute(
            "SELECT member, title, published, published_time, text FROM articles WHERE id = ?",
            (aid,)).fetchone()
        sentence, opener = sentence_around(text, c["start"], c["end"])
        date = c["as_of"] or published
        item = {"id": pk, "half": half[published], "member": member, "title": title,
                "published_time": published_time, "claim": c, "sentence": sentence,
                "paragraph_opener": opener, "check": check,
                "prices": {}, "label": None}
        for symbol in dict.fromkeys(s for s in (c["symbol"], INDEX) if s):
            bars = bars_around(conn, symbol, date)
            if bars:
                item["prices"][symbol] = {"bars": bars, **year_context(conn, symbol, date)}
        items[half[published]].append(item)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in items.items():
        rows.sort(key=lambda x: (x["published_time"] or "", x["id"]))
        with open(args.out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        found = {v: sum(r["check"]["verdict"] == v for r in rows) for v in
                 ("contradicted", "supported", "inconclusive", "unverifiable")}
        print(f"{name}: {len(rows)} claims {found}")


if __name__ == "__main__":
    main()
