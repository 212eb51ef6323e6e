"""``newslink claims|quotes|causes|articles|sql|export|serve|report``: reading the facts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from nlp import query
from nlp.cli.app import app

err = Console(stderr=True)

DB_OPTION = typer.Option(Path("newslink.db"), "--db", help="SQLite database to read.")
LIMIT_OPTION = typer.Option(100, "--limit", min=0, help="Show at most N rows.")
JSON_OPTION = typer.Option(False, "--json", help="Print a JSON array of rows.")
CSV_OPTION = typer.Option(False, "--csv", help="Print CSV with a header row.")
FROM_OPTION = typer.Option(None, "--from", help="Articles published on or after this ISO date.")
TO_OPTION = typer.Option(None, "--to", help="Articles published on or before this ISO date.")
SEARCH_OPTION = typer.Option(None, "--search",
                             help="Full-text search over article text and quotes (FTS5).")
ARTICLE_OPTION = typer.Option(None, "--article", help="One article: its id or an id prefix.")

VERDICT_STYLE = {"supported": "green", "contradicted": "bold red", "unverifiable": "dim",
                 "inconclusive": "yellow"}


#: the CLI option of each query parameter a QueryError names
OPTIONS = {"date_from": "--from", "date_to": "--to"}


def _fail(exc: Exception) -> None:
    code = getattr(exc, "code", None)
    param = getattr(exc, "param", None)
    text = f"{OPTIONS.get(param, '--' + param.replace('_', '-'))}: {exc.reason}" if param else str(exc)
    err.print(f"[red]error{' ' + code if code else ''}:[/red] {text}", markup=True, highlight=False)
    raise typer.Exit(1)


def _number(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:+.2f}" if abs(value) < 100 else f"{value:,.2f}"


def claim_numbers(row: dict[str, Any]) -> str:
    """The figures a verdict rests on, in one line: claimed, actual, reference, session."""
    parts = []
    if row.get("claimed") is not None:
        parts.append(f"claimed {_number(row['claimed'])}")
    if row.get("actual") is not None:
        parts.append(f"actual {_number(row['actual'])}")
    if row.get("reference_close") is not None:
        parts.append(f"ref {row['reference_close']:,.2f} ({row.get('reference_date')})")
    if row.get("session_low") is not None and row.get("session_high") is not None:
        parts.append(f"range {row['session_low']:,.2f}..{row['session_high']:,.2f}")
    if row.get("note"):
        parts.append(row["note"])
    return "; ".join(parts)


def _article_label(row: dict[str, Any], *, dated: bool = False) -> str:
    name = row.get("title") or Path(str(row.get("member") or row.get("source") or "")).name
    when = f" · {row['published']}" if dated and row.get("published") else ""
    return f"{name}\n[dim]{row['article_id'][:10]}{when}[/dim]"


def _table_rows(kind: str, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Column headers and cells of the human-readable table of ``kind``."""
    if kind == "claims":
        head = ["as of", "article", "claim", "symbol", "kind", "verdict", "numbers"]
        cells = []
        for r in rows:
            verdict = r.get("verdict") or "unchecked"
            style = VERDICT_STYLE.get(verdict, "")
            basis = f"\n[dim]{r['basis']}[/dim]" if r.get("basis") else ""
            cells.append([r.get("as_of") or "", _article_label(r, dated=True),
                          f"{r['claim_id']}: {r['text']}", r.get("symbol") or "", r["kind"],
                          f"[{style}]{verdict}[/{style}]{basis}" if style else verdict + basis,
                          claim_numbers(r)])
        return head, cells
    if kind == "quotes":
        head = ["date", "article", "quote", "speaker", "firm"]
        return head, [[r.get("published") or "", _article_label(r),
                       r["text"] + (f"\n[dim]{r['paraphrase']}[/dim]" if r.get("paraphrase") else ""),
                       ", ".join(x for x in (r.get("speaker"), r.get("role")) if x),
                       " ".join(x for x in (r.get("organization"),
                                            f"({r['organization_symbol']})"
                                            if r.get("organization_symbol") else None) if x)]
                      for r in rows]
    if kind == "causes":
        head = ["date", "article", "cause", "cue", "effect", "symbols"]
        return head, [[r.get("published") or "", _article_label(r), r["cause_text"],
                       r.get("cue") or "", r["effect_text"],
                       ", ".join(json.loads(r.get("effect_symbols") or "[]"))] for r in rows]
    head = ["date", "article", "symbols", "claims", "contradicted", "quotes", "causes"]
    return head, [[r.get("published") or "", _article_label({**r, "article_id": r["id"]}),
                   (r.get("symbols") or "").replace(",", ", "), str(r["claims"]),
                   str(r["contradicted"]), str(r["quotes"]), str(r["causes"])] for r in rows]


def list_facts(table: str, db: Path, *, as_json: bool, as_csv: bool, **filters: Any) -> None:
    """Run ``nlp.query.<table>(db, **filters)`` and print it; a QueryError exits 1."""
    try:
        frame = getattr(query, table)(db, **filters)
    except query.QueryError as exc:
        _fail(exc)
    emit(frame, table, as_json=as_json, as_csv=as_csv)


def emit(frame: pd.DataFrame, kind: str, *, as_json: bool, as_csv: bool) -> None:
    """Print ``frame`` as JSON, CSV, or a rich table of ``kind`` (claims, quotes, ...)."""
    if as_json and as_csv:
        _fail(ValueError("choose one of --json and --csv"))
    if as_json:
        typer.echo(json.dumps(query.records(frame), ensure_ascii=False, indent=1))
        return
    if as_csv:
        frame.to_csv(sys.stdout, index=False)
        return
    rows = query.records(frame)
    head, cells = _table_rows(kind, rows)
    table = Table(*head, title=f"{len(rows)} {kind}", show_lines=True, title_justify="left")
    for row in cells:
        table.add_row(*row)
    Console(width=max(Console().width, 140)).print(table)


@app.command()
def claims(
    db: Path = DB_OPTION,
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Claims about this symbol."),
    kind: Optional[str] = typer.Option(None, "--kind", help="change, level, record or range."),
    verdict: Optional[str] = typer.Option(
        None, "--verdict", help="supported, contradicted, unverifiable, inconclusive, unchecked."),
    date_from: Optional[str] = typer.Option(
        None, "--from", help="Claims about sessions on or after this ISO date (as_of)."),
    date_to: Optional[str] = typer.Option(
        None, "--to", help="Claims about sessions on or before this ISO date (as_of)."),
    search: Optional[str] = SEARCH_OPTION,
    article: Optional[str] = ARTICLE_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """List claims, newest first, with their article, span text, verdict and the numbers behind it.

    Example:

        newslink claims --symbol 8035.T --verdict contradicted --from 2024-01-01 --json
    """
    list_facts("claims", db, as_json=as_json, as_csv=as_csv, symbol=symbol, kind=kind,
               verdict=verdict, date_from=date_from, date_to=date_to, search=search,
               article=article, limit=limit)


@app.command()
def quotes(
    db: Path = DB_OPTION,
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Words of the speaker's name (each matches a word start)."),
    firm: Optional[str] = typer.Option(None, "--firm",
                                       help="Speaker's organization contains this (or is this symbol)."),
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Speaker's organization symbol."),
    mentions: Optional[str] = typer.Option(None, "--mentions",
                                           help="The quote's text names this symbol."),
    kind: Optional[str] = typer.Option(None, "--kind", help="direct, mixed or indirect."),
    date_from: Optional[str] = FROM_OPTION,
    date_to: Optional[str] = TO_OPTION,
    search: Optional[str] = typer.Option(None, "--search",
                                         help="Full-text search over quotes, speakers and firms."),
    article: Optional[str] = ARTICLE_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """List quotes with speaker, role, firm and article.

    Example:

        newslink quotes --firm Daiwa --search "financial sector"
    """
    list_facts("quotes", db, as_json=as_json, as_csv=as_csv, symbol=symbol, kind=kind,
               speaker=speaker, firm=firm, date_from=date_from, date_to=date_to, search=search,
               article=article, mentions=mentions, limit=limit)


@app.command()
def causes(
    db: Path = DB_OPTION,
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Effects about this symbol."),
    date_from: Optional[str] = FROM_OPTION,
    date_to: Optional[str] = TO_OPTION,
    search: Optional[str] = SEARCH_OPTION,
    article: Optional[str] = ARTICLE_OPTION,
    min_score: Optional[float] = typer.Option(
        None, "--min-score", help="Links whose calibrated score (share of such links found causal) is at least this."),
    limit: int = LIMIT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """List cause -> effect links with their cue and article.

    Example:

        newslink causes --symbol ^N225 --search "cross-shareholdings" --min-score 0.9 --csv
    """
    list_facts("causes", db, as_json=as_json, as_csv=as_csv, symbol=symbol, date_from=date_from,
               date_to=date_to, search=search, article=article, min_score=min_score, limit=limit)


@app.command()
def articles(
    db: Path = DB_OPTION,
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Articles mentioning this symbol."),
    verdict: Optional[str] = typer.Option(None, "--verdict",
                                          help="Articles with a claim of this verdict."),
    speaker: Optional[str] = typer.Option(None, "--speaker", help="Articles quoting this person."),
    firm: Optional[str] = typer.Option(None, "--firm", help="Articles quoting someone of this firm."),
    date_from: Optional[str] = FROM_OPTION,
    date_to: Optional[str] = TO_OPTION,
    search: Optional[str] = SEARCH_OPTION,
    article: Optional[str] = ARTICLE_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """List articles with the symbols they mention and counts of their facts.

    Example:

        newslink articles --search "cross-shareholdings" --from 2024-03-01 --to 2024-03-31
    """
    list_facts("articles", db, as_json=as_json, as_csv=as_csv, symbol=symbol, verdict=verdict,
               speaker=speaker, firm=firm, date_from=date_from, date_to=date_to, search=search,
               article=article, limit=limit)


def named_parameters(args: list[str]) -> dict[str, str]:
    """Parse ``-p NAME VALUE`` triples (``--param`` too). Raises typer.BadParameter otherwise."""
    params: dict[str, str] = {}
    rest = list(args)
    while rest:
        if rest[0] not in ("-p", "--param") or len(rest) < 3:
            raise typer.BadParameter(f"expected -p NAME VALUE, got {' '.join(rest)!r}")
        params[rest[1].lstrip(":")] = rest[2]
        rest = rest[3:]
    return params


# `-p NAME VALUE` is parsed by hand: typer has no repeatable two-value option.
@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def sql(
    ctx: typer.Context,
    statement: str = typer.Argument(..., help="One SQL statement (SELECT, WITH, reading PRAGMA)."),
    db: Path = DB_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """Run read-only SQL on the database; writes are refused and change nothing.

    Named parameters: -p NAME VALUE (repeatable) fills :NAME. Views claims_view,
    quotes_view and causes_view hold the common joins.

    Example:

        newslink sql "SELECT symbol, count(*) AS n FROM claims_view WHERE verdict = :v GROUP BY symbol" -p v contradicted
    """
    param = named_parameters(ctx.args)
    try:
        frame = query.run_sql(db, statement, param)
    except query.QueryError as exc:
        _fail(exc)
    if as_json or as_csv:
        emit(frame, "rows", as_json=as_json, as_csv=as_csv)
        return
    table = Table(*[str(c) for c in frame.columns], title=f"{len(frame)} rows",
                  title_justify="left")
    for row in query.records(frame):
        table.add_row(*["" if v is None else str(v) for v in row.values()])
    Console(width=max(Console().width, 140)).print(table)


@app.command()
def export(
    fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv or parquet."),
    out: Optional[Path] = typer.Option(
        None, "--out", help="jsonl: the file (default: standard output); "
                            "csv/parquet: the folder (default: newslink-export)."),
    db: Path = DB_OPTION,
) -> None:
    """Export the database: one public record per article (jsonl) or one file per table.

    Example:

        newslink export --format jsonl --out facts.jsonl

        newslink export --format parquet --out export/
    """
    try:
        written = query.export(db, fmt, out)
    except query.QueryError as exc:
        _fail(exc)
    for path in written:
        err.print(f"wrote {path}", highlight=False)


@app.command()
def serve(
    db: Path = DB_OPTION,
    port: int = typer.Option(8001, "--port", help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """Browse the database in Datasette (needs the serve extra: pip install 'newslink\\[serve]').

    Example:

        newslink serve --db newslink.db --port 8001
    """
    from nlp.serve import ServeError, serve as run_datasette

    try:
        run_datasette(db, port=port)
    except ServeError as exc:
        _fail(exc)


@app.command()
def report(
    article: str = typer.Argument(..., help="An article id (or id prefix), or an article file."),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="HTML file to write."),
    db: Path = DB_OPTION,
) -> None:
    """Write one self-contained HTML page about an article: highlighted facts, claims, charts.

    Example:

        newslink report 2afa2522b194 -o report.html --db newslink.db

        newslink report corpus/nikkei-2024-03-01.txt -o report.html
    """
    from nlp.report import ReportError, write_report

    try:
        path = write_report(article, output, db=db)
    except (ReportError, query.QueryError) as exc:
        _fail(exc)
    err.print(f"wrote {path}", highlight=False)
