"""Reprint fingerprints of the second kind: every stored article fingerprinted again.

The SimHash now hashes a shingle by tabulation (an XOR of one random value per
character and place) and counts every occurrence of a shingle, instead of one blake2b
per distinct shingle: about four times faster when articles are stored
(storage/search/reprints.py). Its fingerprints differ from the first kind's, and
reprints are found by comparing fingerprints across articles, so the two kinds must
never meet in one archive: this revision recomputes them all, and groups the archive
again. (A newsmon older than this revision refuses the upgraded archive.)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.orm import Session

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from storage.search.reprints import rebuild_reprints

    session = Session(bind=op.get_bind())
    rebuild_reprints(session, whole_hash=True)  # the whole hash, until 0013
    session.flush()


def downgrade() -> None:
    # The first kind cannot be computed by this code: forget the fingerprints; an older
    # newsmon fingerprints the archive again with `newsmon reindex`.
    op.execute("DELETE FROM article_fingerprints")
