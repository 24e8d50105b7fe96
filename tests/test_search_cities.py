"""The SQLite index's city tokens (storage/search/index.py, migration 0005): each article's row
holds its pairs and its sections' cities through every change; a city filter finds exactly the
articles with a section about the city, on both backends."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from storage import Article, Section, create_schema, make_engine
from storage.migrate import head_revision, upgrade
from storage.repository import ToSave, save_articles
from storage.search import (
    ArticleQuery,
    count_by,
    install_search,
    rebuild_search,
    search_articles,
)
from storage.search import query as query_module
from storage.search.grams import city_token, document_grams, index_row
from storage.search.index import city_token_sql
from tests.cli import newsmon, newsmon_json
from tests.support.stored import store, store_before_0011

T0 = datetime(2023, 2, 1, tzinfo=UTC)
_RUN = re.compile(r"[^\W_]+")
_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _tokens(grams: str) -> list[str]:
    return grams.split()


def test_a_city_token_is_one_token_of_its_own_and_never_a_pair() -> None:
    assert city_token("无锡") == "§无锡"
    # ASCII would be split or case-folded by the tokenizer: such names are spelled in hex
    assert city_token("Wuxi") != city_token("wuxi")
    assert re.fullmatch(r"¶[0-9a-f]+", city_token("无锡 new"))
    for name in ("无锡", "Wuxi", "a-b", "无锡市"):
        token = city_token(name)
        assert len(token.split()) == 1
        assert not _RUN.fullmatch(token)  # a pair or a character is letters and digits only
    row = index_row("无锡", "江阴", '["无锡", "无锡", null, ""]')
    assert sorted(row.split()) == sorted(["无锡", "锡", "江阴", "阴", "§无锡"])
    assert index_row(None, None, "[]") == ""
    assert index_row(None, None, '["苏州"]') == "§苏州"


def test_the_triggers_spell_a_city_token_as_python_does(sqlite_url: str) -> None:
    """The triggers on sections make the token in SQL (no function of newsmon's needed)."""
    engine = make_engine(sqlite_url)
    names = ["无锡", "Wuxi", "wuxi", "无锡 new", "a-b", "é", "无锡\x7f", "\x01锡", "😀", "¶", "§"]
    rng = random.Random(3)
    names += ["".join(rng.choice("无锡aZ -é😀\x7f\u3000") for _ in range(4)) for _ in range(200)]
    with engine.connect() as conn:
        for name in names:
            made = conn.scalar(text(f"SELECT {city_token_sql(':c')}"), {"c": name})
            # the tokenizer folds ASCII case: hex() spells capitals, Python small letters
            assert made.translate(_ASCII_FOLD) == city_token(name), name
    engine.dispose()


def _sec(city: str | None, district: str | None = None) -> ExtractedSection:
    return ExtractedSection((city or "") + (district or ""), city, district, "标题", "正文", [])


def _doc(n: int, body: str, sections: list[ExtractedSection], hours: int = 0) -> Extracted:
    return Extracted(
        url=f"http://site.test/{n}.html",
        title=f"第{n}篇",
        published_at=T0 + timedelta(hours=hours),
        source=None,
        author=None,
        site_name=None,
        breadcrumb=[],
        body=body,
        sections=sections,
        keywords=[],
    )


def _index(session: Session) -> set[tuple[str, int]]:
    """What the FTS5 table holds: (token, article id) pairs, read from its vocabulary."""
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.grams_vocab USING fts5vocab(main, articles_grams, 'instance')"
        )
    )
    return {
        (term, int(doc))
        for term, doc in session.execute(text("SELECT term, doc FROM temp.grams_vocab"))
    }


def _wanted(session: Session) -> set[tuple[str, int]]:
    """What it should hold, from the articles and sections as they are."""
    cities: dict[int, set[str]] = {}
    for article_id, city in session.execute(sa.select(Section.article_id, Section.city)):
        if city:
            cities.setdefault(article_id, set()).add(city)
    wanted = set()
    for article_id, title, body in session.execute(
        sa.select(Article.id, Article.title, Article.body)
    ):
        # the ascii tokenizer folds ASCII letters, and only those
        tokens = set(_tokens(document_grams(title, body).translate(_ASCII_FOLD)))
        tokens |= {city_token(c) for c in cities.get(article_id, ())}
        wanted |= {(t, article_id) for t in tokens}
    return wanted


def _check(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert session.execute(
            text("INSERT INTO articles_grams(articles_grams) VALUES ('integrity-check')")
        )
        assert _index(session) == _wanted(session)


def test_each_row_holds_its_pairs_and_cities_through_every_change(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(
        sessions,
        [
            _doc(1, "无锡召开大会。", [_sec("无锡", "宜兴"), _sec("无锡", "江阴"), _sec("苏州")]),
            _doc(2, "镇江的报道。", [_sec("镇江")]),
            _doc(3, "没有城市。", [_sec(None), _sec("")]),
            _doc(4, "Wuxi 与 wuxi。", [_sec("Wuxi"), _sec("wuxi")]),
        ],
    )
    _check(sessions)
    # the crawl's batch path: new rows and a re-extraction (other body, other sections)
    now = T0 + timedelta(days=1)
    with sessions.begin() as session:
        save_articles(
            session,
            [
                ToSave(
                    _doc(n, body, secs), b"", "text/html", f"http://site.test/{n}.html", "t", 1, now
                )
                for n, body, secs in (
                    (5, "南京的新闻。", [_sec("南京"), _sec("南京")]),
                    (1, "改过的正文，讲常州。", [_sec("常州"), _sec("无锡")]),
                    (6, "扬州。", []),
                )
            ],
        )
    _check(sessions)
    with sessions.begin() as session:
        session.execute(delete(Article).where(Article.url == "http://site.test/2.html"))
        session.execute(delete(Section).where(Section.city == "南京").where(Section.position == 0))
    _check(sessions)
    with sessions.begin() as session:
        session.execute(delete(Section).where(Section.city == "南京"))
        session.execute(update(Section).where(Section.city == "常州").values(city="泰州"))
        moved = session.scalar(sa.select(Section.id).where(Section.city == "wuxi"))
        six = session.scalar(sa.select(Article.id).where(Article.url == "http://site.test/6.html"))
        session.execute(update(Section).where(Section.id == moved).values(article_id=six))
        session.execute(update(Article).where(Article.id == six).values(title="扬州新闻"))
        session.execute(update(Section).where(Section.city == "无锡").values(district="锡山"))
    _check(sessions)
    # other code, without foreign keys: a section of no article, then that article's row
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(
            sa.insert(Section).values(
                article_id=999, position=0, label="", city="南通", heading="", text="", places=[]
            )
        )
        conn.commit()
    _check(sessions)
    with sessions.begin() as session:
        session.execute(
            sa.insert(Article).values(
                id=999,
                url="http://site.test/999.html",
                fetched_url="",
                title="后来的文章",
                body="南通。",
                breadcrumb=[],
                keywords=[],
                content_hash=9,
                raw_html=b"",
                extractor_version=1,
                first_seen_at=T0,
                fetched_at=T0,
                updated_at=T0,
            )
        )
    _check(sessions)
    with sessions() as session:
        assert search_articles(session, ArticleQuery(text="南通", city="南通")).total == 1
        found = search_articles(session, ArticleQuery(text="扬州", city="wuxi"))
        assert [a.title for a in found.articles] == ["扬州新闻"]
        assert search_articles(session, ArticleQuery(city="Wuxi")).total == 1
        assert search_articles(session, ArticleQuery(city="南京")).total == 0
    # `newsmon reindex` makes the same index from scratch
    with sessions() as session:
        before = _index(session)
    rebuild_search(engine)
    _check(sessions)
    with sessions() as session:
        assert _index(session) == before
    engine.dispose()


CITIES = ["无锡", "镇江", "苏州", "Wuxi", "wuxi"]
DISTRICTS = [None, "宜兴", "江阴"]


def _matches(term: str, doc: Extracted) -> bool:
    return term.lower() in doc.title.lower() or term.lower() in doc.body.lower()


def _in_place(doc: Extracted, city: str | None, district: str | None) -> bool:
    return any(
        (city is None or s.city == city) and (district is None or s.district == district)
        for s in doc.sections
    )


def test_a_city_filter_finds_exactly_the_articles_with_a_section_there(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random bodies and sections, random terms of 1-5 characters, every city (and district):
    the search's answer is the articles with the term and a section about the city (the same
    section for a district), on every path (exact totals, bounded ones, relevance, unique)."""
    rng = random.Random(5)
    alphabet = "无锡宜兴营商环境江南aAbB1 ，。"
    docs = []
    for n in range(1, 90):
        body = "".join(rng.choice(alphabet) for _ in range(40))
        sections = [
            _sec(rng.choice([*CITIES, None]), rng.choice(DISTRICTS))
            for _ in range(rng.randint(0, 3))
        ]
        docs.append(_doc(n, body, sections, hours=rng.randint(0, 200)))
    store(sessions, docs)
    terms = [None, "无锡", "锡", "营商环境", "a", "宜兴江"]
    terms += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))).strip() or None
        for _ in range(6)
    ]
    with sessions() as session:
        for term in terms:
            for city in [*CITIES, "南京", None]:
                for district in (None, "宜兴"):
                    if city is None and district is None:
                        continue
                    want = {
                        d.title
                        for d in docs
                        if (term is None or _matches(term, d)) and _in_place(d, city, district)
                    }
                    q = ArticleQuery(text=term, city=city, district=district, limit=1000)
                    for sort in ("time", "relevance"):
                        page = search_articles(session, replace(q, sort=sort))
                        assert {a.title for a in page.articles} == want, (term, city, district)
                        assert (page.total, page.exact) == (len(want), True)
                    # short pages (walked newest first when that reads less): the same order
                    order = [a.id for a in search_articles(session, q).articles]
                    for offset in (0, 2):
                        short = search_articles(session, replace(q, limit=3, offset=offset))
                        assert [a.id for a in short.articles] == order[offset : offset + 3]
                        assert short.total == len(want)
                    unique = search_articles(session, replace(q, unique=True))
                    assert {a.title for a in unique.articles} <= want
                    assert count_by(session, q, "city") == count_by(
                        session, replace(q, since=T0 - timedelta(days=1)), "city"
                    )
        # a bound of 3: totals say "3+", and the pages are still the newest matches, in order
        monkeypatch.setenv(query_module.COUNT_LIMIT_ENV, "3")
        for term, city in (("锡", "无锡"), (None, "镇江"), ("营商", "苏州")):
            want_all = search_articles(session, ArticleQuery(text=term, city=city, limit=1000))
            monkeypatch.delenv(query_module.COUNT_LIMIT_ENV)
            full = search_articles(session, ArticleQuery(text=term, city=city, limit=1000))
            monkeypatch.setenv(query_module.COUNT_LIMIT_ENV, "3")
            page = search_articles(session, ArticleQuery(text=term, city=city, limit=4, offset=1))
            assert [a.id for a in page.articles] == [a.id for a in full.articles][1:5]
            assert page.total == min(full.total, 3)
            assert page.exact == (full.total <= 3)
            assert want_all.total == page.total


def test_a_group_by_of_a_search_counts_each_match_once_under_each_of_its_cities(
    sessions: sessionmaker[Session],
) -> None:
    """Random articles and sections (a city twice in one article, sections without a city,
    one whose city was set to ``''`` in SQL): the group-by city of a search (PostgreSQL: from
    ``articles.cities``, with the ``''`` sections from the sections) is, for every term and
    filter, the matches counted once under each city of their sections, ``''`` included,
    largest count first; by day and source, each match once."""
    rng = random.Random(11)
    alphabet = "无锡宜兴营商环境江南aA ，。"
    docs = []
    for n in range(1, 70):
        body = "".join(rng.choice(alphabet) for _ in range(30))
        picked = [rng.choice([*CITIES, None]) for _ in range(rng.randint(0, 3))]
        docs.append(_doc(n, body, [_sec(c, rng.choice(DISTRICTS)) for c in picked], hours=n))
    ids = store(sessions, docs)
    blank = next(d for d in docs if any(s.city == "镇江" for s in d.sections))
    with sessions.begin() as session:  # a city emptied from a shell: counted under ''
        session.execute(
            update(Section)
            .where(Section.article_id == ids[blank.url], Section.city == "镇江")
            .values(city="")
        )
    blank.sections[:] = [
        replace(s, city="" if s.city == "镇江" else s.city) for s in blank.sections
    ]
    assert blank.sections
    with sessions() as session:
        for term in ("无锡", "锡", "营商环境", "a", "江南"):
            for city, district in ((None, None), ("无锡", None), ("苏州", "宜兴"), ("", None)):
                q = ArticleQuery(text=term, city=city or None, district=district)
                matched = [
                    d
                    for d in docs
                    if _matches(term, d) and (q.city is None or _in_place(d, city, district))
                ]
                want: dict[str, int] = {}
                for d in matched:
                    for c in {s.city for s in d.sections if s.city is not None}:
                        want[c] = want.get(c, 0) + 1
                got = count_by(session, q, "city")
                assert dict(got) == want, (term, city, district)
                assert [n for _, n in got] == sorted(want.values(), reverse=True)
                # by day (Asia/Shanghai) and source: the same matches, counted once each
                days: dict[str, int] = {}
                for d in matched:
                    assert d.published_at is not None
                    day = (d.published_at + timedelta(hours=8)).date().isoformat()
                    days[day] = days.get(day, 0) + 1
                assert count_by(session, q, "day") == sorted(days.items())
                assert count_by(session, q, "source") == ([(None, len(matched))] if matched else [])
        assert dict(count_by(session, ArticleQuery(text=blank.title), "city")).get("") == 1


#: What revision 0004's newsmon made on SQLite: the pairs only, kept by triggers on articles.
_INDEX_0004 = (
    "CREATE VIRTUAL TABLE articles_grams USING fts5("
    "grams, content='', detail=none, columnsize=0, tokenize='ascii')",
    "CREATE TRIGGER articles_grams_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_grams(rowid, grams) VALUES (new.id, newsmon_grams(new.title, new.body)); END",
    "CREATE TRIGGER articles_grams_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_grams(articles_grams, rowid, grams) "
    "VALUES ('delete', old.id, newsmon_grams(old.title, old.body)); END",
    "CREATE TRIGGER articles_grams_au AFTER UPDATE OF title, body ON articles "
    "BEGIN INSERT INTO articles_grams(articles_grams, rowid, grams) "
    "VALUES ('delete', old.id, newsmon_grams(old.title, old.body)); "
    "INSERT INTO articles_grams(rowid, grams) VALUES (new.id, newsmon_grams(new.title, new.body)); END",
)


def test_an_archive_of_revision_0004_gets_the_cities_in_its_index(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine, "0004")
    with engine.begin() as conn:
        for ddl in _INDEX_0004:
            conn.exec_driver_sql(ddl)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:  # rows as 0004's store wrote them
        for n, city in ((1, "无锡"), (2, "镇江"), (3, None)):
            article = Article(
                url=f"http://site.test/{n}.html",
                fetched_url=f"http://site.test/{n}.html",
                title=f"标题{n}",
                published_at=T0 + timedelta(hours=n),
                breadcrumb=[],
                body=f"正文{n}，无锡的报道。",
                keywords=[],
                content_hash=n,
                raw_html=b"",
                extractor_version=1,
                first_seen_at=T0,
                fetched_at=T0,
                updated_at=T0,
            )
            session.add(article)
            if city:  # the table of revision 0004 (its text NOT NULL, no offsets), in SQL
                session.flush()
                session.execute(
                    text(
                        "INSERT INTO sections (article_id, position, label, city, heading, "
                        "text, places) VALUES (:id, 0, :city, :city, '', '', '[]')"
                    ),
                    {"id": article.id, "city": city},
                )
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM articles_grams('\"§无锡\"')")) == 0
    engine.dispose()

    found = newsmon_json(
        "query", "无锡", "--city", "无锡", "--format", "json", db=sqlite_url, home=tmp_path
    )

    assert [r["title"] for r in found] == ["标题1"]
    engine = make_engine(sqlite_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        assert conn.scalar(text("SELECT count(*) FROM articles_grams('\"§无锡\"')")) == 1
    _check(sessions)
    engine.dispose()


def test_an_archive_of_revision_0006_gets_positions_in_its_index(
    sqlite_url: str, tmp_path: Path
) -> None:
    """``newsmon db upgrade`` of an archive whose index has the cities but no positions
    (revision 0006): the index is made again with them, a four-character term is then
    answered by a phrase, and the index holds what the triggers would have written."""
    engine = make_engine(sqlite_url)
    upgrade(engine, "0006")
    install_search(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store_before_0011(
        sessions,
        [
            _doc(1, "无锡优化营商环境。", [_sec("无锡")]),
            _doc(2, "营商，商环，环境。", [_sec("无锡")], hours=1),  # the pairs, apart
            _doc(3, "镇江营商环境。", [_sec("镇江")], hours=2),
        ],
    )
    with engine.begin() as conn:  # the index as revision 0006's newsmon made it
        made = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'articles_grams'"))
        assert "detail=full" in made
        conn.exec_driver_sql("DROP TABLE articles_grams")
        conn.exec_driver_sql(made.replace("detail=full", "detail=none"))
        conn.exec_driver_sql(
            "INSERT INTO articles_grams(rowid, grams) SELECT a.id, newsmon_index_row(a.title, "
            "a.body, (SELECT json_group_array(DISTINCT city) FROM sections WHERE article_id = a.id)) "
            "FROM articles a"
        )
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    engine.dispose()

    newsmon("db", "upgrade", db=sqlite_url, home=tmp_path)

    engine = make_engine(sqlite_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        made = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'articles_grams'"))
        assert "detail=full" in made
        phrase = "SELECT rowid FROM articles_grams WHERE articles_grams MATCH :q ORDER BY rowid"
        assert conn.scalars(text(phrase), {"q": '"营商 商环 环境"'}).all() == [1, 3]
    _check(sessions)
    with sessions() as session:
        found = search_articles(session, ArticleQuery(text="营商环境", city="无锡"))
        assert [a.id for a in found.articles] == [1]
    engine.dispose()
