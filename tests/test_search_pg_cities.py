"""PostgreSQL: the articles' cities on their rows, in a GIN index a city filter is answered
from (storage/search/cities.py, migration 0009): the column follows the sections however they
change, a store writes each row once, answers equal Python's substring test and city
membership, and the plans ask the cities' index instead of the sections."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from storage import Section, create_schema, make_engine
from storage.migrate import head_revision, upgrade
from storage.search import ArticleQuery, count_by, search_articles
from tests.cli import newsmon
from tests.support.stored import store, store_before_0011
from tests.test_search_cities import _doc, _sec
from tests.test_search_pg_pairs import _explained

pytestmark = pytest.mark.postgres

_CITIES = ["无锡", "镇江", "常州", "南京"]
_TERMS = ["无锡", "营商", "营商环境", "新春第一会", "第一"]
_SENTENCES = [
    "无锡持续优化营商环境。",
    "召开新春第一会。",
    "营商、环境分开写。",
    "天气晴。",
    "第一次。",
]


def _check(engine: Any) -> dict[int, list[str]]:
    """Every article's ``cities`` equals its sections' distinct cities (sorted); returned."""
    with engine.connect() as conn:
        column = {i: list(c) for i, c in conn.execute(text("SELECT id, cities FROM articles"))}
        rows = conn.execute(text("SELECT article_id, city FROM sections WHERE city <> ''")).all()
    want: dict[int, set[str]] = {i: set() for i in column}
    for article_id, city in rows:
        want[article_id].add(city)
    assert column == {i: sorted(c) for i, c in want.items()}
    return column


def _answers_agree(engine: Any, cities: dict[int, list[str]]) -> None:
    """Each term with each city is answered as Python's substring test and membership say."""
    with engine.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, title || ' ' || body FROM articles")).all())
    sessions = sessionmaker(engine)
    with sessions() as session:
        for term in _TERMS:
            for city in _CITIES:
                want = {i for i, t in texts.items() if term in t and city in cities[i]}
                page = search_articles(session, ArticleQuery(text=term, city=city, limit=1000))
                assert {a.id for a in page.articles} == want, (term, city)
                assert page.total == len(want)


def _docs(n: int, seed: int) -> list[Any]:
    rng = random.Random(seed)
    return [
        _doc(
            i,
            "".join(rng.sample(_SENTENCES, 2)),
            [_sec(c) for c in rng.sample(_CITIES, rng.choice([0, 1, 1, 2]))] + [_sec(None)],
            hours=i,
        )
        for i in range(n)
    ]


def test_the_cities_column_follows_the_sections(pg_url: str) -> None:
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, _docs(6, seed=1))
    # the store wrote each row once, with its cities: no row has a second version
    with engine.connect() as conn:
        places = conn.execute(text("SELECT ctid::text FROM articles ORDER BY id")).scalars().all()
    assert places == [f"(0,{i})" for i in range(1, 7)]
    cities = _check(engine)
    _answers_agree(engine, cities)
    first = min(cities)
    with sessions.begin() as session:  # a section added later
        session.add(
            Section(article_id=first, position=9, label="扬州", city="扬州", heading="", text="")
        )
    with sessions.begin() as session:  # a city's only section removed
        section = session.query(Section).filter(Section.article_id == first + 1).first()
        if section is not None:
            session.delete(section)
    with engine.begin() as conn:  # edited in SQL: a section's city, and its article
        conn.execute(
            text("UPDATE sections SET city = '南京' WHERE article_id = :a"), {"a": first + 2}
        )
        conn.execute(
            text(
                "UPDATE sections SET article_id = :b, position = position + 100 WHERE article_id = :a AND city = '南京'"
            ),
            {"a": first + 2, "b": first + 3},
        )
        conn.execute(text("DELETE FROM articles WHERE id = :a"), {"a": first + 4})
    cities = _check(engine)
    assert "扬州" in cities[first]
    _answers_agree(engine, cities)
    # articles stored again with other text and other sections
    again = [_doc(i, "无锡新春第一会。", [_sec("常州")], hours=i) for i in range(3)]
    store(sessions, again)
    cities = _check(engine)
    assert [cities[i] for i in sorted(cities)[:3]] == [["常州"]] * 3
    _answers_agree(engine, cities)
    engine.dispose()


def test_a_city_filter_is_answered_by_the_cities_index(pg_url: str) -> None:
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, _docs(300, seed=2))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    cities = _check(engine)
    _answers_agree(engine, cities)

    def searches() -> None:
        with sessions() as session:
            for term in _TERMS:
                search_articles(session, ArticleQuery(text=term, city="镇江"))

    plans = _explained(engine, searches)
    assert plans
    for plan in plans:
        assert "ix_articles_cities" in plan, plan
        assert "sections" not in plan, plan
    assert any("BitmapAnd" in plan for plan in plans)
    engine.dispose()


def test_a_group_by_city_of_a_search_reads_the_cities_column(pg_url: str) -> None:
    """The matches' cities come from their rows, found in the same scan: the sections are
    asked only for cities spelled ``''`` (an index-only lookup), never once per match."""
    engine = make_engine(pg_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, _docs(300, seed=3))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")

    def group_bys() -> None:
        with sessions() as session:
            for term in _TERMS:
                count_by(session, ArticleQuery(text=term), "city")
                count_by(session, ArticleQuery(text=term, city="镇江"), "city")
                count_by(session, ArticleQuery(text=term), "day")

    plans = _explained(engine, group_bys)
    assert len(plans) == 3 * len(_TERMS)
    by_city = [plan for plan in plans if "to_char" not in plan]
    by_day = [plan for plan in plans if "to_char" in plan]
    assert len(by_day) == len(_TERMS)
    # by day, the matches' rows are read once, in the pass that finds them
    for plan in by_day:
        assert plan.count(" on articles") == 1, plan
    for plan in by_city:
        assert "unnest" in plan, plan
        # one scan of sections, by city: not the per-article probe of the sections' form
        assert plan.count(" on sections") == 1, plan
        assert "Index Cond: ((city)::text = ''::text)" in plan, plan
        assert "sections_article_id_position_key" not in plan, plan
    engine.dispose()


def test_db_upgrade_fills_the_cities_of_an_archive_of_revision_0008(
    pg_url: str, tmp_path: Path
) -> None:
    engine = make_engine(pg_url)
    upgrade(engine, "0008")
    sessions = sessionmaker(engine, expire_on_commit=False)
    store_before_0011(sessions, _docs(20, seed=3))
    with engine.connect() as conn:
        assert not conn.scalar(
            text(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = 'articles'::regclass "
                "AND attname = 'cities'"
            )
        )
    engine.dispose()

    upgraded = newsmon("db", "upgrade", db=pg_url, home=tmp_path)

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from 0008 to {head_revision()}" in upgraded.stdout
    engine = make_engine(pg_url)
    cities = _check(engine)
    assert sum(map(len, cities.values())) > 10
    _answers_agree(engine, cities)
    engine.dispose()
