"""PostgreSQL: bodies compressed with lz4 (storage/compression.py, migration 0009): new archives
store them so, ``newsmon db upgrade`` compresses those an archive of revision 0008 holds, the
text and the searches are unchanged, and ``newsmon db stats`` shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from storage import create_schema, make_engine
from storage.migrate import head_revision, upgrade
from storage.search import ArticleQuery, install_search, search_articles
from tests.cli import newsmon, newsmon_json
from tests.support.stored import store, store_before_0011
from tests.test_search_cities import _doc, _sec
from tests.test_search_pg_pairs import _explained

#: A body over PostgreSQL's 2 KB threshold (compressed when stored) and one under it (never).
_LONG = "".join(f"第{i}段：无锡持续优化营商环境，服务企业发展，召开新春第一会。" for i in range(60))
_SHORT = "镇江召开新春第一会。"
_BODIES = [_LONG, _SHORT, _LONG.replace("无锡", "常州")]


def _stored(engine: object) -> list[str | None]:
    """The compression of each article's body, in order of id (and the bodies unchanged)."""
    with engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            text("SELECT body, pg_column_compression(body) FROM articles ORDER BY id")
        ).all()
    assert [body for body, _method in rows] == _BODIES
    return [method for _body, method in rows]


def _searched(sessions: sessionmaker, cities: tuple[str | None, ...] = (None, "无锡")) -> None:  # type: ignore[type-arg]
    with sessions() as session:
        for term in ("无锡", "营商环境", "新春第一会", "常州"):
            for city in cities:
                want = [
                    n
                    for n, body in reversed(list(enumerate(_BODIES)))
                    if term in body and city in (None, "无锡" if n % 2 == 0 else "镇江")
                ]
                page = search_articles(session, ArticleQuery(text=term, city=city))
                assert [int(a.title[1:-1]) for a in page.articles] == want, (term, city)
                assert all(a.body == _BODIES[int(a.title[1:-1])] for a in page.articles)


def _docs() -> list:  # type: ignore[type-arg]
    return [
        _doc(n, body, [_sec("无锡" if n % 2 == 0 else "镇江")], hours=n)
        for n, body in enumerate(_BODIES)
    ]


@pytest.mark.postgres
def test_a_new_postgresql_archive_stores_bodies_with_lz4(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, _docs())

    assert _stored(engine) == ["lz4", None, "lz4"]
    _searched(sessions)
    engine.dispose()
    stats = newsmon_json("db", "stats", "--format", "json", db=pg_url, home=tmp_path)
    bodies = stats["bodies"]
    assert bodies["bytes"] == sum(len(b.encode()) for b in _BODIES)
    assert bodies["compressed"] == 2
    assert bodies["methods"] == ["lz4"]
    assert bodies["stored_bytes"] < bodies["bytes"]
    shown = newsmon("db", "stats", db=pg_url, home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "2 of 3 compressed (lz4)" in shown.stdout


@pytest.mark.postgres
def test_db_upgrade_compresses_the_bodies_of_an_archive_of_revision_0008(
    pg_url: str, tmp_path: Path
) -> None:
    engine = make_engine(pg_url)
    upgrade(engine, "0008")
    install_search(engine)
    with engine.begin() as conn:
        # what revision 0008's newsmon had: the server's default, pglz
        conn.exec_driver_sql("ALTER TABLE articles ALTER COLUMN body SET COMPRESSION pglz")
    sessions = sessionmaker(engine, expire_on_commit=False)
    store_before_0011(sessions, _docs())
    assert "lz4" not in _stored(engine)
    engine.dispose()
    shown = newsmon("db", "stats", db=pg_url, home=tmp_path)
    assert "compressed (lz4)" not in shown.stdout

    upgraded = newsmon("db", "upgrade", db=pg_url, home=tmp_path)

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from 0008 to {head_revision()}" in upgraded.stdout
    engine = make_engine(pg_url)
    assert _stored(engine) == ["lz4", None, "lz4"]
    sessions = sessionmaker(engine, expire_on_commit=False)
    _searched(sessions)
    # the rewrite built the bigram index again, and searches use it (with a city filter, the
    # planner may take the cities' index alone for three rows: tests/test_search_pg_cities.py)
    plans = _explained(engine, lambda: _searched(sessions, cities=(None,)))
    assert plans
    assert all("ix_articles_pairs" in plan for plan in plans)
    engine.dispose()
    assert "2 of 3 compressed (lz4)" in newsmon("db", "stats", db=pg_url, home=tmp_path).stdout
