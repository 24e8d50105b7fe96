"""SQLite: article bodies stored as zstd frames (migration 0010); PostgreSQL: text, as before.

An article row of the query benchmark is ~2.3 KB, most of it the body (~1.9 KB of UTF-8 Chinese,
three bytes a character): one row a 4 KB page, the rest of the page empty. zstd at its default
level keeps 0.66 of a generated body's bytes and 0.52 of real pages' extracted bodies (entropy
coding takes Chinese UTF-8 from 24 bits a character towards its ~10-11 bits of information), so
two rows share a page (docs/benchmarks.md, issue 17). One frame a body (no dictionary: a page
dictionary would have to outlive every body compressed with it), its size in the frame's header,
and zstd's checksum of the content (4 bytes: a damaged frame is an error, never other text).

:class:`BodyText` is ``Article.body``'s type: on SQLite it writes a body as a zstd frame (a BLOB:
SQLite keeps a column's values in whatever class they come, so no schema change) when that is
smaller than its UTF-8, and as text otherwise (a short body); it reads both, so the text rows of
archives before migration 0010 read as they are. Elsewhere it passes text through: PostgreSQL
compresses the column itself (lz4, storage/compression.py), and its search confirms terms against
the text in SQL.

SQL that needs a body's text on SQLite asks functions that :func:`register_functions` adds to
every connection newsmon opens (storage/db.py), as the index's own are (whose triggers get the
frames: storage/search/index.py): :data:`SQL_FUNCTION`\\ ``(body)`` for the text (the coverage
count; :func:`text_of` writes it for a dialect), and for the search's confirmation and
relevance :data:`CONTAINS_FUNCTION` and :data:`HITS_FUNCTION`, which decompress a frame once
and search its UTF-8 without making text of it. A frame that does not
decompress, or not to UTF-8, raises :class:`CorruptBody`, naming what failed (in SQL the
statement fails and the message is logged: SQLite passes no message through).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Text, TypeDecorator, func, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

log = logging.getLogger(__name__)

#: zstd's default level: 19 kept 0.62 of a generated body instead of 0.66 for ~15x the time.
LEVEL = 3
#: The first bytes of a zstd frame.
MAGIC = b"\x28\xb5\x2f\xfd"
#: SQLite: a body's text from its stored value (a zstd frame or text).
SQL_FUNCTION = "newsmon_text"
#: SQLite: a body's size in bytes of UTF-8, from a frame's header (nothing decompressed).
SIZE_FUNCTION = "newsmon_text_size"
#: SQLite: a body's hits of a term damped by its length (:func:`_damped_hits`).
HITS_FUNCTION = "newsmon_body_hits"
#: SQLite: whether a body holds a term (:func:`_contains`).
CONTAINS_FUNCTION = "newsmon_body_has"
METHOD = "zstd"
_T = TypeVar("_T")

_local = threading.local()  # zstandard's (de)compressors are not thread-safe: one per thread


class CorruptBody(ValueError):
    """A stored body that is no readable zstd frame of UTF-8 text."""


def _zstd() -> Any:
    import zstandard  # imported once needed: storage is imported by processes that never read

    return zstandard


def compress_body(body: str) -> bytes | str:
    """``body`` as SQLite stores it: a zstd frame, or the text itself when that is no larger."""
    raw = body.encode("utf-8")
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = _zstd().ZstdCompressor(level=LEVEL, write_checksum=True)
    frame: bytes = compressor.compress(raw)
    return frame if len(frame) < len(raw) else body


def _utf8(value: str | bytes) -> bytes:
    """A stored body's UTF-8: a zstd frame decompressed, text encoded."""
    if isinstance(value, str):
        return value.encode("utf-8")
    value = bytes(value)
    if value[:4] != MAGIC:
        raise CorruptBody(f"a stored article body of {len(value)} bytes is not a zstd frame")
    decompressor = getattr(_local, "decompressor", None)
    if decompressor is None:
        decompressor = _local.decompressor = _zstd().ZstdDecompressor()
    try:
        return bytes(decompressor.decompress(value))
    except _zstd().ZstdError as exc:
        raise CorruptBody(
            f"a stored article body ({len(value)} bytes, zstd) cannot be read: {exc}"
        ) from None


def body_text(value: str | bytes | None) -> str | None:
    """A stored body's text: a zstd frame decompressed, text (rows stored uncompressed) as it is."""
    if value is None or isinstance(value, str):
        return value
    try:
        return _utf8(value).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptBody(
            f"a stored article body (zstd) cannot be read: not UTF-8: {exc}"
        ) from None


def _logged(read: Callable[..., _T]) -> Callable[..., _T]:
    """``read`` for SQL: a damaged body logged (SQLite reports only "user-defined function
    raised exception"), then raised."""

    def logged(*args: Any) -> _T:
        try:
            return read(*args)
        except CorruptBody as exc:
            log.error("%s", exc)
            raise

    return logged


@_logged
def _sql_size(value: str | bytes | None) -> int | None:
    """Bytes of UTF-8 of a stored body (SQL NULL for NULL), a frame's read from its header."""
    if value is None:
        return None
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    try:
        size = _zstd().frame_content_size(bytes(value)) if value[:4] == MAGIC else -1
    except _zstd().ZstdError:
        size = -1
    # not a frame, or one without its size: decompressed (or the error raised)
    return int(size) if size >= 0 else len(_utf8(value))


@_logged
def _contains(value: str | bytes | None, term: str | None, fold: int) -> int:
    """Whether a stored body holds ``term`` (``fold``: ASCII case folded, as SQL's ``LIKE``
    folds): searched in its UTF-8, without making text of it (storage.search.conditions)."""
    if value is None or term is None:
        return 0
    body, needle = _utf8(value), term.encode("utf-8")
    if fold:  # bytes.lower() folds ASCII letters only, as LIKE does
        body, needle = body.lower(), needle.lower()
    return int(needle in body)


@_logged
def _damped_hits(value: str | bytes | None, term: str | None) -> float:
    """A body's part of a search's relevance (storage.search.conditions.score): how many
    times ``term`` occurs (ASCII case folded, as SQL's ``lower`` folds), damped by the body's
    length in characters, from one decompression (the same in SQL would take three). Counted
    in UTF-8, which finds the same non-overlapping occurrences as in the text."""
    if value is None:
        return 0.0
    body = _utf8(value)
    needle = (term or "").encode("utf-8").lower()
    hits = body.lower().count(needle) if needle else 0
    return hits * 1000.0 / (len(body.decode("utf-8", "replace")) + 1000.0)


def register_functions(dbapi_connection: Any) -> None:
    """Add :data:`SQL_FUNCTION`, :data:`SIZE_FUNCTION`, :data:`HITS_FUNCTION` and
    :data:`CONTAINS_FUNCTION` to an SQLite connection."""
    dbapi_connection.create_function(SQL_FUNCTION, 1, _logged(body_text), deterministic=True)
    dbapi_connection.create_function(SIZE_FUNCTION, 1, _sql_size, deterministic=True)
    dbapi_connection.create_function(HITS_FUNCTION, 2, _damped_hits, deterministic=True)
    dbapi_connection.create_function(CONTAINS_FUNCTION, 3, _contains, deterministic=True)


def text_of(dialect: str, column: Any) -> ColumnElement[str]:
    """SQL for the text of a body column: through :data:`SQL_FUNCTION` on SQLite."""
    if dialect == "sqlite":
        return getattr(func, SQL_FUNCTION)(column, type_=Text)  # type: ignore[no-any-return]
    return column  # type: ignore[no-any-return]


class BodyText(TypeDecorator[str]):
    """``Article.body``: a zstd frame on SQLite (see module docstring), text elsewhere."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return compress_body(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return body_text(value)

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine[Any]:
        # A value compared with the column (LIKE's pattern, ==) is bound as plain text, never
        # compressed; on SQLite compare text_of(...) (a frame equals no text).
        return Text()


#: Rows converted per statement by :func:`convert_stored`.
_BATCH = 2000


def convert_stored(conn: Connection, compressed: bool) -> int:
    """Migration 0010 (``compressed``) and its downgrade: the SQLite archive's bodies stored as
    zstd frames, or as text again; return how many rows changed. Nothing elsewhere.

    Runs in the migration's transaction: all rows or none, and a reader sees either (each row
    is read by what it holds). The text does not change, only how it is stored, so the
    triggers that an UPDATE of ``articles`` fires (the search index's, which would take every
    article's pairs out and put them back) are dropped for the rewrite and made again after,
    from their own SQL. The file does not shrink (SQLite keeps freed pages for later rows):
    ``newsmon db compact`` gives the space back."""
    if conn.dialect.name != "sqlite" or not conn.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'")
    ):
        return 0
    triggers = [
        (name, sql)
        for name, sql in conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
            )
        )
        if "UPDATE" in re.split(r"\bBEGIN\b", sql, maxsplit=1, flags=re.I)[0].upper()
    ]
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    stored_as = "text" if compressed else "blob"
    changed, last = 0, 0
    while True:
        rows = conn.execute(
            text(
                "SELECT id, body FROM articles WHERE id > :last AND typeof(body) = :kind "
                "ORDER BY id LIMIT :n"
            ),
            {"last": last, "kind": stored_as, "n": _BATCH},
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        values = [
            {"id": i, "body": compress_body(body) if compressed else body_text(body)}
            for i, body in rows
        ]
        values = [v for v in values if isinstance(v["body"], bytes) == compressed]
        if values:
            conn.execute(text("UPDATE articles SET body = :body WHERE id = :id"), values)
            changed += len(values)
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)
    return changed
