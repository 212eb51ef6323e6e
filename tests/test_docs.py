"""README.md documents every command of the `newslink` command line."""

from __future__ import annotations

import importlib
import re
import pkgutil
from pathlib import Path

import pytest
import typer

import nlp.cli
from nlp.cli.app import app

README = Path(__file__).resolve().parents[1] / "README.md"


def command_paths() -> list[str]:
    """Every command as typed after `newslink`, sub-commands included (``prices import``)."""
    for module in pkgutil.iter_modules(nlp.cli.__path__):  # each area registers on import
        importlib.import_module(f"nlp.cli.{module.name}")
    paths = []

    def walk(command, prefix):
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if sub.hidden:
                continue
            path = f"{prefix} {name}".strip()
            paths.append(path)
            walk(sub, path)

    walk(typer.main.get_command(app), "")
    return paths


def test_there_are_commands():
    assert {"claims", "quotes", "causes", "articles", "sql", "export", "serve",
            "report"} <= set(command_paths())


@pytest.mark.parametrize("command", command_paths())
def test_command_is_documented(command):
    assert README.exists(), "README.md is missing"
    mention = re.compile(rf"newslink {re.escape(command)}(?![\w-])")
    assert mention.search(README.read_text(encoding="utf-8")), (
        f"`newslink {command}` is not mentioned in README.md")


def leaf_commands() -> list[tuple[str, object]]:
    found = []

    def walk(command, prefix):
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            path = f"{prefix} {name}".strip()
            if getattr(sub, "commands", None):
                walk(sub, path)
            elif not sub.hidden:
                found.append((path, sub))

    command_paths()  # imports every area
    walk(typer.main.get_command(app), "")
    return found


@pytest.mark.parametrize("command", [c for c, _ in leaf_commands()])
def test_command_help_has_an_example(command):
    sub = dict(leaf_commands())[command]
    assert "Example:" in (sub.help or ""), f"`newslink {command}` help has no Example: block"


def layout_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Layout"): text.index("\n## ", text.index("## Layout") + 1)]


def package_parts() -> list[str]:
    """Every module and package of nlp/ as the layout names it: `query.py`, `claims/`, `lexicon`."""
    root = Path(nlp.cli.__file__).resolve().parents[1]
    parts = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "models" or path.name == "__init__.py" and len(rel.parts) == 1:
            continue
        if path.name == "__init__.py":
            parts.append(f"{rel.parts[-2]}/")
        elif len(rel.parts) >= 2 and (root / rel.parent / "__init__.py").exists() and rel.parts[0] in (
                "components", "market") and len(rel.parts) == 3:
            parts.append(path.stem)  # a module of a split package: claims/quantities -> `quantities`
        elif len(rel.parts) <= 2 and rel.parts[0] not in ("cli", "causal"):
            parts.append(path.name)
    return sorted(set(parts))


def test_the_layout_names_every_module():
    layout = layout_section()
    missing = [p for p in package_parts() if f"`{p}`" not in layout and f"`{p.rstrip('/')}`" not in layout]
    assert missing == [], f"README's Layout lacks {missing}"


def test_every_module_opens_with_what_it_owns():
    root = Path(nlp.cli.__file__).resolve().parents[1]
    silent = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if "models" not in p.parts and not (p.read_text(encoding="utf-8").lstrip().startswith(('"""', "'''"))
                                                  or p.stat().st_size == 0)]
    assert silent == []
