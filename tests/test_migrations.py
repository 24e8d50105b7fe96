"""Alembic migrations on SQLite and PostgreSQL: upgrades keep every row; an old shared schema is refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from storage import create_schema, make_engine
from storage.migrate import (
    _config,
    current_revision,
    hash_key,
    head_revision,
    include_object,
    upgrade,
)
from storage.models import Base
from storage.repository import decompress
from storage.search.reprints import _stale_ids
from tests.cli import newsmon, newsmon_json

NOW = datetime(2023, 1, 29, 2, 22, tzinfo=UTC)


def _archive_at_0001(url: str) -> None:
    """An archive as the first schema made it: two articles (one flagged), sections, a run."""
    engine = make_engine(url)
    upgrade(engine, "0001")
    meta = sa.MetaData()
    meta.reflect(engine)
    rows = {
        "sites": [{"id": 1, "name": "portal", "created_at": NOW}],
        "articles": [
            {
                "id": i,
                "url": f"http://127.0.0.1/news/{i}.html",
                "fetched_url": f"http://127.0.0.1/news/{i}.html",
                "site_id": 1,
                "title": f"标题{i}",
                "published_at": NOW,
                "source": "新华日报",
                "author": None,
                "site_name": "苏州都市网",
                "breadcrumb": ["首页"],
                "body": f"正文{i} 新春第一会" if i == 1 else f"正文{i}",
                "keywords": ["新春第一会"] if i == 1 else [],
                "content_hash": "x" * 64,
                "raw_html": b"x\x9c\x03\x00\x00\x00\x00\x01",
                "raw_content_type": "text/html",
                "extractor_version": 1,
                "first_seen_at": NOW,
                "fetched_at": NOW,
                "updated_at": NOW,
            }
            for i in (1, 2)
        ],
        "sections": [
            {
                "id": 1,
                "article_id": 1,
                "position": 0,
                "label": "无锡宜兴",
                "city": "无锡",
                "district": "宜兴",
                "heading": "激励",
                "text": "对上贡献",
                "places": ["宜兴"],
            },
        ],
        "crawl_runs": [
            {
                "id": 1,
                "spider": "article",
                "site": None,
                "started_at": NOW,
                "finished_at": NOW,
                "status": "ok",
                "reason": "finished",
                "requests": 2,
                "responses": 2,
                "bytes": 100,
                "articles_new": 2,
                "articles_updated": 0,
                "articles_unchanged": 0,
                "new_matches": 1,
                "errors": 0,
                "stats": {},
                "error_list": [],
            },
        ],
    }
    with engine.begin() as conn:
        for table, values in rows.items():
            conn.execute(sa.insert(meta.tables[table]).values(values))
    engine.dispose()


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    with engine.connect() as conn:
        revision = current_revision(conn)
    engine.dispose()
    return revision


def test_upgrading_an_archive_of_the_first_schema_keeps_every_row(
    db_url: str, tmp_path: Path
) -> None:
    _archive_at_0001(db_url)

    result = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"upgraded from 0001 to {head_revision()}" in result.stdout
    assert _revision(db_url) == head_revision()
    records = newsmon_json("query", "--format", "json", db=db_url, home=tmp_path)
    assert sorted(r["title"] for r in records) == ["标题1", "标题2"]
    first = next(r for r in records if r["title"] == "标题1")
    assert first["sections"][0]["district"] == "宜兴"
    # 0011: a text that is no run of the body is kept as it was
    assert first["sections"][0]["text"] == "对上贡献"
    assert first["keywords"] == ["新春第一会"]
    # the old keyword flag became a matches row, so the keyword filter finds it
    assert [
        r["title"]
        for r in newsmon_json(
            "query", "--keyword", "新春第一会", "--format", "json", db=db_url, home=tmp_path
        )
    ] == ["标题1"]
    assert (
        newsmon_json("runs", "--format", "json", db=db_url, home=tmp_path)[0]["articles_new"] == 2
    )
    again = newsmon("db", "upgrade", db=db_url, home=tmp_path)
    assert f"already at revision {head_revision()}" in again.stdout
    # 0003: the old articles got their reprint fingerprints during the upgrade, the bigram
    # index answers two-character terms, and the zlib raw HTML of old rows still reads.
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM article_fingerprints")) == 2
        blobs = conn.scalars(sa.text("SELECT raw_html FROM articles")).all()
    engine.dispose()
    assert [decompress(bytes(b)) for b in blobs] == [b"", b""]
    found = newsmon_json("query", "正文", "--format", "json", db=db_url, home=tmp_path)
    assert sorted(r["title"] for r in found) == ["标题1", "标题2"]
    # 0004: the articles per city and per day are counted, and group-bys read those counts
    engine = make_engine(db_url)
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT kind, key, n FROM search_counts ORDER BY 1, 2")).all()
    engine.dispose()
    assert [tuple(r) for r in kept] == [("city", "无锡", 1), ("day", "2023-01-29", 2)]
    by_city = newsmon_json(
        "query", "--group-by", "city", "--format", "json", db=db_url, home=tmp_path
    )
    assert by_city == [{"city": "无锡", "count": 1}]


def test_an_old_postgresql_schema_is_refused_and_an_old_sqlite_one_upgraded(
    pg_url: str, sqlite_url: str, tmp_path: Path
) -> None:
    _archive_at_0001(pg_url)
    refused = newsmon("query", db=pg_url, home=tmp_path)
    assert refused.returncode == 1
    assert "run `newsmon db upgrade`" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _revision(pg_url) == "0001"

    _archive_at_0001(sqlite_url)
    used = newsmon("query", "--format", "json", db=sqlite_url, home=tmp_path)
    assert used.returncode == 0, used.stderr
    assert _revision(sqlite_url) == head_revision()


def test_migrations_and_models_agree(db_url: str) -> None:
    engine = make_engine(db_url)
    create_schema(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    # e.g. a column added to a model without a migration shows up here
    assert diff == []


def test_an_archive_made_before_migrations_is_adopted(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    Base.metadata.create_all(engine)  # what development builds did
    create_schema(engine)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    engine.dispose()


def test_fingerprints_of_the_first_kind_are_all_made_again(db_url: str, tmp_path: Path) -> None:
    # 0006: the SimHash changed; fingerprints of the first kind left in an archive would
    # never match the new ones, so the upgrade recomputes every one and regroups.
    from storage.search.reprints import fingerprint

    _archive_at_0001(db_url)
    engine = make_engine(db_url)
    upgrade(engine, "0005")
    text = "南京市召开全市高质量发展推进会，部署全年重点工作，推动项目早落地、早投产。" * 3
    bodies = {1: text, 2: text.replace("，", ",")}  # a copy: the same letters
    with engine.begin() as conn:
        for article_id, body in bodies.items():
            conn.execute(
                sa.text("UPDATE articles SET body = :body WHERE id = :id"),
                {"body": body, "id": article_id},
            )
        # as the first kind left them: other values, each article its own group
        conn.execute(
            sa.text(
                "UPDATE article_fingerprints SET simhash = article_id * 1000, "
                "band0 = article_id, band1 = 0, band2 = 0, band3 = 0, "
                "reprint_group = article_id, is_simhash = :yes"
            ),
            {"yes": True},
        )
    engine.dispose()

    result = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "upgraded from 0005" in result.stdout
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT article_id, simhash, is_simhash, reprint_group FROM article_fingerprints "
                "ORDER BY article_id"
            )
        ).all()
    engine.dispose()
    value, is_simhash = fingerprint(text)
    assert is_simhash
    signed = value - (1 << 64) if value >= 1 << 63 else value
    assert [tuple(r) for r in rows] == [(1, signed, True, 1), (2, signed, True, 1)]


OLDER_TEXT = hashlib.sha256(b"an older text").hexdigest()


def _archive_at_0012_with_fingerprints(url: str) -> tuple[str, str]:
    """The first schema's two articles, upgraded to 0012, their fingerprints keeping whole
    hashes: article 1's of its text, article 2's of a text it no longer has (stale).
    Returns the two articles' hashes."""
    _archive_at_0001(url)
    engine = make_engine(url)
    upgrade(engine, "0012")
    first, second = (hashlib.sha256(f"正文{i}".encode()).hexdigest() for i in (1, 2))
    with engine.begin() as conn:
        for article_id, digest, kept in ((1, first, first), (2, second, OLDER_TEXT)):
            conn.execute(
                sa.text("UPDATE articles SET content_hash = :digest WHERE id = :id"),
                {"digest": digest, "id": article_id},
            )
            conn.execute(
                sa.text(
                    "UPDATE article_fingerprints SET content_hash = :kept WHERE article_id = :id"
                ),
                {"kept": kept, "id": article_id},
            )
    engine.dispose()
    return first, second


def _kept_hashes(engine: sa.Engine) -> dict[int, object]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT article_id, content_hash FROM article_fingerprints ORDER BY article_id")
        ).all()
    return {article_id: kept for article_id, kept in rows}


def test_0013_keeps_64_bits_of_each_fingerprint_hash_and_the_downgrade_gives_them_back(
    db_url: str, tmp_path: Path
) -> None:
    first, _second = _archive_at_0012_with_fingerprints(db_url)

    result = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"upgraded from 0012 to {head_revision()}" in result.stdout
    engine = make_engine(db_url)
    assert _kept_hashes(engine) == {1: hash_key(first), 2: hash_key(OLDER_TEXT)}
    column = next(
        c
        for c in sa.inspect(engine).get_columns("article_fingerprints")
        if c["name"] == "content_hash"
    )
    assert isinstance(column["type"], sa.BigInteger)
    # converted in place: the stale fingerprint is still the only stale one
    with Session(engine) as session:
        assert _stale_ids(session, 10) == [2]
    with engine.connect() as conn:
        # the table, its indexes and its foreign key are the models' (SQLite copied it)
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, Base.metadata) == []
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_list(article_fingerprints)").all()
            assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]

    # the downgrade: the whole hash where the key was its article's, else the key's 16 digits
    # (0014's downgrade leaves the articles' 16 digits: their whole hashes as 0013 had them)
    with engine.connect() as conn:
        command.downgrade(_config(conn), "0013")
        conn.execute(
            sa.text("UPDATE articles SET content_hash = :digest WHERE id = 1"), {"digest": first}
        )
        command.downgrade(_config(conn), "0012")
        conn.commit()
    assert _kept_hashes(engine) == {1: first, 2: OLDER_TEXT[:16]}
    engine.dispose()
    assert _revision(db_url) == "0012"


def test_an_archive_made_before_migrations_with_whole_hashes_is_upgraded(sqlite_url: str) -> None:
    first, second = _archive_at_0012_with_fingerprints(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")  # as bench/query.py's create_all
    create_schema(engine)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        digests = conn.execute(sa.text("SELECT content_hash FROM articles ORDER BY id")).scalars()
        assert list(digests) == [hash_key(first), hash_key(second)]
    assert _kept_hashes(engine) == {1: hash_key(first), 2: hash_key(OLDER_TEXT)}
    engine.dispose()


def test_a_fingerprints_table_not_as_newsmon_made_it_is_refused_unchanged(
    sqlite_url: str, tmp_path: Path
) -> None:
    first, _second = _archive_at_0012_with_fingerprints(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE article_fingerprints ADD COLUMN note TEXT")
    engine.dispose()

    result = newsmon("db", "upgrade", db=sqlite_url, home=tmp_path)

    assert result.returncode != 0
    assert "article_fingerprints has the columns" in result.stderr
    assert "it was not changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert _revision(sqlite_url) == "0012"
    engine = make_engine(sqlite_url)
    assert _kept_hashes(engine) == {1: first, 2: OLDER_TEXT}
    engine.dispose()
