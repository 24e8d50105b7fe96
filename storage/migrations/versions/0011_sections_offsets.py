"""Sections' texts stored as their place in the article's body.

A section's text is a run of its article's body (extraction cuts it from the body's
paragraphs): its row holds ``text_start`` and ``text_end`` (characters of the body) instead of
a copy, and ``text`` only for a text that is no run of the body, which stays as it was
(storage/sections.py). Both backends: SQLite copies the table into one of the new form (the file
keeps its size until ``newsmon db compact``), PostgreSQL updates the rows and rewrites the
table. Minutes per million articles; ``newsmon db upgrade`` says how far it is.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
#: PostgreSQL rewrites this table (the rows without the texts taken out): ``newsmon db upgrade``
#: vacuums it after (storage.migrate.vacuum_rewritten).
rewrites_on_postgresql = ("sections",)


def upgrade() -> None:
    from storage.sections import convert

    convert(op.get_bind())


def downgrade() -> None:
    from storage.sections import restore

    restore(op.get_bind())
