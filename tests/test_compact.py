"""The archive's bytes: JSON stored as UTF-8, `newsmon db compact`."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle, Section
from storage import Article, create_schema, make_engine
from storage.compact import CompactError, compact
from storage.search import ArticleQuery, search_articles
from tests.cli import newsmon
from tests.support.stored import store


def _doc(n: int) -> ExtractedArticle:
    city = ("无锡", "苏州", "镇江")[n % 3]
    return ExtractedArticle(
        url=f"http://site.test/{n}.html",
        title=f"{city}召开新春第一会{n}",
        published_at=datetime(2024, 2, 1 + n % 20, 9, 0, tzinfo=UTC),
        source="新华日报",
        author=None,
        site_name="江苏新闻网",
        breadcrumb=["首页", "江苏"],
        body=f"{city}市委书记在会上强调营商环境。第{n}条。" * 20,
        sections=[Section(city, city, None, "标题", f"{city}营商环境", [city])],
        keywords=["营商环境"] if n % 2 else [],
    )


def _answers(sessions: sessionmaker[Session]) -> list[tuple[str, int, list[str]]]:
    found = []
    with sessions() as session:
        for term, city in (
            ("营商环境", None),
            ("无锡", None),
            ("新春第一会", "苏州"),
            ("锡", None),
        ):
            page = search_articles(session, ArticleQuery(text=term, city=city, limit=200))
            found.append((term, page.total, sorted(a.url for a in page.articles)))
        page = search_articles(session, ArticleQuery(keyword="营商环境", limit=200))
        found.append(("keyword", page.total, sorted(a.url for a in page.articles)))
    return found


def _pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_json_columns_are_stored_as_utf8_and_old_escaped_rows_still_read(db_url: str) -> None:
    engine = make_engine(db_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ids = store(sessions, [_doc(1), _doc(2)])
    with sessions.begin() as session:
        stored = session.execute(
            text("SELECT breadcrumb, keywords FROM articles WHERE id = :id"),
            {"id": ids["http://site.test/1.html"]},
        ).one()
        assert "首页" in str(stored[0])
        assert "\\u" not in str(stored[0])
        assert "营商环境" in str(stored[1])
        assert "\\u" not in str(stored[1])
        places = session.execute(text("SELECT places FROM sections")).scalars().all()
        assert all("\\u" not in str(p) for p in places)
        # a row as earlier versions wrote it: ASCII escapes
        pg = engine.dialect.name == "postgresql"
        b, k = ("CAST(:b AS json)", "CAST(:k AS json)") if pg else (":b", ":k")
        session.execute(
            text(f"UPDATE articles SET breadcrumb = {b}, keywords = {k} WHERE id = :id"),
            {
                "b": '["\\u9996\\u9875"]',
                "k": '["\\u8425\\u5546\\u73af\\u5883"]',
                "id": ids["http://site.test/2.html"],
            },
        )
    with sessions() as session:
        old = session.get(Article, ids["http://site.test/2.html"])
        assert old is not None
        assert old.breadcrumb == ["首页"]
        assert old.keywords == ["营商环境"]
        page = search_articles(session, ArticleQuery(keyword="营商环境"))
        assert sorted(a.url for a in page.articles) == [
            "http://site.test/1.html",
            "http://site.test/2.html",
        ]
    engine.dispose()


def _old_archive(path: Path, articles: int) -> sessionmaker[Session]:
    """An archive with half its articles deleted: their pages are free, in the file."""
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    # raw HTML that does not compress: 9 KB of overflow pages an article, half of them freed
    raw = b"<html>" + random.Random(articles).randbytes(9000)
    store(sessions, [_doc(n) for n in range(articles)], raw_html=raw)
    with sessions.begin() as session:
        session.execute(text("DELETE FROM articles WHERE id % 2 = 0"))
    assert _pragma(path, "freelist_count") > 0
    return sessions


def test_db_compact_rewrites_an_old_sqlite_archive_and_keeps_every_answer(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    sessions = _old_archive(path, 120)
    before_answers = _answers(sessions)
    assert before_answers[0][1] == 60
    sessions.kw["bind"].dispose()
    size = path.stat().st_size  # the last connection closed: the log is in the file

    result = newsmon("db", "compact", home=tmp_path, db=f"sqlite:///{path}")

    assert result.returncode == 0, result.stderr
    assert "compacting" in result.stderr
    assert "less" in result.stdout
    assert _pragma(path, "freelist_count") == 0
    assert _pragma(path, "journal_mode") == "wal"
    assert _pragma(path, "integrity_check") == "ok"
    assert path.stat().st_size < size
    engine = make_engine(f"sqlite:///{path}")
    assert _answers(sessionmaker(engine)) == before_answers
    stats = newsmon("db", "stats", home=tmp_path, db=f"sqlite:///{path}")
    assert "60 articles" in stats.stdout
    assert "bodies: " in stats.stdout
    # the bodies are zstd frames (storage/bodies.py), and compaction kept them so
    assert "60 of 60 compressed (zstd)" in stats.stdout
    store(sessionmaker(engine), [_doc(1000)])  # and it takes new articles
    with sessionmaker(engine)() as session:
        assert search_articles(session, ArticleQuery(text="第1000条")).total == 1
    engine.dispose()


def test_db_compact_refuses_an_archive_another_process_has_open(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    sessions = _old_archive(path, 10)
    answers = _answers(sessions)
    sessions.kw["bind"].dispose()
    free = _pragma(path, "freelist_count")
    # another process reading the archive (a `newsmon serve`, say) keeps it in WAL mode
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM articles').fetchone(); print('open', flush=True); "
            "sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        result = newsmon("db", "compact", home=tmp_path, db=f"sqlite:///{path}")
    finally:
        holder.communicate("", timeout=30)
    assert result.returncode == 1
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr
    assert _pragma(path, "freelist_count") == free
    assert _pragma(path, "journal_mode") == "wal"
    engine = make_engine(f"sqlite:///{path}")
    assert _answers(sessionmaker(engine)) == answers
    engine.dispose()


def test_db_compact_checks_the_room_it_needs_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "full.sqlite3"
    engine = _old_archive(path, 10).kw["bind"]
    free = _pragma(path, "freelist_count")
    real = __import__("shutil").disk_usage

    def no_room(folder: object) -> object:
        usage = real(folder)
        return type(usage)(usage.total, usage.total - 1000, 1000)

    monkeypatch.setattr("storage.compact.shutil.disk_usage", no_room)
    with pytest.raises(CompactError, match=r"needs about .* bytes free .* nothing was changed"):
        compact(engine)
    assert _pragma(path, "freelist_count") == free
    engine.dispose()


def test_db_compact_on_postgresql_vacuums_every_table(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, [_doc(n) for n in range(60)])
    with sessions.begin() as session:
        session.execute(text("DELETE FROM articles WHERE id % 2 = 0"))
    answers = _answers(sessions)
    engine.dispose()

    result = newsmon("db", "compact", home=tmp_path, db=pg_url)

    assert result.returncode == 0, result.stderr
    assert "VACUUM FULL articles" in result.stderr
    before, after = (
        int(n.replace(",", "")) for n in result.stdout.split(" bytes")[0].split(" -> ")
    )
    assert after < before
    engine = make_engine(pg_url)
    assert _answers(sessionmaker(engine)) == answers
    engine.dispose()
