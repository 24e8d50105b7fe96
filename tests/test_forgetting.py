"""Links that led to no article are skipped for a while, not for ever; transient failures never.

Real crawls (``newsmon monitor``) of pages served on 127.0.0.1, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.extraction import EXTRACTOR_VERSION
from storage import make_engine
from storage.models import IgnoredUrl, OpsState, utcnow
from storage.monitoring import IGNORED_EXTRACTOR
from tests.cli import newsmon
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()

CONFIG = """\
[monitor]
keywords = ["新春第一会"]
{extra}

[[sites]]
name = "jiangnan"
start_urls = ["{base}/news/list_1.html"]
article_url_pattern = "/news/2023/"
max_listing_pages = 1
download_delay = 0
autothrottle = false
"""

NOT_ARTICLE = "/news/2023/0129/1.html"  # a short page: "not an article"
FAILING = "/news/2023/0129/2.html"  # 503
SLOW = "/news/2023/0129/3.html"  # times out
GOOD = "/news/2023/0129/4.html"


def _site(web: WebServer) -> None:
    links = "".join(
        f'<li><a href="/news/2023/0129/{n}.html">第{n}条新闻的标题文字</a></li>'
        for n in (1, 2, 3, 4)
    )
    web.add("/news/list_1.html", f"<html><body><ul>{links}</ul></body></html>")
    web.add(NOT_ARTICLE, "<html><head><title>页面不存在</title></head><body>稍后再试</body></html>")
    web.add(FAILING, "busy", status=503)
    web.add(SLOW, SEED, delay=4)
    web.add(GOOD, SEED)


def _monitor(tmp_path: Path, db: str) -> None:
    result = newsmon(
        "monitor", "--config", str(tmp_path / "config.toml"),
        "--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_TIMEOUT=1",
        home=tmp_path, db=db,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr


def _ignored(db: str) -> dict[str, str]:
    engine = make_engine(db)
    try:
        with Session(engine) as session:
            return {u: r for u, r in session.execute(select(IgnoredUrl.url, IgnoredUrl.reason))}
    finally:
        engine.dispose()


def _execute(db: str, statement: object) -> None:
    engine = make_engine(db)
    try:
        with Session(engine) as session, session.begin():
            session.execute(statement)  # type: ignore[call-overload]
    finally:
        engine.dispose()


def test_ignored_links_come_back_after_forget_days_or_a_new_extractor(
    web: WebServer, tmp_path: Path, db_url: str
) -> None:
    (tmp_path / "config.toml").write_text(
        CONFIG.format(base=web.base_url, extra="forget_ignored_days = 30"), encoding="utf-8"
    )
    _site(web)
    _monitor(tmp_path, db_url)
    # Transient failures (5xx, a timeout) are never remembered as "no article here".
    assert _ignored(db_url) == {web.url(NOT_ARTICLE): "not_article"}
    assert [web.hits(p) for p in (NOT_ARTICLE, FAILING, SLOW, GOOD)] == [1, 1, 1, 1]

    web.forget_hits()
    _monitor(tmp_path, db_url)
    # The ignored link is skipped; the failed ones are tried again; the stored one is known.
    assert [web.hits(p) for p in (NOT_ARTICLE, FAILING, SLOW, GOOD)] == [0, 1, 1, 0]

    # 29 days later it is still skipped; 31 days later it is tried again.
    web.forget_hits()
    _execute(db_url, update(IgnoredUrl).values(seen_at=utcnow() - timedelta(days=29)))
    _monitor(tmp_path, db_url)
    assert web.hits(NOT_ARTICLE) == 0
    _execute(db_url, update(IgnoredUrl).values(seen_at=utcnow() - timedelta(days=31)))
    _monitor(tmp_path, db_url)
    assert web.hits(NOT_ARTICLE) == 1
    assert web.url(NOT_ARTICLE) in _ignored(db_url)  # still no article: ignored again

    # A new extractor version reconsiders it at once.
    web.forget_hits()
    _monitor(tmp_path, db_url)
    assert web.hits(NOT_ARTICLE) == 0
    _execute(
        db_url,
        update(OpsState)
        .where(OpsState.key == IGNORED_EXTRACTOR)
        .values(value=str(EXTRACTOR_VERSION - 1)),
    )
    _monitor(tmp_path, db_url)
    assert web.hits(NOT_ARTICLE) == 1


def test_forget_ignored_days_must_be_positive(web: WebServer, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        CONFIG.format(base=web.base_url, extra="forget_ignored_days = 0"), encoding="utf-8"
    )
    result = newsmon("monitor", "--config", str(tmp_path / "config.toml"), home=tmp_path)
    assert result.returncode == 2
    assert "monitor.forget_ignored_days" in result.stderr
    assert "must be positive" in result.stderr
