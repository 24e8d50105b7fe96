"""crawler/stats.py: Scrapy's stats and log messages, kept as Scrapy keeps them, without their cost a page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.logformatter import LogFormatter
from scrapy.statscollectors import MemoryStatsCollector, StatsCollector
from scrapy.utils.test import get_crawler

import crawler.settings
from crawler.stats import QuickStatsCollector, QuietLogFormatter
from tests.cli import newsmon
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()

Calls = Callable[[StatsCollector], None]


def _counting(stats: StatsCollector) -> None:
    stats.inc_value("a")
    stats.inc_value("a", 2)
    stats.inc_value("b", 3, start=10)


def _extremes(stats: StatsCollector) -> None:
    stats.max_value("high", 3)
    stats.max_value("high", 1)
    stats.min_value("low", 3)
    stats.min_value("low", 5)
    stats.min_value("low", 2)


def _setting(stats: StatsCollector) -> None:
    stats.set_value("x", [1])
    stats.set_value("y", stats.get_value("missing", "default"))
    stats.set_value("z", stats.get_value("x"))


def _replacing(stats: StatsCollector) -> None:
    stats.inc_value("gone")
    stats.set_stats({"kept": 1})
    stats.inc_value("kept")


def _clearing(stats: StatsCollector) -> None:
    stats.inc_value("gone")
    stats.clear_stats()
    stats.inc_value("after")


@pytest.mark.parametrize(
    "calls",
    [_counting, _extremes, _setting, _replacing, _clearing],
    ids=["inc_value", "max_min_value", "set_get_value", "set_stats", "clear_stats"],
)
def test_the_quick_collector_keeps_what_scrapys_keeps(calls: Calls) -> None:
    kept = []
    for cls in (MemoryStatsCollector, QuickStatsCollector):
        crawl = get_crawler(Spider)
        crawl.spider = Spider("s")
        stats = cls(crawl)
        stats.open_spider()
        calls(stats)
        stats.close_spider(reason="finished")
        kept.append((stats.get_stats(), stats.spider_stats))
    assert kept[0] == kept[1]
    assert kept[1][1] == {"s": kept[1][0]}  # persisted at the close, as Scrapy's


def test_the_quick_collector_calls_scrapys_methods_without_a_wrapper() -> None:
    """What makes it quick: Scrapy's collector hands out a wrapper of each method, made by its
    own ``__getattribute__`` (each call then checks for a ``spider`` argument); this one hands
    out Scrapy's methods themselves."""
    quick = QuickStatsCollector(get_crawler(Spider))
    scrapys = MemoryStatsCollector(get_crawler(Spider))
    for name in ("get_value", "set_value", "inc_value", "max_value", "min_value", "get_stats"):
        assert getattr(quick, name).__func__ is getattr(StatsCollector, name)
        assert not hasattr(getattr(scrapys, name), "__func__")  # Scrapy's wrapper, a function


def _response() -> HtmlResponse:
    request = Request("http://127.0.0.1/a/1.html", headers={"Referer": "http://127.0.0.1/list"})
    return HtmlResponse(request.url, body=b"<html></html>", request=request)


@pytest.mark.parametrize(
    ("logger", "message"),
    [
        ("scrapy.core.engine", lambda f, r: f.crawled(r.request, r, Spider("s"))),
        ("scrapy.core.scraper", lambda f, r: f.scraped({"title": "t"}, r, Spider("s"))),
    ],
    ids=["crawled", "scraped"],
)
def test_a_debug_message_is_scrapys_when_logged_and_not_built_otherwise(
    logger: str, message: Callable[[LogFormatter, HtmlResponse], Any]
) -> None:
    response = _response()
    scrapys = message(LogFormatter(), response)
    assert scrapys["level"] == logging.DEBUG  # what the quiet formatter's check assumes
    log = logging.getLogger(logger)
    before = log.level
    try:
        log.setLevel(logging.DEBUG)
        assert message(QuietLogFormatter(), response) == scrapys
        log.setLevel(logging.INFO)
        assert message(QuietLogFormatter(), response) is None
    finally:
        log.setLevel(before)


def test_a_crawl_uses_both_and_still_logs_each_page_at_debug_level(
    web: WebServer, sqlite_url: str, tmp_path: Path
) -> None:
    assert crawler.settings.STATS_CLASS == "crawler.stats.QuickStatsCollector"
    assert crawler.settings.LOG_FORMATTER == "crawler.stats.QuietLogFormatter"
    url = web.add("/news/2023/0129/8121.html", SEED)
    quiet = newsmon("crawl", url, home=tmp_path, db=sqlite_url)
    assert quiet.returncode == 0, quiet.stderr
    assert "Crawled (200)" not in quiet.stderr
    # (the page is fetched again, and found unchanged)
    loud = newsmon("crawl", url, "--set", "LOG_LEVEL=DEBUG", home=tmp_path, db=sqlite_url)
    assert loud.returncode == 0, loud.stderr
    assert f"Crawled (200) <GET {url}>" in loud.stderr
