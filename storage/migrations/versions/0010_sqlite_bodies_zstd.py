"""SQLite: article bodies stored as zstd frames.

An SQLite archive's bodies are rewritten as zstd frames (storage/bodies.py), a body that does
not shrink staying text; the search index is untouched (the text is the same). One
transaction: the archive's rows are all converted or none (every version of this newsmon
reads both kinds). Minutes per million articles, and the write-ahead log grows to about the
rows' size meanwhile; the file keeps its size until ``newsmon db compact``. Nothing on
PostgreSQL, which compresses the column itself (lz4, migration 0009).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from storage.bodies import convert_stored

    convert_stored(op.get_bind(), compressed=True)


def downgrade() -> None:
    # Revision 0009's newsmon reads bodies as text only.
    from storage.bodies import convert_stored

    convert_stored(op.get_bind(), compressed=False)
