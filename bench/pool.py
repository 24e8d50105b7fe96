"""What handing pages to an extraction worker costs the crawling process.

    python bench/pool.py [--pages 600] [--repeats 2]

Runs ``crawler.extract_pool.ExtractPool`` with one worker on Scrapy's reactor and hands
it the sample portal's article pages, either all at once (a burst: the worker is the
bottleneck, pages queue) or one every 2 ms (the worker idles between pages, as in a crawl
of small pages), with batches of up to ``BATCH`` pages gathered for up to ``GATHER``
seconds, the same without the wait (as before session 7), and batches of one (as before
batches), alternated. Prints this process's CPU time per
page (user + system, all its threads; the worker's not counted) and the wall time per page.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from twisted.internet import asyncioreactor  # noqa: E402

asyncioreactor.install()

from twisted.internet import defer, reactor, task  # noqa: E402

import crawler.extract_pool as extract_pool  # noqa: E402
from bench.stages import sample_pages  # noqa: E402

FULL = extract_pool.BATCH
GATHER = extract_pool.GATHER


async def one_run(
    pages: list[extract_pool.Page], batch: int, gather: float, interval: float
) -> str:
    extract_pool.BATCH = batch
    extract_pool.GATHER = gather
    pool = extract_pool.ExtractPool(1)
    try:
        await pool.extract(pages[0])  # the worker started and warm
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        waiting = []
        for page in pages:
            waiting.append(pool.extract(page))
            if interval:
                await task.deferLater(reactor, interval, lambda: None)
        await defer.gatherResults(waiting)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        pool.close()
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    arrival = f"one every {interval * 1000:g} ms" if interval else "all at once"
    return (
        f"| {arrival} | {batch} | {1000 * gather:g} | {1000 * cpu / len(pages):.2f} | {1000 * wall / len(pages):.2f} "
        f"| {os.getloadavg()[0]:.1f} |"
    )


async def main(args: argparse.Namespace) -> None:
    fetched = datetime.now(UTC)
    pages = [
        extract_pool.Page(body, url, "text/html", fetched)
        for url, body in sample_pages(args.pages, 0)
    ]
    print(
        "| pages arrive | batch up to | gathered for up to ms | CPU ms per page, crawling "
        "process | wall ms per page | load |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for _ in range(args.repeats):
        for interval in (0.0, 0.002):
            for batch, gather in ((FULL, GATHER), (FULL, 0.0), (1, 0.0)):
                print(await one_run(pages, batch, gather, interval), flush=True)


def run(args: argparse.Namespace) -> None:
    done = defer.Deferred.fromCoroutine(main(args))

    def stop(result: Any) -> None:
        reactor.stop()  # type: ignore[attr-defined]
        if isinstance(result, Exception):
            print(result, file=sys.stderr)

    done.addBoth(stop)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=2)
    reactor.callWhenRunning(run, parser.parse_args())  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
