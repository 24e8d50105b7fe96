"""PostgreSQL: a table that a migration or ``newsmon db compact`` rewrote is vacuumed after, so that
its visibility map is full again (index-only scans that read no row) and its statistics made;
when another transaction's snapshot keeps ``VACUUM`` from marking the pages, the command says so."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from storage import create_schema, make_engine
from storage.migrate import head_revision
from tests.cli import newsmon
from tests.support.stored import OTHER, TEXT, numbered_article, save_numbered, two_numbered_at

#: The tables migrations 0013 and 0014 rewrite on PostgreSQL.
_REWRITTEN = ("article_fingerprints", "articles")


def _archive_at_0012(url: str) -> None:
    two_numbered_at(url, "0012").dispose()


def _all_visible(url: str, table: str) -> tuple[int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        pages, visible = conn.execute(
            sa.text("SELECT relpages, relallvisible FROM pg_class WHERE relname = :t"),
            {"t": table},
        ).one()
    engine.dispose()
    return pages, visible


def test_db_upgrade_vacuums_each_table_its_migrations_rewrote(pg_url: str, tmp_path: Path) -> None:
    _archive_at_0012(pg_url)

    result = newsmon("db", "upgrade", db=pg_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"upgraded from 0012 to {head_revision()}" in result.stdout
    for table in _REWRITTEN:
        assert f"VACUUM (ANALYZE) {table}" in result.stderr
        pages, visible = _all_visible(pg_url, table)
        assert pages > 0
        assert visible == pages, table
    # only what the migrations run rewrote (0011's sections ran before this archive's 0012)
    assert "VACUUM (ANALYZE) sections" not in result.stderr
    assert "no page could be marked" not in result.stderr


def test_db_upgrade_says_when_an_open_snapshot_kept_vacuum_from_marking_pages(
    pg_url: str, tmp_path: Path
) -> None:
    _archive_at_0012(pg_url)
    reader = make_engine(pg_url)
    with reader.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        # a reader's snapshot, taken before the upgrade and held through it (no table locked)
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()

        result = newsmon("db", "upgrade", db=pg_url, home=tmp_path)

        assert result.returncode == 0, result.stderr
        assert "articles: no page could be marked all-visible" in result.stderr
        # the session that holds the snapshot, named (no VACUUM tried again while it is open)
        assert f"(session {pid} (no application name, idle in transaction since " in result.stderr
        assert result.stderr.count("VACUUM (ANALYZE) articles") == 1
        assert "run VACUUM articles when nothing else uses the archive" in result.stderr
        assert _all_visible(pg_url, "articles")[1] == 0
    reader.dispose()


def test_db_compact_leaves_every_table_it_rewrote_all_visible(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    create_schema(engine)
    for n in range(1, 21):
        save_numbered(sessionmaker(engine), numbered_article(n, TEXT if n % 2 else OTHER))
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM articles WHERE id % 3 = 0"))
    engine.dispose()

    result = newsmon("db", "compact", db=pg_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    for table in ("articles", "sections", "article_fingerprints"):
        assert f"VACUUM FULL {table}" in result.stderr
        assert f"VACUUM (ANALYZE) {table}" in result.stderr
        pages, visible = _all_visible(pg_url, table)
        assert visible == pages, table
    assert _all_visible(pg_url, "articles")[0] > 0
