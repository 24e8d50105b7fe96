"""The store pipeline's database writes, in the crawling process or in a writer process.

Storing a batch — the lookup of its URLs, the bulk insert, the reprint SimHash and grouping,
the search index's pairs (computed by the database's triggers), the commit — is Python and
SQLite work of ~1.5 ms a page (docs/benchmarks.md, Crawling, "Per-page budget"). In the
crawling process it runs on the reactor thread and no download moves meanwhile; a thread
would not help (that work holds the GIL). With ``NEWSMON_STORE_PROCESS = 1`` (a Scrapy
setting, else the environment variable of that name) :class:`StoreWriter` runs it in one
process of its own: batches go to it in order, one at a time, and each comes back as the
outcome of each article (new / updated / unchanged, its new keyword matches), which the
pipeline counts on the reactor as before. One process, one batch at a time: the rows are
stored in the order of the crawl, as in the crawling process.

What stays the same as a write in the crawling process (:func:`write`, which both run):
a batch is one transaction; on a conflict with another writer it is stored one article at
a time; a failed write (the database away, the disk full) comes back as the articles stored
and the reason of the failure, which fails the rest loudly and stops the crawl.

A writer process that dies (killed, out of memory) loses nothing: the batch it had is
written again in the crawling process, and so is every later batch of the crawl (an article
the dead writer had committed then counts as unchanged: the archive holds it once).
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler import collector
from crawler.config import configured, switch
from crawler.extract_worker import exit_with, forkserver_context
from crawler.forkserver import name_process
from storage import make_engine
from storage.repository import Saved, ToSave, save_articles, save_entry

if TYPE_CHECKING:
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

#: A test hook, read only inside the writer process: ``exit:TEXT`` makes it exit abruptly on
#: a batch holding a URL that contains TEXT (a writer killed mid-crawl).
FAULT_ENV = "NEWSMON_STORE_FAULT"

#: What a write gives back: the outcome of each article stored (in batch order, a prefix of
#: the batch), and the reason the others were not (None: all were).
Written = tuple[list[Saved], str | None]


def failure_reason(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"database write failed: {type(exc).__name__}: {first}"


def write(sessions: sessionmaker[Session], batch: Sequence[ToSave], run_id: int | None) -> Written:
    """Store ``batch`` in one transaction; on a conflict with another writer, one by one."""
    try:
        with sessions.begin() as session:
            written = save_articles(session, batch, run_id)
        # Only now, after the commit: a commit that fails (the disk full) stored nothing.
        return written, None
    except IntegrityError:
        saved: list[Saved] = []
        try:
            for entry in batch:
                with sessions.begin() as session:
                    one = save_entry(session, entry, run_id)
                saved.append(one)
        except SQLAlchemyError as exc:
            return saved, failure_reason(exc)
        return saved, None
    except SQLAlchemyError as exc:
        return [], failure_reason(exc)


def store_process(settings: Any) -> bool:
    """Whether ``NEWSMON_STORE_PROCESS`` (setting, else environment; default 0) asks for a writer.

    A bad value raises :class:`~crawler.config.SettingError` (see :func:`check_crawl_settings`).
    """
    return switch(settings, "NEWSMON_STORE_PROCESS", default=False)


def check_crawl_settings(settings: Any) -> None:
    """Parse now every value a crawl reads from its settings, else the environment
    (``NEWSMON_EXTRACT_PROCESSES``, ``NEWSMON_EXTRACT_TIMEOUT``, ``NEWSMON_STORE_PROCESS``,
    ``NEWSMON_GC_FREEZE``):
    :class:`~crawler.config.SettingError` for the first bad one. ``settings`` is a crawl's
    Scrapy settings, or any mapping of the ones given for it (``--set``)."""
    configured(settings)
    store_process(settings)
    collector.wanted(settings)


# -- inside the writer process ------------------------------------------------------------------

_sessions: sessionmaker[Session] | None = None


def _init_writer(db_url: str, crawler_pid: int) -> None:
    global _sessions
    name_process("newsmon-writer")
    exit_with(crawler_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's: it stops, then us
    _sessions = sessionmaker(make_engine(db_url), expire_on_commit=False)
    collector.tune()  # as an extraction worker does (crawler.extract_worker._init_worker)


def _write_here(batch: Sequence[ToSave], run_id: int | None) -> tuple[int, Written]:
    """In the writer process: (its pid, what :func:`write` gave)."""
    action, _, marker = os.environ.get(FAULT_ENV, "").partition(":")
    if action == "exit" and marker and any(marker in e.fetched_url for e in batch):
        os._exit(70)
    assert _sessions is not None, "the writer process was not initialised"
    return os.getpid(), write(_sessions, batch, run_id)


# -- in the crawling process -------------------------------------------------------------------


class WriterDied(Exception):
    """The writer process ended before it answered."""


class StoreWriter:
    """One writer process; :meth:`write` returns a Deferred of what :func:`write` gave there."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        #: made at the first batch: making it starts multiprocessing's resource tracker (a new
        #: interpreter) at once, which a crawl that stores nothing does not need
        self.executor: ProcessPoolExecutor | None = None
        #: the writer process's pid, once it answered
        self.pid: int | None = None

    def write(self, batch: Sequence[ToSave], run_id: int | None) -> Deferred[Written]:
        """Hand ``batch`` over and wait for it in a thread, not on the reactor (the first
        starts the process there: a second or more while the fork server starts)."""
        # (not at import: the fork server imports this module, Twisted not; crawler.forkserver)
        from twisted.internet.threads import deferToThread

        executor = self.pool()

        def wait() -> Written:
            try:
                self.pid, written = executor.submit(_write_here, batch, run_id).result()
            except Exception as exc:  # BrokenProcessPool, or a batch that cannot be pickled
                raise WriterDied(f"the store's writer process failed: {exc!r}") from exc
            return written

        return deferToThread(wait)

    def pool(self) -> ProcessPoolExecutor:
        """The executor of the writer process, made at the first call."""
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                1,
                mp_context=forkserver_context(),
                initializer=_init_writer,
                initargs=(self.db_url, os.getpid()),
            )
        return self.executor

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
