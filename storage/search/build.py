"""SQLite: indexing the articles an archive already holds (its search index made or made again).

``newsmon db upgrade`` and ``newsmon reindex`` do this, and so does the first open of an archive
loaded without the index (e.g. by ``bench/query.py``). The index's tables and triggers are made
and filled in one transaction (:func:`begin_build`): a build that is killed or fails leaves the
archive as it was (the index missing, or the one before), and the next open or ``newsmon db
upgrade`` builds it again from the start. The articles go by ranges of ids, one ``INSERT ...
SELECT`` each, so that the build can say how far it is (:func:`reporting`); the postings are the
same whatever the ranges (what FTS5 writes out at each statement's end is merged as before).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, text

log = logging.getLogger(__name__)

#: Ids per ``INSERT ... SELECT`` of the build (a range: fewer articles where ids are missing).
BUILD_CHUNK = 50_000

#: Where the build reports how far it is (:func:`reporting`); None: the log, at INFO.
_progress: ContextVar[Callable[[str], None] | None] = ContextVar(
    "search_build_progress", default=None
)


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


def begin_build(conn: Connection) -> None:
    """SQLite: open the caller's transaction for real, with the write lock, unless it is open.
    pysqlite sends BEGIN only before an INSERT, UPDATE or DELETE, so every CREATE and DROP before
    the build's first INSERT committed alone: a build killed mid-way left an archive whose index
    was there, empty, and looked built (a search found nothing, and nothing built it again)."""
    driver: Any = conn.connection.driver_connection
    if not driver.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def index_articles(conn: Connection, table: str, row_sql: str) -> int:
    """Insert every article's row into the FTS5 ``table``, ``row_sql`` (SQL over ``a``, the
    article) making each; return how many articles were indexed."""
    total = conn.scalar(text("SELECT count(*) FROM articles")) or 0
    if not total:
        return 0
    report(
        f"building the search index of {total:,} articles "
        "(in one transaction: if interrupted, it starts again at the next open or db upgrade)"
    )
    statement = text(
        f"INSERT INTO {table}(rowid, grams) SELECT a.id, {row_sql} FROM articles a "
        "WHERE a.id > :low AND a.id <= :high"
    )
    following = text("SELECT min(id) FROM articles WHERE id > :after")
    done = 0
    first = conn.scalar(text("SELECT min(id) FROM articles"))
    while first is not None:
        low = first - 1
        high = low + BUILD_CHUNK
        done += conn.execute(statement, {"low": low, "high": high}).rowcount
        report(f"search index: {done:,} of {total:,} articles")
        first = conn.scalar(following, {"after": high})
    return done
