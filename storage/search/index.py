"""The search indexes: install, rebuild and detect them.

Both backends index character bigrams (storage/search/grams.py) of title and body:

- SQLite: ``articles_grams``, a contentless FTS5 table without positions whose rows
  hold an article's pairs, written by triggers on ``articles`` through the SQL
  function ``newsmon_grams(title, body)`` that :func:`register_functions` adds to
  every connection newsmon opens (storage/db.py).
- PostgreSQL: a GIN index on the expression ``newsmon_grams(title, body)``, an
  IMMUTABLE SQL function returning the array of pairs.

Both also get an index on the sections' ``(city, article_id)`` and one that walks
articles newest first. These are not in the models: they are made here, outside
the migrations, when an archive is opened. An archive made with the trigram
indexes of earlier versions gets the new index on first open (and loses the old
one, which it no longer needs); where the backend cannot make it, search scans.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.search.counts import install_counts
from storage.search.grams import PG_FUNCTION, PG_FUNCTION_BODY, PG_FUNCTION_COST, document_grams

log = logging.getLogger(__name__)

GRAMS_TABLE = "articles_grams"
_GRAMS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {GRAMS_TABLE} USING fts5("
    "grams, content='', detail=none, columnsize=0, tokenize='ascii')",
    f"CREATE TRIGGER IF NOT EXISTS {GRAMS_TABLE}_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (new.id, newsmon_grams(new.title, new.body));"
    " END",
    f"CREATE TRIGGER IF NOT EXISTS {GRAMS_TABLE}_ad AFTER DELETE ON articles BEGIN "
    f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rowid, grams) "
    "VALUES ('delete', old.id, newsmon_grams(old.title, old.body)); END",
    # Only a change of title or body touches the index: re-fetches that update times do not.
    f"CREATE TRIGGER IF NOT EXISTS {GRAMS_TABLE}_au AFTER UPDATE OF title, body ON articles "
    f"BEGIN INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rowid, grams) "
    "VALUES ('delete', old.id, newsmon_grams(old.title, old.body)); "
    f"INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (new.id, newsmon_grams(new.title, new.body));"
    " END",
)
_GRAMS_DROP = (
    f"DROP TRIGGER IF EXISTS {GRAMS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {GRAMS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {GRAMS_TABLE}_au",
    f"DROP TABLE IF EXISTS {GRAMS_TABLE}",
)
#: The trigram index of versions before the bigram one (dropped on first open).
_OLD_FTS_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TABLE IF EXISTS articles_fts",
)
#: For the city filter and group-by: answered from the index alone (no table rows read).
_SECTIONS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_sections_city_article ON sections (city, article_id)"
)
#: Newest first, undated last, then by id: the order of results, walked for frequent terms.
#: (SQLite's index on published_at serves: its entries end with the rowid, the id.)
_PG_TIME_INDEX = "CREATE INDEX IF NOT EXISTS ix_articles_time ON articles (published_at DESC NULLS LAST, id DESC)"
PG_GRAMS_INDEX = "ix_articles_grams"
_PG_GRAMS_DDL = (
    f"CREATE INDEX IF NOT EXISTS {PG_GRAMS_INDEX} ON articles "
    "USING gin (newsmon_grams(title, body))"
)
_PG_OLD = ("ix_articles_title_trgm", "ix_articles_body_trgm")
#: maintenance_work_mem (at least) of the transaction that builds the PostgreSQL index (the
#: default 64 MB makes a GIN build of a million articles merge many runs).
PG_BUILD_MEMORY = "512MB"

# Engines known to have the grams table (only positive answers are cached: another
# process may install it later).
_fts_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_fts_lock = threading.Lock()


def register_functions(dbapi_connection: Any) -> None:
    """Add ``newsmon_grams(title, body)`` to an SQLite connection (the index's triggers call it)."""
    dbapi_connection.create_function("newsmon_grams", 2, document_grams, deterministic=True)


def install_search(engine: Engine) -> None:
    """Create the search index and its triggers if missing; index existing rows once.

    Idempotent, and safe to call from every process that opens the archive. Where
    the index cannot be made (an SQLite without FTS5) it logs a warning: search
    still works, by scanning.
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql(_SECTIONS_INDEX)
            _install_grams(conn)
            install_counts(conn)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg(conn)
            install_counts(conn)


def _install_grams(conn: Connection) -> None:
    existed = conn.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": GRAMS_TABLE},
    )
    if existed:
        return
    try:
        for ddl in _GRAMS_DDL:
            conn.exec_driver_sql(ddl)
    except DBAPIError as exc:  # SQLite built without FTS5
        log.warning("no full-text index (SQLite FTS5 unavailable: %s); search scans", exc)
        return
    # A new archive, or one made before this index existed: index what it already holds,
    # and drop the trigram index of earlier versions.
    for ddl in _OLD_FTS_DROP:
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql(
        f"INSERT INTO {GRAMS_TABLE}(rowid, grams) "
        "SELECT id, newsmon_grams(title, body) FROM articles"
    )


def _install_pg(conn: Connection) -> None:
    present = set(
        conn.scalars(
            text("SELECT indexname FROM pg_indexes WHERE tablename IN ('articles', 'sections')")
        ).all()
    )
    wanted = {PG_GRAMS_INDEX, "ix_sections_city_article", "ix_articles_time"}
    function = conn.execute(
        text("SELECT prosrc, procost FROM pg_proc WHERE proname = 'newsmon_grams'")
    ).first()
    current = function is not None and tuple(function) == (PG_FUNCTION_BODY, PG_FUNCTION_COST)
    if wanted <= present and not present & set(_PG_OLD) and current:
        return
    # Two processes opening a new archive at once would race on CREATE FUNCTION.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsmon.install_search'))"))
    _build_memory(conn)
    conn.exec_driver_sql(_SECTIONS_INDEX)
    conn.exec_driver_sql(_PG_TIME_INDEX)
    conn.exec_driver_sql(PG_FUNCTION)
    conn.exec_driver_sql(_PG_GRAMS_DDL)
    for name in _PG_OLD:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def _build_memory(conn: Connection) -> None:
    """Raise maintenance_work_mem to PG_BUILD_MEMORY for the transaction, unless the server
    gives more: a GIN build sorts its keys in this memory, then merges (more of it, fewer
    merges)."""
    conn.execute(
        text(
            "SELECT set_config('maintenance_work_mem', :mem, true) WHERE "
            "pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes(:mem)"
        ),
        {"mem": PG_BUILD_MEMORY},
    )


def rebuild_search(engine: Engine) -> None:
    """Rebuild the search index from scratch (for an archive whose index is missing or suspect)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            for ddl in _GRAMS_DROP:
                conn.exec_driver_sql(ddl)
            _install_grams(conn)
            install_counts(conn, again=True)
        _fts_engines.discard(engine)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg(conn)
            _build_memory(conn)
            conn.exec_driver_sql(f"REINDEX INDEX {PG_GRAMS_INDEX}")
            install_counts(conn, again=True)


def has_grams(session: Session) -> bool:
    """Whether the session's archive has the FTS5 bigram table (SQLite only)."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    if engine.dialect.name != "sqlite":
        return False
    with _fts_lock:
        if engine in _fts_engines:
            return True
    found = session.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": GRAMS_TABLE},
    )
    if found:
        with _fts_lock:
            _fts_engines.add(engine)
    return bool(found)
