"""newslink's errors: one base class, each kind with a stable code a user can search for.

Every error newslink raises on purpose derives from :class:`NewslinkError` and carries a
``code`` (``NL101`` ...), listed in the README's "Errors" table. The CLI prints the code with
the message. The classes live with the layer that raises them and keep their older bases
(``ValueError``, ``RuntimeError``) so existing ``except`` clauses still catch them.
"""

from __future__ import annotations


class NewslinkError(Exception):
    """Base of every error newslink raises on purpose; ``code`` is stable across releases."""

    code = "NL100"

    @property
    def coded(self) -> str:
        """``"NL101: message"``, as the CLI prints it."""
        return f"{self.code}: {self}"


#: code -> (error class name, what it means), the README's table
CODES = {
    "NL100": ("NewslinkError", "any other newslink error"),
    "NL101": ("ReadError", "an input that cannot become an article (names the file, member or line)"),
    "NL102": ("ArticleTimeout", "one article ran past its time budget (names the pipeline stage)"),
    "NL103": ("DaskError", "Dask is not installed, or its scheduler cannot be reached"),
    "NL201": ("StoreError", "a database that cannot be opened or written as newslink expects"),
    "NL301": ("PriceFileError", "a price file that cannot be read whole (names file:line)"),
    "NL302": ("FetchError", "prices cannot be fetched (yfinance missing, offline, nothing returned)"),
    "NL401": ("InstrumentFileError", "an invalid row of an instrument CSV (names file:line)"),
    "NL501": ("ModelNotFound", "no English spaCy pipeline is installed"),
    "NL601": ("QueryError", "a query that cannot run: bad filter value, search syntax, refused SQL"),
    "NL602": ("ReportError", "no such article for a report, or a file that cannot be read"),
    "NL603": ("ServeError", "Datasette missing, or no database to serve"),
}
