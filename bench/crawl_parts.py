"""newsmon's parts of the crawling process's work, each alone: CPU per listing page, response, request.

    python bench/crawl_parts.py [--rounds 5] [--code CHECKOUT]

Three of the things the crawling process does for each page besides Scrapy's own work, each
timed on the thread's CPU clock outside a crawl (so that the machine's load moves them little),
medians of five passes:

- **incremental questions**: a listing page's 20 article links through
  ``IncrementalManager.select_new`` and the listing's ``validators`` (the conditional GET), on a
  SQLite archive of 2,000 stored articles; links all new (a first crawl) and all stored (a
  re-crawl);
- **spider-middleware chain**: a response through Scrapy's ``SpiderMiddlewareManager`` with
  newsmon's ``SPIDER_MIDDLEWARES``: an article page yielding its item, and a listing page
  yielding 20 new article requests and its next page (its incremental questions included);
- **download counters**: a request through the ``DownloaderStats`` middleware newsmon enables;
- **a response's counters and log message**: a response through that middleware's counters,
  the engine's "Crawled (200)" message asked of the crawl's ``LOG_FORMATTER`` (DEBUG: not
  logged at newsmon's level) and Scrapy's core stats' count, with the crawl's ``STATS_CLASS``
  (Scrapy's before session 19; every part above counts through it too);
- **item_scraped**: the signal Scrapy sends for every item, through the signal manager newsmon's
  ``EXTENSIONS`` leave the crawler with, to Scrapy's ``CoreStats`` (its one receiver in a crawl);
- **a result to its coroutine**: what ``parse_article`` awaits for a page handed to the
  extraction pool, settled as the pool settles it (a Deferred turned into a future before
  session 18, an asyncio future since: ``ExtractPool.extract_soon``), awaited by a coroutine.

``--code`` measures another checkout too, each in its own process, alternated ``--rounds`` times
(the order swapped each round). The crawl of ``bench/crawl.py`` reads one listing page per 20
article pages: a millisecond less per listing page is ~0.05 ms less per crawled page.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checkouts import run_worker

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8080/news/"
PASSES = 5


def _archive(tmp: Path) -> str:
    """A SQLite archive holding 2,000 articles under ``BASE`` (``{BASE}stored/{i}.html``)."""
    from sqlalchemy import insert

    from storage import create_schema, make_engine
    from storage.models import Article, utcnow

    url = f"sqlite:///{tmp / 'archive.sqlite3'}"
    engine = make_engine(url)
    create_schema(engine)
    now = utcnow()
    rows = [
        {"url": f"{BASE}stored/{i}.html", "fetched_url": f"{BASE}stored/{i}.html", "title": "t",
         "body": "b", "raw_html": b"<html></html>", "content_hash": 1, "extractor_version": 1,
         "first_seen_at": now, "fetched_at": now}
        for i in range(2000)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Article), rows)
    engine.dispose()
    return url


def _median_us(passes: list[float]) -> dict[str, float]:
    return {"median": statistics.median(passes), "best": min(passes)}


def _timed(run: Callable[[], None], count: int) -> dict[str, float]:
    """µs of the thread's CPU per call of ``run`` (``count`` calls a pass)."""
    passes = []
    for _ in range(PASSES):
        start = time.thread_time()
        for _ in range(count):
            run()
        passes.append((time.thread_time() - start) / count * 1e6)
    return _median_us(passes)


def measure() -> dict[str, Any]:
    """Timings of this interpreter's newsmon (the checkout on ``sys.path``)."""
    from scrapy import Request, Spider
    from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
    from scrapy.core.spidermw import SpiderMiddlewareManager
    from scrapy.downloadermiddlewares.stats import DownloaderStats
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    import crawler.settings
    from crawler.config import Config
    from crawler.incremental import KIND, NEXT_PAGE, IncrementalManager, RequestKind
    from crawler.options import options_settings

    result: dict[str, Any] = {}
    serial = itertools.count()
    with tempfile.TemporaryDirectory(prefix="newsmon-parts-") as tmpdir:
        db_url = _archive(Path(tmpdir))
        manager = IncrementalManager(db_url)

        def questions(stored: bool) -> None:
            page = next(serial)
            numbers = [(page * 20 + j) % 2000 if stored else page * 20 + j for j in range(20)]
            folder = "stored" if stored else "new"
            links = [(f"{BASE}{folder}/{n}.html", None) for n in numbers]
            manager.requested.clear()
            manager.select_new(links)
            manager.validators(f"{BASE}list_{page}.html")

        manager.validators(BASE)  # the archive opened, old ignored links forgotten: once a run
        result["questions, new links"] = _timed(lambda: questions(False), 100)
        result["questions, stored links"] = _timed(lambda: questions(True), 100)

        settings = {
            "SPIDER_MIDDLEWARES": crawler.settings.SPIDER_MIDDLEWARES,
            "DOWNLOADER_MIDDLEWARES": crawler.settings.DOWNLOADER_MIDDLEWARES,
            **options_settings(Config(), db_url),
            # the checkout's stats collector and log formatter (Scrapy's before session 19)
            **{
                name: getattr(crawler.settings, name)
                for name in ("STATS_CLASS", "LOG_FORMATTER")
                if hasattr(crawler.settings, name)
            },
        }
        crawl = get_crawler(Spider, settings)
        crawl.spider = Spider("bench")
        chain = SpiderMiddlewareManager.from_crawler(crawl)
        result["output layers"] = [
            type(getattr(method, "__self__", method)).__name__
            for method in chain.methods["process_spider_output"]
            if method is not None
        ]

        async def respond(listing: bool) -> None:
            page = next(serial)
            request = Request(f"{BASE}{'list_' if listing else ''}{page}.html")
            response = HtmlResponse(request.url, body=b"<html></html>", request=request)
            outputs: list[Any] = [{"title": page}]
            if listing:
                meta = {KIND: RequestKind.ARTICLE}
                outputs = [Request(f"{BASE}p{page}/{j}.html", meta=meta) for j in range(20)]
                meta = {KIND: RequestKind.LISTING, NEXT_PAGE: True}
                outputs.append(Request(f"{BASE}list_{page + 1}.html", meta=meta))

            async def callback(response: Any, request: Any) -> list[Any]:
                return outputs

            got = [o async for o in await chain.scrape_response_async(callback, response, request)]
            assert len(got) == len(outputs), "the chain dropped outputs"

        async def chains() -> None:
            for listing, name, count in ((False, "article response", 1000), (True, "listing", 100)):
                passes = []
                for _ in range(PASSES):
                    start = time.thread_time()
                    for _ in range(count):
                        await respond(listing)
                    passes.append((time.thread_time() - start) / count * 1e6)
                result[f"chain, {name}"] = _median_us(passes)

        asyncio.run(chains())
        asyncio.run(_item_path(crawl, result))
        downloader = DownloaderMiddlewareManager.from_crawler(crawl)
        (counters,) = [m for m in downloader.middlewares if isinstance(m, DownloaderStats)]
        headers = {"Referer": f"{BASE}list_1.html", "Accept": "text/html"}
        requests = [Request(f"{BASE}2023/{i}.html", headers=headers) for i in range(1000)]
        for request in requests:  # Scrapy parses a request's URL once: before this middleware
            counters.process_request(request)
        cycle = itertools.cycle(requests)
        result["download counters"] = _timed(lambda: counters.process_request(next(cycle)), 1000)
        replies = itertools.cycle(
            [
                HtmlResponse(r.url, body=b"<html></html>", request=r, headers=_REPLY)
                for r in requests
            ]
        )
        result["a response's counters and log message"] = _timed(
            lambda: _received(crawl, counters, next(replies)), 1000
        )
    return result


#: The headers of a page as nginx serves it.
_REPLY = {
    "Server": "nginx/1.22.1",
    "Date": "Wed, 02 Dec 2026 05:30:00 GMT",
    "Content-Type": "text/html",
    "Content-Length": "2048",
    "Last-Modified": "Wed, 02 Dec 2026 05:29:00 GMT",
    "Connection": "keep-alive",
    "ETag": '"6712-800"',
    "Accept-Ranges": "bytes",
}


def _received(crawl: Any, counters: Any, response: Any) -> None:
    """What Scrapy does with a response besides its middlewares' own work and the spider's: the
    download counters, the engine's "Crawled" message (as Scrapy's engine asks for it) and
    Scrapy's core stats of a response."""
    import logging

    from scrapy.utils.log import logformatter_adapter

    request = response.request
    counters.process_response(request, response)
    logkws = crawl.logformatter.crawled(request, response, crawl.spider)
    if logkws is not None:
        logging.getLogger("scrapy.core.engine").log(
            *logformatter_adapter(logkws), extra={"spider": crawl.spider}
        )
    crawl.stats.inc_value("response_received_count")


async def _item_path(crawl: Any, result: dict[str, Any]) -> None:
    """The ``item_scraped`` signal and a hand-over's result, µs a page (see the docstring)."""
    from scrapy import signals
    from scrapy.exceptions import NotConfigured
    from scrapy.extensions.corestats import CoreStats
    from scrapy.utils.defer import maybe_deferred_to_future
    from scrapy.utils.misc import build_from_crawler, load_object
    from twisted.internet.defer import Deferred

    import crawler.extract_pool as extract_pool
    import crawler.settings

    for path in crawler.settings.EXTENSIONS:  # newsmon's own extensions, as a crawl builds them
        if path.startswith("crawler."):
            with contextlib.suppress(NotConfigured):
                build_from_crawler(load_object(path), crawl)
    build_from_crawler(CoreStats, crawl)
    crawl.stats.open_spider()
    spider = crawl.spider

    async def signal() -> None:
        await crawl.signals.send_catch_log_async(
            signal=signals.item_scraped, item={}, response=None, spider=spider
        )

    loop = asyncio.get_running_loop()
    settle = getattr(extract_pool, "_settle", None)

    async def handed() -> None:
        if settle is None:  # before session 18: a Deferred, awaited as a future
            deferred: Deferred[int] = Deferred()
            waited = maybe_deferred_to_future(deferred)
            deferred.callback(1)
            await waited
        else:
            future = loop.create_future()
            settle(1, future)
            await future

    for name, run in (("item_scraped signal", signal), ("a result to its coroutine", handed)):
        passes = []
        for _ in range(PASSES):
            start = time.thread_time()
            for _ in range(1000):
                await run()
            passes.append((time.thread_time() - start) / 1000 * 1e6)
        result[name] = _median_us(passes)
    assert crawl.stats.get_value("item_scraped_count") == PASSES * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--code", type=Path, help="another checkout, alternated with this one")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure()))
        return
    codes = {"this checkout": ROOT}
    if args.code is not None:
        codes[f"--code {args.code}"] = args.code.resolve()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    start_load = os.getloadavg()[0]
    for round_no in range(args.rounds):
        names = list(codes) if round_no % 2 == 0 else list(codes)[::-1]
        for name in names:
            runs[name].append(run_worker(__file__, codes[name]))
    print(
        f"{args.rounds} rounds; load {start_load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    for name, rows in runs.items():
        print(f"- {name}: spider-middleware output layers {', '.join(rows[0]['output layers'])}")
    parts = [k for k in runs["this checkout"][0] if k != "output layers"]
    print("\nµs of CPU, median of the rounds' medians (best)\n")
    print("| part | " + " | ".join(codes) + " |\n|---|" + "---:|" * len(codes))
    for part in parts:
        cells = [
            f"{statistics.median(r[part]['median'] for r in rows):.1f} "
            f"({min(r[part]['best'] for r in rows):.1f})"
            for rows in runs.values()
        ]
        print(f"| {part} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
