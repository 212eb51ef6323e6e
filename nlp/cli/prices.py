"""``newslink prices import|fetch`` and ``newslink check``: prices in, claims re-checked."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from nlp.cli.app import app
from nlp.market import FetchError, PriceFileError, check_store, fetch_prices, import_prices
from nlp.store import DEFAULT_DB, Store

prices_app = typer.Typer(help="Daily price bars: import files, or fetch them online.",
                         no_args_is_help=True)
app.add_typer(prices_app, name="prices")


@prices_app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="A price file, or a folder of .csv files."),
    symbol: str = typer.Option(None, "--symbol", "-s",
                               help="Symbol of the bars (default: a Name/Ticker column or the file name)."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="SQLite database."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import daily prices from yfinance, Stooq, J-Quants, Kaggle or newslink CSV files.

    A malformed file is rejected whole (file:line and the reason); nothing of it is
    stored. Exit status 1 when any file was rejected.

    Example:
        newslink prices import ../shared/data/prices/seed/ --db news.db
        newslink prices import prices/7203.csv --symbol 7203.T
    """
    try:
        report = import_prices(Store(db), path, symbol=symbol)
    except PriceFileError as exc:
        typer.echo(f"error {exc.code}: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(report.public(), indent=2))
    else:
        for sym, n in sorted(report.symbols.items()):
            typer.echo(f"{sym}\t{n} bars")
        typer.echo(f"{report.rows} bars from {len(report.files)} file(s) into {db}"
                   + (f"; {report.skipped} empty rows skipped" if report.skipped else ""))
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        typer.echo(f"rejected: {error}", err=True)
    if report.errors:
        raise typer.Exit(1)


@prices_app.command("fetch")
def fetch_command(
    symbols: list[str] = typer.Argument(..., help="Symbols, e.g. ^N225 8035.T AAPL."),
    start: str = typer.Option(..., "--start", help="First date, ISO (2024-01-01)."),
    end: str = typer.Option(..., "--end", help="Last date, ISO, included."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="SQLite database."),
) -> None:
    """Fetch daily bars from Yahoo Finance (needs the `fetch` extra and a network).

    Raw closes are stored; yfinance's adjusted close goes to adj_close only.
    Fails at once when yfinance is missing or Yahoo cannot be reached.

    Example:
        pip install 'newslink[fetch]'
        newslink prices fetch ^N225 8035.T --start 2024-01-01 --end 2024-03-31
    """
    try:
        bars = fetch_prices(symbols, start, end)
    except FetchError as exc:
        typer.echo(f"error {exc.code}: {exc}", err=True)
        raise typer.Exit(1) from None
    n = Store(db).replace_prices(bar.row() for bar in bars)
    typer.echo(f"{n} bars of {len(symbols)} symbol(s) into {db}")


@app.command("check")
def check_command(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="SQLite database."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    no_reactions: bool = typer.Option(False, "--no-reactions", help="Do not recompute market reactions."),
    novelty_hours: float = typer.Option(24.0, "--novelty-hours", min=0,
                                        help="How far back an earlier similar story makes one not novel."),
) -> None:
    """Re-check every stored claim against the stored prices (after new prices arrive).

    Each claim gets supported, contradicted, inconclusive or unverifiable, with
    the numbers it rests on; earlier checks are replaced. The market reactions of
    every article (returns after the story, relevance, novelty) are recomputed too.

    Example:
        newslink prices import ../shared/data/prices/seed/ --db news.db
        newslink check --db news.db
    """
    if not db.exists():
        typer.echo(f"error: {db}: no such database", err=True)
        raise typer.Exit(2)
    store = Store(db)
    counts = check_store(store)
    if not no_reactions:
        from nlp.reactions import fill_reactions

        counts["reactions"] = fill_reactions(store, novelty_hours=novelty_hours)
    if as_json:
        typer.echo(json.dumps(counts))
        return
    typer.echo(f"{counts['claims']} claims checked: " + ", ".join(
        f"{counts[v]} {v}" for v in ("supported", "contradicted", "inconclusive", "unverifiable")))
    if "reactions" in counts:
        typer.echo(f"{counts['reactions']} reactions (article, instrument) computed")
