"""Live progress of a crawl on a terminal: pages fetched, articles new/known, matches, errors."""

from __future__ import annotations

import sys
from typing import Any, Self, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall


class ProgressReporter:
    """Extension: rewrites one status line on stderr every ``NEWSMON_PROGRESS_INTERVAL`` seconds.

    Off unless ``NEWSMON_PROGRESS`` is true: ``newsmon monitor`` turns it on only
    when stderr is a terminal, so logs and cron mails stay free of it.
    """

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSMON_PROGRESS"):
            raise NotConfigured
        reporter = cls(
            crawler, crawler.settings.getfloat("NEWSMON_PROGRESS_INTERVAL", 0.5), sys.stderr
        )
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def line(self) -> str:
        stats = self.crawler.stats
        assert stats is not None
        get = stats.get_value
        spider: Any = self.crawler.spider
        name = getattr(spider, "site_name", None) or (spider.name if spider else "?")
        new = sum(get(f"newsmon/articles/{k}", 0) for k in ("new", "updated"))
        return (
            f"{name}: {get('downloader/response_count', 0)} pages, {new} new articles, "
            f"{get('newsmon/incremental/known', 0)} known, {get('newsmon/matches/new', 0)} new matches, "
            f"{get('newsmon/errors', 0)} errors"
        )

    def report(self) -> None:
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def spider_opened(self, spider: Any) -> None:
        self.task = LoopingCall(self.report)
        self.task.start(self.interval, now=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.stream.write("\r" + self.line() + "\x1b[K\n")
        self.stream.flush()
