"""The one query path of ``newsmon query``, the API and the web page: filters, sorting, counts.

:func:`search_articles` and :func:`count_by` serve both backends. Terms of three
characters or more go through the trigram index where there is one (FTS5
``MATCH`` on SQLite); shorter terms, and every term where the index is missing,
are matched as substrings with ``LIKE``. All user input reaches the database as
bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    TextClause,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.orm import Session, selectinload

from storage.models import Article, ArticleFingerprint, Section, Site
from storage.search.index import has_fts

SortOrder = Literal["time", "relevance"]
GroupBy = Literal["city", "day", "source", "site"]
GROUP_BY_CHOICES: tuple[str, ...] = ("city", "day", "source", "site")

#: Shortest term the trigram indexes can answer; shorter ones are matched with LIKE.
TRIGRAM = 3
#: Weight of a hit in the title against one in the body, for relevance.
TITLE_WEIGHT = 5.0


# --------------------------------------------------------------------------- the query


@dataclass(slots=True)
class ArticleQuery:
    """Filters of ``newsmon query`` and the API; all optional, combined with AND.

    ``text`` is split on whitespace and every term must occur in the title or the
    body, as a substring (no word segmentation needed).
    """

    text: str | None = None
    city: str | None = None
    district: str | None = None
    source: str | None = None
    site: str | None = None
    #: a configured keyword the article matched (its ``keywords`` flag)
    keyword: str | None = None
    #: only articles that matched some configured keyword
    matched: bool = False
    since: datetime | None = None
    until: datetime | None = None
    sort: SortOrder = "time"
    #: one article per reprint group (the earliest copy)
    unique: bool = False
    limit: int = 50
    offset: int = 0

    def terms(self) -> list[str]:
        return list(dict.fromkeys((self.text or "").split()))


@dataclass(slots=True)
class SearchPage:
    """One page of results and the number of articles matching in all."""

    total: int
    articles: list[Article] = field(default_factory=list)


# --------------------------------------------------------------------------- building blocks


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 string: every character literal, so ``"``, ``*``, ``NEAR``,
    ``AND``, ``:`` or ``^`` in user text are searched for, never interpreted."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """A LIKE pattern finding ``term`` anywhere, with ``%``, ``_`` and ``\\`` taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_FTS = table("articles_fts", column("rowid"))


def _contains(dialect: str, term: str) -> ColumnElement[bool]:
    pattern = like_pattern(term)
    if dialect == "postgresql":
        if len(term) < TRIGRAM:
            # pg_trgm cannot narrow a pattern of under three characters: through the index it
            # would visit every entry. strpos() keeps the planner to one sequential scan.
            needle = literal(term.lower(), String)
            if term.lower() == term.upper():  # nothing to fold: skip lower() over every body
                return or_(
                    func.strpos(Article.title, needle) > 0, func.strpos(Article.body, needle) > 0
                )
            return or_(
                func.strpos(func.lower(Article.title), needle) > 0,
                func.strpos(func.lower(Article.body), needle) > 0,
            )
        if term.lower() == term.upper():
            # Nothing to case-fold (Chinese): LIKE, much cheaper than ILIKE on multibyte
            # text; pg_trgm's GIN indexes serve both.
            return or_(
                Article.title.like(pattern, escape="\\"), Article.body.like(pattern, escape="\\")
            )
        # ILIKE to match SQLite's ASCII-case-insensitive LIKE.
        return or_(
            Article.title.ilike(pattern, escape="\\"), Article.body.ilike(pattern, escape="\\")
        )
    return or_(Article.title.like(pattern, escape="\\"), Article.body.like(pattern, escape="\\"))


def _occurrences(col: Any, term: str) -> ColumnElement[Any]:
    """How many times ``term`` occurs in ``col`` (case-folded for ASCII), portable SQL."""
    folded = func.lower(col)
    needle = func.lower(literal(term, String))
    return (func.length(folded) - func.length(func.replace(folded, needle, ""))) / max(len(term), 1)


def _keyword_flag(dialect: str, keyword: str) -> ColumnElement[bool]:
    # `keywords` is a JSON array; the JSON functions compare elements exactly, whatever
    # escaping the serializer used for the stored text.
    fn = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    elements = fn(Article.keywords).table_valued("value")
    return exists(select(literal(1)).select_from(elements).where(elements.c.value == keyword))


def _any_keyword() -> ColumnElement[bool]:
    # json_array_length exists under that name on both backends.
    return func.json_array_length(Article.keywords) > 0


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


def _group_key() -> ColumnElement[int]:
    return func.coalesce(ArticleFingerprint.reprint_group, Article.id)


def _split_terms(session: Session, q: ArticleQuery) -> tuple[str | None, list[str]]:
    """(FTS5 MATCH string for the terms the trigram table can answer, terms left for LIKE)."""
    terms = q.terms()
    fts_terms = [t for t in terms if len(t) >= TRIGRAM] if has_fts(session) else []
    like_terms = [t for t in terms if t not in fts_terms]
    fts_query = " AND ".join(fts_phrase(t) for t in fts_terms) if fts_terms else None
    return fts_query, like_terms


def _fts_match(fts_query: str) -> ColumnElement[bool]:
    clause: TextClause = text("articles_fts MATCH :fts_query").bindparams(fts_query=fts_query)
    return clause.self_group()  # type: ignore[return-value]  # a boolean SQL fragment


def _score(like_terms: list[str]) -> ColumnElement[Any]:
    """Relevance without FTS5, lower is better (bm25's convention).

    Hits in the title, plus hits in the body damped by its length (as bm25 does), so a
    long round-up mentioning a term in passing does not outrank an article about it.
    """
    return -sum(
        (
            _occurrences(Article.title, t) * TITLE_WEIGHT
            + _occurrences(Article.body, t) * 1000.0 / (func.length(Article.body) + 1000.0)
            for t in like_terms
        ),
        literal(0.0),
    )


def _matching(session: Session, q: ArticleQuery) -> Select[Any]:
    """SELECT of the matching articles' ``id``, ``published_at`` and ``reprint_group``."""
    dialect = session.get_bind().dialect.name
    conditions: list[ColumnElement[bool]] = []
    stmt = select(Article.id)
    if any("\x00" in t for t in q.terms()):
        # No stored text holds a NUL, and PostgreSQL would refuse it as a parameter.
        return stmt.add_columns(
            Article.published_at.label("published_at"), Article.id.label("reprint_group")
        ).where(false())
    fts_query, like_terms = _split_terms(session, q)
    if fts_query:
        stmt = stmt.join(_FTS, _FTS.c.rowid == Article.id)
        conditions.append(_fts_match(fts_query))
    for term in like_terms:
        conditions.append(_contains(dialect, term))
    if q.city or q.district:
        # IN (subquery): one pass over the sections index, then a probe per candidate.
        sections = select(Section.article_id)
        if q.city:
            sections = sections.where(Section.city == q.city)
        if q.district:
            sections = sections.where(Section.district == q.district)
        conditions.append(Article.id.in_(sections))
    if q.source:
        conditions.append(Article.source == q.source)
    if q.site:
        conditions.append(
            or_(
                Article.site_name == q.site,
                Article.site_id.in_(select(Site.id).where(Site.name == q.site)),
            )
        )
    if q.keyword:
        conditions.append(_keyword_flag(dialect, q.keyword))
    if q.matched:
        conditions.append(_any_keyword())
    if q.since:
        conditions.append(Article.published_at >= q.since)
    if q.until:
        conditions.append(Article.published_at < q.until)
    if not q.unique:
        return stmt.add_columns(
            Article.published_at.label("published_at"), Article.id.label("reprint_group")
        ).where(true(), *conditions)
    group = _group_key()
    # With --unique, the earliest copy of each reprint group stands for the group.
    ranked = (
        stmt.add_columns(
            Article.published_at.label("published_at"),
            group.label("reprint_group"),
            func.row_number()
            .over(
                partition_by=group,
                order_by=(Article.published_at.asc().nulls_last(), Article.id.asc()),
            )
            .label("copy_no"),
        )
        .outerjoin(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        .where(true(), *conditions)
        .subquery()
    )
    return select(ranked.c.id, ranked.c.published_at, ranked.c.reprint_group).where(
        ranked.c.copy_no == 1
    )


# --------------------------------------------------------------------------- queries


def search_articles(session: Session, q: ArticleQuery) -> SearchPage:
    """The page of articles matching ``q`` (``q.limit`` from ``q.offset``) and their total.

    Sorted newest first (``time``: publication time, then id) or best match first
    (``relevance``: title hits weigh more than body hits; ties newest first).
    """
    hits = _matching(session, q).subquery("hits")
    total = int(session.scalar(select(func.count()).select_from(hits)) or 0)
    fts_query, like_terms = _split_terms(session, q)
    if q.sort == "relevance" and (fts_query or like_terms) and total:
        # Scored apart from the filtering: FTS5's bm25() only works in a plain query over the
        # FTS table, not under the window function that --unique adds.
        page = select(Article.id).where(Article.id.in_(select(hits.c.id)))
        if fts_query:
            page = page.join(_FTS, _FTS.c.rowid == Article.id).where(_fts_match(fts_query))
            score: ColumnElement[Any] = func.bm25(literal_column("articles_fts"), TITLE_WEIGHT, 1.0)
        else:
            score = _score(like_terms)
        order: tuple[Any, ...] = (
            score.asc(),
            Article.published_at.desc().nulls_last(),
            Article.id.desc(),
        )
    else:
        page = select(hits.c.id)
        order = (hits.c.published_at.desc().nulls_last(), hits.c.id.desc())
    ids = list(
        session.scalars(page.order_by(*order).limit(max(q.limit, 0)).offset(max(q.offset, 0)))
    )
    if not ids:
        return SearchPage(total=total)
    rows = session.scalars(
        select(Article).where(Article.id.in_(ids)).options(selectinload(Article.sections))
    ).all()
    by_id = {row.id: row for row in rows}
    return SearchPage(total=total, articles=[by_id[i] for i in ids if i in by_id])


def count_by(session: Session, q: ArticleQuery, by: str) -> list[tuple[str | None, int]]:
    """How many articles matching ``q`` fall under each city, day, source or site.

    An article about three cities counts once under each; with ``q.unique`` a
    reprint group counts once. Largest count first, except days: oldest first.
    """
    if by not in GROUP_BY_CHOICES:
        raise ValueError(f"cannot group by {by!r}; choose from {', '.join(GROUP_BY_CHOICES)}")
    dialect = session.get_bind().dialect.name
    hits = _matching(session, q).subquery("hits")
    counted = func.count((hits.c.reprint_group if q.unique else hits.c.id).distinct())
    if by == "city" and not q.unique:
        # Straight from the sections' (city, article_id) index, probing the matching ids.
        key: Any = Section.city
        counted = func.count(Section.article_id.distinct())
        stmt = select(key.label("key"), counted.label("n")).where(
            Section.city.is_not(None), Section.article_id.in_(select(hits.c.id))
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
        stmt = (
            select(key.label("key"), counted.label("n"))
            .select_from(hits)
            .join(Article, Article.id == hits.c.id)
        )
    stmt = stmt.group_by(key)
    order = (key.asc(),) if by == "day" else (counted.desc(), key.asc())
    return [
        (None if k is None else str(k), int(n))
        for k, n in session.execute(stmt.order_by(*order)).all()
    ]
