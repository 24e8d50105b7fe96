"""storage/search/counts.py on SQLite and PostgreSQL: the kept per-day and per-city counts agree
with counting the articles, through stores, re-stores, deletes and bulk loads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, text, update
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from storage import Article, Base, Section, create_schema, make_engine
from storage.repository import save_article
from storage.search import ArticleQuery, count_by, install_search, rebuild_search
from storage.search.counts import FOLD_LOCK
from tests.support.stored import store

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A filter every article passes: count_by then counts the articles instead of reading the kept counts.
EVERYTHING = ArticleQuery(since=datetime(1900, 1, 1, tzinfo=UTC))


def _sec(city: str | None, district: str | None = None) -> ExtractedSection:
    return ExtractedSection((city or "") + (district or ""), city, district, "标题", "正文", [])


def _doc(n: int, sections: list[ExtractedSection], day: int | None = 1) -> Extracted:
    return Extracted(
        url=f"http://site.test/{n}.html",
        title=f"标题{n}",
        # 23:30 in Shanghai is the previous day in UTC: the kept day must be Shanghai's
        published_at=None if day is None else datetime(2023, 2, day, 23, 30, tzinfo=SHANGHAI),
        source="镇江日报",
        author=None,
        site_name="镇江新闻网",
        breadcrumb=[],
        body=f"正文{n}",
        sections=sections,
        keywords=[],
    )


def _kept_and_counted(session: Session, by: str) -> tuple[object, object]:
    kept = count_by(session, ArticleQuery(), by)
    counted = count_by(session, EVERYTHING, by) if by == "city" else None
    if by == "day":
        counted = count_by(session, ArticleQuery(source="镇江日报"), by)
    return kept, counted


def _assert_agree(sessions: sessionmaker[Session]) -> list[tuple[str | None, int]]:
    with sessions() as session:
        for by in ("city", "day"):
            kept, counted = _kept_and_counted(session, by)
            assert kept == counted, by
        rows = session.execute(text("SELECT count(*) FROM search_counts")).scalar()
        assert rows, "the counts are kept in search_counts"
        return count_by(session, ArticleQuery(), "city")


def test_counts_follow_stores_restores_and_deletes(sessions: sessionmaker[Session]) -> None:
    store(
        sessions,
        [
            # two sections about 无锡 in one article: it counts once under 无锡
            _doc(1, [_sec("无锡", "宜兴"), _sec("无锡", "江阴"), _sec("苏州")]),
            _doc(2, [_sec("无锡")], day=2),
            _doc(3, [_sec(None)], day=None),
            _doc(4, []),
        ],
    )
    assert _assert_agree(sessions) == [("无锡", 2), ("苏州", 1)]
    with sessions() as session:
        assert count_by(session, ArticleQuery(), "day") == [
            ("2023-02-01", 2),
            ("2023-02-02", 1),
            (None, 1),
        ]
    # re-extracted: other sections, another day
    store(sessions, [_doc(1, [_sec("苏州"), _sec("南京")], day=3)])
    assert _assert_agree(sessions) == [("南京", 1), ("无锡", 1), ("苏州", 1)]
    with sessions.begin() as session:
        session.execute(delete(Article).where(Article.url == "http://site.test/2.html"))
        # a section deleted or moved on its own, as other code might
        session.execute(delete(Section).where(Section.city == "南京"))
        session.execute(update(Section).where(Section.city == "苏州").values(city="扬州"))
        session.execute(update(Article).values(published_at=None).where(Article.title == "标题4"))
    assert _assert_agree(sessions) == [("扬州", 1)]
    with sessions() as session:
        assert count_by(session, ArticleQuery(), "day") == [("2023-02-03", 1), (None, 2)]


def test_a_rolled_back_store_leaves_the_counts(pg_url: str) -> None:
    """(PostgreSQL: pysqlite commits a savepoint's release when no transaction was begun.)"""
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, [_doc(1, [_sec("无锡")])])
    with sessions() as session:
        save_article(
            session,
            _doc(2, [_sec("无锡")]),
            raw_html=b"",
            content_type=None,
            fetched_url="http://site.test/2.html",
            site=None,
            extractor_version=1,
        )
        session.flush()
        session.rollback()
    assert _assert_agree(sessions) == [("无锡", 1)]
    engine.dispose()


def test_a_bulk_loaded_archive_is_counted_when_opened(db_url: str) -> None:
    """Rows written without the triggers (a bulk load into bare tables, as bench/query.py
    does) are counted once the archive is opened."""
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    when = datetime(2023, 2, 1, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Article),
            [
                {
                    "id": i,
                    "url": f"http://bulk.test/{i}",
                    "fetched_url": f"http://bulk.test/{i}",
                    "title": "t",
                    "source": "镇江日报",
                    "published_at": when,
                    "body": "b",
                    "breadcrumb": [],
                    "keywords": [],
                    "content_hash": 1,
                    "raw_html": b"",
                    "extractor_version": 1,
                }
                for i in (1, 2, 3)
            ],
        )
        conn.execute(
            insert(Section),
            [
                {"article_id": a, "position": p, "label": c, "city": c, "heading": "", "text": ""}
                for a, p, c in ((1, 0, "南京"), (1, 1, "南京"), (2, 0, "南京"), (3, 0, "常州"))
            ],
        )
    install_search(engine)
    sessions = sessionmaker(engine)
    assert _assert_agree(sessions) == [("南京", 2), ("常州", 1)]
    # reindex counts again from the articles, whatever the kept counts said
    with engine.begin() as conn:
        conn.execute(text("UPDATE search_counts SET n = 99"))
    rebuild_search(engine)
    assert _assert_agree(sessions) == [("南京", 2), ("常州", 1)]
    engine.dispose()


def test_postgresql_writers_never_wait_for_each_other_over_counts(pg_url: str) -> None:
    """While one transaction holds the counts' lock (it is folding), another stores and
    commits without waiting; its change stays a delta, which readers add, until the next
    fold (the first's, as it commits)."""
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as first:
        save_article(
            first,
            _doc(1, [_sec("无锡")]),
            raw_html=b"",
            content_type=None,
            fetched_url="u",
            site=None,
            extractor_version=1,
        )
        first.flush()
        first.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLD_LOCK})
        with sessions() as second:
            second.execute(text("SET lock_timeout = '2s'"))
            _store_in(second, _doc(2, [_sec("无锡"), _sec("常州")]))
            second.commit()
        with sessions() as reader:
            assert count_by(reader, ArticleQuery(), "city") == [("常州", 1), ("无锡", 1)]
            assert reader.scalar(text("SELECT count(*) FROM search_count_deltas")) == 3
        first.commit()
    with sessions() as reader:
        assert reader.scalar(text("SELECT count(*) FROM search_count_deltas")) == 0
    assert _assert_agree(sessions) == [("无锡", 2), ("常州", 1)]
    engine.dispose()


def _store_in(session: Session, article: Extracted) -> None:
    save_article(
        session,
        replace(article),
        raw_html=b"",
        content_type=None,
        fetched_url=article.url or "",
        site=None,
        extractor_version=1,
    )
    session.flush()


def test_undated_articles_come_last_in_day_counts_on_every_path(
    sessions: sessionmaker[Session],
) -> None:
    """Days are listed oldest first and undated articles last, whether the counts are kept
    or counted from a filter's matches, on both backends (SQLite sorts NULL first)."""
    store(sessions, [_doc(1, [], day=2), _doc(2, [], day=None), _doc(3, [], day=1)])
    expected = [("2023-02-01", 1), ("2023-02-02", 1), (None, 1)]
    with sessions() as session:
        assert count_by(session, ArticleQuery(), "day") == expected
        assert count_by(session, ArticleQuery(source="镇江日报"), "day") == expected


def test_recounting_while_a_crawl_stores_counts_each_article_once(pg_url: str) -> None:
    """``newsmon reindex`` counts again while workers store (PostgreSQL): an article
    committed between the recount's statements, while another worker folds, is counted
    once (its change stays a delta, which must not be added to a count that holds it)."""
    import threading

    from storage.search.counts import recount

    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, [_doc(1, [_sec("无锡")])])
    writer = threading.Thread(target=store, args=(sessions, [_doc(2, [_sec("无锡")])]))

    class Conn:
        """The recount's connection; a worker stores and commits after its first statement."""

        def __init__(self, conn: object) -> None:
            self.conn = conn

        def __getattr__(self, name: str) -> object:
            return getattr(self.conn, name)

        def exec_driver_sql(self, sql: str, *args: object) -> object:
            result = self.conn.exec_driver_sql(sql, *args)  # type: ignore[attr-defined]
            if not writer.is_alive() and writer.ident is None:
                writer.start()
                writer.join(timeout=2)  # waits for the recount, if the recount makes it wait
            return result

    with sessions() as folding:  # another worker folding: the writer's change stays a delta
        folding.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLD_LOCK})
        with engine.begin() as conn:
            recount(Conn(conn))  # type: ignore[arg-type]
        writer.join(timeout=30)
        folding.commit()
    assert not writer.is_alive()
    assert _assert_agree(sessions) == [("无锡", 2)]
    engine.dispose()
