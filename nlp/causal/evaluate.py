"""Scoring the causal tagger on any FinCausal task-2 file (``newslink eval causal``)."""

from __future__ import annotations

import time
from pathlib import Path

from nlp.causal import metric
from nlp.causal.data import text_key
from nlp.causal.model import DEFAULT_ARTIFACT, CausalTagger


def read_rows(path: str | Path) -> list[tuple[str, str, str, str]]:
    """(Index, Text, Cause, Effect) per data row of a task-2 file, in file order.

    Accepts the 2020 (``"; "``) and 2022 (``";"``) layouts; Cause and Effect are empty when
    the file has no such columns. Raises ValueError when the header has no Index and Text.
    """
    lines = [line for line in Path(path).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if not lines:
        return []
    header = [h.strip() for h in lines[0].split(";")]
    if header[:2] != ["Index", "Text"]:
        raise ValueError(f"{path}: not a FinCausal task-2 file (header {header[:4]})")
    rows = []
    for line in lines[1:]:
        fields = line.split("; ") if len(line.split("; ")) == len(header) else line.split(";")
        if len(fields) > len(header) and len(header) == 4:
            fields = [fields[0], ";".join(fields[1:-2]), fields[-2], fields[-1]]
        fields += [""] * (4 - len(fields))
        rows.append((fields[0].strip(), fields[1], fields[2], fields[3]))
    return rows


def evaluate_file(
    path: str | Path,
    artifact_dir: str | Path = DEFAULT_ARTIFACT,
    predictions: str | Path | None = None,
    tagger: CausalTagger | None = None,
    split: str = "all",
) -> dict[str, float]:
    """Tag every text of a task-2 file and score it with the official metric (:func:`metric.score`).

    Writes the predictions in the submission format (``Index; Text; Cause; Effect``, the
    file's rows in its order) to ``predictions`` when given. Returns the scores plus
    ``seconds`` (tagging time). ``split`` "dev" or "train" keeps only the rows whose text
    was held out from (or used in) the artifact's training. Raises FileNotFoundError when
    the artifact is missing, ValueError for an unknown split or an artifact without split keys.
    """
    rows = read_rows(path)
    if tagger is None:
        tagger = CausalTagger.load(artifact_dir)
        # FinCausal windows run to 3 sentences: read them as long as training did
        tagger.max_length = max(tagger.max_length, int(tagger.config.get("train_max_length", 0)))
    if split != "all":
        keys = set(getattr(tagger, "config", {}).get("dev_text_keys") or [])
        if split not in ("dev", "train") or not keys:
            raise ValueError(
                f"cannot select split {split!r} (choose all, dev or train; the artifact must list its dev texts)"
            )
        rows = [row for row in rows if (text_key(row[1]) in keys) == (split == "dev")]
    texts = list(dict.fromkeys(text for _, text, _, _ in rows))
    started = time.monotonic()
    tagged = dict(zip(texts, tagger.predict(texts)))
    seconds = time.monotonic() - started
    predicted = []
    for _, text, _, _ in rows:
        t = tagged[text]
        cause = text[t.cause.start : t.cause.end] if t.cause else ""
        effect = text[t.effect.start : t.effect.end] if t.effect else ""
        predicted.append(metric.Scored(text, cause, effect))
    if predictions:
        lines = ["Index; Text; Cause; Effect"]
        lines += [f"{index}; {p.text}; {p.cause}; {p.effect}" for (index, *_), p in zip(rows, predicted)]
        Path(predictions).write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = [metric.Scored(text, cause, effect) for _, text, cause, effect in rows]
    return {**metric.score(gold, predicted), "seconds": round(seconds, 2)}
