"""The search indexes: install, rebuild and detect them.

Both backends index character bigrams (storage/search/grams.py) of title and body:

- SQLite: ``articles_grams``, a contentless FTS5 table with positions (``detail=full``:
  a term of three or more characters is a phrase of its pairs) whose rows hold an
  article's pairs in the order of the text and a token per city of its sections
  (``§无锡``), written by triggers on ``articles`` through SQL functions that
  :func:`register_functions` adds to every connection newsmon opens (storage/db.py),
  and on ``sections`` in plain SQL (sections can be edited from any SQLite shell;
  articles cannot). Without stored content, such a table is a set of (token, article
  id) postings, each with its positions, and FTS5 keeps no record of a row beyond them
  (``columnsize=0``): so a section whose city is new to its article adds that one token
  under the article's id (an ``INSERT`` with the same rowid), and the last section of a
  city to go takes it out again (a ``'delete'`` of that token alone), without computing
  the article's pairs again. A contentless table forgets a posting only when told
  exactly what the row held: an article is taken out (its pairs and its cities) before
  a cascade deletes its sections, and a change of title or body replaces the pairs
  alone. Migration 0005 made the index of earlier archives again with the cities, and
  0007 with positions.
- PostgreSQL: a GIN index on the expression ``newsmon_pairs(title, body) COLLATE "C"``,
  an IMMUTABLE SQL function returning the array of pairs, compared by their bytes.
  Migration 0008 made it in place of the index on ``newsmon_grams(title, body)`` (pairs
  split at ASCII punctuation only, in the database's collation), and dropped that one.

Both also get an index on the sections' ``(city, article_id)`` and one that walks
articles newest first (SQLite one on the sections' ``(article_id, city)`` too). These
are not in the models: they are made here, outside the migrations, when an archive is
opened. An archive made with the trigram indexes of earlier versions gets the new index
on first open (and loses the old one, which it no longer needs); where the backend
cannot make it, search scans.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.bodies import body_text
from storage.compression import install_compression, recompress_bodies, undo_compression
from storage.search import cities
from storage.search.build import begin_build, index_articles
from storage.search.counts import install_counts
from storage.search.grams import (
    CITY_MARK,
    HEX_MARK,
    PG_COLLATION,
    PG_FUNCTION,
    PG_FUNCTION_BODY,
    PG_FUNCTION_COST,
    PG_FUNCTION_NAME,
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
#: What the index's definition says when it holds positions (migration 0007).
_POSITIONS = "detail=full"
#: The cities of ``new`` or ``old``'s sections, as a JSON array (an empty name is no city).
_CITIES = (
    "(SELECT json_group_array(DISTINCT city) FROM sections "
    "WHERE article_id = {row}.id AND city <> '')"
)


def city_token_sql(city: str) -> str:
    """SQL: grams.city_token of ``city``, in SQL, so that the triggers on sections need no
    function of newsmon's (a section can be edited from any SQLite shell). ``hex()`` spells
    UTF-8 in capitals; the tokenizer folds them as it folds the query's."""
    ascii_char = "'*[' || char(1) || '-' || char(127) || ']*'"
    return (
        f"CASE WHEN {city} GLOB {ascii_char} THEN '{HEX_MARK}' || hex({city}) "
        f"ELSE '{CITY_MARK}' || {city} END"
    )


def _row(row: str) -> str:
    return f"{ROW_FUNCTION}({row}.title, {row}.body, {_CITIES.format(row=row)})"


def _city(op: str, row: str) -> str:
    """SQL: add (``op`` 'insert') or remove ('delete') the token of ``row``'s city in its
    article's row, when no other section of the article has that city and the article is
    there (a cascade deletes an article's sections after the article and its index row)."""
    others = f"s.article_id = {row}.article_id AND s.city = {row}.city"
    if op == "insert":
        # the section itself (new.id) is in the table already
        others += f" AND s.id IS NOT {row}.id"
        columns, values = f"{_G}(rowid, grams)", ""
    else:
        columns, values = f"{_G}({_G}, rowid, grams)", "'delete', "
    return (
        f"INSERT INTO {columns} SELECT {values}{row}.article_id, {city_token_sql(row + '.city')} "
        f"WHERE {row}.city <> '' "
        f"AND EXISTS (SELECT 1 FROM articles a WHERE a.id = {row}.article_id) "
        f"AND NOT EXISTS (SELECT 1 FROM sections s WHERE {others});"
    )


_GRAMS_TRIGGERS = {
    f"{_G}_ai": "AFTER INSERT ON articles BEGIN "
    f"INSERT INTO {_G}(rowid, grams) VALUES (new.id, {_row('new')}); END",
    # BEFORE: the article's sections are still there (a cascade deletes them after the row).
    f"{_G}_bd": "BEFORE DELETE ON articles BEGIN "
    f"INSERT INTO {_G}({_G}, rowid, grams) VALUES ('delete', old.id, {_row('old')}); END",
    # Only a change of title or body touches the index: re-fetches that update times do not.
    # The pairs are replaced; the cities' tokens stay.
    f"{_G}_au": "AFTER UPDATE OF title, body ON articles BEGIN "
    f"INSERT INTO {_G}({_G}, rowid, grams) "
    "VALUES ('delete', old.id, newsmon_grams(old.title, old.body)); "
    f"INSERT INTO {_G}(rowid, grams) VALUES (new.id, newsmon_grams(new.title, new.body)); END",
    CITIES_TRIGGER: f"AFTER INSERT ON sections BEGIN {_city('insert', 'new')} END",
    f"{_G}_sections_ad": f"AFTER DELETE ON sections BEGIN {_city('delete', 'old')} END",
    f"{_G}_sections_au": "AFTER UPDATE OF article_id, city ON sections "
    "WHEN old.article_id IS NOT new.article_id OR old.city IS NOT new.city BEGIN "
    f"{_city('delete', 'old')} {_city('insert', 'new')} END",
}
#: The triggers on sections (the cities' tokens).
SECTION_TRIGGERS = tuple(name for name in _GRAMS_TRIGGERS if "_sections_" in name)
_GRAMS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_G} USING fts5("
    "grams, content='', detail=full, columnsize=0, tokenize='ascii')",
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
#: SQLite, for the group-by city of a search: the cities of the matches' sections, probed by
#: article id, from the index alone (at 1,000,000 articles 44-69 ms instead of 120-163 ms for
#: the 30,000 matches of 营商环境, which read 42,000 section rows; 27 bytes per article).
_SECTIONS_ARTICLE_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_sections_article_city ON sections (article_id, city)"
)
#: SQLite: the order of results and the ranges of dates (its entries end with the rowid, the
#: id). Made by migration 0001 on both backends; PostgreSQL's, which ``ix_articles_time``
#: duplicates (27 bytes an article), is dropped by migration 0011.
SQLITE_TIME_INDEX = "CREATE INDEX IF NOT EXISTS ix_articles_published_at ON articles (published_at)"
#: PostgreSQL: newest first, undated last, then by id: the order of results, walked for
#: frequent terms; a range of dates is a range of it too.
_PG_TIME_INDEX = "CREATE INDEX IF NOT EXISTS ix_articles_time ON articles (published_at DESC NULLS LAST, id DESC)"
PG_GRAMS_INDEX = "ix_articles_pairs"
_PG_GRAMS_DDL = (
    f"CREATE INDEX IF NOT EXISTS {PG_GRAMS_INDEX} ON articles "
    f'USING gin (({PG_FUNCTION_NAME}(title, body) COLLATE "{PG_COLLATION}"))'
)
#: The indexes of earlier versions: pg_trgm's, and the bigram index before migration 0008.
_PG_OLD = ("ix_articles_title_trgm", "ix_articles_body_trgm", "ix_articles_grams")
#: The function of the bigram index before migration 0008 (dropped after its index).
_PG_OLD_FUNCTION = "DROP FUNCTION IF EXISTS newsmon_grams(text, text)"
#: maintenance_work_mem (at least) of the transaction that builds the PostgreSQL index (the
#: default 64 MB makes a GIN build of a million articles merge many runs).
PG_BUILD_MEMORY = "512MB"

# Engines known to have the grams table (only positive answers are cached: another
# process may install it later).
_fts_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_fts_lock = threading.Lock()


def _row_of_stored(title: str | None, body: str | bytes | None, cities: str | None) -> str:
    return index_row(title, body_text(body), cities)


def _grams_of_stored(title: str | None, body: str | bytes | None) -> str:
    return document_grams(title, body_text(body))


def register_functions(dbapi_connection: Any) -> None:
    """Add the functions the index's triggers on articles call to an SQLite connection:
    ``newsmon_index_row(title, body, cities)`` and ``newsmon_grams(title, body)`` (which
    the triggers of archives before 0005 call too). They get the body as stored (a zstd
    frame since migration 0010, storage/bodies.py) and index its text."""
    dbapi_connection.create_function(ROW_FUNCTION, 3, _row_of_stored, deterministic=True)
    dbapi_connection.create_function("newsmon_grams", 2, _grams_of_stored, deterministic=True)


def install_search(engine: Engine) -> None:
    """Create the search index and its triggers if missing; index existing rows once.

    Idempotent, and safe to call from every process that opens the archive. Where
    the index cannot be made (an SQLite without FTS5) it logs a warning: search
    still works, by scanning.
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql(_SECTIONS_INDEX)
            conn.exec_driver_sql(_SECTIONS_ARTICLE_INDEX)
            conn.exec_driver_sql(SQLITE_TIME_INDEX)
            _install_grams(conn)
            install_counts(conn)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg(conn)
            install_counts(conn)
            # the bodies compressed with lz4 from now on (storage/compression.py)
            install_compression(conn)


def _current_grams(conn: Connection) -> tuple[bool, bool]:
    """(whether the archive has an SQLite index, whether it is this version's: with the
    cities' triggers of migration 0005 and the positions of 0007)."""
    rows: dict[str, str | None] = dict(
        conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name IN (:table, :trigger)"),
            {"table": GRAMS_TABLE, "trigger": CITIES_TRIGGER},
        ).all()
    )
    table_sql = rows.get(GRAMS_TABLE) or ""
    return GRAMS_TABLE in rows, CITIES_TRIGGER in rows and _POSITIONS in table_sql


def _install_grams(conn: Connection, began: bool = False) -> None:
    """``began``: the caller opened the transaction with :func:`begin_build` (and changed
    only the index's tables since)."""
    present, current = _current_grams(conn)
    if current:
        return
    began = begin_build(conn) or began
    present, current = _current_grams(conn)  # another process may have made it meanwhile
    if current:
        return
    if present:
        # The index of earlier versions: without the articles' cities (before migration
        # 0005) or without positions (before 0007).
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
    index_articles(conn, GRAMS_TABLE, _row("a"), began=began)


def upgrade_grams(conn: Connection) -> None:
    """Migrations 0005 and 0007: an SQLite archive's index made again with the articles'
    cities and positions (unless it has them, or has no index yet: it is made when the
    archive is opened)."""
    if conn.dialect.name == "sqlite" and _current_grams(conn)[0]:
        _install_grams(conn)


def upgrade_pg_pairs(conn: Connection) -> None:
    """Migration 0008: a PostgreSQL archive's index made again on ``newsmon_pairs`` in the
    "C" collation, the index on ``newsmon_grams`` and its function dropped (nothing on
    SQLite)."""
    if conn.dialect.name == "postgresql" and conn.scalar(text("SELECT to_regclass('articles')")):
        _install_pg(conn, with_cities=False)  # those are 0009's
        # here, not on every open: an object of the user's depending on it fails the upgrade
        # (with PostgreSQL's message), not every command
        conn.exec_driver_sql(_PG_OLD_FUNCTION)


def upgrade_pg_cities(conn: Connection) -> None:
    """Migration 0009 (PostgreSQL; nothing on SQLite): the articles' cities on their rows, in
    their own GIN index (storage/search/cities.py), and the bodies compressed with lz4
    (storage/compression.py). The table is rewritten once, with the bigram index dropped
    first when there are sections (built again after: filling the column would otherwise
    write those articles' pairs again, and the rewrite build them once more)."""
    if conn.dialect.name != "postgresql" or not conn.scalar(text("SELECT to_regclass('articles')")):
        return
    if conn.scalar(text("SELECT EXISTS (SELECT 1 FROM sections)")):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_GRAMS_INDEX}")
    _build_memory(conn)  # for the rewrite's index builds (the transaction keeps it)
    cities.install_cities(conn)
    recompress_bodies(conn)
    _install_pg(conn)


def drop_pg_cities(conn: Connection) -> None:
    """The downgrade of migration 0009: the cities' column, index and trigger dropped (the
    bodies stay compressed: PostgreSQL reads them whatever the column says)."""
    if conn.dialect.name == "postgresql":
        cities.drop_cities(conn)
        undo_compression(conn)


def drop_pg_pairs(conn: Connection) -> None:
    """The downgrade of migration 0008: the PostgreSQL index and its function dropped (the
    earlier version makes its own, on ``newsmon_grams``, when it opens the archive)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_GRAMS_INDEX}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {PG_FUNCTION_NAME}(text, text)")


def drop_grams(conn: Connection) -> None:
    """The downgrades of migrations 0005 and 0007: the SQLite index dropped (the earlier version makes its own
    when it opens the archive)."""
    if conn.dialect.name == "sqlite":
        for ddl in _GRAMS_DROP:
            conn.exec_driver_sql(ddl)


def _install_pg(conn: Connection, with_cities: bool = True) -> None:
    present = set(
        conn.scalars(
            text("SELECT indexname FROM pg_indexes WHERE tablename IN ('articles', 'sections')")
        ).all()
    )
    wanted = {PG_GRAMS_INDEX, "ix_sections_city_article", "ix_articles_time"}
    function = conn.execute(
        text("SELECT prosrc, procost FROM pg_proc WHERE proname = :name"),
        {"name": PG_FUNCTION_NAME},
    ).first()
    current = function is not None and tuple(function) == (PG_FUNCTION_BODY, PG_FUNCTION_COST)
    done = not with_cities or cities.installed(conn)
    if wanted <= present and not present & set(_PG_OLD) and current and done:
        return
    # Two processes opening a new archive at once would race on CREATE FUNCTION.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsmon.install_search'))"))
    _build_memory(conn)
    if function is not None and function[0] != PG_FUNCTION_BODY:
        # An index made by another body of the function holds other pairs: made again.
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_GRAMS_INDEX}")
    conn.exec_driver_sql(_SECTIONS_INDEX)
    conn.exec_driver_sql(_PG_TIME_INDEX)
    # before the bigram index, if that is to be made: filling the column then rewrites no pairs
    if with_cities:
        cities.install_cities(conn)
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
            # the old index dropped and the new one made, or neither
            began = begin_build(conn)
            for ddl in _GRAMS_DROP:
                conn.exec_driver_sql(ddl)
            _install_grams(conn, began)
            install_counts(conn, again=True)
        _fts_engines.discard(engine)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg(conn)
            _build_memory(conn)
            conn.exec_driver_sql(f"REINDEX INDEX {PG_GRAMS_INDEX}")
            conn.exec_driver_sql(cities.FILL)
            install_counts(conn, again=True)


def has_grams(session: Session) -> bool:
    """Whether the session's archive has the FTS5 bigram table with the articles' cities and
    positions (SQLite only; an archive not yet upgraded to migration 0007 is searched by
    scanning)."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    if engine.dialect.name != "sqlite":
        return False
    with _fts_lock:
        if engine in _fts_engines:
            return True
    found = _current_grams(session.connection())[1]
    if found:
        with _fts_lock:
            _fts_engines.add(engine)
    return bool(found)
