"""FinCausal task-2 files: reading them and splitting them into train and dev by text.

FinCausal (yseop/YseopLab, CC0) annotates short financial-news windows with one or more
cause/effect relations; each row is one relation, and rows with the same ``Text`` belong
to the same window. The 2020 files separate fields with ``"; "``, the 2022 addition with
``";"``.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Files of /work/shared/data/fincausal used for training, in reading order.
TRAIN_FILES = ("fnp2020-fincausal2-task2.csv", "practice_addition_fnp2022-fincausal-task2.csv")


@dataclass
class Relation:
    """One row of a FinCausal task-2 file: a text and one cause/effect pair inside it."""

    index: str
    text: str
    cause: str
    effect: str
    cause_start: int
    cause_end: int
    effect_start: int
    effect_end: int
    source: str = ""


def shared_data_dir() -> Path:
    """The FinCausal folder of the shared data (``../shared/data/fincausal`` from the repo root)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "fincausal"


def _locate(text: str, part: str, hint: int | None) -> tuple[int, int]:
    """Character span of ``part`` in ``text``, preferring the annotated offset when it agrees."""
    if hint is not None and text[hint : hint + len(part)] == part:
        return hint, hint + len(part)
    found = text.find(part)
    if found < 0:
        # a few rows differ from their text in surrounding blanks only
        found = text.find(part.strip())
        part = part.strip()
    if found < 0:
        raise ValueError(f"span not found in text: {part[:60]!r}")
    return found, found + len(part)


def read_task2(path: str | Path) -> list[Relation]:
    """Read a FinCausal task-2 CSV (2020 or 2022 layout).

    Returns one :class:`Relation` per row, with character offsets into ``text``.
    Raises ValueError when the header is not a task-2 header. Rows whose cause or
    effect cannot be found in the text are skipped.
    """
    path = Path(path)
    raw = path.read_text(encoding="utf-8-sig")
    lines = [line for line in raw.splitlines() if line.strip()]
    if not lines:
        return []
    header = [h.strip() for h in lines[0].split(";")]
    if header[:4] != ["Index", "Text", "Cause", "Effect"]:
        raise ValueError(f"{path}: not a FinCausal task-2 file (header {header[:4]})")
    width = len(header)
    relations = []
    for line in lines[1:]:
        fields = line.split("; ")
        if len(fields) != width:
            fields = line.split(";")
        if len(fields) < 4:
            continue
        if len(fields) > width and width == 4:
            # a text holding ';' in the 2022 layout: cause and effect are the last two fields
            fields = [fields[0], ";".join(fields[1:-2]), fields[-2], fields[-1]]
        index, text, cause, effect = (f.strip() if i == 0 else f for i, f in enumerate(fields[:4]))
        hints = [None, None]
        if width >= 10 and len(fields) == width:
            try:
                hints = [int(fields[6]), int(fields[8])]
            except ValueError:
                pass
        try:
            cs, ce = _locate(text, cause, hints[0])
            es, ee = _locate(text, effect, hints[1])
        except ValueError:
            continue
        relations.append(Relation(index, text, cause, effect, cs, ce, es, ee, path.name))
    return relations


def read_training_relations(data_dir: str | Path | None = None) -> list[Relation]:
    """All task-2 relations of :data:`TRAIN_FILES` under ``data_dir`` (default: the shared folder)."""
    data_dir = Path(data_dir) if data_dir else shared_data_dir()
    relations: list[Relation] = []
    for name in TRAIN_FILES:
        if (data_dir / name).exists():
            relations.extend(read_task2(data_dir / name))
    return relations


def text_key(text: str) -> str:
    """A stable key for a text, so its relations always land in the same split."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def relation_key(index: str, text: str) -> tuple[str, str]:
    """The key that the rows of one multi-relation window share.

    FinCausal numbers the relations of one window ``<doc>.<sentence>.<n>`` (``0026.00003.1``,
    ``0026.00003.2``); rows without that suffix are one relation each, even when another row
    carries the same text (the files repeat some windows under other indices, with the same
    relation). Returns (text, base index) for suffixed rows and (text, index) otherwise.
    """
    index = index.strip()
    if index.count(".") >= 2:
        return text, index.rsplit(".", 1)[0]
    return text, index


def relation_slots(rows: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
    """For each (index, text) row: (how many relations its window holds, which of them it is).

    See :func:`relation_key`; the slot counts rows of the same window in file order.
    """
    keys = [relation_key(index, text) for index, text in rows]
    sizes = Counter(keys)
    seen: Counter = Counter()
    slots = []
    for key in keys:
        slots.append((sizes[key], seen[key]))
        seen[key] += 1
    return slots


def relations_per_text(rows: Sequence[tuple[str, str]]) -> dict[str, int]:
    """How many relations to read from each distinct text of (index, text) rows, in first-seen order."""
    wanted: dict[str, int] = {}
    for (_, text), (count, _) in zip(rows, relation_slots(rows)):
        wanted[text] = max(wanted.get(text, 1), count)
    return wanted


def per_row(rows: Sequence[tuple[str, str]], read: dict[str, list]) -> list:
    """For each (index, text) row, its own one of the relations ``read`` from its text.

    ``read`` maps each text to the relations read from it (:func:`relations_per_text` many);
    the rows of one window take them in order, and a row beyond them takes the last.
    """
    return [read[text][min(slot, len(read[text]) - 1)] for (_, text), (_, slot) in zip(rows, relation_slots(rows))]


def _shuffled_text_keys(relations: list[Relation], seed: int) -> list[str]:
    """The distinct text keys of ``relations``, sorted and then shuffled with ``seed``."""
    keys = sorted({text_key(r.text) for r in relations})
    random.Random(seed).shuffle(keys)
    return keys


def _hold_out(relations: list[Relation], held: set[str]) -> tuple[list[Relation], list[Relation]]:
    """(relations whose text is not in ``held``, relations whose text is)."""
    train = [r for r in relations if text_key(r.text) not in held]
    rest = [r for r in relations if text_key(r.text) in held]
    return train, rest


def split_by_text(
    relations: Iterable[Relation], dev_share: float = 0.15, seed: int = 13
) -> tuple[list[Relation], list[Relation]]:
    """Split relations into (train, dev) so that no text is in both.

    Texts are shuffled with ``seed``; the first ``dev_share`` of them go to dev.
    """
    relations = list(relations)
    keys = _shuffled_text_keys(relations, seed)
    return _hold_out(relations, set(keys[: round(len(keys) * dev_share)]))


def fold_by_text(
    relations: Iterable[Relation], folds: int, fold: int, seed: int = 13
) -> tuple[list[Relation], list[Relation]]:
    """Fold ``fold`` of ``folds`` for k-fold cross-validation: (train, held out), no text in both.

    Texts are shuffled with ``seed`` and dealt round the folds, so each text is held out once.
    """
    if not 0 <= fold < folds or folds < 2:
        raise ValueError(f"fold {fold} of {folds}: need 2 or more folds and 0 <= fold < folds")
    relations = list(relations)
    keys = _shuffled_text_keys(relations, seed)
    return _hold_out(relations, {k for n, k in enumerate(keys) if n % folds == fold})


def write_task2(relations: Iterable[Relation], path: str | Path) -> None:
    """Write relations as a 2020-style ``Index; Text; Cause; Effect`` file (e.g. a dev split)."""
    lines = ["Index; Text; Cause; Effect"]
    lines += [f"{r.index}; {r.text}; {r.cause}; {r.effect}" for r in relations]
    Path(path).write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
