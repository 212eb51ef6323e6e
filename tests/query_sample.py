"""Databases for the query, export, serve and report tests, built through the store.

``sample_records()`` are hand-written public records of the sample article
(shaped like the gold file) and of a second, invented article with a
contradicted claim; ``sample_prices()`` reads the shared seed price files
around 2024-03-01; ``reuters_records(n)`` makes simple records (article block
and a few regex-found claims) from the first ``n`` members of the Reuters dev
archive. Run as a script to build the sample database for ``make report``:

    python tests/query_sample.py build/sample.db
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "nikkei-2024-03-01.txt"
SEED_PRICES = SHARED / "data" / "prices" / "seed"
REUTERS = SHARED / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"
VERSION = "test-query"

# The second article, invented for the tests: a claim the prices contradict.
OTHER_TEXT = (
    "Tokyo Electron shares fell 3.1% on Tuesday as chip stocks cooled, while the Nikkei "
    "share average closed at 40,097.63.\n\n"
    "\u201cThe rally needed a pause,\u201d said Yuki Tanaka, a strategist at Nomura Securities.\n\n"
    "Profit-taking in chip stocks weighed on the index."
)
OTHER_ID = hashlib.sha256(OTHER_TEXT.encode()).hexdigest()


def _span(text: str, phrase: str, after: int = 0) -> dict[str, Any]:
    start = text.index(phrase, after)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


def _check(verdict: str, basis: str | None, claimed: float | None, actual: float | None,
           ref: tuple[str, float] | None = None,
           session: tuple[str, float, float, float] | None = None,
           note: str | None = None) -> dict[str, Any]:
    check: dict[str, Any] = {"verdict": verdict, "basis": basis, "claimed": claimed,
                             "actual": actual, "tolerance": 0.005 if claimed is not None else None,
                             "note": note}
    if ref:
        check["reference"] = {"date": ref[0], "close": ref[1]}
    if session:
        check["session"] = dict(zip(("date", "low", "high", "close"), session))
    return check


def seed_article() -> dict[str, Any]:
    """The ``article`` block of the sample article, as the reader returns it."""
    from nlp.articles import read_article

    return read_article(SEED).public()


def sample_records() -> list[dict[str, Any]]:
    """Public records of the sample article (gold facts) and of one invented article."""
    art = seed_article()
    text = art["text"]
    instruments = []
    for phrase, symbol, kind, name, exchange in [
        ("Nikkei share average", "^N225", "index", "Nikkei 225", "XTKS"),
        ("Topix", "^TOPX", "index", "TOPIX", "XTKS"),
        ("S&P 500", "^GSPC", "index", "S&P 500", "XNYS"),
        ("Nasdaq", "^IXIC", "index", "Nasdaq Composite", "XNAS"),
        ("Tokyo Electron Ltd", "8035.T", "equity", "Tokyo Electron Ltd.", "XTKS"),
        ("Advantest", "6857.T", "equity", "Advantest Corp.", "XTKS"),
        ("Nvidia", "NVDA", "equity", "NVIDIA Corp.", "XNAS"),
        ("SoftBank Group", "9984.T", "equity", "SoftBank Group Corp.", "XTKS"),
        ("Daiwa Securities", "8601.T", "equity", "Daiwa Securities Group Inc.", "XTKS"),
        ("insurance sector", None, "sector", None, None),
    ]:
        instruments.append({**_span(text, phrase), "symbol": symbol, "kind": kind, "name": name,
                            "exchange": exchange, "how": "name"})

    def claim(cid: str, phrase: str, kind: str, symbol: str | None, check: dict[str, Any],
              **fields: Any) -> dict[str, Any]:
        base = {"id": cid, "kind": kind, **_span(text, phrase), "subject": None, "symbol": symbol,
                "direction": None, "pct": None, "level": None, "record": None, "period": None,
                "as_of": "2024-03-01", "check": check}
        base.update(fields)
        return base

    n225_ref, n225_ses = ("2024-02-29", 39166.19), ("2024-03-01", 39224.64, 39990.23, 39910.82)
    claims = [
        claim("c1", "The Nikkei was up 1.83% at 39,883.86", "change", "^N225",
              _check("supported", "intraday-range", 1.83, 1.83, n225_ref, n225_ses,
                     "midday level inside the session range; close-to-close was +1.90%"),
              subject="The Nikkei", direction="up", pct=1.83, level=39883.86, period="intraday"),
        claim("c2", "The broader Topix was up 1.14% at 2706.18", "change", "^TOPX",
              _check("supported", "intraday-range", 1.14, 1.14, ("2024-02-29", 2675.73),
                     ("2024-03-01", 2675.91, 2712.29, 2709.42)),
              subject="Topix", direction="up", pct=1.14, level=2706.18, period="intraday"),
        claim("c3", "Tokyo Electron Ltd gained 4.64%", "change", "8035.T",
              _check("supported", "intraday-range", 4.64, 4.64, ("2024-02-29", 36870.0),
                     ("2024-03-01", 37050.0, 38710.0, 38380.0),
                     "morning-session move; close-to-close was +4.10%"),
              subject="Tokyo Electron Ltd", direction="up", pct=4.64, period="intraday"),
        claim("c4", "added 2.63%", "change", "6857.T",
              _check("supported", "intraday-range", 2.63, 2.63, ("2024-02-29", 6910.0),
                     ("2024-03-01", 6966.0, 7133.0, 7119.0)),
              subject="Advantest", direction="up", pct=2.63, period="intraday"),
        claim("c5", "SoftBank Group was up 2.05%", "change", "9984.T",
              _check("supported", "intraday-range", 2.05, 2.05, ("2024-02-29", 8790.0),
                     ("2024-03-01", 8824.0, 9020.0, 8907.0)),
              subject="SoftBank Group", direction="up", pct=2.05, period="intraday"),
        claim("c6", "rose to an all-time high", "record", "^N225",
              _check("supported", "record-high", 39990.23, 39426.29, n225_ref, n225_ses,
                     "session high above every earlier high (39426.29 on 2024-02-27)"),
              subject="Japan\u2019s Nikkei share average", record="all-time high",
              period="intraday"),
        claim("c7", "the record intraday peak of 39,426.29", "record", "^N225",
              _check("supported", "record-high", 39426.29, 39426.29, ("2024-02-27", 39239.52),
                     ("2024-02-27", 39113.03, 39426.29, 39239.52)),
              record="record intraday peak", level=39426.29, period="earlier this week",
              as_of="2024-02-27"),
        claim("c10", "the S&P 500 and Nasdaq closed at record highs", "record", "^GSPC",
              _check("supported", "record-close", 5096.27, 5096.27, ("2024-02-28", 5069.76),
                     ("2024-02-29", 5061.89, 5104.99, 5096.27)),
              record="record high close", period="overnight", as_of="2024-02-29"),
        claim("c12", "the insurance sector led the gainers, up 2.51%", "change", None,
              _check("unverifiable", None, None, None,
                     note="no price series for the subject 'insurance sector'"),
              subject="insurance sector", direction="up", pct=2.51, period="intraday"),
        claim("c13", "miners, which rose 2.27%", "change", None,
              _check("unverifiable", None, None, None,
                     note="no price series for the subject 'miners'"),
              subject="miners", direction="up", pct=2.27, period="intraday"),
    ]
    quote = {**_span(text, "That\u2019s positive for the Japanese financial sector"),
             "kind": "direct", "speaker": "Kenji Abe", "speaker_kind": "person", "role": "analyst",
             "organization": "Daiwa Securities", "organization_symbol": "8601.T", "cue": "said",
             "paraphrase": "as it allows the companies to increase shareholder returns"}
    causes = [
        {"cause": _span(text, "tech-related stocks tracked record-high closings among their US peers"),
         "effect": _span(text, "Japan\u2019s Nikkei share average rose to an all-time high"),
         "cue": "as", "effect_symbols": ["^N225"], "claim_ids": ["c6"], "method": "rule",
         "score": 0.9},
        {"cause": _span(text, "news that several of them will sell their cross-shareholdings"),
         "effect": _span(text, "insurance companies gained"), "cue": "on", "effect_symbols": [],
         "claim_ids": [], "method": "rule", "score": 0.8},
        {"cause": _span(text, "technology stocks linked to AI"),
         "effect": _span(text, "the S&P 500 and Nasdaq closed at record highs overnight"),
         "cue": "supported by", "effect_symbols": ["^GSPC", "^IXIC"], "claim_ids": ["c10"],
         "method": "rule", "score": 0.85},
    ]
    sample = {"article": {**art, "source": str(SEED)}, "instruments": instruments,
              "claims": claims, "quotes": [quote], "causes": causes}

    t = OTHER_TEXT
    other = {
        "article": {"id": OTHER_ID, "source": "tests/invented-2024-03-05.txt", "title":
                    "Chip stocks cool in Tokyo", "published": "2024-03-05", "published_time": None,
                    "timezone": "Asia/Tokyo", "dateline": "TOKYO", "author": None, "url": None,
                    "text": t},
        "instruments": [
            {**_span(t, "Tokyo Electron"), "symbol": "8035.T", "kind": "equity",
             "name": "Tokyo Electron Ltd.", "exchange": "XTKS", "how": "alias"},
            {**_span(t, "Nikkei share average"), "symbol": "^N225", "kind": "index",
             "name": "Nikkei 225", "exchange": "XTKS", "how": "name"},
            {**_span(t, "Nomura Securities"), "symbol": "8604.T", "kind": "equity",
             "name": "Nomura Holdings Inc.", "exchange": "XTKS", "how": "alias"},
        ],
        "claims": [
            {"id": "c1", "kind": "change", **_span(t, "Tokyo Electron shares fell 3.1%"),
             "subject": "Tokyo Electron", "symbol": "8035.T", "direction": "down", "pct": -3.1,
             "level": None, "period": "session", "as_of": "2024-03-05",
             "check": _check("contradicted", "close-to-close", -3.1, 0.41, ("2024-03-04", 39290.0),
                             ("2024-03-05", 38710.0, 39700.0, 39450.0),
                             "closed up 0.41%; a 3.1% fall would be 38072")},
            {"id": "c2", "kind": "level", **_span(t, "the Nikkei share average closed at 40,097.63"),
             "subject": "Nikkei share average", "symbol": "^N225", "direction": None, "pct": None,
             "level": 40097.63, "period": "session", "as_of": "2024-03-05",
             "check": _check("supported", "close", 40097.63, 40097.63, ("2024-03-04", 40109.23),
                             ("2024-03-05", 39840.34, 40226.99, 40097.63))},
        ],
        "quotes": [
            {**_span(t, "The rally needed a pause"), "kind": "direct", "speaker": "Yuki Tanaka",
             "speaker_kind": "person", "role": "strategist", "organization": "Nomura Securities",
             "organization_symbol": "8604.T", "cue": "said", "paraphrase": None},
        ],
        "causes": [
            {"cause": _span(t, "Profit-taking in chip stocks"), "effect": _span(t, "the index"),
             "cue": "weighed on", "effect_symbols": ["^N225"], "claim_ids": [], "method": "rule",
             "score": 0.7},
        ],
    }
    return [sample, other]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def read_seed_prices(path: Path, start: str, end: str) -> list[dict[str, Any]]:
    """Daily bars of one shared seed price file between ISO dates, whatever its layout."""
    symbol = path.stem
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    header = [h.strip() for h in rows[0]]
    if header[0] == "Price":  # yfinance layout with Ticker and Date rows under the header
        header = ["Date", *header[1:]]
    col = {name: i for i, name in enumerate(header)}
    bars = []
    for row in rows[1:]:
        day = row[0][:10]
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or not start <= day <= end:
            continue
        bar = {"symbol": symbol, "date": day, "source": f"shared seed {path.name}"}
        for name in ("Open", "High", "Low", "Close", "Adj Close", "Volume"):
            if name in col:
                bar[name.lower().replace(" ", "_")] = _number(row[col[name]])
        if bar.get("close") is not None:
            bars.append(bar)
    return bars


def sample_prices(start: str = "2024-02-01", end: str = "2024-03-15") -> list[dict[str, Any]]:
    """Bars of every seed symbol between ``start`` and ``end``."""
    bars = []
    for path in sorted(SEED_PRICES.glob("*.csv")):
        bars.extend(read_seed_prices(path, start, end))
    return bars


def build_sample_db(path: str | Path) -> Path:
    """Write the sample records and seed prices into a new database at ``path``."""
    from nlp.views import ensure_views
    from nlp.store import Store

    store = Store(path)
    store.save_records(sample_records(), run_id=None, pipeline_version=VERSION)
    store.replace_prices(sample_prices())
    ensure_views(store.db)
    store.conn.close()
    return Path(path)


# -- Reuters ------------------------------------------------------------------------------

_REUTERS_DATE = re.compile(r"^-- \w{3} (\w{3}) (\d{1,2}), (\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_RIC = re.compile(r"\(\s*([A-Z][A-Z0-9]{0,5})\.(N|O|OQ|A|K)\s*\)")
_MOVE = re.compile(r"\b(rose|gained|added|climbed|jumped|fell|dropped|slipped|lost|declined)"
                   r" (\d+(?:\.\d+)?) (?:percent|%)")
_DOWN = {"fell", "dropped", "slipped", "lost", "declined"}
_VERDICT_CYCLE = ("supported", "contradicted", "unverifiable", "supported", "inconclusive")


def reuters_record(raw: bytes, member: str, source: str = "reuters-dev.tar.gz") -> dict[str, Any] | None:
    """A simple public record from one archive member: article block plus regex claims."""
    text = raw.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if len(lines) < 5 or not lines[0].startswith("-- "):
        return None
    stamp = _REUTERS_DATE.match(lines[2])
    if not stamp:
        return None
    published = f"{stamp.group(3)}-{_MONTHS[stamp.group(1)]:02d}-{int(stamp.group(2)):02d}"
    body = "\n".join(lines[4:]).strip()
    if not body:
        return None
    aid = hashlib.sha256(raw).hexdigest()
    instruments = [{"text": m.group(0), "start": m.start(), "end": m.end(), "symbol": m.group(1),
                    "kind": "equity", "name": None, "exchange": None, "how": "ric"}
                   for m in _RIC.finditer(body)]
    claims = []
    symbol = instruments[0]["symbol"] if instruments else None
    for i, m in enumerate(_MOVE.finditer(body)):
        pct = float(m.group(2)) * (-1 if m.group(1) in _DOWN else 1)
        verdict = _VERDICT_CYCLE[int(aid[i % 60], 16) % len(_VERDICT_CYCLE)]
        claims.append({
            "id": f"c{i + 1}", "kind": "change", "text": m.group(0), "start": m.start(),
            "end": m.end(), "subject": None, "symbol": symbol,
            "direction": "down" if pct < 0 else "up", "pct": pct, "period": "session",
            "as_of": published,
            "check": {"verdict": verdict, "basis": "close-to-close", "claimed": pct,
                      "actual": pct if verdict == "supported" else pct + 1.0, "tolerance": 0.005,
                      "note": None},
        })
    return {"article": {"id": aid, "source": f"{source}::{member}", "title": lines[0][3:].strip(),
                        "published": published, "published_time": None,
                        "timezone": "America/New_York", "dateline": None,
                        "author": lines[1][3:].removeprefix("By").strip() or None,
                        "url": lines[3][3:].strip() or None, "text": body},
            "instruments": instruments, "claims": claims, "quotes": [], "causes": []}


def reuters_records(n: int | None = 200, archive: Path = REUTERS):
    """Yield simple records of the first ``n`` members of the archive (None: all)."""
    count = 0
    with tarfile.open(archive) as tar:
        for member in tar:
            if not member.isfile():
                continue
            record = reuters_record(tar.extractfile(member).read(), member.name)
            if record is None:
                continue
            yield record
            count += 1
            if n is not None and count >= n:
                return


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/sample.db")
    if target.exists():
        target.unlink()
    print(build_sample_db(target))
