"""``articles.fetched_url`` NULL when the page was fetched at its own URL.

Most pages are fetched at their canonical URL, so the column repeated ``url`` (34 bytes a row
in the generated archive of a million articles). It may now be NULL, which means "the same as
``url``" (``Article.fetched_from`` reads it either way). Only the constraint changes: rows
already stored keep their copy (``newsmon db compact`` empties the copies, then rewrites);
rows stored from now on hold NULL where the two are the same.

PostgreSQL: ``ALTER COLUMN ... DROP NOT NULL``, a change of the catalog only. SQLite cannot
drop a constraint with ALTER TABLE before 3.53; removing a NOT NULL constraint changes nothing
stored, and SQLite documents, for such changes, editing the table's SQL in its schema table
(lang_altertable.html, "Making Other Kinds Of Table Schema Changes") instead of copying the
table: the text of the ``articles`` statement is edited in ``sqlite_master`` under
``PRAGMA writable_schema``, the schema version raised (so every connection reads the schema
again) and the table checked (``PRAGMA quick_check(articles)``), in the migration's
transaction. Instant at any size, where a copy of ``articles`` would rewrite the archive and
build its indexes again. A statement that does not declare the column as newsmon's schema did
is refused with an error, and nothing changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrate import edit_sqlite_schema

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: How the first schema (SQLAlchemy's CREATE TABLE) declares the column on SQLite.
_NOT_NULL = "fetched_url VARCHAR(2048) NOT NULL,"
_NULL = "fetched_url VARCHAR(2048),"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        edit_sqlite_schema(conn, _NOT_NULL, _NULL)
    else:
        conn.exec_driver_sql("ALTER TABLE articles ALTER COLUMN fetched_url DROP NOT NULL")


def downgrade() -> None:
    # Revision 0011's newsmon reads the column as it is: the copies come back first.
    conn = op.get_bind()
    articles = sa.table("articles", sa.column("url"), sa.column("fetched_url"))
    conn.execute(
        articles.update().where(articles.c.fetched_url.is_(None)).values(fetched_url=articles.c.url)
    )
    if conn.dialect.name == "sqlite":
        edit_sqlite_schema(conn, _NULL, _NOT_NULL)
    else:
        conn.exec_driver_sql("ALTER TABLE articles ALTER COLUMN fetched_url SET NOT NULL")
