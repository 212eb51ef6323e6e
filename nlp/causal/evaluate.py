"""Scoring the causal tagger on any FinCausal task-2 file (``newslink eval causal``)."""

from __future__ import annotations

import time
from pathlib import Path

from nlp.causal import metric
from nlp.causal.data import per_row, relations_per_text, text_key
from nlp.causal.model import DEFAULT_ARTIFACT, CausalTagger


def read_rows(path: str | Path) -> list[tuple[str, str, str, str]]:
    """(Index, Text, Cause, Effect) per data row of a task-2 file, in file order.

    Accepts the 2020 (``"; "``) and 2022 (``";"``) layouts, and blind files with only Index and
    Text (Cause and Effect are then empty: see :func:`has_gold`). Raises ValueError for any other
    header, a task-1 file (``Index; Text; Gold``) included.
    """
    lines = [line for line in Path(path).read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    if not lines:
        return []
    header = [h.strip() for h in lines[0].split(";")]
    if header[:2] != ["Index", "Text"] or (len(header) > 2 and header[2:4] != ["Cause", "Effect"]):
        hint = " (a task-1 file: causal or not per text, no spans)" if header[2:3] == ["Gold"] else ""
        raise ValueError(f"{path}: not a FinCausal task-2 file{hint}: header {'; '.join(header[:4])}")
    rows = []
    for line in lines[1:]:
        fields = line.split("; ") if len(line.split("; ")) == len(header) else line.split(";")
        if len(fields) > len(header) and len(header) == 4:
            fields = [fields[0], ";".join(fields[1:-2]), fields[-2], fields[-1]]
        fields += [""] * (4 - len(fields))
        rows.append((fields[0].strip(), fields[1], fields[2], fields[3]))
    return rows


def has_gold(path: str | Path) -> bool:
    """Whether a task-2 file carries Cause and Effect columns (a blind file has only Index; Text)."""
    with open(path, encoding="utf-8-sig") as f:
        header = [h.strip() for h in f.readline().split(";")]
    return header[2:4] == ["Cause", "Effect"]


def evaluate_file(
    path: str | Path,
    artifact_dir: str | Path = DEFAULT_ARTIFACT,
    predictions: str | Path | None = None,
    tagger: CausalTagger | None = None,
    split: str = "all",
) -> dict[str, float]:
    """Tag every text of a task-2 file and score it with the official metric (:func:`metric.score`).

    A window whose rows are numbered as one text's relations (``0026.00003.1``, ``.2``) gets
    as many distinct predicted relations (:meth:`CausalTagger.predict_relations`); other rows
    get one each. Writes the predictions in the submission format (``Index; Text; Cause; Effect``, the
    file's rows in its order) to ``predictions`` when given. Returns the scores plus
    ``seconds`` (tagging time). ``split`` "dev" or "train" keeps only the rows whose text
    was held out from (or used in) the artifact's training. Raises FileNotFoundError when
    the artifact is missing, ValueError for an unknown split or an artifact without split keys.
    """
    return evaluate_files([path], artifact_dir, predictions, tagger, split)


def evaluate_files(
    paths: list[str | Path],
    artifact_dir: str | Path = DEFAULT_ARTIFACT,
    predictions: str | Path | None = None,
    tagger: CausalTagger | None = None,
    split: str = "all",
) -> dict[str, float]:
    """:func:`evaluate_file` over several files scored as one set (e.g. both parts of the dev split).

    ``predictions`` needs a single file. A blind file (no Cause and Effect columns) is only
    tagged: with ``predictions`` the result holds ``relations`` and ``seconds`` and no scores.
    Raises ValueError for several files with ``predictions``, or a blind file without it.
    """
    if predictions and len(paths) != 1:
        raise ValueError("--predictions writes one file's predictions: give one FILE")
    every_rows = [read_rows(path) for path in paths]  # a file of another kind fails before any tagging
    blind = [str(p) for p in paths if not has_gold(p)]
    if blind and not predictions:
        raise ValueError(f"{blind[0]}: no Cause and Effect columns, nothing to score (tag it with --predictions OUT.csv)")
    if tagger is None:
        tagger = CausalTagger.load(artifact_dir)
        # FinCausal windows run to 3 sentences: read them as long as training did
        tagger.max_length = max(tagger.max_length, int(tagger.config.get("train_max_length", 0)))
    gold: list[metric.Scored] = []
    predicted: list[metric.Scored] = []
    seconds = 0.0
    for path, rows in zip(paths, every_rows):
        rows = _select(rows, tagger, split)
        started = time.monotonic()
        found = _predict(rows, tagger)
        seconds += time.monotonic() - started
        if predictions:
            lines = ["Index; Text; Cause; Effect"]
            lines += [f"{index}; {p.text}; {p.cause}; {p.effect}" for (index, *_), p in zip(rows, found)]
            Path(predictions).write_text("\n".join(lines) + "\n", encoding="utf-8")
        gold += [metric.Scored(text, cause, effect) for _, text, cause, effect in rows]
        predicted += found
    if blind:
        return {"relations": float(len(predicted)), "seconds": round(seconds, 2)}
    return {**metric.score(gold, predicted), "seconds": round(seconds, 2)}


def _select(rows: list[tuple[str, str, str, str]], tagger: CausalTagger, split: str) -> list[tuple[str, str, str, str]]:
    """The rows of ``split``: all, or those whose text the artifact held out (dev) or trained on."""
    if split == "all":
        return rows
    keys = set(getattr(tagger, "config", {}).get("dev_text_keys") or [])
    if split not in ("dev", "train") or not keys:
        raise ValueError(
            f"cannot select split {split!r} (choose all, dev or train; the artifact must list its dev texts)"
        )
    return [row for row in rows if (text_key(row[1]) in keys) == (split == "dev")]


def _predict(rows: list[tuple[str, str, str, str]], tagger: CausalTagger) -> list[metric.Scored]:
    """One predicted relation per row; the rows of a multi-relation window get distinct ones."""
    keyed = [(index, text) for index, text, _, _ in rows]
    wanted = relations_per_text(keyed)
    texts = list(wanted)
    read = {
        text: [metric.Scored(text, *t.strings()) for t in taggings]
        for text, taggings in zip(texts, tagger.predict_relations(texts, [wanted[t] for t in texts]))
    }
    return per_row(keyed, read)
