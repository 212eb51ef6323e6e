"""Where newslink's knowledge lives: ``nlp/models/`` (word lists, the instrument master, the causal
model), shipped inside the package, so a wheel installed anywhere finds it as a checkout does."""

from __future__ import annotations

import csv
import functools
from importlib.resources import files
from pathlib import Path

#: the package's models folder (a real folder both in a checkout and in an installed wheel)
MODELS = Path(str(files("nlp") / "models"))
#: the committed causal tagger (nlp.causal.model loads it; `newslink train causal` writes it)
CAUSAL_MODEL = MODELS / "causal"


def model_path(*parts: str) -> Path:
    """A file or folder under ``nlp/models``; raises FileNotFoundError naming it when absent."""
    path = MODELS.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing from the newslink package (reinstall newslink)")
    return path


@functools.cache
def word_lists(folder: str) -> dict[str, frozenset[str]]:
    """The word lists of ``nlp/models/<folder>/words.csv`` (``list,word`` rows, ``#`` comments), by name."""
    lists: dict[str, set[str]] = {}
    with open(model_path(folder, "words.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            lists.setdefault(row["list"].strip(), set()).add(row["word"].strip())
    return {name: frozenset(words) for name, words in lists.items()}
