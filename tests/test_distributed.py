"""Two ``newsmon worker`` processes sharing one Redis frontier crawl one site into PostgreSQL."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from newsmon.sample_site import SampleSite
from storage import Article, CrawlRun, make_engine
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()

CONFIG = """\
[monitor]
keywords = ["新春第一会"]

[redis]
seen_ttl_hours = 1

[[sites]]
name = "jiangnan"
start_urls = ["{base}/news/list_1.html"]
max_listing_pages = 50
concurrency = 4
download_delay = 0.05
autothrottle = false
"""


def _worker(config: Path, db: str, redis_url: str, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NEWSMON_HOME": str(home)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsmon.cli",
            "worker",
            "jiangnan",
            "--config",
            str(config),
            "--db",
            db,
            "--redis",
            redis_url,
            "--idle-exit",
            "10",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_fetch_and_store_every_article_exactly_once(
    web: WebServer, pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    site = SampleSite.generate(300, private_keyword_articles=0)
    site.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(base=web.base_url), encoding="utf-8")

    workers = [_worker(config, pg_url, redis_url, tmp_path) for _ in range(2)]
    queued = newsmon(
        "monitor", "--distributed", "--config", str(config), "--redis", redis_url, home=tmp_path
    )
    assert queued.returncode == 0, queued.stderr
    outputs = [w.communicate(timeout=180) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]

    paths = [a.path for a in site.listed]
    assert len(paths) == 300
    assert {p: web.hits(p) for p in paths if web.hits(p) != 1} == {}  # each fetched exactly once

    engine = make_engine(pg_url)
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Article))
        distinct = session.scalar(select(func.count(func.distinct(Article.url))))
    engine.dispose()
    assert stored == distinct == 300

    # One crawl of the site, one run row, with both workers' counts.
    (run,) = newsmon_json("runs", "--format", "json", home=tmp_path, db=pg_url)
    assert (run["status"], run["articles_new"]) == ("ok", 300)
    assert run["new_matches"] == len(site.keyword_paths())
    # Both workers took part: the frontier really was shared.
    pages = [int(re.search(r"; (\d+) pages", err).group(1)) for _, err in outputs]  # type: ignore[union-attr]
    assert all(n > 0 for n in pages), pages
    assert sum(pages) == run["responses"], (pages, run)

    # Nothing of the run is left on Redis: the next run starts from nothing.
    client = redis.Redis.from_url(redis_url)
    assert sorted(k.decode() for k in client.keys("newsmon:jiangnan:*")) == []


def test_worker_without_redis_says_so(tmp_path: Path, web: WebServer) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        CONFIG.format(base=web.base_url).replace("[redis]\nseen_ttl_hours = 1\n", ""),
        encoding="utf-8",
    )
    result = newsmon(
        "worker", "jiangnan", "--config", str(config), home=tmp_path, env={"NEWSMON_REDIS_URL": ""}
    )
    assert result.returncode == 2
    assert "no Redis frontier configured" in result.stderr


def test_the_distributed_scheduler_queues_due_sites_for_the_workers(
    web: WebServer, redis_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        CONFIG.format(base=web.base_url).replace("[redis]\n", f'[redis]\nurl = "{redis_url}"\n'),
        encoding="utf-8",
    )
    result = newsmon("schedule", "--once", "--distributed", "--config", str(config), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "jiangnan: ok" in result.stdout
    assert redis.Redis.from_url(redis_url).llen("newsmon:jiangnan:start") == 1
    assert web.requests == []  # nothing crawled here: the workers do that


# -- successive runs ---------------------------------------------------------------------------

SITE = """\
[monitor]
keywords = ["新春第一会"]

[redis]
seen_ttl_hours = 1

[[sites]]
name = "jiangnan"
start_urls = ["{base}/news/list_1.html"]
sitemaps = ["{base}/sitemap.xml"]
article_url_pattern = "/news/2023/"
max_listing_pages = 5
concurrency = 2
download_delay = 0
autothrottle = false
"""


def _article(web: WebServer, n: int, status: int = 200) -> str:
    page = SEED.replace("擂响战鼓再出征".encode(), f"擂响战鼓再出征（{n}）".encode())
    return web.add(f"/news/2023/0129/{n}.html", page if status == 200 else b"gone", status=status)


def _listing(
    web: WebServer, page: int, numbers: list[int], status: int = 200, last: bool = False
) -> None:
    links = "".join(
        f'<li><a href="/news/2023/0129/{n}.html">苏州工业园区第{n}条新闻标题</a></li>'
        for n in numbers
    )
    nxt = "" if last else f'<a href="/news/list_{page + 1}.html">下一页</a>'
    body = f"<html><body><ul>{links}</ul>{nxt}</body></html>"
    web.add(f"/news/list_{page}.html", body if status == 200 else "busy", status=status)


def _sitemap(web: WebServer, n: int, lastmod: datetime) -> None:
    web.add(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{web.url(f'/news/2023/0129/{n}.html')}</loc>"
        f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod></url></urlset>",
        content_type="application/xml",
    )


class Workers:
    """``newsmon worker`` processes that live across runs; runs are started as a scheduler does."""

    def __init__(self, n: int, config: Path, db: str, redis_url: str, home: Path) -> None:
        self.config, self.db, self.redis_url, self.home = config, db, redis_url, home
        env = {**os.environ, "NEWSMON_HOME": str(home)}
        command = [sys.executable, "-m", "newsmon.cli", "worker", "jiangnan", "--config",
                   str(config), "--db", db, "--redis", redis_url, "--set", "RETRY_TIMES=0"]  # fmt: skip
        self.procs = [
            subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(n)
        ]

    def run(self, expected: int, timeout: float = 120) -> list[dict[str, Any]]:
        """Queue the site; wait until run number ``expected`` is closed; all runs, oldest first."""
        queued = newsmon("monitor", "--distributed", "--config", str(self.config), "--redis",
                         self.redis_url, home=self.home)  # fmt: skip
        assert queued.returncode == 0, queued.stderr
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert all(p.poll() is None for p in self.procs), self.stop()
            runs = _runs(self.db)
            if len(runs) == expected and all(r["status"] != "running" for r in runs):
                return runs
            time.sleep(0.3)
        raise AssertionError(f"run {expected} not closed: {_runs(self.db)}; {self.stop()}")

    def rss(self, i: int = 0) -> int:
        status = Path(f"/proc/{self.procs[i].pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]

    def stop(self) -> list[str]:
        errs = []
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            errs.append(p.communicate(timeout=60)[1][-3000:])
        return errs


def _runs(db: str) -> list[dict[str, Any]]:
    engine = make_engine(db)
    try:
        if not inspect(engine).has_table("crawl_runs"):
            return []
        with Session(engine) as session:
            return [
                {"id": r.id, "status": r.status, "reason": r.reason, "new": r.articles_new,
                 "errors": r.error_list, "responses": r.responses}
                for r in session.scalars(select(CrawlRun).order_by(CrawlRun.id))
            ]  # fmt: skip
    finally:
        engine.dispose()


def _stored(db: str) -> set[str]:
    engine = make_engine(db)
    try:
        with Session(engine) as session:
            return set(session.scalars(select(Article.url)))
    finally:
        engine.dispose()


def test_two_workers_over_two_runs_refetch_what_a_local_run_would(
    web: WebServer, db_url: str, redis_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SITE.format(base=web.base_url), encoding="utf-8")
    # Run 1: article 3 answers 404; listing page 2 (the only one linking article 9) fails;
    # the sitemap lists article 7.
    for n in (1, 2, 4, 5, 7, 9):
        _article(web, n)
    gone = _article(web, 3, status=404)
    _listing(web, 1, [1, 2, 3, 4, 5])
    _listing(web, 2, [9], status=503)
    _sitemap(web, 7, datetime(2023, 1, 29, tzinfo=UTC))
    workers = Workers(2, config, db_url, redis_url, tmp_path)
    try:
        (first,) = workers.run(1)
        assert (first["status"], first["new"]) == ("ok", 5), first  # 1 2 4 5 7
        assert {e["url"] for e in first["errors"]} == {gone, web.url("/news/list_2.html")}
        # Two workers, and no page of the site fetched twice in the run.
        hits = {p: n for p, n in web.hit_counts().items() if p.startswith("/news/")}
        assert {p: n for p, n in hits.items() if n != 1} == {}
        assert len(hits) == 8  # listing pages 1 and 2, articles 1-5 and the sitemap's 7
        web.forget_hits()

        # Run 2: article 3 is back, page 2 answers, article 7 changed since we fetched it.
        _article(web, 3)
        _listing(web, 2, [9], last=True)
        _sitemap(web, 7, datetime.now(UTC) + timedelta(minutes=1))
        _, second = workers.run(2)
    finally:
        errs = workers.stop()
    assert all("Traceback" not in e for e in errs), errs
    assert second["status"] == "ok", second
    stored = _stored(db_url)
    assert gone in stored  # the 404 of run 1, fetched again and stored in run 2
    assert web.url("/news/2023/0129/9.html") in stored  # only on listing page 2
    assert web.hits("/news/2023/0129/7.html") == 1  # its lastmod changed: fetched again
    assert web.hits("/news/list_2.html") == 1
    assert web.hits("/news/2023/0129/1.html") == 0  # unchanged and stored: skipped
    assert (second["new"], second["errors"]) == (2, []), second
    client = redis.Redis.from_url(redis_url)
    assert sorted(k.decode() for k in client.keys("newsmon:jiangnan:*")) == []


def test_a_long_lived_worker_keeps_its_memory_over_twenty_runs(
    web: WebServer, sqlite_url: str, redis_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SITE.format(base=web.base_url), encoding="utf-8")
    numbers = list(range(100, 160))
    for n in numbers:
        _article(web, n)
    for page in range(1, 4):
        _listing(web, page, numbers[(page - 1) * 20 : page * 20], last=page == 3)
    _sitemap(web, 100, datetime(2023, 1, 29, tzinfo=UTC))
    workers = Workers(1, config, sqlite_url, redis_url, tmp_path)
    try:
        workers.run(1)
        workers.run(2)
        after_two = workers.rss()
        for k in range(3, 21):
            runs = workers.run(k)
        after_twenty = workers.rss()
    finally:
        errs = workers.stop()
    assert all("Traceback" not in e for e in errs), errs
    assert [r["status"] for r in runs] == ["ok"] * 20
    assert after_twenty <= after_two * 1.10, (after_two, after_twenty)
