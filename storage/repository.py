"""Reading and writing the archive. Every function takes a ``Session`` (the crawl's lookups
also a ``Connection``: no ORM session to open per question); the caller owns its transaction."""

from __future__ import annotations

import enum
import hashlib
import json
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from w3lib.url import canonicalize_url

from crawler.extraction import ExtractedArticle
from storage.bulk import insert_articles, insert_sections
from storage.db import dialect_insert
from storage.models import (
    Article,
    CrawlRun,
    IgnoredUrl,
    Match,
    Section,
    Site,
    Validator,
    stored_fetched_url,
    utcnow,
)
from storage.search import ArticleQuery, fingerprint_articles, search_articles
from storage.sections import section_columns


class SaveOutcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@lru_cache(maxsize=8192)  # a crawl asks for a link's key when it meets it and again to look it up
def canonical_url(url: str) -> str:
    """The key an article is stored under: fragment dropped, query sorted, escapes normalised."""
    return canonicalize_url(url, keep_fragments=False)


class Compressed(bytes):
    """Page bytes already compressed by :func:`compress` (in an extraction worker): kept as they are."""


#: zstd level for raw HTML: zstd's default. Level 9 kept 7% fewer bytes of real 200 KB pages
#: but took 3 to 7 times as long (bench/compress.py), on the crawl's event loop when pages
#: are extracted in the crawling process (docs/benchmarks.md, Crawling).
ZSTD_LEVEL = 3
_compressors = threading.local()
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def compress(raw: bytes) -> bytes:
    """Raw HTML as stored: a zstd frame (kept as it is when a worker already compressed it)."""
    if isinstance(raw, Compressed):
        return bytes(raw)
    compressor = getattr(_compressors, "zstd", None)
    if compressor is None:  # one per thread (a compressor is not thread-safe), made once
        import zstandard

        compressor = _compressors.zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return bytes(compressor.compress(raw))


def decompress(blob: bytes) -> bytes:
    """Stored raw HTML back: zstd frames, and the zlib streams of archives stored before zstd."""
    if blob[:4] == _ZSTD_MAGIC:
        import zstandard

        return zstandard.ZstdDecompressor().decompress(blob)
    return zlib.decompress(blob)


def content_hash(article: ExtractedArticle) -> int:
    """Key of what the page says: the first 64 bits of the SHA-256 of the record without its
    URL and keyword flags, signed as BIGINT stores it (``Article.content_hash`` says why 64).
    Keywords are left out because they follow the configuration, not the page:
    a changed keyword list re-matches articles without making them "updated".
    """
    record = article.as_record()
    record.pop("url", None)
    record.pop("keywords", None)
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return int.from_bytes(hashlib.sha256(payload).digest()[:8], "big", signed=True)


#: The id, not a ``Site`` loaded into the session (~1 ms a batch), in a statement built once.
_SITE_ID = select(Site.id).where(Site.name == sa.bindparam("name"))


def site_id_of(session: Session, name: str) -> int:
    """The id of the site ``name``, its row created if it has none."""
    if (found := session.execute(_SITE_ID, {"name": name}).scalar()) is not None:
        return found
    # DO NOTHING when another writer created it first: the SELECT below then finds theirs.
    session.execute(
        dialect_insert(session, Site)
        .values(name=name)
        .on_conflict_do_nothing(index_elements=[Site.name])
    )
    return session.execute(_SITE_ID, {"name": name}).scalar_one()


def _columns(article: ExtractedArticle, digest: int) -> dict[str, Any]:
    """The ``articles`` columns that hold what the page says."""
    return {
        "title": article.title,
        "published_at": article.published_at,
        "source": article.source,
        "author": article.author,
        "site_name": article.site_name,
        "breadcrumb": list(article.breadcrumb),
        "body": article.body,
        "content_hash": digest,
    }


def _apply(session: Session, row: Article, article: ExtractedArticle, digest: int) -> None:
    for name, value in _columns(article, digest).items():
        setattr(row, name, value)
    if row.id is not None and row.sections:
        # Delete the old sections before inserting the new ones: the unit of work would
        # otherwise insert first and trip the (article_id, position) unique constraint.
        row.sections.clear()
        session.flush()
    row.sections = [Section(**columns) for columns in section_columns(article)]


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
    """Insert or update a batch of articles with a few bulk statements, whatever its size.

    Rows are keyed by canonical URL, so re-storing never makes a second row (the same
    URL twice in a batch is stored once, the later copy updating the earlier). A row
    stored again keeps ``first_seen_at``; an unchanged one only gets its fetch time, URL
    and keywords (with their matches). Raw bytes are kept zstd-compressed for
    re-extraction without fetching. New and changed articles are fingerprinted for
    reprints here, so that no reader waits for it.

    Bulk statements (one lookup, multi-row INSERTs of articles and sections (storage/bulk.py),
    UPDATEs by id in executemany, a bulk insert of matches), not the ORM's unit of work, which
    cost milliseconds per article on the crawl's event loop. If a concurrent writer
    inserted one of the URLs meanwhile, the INSERT raises ``IntegrityError``; the caller
    then stores the batch one by one with :func:`save_entry` (such a row is an update).
    """
    keys = []
    for entry in batch:
        if not entry.article.url:
            raise ValueError("an article needs a URL to be stored")
        keys.append(canonical_url(entry.article.url))
    # What is stored of the batch's URLs, by URL: id, content_hash, extractor_version, keywords.
    stored: dict[str, list[Any]] = {}
    for chunk in _chunks(set(keys)):
        for url, *state in session.execute(
            select(
                Article.url,
                Article.id,
                Article.content_hash,
                Article.extractor_version,
                Article.keywords,
            ).where(Article.url.in_(chunk))
        ):
            stored[url] = state
    sites: dict[str, int] = {}
    inserts: dict[str, dict[str, Any]] = {}  # new rows by URL, in batch order
    updates: dict[int, dict[str, Any]] = {}  # columns to set on stored rows, by id
    contents: dict[str, tuple[ToSave, int]] = {}  # what each new or changed row now says
    outcomes: list[tuple[SaveOutcome, str, ToSave]] = []
    for key, entry in zip(keys, batch, strict=True):
        article, now, version = entry.article, entry.fetched_at, entry.extractor_version
        digest = content_hash(article)
        site_id = None
        if entry.site:
            if entry.site not in sites:
                sites[entry.site] = site_id_of(session, entry.site)
            site_id = sites[entry.site]
        keywords = list(dict.fromkeys(article.keywords))
        row = inserts.get(key)
        if row is None and key not in stored:
            row = inserts[key] = {"url": key, "first_seen_at": now, "site_id": site_id}
            before = None
        elif row is not None:  # the same URL earlier in this batch
            before = (row["content_hash"], row["extractor_version"])
        else:
            article_id, stored_digest, stored_version, stored_keywords = stored[key]
            before = (stored_digest, stored_version)
            row = updates.setdefault(article_id, {})
            stored[key] = [article_id, digest, version, keywords]
        if key in inserts or keywords != stored_keywords or "keywords" in row:
            row["keywords"] = keywords
        row.update(fetched_at=now, fetched_url=stored_fetched_url(key, entry.fetched_url))
        if before is None:
            outcome = SaveOutcome.NEW
        elif before == (digest, version):
            outcome = SaveOutcome.UNCHANGED
        else:
            outcome = SaveOutcome.UPDATED
        if outcome is not SaveOutcome.UNCHANGED:
            contents[key] = (entry, digest)
            row.update(_columns(article, digest), raw_html=compress(entry.raw_html))
            row.update(raw_content_type=entry.content_type, extractor_version=version)
            row["updated_at"] = now
            if site_id is not None:
                row["site_id"] = site_id
        outcomes.append((outcome, key, entry))
    ids = {key: state[0] for key, state in stored.items()}
    cities = {
        key: [s.city for s in entry.article.sections]
        for key, (entry, _) in contents.items()
        if key in inserts
    }
    ids.update(insert_articles(session, list(inserts.values()), cities))
    for values in _by_columns(updates):
        session.execute(update(Article), values)
    for chunk in _chunks(ids[key] for key in contents if key not in inserts):
        session.execute(delete(Section).where(Section.article_id.in_(chunk)))
    sections = [
        {"article_id": ids[key], **columns}
        for key, (entry, _) in contents.items()
        for columns in section_columns(entry.article)
    ]
    insert_sections(session, sections)
    fingerprint_articles(
        session,
        [
            (ids[key], entry.article.body, digest, key in inserts)
            for key, (entry, digest) in contents.items()
        ],
    )
    return _save_matches(
        session, [(outcome, ids[key], entry) for outcome, key, entry in outcomes], run_id
    )


def _by_columns(updates: dict[int, dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Bulk UPDATE parameter lists, one per set of columns (an executemany sets the same ones)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for article_id, values in updates.items():
        groups.setdefault(tuple(sorted(values)), []).append({"id": article_id, **values})
    yield from groups.values()


def _save_matches(
    session: Session, results: Sequence[tuple[SaveOutcome, int, ToSave]], run_id: int | None
) -> list[Saved]:
    """Make each article's ``matches`` rows agree with its keywords: one query for the rows
    it has, then one delete per article that lost keywords and one insert for the batch."""
    had: dict[int, set[str]] = {}
    for chunk in _chunks({article_id for _, article_id, _ in results}):
        for article_id, keyword in session.execute(
            select(Match.article_id, Match.keyword).where(Match.article_id.in_(chunk))
        ):
            had.setdefault(article_id, set()).add(keyword)
    stored = {article_id: set(keywords) for article_id, keywords in had.items()}
    added_at: dict[tuple[int, str], datetime] = {}  # when each match was first seen
    saved: list[Saved] = []
    for outcome, article_id, entry in results:  # a URL twice in a batch: in order
        now = had.setdefault(article_id, set())
        wanted = list(dict.fromkeys(entry.article.keywords))
        added = tuple(k for k in wanted if k not in now)
        for keyword in added:
            added_at.setdefault((article_id, keyword), entry.fetched_at)
        had[article_id] = set(wanted)
        saved.append(Saved(outcome, article_id, added))
    for article_id, keywords in had.items():
        gone = stored.get(article_id, set()) - keywords
        if gone:
            session.execute(
                delete(Match).where(Match.article_id == article_id, Match.keyword.in_(gone))
            )
    rows = [
        {"article_id": i, "keyword": k, "matched_at": at, "run_id": run_id}
        for (i, k), at in added_at.items()
        if k in had[i] and k not in stored.get(i, ())
    ]
    if rows:
        session.execute(insert(Match), rows)
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
_Key = TypeVar("_Key", str, int)


def _chunks(keys: Iterable[_Key], size: int = _CHUNK) -> Iterator[list[_Key]]:
    keys = list(keys)
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


#: The crawl's questions, built once: building a statement costs SQLAlchemy more than running
#: it (docs/benchmarks.md, "Session 11"). ``keys`` expands to a list; an ignored row has no time.
_KEYS: sa.BindParameter[list[str]] = sa.bindparam("keys", expanding=True)
_KNOWN: sa.CompoundSelect[str, datetime, bool] = sa.union_all(
    select(Article.url, Article.fetched_at, sa.false()).where(Article.url.in_(_KEYS)),
    select(IgnoredUrl.url, sa.null(), sa.true()).where(IgnoredUrl.url.in_(_KEYS)),
)
_URL: sa.BindParameter[str] = sa.bindparam("url")
_VALIDATORS = select(Validator.etag, Validator.last_modified).where(Validator.url == _URL)


def known_urls(
    session: Session | Connection, keys: Iterable[str]
) -> tuple[dict[str, datetime], set[str]]:
    """Of the canonical URLs ``keys``: when each stored one was last fetched, and which are
    known to lead to no article — one statement per 250 keys (each is bound twice: < _CHUNK)."""
    rows = [row for chunk in _chunks(keys, 250) for row in session.execute(_KNOWN, {"keys": chunk})]
    fetched = {k: at for k, at, ignored in rows if not ignored}
    return fetched, {k for k, _, ignored in rows if ignored}


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


def get_validators(session: Session | Connection, url: str) -> tuple[str | None, str | None]:
    """The stored ``(etag, last_modified)`` of a listing page, sitemap or feed."""
    row = session.execute(_VALIDATORS, {"url": canonical_url(url)}).first()
    return (row.etag, row.last_modified) if row else (None, None)


def save_all_validators(
    session: Session, validators: dict[str, tuple[str | None, str | None]]
) -> None:
    """Store each ``url: (etag, last_modified)`` of listing pages, sitemaps and feeds,
    replacing any they had, in one statement."""
    now = utcnow()
    rows = {  # by canonical URL: one upsert may not touch a row twice
        key: {"url": key, "etag": etag, "last_modified": modified, "updated_at": now}
        for key, (etag, modified) in ((canonical_url(u), v) for u, v in validators.items())
    }
    if not rows:
        return
    stmt = dialect_insert(session, Validator)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Validator.url],
            set_={
                "etag": stmt.excluded.etag,
                "last_modified": stmt.excluded.last_modified,
                "updated_at": stmt.excluded.updated_at,
            },
        ),
        list(rows.values()),
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
    if store := under("newsmon/store/"):  # the writer process, when there was one
        run.stats["store"] = store
    return True


def running_crawls(session: Session) -> Sequence[CrawlRun]:
    """Runs of ``newsmon crawl`` (no site) still marked ``running``."""
    return session.scalars(
        select(CrawlRun).where(CrawlRun.site.is_(None), CrawlRun.status == "running")
    ).all()


def list_runs(session: Session, limit: int = 20) -> Sequence[CrawlRun]:
    return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)).all()
