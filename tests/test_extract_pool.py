"""Extraction in worker processes (crawler.extract_pool): same records as in-process; a dying or
hanging worker fails its page, never the crawl.

Real crawls (``newsmon monitor``) of the generated portal served on 127.0.0.1. The faults are
real: ``NEWSMON_EXTRACT_FAULT`` makes the worker process that extracts a marked page really
exit, or really sleep (with the time-limit alarm blocked, for ``stall``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extract_pool import GATHER, configured, default_processes
from newsmon.sample_site import SampleSite
from storage import Article, make_engine
from tests.cli import newsmon
from tests.support.sample_runs import monitor, serve_sample
from tests.support.webserver import WebServer

ARTICLES = 30


@pytest.fixture
def site(web: WebServer, tmp_path: Path) -> SampleSite:
    return serve_sample(web, tmp_path, ARTICLES, concurrency=16)


def _monitor(tmp_path: Path, name: str, **env: str) -> tuple[str, dict[str, Any]]:
    return monitor(tmp_path, name, **env)


def _records(db: str) -> dict[str, tuple[Any, ...]]:
    engine = make_engine(db)
    with Session(engine) as session:
        rows = session.execute(
            select(
                Article.url,
                Article.title,
                Article.body,
                Article.published_at,
                Article.source,
                Article.keywords,
                Article.raw_html,
            )
        ).all()
    engine.dispose()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_a_crawl_with_worker_processes_stores_what_an_in_process_crawl_stores(
    site: SampleSite, tmp_path: Path
) -> None:
    _, here = _monitor(tmp_path, "in-process", NEWSMON_EXTRACT_PROCESSES="0")
    stderr, pooled = _monitor(tmp_path, "pooled", NEWSMON_EXTRACT_PROCESSES="2")

    assert pooled["returncode"] == 0, stderr
    assert here["articles_new"] == pooled["articles_new"] == ARTICLES
    assert here["errors"] == pooled["errors"] == 0
    assert here["new_matches"] == pooled["new_matches"] > 0
    assert _records(pooled["db"]) == _records(here["db"])


@pytest.mark.parametrize(
    ("fault", "timeout", "reason"),
    [
        ("exit", "30", "the extraction worker process died while extracting"),
        ("hang", "1", "extraction took longer than 1 s (NEWSMON_EXTRACT_TIMEOUT): stopped"),
        (
            "stall",
            "1",
            "extraction took longer than 12 s and did not stop: its worker process was killed",
        ),
    ],
)
def test_a_page_whose_worker_dies_or_hangs_fails_alone_and_is_fetched_again_next_run(
    site: SampleSite, tmp_path: Path, fault: str, timeout: str, reason: str
) -> None:
    victim = site.listed[7]
    marker = f"/{victim.number}.html"
    stderr, run = _monitor(
        tmp_path,
        fault,
        NEWSMON_EXTRACT_PROCESSES="2",
        NEWSMON_EXTRACT_TIMEOUT=timeout,
        NEWSMON_EXTRACT_FAULT=f"{fault}:{marker}",
    )

    assert run["articles_new"] == ARTICLES - 1, stderr
    assert run["errors"] == 1
    [error] = run["error_list"]
    assert error["url"].endswith(marker)
    assert error["kind"] == "extract"
    assert reason in error["reason"]
    stored = _records(run["db"])
    assert len(stored) == ARTICLES - 1
    assert not any(url.endswith(marker) for url in stored)

    # Nothing wrong with the page itself: without the fault the next run fetches and stores it.
    home = tmp_path / fault
    db = run["db"]
    again = newsmon(
        "monitor",
        "--config",
        str(tmp_path / "config.toml"),
        home=home,
        db=db,
        env={"NEWSMON_EXTRACT_PROCESSES": "2"},
    )
    assert again.returncode == 0, again.stderr
    assert any(url.endswith(marker) for url in _records(db))


def test_settings_then_environment_then_defaults_choose_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NEWSMON_EXTRACT_PROCESSES", raising=False)
    monkeypatch.delenv("NEWSMON_EXTRACT_TIMEOUT", raising=False)
    assert configured({}) == (default_processes(), 30.0)
    monkeypatch.setenv("NEWSMON_EXTRACT_PROCESSES", "0")
    assert configured({}) == (0, 30.0)
    assert configured({"NEWSMON_EXTRACT_PROCESSES": "3", "NEWSMON_EXTRACT_TIMEOUT": "5"}) == (
        3,
        5.0,
    )
    with pytest.raises(ValueError, match="NEWSMON_EXTRACT_PROCESSES"):
        configured({"NEWSMON_EXTRACT_PROCESSES": "many"})
    with pytest.raises(ValueError, match="0 or more"):
        configured({"NEWSMON_EXTRACT_PROCESSES": "-1"})


#: Run in a child process (the reactor cannot run twice in one): one real worker, pages
#: handed to it ``interval`` seconds apart, each padded with a comment of ``pad`` bytes;
#: prints the size of each batch handed out, the titles, and the titles extracted in-process.
#: ``future``: each page handed over with ``extract_soon`` (what the spiders call), else ``extract``.
_BATCHES_SCRIPT = """
import asyncio, json, sys
from datetime import UTC, datetime
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import defer, reactor, task
import crawler.extract_pool as extract_pool
from newsmon.sample_site import SampleSite

count, interval, pad = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
future = sys.argv[4] == "future"
site = SampleSite.generate(count, private_keyword_articles=0)
pages = [
    extract_pool.Page(site.article_html(a).encode("gbk" if a.gbk else "utf-8")
                      + b"<!--" + b"x" * pad + b"-->",
                      f"http://127.0.0.1{a.path}", "text/html", datetime.now(UTC))
    for a in site.listed[:count]
]
expected = [extract_pool.extract_page(page).title for page in pages]
sizes = []
handed = extract_pool.ExtractPool._batch
def counted(self, batch):
    sizes.append(len(batch))
    return handed(self, batch)
extract_pool.ExtractPool._batch = counted

async def main():
    pool = extract_pool.ExtractPool(1)
    try:
        await pool.extract(pages[0])  # the worker started
        sizes.clear()
        waiting = []
        for page in pages:
            if future:
                soon = pool.extract_soon(page)
                assert isinstance(soon, asyncio.Future), type(soon)
                waiting.append(defer.Deferred.fromFuture(soon))
            else:
                waiting.append(pool.extract(page))
            await task.deferLater(reactor, interval, lambda: None)
        articles = await defer.gatherResults(waiting)
    finally:
        pool.close()
    titles = [a.title for a, _ in articles]
    print(json.dumps({"sizes": sizes, "titles": titles, "expected": expected}))

def stop(result):
    reactor.stop()
    return result
defer.Deferred.fromCoroutine(main()).addBoth(stop)
reactor.run()
"""


def _batch_sizes(
    count: int, interval: float, pad: int = 0, how: str = "deferred"
) -> tuple[list[int], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _BATCHES_SCRIPT, str(count), str(interval), str(pad), how],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["titles"] == out["expected"]  # each page's own article, in order
    return out["sizes"], out["titles"]


def test_pages_arriving_close_together_go_to_the_worker_in_one_hand_over() -> None:
    # six pages within a third of GATHER: one hand-over (a stalled machine may split it;
    # without the wait, the first page went alone), each page its own article
    sizes, titles = _batch_sizes(6, GATHER / 18)
    assert sizes[0] >= 4, sizes
    assert sum(sizes) == 6, sizes
    assert len(titles) == 6
    assert all(titles)
    # pages further apart than GATHER wait for none: a hand-over each
    sizes, _ = _batch_sizes(3, GATHER * 2.5)
    assert sizes == [1, 1, 1], sizes


def test_pages_handed_over_as_futures_get_their_own_articles() -> None:
    """``extract_soon`` (the spiders' hand-over): under the asyncio reactor an asyncio future
    a page, no Deferred; the same batches and each page's own article, in order."""
    sizes, titles = _batch_sizes(6, GATHER / 18, how="future")
    assert sizes[0] >= 4, sizes
    assert sum(sizes) == 6, sizes
    assert len(titles) == 6
    assert all(titles)


def test_a_hand_over_larger_than_the_socket_takes_at_once_arrives_whole() -> None:
    # 16 pages of ~1 MB in one hand-over: more than a socket buffer takes at once, so the
    # transport writes it in parts, and the worker reads one whole message
    sizes, titles = _batch_sizes(16, 0, pad=1_000_000)
    assert sum(sizes) == 16, sizes
    assert max(sizes) > 1, sizes
    assert all(titles)


#: Run in a child process: one real extraction worker and one real writer process, each asked
#: (through its own channel, as a page or a batch is) which modules it holds, what its
#: collector keeps frozen, and what its parent (the fork server) is: its name, its parent.
#: ``eval`` of the standard library: a probe of the test's own would be imported into the
#: process it probes. With ``forked``, the fork server is forked first (crawler.forkserver),
#: as the command line does; else multiprocessing starts it as a new interpreter.
_PROBE_SCRIPT = """
import json, os, sys
forked = None
if sys.argv[2] == "forked":
    from crawler.forkserver import start
    forked = start({"NEWSMON_EXTRACT_PROCESSES": "1"})
from twisted.internet import asyncioreactor
asyncioreactor.install()
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from crawler.extract_pool import ExtractPool
from crawler.store_writer import StoreWriter

PROBE = (
    "(sorted({m.split('.')[0] for m in __import__('sys').modules} & {'twisted', 'scrapy'}), "
    "__import__('gc').get_freeze_count(), __import__('gc').get_threshold()[0], "
    "open('/proc/%d/comm' % __import__('os').getppid()).read().strip(), "
    "int(open('/proc/%d/stat' % __import__('os').getppid()).read().rsplit(')', 1)[1].split()[1]))"
)

async def main():
    pool = ExtractPool(1)
    try:
        worker = await pool.run(eval, PROBE)
    finally:
        pool.close()
    writer = StoreWriter("sqlite:///" + sys.argv[1])
    try:
        written = writer.pool().submit(eval, PROBE).result(timeout=60)
    finally:
        writer.close()
    print(json.dumps({"worker": worker, "writer": written, "forked": forked, "pid": os.getpid()}))

def stop(result):
    reactor.stop()
    return result
Deferred.fromCoroutine(main()).addBoth(stop)
reactor.run()
"""


@pytest.mark.parametrize("how", ["spawned", "forked"])
def test_workers_and_the_writer_start_from_a_fork_server_without_twisted_and_frozen(
    tmp_path: Path, how: str
) -> None:
    # The fork server holds what its processes run (crawler.forkserver_preload imports it in a
    # new interpreter; a fork server forked from the crawling process, crawler.forkserver, has
    # it imported already), not the crawling process's side of the pool (Twisted), and freezes
    # its heap; each process then freezes its own start-up and collects young objects less
    # often, as the crawling process does (crawler.collector): a worker's collector costs it
    # about half as much in a crawl. Either way the fork server is the probe's child: forked,
    # it is named (its command line is the probe's); else it is multiprocessing's interpreter.
    from crawler.collector import YOUNG
    from crawler.forkserver import NAME

    result = subprocess.run(
        [sys.executable, "-c", _PROBE_SCRIPT, str(tmp_path / "probe.sqlite3"), how],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["forked"] is (True if how == "forked" else None)
    for process in ("worker", "writer"):
        imported, frozen, young, server, server_parent = out[process]
        assert imported == [], (process, imported)
        assert frozen > 10_000, (process, frozen)  # the start-up heap: tens of thousands
        assert young == YOUNG, (process, young)
        assert (server == NAME) is (how == "forked"), (process, server)
        assert server_parent == out["pid"], (process, server_parent)  # either way its child
