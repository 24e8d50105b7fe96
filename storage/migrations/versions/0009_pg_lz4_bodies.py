"""PostgreSQL: articles' bodies compressed with lz4.

pglz, PostgreSQL's default, gives up on Chinese UTF-8, so bodies were stored uncompressed;
lz4 keeps any saving (storage/compression.py). The column is set to lz4 and the table
rewritten so that the bodies already stored are compressed too (every index of ``articles``
is built again: minutes per 100,000 articles). Nothing on SQLite, nor on a server without
lz4.

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


def upgrade() -> None:
    from storage.compression import recompress_bodies

    recompress_bodies(op.get_bind())


def downgrade() -> None:
    # Stored bodies stay lz4: PostgreSQL reads them whatever the column says.
    from storage.compression import undo_compression

    undo_compression(op.get_bind())
