"""The generated sample portal served on 127.0.0.1, and ``newsmon monitor`` runs of it, each in a
home of its own (the extraction pool's and the store writer's tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsmon.sample_site import SampleSite
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

CONFIG = """\
[monitor]
keywords = ["新春第一会"]

[[sites]]
name = "jiangnan"
start_urls = ["{base}/news/list_1.html"]
max_listing_pages = 20
concurrency = {concurrency}
download_delay = 0
autothrottle = false
"""


def serve_sample(web: WebServer, tmp_path: Path, articles: int, concurrency: int) -> SampleSite:
    """A portal of ``articles`` served by ``web``, and tmp_path/config.toml to crawl it."""
    generated = SampleSite.generate(articles, private_keyword_articles=0)
    generated.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    config = CONFIG.format(base=web.base_url, concurrency=concurrency)
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    return generated


def monitor(tmp_path: Path, name: str, *args: str, **env: str) -> tuple[str, dict[str, Any]]:
    """``newsmon monitor`` of tmp_path's config into a new archive: (stderr, the run as
    ``newsmon runs`` gives it, with ``db`` and ``returncode``)."""
    home = tmp_path / name
    home.mkdir()
    db = f"sqlite:///{home / 'archive.sqlite3'}"
    config = str(tmp_path / "config.toml")
    result = newsmon("monitor", "--config", config, *args, home=home, db=db, env=env)
    run = newsmon_json("runs", "--limit", "1", "--format", "json", home=home, db=db)[0]
    return result.stderr, run | {"db": db, "returncode": result.returncode}
