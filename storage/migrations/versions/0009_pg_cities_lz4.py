"""PostgreSQL: the articles' cities in a GIN index of their own; bodies compressed with lz4.

``articles.cities`` (the cities of the article's sections, kept by a trigger on sections) and
its GIN index let a search with a city filter intersect the bigram index's candidates with
the city's articles in the indexes (storage/search/cities.py). pglz, PostgreSQL's default,
gives up on Chinese UTF-8, so bodies were stored uncompressed; lz4 keeps any saving
(storage/compression.py): the column is set to lz4 and the table rewritten so that the
bodies already stored are compressed too, and its indexes built again (minutes per 100,000
articles). Nothing on SQLite; on a server without lz4 the bodies stay as they are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
#: PostgreSQL rewrites this table (the bodies recompressed with lz4, where the server has it):
#: ``newsmon db upgrade`` vacuums it after (storage.migrate.vacuum_rewritten).
rewrites_on_postgresql = ("articles",)


def upgrade() -> None:
    from storage.search.index import upgrade_pg_cities

    upgrade_pg_cities(op.get_bind())


def downgrade() -> None:
    from storage.search.index import drop_pg_cities

    drop_pg_cities(op.get_bind())
