"""Engines for the archive: SQLite (embedded default, WAL, busy timeout) or PostgreSQL."""

from __future__ import annotations

import json
import re
import time
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from storage.bodies import register_functions as register_body_functions
from storage.models import Base
from storage.search import install_search
from storage.search.index import register_functions

#: Seconds a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT = 30
#: Bytes of the archive file SQLite may memory-map for reading.
SQLITE_MMAP_BYTES = 1 << 30
#: PostgreSQL work_mem newsmon's connections get at least (see make_engine).
PG_WORK_MEM = "64MB"
# SQLite's page size stays its default, 4 KB. 8 KB pages made a generated archive of 1,000,000
# articles 11% smaller (one ~2.3 KB row per 4 KB page leaves the rest empty) but real archives
# 0.8% larger (every raw HTML blob ends in a part-filled overflow page) and storing ~20-30%
# slower (each page written to the log is twice as large): docs/benchmarks.md, issue 17.

#: JSON columns (breadcrumb, keywords, places) stored as UTF-8 text: 城市 in 6 bytes instead of
#: the 12 of ``\u57ce\u5e02``. Rows written with escapes read back the same.
_json_text = partial(json.dumps, ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; for SQLite, create the file's folder and tune the connection."""
    parsed = make_url(url)
    kwargs.setdefault("json_serializer", _json_text)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets `newsmon query` read while a crawl writes; foreign keys are off by default.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Searches read scattered rows (the matches the index names): map the file instead
            # of a read() per page, and keep more pages than SQLite's default 2 MB.
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.execute("PRAGMA cache_size=-32768")
            cur.close()
            # The search index's triggers compute an article's bigrams with these functions,
            # and SQL reads a body's text (zstd-compressed on SQLite) with storage/bodies.py's.
            register_functions(dbapi_conn)
            register_body_functions(dbapi_conn)

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_settings(dbapi_conn: Any, _record: Any) -> None:
            # The bigram index's bitmap of a frequent pair (无锡: 175,000 of 1,000,000 articles)
            # outgrows the default 4 MB and turns lossy: every row of a lossy page is then
            # checked by computing its pairs (7.4 s instead of 0.15 s to count 10,001 matches).
            # JIT compiling pays off for long analytic queries, not for these (+100 ms each).
            # A server or database configured with more work_mem keeps it.
            with dbapi_conn.cursor() as cur:
                cur.execute(
                    "SELECT set_config('work_mem', %(mem)s, false) WHERE "
                    "pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(%(mem)s)",
                    {"mem": PG_WORK_MEM},
                )
                cur.execute("SET jit = off")
            dbapi_conn.commit()

    return engine


def create_schema(engine: Engine) -> None:
    """Bring the archive's schema up to this newsmon's, then the search index (storage/search/).

    The schema follows the migration policy of storage/migrate.py (new archives
    are created, old SQLite ones upgraded, old PostgreSQL ones refused with a
    message). Safe when several processes open a new archive at once (crawler
    workers do): PostgreSQL serialises them with an advisory lock; on SQLite a
    process that lost the race looks again.
    """
    # Imported here: alembic (with mako and pygments) is a tenth of what importing storage
    # costs, and the processes that only read and write rows (the crawl's extraction workers
    # and writer, forked from a server that imports storage first) never migrate.
    from storage.migrate import ensure_schema

    for attempt in range(5):
        try:
            ensure_schema(engine)
            install_search(engine)
            return
        except OperationalError as exc:
            # SQLite: another process created a table between our check and our CREATE, or
            # wrote while our read transaction was open (WAL). Looking again settles it.
            if engine.dialect.name != "sqlite" or attempt == 4:
                raise
            if "already exists" not in str(exc) and "locked" not in str(exc):
                raise
            time.sleep(0.05 * (attempt + 1))


def redact(url: str) -> str:
    """The URL with any password hidden, for logs and messages (also one SQLAlchemy cannot parse)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def dialect_insert(session: Session, entity: type[Base]) -> sqlite.Insert | postgresql.Insert:
    """An INSERT into ``entity``'s table in the session's backend's dialect, whose
    ``on_conflict_do_nothing`` / ``on_conflict_do_update`` make it an upsert."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(entity)
    return sqlite.insert(entity)
