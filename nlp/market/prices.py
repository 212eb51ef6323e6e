"""Daily price files: parse the formats users really have into validated bars.

Every format of ``shared/data/prices`` reads as it is: yfinance ``download``
CSVs (classic, with ``null`` rows, and the >= 0.2.48 three-row header),
yfinance ``history()`` CSVs (tz-aware timestamps, Dividends, Stock Splits),
J-Quants-style files, plain Date/OHLCV, the Kaggle ``all_stocks_5yr``
per-ticker files, Stooq downloads (daily and bulk ``<TICKER>`` files) and
newslink's own format (``symbol,date,open,...,source``).

A file is parsed whole before anything is stored: a malformed file raises
:class:`PriceFileError` naming the file, the line and the reason, and nothing
of it lands in the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nlp.errors import NewslinkError

#: Column order of newslink's own price format (and of the ``prices`` table).
OWN_COLUMNS = ("symbol", "date", "open", "high", "low", "close", "adj_close", "volume",
               "dividend", "split", "source")

#: Other names of one instrument (Yahoo, Stooq, Reuters RIC) -> the master symbol.
SYMBOL_ALIASES = {
    "^SPX": "^GSPC", ".SPX": "^GSPC", ".INX": "^GSPC",
    ".DJI": "^DJI",
    ".IXIC": "^IXIC", "^NDQ": "^IXIC", "^COMP": "^IXIC",
    ".N225": "^N225", "^NKX": "^N225", "^NI225": "^N225",
    ".TOPX": "^TOPX", "^TPX": "^TOPX",
}
#: Stooq market suffixes -> Yahoo suffix ("" for US listings).
STOOQ_SUFFIXES = {"US": "", "JP": ".T", "UK": ".L", "DE": ".DE", "HK": ".HK"}

#: Normalised header name -> bar field.
COLUMN_NAMES = {
    "date": "date", "datetime": "date", "timestamp": "date", "time": "time",
    "open": "open", "high": "high", "low": "low", "close": "close", "last": "close",
    "adjclose": "adj_close", "adjustedclose": "adj_close", "adjustmentclose": "adj_close",
    "volume": "volume", "vol": "volume",
    "dividends": "dividend", "dividend": "dividend",
    "stocksplits": "split", "split": "split", "splits": "split",
    "adjustmentfactor": "adjustment_factor",
    "symbol": "symbol", "ticker": "symbol", "name": "symbol", "code": "symbol",
    "source": "source",
}
MISSING = {"", "null", "nan", "none", "-", "n/a", "na",
           # spreadsheet error cells: the Advantest file marks the 2020-10-01 TSE outage so
           "#value!", "#n/a", "#null!", "#div/0!", "#ref!", "#num!", "#name?"}
NUMBER_FIELDS = ("open", "high", "low", "close", "adj_close", "volume", "dividend", "split")


class PriceFileError(NewslinkError, ValueError):
    """A price file that cannot be read whole; ``str()`` is ``path:line: reason``."""

    code = "NL301"

    def __init__(self, path: str | Path, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


@dataclass
class PriceBar:
    """One daily bar; prices raw (not dividend-adjusted), ``date`` an ISO session date."""

    symbol: str
    date: str
    close: float
    open: float | None = None
    high: float | None = None
    low: float | None = None
    adj_close: float | None = None
    volume: float | None = None
    dividend: float | None = None  # cash dividend going ex on this date
    split: float | None = None  # split ratio taking effect on this date (2.0 = 2-for-1)
    source: str | None = None

    def row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PriceFile:
    """What one file holds: its bars by symbol, the format recognised, rows skipped."""

    path: str
    format: str
    bars: list[PriceBar]
    skipped: int = 0  # rows without a close (yfinance ``null`` holiday rows)
    warnings: list[str] = field(default_factory=list)

    @property
    def symbols(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for bar in self.bars:
            counts[bar.symbol] = counts.get(bar.symbol, 0) + 1
        return counts


def canonical_symbol(symbol: str) -> str:
    """The master spelling of ``symbol``: upper case, Stooq suffixes and known aliases mapped."""
    s = symbol.strip().upper()
    if s.startswith("$"):
        s = s[1:]
    m = re.fullmatch(r"([A-Z0-9\-]+)\.(US|JP|UK|DE|HK)", s)
    if m and not s.startswith("^"):
        s = m.group(1) + STOOQ_SUFFIXES[m.group(2)]
    return SYMBOL_ALIASES.get(s, s)


def symbol_from_filename(path: str | Path) -> str | None:
    """The symbol a file's name gives (``AAPL_data.csv``, ``^N225.csv``, ``aapl_us_d.csv``), or None."""
    name = Path(path).name
    stem = re.sub(r"\.(csv|txt)$", "", name, flags=re.I)
    stem = re.sub(r"_(data|prices|daily)$", "", stem, flags=re.I)
    m = re.fullmatch(r"(.+)_(us|jp|uk|de|hk)_d", stem, flags=re.I)
    if m:
        stem = f"{m.group(1)}.{m.group(2)}"
    else:
        stem = re.sub(r"_d$", "", stem, flags=re.I)
    if not re.fullmatch(r"[\^.$]?[A-Za-z0-9][A-Za-z0-9.\-=^]*", stem):
        return None
    return canonical_symbol(stem)


def _norm(header: str) -> str:
    return re.sub(r"[^a-z]", "", header.lower())


def _parse_date(text: str) -> str | None:
    """ISO date of a date cell (ISO, ISO with time/offset, YYYYMMDD, YYYY/MM/DD), or None."""
    t = text.strip()
    m = re.match(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[ T])", t)
    if m:
        y, mo, d = m.groups()
    elif re.fullmatch(r"\d{8}", t):
        y, mo, d = t[:4], t[4:6], t[6:]
    else:
        return None
    try:
        return dt.date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def _parse_number(text: str) -> float | None:
    """A cell's number; None for a missing value. Raises ValueError for anything else."""
    t = text.strip()
    if t.lower() in MISSING:
        return None
    value = float(t)  # raises ValueError on "12,5", "abc"
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise ValueError(t)
    return value


def _read_rows(path: Path) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PriceFileError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PriceFileError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:  # NUL bytes, an unterminated quote at the end of a truncated file
        raise PriceFileError(path, reader.line_num or None, f"not CSV: {exc}") from exc


def parse_price_file(path: str | Path, symbol: str | None = None) -> PriceFile:
    """Parse one price file into validated bars sorted by symbol and date.

    The symbol comes from ``symbol``, else a Name/Ticker/Symbol column or the
    yfinance Ticker header row, else the file name; known aliases map to the
    master symbol (``^SPX`` -> ``^GSPC``). Raises PriceFileError (file:line and
    reason) for a malformed file: a bad number or date, a missing Date or Close
    column, a short row, the same date twice with different values, several
    series mixed in a file without a symbol column.
    """
    path = Path(path)
    rows = _read_rows(path)
    # (line number, cells) of non-blank rows; csv lines are 1-based
    lines = [(i + 1, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not lines:
        raise PriceFileError(path, None, "empty file")
    header_line, header = lines[0]
    body = lines[1:]
    fmt = "csv"
    header_symbols: list[str] = []
    if header and _norm(header[0]) == "price" and len(body) >= 2 and _norm(body[0][1][0]) == "ticker":
        # yfinance >= 0.2.48: Price row (field names), Ticker row, Date row
        fmt = "yfinance-multiheader"
        header_symbols = [c.strip() for c in body[0][1][1:] if c.strip()]
        if _norm(body[1][1][0]) != "date":
            raise PriceFileError(path, body[1][0], "expected the 'Date' header row of a yfinance file")
        header = ["Date", *header[1:]]
        body = body[2:]
    elif header and header[0].strip().startswith("<"):
        fmt = "stooq-bulk"
    fields: dict[str, int] = {}
    for i, name in enumerate(header):
        key = COLUMN_NAMES.get(_norm(name))
        if key is None or key in fields:
            continue  # extra columns (TradingValue, UpLimit, <PER>, ...) are not prices
        fields[key] = i
    if "date" not in fields:
        raise PriceFileError(path, header_line, "no Date column in the header")
    if "close" not in fields:
        raise PriceFileError(path, header_line, "no Close column in the header")
    if fmt == "csv":
        if "symbol" in fields and "source" in fields:
            fmt = "newslink"
        elif "dividend" in fields or "split" in fields:
            fmt = "yfinance-history"
        elif "adj_close" in fields:
            fmt = "yfinance-classic"
        elif "symbol" in fields:
            fmt = "kaggle-5yr" if _norm(header[fields["symbol"]]) == "name" else "csv-symbol"
        elif len(header) > 6:
            fmt = "jquants"
        elif re.search(r"_(us|jp|uk|de|hk)_d\.", path.name, re.I) or path.name.lower().endswith("_d.csv"):
            fmt = "stooq"
    warnings: list[str] = []
    if fmt == "yfinance-multiheader" and "adj_close" not in fields:
        warnings.append(f"{path.name}: no Adj Close column; Close may be dividend-adjusted "
                        "(yfinance auto_adjust=True)")

    # which symbol each row belongs to
    fixed_symbol: str | None = None
    if symbol:
        fixed_symbol = canonical_symbol(symbol)
    elif "symbol" not in fields:
        distinct = sorted({canonical_symbol(s) for s in header_symbols})
        if len(distinct) > 1:
            raise PriceFileError(path, header_line + 1,
                                 f"several symbols ({', '.join(distinct)}) in one file without a "
                                 "symbol column: give one file per symbol")
        fixed_symbol = distinct[0] if distinct else symbol_from_filename(path)
        if fixed_symbol is None:
            raise PriceFileError(path, None, "no symbol: give --symbol, a Ticker/Name column, "
                                 "or name the file after the symbol")
    source_default = path.name
    width = len(header)
    seen: dict[tuple[str, str], tuple[int, PriceBar]] = {}
    skipped = 0
    symbols_in_column: set[str] = set()
    last_date: dict[str, tuple[str, int]] = {}  # symbol -> (date, line) of its previous row
    unordered: set[str] = set()
    date_header = header[fields["date"]].strip().lower()
    for line, cells in body:
        if len(cells) != width:
            raise PriceFileError(path, line, f"{len(cells)} fields where the header has {width}")
        raw_date = cells[fields["date"]]
        if raw_date.strip().lower() == date_header:
            raise PriceFileError(path, line, "a second header row: several series concatenated "
                                 "in one file")
        date = _parse_date(raw_date)
        if date is None:
            raise PriceFileError(path, line, f"bad date {raw_date.strip()!r}")
        values: dict[str, float | None] = {}
        for name in (*NUMBER_FIELDS, "adjustment_factor"):
            if name in fields:
                cell = cells[fields[name]]
                try:
                    values[name] = _parse_number(cell)
                except ValueError:
                    raise PriceFileError(path, line, f"bad number {cell.strip()!r} in column "
                                         f"{header[fields[name]].strip()!r}") from None
        if values.get("close") is None:
            skipped += 1  # yfinance writes holidays as all-null rows
            continue
        for name in ("open", "high", "low", "close", "adj_close"):
            v = values.get(name)
            if v is not None and v <= 0:
                raise PriceFileError(path, line, f"non-positive {name} {v}")
        if values.get("volume") is not None and values["volume"] < 0:
            raise PriceFileError(path, line, f"negative volume {values['volume']}")
        high, low = values.get("high"), values.get("low")
        if high is not None and low is not None and high < low:
            # upstream glitches (Kaggle FOXA 2013-06-25): keep the close, drop the unusable range
            warnings.append(f"{path.name}:{line}: high {high} below low {low}; range dropped")
            values["high"] = values["low"] = None
        elif high is not None and low is not None:
            outside = [f"{name} {values[name]}" for name in ("open", "close")
                       if values.get(name) is not None and not low <= values[name] <= high]
            if outside:  # a bar whose open or close lies outside its own range: the range is wrong
                warnings.append(f"{path.name}:{line}: {' and '.join(outside)} outside the range"
                                f" {low}..{high}; range dropped")
                values["high"] = values["low"] = None
        factor = values.pop("adjustment_factor", None)
        if factor and factor != 1.0 and not values.get("split"):
            values["split"] = round(1.0 / factor, 6)  # J-Quants: 0.5 on a 2-for-1 split
        if not values.get("split"):
            values["split"] = None  # yfinance writes 0.0 for "no split"
        if not values.get("dividend"):
            values["dividend"] = None
        if fixed_symbol is not None:
            sym = fixed_symbol
            if "symbol" in fields and cells[fields["symbol"]].strip():
                symbols_in_column.add(_row_symbol(cells[fields["symbol"]]))
        else:
            cell = cells[fields["symbol"]].strip()
            if not cell:
                raise PriceFileError(path, line, "empty symbol")
            sym = _row_symbol(cell)
        source = source_default
        if "source" in fields and cells[fields["source"]].strip():
            source = cells[fields["source"]].strip()
        bar = PriceBar(symbol=sym, date=date, source=source, **values)  # type: ignore[arg-type]
        previous = last_date.get(sym)
        if previous is not None and date < previous[0] and sym not in unordered:
            unordered.add(sym)
            warnings.append(f"{path.name}:{line}: {sym} {date} comes after {previous[0]} (line"
                            f" {previous[1]}); dates out of order, bars sorted by date")
        last_date[sym] = (date, line)
        key = (sym, date)
        if key in seen:
            first_line, first = seen[key]
            if _same_prices(first, bar):
                continue
            raise PriceFileError(path, line, f"{sym} {date} already at line {first_line} with "
                                 "other values (several series mixed in one file?)")
        seen[key] = (line, bar)
    if symbol and len(symbols_in_column) > 1:
        raise PriceFileError(path, None, f"symbol {symbol} given but the file holds several "
                             f"symbols ({', '.join(sorted(symbols_in_column))})")
    bars = sorted((b for _, b in seen.values()), key=lambda b: (b.symbol, b.date))
    return PriceFile(path=str(path), format=fmt, bars=bars, skipped=skipped, warnings=warnings)


def _row_symbol(cell: str) -> str:
    s = cell.strip()
    if re.fullmatch(r"\d{4,5}", s):
        return f"{s[:4]}.T"  # J-Quants codes: 4 digits, or 5 with a trailing 0
    return canonical_symbol(s)


def _same_prices(a: PriceBar, b: PriceBar) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in ("open", "high", "low", "close", "volume"))


def price_files(path: str | Path) -> list[Path]:
    """The price files at ``path``: the file itself, or a folder's ``*.csv`` / ``*.txt`` files sorted."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in (".csv", ".txt"))
    if not p.exists():
        raise PriceFileError(p, None, "no such file or folder")
    return [p]


@dataclass
class ImportProblem:
    """A file an import rejected: where (``source``, ``line``) and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"


@dataclass
class ImportReport:
    """What an import stored: bars per symbol, files read and files rejected (with why)."""

    files: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # file -> format recognised
    symbols: dict[str, int] = field(default_factory=dict)  # symbol -> bars stored
    rows: int = 0
    skipped: int = 0
    errors: list[ImportProblem] = field(default_factory=list)  # files rejected whole
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        d["errors"] = [str(e) for e in self.errors]
        return d


def import_prices(store: Any, path: str | Path, symbol: str | None = None) -> ImportReport:
    """Parse the price file or folder at ``path`` and store its bars (``store.replace_prices``).

    Each file is parsed whole first and stored in one transaction: a malformed
    file is rejected whole (an ImportProblem in ``errors``: source, line, reason)
    and the others still land. Raises PriceFileError only when ``path`` does not exist.
    """
    report = ImportReport()
    for file in price_files(path):
        try:
            parsed = parse_price_file(file, symbol)
        except PriceFileError as exc:
            report.errors.append(ImportProblem(exc.path, exc.line, exc.reason))
            continue
        except Exception as exc:  # noqa: BLE001  (a parser bug rejects this file, not the import)
            report.errors.append(ImportProblem(str(file), None, f"unreadable: {type(exc).__name__}: {exc}"))
            continue
        store.replace_prices(bar.row() for bar in parsed.bars)
        report.files.append(str(file))
        report.formats[str(file)] = parsed.format
        for sym, n in parsed.symbols.items():
            report.symbols[sym] = report.symbols.get(sym, 0) + n
        report.rows += len(parsed.bars)
        report.skipped += parsed.skipped
        report.warnings.extend(parsed.warnings)
    return report


def write_price_csv(bars: list[PriceBar], path: str | Path) -> Path:
    """Write ``bars`` sorted by symbol and date in newslink's own format (OWN_COLUMNS). Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(OWN_COLUMNS)
        for bar in sorted(bars, key=lambda b: (b.symbol, b.date)):
            row = bar.row()
            writer.writerow([_cell(row[c]) for c in OWN_COLUMNS])
    return path


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)  # volumes and split ratios without a trailing ".0"
    return value
