"""The ``newslink`` command line: thin commands over the library API.

Each area's commands live in their own module and register on the one typer
``app`` of :mod:`nlp.cli.app`; importing this package imports them all.
"""

from __future__ import annotations

import importlib

from nlp.cli.app import app

#: Modules adding commands to ``app``, in the order their commands are listed.
AREAS = ("main", "instruments", "prices", "query", "reactions", "causal")

for _area in AREAS:
    try:
        importlib.import_module(f"nlp.cli.{_area}")
    except ModuleNotFoundError as _exc:  # an area still being written
        if _exc.name != f"nlp.cli.{_area}":
            raise


def main() -> None:
    """Entry point of the ``newslink`` console script."""
    app()


__all__ = ["app", "main"]
