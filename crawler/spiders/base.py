"""What every newsmon spider does with an article response or a failed request."""

from __future__ import annotations

from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.extract_pool import (
    ExtractionAborted,
    ExtractPool,
    extract_page,
    pool_for,
)
from crawler.extraction import ExtractionError
from crawler.incremental import KIND, RequestKind, incremental_manager
from crawler.items import ArticleItem
from crawler.options import Options, crawler_options
from crawler.responses import NotHtml, item_of, page_of
from crawler.runs import describe_failure, record_error
from crawler.store_writer import check_crawl_settings
from storage.repository import Compressed, compress

SEED = "newsmon_seed"


class NewsmonSpider(Spider):
    """Base of the site spiders: article callback and errback, failures counted and listed.

    ``report_not_articles``: whether a fetched page that turns out not to be an
    article is a failure (for URLs a user asked for) or just a link that led
    elsewhere (for links discovered on listing pages).
    """

    report_not_articles = True
    site_name: str | None = None
    options: Options
    _pool: ExtractPool | bool | None = False  # False: not asked yet

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.options = crawler_options(crawler)
        # A bad NEWSMON_EXTRACT_*/NEWSMON_STORE_PROCESS fails the crawl's start (SettingError).
        check_crawl_settings(crawler.settings)
        if getattr(spider, "worker", False):
            # a distributed worker mostly takes requests other processes scheduled: with the crawl
            crawler.signals.connect(spider._start_pool_now, signal=signals.spider_opened)
        else:
            crawler.signals.connect(spider._start_pool, signal=signals.request_scheduled)
        return spider

    def _start_pool_now(self) -> None:
        pool = self.extract_pool()
        if pool is not None:
            pool.start()

    def _start_pool(self, request: Request) -> None:
        """Start the extraction workers when the first article request is scheduled, not at
        its response: they take a second or more to start, in a thread
        (crawler.extract_pool), while the crawl downloads that article.

        Not when the spider opens, as before: a crawl that finds nothing new (a no-change
        re-crawl, the usual run of a monitor) schedules no article and so starts neither the
        fork server nor a worker — ~1 s of CPU a run (docs/benchmarks.md, Crawling, "Session
        14"). Listing pages, sitemaps and feeds are read in this process whatever the pool.
        """
        if request.callback != self.parse_article:
            return
        assert self.crawler is not None
        self.crawler.signals.disconnect(self._start_pool, signal=signals.request_scheduled)
        self._start_pool_now()

    def extract_pool(self) -> ExtractPool | None:
        """The extraction pool (once the reactor runs); None: extract in-process."""
        if self._pool is False:
            self._pool = pool_for(self.crawler.settings)
        assert self._pool is not True
        return self._pool

    async def parse_article(self, response: Response) -> list[ArticleItem]:
        """Extract the article, in the extraction pool when there is one (crawler.extract_pool)."""
        seed = response.meta.get(SEED, response.url)
        options = self.options
        try:
            page = page_of(response, keywords=options.keywords, exclude=options.exclude)
            pool = self.extract_pool()
            if pool is None:
                article = extract_page(page)
                compressed = compress(page.body)
            else:
                article, compressed = await pool.extract_soon(page)
        except NotHtml as exc:
            self._not_article(seed, "not_html", str(exc))
        except ExtractionError as exc:
            self._not_article(seed, "not_article", f"not an article: {exc}")
        except ExtractionAborted as exc:
            # not the page's fault as far as we know: a failure, and fetched again next run
            record_error(self.crawler, seed, "extract", str(exc))
            self.logger.warning("%s: %s", seed, exc)
        else:
            item = item_of(response, page, article, site=self.site_name, fetched_url=seed)
            item.raw_html = Compressed(compressed)  # kept compressed until its batch is stored
            return [item]
        return []

    def _not_article(self, url: str, kind: str, reason: str) -> None:
        if self.report_not_articles:
            record_error(self.crawler, url, kind, reason)
            self.logger.warning("%s: %s", url, reason)
        else:
            self._skip(url, kind, reason)

    def _skip(self, url: str, kind: str, reason: str) -> None:
        """A discovered link that led to no article: counted, remembered, not a failure."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsmon/skipped/{kind}")
        manager = incremental_manager(self.crawler)
        if manager is not None:
            manager.ignore(url, kind)
        self.logger.debug("%s: %s", url, reason)

    def on_error(self, failure: Failure) -> None:
        request: Any = failure.request  # type: ignore[attr-defined]
        seed = request.meta.get(SEED, request.url)
        kind, reason = describe_failure(failure, request.meta.get("download_timeout"))
        if kind == "robots" and not self.report_not_articles:
            self._skip(seed, kind, reason)  # the site asks us not to fetch it: honoured
            return
        record_error(self.crawler, seed, kind, reason)
        if request.meta.get(KIND) == RequestKind.LISTING:
            # pages after it went unread: the next run pages to full depth
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsmon/incremental/listing_failed")
        self.logger.warning("%s: %s", seed, reason)
