"""Incremental crawling: skip stored articles, stop paging at known ground, ask listings "changed since?".

A thin spider middleware and a thin downloader middleware over one small
manager over storage (the shape of zyte-spider-templates' incremental crawl).
They act only on requests the site spiders mark in ``meta``:

- ``newsmon_kind``: ``"article"`` (skip it when stored) or ``"listing"``;
- ``newsmon_next_page``: a listing's next page, dropped when the page it came
  from had no new article (unless the spider runs with ``backfill``);
- ``newsmon_modified``: the time a sitemap/feed says an article changed; a
  stored article changed after we fetched it is fetched again;
- ``newsmon_conditional``: send ``If-None-Match``/``If-Modified-Since``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.options import options_from_settings
from storage import create_schema, make_engine
from storage.repository import (
    canonical_url,
    fetched_times,
    get_validators,
    ignored_urls,
    previous_run_status,
    save_ignored,
    save_validators,
)

logger = logging.getLogger(__name__)

KIND = "newsmon_kind"
NEXT_PAGE = "newsmon_next_page"
MODIFIED = "newsmon_modified"
CONDITIONAL = "newsmon_conditional"


class IncrementalManager:
    """What the archive already has, asked once per listing page, plus this run's own memory.

    Validators of listing pages are held back until the run ends well: if
    articles failed, the next run must see the listing again to retry them.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.requested: set[str] = set()
        self.pending_validators: dict[str, tuple[str | None, str | None]] = {}
        self.pending_ignored: dict[str, str] = {}

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> IncrementalManager:
        manager = getattr(crawler, "_newsmon_incremental", None)
        if manager is None:
            engine = make_engine(options_from_settings(crawler.settings).db_url)
            create_schema(engine)
            manager = cls(sessionmaker(engine))
            crawler.signals.connect(manager.spider_closed, signal=signals.spider_closed)
            crawler._newsmon_incremental = manager  # type: ignore[attr-defined]
        return manager

    def select_new(self, candidates: Iterable[tuple[str, datetime | None]]) -> tuple[set[str], int]:
        """``(urls worth fetching, how many were already requested in this run)``.

        Worth fetching: never stored, or changed (per the sitemap/feed) since we fetched it.
        """
        by_key: dict[str, tuple[str, datetime | None]] = {}
        repeats = 0
        for url, modified in candidates:
            key = canonical_url(url)
            if key in self.requested or key in by_key:
                repeats += 1
            else:
                by_key[key] = (url, modified)
        if not by_key:
            return set(), repeats
        with self.sessions() as session:
            stored = fetched_times(session, by_key)
            ignored = ignored_urls(session, by_key.keys() - stored.keys())
        wanted: set[str] = set()
        for key, (url, modified) in by_key.items():
            if key in ignored:
                continue
            fetched = stored.get(key)
            if fetched is None or (modified is not None and modified > fetched):
                wanted.add(url)
                self.requested.add(key)
        return wanted, repeats

    def previous_run_status(self, site: str, run_id: int | None) -> str | None:
        with self.sessions() as session:
            return previous_run_status(session, site, run_id)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        with self.sessions() as session:
            return get_validators(session, url)

    def remember(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.pending_validators[url] = (etag, last_modified)

    def ignore(self, url: str, reason: str) -> None:
        """Remember that ``url`` led to no article (saved when the run ends, however it ends)."""
        self.pending_ignored[url] = reason

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.pending_ignored:
            try:
                with self.sessions.begin() as session:
                    save_ignored(session, self.pending_ignored)
            except SQLAlchemyError as exc:
                logger.error("could not save the links that led to no article: %s", exc)
        stats = spider.crawler.stats
        failed = stats.get_value("newsmon/errors", 0) if stats else 0
        if reason != "finished" or failed or not self.pending_validators:
            if self.pending_validators:
                logger.info(
                    "listing validators not saved (%s, %s errors): the next run re-reads the listings",
                    reason,
                    failed,
                )
            return
        try:
            with self.sessions.begin() as session:
                for url, (etag, last_modified) in self.pending_validators.items():
                    save_validators(session, url, etag, last_modified)
        except SQLAlchemyError as exc:
            logger.error("could not save listing validators: %s", exc)


class IncrementalMiddleware:
    """Spider middleware: drop requests for stored articles and for pages past known ground."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _filter(self, outputs: list[Any], spider: Any) -> Iterator[Any]:
        articles = [o for o in outputs if isinstance(o, Request) and o.meta.get(KIND) == "article"]
        wanted: set[str] = set()
        stats = self.crawler.stats
        assert stats is not None
        if articles:
            manager = IncrementalManager.for_crawler(self.crawler)
            wanted, repeats = manager.select_new((r.url, r.meta.get(MODIFIED)) for r in articles)
            stats.inc_value("newsmon/incremental/known", len(articles) - len(wanted) - repeats)
        new_here = 0
        for output in outputs:
            if isinstance(output, Request) and output.meta.get(KIND) == "article":
                if output.url in wanted:
                    wanted.discard(output.url)
                    new_here += 1
                    stats.inc_value("newsmon/incremental/new")
                    yield output
                continue
            if (
                isinstance(output, Request)
                and output.meta.get(NEXT_PAGE)
                and articles
                and new_here == 0
                and not getattr(spider, "backfill", False)
            ):
                stats.inc_value("newsmon/incremental/stopped_paging")
                logger.debug(
                    "stop paging before %s: every article on the page is known", output.url
                )
                continue
            yield output

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        yield from self._filter(list(result), spider or self.crawler.spider)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        outputs = [o async for o in result]
        for output in self._filter(outputs, spider or self.crawler.spider):
            yield output


class ConditionalGetMiddleware:
    """Downloader middleware: conditional GETs for listing pages, sitemaps and feeds."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.meta.get(CONDITIONAL):
            return
        etag, last_modified = IncrementalManager.for_crawler(self.crawler).validators(request.url)
        if etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = etag
        if last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = last_modified

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if not request.meta.get(CONDITIONAL):
            return response
        stats = self.crawler.stats
        assert stats is not None
        if response.status == 304:
            stats.inc_value("newsmon/conditional/not_modified")
        elif response.status == 200:
            etag = response.headers.get(b"ETag")
            last_modified = response.headers.get(b"Last-Modified")
            if etag or last_modified:
                IncrementalManager.for_crawler(self.crawler).remember(
                    request.url,
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response
