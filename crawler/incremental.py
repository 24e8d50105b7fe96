"""Incremental crawling: skip stored articles, stop paging at known ground, ask listings "changed since?".

A thin spider middleware and a thin downloader middleware over one small
manager over storage (the shape of zyte-spider-templates' incremental crawl).
The spider middleware owns the manager; the downloader middleware and the
spiders reach it through :func:`incremental_manager`. They act only on
requests the site spiders mark in ``meta``:

- ``newsmon_kind``: a :class:`RequestKind`: ``ARTICLE`` (skip it when stored)
  or ``LISTING`` (a listing page, sitemap or feed);
- ``newsmon_next_page``: a listing's next page, dropped when the page it came
  from had no new article (unless the spider runs with ``backfill``);
- ``newsmon_modified``: the time a sitemap/feed says an article changed; a
  stored article changed after we fetched it is fetched again;
- ``newsmon_conditional``: send ``If-None-Match``/``If-Modified-Since``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import EXTRACTOR_VERSION
from crawler.options import crawler_options
from storage import create_schema, make_engine
from storage.models import utcnow
from storage.monitoring import forget_ignored
from storage.repository import (
    canonical_url,
    get_validators,
    known_urls,
    previous_run_incomplete,
    save_all_validators,
    save_ignored,
)

logger = logging.getLogger(__name__)

#: Request meta keys (see the module docstring).
KIND = "newsmon_kind"
NEXT_PAGE = "newsmon_next_page"
MODIFIED = "newsmon_modified"
CONDITIONAL = "newsmon_conditional"


class RequestKind(StrEnum):
    """What a request fetches (``meta[KIND]``).

    A ``StrEnum``: a request that went through a serialized queue (the shared
    Redis frontier, a ``JOBDIR``) still compares equal, member or plain string.
    """

    ARTICLE = "article"
    LISTING = "listing"


class IncrementalManager:
    """What the archive already has, asked once per listing page, plus this run's own memory.

    Validators of listing pages are held back until the run ends well: if
    articles failed, the next run must see the listing again to retry them.
    """

    def __init__(self, db_url: str, forget_ignored_days: float = 30.0) -> None:
        self.db_url = db_url
        self.forget_ignored_days = forget_ignored_days
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._forgotten = False
        self.requested: set[str] = set()
        self.pending_validators: dict[str, tuple[str | None, str | None]] = {}
        self.pending_ignored: dict[str, str] = {}

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions on the archive, opened at the first question (a crawl may never ask one)."""
        return self._open()

    @property
    def engine(self) -> Engine:
        """The archive's engine, for the questions asked per listing page: Core statements on
        a connection cost a third less than an ORM session's (docs/benchmarks.md, "Session 8")."""
        self._open()
        assert self._engine is not None
        return self._engine

    def _open(self) -> sessionmaker[Session]:
        if self._sessions is None:
            self._engine = make_engine(self.db_url)
            create_schema(self._engine)
            self._sessions = sessionmaker(self._engine)
        if not self._forgotten:
            self._forgotten = True
            self._forget()
        return self._sessions

    def _forget(self) -> None:
        """Once a run: ignored links past ``[monitor] forget_ignored_days``, or judged by
        another extractor version, are tried again."""
        assert self._sessions is not None
        older_than = utcnow() - timedelta(days=self.forget_ignored_days)
        try:
            with self._sessions.begin() as session:
                forgotten = forget_ignored(session, older_than, EXTRACTOR_VERSION)
        except SQLAlchemyError as exc:
            logger.error("could not forget old ignored links: %s", exc)
            return
        if forgotten:
            logger.info("%s links that led to no article will be tried again", forgotten)

    def reset(self) -> None:
        """A new run (of a long-lived worker): forget this run's memory, forget old links."""
        self.requested = set()
        self.pending_validators = {}
        self.pending_ignored = {}
        self._forgotten = False

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
        with self.engine.connect() as connection:
            stored, ignored = known_urls(connection, by_key)
        ignored -= stored.keys()  # a stored article stays one, whatever its URL once led to
        wanted: set[str] = set()
        for key, (url, modified) in by_key.items():
            if key in ignored:
                continue
            fetched = stored.get(key)
            if fetched is None or (modified is not None and modified > fetched):
                wanted.add(url)
                self.requested.add(key)
        return wanted, repeats

    def previous_run_incomplete(self, site: str, run_id: int | None) -> str | None:
        with self.sessions() as session:
            return previous_run_incomplete(session, site, run_id)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        with self.engine.connect() as connection:
            return get_validators(connection, url)

    def remember(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.pending_validators[url] = (etag, last_modified)

    def ignore(self, url: str, reason: str) -> None:
        """Remember that ``url`` led to no article (saved when the run ends, however it ends)."""
        self.pending_ignored[url] = reason

    def spider_closed(self, spider: Any, reason: str) -> None:
        if getattr(spider, "worker", False):
            return  # a worker's share goes to whoever closes the run (crawler.worker)
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
                save_all_validators(session, self.pending_validators)
        except SQLAlchemyError as exc:
            logger.error("could not save listing validators: %s", exc)


class IncrementalMiddleware:
    """Spider middleware: drop requests for stored articles and for pages past known ground.

    It owns the crawl's :class:`IncrementalManager`.
    """

    def __init__(self, crawler: Crawler, manager: IncrementalManager) -> None:
        self.crawler = crawler
        self.manager = manager

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        options = crawler_options(crawler)
        manager = IncrementalManager(options.db_url, options.config.forget_ignored_days)
        crawler.signals.connect(manager.spider_closed, signal=signals.spider_closed)
        return cls(crawler, manager)

    def _filter(self, outputs: list[Any], spider: Any) -> Iterator[Any]:
        articles = [o for o in outputs if _is_article(o)]
        wanted: set[str] = set()
        stats = self.crawler.stats
        assert stats is not None
        if articles:
            wanted, repeats = self.manager.select_new(
                (r.url, r.meta.get(MODIFIED)) for r in articles
            )
            stats.inc_value("newsmon/incremental/known", len(articles) - len(wanted) - repeats)
        new_here = 0
        for output in outputs:
            if _is_article(output):
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


def _is_article(output: Any) -> bool:
    return isinstance(output, Request) and output.meta.get(KIND) == RequestKind.ARTICLE


def incremental_manager(crawler: Crawler) -> IncrementalManager | None:
    """The crawl's manager, owned by its :class:`IncrementalMiddleware`; None when that is not enabled.

    Available once the crawl engine exists (from ``spider_opened`` on).
    """
    middleware = crawler.get_spider_middleware(IncrementalMiddleware)
    return middleware.manager if middleware is not None else None


class ConditionalGetMiddleware:
    """Downloader middleware: conditional GETs for listing pages, sitemaps and feeds.

    The validators live in the :class:`IncrementalMiddleware`'s manager: without
    that spider middleware this one has nothing to do and is not enabled.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._manager: IncrementalManager | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        spider_middlewares = build_component_list(
            crawler.settings.getwithbase("SPIDER_MIDDLEWARES")
        )
        if not any(
            issubclass(load_object(path), IncrementalMiddleware) for path in spider_middlewares
        ):
            raise NotConfigured("the incremental spider middleware is not enabled")
        return cls(crawler)

    @property
    def manager(self) -> IncrementalManager:
        # Looked up at first use: the spider middlewares are built after the downloader's.
        if self._manager is None:
            self._manager = incremental_manager(self.crawler)
            assert self._manager is not None
        return self._manager

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.meta.get(CONDITIONAL):
            return
        etag, last_modified = self.manager.validators(request.url)
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
                self.manager.remember(
                    request.url,
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response
