"""What every newsmon spider does with an article response or a failed request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extraction import ExtractionError
from crawler.incremental import KIND, RequestKind, incremental_manager
from crawler.items import ArticleItem
from crawler.options import Options, crawler_options
from crawler.responses import NotHtml, article_item
from crawler.runs import describe_failure, record_error

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

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.options = crawler_options(crawler)
        return spider

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        seed = response.meta.get(SEED, response.url)
        try:
            yield article_item(
                response,
                site=self.site_name,
                keywords=self.options.keywords,
                exclude=self.options.exclude,
                fetched_url=seed,
            )
        except NotHtml as exc:
            self._not_article(seed, "not_html", str(exc))
        except ExtractionError as exc:
            self._not_article(seed, "not_article", f"not an article: {exc}")

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
