"""The official FinCausal task-2 metric on hand-built cases, and the eval file round trip."""

from __future__ import annotations

import pytest

from nlp.causal import metric
from nlp.causal.data import relation_slots
from nlp.causal.evaluate import evaluate_file, evaluate_files, read_rows
from nlp.causal.model import (
    CAUSE,
    EFFECT,
    TaggedSpan,
    Tagging,
    best_run,
    decode_relations,
    decode_spans,
    sentence_starts,
    snap_to_words,
)

TEXT = "Profits rose 5% because sales grew. Costs were flat."


def test_token_spans_treebank_with_quotes():
    text = 'He said "shares rose" today.'
    spans = metric.token_spans(text)
    assert [text[a:b] for a, b in spans] == ["He", "said", '"', "shares", "rose", '"', "today", "."]


@pytest.mark.parametrize(
    ("cause", "effect", "expected"),
    [
        ("sales grew.", "Profits rose 5%", ["E", "E", "E", "E", "-", "C", "C", "-", "-", "-", "-"]),
        ("", "", ["-"] * 11),
        ("not in the text", "Profits", ["E"] + ["-"] * 10),
    ],
)
def test_label_tokens(cause, effect, expected):
    assert metric.label_tokens(TEXT, cause, effect) == expected


def test_perfect_prediction_scores_one():
    gold = [metric.Scored(TEXT, "sales grew.", "Profits rose 5%")]
    s = metric.score(gold, gold)
    assert s["f1"] == s["precision"] == s["recall"] == s["exact_match"] == 1.0
    assert s["cause_f1"] == s["effect_f1"] == 1.0


def test_partial_prediction_weighted_by_support():
    gold = [metric.Scored(TEXT, "sales grew.", "Profits rose 5%")]
    # the effect loses '5%' (two tokens '5' and '%'): they become 'other'
    pred = [metric.Scored(TEXT, "sales grew.", "Profits rose")]
    s = metric.score(gold, pred)
    # gold support: other 5, cause 2, effect 4 (11 tokens)
    p_other, r_other = 5 / 7, 1.0
    f_other = 2 * p_other * r_other / (p_other + r_other)
    f_effect = 2 * 1.0 * 0.5 / 1.5
    assert s["precision"] == pytest.approx((5 * p_other + 2 * 1 + 4 * 1) / 11)
    assert s["recall"] == pytest.approx((5 * 1 + 2 * 1 + 4 * 0.5) / 11)
    assert s["f1"] == pytest.approx((5 * f_other + 2 * 1 + 4 * f_effect) / 11)
    assert s["exact_match"] == 0.0
    assert s["cause_exact"] == 1.0 and s["effect_exact"] == 0.0


def test_swapped_cause_and_effect_scores_low():
    gold = [metric.Scored(TEXT, "sales grew.", "Profits rose 5%")]
    pred = [metric.Scored(TEXT, "Profits rose 5%", "sales grew.")]
    s = metric.score(gold, pred)
    assert s["cause_f1"] == 0.0 and s["effect_f1"] == 0.0
    assert s["f1"] == pytest.approx(5 / 11)


def test_multi_relation_text_is_matched_greedily():
    text = "Sales rose 4% on demand, and costs fell 2% after cuts."
    gold = [metric.Scored(text, "demand", "Sales rose 4%"), metric.Scored(text, "cuts.", "costs fell 2%")]
    pred = [metric.Scored(text, "cuts.", "costs fell 2%"), metric.Scored(text, "demand", "Sales rose 4%")]
    assert metric.score(gold, pred)["exact_match"] == 1.0


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        metric.score([metric.Scored(TEXT, "a", "b")], [])


@pytest.mark.parametrize(
    ("margins", "expected"),
    [([-1, 2, 3, -10, 4], (1, 3, 5)), ([1, 1, -1, 2], (0, 4, 3)), ([-3, -1, -2], (1, 2, -1))],
)
def test_best_run(margins, expected):
    assert best_run(margins) == expected


def test_decode_spans_keeps_cause_and_effect_apart():
    # pieces: E E O C C
    probs = [[0.1, 0.1, 0.8], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.05, 0.9, 0.05], [0.05, 0.9, 0.05]]
    spans = decode_spans(probs)
    assert spans[1][:2] == (3, 5) and spans[2][:2] == (0, 2)


def test_snap_to_words():
    text = "That’s positive news"
    assert snap_to_words(text, 5, 15) == (0, 15)
    assert snap_to_words(text, 7, 12) == (7, 15)


def test_snap_to_words_never_starts_on_a_stop():
    text = "Sales grew. This lifted profits."
    assert snap_to_words(text, 10, 31) == (12, 31)


# pieces as probabilities over (other, cause, effect)
C, E, O = [0.05, 0.9, 0.05], [0.05, 0.05, 0.9], [0.9, 0.05, 0.05]


def test_decode_relations_one_is_decode_spans():
    probs = [C, C, E, E]
    assert decode_relations(probs, 1) == [decode_spans(probs)]


def test_decode_relations_takes_a_further_effect_run():
    # cause, effect, a gap of other, a second effect: the same cause with two effects
    probs = [C, C, O, E, E, O, O, E, E]
    first, second = decode_relations(probs, 2)
    assert first[CAUSE][:2] == second[CAUSE][:2] == (0, 2)
    assert {first[EFFECT][:2], second[EFFECT][:2]} == {(3, 5), (7, 9)}


def test_decode_relations_takes_a_further_cause_and_effect_together():
    probs = [C, C, E, E, O, C, C, E, E]
    pairs = {(r[CAUSE][:2], r[EFFECT][:2]) for r in decode_relations(probs, 2)}
    assert pairs == {((0, 2), (2, 4)), ((5, 7), (7, 9))}


def test_decode_relations_cuts_a_run_at_a_sentence_break():
    # one effect run over two sentences (the second starts at piece 5): one relation each
    probs = [C, C, E, E, E, E, E, E]
    first, second = decode_relations(probs, 2, breaks=[2, 5])
    assert first[CAUSE][:2] == second[CAUSE][:2] == (0, 2)
    assert (first[EFFECT][:2], second[EFFECT][:2]) == ((2, 5), (5, 8))


def test_decode_relations_repeats_the_pair_when_nothing_can_be_cut():
    probs = [C, C, E, E]
    assert decode_relations(probs, 3) == [decode_spans(probs)] * 3


def test_sentence_starts():
    text = "It paid $0.02 a share. Investors gained.Costs fell"
    offsets = [(0, 2), (3, 7), (8, 9), (9, 10), (10, 11), (11, 13), (14, 15), (16, 21), (21, 22),
               (23, 32), (33, 39), (39, 40), (40, 45), (46, 50)]
    assert [text[offsets[i][0] : offsets[i][1]] for i in sentence_starts(text, offsets)] == ["Investors", "Costs"]


def test_relation_slots_follow_the_fincausal_index():
    text = "A. B. C."
    rows = [("0026.00003.1", text), ("0026.00003.2", text), ("0116.00010", text), ("0495.00015", text), ("7", "x")]
    # suffixed rows are one window's relations; repeated windows without a suffix are one relation each
    assert relation_slots(rows) == [(2, 0), (2, 1), (1, 0), (1, 0), (1, 0)]


class FixedTagger:
    """Answers every text with the first clause as effect and the rest as cause.

    Asked for several relations, it cuts the cause at each " and ".
    """

    def predict(self, texts):
        return [self._one(text) for text in texts]

    def predict_relations(self, texts, counts):
        out = []
        for text, count in zip(texts, counts):
            first = self._one(text)
            if count == 1 or " and " not in text:
                out.append([first] * count)
                continue
            cut = text.index(" because ") + 9
            middle = text.index(" and ")
            out.append([Tagging(text, TaggedSpan(cut, middle, 0.9), first.effect),
                        Tagging(text, TaggedSpan(middle + 5, len(text), 0.9), first.effect)][:count])
        return out

    @staticmethod
    def _one(text):
        cut = text.index(" because ")
        return Tagging(text, TaggedSpan(cut + 9, len(text), 0.9), TaggedSpan(0, cut, 0.9))


def test_evaluate_file_writes_submission_rows(tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "Index; Text; Cause; Effect\r\n"
        "1.1; Profits rose 5% because sales grew.; sales grew.; Profits rose 5%\r\n"
        "2.1; Costs fell because oil fell.; oil fell; Costs fell\r\n",
        encoding="utf-8",
    )
    out = tmp_path / "pred.csv"
    scores = evaluate_file(gold, predictions=out, tagger=FixedTagger())
    rows = read_rows(out)
    assert [r[0] for r in rows] == ["1.1", "2.1"]
    assert rows[0][2:] == ("sales grew.", "Profits rose 5%")
    assert scores["exact_match"] == 0.5  # the second row's cause keeps its final period
    assert 0.8 < scores["f1"] < 1.0


def test_evaluate_file_scores_a_split_alone(tmp_path):
    from nlp.causal.data import text_key

    gold = tmp_path / "gold.csv"
    gold.write_text(
        "Index; Text; Cause; Effect\n"
        "1.1; Profits rose 5% because sales grew.; sales grew.; Profits rose 5%\n"
        "2.1; Costs fell because oil fell.; oil fell; Costs fell\n",
        encoding="utf-8",
    )
    tagger = FixedTagger()
    tagger.config = {"dev_text_keys": [text_key("Costs fell because oil fell.")]}
    assert evaluate_file(gold, tagger=tagger, split="dev")["relations"] == 1
    assert evaluate_file(gold, tagger=tagger, split="train")["exact_match"] == 1.0
    with pytest.raises(ValueError):
        evaluate_file(gold, tagger=FixedTagger(), split="dev")


def test_multi_relation_window_gets_one_prediction_per_relation(tmp_path):
    gold = tmp_path / "gold.csv"
    text = "Costs fell because oil fell and wages fell"
    gold.write_text(
        "Index; Text; Cause; Effect\n"
        f"3.00001.1; {text}; oil fell; Costs fell\n"
        f"3.00001.2; {text}; wages fell; Costs fell\n",
        encoding="utf-8",
    )
    out = tmp_path / "pred.csv"
    scores = evaluate_file(gold, predictions=out, tagger=FixedTagger())
    assert [r[2] for r in read_rows(out)] == ["oil fell", "wages fell"]
    assert scores["exact_match"] == 1.0


def test_evaluate_files_scores_several_files_as_one_set(tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text("Index; Text; Cause; Effect\n1.1; Profits rose because sales grew; sales grew; Profits rose\n")
    two.write_text("Index; Text; Cause; Effect\n9;Costs fell because oil fell;oil fell;wages\n")
    scores = evaluate_files([one, two], tagger=FixedTagger())
    assert scores["relations"] == 2 and scores["exact_match"] == 0.5
    with pytest.raises(ValueError, match="one FILE"):
        evaluate_files([one, two], predictions=tmp_path / "p.csv", tagger=FixedTagger())


def test_blind_file_is_tagged_not_scored(tmp_path):
    blind = tmp_path / "blind.csv"
    blind.write_text("Index; Text\n1.1; Profits rose 5% because sales grew.\n", encoding="utf-8")
    out = tmp_path / "pred.csv"
    result = evaluate_file(blind, predictions=out, tagger=FixedTagger())
    assert result["relations"] == 1 and "f1" not in result
    assert read_rows(out)[0][2:] == ("sales grew.", "Profits rose 5%")
    with pytest.raises(ValueError, match="nothing to score"):
        evaluate_file(blind, tagger=FixedTagger())


def test_task1_file_is_refused_by_name(tmp_path):
    task1 = tmp_path / "task1.csv"
    task1.write_text("Index; Text; Gold\n0001.00001; Sales rose.; 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="task-1 file"):
        read_rows(task1)
