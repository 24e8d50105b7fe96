"""A term the index cannot answer alone (three characters or more on PostgreSQL) with a city and
other filters of the row: the answers are Python's substring test, city membership and the
filters, newest first, on both backends and on both sides of the bound; on PostgreSQL each
candidate of the two GIN indexes is read once, confirmed in the same scan (query._matching),
the pairs asked as a value the planner does not see (conditions.pg_grams_match)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from storage import create_schema, make_engine
from storage.search import ArticleQuery, search_articles
from tests.support.stored import store
from tests.test_search_cities import T0, _doc, _sec
from tests.test_search_pg_pairs import _explained

_CITIES = ["无锡", "镇江", "南京"]
_SOURCES = ["新华日报", "扬子晚报", None]
_SENTENCES = [
    "无锡持续优化营商环境。",
    "召开新春第一会。",
    "营商、环境分开写。",
    "新春第一次会议。",
    "天气晴。",
]
_TERMS = ["营商环境", "新春第一会", "春第一"]


def _archive(url: str, n: int = 160) -> tuple[Any, Any]:
    engine = make_engine(url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    rng = random.Random(14)
    docs = []
    for i in range(n):
        doc = _doc(
            i,
            "".join(rng.sample(_SENTENCES, 2)),
            [_sec(c, "城区") for c in rng.sample(_CITIES, rng.choice([0, 1, 1, 2]))],
            hours=rng.randrange(24 * 30),
        )
        docs.append(replace(doc, source=rng.choice(_SOURCES)))
    store(sessions, docs)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return engine, sessions


def _wanted(engine: Any, q: ArticleQuery) -> list[int]:
    """Every match of ``q``, newest first, from Python's tests of the stored rows."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, title, body, source, published_at FROM articles"))
        articles = {r[0]: r for r in rows}
        places: dict[int, set[tuple[str, str]]] = {i: set() for i in articles}
        for article_id, city, district in conn.execute(
            text("SELECT article_id, city, district FROM sections")
        ):
            places[article_id].add((city or "", district or ""))
    since = q.since.replace(tzinfo=None) if q.since else None
    found = []
    for i, (_, title, body, source, when) in articles.items():
        when = (
            when.replace(tzinfo=None)
            if isinstance(when, datetime)
            else datetime.fromisoformat(when)
        )
        if q.text and q.text not in f"{title} {body}":
            continue
        if q.city and not any(
            c == q.city and (not q.district or d == q.district) for c, d in places[i]
        ):
            continue
        if q.source and source != q.source:
            continue
        if since and when < since:
            continue
        found.append((when, i))
    return [i for _, i in sorted(found, reverse=True)]


def _queries() -> list[ArticleQuery]:
    queries = []
    for term in _TERMS:
        for city in _CITIES:
            queries += [
                ArticleQuery(text=term, city=city, limit=7),
                ArticleQuery(text=term, city=city, limit=7, offset=5),
                ArticleQuery(text=term, city=city, source="新华日报", limit=7),
                ArticleQuery(text=term, city=city, since=T0 + timedelta(days=12), limit=7),
                ArticleQuery(text=term, city=city, district="城区", limit=7),
            ]
    return queries


@pytest.mark.parametrize("bound", [10_000, 6])
def test_a_long_term_in_a_city_is_answered_as_python_says(
    db_url: str, bound: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within the bound (every match counted) and beyond it (a small bound: "6+", the page
    from the walk newest first)."""
    monkeypatch.setenv("NEWSMON_SEARCH_COUNT_LIMIT", str(bound))
    engine, sessions = _archive(db_url)
    beyond = 0
    with sessions() as session:
        for q in _queries():
            want = _wanted(engine, q)
            page = search_articles(session, q)
            assert page.exact == (len(want) <= bound), q
            assert page.total == min(len(want), bound), q
            assert [a.id for a in page.articles] == want[q.offset :][: q.limit], q
            beyond += not page.exact
    if bound < 10_000:
        assert beyond > 10  # the walk was taken
    engine.dispose()


@pytest.mark.postgres
def test_a_long_term_in_a_city_reads_each_candidate_once(pg_url: str) -> None:
    """One scan of articles: the bitmaps of the pairs and of the city ANDed, the term confirmed
    as a filter of that scan (not a list of every candidate made first, then each candidate
    read again by its id to be confirmed)."""
    engine, sessions = _archive(pg_url, n=300)

    def searches(**filters: Any) -> None:
        with sessions() as session:
            for term in _TERMS:
                search_articles(session, ArticleQuery(text=term, city="镇江", **filters))

    plans = _explained(engine, searches)
    plans += _explained(engine, lambda: searches(source="新华日报"))
    assert len(plans) == 2 * len(_TERMS)
    for plan in plans:
        assert plan.count(" on articles") == 1, plan
        assert "CTE candidates" not in plan, plan
        assert "BitmapAnd" in plan, plan
        filters = [line for line in plan.splitlines() if "Filter:" in line]
        assert len(filters) == 1, plan
        assert "strpos(" in filters[0], plan
        # the pairs as a value the planner does not see (it would reckon them rare and leave
        # the city's index out): the same Bitmap Index Scan, on a parameter
        assert "Index Cond: ((newsmon_pairs(title, body))::text[] @> $" in plan, plan
    engine.dispose()
