"""Score the current extractor and checker on the hand-labelled check sample (issue 11).

    python bench/checks_eval.py tests/data/checks_sample/tuning.jsonl [--prices-db prices.db] [-v]

Re-reads each sampled article from the Reuters dev archive, extracts it with the current
pipeline, checks its claims against the US prices and finds the labelled claim again (the new
claim whose span overlaps the labelled one most). Prints, against the hand labels
(``tests/data/checks_sample/LABELING.md``):

- precision of each verdict: the share of the claims now given that verdict whose label agrees;
- checkable claims left unverifiable: labelled ``checkable`` but now ``unverifiable``;
- the confusion of new verdicts against the labels, and (``-v``) every disagreement.

A labelled claim that is no longer extracted counts as ``unverifiable`` (the user sees nothing).
The price database is built on first use at ``--prices-db`` and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tarfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
ARCHIVE = SHARED / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"
US = SHARED / "prices" / "us-2012-2017"
VERDICTS = ("supported", "contradicted", "inconclusive", "unverifiable")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def members(names: set[str]) -> dict[str, bytes]:
    found = {}
    with tarfile.open(ARCHIVE, "r|gz") as tar:
        for info in tar:
            if info.name in names:
                f = tar.extractfile(info)
                found[info.name] = f.read() if f else b""
                if len(found) == len(names):
                    break
    return found


def price_store(path: Path):
    from nlp.market import import_prices
    from nlp.store import Store

    fresh = not path.exists()
    store = Store(path)
    if fresh:
        import_prices(store, US)
    return store


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(items: list[dict], store, verbose: bool = False) -> dict:
    from nlp.articles import read_bytes
    from nlp.market import StorePrices, check_records
    from nlp.pipeline import extract_article, shared_pipeline
    from nlp.types import Article

    pipeline = shared_pipeline(True)
    prices = StorePrices(store)
    raw = members({i["member"] for i in items})
    records = {}
    for name, data in raw.items():
        article = next(x for x in read_bytes(data, str(ARCHIVE), name) if isinstance(x, Article))
        record = extract_article(article, pipeline)
        check_records(store, [record], prices=prices)
        records[name] = record
    rows = []
    for item in items:
        label = item["label"] or {}
        old = (item["claim"]["start"], item["claim"]["end"])
        claims = records.get(item["member"], {}).get("claims", [])
        best = max(claims, key=lambda c: overlap(old, (c["start"], c["end"])), default=None)
        if best is None or overlap(old, (best["start"], best["end"])) == 0:
            new, why, basis = "unverifiable", "no longer extracted", None
        else:
            new, why, basis = best["check"]["verdict"], best["check"].get("note"), best["check"].get("basis")
        rows.append({"id": item["id"], "old": item["check"]["verdict"], "new": new, "why": why,
                     "right": label.get("right_verdict"), "checkable": label.get("checkable"),
                     "text": item["claim"]["text"], "note": label.get("note"), "basis": basis})
    out = {"claims": len(rows), "labelled": sum(r["right"] is not None for r in rows)}
    for v in VERDICTS:
        given = [r for r in rows if r["new"] == v and r["right"]]
        out[f"{v}_given"] = len(given)
        out[f"{v}_precision"] = (sum(r["right"] == v for r in given) / len(given)) if given else None
    checkable = [r for r in rows if r["checkable"]]
    out["checkable"] = len(checkable)
    out["checkable_unverifiable"] = (sum(r["new"] == "unverifiable" for r in checkable) / len(checkable)
                                     if checkable else None)
    out["confusion"] = Counter(f"{r['new']} (label {r['right']})" for r in rows)
    if verbose:
        for r in rows:
            if r["right"] and r["new"] != r["right"]:
                print(f"- {r['id'][-12:]} new {r['new']} ({r['basis']}) / label {r['right']} (was"
                      f" {r['old']}): {r['text']!r}\n    newslink: {r['why']}\n    label: {r['note']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sample", type=Path, nargs="+")
    parser.add_argument("--prices-db", type=Path, default=Path("/tmp/newslink-us-prices.db"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    items = [i for p in args.sample for i in load(p)]
    result = evaluate(items, price_store(args.prices_db), args.verbose)
    for key, value in result.items():
        if key == "confusion":
            print("confusion (new verdict, hand label):")
            for k, n in sorted(value.items()):
                print(f"  {n:4d}  {k}")
        elif isinstance(value, float):
            print(f"{key}: {value:.3f}")
        else:
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
