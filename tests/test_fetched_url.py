"""``articles.fetched_url`` stored only where it differs from ``url`` (migration 0012).

Real SQLite and PostgreSQL: a page fetched at its own canonical URL stores NULL and reads back
that URL; one fetched elsewhere (a redirect, a URL that canonicalises differently) keeps its
own; re-storing moves between the two; ``newsmon db upgrade`` makes an archive of revision
0011 (rows as its newsmon wrote them) take NULLs without rewriting its rows, and the downgrade
gives every row its copy back; an unversioned archive whose column is still NOT NULL is
stamped 0011 and upgraded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle
from storage import Article, create_schema, make_engine
from storage.migrate import _config, head_revision, upgrade
from storage.repository import save_article
from tests.cli import newsmon, newsmon_json

NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _doc(n: int) -> ExtractedArticle:
    return ExtractedArticle(
        url=f"http://site.test/{n}.html",
        title=f"第{n}篇",
        published_at=NOW,
        source=None,
        author=None,
        site_name=None,
        breadcrumb=[],
        body=f"正文{n}。",
        sections=[],
        keywords=[],
    )


def _save(sessions: sessionmaker[Session], article: ExtractedArticle, fetched_url: str) -> None:
    with sessions.begin() as session:
        save_article(
            session,
            article,
            raw_html=b"<html></html>",
            content_type="text/html",
            fetched_url=fetched_url,
            site="test",
            extractor_version=1,
        )


def _stored(engine: Engine) -> dict[str, str | None]:
    """The ``fetched_url`` column as stored, by URL."""
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT url, fetched_url FROM articles")).all())  # type: ignore[arg-type]


def _read(sessions: sessionmaker[Session]) -> dict[str, str]:
    """What newsmon reads as each article's fetched URL, by URL."""
    with sessions() as session:
        return {a.url: a.fetched_from for a in session.scalars(select(Article))}


def test_a_page_fetched_at_its_own_url_stores_null_and_reads_it_back(
    sessions: sessionmaker[Session],
) -> None:
    engine = sessions.kw["bind"]
    _save(sessions, _doc(1), "http://site.test/1.html")
    _save(sessions, _doc(2), "http://site.test/2.html#top")  # canonical: the URL

    assert _stored(engine) == {
        "http://site.test/1.html": None,
        "http://site.test/2.html": "http://site.test/2.html#top",
    }
    assert _read(sessions) == {
        "http://site.test/1.html": "http://site.test/1.html",
        "http://site.test/2.html": "http://site.test/2.html#top",
    }
    # stored again: an unchanged page gets the URL it was fetched at this time
    _save(sessions, _doc(1), "http://site.test/old/1.html")
    _save(sessions, _doc(2), "http://site.test/2.html")
    assert _stored(engine) == {
        "http://site.test/1.html": "http://site.test/old/1.html",
        "http://site.test/2.html": None,
    }
    assert _read(sessions)["http://site.test/2.html"] == "http://site.test/2.html"


def _archive_of_revision_0011(
    url: str, rows: Sequence[tuple[int, str, str]] | None = None
) -> Engine:
    """An archive as revision 0011's newsmon left it: every row with its fetched_url.

    ``rows``: (n, fetched URL, body) of each article ``http://site.test/{n}.html``; by default
    one fetched at its own URL and one redirected."""
    if rows is None:
        rows = [
            (1, "http://site.test/1.html", "正文1。"),
            (2, "http://site.test/redirected/2.html", "正文2。"),
        ]
    engine = make_engine(url)
    upgrade(engine, "0011")
    articles = sa.Table("articles", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(articles),
            [
                {
                    "url": f"http://site.test/{n}.html",
                    "fetched_url": fetched,
                    "title": f"第{n}篇",
                    "body": body,
                    "breadcrumb": [],
                    "keywords": [],
                    "content_hash": 0,
                    "raw_html": b"",
                    "extractor_version": 1,
                    "first_seen_at": NOW,
                    "fetched_at": NOW,
                    "updated_at": NOW,
                }
                for n, fetched, body in rows
            ],
        )
    return engine


def _nullable(engine: Engine) -> bool:
    with engine.connect() as conn:
        columns = inspect(conn).get_columns("articles")
    return next(c["nullable"] for c in columns if c["name"] == "fetched_url")


def test_upgrading_an_archive_of_0011_keeps_its_rows_and_takes_nulls(
    db_url: str, tmp_path: Path
) -> None:
    engine = _archive_of_revision_0011(db_url)
    assert not _nullable(engine)
    before = _stored(engine)

    result = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"upgraded from 0011 to {head_revision()}" in result.stdout
    assert _nullable(engine)
    assert _stored(engine) == before  # no row rewritten
    records = newsmon_json("query", "--format", "json", db=db_url, home=tmp_path)
    assert sorted(r["title"] for r in records) == ["第1篇", "第2篇"]
    sessions = sessionmaker(engine, expire_on_commit=False)
    _save(sessions, _doc(3), "http://site.test/3.html")
    _save(sessions, _doc(1), "http://site.test/1.html")  # stored again: its copy goes
    assert _stored(engine) == {
        "http://site.test/1.html": None,
        "http://site.test/2.html": "http://site.test/redirected/2.html",
        "http://site.test/3.html": None,
    }
    assert _read(sessions) == {
        "http://site.test/1.html": "http://site.test/1.html",
        "http://site.test/2.html": "http://site.test/redirected/2.html",
        "http://site.test/3.html": "http://site.test/3.html",
    }
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]

    # the downgrade gives every row its copy and the constraint back
    with engine.connect() as conn:
        command.downgrade(_config(conn), "0011")
        conn.commit()
    assert not _nullable(engine)
    assert _stored(engine) == {
        "http://site.test/1.html": "http://site.test/1.html",
        "http://site.test/2.html": "http://site.test/redirected/2.html",
        "http://site.test/3.html": "http://site.test/3.html",
    }
    engine.dispose()


def test_an_unversioned_archive_with_the_column_not_null_is_taken_as_0011(
    sqlite_url: str,
) -> None:
    """bench/query.py and development builds make archives with ``create_all``: one made
    before revision 0012 is stamped 0011 and upgraded, not taken to be at the newest."""
    engine = _archive_of_revision_0011(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")

    create_schema(engine)

    assert _nullable(engine)
    _save(sessionmaker(engine), _doc(3), "http://site.test/3.html")
    assert _stored(engine)["http://site.test/3.html"] is None
    engine.dispose()


def test_an_sqlite_table_not_declared_as_newsmon_did_is_refused_unchanged(
    sqlite_url: str,
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine, "0011")
    with engine.begin() as conn:  # the column declared by other means (a hand-made table)
        conn.exec_driver_sql("PRAGMA writable_schema = ON")
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, 'fetched_url VARCHAR(2048) NOT NULL',"
            " 'fetched_url TEXT NOT NULL') WHERE name = 'articles'"
        )
        version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
        conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")

    with pytest.raises(RuntimeError, match="does not declare"):
        upgrade(engine)

    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [("0011",)]
    assert not _nullable(engine)
    engine.dispose()


def test_db_compact_drops_the_copies_an_upgraded_archive_kept(db_url: str, tmp_path: Path) -> None:
    engine = _archive_of_revision_0011(db_url)
    engine.dispose()  # SQLite compacts only an archive no other connection has open
    assert newsmon("db", "upgrade", db=db_url, home=tmp_path).returncode == 0

    result = newsmon("db", "compact", db=db_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "copies of the URL in fetched_url" in result.stdout + result.stderr
    assert _stored(engine) == {
        "http://site.test/1.html": None,
        "http://site.test/2.html": "http://site.test/redirected/2.html",
    }
    assert _read(sessionmaker(engine)) == {
        "http://site.test/1.html": "http://site.test/1.html",
        "http://site.test/2.html": "http://site.test/redirected/2.html",
    }
    if engine.dialect.name == "postgresql":
        # the rewritten table was vacuumed: its pages are marked visible for index-only scans
        with engine.connect() as conn:
            visible = conn.exec_driver_sql(
                "SELECT relallvisible FROM pg_class WHERE relname = 'articles'"
            ).scalar()
        assert visible is not None
        assert visible > 0
    again = newsmon("db", "compact", db=db_url, home=tmp_path)
    assert "copies of the URL" not in again.stdout + again.stderr
    engine.dispose()


def test_db_compact_on_postgresql_keeps_no_old_row_versions_of_its_own(
    pg_url: str, tmp_path: Path
) -> None:
    """While a transaction elsewhere on the server holds an older snapshot (a long query, a
    crawl's), PostgreSQL keeps every row version it might see: compaction must not make new
    versions of the rows and then copy both into the compacted table."""
    body = "".join(chr(0x4E00 + i % 5000) for i in range(300))
    engine = _archive_of_revision_0011(
        pg_url, [(n, f"http://site.test/{n}.html", f"{n}{body}") for n in range(600)]
    )
    upgrade(engine)
    with engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT pg_relation_size('articles')").scalar_one()
    holder = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    try:
        holder.exec_driver_sql("SELECT 1")  # its snapshot, older than compaction's writes

        result = newsmon("db", "compact", db=pg_url, home=tmp_path)
    finally:
        holder.close()

    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        after = conn.exec_driver_sql("SELECT pg_relation_size('articles')").scalar_one()
        assert conn.exec_driver_sql("SELECT count(fetched_url) FROM articles").scalar() == 0
    assert after <= before
    engine.dispose()
