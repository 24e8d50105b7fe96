"""Scrapy's developer checks that newsmon's settings turn off in crawls, made here once instead.

``WARN_ON_GENERATOR_RETURN_VALUE`` (a generator callback returning a value: Scrapy reads and
parses the callback's source on every listing page) and ``MetaCopyDetectionMiddleware``
(requests carrying meta keys copied from a response) cost every crawl CPU per page for code
that does not change while it runs (docs/benchmarks.md, Crawling, "Session 7").
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.referer import RefererMiddleware
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.test import get_crawler

import crawler.settings
import crawler.spiders.article
import crawler.spiders.portal
from bench.crawl import _descendants
from crawler.config import Config
from crawler.middlewares import QuickDownloaderStats
from crawler.options import options_settings
from crawler.spiders.base import NewsmonSpider
from storage.repository import run_counts
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()


def _spider_classes() -> list[type[NewsmonSpider]]:
    found = []
    for module in (crawler.spiders.article, crawler.spiders.portal):
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, NewsmonSpider) and value.__module__ == module.__name__:
                found.append(value)
    return found


def _generator_callbacks(cls: type) -> list[str]:
    return [
        name
        for name, value in inspect.getmembers(cls, inspect.isgeneratorfunction)
        if not name.startswith("__")
    ]


def test_no_generator_callback_of_newsmons_spiders_returns_a_value() -> None:
    checked = 0
    for cls in _spider_classes():
        for name in _generator_callbacks(cls):
            assert not is_generator_with_return_value(getattr(cls, name)), f"{cls.__name__}.{name}"
            checked += 1
    assert checked >= 4  # parse_listing, parse_listing_api, parse_sitemap, parse_feed at least

    # the checker does see a return value when there is one
    class Returns:
        def parse(self, response: object) -> Iterator[int]:
            yield 1
            return 2  # type: ignore[misc]

    assert is_generator_with_return_value(Returns.parse)


CONFIG = """\
[monitor]
keywords = ["新春第一会"]

[[sites]]
name = "redirected"
start_urls = ["{base}/old/list_1.html"]
article_url_pattern = "/2023/"
max_listing_pages = 3
download_delay = 0
autothrottle = false
"""


@pytest.mark.parametrize("processes", ["0", "1"])
def test_requests_carry_no_meta_copied_from_a_response(
    web: WebServer, tmp_path: Path, db_url: str, processes: str
) -> None:
    """With Scrapy's check switched back on, a crawl through redirected listing pages and
    articles (whose responses carry ``redirect_urls``, ``redirect_times``...) warns nothing."""
    for page in (1, 2):
        links = "".join(
            f'<li><a href="/old/2023/{page}{n}.html">第{page}{n}条新闻的标题文字</a></li>'
            for n in (1, 2)
        )
        following = '<a href="/old/list_2.html">下一页</a>' if page == 1 else ""
        web.redirect(f"/old/list_{page}.html", f"/news/list_{page}.html", status=301)
        web.add(f"/news/list_{page}.html", f"<html><body><ul>{links}</ul>{following}</body></html>")
        for n in (1, 2):
            web.redirect(f"/old/2023/{page}{n}.html", f"/news/2023/{page}{n}.html")
            web.add(f"/news/2023/{page}{n}.html", SEED)
    (tmp_path / "config.toml").write_text(CONFIG.format(base=web.base_url), encoding="utf-8")
    middlewares = {
        "crawler.incremental.IncrementalMiddleware": 950,
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": 1000,
    }
    result = newsmon(
        "monitor", "--config", str(tmp_path / "config.toml"),
        "--set", f"SPIDER_MIDDLEWARES={json.dumps(middlewares)}", "--set", "LOG_LEVEL=INFO",
        home=tmp_path, db=db_url, env={"NEWSMON_EXTRACT_PROCESSES": processes},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "MetaCopyDetectionMiddleware" in result.stderr  # Scrapy lists it as enabled
    assert "internal meta keys" not in result.stderr
    runs = newsmon_json("runs", "--limit", "1", "--format", "json", home=tmp_path, db=db_url)
    assert runs[0]["articles_new"] == 4, result.stderr


@pytest.mark.parametrize(("limit", "articles"), [(None, 4), ("1", 2)])
def test_depths_are_tracked_only_when_a_setting_asks(
    web: WebServer, tmp_path: Path, db_url: str, limit: str | None, articles: int
) -> None:
    """Scrapy's depth middleware is left out of a crawl unless a ``DEPTH_*`` setting is given;
    given, it works as Scrapy's: with ``DEPTH_LIMIT=1`` the second listing page's articles
    (depth 2) are not fetched."""
    for page in (1, 2):
        links = "".join(
            f'<li><a href="/news/2023/{page}{n}.html">第{page}{n}条新闻的标题文字</a></li>'
            for n in (1, 2)
        )
        following = '<a href="/news/list_2.html">下一页</a>' if page == 1 else ""
        web.add(f"/news/list_{page}.html", f"<html><body><ul>{links}</ul>{following}</body></html>")
        for n in (1, 2):
            web.add(f"/news/2023/{page}{n}.html", SEED)
    config = CONFIG.format(base=web.base_url).replace("/old/list_1.html", "/news/list_1.html")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    settings = ["--set", f"DEPTH_LIMIT={limit}"] if limit else []
    result = newsmon(
        "monitor", "--config", str(tmp_path / "config.toml"), *settings, "--set", "LOG_LEVEL=INFO",
        home=tmp_path, db=db_url, env={"NEWSMON_EXTRACT_PROCESSES": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Scrapy lists the spider middlewares it enabled
    assert ("crawler.middlewares.DepthWhenAsked" in result.stderr) == (limit is not None)
    assert "scrapy.spidermiddlewares.depth.DepthMiddleware" not in result.stderr
    runs = newsmon_json("runs", "--limit", "1", "--format", "json", home=tmp_path, db=db_url)
    assert runs[0]["articles_new"] == articles, result.stderr


def test_each_article_is_requested_with_its_listing_page_as_referer(
    web: WebServer, tmp_path: Path, db_url: str
) -> None:
    """Referer headers as Scrapy's middleware sends them (worked out once per page: see
    crawler.middlewares.QuickRefererMiddleware): the listing page the link was on, none
    from a page that answers ``Referrer-Policy: no-referrer``, the origin alone from one
    that answers ``origin``."""
    policies = {1: None, 2: "no-referrer", 3: "origin"}
    for page, policy in policies.items():
        links = "".join(
            f'<li><a href="/news/2023/{page}{n}.html">第{page}{n}条新闻的标题文字</a></li>'
            for n in (1, 2, 3)
        )
        following = f'<a href="/news/list_{page + 1}.html">下一页</a>' if page < 3 else ""
        web.add(
            f"/news/list_{page}.html",
            f"<html><body><ul>{links}</ul>{following}</body></html>",
            headers={"Referrer-Policy": policy} if policy else None,
        )
        for n in (1, 2, 3):
            web.add(f"/news/2023/{page}{n}.html", SEED)
    config = CONFIG.format(base=web.base_url).replace("/old/list_1.html", "/news/list_1.html")
    (tmp_path / "config.toml").write_text(
        config.replace("max_listing_pages = 3", "max_listing_pages = 5"), encoding="utf-8"
    )
    result = newsmon(
        "monitor", "--config", str(tmp_path / "config.toml"),
        home=tmp_path, db=db_url, env={"NEWSMON_EXTRACT_PROCESSES": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = {1: web.url("/news/list_1.html"), 2: None, 3: web.base_url + "/"}
    for page, referer in expected.items():
        for n in (1, 2, 3):
            (request,) = web.requests_for(f"/news/2023/{page}{n}.html")
            assert request.headers.get("Referer") == referer, (page, n, request.headers)
    (second,) = web.requests_for("/news/list_2.html")
    assert second.headers.get("Referer") == web.url("/news/list_1.html")


def _newsmon_crawler(tmp_path: Path, **overrides: Any) -> Crawler:
    """A crawler with newsmon's middlewares (nothing crawls)."""
    options = options_settings(Config(), f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    middlewares = {
        "SPIDER_MIDDLEWARES": crawler.settings.SPIDER_MIDDLEWARES,
        "DOWNLOADER_MIDDLEWARES": crawler.settings.DOWNLOADER_MIDDLEWARES,
    }
    return get_crawler(Spider, {**middlewares, **options, **overrides})


def test_scrapys_redirects_find_the_referer_middleware(tmp_path: Path) -> None:
    """Scrapy's redirect and meta-refresh middlewares set a redirected request's ``Referer``
    through the spider middleware that is a ``RefererMiddleware`` (``Crawler.
    get_spider_middleware``): newsmon's must be one, or the header is dropped on redirects
    (with a warning at every crawl's start)."""
    crawl = _newsmon_crawler(tmp_path)
    middlewares = SpiderMiddlewareManager.from_crawler(crawl).middlewares
    assert [m for m in middlewares if isinstance(m, RefererMiddleware)]


def test_download_counters_are_scrapys_without_request_sizes(tmp_path: Path) -> None:
    """What a run's row reads (requests, responses, their bytes and statuses) counted as
    Scrapy's ``DownloaderStats`` counts it; only ``downloader/request_bytes`` is not kept."""
    crawl = _newsmon_crawler(tmp_path)
    ours = DownloaderMiddlewareManager.from_crawler(crawl)
    (counter,) = [m for m in ours.middlewares if isinstance(m, DownloaderStats)]
    assert type(counter) is QuickDownloaderStats
    scrapys = DownloaderStats.from_crawler(get_crawler(Spider))
    for middleware in (counter, scrapys):
        request = Request("http://127.0.0.1:8000/news/1.html", headers={"Referer": "x"})
        response = HtmlResponse(request.url, body=b"<html>1</html>", status=200)
        middleware.process_request(request)
        middleware.process_response(request, response)
        middleware.process_response(request, response.replace(status=404))
    assert scrapys.stats.get_value("downloader/request_bytes")
    theirs = {k: v for k, v in scrapys.stats.get_stats().items() if k != "downloader/request_bytes"}
    assert crawl.stats is not None
    assert crawl.stats.get_stats() == theirs
    assert run_counts(crawl.stats.get_stats())["bytes"] == theirs["downloader/response_bytes"]


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as cmdline:
            return cmdline.read().replace("\0", " ")
    except OSError:
        return "?"


def _name(pid: int) -> str:
    """The process's name (``/proc/PID/comm``: what ``ps`` shows; set by the fork server)."""
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return "?"


def _monitor_watching_processes(
    tmp_path: Path, db_url: str, env: dict[str, str], parent: int | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[int, tuple[int, str, str]]]:
    """``newsmon monitor`` (Scrapy's log at INFO), as :func:`tests.cli.newsmon` runs it, and
    every process it started, seen every few milliseconds while it ran: ``{pid: (parent,
    command line, name)}``, the last seen of each (a fork shows its parent's command line
    until it execs, and its parent's name until it names itself). ``parent``: run as the
    scheduler runs its crawls, ``newsmon --parent PID monitor``."""
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("NEWSMON_DB_URL", "NEWSMON_CONFIG")
    }
    full_env.update({"NEWSMON_HOME": str(tmp_path), **env})
    command = [sys.executable, "-m", "newsmon.cli",
               *(["--parent", str(parent)] if parent is not None else []), "monitor", "--config",
               str(tmp_path / "config.toml"), "--db", db_url, "--set", "LOG_LEVEL=INFO"]  # fmt: skip
    seen: dict[int, tuple[int, str, str]] = {}
    parents: dict[int, int] = {}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env,
        cwd=tmp_path,
    ) as proc:  # fmt: skip
        while proc.poll() is None:
            for pid in _descendants(proc.pid, parents):
                line, name = _command_line(pid), _name(pid)
                if line != "?":
                    seen[pid] = (parents[pid], line, name)
            time.sleep(0.005)
        out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(command, proc.returncode, out, err), seen


def _two_articles_with_processes(web: WebServer, tmp_path: Path) -> dict[str, str]:
    """A listing of two articles and the config monitoring it in ``tmp_path``; the environment
    that gives the crawl one extraction worker and the writer process."""
    links = "".join(
        f'<li><a href="/news/2023/1{n}.html">第1{n}条新闻的标题文字</a></li>' for n in (1, 2)
    )
    web.add("/news/list_1.html", f"<html><body><ul>{links}</ul></body></html>")
    for n in (1, 2):
        web.add(f"/news/2023/1{n}.html", SEED)
    config = CONFIG.format(base=web.base_url).replace("/old/list_1.html", "/news/list_1.html")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    return {"NEWSMON_EXTRACT_PROCESSES": "1", "NEWSMON_STORE_PROCESS": "1"}


def test_a_crawl_that_requests_no_article_starts_no_extraction_worker(
    web: WebServer, tmp_path: Path, sqlite_url: str
) -> None:
    """The extraction workers start when the first article is requested, not when the spider
    opens, and the store's writer process (and multiprocessing's resource tracker) at the
    first batch: a no-change re-crawl, which reads its listing page and requests no article,
    starts no worker, no writer and no new interpreter; the crawl before it, which stores
    articles, starts them (so the watch does see them).

    What a crawl that will use worker processes does start at once is their fork server
    (crawler.forkserver): a fork of the crawling process, made before it opens the archive or
    imports Twisted, named ``newsmon-forks``, that waits on a socket and ends with the crawl.
    It is the one process the re-crawl starts, and it forks nothing there; the fork costs the
    re-crawl ~4 ms and its copy-on-write faults (~50–120 ms of CPU; docs/benchmarks.md,
    Crawling, "Session 16"), where starting the fork server as a new interpreter at the first
    article, as before, cost every crawl that stores something ~0.9 s of CPU. (Scrapy's ``uname -p``, for the platform it logs, is no
    Python process; seen between its fork and its exec, it shows the crawl's own command
    line and name.) Nor does a crawl start Scrapy's remote control (an HTTP server that runs
    the Python code sent to it), as it starts no telnet console."""
    from crawler.forkserver import NAME

    env = _two_articles_with_processes(web, tmp_path)

    def servers(seen: dict[int, tuple[int, str, str]]) -> set[int]:
        """The crawl's children of that name (its worker and writer are named their own)."""
        crawl = next(parent for parent, _, _ in seen.values() if parent not in seen)
        return {pid for pid, (parent, _, name) in seen.items() if name == NAME and parent == crawl}

    def interpreters(seen: dict[int, tuple[int, str, str]]) -> set[str]:
        """New interpreters of multiprocessing's: a fork server of its own, the resource tracker."""
        return {line for _, line, _ in seen.values() if "multiprocessing" in line}

    first, seen = _monitor_watching_processes(tmp_path, sqlite_url, env)
    assert first.returncode == 0, first.stderr
    assert "Enabled extensions" in first.stderr  # Scrapy lists them at the INFO level
    assert "RemoteControl" not in first.stderr
    assert "Dumping Scrapy stats" in first.stderr  # at INFO, Scrapy's stats are still logged
    assert "TelnetConsole" not in first.stderr
    [server] = servers(seen)
    forked = {pid for pid, (parent, _, _) in seen.items() if parent == server}
    assert len(forked) == 2, seen  # the worker and the writer
    assert not any("multiprocessing.forkserver" in line for line in interpreters(seen)), seen
    runs = newsmon_json("runs", "--limit", "1", "--format", "json", home=tmp_path, db=sqlite_url)
    assert runs[0]["articles_new"] == 2, first.stderr

    again, seen = _monitor_watching_processes(tmp_path, sqlite_url, env)
    assert again.returncode == 0, again.stderr
    assert interpreters(seen) == set(), seen
    [server] = servers(seen)
    assert not any(parent == server for parent, _, _ in seen.values()), seen
    runs = newsmon_json("runs", "--limit", "1", "--format", "json", home=tmp_path, db=sqlite_url)
    assert runs[0]["status"] == "ok", again.stderr
    assert runs[0]["articles_new"] == 0, again.stderr
    assert runs[0]["requests"] <= 2, runs[0]


def test_a_crawl_the_scheduler_starts_forks_its_fork_server_too(
    web: WebServer, tmp_path: Path, sqlite_url: str
) -> None:
    """A crawl started as the scheduler starts it (``--parent PID``: a thread that ends the
    crawl when the scheduler is gone) forks its fork server as ``newsmon monitor`` does: the
    command starts that thread after the fork, not before (a thread forbids the fork, and
    multiprocessing would start its fork server as a new interpreter)."""
    from crawler.forkserver import NAME

    env = _two_articles_with_processes(web, tmp_path)

    done, seen = _monitor_watching_processes(tmp_path, sqlite_url, env, parent=os.getpid())

    assert done.returncode == 0, done.stderr
    crawl = next(parent for parent, _, _ in seen.values() if parent not in seen)
    [server] = [pid for pid, (up, _, name) in seen.items() if up == crawl and name == NAME]
    assert sum(up == server for up, _, _ in seen.values()) == 2, seen  # the worker, the writer
    assert not any("multiprocessing.forkserver" in line for _, line, _ in seen.values()), seen
    runs = newsmon_json("runs", "--limit", "1", "--format", "json", home=tmp_path, db=sqlite_url)
    assert runs[0]["articles_new"] == 2, done.stderr


#: Compiled modules in a process's memory map that show what it imported: SQLAlchemy's
#: (its Cython parts), and Twisted's (zope.interface's C part, which Twisted imports first;
#: Scrapy imports Twisted). Pure-Python modules leave no mapping.
_MAPPED_MARKS = {"sqlalchemy": "/sqlalchemy/", "twisted": "/zope/interface/"}


def _mapped(pid: int) -> set[str]:
    try:
        with open(f"/proc/{pid}/maps") as maps:
            text = maps.read()
    except OSError:
        return set()
    return {name for name, mark in _MAPPED_MARKS.items() if mark in text}


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(
            os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except OSError:
        return False


def test_the_fork_server_and_its_processes_import_no_twisted_nor_scrapy(
    web: WebServer, tmp_path: Path
) -> None:
    """In a real crawl with one extraction worker and the writer, the fork server, the worker
    and the writer hold no Twisted (so no Scrapy either), and the fork server is a fork of the
    crawling process, not a new interpreter (crawler.forkserver). Seen in each process's
    memory map, every few milliseconds while the crawl runs (the writer is the fork server's
    child with the archive open; SQLAlchemy's compiled modules are seen in all three, which
    the crawling process imported before the fork: so the check does see a mapping).

    What this guards, now that those processes inherit what the crawling process imported
    rather than import their own: the point of the fork, before the crawling process imports
    Scrapy and Twisted (and installs the reactor, opens the archive, starts threads). A worker
    then maps the command line, the extraction code and storage, as the preloading fork
    server's did, and its collector starts from that heap frozen; forked later, it would hold
    Scrapy's and Twisted's ~500 modules too, in each worker's copy-on-write memory."""
    from crawler.forkserver import NAME

    links = "".join(
        f'<li><a href="/news/2023/1{n}.html">第1{n}条新闻的标题文字</a></li>' for n in (1, 2, 3)
    )
    web.add("/news/list_1.html", f"<html><body><ul>{links}</ul></body></html>")
    for n in (1, 2, 3):
        web.add(f"/news/2023/1{n}.html", SEED)
    config = CONFIG.format(base=web.base_url).replace("/old/list_1.html", "/news/list_1.html")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    archive = tmp_path / "archive.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSMON_DB_URL", "NEWSMON_CONFIG")}
    env.update(NEWSMON_HOME=str(tmp_path), NEWSMON_EXTRACT_PROCESSES="1", NEWSMON_STORE_PROCESS="1")
    command = [sys.executable, "-m", "newsmon.cli", "monitor", "--config",
               str(tmp_path / "config.toml"), "--db", f"sqlite:///{archive}"]  # fmt: skip
    parents: dict[int, int] = {}
    mapped: dict[int, set[str]] = {}
    writers: set[int] = set()
    servers: set[int] = set()
    lines: dict[int, str] = {}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    ) as proc:
        while proc.poll() is None:
            for pid in _descendants(proc.pid, parents):
                mapped.setdefault(pid, set()).update(_mapped(pid))
                if parents[pid] == proc.pid and _name(pid) == NAME:
                    servers.add(pid)
                    # (an exited process not yet reaped, a zombie, reads an empty command line)
                    if line := _command_line(pid):
                        lines[pid] = line
                if _has_open(pid, archive):
                    writers.add(pid)
            time.sleep(0.005)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    runs = newsmon_json("runs", "--limit", "1", "--format", "json", home=tmp_path,
                        db=f"sqlite:///{archive}")  # fmt: skip
    assert runs[0]["articles_new"] == 3, err
    forked = {pid for pid, parent in parents.items() if parent in servers}
    workers = forked - writers
    assert servers, parents
    assert lines.keys() == servers, (lines, servers)
    assert set(lines.values()) == {" ".join(command) + " "}, lines  # the crawl's: a fork
    assert workers, (parents, writers)
    assert writers & forked, (parents, writers)
    for pid in servers | workers | (writers & forked):
        assert mapped[pid] == {"sqlalchemy"}, (pid, mapped[pid])


def test_scrapy_formats_its_stats_for_the_log_only_where_the_log_shows_them() -> None:
    """Scrapy's stats dump (a pprint of every counter at the close, made before the logger
    drops it) is off where the crawl logs nothing at INFO — ``newsmon monitor`` without
    ``-v`` — and on with ``-v`` (INFO; the real crawl above logs it) or when asked for."""
    from newsmon.runner import crawl_settings

    def dump(overrides: dict[str, Any]) -> bool:
        return crawl_settings(Config(), "sqlite://", overrides).getbool("STATS_DUMP")

    assert dump({"LOG_LEVEL": "WARNING"}) is False
    assert dump({"LOG_LEVEL": 40}) is False  # ERROR, as a number
    assert dump({"LOG_LEVEL": "INFO"}) is True
    assert dump({"LOG_LEVEL": "DEBUG"}) is True
    assert dump({"LOG_LEVEL": "WARNING", "STATS_DUMP": "1"}) is True
