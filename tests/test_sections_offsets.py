"""Sections' texts stored as their place in the body (storage/sections.py, migration 0011).

Real SQLite and PostgreSQL: a text that is a run of the body is stored as offsets (``text``
NULL), one that is not (whitespace, hand-written) as it is; every reader (the records the CLI,
the API and exports give, a re-extraction, a changed body) gets exactly the texts extracted;
reading the sections of a page of results costs no query per section; ``newsmon db upgrade``
converts an archive of revision 0010 (and the downgrade gives the copies back).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.orm import Session, selectinload, sessionmaker

from crawler.extraction import ExtractedArticle, Section
from storage import Article, create_schema, make_engine
from storage.migrate import head_revision, upgrade
from storage.records import article_record
from storage.repository import reapply_extraction
from storage.search import ArticleQuery, install_search, search_articles
from storage.sections import restore, text_columns
from tests.cli import newsmon, newsmon_json
from tests.support.stored import store, store_before_0011

T0 = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)


def _doc(n: int, body: str, texts: list[str]) -> ExtractedArticle:
    cities = ["无锡", "南京", "镇江", "常州"]
    return ExtractedArticle(
        url=f"http://site.test/{n}.html",
        title=f"第{n}篇",
        published_at=T0 + timedelta(hours=n),
        source=None,
        author=None,
        site_name=None,
        breadcrumb=[],
        body=body,
        sections=[
            Section(cities[i], cities[i], None, f"标题{i}", t, [cities[i]])
            for i, t in enumerate(texts)
        ],
        keywords=[],
    )


#: Round-ups as extraction makes them (texts that are runs of the body, one twice over, one
#: empty, one at the very end), and texts that are not runs (a space the body lacks, another
#: text): those are stored as they are.
_DOCS = [
    _doc(
        1,
        "导语。\n无锡：标题0\n无锡召开大会。\n项目开工。\n南京：标题1\n南京召开大会。",
        ["无锡召开大会。\n项目开工。", "南京召开大会。"],
    ),
    _doc(2, "同样一句。\n镇江：\n同样一句。", ["同样一句。", "同样一句。", ""]),
    _doc(3, "常州新闻。\n常州：标题\n常州召开大会。", ["常州召开大会。 ", "别的文字"]),
    _doc(4, "没有专节的文章。", []),
]


def _texts(docs: list[ExtractedArticle]) -> dict[str, list[str]]:
    return {d.url or "": [s.text for s in d.sections] for d in docs}


def _stored(engine: Engine) -> list[tuple[str, int, str | None, int | None, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.url, s.position, s.text, s.text_start, s.text_end FROM sections s "
                "JOIN articles a ON a.id = s.article_id ORDER BY a.url, s.position"
            )
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _read(sessions: sessionmaker[Session]) -> dict[str, list[str]]:
    """Every article's sections' texts, as the records give them."""
    with sessions() as session:
        rows = session.scalars(select(Article).options(selectinload(Article.sections)))
        return {r.url: [s["text"] for s in article_record(r)["sections"]] for r in rows}


def test_text_columns_place_runs_and_keep_the_rest() -> None:
    body = "甲。\n乙。\n甲。"
    assert text_columns(body, ["甲。", "甲。", "", "乙。\n甲。", "丙"]) == [
        {"stored_text": None, "text_start": 0, "text_end": 2},
        {"stored_text": None, "text_start": 6, "text_end": 8},  # the next one after the first
        {"stored_text": None, "text_start": 8, "text_end": 8},
        {"stored_text": None, "text_start": 3, "text_end": 8},  # before: found from the start
        {"stored_text": "丙", "text_start": None, "text_end": None},
    ]


def test_sections_are_stored_as_places_in_the_body_and_read_as_extracted(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    store(sessions, _DOCS)
    engine = sessions.kw["bind"]
    assert _stored(engine) == [
        ("http://site.test/1.html", 0, None, 11, 24),
        ("http://site.test/1.html", 1, None, 32, 39),
        ("http://site.test/2.html", 0, None, 0, 5),
        ("http://site.test/2.html", 1, None, 10, 15),
        ("http://site.test/2.html", 2, None, 15, 15),
        ("http://site.test/3.html", 0, "常州召开大会。 ", None, None),
        ("http://site.test/3.html", 1, "别的文字", None, None),
    ]
    want = _texts(_DOCS)
    assert _read(sessions) == want
    # what the CLI and an export give
    found = newsmon_json("query", "--format", "json", db=db_url, home=tmp_path)
    assert {r["url"]: [s["text"] for s in r["sections"]] for r in found} == want
    shown = newsmon("show", "http://site.test/1.html", db=db_url, home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "项目开工。" in shown.stdout

    # a changed page: new body, new sections, new places (the store path)
    changed = _doc(
        1,
        "新导语。\n南京：标题\n南京的新内容。\n无锡：标题\n无锡的新内容。",
        ["南京的新内容。", "无锡的新内容。"],
    )
    store(sessions, [changed])
    assert _read(sessions)["http://site.test/1.html"] == ["南京的新内容。", "无锡的新内容。"]
    # a re-extraction (the ORM path of `newsmon reextract`)
    again = _doc(1, "再一次。\n无锡：标题\n无锡的第三版。", ["无锡的第三版。", "不在正文里"])
    with sessions.begin() as session:
        row = session.scalars(select(Article).where(Article.url == again.url)).one()
        assert reapply_extraction(session, row, again, 2)
    assert _read(sessions)["http://site.test/1.html"] == ["无锡的第三版。", "不在正文里"]
    assert _stored(engine)[:2] == [
        ("http://site.test/1.html", 0, None, 11, 18),
        ("http://site.test/1.html", 1, "不在正文里", None, None),
    ]


def test_a_page_of_results_reads_its_sections_without_a_query_each(
    sessions: sessionmaker[Session],
) -> None:
    docs = [
        _doc(
            n,
            f"第{n}篇正文。\n无锡：标题\n无锡{n}号。\n南京：标题\n南京{n}号。",
            [f"无锡{n}号。", f"南京{n}号。"],
        )
        for n in range(10, 40)
    ]
    store(sessions, docs)
    engine = sessions.kw["bind"]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        with sessions() as session:
            page = search_articles(session, ArticleQuery(text="正文", limit=20))
            records = [article_record(a) for a in page.articles]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(records) == 20
    # the texts read as well once the session is closed (the sections hold their article)
    with sessions() as session:
        again = search_articles(session, ArticleQuery(text="正文", limit=20)).articles
    assert [article_record(a) for a in again] == records
    assert {r["url"]: [s["text"] for s in r["sections"]] for r in records} == {
        d.url: [s.text for s in d.sections] for d in docs if d.url in {r["url"] for r in records}
    }
    # the search's own statements and one load of the page's sections, whatever their number
    assert sum("FROM sections" in s for s in statements) == 1, statements
    assert not any("FROM articles" in s and "articles.id = " in s for s in statements), statements


def _archive_of_revision_0010(url: str) -> Engine:
    """An archive as revision 0010's newsmon left it: every section's text a copy."""
    engine = make_engine(url)
    upgrade(engine, "0010")
    install_search(engine)
    store_before_0011(sessionmaker(engine, expire_on_commit=False), _DOCS)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM sections WHERE text IS NULL")) == 0
    return engine


def _schema(engine: Engine) -> set[tuple[str, str]]:
    """The indexes and triggers on sections (SQLite: their SQL; PostgreSQL: index definitions
    and trigger names)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'sections' "
                    "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
                )
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'sections' "
                    "UNION SELECT tgname, '' FROM pg_trigger "
                    "WHERE tgrelid = 'sections'::regclass AND NOT tgisinternal"
                )
            )
        return {tuple(r) for r in rows}  # type: ignore[misc]


def test_db_upgrade_places_the_texts_of_an_archive_of_revision_0010(
    db_url: str, tmp_path: Path
) -> None:
    engine = _archive_of_revision_0010(db_url)
    schema = _schema(engine)
    with engine.connect() as conn:
        counts = conn.execute(text("SELECT kind, key, n FROM search_counts ORDER BY 1, 2")).all()
    engine.dispose()

    upgraded = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from 0010 to {head_revision()}" in upgraded.stdout
    assert "placing the texts of 7 sections" in upgraded.stderr
    engine = make_engine(db_url)
    if engine.dialect.name == "postgresql":
        # the rewritten table vacuumed after the migration: its pages all-visible again (the
        # city filter's index-only scans) and its statistics made
        assert "VACUUM (ANALYZE) sections" in upgraded.stderr
        with engine.connect() as conn:
            assert conn.scalar(
                text("SELECT relallvisible FROM pg_class WHERE relname = 'sections'")
            ), upgraded.stderr
    engine = make_engine(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    stored = _stored(engine)
    assert [(url, p, t) for url, p, t, _s, _e in stored] == [
        ("http://site.test/1.html", 0, None),
        ("http://site.test/1.html", 1, None),
        ("http://site.test/2.html", 0, None),
        ("http://site.test/2.html", 1, None),  # the first of two equal runs: the same text
        ("http://site.test/2.html", 2, None),
        ("http://site.test/3.html", 0, "常州召开大会。 "),
        ("http://site.test/3.html", 1, "别的文字"),
    ]
    assert _read(sessions) == _texts(_DOCS)
    assert _schema(engine) == schema  # indexes and triggers as they were
    # PostgreSQL's index on published_at, which ix_articles_time duplicates, is gone
    with engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes("articles")}
    assert ("ix_articles_published_at" in names) == (engine.dialect.name == "sqlite")
    assert engine.dialect.name == "sqlite" or "ix_articles_time" in names
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT kind, key, n FROM search_counts ORDER BY 1, 2")).all()
            == counts
        )
    with sessions() as session:  # the city filter reads the sections' index
        found = search_articles(session, ArticleQuery(text="召开", city="南京"))
        assert [a.url for a in found.articles] == [
            "http://site.test/3.html",
            "http://site.test/1.html",
        ]
    # rows are written and deleted through the new table and its triggers
    store(sessions, [replace(_DOCS[0], body=_DOCS[0].body + "\n补记。")])
    assert _read(sessions) == _texts(_DOCS)
    if engine.dialect.name == "sqlite":
        from tests.test_search_cities import _check

        _check(sessions)  # the index's cities agree with the sections

    # the downgrade gives every text its copy again
    with engine.begin() as conn:
        restore(conn)
        rows = conn.execute(
            text(
                "SELECT a.url, s.text FROM sections s JOIN articles a ON a.id = s.article_id "
                "ORDER BY a.url, s.position"
            )
        ).all()
    assert [(url, t) for url, t in rows] == [
        (url or "", t) for url, texts in _texts(_DOCS).items() for t in texts
    ]
    engine.dispose()


def test_an_unversioned_archive_without_the_offsets_is_taken_as_0010_and_converted(
    sqlite_url: str,
) -> None:
    """An archive made by ``create_all`` before revision 0011 (bench/query.py's, a development
    build's) has every table but not the offsets: it is stamped 0010 and converted, not taken
    to be at the newest revision (whose model would then read columns it lacks)."""
    engine = _archive_of_revision_0010(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    create_schema(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    assert [t for *_k, t, _s, _e in _stored(engine)] == [None] * 5 + ["常州召开大会。 ", "别的文字"]
    assert _read(sessionmaker(engine)) == _texts(_DOCS)
    engine.dispose()


def test_an_archive_made_now_says_nothing_of_its_sections(db_url: str, tmp_path: Path) -> None:
    # a new archive runs every migration on empty tables: 0011 has nothing to place, rewrite
    # or vacuum, and says nothing (`newsmon serve` prints its address as its first line)
    made = newsmon("db", "upgrade", db=db_url, home=tmp_path)

    assert made.returncode == 0, made.stderr
    assert "sections" not in made.stderr
