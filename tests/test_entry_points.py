"""The ways in a user has: ``newsmon extract`` on a saved page, and ``scrapy crawl article``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.cli import ROOT, newsmon, newsmon_json
from tests.support.webserver import WebServer

PORTAL = Path(__file__).parent / "fixtures" / "portal"


def test_extract_prints_the_expected_record(tmp_path: Path) -> None:
    expected = json.loads((PORTAL / "xinchun-2023.expected.json").read_text("utf-8"))
    record = newsmon_json("extract", str(PORTAL / "xinchun-2023.html"), home=tmp_path)
    for key in ("title", "published_at", "source", "site_name", "breadcrumb"):
        assert record[key] == expected[key], key
    assert record["url"] is None
    assert record["keywords"] == expected["keywords_matched"]
    assert [(s["label"], s["city"], s["district"], s["heading"]) for s in record["sections"]] == [
        (s["label"], s["city"], s["district"], s["heading"]) for s in expected["sections"]
    ]
    assert not (tmp_path / "newsmon.sqlite3").exists()  # extract never touches the database


def test_extract_of_a_url_fetches_it(web: WebServer, tmp_path: Path) -> None:
    url = web.add("/a.html", (PORTAL / "xinchun-2023.html").read_bytes())
    record = newsmon_json("extract", url, home=tmp_path)
    assert record["url"] == url
    assert record["source"] == "新华日报"


def test_extract_of_a_page_that_is_not_an_article(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    page.write_text("<html><body><a href='/a'>首页</a></body></html>", encoding="utf-8")
    result = newsmon("extract", str(page), home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("not an article: no headline found")


def test_scrapy_crawl_article_stores_into_the_configured_database(
    web: WebServer, tmp_path: Path
) -> None:
    url = web.add("/news/8121.html", (PORTAL / "xinchun-2023.html").read_bytes())
    db = f"sqlite:///{tmp_path / 'scrapy.sqlite3'}"
    scrapy = shutil.which("scrapy", path=str(Path(sys.executable).parent)) or "scrapy"
    result = subprocess.run(
        [scrapy, "crawl", "article", "-a", f"url={url}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT,
        env={**os.environ, "NEWSMON_DB_URL": db, "NEWSMON_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = newsmon_json("query", "--format", "json", home=tmp_path, db=db)
    assert [r["url"] for r in records] == [url]
