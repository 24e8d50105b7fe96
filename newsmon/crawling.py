"""Running newsmon's spiders from Python: settings assembled from the options, one crawl per process."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """``crawler.settings`` plus ``overrides`` at command-line priority, without needing scrapy.cfg."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


def run_spiders(
    runs: Sequence[tuple[str, Mapping[str, Any]]], overrides: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run several spiders side by side in this process (one reactor); return each one's stats.

    ``runs`` are ``(spider name, spider arguments)`` pairs. Like :func:`run_spider`,
    call it at most once per process.
    """
    settings = project_settings(overrides)
    process = CrawlerProcess(settings)
    loader = SpiderLoader.from_settings(settings)
    crawlers = []
    for name, args in runs:
        crawler = process.create_crawler(loader.load(name))
        process.crawl(crawler, **args)
        crawlers.append(crawler)
    process.start()
    return [dict(c.stats.get_stats()) if c.stats else {} for c in crawlers]


def run_spider(
    spider: str, overrides: Mapping[str, Any] | None = None, **spider_args: Any
) -> dict[str, Any]:
    """Run one spider to completion in this process and return its final stats.

    A Twisted reactor cannot be restarted, so call this at most once per
    process; the scheduler runs each crawl in a child process for that reason.
    """
    settings = project_settings(overrides)
    process = CrawlerProcess(settings)
    spider_cls = SpiderLoader.from_settings(settings).load(spider)
    crawler = process.create_crawler(spider_cls)
    process.crawl(crawler, **spider_args)
    process.start()
    assert crawler.stats is not None
    return dict(crawler.stats.get_stats())
