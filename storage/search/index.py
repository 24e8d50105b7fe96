"""The search indexes: install, rebuild and detect them.

Both backends index character bigrams (storage/search/grams.py) of title and body:

- SQLite: ``articles_grams``, a contentless FTS5 table without positions whose rows
  hold an article's pairs and a token per city of its sections (``§无锡``), written
  by triggers on ``articles`` and ``sections`` through the SQL function
  ``newsmon_index_row(title, body, cities)`` that :func:`register_functions` adds to
  every connection newsmon opens (storage/db.py). A contentless table forgets a row
  only when told exactly what it held: a section whose city is new to its article
  (or the last of its city to go) makes the article's row again, removing it with
  the cities it had and writing it with those it has; an article is removed before
  its sections cascade away. Migration 0005 makes the index of earlier archives again.
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
from storage.search.grams import (
    PG_FUNCTION,
    PG_FUNCTION_BODY,
    PG_FUNCTION_COST,
    document_grams,
    index_row,
)

log = logging.getLogger(__name__)

GRAMS_TABLE = "articles_grams"
_G = GRAMS_TABLE
#: The SQL function that makes an article's row: pairs and city tokens (grams.index_row).
ROW_FUNCTION = "newsmon_index_row"
#: Present only when the index holds the articles' cities (archives of migration 0005 on).
CITIES_TRIGGER = f"{_G}_sections_ai"


def _cities(article: str, without: str | None = None, also: str | None = None) -> str:
    """SQL: the JSON array of the cities of ``article``'s sections; ``without``: leaving out
    the section of that id, ``also``: adding that city (the sections as they were before)."""
    if without is None:
        return (
            "(SELECT json_group_array(DISTINCT city) FROM sections "
            f"WHERE article_id = {article} AND city IS NOT NULL)"
        )
    return (
        "(SELECT json_group_array(DISTINCT city) FROM (SELECT city FROM sections "
        f"WHERE article_id = {article} AND id IS NOT {without} UNION ALL SELECT {also}) "
        "WHERE city IS NOT NULL)"
    )


def _row(row: str, cities: str) -> str:
    return f"{ROW_FUNCTION}({row}.title, {row}.body, {cities})"


def _rewrite(article: str, without: str, also: str, when: str = "") -> str:
    """SQL: take ``article``'s row out of the index as it was (its cities: the sections but
    ``without``, plus ``also``) and write it again with the cities its sections have now."""
    where = f"WHERE a.id = {article}{when}"
    return (
        f"INSERT INTO {_G}({_G}, rowid, grams) SELECT 'delete', a.id, "
        f"{_row('a', _cities(article, without, also))} FROM articles a {where}; "
        f"INSERT INTO {_G}(rowid, grams) SELECT a.id, {_row('a', _cities(article))} "
        f"FROM articles a {where};"
    )


_GRAMS_TRIGGERS = {
    f"{_G}_ai": "AFTER INSERT ON articles BEGIN "
    f"INSERT INTO {_G}(rowid, grams) VALUES (new.id, {_row('new', _cities('new.id'))}); END",
    # BEFORE: the article's sections are still there (a cascade deletes them after the row).
    f"{_G}_bd": "BEFORE DELETE ON articles BEGIN "
    f"INSERT INTO {_G}({_G}, rowid, grams) "
    f"VALUES ('delete', old.id, {_row('old', _cities('old.id'))}); END",
    # Only a change of title or body touches the index: re-fetches that update times do not.
    f"{_G}_au": "AFTER UPDATE OF title, body ON articles BEGIN "
    f"INSERT INTO {_G}({_G}, rowid, grams) "
    f"VALUES ('delete', old.id, {_row('old', _cities('old.id'))}); "
    f"INSERT INTO {_G}(rowid, grams) VALUES (new.id, {_row('new', _cities('new.id'))}); END",
    # A section's city changes the article's row only when no other section has that city.
    # (Sections of an article being deleted: its row is gone already, nothing is written.)
    CITIES_TRIGGER: "AFTER INSERT ON sections WHEN new.city IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM sections s WHERE s.article_id = new.article_id AND s.city = new.city "
    "AND s.id IS NOT new.id) BEGIN " + _rewrite("new.article_id", "new.id", "NULL") + " END",
    f"{_G}_sections_ad": "AFTER DELETE ON sections WHEN old.city IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM sections s WHERE s.article_id = old.article_id AND s.city = old.city) "
    "BEGIN " + _rewrite("old.article_id", "old.id", "old.city") + " END",
    f"{_G}_sections_au": "AFTER UPDATE OF article_id, city ON sections "
    "WHEN old.article_id IS NOT new.article_id OR old.city IS NOT new.city BEGIN "
    + _rewrite("old.article_id", "new.id", "old.city")
    + _rewrite("new.article_id", "new.id", "NULL", " AND new.article_id IS NOT old.article_id")
    + " END",
}
_GRAMS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_G} USING fts5("
    "grams, content='', detail=none, columnsize=0, tokenize='ascii')",
    *(f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _GRAMS_TRIGGERS.items()),
)
_GRAMS_DROP = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in (*_GRAMS_TRIGGERS, f"{_G}_ad")),
    f"DROP TABLE IF EXISTS {_G}",
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
    """Add ``newsmon_index_row(title, body, cities)`` to an SQLite connection (the index's
    triggers call it), and ``newsmon_grams(title, body)``, which those of archives before
    migration 0005 call."""
    dbapi_connection.create_function(ROW_FUNCTION, 3, index_row, deterministic=True)
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
    present = set(
        conn.scalars(
            text("SELECT name FROM sqlite_master WHERE name IN (:table, :trigger)"),
            {"table": GRAMS_TABLE, "trigger": CITIES_TRIGGER},
        )
    )
    if CITIES_TRIGGER in present:
        return
    if GRAMS_TABLE in present:
        # The index of versions before migration 0005, without the articles' cities.
        for ddl in _GRAMS_DROP:
            conn.exec_driver_sql(ddl)
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
        f"SELECT a.id, {_row('a', _cities('a.id'))} FROM articles a"
    )


def upgrade_grams(conn: Connection) -> None:
    """Migration 0005: an SQLite archive's index made again with the articles' cities (unless
    it has them, or has no index yet: it is made when the archive is opened)."""
    if conn.dialect.name != "sqlite":
        return
    found = conn.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": GRAMS_TABLE},
    )
    if found:
        _install_grams(conn)


def drop_grams(conn: Connection) -> None:
    """Migration 0005's downgrade: the SQLite index dropped (the earlier version makes its own
    when it opens the archive)."""
    if conn.dialect.name == "sqlite":
        for ddl in _GRAMS_DROP:
            conn.exec_driver_sql(ddl)


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
    """Whether the session's archive has the FTS5 bigram table with the articles' cities
    (SQLite only; an archive not yet upgraded to migration 0005 is searched by scanning)."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    if engine.dialect.name != "sqlite":
        return False
    with _fts_lock:
        if engine in _fts_engines:
            return True
    found = session.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": CITIES_TRIGGER},
    )
    if found:
        with _fts_lock:
            _fts_engines.add(engine)
    return bool(found)
