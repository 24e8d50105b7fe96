"""``article``: fetch the given URLs now and store what they hold (``newsmon crawl``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request

from crawler.runs import ERROR_LIST, record_error
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

    def note_unfinished(self, reason: str) -> None:
        """At the end: a URL neither stored nor failed was never fetched (the crawl stopped
        early); list it as failed, as the CLI tells the user, so that the run's row agrees."""
        stats = self.crawler.stats
        assert stats is not None
        done = {e["url"] for e in stats.get_value("newsmon/stored") or []}
        done |= {e["url"] for e in stats.get_value(ERROR_LIST) or []}
        for url in self.seed_urls:
            if url not in done:
                record_error(
                    self.crawler, url, "unfinished", f"not stored: the crawl stopped ({reason})"
                )
                done.add(url)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.seed_urls:
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                meta={SEED: url},
                dont_filter=True,
            )
