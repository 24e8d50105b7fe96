"""Rewrite an archive without its unused space (``newsmon db compact``).

What is unused: the pages that deleted or rewritten rows and indexes left, which SQLite keeps
in its file and PostgreSQL in its tables for later rows rather than giving back to the disk.
It pays after something freed more than the archive will soon fill again (an index replaced by
a smaller one); a rebuilt index fills the pages its predecessor left.

SQLite: ``VACUUM``, after any body still stored as text is made a zstd frame
(storage/bodies.py: rows an earlier version wrote after the upgrade, or an archive stamped
rather than migrated). The archive leaves WAL mode for the rewrite and comes back to it, which
SQLite allows only while no other connection has the archive open: a crawl or ``newsmon
serve`` using it makes compaction refuse, and nothing changes (and the rewrite goes through a
rollback journal instead of growing the write-ahead log to the archive's size). SQLite builds the compacted copy in
its temporary folder and writes it back through a rollback journal next to the archive, so
both places need about the archive's size free; that is checked first. A rewrite that fails
half-way (a full disk after all) is rolled back by SQLite: the archive stays as it was.

PostgreSQL: ``VACUUM FULL`` of the archive's tables, one at a time (each is locked while it
is rewritten and needs room for its new copy), each then vacuumed and analysed
(``storage.migrate.vacuum_rewritten``): a rewritten table's visibility map is empty, and
index-only scans would read its rows until autovacuum came.

Both: the rows stored before migration 0012 give up their copy of ``url`` in ``fetched_url``
(NULL, which reads as ``url``: storage/models.py), the one change of a row that the upgrade
leaves to compaction. SQLite updates them before its ``VACUUM``; PostgreSQL rewrites
``articles`` with the new values (``ALTER COLUMN ... TYPE ... USING``, which copies the live
rows and builds the indexes again, as the ``VACUUM FULL`` it stands in for), then vacuums it
as the others.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import OperationalError

from storage.bodies import convert_stored
from storage.migrate import vacuum_rewritten
from storage.models import Base
from storage.sizes import archive_sizes


class CompactError(Exception):
    """Compaction could not be done; the archive is unchanged."""


def compact(
    engine: Engine, progress: Callable[[str], None] = lambda _line: None
) -> tuple[int, int]:
    """Compact the archive behind ``engine``; its bytes before and after.

    SQLite counts the archive's file with its write-ahead log; PostgreSQL the archive's
    tables with their TOAST and indexes (as ``newsmon db stats`` does).
    """
    if engine.dialect.name == "sqlite":
        return _compact_sqlite(engine, progress)
    return _compact_postgresql(engine, progress)


def _sqlite_files(database: str) -> int:
    return sum(os.path.getsize(p) for p in (database, f"{database}-wal") if os.path.exists(p))


def sqlite_temp_dir() -> Path:
    """The folder SQLite writes its temporary files to on Unix (the order of its os_unix.c)."""
    for candidate in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR")):
        if candidate and os.path.isdir(candidate):
            return Path(candidate)
    for candidate in ("/var/tmp", "/usr/tmp", "/tmp"):
        if os.path.isdir(candidate):
            return Path(candidate)
    return Path.cwd()


def _check_room(database: str, needed: int) -> None:
    for folder in dict.fromkeys((Path(database).resolve().parent, sqlite_temp_dir())):
        free = shutil.disk_usage(folder).free
        if free < needed:
            raise CompactError(
                f"compacting needs about {needed:,} bytes free in {folder} "
                f"(the archive's size), and {free:,} are free; nothing was changed"
            )


def _compact_sqlite(engine: Engine, progress: Callable[[str], None]) -> tuple[int, int]:
    database = engine.url.database
    if not database or database == ":memory:" or not os.path.exists(database):
        raise CompactError(f"no archive file at {database}")
    before = _sqlite_files(database)
    _check_room(database, before)
    engine.dispose()  # this process's own idle connections would keep the archive in WAL
    progress(f"compacting {database} ({before:,} bytes); it stays locked until done")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = conn.exec_driver_sql("PRAGMA journal_mode=DELETE").scalar()
        except OperationalError as exc:
            raise CompactError(_in_use(exc)) from None
        if str(mode).lower() != "delete":  # SQLite keeps WAL while another process has it open
            raise CompactError(_in_use(None))
        try:
            _compress_bodies(conn, progress)
            conn.exec_driver_sql("VACUUM")
        except OperationalError as exc:
            raise CompactError(f"compacting failed, the archive is unchanged: {exc}") from None
        finally:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    return before, _sqlite_files(database)


def _compress_bodies(conn: Connection, progress: Callable[[str], None]) -> None:
    """Bodies still stored as text (written by a version before migration 0010 after the
    upgrade, or in an archive stamped without migrating) made zstd frames first, and the
    copies of ``url`` in ``fetched_url`` emptied, in one transaction (storage/bodies.py), so
    that the rewrite packs them."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        converted = convert_stored(conn, compressed=True)
        _drop_fetched_copies(conn, progress)
    except BaseException:
        conn.exec_driver_sql("ROLLBACK")
        raise
    conn.exec_driver_sql("COMMIT")
    if converted:
        progress(f"{converted:,} bodies stored as text compressed")


def _drop_fetched_copies(conn: Connection, progress: Callable[[str], None]) -> None:
    """``fetched_url`` NULL where it repeats ``url`` (rows stored before migration 0012)."""
    emptied = conn.exec_driver_sql(
        "UPDATE articles SET fetched_url = NULL WHERE fetched_url = url"
    ).rowcount
    if emptied:
        progress(f"{emptied:,} copies of the URL in fetched_url dropped")


def _in_use(exc: OperationalError | None) -> str:
    detail = f" ({exc.orig})" if exc is not None else ""
    return (
        "the archive is in use by another process (a crawl, `newsmon serve`?)"
        f"{detail}; stop it and run `newsmon db compact` again; nothing was changed"
    )


def _compact_postgresql(engine: Engine, progress: Callable[[str], None]) -> tuple[int, int]:
    before = archive_sizes(engine).total
    present = set(inspect(engine).get_table_names())
    tables = [t.name for t in Base.metadata.sorted_tables if t.name in present]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in tables:
            statement = f'VACUUM FULL "{name}"'
            if name == "articles" and conn.exec_driver_sql(_HAS_FETCHED_COPIES).scalar():
                # Not an UPDATE, then VACUUM FULL: that keeps every old row version any
                # transaction open meanwhile (any database of the server) might still see,
                # and the archive grew by the updated rows. A rewrite copies live rows only.
                statement = (
                    "ALTER TABLE articles ALTER COLUMN fetched_url TYPE varchar(2048) "
                    "USING nullif(fetched_url, url)"
                )
                progress("rewriting articles without the copies of the URL in fetched_url")
            else:
                progress(statement.replace('"', ""))
            try:
                conn.exec_driver_sql(statement)
                # either rewrite leaves the table's visibility map empty
                vacuum_rewritten(conn, name, progress)
            except OperationalError as exc:
                raise CompactError(
                    f"compacting {name} failed (the tables before it are compacted, "
                    f"it and those after it unchanged): {exc.orig}"
                ) from None
    return before, archive_sizes(engine).total


#: Rows stored before migration 0012 hold a copy of ``url`` in ``fetched_url``.
_HAS_FETCHED_COPIES = "SELECT EXISTS (SELECT 1 FROM articles WHERE fetched_url = url)"
