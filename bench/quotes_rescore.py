"""Re-extract the articles of a labelled quotes sample with the current code and score its quotes.

    python bench/quotes_rescore.py tests/data/quotes_sample/tuning.jsonl [--archive A.tar.gz] [--show]

The labels of ``tests/data/quotes_sample`` judge the quotes as a past run stored them. This script
reads each sampled article from the dev archive again, runs today's pipeline over it, and finds the
labelled quote among the new quotes by span (the new quote overlapping it most, at least half of the
shorter span). Then, field by field:

- a value the same as the stored one keeps the labeller's verdict (``speaker_ok``, ``role_ok``, ...);
- a changed value is compared with the label's own value by fixed rules (:func:`same_name`,
  :func:`same_role`): case, punctuation, a leading article and corporate suffixes do not count, a
  surname or the first words of the labelled name are right, an acronym of it is right; the
  labelled firm's words inside a labelled role do not count;
- content: the labelled content (the stored text when ``content_exact``) compared exactly, ignoring
  surrounding spaces and quote marks.

A labelled attribution the new run no longer finds counts against every measure (``lost``). The
measures and their denominators are those of ``bench/quotes_eval.py``. ``--show`` prints every
quote whose verdict changed, and every miss, to read by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nlp.articles import article_from_bytes  # noqa: E402
from quotes_eval import _self, load_rows, measure_line  # noqa: E402

DEFAULT_ARCHIVE = Path(__file__).resolve().parents[2] / "shared/data/reuters/reuters-2012-08_2013-11-dev.tar.gz"
SUFFIXES = {"inc", "corp", "corporation", "co", "ltd", "plc", "ag", "sa", "se", "nv", "llc", "lp",
            "group", "holdings", "company", "the", "a", "an", "of", "and", "&"}
MARKS = " \t\n\"'\u201c\u201d\u2018\u2019.,;:"


def words(value: str | None) -> list[str]:
    return re.findall(r"[a-z0-9]+", (value or "").lower().replace("\u2019", "'").replace("'s ", " "))


def core(value: str | None) -> list[str]:
    return [w for w in words(value) if w not in SUFFIXES]


def same_name(new: str | None, gold: str | None) -> bool:
    """``new`` names what ``gold`` names: equal cores, one core the first words or last word(s) of the
    other (a surname, "JPMorgan" for "JPMorgan Chase"), or an acronym of it ("MPS")."""
    if not new or not gold:
        return not new and not gold
    a, b = core(new), core(gold)
    if not a or not b:
        return words(new) == words(gold)
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_[:len(short)] == short or long_[-len(short):] == short:
        return True
    initials = "".join(w[0] for w in words(gold if len(b) > len(a) else new) if w not in {"of", "and", "the", "&"})
    other = "".join(a if len(b) > len(a) else b)
    return len(other) >= 2 and other == initials


def same_role(new: str | None, gold: str | None, organization: str | None = None) -> bool:
    """Roles: equal words, or one the other's words with a qualifier more or less ("chief
    executive" / "chief executive officer", "analyst" / "senior analyst"). The words of the
    labelled ``organization`` inside the labelled role do not count ("former Facebook executive"
    with Facebook as the firm is "former executive")."""
    if not new or not gold:
        return not new and not gold
    a, b = words(new), words(gold)
    firm = set(core(organization))
    if firm and any(w in firm for w in b) and not any(w in firm for w in a):
        b = [w for w in b if w not in firm] or b
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    text = " " + " ".join(long_) + " "
    return " " + " ".join(short) + " " in text


def read_texts(archive: Path, members: set[str], cache: Path | None) -> dict[str, bytes]:
    if cache and cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        if members <= set(data):
            return {m: data[m].encode("latin-1") for m in members}
    found: dict[str, bytes] = {}
    with tarfile.open(archive, "r|gz") as tar:
        for info in tar:
            if info.isfile() and info.name in members:
                found[info.name] = tar.extractfile(info).read()
                if len(found) == len(members):
                    break
    if cache:
        cache.write_text(json.dumps({m: raw.decode("latin-1") for m, raw in found.items()}), encoding="utf-8")
    return found


def overlap(a: dict, b: dict) -> float:
    inter = min(a["end"], b["end"]) - max(a["start"], b["start"])
    shorter = min(a["end"] - a["start"], b["end"] - b["start"]) or 1
    return inter / shorter


def match(old: dict, quotes: list[dict]) -> dict | None:
    best = max(quotes, key=lambda q: overlap(old, q), default=None)
    return best if best is not None and overlap(old, best) >= 0.5 else None


def clean(text: str | None) -> str:
    return (text or "").strip(MARKS)


def judge(row: dict, new: dict | None) -> dict:
    """Verdicts for one labelled attribution given its re-extracted quote (None: lost)."""
    label, old = row["label"], row["quote"]
    if new is None:
        return {"lost": True, "speaker": False, "role": False, "organization": False, "content": False,
                "has_role_org": True}
    speaker_ok = label["speaker_ok"] if new["speaker"] == old["speaker"] else same_name(new["speaker"], label["speaker"])
    own = (speaker_ok and label.get("speaker_kind") == "organization" and not label.get("organization")
           and new.get("organization") and same_name(new["organization"], new["speaker"]))
    if new.get("role") == old.get("role"):
        role_ok = label["role_ok"]
    else:
        role_ok = same_role(new.get("role"), label.get("role"), label.get("organization"))
    if own:
        organization_ok = True
    elif new.get("organization") == old.get("organization"):
        organization_ok = label["organization_ok"] or _self(label, old)
    else:
        organization_ok = same_name(new.get("organization"), label.get("organization"))
    gold_content = old["text"] if label["content_exact"] else (label.get("content") or "")
    content_ok = clean(new["text"]) == clean(gold_content)
    stored_org = None if own else new.get("organization")
    return {"lost": False, "speaker": bool(speaker_ok), "role": bool(role_ok),
            "organization": bool(organization_ok), "content": content_ok,
            "has_role_org": bool(label.get("role") or label.get("organization") or new.get("role") or stored_org)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--cache", type=Path, default=None,
                        help="a JSON file keeping the sampled articles' bytes between runs")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    if not args.archive.exists():
        sys.exit(f"{args.archive}: the dev archive is not here (see ../shared/data/SOURCES.md)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from nlp.pipeline import extract_article, shared_pipeline

    rows = load_rows(args.sample)
    rows = [r for r in rows if r.get("label") and r["label"]["attribution"]]
    texts = read_texts(args.archive, {r["article"]["member"] for r in rows}, args.cache)
    pipeline = shared_pipeline(False)
    records: dict[str, dict] = {}
    totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in rows:
        member = r["article"]["member"]
        if member not in records:
            article = article_from_bytes(texts[member], args.archive.name, member)
            records[member] = extract_article(article, pipeline)
        new = match(r["quote"], records[member]["quotes"])
        v = judge(r, new)
        for kind in ("all", r["quote"].get("kind") or "?"):
            m = totals[kind]
            m["found"][0] += not v["lost"]
            m["found"][1] += 1
            m["speaker"][0] += v["speaker"]
            m["speaker"][1] += 1
            if v["has_role_org"]:
                m["role and organisation"][0] += v["role"] and v["organization"]
                m["role and organisation"][1] += 1
            m["content exact"][0] += v["content"]
            m["content exact"][1] += 1
        if args.show and (v["lost"] or not (v["speaker"] and v["role"] and v["organization"] and v["content"])):
            label, old = r["label"], r["quote"]
            print(f"--- {member} q{old['idx']} [{old['kind']}]" + (" LOST" if v["lost"] else ""))
            if new:
                for field, key, ok in (("speaker", "speaker", "speaker"), ("role", "role", "role"),
                                       ("organization", "organization", "organization")):
                    if not v[ok]:
                        print(f"  {field}: {new.get(key)!r} (stored {old.get(key)!r}, label {label.get(key)!r})")
                if not v["content"]:
                    print(f"  content: {new['text']!r}\n    label: {(old['text'] if label['content_exact'] else label.get('content'))!r}")
    print(f"{args.sample}: {len(rows)} labelled attributions, re-extracted")
    for kind, measures in sorted(totals.items(), key=lambda kv: kv[0] != "all"):
        print(measure_line(kind, measures))


if __name__ == "__main__":
    main()
