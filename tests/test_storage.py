"""The repository functions on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from storage import Article, Section, create_schema, make_engine
from storage.models import Match
from storage.records import article_record
from storage.repository import (
    ArticleQuery,
    SaveOutcome,
    ToSave,
    canonical_url,
    decompress,
    get_article,
    get_validators,
    known_urls,
    query_articles,
    save_all_validators,
    save_article,
    save_articles,
    save_ignored,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _article(url: str = "http://example.test/a.html?b=2&a=1#top", **changes: object) -> Extracted:
    base = Extracted(
        url=url,
        title="“新春第一会”,擂响战鼓再出征",
        published_at=datetime(2023, 1, 29, 10, 22, tzinfo=SHANGHAI),
        source="新华日报",
        author=None,
        site_name="苏州都市网",
        breadcrumb=["首页", "资讯中心"],
        body="一年春作首,万事干为先。\n无锡宜兴:激励“四敢”燃新程\n对上贡献超亿元企业,奖!",
        sections=[
            ExtractedSection(
                "无锡宜兴", "无锡", "宜兴", "激励“四敢”燃新程", "对上贡献超亿元企业,奖!", ["宜兴"]
            )
        ],
        keywords=["新春第一会"],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _save(sessions: sessionmaker[Session], article: Extracted, raw: bytes = b"<html>v1</html>"):
    with sessions.begin() as session:
        return save_article(
            session,
            article,
            raw_html=raw,
            content_type="text/html",
            fetched_url=article.url or "",
            site="example",
            extractor_version=1,
            fetched_at=datetime.now(UTC),
        )


def _count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_restoring_the_same_article_never_makes_a_second_row(
    sessions: sessionmaker[Session],
) -> None:
    first = _save(sessions, _article())
    again = _save(sessions, _article())
    # the same page under a URL differing only in query order and fragment
    variant = _save(sessions, _article(url="http://example.test/a.html?a=1&b=2"))
    assert first.outcome is SaveOutcome.NEW
    assert again.outcome is SaveOutcome.UNCHANGED
    assert variant.outcome is SaveOutcome.UNCHANGED
    assert first.article_id == again.article_id == variant.article_id
    assert (_count(sessions, Article), _count(sessions, Section)) == (1, 1)


def test_a_changed_article_is_updated_in_place_with_its_sections_replaced(
    sessions: sessionmaker[Session],
) -> None:
    first = _save(sessions, _article())
    changed = _article(
        title="新标题",
        sections=[
            ExtractedSection("南京", "南京", None, "打响发令枪", "会场入口", []),
            ExtractedSection("苏州", "苏州", None, "勇毅前行", "28日", []),
        ],
    )
    second = _save(sessions, changed, raw=b"<html>v2</html>")
    assert second == type(second)(SaveOutcome.UPDATED, first.article_id)
    with sessions() as session:
        row = get_article(session, first.article_id)
        assert row is not None
        assert row.title == "新标题"
        assert [s.city for s in row.sections] == ["南京", "苏州"]
        assert decompress(row.raw_html) == b"<html>v2</html>"
    assert _count(sessions, Section) == 2


def test_times_round_trip_as_aware_and_render_in_shanghai(sessions: sessionmaker[Session]) -> None:
    saved = _save(sessions, _article())
    with sessions() as session:
        row = get_article(session, saved.article_id)
        assert row is not None
        assert row.published_at == datetime(2023, 1, 29, 2, 22, tzinfo=UTC)
        assert article_record(row)["published_at"] == "2023-01-29T10:22:00+08:00"


def test_query_filters_and_order(sessions: sessionmaker[Session]) -> None:
    _save(sessions, _article())
    _save(
        sessions,
        _article(
            url="http://example.test/b.html",
            title="镇江营商环境",
            body="镇江优化营商环境100%_达标",
            source="镇江日报",
            published_at=datetime(2023, 2, 1, 9, 0, tzinfo=SHANGHAI),
            sections=[],
            keywords=[],
        ),
    )
    with sessions() as session:

        def titles(**kw: object) -> list[str]:
            return [a.title for a in query_articles(session, ArticleQuery(**kw))]  # type: ignore[arg-type]

        assert titles() == ["镇江营商环境", "“新春第一会”,擂响战鼓再出征"]
        assert titles(text="营商环境") == ["镇江营商环境"]
        assert titles(text="100%_") == ["镇江营商环境"]
        assert titles(text="%") == ["镇江营商环境"]  # a literal percent sign, not a wildcard
        assert titles(city="无锡") == ["“新春第一会”,擂响战鼓再出征"]
        assert titles(city="无锡", district="宜兴") == ["“新春第一会”,擂响战鼓再出征"]
        assert titles(source="镇江日报") == ["镇江营商环境"]
        assert titles(since=datetime(2023, 1, 30, tzinfo=SHANGHAI)) == ["镇江营商环境"]
        assert titles(until=datetime(2023, 1, 30, tzinfo=SHANGHAI)) == [
            "“新春第一会”,擂响战鼓再出征"
        ]
        assert titles(limit=1) == ["镇江营商环境"]
        assert titles(text="'; DROP TABLE articles; --") == []
    assert _count(sessions, Article) == 2


def test_known_urls_tells_stored_from_ignored(sessions: sessionmaker[Session]) -> None:
    _save(sessions, _article())
    stored = canonical_url("http://example.test/a.html?a=1&b=2")
    ignored = canonical_url("http://example.test/video.html")
    with sessions.begin() as session:
        save_ignored(session, {"http://example.test/video.html": "not an article"})
    with sessions() as session:
        fetched_at = session.scalar(select(Article.fetched_at))
        keys = [stored, ignored, canonical_url("http://example.test/new.html")]
        assert known_urls(session, keys) == ({stored: fetched_at}, {ignored})
        # more keys than one statement takes: the same answers
        many = [f"http://example.test/n{i}.html" for i in range(600)]
        assert known_urls(session, [*many, *keys, *many]) == ({stored: fetched_at}, {ignored})
        assert known_urls(session, []) == ({}, set())


def test_validators_are_saved_together_once_per_canonical_url(
    sessions: sessionmaker[Session],
) -> None:
    listing, feed = "http://example.test/l.html?b=2&a=1", "http://example.test/feed.xml"
    modified = "Sun, 29 Nov 2026 10:00:00 GMT"
    with sessions.begin() as session:
        save_all_validators(session, {listing: ('"1"', None), feed: (None, modified)})
    # Replaced; the same page twice under two spellings in one call: the later one is kept
    # (PostgreSQL refuses an upsert that touches a row twice).
    with sessions.begin() as session:
        save_all_validators(
            session,
            {"http://example.test/l.html?a=1&b=2": ('"2"', None), f"{listing}#top": ('"3"', None)},
        )
    with sessions() as session:
        assert get_validators(session, "http://example.test/l.html?a=1&b=2") == ('"3"', None)
        assert get_validators(session, feed) == (None, modified)
        assert get_validators(session, "http://example.test/other.html") == (None, None)


def _entry(article: Extracted, at: datetime, raw: bytes = b"<html>v1</html>") -> ToSave:
    return ToSave(article, raw, "text/html", article.url or "", "example", 1, at)


def test_a_batch_mixes_new_updated_and_unchanged_and_keeps_first_seen(
    sessions: sessionmaker[Session],
) -> None:
    day1, day2 = datetime(2023, 1, 29, 4, tzinfo=UTC), datetime(2023, 1, 30, 4, tzinfo=UTC)
    a, b = _article(), _article(url="http://example.test/b.html", keywords=[])
    with sessions.begin() as session:
        first = save_articles(session, [_entry(a, day1), _entry(b, day1)])
    changed_b = replace(b, title="改过的标题", sections=[], keywords=["营商环境"])
    c = _article(url="http://example.test/c.html", body="另一篇的正文。")
    with sessions.begin() as session:
        second = save_articles(
            session, [_entry(a, day2), _entry(changed_b, day2, b"<html>v2</html>"), _entry(c, day2)]
        )
    assert [s.outcome for s in first] == [SaveOutcome.NEW, SaveOutcome.NEW]
    assert [s.outcome for s in second] == [
        SaveOutcome.UNCHANGED,
        SaveOutcome.UPDATED,
        SaveOutcome.NEW,
    ]
    assert [s.new_keywords for s in second] == [(), ("营商环境",), ("新春第一会",)]
    assert second[0].article_id == first[0].article_id
    assert second[1].article_id == first[1].article_id
    with sessions() as session:
        rows = {r.url: r for r in session.scalars(select(Article))}
        kept, updated = rows[canonical_url(a.url or "")], rows[canonical_url(b.url or "")]
        # stored again: first seen stays, fetched moves; only a change moves updated_at
        assert (kept.first_seen_at, kept.fetched_at, kept.updated_at) == (day1, day2, day1)
        assert (updated.first_seen_at, updated.fetched_at, updated.updated_at) == (
            day1,
            day2,
            day2,
        )
        assert (updated.title, updated.keywords) == ("改过的标题", ["营商环境"])
        assert decompress(updated.raw_html) == b"<html>v2</html>"
        assert decompress(kept.raw_html) == b"<html>v1</html>"
        assert session.scalars(
            select(Match.keyword).where(Match.article_id == updated.id)
        ).all() == ["营商环境"]
    assert (_count(sessions, Article), _count(sessions, Section)) == (3, 2)


def test_the_same_url_twice_in_a_batch_is_stored_once_as_its_last_copy(
    sessions: sessionmaker[Session],
) -> None:
    at = datetime(2023, 1, 29, 4, tzinfo=UTC)
    a = _article()
    later = replace(a, title="第二版", keywords=[], sections=[])
    with sessions.begin() as session:
        saved = save_articles(
            session, [_entry(a, at), _entry(a, at), _entry(later, at, b"<html>v2</html>")]
        )
    assert [s.outcome for s in saved] == [
        SaveOutcome.NEW,
        SaveOutcome.UNCHANGED,
        SaveOutcome.UPDATED,
    ]
    assert len({s.article_id for s in saved}) == 1
    assert saved[0].new_keywords == ("新春第一会",)
    with sessions() as session:
        row = session.scalars(select(Article)).one()
        assert (row.title, row.keywords, row.sections) == ("第二版", [], [])
        assert decompress(row.raw_html) == b"<html>v2</html>"
        assert session.scalars(select(Match)).all() == []


def test_postgresql_connections_raise_work_mem_but_never_lower_it(pg_url: str) -> None:
    """newsmon's connections get at least PG_WORK_MEM (and no JIT); a server or database
    configured with more keeps its own figure."""
    import psycopg

    from storage.db import PG_WORK_MEM

    def settings() -> tuple[str, str]:
        engine = make_engine(pg_url)
        try:
            with engine.connect() as conn:
                return (
                    str(conn.exec_driver_sql("SHOW work_mem").scalar()),
                    str(conn.exec_driver_sql("SHOW jit").scalar()),
                )
        finally:
            engine.dispose()

    assert settings() == (PG_WORK_MEM, "off")
    name = pg_url.rsplit("/", 1)[1]
    libpq = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{name}\" SET work_mem = '256MB'")
    assert settings() == ("256MB", "off")


def test_a_batch_larger_than_the_backends_parameter_limit_is_stored(tmp_path) -> None:
    """save_articles splits its lookups by id like its lookups by URL: a batch of more
    articles than a statement may hold parameters (SQLite 32,766, PostgreSQL 65,535) is
    stored. SQLite's limit is lowered on the connection here to keep the batch small."""
    import sqlite3

    engine = make_engine(f"sqlite:///{tmp_path / 'archive.db'}")
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    at = datetime(2023, 1, 29, 4, tzinfo=UTC)
    articles = [
        _article(url=f"http://example.test/{i}.html", body=f"第{i}篇。", keywords=[])
        for i in range(700)
    ]
    with sessions.begin() as session:
        save_articles(session, [_entry(a, at) for a in articles])
    changed = [replace(a, body=a.body + "改", keywords=["改"]) for a in articles]
    with sessions.begin() as session:
        raw = session.connection().connection.driver_connection
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 600)
        saved = save_articles(session, [_entry(a, at) for a in changed])
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)
    assert {s.outcome for s in saved} == {SaveOutcome.UPDATED}
    assert (_count(sessions, Section), _count(sessions, Match)) == (700, 700)
    engine.dispose()
