"""The crawl's stats collector and log formatter: Scrapy's own, without their cost a page.

Both are Scrapy components chosen by its settings (``STATS_CLASS``, ``LOG_FORMATTER``;
crawler/settings.py). What they count and log is Scrapy's: their methods are Scrapy's, and
they leave out only work whose result nobody sees (docs/benchmarks.md, Crawling, "Session 19").
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.statscollectors import MemoryStatsCollector
from twisted.python.failure import Failure

#: The loggers Scrapy logs a response's "Crawled" and an item's "Scraped from" message with.
_ENGINE_LOG = logging.getLogger("scrapy.core.engine")
_SCRAPER_LOG = logging.getLogger("scrapy.core.scraper")


class QuickStatsCollector(MemoryStatsCollector):
    """Scrapy's in-memory stats collector, with Python's plain attribute lookup.

    Scrapy 2.19's ``StatsCollector`` defines ``__getattribute__`` in Python, so that every
    attribute of the collector — its methods, and the dict of stats its methods read — is
    looked up through a function call, and its methods are wrapped to warn when a caller
    passes the deprecated ``spider`` argument: a counter's ``inc_value`` takes ~1.7 µs
    instead of ~0.1. A crawl makes ~14 such calls a page (the scheduler's, the download
    counters', Scrapy's core stats, newsmon's), ~20 µs of the crawling process's CPU a page.
    Here the lookup is Python's own again (``object.__getattribute__``, in C) and the
    methods are Scrapy's, inherited unchanged: the same stats, kept and persisted as Scrapy's
    ``MemoryStatsCollector`` does. What is left out is that deprecation warning only (newsmon
    passes no ``spider`` to the stats, nor does Scrapy's own code).
    """

    __getattribute__ = object.__getattribute__


class QuietLogFormatter(LogFormatter):
    """Scrapy's log messages, a response's and an item's built only when they will be logged.

    Scrapy asks its log formatter for the "Crawled (200) <GET …> (referer: …)" message of
    every response and the "Scraped from …" message of every item, both at DEBUG level,
    before its logger drops them under newsmon's INFO: the request's and the response's
    flags and the ``Referer`` header decoded for every page, for nothing. Scrapy skips
    logging an action its formatter returns ``None`` for (``LogFormatter``'s documentation):
    here when its logger would not log a DEBUG message; when it would (``--set
    LOG_LEVEL=DEBUG``), Scrapy's messages, unchanged.
    """

    def crawled(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider
    ) -> LogFormatterResult | None:
        if not _ENGINE_LOG.isEnabledFor(logging.DEBUG):
            return None
        return super().crawled(request, response, spider)

    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        if not _SCRAPER_LOG.isEnabledFor(logging.DEBUG):
            return None
        return super().scraped(item, response, spider)
