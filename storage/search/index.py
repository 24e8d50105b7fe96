"""The search indexes: install, rebuild and detect them.

Chinese text has no spaces, so word tokenizers cannot find 营商环境 inside a
sentence. Both backends index character trigrams instead: SQLite an FTS5 table
with the ``trigram`` tokenizer (external content over ``articles``, kept in step
by triggers), PostgreSQL ``pg_trgm`` GIN indexes on ``title`` and ``body``. Both
also get an index on the sections' ``(city, article_id)``. These are not in the
models: they are made here, outside the migrations, and skipped where the
backend cannot make them (search then scans).
"""

from __future__ import annotations

import logging
import threading
import weakref

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_FTS_DDL = (
    # External content: the text lives once, in `articles`; the index holds trigrams only.
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
    "title, body, content='articles', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    # Only a change of title or body touches the index: re-fetches that update times do not.
    "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, body ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
_FTS_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TABLE IF EXISTS articles_fts",
)
#: For the city filter and group-by: answered from the index alone (no table rows read).
_SECTIONS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_sections_city_article ON sections (city, article_id)"
)
_PG_INDEXES = {
    "ix_articles_title_trgm": "CREATE INDEX IF NOT EXISTS ix_articles_title_trgm "
    "ON articles USING gin (title gin_trgm_ops)",
    "ix_articles_body_trgm": "CREATE INDEX IF NOT EXISTS ix_articles_body_trgm "
    "ON articles USING gin (body gin_trgm_ops)",
}

# Engines known to have the FTS5 table (only positive answers are cached: another
# process may install it later).
_fts_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_fts_lock = threading.Lock()


def install_search(engine: Engine) -> None:
    """Create the search index and its triggers if missing; index existing rows once.

    Idempotent, and safe to call from every process that opens the archive. Where
    the index cannot be made (an SQLite without FTS5 trigram, a PostgreSQL without
    pg_trgm) it logs a warning: search still works, by scanning.
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql(_SECTIONS_INDEX)
            _install_fts(conn)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg_trgm(conn)


def _install_fts(conn: Connection) -> None:
    existed = conn.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'")
    )
    try:
        for ddl in _FTS_DDL:
            conn.exec_driver_sql(ddl)
    except DBAPIError as exc:  # SQLite older than 3.34 or built without FTS5
        log.warning("no full-text index (SQLite FTS5 trigram unavailable: %s); search scans", exc)
        return
    if not existed:
        # An archive made before the index existed: index what it already holds.
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def _install_pg_trgm(conn: Connection) -> None:
    present = set(
        conn.scalars(
            text("SELECT indexname FROM pg_indexes WHERE tablename IN ('articles', 'sections')")
        ).all()
    )
    if set(_PG_INDEXES) <= present and "ix_sections_city_article" in present:
        return
    # Two processes opening a new archive at once would race on CREATE EXTENSION.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsmon.install_search'))"))
    conn.exec_driver_sql(_SECTIONS_INDEX)
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for ddl in _PG_INDEXES.values():
                conn.exec_driver_sql(ddl)
    except DBAPIError as exc:
        first = str(exc).strip().splitlines()[0]
        log.warning("no trigram index (pg_trgm unavailable: %s); search scans", first)


def rebuild_search(engine: Engine) -> None:
    """Rebuild the search index from scratch (for an archive whose index is missing or suspect)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            for ddl in _FTS_DROP:
                conn.exec_driver_sql(ddl)
            _install_fts(conn)
        _fts_engines.discard(engine)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg_trgm(conn)
            for name in _PG_INDEXES:
                conn.exec_driver_sql(f"REINDEX INDEX {name}")


def has_fts(session: Session) -> bool:
    """Whether the session's archive has the FTS5 trigram table (SQLite only)."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    if engine.dialect.name != "sqlite":
        return False
    with _fts_lock:
        if engine in _fts_engines:
            return True
    found = session.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'")
    )
    if found:
        with _fts_lock:
            _fts_engines.add(engine)
    return bool(found)
