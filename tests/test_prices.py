"""Price import: every real format of shared/data/prices, Stooq and own-format files, malformed files."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.market import (
    FetchError, PriceFileError, canonical_symbol, fetch_prices, import_prices, parse_price_file,
)
from nlp.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
PRICES = SHARED / "data" / "prices"
CORPUS_PRICES = Path(__file__).resolve().parents[1] / "corpus" / "prices"


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "prices.db")


def bar_on(parsed, date):
    return next(b for b in parsed.bars if b.date == date)


# (file, format, symbol, date, open, high, low, close, adj_close) — values read from the files
REAL_FILES = [
    ("seed/^N225.csv", "yfinance-classic", "^N225", "2024-02-29", 38935.53125, 39250.12109375,
     38876.80859375, 39166.19140625, 39166.19140625),
    ("seed/^GSPC.csv", "yfinance-multiheader", "^GSPC", "2024-02-29", None, 5104.990234375,
     5061.89013671875, 5096.27001953125, 5096.27001953125),
    ("seed/^IXIC.csv", "yfinance-history", "^IXIC", "2024-02-29", None, 16115.9599609375,
     15931.7001953125, 16091.919921875, None),
    ("seed/^TOPX.csv", "csv", "^TOPX", "2024-03-01", None, 2712.29, 2675.91, 2709.42, None),
    ("seed/8035.T.csv", "yfinance-multiheader", "8035.T", "2024-02-29", None, None, None,
     36870.0, None),
    ("seed/9984.T.csv", "yfinance-multiheader", "9984.T", "2024-03-01", None, 9020.0, 8824.0,
     8907.0, None),
    ("seed/6857.T.csv", "jquants", "6857.T", "2024-03-01", None, 7133.0, 6966.0, 7119.0, None),
    ("us-2012-2017/AAPL_data.csv", "kaggle-5yr", "AAPL", "2012-08-13", 89.06, 90.0, 89.04, 90.0,
     None),
    ("us-2012-2017/^DJI.csv", "yfinance-classic", "^DJI", "2017-06-16", 21335.929688, 21384.419922,
     21308.009766, 21384.279297, 21384.279297),
]


@pytest.mark.parametrize("name,fmt,symbol,date,open_,high,low,close,adj", REAL_FILES,
                         ids=[r[0] for r in REAL_FILES])
def test_real_price_files(name, fmt, symbol, date, open_, high, low, close, adj):
    path = PRICES / name
    if not path.is_file():
        pytest.skip(f"shared price file absent ({path})")
    parsed = parse_price_file(path)
    assert parsed.format == fmt
    assert set(parsed.symbols) == {symbol}
    row = bar_on(parsed, date)
    for field, expected in (("open", open_), ("high", high), ("low", low), ("close", close),
                            ("adj_close", adj)):
        if expected is not None:
            assert getattr(row, field) == pytest.approx(expected), field
    dates = [b.date for b in parsed.bars]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_yfinance_close_is_raw_not_adjusted():
    path = PRICES / "seed" / "8035.T.csv"
    if not path.is_file():
        pytest.skip(f"shared price file absent ({path})")
    first = parse_price_file(path).bars[0]
    assert (first.date, first.close) == ("2013-01-04", 1345.0)
    assert first.adj_close == pytest.approx(983.7808227539062)


def test_yfinance_history_timestamps_become_session_dates():
    path = PRICES / "seed" / "^IXIC.csv"
    if not path.is_file():
        pytest.skip(f"shared price file absent ({path})")
    parsed = parse_price_file(path)
    assert parsed.bars[0].date == "2005-08-30"  # from "2005-08-30 00:00:00-04:00"
    assert all(b.dividend is None and b.split is None for b in parsed.bars)


def test_null_and_spreadsheet_error_rows_are_skipped():
    ixic = PRICES / "us-2012-2017" / "^IXIC.csv"
    advantest = PRICES / "seed" / "6857.T.csv"
    if not ixic.is_file() or not advantest.is_file():
        pytest.skip("shared price files absent")
    assert parse_price_file(ixic).skipped == 4  # yfinance `null` rows
    parsed = parse_price_file(advantest)
    assert parsed.skipped == 1  # 2020-10-01, the TSE outage, written as #VALUE!
    assert "2020-10-01" not in {b.date for b in parsed.bars}


def test_kaggle_glitch_rows_keep_the_close(tmp_path):
    path = PRICES / "us-2012-2017" / "FOXA_data.csv"
    if not path.is_file():
        pytest.skip(f"shared price file absent ({path})")
    parsed = parse_price_file(path)
    row = bar_on(parsed, "2013-06-25")
    assert (row.close, row.high, row.low) == (31.46, None, None)
    assert any("high 27.99 below low 31.25" in w for w in parsed.warnings)


def test_import_seed_folder(store):
    folder = PRICES / "seed"
    if not folder.is_dir():
        pytest.skip(f"shared seed prices absent ({folder})")
    report = import_prices(store, folder)
    assert report.ok, report.errors
    assert set(report.symbols) == {"^N225", "^GSPC", "^IXIC", "^TOPX", "8035.T", "9984.T", "6857.T"}
    assert store.db["prices"].count == report.rows
    bars = store.price_bars("8035.T", "2024-02-29", "2024-03-01")
    assert [(b["date"], b["close"]) for b in bars] == [("2024-02-29", 36870.0),
                                                       ("2024-03-01", 38380.0)]


def test_import_corpus_prices_own_format(store):
    if not CORPUS_PRICES.is_dir():
        pytest.skip("corpus/prices not generated")
    report = import_prices(store, CORPUS_PRICES)
    assert report.ok, report.errors
    assert set(report.formats.values()) == {"newslink"}
    row = store.price_bars("^N225", "2024-03-01", "2024-03-01")[0]
    assert row["source"].startswith("hjyssg/tqqq_simulation")
    assert sum(f.stat().st_size for f in CORPUS_PRICES.iterdir()) < 200_000


# -- hand-written files ----------------------------------------------------------------------


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_stooq_daily_download(tmp_path):
    path = write(tmp_path, "aapl_us_d.csv",
                 "Date,Open,High,Low,Close,Volume\n"
                 "2024-02-29,181.27,182.57,179.53,180.75,136682597\n"
                 "2024-02-28,182.51,183.12,180.13,181.42,48953939\n")
    parsed = parse_price_file(path)
    assert parsed.format == "stooq"
    assert [(b.symbol, b.date, b.close) for b in parsed.bars] == [
        ("AAPL", "2024-02-28", 181.42), ("AAPL", "2024-02-29", 180.75)]  # unsorted rows sorted


def test_stooq_bulk_file_with_ticker_column(tmp_path):
    path = write(tmp_path, "stooq.txt",
                 "<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n"
                 "AAPL.US,D,20240229,000000,181.27,182.57,179.53,180.75,136682597,0\n"
                 "8035.JP,D,20240229,000000,36500,37000,36400,36870,1000,0\n"
                 "^SPX,D,20240229,000000,5085.36,5104.99,5061.89,5096.27,0,0\n")
    parsed = parse_price_file(path)
    assert parsed.format == "stooq-bulk"
    assert parsed.symbols == {"AAPL": 1, "8035.T": 1, "^GSPC": 1}


def test_yfinance_history_dividends_and_splits(tmp_path):
    path = write(tmp_path, "NVDA.csv",
                 "Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n"
                 "2024-06-07 00:00:00-04:00,1197.6,1216.9,1180.2,1208.88,412386000,0.0,0.0\n"
                 "2024-06-10 00:00:00-04:00,120.37,123.1,117.01,121.79,314162700,0.0,10.0\n"
                 "2024-06-11 00:00:00-04:00,121.77,122.87,118.74,120.91,222551200,0.01,0.0\n")
    parsed = parse_price_file(path)
    assert parsed.format == "yfinance-history"
    assert [(b.date, b.split, b.dividend) for b in parsed.bars] == [
        ("2024-06-07", None, None), ("2024-06-10", 10.0, None), ("2024-06-11", None, 0.01)]


def test_symbol_option_wins_and_aliases_map(tmp_path):
    path = write(tmp_path, "prices.csv", "Date,Close\n2024-02-29,5096.27\n")
    assert parse_price_file(path, symbol="^spx").bars[0].symbol == "^GSPC"
    assert canonical_symbol(".N225") == "^N225"
    assert canonical_symbol("aapl.us") == "AAPL"


def test_identical_duplicate_rows_are_dropped(tmp_path):
    path = write(tmp_path, "X.csv", "Date,Close\n2024-02-29,10\n2024-02-29,10\n2024-02-28,9\n")
    assert [b.date for b in parse_price_file(path).bars] == ["2024-02-28", "2024-02-29"]


MALFORMED = [
    ("bad number", "Date,Open,High,Low,Close\n2024-02-28,1,2,1,1.5\n2024-02-29,1,2,1,abc\n",
     ":3: bad number 'abc' in column 'Close'"),
    ("missing close column", "Date,Open,High,Low\n2024-02-29,1,2,1\n", ":1: no Close column"),
    ("missing date column", "Day,Close\n2024-02-29,1\n", ":1: no Date column"),
    ("bad date", "Date,Close\n2024-02-28,1\n29/02/2024x,1\n", ":3: bad date"),
    ("short row", "Date,Open,Close\n2024-02-28,1,1\n2024-02-29,1\n", ":3: 2 fields where"),
    ("same date, other values", "Date,Close\n2024-02-28,1\n2024-02-29,2\n2024-02-29,3\n",
     ":4: X 2024-02-29 already at line 3 with other values"),
    ("two series concatenated", "Date,Close\n2024-02-28,1\nDate,Close\n2024-02-28,1\n",
     ":3: a second header row"),
    ("several tickers, no symbol column",
     "Price,Close,Close\nTicker,AAPL,MSFT\nDate,,\n2024-02-29,180.75,413.64\n",
     ":2: several symbols (AAPL, MSFT)"),
    ("non-positive price", "Date,Close\n2024-02-28,0\n", ":2: non-positive close"),
]


@pytest.mark.parametrize("case,text,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_is_rejected_whole(tmp_path, store, case, text, message):
    path = write(tmp_path, "X.csv", text)
    with pytest.raises(PriceFileError) as err:
        parse_price_file(path)
    assert message in str(err.value)
    assert str(err.value).startswith(str(path))
    report = import_prices(store, path)
    assert not report.ok and message in str(report.errors[0])
    assert (report.errors[0].source, report.errors[0].line) == (str(path), int(message.split(":")[1]))
    assert store.db["prices"].count == 0  # nothing partial lands


def test_folder_import_keeps_good_files_and_rejects_bad_ones(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "GOOD.csv", "Date,Close\n2024-02-29,10\n")
    write(folder, "BAD.csv", "Date,Close\n2024-02-28,9\n2024-02-29,x\n")
    report = import_prices(store, folder)
    assert report.symbols == {"GOOD": 1}
    assert len(report.errors) == 1 and "BAD.csv:3" in str(report.errors[0])
    assert store.price_symbols() == ["GOOD"]


def test_symbol_option_with_several_symbols_in_the_file(tmp_path):
    path = write(tmp_path, "mixed.csv", "Date,Close,Name\n2024-02-28,1,AAA\n2024-02-29,2,BBB\n")
    with pytest.raises(PriceFileError, match="several symbols"):
        parse_price_file(path, symbol="AAA")


def test_missing_path(store, tmp_path):
    with pytest.raises(PriceFileError, match="no such file"):
        import_prices(store, tmp_path / "nope.csv")


# -- fetch -------------------------------------------------------------------------------------


def test_fetch_without_yfinance_fails_at_once(monkeypatch):
    monkeypatch.setitem(sys.modules, "yfinance", None)  # import yfinance -> ImportError
    with pytest.raises(FetchError, match="yfinance is not installed"):
        fetch_prices(["^N225"], "2024-02-01", "2024-03-01")


def test_fetch_stores_raw_close_not_adjusted():
    pd = pytest.importorskip("pandas")

    class Ticker:
        def __init__(self, symbol):
            self.symbol = symbol

        def history(self, start, end, auto_adjust, actions):
            assert auto_adjust is False and actions is True and end == "2024-03-02"
            index = pd.DatetimeIndex(["2024-02-29", "2024-03-01"]).tz_localize("Asia/Tokyo")
            return pd.DataFrame({"Open": [1.0, 2.0], "High": [2.0, 3.0], "Low": [1.0, 2.0],
                                 "Close": [36870.0, 38380.0], "Adj Close": [36000.0, 37500.0],
                                 "Volume": [10, 20], "Dividends": [0.0, 0.0],
                                 "Stock Splits": [0.0, 0.0]}, index=index)

    fake = types.SimpleNamespace(Ticker=Ticker)
    bars = fetch_prices(["8035.T"], "2024-02-29", "2024-03-01", yfinance=fake, check_online=False)
    assert [(b.date, b.close, b.adj_close) for b in bars] == [
        ("2024-02-29", 36870.0, 36000.0), ("2024-03-01", 38380.0, 37500.0)]


# -- CLI ---------------------------------------------------------------------------------------


def test_cli_prices_import_and_check(tmp_path):
    from nlp.cli.app import app
    import nlp.cli.prices  # noqa: F401 - registers the commands

    db = tmp_path / "news.db"
    good = write(tmp_path, "XYZ.csv", "Date,Close\n2024-02-28,10\n2024-02-29,11\n")
    runner = CliRunner()
    result = runner.invoke(app, ["prices", "import", str(good), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "XYZ\t2 bars" in result.output
    bad = write(tmp_path, "BAD.csv", "Date,Close\n2024-02-29,x\n")
    result = runner.invoke(app, ["prices", "import", str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert "BAD.csv:2: bad number" in result.output
    result = runner.invoke(app, ["check", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "0 claims checked" in result.output


def test_cli_fetch_offline_message(tmp_path, monkeypatch):
    from nlp.cli.app import app
    import nlp.cli.prices  # noqa: F401

    monkeypatch.setitem(sys.modules, "yfinance", None)
    result = CliRunner().invoke(app, ["prices", "fetch", "^N225", "--start", "2024-01-01",
                                      "--end", "2024-03-01", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "yfinance is not installed" in result.output
