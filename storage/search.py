"""Searching the archive: Chinese substring search, filters, counts and reprint groups.

Chinese text has no spaces, so word tokenizers cannot find 营商环境 inside a
sentence. Both backends index character trigrams instead: SQLite an FTS5 table
with the ``trigram`` tokenizer (external content over ``articles``, kept in step
by triggers), PostgreSQL ``pg_trgm`` GIN indexes on ``title`` and ``body``.
:func:`search_articles` and :func:`count_by` are the one query path for both;
all user input reaches the database as bound parameters.

Reprints (the same body served by several sites) are found with a 64-bit SimHash
over character shingles of the body and grouped in ``article_fingerprints``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    TextClause,
    column,
    delete,
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
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload

from storage.models import Article, ArticleFingerprint, Section, Site

log = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------- installing


_FTS_DDL = (
    # External content: the text lives once, in `articles`; the index holds trigrams only.
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
    "title, body, content='articles', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    # Only a change of title or body touches the index: re-fetches that update times do not.
    "CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, body ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
_FTS_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TABLE IF EXISTS articles_fts",
)
#: For the city filter and group-by: answered from the index alone (no table rows read).
_SECTIONS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_sections_city_article ON sections (city, article_id)"
)
_PG_INDEXES = {
    "ix_articles_title_trgm": "CREATE INDEX IF NOT EXISTS ix_articles_title_trgm "
    "ON articles USING gin (title gin_trgm_ops)",
    "ix_articles_body_trgm": "CREATE INDEX IF NOT EXISTS ix_articles_body_trgm "
    "ON articles USING gin (body gin_trgm_ops)",
}

# Engines known to have the FTS5 table (only positive answers are cached: another
# process may install it later).
_fts_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_fts_lock = threading.Lock()


def install_search(engine: Engine) -> None:
    """Create the search index and its triggers if missing; index existing rows once.

    Idempotent, and safe to call from every process that opens the archive. Where
    the index cannot be made (an SQLite without FTS5 trigram, a PostgreSQL without
    pg_trgm) it logs a warning: search still works, by scanning.
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql(_SECTIONS_INDEX)
            _install_fts(conn)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg_trgm(conn)


def _install_fts(conn: Connection) -> None:
    existed = conn.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'")
    )
    try:
        for ddl in _FTS_DDL:
            conn.exec_driver_sql(ddl)
    except DBAPIError as exc:  # SQLite older than 3.34 or built without FTS5
        log.warning("no full-text index (SQLite FTS5 trigram unavailable: %s); search scans", exc)
        return
    if not existed:
        # An archive made before the index existed: index what it already holds.
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def _install_pg_trgm(conn: Connection) -> None:
    present = set(
        conn.scalars(
            text("SELECT indexname FROM pg_indexes WHERE tablename IN ('articles', 'sections')")
        ).all()
    )
    if set(_PG_INDEXES) <= present and "ix_sections_city_article" in present:
        return
    # Two processes opening a new archive at once would race on CREATE EXTENSION.
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsmon.install_search'))"))
    conn.exec_driver_sql(_SECTIONS_INDEX)
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for ddl in _PG_INDEXES.values():
                conn.exec_driver_sql(ddl)
    except DBAPIError as exc:
        first = str(exc).strip().splitlines()[0]
        log.warning("no trigram index (pg_trgm unavailable: %s); search scans", first)


def rebuild_search(engine: Engine) -> None:
    """Rebuild the search index from scratch (for an archive whose index is missing or suspect)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            for ddl in _FTS_DROP:
                conn.exec_driver_sql(ddl)
            _install_fts(conn)
        _fts_engines.discard(engine)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            _install_pg_trgm(conn)
            for name in _PG_INDEXES:
                conn.exec_driver_sql(f"REINDEX INDEX {name}")


def _has_fts(session: Session) -> bool:
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    if engine.dialect.name != "sqlite":
        return False
    with _fts_lock:
        if engine in _fts_engines:
            return True
    found = session.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'")
    )
    if found:
        with _fts_lock:
            _fts_engines.add(engine)
    return bool(found)


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
    fts_terms = [t for t in terms if len(t) >= TRIGRAM] if _has_fts(session) else []
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


# --------------------------------------------------------------------------- reprints

#: Bits of the SimHash, and how far two fingerprints may differ and still be copies.
SIMHASH_BITS = 64
REPRINT_DISTANCE = 3
#: 4 bands of 16 bits: fingerprints within distance 3 agree on at least one whole band.
BANDS = 4
SHINGLE = 3
#: Bodies shorter than this are too short for a SimHash to tell copies from look-alikes;
#: they only group with bodies equal after normalisation.
MIN_SIMHASH_CHARS = 60

_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_body(body: str) -> str:
    """The body's letters and digits only: spacing, punctuation and layout differ between copies."""
    return _NOT_TEXT.sub("", body).lower()


def simhash(body: str) -> int:
    """64-bit SimHash of the character shingles of ``body`` (unsigned).

    Each distinct 3-character shingle votes on every bit with its hash; the
    fingerprint keeps the majority. Copies differing in a few sentences differ
    in a few bits; unrelated texts in about half of them.
    """
    chars = normalise_body(body)
    if len(chars) < SHINGLE:
        shingles = {chars} if chars else set()
    else:
        shingles = {chars[i : i + SHINGLE] for i in range(len(chars) - SHINGLE + 1)}
    if not shingles:
        return 0
    digests = b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles)
    half = len(shingles) / 2
    value = 0
    # Count each byte position's values in C (Counter over a bytes slice), then read the
    # bits off those counts: far faster than 64 Python additions per shingle.
    for position in range(8):
        counts = Counter(digests[position::8])
        for bit in range(8):
            ones = sum(n for byte, n in counts.items() if byte >> bit & 1)
            if ones > half:
                value |= 1 << ((7 - position) * 8 + bit)
    return value


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(fingerprint: int) -> list[int]:
    return [(fingerprint >> (16 * i)) & 0xFFFF for i in range(BANDS)]


def _signed(value: int) -> int:
    """An unsigned 64-bit value as the signed BIGINT both backends store."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _exact_key(body: str) -> int:
    """Fingerprint of a short body: a hash of its normalised text (copies must be equal)."""
    digest = hashlib.blake2b(normalise_body(body).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def fingerprint(body: str) -> tuple[int, bool]:
    """(fingerprint, whether it is a SimHash); short bodies get an exact-text hash."""
    if len(normalise_body(body)) >= MIN_SIMHASH_CHARS:
        return simhash(body), True
    return _exact_key(body), False


def _stale_ids(session: Session, limit: int) -> list[int]:
    stmt = (
        select(Article.id)
        .outerjoin(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        .where(
            or_(
                ArticleFingerprint.article_id.is_(None),
                ArticleFingerprint.content_hash != Article.content_hash,
            )
        )
        .order_by(Article.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _assign(session: Session, article_id: int, body: str, digest: str) -> None:
    """Fingerprint one article and put it in the group of the copies it matches."""
    session.execute(delete(ArticleFingerprint).where(ArticleFingerprint.article_id == article_id))
    # The group was labelled with this article's id: relabel the copies it leaves behind,
    # or the article would still share the label (not the text) with them.
    left = session.scalar(
        select(func.min(ArticleFingerprint.article_id)).where(
            ArticleFingerprint.reprint_group == article_id
        )
    )
    if left is not None:
        session.execute(
            update(ArticleFingerprint)
            .where(ArticleFingerprint.reprint_group == article_id)
            .values(reprint_group=left)
        )
    value, is_simhash = fingerprint(body)
    parts = bands(value)
    candidates = session.execute(
        select(
            ArticleFingerprint.article_id,
            ArticleFingerprint.simhash,
            ArticleFingerprint.reprint_group,
        ).where(
            ArticleFingerprint.is_simhash == is_simhash,
            or_(
                ArticleFingerprint.band0 == parts[0],
                ArticleFingerprint.band1 == parts[1],
                ArticleFingerprint.band2 == parts[2],
                ArticleFingerprint.band3 == parts[3],
            ),
        )
    ).all()
    limit = REPRINT_DISTANCE if is_simhash else 0
    groups = {
        group for _id, other, group in candidates if hamming(_unsigned(other), value) <= limit
    }
    group = min(groups, default=article_id)
    if len(groups) > 1:
        # This copy bridges two groups: they were one all along.
        session.execute(
            update(ArticleFingerprint)
            .where(ArticleFingerprint.reprint_group.in_(groups))
            .values(reprint_group=group)
        )
    session.add(
        ArticleFingerprint(
            article_id=article_id,
            content_hash=digest,
            simhash=_signed(value),
            is_simhash=is_simhash,
            band0=parts[0],
            band1=parts[1],
            band2=parts[2],
            band3=parts[3],
            reprint_group=group,
        )
    )


def sync_reprints(session: Session, batch: int = 500) -> int:
    """Fingerprint the articles that are new or whose text changed; return how many.

    Cheap when nothing changed (one indexed anti-join), so read paths call it
    before answering. The caller commits.
    """
    done = 0
    while True:
        ids = _stale_ids(session, batch)
        if not ids:
            return done
        rows = session.execute(
            select(Article.id, Article.body, Article.content_hash).where(Article.id.in_(ids))
        ).all()
        for article_id, body, digest in rows:
            _assign(session, article_id, body, digest)
            session.flush()
        done += len(rows)


def rebuild_reprints(session: Session) -> int:
    """Forget every fingerprint and group the whole archive again."""
    session.execute(delete(ArticleFingerprint))
    session.flush()
    return sync_reprints(session)


@dataclass(frozen=True, slots=True)
class Copy:
    """One stored copy of a reprinted article."""

    id: int
    url: str
    title: str
    source: str | None
    site_name: str | None
    published_at: datetime | None

    def record(self) -> dict[str, Any]:
        from storage.repository import local_time

        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "source": self.source,
            "site_name": self.site_name,
            "published_at": local_time(self.published_at),
        }


def reprint_groups(session: Session, article_ids: Iterable[int]) -> dict[int, int]:
    """article id -> reprint group (articles never fingerprinted map to themselves)."""
    ids = list(article_ids)
    found = dict(
        session.execute(
            select(ArticleFingerprint.article_id, ArticleFingerprint.reprint_group).where(
                ArticleFingerprint.article_id.in_(ids)
            )
        ).all()
    )
    return {i: int(found.get(i, i)) for i in ids}


def copies_of(session: Session, article_id: int) -> list[Copy]:
    """Every copy in the article's reprint group, itself included, earliest first."""
    group = reprint_groups(session, [article_id])[article_id]
    rows = session.execute(
        select(
            Article.id,
            Article.url,
            Article.title,
            Article.source,
            Article.site_name,
            Article.published_at,
        )
        .outerjoin(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        .where(
            or_(
                ArticleFingerprint.reprint_group == group,
                Article.id == article_id,
            )
        )
        .order_by(Article.published_at.asc().nulls_last(), Article.id.asc())
    ).all()
    return [Copy(*row) for row in rows]


def reprint_info(session: Session, article_id: int) -> dict[str, Any]:
    """``reprint_group``, ``earliest`` copy and the ``reprints`` (the other copies) of an article."""
    copies = copies_of(session, article_id)
    group = reprint_groups(session, [article_id])[article_id]
    return {
        "reprint_group": group,
        "earliest": copies[0].record() if copies else None,
        "reprints": [c.record() for c in copies if c.id != article_id],
    }


def highlight(text_: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """``text_`` cut into (piece, is_match) runs for the terms (case-insensitive), for display."""
    needles = [t for t in terms if t]
    if not needles:
        return [(text_, False)] if text_ else []
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(needles, key=len, reverse=True)), re.I
    )
    out: list[tuple[str, bool]] = []
    last = 0
    for m in pattern.finditer(text_):
        if m.start() > last:
            out.append((text_[last : m.start()], False))
        out.append((m.group(0), True))
        last = m.end()
    if last < len(text_):
        out.append((text_[last:], False))
    return out


def snippet(body: str, terms: Sequence[str], width: int = 60) -> str:
    """A window of ``body`` around the first hit of any term (or its start)."""
    lowered = body.lower()
    hits = [p for p in (lowered.find(t.lower()) for t in terms if t) if p >= 0]
    if not hits:
        return body[: 2 * width] + ("…" if len(body) > 2 * width else "")
    start = max(min(hits) - width, 0)
    end = min(min(hits) + width, len(body))
    return (
        ("…" if start else "")
        + body[start:end].replace("\n", " ")
        + ("…" if end < len(body) else "")
    )


__all__ = [
    "GROUP_BY_CHOICES",
    "ArticleQuery",
    "Copy",
    "SearchPage",
    "count_by",
    "fts_phrase",
    "install_search",
    "rebuild_reprints",
    "rebuild_search",
    "reprint_info",
    "search_articles",
    "simhash",
    "sync_reprints",
]
