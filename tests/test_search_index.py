"""The bigram index behind search (storage/search/grams.py, index.py), bounded totals, and the
upgrade of archives made with the trigram index of earlier versions. SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from storage import Base, create_schema, make_engine
from storage.repository import decompress
from storage.search import ArticleQuery, count_by, reprint_groups, reprint_info, search_articles
from storage.search import query as query_module
from storage.search.grams import document_grams, plan
from tests.cli import newsmon, newsmon_json
from tests.support.stored import store

T0 = datetime(2023, 2, 1, tzinfo=UTC)


def _doc(
    n: int, title: str, body: str, city: str | None = None, hours: int | None = 0
) -> Extracted:
    sections = [ExtractedSection(city, city, None, "标题", "正文", [city])] if city else []
    return Extracted(
        url=f"http://site.test/{n}.html",
        title=title,
        published_at=None if hours is None else T0 + timedelta(hours=hours),
        source=None,
        author=None,
        site_name=None,
        breadcrumb=[],
        body=body,
        sections=sections,
        keywords=[],
    )


def test_document_grams_are_pairs_within_runs_of_letters_in_the_order_of_the_text() -> None:
    assert document_grams("无锡市", "宜兴，AB c_d 无锡").split() == (
        ["无锡", "锡市", "市", "宜兴", "兴", "AB", "B", "c", "d", "无锡", "锡"]
    )
    assert document_grams(None, "") == ""


def test_a_term_plan_says_what_the_index_answers_exactly() -> None:
    two = plan("无锡")
    assert (two.fts, two.exact) == ('"无锡"', True)
    one = plan("锡")
    assert (one.fts, one.exact, one.pg_grams) == ('"锡"*', True, ())
    four = plan("营商环境")
    assert four.fts == '"营商 商环 环境"'  # a phrase: the pairs at consecutive positions
    assert four.exact
    assert four.pg_grams == ("营商", "商环", "环境")
    assert plan("100%").fts == '"10 00"'
    assert not plan("100%").exact  # two runs: 100 and %, confirmed against the text
    # a term of several runs: the phrase across them (each run's end alone), then confirmed
    assert plan("营商,环境").fts == '"营商 商 环境"'
    assert plan("a b c").fts == '"a b c"*'
    assert plan("无锡 Wuxi-2").fts == '"无锡 锡 Wu ux xi i 2"*'
    assert not plan("营商,环境").exact
    assert plan("%%").fts is None
    assert plan('a"b').fts == '"a b"*'  # quotes are never FTS5 syntax


def test_sqlite_answers_a_long_term_from_the_index_alone(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terms of three to five characters, with and without a city, and a group-by city: the
    index's positions answer them, so no article's text is searched (``instr``, which
    confirms, is replaced on the connection by one that records its calls; before migration
    0007 every candidate was confirmed), and the answers are Python's substring test, within
    and beyond the bound (beyond it, the page still comes from reading articles newest first
    and testing each). Articles holding every pair of 营商环境 apart are not matches."""
    rng = random.Random(7)
    pieces = [
        "营商环境",
        "营商",
        "环境",
        "商环",
        "新春第一会",
        "新春",
        "第一会",
        "，",
        "ENV",
        "env",
    ]
    cities = ["无锡", "镇江", None]
    docs = [
        _doc(i, f"第{i}篇", "".join(rng.choice(pieces) for _ in range(6)), cities[i % 3], i)
        for i in range(1, 120)
    ]
    docs.append(_doc(200, "apart", "营商，商环，环境", "无锡", 1))
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, docs)
    searched: list[object] = []

    def instr(haystack: str | None, needle: str | None) -> int | None:
        searched.append(haystack)
        return None if haystack is None or needle is None else haystack.find(needle) + 1

    def want(term: str, city: str | None) -> list[str]:
        hits = [
            d
            for d in docs
            if (term.lower() in d.title.lower() or term.lower() in d.body.lower())
            and (city is None or any(sec.city == city for sec in d.sections))
        ]
        return [d.title for d in sorted(hits, key=lambda d: d.published_at or T0, reverse=True)]

    with sessions() as session:
        dbapi = session.connection().connection.dbapi_connection
        assert dbapi is not None
        dbapi.create_function("instr", 2, instr, deterministic=True)
        for bound in ("10000", "5"):
            monkeypatch.setenv(query_module.COUNT_LIMIT_ENV, bound)
            for term in ("营商环境", "商环境", "新春第一会", "env"):
                for city in (None, "无锡"):
                    page = search_articles(session, ArticleQuery(text=term, city=city, limit=3))
                    wanted = want(term, city)
                    assert page.total == min(len(wanted), int(bound)), (term, city)
                    assert page.exact == (len(wanted) <= int(bound))
                    assert [a.title for a in page.articles] == wanted[:3], (term, city)
            if bound == "10000":
                assert searched == []
        searched.clear()
        statements: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            by_city = dict(count_by(session, ArticleQuery(text="营商环境"), "city"))
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        # the matches' ids come from the index alone: no article row is read
        assert statements
        assert not [s for s in statements if re.search(r"\b(FROM|JOIN) articles\b(?!_)", s)]
        assert by_city == {
            c: len(want("营商环境", c)) for c in ("无锡", "镇江") if want("营商环境", c)
        }
        assert "apart" not in want("营商环境", None)
    engine.dispose()
    assert searched == []


ALPHABET = "无锡宜兴营商环境江南aAbB1 ，。%_"


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def test_every_term_length_finds_exactly_the_substrings(sessions: sessionmaker[Session]) -> None:
    """Random texts over a small alphabet, random terms of 1-5 characters: the index's answer,
    confirmed, must be exactly Python's substring test (ASCII case folded)."""
    rng = random.Random(17)
    docs = [_doc(i, _random_text(rng, 6), _random_text(rng, 40), hours=i) for i in range(1, 80)]
    store(sessions, docs)
    terms = {_random_text(rng, rng.randint(1, 5)).strip() for _ in range(150)}
    terms |= {"锡", "a", "B", "无锡", "ab", "营商环境", "1", "%", "_", "a%"}
    with sessions() as session:
        for term in sorted(t for t in terms if t and " " not in t):
            found = search_articles(session, ArticleQuery(text=term, limit=1000))
            want = {
                d.title
                for d in docs
                if term.lower() in d.title.lower() or term.lower() in d.body.lower()
            }
            assert {a.title for a in found.articles} == want, term
            assert found.total == len(want)
            assert found.exact


def test_totals_beyond_the_bound_are_a_lower_bound_and_pages_stay_right(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    cities = ["无锡", "镇江"]
    docs = [
        _doc(i, f"第{i}篇", f"关于无锡的报道{i}。", city=cities[i % 2], hours=(i * 7) % 23)
        for i in range(1, 30)
    ]
    docs.append(_doc(30, "无时间", "无锡无时间。", hours=None))
    store(sessions, docs)
    with sessions() as session:
        full = search_articles(session, ArticleQuery(text="无锡", limit=100))
        assert full.exact
        assert full.total == 30
        assert full.total_text() == "30"
        assert full.articles[-1].title == "无时间"  # undated last
        by_city_full = search_articles(session, ArticleQuery(text="无锡", city="镇江", limit=100))
        monkeypatch.setattr(query_module, "COUNT_LIMIT", 5)
        for offset in (0, 7, 25):
            page = search_articles(session, ArticleQuery(text="无锡", limit=7, offset=offset))
            assert not page.exact
            assert page.total == 5
            assert page.total_text() == "5+"
            assert [a.id for a in page.articles] == [a.id for a in full.articles][offset:][:7]
        page = search_articles(session, ArticleQuery(text="无锡", city="镇江", limit=4, offset=2))
        assert not page.exact
        assert [a.id for a in page.articles] == [a.id for a in by_city_full.articles][2:6]
        few = search_articles(session, ArticleQuery(text="无时间", limit=4))
        assert few.exact
        assert few.total == 1


def test_group_by_city_of_the_whole_archive_counts_articles_once(
    sessions: sessionmaker[Session],
) -> None:
    docs = [_doc(i, f"第{i}篇", "正文。", city="无锡" if i % 3 else "镇江") for i in range(1, 10)]
    store(sessions, docs)
    with sessions() as session:
        assert count_by(session, ArticleQuery(), "city") == [("无锡", 6), ("镇江", 3)]
        assert count_by(session, ArticleQuery(text="正文", city="镇江"), "city") == [("镇江", 3)]


def test_an_archive_with_the_old_trigram_index_is_reindexed_on_open(db_url: str) -> None:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:  # what versions before the bigram index made
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, "
                "content='articles', content_rowid='id', tokenize='trigram')"
            )
        else:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            conn.exec_driver_sql(
                "CREATE INDEX ix_articles_body_trgm ON articles USING gin (body gin_trgm_ops)"
            )
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, [_doc(1, "旧文章", "早就存下的无锡报道。")])
    create_schema(engine)
    with sessions() as session:
        assert [a.title for a in search_articles(session, ArticleQuery(text="无锡")).articles] == [
            "旧文章"
        ]
        if engine.dialect.name == "sqlite":
            names = set(session.scalars(text("SELECT name FROM sqlite_master")))
            assert "articles_grams" in names
            assert "articles_fts" not in names
        else:
            names = set(session.scalars(text("SELECT indexname FROM pg_indexes")))
            assert "ix_articles_pairs" in names
            assert "ix_articles_body_trgm" not in names
    engine.dispose()


def test_articles_are_fingerprinted_when_stored_and_no_reader_catches_up(
    sessions: sessionmaker[Session],
) -> None:
    body = "镇江市出台二十条措施，持续优化营商环境，服务企业发展，推动产业强市建设再上新台阶。" * 2
    store(
        sessions,
        [
            _doc(1, "原文", body, hours=1),
            _doc(2, "转载", body.replace("，", ", "), hours=2),  # punctuation differs
            _doc(3, "别的", "无锡召开大会，部署全年工作任务，推进重大项目建设，确保完成目标。" * 2),
        ],
    )
    with sessions() as session:
        groups = reprint_groups(session, [1, 2, 3])
        assert groups[1] == groups[2] != groups[3]
        assert session.scalar(text("SELECT count(*) FROM article_fingerprints")) == 3
        assert reprint_info(session, 2)["earliest"]["id"] == 1
    # An edit that makes it another text leaves the group, at store time too.
    store(
        sessions,
        [_doc(2, "转载", "完全不同的内容，讲的是扬州的文旅项目和运河文化带建设进展。" * 2)],
    )
    with sessions() as session:
        groups = reprint_groups(session, [1, 2])
        assert groups[1] != groups[2]


def test_db_stats_prints_bytes_by_part(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    create_schema(engine)
    store(sessionmaker(engine), [_doc(i, f"第{i}篇", "无锡的报道。" * 30) for i in range(1, 4)])
    with engine.connect() as conn:
        blob = bytes(conn.scalar(text("SELECT raw_html FROM articles LIMIT 1")))
    engine.dispose()
    assert blob[:4] == b"\x28\xb5\x2f\xfd"  # raw HTML is stored as a zstd frame
    assert decompress(blob) == b"<html></html>"
    stats = newsmon_json("db", "stats", "--format", "json", db=db_url, home=tmp_path)
    assert stats["articles"] == 3
    assert set(stats["bytes"]) == {
        "articles (rows)",
        "raw HTML",
        "sections",
        "search index",
        "other indexes",
        "other",
    }
    assert stats["bytes"]["search index"] > 0
    assert stats["bytes"]["articles (rows)"] > 0
    assert stats["bytes"]["raw HTML"] >= 3 * len(blob)
    shown = newsmon("db", "stats", db=db_url, home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "search index" in shown.stdout
    assert "3 articles" in shown.stdout


def test_long_terms_with_a_city_are_exact_whichever_side_drives(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 营商环境 in 40 articles, 3 of them in 镇江 (PostgreSQL then starts from 镇江's sections);
    # 营商环境 split apart (pairs present, term absent) in the rest: candidates, not matches.
    docs = [
        _doc(i, f"第{i}篇", "持续优化营商环境。", city="镇江" if i % 13 == 0 else "无锡", hours=i)
        for i in range(1, 41)
    ]
    docs += [_doc(40 + i, "拆开", "营商、商环、环境。", city="镇江", hours=i) for i in range(1, 5)]
    store(sessions, docs)
    with sessions() as session:
        for city, want in (
            ("镇江", [39, 26, 13]),
            ("无锡", [i for i in range(40, 0, -1) if i % 13]),
        ):
            page = search_articles(session, ArticleQuery(text="营商环境", city=city, limit=100))
            assert [int(a.title[1:-1]) for a in page.articles] == want, city
            assert (page.total, page.exact) == (len(want), True)
        monkeypatch.setenv(query_module.COUNT_LIMIT_ENV, "10")
        page = search_articles(session, ArticleQuery(text="营商环境", city="无锡", limit=5))
        assert (page.total_text(), page.exact) == ("10+", False)
        assert [int(a.title[1:-1]) for a in page.articles] == [40, 38, 37, 36, 35]
        whole = search_articles(session, ArticleQuery(text="营商环境", limit=3, offset=1))
        assert whole.total_text() == "10+"
        assert [int(a.title[1:-1]) for a in whole.articles] == [39, 38, 37]
        monkeypatch.setenv(query_module.COUNT_LIMIT_ENV, "many")
        with pytest.raises(ValueError, match="NEWSMON_SEARCH_COUNT_LIMIT"):
            search_articles(session, ArticleQuery(text="营商环境"))


def test_the_postgresql_index_build_never_lowers_maintenance_work_mem(pg_url: str) -> None:
    """The index is built with at least PG_BUILD_MEMORY; a database configured with
    more builds with its own figure."""
    import psycopg
    from sqlalchemy import event

    name = pg_url.rsplit("/", 1)[1]
    libpq = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{name}\" SET maintenance_work_mem = '1GB'")
    engine = make_engine(pg_url)
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _memory(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("CREATE INDEX IF NOT EXISTS ix_articles_pairs"):
            seen.append(conn.exec_driver_sql("SHOW maintenance_work_mem").scalar())

    create_schema(engine)
    engine.dispose()
    assert seen == ["1GB"]
