"""``article_fingerprints.content_hash``: 64 bits of the article's hash instead of all 64 hex digits.

The fingerprint kept a second copy of its article's SHA-256 (64 hex characters) only to notice
a text that changed since it was fingerprinted; 64 bits do that as well. The column becomes a
BIGINT holding ``storage.migrate.hash_key`` of the stored value (its first 16 hex
digits, signed): on PostgreSQL the row falls from 132 bytes with its line pointer to 76; at
100,000 generated articles the table takes 58 bytes an article less on PostgreSQL, 66 on
SQLite. Every value is converted in place, so a fingerprint that was stale (its article's
text changed since) stays stale, and nothing is fingerprinted again.

PostgreSQL: ``ALTER COLUMN ... TYPE bigint USING`` the key's SQL (a rewrite of this table
only; its indexes are made again). SQLite cannot change a column's type, and the declared type
decides what a value is stored as (a number in a VARCHAR column is stored as text), so the
table is copied into one of the new form, the copy's rows counted against the table's, and renamed, with its
indexes made again; an ``article_fingerprints`` whose columns are not the ones newsmon made is
refused with an error, unchanged. 11 s for 100,000 articles on either backend, process start
included, on a busy 2-core machine (docs/benchmarks.md, thirteenth pass of issue 17).

Downgrade: the full hash comes back from ``articles.content_hash`` where its key is the one
kept; a fingerprint whose article changed since keeps its key as 16 hex digits, which equals
no article's hash, so the older newsmon still sees it stale.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection

from storage.migrate import MigrationRefused, hash_key_sql_text

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
#: PostgreSQL rewrites this table (the column's new type): ``newsmon db upgrade``
#: vacuums it after (storage.migrate.vacuum_rewritten).
rewrites_on_postgresql = ("article_fingerprints",)

_COLUMNS = (
    "article_id",
    "content_hash",
    "simhash",
    "is_simhash",
    "band0",
    "band1",
    "band2",
    "band3",
    "reprint_group",
)
_INDEXED = ("band0", "band1", "band2", "band3", "reprint_group")
_COPY = "_article_fingerprints_0013"


def _copy_sqlite(conn: Connection, hash_type: sa.types.TypeEngine[Any], value: str) -> None:
    """Copy ``article_fingerprints`` into a table whose ``content_hash`` is ``hash_type``, each
    row's value being the SQL ``value`` (over the old table ``f`` and its article ``a``)."""
    found = tuple(row[1] for row in conn.exec_driver_sql("PRAGMA table_info(article_fingerprints)"))
    if sorted(found) != sorted(_COLUMNS):
        raise MigrationRefused(
            f"the archive's article_fingerprints has the columns {', '.join(found)}, not the ones"
            f" newsmon made ({', '.join(_COLUMNS)}); it was not changed"
        )
    meta = sa.MetaData()
    sa.Table("articles", meta, sa.Column("id", sa.Integer(), primary_key=True))
    copy = sa.Table(
        _COPY,
        meta,
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("content_hash", hash_type, nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("is_simhash", sa.Boolean(), nullable=False),
        *(sa.Column(f"band{i}", sa.Integer(), nullable=False) for i in range(4)),
        sa.Column("reprint_group", sa.Integer(), nullable=False),
    )
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_COPY}")
    copy.create(conn)
    others = [c for c in _COLUMNS if c != "content_hash"]
    conn.exec_driver_sql(
        f"INSERT INTO {_COPY} (content_hash, {', '.join(others)}) "
        f"SELECT {value}, {', '.join(f'f.{c}' for c in others)} "
        "FROM article_fingerprints f LEFT JOIN articles a ON a.id = f.article_id"
    )
    before, after = (
        conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
        for table in ("article_fingerprints", _COPY)
    )
    if before != after:
        raise MigrationRefused(
            f"copying article_fingerprints gave {after} rows of {before}; it was not changed"
        )
    conn.exec_driver_sql("DROP TABLE article_fingerprints")
    conn.exec_driver_sql(f"ALTER TABLE {_COPY} RENAME TO article_fingerprints")
    for column in _INDEXED:
        conn.exec_driver_sql(
            f"CREATE INDEX ix_article_fingerprints_{column} ON article_fingerprints ({column})"
        )


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _copy_sqlite(conn, sa.BigInteger(), hash_key_sql_text("f.content_hash", conn))
    else:
        conn.exec_driver_sql(
            "ALTER TABLE article_fingerprints ALTER COLUMN content_hash TYPE bigint "
            f"USING {hash_key_sql_text('content_hash', conn)}"
        )


def downgrade() -> None:
    conn = op.get_bind()
    # where the key kept is the article's hash's, the hash; else the key as 16 hex digits
    if conn.dialect.name == "sqlite":
        value = (
            f"CASE WHEN {hash_key_sql_text('a.content_hash', conn)} = f.content_hash "
            "THEN a.content_hash ELSE printf('%016x', f.content_hash) END"
        )
        _copy_sqlite(conn, sa.String(64), value)
        return
    conn.exec_driver_sql(
        "ALTER TABLE article_fingerprints ALTER COLUMN content_hash TYPE varchar(64) "
        "USING lpad(to_hex(content_hash), 16, '0')"
    )
    same = (
        f"{hash_key_sql_text('a.content_hash', conn)} = {hash_key_sql_text('f.content_hash', conn)}"
    )
    conn.exec_driver_sql(
        "UPDATE article_fingerprints f SET content_hash = a.content_hash FROM articles a "
        f"WHERE a.id = f.article_id AND {same}"
    )
