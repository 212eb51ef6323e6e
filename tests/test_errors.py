"""Errors (issue 16): one NewslinkError base, a stable code per kind, all listed in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from nlp.errors import CODES, NewslinkError

ROOT = Path(__file__).resolve().parents[1]


def error_classes():
    """(module path, class name) of every class in nlp/ whose name ends in Error, Timeout or NotFound."""
    for path in sorted((ROOT / "nlp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and re.search(r"(Error|Timeout|NotFound)$", node.name):
                yield path.relative_to(ROOT), node.name


def test_every_error_class_derives_from_the_base_and_has_its_own_code():
    import importlib

    seen = {}
    for path, name in error_classes():
        module = importlib.import_module(".".join(path.with_suffix("").parts))
        cls = getattr(module, name)
        assert issubclass(cls, NewslinkError), f"{path}: {name} does not derive from NewslinkError"
        assert cls.code in CODES and CODES[cls.code][0] == name, f"{name}: code {cls.code} not in CODES"
        assert cls.code not in seen, f"{name} and {seen.get(cls.code)} share {cls.code}"
        seen[cls.code] = name
    assert set(seen) == set(CODES)  # the base (NL100) is found too


def test_the_readme_lists_every_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, (name, _) in CODES.items():
        assert re.search(rf"\|\s*`{code}`\s*\|\s*`{name}`", readme), f"README lacks {code} ({name})"


def test_older_bases_still_catch():
    from nlp.market.prices import PriceFileError

    err = PriceFileError("prices.csv", 3, "bad date")
    assert isinstance(err, ValueError) and err.code == "NL301"
    assert err.coded == "NL301: prices.csv:3: bad date"
