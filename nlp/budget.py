"""Budgets of one extracting process: the time a block of work may take, and the threads it may use.

``Deadline`` arms a real-time interval timer (``SIGALRM``) and raises :class:`ArticleTimeout`
inside the running code when the time is up, naming the stage that was running (the caller
keeps ``deadline.stage`` current). It needs the main thread of a process on a POSIX system;
elsewhere it is inert and says so through :attr:`Deadline.armed`. Code inside a single long C
call is interrupted when that call returns. :func:`process_threads` says how many threads a process
that extracts may keep busy.
"""

from __future__ import annotations

import os
import signal
import threading
from types import TracebackType

from nlp.errors import NewslinkError

#: seconds one article (or one 100,000-character piece of a longer one) may take to extract
ARTICLE_TIMEOUT = 30.0
#: an article longer than this many characters becomes an error row "too long", not pieces
MAX_CHARS = 2_000_000

#: environment variable: threads one extracting process may keep busy. The worker processes of
#: ``newslink run --workers N`` and Dask set it to 1: there the processes are the parallelism
THREADS_ENV = "NEWSLINK_THREADS"

#: the most threads a process that extracts alone takes by default: what it runs beside its main
#: thread (the NER's embedding, the causal tagger's second thread) keeps about one more core busy
MAX_THREADS = 2


def process_threads() -> int:
    """Threads this extracting process may use: $NEWSLINK_THREADS when set to a number, else the
    cores it may run on, at most :data:`MAX_THREADS`."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value.isdigit():
        return max(1, int(value))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cores))


class ArticleTimeout(NewslinkError):
    """Work on one article ran past its time budget."""

    code = "NL102"

    def __init__(self, seconds: float, stage: str | None):
        self.seconds = seconds
        self.stage = stage
        where = f" in {stage}" if stage else ""
        super().__init__(f"took longer than {seconds:g} s{where}")


def can_arm() -> bool:
    """Whether a Deadline can interrupt work here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class Deadline:
    """``with Deadline(30) as d: d.stage = "parser"; ...`` raises ArticleTimeout after 30 s.

    ``seconds`` of None or 0 means no budget. Deadlines do not nest: the inner one replaces
    the outer one's timer until it ends.
    """

    def __init__(self, seconds: float | None, stage: str | None = None):
        self.seconds = seconds
        self.stage = stage
        self.armed = False
        self._previous = None

    def _expired(self, signum, frame) -> None:  # noqa: ARG002
        raise ArticleTimeout(self.seconds or 0, self.stage)

    def __enter__(self) -> "Deadline":
        if self.seconds and self.seconds > 0 and can_arm():
            self._previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous or signal.SIG_DFL)
            self.armed = False
