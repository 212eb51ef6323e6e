"""The ``newslink`` command line: thin commands over the library API.

Each area's commands live in their own module and register on the one typer
``app`` of :mod:`nlp.cli.app`; importing this package imports them all.
"""

from __future__ import annotations

import importlib
import re
import sys

from nlp.cli.app import app

#: Modules adding commands to ``app``, in the order their commands are listed.
AREAS = ("main", "instruments", "prices", "query", "reactions", "causal")

for _area in AREAS:
    try:
        importlib.import_module(f"nlp.cli.{_area}")
    except ModuleNotFoundError as _exc:  # an area still being written
        if _exc.name != f"nlp.cli.{_area}":
            raise


_ADDRESS = re.compile(r"^(?:[a-z]+://)?[\w.\-]+:\d+$|://")


def dask_argument(args: list[str]) -> list[str]:
    """``--dask`` may stand alone (a LocalCluster): give it the value ``local`` unless the next
    argument is a scheduler address (``tcp://host:8786``, ``host:8786``)."""
    out = list(args)
    for i, arg in enumerate(out):
        if arg == "--dask" and (i + 1 == len(out) or not _ADDRESS.search(out[i + 1])):
            out[i] = "--dask=local"
    return out


def main() -> None:
    """Entry point of the ``newslink`` console script."""
    app(args=dask_argument(sys.argv[1:]), prog_name="newslink")


__all__ = ["app", "main"]
