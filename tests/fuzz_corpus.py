"""A deterministic generator of hostile single-article files, for the fuzz test and the bench.

``write_fuzz_corpus(folder, n, seed)`` writes ``n`` files, each a mutated copy of a real-looking
article (Reuters member, dateline text, HTML page or JSON Lines record) or a pathological text
built from scratch: random bytes, truncations, byte flips, NULs, UTF-16, BOMs, absurd dates,
huge lines, control characters, HTML junk, quote and number soup, nested brackets, repeated
causal sentences, endless words. The same ``(n, seed, scale)`` always gives the same bytes.
``scale`` multiplies the size of the big pathological texts (1: up to ~10 KB, the suite's;
10: up to ~100 KB, the bench's). ``long_article`` builds one article of any length from
ordinary sentences.

Run it by hand: ``python tests/fuzz_corpus.py OUT_DIR --n 1000 --seed 1412 --scale 10``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path

SEED = 1412

BODIES = [
    "NEW YORK (Reuters) - Apple Inc ( AAPL.O ) shares rose 2.1 percent to $612.30 on Tuesday as "
    "investors cheered strong iPhone sales, while the Nasdaq Composite Index ( .IXIC ) gained 0.8 "
    "percent to 3,104.53.\n\"We saw demand pick up in August,\" said Jane Roe, chief analyst at "
    "Example Capital.\nThe Dow Jones industrial average ( .DJI ) fell 12.4 points, or 0.1 percent, "
    "to 13,254.29, weighed down by Caterpillar Inc ( CAT.N ), which lost 2.1 percent after it cut "
    "its outlook. The S&P 500 ( .SPX ) is up 12 percent so far this year.",
    "LONDON (Reuters) - European shares hit a record high on Wednesday, lifted by banks after the "
    "European Central Bank said it would keep rates on hold. The FTSE 100 index rose 0.6 percent. "
    "Barclays gained 3 percent on news that it would sell a unit, while Exxon Mobil Corp "
    "( XOM.N ) slipped 1.5 percent in premarket trading because of lower oil prices.",
    "TOKYO (Reuters) - The Nikkei share average rose 1.9 percent to 39,910.82, its first close "
    "above 39,900, as chip stocks such as Tokyo Electron gained 4.64 percent. SoftBank Group "
    "fell 1.2 percent. \"The market is overheating,\" said Taro Yamada, a strategist at Daiwa "
    "Securities.",
]
TITLES = ["Stocks rise as Apple gains", "European shares at record", "Nikkei hits high"]
STAMPS = ["Tue Sep 11, 2012 7:57pm EDT", "Wed Jan 16, 2013 11:05am EST", "Fri Mar 1, 2013 3:10am EST"]
ABSURD_STAMPS = ["Tue Feb 31, 2013 7:57pm EDT", "Mon Jan 1, 0001 1:00am EST", "Sun Dec 99, 2013 9:99pm EST",
                 "Tue Sep 11, 2012 7:57pm XYZ", "Tue Sep 11, 99999 7:57pm EDT", "Xyz Abc 11, 2012 7:57pm EDT"]
ABSURD_DATES = ["0000-00-00", "9999-12-31", "2024-02-30", "2024-13-01", "1-1-1", "20240301", "2024-03-01T99"]
QUOTES = ['"', "“", "”", "'", "‘", "’", "«", "»", "''", "``"]
NUMBERS = ["1.5%", "-2.3 percent", "+0.4 pct", "12,345.67", "1,2,3", "3.4.5", "99999999999999999999",
           "0.0000001", "1e308", "NaN", "-0", "$1,000", "5 bps", "10 points", "½", "١٢٣", "%%%", "1..2"]
CONTROLS = [chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32), 127)] + ["\u200b", "\u202e", "\ufeff", "\u2028"]


def reuters_member(body: str, title: str, stamp: str, url: str) -> str:
    return f"-- {title}\n-- By Jane Roe\n-- {stamp}\n-- {url}\n\n{body}\n"


def long_article(chars: int, seed: int = SEED) -> bytes:
    """A Reuters member of about ``chars`` characters of ordinary news paragraphs."""
    rng = random.Random(seed)
    parts, size = [], 0
    while size < chars:
        para = rng.choice(BODIES).replace("2.1 percent", f"{rng.uniform(0.1, 9):.1f} percent")
        parts.append(para)
        size += len(para) + 2
    body = "\n\n".join(parts)[:chars]
    return reuters_member(body, "A very long story", STAMPS[0], "http://example.com/long").encode()


class _Maker:
    def __init__(self, rng: random.Random, scale: int, index: int):
        self.rng, self.scale, self.index = rng, scale, index

    def base(self, jsonl: bool = False) -> tuple[str, str]:
        """(a normal article in one of the formats, its file suffix).

        JSON Lines only when ``jsonl``: a mutated JSONL file may read as several records.
        """
        r = self.rng
        i = r.randrange(len(BODIES))
        body = BODIES[i].replace("Tuesday", r.choice(["Monday", "Tuesday", "Friday"]))
        body += f"\nStory number {self.index}."  # distinct bytes: duplicates are their own test
        kind = r.choice(["reuters", "reuters", "reuters", "dateline", "html"] + ["jsonl"] * jsonl)
        if kind == "reuters":
            return reuters_member(body, TITLES[i], r.choice(STAMPS), f"http://example.com/{self.index}"), ""
        if kind == "dateline":
            return f"date 2013-0{r.randint(1, 9)}-1{r.randint(0, 9)} NEW YORK: {body}", ".txt"
        if kind == "html":
            paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
            return (f"<!doctype html><html><head><title>{TITLES[i]}</title><meta name=\"date\""
                    f" content=\"2013-01-16\"></head><body><article>{paras}</article></body></html>"), ".html"
        obj = {"text": body, "title": TITLES[i], "published": "2013-01-16T10:00:00-05:00", "id": str(self.index)}
        return json.dumps(obj) + "\n", ".jsonl"

    def big(self, low: int, high: int) -> int:
        return self.rng.randint(low, high) * self.scale

    # -- mutations of real-looking articles -------------------------------------------------

    def clean(self, jsonl: bool = True) -> tuple[bytes, str]:
        text, suffix = self.base(jsonl)
        return text.encode(), suffix

    def truncated(self) -> tuple[bytes, str]:
        raw, suffix = self.clean(jsonl=False)
        return raw[: self.rng.randrange(len(raw))], suffix

    def byte_flips(self) -> tuple[bytes, str]:
        raw, suffix = self.clean(jsonl=False)
        data = bytearray(raw)
        for _ in range(self.rng.randint(1, 40)):
            data[self.rng.randrange(len(data))] = self.rng.randrange(256)
        return bytes(data), suffix

    def nuls(self) -> tuple[bytes, str]:
        raw, suffix = self.clean(jsonl=False)
        data = bytearray(raw)
        for _ in range(self.rng.randint(1, 30)):
            data.insert(self.rng.randrange(len(data)), 0)
        return bytes(data), suffix

    def utf16(self) -> tuple[bytes, str]:
        text, suffix = self.base()
        return text.encode(self.rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])), suffix

    def boms(self) -> tuple[bytes, str]:
        text, suffix = self.base()
        bom = self.rng.choice(["\ufeff", "\ufeff\ufeff", "\ufffe"])
        at = self.rng.choice([0, len(text) // 2, len(text)])
        return (text[:at] + bom + text[at:]).encode("utf-8", "surrogatepass"), suffix

    def absurd_date(self) -> tuple[bytes, str]:
        r = self.rng
        body = r.choice(BODIES) + f" {self.index}"
        if r.random() < 0.5:
            return reuters_member(body, "t", r.choice(ABSURD_STAMPS), "http://x").encode(), ""
        return f"date {r.choice(ABSURD_DATES)} NEW YORK: {body}".encode(), ".txt"

    def huge_line(self) -> tuple[bytes, str]:
        words = self.rng.choice(BODIES).replace("\n", " ").split()
        line = " ".join(self.rng.choice(words) for _ in range(self.big(200, 1500)))
        return reuters_member(line, "huge line", STAMPS[1], f"http://x/{self.index}").encode(), ""

    def controls(self) -> tuple[bytes, str]:
        text, suffix = self.base()
        chars = list(text)
        for _ in range(self.rng.randint(5, 200)):
            chars.insert(self.rng.randrange(len(chars)), self.rng.choice(CONTROLS))
        return "".join(chars).encode(), suffix

    # -- pathological texts built from scratch ----------------------------------------------

    def _as_article(self, body: str) -> tuple[bytes, str]:
        return reuters_member(body, "junk", STAMPS[2], f"http://x/{self.index}").encode(), ""

    def random_bytes(self) -> tuple[bytes, str]:
        # a first byte that is no container's magic and no JSON: one file, one input
        data = bytes([self.rng.randrange(128, 256)]) + self.rng.randbytes(self.rng.randint(0, 4000))
        return data, self.rng.choice(["", ".txt", ".html", ".gz"])

    def html_junk(self) -> tuple[bytes, str]:
        r = self.rng
        depth = self.big(50, 400)
        page = ("<html><body>" + "<div>" * depth + r.choice(BODIES) + "<script>var x = '</div>';</script>"
                + "<p>unclosed <b><i>" * r.randint(1, 50) + "</span>" * r.randint(0, 50) + "<!-- never closed")
        return page.encode(), ".html"

    def quote_soup(self) -> tuple[bytes, str]:
        r = self.rng
        pieces = [r.choice(QUOTES) + r.choice(["he said", "said Smith", "shares rose 2 percent", ",", ""])
                  for _ in range(self.big(100, 800))]
        return self._as_article(" ".join(pieces))

    def number_soup(self) -> tuple[bytes, str]:
        r = self.rng
        pieces = [r.choice(NUMBERS) + r.choice(["", " up", " down", " to", " at", ",", " rose", " fell"])
                  for _ in range(self.big(100, 800))]
        return self._as_article(" ".join(pieces))

    def brackets(self) -> tuple[bytes, str]:
        r = self.rng
        n = self.big(200, 1200)
        kind = r.choice(["(", "[", "{", "( ", "(Apple ", "( AAPL.O "])
        close = {"(": ")", "[": "]", "{": "}", "( ": " )", "(Apple ": " rose 2 percent)", "( AAPL.O ": ")"}[kind]
        return self._as_article("Shares " + kind * n + "of IBM" + close * n + " rose 1 percent.")

    def repeated_cause(self) -> tuple[bytes, str]:
        sentence = self.rng.choice([
            "Shares of Apple rose 2 percent as investors cheered the results and the Nasdaq gained. ",
            "The index fell 1 percent because of worries about growth, weighed down by banks, ",
            "Stocks rose on news that the Fed would act, lifted by hopes of stimulus; ",
        ])
        return self._as_article(sentence * self.big(10, 90))

    def endless_word(self) -> tuple[bytes, str]:
        return self._as_article("Apple" + "x" * self.big(1000, 8000) + " rose 3 percent.")

    def empty(self) -> tuple[bytes, str]:
        return self.rng.choice([b"", b" ", b"\n\n\n", b"\t \r\n", b"-- title\n-- " + STAMPS[0].encode() + b"\n"]), ""

    def broken_container(self) -> tuple[bytes, str]:
        raw, _ = self.clean(jsonl=False)
        packed = gzip.compress(raw, mtime=0)  # no timestamp: the same seed writes the same bytes
        if self.rng.random() < 0.5:
            return packed[: self.rng.randrange(1, len(packed))], ".gz"
        return b"PK\x03\x04" + self.rng.randbytes(200), ".zip"

    def broken_json(self) -> tuple[bytes, str]:
        r = self.rng
        line = r.choice(['{"text": "unterminated', '{"text": 5, "published": "2013-01-01"}',
                         '{"text": "Apple rose 2 percent", "published": "yesterday"}',
                         '{"text": "IBM fell", "published": "2013-02-30"}', "[1, 2, 3]",
                         '{"text": "' + "\\ud800" * 20 + '", "published": "2013-01-01"}'])
        return (line + "\n").encode(), ".jsonl"

    def line_endings(self) -> tuple[bytes, str]:
        text, suffix = self.base()
        return text.replace("\n", self.rng.choice(["\r", "\r\r\n", "\u2028", "\x85"])).encode(), suffix

    def scripts(self) -> tuple[bytes, str]:
        r = self.rng
        marks = ["\u0301", "\u200d", "😀", "𝟙", "\u05d0", "\u0627", "ﬁ", "Ⅻ"]
        text, suffix = self.base()
        chars = list(text)
        for _ in range(r.randint(10, 300)):
            chars.insert(r.randrange(len(chars)), r.choice(marks))
        return "".join(chars).encode(), suffix


KINDS: list[Callable[[_Maker], tuple[bytes, str]]] = [
    _Maker.clean, _Maker.truncated, _Maker.byte_flips, _Maker.nuls, _Maker.utf16, _Maker.boms,
    _Maker.absurd_date, _Maker.huge_line, _Maker.controls, _Maker.random_bytes, _Maker.html_junk,
    _Maker.quote_soup, _Maker.number_soup, _Maker.brackets, _Maker.repeated_cause, _Maker.endless_word,
    _Maker.empty, _Maker.broken_container, _Maker.broken_json, _Maker.line_endings, _Maker.scripts,
]


def write_fuzz_corpus(folder: str | Path, n: int = 1000, seed: int = SEED, scale: int = 1) -> list[Path]:
    """Write ``n`` hostile single-article files into ``folder``; returns their paths.

    Each file is named ``NNNN-<kind><suffix>``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(n):
        kind = KINDS[index % len(KINDS)] if index < len(KINDS) else rng.choice(KINDS)
        maker = _Maker(random.Random(rng.getrandbits(64)), scale, index)
        data, suffix = kind(maker)
        path = folder / f"{index:04d}-{kind.__name__.replace('_', '-')}{suffix}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--long", type=int, default=0, help="also write one article of this many characters")
    args = parser.parse_args()
    paths = write_fuzz_corpus(args.out, args.n, args.seed, args.scale)
    if args.long:
        (args.out / "long-article").write_bytes(long_article(args.long, args.seed))
    print(f"{len(paths) + bool(args.long)} files in {args.out}")


if __name__ == "__main__":
    main()
