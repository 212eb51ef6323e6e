"""One-step smoke training of the causal tagger on a few FinCausal rows."""

from __future__ import annotations

from pathlib import Path

import pytest

FINCAUSAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "fincausal"


def test_split_keeps_each_text_in_one_part():
    from nlp.causal.data import Relation, split_by_text

    relations = [Relation(str(i), f"text {i % 7}", "c", "e", 0, 1, 2, 3) for i in range(40)]
    train, dev = split_by_text(relations, dev_share=0.3, seed=1)
    assert len(train) + len(dev) == 40
    assert not {r.text for r in train} & {r.text for r in dev}
    assert split_by_text(relations, dev_share=0.3, seed=1) == (train, dev)


def test_read_task2_both_layouts(tmp_path):
    from nlp.causal.data import read_task2

    f2020 = tmp_path / "a.csv"
    f2020.write_text(
        "Index; Text; Cause; Effect; Offset_Sentence2; Offset_Sentence3; Cause_Start; Cause_End; Effect_Start; "
        "Effect_End; Sentence\r\n0001.1; Sales rose 4% on demand.; demand.; Sales rose 4%; ; ; 17; 24; 0; 13; x\r\n",
        encoding="utf-8",
    )
    f2022 = tmp_path / "b.csv"
    f2022.write_text("Index; Text; Cause; Effect\n7;Costs fell 2% after cuts.;cuts.;Costs fell 2%\n", encoding="utf-8")
    (a,) = read_task2(f2020)
    (b,) = read_task2(f2022)
    assert (a.cause_start, a.cause_end, a.effect_start, a.effect_end) == (17, 24, 0, 13)
    assert b.text[b.cause_start : b.cause_end] == "cuts." and b.index == "7"


@pytest.mark.model
def test_one_step_training_writes_a_loadable_artifact(tmp_path):
    if not FINCAUSAL.exists():
        pytest.skip(f"shared data not available: {FINCAUSAL} (tests read ../shared from the repo root)")
    from nlp.causal.model import CausalTagger
    from nlp.causal.train import train

    config = train(tmp_path, epochs=1, limit=4, batch_size=4, lora_rank=2, max_length=64)
    files = {p.name for p in tmp_path.iterdir()}
    assert {"top_layers.safetensors", "tagger.json", "README.md"} <= files
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) < 10 * 1024 * 1024
    assert config["train_relations"] == 4 and 0.0 <= config["dev"]["f1"] <= 1.0
    (tagging,) = CausalTagger.load(tmp_path).predict(["Shares fell 3% because demand slowed."])
    assert tagging.text.startswith("Shares")
