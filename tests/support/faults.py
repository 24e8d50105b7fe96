"""Helpers of the fault tests: what the archive holds, byte for byte, and ports nobody listens on."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.orm import Session

from storage import CrawlRun, make_engine

#: The tables whose rows make up the archive (runs and leases change on every run by design).
ARCHIVE_TABLES = ("articles", "sections", "matches")


def archive_rows(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the archive's tables, ordered by primary key: compare before and after a fault."""
    engine = make_engine(db)
    try:
        names = set(inspect(engine).get_table_names())
        rows: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as conn:
            for name in ARCHIVE_TABLES:
                if name not in names:
                    rows[name] = []
                    continue
                table = Table(name, MetaData(), autoload_with=conn)
                order = list(table.primary_key.columns) or list(table.columns)
                # repr: JSON columns come back as lists, and rows are compared as sets
                rows[name] = [
                    tuple(repr(v) for v in r) for r in conn.execute(select(table).order_by(*order))
                ]
        return rows
    finally:
        engine.dispose()


def rows_kept(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Assert that every row of ``before`` is still in ``after``, unchanged."""
    for table, rows in before.items():
        kept = set(after.get(table, []))
        missing = [r for r in rows if r not in kept]
        assert not missing, (
            f"{table}: {len(missing)} rows lost or changed, e.g. {missing[0]!r:.300}"
        )


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_sqlite(source: Path, target: Path) -> str:
    """Copy a closed SQLite archive (with any -wal/-shm beside it); its URL."""
    for file in source.parent.glob(source.name + "*"):
        shutil.copy2(file, target.parent / file.name.replace(source.name, target.name, 1))
    return f"sqlite:///{target}"


def last_run(db: str) -> CrawlRun:
    """The newest ``crawl_runs`` row (read directly: quicker than ``newsmon runs``)."""
    engine = make_engine(db)
    try:
        with Session(engine, expire_on_commit=False) as session:
            run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
            session.expunge(run)
            return run
    finally:
        engine.dispose()
