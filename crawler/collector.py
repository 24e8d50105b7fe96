"""Python's cyclic garbage collector, set for a crawl: start-up's objects frozen, young
collections less often.

A crawl's processes hold a large, long-lived heap from their start (Scrapy, Twisted,
SQLAlchemy, lxml, the extractor's tables) and then make short-lived objects for every page
(Deferreds, coroutines, requests, items). With Python's defaults every full collection walks
the whole start-up heap again, and a young collection runs every 700 allocations: in the
crawling process of a 2,000-page crawl (one extraction worker and the writer;
docs/benchmarks.md, Crawling, "Session 8") the collector took ~1 s of its ~9–10 s of CPU,
~0.5 ms a page; set as below, ~0.5 s.

:func:`tune` collects once, then freezes what is alive (``gc.freeze``: never walked again,
and never freed if it becomes cyclic garbage — objects freed by reference counting still
are), and raises the first generation's threshold from 700 to ``YOUNG`` allocations. Cyclic
garbage made during the crawl is still collected, a little later. The crawling process does
this when its first spider opens (:class:`FreezeAtOpen`, an extension; ``NEWSMON_GC_FREEZE=0``,
a setting or environment variable, turns it off) and undoes it when its last spider closes.
Extraction workers and the writer process call :func:`tune` once started (their collector
took ~0.1–0.2 s a crawl): their fork server froze the heap they inherit
(:mod:`crawler.forkserver`, :mod:`crawler.forkserver_preload`), so that first collection
walks only their own start-up.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any, Self

from crawler.config import switch

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def wanted(settings: Any) -> bool:
    """``NEWSMON_GC_FREEZE`` (a Scrapy setting, else the environment variable; default 1); a
    bad value raises :class:`~crawler.config.SettingError` (checked with the crawl's others
    before it starts: ``crawler.store_writer.check_crawl_settings``)."""
    return switch(settings, "NEWSMON_GC_FREEZE", default=True)


#: Allocations (less deallocations) between two young collections; Python's default is 700.
YOUNG = 7000

#: The thresholds to restore, and how many open spiders of this process asked for :func:`tune`.
_saved: tuple[int, int, int] | None = None
_open = 0


def tune() -> None:
    """Collect, freeze what is alive, and collect young objects less often (for good)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)


class FreezeAtOpen:
    """Extension: :func:`tune` when the process's first spider opens, undone when its last
    one closes (several crawlers may share a process: ``newsmon monitor`` of many sites)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy import signals  # not at import: worker processes import this module
        from scrapy.exceptions import NotConfigured

        if not wanted(crawler.settings):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        global _saved, _open
        _open += 1
        if _open == 1:
            _saved = gc.get_threshold()
            tune()

    def spider_closed(self, spider: Any, reason: str) -> None:
        global _saved, _open
        _open -= 1
        if _open == 0 and _saved is not None:
            gc.unfreeze()
            gc.set_threshold(*_saved)
            _saved = None
