"""Generate nlp/models/instruments/companies.csv from the offline data of ``pytickersymbols``.

Build-time only (``pip install -e '.[build]'``); newslink never imports pytickersymbols at run time.

    .venv/bin/python nlp/models/instruments/build.py          # rewrite companies.csv
    .venv/bin/python nlp/models/instruments/build.py --check  # say what would change, write nothing

The package's ``symbol`` field is used (its per-listing Yahoo symbols are wrong for some
Japanese names); US listings get their venue (XNYS/XNAS) from the Google symbol or the
"traded as" note; German small caps without a Xetra suffix get one from their Frankfurt code;
companies whose home listing cannot be told are left out and counted.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the checkout (nlp/models/instruments -> .)

from nlp.instruments import INSTRUMENT_COLUMNS, name_aliases  # noqa: E402

# pytickersymbols index name -> Yahoo symbol; the package maps "NASDAQ 100" to ^IXIC, which is the Composite.
INDEX_SYMBOLS = {
    "NIKKEI 225": "^N225",
    "S&P 500": "^GSPC",
    "DOW JONES": "^DJI",
    "NASDAQ 100": "^NDX",
    "S&P 100": "^OEX",
    "S&P 600": "^SP600",
    "FTSE 100": "^FTSE",
    "DAX": "^GDAXI",
    "MDAX": "^MDAXI",
    "SDAX": "^SDAXI",
    "TecDAX": "^TECDAX",
    "CAC_40": "^FCHI",
    "CAC Mid 60": "^CM100",
    "EURO STOXX 50": "^STOXX50E",
    "AEX": "^AEX",
    "BEL 20": "^BFX",
    "IBEX 35": "^IBEX",
    "OMX Helsinki 25": "^OMXH25",
    "OMX Stockholm 30": "^OMX",
    "Switzerland 20": "^SSMI",
}
# Order in which an instrument's indices are listed: the first is its main index.
INDEX_ORDER = list(INDEX_SYMBOLS.values())
US_INDICES = {"S&P 500", "DOW JONES", "NASDAQ 100", "S&P 100", "S&P 600"}
# Where a bare symbol of these indices is listed, and the suffix its Yahoo symbol needs there.
BARE_HOME = {"SDAX": ".DE", "MDAX": ".DE", "DAX": ".DE", "TecDAX": ".DE", "CAC Mid 60": ".PA"}
GOOGLE_VENUES = {"NASDAQ": "XNAS", "NYSE": "XNYS", "NYSEAMERICAN": "XASE", "NYSEARCA": "XNYS"}
RIC_SUFFIX = {"XNYS": ".N", "XNAS": ".O", "XASE": ".A"}
GICS_SECTORS = [
    "Information Technology", "Health Care", "Financials", "Consumer Discretionary", "Consumer Staples",
    "Communication Services", "Industrials", "Energy", "Materials", "Utilities", "Real Estate",
]


def read_exchanges() -> dict[str, dict[str, str]]:
    """Return exchanges.csv rows keyed by Yahoo suffix ("" is left out: US venues need more)."""
    with open(HERE / "exchanges.csv", newline="", encoding="utf-8") as fh:
        return {row["yahoo_suffix"]: row for row in csv.DictReader(fh) if row["yahoo_suffix"]}


def us_venue(company: dict, symbol: str, index: str) -> str | None:
    """Return XNYS/XNAS/XASE for a US listing, or None when the data does not say."""
    for listing in company.get("symbols") or []:
        venue, _, code = (listing.get("google") or "").partition(":")
        if code == symbol and venue in GOOGLE_VENUES:
            return GOOGLE_VENUES[venue]
    traded = (company.get("metadata") or {}).get("traded_as") or ""
    found = re.search(r"\b(NYSE American|NYSE|Nasdaq|NASDAQ)\s*:\s*" + re.escape(symbol) + r"\b", traded)
    if found:
        return {"NYSE American": "XASE", "NYSE": "XNYS"}.get(found.group(1), "XNAS")
    return "XNAS" if index == "NASDAQ 100" else None


def home_symbol(company: dict, index: str, suffixes: set[str]) -> str | None:
    """Return the Yahoo symbol of a non-US company's home listing, or None."""
    symbol = company.get("symbol") or ""
    # One exchange suffix only: the package has a few like "AIR.PA.DE".
    if re.fullmatch(r"[A-Z0-9&\-]+(\.[A-Z])?\.[A-Z]{1,2}", symbol) and any(symbol.endswith(s) for s in suffixes):
        return symbol
    home = BARE_HOME.get(index)
    if not home:
        return None
    listings = [s.get("yahoo") or "" for s in company.get("symbols") or []]
    for listing in listings:
        if listing.endswith(home):
            return listing
    if home == ".DE":
        # German shares keep their ticker across Frankfurt and Xetra.
        for listing in listings:
            if listing.endswith(".F") and symbol and listing[:-2] == symbol:
                return symbol + ".DE"
        for listing in listings:
            if listing.endswith(".F") and not listing[0].isdigit():
                return listing[:-2] + ".DE"
    return None


def pick_sector(industries: list[str]) -> str:
    """Return the GICS sector among a company's industries, else its first industry."""
    for sector in GICS_SECTORS:
        if sector in industries:
            return sector
    return industries[0] if industries else ""


def build_rows() -> tuple[list[dict[str, str]], Counter]:
    """Return companies.csv rows (sorted by symbol) and counts of what was kept and dropped."""
    from pytickersymbols.indices_data import INDICES

    exchanges = read_exchanges()
    suffixes = set(exchanges)
    rows: dict[str, dict[str, str]] = {}
    stats: Counter = Counter()
    for index, data in sorted(INDICES.items(), key=lambda kv: INDEX_ORDER.index(INDEX_SYMBOLS[kv[0]])):
        index_symbol = INDEX_SYMBOLS[index]
        for company in data["companies"]:
            stats["listed"] += 1
            if index in US_INDICES:
                symbol = company.get("symbol") or ""
                if not re.fullmatch(r"[A-Z]{1,5}(\.[A-Z])?", symbol):
                    stats["dropped: no US symbol"] += 1
                    continue
                exchange = us_venue(company, symbol, index) or "XNYS"
                venue_known = us_venue(company, symbol, index) is not None
                base, _, share_class = symbol.partition(".")
                ric = base + share_class.lower() + RIC_SUFFIX[exchange] if venue_known else ""
            else:
                symbol = home_symbol(company, index, suffixes)
                if not symbol:
                    stats["dropped: home listing unknown"] += 1
                    continue
                exchange = exchanges[symbol[symbol.rindex(".") :]]["code"]
                ric = symbol if exchange in ("XTKS", "XLON") else ""
            name = company["name"].strip()
            row = rows.get(symbol)
            if row is None:
                rows[symbol] = {
                    "symbol": symbol,
                    "name": name,
                    "kind": "equity",
                    "exchange": exchange,
                    "timezone": "",
                    "ric": ric,
                    "aliases": "|".join(name_aliases(name)[1:]),
                    "sector": pick_sector(company.get("industries") or []),
                    "indices": index_symbol,
                }
            elif index_symbol not in row["indices"].split("|"):
                row["indices"] += "|" + index_symbol
                row["ric"] = row["ric"] or ric
    stats["companies"] = len(rows)
    return [rows[s] for s in sorted(rows)], stats


def main(argv: list[str] | None = None) -> int:
    """Write companies.csv (or with --check, report only); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report counts, write nothing")
    args = parser.parse_args(argv)
    rows, stats = build_rows()
    for key, value in sorted(stats.items()):
        print(f"{key}: {value}")
    if not args.check:
        with open(HERE / "companies.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=INSTRUMENT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {HERE / 'companies.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
