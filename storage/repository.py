"""Reading and writing the archive. Every function takes a ``Session``; the caller owns its transaction."""

from __future__ import annotations

import enum
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from w3lib.url import canonicalize_url

from crawler.extraction import Article as ExtractedArticle
from storage.models import Article, CrawlRun, Section, Site, utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SaveOutcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def canonical_url(url: str) -> str:
    """The key an article is stored under: fragment dropped, query sorted, escapes normalised."""
    return canonicalize_url(url, keep_fragments=False)


def compress(raw: bytes) -> bytes:
    return zlib.compress(raw, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def content_hash(article: ExtractedArticle) -> str:
    """Fingerprint of everything extraction produced except the URL."""
    record = article.as_record()
    record.pop("url", None)
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def get_or_create_site(session: Session, name: str) -> Site:
    site = session.scalar(select(Site).where(Site.name == name))
    if site is not None:
        return site
    try:
        with session.begin_nested():
            site = Site(name=name)
            session.add(site)
    except IntegrityError:  # another writer created it first
        site = session.scalars(select(Site).where(Site.name == name)).one()
    return site


def _apply(session: Session, row: Article, article: ExtractedArticle, digest: str) -> None:
    row.title = article.title
    row.published_at = article.published_at
    row.source = article.source
    row.author = article.author
    row.site_name = article.site_name
    row.breadcrumb = list(article.breadcrumb)
    row.body = article.body
    row.keywords = list(article.keywords)
    row.content_hash = digest
    if row.id is not None and row.sections:
        # Delete the old sections before inserting the new ones: the unit of work would
        # otherwise insert first and trip the (article_id, position) unique constraint.
        row.sections.clear()
        session.flush()
    row.sections = [
        Section(
            position=i,
            label=s.label,
            city=s.city,
            district=s.district,
            heading=s.heading,
            text=s.text,
            places=list(s.places),
        )
        for i, s in enumerate(article.sections)
    ]


@dataclass(frozen=True, slots=True)
class Saved:
    outcome: SaveOutcome
    article_id: int


def save_article(
    session: Session,
    article: ExtractedArticle,
    *,
    raw_html: bytes,
    content_type: str | None,
    fetched_url: str,
    site: str | None,
    extractor_version: int,
    fetched_at: datetime | None = None,
) -> Saved:
    """Insert the article or update the row with its canonical URL; never a second row.

    The raw bytes are kept zlib-compressed so the archive can be re-extracted
    later without fetching. A concurrent writer inserting the same URL first is
    handled by retrying as an update (the unique constraint decides).
    """
    if not article.url:
        raise ValueError("an article needs a URL to be stored")
    key = canonical_url(article.url)
    now = fetched_at or utcnow()
    digest = content_hash(article)
    site_row = get_or_create_site(session, site) if site else None
    for _attempt in range(2):
        row = session.scalar(select(Article).where(Article.url == key))
        if row is None:
            row = Article(
                url=key,
                fetched_url=fetched_url,
                site_id=site_row.id if site_row else None,
                raw_html=compress(raw_html),
                raw_content_type=content_type,
                extractor_version=extractor_version,
                first_seen_at=now,
                fetched_at=now,
                updated_at=now,
            )
            _apply(session, row, article, digest)
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                continue  # another writer stored this URL first: update its row instead
            return Saved(SaveOutcome.NEW, row.id)
        row.fetched_at = now
        row.fetched_url = fetched_url
        if row.content_hash == digest and row.extractor_version == extractor_version:
            session.flush()
            return Saved(SaveOutcome.UNCHANGED, row.id)
        row.raw_html = compress(raw_html)
        row.raw_content_type = content_type
        row.extractor_version = extractor_version
        row.updated_at = now
        if site_row is not None:
            row.site_id = site_row.id
        _apply(session, row, article, digest)
        session.flush()
        return Saved(SaveOutcome.UPDATED, row.id)
    raise RuntimeError(f"could not store {key}: it kept conflicting with another writer")


def reapply_extraction(
    session: Session, row: Article, article: ExtractedArticle, extractor_version: int
) -> bool:
    """Store a re-extraction of an archived page; return whether anything changed."""
    digest = content_hash(article)
    row.extractor_version = extractor_version
    if row.content_hash == digest:
        return False
    row.updated_at = utcnow()
    _apply(session, row, article, digest)
    session.flush()
    return True


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` (canonicalised) are already in the archive, in one query per 500."""
    keys = list({canonical_url(u) for u in urls})
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        found.update(session.scalars(select(Article.url).where(Article.url.in_(chunk))))
    return found


def iter_archive(session: Session, batch: int = 200) -> Iterator[Article]:
    """Every stored article, oldest first, in batches (for re-extraction)."""
    last = 0
    while True:
        rows = session.scalars(
            select(Article).where(Article.id > last).order_by(Article.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


# --------------------------------------------------------------------------- queries


@dataclass(slots=True)
class ArticleQuery:
    """Filters of ``newsmon query`` and the API; all optional, combined with AND."""

    text: str | None = None
    city: str | None = None
    district: str | None = None
    source: str | None = None
    site: str | None = None
    keyword: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(q: ArticleQuery) -> Select[tuple[Article]]:
    stmt = select(Article)
    if q.text:
        pattern = _like(q.text)
        stmt = stmt.where(
            or_(Article.title.like(pattern, escape="\\"), Article.body.like(pattern, escape="\\"))
        )
    if q.city or q.district:
        sec = select(Section.id).where(Section.article_id == Article.id)
        if q.city:
            sec = sec.where(Section.city == q.city)
        if q.district:
            sec = sec.where(Section.district == q.district)
        stmt = stmt.where(exists(sec))
    if q.source:
        stmt = stmt.where(Article.source == q.source)
    if q.site:
        stmt = stmt.where(or_(Article.site_name == q.site, Article.site.has(Site.name == q.site)))
    if q.keyword:
        stmt = stmt.where(Article.keywords.contains(q.keyword))
    if q.since:
        stmt = stmt.where(Article.published_at >= q.since)
    if q.until:
        stmt = stmt.where(Article.published_at < q.until)
    return stmt


def query_articles(session: Session, q: ArticleQuery) -> Sequence[Article]:
    """Articles matching ``q``, newest first (by publication time, then by id)."""
    stmt = (
        _filtered(q)
        .options(selectinload(Article.sections))
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(q.limit)
        .offset(q.offset)
    )
    return session.scalars(stmt).all()


def get_article(session: Session, ref: str | int) -> Article | None:
    """An article by id or by URL (canonicalised)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return session.get(Article, int(ref), options=[selectinload(Article.sections)])
    return session.scalar(
        select(Article)
        .where(Article.url == canonical_url(ref))
        .options(selectinload(Article.sections))
    )


def local_time(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).isoformat() if value else None


def article_record(row: Article) -> dict[str, Any]:
    """The article record of DESIGN.md for a stored row, with its ``id`` and archive times."""
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "published_at": local_time(row.published_at),
        "source": row.source,
        "author": row.author,
        "site_name": row.site_name,
        "breadcrumb": list(row.breadcrumb or []),
        "body": row.body,
        "sections": [
            {
                "label": s.label,
                "city": s.city,
                "district": s.district,
                "heading": s.heading,
                "text": s.text,
                "places": list(s.places or []),
            }
            for s in row.sections
        ],
        "keywords": list(row.keywords or []),
        "first_seen_at": local_time(row.first_seen_at),
        "fetched_at": local_time(row.fetched_at),
    }


# --------------------------------------------------------------------------- crawl runs


def start_run(session: Session, spider: str, site: str | None = None) -> CrawlRun:
    run = CrawlRun(spider=spider, site=site, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run


def list_runs(session: Session, limit: int = 20) -> Sequence[CrawlRun]:
    return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)).all()


def run_record(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "spider": run.spider,
        "site": run.site,
        "started_at": local_time(run.started_at),
        "finished_at": local_time(run.finished_at),
        "status": run.status,
        "reason": run.reason,
        "requests": run.requests,
        "responses": run.responses,
        "bytes": run.bytes,
        "articles_new": run.articles_new,
        "articles_updated": run.articles_updated,
        "articles_unchanged": run.articles_unchanged,
        "new_matches": run.new_matches,
        "errors": run.errors,
        "error_list": list(run.error_list or []),
        "stats": dict(run.stats or {}),
    }
