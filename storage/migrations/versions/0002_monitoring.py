"""Monitoring, scheduling and search: matches, listing validators, ignored links, leases, alerts, fingerprints.

Keyword flags of articles stored under revision 0001 (``articles.keywords``)
become ``matches`` rows, dated when the article was first seen, so an
upgraded archive keeps them and its alerts start from the upgrade on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "http_validators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("updated_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_table(
        "ignored_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("reason", sa.String(length=50), nullable=False),
        sa.Column("seen_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_table(
        "ops_state",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "site_leases",
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("raised_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_alerts_article_id"), "alerts", ["article_id"], unique=False)
    op.create_index(op.f("ix_alerts_raised_at"), "alerts", ["raised_at"], unique=False)
    op.create_table(
        "article_fingerprints",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("is_simhash", sa.Boolean(), nullable=False),
        sa.Column("band0", sa.Integer(), nullable=False),
        sa.Column("band1", sa.Integer(), nullable=False),
        sa.Column("band2", sa.Integer(), nullable=False),
        sa.Column("band3", sa.Integer(), nullable=False),
        sa.Column("reprint_group", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_index(
        op.f("ix_article_fingerprints_band0"), "article_fingerprints", ["band0"], unique=False
    )
    op.create_index(
        op.f("ix_article_fingerprints_band1"), "article_fingerprints", ["band1"], unique=False
    )
    op.create_index(
        op.f("ix_article_fingerprints_band2"), "article_fingerprints", ["band2"], unique=False
    )
    op.create_index(
        op.f("ix_article_fingerprints_band3"), "article_fingerprints", ["band3"], unique=False
    )
    op.create_index(
        op.f("ix_article_fingerprints_reprint_group"),
        "article_fingerprints",
        ["reprint_group"],
        unique=False,
    )
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("matched_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "keyword"),
    )
    op.create_index(op.f("ix_matches_article_id"), "matches", ["article_id"], unique=False)
    op.create_index(op.f("ix_matches_keyword"), "matches", ["keyword"], unique=False)
    op.create_index(op.f("ix_matches_matched_at"), "matches", ["matched_at"], unique=False)
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("sink", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", storage.models.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "sink"),
    )
    op.create_index(
        "ix_alert_deliveries_pending",
        "alert_deliveries",
        ["sink", "delivered_at", "next_attempt_at"],
        unique=False,
    )

    # Existing keyword flags become matches rows.
    bind = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("keywords", sa.JSON),
        sa.column("first_seen_at", storage.models.UTCDateTime()),
    )
    matches = sa.table(
        "matches",
        sa.column("article_id", sa.Integer),
        sa.column("keyword", sa.String),
        sa.column("matched_at", storage.models.UTCDateTime()),
    )
    rows = []
    for article_id, keywords, first_seen in bind.execute(
        sa.select(articles.c.id, articles.c.keywords, articles.c.first_seen_at)
    ):
        if isinstance(keywords, str):  # some drivers hand JSON back as text
            keywords = json.loads(keywords)
        for keyword in dict.fromkeys(keywords or []):
            rows.append({"article_id": article_id, "keyword": keyword, "matched_at": first_seen})
    if rows:
        op.bulk_insert(matches, rows)


def downgrade() -> None:
    for table in (
        "alert_deliveries",
        "matches",
        "article_fingerprints",
        "alerts",
        "site_leases",
        "ops_state",
        "ignored_urls",
        "http_validators",
    ):
        op.drop_table(table)
