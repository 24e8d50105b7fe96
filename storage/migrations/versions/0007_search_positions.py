"""Search: the SQLite bigram index holds positions.

``articles_grams`` holds each article's pairs in the order of the text with their
positions (FTS5 ``detail=full``), so a term of three or more characters is a phrase
of its pairs and is answered by the index alone, without reading articles to confirm
it (storage/search/grams.py). An SQLite archive's index is made again (minutes per
100,000 articles); PostgreSQL's is unchanged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from storage.search.index import upgrade_grams

    upgrade_grams(op.get_bind())


def downgrade() -> None:
    # Revision 0006's newsmon makes its own index (without positions) when it next opens
    # the archive.
    from storage.search.index import drop_grams

    drop_grams(op.get_bind())
