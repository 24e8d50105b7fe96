"""A batch stored in multi-row statements (storage/bulk.py): every article gets its own id and
sections, and the search index holds and answers exactly what it would made from scratch."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from storage import Article, Section
from storage.repository import ToSave, save_articles
from storage.search import ArticleQuery, count_by, rebuild_search, search_articles
from storage.search.grams import CITY_MARK, HEX_MARK

T0 = datetime(2024, 3, 1, tzinfo=UTC)
CITIES = ["无锡", "苏州", "镇江", "Wuxi", None, ""]
ALPHABET = "无锡宜兴营商环境江南苏州aB1 ，。"
TERMS = ["无锡", "锡", "营商环境", "苏州", "a", "b1", "宜兴江", "南苏", "商，环", "1第"]


def _doc(rng: random.Random, n: int, version: int) -> Extracted:
    sections = [
        ExtractedSection("", rng.choice(CITIES), None, "标题", "正文", [])
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4]))
    ]
    return Extracted(
        url=f"http://site.test/{n}.html",
        title=f"第{n}篇{version}" + "".join(rng.choice(ALPHABET) for _ in range(4)),
        published_at=T0 + timedelta(hours=rng.randint(0, 500)),
        source=None,
        author=None,
        site_name=None,
        breadcrumb=[],
        body="".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))),
        sections=sections,
        keywords=[],
    )


def _batch(docs: list[Extracted], day: int) -> list[ToSave]:
    now = T0 + timedelta(days=day)
    return [ToSave(d, b"", "text/html", d.url or "", "t", 1, now) for d in docs]


def _has(doc: Extracted, term: str) -> bool:
    return term.lower() in doc.title.lower() or term.lower() in doc.body.lower()


def _postings(session: Session) -> set[tuple[str, int, int | None]]:
    """The index's postings, (token, article id, position); a city token's position depends
    on whether a trigger on sections or a rebuild wrote it, so cities are compared without."""
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.batch_vocab "
            "USING fts5vocab(main, articles_grams, 'instance')"
        )
    )
    rows = session.execute(text("SELECT term, doc, offset FROM temp.batch_vocab")).all()
    city = (CITY_MARK, HEX_MARK)
    return {(t, int(doc), None if t.startswith(city) else int(off)) for t, doc, off in rows}


def test_a_batch_stores_each_article_with_its_own_sections_and_index(
    sessions: sessionmaker[Session],
) -> None:
    rng = random.Random(17)
    latest = {n: _doc(rng, n, 0) for n in range(1, 121)}
    statements: list[str] = []
    engine = sessions.kw["bind"]

    def record(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    with sessions.begin() as session:
        save_articles(session, _batch(list(latest.values()), 0))
    # one statement for the new articles and one for their sections (row by row, each
    # article's postings became a segment of FTS5's own on SQLite)
    inserts = [
        s for s in statements if s.startswith(("INSERT INTO articles", "INSERT INTO sections"))
    ]
    assert len(inserts) == 2, [(s[:40], s.count("), (")) for s in inserts]
    event.remove(engine, "before_cursor_execute", record)
    # a second batch: new articles, re-extractions (other text and sections), a URL twice
    again = [(n, _doc(rng, n, 1)) for n in (*range(100, 141), 5, 7, 130)]
    with sessions.begin() as session:
        save_articles(session, _batch([d for _n, d in again], 1))
    latest.update(again)

    with sessions() as session:
        url_of = {i: u for i, u in session.execute(sa.select(Article.id, Article.url))}
        assert sorted(url_of.values()) == sorted(d.url for d in latest.values())
        stored: dict[str, list[str | None]] = {url: [] for url in url_of.values()}
        for article_id, city in session.execute(
            sa.select(Section.article_id, Section.city).order_by(
                Section.article_id, Section.position
            )
        ):
            stored[url_of[article_id]].append(city)
        for doc in latest.values():
            assert stored[doc.url or ""] == [s.city for s in doc.sections], doc.url
        for term in TERMS:
            for city in ["无锡", "苏州", "Wuxi", "wuxi", None]:
                want = {
                    d.url
                    for d in latest.values()
                    if _has(d, term) and (city is None or any(s.city == city for s in d.sections))
                }
                page = search_articles(session, ArticleQuery(text=term, city=city, limit=500))
                assert {a.url for a in page.articles} == want, (term, city)
                assert (page.total, page.exact) == (len(want), True)
        cities = count_by(session, ArticleQuery(), "city")
        for city in ("无锡", "苏州", "镇江", "Wuxi"):
            want_n = sum(any(s.city == city for s in d.sections) for d in latest.values())
            assert dict(cities).get(city, 0) == want_n, city
        if session.get_bind().dialect.name != "sqlite":
            return
        session.execute(
            text("INSERT INTO articles_grams(articles_grams) VALUES ('integrity-check')")
        )
        kept = _postings(session)
    rebuild_search(engine)
    with sessions() as session:
        assert _postings(session) == kept
