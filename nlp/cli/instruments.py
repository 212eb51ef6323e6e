"""``newslink instruments add|show``: the instrument master."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from nlp import instruments
from nlp.cli.app import app

instruments_app = typer.Typer(
    name="instruments",
    no_args_is_help=True,
    add_completion=False,
    help="The instrument master: indices, companies and sectors newslink links mentions to.",
)
app.add_typer(instruments_app, name="instruments")

err = Console(stderr=True)


@instruments_app.command("add")
def add(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV of instruments to add."),
) -> None:
    """Add instruments and aliases from a CSV to your own master ($NEWSLINK_HOME/instruments.csv).

    Columns: symbol, name, kind, exchange, timezone, ric, aliases (separated by |), sector, indices.
    A row with a known symbol adds aliases to it; "-Alias" removes one. Bad rows are reported as
    FILE:LINE and nothing is added.

    Example:

        newslink instruments add my_companies.csv
    """
    try:
        added = instruments.add_from_csv(file)
    except instruments.InstrumentFileError as exc:
        err.print(f"[red]error {exc.code}:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    typer.echo(f"added {added} row(s) to {instruments.user_file()}")


@instruments_app.command("show")
def show(
    query: str = typer.Argument(..., help="A name, alias or symbol."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
    limit: int = typer.Option(20, "--limit", min=1, help="Show at most N instruments."),
) -> None:
    """Show what the instrument master knows about a name, alias or symbol.

    Example:

        newslink instruments show "Tokyo Electron"

        newslink instruments show ^N225 --json
    """
    found = instruments.show(query, limit=limit)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if not found:
        err.print(f"nothing known about {query!r}", highlight=False)
        raise typer.Exit(1)
    table = Table("symbol", "name", "kind", "exchange", "ric", "match", "aliases")
    for row in found:
        table.add_row(
            row["symbol"] or "-",
            row["name"],
            row["kind"],
            row["exchange"] or "",
            row["ric"] or "",
            row["match"],
            ", ".join(row["aliases"][:6]),
        )
    Console().print(table)
