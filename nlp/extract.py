"""One article in, one public record out: the library side of ``newslink extract``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from nlp.articles import read_article
from nlp.pipeline import extract_article, public_record
from nlp.store import Store


def extract_file(path: str | Path, *, prices: list[str | Path] | None = None,
                 db: str | Path | None = None, use_causal_model: bool = True) -> dict[str, Any]:
    """The public record of the single article in ``path``.

    With ``prices`` (files or folders) or ``db`` (a database holding imported
    prices), every claim's ``check`` is filled. Raises nlp.articles.ReadError
    when ``path`` holds no readable article.
    """
    from nlp.pipeline import shared_pipeline

    article = read_article(path)
    record = extract_article(article, shared_pipeline(use_causal_model))
    if prices or db:
        check_record(record, prices=prices or [], db=db)
    return public_record(record)


def check_record(record: dict[str, Any], *, prices: list[str | Path], db: str | Path | None) -> None:
    """Fill the ``check`` of every claim of ``record`` and its ``reactions`` (novelty unknown: the
    article is read on its own) from ``db`` and/or price files."""
    from nlp.market import StorePrices, check_records, import_prices
    from nlp.reactions import record_reactions

    if db is not None and not prices:
        store = Store(db)
        check_records(store, [record])
        record["reactions"] = record_reactions(record, StorePrices(store))
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(db if db is not None else Path(tmp) / "prices.db")
        for p in prices:
            import_prices(store, p)
        check_records(store, [record])
        record["reactions"] = record_reactions(record, StorePrices(store))
        store.db.conn.close()
