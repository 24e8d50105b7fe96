"""Search at scale: reprint fingerprints made when articles are stored.

Articles used to be fingerprinted lazily, before the first query that needed them.
Now ``storage.repository.save_articles`` fingerprints them in its batches and no
reader does; this revision fingerprints what an older archive still lacks, once.
(The bigram search index is not a table of the models: storage/search/index.py
builds it, and drops the older trigram index, when the archive is next opened.)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.orm import Session

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from storage.search.reprints import sync_reprints

    session = Session(bind=op.get_bind())
    sync_reprints(session, whole_hash=True)  # the fingerprints keep the whole hash until 0013
    session.flush()


def downgrade() -> None:
    # Fingerprints stay valid for revision 0002, which computed the same ones lazily.
    pass
