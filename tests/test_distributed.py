"""Two ``newsmon worker`` processes sharing one Redis frontier crawl one site into PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsmon.sample_site import SampleSite
from storage import Article, make_engine
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

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

    runs = newsmon_json("runs", "--format", "json", home=tmp_path, db=pg_url)
    assert len(runs) == 2
    assert sum(r["articles_new"] for r in runs) == 300
    assert sum(r["new_matches"] for r in runs) == len(site.keyword_paths())
    assert all(r["status"] == "ok" for r in runs)
    # Both workers took part: the frontier really was shared.
    assert all(r["responses"] > 0 for r in runs)

    client = redis.Redis.from_url(redis_url)
    assert client.llen("newsmon:jiangnan:requests") == 0
    assert 0 < client.ttl("newsmon:jiangnan:seen") <= 3600


def test_worker_without_redis_says_so(tmp_path: Path, web: WebServer) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        CONFIG.format(base=web.base_url).replace("[redis]\n", "[other]\n"), encoding="utf-8"
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
