"""Running newsmon's spiders in this process: the settings of a crawl, and one crawl per process.

The caller has loaded the config once; it travels to every part of the crawl as the
``NEWSMON_OPTIONS`` setting (``crawler.options``), so nothing in the crawl reads the
config file again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.config import Config
from crawler.options import options_settings


def crawl_settings(
    config: Config, db_url: str, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """``crawler.settings``, the crawl's options, then ``overrides``, without needing scrapy.cfg.

    The options (``config``, the database at ``db_url``, the config's keywords) and
    ``overrides`` (``--set NAME=VALUE``) take command-line priority, as ``scrapy crawl -s``.
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    # ``--set NEWSMON_DB_URL=…``/``NEWSMON_KEYWORDS=…``/``NEWSMON_EXCLUDE=…`` still win, as
    # under ``scrapy crawl -s``: they are folded into the one options object.
    keywords = settings.getlist("NEWSMON_KEYWORDS") if settings.get("NEWSMON_KEYWORDS") else None
    exclude = settings.getlist("NEWSMON_EXCLUDE") if settings.get("NEWSMON_EXCLUDE") else None
    options = options_settings(
        config, settings.get("NEWSMON_DB_URL") or db_url, keywords=keywords, exclude=exclude
    )
    settings.setdict(options, priority="cmdline")
    if _level(settings.get("LOG_LEVEL")) > logging.INFO:
        # Scrapy formats every counter for its INFO log line at the close (a pprint of the
        # stats, the per-article lists among them) and only then finds the line dropped:
        # ~0.025 s of CPU at 2,000 articles (a 97 KB text), for nothing (docs/benchmarks.md,
        # Crawling, "Session 15"). ``--set STATS_DUMP=1`` still asks for it.
        settings.set("STATS_DUMP", False, priority="project")
    return settings


def _level(level: Any) -> int:
    """A ``LOG_LEVEL`` as a number (a name Python's logging does not know: DEBUG's)."""
    if isinstance(level, int):
        return level
    number = logging.getLevelName(str(level or "DEBUG").upper())
    return number if isinstance(number, int) else logging.DEBUG


def run_spiders(
    runs: Sequence[tuple[str, Mapping[str, Any]]],
    config: Config,
    db_url: str,
    overrides: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run several spiders side by side in this process (one reactor); return each one's stats.

    ``runs`` are ``(spider name, spider arguments)`` pairs. Like :func:`run_spider`,
    call it at most once per process.
    """
    settings = crawl_settings(config, db_url, overrides)
    process = CrawlerProcess(settings)
    loader = SpiderLoader.from_settings(settings)
    crawlers = []
    for name, args in runs:
        crawler = process.create_crawler(loader.load(name))
        process.crawl(crawler, **args)
        crawlers.append(crawler)
    # Scrapy sets its loggers to DEBUG whatever LOG_LEVEL says and leaves the filtering to the
    # handler: a "Crawled" record for every response and a "Scraped" one for every item were
    # made only to be dropped (~0.1 ms a page). Below LOG_LEVEL they are not made at all now.
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL") or logging.DEBUG)
    process.start()
    return [_stats(c) for c in crawlers]


def _stats(crawler: Crawler) -> dict[str, Any]:
    """The crawl's final stats; none for a crawl that failed to start (its error is logged)."""
    try:
        return dict(crawler.stats.get_stats())
    except RuntimeError:  # Scrapy: "Crawler.stats is not set yet"
        return {}


def run_spider(
    spider: str,
    config: Config,
    db_url: str,
    overrides: Mapping[str, Any] | None = None,
    **spider_args: Any,
) -> dict[str, Any]:
    """Run one spider to completion in this process and return its final stats.

    A Twisted reactor cannot be restarted, so call this at most once per
    process; the scheduler runs each crawl in a child process for that reason.
    """
    return run_spiders([(spider, spider_args)], config, db_url, overrides)[0]
