"""Market data: price import, exchange sessions and claim checks. Knows nothing of spaCy."""

from nlp.calendars import sessions
from nlp.market.exchanges import exchange_for, main_index_for
from nlp.market.check import (
    VERDICTS, Verdict, check_claim, check_records, check_store, load_master, verdict_for,
)
from nlp.market.window import Window, window_of
from nlp.market.fetch import FetchError, fetch_prices
from nlp.market.prices import (
    ImportProblem, ImportReport, PriceBar, PriceFile, PriceFileError, canonical_symbol,
    import_prices, parse_price_file, write_price_csv,
)
from nlp.market.series import MemoryPrices, PriceSeries, PriceSource, StorePrices

__all__ = [
    "VERDICTS", "Verdict", "Window", "FetchError", "ImportProblem", "ImportReport", "MemoryPrices", "PriceBar", "PriceFile",
    "PriceFileError", "PriceSeries", "PriceSource", "StorePrices", "canonical_symbol",
    "check_claim", "check_records", "check_store", "load_master", "exchange_for", "fetch_prices", "import_prices",
    "main_index_for", "parse_price_file", "sessions", "verdict_for", "window_of", "write_price_csv",
]
