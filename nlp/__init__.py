"""newslink: financial news into a SQLite database of checked facts."""

__version__ = "0.1.0"
