"""The FinCausal task-2 metric, as the shared task scored it.

Every text is tokenised with NLTK's Treebank tokenizer and each token labelled cause,
effect or other, once from the gold relation and once from the predicted one.
Precision, recall and F1 are averaged over the three classes weighted by their gold
support (``other`` included); exact match is the share of relations whose whole label
sequence is right. A text holding several relations has its predictions paired with its
gold relations greedily, best agreement first. Cause and effect F1 are reported apart too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

OTHER, CAUSE, EFFECT = "-", "C", "E"
CLASSES = (OTHER, CAUSE, EFFECT)


@dataclass
class Scored:
    """One text with its gold and predicted cause and effect strings."""

    text: str
    cause: str
    effect: str


@cache
def _treebank():
    from nltk.tokenize import TreebankWordTokenizer

    return TreebankWordTokenizer()


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the Treebank tokens of ``text`` (no NLTK data needed).

    Tokens the tokenizer rewrote (quotes become `` and '') are found by their original form.
    """
    spans = []
    pos = 0
    for token in _treebank().tokenize(text):
        candidates = [token, '"'] if token in ("``", "''") else [token]
        for form in candidates:
            found = text.find(form, pos)
            if found >= 0 and text[pos:found].strip() == "":
                spans.append((found, found + len(form)))
                pos = found + len(form)
                break
    return spans


def _span_of(text: str, part: str) -> tuple[int, int] | None:
    part = part.strip()
    if not part:
        return None
    found = text.find(part)
    return (found, found + len(part)) if found >= 0 else None


def label_tokens(text: str, cause: str, effect: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
    """The cause / effect / other label of each Treebank token of ``text``.

    A token takes a label when more than half of its characters lie in that span;
    a cause or effect string not found in the text labels nothing.
    """
    spans = spans if spans is not None else token_spans(text)
    parts = {CAUSE: _span_of(text, cause), EFFECT: _span_of(text, effect)}
    labels = []
    for s, e in spans:
        best, best_overlap = OTHER, 0
        for label, part in parts.items():
            if part is None:
                continue
            overlap = min(e, part[1]) - max(s, part[0])
            if overlap * 2 > (e - s) and overlap > best_overlap:
                best, best_overlap = label, overlap
        labels.append(best)
    return labels


def _agreement(a: list[str], b: list[str]) -> int:
    return sum(x == y for x, y in zip(a, b))


def pair_labels(gold: Sequence[Scored], predicted: Sequence[Scored]) -> list[tuple[list[str], list[str]]]:
    """(gold labels, predicted labels) per gold relation, predictions paired greedily per text.

    Raises ValueError when the two lists differ in length.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold rows but {len(predicted)} predicted rows")
    groups: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        groups[g.text].append(i)
    pairs = []
    for text, rows in groups.items():
        spans = token_spans(text)
        gold_labels = [label_tokens(text, gold[i].cause, gold[i].effect, spans) for i in rows]
        pred_labels = [label_tokens(text, predicted[i].cause, predicted[i].effect, spans) for i in rows]
        candidates = sorted(
            ((_agreement(g, p), -gi, -pi) for gi, g in enumerate(gold_labels) for pi, p in enumerate(pred_labels)),
            reverse=True,
        )
        used_g, used_p = set(), set()
        for _, gi, pi in candidates:
            gi, pi = -gi, -pi
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold_labels[gi], pred_labels[pi]))
    return pairs


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(gold: Sequence[Scored], predicted: Sequence[Scored]) -> dict[str, float]:
    """The official figures plus per-class ones.

    Returns precision, recall, f1 (weighted by gold support over cause/effect/other),
    exact_match, cause_f1, effect_f1 (token level), cause_exact and effect_exact (share of
    relations whose cause or effect tokens are exactly right) and relations (the count).
    Raises ValueError when the lists differ in length.
    """
    pairs = pair_labels(gold, predicted)
    counts = {c: [0, 0, 0] for c in CLASSES}  # tp, fp, fn
    support = {c: 0 for c in CLASSES}
    exact = {"all": 0, CAUSE: 0, EFFECT: 0}
    for g, p in pairs:
        for gl, pl in zip(g, p):
            support[gl] += 1
            if gl == pl:
                counts[gl][0] += 1
            else:
                counts[pl][1] += 1
                counts[gl][2] += 1
        exact["all"] += g == p
        for c in (CAUSE, EFFECT):
            exact[c] += [x == c for x in g] == [x == c for x in p]
    total = sum(support.values()) or 1
    per_class = {c: _prf(*counts[c]) for c in CLASSES}
    n = len(pairs) or 1
    return {
        "precision": sum(per_class[c][0] * support[c] for c in CLASSES) / total,
        "recall": sum(per_class[c][1] * support[c] for c in CLASSES) / total,
        "f1": sum(per_class[c][2] * support[c] for c in CLASSES) / total,
        "exact_match": exact["all"] / n,
        "cause_f1": per_class[CAUSE][2],
        "effect_f1": per_class[EFFECT][2],
        "cause_exact": exact[CAUSE] / n,
        "effect_exact": exact[EFFECT] / n,
        "relations": float(len(pairs)),
    }
