"""``article``: fetch the given URLs now and store what they hold (``newsmon crawl``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extraction import ExtractionError
from crawler.items import ArticleItem
from crawler.options import options_from_settings
from crawler.responses import NotHtml, article_item
from crawler.runs import describe_failure, record_error

SEED = "newsmon_seed"


class ArticleSpider(Spider):
    """``scrapy crawl article -a url=URL[,URL...]``: one request per URL, each failure reported."""

    name = "article"

    def __init__(
        self, url: str = "", urls: Iterable[str] = (), site: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.seed_urls = [u.strip() for u in url.split(",") if u.strip()] + list(urls)
        if not self.seed_urls:
            raise ValueError("give at least one URL: -a url=URL[,URL...]")
        self.site_name = site

    async def start(self) -> AsyncIterator[Request]:
        options = options_from_settings(self.settings)
        self.keywords = options.keywords
        self.exclude = options.exclude
        for url in self.seed_urls:
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={SEED: url},
                dont_filter=True,
            )

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        seed = response.meta.get(SEED, response.url)
        try:
            yield article_item(
                response,
                site=self.site_name,
                keywords=self.keywords,
                exclude=self.exclude,
                fetched_url=seed,
            )
        except NotHtml as exc:
            record_error(self.crawler, seed, "not_html", str(exc))
            self.logger.warning("%s: %s", seed, exc)
        except ExtractionError as exc:
            record_error(self.crawler, seed, "not_article", f"not an article: {exc}")
            self.logger.warning("%s: not an article: %s", seed, exc)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        seed = request.meta.get(SEED, request.url)
        kind, reason = describe_failure(failure, request.meta.get("download_timeout"))
        record_error(self.crawler, seed, kind, reason)
        self.logger.warning("%s: %s", seed, reason)
