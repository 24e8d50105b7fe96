"""Where a page's time goes in a crawl with extraction workers: a timeline per page.

    python bench/timeline.py [--articles 1000] [--page-kb 0] [--processes 1] [--repeats 1]

Serves the sample portal as ``bench/crawl.py`` does and runs ``newsmon monitor`` on it in a
child process whose classes are wrapped (nothing in newsmon changes) to stamp, per article
page, with one clock shared by all processes (``CLOCK_MONOTONIC``):

- ``enqueued``: the response reaches Scrapy's scraper; ``parse``: the spider's callback starts;
- ``handed``: the page is given to the pool; ``submitted``: its batch is written to a
  worker's socket; ``started`` / ``finished``: the worker starts and ends the page;
  ``answered`` = ``settled``: the reactor has read the batch's result from the socket (until
  session 9 an executor's thread had it first, then the reactor); ``item``: the store
  pipeline has the item; ``stored``: its batch is committed.

Prints the median and 90th percentile of each step, how many pages were in the pool on
average, the worker's busy fraction (its time on pages / the crawl's wall time) and each
thread of the crawling process's CPU time / wall time (the reactor's is ``MainThread``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = "NEWSMON_TIMELINE"


def _now() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


# -- in the worker process ---------------------------------------------------------------------


def timed_batch(pages: list[Any], timeout: float) -> list[Any]:
    """``crawler.extract_pool._work_batch``, stamping each page's start and end in a file."""
    from crawler import extract_pool

    done: list[Any] = []
    stamps = []
    for page in pages:
        start = _now()
        try:
            done.append(extract_pool._work(page, timeout))
        except Exception as exc:
            done.append(exc)
        stamps.append((page.url, start, _now()))
    with open(f"{os.environ[OUT]}.worker{os.getpid()}", "a", encoding="utf-8") as out:
        out.write(json.dumps(stamps) + "\n")
    return done


# -- in the crawling process -------------------------------------------------------------------


def install() -> None:
    """Wrap the crawl's classes to stamp each page; the stamps are written at exit."""
    import atexit

    from scrapy.core.scraper import Scraper

    import crawler.extract_pool as ep
    import crawler.pipelines as pl
    import crawler.spiders.base as base

    pages: dict[str, dict[str, float]] = defaultdict(dict)
    batches: list[dict[str, Any]] = []
    flushes: list[tuple[float, float, int]] = []
    samples: list[tuple[float, int, int, int]] = []
    begun = [_now()]

    def schedstat() -> list[float]:
        """The main thread's time on a CPU and waiting for one (run queue), in seconds."""
        with open(f"/proc/self/task/{os.getpid()}/schedstat") as stat:
            run, wait, _ = stat.read().split()
        return [int(run) / 1e9, int(wait) / 1e9]

    sched = [schedstat()]

    import selectors

    idle = [0.0, 0]
    select = selectors.EpollSelector.select

    def timed_select(self: Any, timeout: float | None = None) -> Any:
        start = _now()
        try:
            return select(self, timeout)
        finally:
            idle[0] += _now() - start
            idle[1] += 1

    selectors.EpollSelector.select = timed_select  # type: ignore[method-assign]

    def stamp(url: str, what: str) -> None:
        pages[url].setdefault(what, _now())

    enqueue = Scraper.enqueue_scrape

    def enqueue_scrape(self: Any, result: Any, request: Any) -> Any:
        stamp(request.url, "enqueued")
        engine = self.crawler.engine
        scheduler = engine._slot.scheduler if engine._slot else None
        samples.append(
            (
                _now(),
                len(engine.downloader.active),
                len(scheduler) if scheduler is not None else -1,
                len(self.slot.active) if self.slot else -1,
            )
        )
        return enqueue(self, result, request)

    Scraper.enqueue_scrape = enqueue_scrape  # type: ignore[method-assign]

    parse = base.NewsmonSpider.parse_article

    async def parse_article(self: Any, response: Any) -> Any:
        stamp(response.url, "parse")
        return await parse(self, response)

    base.NewsmonSpider.parse_article = parse_article  # type: ignore[method-assign]

    from scrapy.core.scheduler import Scheduler

    import crawler.spiders.portal as portal

    schedule = Scheduler.enqueue_request

    def enqueue_request(self: Any, request: Any) -> bool:
        stamp(request.url, "scheduled")
        return schedule(self, request)

    Scheduler.enqueue_request = enqueue_request  # type: ignore[method-assign]
    next_request = Scheduler.next_request

    def dequeue(self: Any) -> Any:
        request = next_request(self)
        if request is not None:
            stamp(request.url, "dequeued")
        return request

    Scheduler.next_request = dequeue  # type: ignore[method-assign]
    parse_listing = portal.PortalSpider.parse_listing

    def listing(self: Any, response: Any) -> Any:
        stamp(response.url, "parse")
        yield from parse_listing(self, response)
        stamp(response.url, "parsed")

    portal.PortalSpider.parse_listing = listing  # type: ignore[method-assign]

    extract = ep.ExtractPool.extract

    def pool_extract(self: Any, page: Any) -> Any:
        stamp(page.url, "handed")
        return extract(self, page)

    ep.ExtractPool.extract = pool_extract  # type: ignore[method-assign]
    ep._work_batch = timed_batch  # type: ignore[assignment]
    slots = os.environ.get(f"{OUT}_SLOTS")
    if slots:
        from twisted.internet.defer import DeferredSemaphore

        init = ep.ExtractPool.__init__

        def pool_init(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            self.slots = DeferredSemaphore(int(slots))

        ep.ExtractPool.__init__ = pool_init  # type: ignore[method-assign]

    call = ep._Channel.call

    def timed_call(self: Any, function: Any, args: Any, limit: float) -> Any:
        entry: dict[str, Any] = {"submitted": _now()}
        batches.append(entry)
        handed = call(self, function, args, limit)

        def settled(outcome: Any) -> Any:
            # the reactor reads the answer itself: answered and settled are one moment
            entry["answered"] = entry["settled"] = _now()
            value = outcome if isinstance(outcome, list) else []
            entry["n"] = len(value)
            return outcome

        handed.deferred.addBoth(settled)
        return handed

    ep._Channel.call = timed_call  # type: ignore[method-assign]

    batch_of = ep.ExtractPool._batch

    async def timed_batch_of(self: Any, batch: list[Any]) -> None:
        at = len(batches)
        await batch_of(self, batch)
        if at < len(batches):
            batches[at]["urls"] = [page.url for page, _ in batch]

    ep.ExtractPool._batch = timed_batch_of  # type: ignore[method-assign]

    process_item = pl.StorePipeline.process_item

    def store_item(self: Any, item: Any) -> Any:
        if isinstance(item, pl.ArticleItem):
            stamp(item.fetched_url, "item")
        return process_item(self, item)

    pl.StorePipeline.process_item = store_item  # type: ignore[method-assign]

    flush = pl.StorePipeline.flush

    def timed_flush(self: Any) -> None:
        urls = [item.fetched_url for item, _ in self.buffer]
        start = _now()
        flush(self)
        end = _now()
        if urls:
            flushes.append((start, end, len(urls)))
            for url in urls:
                stamp(url, "stored")

    pl.StorePipeline.flush = timed_flush  # type: ignore[method-assign]

    def dump() -> None:
        threads = {}
        ticks = os.sysconf("SC_CLK_TCK")
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/self/task/{tid}/comm") as comm:
                name = comm.read().strip()
            cpu = (int(fields[11]) + int(fields[12])) / ticks
            threads[f"{name} {tid}"] = cpu
        with open(os.environ[OUT], "w", encoding="utf-8") as out:
            json.dump(
                {
                    "pages": pages,
                    "batches": batches,
                    "flushes": flushes,
                    "samples": samples,
                    "threads": threads,
                    "begun": begun[0],
                    "ended": _now(),
                    "process_cpu": sum(os.times()[:2]),
                    "idle": idle,
                    "sched": [sched[0], schedstat()],
                },
                out,
            )

    atexit.register(dump)


def child() -> None:
    """The crawl: ``newsmon monitor`` with :func:`install` applied first."""
    import runpy

    install()
    sys.argv = ["newsmon", *sys.argv[2:]]
    runpy.run_module("newsmon.cli", run_name="__main__")


# -- the report --------------------------------------------------------------------------------


STEPS = [
    ("enqueued", "parse", "scraper queue"),
    ("parse", "handed", "callback to pool"),
    ("handed", "submitted", "waiting for a slot (pool)"),
    ("submitted", "started", "hand-over to the worker"),
    ("started", "finished", "extraction in the worker"),
    ("finished", "answered", "result back to the reactor"),
    ("answered", "settled", "(none since session 9)"),
    ("settled", "item", "reactor to the store pipeline"),
    ("item", "stored", "store pipeline to commit"),
    ("enqueued", "item", "response to item (total)"),
]


def analyse(path: str) -> str:
    with open(path, encoding="utf-8") as data:
        run = json.load(data)
    pages: dict[str, dict[str, float]] = run["pages"]
    busy = 0.0
    for worker in Path(path).parent.glob(Path(path).name + ".worker*"):
        for line in worker.read_text(encoding="utf-8").splitlines():
            for url, start, end in json.loads(line):
                pages.setdefault(url, {}).update(started=start, finished=end)
                busy += end - start
    for batch in run["batches"]:
        for url in batch.get("urls", []):
            entry = pages.setdefault(url, {})
            for key in ("submitted", "answered", "settled"):
                if key in batch:
                    entry[key] = batch[key]
    articles = {u: p for u, p in pages.items() if "item" in p}
    first = min(p["enqueued"] for p in articles.values())
    last = max(p.get("stored", p["item"]) for p in articles.values())
    wall = last - first
    lines = [f"{len(articles)} article pages over {wall:.2f} s ({len(articles) / wall:.0f}/s)"]
    lines.append("| step | median ms | p90 ms |")
    lines.append("|---|---:|---:|")
    for start, end, label in STEPS:
        spans = [1000 * (p[end] - p[start]) for p in articles.values() if start in p and end in p]
        if spans:
            spans.sort()
            p90 = spans[int(0.9 * (len(spans) - 1))]
            lines.append(f"| {label} | {statistics.median(spans):.2f} | {p90:.2f} |")
    in_pool = sum(p["finished"] - p["handed"] for p in articles.values() if "finished" in p)
    in_scraper = sum(p["item"] - p["enqueued"] for p in articles.values())
    worked = sorted((p["started"], p["finished"]) for p in articles.values() if "started" in p)
    if worked:
        handed = min(p["handed"] for p in articles.values() if "handed" in p)
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(worked)]
        lines.append(
            f"worker: first page handed to first started {1000 * (worked[0][0] - handed):.0f} ms; "
            f"gaps between pages {sum(gaps):.2f} s in all, {sum(g for g in gaps if g > 0.005):.2f} s "
            f"in gaps over 5 ms; last page finished {1000 * (last - worked[-1][1]):.0f} ms "
            "before the last commit"
        )
    sizes = [b["n"] for b in run["batches"] if "n" in b]
    flush = sum(end - start for start, end, _ in run["flushes"])
    lines.append(
        f"pages in the pool on average {in_pool / wall:.1f}; in the scraper {in_scraper / wall:.1f}; "
        f"batches {len(sizes)}, mean {statistics.mean(sizes) if sizes else 0:.1f} pages; "
        f"worker busy {busy / wall:.0%} of the crawl; "
        f"store flushes {len(run['flushes'])}, {1000 * flush:.0f} ms in all"
    )
    mid = [s for s in run["samples"] if first <= s[0] <= last]
    if mid:
        lines.append(
            "at each response, median: downloads in flight "
            f"{statistics.median(s[1] for s in mid):.0f}, requests waiting in the scheduler "
            f"{statistics.median(s[2] for s in mid):.0f}, responses in the scraper "
            f"{statistics.median(s[3] for s in mid):.0f}; scheduler empty at "
            f"{sum(1 for s in mid if s[2] == 0) / len(mid):.0%} of responses"
        )
    listings = sorted((p for u, p in pages.items() if "list_" in u), key=lambda p: p["enqueued"])
    if len(listings) > 2:
        gaps = [1000 * (b["enqueued"] - a["enqueued"]) for a, b in itertools.pairwise(listings)]
        lines.append(
            f"listing pages {len(listings)}: median {statistics.median(gaps):.1f} ms apart; "
            "median ms, response to parse / parse to its end / to next scheduled / "
            "next dequeued / next response: "
            + " / ".join(
                f"{statistics.median(spans):.1f}"
                for spans in (
                    [1000 * (a["parse"] - a["enqueued"]) for a in listings if "parse" in a],
                    [1000 * (a["parsed"] - a["parse"]) for a in listings if "parsed" in a],
                    [1000 * (b["scheduled"] - a["parse"]) for a, b in itertools.pairwise(listings)],
                    [1000 * (b["dequeued"] - b["scheduled"]) for b in listings[1:]],
                    [1000 * (b["enqueued"] - b["dequeued"]) for b in listings[1:]],
                )
            )
        )
    whole = run["ended"] - run["begun"]
    (run0, wait0), (run1, wait1) = run["sched"]
    oncpu, queued = run1 - run0, wait1 - wait0
    lines.append(
        f"reactor thread since set-up ({whole:.2f} s): on a CPU {oncpu:.2f} s, runnable but "
        f"waiting for a CPU {queued:.2f} s, blocked {whole - oncpu - queued:.2f} s "
        f"(of which in epoll {run['idle'][0]:.2f} s; the rest: the GIL, disk writes)"
    )
    lines.append(
        f"event loop: {run['idle'][1]} turns, waiting in epoll {run['idle'][0]:.2f} s "
        f"of {whole:.2f} s since set-up"
    )
    cpu = ", ".join(f"{name} {sec / whole:.0%}" for name, sec in run["threads"].items() if sec)
    lines.append(
        f"crawling process CPU {run['process_cpu']:.2f} s in all; threads alive at its end, "
        f"CPU / time since set-up ({whole:.1f} s): {cpu}"
    )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child()
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--page-kb", type=int, default=0)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--slots", type=int, default=0, help="batches in flight at once (default: the pool's)"
    )
    args = parser.parse_args()
    import subprocess

    from bench import crawl

    with tempfile.TemporaryDirectory(prefix="newsmon-timeline-") as tmpdir:
        tmp = Path(tmpdir)
        tmp.chmod(0o755)
        proc, base = crawl.start_server("nginx", tmp / "site", tmp)
        try:
            crawl.padded_site(args.articles, args.page_kb).write(tmp / "site", base)
            config = tmp / "config.toml"
            config.write_text(crawl.CONFIG.format(base=base), encoding="utf-8")
            for rep in range(args.repeats):
                out = tmp / f"timeline-{rep}.json"
                env = {
                    **os.environ,
                    "NEWSMON_HOME": str(tmp),
                    "NEWSMON_EXTRACT_PROCESSES": str(args.processes),
                    OUT: str(out),
                    f"{OUT}_SLOTS": str(args.slots or ""),
                    "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                }
                db = f"sqlite:///{tmp / f'timeline-{rep}.sqlite3'}"
                load = os.getloadavg()[0]
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "monitor",
                        "--config",
                        str(config),
                        "--db",
                        db,
                    ],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                slots = f", {args.slots} batches in flight" if args.slots else ""
                print(f"\n{args.processes} extraction processes{slots}, load {load:.1f}:")
                print(analyse(str(out)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
