"""The incremental middleware: a listing page of known articles ends the paging.

Real middleware, real SQLite archive.
"""

from __future__ import annotations

from datetime import timedelta
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
from storage.models import Article, utcnow
from storage.repository import canonical_url, save_ignored

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


def test_select_new_asks_what_is_stored_and_what_is_ignored(tmp_path: Path) -> None:
    """Stored and unchanged: known; ignored: known; stored and changed since (per a feed):
    wanted, even when its URL once led to no article; never seen: wanted."""
    manager = IncrementalManager(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    stored, changed, ignored, fresh = (f"{BASE}/news/{name}.html" for name in "abcd")
    fetched = utcnow() - timedelta(days=1)
    with manager.sessions.begin() as session:
        for url in (stored, changed):
            session.add(
                Article(
                    url=canonical_url(url), fetched_url=url, title="t", body="b",
                    raw_html=b"<html></html>", content_hash=1, extractor_version=1,
                    first_seen_at=fetched, fetched_at=fetched,
                )
            )  # fmt: skip
        save_ignored(session, {ignored: "not an article", changed: "not an article"})
    candidates = [(stored, None), (changed, utcnow()), (ignored, utcnow()), (fresh, None)]
    assert manager.select_new(candidates) == ({changed, fresh}, 0)
    # asked again in the same run: what was wanted is a repeat now
    assert manager.select_new(candidates) == (set(), 2)
