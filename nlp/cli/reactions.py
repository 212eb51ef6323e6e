"""``newslink reactions`` and ``newslink study``: what prices did after the stories."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from nlp import query
from nlp.cli.app import app
from nlp.cli.query import (
    ARTICLE_OPTION, CSV_OPTION, DB_OPTION, FROM_OPTION, JSON_OPTION, LIMIT_OPTION, SEARCH_OPTION, TO_OPTION,
    _fail, _article_label, emit,
)

out = Console(width=None if sys.stdout.isatty() else 160)

NOVEL_OPTION = typer.Option(None, "--novel/--repeat",
                            help="Only novel stories (no similar earlier one), or only repeats.")
RELEVANCE_OPTION = typer.Option(None, "--min-relevance", min=0, max=100,
                                help="Only (article, instrument) pairs at least this relevant (0-100).")


def _pct(value) -> str:
    return "" if value is None else f"{value:+.2f}%"


@app.command()
def reactions(
    db: Path = DB_OPTION,
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Reactions of this symbol."),
    date_from: Optional[str] = FROM_OPTION,
    date_to: Optional[str] = TO_OPTION,
    min_relevance: Optional[float] = RELEVANCE_OPTION,
    novel: Optional[bool] = NOVEL_OPTION,
    window: str = typer.Option("0", "--window", help="0 (t0's session), 0..1 or 0..5."),
    search: Optional[str] = SEARCH_OPTION,
    article: Optional[str] = ARTICLE_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """List what each instrument's price did after the stories that name it, with relevance and novelty.

    t0 is the first session close after publication; the window runs from the last close before it.

    Example:

        newslink reactions --symbol AAPL --min-relevance 50 --novel --window 0..1 --csv
    """
    try:
        frame = query.reactions(db, symbol=symbol, date_from=date_from, date_to=date_to,
                                min_relevance=min_relevance, novel=novel, window=window,
                                search=search, article=article, limit=limit)
    except query.QueryError as exc:
        _fail(exc)
    if as_json or as_csv:
        emit(frame, "reactions", as_json=as_json, as_csv=as_csv)
        return
    rows = query.records(frame)
    table = Table("t0", "article", "symbol", "timing", "return", "index", "abnormal", "volume×",
                  "relevance", "novel", title=f"{len(rows)} reactions, window {window}",
                  show_lines=True, title_justify="left")
    for r in rows:
        novelty = ("yes" if r.get("novel") else
                   f"no: {r['similar_article_id'][:10]} {r['similar_hours']:.1f} h earlier"
                   if r.get("similar_article_id") else "")
        table.add_row(r.get("t0") or "", _article_label(r, dated=True), r["symbol"],
                      r.get("timing") or "", _pct(r.get("return_pct")) or (r.get("reason") or ""),
                      f"{r['index_symbol']} {_pct(r.get('index_return_pct'))}" if r.get("index_symbol") else "",
                      _pct(r.get("abnormal_pct")),
                      f"{r['volume_ratio']:.2f}" if r.get("volume_ratio") is not None else "",
                      f"{r['relevance']:.0f}" if r.get("relevance") is not None else "", novelty)
    Console(width=max(Console().width, 140)).print(table)


@app.command()
def study(
    db: Path = DB_OPTION,
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Stories naming this symbol."),
    search: Optional[str] = SEARCH_OPTION,
    sql: Optional[str] = typer.Option(None, "--sql", help="A read-only query returning article_id"
                                      " (and optionally symbol) of the stories to study."),
    date_from: Optional[str] = FROM_OPTION,
    date_to: Optional[str] = TO_OPTION,
    min_relevance: Optional[float] = RELEVANCE_OPTION,
    novel: Optional[bool] = NOVEL_OPTION,
    model: str = typer.Option("adjusted", "--model",
                              help="adjusted (minus the index) or market (market model, beta -120..-20)."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Write the CAR chart here (.svg)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Event study: the mean cumulative abnormal return from -5 to +10 sessions around the stories.

    Each event (symbol, t0) counts once; the table gives the standard error and t-statistic by day.

    Example:

        newslink study --min-relevance 60 --novel --chart novel.svg

        newslink study --sql "SELECT article_id FROM checks WHERE verdict = 'contradicted'"
    """
    from nlp.report import study_chart

    try:
        result = query.study(db, symbol=symbol, search=search, sql=sql, date_from=date_from,
                             date_to=date_to, min_relevance=min_relevance, novel=novel, model=model)
    except query.QueryError as exc:
        _fail(exc)
    what = " ".join(x for x in (f"--symbol {symbol}" if symbol else "", f"--search {search!r}" if search else "",
                                "--sql" if sql else "", f"--min-relevance {min_relevance:g}"
                                if min_relevance is not None else "",
                                {True: "--novel", False: "--repeat", None: ""}[novel]) if x)
    if chart is not None:
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_text(study_chart(result, title=f"newslink study {what}".strip()), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps({"count": result.count, "left_out": result.left_out, "model": result.model,
                               "days": result.rows()}, indent=1))
        return
    table = Table("day", "mean CAR", "std. error", "t", title=(
        f"event study ({result.model}), {result.count} events"
        + (f", {result.left_out} without a full price path" if result.left_out else "")),
        title_justify="left")
    for r in result.rows():
        table.add_row(f"{r['day']:+d}", _pct(r["mean_car_pct"]) if result.count else "",
                      f"{r['standard_error']:.3f}" if r["standard_error"] is not None else "",
                      f"{r['t_stat']:.2f}" if r["t_stat"] is not None else "")
    out.print(table)
    if chart is not None:
        out.print(f"chart: {chart}")
