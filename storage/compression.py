"""PostgreSQL: the articles' bodies compressed with lz4 (migration 0009).

PostgreSQL compresses a value only when its row is over ~2 KB (``TOAST_TUPLE_THRESHOLD``),
and its default method, pglz, gives up on a value that does not shrink by a quarter in its
first kilobyte: Chinese UTF-8 (three bytes a character, few repeats of four bytes) never does,
so bodies were stored as they came. lz4 keeps any saving (10% of a generated body of ~2 KB;
more on longer real ones, which repeat names and phrases) and decompresses at memory speed.
It needs PostgreSQL 14 or later built with lz4 (Debian's and the official images are); where
the server lacks it, bodies stay as they are.

``ALTER TABLE ... SET COMPRESSION`` applies to values stored from then on. Migration 0009
also rewrites the table, so the bodies already stored are compressed too
(:func:`recompress_bodies`): minutes per 100,000 articles, as every index of ``articles``
(the bigram index among them) is built again. ``toast_tuple_target`` is not lowered: it
applies only to rows that cross the fixed threshold anyway (a body under ~1.6 KB is never
compressed, whatever it says). Nor is it raised to keep compressed bodies in their rows
(42% of a generated archive's go out to TOAST in two ~2 KB chunks): PostgreSQL compresses a
value only while its row is over the target, so a higher one leaves bodies uncompressed (at
100,000 generated articles, 343 of 100,000 compressed instead of 62,726, and 4,140 bytes an
article instead of 3,886; docs/benchmarks.md, issue 17, session 12). Storage ``main`` for the
body keeps it in the row compressed but moves other columns out first (+66 bytes an article).
``newsmon db stats`` shows how the bodies are stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from storage import bodies

#: The columns compressed with lz4: the article's text (raw HTML is zstd already).
COLUMNS = (("articles", "body"),)
METHOD = "lz4"


def lz4_available(conn: Connection) -> bool:
    """Whether the server can compress with lz4 (PostgreSQL 14+, built with it)."""
    return bool(
        conn.scalar(
            text(
                "SELECT :method = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            ),
            {"method": METHOD},
        )
    )


def _pending(conn: Connection) -> list[tuple[str, str]]:
    """The columns of :data:`COLUMNS` not yet set to lz4 (``attcompression`` 'l')."""
    pending = []
    for table, column in COLUMNS:
        method = conn.scalar(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = to_regclass(:table) AND attname = :column"
            ),
            {"table": table, "column": column},
        )
        if method is not None and method != "l":
            pending.append((table, column))
    return pending


def install_compression(conn: Connection) -> bool:
    """PostgreSQL: set lz4 on :data:`COLUMNS` where it is not set (catalogue only: values
    stored from now on); return whether any was changed. Nothing elsewhere, or without lz4."""
    if conn.dialect.name != "postgresql" or not lz4_available(conn):
        return False
    pending = _pending(conn)
    for table, column in pending:
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {METHOD}")
    return bool(pending)


def recompress_bodies(conn: Connection) -> None:
    """Migration 0009: lz4 set, and the stored bodies compressed with it. The table is
    rewritten (``ALTER COLUMN ... TYPE text USING body || ''``: a new value, compressed as
    it is stored; VACUUM FULL would copy the old uncompressed ones) and its indexes built
    again (the caller, migration 0009's ``upgrade_pg_cities``, raises ``maintenance_work_mem``
    for the transaction first, as for the bigram index's build). Nothing on SQLite, or without
    lz4."""
    if conn.dialect.name != "postgresql" or not conn.scalar(text("SELECT to_regclass('articles')")):
        return
    if not lz4_available(conn):
        return
    for table, column in COLUMNS:
        # One command: a change of type alone resets the column's compression to the default.
        conn.exec_driver_sql(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE text USING {column} || '', "
            f"ALTER COLUMN {column} SET COMPRESSION {METHOD}"
        )


def undo_compression(conn: Connection) -> None:
    """The downgrade of migration 0009: new values compressed by the server's default again
    (stored ones stay as they are: every version reads both)."""
    if conn.dialect.name != "postgresql" or not conn.scalar(text("SELECT to_regclass('articles')")):
        return
    for table, column in COLUMNS:
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION default")


@dataclass(frozen=True, slots=True)
class TextStorage:
    """How the bodies are stored (PostgreSQL: lz4 TOAST; SQLite: zstd frames, storage/bodies.py): their bytes as stored and as text, and how many are
    compressed (and with what)."""

    stored: int
    raw: int
    compressed: int
    methods: tuple[str, ...]


def text_storage(conn: Connection) -> TextStorage:
    """The bodies' storage (one pass over the rows: headers only, nothing decompressed)."""
    if conn.dialect.name == "postgresql":
        stored, raw, compressed, methods = conn.execute(
            text(
                "SELECT coalesce(sum(pg_column_size(body)), 0), "
                "coalesce(sum(octet_length(body)), 0), count(pg_column_compression(body)), "
                "array_remove(array_agg(DISTINCT pg_column_compression(body)), NULL) "
                "FROM articles"
            )
        ).one()
        return TextStorage(int(stored), int(raw), int(compressed), tuple(methods or ()))
    # SQLite: zstd frames (storage/bodies.py, migration 0010) and text; a frame's text size is
    # read from its header
    stored, raw, compressed = conn.execute(
        text(
            "SELECT coalesce(sum(length(CAST(body AS BLOB))), 0), "
            f"coalesce(sum({bodies.SIZE_FUNCTION}(body)), 0), "
            "coalesce(sum(typeof(body) = 'blob'), 0) FROM articles"
        )
    ).one()
    methods = (bodies.METHOD,) if compressed else ()
    return TextStorage(int(stored), int(raw), int(compressed), methods)
