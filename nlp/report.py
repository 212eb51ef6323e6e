"""``newslink report``: one self-contained HTML page about one article.

The page holds the article text with instruments, claims, quotes, causes and
effects highlighted (hover a span for its details), a table of the claims
with verdict, basis and numbers, and for each checked claim an inline SVG
chart of the daily bars around the article with the reference close, the
claimed level and the session range marked, and each instrument's market reaction
(returns after the story, abnormal returns, volume, relevance, novelty). Nothing on the page is fetched
from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.errors import NewslinkError
from nlp.query import QueryError, connect_readonly

SESSIONS_BEFORE = 12  # daily bars drawn before the article's session
SESSIONS_AFTER = 5

# One colour per kind of fact; claims are also tagged with their verdict's colour.
COLOURS = {"instrument": "#bfdbfe", "quote": "#bbf7d0", "claim": "#ea580c", "cause": "#7c3aed",
           "effect": "#db2777"}
VERDICT_COLOURS = {"supported": "#15803d", "contradicted": "#b91c1c", "inconclusive": "#b45309",
                   "unverifiable": "#6b7280", None: "#6b7280"}
# Vertical offset of each underline layer, so overlapping spans stay visible.
UNDERLINES = {"claim": 2, "cause": 5, "effect": 8}


class ReportError(NewslinkError):
    """No such article, or no way to read the given file."""

    code = "NL602"


@dataclass
class Highlight:
    """One highlighted span of the article text."""

    start: int
    end: int
    layer: str  # instrument, claim, quote, cause, effect
    tag: str  # the short label shown before the span
    details: str  # the hover text
    colour: str | None = None  # the tag's colour, when not the layer's


# -- finding the record ----------------------------------------------------------------


def _store(db: str | Path):
    from nlp.query import open_store

    return open_store(db)


def find_article_id(db: str | Path, key: str) -> str:
    """The id of the one stored article whose id starts with ``key``.

    Raises ReportError when none or several match.
    """
    conn = connect_readonly(db)
    try:
        rows = conn.execute("SELECT id FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                            (key, key + "\U0010ffff")).fetchall()
    finally:
        conn.close()
    if not rows:
        raise ReportError(f"no article with id {key!r} in {db}")
    if len(rows) > 1:
        raise ReportError(f"several articles have ids starting {key!r}: give more characters")
    return rows[0][0]


def load_report_record(target: str | Path, db: str | Path | None) -> dict[str, Any]:
    """The public record for ``target``: an article file or a stored article's id (prefix).

    A file already in ``db`` (same sha256) is read from there; any other file
    goes through the pipeline (``nlp.extract.extract_file``), checked against
    the prices in ``db`` when it exists. Raises ReportError when the article
    cannot be found or read.
    """
    path = Path(target)
    have_db = db is not None and Path(db).is_file()
    if path.is_file():
        article_id = hashlib.sha256(path.read_bytes()).hexdigest()
        if have_db:
            store = _store(db)
            try:
                record = store.load_record(article_id)
            finally:
                store.conn.close()
            if record is not None:
                return record
        return _extract(path, db if have_db else None)
    if not have_db:
        raise ReportError(f"{target}: neither a file nor an article of a database ({db} not found)")
    store = _store(db)
    try:
        record = store.load_record(find_article_id(db, str(target)))
    finally:
        store.conn.close()
    if record is None:
        raise ReportError(f"no article with id {target!r} in {db}")
    return record


def _extract(path: Path, db: str | Path | None) -> dict[str, Any]:
    try:
        from nlp.extract import extract_file
    except ImportError:
        raise ReportError(f"{path} is not in the database and the pipeline is not available; "
                          "run `newslink run` on it first") from None
    try:
        return extract_file(path, db=db)
    except Exception as exc:  # the pipeline's own errors, reported as they are
        raise ReportError(f"{path}: {exc}") from exc


def price_bars(db: str | Path | None, symbol: str, around: str | None) -> list[dict[str, Any]]:
    """Daily bars of ``symbol``: SESSIONS_BEFORE sessions before ``around``, SESSIONS_AFTER after."""
    if db is None or not Path(db).is_file() or not around:
        return []
    conn = connect_readonly(db)
    conn.row_factory = sqlite3.Row
    try:
        before = conn.execute(
            "SELECT * FROM prices WHERE symbol = ? AND date < ? ORDER BY date DESC LIMIT ?",
            (symbol, around, SESSIONS_BEFORE)).fetchall()
        after = conn.execute(
            "SELECT * FROM prices WHERE symbol = ? AND date >= ? ORDER BY date LIMIT ?",
            (symbol, around, SESSIONS_AFTER + 1)).fetchall()
    except sqlite3.OperationalError:  # a database without a prices table
        return []
    finally:
        conn.close()
    return [dict(r) for r in [*reversed(before), *after] if r["close"] is not None]


# -- highlighting ------------------------------------------------------------------------


def highlights(record: dict[str, Any]) -> list[Highlight]:
    """Every span of the record worth highlighting, with its tag and hover text."""
    out = []
    for m in record.get("instruments") or []:
        out.append(Highlight(m["start"], m["end"], "instrument", m.get("symbol") or m.get("kind"),
                             f"instrument: {m['text']} -> {m.get('symbol') or 'no symbol'} "
                             f"({m.get('kind')}, {m.get('name') or '-'}; linked by {m.get('how')})"))
    for c in record.get("claims") or []:
        check = c.get("check") or {}
        verdict = check.get("verdict")
        numbers = ", ".join(f"{k} {c[k]}" for k in ("pct", "level", "direction", "period", "record")
                            if c.get(k) is not None)
        out.append(Highlight(c["start"], c["end"], "claim", c["id"],
                             f"claim {c['id']} ({c['kind']}, {c.get('symbol') or 'no symbol'}): "
                             f"{numbers}\nverdict: {verdict or 'unchecked'}"
                             + (f" ({check.get('basis')})" if check.get("basis") else "")
                             + (f"\n{check['why']}" if check.get("why") and check["why"] != check.get("note") else "")
                             + (f"\n{check['note']}" if check.get("note") else ""),
                             VERDICT_COLOURS.get(verdict, VERDICT_COLOURS[None])))
    for i, q in enumerate(record.get("quotes") or []):
        who = ", ".join(x for x in (q.get("speaker"), q.get("role"), q.get("organization")) if x)
        out.append(Highlight(q["start"], q["end"], "quote", f"q{i + 1}",
                             f"quote ({q.get('kind')}) by {who or 'unknown'}"
                             + (f"\nparaphrase: {q['paraphrase']}" if q.get("paraphrase") else "")))
    for i, link in enumerate(record.get("causes") or []):
        cause, effect = link["cause"], link["effect"]
        about = f"link x{i + 1}: cause -> effect, cue '{link.get('cue')}'"
        symbols = ", ".join(link.get("effect_symbols") or [])
        for part, layer in ((cause, "cause"), (effect, "effect")):
            if part.get("start") is None or part.get("end") is None or part["end"] <= part["start"]:
                continue  # a link the extractor could not place in the text
            out.append(Highlight(part["start"], part["end"], layer, f"{layer} x{i + 1}",
                                 f"{about}\ncause: {cause['text']}\neffect: {effect['text']}"
                                 + (f"\neffect symbols: {symbols}" if symbols else "")))
    return out


def highlighted_text(text: str, spans: list[Highlight]) -> str:
    """The article text as HTML, each piece styled by every span covering it."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[Highlight]] = {}
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        starting.setdefault(s.start, []).append(s)
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        for s in starting.get(a, []):
            colour = s.colour or (COLOURS[s.layer] if s.layer in UNDERLINES else "#1e3a8a")
            parts.append(f'<span class="tag tag-{s.layer}" style="background:{colour}">'
                         f"{html.escape(s.tag)}</span>")
        active = [s for s in spans if s.start <= a and b <= s.end]
        piece = html.escape(text[a:b])
        if not active:
            parts.append(piece)
            continue
        layers = {s.layer for s in active}
        style = []
        if "instrument" in layers:
            style.append(f"background:{COLOURS['instrument']};font-weight:600")
        elif "quote" in layers:
            style.append(f"background:{COLOURS['quote']};font-style:italic")
        lines = [f"0 {UNDERLINES[layer]}px 0 0 {COLOURS[layer]}" for layer in UNDERLINES
                 if layer in layers]
        if lines:
            style.append("box-shadow:" + ",".join(lines))
        title = "\n\n".join(s.details for s in sorted(active, key=lambda s: s.start))
        classes = " ".join(f"hl-{layer}" for layer in sorted(layers))
        parts.append(f'<span class="hl {classes}" style="{";".join(style)}" '
                     f'title="{html.escape(title)}">{piece}</span>')
    return "".join(parts)


# -- charts ------------------------------------------------------------------------------


def claimed_level(claim: dict[str, Any]) -> float | None:
    """The price level a claim implies: its level, or the reference close moved by pct/points."""
    check = claim.get("check") or {}
    if claim.get("level") is not None:
        return float(claim["level"])
    ref = (check.get("reference") or {}).get("close")
    sign = -1 if claim.get("direction") == "down" else 1
    if ref is not None and claim.get("pct") is not None:
        return ref * (1 + sign * abs(claim["pct"]) / 100)
    if ref is not None and claim.get("points") is not None:
        return ref + sign * abs(claim["points"])
    if claim.get("kind") in ("record", "level") and check.get("claimed") is not None:
        return float(check["claimed"])
    return None


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if value < 10_000 else f"{value:,.0f}"


def price_chart(claim: dict[str, Any], bars: list[dict[str, Any]], article_date: str | None,
                width: int = 540, height: int = 240) -> str:
    """An inline SVG of ``bars`` (high-low bars with open/close ticks) with the claim's marks."""
    check = claim.get("check") or {}
    ref = check.get("reference") or {}
    session = check.get("session") or {}
    level = claimed_level(claim)
    left, right, top, bottom = 58, 158, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for b in bars for v in (b.get("low"), b.get("high"), b["close"]) if v is not None]
    values += [v for v in (ref.get("close"), level, session.get("low"), session.get("high"))
               if v is not None]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or hi * 0.01 or 1.0
    lo, hi = lo - pad, hi + pad
    step = plot_w / max(len(bars), 1)

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    index = {b["date"]: i for i, b in enumerate(bars)}
    svg = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" '
           f'aria-label="daily prices of {html.escape(str(claim.get("symbol")))}">',
           f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
           f'stroke="#d4d4d4"/>']
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        svg.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                   f'stroke="#eeeeee"/><text x="{left - 6}" y="{y(v) + 4:.1f}" '
                   f'text-anchor="end" class="axis">{_fmt(v)}</text>')
    if session.get("date") in index and session.get("low") is not None:
        i = index[session["date"]]
        y1, y2 = y(session["high"]), y(session["low"])
        svg.append(f'<rect x="{x(i) - step * 0.45:.1f}" y="{y1:.1f}" width="{step * 0.9:.1f}" '
                   f'height="{max(y2 - y1, 1):.1f}" fill="{COLOURS["claim"]}" fill-opacity="0.15" '
                   f'stroke="{COLOURS["claim"]}" stroke-dasharray="2 2"><title>session '
                   f'{session["date"]}: {_fmt(session["low"])}..{_fmt(session["high"])}'
                   f'</title></rect>')
    if article_date:
        i = next((k for k, b in enumerate(bars) if b["date"] >= article_date), None)
        if i is not None:
            svg.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{top + plot_h}" '
                       f'stroke="#9ca3af" stroke-dasharray="1 3"/>')
    for i, b in enumerate(bars):
        o, h, low, c = b.get("open"), b.get("high"), b.get("low"), b["close"]
        colour = "#15803d" if o is None or c >= o else "#b91c1c"
        if h is not None and low is not None:
            svg.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{y(h):.1f}" y2="{y(low):.1f}" '
                       f'stroke="{colour}" stroke-width="1.5"/>')
        tick = min(step * 0.3, 6)
        if o is not None:
            svg.append(f'<line x1="{x(i) - tick:.1f}" x2="{x(i):.1f}" y1="{y(o):.1f}" '
                       f'y2="{y(o):.1f}" stroke="{colour}" stroke-width="1.5"/>')
        svg.append(f'<line x1="{x(i):.1f}" x2="{x(i) + tick:.1f}" y1="{y(c):.1f}" y2="{y(c):.1f}" '
                   f'stroke="{colour}" stroke-width="1.5"><title>{b["date"]}: close {_fmt(c)}'
                   f'</title></line>')
        if i % max(1, len(bars) // 6) == 0 or b["date"] == session.get("date"):
            svg.append(f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle" '
                       f'class="axis">{b["date"][5:]}</text>')
    labels = []
    if ref.get("close") is not None:
        day = (ref.get("date") or "")[5:]
        labels.append((ref["close"], "#1d4ed8", "6 3", f"ref {_fmt(ref['close'])} ({day})"))
    if level is not None:
        labels.append((level, COLOURS["claim"], "", f"claimed {_fmt(level)}"))
    placed: list[float] = []
    for value, colour, dash, text in labels:
        svg.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" '
                   f'y2="{y(value):.1f}" stroke="{colour}" stroke-width="1.5" '
                   f'stroke-dasharray="{dash}"/>')
        label_y = y(value) + 4
        while any(abs(label_y - p) < 13 for p in placed):  # keep labels from overlapping
            label_y += 13
        placed.append(label_y)
        svg.append(f'<text x="{left + plot_w + 6}" y="{label_y:.1f}" fill="{colour}" '
                   f'class="mark">{html.escape(text)}</text>')
    if session.get("low") is not None:
        label_y = y(session["low"]) + 4
        while any(abs(label_y - p) < 13 for p in placed):
            label_y += 13
        svg.append(f'<text x="{left + plot_w + 6}" y="{label_y:.1f}" fill="{COLOURS["claim"]}" '
                   f'class="mark">range {_fmt(session["low"])}–{_fmt(session["high"])}</text>')
    svg.append("</svg>")
    return "".join(svg)


def study_chart(study: Any, title: str = "event study", width: int = 640, height: int = 320) -> str:
    """A standalone SVG of an event study: mean CAR by day with a 95% band (1.96 standard errors)."""
    left, right, top, bottom = 58, 20, 40, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    days = list(study.days)
    means = [m for m in study.mean_car]
    ses = [s or 0.0 for s in study.standard_error]
    finite = study.count > 0
    lows = [m - 1.96 * s for m, s in zip(means, ses)] if finite else [0.0]
    highs = [m + 1.96 * s for m, s in zip(means, ses)] if finite else [0.0]
    lo, hi = min(min(lows), 0.0), max(max(highs), 0.0)
    pad = (hi - lo) * 0.08 or 0.5
    lo, hi = lo - pad, hi + pad

    def x(day: int) -> float:
        return left + (day - days[0]) / max(days[-1] - days[0], 1) * plot_w

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{html.escape(title)}" '
           f'font-family="system-ui, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="18" font-size="13" font-weight="600">{html.escape(title)}</text>',
           f'<text x="{left}" y="33" font-size="11" fill="#4b5563">mean cumulative abnormal return '
           f'({html.escape(study.model)}), {study.count} events; band: 95% (1.96 s.e.)</text>',
           f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#d4d4d4"/>']
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        svg.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eeeeee"/>'
                   f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="10" '
                   f'fill="#6b7280">{v:+.2f}%</text>')
    svg.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#9ca3af"/>')
    svg.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top}" y2="{top + plot_h}" stroke="#9ca3af" '
               f'stroke-dasharray="3 3"/>')
    for d in days:
        svg.append(f'<text x="{x(d):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="10" '
                   f'fill="#6b7280">{d:+d}</text>')
    svg.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
               f'fill="#374151">sessions after publication (0: the first close after it)</text>')
    if finite:
        band = [f"{x(d):.1f},{y(h):.1f}" for d, h in zip(days, highs)]
        band += [f"{x(d):.1f},{y(low):.1f}" for d, low in reversed(list(zip(days, lows)))]
        svg.append(f'<polygon points="{" ".join(band)}" fill="#2563eb" fill-opacity="0.15"/>')
        line = " ".join(f"{x(d):.1f},{y(m):.1f}" for d, m in zip(days, means))
        svg.append(f'<polyline points="{line}" fill="none" stroke="#1d4ed8" stroke-width="2"/>')
        for d, m, t in zip(days, means, study.t_stat):
            svg.append(f'<circle cx="{x(d):.1f}" cy="{y(m):.1f}" r="2.5" fill="#1d4ed8"><title>day {d:+d}: '
                       f'{m:+.3f}%' + (f", t {t:.2f}" if t is not None else "") + '</title></circle>')
    else:
        svg.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                   f'font-size="12" fill="#6b7280">no events with a full price path</text>')
    svg.append("</svg>")
    return "".join(svg)


def reactions_table(reactions: list[dict[str, Any]]) -> str:
    """The HTML table of the article's reactions: each instrument's move after the story."""
    head = ["symbol", "t0", "timing", "window", "return", "index", "abnormal", "market model", "volume ×",
            "relevance", "novel", "note"]
    rows = []
    for r in reactions:
        windows = r.get("windows") or {}
        parts = r.get("relevance_parts") or {}
        why = ", ".join(f"{k} {v:g}" for k, v in parts.items() if v)
        novel = {True: "yes", False: f"no ({_cell(r.get('similar_hours'))} h after "
                 f"{_cell((r.get('similar_article_id') or '')[:10])})", None: ""}[r.get("novel")]
        if not windows:
            rows.append(f"<tr><td>{_cell(r['symbol'])}</td><td></td><td></td><td></td>"
                        f"<td colspan=\"5\" class=\"none\">{_cell(r.get('reason'))}</td>"
                        f'<td class="num" title="{_cell(why)}">{_cell(r.get("relevance"))}</td>'
                        f"<td>{novel}</td><td></td></tr>")
            continue
        for k, (name, w) in enumerate(windows.items()):
            first = k == 0
            index = (f"{_cell(r.get('index_symbol'))} {_signed(w.get('index_return_pct'))}"
                     if r.get("index_symbol") else "")
            rows.append("<tr>" + "".join([
                f"<td>{_cell(r['symbol']) if first else ''}</td>",
                f"<td>{_cell(r.get('t0')) if first else ''}</td>",
                f"<td>{_cell(r.get('timing')) if first else ''}</td>",
                f"<td>{_cell(name)} ({_cell(w.get('start_date'))} → {_cell(w.get('end_date'))})</td>",
                f'<td class="num">{_signed(w.get("return_pct"))}</td>', f'<td class="num">{index}</td>',
                f'<td class="num">{_signed(w.get("abnormal_pct"))}</td>',
                f'<td class="num">{_signed(w.get("abnormal_mm_pct"))}</td>',
                f'<td class="num">{_cell(w.get("volume_ratio"))}</td>',
                f'<td class="num" title="{_cell(why)}">{_cell(r.get("relevance")) if first else ""}</td>',
                f"<td>{novel if first else ''}</td>",
                f'<td class="note">{_cell(w.get("reason") or (r.get("reason") if first else None))}</td>',
            ]) + "</tr>")
    return (f"<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _signed(value: Any) -> str:
    return "" if value is None else f"{value:+.2f}%"


# -- the page ----------------------------------------------------------------------------

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
  margin:0 auto;max-width:1180px;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb}
.meta{color:#4b5563;font-size:13px;margin-bottom:12px}
.legend span{display:inline-block;margin-right:14px;font-size:13px}
.sw{display:inline-block;width:22px;height:12px;margin-right:4px;vertical-align:middle}
.text{white-space:pre-wrap;line-height:2.3;font-size:16px;background:#fff;border:1px solid #e5e7eb;
  padding:16px 20px;border-radius:6px}
.hl{padding:1px 0;border-radius:2px;cursor:help}
.hl:hover{outline:2px solid #111827}
.tag{font-size:10px;line-height:1;color:#fff;padding:1px 3px;border-radius:3px;margin-right:2px;
  vertical-align:super;font-weight:600;font-style:normal}
.tag-instrument{color:#fff}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f4f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
td.claim{min-width:170px} td.note{min-width:150px;color:#374151}
.verdict{color:#fff;border-radius:3px;padding:1px 5px;font-size:12px;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:18px}
figure{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:8px}
figcaption{font-size:13px;margin-bottom:4px}
.axis{font-size:10px;fill:#6b7280} .mark{font-size:10.5px;font-weight:600}
.none{color:#6b7280;font-size:13px}
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _fmt(value) if abs(value) >= 100 else f"{value:g}"
    return html.escape(str(value))


def claims_table(claims: list[dict[str, Any]]) -> str:
    """The HTML table of claims: text, kind, symbol, verdict, basis and the numbers."""
    head = ["id", "claim", "kind", "symbol", "verdict", "why", "basis", "claimed", "actual", "tolerance",
            "reference close", "session (low..high, close)", "note"]
    rows = []
    for c in claims:
        check = c.get("check") or {}
        ref = check.get("reference") or {}
        ses = check.get("session") or {}
        verdict = check.get("verdict")
        session = ""
        if ses.get("low") is not None:
            session = (f"{ses.get('date')}: {_cell(ses['low'])}..{_cell(ses['high'])}"
                       + (f", {_cell(ses['close'])}" if ses.get("close") is not None else ""))
        rows.append(
            "<tr>" + "".join([
                f"<td>{_cell(c['id'])}</td>", f'<td class="claim">{_cell(c["text"])}</td>',
                f"<td>{_cell(c['kind'])}</td>", f"<td>{_cell(c.get('symbol'))}</td>",
                f'<td><span class="verdict" style="background:'
                f'{VERDICT_COLOURS.get(verdict, VERDICT_COLOURS[None])}">'
                f"{_cell(verdict or 'unchecked')}</span></td>",
                f'<td class="note">{_cell(check.get("why"))}</td>',
                f"<td>{_cell(check.get('basis'))}</td>",
                f'<td class="num">{_cell(check.get("claimed"))}</td>',
                f'<td class="num">{_cell(check.get("actual"))}</td>',
                f'<td class="num">{_cell(check.get("tolerance"))}</td>',
                f'<td class="num">{_cell(ref.get("close"))}'
                + (f" ({_cell(ref.get('date'))})" if ref.get("date") else "") + "</td>",
                f'<td class="num">{session}</td>', f'<td class="note">{_cell(check.get("note"))}</td>',
            ]) + "</tr>")
    return (f"<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def render_report(record: dict[str, Any], bars: dict[str, list[dict[str, Any]]]) -> str:
    """The whole HTML page for ``record``; ``bars`` maps a claim's id to its price bars."""
    art = record["article"]
    title = art.get("title") or Path(str(art.get("source") or "article")).name
    meta = " · ".join(html.escape(str(x)) for x in (
        art.get("published"), art.get("dateline"), art.get("timezone"), art.get("author"),
        art.get("source"), f"id {art['id'][:16]}…") if x)
    legend = "".join(
        f'<span><span class="sw" style="{style}"></span>{name}</span>' for name, style in (
            ("instrument", f"background:{COLOURS['instrument']}"),
            ("quote", f"background:{COLOURS['quote']}"),
            ("claim", f"box-shadow:0 3px 0 0 {COLOURS['claim']}"),
            ("cause", f"box-shadow:0 3px 0 0 {COLOURS['cause']}"),
            ("effect", f"box-shadow:0 3px 0 0 {COLOURS['effect']}")))
    legend += "".join(f'<span><span class="sw" style="background:{colour}"></span>{v}</span>'
                      for v, colour in VERDICT_COLOURS.items() if v)
    claims = record.get("claims") or []
    charts = []
    for c in claims:
        check = c.get("check") or {}
        if not check or not c.get("symbol") or check.get("verdict") == "unverifiable":
            continue
        caption = (f"<figcaption><b>{html.escape(c['id'])}</b> {html.escape(c['symbol'])}: "
                   f"“{html.escape(c['text'])}” — {html.escape(check.get('verdict') or '')}"
                   f"</figcaption>")
        if bars.get(c["id"]):
            body = price_chart(c, bars[c["id"]], art.get("published"))
        else:
            body = f'<p class="none">no prices of {html.escape(c["symbol"])} stored</p>'
        charts.append(f"<figure>{caption}{body}</figure>")
    counts = ", ".join(f"{len(record.get(k) or [])} {k}"
                       for k in ("instruments", "claims", "quotes", "causes"))
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newslink report: {html.escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<div class="meta">{meta}<br>{counts}</div>',
        f'<div class="legend">{legend}</div>',
        "<h2>Article</h2>",
        f'<div class="text">{highlighted_text(art["text"], highlights(record))}</div>',
        "<h2>Claims</h2>",
        claims_table(claims) if claims else '<p class="none">no claims</p>',
        "<h2>Market reaction</h2>",
        reactions_table(record["reactions"]) if record.get("reactions")
        else '<p class="none">no reactions (no prices of the instruments it names)</p>',
        "<h2>Prices around the article</h2>",
        f'<div class="charts">{"".join(charts)}</div>' if charts
        else '<p class="none">no checked claims</p>',
        f'<p class="meta">Generated by newslink on {dt.date.today().isoformat()}.</p>',
        "</body></html>",
    ])


def report_html(target: str | Path, db: str | Path | None = None) -> str:
    """The report page for ``target`` (article file or id prefix), prices from ``db``.

    Raises ReportError when the article cannot be found.
    """
    try:
        record = load_report_record(target, db)
    except QueryError as exc:
        raise ReportError(str(exc)) from None
    bars = {}
    for c in record.get("claims") or []:
        check = c.get("check") or {}
        if c.get("symbol") and check:
            around = ((check.get("session") or {}).get("date") or c.get("as_of")
                      or record["article"].get("published"))
            bars[c["id"]] = price_bars(db, c["symbol"], around)
    return render_report(record, bars)


def write_report(target: str | Path, output: str | Path, db: str | Path | None = None) -> Path:
    """Write the report page of ``target`` to ``output``; return its path.

    Raises ReportError when the article cannot be found.
    """
    page = report_html(target, db)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output

