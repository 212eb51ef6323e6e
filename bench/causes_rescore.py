"""Re-extract the articles of a labelled causes sample with the current code and score its links.

    python bench/causes_rescore.py tests/data/causes_sample/tuning.jsonl [--archive A.tar.gz] [--no-model] [--show]

The labels of ``tests/data/causes_sample`` judge the links a past run stored. This script reads each
sampled article from the dev archive again, runs today's pipeline over it and looks for each
labelled link among the new links: the new link whose cause and effect both overlap the labelled
ones (at least half of the shorter span each), the closest one when several do. Then:

- a link the new run no longer makes is ``dropped``: a dropped causal link is a lost right answer,
  a dropped non-causal one a false alarm gone;
- a kept link keeps the labeller's ``causal`` verdict (the same two things, nearly the same words);
- a kept span the same as the stored one keeps the labeller's ``cause_ok`` / ``effect_ok``; a changed
  span is right when its words are those of the right span (the stored one when it was right, else
  the labeller's ``cause`` / ``effect``), leading and trailing function words, punctuation and
  instrument codes ("( ALVG.DE )") aside; with ``--relabels``, a changed span a labeller judged
  since (``bench/causes_relabel.py``) takes that judgement.

Precision is over the kept links. Links the new run makes that no labelled link matches are not in
the sample and are not judged; the links per article of the sampled articles are printed beside the
figures (then, from ``--db``, the run the sample was drawn from, and now). ``--show`` prints each
labelled link whose verdict changed, to read by hand.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nlp.articles import article_from_bytes  # noqa: E402
from quotes_eval import load_rows, measure_line  # noqa: E402
from quotes_rescore import DEFAULT_ARCHIVE, read_texts  # noqa: E402

EDGE_WORDS = {"the", "a", "an", "and", "or", "but", "that", "has", "have", "had", "is", "was", "were", "are",
              "been", "be", "also", "to", "of", "by", "in", "on", "s"}


_CODE = re.compile(r"\(\s*[A-Z0-9.^=]+\s*\)")


def _words(text: str | None) -> list[str]:
    found = re.findall(r"[a-z0-9]+", _CODE.sub(" ", text or "").lower().replace("\u2019", "'"))
    while found and found[0] in EDGE_WORDS:
        found.pop(0)
    while found and found[-1] in EDGE_WORDS:
        found.pop()
    return found


def same_span(new: str, gold: str | None) -> bool:
    """The new span holds the words of the right one, function words at the edges aside."""
    return gold is not None and _words(new) == _words(gold)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(inter, 0) / (min(a[1] - a[0], b[1] - b[0]) or 1)


def match(old: dict, links: list[dict]) -> dict | None:
    """The new link over (nearly) the same cause and effect as the stored link ``old``."""
    oc, oe = (old["cause_start"], old["cause_end"]), (old["effect_start"], old["effect_end"])
    best, best_score = None, 0.0
    for link in links:
        c = (link["cause"]["start"], link["cause"]["end"])
        e = (link["effect"]["start"], link["effect"]["end"])
        score = min(_overlap(oc, c), _overlap(oe, e))
        if score >= 0.5 and score > best_score:
            best, best_score = link, score
    return best


def relabel_key(link_id: str, part: str, span: dict) -> str:
    return f"{link_id}|{part}|{span['start']}-{span['end']}"


def judge(row: dict, new: dict | None, relabels: dict[str, bool] | None = None) -> dict:
    """Verdicts for one labelled link given the new link over it (None: dropped). A changed span
    that matches no right span and has no relabel is wrong and listed in ``unjudged``."""
    label, old = row["label"], row["link"]
    if new is None:
        return {"kept": False, "causal": bool(label["causal"]), "unjudged": []}
    verdict = {"kept": True, "causal": bool(label["causal"]), "unjudged": []}
    for part in ("cause", "effect"):
        if (new[part]["start"], new[part]["end"]) == (old[f"{part}_start"], old[f"{part}_end"]):
            verdict[part] = bool(label[f"{part}_ok"])
            continue
        gold = old[f"{part}_text"] if label[f"{part}_ok"] else label.get(part)
        key = relabel_key(old["id"], part, new[part])
        if same_span(new[part]["text"], gold):
            verdict[part] = True
        elif relabels is not None and key in relabels:
            verdict[part] = relabels[key]
        else:
            verdict[part] = False
            if label["causal"]:
                verdict["unjudged"].append(part)
    return verdict


def read_relabels(paths: list[Path]) -> dict[str, bool]:
    """key -> ok from the relabel files (lines with ``key`` and ``ok``; unfilled lines skipped)."""
    return {item["key"]: bool(item["ok"]) for path in paths for item in load_rows(path)
            if item.get("ok") is not None}


def reextract(sample: Path, archive: Path, cache: Path | None, use_model: bool) -> tuple[list[dict], dict]:
    """The labelled rows of ``sample`` and today's record of each sampled article (by member)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from nlp.pipeline import extract_article, shared_pipeline

    rows = [r for r in load_rows(sample) if r.get("label")]
    members = {r["article"]["member"] for r in rows}
    texts = read_texts(archive, members, cache)
    pipeline = shared_pipeline(use_model)
    records = {}
    for member in sorted(members):
        records[member] = extract_article(article_from_bytes(texts[member], archive.name, member), pipeline)
    return rows, records


def tally(verdicts: list[dict]) -> dict[str, tuple[int, int]]:
    kept = [v for v in verdicts if v["kept"]]
    causal = [v for v in kept if v["causal"]]
    return {
        "kept": (len(kept), len(verdicts)),
        "causal (precision)": (len(causal), len(kept)),
        "both spans right": (sum(v["cause"] and v["effect"] for v in causal), len(kept)),
        "cause right": (sum(v["cause"] for v in causal), len(kept)),
        "effect right": (sum(v["effect"] for v in causal), len(kept)),
        "causal links kept": (len(causal), sum(v["causal"] for v in verdicts)),
        "false links dropped": (sum(not v["kept"] and not v["causal"] for v in verdicts),
                                sum(not v["causal"] for v in verdicts)),
    }


def _sentence_around(row: dict) -> str:
    """The sentence(s) of the context that hold the stored link."""
    link, context, offset = row["link"], row["context"], row["context_offset"]
    a = min(link["cause_start"], link["effect_start"]) - offset
    b = max(link["cause_end"], link["effect_end"]) - offset
    starts = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z\"\u201c])", context[:max(a, 0)])]
    end = re.search(r"[.!?](?=\s+[A-Z\"\u201c]|\s*$)", context[b:])
    return context[starts[-1] if starts else 0 : b + (end.end() if end else len(context) - b)]


def classifier_line(rows: list[dict]) -> str:
    """The AUC of the task-1 classifier's probability for the stored links' sentences against the
    labels (0.5: no separation), and its CV threshold's precision and recall of causal links."""
    from nlp.causal.sentences import SentenceClassifier

    model = SentenceClassifier.load()
    probs = model.probabilities([_sentence_around(r) for r in rows])
    gold = [bool(r["label"]["causal"]) for r in rows]
    pos = [p for p, g in zip(probs, gold) if g]
    neg = [p for p, g in zip(probs, gold) if not g]
    auc = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / max(len(pos) * len(neg), 1)
    passed = [g for p, g in zip(probs, gold) if p >= model.threshold]
    return (f"  task-1 classifier over the {len(rows)} stored links' sentences: AUC {auc:.3f}; at its threshold "
            f"{model.threshold} it passes {len(passed)} links, {sum(passed)} causal "
            f"(recall {sum(passed) / max(len(pos), 1):.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=Path)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--cache", type=Path, default=None,
                        help="a JSON file keeping the sampled articles' bytes between runs")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    parser.add_argument("--relabels", type=Path, nargs="*", default=[],
                        help="judgements of changed spans (bench/causes_relabel.py)")
    parser.add_argument("--db", type=Path, default=None, help="the run the sample was drawn from")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--classifier", action="store_true",
                        help="also: how well the task-1 sentence classifier separates the labelled links")
    args = parser.parse_args()
    if not args.archive.exists():
        sys.exit(f"{args.archive}: the dev archive is not here (see ../shared/data/SOURCES.md)")
    rows, records = reextract(args.sample, args.archive, args.cache, not args.no_model)
    members = set(records)
    relabels = read_relabels(args.relabels)
    verdicts: list[dict] = []
    by_method: dict[str, list[dict]] = {}
    by_cue: dict[str, list[dict]] = {}
    for r in rows:
        links = records[r["article"]["member"]]["causes"]
        new = match(r["link"], links)
        v = judge(r, new, relabels)
        verdicts.append(v)
        by_method.setdefault(r["link"]["method"], []).append(v)
        by_cue.setdefault(str(r["link"]["cue"]), []).append(v)
        if args.show and (not v["kept"] or not (v.get("cause") and v.get("effect"))):
            old, label = r["link"], r["label"]
            state = "DROPPED" if not v["kept"] else "kept"
            print(f"--- {r['article']['member']} x{old['idx']} [{old['method']} {old['cue']}] "
                  f"causal={label['causal']} {state}")
            if new is not None:
                for part in ("cause", "effect"):
                    if not v[part]:
                        gold = old[f"{part}_text"] if label[f"{part}_ok"] else label.get(part)
                        print(f"  {part}: {new[part]['text']!r}\n    right: {gold!r}")
    now = sum(len(rec["causes"]) for rec in records.values())
    methods = Counter(link["method"] for rec in records.values() for link in rec["causes"])
    print(f"{args.sample}: {len(rows)} labelled links in {len(members)} articles, re-extracted")
    unjudged = sum(len(v["unjudged"]) for v in verdicts)
    if unjudged:
        print(f"  {unjudged} changed spans of causal links match no right span and have no relabel: counted wrong")
    print(measure_line("all", tally(verdicts)))
    for name, group in sorted(by_method.items(), key=lambda kv: -len(kv[1])):
        print(measure_line(f"stored as {name}", {k: v for k, v in tally(group).items() if k in ("kept", "causal (precision)")}))
    for name, group in sorted(by_cue.items(), key=lambda kv: -len(kv[1])):
        if len(group) >= 5:
            print(measure_line(f"cue {name}", {k: v for k, v in tally(group).items() if k in ("kept", "causal (precision)")}))
    if args.db:
        import sqlite3

        conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        ids = sorted({r["link"]["article_id"] for r in rows})
        then = conn.execute(f"SELECT count(*) FROM causes WHERE article_id IN ({','.join('?' * len(ids))})",
                            ids).fetchone()[0]
        print(f"  links in the sampled articles then ({args.db.name}): {then} ({then / len(ids):.2f} an article)")
    if args.classifier:
        print(classifier_line(rows))
    print(f"  links in the sampled articles now: {now} ({now / len(members):.2f} an article; "
          + ", ".join(f"{m} {n}" for m, n in methods.most_common()) + ")")


if __name__ == "__main__":
    main()
