"""Search counts: articles per day and per city, kept by triggers for whole-archive group-bys.

Creates ``search_counts`` and ``search_count_deltas``, installs the triggers that
keep them (storage/search/counts.py) and counts what the archive already holds.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_counts",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "search_count_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    from storage.search.counts import install_counts

    install_counts(op.get_bind())


def downgrade() -> None:
    from storage.search.counts import drop_counts

    drop_counts(op.get_bind())
    op.drop_table("search_count_deltas")
    op.drop_table("search_counts")
