"""``article``: fetch the given URLs now and store what they hold (``newsmon crawl``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request

from crawler.spiders.base import SEED, NewsmonSpider


class ArticleSpider(NewsmonSpider):
    """``scrapy crawl article -a url=URL[,URL...]``: one request per URL, each failure reported."""

    name = "article"
    #: the CLI prints one line per URL it was given, from this list in the run's stats
    report_stored = True

    def __init__(
        self, url: str = "", urls: Iterable[str] = (), site: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.seed_urls = [u.strip() for u in url.split(",") if u.strip()] + list(urls)
        if not self.seed_urls:
            raise ValueError("give at least one URL: -a url=URL[,URL...]")
        self.site_name = site

    async def start(self) -> AsyncIterator[Request]:
        for url in self.seed_urls:
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={SEED: url},
                dont_filter=True,
            )
