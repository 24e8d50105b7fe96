"""Search: PostgreSQL's bigram index in the "C" collation, without pairs across punctuation.

The GIN index is made again on ``newsmon_pairs(title, body) COLLATE "C"``: its keys are
compared by their bytes instead of by the database's collation (strcoll() for every key of
every article stored), and runs of letters are split at Chinese punctuation too (，。、“”
《》 …), as SQLite's pairs already are, so the index holds fewer keys. The index on
``newsmon_grams`` and that function are dropped. Answers are the same (storage/search/
grams.py). Minutes per 100,000 articles; SQLite archives are unchanged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from storage.search.index import upgrade_pg_pairs

    upgrade_pg_pairs(op.get_bind())


def downgrade() -> None:
    # Revision 0007's newsmon makes its own index (on newsmon_grams) when it next opens the
    # archive.
    from storage.search.index import drop_pg_pairs

    drop_pg_pairs(op.get_bind())
