"""Alembic environment: newsmon's models, the connection handed over by storage.migrate."""

from __future__ import annotations

from alembic import context

import storage  # noqa: F401 - registers every table on Base.metadata
from storage.migrate import include_object
from storage.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through storage.migrate (newsmon db upgrade)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: let Alembic copy tables instead
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use newsmon db upgrade")
run_migrations_online()
