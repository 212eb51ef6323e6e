"""The instrument master: lookups, clashes, RIC resolution, stoplist, user additions, show."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.instruments import (
    MODEL_DIR,
    InstrumentFileError,
    InstrumentMaster,
    add_from_csv,
    is_case_sensitive,
    load,
    name_aliases,
    normalise,
    show,
    strip_legal,
    user_file,
)


@pytest.fixture(scope="module")
def master() -> InstrumentMaster:
    return InstrumentMaster.load([MODEL_DIR])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSLINK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize(
    "text, symbol, kind",
    [
        ("Nikkei 225", "^N225", "index"),
        ("Nikkei share average", "^N225", "index"),
        ("the Nikkei", "^N225", "index"),
        ("Nikkei’s", "^N225", "index"),
        ("TOPIX", "^TOPX", "index"),
        ("Topix", "^TOPX", "index"),
        ("S&P 500", "^GSPC", "index"),
        ("Nasdaq", "^IXIC", "index"),
        ("Nasdaq Composite", "^IXIC", "index"),
        ("Nasdaq 100", "^NDX", "index"),
        ("Nasdaq-100", "^NDX", "index"),
        ("Dow Jones Industrial Average", "^DJI", "index"),
        ("the Dow", "^DJI", "index"),
        ("Russell 2000", "^RUT", "index"),
        ("FTSE 100", "^FTSE", "index"),
        ("DAX", "^GDAXI", "index"),
        ("CAC 40", "^FCHI", "index"),
        ("Euro STOXX 50", "^STOXX50E", "index"),
        ("Hang Seng", "^HSI", "index"),
        ("Shanghai Composite", "000001.SS", "index"),
        ("KOSPI", "^KS11", "index"),
        ("Sensex", "^BSESN", "index"),
        ("Nifty 50", "^NSEI", "index"),
        ("Tokyo Electron", "8035.T", "equity"),
        ("Tokyo Electron Ltd", "8035.T", "equity"),
        ("Tokyo Electron Ltd.", "8035.T", "equity"),
        ("Advantest", "6857.T", "equity"),
        ("SoftBank Group", "9984.T", "equity"),
        ("SoftBank", "9984.T", "equity"),
        ("SoftBank Corp", "9434.T", "equity"),
        ("Daiwa Securities", "8601.T", "equity"),
        ("Daiwa Securities Group Inc.", "8601.T", "equity"),
        ("Tokyo Stock Exchange", "8697.T", "equity"),
        ("Japan Exchange Group", "8697.T", "equity"),
        ("Nvidia", "NVDA", "equity"),
        ("NVIDIA Corporation", "NVDA", "equity"),
        ("Nasdaq Inc", "NDAQ", "equity"),
        ("Nasdaq, Inc.", "NDAQ", "equity"),
        ("Dow Inc", "DOW", "equity"),
        ("Apple Inc.", "AAPL", "equity"),
        ("Alphabet", "GOOGL", "equity"),
        ("Nestle", "NESN.SW", "equity"),
        ("insurance sector", None, "sector"),
        ("miners", None, "sector"),
        ("insurance companies", None, "sector"),
        ("insurers", None, "sector"),
        ("banks", None, "sector"),
        ("chipmakers", None, "sector"),
    ],
)
def test_lookup(master: InstrumentMaster, text: str, symbol: str | None, kind: str) -> None:
    found = master.lookup(text)
    assert found is not None, text
    assert (found.symbol, found.kind) == (symbol, kind)


@pytest.mark.parametrize("word", ["TOKYO", "Tokyo", "AI", "US", "U.S.", "IT", "A", "CEO", "EPS", "FREE", "Japan", "Next"])
def test_stoplist_words_never_look_up(master: InstrumentMaster, word: str) -> None:
    assert master.lookup(word) is None
    assert master.is_stopword(word)
    assert master.cashtag(word) is None


def test_japanese_companies_have_exchange_symbols(master: InstrumentMaster) -> None:
    for symbol, name in [("8035.T", "Tokyo Electron"), ("6857.T", "Advantest"), ("9984.T", "SoftBank Group"),
                         ("8601.T", "Daiwa Securities"), ("8697.T", "Japan Exchange")]:
        inst = master.get(symbol)
        assert inst is not None and name in inst.name
        assert (inst.exchange, inst.timezone, inst.main_index) == ("XTKS", "Asia/Tokyo", "^N225")
    assert master.get("NVDA").exchange == "XNAS"


def test_master_size(master: InstrumentMaster) -> None:
    counts = master.counts()
    assert counts["equity"] >= 1700
    assert counts["index"] >= 40
    assert counts["aliases"] >= 2500
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir() if p.is_file())
    assert size < 2_000_000


@pytest.mark.parametrize(
    "code, symbol, exchange",
    [
        ("IBM.N", "IBM", "XNYS"),
        ("AAPL.O", "AAPL", "XNAS"),
        ("8035.T", "8035.T", "XTKS"),
        ("VOD.L", "VOD.L", "XLON"),
        (".N225", "^N225", "XTKS"),
        (".SPX", "^GSPC", "XNYS"),
        (".DJI", "^DJI", "XNYS"),
        (".IXIC", "^IXIC", "XNAS"),
        ("BRKb.N", "BRK.B", "XNYS"),
        ("ZZZQ.N", "ZZZQ", "XNYS"),  # unknown: the code's base, on the suffix's venue
        ("9999.T", "9999.T", "XTKS"),
        ("( IBM.N )", "IBM", "XNYS"),
        ("XLE.P", "XLE", "XNYS"),  # NYSE Arca
        ("FB.O", "META", "XNAS"),  # a former symbol: the renamed instrument (the linker dates it)
    ],
)
def test_resolve_ric(master: InstrumentMaster, code: str, symbol: str, exchange: str) -> None:
    found = master.resolve_ric(code)
    assert found is not None
    assert (found.symbol, found.exchange) == (symbol, exchange)


@pytest.mark.parametrize("code", ["IBM", ".NOSUCH", "ABC.QQ", ""])
def test_resolve_ric_unknown(master: InstrumentMaster, code: str) -> None:
    assert master.resolve_ric(code) is None


def test_exchange_info(master: InstrumentMaster) -> None:
    tokyo = master.exchange("XTKS")
    assert (tokyo.timezone, tokyo.main_index) == ("Asia/Tokyo", "^N225")
    assert master.exchange(".T").code == "XTKS"
    assert master.exchange("NYSE").code == "XNYS"
    assert master.exchange("Nasdaq").main_index == "^GSPC"
    assert master.resolve_tag("NYSE", "IBM").symbol == "IBM"
    assert master.resolve_tag("TSE", "8035").symbol == "8035.T"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Japan’s", "japan"),
        ("The Nikkei's", "nikkei"),
        ("Nasdaq-100", "nasdaq 100"),
        ("Nestlé S.A.", "nestle sa"),
        ("  S&P   500 ", "s&p 500"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_legal_forms() -> None:
    assert strip_legal("tokyo electron co ltd") == "tokyo electron"
    assert strip_legal("ltd") == "ltd"
    assert name_aliases("Tokyo Electron Ltd.")[:2] == ["Tokyo Electron Ltd.", "Tokyo Electron"]
    assert "Hornbach" in name_aliases("Hornbach (retailer)")
    assert "Beneteau" in name_aliases("Bénéteau")
    assert is_case_sensitive("IBM") and is_case_sensitive("TOPIX")
    assert not is_case_sensitive("Topix") and not is_case_sensitive("Tokyo Electron")


def test_patterns_leave_out_stoplist_and_lost_clashes(master: InstrumentMaster) -> None:
    patterns = {(p["pattern"], p["id"]) for p in master.patterns()}
    assert ("Nasdaq", "^IXIC") in patterns
    assert ("Nasdaq", "NDAQ") not in patterns
    assert ("SoftBank", "9434.T") not in patterns
    assert not any(p == "TOKYO" or p == "Tokyo" for p, _ in patterns)


def test_add_from_csv_and_show(home: Path, tmp_path: Path) -> None:
    rows = tmp_path / "mine.csv"
    rows.write_text(
        "symbol,name,kind,exchange,aliases\n"
        "4385.T,Mercari Inc.,equity,XTKS,Mercari|メルカリ\n"
        "8035.T,,,,TEL\n"
        ",Semiconductor equipment makers,sector,,chip equipment stocks\n",
        encoding="utf-8",
    )
    assert add_from_csv(rows) == 3
    assert user_file() == home / "instruments.csv"
    master = load()
    assert master.lookup("メルカリ").symbol == "4385.T"
    assert master.lookup("TEL").symbol == "8035.T"
    assert master.lookup("Tokyo Electron").symbol == "8035.T"  # existing aliases kept
    assert master.lookup("chip equipment stocks").kind == "sector"
    found = show("TEL")  # TE Connectivity's symbol first, then the alias just added
    assert [(r["symbol"], r["match"]) for r in found[:2]] == [("TEL", "symbol"), ("8035.T", "alias")]
    assert show("^N225")[0]["match"] == "symbol"
    assert any(r["symbol"] == "8035.T" for r in show("tokyo elec"))


def test_add_from_csv_reports_bad_rows(home: Path, tmp_path: Path) -> None:
    rows = tmp_path / "bad.csv"
    rows.write_text(
        "symbol,name,kind,exchange,timezone,aliases\n"
        "GOOD,Good Co,equity,XNYS,,Good\n"
        ",No symbol,equity,,,\n"
        "ODD,Odd,weird,,,\n"
        "ZONE,Zoned,equity,,Mars/Olympus,\n"
        "VENUE,Venue,equity,XXXX,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InstrumentFileError) as error:
        add_from_csv(rows)
    message = str(error.value)
    for line in (3, 4, 5, 6):
        assert f"{rows}:{line}:" in message
    assert f"{rows}:2:" not in message
    assert not user_file().exists()  # nothing written when a row is bad


def test_load_default_is_cached(home: Path) -> None:
    assert load() is load()


@pytest.mark.parametrize(
    "symbol, day, expected",
    [
        ("META", "2012-08-01", ("FB", "Facebook, Inc.")),
        ("META", "2022-06-08T20:00:00-04:00", ("FB", "Facebook, Inc.")),
        ("META", "2022-06-09", ("META", None)),
        ("META", None, ("META", None)),
        ("RTX", "2019-05-01", ("UTX", "United Technologies Corp")),
        ("AAPL", "2012-08-01", ("AAPL", None)),
        (None, "2012-08-01", (None, None)),
    ],
)
def test_symbol_on(master: InstrumentMaster, symbol, day, expected) -> None:
    assert master.symbol_on(symbol, day) == expected


def test_renames(master: InstrumentMaster, tmp_path: Path) -> None:
    assert master.get("FB").symbol == "META"
    assert master.lookup("United Technologies").symbol == "RTX"  # former names are aliases
    assert "fund" in master.product_words and "index" in master.product_words
    bad = tmp_path / "renames.csv"
    bad.write_text("symbol,former_symbol,former_name,former_aliases,until\nMETA,FB,Facebook,,June 2022\n", encoding="utf-8")
    with pytest.raises(InstrumentFileError, match="renames.csv:2"):
        master.read_renames(bad)


def test_the_s_and_p_pattern_needs_the(master: InstrumentMaster) -> None:
    found = [p for p in master.patterns() if p["id"] == "^GSPC" and p["after_the"]]
    assert [p["pattern"] for p in found] == ["S&P"]
    assert master.lookup("the S&P").symbol == "^GSPC"
