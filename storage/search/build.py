"""SQLite: indexing the articles an archive already holds (its search index made or made again).

``newsmon db upgrade`` and ``newsmon reindex`` do this, and so does the first open of an archive
loaded without the index (e.g. by ``bench/query.py``). The index's tables and triggers are made
and filled in one transaction (:func:`begin_build`): a build that is killed or fails leaves the
archive as it was (the index missing, or the one before), and the next open or ``newsmon db
upgrade`` builds it again from the start. The articles go by ranges of ids, so that the build can
say how far it is (:func:`reporting`), and within a range by batches of :data:`BATCH`: their rows
(the SQL the caller gives, SQLite's UTF-8 bytes of it) are read with one ``SELECT`` and written
into FTS5 by one ``executemany`` a batch. The postings are the same whatever the ranges and
batches (FTS5 merges what it writes out as it goes).

**Two processes.** Making the rows (decompressing each body, finding its runs of letters, making
the pairs: ~0.15 ms of CPU an article) is about half of the build's CPU; FTS5's inserting of them
the other half. On a machine of two cores or more the rows are made in a worker process
(:mod:`storage.search.build_worker`) that reads the archive with its own read-only connection and
hands them over in batches, while this process inserts the batch before into FTS5 in its
transaction (docs/benchmarks.md, "the SQLite index built by two processes"). The worker takes
about a second to start (a new interpreter importing storage): meanwhile this process makes the
rows itself, and between two of its batches hands the rest over to the worker once that says it
is ready (the id after which it starts); a build done before that ends the worker unused. The
worker sees
what this transaction sees only because (1) the archive is in WAL mode, where a reader sees the
last commit while a writer holds its lock, (2) this transaction was opened by
:func:`begin_build`, so nothing was written in it before, and the index's tables and triggers are
all it changes before the rows are read, and (3) it holds the write lock from its start, so no
other process commits meanwhile. Otherwise (another journal mode, a caller's transaction, an
archive in memory, fewer than :data:`WORKER_FROM` articles, ``NEWSMON_BUILD_PROCESSES=0``, one
core) the rows are made in this process by the same ``SELECT``. A worker that cannot start (no
interpreter, an error before it is ready) leaves the build to this process, with a warning in
the log; one that
fails or dies once started fails the build with :class:`BuildError` saying why, the transaction
rolled back. The worker ends when its pipe to this process closes, so a build killed with
``SIGKILL`` leaves no process behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

#: Ids per range of the build, after which it reports (a range: fewer articles where ids are
#: missing).
BUILD_CHUNK = 50_000
#: Articles read, handed over and inserted at once (one ``executemany``; ~4 MB of rows).
BATCH = 1_000
#: Archives with fewer articles are indexed in one process: starting the worker (a new
#: interpreter importing storage) takes about a second, ~3,000 articles' worth of the build.
WORKER_FROM = 10_000
#: How many worker processes make the rows: 0 (in the building process) or 1; more count as one.
PROCESSES_ENV = "NEWSMON_BUILD_PROCESSES"
#: The worker's module, run as ``python -m``.
WORKER_MODULE = "storage.search.build_worker"
#: Seconds the build waits for its worker to be ready before making rows itself (it looks again
#: after each batch it made).
WORKER_WAIT = 0.0
#: Seconds a worker that handed over every range has to end before it is killed.
CLOSE_SECONDS = 30
#: A message's length before it, each way (8 bytes, network order).
HEADER = struct.Struct("!Q")

#: Where the build reports how far it is (:func:`reporting`); None: the log, at INFO.
_progress: ContextVar[Callable[[str], None] | None] = ContextVar(
    "search_build_progress", default=None
)


class BuildError(SQLAlchemyError):
    """The build failed outside SQL (its worker process failed or died, or a bad setting); the
    transaction is rolled back. An SQLAlchemy error, so that every command that reports a
    failed open or upgrade of the archive reports this one the same way."""


@contextmanager
def reporting(progress: Callable[[str], None]) -> Iterator[None]:
    """Within the block, a build of the search index reports to ``progress`` (one line at its
    start, one after each range of articles) instead of the log."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def report(line: str) -> None:
    """Say how far a long piece of work is: to :func:`reporting`'s ``progress``, else the log."""
    progress = _progress.get()
    if progress is None:
        log.info("%s", line)
    else:
        progress(line)


def begin_build(conn: Connection) -> bool:
    """SQLite: open the caller's transaction for real, with the write lock, unless it is open;
    return whether it opened it (then nothing was written in it yet).

    pysqlite sends BEGIN only before an INSERT, UPDATE or DELETE, so every CREATE and DROP before
    the build's first INSERT committed alone: a build killed mid-way left an archive whose index
    was there, empty, and looked built (a search found nothing, and nothing built it again)."""
    driver: Any = conn.connection.driver_connection
    if driver.in_transaction:
        return False
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    return True


def build_processes() -> int:
    """Worker processes of a build: ``$NEWSMON_BUILD_PROCESSES`` if set (more than one counts
    as one: the worker makes rows about as fast as FTS5 takes them), else one when this process
    may run on two cores or more."""
    value = os.environ.get(PROCESSES_ENV, "").strip()
    if not value:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return 1 if cores >= 2 else 0
    try:
        processes = int(value)
    except ValueError:
        processes = -1
    if processes < 0:
        raise BuildError(
            f"{PROCESSES_ENV} must be a whole number of processes, 0 or more "
            f"(0: build the search index in one process), not {value!r}"
        )
    return min(processes, 1)


def rows_sql(row_sql: str) -> str:
    """The ``SELECT`` of a range's rows: (id, the row's UTF-8 bytes) in the order of ids."""
    return (
        f"SELECT a.id, CAST({row_sql} AS BLOB) FROM articles a "
        "WHERE a.id > ? AND a.id <= ? ORDER BY a.id"
    )


def batches(
    db: Any, row_sql: str, low: int, high: int
) -> Generator[list[tuple[int, bytes]], None, None]:
    """The rows of the articles with ids in ``(low, high]``, by :data:`BATCH`, read through
    ``db`` (an sqlite3 connection)."""
    cursor = db.execute(rows_sql(row_sql), (low, high))
    try:
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def _ranges(conn: Connection) -> Iterator[tuple[int, int]]:
    """``(low, high)``: ids in ``(low, high]``, :data:`BUILD_CHUNK` of them, each range holding
    at least one article."""
    following = text("SELECT min(id) FROM articles WHERE id > :after")
    first = conn.scalar(text("SELECT min(id) FROM articles"))
    while first is not None:
        low = first - 1
        yield low, low + BUILD_CHUNK
        first = conn.scalar(following, {"after": low + BUILD_CHUNK})


def index_articles(conn: Connection, table: str, row_sql: str, *, began: bool = False) -> int:
    """Insert every article's row into the FTS5 ``table``, ``row_sql`` (SQL over ``a``, the
    article) making each; return how many articles were indexed. ``began``: :func:`begin_build`
    opened the transaction, and only the index's tables changed in it since (then a worker
    process may make the rows: see the module's docstring)."""
    total = conn.scalar(text("SELECT count(*) FROM articles")) or 0
    if not total:
        return 0
    report(
        f"building the search index of {total:,} articles "
        "(in one transaction: if interrupted, it starts again at the next open or db upgrade)"
    )
    ranges = list(_ranges(conn))
    insert = f"INSERT INTO {table}(rowid, grams) VALUES (?, CAST(? AS TEXT))"
    here: Any = conn.connection.driver_connection
    # the setting read at every build: a bad one fails any (not only those of large archives)
    worker = None
    if build_processes() and began and total >= WORKER_FROM:
        worker = _Worker.start(conn, row_sql, ranges)
    done = 0
    try:
        for low, high in ranges:
            for batch in _range_batches(here, row_sql, low, high, worker):
                conn.exec_driver_sql(insert, batch)  # type: ignore[arg-type]
                done += len(batch)
            report(f"search index: {done:,} of {total:,} articles")
    except BaseException:
        if worker:
            worker.close(kill=True)
        raise
    if worker:
        worker.close(kill=not worker.working)
    return done


def _range_batches(
    here: Any, row_sql: str, low: int, high: int, worker: _Worker | None
) -> Iterator[list[tuple[int, bytes]]]:
    """The batches of the range ``(low, high]``: made through ``here`` (this process's
    connection) until ``worker`` takes over, then as the worker hands them over."""
    if worker is None or not worker.take_over(low):
        own = batches(here, row_sql, low, high)
        try:
            for batch in own:
                yield batch
                if worker is not None and worker.take_over(batch[-1][0]):
                    break
            else:
                return
        finally:
            own.close()
    assert worker is not None
    yield from worker.batches()


def _archive_file(conn: Connection) -> str | None:
    """The file of the connection's archive if a second process can read it as last committed
    while this one writes (WAL mode), else None."""
    if str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower() != "wal":
        return None
    for _seq, name, file in conn.exec_driver_sql("PRAGMA database_list").all():
        if name == "main":
            return str(file) or None
    return None


class _Worker:
    """The worker process making the rows, as this process sees it: its pipes, and the messages
    read from it (each a pickle after its length: ``("ready", pid)``, ``("rows", batch)``,
    ``("range", None)`` after each range, ``("error", text)``). Written to it: the job, then
    once it is ready the id after which it makes the rows (:meth:`take_over`)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.handed = 0
        #: The worker makes the rows (it was ready, and was told where to start).
        self.working = False
        #: It will not: it failed or ended before it was ready.
        self.failed = False
        self.wait = WORKER_WAIT

    @classmethod
    def start(cls, conn: Connection, row_sql: str, ranges: list[tuple[int, int]]) -> _Worker | None:
        """The worker, started (not yet ready: see :meth:`take_over`); None where it must not or
        cannot be (the rows are then made in this process)."""
        path = _archive_file(conn)
        if path is None:
            return None
        job = {"uri": Path(path).as_uri() + "?mode=ro", "rows": row_sql, "ranges": ranges}
        # the storage package this process imported, whatever the worker's sys.path says
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH")))),
        }
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            log.warning("search index: no worker process (%s); the rows are made here", exc)
            return None
        worker = cls(process)
        try:
            worker._send(job)
        except OSError as exc:
            worker._not_started(exc)
            return None
        return worker

    def take_over(self, after: int) -> bool:
        """Whether the worker makes the rows of the articles after id ``after`` (the rest of
        this range and the ranges after it): it does if it already did, or if it is ready now
        (then it is told ``after``). False while it starts, and for good once it failed to."""
        if self.working:
            return True
        if self.failed:
            return False
        stdout: IO[bytes] | None = self.process.stdout
        assert stdout is not None
        readable, _, _ = select.select([stdout], [], [], self.wait)
        self.wait = 0.0
        if not readable:
            return False
        try:
            kind, body = self._receive()
            if kind != "ready":
                raise BuildError(body)
            self._send(after)
        except (OSError, BuildError) as exc:
            self._not_started(exc)
            return False
        log.info("search index: the worker process makes the rows after article id %d", after)
        self.working = True
        return True

    def _not_started(self, reason: object) -> None:
        self.failed = True
        self.close(kill=True)
        log.warning(
            "search index: the worker process did not start (%s); the rows are made here", reason
        )

    def _send(self, message: object) -> None:
        stdin: IO[bytes] | None = self.process.stdin
        assert stdin is not None
        pickle.dump(message, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        stdin.flush()

    def batches(self) -> Iterator[list[tuple[int, bytes]]]:
        """The next range's batches of rows, as the worker hands them over."""
        while True:
            kind, body = self._receive()
            if kind == "range":
                return
            if kind == "error":
                raise BuildError(f"the search index's worker process failed: {body}")
            self.handed += len(body)
            yield body

    def _receive(self) -> tuple[str, Any]:
        stdout: IO[bytes] | None = self.process.stdout
        assert stdout is not None
        header = stdout.read(HEADER.size)
        size = HEADER.unpack(header)[0] if len(header) == HEADER.size else 0
        message = stdout.read(size) if size else b""
        if not size or len(message) != size:  # the pipe's end: the worker is gone
            code = self.process.wait()
            how = f"was killed by signal {-code}" if code < 0 else f"ended with status {code}"
            raise BuildError(
                f"the search index's worker process (pid {self.process.pid}) {how} "
                f"after handing over {self.handed:,} articles"
            )
        return pickle.loads(message)  # type: ignore[no-any-return]

    def close(self, *, kill: bool) -> None:
        """Wait for the worker to end (it has handed over every range), or end it (``kill``:
        the build failed, or did not need it): no process outlives the build."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        with contextlib.suppress(OSError):  # it is gone already
            self.process.stdin.close()  # a worker not yet told where to start ends
        try:
            self.process.wait(timeout=0 if kill else CLOSE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
