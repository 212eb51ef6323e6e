"""The causal-sentence classifier (FinCausal task 1, nlp/causal/sentences.py): reading task-1 files,
the cross-validation helpers on hand-built data, and ``newslink eval causal`` on a task-1 file."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from nlp.causal.sentences import (
    SENTENCE_MODEL, SentenceClassifier, best_threshold, cross_validate, f1_at, fit, folds_by_document,
    is_task1, probabilities_of, read_task1, reliability,
)


def _task1(tmp_path, rows, header="Index; Text; Gold"):
    path = tmp_path / "task1.csv"
    path.write_text(header + "\n" + "\n".join("; ".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_read_task1_keeps_semicolons_in_the_text_and_checks_gold(tmp_path):
    path = _task1(tmp_path, [("0001.00001", "Shares fell; investors fled", "1"), ("0001.00002", "It rained.", "0")])
    assert is_task1(path)
    assert read_task1(path) == [("0001.00001", "Shares fell; investors fled", 1), ("0001.00002", "It rained.", 0)]
    bad = _task1(tmp_path, [("0001.00001", "Shares fell", "yes")])
    with pytest.raises(ValueError, match="line 2"):
        read_task1(bad)
    blind = _task1(tmp_path, [("0001.00001", "Shares fell")], header="Index; Text")
    assert read_task1(blind) == [("0001.00001", "Shares fell", None)] and not is_task1(blind)
    task2 = _task1(tmp_path, [], header="Index; Text; Cause; Effect")
    with pytest.raises(ValueError, match="not a FinCausal task-1 file"):
        read_task1(task2)


def test_f1_threshold_and_reliability():
    probs, gold = [0.9, 0.8, 0.3, 0.2, 0.6], [1, 1, 0, 0, 0]
    assert f1_at(probs, gold, 0.5) == pytest.approx((2 / 3, 1.0, 0.8))
    assert f1_at(probs, gold, 0.7) == pytest.approx((1.0, 1.0, 1.0))
    assert 0.6 < best_threshold(probs, gold) <= 0.8
    table = reliability(probs, gold, bins=2)
    assert [(n, share) for _, _, n, share in table] == [(2, 0.0), (3, pytest.approx(2 / 3))]


def test_folds_keep_a_document_together_and_are_seeded():
    indices = [f"{d:04d}.{s:05d}" for d in range(1, 11) for s in range(1, 4)]
    folds = folds_by_document(indices, 5, seed=13)
    by_document = {}
    for i, f in zip(indices, folds):
        by_document.setdefault(i.split(".")[0], set()).add(f)
    assert all(len(v) == 1 for v in by_document.values())
    assert sorted(set(folds)) == [0, 1, 2, 3, 4]
    assert folds == folds_by_document(indices, 5, seed=13)


def test_fit_and_cross_validation_separate_a_separable_set():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(200, 4, generator=generator)
    gold = [int(v > 0) for v in x[:, 0].tolist()]
    w, b = fit(x, torch.tensor(gold, dtype=torch.float32), l2=1e-3)
    assert f1_at(probabilities_of(x, w, b).tolist(), gold, 0.5)[2] > 0.95
    folds = folds_by_document([f"{k // 2:04d}.0" for k in range(200)], 4, seed=1)
    cv = cross_validate(x, gold, folds, l2=1e-3)
    assert len(cv.fold_f1) == 4 and cv.mean > 0.9 and len(cv.probs) == 200


def test_the_committed_model_and_its_card():
    model = SentenceClassifier.load()
    assert model.weights.shape == (384,) and 0 < model.threshold < 1
    assert model.config["folds"] >= 5 and model.config["cv"] and model.config["reliability"]
    assert SENTENCE_MODEL.stat().st_size < 100_000


def test_a_missing_model_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no causal-sentence model"):
        SentenceClassifier.load(tmp_path / "none.json")


@pytest.mark.model
def test_eval_causal_scores_a_task1_file(tmp_path):
    from nlp.cli import app

    path = _task1(tmp_path, [
        ("0001.00001", "The company's shares fell 5% after it cut its profit forecast because demand slumped.", "1"),
        ("0002.00001", "The annual meeting will be held in Paris on Tuesday.", "0"),
    ])
    result = CliRunner().invoke(app, ["eval", "causal", str(path)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["file"] == "task1.csv" and scores["sentences"] == 2
    assert set(scores) >= {"precision", "recall", "f1", "seconds"}
