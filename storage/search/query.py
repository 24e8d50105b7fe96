"""The one query path of ``newsmon query``, the API and the web page: filters, sorting, counts.

:func:`search_articles` serves both backends (and :func:`storage.search.groups.count_by`). Every term of
two characters or more goes through the bigram index (storage/search/grams.py),
single characters too on SQLite; the rows the index gives are confirmed against
the text where the index alone cannot be sure. All user input reaches the
database as bound parameters.

Totals are exact up to :data:`COUNT_LIMIT`; beyond it a search says "10,000+"
(``SearchPage.exact`` is false) and takes its page by walking the articles newest
first, which is quick exactly because so many match. ``--unique`` still counts
every match (its reprint groups need them all).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    any_,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, selectinload

from storage.models import Article, ArticleFingerprint, Section, Site
from storage.search.conditions import (
    GRAMS,
    any_keyword,
    contains,
    fts_match,
    fts_phrase,
    group_key,
    keyword_flag,
    pg_city_match,
    pg_grams_match,
    place_ids,
    score,
)
from storage.search.grams import city_token, plan
from storage.search.index import GRAMS_TABLE, has_grams

SortOrder = Literal["time", "relevance"]
GroupBy = Literal["city", "day", "source", "site"]
GROUP_BY_CHOICES: tuple[str, ...] = ("city", "day", "source", "site")

#: Totals are exact up to this many matches; beyond, a search reports "COUNT_LIMIT+".
COUNT_LIMIT = 10_000
#: Environment variable that overrides :data:`COUNT_LIMIT` (a positive integer).
COUNT_LIMIT_ENV = "NEWSMON_SEARCH_COUNT_LIMIT"


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
    """One page of results and the number of articles matching in all.

    When ``exact`` is false, more than ``total`` (= :data:`COUNT_LIMIT`) articles match.
    """

    total: int
    articles: list[Article] = field(default_factory=list)
    exact: bool = True

    def total_text(self) -> str:
        """The total as people read it: ``1,234``, or ``10,000+`` beyond the bound."""
        return f"{self.total:,}" + ("" if self.exact else "+")


def count_limit() -> int:
    """The bound of exact totals: $NEWSMON_SEARCH_COUNT_LIMIT if set, else :data:`COUNT_LIMIT`."""
    raw = os.environ.get(COUNT_LIMIT_ENV, "").strip()
    if not raw:
        return COUNT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{COUNT_LIMIT_ENV} must be a positive whole number, not {raw!r}")
    return value


@dataclass(slots=True)
class _Text:
    """How the text terms of a query are answered: by the index, then confirmed."""

    #: SQLite: the FTS5 query over the bigram table
    fts: str | None = None
    #: PostgreSQL: pairs the indexed expression must contain
    pg_grams: list[str] = field(default_factory=list)
    #: terms the index cannot answer exactly: checked against the text
    confirm: list[str] = field(default_factory=list)
    #: SQLite: the city filter is part of ``fts`` (the index holds the articles' cities)
    city: bool = False
    #: SQLite: ``fts`` holds a phrase (a term of three or more characters), which costs the
    #: index more to answer than a pair: its ids are read once and carried (_index_matches)
    phrase: bool = False


def _text(session: Session, q: ArticleQuery) -> _Text:
    """How the index answers ``q``'s terms and, on SQLite, its city: the city's token joins
    the FTS5 query (unless a district is asked for too: that must be the same section's)."""
    dialect = session.get_bind().dialect.name
    found = _Text()
    fts_parts: list[str] = []
    indexed = dialect == "postgresql" or has_grams(session)
    for term in q.terms():
        p = plan(term)
        if dialect == "postgresql":
            found.pg_grams.extend(g for g in p.pg_grams if g not in found.pg_grams)
            exact = len(term) == 2 and p.pg_grams == (term.lower(),)
        else:
            exact = indexed and p.exact
            found.phrase |= exact and len(term) > 2  # one run of three or more: a phrase
            if indexed and p.fts:
                fts_parts.append(f"({p.fts})")
        if not exact:
            found.confirm.append(term)
    if dialect == "sqlite" and indexed and q.city and not q.district:
        fts_parts.append(fts_phrase(city_token(q.city)))
        found.city = True
    found.fts = " AND ".join(fts_parts) or None
    return found


def _rest(q: ArticleQuery, found: _Text) -> ArticleQuery:
    """``q`` without the filters the index answers besides the text (SQLite: the city)."""
    return replace(q, city=None) if found.city else q


def _filters(
    session: Session, q: ArticleQuery, walk: bool = False, drive: bool = False
) -> list[ColumnElement[bool]]:
    """The conditions of every filter of ``q`` but the text (callers leave out those the
    index answers: :func:`_rest`). ``walk``: for a scan newest first, where
    each row is tested in turn (the city filter as a probe, not a list to start from).
    ``drive`` (PostgreSQL): the city's article ids first, as an array the primary key is
    probed with (the planner cannot misjudge it as a hash join over every article)."""
    dialect = session.get_bind().dialect.name
    conditions: list[ColumnElement[bool]] = []
    if q.city and not q.district and dialect == "postgresql" and not drive:
        conditions.append(pg_city_match(q.city))  # the articles' cities, in their GIN index
    elif q.city or q.district:
        sections = _place_ids(q)
        if walk:
            conditions.append(exists(sections.where(Section.article_id == Article.id)))
        elif drive:
            ids = func.array(sections.scalar_subquery(), type_=ARRAY(Article.id.type))
            conditions.append(Article.id == any_(ids))
        else:
            # IN (subquery): one pass over the sections index, then a probe per candidate.
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
        conditions.append(keyword_flag(dialect, q.keyword))
    if q.matched:
        conditions.append(any_keyword())
    if q.since:
        conditions.append(Article.published_at >= q.since)
    if q.until:
        conditions.append(Article.published_at < q.until)
    return conditions


def _matching(session: Session, q: ArticleQuery, drive: bool = False) -> Select[Any]:
    """SELECT of the matching articles' ``id``, ``published_at`` and ``reprint_group``.
    ``drive``: start from the city's sections and confirm each of their articles against
    the text, without the bigram index (PostgreSQL, see :func:`_drive_from_city`)."""
    dialect = session.get_bind().dialect.name
    conditions: list[ColumnElement[bool]] = []
    stmt = select(Article.id)
    if any("\x00" in t for t in q.terms()):
        # No stored text holds a NUL, and PostgreSQL would refuse it as a parameter.
        return stmt.add_columns(
            Article.published_at.label("published_at"), Article.id.label("reprint_group")
        ).where(false())
    found = _text(session, q)
    if found.fts:
        stmt = stmt.join(GRAMS, GRAMS.c.rowid == Article.id)
        conditions.append(fts_match(found.fts))
    filters = _filters(session, _rest(q, found), drive=drive)
    on_the_row = not (q.district or q.site or q.keyword)  # no filter reads another table
    if found.pg_grams and not drive and found.confirm and filters and not on_the_row:
        # PostgreSQL: the index's candidates meet the other filters first (no text read), and
        # only those left are confirmed (left to itself, the planner confirmed every candidate
        # before the city's semi-join: 营商环境 in a city, 121 -> 40 ms at 100,000 articles).
        # Not when every filter tests the row alone (the city by ``cities``): the text is then
        # confirmed in the same bitmap scan, each candidate read once (the list was made whole
        # and each row read again by id: 营商环境 in a city at 300,000 articles, see docs).
        candidates = select(Article.id).where(pg_grams_match(found.pg_grams), *filters)
        listed = candidates.cte("candidates").prefix_with("MATERIALIZED")
        conditions.append(Article.id.in_(select(listed.c.id)))
        filters = []
    elif found.pg_grams and not drive:
        # a city's index ANDed in even when the planner would reckon a term's pairs rare
        conditions.append(pg_grams_match(found.pg_grams, unseen=bool(q.city and found.confirm)))
    if drive:
        conditions.extend(contains(dialect, term) for term in q.terms())
    else:
        conditions.extend(contains(dialect, term) for term in found.confirm)
    conditions.extend(filters)
    if not q.unique:
        return stmt.add_columns(
            Article.published_at.label("published_at"), Article.id.label("reprint_group")
        ).where(true(), *conditions)
    group = group_key()
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


def _newest_first(rows: list[Any]) -> list[int]:
    dated = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r[0]), reverse=True)
    undated = sorted((r for r in rows if r[1] is None), key=lambda r: r[0], reverse=True)
    return [r[0] for r in dated + undated]


def _walk(
    session: Session, q: ArticleQuery, found: _Text | None = None, known: str | None = None
) -> list[int]:
    """A page of matches found by reading articles newest first and testing each (for queries
    matching more than COUNT_LIMIT articles: the page fills after a few rows). SQLite, with
    the index's ``found`` (a short list): the time index alone is read, each entry's id
    probed in the index's list of ids (``+``: not read in id order), or in the ``known``
    ids of the matches (a JSON array); rows only to confirm."""
    dialect = session.get_bind().dialect.name
    conditions: list[ColumnElement[bool]]
    if found is not None and found.fts:
        listed = (
            _listed(known)
            if known is not None
            else select(GRAMS.c.rowid).where(fts_match(found.fts))
        )
        conditions = [literal_column(f"+{Article.__tablename__}.id").in_(listed)]
        conditions.extend(contains(dialect, t) for t in found.confirm)
        conditions.extend(_filters(session, _rest(q, found), walk=True))
    else:
        conditions = [contains(dialect, t) for t in q.terms()]
        conditions.extend(_filters(session, q, walk=True))
    stmt = (
        select(Article.id)
        .where(true(), *conditions)
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(max(q.limit, 0))
        .offset(max(q.offset, 0))
    )
    return list(session.scalars(stmt))


def _load(session: Session, ids: list[int]) -> list[Article]:
    if not ids:
        return []
    rows = session.scalars(
        select(Article).where(Article.id.in_(ids)).options(selectinload(Article.sections))
    ).all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def search_articles(session: Session, q: ArticleQuery) -> SearchPage:
    """The page of articles matching ``q`` (``q.limit`` from ``q.offset``) and their total.

    Sorted newest first (``time``: publication time, then id) or best match first
    (``relevance``: title hits weigh more than body hits; ties newest first). The
    total is exact up to :func:`count_limit` matches (``SearchPage.exact``).

    The total is counted first, in the database; only when it is within the bound are
    the matches' ids and times read to sort them here. Beyond the bound, the page comes
    from walking the articles newest first (it fills after a few rows, as so many match).
    """
    if q.unique:
        return _search_unique(session, q)
    bound = count_limit()
    found = _text(session, q)
    in_place = _search_in_place(session, q, found, bound)
    if in_place is not None:
        return in_place
    index = _index_matches(session, q, found, bound)
    indexed = None if index is None else index[0]
    # SQLite: the ids of all the matches, when within the bound (read from the index once)
    known = index[1] if index is not None and index[0] <= bound else None
    in_city = _city_articles(session, q) if found.confirm else None
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql and indexed is None and in_city is None and q.sort == "time":
        return _page_in_database(session, q, _matching(session, q), bound)
    limit = bound if in_city is None else max(bound, in_city)
    # The candidates of the text alone say something only without other filters, or to
    # choose which side drives (with other filters they would be counted for nothing).
    useful = found.confirm and (in_city is not None or _unfiltered(_rest(q, found), text_ok=True))
    candidates = _candidates(session, found, limit) if useful else None
    # PostgreSQL: confirm the city's articles rather than the index's candidates when the
    # city has fewer (the index cannot give ids without reading every candidate's row).
    drive = in_city is not None and candidates is not None and in_city < candidates
    matching = _matching(session, q, drive=drive)
    if postgresql and indexed is None and q.sort == "time":
        return _page_in_database(session, q, matching, bound)
    rows: list[Any] = []
    # SQLite: walk the time index probing the list of the matches' ids, when that list is
    # known to be short (the count was exact); a longer one costs more to make than the walk
    # saves.
    listed = False
    if indexed is not None and (indexed > bound or _walk_is_cheaper(session, q, found, indexed)):
        # The index alone gave the total; the page comes from walking newest first.
        exact, total = indexed <= bound, min(indexed, bound)
        walk, listed = True, indexed <= bound
    elif known is not None:
        # The index gave every match's id: their times are read by primary key.
        by_id = select(Article.id, _when(session)).where(Article.id.in_(_listed(known)))
        rows = list(session.execute(by_id))
        exact, total, walk = True, len(rows), False
    elif candidates is not None and candidates > bound and in_city is None:
        # Text alone, more candidates than the bound: count the confirmed ones in the database
        # (to bound + 1). A city's total is mostly within it: one pass confirms and reads, below.
        counted = select(func.count()).select_from(
            matching.with_only_columns(literal(1)).limit(bound + 1).subquery()
        )
        confirmed = int(session.scalar(counted) or 0)
        exact, total = confirmed <= bound, min(confirmed, bound)
        walk = not exact
        if exact:
            rows = list(session.execute(matching.with_only_columns(Article.id, _when(session))))
    else:
        # One pass over the matches: their ids and times, sorted here.
        columns = matching.with_only_columns(Article.id, _when(session))
        rows = list(session.execute(columns.limit(bound + 1)))
        exact, total = len(rows) <= bound, min(len(rows), bound)
        walk = not exact
    if q.sort == "relevance" and q.terms() and total:
        ids = _by_relevance(session, q, matching)
    elif walk:
        ids = _walk(session, q, found if listed else None, known) if total else []
    else:
        ids = _newest_first(rows)[max(q.offset, 0) :][: max(q.limit, 0)]
    return SearchPage(total=total, articles=_load(session, ids), exact=exact)


def _page_in_database(
    session: Session, q: ArticleQuery, matching: Select[Any], bound: int
) -> SearchPage:
    """PostgreSQL, newest first: the total (to bound + 1) and the page's ids in one statement,
    the matches confirmed and sorted in the database (no count of the index's candidates
    first, no rows brought here); beyond the bound, the page comes from the walk."""
    hits = matching.with_only_columns(Article.id, Article.published_at).limit(bound + 1).cte()
    page = select(hits.c.id).order_by(hits.c.published_at.desc().nulls_last(), hits.c.id.desc())
    page = page.limit(max(q.limit, 0)).offset(max(q.offset, 0))
    total_sql = select(func.count()).select_from(hits).scalar_subquery()
    ids_sql = func.array(page.scalar_subquery(), type_=ARRAY(Article.id.type))
    total, ids = session.execute(select(total_sql, ids_sql)).one()
    if total > bound:
        return SearchPage(total=bound, articles=_load(session, _walk(session, q)), exact=False)
    return SearchPage(total=int(total), articles=_load(session, list(ids)))


def _search_in_place(
    session: Session, q: ArticleQuery, found: _Text, bound: int
) -> SearchPage | None:
    """SQLite, text and a city (or district) filter, newest first: the index's rows looked up
    in the list of the city's article ids (``+rowid``: handed to FTS5 as a constraint, the
    query would run once per id), so no article row is read to count; then the matches'
    times (and text, for terms the index cannot answer alone) are read by id. None when
    this does not apply, or when more candidates than the bound need confirming."""
    if not found.fts or found.city or not (q.city or q.district) or q.sort != "time":
        return None
    if not _unfiltered(replace(q, text=None, city=None, district=None)):
        return None
    in_place = literal_column(f"+{GRAMS_TABLE}.rowid").in_(_place_ids(q))
    ids = list(
        session.scalars(
            select(GRAMS.c.rowid).where(fts_match(found.fts), in_place).limit(bound + 1)
        )
    )
    if len(ids) > bound:
        if found.confirm:
            return None
        return SearchPage(total=bound, articles=_load(session, _walk(session, q)), exact=False)
    dialect = session.get_bind().dialect.name
    rows = list(
        session.execute(
            select(Article.id, _when(session)).where(
                Article.id.in_(_listed(ids)),
                *(contains(dialect, t) for t in found.confirm),
            )
        )
    )
    page = _newest_first(rows)[max(q.offset, 0) :][: max(q.limit, 0)]
    return SearchPage(total=len(rows), articles=_load(session, page))


def _when(session: Session) -> Any:
    """published_at as stored: on SQLite ISO text, which sorts as time does, unparsed."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(Article.published_at, String)
    return Article.published_at


def _index_matches(
    session: Session, q: ArticleQuery, found: _Text, bound: int
) -> tuple[int, str | None] | None:
    """The number of matches (up to bound + 1) from the index alone, for text the index
    answers exactly and no other filter, and on SQLite for a phrase their ids (read from
    the index once: the page is then found without asking it again); None otherwise.
    SQLite reads no article row; PostgreSQL's bitmap scan skips the pages it knows to be
    all visible.

    (With a city filter too, SQLite could count from the index and the city's ids alone,
    ``+rowid IN (...)``; measured on 100,000 articles that cost 42 ms for 无锡 in one city
    against 75 ms for the one pass that also reads the matches' times, which it would then
    still need: it saves only when more than the bound match.)"""
    if not _unfiltered(_rest(q, found), text_ok=True) or found.confirm:
        return None
    if found.phrase and found.fts:
        # One row: the count and the ids as a JSON array (10,001 ids as Python rows of the
        # ORM's cursor cost 20-30 ms at 1,000,000 articles; as one JSON text, ~1 ms).
        ids = select(GRAMS.c.rowid).where(fts_match(found.fts)).limit(bound + 1).subquery()
        counted, listed = session.execute(
            select(func.count(), func.json_group_array(ids.c.rowid)).select_from(ids)
        ).one()
        return int(counted or 0), str(listed)
    # Pairs alone: counting and asking again for the page costs less than carrying the ids
    # (at 1,000,000 articles 无锡 took 12-16 ms that way against 5 ms).
    count = _candidates(session, found, bound)
    return None if count is None else (count, None)


def _index_only(session: Session, q: ArticleQuery) -> Select[Any] | None:
    """SQLite: SELECT of the ids of the articles matching ``q`` from the index alone, when it
    answers the text (and the city) exactly and no other filter applies; None otherwise."""
    found = _text(session, q)
    if not found.fts or found.confirm or q.unique:
        return None
    if not _unfiltered(_rest(q, found), text_ok=True):
        return None
    return select(GRAMS.c.rowid).where(fts_match(found.fts))


def _listed(ids: list[int] | str) -> Select[Any]:
    """SQLite: SELECT of the given ids, from one parameter (a JSON array, or its text)."""
    array = ids if isinstance(ids, str) else json.dumps(ids)
    listed = func.json_each(literal(array, String)).table_valued("value")
    return select(listed.c.value)


def _place_ids(q: ArticleQuery) -> Select[Any]:
    return place_ids(q.city, q.district)


def _candidates(session: Session, found: _Text, bound: int) -> int | None:
    """How many articles the index names for the text (up to ``bound`` + 1), before they
    are confirmed against it; None when the index cannot help."""
    if found.fts:
        candidates = select(literal(1)).select_from(GRAMS).where(fts_match(found.fts))
    elif found.pg_grams:
        candidates = select(literal(1)).select_from(Article).where(pg_grams_match(found.pg_grams))
    else:
        return None
    counted = select(func.count()).select_from(candidates.limit(bound + 1).subquery())
    return int(session.scalar(counted) or 0)


def _city_articles(session: Session, q: ArticleQuery) -> int | None:
    """PostgreSQL with a district filter, sorted by time: how many articles it has (read from
    the sections index alone); None otherwise."""
    if not q.district or q.sort != "time" or session.get_bind().dialect.name != "postgresql":
        return None  # a city alone is intersected with the text in the indexes
    sections = _place_ids(q).distinct()
    return int(session.scalar(select(func.count()).select_from(sections.subquery())) or 0)


#: SQLite: time index entries a walk reads for the cost of one article row (0.3 / 2.5 µs).
_INDEX_WALK_RATIO = 8


def _walk_is_cheaper(session: Session, q: ArticleQuery, found: _Text, matches: int) -> bool:
    """Whether reading articles newest first fills the page in fewer rows than reading every
    match would (expected rows walked: the page's end times articles per match). SQLite,
    a short list of ids: the walk reads index entries, several for the cost of a row."""
    if not matches:
        return False
    articles = int(session.scalar(select(func.max(Article.id))) or 0)
    walked = (max(q.offset, 0) + max(q.limit, 0)) * articles / matches
    if found.fts and matches <= count_limit():
        return walked < matches * _INDEX_WALK_RATIO
    return walked < matches / 2


def _by_relevance(session: Session, q: ArticleQuery, matching: Select[Any]) -> list[int]:
    hits = matching.subquery("hits")
    page = select(Article.id).where(Article.id.in_(select(hits.c.id)))
    order = (
        score(q.terms(), session.get_bind().dialect.name).asc(),
        Article.published_at.desc().nulls_last(),
        Article.id.desc(),
    )
    return list(
        session.scalars(page.order_by(*order).limit(max(q.limit, 0)).offset(max(q.offset, 0)))
    )


def _search_unique(session: Session, q: ArticleQuery) -> SearchPage:
    """``--unique``: one article per reprint group, counted exactly."""
    matching = _matching(session, q)
    hits = matching.subquery("hits")
    total = int(session.scalar(select(func.count()).select_from(hits)) or 0)
    if q.sort == "relevance" and q.terms() and total:
        ids = _by_relevance(session, q, matching)
    else:
        order = (hits.c.published_at.desc().nulls_last(), hits.c.id.desc())
        page = select(hits.c.id).order_by(*order)
        ids = list(session.scalars(page.limit(max(q.limit, 0)).offset(max(q.offset, 0))))
    return SearchPage(total=total, articles=_load(session, ids))


def _unfiltered(q: ArticleQuery, text_ok: bool = False) -> bool:
    return not (
        (q.terms() and not text_ok)
        or q.city
        or q.district
        or q.source
        or q.site
        or q.keyword
        or q.matched
        or q.since
        or q.until
        or q.unique
    )
