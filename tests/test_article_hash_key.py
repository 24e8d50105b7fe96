"""Migration 0014: ``articles.content_hash`` from 64 hex digits to the record's 64-bit key, on
SQLite and PostgreSQL, up and down, with fresh and stale fingerprints."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle
from storage import create_schema, make_engine
from storage.migrate import _config, current_revision, hash_key, head_revision, include_object
from storage.models import Base
from storage.repository import SaveOutcome, content_hash
from storage.search.reprints import _stale_ids
from tests.cli import newsmon, newsmon_json
from tests.support.stored import OTHER, TEXT, numbered_article, save_numbered, two_numbered_at
from tests.support.webserver import WebServer


def _hex(article: ExtractedArticle) -> str:
    """The hash newsmon stored before 0014: the record's SHA-256 as 64 hex digits."""
    record = article.as_record()
    del record["url"], record["keywords"]
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def _archive_at_0013(url: str) -> sa.Engine:
    """Two articles and their fingerprints as newsmon at 0013 left them: each article's whole
    hash in 64 hex digits; article 1's fingerprint keeps its key (fresh), article 2's the key
    of a text it no longer has (stale)."""
    engine = two_numbered_at(url, "0013")
    with engine.begin() as conn:
        for n, body in ((1, TEXT), (2, OTHER)):
            conn.execute(
                sa.text("UPDATE articles SET content_hash = :digest WHERE url = :url"),
                {"digest": _hex(numbered_article(n, body)), "url": f"http://site.test/{n}.html"},
            )
        conn.execute(
            sa.text("UPDATE article_fingerprints SET content_hash = 7 WHERE article_id = 2")
        )
    return engine


def _hashes(engine: sa.Engine) -> list[tuple[object, str]]:
    """Each article's stored hash and the type SQLite stores it as (PostgreSQL: the column's)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            query = "SELECT content_hash, typeof(content_hash) FROM articles ORDER BY id"
        else:
            query = "SELECT content_hash, pg_typeof(content_hash)::text FROM articles ORDER BY id"
        return [(value, kind) for value, kind in conn.execute(sa.text(query))]


def test_0014_stores_each_hash_as_its_key_and_keeps_fingerprints_fresh_or_stale(
    db_url: str, tmp_path: Path
) -> None:
    engine = _archive_at_0013(db_url)
    keys = [content_hash(numbered_article(1, TEXT)), content_hash(numbered_article(2, OTHER))]
    assert keys == [
        hash_key(_hex(numbered_article(1, TEXT))),
        hash_key(_hex(numbered_article(2, OTHER))),
    ]
    engine.dispose()

    result = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"upgraded from 0013 to {head_revision()}" in result.stdout
    assert "migration 0014: " in result.stdout + result.stderr  # what it is doing, and on what
    engine = make_engine(db_url)
    kind = "integer" if engine.dialect.name == "sqlite" else "bigint"
    assert _hashes(engine) == [(keys[0], kind), (keys[1], kind)]
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, Base.metadata) == []
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
    with Session(engine) as session:
        assert _stale_ids(session, 10) == [2]  # the stale fingerprint is still the only one
    # the same record re-crawled after the upgrade is unchanged: nothing is rewritten
    assert save_numbered(sessionmaker(engine), numbered_article(1, TEXT)) is SaveOutcome.UNCHANGED
    assert save_numbered(sessionmaker(engine), numbered_article(2, TEXT)) is SaveOutcome.UPDATED
    assert _hashes(engine)[1] == (content_hash(numbered_article(2, TEXT)), kind)
    with Session(engine) as session:
        assert _stale_ids(session, 10) == []
    engine.dispose()


def test_an_archive_made_before_migrations_with_hex_article_hashes_is_taken_as_0013(
    sqlite_url: str,
) -> None:
    """An unversioned archive (bench/query.py's ``create_all`` of a build before 0014) whose
    fingerprints keep keys but whose articles keep hex hashes is stamped 0013 and upgraded."""
    engine = _archive_at_0013(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    create_schema(engine)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    keys = [content_hash(numbered_article(1, TEXT)), content_hash(numbered_article(2, OTHER))]
    assert _hashes(engine) == [(keys[0], "integer"), (keys[1], "integer")]
    engine.dispose()


def test_0014_downgrade_writes_each_key_as_16_hex_digits(db_url: str) -> None:
    engine = _archive_at_0013(db_url)
    digests = [_hex(numbered_article(1, TEXT)), _hex(numbered_article(2, OTHER))]
    with engine.connect() as conn:
        command.upgrade(_config(conn), "0014")
        command.downgrade(_config(conn), "0013")
        conn.commit()
        assert current_revision(conn) == "0013"
        kept = dict(
            conn.execute(sa.text("SELECT article_id, content_hash FROM article_fingerprints")).all()
        )
    kind = "text" if engine.dialect.name == "sqlite" else "character varying"
    assert _hashes(engine) == [(digests[0][:16], kind), (digests[1][:16], kind)]
    # 0013's rule reads the 16 digits as the same key: fresh stays fresh, stale stale
    assert kept == {1: hash_key(digests[0][:16]), 2: 7}
    assert hash_key(digests[0][:16]) == hash_key(digests[0])
    # and up again: the same keys
    with engine.connect() as conn:
        command.upgrade(_config(conn), "head")
        conn.commit()
    kind = "integer" if engine.dialect.name == "sqlite" else "bigint"
    assert _hashes(engine) == [(hash_key(d), kind) for d in digests]
    engine.dispose()


def test_an_sqlite_articles_table_not_declared_as_newsmon_did_is_refused_unchanged(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = _archive_at_0013(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA writable_schema = ON")
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, 'content_hash VARCHAR(64) NOT NULL,', "
            "'content_hash TEXT NOT NULL,') WHERE name = 'articles'"
        )
        version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
        conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    engine.dispose()

    result = newsmon("db", "upgrade", db=sqlite_url, home=tmp_path)

    assert result.returncode != 0
    assert "does not declare 'content_hash VARCHAR(64) NOT NULL,' once" in result.stderr
    assert "Traceback" not in result.stderr
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert current_revision(conn) == "0013"
    assert _hashes(engine) == [
        (_hex(numbered_article(1, TEXT)), "text"),
        (_hex(numbered_article(2, OTHER)), "text"),
    ]
    engine.dispose()


SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()
SEED_PATH = "/news/jiangsu/2023/0129/8121.html"


def _keys(url: str) -> tuple[int, int, datetime]:
    """The crawled article's key, its fingerprint's, and its update time."""
    engine = make_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT a.content_hash, f.content_hash, a.updated_at FROM articles a "
                "JOIN article_fingerprints f ON f.article_id = a.id"
            )
        ).one()
    engine.dispose()
    return row[0], row[1], row[2]


def test_a_recrawl_writes_an_unchanged_page_not_and_a_changed_one_with_its_new_key(
    web: WebServer, db_url: str, tmp_path: Path
) -> None:
    url = web.add(SEED_PATH, SEED)
    assert newsmon("crawl", url, home=tmp_path, db=db_url).stdout.startswith("new")
    key, kept, updated_at = _keys(db_url)
    assert isinstance(key, int)
    assert key == kept

    again = newsmon("crawl", url, home=tmp_path, db=db_url)
    assert again.stdout.startswith("unchanged"), again.stderr
    assert _keys(db_url) == (key, kept, updated_at)
    latest = newsmon_json("runs", "--format", "json", home=tmp_path, db=db_url)[0]
    assert latest["requests"] <= 2
    assert latest["articles_unchanged"] == 1

    web.add(SEED_PATH, SEED.replace("对上贡献超亿元企业".encode(), "对上贡献超十亿元企业".encode()))
    changed = newsmon("crawl", url, home=tmp_path, db=db_url)
    assert changed.stdout.startswith("updated"), changed.stdout + changed.stderr
    new_key, new_kept, new_updated_at = _keys(db_url)
    assert new_key == new_kept != key  # the fingerprint was made again, from the new text
    assert new_updated_at > updated_at
