"""``articles.content_hash``: the record's 64-bit key instead of its SHA-256 as 64 hex digits.

The hash is only compared for equality (an unchanged re-crawl writes nothing; a fingerprint
made from another key is stale), and 64 bits do that as well (``Article.content_hash`` says
why). The column becomes a BIGINT holding ``storage.migrate.hash_key`` of the stored value
(its first 16 hex digits, signed), which is what newsmon now computes for a record
(``storage.repository.content_hash``) and what migration 0013 made the fingerprints keep: a
fresh fingerprint stays fresh, a stale one stale, and an unchanged page re-crawled after the
upgrade is still unchanged.

PostgreSQL: ``ALTER COLUMN ... TYPE bigint USING`` the key's SQL, which rewrites ``articles``
and builds every index of it again, the search index's GIN index included: it holds an
exclusive lock on the table for as long as that takes (docs/benchmarks.md, fourteenth pass of
issue 17, for the time at 100,000 articles; README says what to expect). The column stays
where the text was. SQLite: the declared type is edited (``storage.migrate.edit_sqlite_schema``,
as 0012 did, instead of copying the table), so the column's affinity becomes INTEGER, then each
row's value is replaced by its key; every value is checked to be stored as an integer, else
the migration is refused and nothing changes. The rows shrink where they are: the file keeps
its size until ``newsmon db compact``.

Downgrade: the full hash cannot come back from 64 bits, and computing it again from the stored
record is not safe (the record hashed is the extraction's, which the archive does not keep
whole). The key is written back as 16 hex digits: the older newsmon reads it as a hash that
matches no record, so each article is seen changed, and rewritten, once on its next re-crawl;
its fingerprint's key (0013's rule over those 16 digits) is the same key, so nothing is
fingerprinted again until then.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrate import MigrationRefused, edit_sqlite_schema, hash_key_sql_text
from storage.search.build import report

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None
#: PostgreSQL rewrites this table (the column's new type): ``newsmon db upgrade``
#: vacuums it after (storage.migrate.vacuum_rewritten).
rewrites_on_postgresql = ("articles",)

#: How the column is declared on SQLite: by the first schema, and by this one's BIGINT.
_TEXT = "content_hash VARCHAR(64) NOT NULL,"
_KEY = "content_hash BIGINT NOT NULL,"


def _count(conn: sa.Connection) -> int:
    count = conn.exec_driver_sql("SELECT count(*) FROM articles").scalar_one()
    return int(count)


def _say(line: str, count: int) -> None:
    """Report the work on an archive that has articles; a new archive, made by the migrations
    one after the other, has nothing to convert and nothing is said (``newsmon serve``'s first
    line on a new archive stays the address it listens on)."""
    if count:
        report(line)


def upgrade() -> None:
    conn = op.get_bind()
    count = _count(conn)
    if conn.dialect.name == "sqlite":
        _say(f"migration 0014: the content hash of {count:,} articles as a 64-bit key", count)
        edit_sqlite_schema(
            conn,
            _TEXT,
            _KEY,
            f"UPDATE articles SET content_hash = {hash_key_sql_text('content_hash', conn)}",
        )
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM articles WHERE typeof(content_hash) <> 'integer'"
        ).scalar_one()
        if left:
            raise MigrationRefused(
                f"{left:,} of the articles' content hashes were not stored as integers; the"
                " archive was not changed"
            )
        return
    _say(
        f"migration 0014: rewriting articles ({count:,} rows) with the content hash as a 64-bit"
        " key, and building its indexes again (an exclusive lock until it is done)",
        count,
    )
    conn.exec_driver_sql(
        f"ALTER TABLE articles ALTER COLUMN content_hash TYPE bigint USING {hash_key_sql_text('content_hash', conn)}"
    )


def downgrade() -> None:
    conn = op.get_bind()
    count = _count(conn)
    _say(f"migration 0014 down: the content hash of {count:,} articles as 16 hex digits", count)
    if conn.dialect.name == "sqlite":
        # after the edit: 16 decimal digits written to an INTEGER column would become a number
        edit_sqlite_schema(
            conn, _KEY, _TEXT, "UPDATE articles SET content_hash = printf('%016x', content_hash)"
        )
        return
    conn.exec_driver_sql(
        "ALTER TABLE articles ALTER COLUMN content_hash TYPE varchar(64) "
        "USING lpad(to_hex(content_hash), 16, '0')"
    )
