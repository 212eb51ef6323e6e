"""The typer application every ``nlp.cli.<area>`` module adds its commands to."""

import typer

app = typer.Typer(
    name="newslink",
    no_args_is_help=True,
    add_completion=False,
    help="Financial news into a SQLite database of facts, each checked against market prices.",
)
