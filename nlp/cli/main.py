"""``newslink run``, ``newslink extract`` and ``newslink stats``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nlp.cli.app import app
from nlp.budget import ARTICLE_TIMEOUT, MAX_CHARS
from nlp.store import DEFAULT_DB

console = Console(stderr=True)
# piped or logged output (make run in CI) gets room for the claims table, not rich's 80 columns
out = Console(width=None if sys.stdout.isatty() else 160)


@app.command()
def run(
    paths: list[Path] = typer.Argument(..., help="Files, folders or archives of articles."),
    db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="SQLite database to write."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes that extract articles (each loads the pipeline once)."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Articles per committed batch."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Read at most N inputs."),
    prices: list[Path] = typer.Option([], "--prices", help="Price files or folders to import first."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any input became an error row."),
    no_check: bool = typer.Option(False, "--no-check", help="Do not check claims against prices."),
    no_model: bool = typer.Option(False, "--no-model", help="Causal rules only, no transformer."),
    no_reactions: bool = typer.Option(False, "--no-reactions",
                                      help="Do not compute market reactions (returns after each story)."),
    novelty_hours: float = typer.Option(24.0, "--novelty-hours", min=0,
                                        help="How far back an earlier similar story makes one not novel."),
    dask: Optional[str] = typer.Option(
        None, "--dask", help="Extract on Dask: `--dask` alone starts a LocalCluster of --workers processes;"
                             " `--dask tcp://HOST:8786` uses that scheduler (pip install 'newslink[dask]')."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    article_timeout: float = typer.Option(
        ARTICLE_TIMEOUT, "--article-timeout", min=0,
        help="Seconds one article (each 100,000-character piece of a longer one) may take;"
             " then it becomes an error row. 0: no limit."),
    max_chars: int = typer.Option(
        MAX_CHARS, "--max-chars", min=1, help="Longer articles become an error row \"too long\"."),
) -> None:
    """Process articles into the database and print a summary.

    Re-running on the same input changes nothing; a run that was killed resumes.
    A `prices/` folder inside an input folder is imported as prices.

    Example:

        newslink run corpus/

        newslink run archive.tar.gz --db reuters.db --workers 2 --prices prices/

        newslink run archive.tar.gz --db reuters.db --dask tcp://scheduler:8786
    """
    from nlp.run import run_inputs

    missing = [str(p) for p in [*paths, *prices] if not p.exists()]
    if missing:
        console.print(f"[red]error:[/red] no such file or folder: {', '.join(missing)}")
        raise typer.Exit(2)
    arguments = {"paths": [str(p) for p in paths], "db": str(db), "workers": workers,
                 "batch_size": batch_size, "limit": limit, "prices": [str(p) for p in prices],
                 "check": not no_check, "reactions": not no_reactions, "dask": dask, "novelty_hours": novelty_hours,
                 "article_timeout": article_timeout, "max_chars": max_chars}
    progress = Progress(TextColumn("[bold]newslink run"), BarColumn(),
                        TextColumn("{task.fields[articles]} articles · {task.fields[rate]:.1f}/s"),
                        TimeElapsedColumn(), console=console, disable=quiet or not console.is_terminal)
    with progress:
        task = progress.add_task("run", total=None, articles=0, rate=0.0)
        elapsed = progress.get_time

        start = elapsed()

        def on_progress(inputs: int, articles: int) -> None:
            dt = max(elapsed() - start, 1e-9)
            progress.update(task, completed=inputs, articles=articles, rate=articles / dt)

        summary = run_inputs(paths, db, workers=workers, batch_size=batch_size, limit=limit,
                             prices=list(prices), check=not no_check, reactions=not no_reactions,
                             novelty_hours=novelty_hours, dask=dask, use_causal_model=not no_model, on_progress=on_progress,
                             arguments=arguments, article_timeout=article_timeout or None,
                             max_chars=max_chars)
    out.print(summary_table(summary))
    if 0 < summary.articles <= 3:  # a sample-sized run: show what was found, not just counts
        out.print(claims_table(db))
    if strict and summary.errors:
        raise typer.Exit(1)


def summary_table(summary) -> Table:
    """A rich table of a RunSummary."""
    table = Table(title=f"newslink run #{summary.run_id} → {summary.db}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    table.add_row("inputs read", f"{summary.inputs:,}")
    table.add_row("articles", f"{summary.articles:,}")
    table.add_row("  new", f"{summary.new_articles:,}")
    table.add_row("  re-processed (older pipeline)", f"{summary.reprocessed:,}")
    table.add_row("  unchanged (already stored)", f"{summary.unchanged:,}")
    table.add_row("  duplicates (same bytes)", f"{summary.duplicates:,}")
    table.add_row("errors (see `errors` table)", f"{summary.errors:,}")
    for stage, n in sorted(summary.error_stages.items(), key=lambda kv: -kv[1]):
        table.add_row(f"  {stage}", f"{n:,}")
    if summary.prices_imported:
        table.add_row("price rows imported", f"{summary.prices_imported:,}")
    for key in ("instruments", "claims", "quotes", "causes"):
        table.add_row(key, f"{summary.facts.get(key, 0):,}")
    for verdict, n in sorted(summary.verdicts.items()):
        table.add_row(f"  checks {verdict}", f"{n:,}")
        bases = sorted(((b, k) for (v, b), k in summary.bases.items() if v == verdict), key=lambda x: -x[1])
        if bases and verdict != "unverifiable":
            table.add_row("", ", ".join(f"{b} {k:,}" for b, k in bases[:4]))
    if summary.reactions:
        table.add_row("reactions (article, instrument)",
                      f"{summary.reactions:,} ({summary.reaction_seconds:.1f} s)")
    table.add_row("time", f"{summary.seconds:.1f} s ({summary.articles_per_second:.1f} articles/s)")
    return table


def claims_table(db: Path, limit: int = 40) -> Table:
    """The stored claims with their verdicts, in text order, as a rich table."""
    import math

    from nlp.query import claims

    frame = claims(db, limit=limit).sort_values(["article_id", "start"])

    def missing(v) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v))

    def num(v, fmt="{:,.2f}"):
        return "" if missing(v) else fmt.format(v)

    def txt(v) -> str:
        return "" if missing(v) else str(v)

    table = Table(title="claims and their checks")
    for col in ("id", "claim", "symbol", "move", "period", "as of", "verdict", "basis", "actual"):
        table.add_column(col, overflow="fold", ratio=3 if col == "claim" else 1)
    colours = {"supported": "green", "contradicted": "red", "inconclusive": "yellow"}
    for r in frame.to_dict("records"):
        move = " ".join(x for x in (txt(r["direction"]), num(r["pct"], "{:g}%"), txt(r["record"]))
                        if x)
        verdict = txt(r["verdict"]) or "unchecked"
        table.add_row(r["claim_id"], r["text"], txt(r["symbol"]) or txt(r["subject"]), move,
                      txt(r["period"]), txt(r["as_of"]),
                      f"[{colours.get(verdict, 'dim')}]{verdict}[/]", txt(r["basis"]),
                      num(r["actual"]))
    return table


@app.command()
def extract(
    file: Path = typer.Argument(..., help="One article: dateline .txt, Reuters file, JSONL line, HTML."),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Print the JSON record (default)."),
    prices: list[Path] = typer.Option([], "--prices", help="Price files or folders to check against."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database holding imported prices."),
    no_model: bool = typer.Option(False, "--no-model", help="Causal rules only, no transformer."),
) -> None:
    """Print the record of one article (docs/output-format.md), claims checked when prices are given.

    Example:

        newslink extract corpus/nikkei-2024-03-01.txt --json --prices corpus/prices
    """
    from nlp.articles import ReadError
    from nlp.extract import extract_file

    if not file.exists():
        console.print(f"[red]error:[/red] {file}: no such file")
        raise typer.Exit(2)
    try:
        record = extract_file(file, prices=list(prices), db=db, use_causal_model=not no_model)
    except ReadError as exc:
        console.print(f"[red]error {exc.code}:[/red] {exc}")
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print_json(data=record)


@app.command()
def stats(db: Path = typer.Option(Path(DEFAULT_DB), "--db", help="SQLite database to read."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Counts of what the database holds, verdicts, and the last runs.

    Example:

        newslink stats --db newslink.db
    """
    from nlp.store import StoreError
    from nlp.stats import database_stats

    try:
        data = database_stats(db)
    except StoreError as exc:
        console.print(f"[red]error {exc.code}:[/red] {exc}")
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    t = Table(title=f"{db}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for k, v in data["tables"].items():
        t.add_row(k, f"{v:,}")
    out.print(t)
    if data["verdicts"]:
        v = Table(title="verdicts")
        v.add_column("verdict")
        v.add_column("claims", justify="right")
        for k, n in data["verdicts"].items():
            v.add_row(k, f"{n:,}")
        out.print(v)
    r = Table(title="last runs")
    for col in ("id", "started", "status", "inputs", "articles", "errors", "pipeline_version"):
        r.add_column(col)
    for row in data["runs"]:
        r.add_row(*[str(row[c]) for c in ("id", "started", "status", "inputs", "articles",
                                          "errors", "pipeline_version")])
    out.print(r)


logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
