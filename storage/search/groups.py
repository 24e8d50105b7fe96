"""Group-by counts of ``newsmon query --group-by``, the API and the web page's charts.

Over the whole archive, cities and days are read from the counts kept as articles
are written (storage/search/counts.py); otherwise the matches of the query
(storage/search/query.py) are counted.

By city on PostgreSQL, the matches' cities come from ``articles.cities`` (storage/search/
cities.py), read in the same pass as the matches are found and confirmed, instead of a probe
of the sections per match (at 1,000,000 articles the group-by city of 营商环境, 30,162
candidates, 1,075 -> 740 ms; docs/benchmarks.md, tenth pass). The answers are the sections' form's, exactly: the column leaves out a section whose
city is ``''`` (no city, as SQLite's index and the city filter read it), and the sections'
form counted such sections under ``''``, as the counts kept for the whole archive do; so
those few are still counted from the sections (an index lookup of ``city = ''``, which
finds nothing in an archive newsmon wrote: extraction never names an empty city). The
column is the sections' as of the last commit (its trigger is deferred): inside a
transaction that has just changed sections, the group-by counts them as they were. By day,
source or site, PostgreSQL likewise reads the key in that pass rather than the matches' rows
again (SQLite, whose row reads by rowid cost less, keeps the join).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Text, func, literal_column, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from storage.models import Article, Section, Site
from storage.search.cities import COLUMN as CITIES_COLUMN
from storage.search.counts import counted as counted_totals
from storage.search.query import (
    GROUP_BY_CHOICES,
    ArticleQuery,
    _index_only,
    _matching,
    _unfiltered,
)


def _site_name() -> ColumnElement[Any]:
    """The site an article is counted under: the name the page gave, else the profile's name."""
    return func.coalesce(
        Article.site_name,
        select(Site.name).where(Site.id == Article.site_id).scalar_subquery(),
    )


def _day(dialect: str) -> ColumnElement[Any]:
    """The publication day in Asia/Shanghai, as ``YYYY-MM-DD``."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", Article.published_at), "YYYY-MM-DD")
    # Stored as naive UTC text; China has kept UTC+8 without daylight saving since 1991.
    return func.date(Article.published_at, "+8 hours")


def count_by(session: Session, q: ArticleQuery, by: str) -> list[tuple[str | None, int]]:
    """How many articles matching ``q`` fall under each city, day, source or site.

    An article about three cities counts once under each; with ``q.unique`` a
    reprint group counts once. Largest count first, except days: oldest first.
    Over the whole archive, cities and days are read from the counts the archive
    keeps as articles are written (storage/search/counts.py).
    """
    if by not in GROUP_BY_CHOICES:
        raise ValueError(f"cannot group by {by!r}; choose from {', '.join(GROUP_BY_CHOICES)}")
    if by in ("city", "day") and _unfiltered(q):
        kept = counted_totals(session, by)
        if kept is not None:
            return kept
    dialect = session.get_bind().dialect.name
    hits = _matching(session, q).subquery("hits")
    counted = func.count((hits.c.reprint_group if q.unique else hits.c.id).distinct())
    if by == "city" and _unfiltered(q):
        # Every section belongs to a stored article (foreign key, cascading delete).
        key: Any = Section.city
        counted = func.count(Section.article_id.distinct())
        stmt = select(key.label("key"), counted.label("n")).where(Section.city.is_not(None))
    elif by == "city" and not q.unique and dialect == "postgresql":
        return _pg_cities(session, q)
    elif by == "city" and not q.unique:
        # The matches' sections, probed by article id. SQLite: the matches' ids straight from
        # the index when it answers the query alone (no article row is read).
        key = Section.city
        counted = func.count(Section.article_id.distinct())
        matches = _index_only(session, q)
        stmt = select(key.label("key"), counted.label("n")).where(
            Section.city.is_not(None),
            Section.article_id.in_(select(hits.c.id) if matches is None else matches),
        )
    elif by == "city":
        key = Section.city
        stmt = (
            select(key.label("key"), counted.label("n"))
            .select_from(hits)
            .join(Section, Section.article_id == hits.c.id)
            .where(Section.city.is_not(None))
        )
    else:
        key = {
            "day": _day(dialect),
            "source": Article.source,
            "site": _site_name(),
        }[by]
        if dialect == "postgresql" and not q.unique:
            # The key read in the pass that finds and confirms the matches: their rows are not
            # read a second time (营商环境 by day at 100,000 articles: 15,800 -> 6,800 buffers).
            counted = func.count()
            stmt = _matching(session, q).with_only_columns(key.label("key"), counted.label("n"))
        else:
            stmt = (
                select(key.label("key"), counted.label("n"))
                .select_from(hits)
                .join(Article, Article.id == hits.c.id)
            )
    stmt = stmt.group_by(key)
    # days: undated last on both backends, as the kept counts list them (SQLite sorts NULL first)
    order = (key.asc().nulls_last(),) if by == "day" else (counted.desc(), key.asc())
    return [
        (None if k is None else str(k), int(n))
        for k, n in session.execute(stmt.order_by(*order)).all()
    ]


def _pg_cities(session: Session, q: ArticleQuery) -> list[tuple[str | None, int]]:
    """PostgreSQL: the matches of ``q`` by city, from their ``cities`` column (module
    docstring), sections whose city is ``''`` from the sections; largest count first."""
    cities = literal_column(f"{Article.__tablename__}.{CITIES_COLUMN}", ARRAY(Text))
    hits = (
        _matching(session, q)
        .with_only_columns(Article.id, cities.label("cities"))
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )
    city = func.unnest(hits.c.cities).table_valued("city").render_derived()
    listed: Select[Any] = (
        select(city.c.city.label("key"), func.count().label("n"))
        .select_from(hits)
        .join(city, true())
        .group_by(city.c.city)
    )
    unnamed = (
        select(Section.city.label("key"), func.count(Section.article_id.distinct()).label("n"))
        .where(Section.city == "", Section.article_id.in_(select(hits.c.id)))
        .group_by(Section.city)
    )
    counts = union_all(listed, unnamed).subquery("counts")
    stmt = select(counts.c.key, counts.c.n).order_by(counts.c.n.desc(), counts.c.key.asc())
    return [(str(k), int(n)) for k, n in session.execute(stmt).all()]
