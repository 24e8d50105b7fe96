"""Search: the SQLite bigram index holds the articles' cities too.

Each article's row of ``articles_grams`` gets a token per city its sections are about
(``§无锡``), kept by triggers on ``sections``, so that a search with a city filter is
one FTS5 query (storage/search/index.py). An SQLite archive's index is made again
(a few minutes per 100,000 articles); PostgreSQL's is unchanged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from storage.search.index import upgrade_grams

    upgrade_grams(op.get_bind())


def downgrade() -> None:
    # Revision 0004's newsmon makes its own index (pairs only) when it next opens the archive.
    from storage.search.index import drop_grams

    drop_grams(op.get_bind())
