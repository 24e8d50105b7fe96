"""Site spiders: ``portal`` (listing pages, sitemaps and feeds of one configured site), ``sitemap``, ``feed``.

They route requests and nothing else: links and pagination come from
``crawler.listing``, articles from the extractor, and skipping what is
already stored from ``crawler.incremental``.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import distributed, listing
from crawler.config import SiteProfile, resolve_redis_url
from crawler.extraction.dates import SHANGHAI, date_from_url
from crawler.incremental import (
    CONDITIONAL,
    KIND,
    MODIFIED,
    NEXT_PAGE,
    RequestKind,
    incremental_manager,
)
from crawler.listing import epaper, jsonapi
from crawler.runs import record_error
from crawler.spiders.base import NewsmonSpider
from crawler.worker import WorkerRuns

PAGE_NO = "newsmon_page_no"
#: Sitemap indexes nest; deeper than this is a loop or a mistake.
MAX_SITEMAP_DEPTH = 3


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _day(value: Any, name: str) -> date | None:
    if value in (None, "", False):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from None


class PortalSpider(NewsmonSpider):
    """``scrapy crawl portal -a site=NAME [-a backfill=1] [-a since=DATE -a until=DATE]``.

    One configured site, all its sources. Listing pages (and a declared JSON
    ``listing_api``) are followed page by page up to the profile's
    ``max_listing_pages``; the incremental middleware stops paging at the first
    page whose articles are all stored, so full depth only happens on a site's
    first run or with ``backfill``. An ``epaper`` site reads today's and
    yesterday's editions (Asia/Shanghai), every page of each.

    ``since``/``until`` backfill a range of days: every edition in it, listings
    paged until their articles' URL dates fall before ``since`` (articles dated
    outside the range are left), sitemap and feed entries changed in the range.
    Links outside the site's scope (``crawler.listing.scope``) are never followed.
    """

    name = "portal"
    report_not_articles = False
    sources: tuple[str, ...] = ("listing", "sitemap", "feed")

    def __init__(
        self,
        site: str = "",
        backfill: Any = False,
        worker: Any = False,
        idle_exit: Any = 0,
        since: Any = None,
        until: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not site:
            raise ValueError("give the site's name: -a site=NAME (a [[sites]] entry of the config)")
        self.site_name = site
        self.backfill = _truthy(backfill)
        #: worker mode: requests come from the shared Redis frontier (crawler.distributed)
        self.worker = _truthy(worker)
        #: in worker mode, close after this many idle seconds (0: wait for work for ever)
        self.idle_exit = float(idle_exit or 0)
        self.since, self.until = _day(since, "since"), _day(until, "until")
        if self.until and not self.since:
            raise ValueError("until needs since: give the first day of the range too")
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since {self.since} is after until {self.until}")
        if self.since:
            self.backfill = True

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        profile = spider.options.config.site(spider.site_name or "")
        spider.profile = profile
        spider.scope = listing.Scope.of_site(
            [*profile.start_urls, *profile.sitemaps, *profile.feeds, profile.listing_api]
            + ([profile.epaper.split("{", 1)[0]] if profile.epaper else []),
            profile.allowed_domains,
        )
        # Scrapy's offsite middleware then drops off-scope requests, redirects included.
        spider.allowed_domains = list(spider.scope.domains)
        # The site's politeness, below anything given on the command line (-s NAME=VALUE).
        settings = crawler.settings
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", profile.concurrency, priority="spider")
        # A worker takes from the shared queue only what it can fetch now, leaving the rest
        # to the other workers; a local crawl may interleave with other crawlers' domains.
        total = profile.concurrency if spider.worker else max(profile.concurrency, 16)
        settings.set("CONCURRENT_REQUESTS", total, priority="spider")
        settings.set("DOWNLOAD_DELAY", profile.download_delay, priority="spider")
        settings.set("AUTOTHROTTLE_ENABLED", profile.autothrottle, priority="spider")
        if spider.worker:
            spider._join_frontier(crawler)
        return spider

    def _join_frontier(self, crawler: Crawler) -> None:
        config = self.options.config
        redis_url = resolve_redis_url(crawler.settings.get("NEWSMON_REDIS_URL"), config)
        if not redis_url:
            raise ValueError("worker mode needs Redis: set NEWSMON_REDIS_URL or [redis] url")
        site = self.site_name or ""
        for name, value in distributed.frontier_settings(
            redis_url, site, config.redis_seen_ttl
        ).items():
            crawler.settings.set(name, value, priority="spider")
        frontier = distributed.Frontier(distributed.connect(redis_url), site, config.redis_seen_ttl)
        self.runs = WorkerRuns(crawler, self, frontier)
        self.backfill_default = self.backfill
        self._idle_since: float | None = None
        self._seen_responses = -1
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.runs.open, signal=signals.spider_opened)
        crawler.signals.connect(self.runs.closed_spider, signal=signals.spider_closed)

    def join_run(self, run_id: int | None) -> None:
        """The shared scheduler popped a request of run ``run_id`` (crawler.distributed)."""
        self.runs.join(run_id)

    def seed(self, run_id: int) -> int:
        """Worker mode: queue the site's listing pages, sitemaps and feeds for run ``run_id``."""
        assert self.crawler.engine is not None
        assert self.crawler.stats is not None
        sources = self._sources()
        self.crawler.stats.inc_value("newsmon/sources/total", len(sources))
        for request in self._seed_requests():
            self.crawler.engine.crawl(request)
        return len(sources)

    def _on_idle(self) -> None:
        """Worker mode: leave the run (closing it if last), seed the next when the site is
        due; else wait for work (or leave when idle long enough)."""
        stats = self.crawler.stats
        assert stats is not None
        try:
            seeded = self.runs.idle()
        except Exception as exc:  # Redis or the database away: the worker waits, it does not quit
            self.logger.error("%s: %s", self.site_name, exc)
            seeded = False
        if seeded:
            self._idle_since = None
            raise DontCloseSpider
        responses = stats.get_value("downloader/response_count", 0)
        now = time.monotonic()
        if responses != self._seen_responses or self._idle_since is None:
            self._seen_responses, self._idle_since = responses, now
        if self.idle_exit and now - self._idle_since >= self.idle_exit:
            return  # let the worker close
        raise DontCloseSpider

    profile: SiteProfile
    scope: listing.Scope
    allowed_domains: list[str]
    #: worker mode: the runs of the site this worker takes part in
    runs: WorkerRuns
    backfill_default = False

    @property
    def article_pattern(self) -> re.Pattern[str] | None:
        pattern = self.profile.article_url_pattern
        return re.compile(pattern) if pattern else None

    async def start(self) -> AsyncIterator[Request]:
        if self.worker:
            return  # the frontier feeds this spider; see _on_idle
        # A run that could read none of these failed: the site is down or blocks us.
        assert self.crawler.stats is not None
        self._backfill_after_a_bad_run()
        self.crawler.stats.set_value("newsmon/sources/total", len(self._sources()))
        for request in self._seed_requests():
            yield request

    def _backfill_after_a_bad_run(self) -> None:
        """Page to full depth when the site's previous run may have missed listing pages.

        A killed or failed run, or one whose listing page 2 failed, may have stored page 1
        but not the pages after it; stopping at the first all-known page would then never
        reach them.
        """
        manager = incremental_manager(self.crawler)
        if self.backfill or manager is None:
            return
        assert self.crawler.stats is not None
        run_id = self.crawler.stats.get_value("newsmon/run_id")
        incomplete = manager.previous_run_incomplete(self.site_name or "", run_id)
        if incomplete:
            self.logger.info(
                "%s: the previous run %s: paging to full depth this time",
                self.site_name,
                incomplete,
            )
            self.backfill = True

    def _edition_days(self) -> list[date]:
        """The e-paper days to read: the ``since``..``until`` range, else today and yesterday."""
        today = datetime.now(SHANGHAI).date()
        if self.since:
            return epaper.days(self.since, min(self.until or today, today))
        return [today, today - timedelta(days=1)]

    def _editions(self) -> list[str]:
        if not self.profile.epaper or "listing" not in self.sources:
            return []
        return [epaper.edition_url(self.profile.epaper, d) for d in self._edition_days()]

    def _seed_requests(self) -> Iterator[Request]:
        for url in self._editions():
            request = self._listing_request(url, page_no=1)
            yield request.replace(errback=self.on_edition_error)
        if "listing" in self.sources:
            for url in self.profile.start_urls:
                yield self._listing_request(url, page_no=1)
            if self.profile.listing_api:
                yield self._api_request(1)
        if "sitemap" in self.sources:
            for url in self.profile.sitemaps:
                yield self._source_request(url, self.parse_sitemap, depth=0)
        if "feed" in self.sources:
            for url in self.profile.feeds:
                yield self._source_request(url, self.parse_feed)

    def _sources(self) -> list[str]:
        profile = self.profile
        api = [jsonapi.page_url(profile.listing_api, 1)] if profile.listing_api else []
        return (
            self._editions()
            + (profile.start_urls + api if "listing" in self.sources else [])
            + (profile.sitemaps if "sitemap" in self.sources else [])
            + (profile.feeds if "feed" in self.sources else [])
        )

    # -- requests ---------------------------------------------------------------------------

    def _run_meta(self) -> dict[str, Any]:
        """Worker mode: the run a request belongs to (its fingerprints are that run's)."""
        return {distributed.RUN: self.runs.run_id} if self.worker else {}

    def _listing_request(self, url: str, page_no: int, next_page: bool = False) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.on_error,
            meta={
                KIND: RequestKind.LISTING,
                CONDITIONAL: True,
                NEXT_PAGE: next_page,
                PAGE_NO: page_no,
                "handle_httpstatus_list": [304],
                **self._run_meta(),
            },
            dont_filter=page_no == 1,
        )

    def _api_request(self, page_no: int) -> Request:
        request = self._listing_request(
            jsonapi.page_url(self.profile.listing_api, page_no), page_no, next_page=page_no > 1
        )
        return request.replace(callback=self.parse_listing_api)

    def _source_request(self, url: str, callback: Any, **meta: Any) -> Request:
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta={
                KIND: RequestKind.LISTING,
                CONDITIONAL: True,
                "handle_httpstatus_list": [304],
                **meta,
                **self._run_meta(),
            },
            dont_filter=True,
        )

    def _article_request(self, url: str, modified: Any = None) -> Request:
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={KIND: RequestKind.ARTICLE, MODIFIED: modified, **self._run_meta()},
        )

    # -- callbacks --------------------------------------------------------------------------

    def _not_modified(self, response: Response) -> bool:
        """Count a source page read (200 or 304); true when it has not changed since the last run."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newsmon/sources/ok")
        if response.status == 304:
            self.logger.debug("%s: not modified since the last run", response.url)
            return True
        return False

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response):
            return
        if not isinstance(response, TextResponse):
            record_error(
                self.crawler, response.url, "listing", "the listing page is not an HTML page"
            )
            return
        page = listing.read_listing(
            response.text, response.url, scope=self.scope, pattern=self.article_pattern
        )
        if not page.links and not page.pages:
            record_error(
                self.crawler, response.url, "listing", "no article links found on the listing page"
            )
        yield from self._articles_and_next(response, page.links, page.next_page)
        for url in page.pages:  # the other pages (版面) of an e-paper edition
            yield self._listing_request(url, response.meta.get(PAGE_NO, 1)).replace(
                dont_filter=False
            )

    def parse_listing_api(self, response: Response) -> Iterator[Request]:
        """A page of the declared JSON listing: the URLs at ``item_url``, then page N+1."""
        if self._not_modified(response):
            return
        try:
            data = jsonapi.load(response.body)
        except ValueError as exc:
            record_error(self.crawler, response.url, "listing", str(exc))
            return
        links: list[str] = []
        for value in jsonapi.values_at(data, self.profile.item_url):
            if isinstance(value, str) and "<" in value:  # an HTML fragment of the list
                links += listing.read_listing(
                    value, response.url, scope=self.scope, pattern=self.article_pattern
                ).links
            elif isinstance(value, str):
                url = listing.absolute(value, response.url)
                if url and self.scope.contains(url) and url not in links:
                    links.append(url)
        if not links and response.meta.get(PAGE_NO, 1) == 1:
            record_error(
                self.crawler,
                response.url,
                "listing",
                f"no article URLs at {self.profile.item_url!r} in the listing API's answer",
            )
        page_no = response.meta.get(PAGE_NO, 1)
        following = jsonapi.page_url(self.profile.listing_api, page_no + 1) if links else None
        yield from self._articles_and_next(response, links, following, api=True)

    def _in_range(self, url: str) -> bool:
        if self.since is None:
            return True
        when = date_from_url(url)
        if when is None:
            return True
        return self.since <= when.date() <= (self.until or when.date())

    def _articles_and_next(
        self, response: Response, links: list[str], following: str | None, api: bool = False
    ) -> Iterator[Request]:
        for url in links:
            if self._in_range(url):
                yield self._article_request(url)
        page_no = response.meta.get(PAGE_NO, 1)
        if not following or page_no >= self.profile.max_listing_pages:
            return
        if self.since and links:
            dated = [date_from_url(u) for u in links]
            if all(d is not None and d.date() < self.since for d in dated):
                return  # the listing has gone past the range's first day
        if api:
            yield self._api_request(page_no + 1)
        else:
            yield self._listing_request(following, page_no + 1, next_page=True)

    def on_edition_error(self, failure: Failure) -> None:
        """An edition that is not out (yet): left, not an error; anything else is one."""
        error = failure.value
        if isinstance(error, HttpError) and error.response.status == 404:
            request: Any = failure.request  # type: ignore[attr-defined]
            self._skip(request.url, "no_edition", "no e-paper edition at this address (yet)")
            return
        self.on_error(failure)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response):
            return
        kind, entries = listing.sitemap_entries(response.body)
        depth = response.meta.get("depth_in_index", 0)
        if kind == "sitemapindex":
            if depth < MAX_SITEMAP_DEPTH:
                for entry in entries:
                    yield self._source_request(
                        entry.url, self.parse_sitemap, depth_in_index=depth + 1
                    )
            return
        for entry in entries:
            if self._wanted(entry):
                yield self._article_request(entry.url, entry.modified)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response):
            return
        for entry in listing.feed_entries(response.body, response.url):
            if self._wanted(entry):
                yield self._article_request(entry.url, entry.modified)

    def _wanted(self, entry: listing.Entry) -> bool:
        """A sitemap or feed entry on the site, matching its pattern, and in the date range."""
        pattern = self.article_pattern
        if not self.scope.contains(entry.url) or (pattern and not pattern.search(entry.url)):
            return False
        if self.since and entry.modified is not None:
            day = entry.modified.astimezone(SHANGHAI).date()
            return self.since <= day <= (self.until or day)
        return self._in_range(entry.url)


class SitemapSpider(PortalSpider):
    """``scrapy crawl sitemap -a site=NAME``: only the site's sitemaps (``lastmod`` honoured)."""

    name = "sitemap"
    sources = ("sitemap",)


class FeedSpider(PortalSpider):
    """``scrapy crawl feed -a site=NAME``: only the site's RSS/Atom feeds (``pubDate`` honoured)."""

    name = "feed"
    sources = ("feed",)
