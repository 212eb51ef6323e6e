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
