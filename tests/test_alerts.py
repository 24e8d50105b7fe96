"""Alerts: a webhook that is down then up, the JSONL and Atom sinks, health checks, leases, the config."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.config import ConfigError, load_config
from newsmon.alerts import AlertSettings, alert_settings, check_health, deliver
from newsmon.sample_site import SampleSite
from storage import CrawlRun, create_schema, make_engine
from storage.models import Article, Match, utcnow
from storage.monitoring import acquire_lease, lease_holder, release_lease, renew_lease
from tests.support.scheduled import (
    SchedulerProcess,
    deliveries,
    jsonl,
    runs,
    site_table,
    wait_until,
    write_config,
)
from tests.support.webserver import WebServer


def test_a_webhook_that_is_down_delays_only_its_alerts_which_arrive_once_it_is_back(
    web: WebServer, tmp_path: Path, db_url: str
) -> None:
    site = SampleSite.generate(12, keyword_every=4)
    site.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    web.add("/hook", "down", status=500)
    lines = tmp_path / "alerts.jsonl"
    config = write_config(
        tmp_path / "config.toml",
        [site_table("jiangnan", web.base_url, interval_minutes=2 / 60)],
        alerts={"jsonl": str(lines), "webhook": web.url("/hook"), "retry_max_seconds": 1},
    )
    wanted = sorted(web.url(p) for p in site.keyword_paths())
    with SchedulerProcess(config, db_url, log=tmp_path / "scheduler.log") as scheduler:
        wait_until("the JSONL alerts", lambda: len(jsonl(lines)) == len(wanted))
        wait_until("failed webhook attempts", lambda: len(web.requests_for("/hook")) >= 2)
        # Crawling goes on while the webhook fails.
        wait_until(
            "three finished runs", lambda: sum(r["status"] == "ok" for r in runs(db_url)) >= 3
        )
        assert not any(sink == "webhook" and done for _, sink, done in deliveries(db_url))

        web.add("/hook", "ok")
        up = len(web.requests_for("/hook"))
        wait_until(
            "webhook deliveries",
            lambda: all(done for _, sink, done in deliveries(db_url) if sink == "webhook"),
        )
        assert scheduler.stop() == 0, scheduler.log

    after = [json.loads(r.body) for r in web.requests_for("/hook")[up:]]
    assert sorted(a["url"] for a in after) == wanted  # each one once, once it was back
    assert sorted(line["url"] for line in jsonl(lines)) == wanted
    assert "alert" in scheduler.log
    assert "HTTP 500" in scheduler.log


# --------------------------------------------------------------------------- in-process


@pytest.fixture
def sessions(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def _article(session: Session, n: int, keywords: list[str]) -> Article:
    article = Article(
        url=f"http://127.0.0.1/news/{n}.html",
        fetched_url=f"http://127.0.0.1/news/{n}.html",
        title=f"标题{n}",
        body="正文",
        keywords=keywords,
        content_hash=1,
        raw_html=b"",
        extractor_version=1,
    )
    session.add(article)
    session.flush()
    for keyword in keywords:
        session.add(Match(article_id=article.id, keyword=keyword))
    return article


def test_jsonl_alerts_are_written_once_even_when_a_pass_died_before_recording_them(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = AlertSettings(log=False, jsonl=tmp_path / "a.jsonl", atom=tmp_path / "a.atom")
    deliver(sessions, settings)  # alerts begin: the archive so far is not news
    with sessions.begin() as session:
        _article(session, 1, ["新春第一会"])
        _article(session, 2, ["新春第一会"])
    first = deliver(sessions, settings)
    assert first.raised == 2
    assert len(jsonl(settings.jsonl)) == 2  # type: ignore[arg-type]

    # A pass that wrote the line and died before marking it delivered: the retry sees the line.
    from sqlalchemy import update

    from storage.models import AlertDelivery

    with sessions.begin() as session:
        session.execute(update(AlertDelivery).values(delivered_at=None, next_attempt_at=utcnow()))
    again = deliver(sessions, settings)
    assert again.raised == 0
    assert again.delivered == {"jsonl": 2}
    assert len(jsonl(settings.jsonl)) == 2  # type: ignore[arg-type]

    feed = ET.parse(settings.atom)  # type: ignore[arg-type]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.getroot().findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == ["标题2", "标题1"]
    assert entries[0].find("a:link", ns).get("href") == "http://127.0.0.1/news/2.html"  # type: ignore[union-attr]


def test_matches_from_before_alerts_began_are_not_alerted(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        _article(session, 1, ["新春第一会"])
    settings = AlertSettings(log=False, jsonl=tmp_path / "a.jsonl")
    assert deliver(sessions, settings).raised == 0
    assert jsonl(tmp_path / "a.jsonl") == []


def _run(session: Session, site: str, status: str = "ok", **counts: Any) -> CrawlRun:
    incremental = {k: counts.pop(k) for k in ("known", "not_modified") if k in counts}
    run = CrawlRun(
        spider="portal",
        site=site,
        status=status,
        reason="finished" if status == "ok" else "HTTP 403",
        finished_at=utcnow(),
        stats={"incremental": incremental},
        **counts,
    )
    session.add(run)
    session.flush()
    return run


OK_RUN = {"requests": 10, "articles_new": 2, "known": 20}


@pytest.mark.parametrize(
    ("history", "run", "expected"),
    [
        pytest.param([OK_RUN] * 3, OK_RUN, [], id="healthy"),
        pytest.param([OK_RUN] * 3, {"requests": 3}, ["zero_articles"], id="zero-articles"),
        pytest.param([OK_RUN] * 2, {"requests": 3}, [], id="too-little-history"),
        pytest.param([{"requests": 3}] * 3, {"requests": 3}, [], id="never-yields"),
        pytest.param(
            [OK_RUN] * 3, {"requests": 1, "not_modified": 1}, [], id="listing-not-modified"
        ),
        pytest.param([OK_RUN] * 3, {**OK_RUN, "errors": 4}, ["error_share"], id="errors-jump"),
        pytest.param(
            [{**OK_RUN, "errors": 3}] * 3, {**OK_RUN, "errors": 4}, [], id="errors-as-usual"
        ),
        pytest.param([OK_RUN], {"status": "failed"}, ["run_failed"], id="fails"),
        pytest.param([{"status": "failed"}, OK_RUN], {"status": "failed"}, [], id="still-failing"),
    ],
)
def test_health_checks(
    sessions: sessionmaker[Session],
    history: list[dict[str, Any]],
    run: dict[str, Any],
    expected: list[str],
) -> None:
    with sessions.begin() as session:
        for counts in reversed(history):  # history is newest first
            _run(session, "site", **dict(counts))
        current = _run(session, "site", **dict(run))
        findings = check_health(session, current, AlertSettings())
    assert [f.check for f in findings] == expected


# --------------------------------------------------------------------------- leases


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def test_a_lease_is_held_by_one_owner_until_released_or_expired(engine: Engine) -> None:
    begin = sessionmaker(engine).begin
    with begin() as s:
        assert acquire_lease(s, "jiangnan", "a", ttl=60)
    with begin() as s:
        assert not acquire_lease(s, "jiangnan", "b", ttl=60)
        assert acquire_lease(s, "jiangnan", "a", ttl=60)  # the holder may extend it
        assert renew_lease(s, "jiangnan", "a", ttl=60)
        assert not renew_lease(s, "jiangnan", "b", ttl=60)
        holder = lease_holder(s, "jiangnan")
        assert holder is not None
        assert holder.owner == "a"
    with begin() as s:
        release_lease(s, "jiangnan", "b")  # not b's to give back
        assert not acquire_lease(s, "jiangnan", "b", ttl=60)
        release_lease(s, "jiangnan", "a")
    with begin() as s:
        assert acquire_lease(s, "jiangnan", "b", ttl=60)
    # b is killed and stops renewing: once its lease runs out, c may take the site.
    later = utcnow() + timedelta(seconds=61)
    with begin() as s:
        assert not acquire_lease(s, "jiangnan", "c", ttl=60)
        assert acquire_lease(s, "jiangnan", "c", ttl=60, now=later)
        assert not renew_lease(s, "jiangnan", "b", ttl=60)


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('webhook = "ftp://x"', ":3: alerts.webhook: not an http(s) URL"),
        ("jsonl = 3", ":3: alerts.jsonl: expected a file path"),
        ("retry_seconds = -1", ":3: alerts.retry_seconds: must be at least"),
        ("health = 1", ":3: alerts.health: expected true or false"),
        ('wbhook = "http://x"', ":3: alerts.wbhook: unknown key"),
    ],
)
def test_alerts_config_errors_name_file_line_and_key(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"# alerts\n[alerts]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        alert_settings(load_config(path))
    assert str(caught.value).startswith(str(path))


def test_alert_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "config.toml"
    path.parent.mkdir()
    path.write_text('[alerts]\njsonl = "alerts.jsonl"\natom = "/srv/feed.atom"\n', "utf-8")
    settings = alert_settings(load_config(path))
    assert settings.jsonl == tmp_path / "etc" / "alerts.jsonl"
    assert settings.atom == Path("/srv/feed.atom")
    assert settings.sinks == ["log", "jsonl"]
