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

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from w3lib.url import canonicalize_url

from crawler.extraction import ExtractedArticle
from storage.db import dialect_insert
from storage.models import Article, CrawlRun, IgnoredUrl, Match, Section, Site, Validator, utcnow
from storage.search import ArticleQuery, fingerprint_articles, search_articles


class SaveOutcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def canonical_url(url: str) -> str:
    """The key an article is stored under: fragment dropped, query sorted, escapes normalised."""
    return canonicalize_url(url, keep_fragments=False)


class Compressed(bytes):
    """Page bytes already compressed by :func:`compress` (in an extraction worker): kept as they are."""


#: zstd level for raw HTML: as fast as zlib's level 6 was, and smaller (docs/benchmarks.md).
ZSTD_LEVEL = 9
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def compress(raw: bytes) -> bytes:
    """Raw HTML as stored: a zstd frame (kept as it is when a worker already compressed it)."""
    if isinstance(raw, Compressed):
        return bytes(raw)
    import zstandard

    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(raw)


def decompress(blob: bytes) -> bytes:
    """Stored raw HTML back: zstd frames, and the zlib streams of archives stored before zstd."""
    if blob[:4] == _ZSTD_MAGIC:
        import zstandard

        return zstandard.ZstdDecompressor().decompress(blob)
    return zlib.decompress(blob)


def content_hash(article: ExtractedArticle) -> str:
    """Fingerprint of what the page says: the record without its URL and keyword flags.

    Keywords are left out because they follow the configuration, not the page:
    a changed keyword list re-matches articles without making them "updated".
    """
    record = article.as_record()
    record.pop("url", None)
    record.pop("keywords", None)
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def get_or_create_site(session: Session, name: str) -> Site:
    site = session.scalar(select(Site).where(Site.name == name))
    if site is not None:
        return site
    # DO NOTHING when another writer created it first: the SELECT below then finds theirs.
    session.execute(
        dialect_insert(session, Site)
        .values(name=name)
        .on_conflict_do_nothing(index_elements=[Site.name])
    )
    return session.scalars(select(Site).where(Site.name == name)).one()


def _apply(session: Session, row: Article, article: ExtractedArticle, digest: str) -> None:
    row.title = article.title
    row.published_at = article.published_at
    row.source = article.source
    row.author = article.author
    row.site_name = article.site_name
    row.breadcrumb = list(article.breadcrumb)
    row.body = article.body
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
    #: keywords this article matches now and did not match before this save
    new_keywords: tuple[str, ...] = ()


def sync_matches(
    session: Session, row: Article, keywords: Sequence[str], run_id: int | None = None
) -> tuple[str, ...]:
    """Make the article's ``matches`` rows and ``keywords`` agree with ``keywords``; return the new ones."""
    row.keywords = list(keywords)
    existing = (
        set(session.scalars(select(Match.keyword).where(Match.article_id == row.id)))
        if row.id is not None
        else set()
    )
    wanted = list(dict.fromkeys(keywords))
    added = tuple(k for k in wanted if k not in existing)
    gone = existing - set(wanted)
    if gone:
        session.execute(delete(Match).where(Match.article_id == row.id, Match.keyword.in_(gone)))
    now = utcnow()
    for keyword in added:
        session.add(Match(article_id=row.id, keyword=keyword, matched_at=now, run_id=run_id))
    session.flush()
    return added


@dataclass(frozen=True, slots=True)
class ToSave:
    """One extracted article and what storing it needs."""

    article: ExtractedArticle
    raw_html: bytes
    content_type: str | None
    fetched_url: str
    site: str | None
    extractor_version: int
    fetched_at: datetime


def save_articles(
    session: Session, batch: Sequence[ToSave], run_id: int | None = None
) -> list[Saved]:
    """Insert or update a batch of articles: one lookup query and one flush for all of them.

    Rows are keyed by canonical URL, so re-storing never makes a second row (the
    same URL twice in one batch is stored once). The raw bytes are kept
    zstd-compressed so the archive can be re-extracted without fetching. New and
    changed articles are fingerprinted for reprints here, in the batch, so that no
    reader waits for it. If a
    concurrent writer inserted one of the URLs meanwhile, the flush raises
    ``IntegrityError``; the caller then stores the batch one by one with
    :func:`save_article`, which retries such a row as an update.
    """
    keys = []
    for entry in batch:
        if not entry.article.url:
            raise ValueError("an article needs a URL to be stored")
        keys.append(canonical_url(entry.article.url))
    rows = {
        row.url: row for row in session.scalars(select(Article).where(Article.url.in_(set(keys))))
    }
    sites: dict[str, Site] = {}
    results: list[tuple[SaveOutcome, Article, ToSave]] = []
    for key, entry in zip(keys, batch, strict=True):
        article, now = entry.article, entry.fetched_at
        digest = content_hash(article)
        site_row = None
        if entry.site:
            site_row = sites.get(entry.site) or get_or_create_site(session, entry.site)
            sites[entry.site] = site_row
        row = rows.get(key)
        if row is None:
            row = Article(
                url=key,
                fetched_url=entry.fetched_url,
                site_id=site_row.id if site_row else None,
                raw_html=compress(entry.raw_html),
                raw_content_type=entry.content_type,
                extractor_version=entry.extractor_version,
                first_seen_at=now,
                fetched_at=now,
                updated_at=now,
            )
            _apply(session, row, article, digest)
            session.add(row)
            rows[key] = row
            results.append((SaveOutcome.NEW, row, entry))
            continue
        row.fetched_at = now
        row.fetched_url = entry.fetched_url
        if row.content_hash == digest and row.extractor_version == entry.extractor_version:
            results.append((SaveOutcome.UNCHANGED, row, entry))
            continue
        row.raw_html = compress(entry.raw_html)
        row.raw_content_type = entry.content_type
        row.extractor_version = entry.extractor_version
        row.updated_at = now
        if site_row is not None:
            row.site_id = site_row.id
        _apply(session, row, article, digest)
        results.append((SaveOutcome.UPDATED, row, entry))
    session.flush()
    fingerprint_articles(
        session,
        [
            (row.id, row.body, row.content_hash, outcome is SaveOutcome.NEW)
            for outcome, row, _entry in results
            if outcome is not SaveOutcome.UNCHANGED
        ],
    )

    # Keyword flags: one query for the matches the batch's rows already have.
    ids = [row.id for _, row, _ in results]
    existing: dict[int, set[str]] = {}
    for article_id, keyword in session.execute(
        select(Match.article_id, Match.keyword).where(Match.article_id.in_(set(ids)))
    ):
        existing.setdefault(article_id, set()).add(keyword)
    saved: list[Saved] = []
    for outcome, row, entry in results:
        had = existing.setdefault(row.id, set())
        wanted = list(dict.fromkeys(entry.article.keywords))
        row.keywords = wanted
        added = tuple(k for k in wanted if k not in had)
        gone = had - set(wanted)
        if gone:
            session.execute(
                delete(Match).where(Match.article_id == row.id, Match.keyword.in_(gone))
            )
        for keyword in added:
            session.add(
                Match(
                    article_id=row.id, keyword=keyword, matched_at=entry.fetched_at, run_id=run_id
                )
            )
        had.update(added)
        had.difference_update(gone)
        saved.append(Saved(outcome, row.id, added))
    session.flush()
    return saved


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
    run_id: int | None = None,
) -> Saved:
    """Store one article (see :func:`save_articles`), safe against a concurrent writer."""
    entry = ToSave(
        article,
        raw_html,
        content_type,
        fetched_url,
        site,
        extractor_version,
        fetched_at or utcnow(),
    )
    return save_entry(session, entry, run_id)


def save_entry(session: Session, entry: ToSave, run_id: int | None = None) -> Saved:
    """Store one article in a savepoint: when another writer inserted the same URL first, the
    unique constraint says so and the article is stored again, as an update."""
    for _attempt in range(2):
        try:
            with session.begin_nested():
                return save_articles(session, [entry], run_id)[0]
        except IntegrityError:
            continue
    raise RuntimeError(
        f"could not store {entry.article.url}: it kept conflicting with another writer"
    )


def reapply_extraction(
    session: Session, row: Article, article: ExtractedArticle, extractor_version: int
) -> bool:
    """Store a re-extraction of an archived page; return whether anything changed."""
    digest = content_hash(article)
    row.extractor_version = extractor_version
    sync_matches(session, row, article.keywords)
    if row.content_hash == digest:
        return False
    row.updated_at = utcnow()
    _apply(session, row, article, digest)
    session.flush()
    fingerprint_articles(session, [(row.id, row.body, digest, False)])
    return True


#: Rows looked up per ``IN (...)`` query, well under every backend's parameter limit.
_CHUNK = 500


def _chunks(keys: Iterable[str]) -> Iterator[list[str]]:
    keys = list(keys)
    for i in range(0, len(keys), _CHUNK):
        yield keys[i : i + _CHUNK]


def fetched_times(session: Session, urls: Iterable[str]) -> dict[str, datetime]:
    """When each already-stored URL of ``urls`` was last fetched, keyed by canonical URL."""
    found: dict[str, datetime] = {}
    for chunk in _chunks({canonical_url(u) for u in urls}):
        rows = session.execute(
            select(Article.url, Article.fetched_at).where(Article.url.in_(chunk))
        )
        found.update({url: fetched for url, fetched in rows})
    return found


def ignored_urls(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of the canonical URLs ``keys`` are known to lead to no article."""
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(session.scalars(select(IgnoredUrl.url).where(IgnoredUrl.url.in_(chunk))))
    return found


def save_ignored(session: Session, reasons: dict[str, str]) -> None:
    """Remember URLs (by canonical form) that led to no article, with why (URLs known already
    keep the reason they were first stored with)."""
    by_key = {canonical_url(url): reason for url, reason in reasons.items()}
    if not by_key:
        return
    session.execute(
        dialect_insert(session, IgnoredUrl).on_conflict_do_nothing(index_elements=[IgnoredUrl.url]),
        [{"url": key, "reason": reason} for key, reason in by_key.items()],
    )


def get_validators(session: Session, url: str) -> tuple[str | None, str | None]:
    """The stored ``(etag, last_modified)`` of a listing page, sitemap or feed."""
    row = session.scalar(select(Validator).where(Validator.url == canonical_url(url)))
    return (row.etag, row.last_modified) if row else (None, None)


def save_validators(
    session: Session, url: str, etag: str | None, last_modified: str | None
) -> None:
    """Store the validators of a listing page, sitemap or feed, replacing any it had."""
    stmt = dialect_insert(session, Validator).values(
        url=canonical_url(url), etag=etag, last_modified=last_modified, updated_at=utcnow()
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Validator.url],
            set_={
                "etag": stmt.excluded.etag,
                "last_modified": stmt.excluded.last_modified,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


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


def query_articles(session: Session, q: ArticleQuery) -> Sequence[Article]:
    """Articles matching ``q``, newest first (or best first with ``sort="relevance"``).

    The search itself (trigram indexes, filters, reprint groups) is in storage/search/;
    ``search_articles`` also gives the total.
    """
    return search_articles(session, q).articles


def get_article(session: Session, ref: str | int) -> Article | None:
    """An article by id or by URL (canonicalised)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return session.get(Article, int(ref), options=[selectinload(Article.sections)])
    return session.scalar(
        select(Article)
        .where(Article.url == canonical_url(ref))
        .options(selectinload(Article.sections))
    )


# --------------------------------------------------------------------------- crawl runs


def start_run(session: Session, spider: str, site: str | None = None) -> CrawlRun:
    run = CrawlRun(spider=spider, site=site, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run


def previous_run_status(session: Session, site: str, before_id: int | None) -> str | None:
    """Status of the site's run before run ``before_id`` (``None`` when it has none)."""
    stmt = select(CrawlRun.status).where(CrawlRun.site == site)
    if before_id is not None:
        stmt = stmt.where(CrawlRun.id < before_id)
    return session.scalar(stmt.order_by(CrawlRun.id.desc()).limit(1))


def previous_run_incomplete(session: Session, site: str, before_id: int | None) -> str | None:
    """Why the site's run before ``before_id`` may have missed listing pages, or ``None``.

    It did not end ``ok``, or one of its listing pages, sitemaps or feeds failed: pages
    after it were then never read, and stopping at the first all-known page would never
    reach them.
    """
    stmt = select(CrawlRun).where(CrawlRun.site == site)
    if before_id is not None:
        stmt = stmt.where(CrawlRun.id < before_id)
    run = session.scalar(stmt.order_by(CrawlRun.id.desc()).limit(1))
    if run is None:
        return None
    if run.status != "ok":
        return f"ended {run.status}"
    failed = (run.stats or {}).get("incremental", {}).get("listing_failed", 0)
    return f"could not read {failed} listing pages" if failed else None


#: A run row's count columns and the crawl counter each is read from.
RUN_COUNTERS = {
    "requests": "downloader/request_count",
    "responses": "downloader/response_count",
    "bytes": "downloader/response_bytes",
    "articles_new": "newsmon/articles/new",
    "articles_updated": "newsmon/articles/updated",
    "articles_unchanged": "newsmon/articles/unchanged",
    "new_matches": "newsmon/matches/new",
    "errors": "newsmon/errors",
}


def run_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The run row's count columns from a crawl's counters (0 for a counter not yet seen)."""
    return {column: stats.get(key, 0) for column, key in RUN_COUNTERS.items()}


def finish_run(
    session: Session, run_id: int, status: str, reason: str, stats: dict[str, Any]
) -> bool:
    """Close run ``run_id`` with its status and what it counted; false when it has no row.

    ``stats`` holds Scrapy-style counters (``downloader/…``, ``newsmon/…``) and the lists
    ``newsmon/error_list``, ``newsmon/new_matches`` and ``newsmon/stored``.
    """
    run = session.get(CrawlRun, run_id)
    if run is None:
        return False

    def under(prefix: str | tuple[str, ...]) -> dict[str, Any]:
        return {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith(prefix)}

    run.finished_at = utcnow()
    run.status = status
    run.reason = reason
    for column, value in run_counts(stats).items():
        setattr(run, column, value)
    run.error_list = list(stats.get("newsmon/error_list") or [])
    run.stats = {
        "responses_by_status": under("downloader/response_status_count/"),
        "errors_by_kind": under("newsmon/errors/"),
        "stored": list(stats.get("newsmon/stored") or []),
        "new_matches": list(stats.get("newsmon/new_matches") or []),
        "incremental": under(("newsmon/incremental/", "newsmon/conditional/")),
    } | ({"workers": stats["workers"]} if "workers" in stats else {})
    return True


def running_crawls(session: Session) -> Sequence[CrawlRun]:
    """Runs of ``newsmon crawl`` (no site) still marked ``running``."""
    return session.scalars(
        select(CrawlRun).where(CrawlRun.site.is_(None), CrawlRun.status == "running")
    ).all()


def list_runs(session: Session, limit: int = 20) -> Sequence[CrawlRun]:
    return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)).all()
