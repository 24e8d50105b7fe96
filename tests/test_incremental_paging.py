"""The incremental middleware: a listing page of known articles ends the paging.

Real middleware, real SQLite archive.
"""

from __future__ import annotations

from pathlib import Path

from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.incremental import (
    KIND,
    NEXT_PAGE,
    IncrementalManager,
    IncrementalMiddleware,
    RequestKind,
)

BASE = "http://127.0.0.1:8000"


def _middleware(tmp_path: Path) -> tuple[IncrementalMiddleware, Spider]:
    crawler = get_crawler(Spider)
    spider = Spider("listing")
    manager = IncrementalManager(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    return IncrementalMiddleware(crawler, manager), spider


def _listing(n: int) -> tuple[HtmlResponse, list[Request], Request]:
    response = HtmlResponse(f"{BASE}/news/list_{n}.html", body=b"<html></html>")
    articles = [
        Request(f"{BASE}/news/{n}/{i}.html", meta={KIND: RequestKind.ARTICLE}) for i in range(3)
    ]
    following = Request(
        f"{BASE}/news/list_{n + 1}.html", meta={KIND: RequestKind.LISTING, NEXT_PAGE: True}
    )
    return response, articles, following


def test_a_page_of_known_articles_stops_the_paging_one_new_article_does_not(tmp_path: Path) -> None:
    middleware, spider = _middleware(tmp_path)
    response, articles, following = _listing(1)
    list(middleware.process_spider_output(response, [*articles, following], spider))
    # the same articles again (requested already in this run): nothing new, no next page
    again = list(middleware.process_spider_output(response, [*articles, following], spider))
    assert again == []
    stats = middleware.crawler.stats
    assert stats is not None
    assert stats.get_value("newsmon/incremental/stopped_paging") == 1
    # one new article among known ones: the paging goes on, the new article is handed on
    fresh = Request(f"{BASE}/news/1/9.html", meta={KIND: RequestKind.ARTICLE})
    out = list(middleware.process_spider_output(response, [*articles, fresh, following], spider))
    assert [r.url for r in out] == [fresh.url, following.url]
