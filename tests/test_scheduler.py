"""The scheduler for real: APScheduler in ``python scheduler.py``, crawls in child processes, sites on 127.0.0.1.

Every site runs every two seconds; a feed that answers slowly (``/slow.xml``) makes a
run last long enough to be killed, stopped or overlapped.
"""

from __future__ import annotations

import itertools
import json
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from crawler.config import load_config
from newsmon.sample_site import SampleSite
from storage import Article, make_engine
from tests.cli import newsmon
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

EVERY_2S = 2 / 60  # interval_minutes
EMPTY_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title></channel></rss>'


@pytest.fixture
def site(web: WebServer, tmp_path: Path) -> SampleSite:
    generated = SampleSite.generate(12, keyword_every=4, decoy_every=5)
    generated.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    web.add("/hook", "ok")
    return generated


def _slow_feed(web: WebServer, seconds: float) -> str:
    return web.add("/slow.xml", EMPTY_FEED, content_type="application/rss+xml", delay=seconds)


def _posts(web: WebServer) -> list[dict[str, object]]:
    import json

    return [json.loads(r.body) for r in web.requests_for("/hook") if r.method == "POST"]


def _article_count(db: str) -> tuple[int, int]:
    engine = make_engine(db)
    if not inspect(engine).has_table("articles"):
        engine.dispose()
        return 0, 0
    with Session(engine) as session:
        rows = session.scalar(select(func.count()).select_from(Article)) or 0
        urls = session.scalar(select(func.count(func.distinct(Article.url)))) or 0
    engine.dispose()
    return rows, urls


def test_an_article_added_between_runs_is_alerted_once_in_jsonl_and_once_by_webhook(
    web: WebServer, site: SampleSite, tmp_path: Path, db_url: str
) -> None:
    alerts = tmp_path / "alerts.jsonl"
    config = write_config(
        tmp_path / "config.toml",
        [site_table("jiangnan", web.base_url, interval_minutes=EVERY_2S)],
        alerts={"jsonl": str(alerts), "webhook": web.url("/hook"), "atom": "alerts.atom"},
    )
    first = site.keyword_paths()
    with SchedulerProcess(config, db_url, log=tmp_path / "scheduler.log") as scheduler:
        wait_until("the first run's alerts", lambda: len(jsonl(alerts)) == len(first))
        added = site.add("keyword")
        site.write(tmp_path / "site", web.base_url)
        url = web.url(added.path)
        wait_until("the new article's alert", lambda: any(a["url"] == url for a in jsonl(alerts)))
        # Two more runs see the article again: still one alert.
        seen = len(runs(db_url))
        wait_until(
            "two more runs",
            lambda: (
                len(runs(db_url)) >= seen + 2
                and all(r["status"] != "running" for r in runs(db_url)[: seen + 2])
            ),
        )
        assert scheduler.stop() == 0, scheduler.log

    lines = jsonl(alerts)
    assert [line["url"] for line in lines].count(url) == 1
    new_line = next(line for line in lines if line["url"] == url)
    assert new_line["title"] == added.title
    assert new_line["keywords"] == ["新春第一会"]
    assert new_line["site"] == "jiangnan"
    assert new_line["published_at"].startswith(added.published.strftime("%Y-%m-%dT%H:%M"))
    assert sorted(line["url"] for line in lines) == sorted(web.url(p) for p in first | {added.path})
    posts = _posts(web)
    assert [p["url"] for p in posts].count(url) == 1
    assert len(posts) == len(lines)
    assert all(delivered for _, _, delivered in deliveries(db_url))
    assert all(r["status"] == "ok" for r in runs(db_url)), runs(db_url)
    assert "ALERT new match [新春第一会]" in scheduler.log
    assert (tmp_path / "alerts.atom").read_text("utf-8").count("<entry>") == len(lines)


def test_kill_9_during_a_run_then_restart_duplicates_nothing_and_marks_the_run_interrupted(
    web: WebServer, site: SampleSite, tmp_path: Path, db_url: str
) -> None:
    _slow_feed(web, 4)
    alerts = tmp_path / "alerts.jsonl"
    config = write_config(
        tmp_path / "config.toml",
        [
            site_table(
                "jiangnan",
                web.base_url,
                feeds=[web.url("/rss.xml"), web.url("/slow.xml")],
                interval_minutes=EVERY_2S,
            )
        ],
        alerts={"jsonl": str(alerts), "webhook": web.url("/hook")},
    )
    first = SchedulerProcess(config, db_url, log=tmp_path / "first.log")
    with first:
        # The first run stores the articles (and their alerts go out) while the slow feed holds it open.
        wait_until("a run storing articles", lambda: _article_count(db_url)[0] > 0)
        killed = runs(db_url)[-1]
        assert killed["status"] == "running"
        first.kill9()

    # The orphaned crawl notices its scheduler is gone and closes its run.
    wait_until(
        "the killed run to be closed",
        lambda: runs(db_url)[0]["status"] != "running",
        timeout=20,
    )
    assert runs(db_url)[0]["status"] == "interrupted"

    with SchedulerProcess(config, db_url, log=tmp_path / "second.log") as second:
        wait_until(
            "a run after the restart to complete",
            lambda: any(r["status"] == "ok" for r in runs(db_url)),
            timeout=40,
        )
        wanted = len(site.keyword_paths()) * 2  # to the JSONL file and the webhook
        wait_until(
            "every alert delivered",
            lambda: sum(done for _, sink, done in deliveries(db_url) if sink != "log") == wanted,
        )
        assert second.stop() == 0, second.log

    history = runs(db_url)
    assert history[0]["id"] == killed["id"]
    assert history[0]["status"] == "interrupted"
    assert [r["status"] for r in history[1:]] == ["ok"] * (len(history) - 1)
    rows, urls = _article_count(db_url)
    assert rows == urls == len(site.listed)
    # Delivery is at least once (README, Alerts): the alert a sink was taking when the
    # scheduler was killed — written, not yet recorded — goes to it again after the restart.
    # Nothing is lost, at most that one alert repeats per sink, and the webhook's repeat
    # carries the same Idempotency-Key, so the receiver can drop it.
    wanted_urls = sorted(web.url(p) for p in site.keyword_paths())
    lines = [line["url"] for line in jsonl(alerts)]
    assert sorted(set(lines)) == wanted_urls
    assert len(lines) - len(set(lines)) <= 1, lines
    hooks = [r for r in web.requests_for("/hook") if r.method == "POST"]
    keys = {r.headers.get("Idempotency-Key"): json.loads(r.body)["url"] for r in hooks}
    assert sorted(keys.values()) == wanted_urls  # one key per alert, whatever was repeated
    assert len(hooks) - len(keys) <= 1, [json.loads(r.body)["url"] for r in hooks]


def _overlaps(history: list[dict[str, object]]) -> list[tuple[object, object]]:
    spans = sorted(
        (r["started_at"], r["finished_at"], r["id"]) for r in history if r["finished_at"]
    )
    return [
        (a[2], b[2])
        for a, b in itertools.pairwise(spans)
        if b[0] < a[1]  # type: ignore[operator]
    ]


def test_two_schedulers_and_a_manual_monitor_never_crawl_one_site_at_once(
    web: WebServer, site: SampleSite, tmp_path: Path, db_url: str
) -> None:
    _slow_feed(web, 5)  # long enough for the manual monitor to start during a run, under load
    config = write_config(
        tmp_path / "config.toml",
        [
            site_table(
                "jiangnan",
                web.base_url,
                feeds=[web.url("/rss.xml"), web.url("/slow.xml")],
                interval_minutes=EVERY_2S,
            )
        ],
    )
    with (
        SchedulerProcess(config, db_url, log=tmp_path / "a.log") as a,
        SchedulerProcess(config, db_url, log=tmp_path / "b.log") as b,
    ):
        wait_until("a run in progress", lambda: any(r["status"] == "running" for r in runs(db_url)))
        manual = newsmon("monitor", "jiangnan", "--config", str(config), home=tmp_path, db=db_url)
        wait_until(
            "three finished runs",
            lambda: sum(r["finished_at"] is not None for r in runs(db_url)) >= 3,
            timeout=60,
        )
        assert a.stop() == 0, a.log
        assert b.stop() == 0, b.log

    history = runs(db_url)
    # Every run finished, but one that a scheduler's stop found going: on a busy machine it
    # can outlast the stop's 10 s of grace, and is then stopped (at most one a scheduler).
    stopped = [r for r in history if r["status"] != "ok"]
    assert all(
        r["status"] == "interrupted" and "the scheduler is shutting down" in r["reason"]
        for r in stopped
    ), history
    assert len(stopped) <= 2, history
    assert len(history) - len(stopped) >= 3, history
    assert _overlaps(history) == []
    assert manual.returncode == 1
    assert "jiangnan: skipped: the site is being crawled by scheduler@" in manual.stderr


def test_a_site_that_refuses_or_hangs_fails_its_own_run_and_the_others_go_on(
    web: WebServer, site: SampleSite, tmp_path: Path, sqlite_url: str
) -> None:
    web.add("/forbidden/list.html", "Forbidden", status=403)
    # The limit leaves a loaded machine time to reach a 403 in it; the hanging page answers a
    # second after it (Scrapy's close waits for it), well before the scheduler's backstop
    # (the limit + 10 s from the child's start) would stop the child.
    web.add("/hangs/list.html", "<html></html>", delay=9)
    alerts = tmp_path / "alerts.jsonl"
    config = write_config(
        tmp_path / "config.toml",
        [
            site_table("jiangnan", web.base_url),
            '[[sites]]\nname = "forbidden"\n'
            f'start_urls = ["{web.url("/forbidden/list.html")}"]\ndownload_delay = 0\n',
            '[[sites]]\nname = "hangs"\n'
            f'start_urls = ["{web.url("/hangs/list.html")}"]\ndownload_delay = 0\n',
        ],
        scheduler={"time_limit_seconds": 8},
        alerts={"jsonl": str(alerts)},
    )

    once = newsmon("schedule", "--once", "--config", str(config), home=tmp_path, db=sqlite_url)

    assert once.returncode == 1, once.stderr
    by_site = {r["site"]: r for r in runs(sqlite_url)}
    assert by_site["jiangnan"]["status"] == "ok"
    assert by_site["jiangnan"]["articles_new"] == len(site.listed)
    assert by_site["forbidden"]["status"] == "failed"
    assert "child exit status 1" in by_site["forbidden"]["reason"]
    assert by_site["hangs"]["status"] == "timeout"
    assert "child " in by_site["hangs"]["reason"]
    # In the user's words, not Scrapy's close reason ("closespider_timeout").
    assert by_site["hangs"]["reason"].startswith("time limit of 8 s reached;")
    assert "forbidden: failed" in once.stdout
    assert "hangs: timeout" in once.stdout
    health = [line for line in jsonl(alerts) if line["type"] == "health"]
    assert sorted((h["site"], h["check"]) for h in health) == [
        ("forbidden", "run_failed"),
        ("hangs", "run_failed"),
    ]
    hangs = next(h for h in health if h["site"] == "hangs")
    assert "time limit of 8 s reached" in hangs["message"]
    matches = [line for line in jsonl(alerts) if line["type"] == "match"]
    assert len(matches) == len(site.keyword_paths())


@pytest.mark.parametrize(
    ("grace", "status", "reason"),
    [
        pytest.param(20, "ok", "finished", id="finishes-within-grace"),
        pytest.param(0.5, "interrupted", "stopped: the scheduler is shutting down", id="stopped"),
    ],
)
def test_sigterm_lets_the_running_crawl_finish_or_stops_it_and_exits_0(
    web: WebServer,
    site: SampleSite,
    tmp_path: Path,
    sqlite_url: str,
    grace: float,
    status: str,
    reason: str,
) -> None:
    _slow_feed(web, 3)
    config = write_config(
        tmp_path / "config.toml",
        [
            site_table(
                "jiangnan",
                web.base_url,
                feeds=[web.url("/slow.xml")],
                interval_minutes=EVERY_2S,
            )
        ],
        scheduler={"shutdown_grace_seconds": grace},
    )
    with SchedulerProcess(config, sqlite_url, log=tmp_path / "scheduler.log") as scheduler:
        wait_until(
            "a run in progress", lambda: any(r["status"] == "running" for r in runs(sqlite_url))
        )
        code = scheduler.stop(signal.SIGTERM)

    assert code == 0, scheduler.log
    history = runs(sqlite_url)
    assert len(history) == 1  # no new run was started after the signal
    assert history[0]["status"] == status
    assert reason in history[0]["reason"]
    assert "child " in history[0]["reason"]
    assert "scheduler stopped" in scheduler.log


def test_list_shows_each_site_its_trigger_and_next_run(
    web: WebServer, tmp_path: Path, sqlite_url: str
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        [
            site_table("jiangnan", web.base_url, interval_minutes=90),
            site_table("suzhou", web.base_url, cron="30 7 * * *"),
        ],
    )
    before = newsmon("schedule", "--list", "--config", str(config), home=tmp_path, db=sqlite_url)
    assert before.returncode == 0, before.stderr
    assert before.stdout.splitlines() == [
        "jiangnan\tevery 90 min, jitter 0 s\ton start (new schedule)",
        "suzhou\tcron '30 7 * * *', jitter 0 s\ton start (new schedule)",
    ]
    assert runs(sqlite_url) == []  # listing runs nothing


def test_restarts_keep_stored_run_times_and_spread_the_runs_that_are_due(
    tmp_path: Path, web: WebServer, sqlite_url: str
) -> None:
    from newsmon.scheduling.service import build_scheduler, make_runtime, sync_jobs

    config = write_config(
        tmp_path / "config.toml",
        [site_table(f"site{i}", web.base_url, interval_minutes=60) for i in range(4)],
        scheduler={"startup_spread_seconds": 60},
    )
    runtime = make_runtime(load_config(config), sqlite_url)

    def synced() -> dict[str, datetime]:
        scheduler = build_scheduler(runtime)
        scheduler.start(paused=True)
        try:
            return {job.id: job.next_run_time for job in sync_jobs(scheduler, runtime)}
        finally:
            scheduler.shutdown(wait=False)

    start = datetime.now(UTC)
    first = synced()
    gaps = sorted((t - start).total_seconds() for t in first.values())
    # New schedules: due now, but 15 s apart rather than all at once.
    assert [round(g / 15) for g in gaps] == [0, 1, 2, 3]

    # A restart keeps the stored times of runs not yet due (the first one is due already).
    future = {job_id: t for job_id, t in first.items() if t > datetime.now(UTC)}
    assert len(future) == 3
    assert {job_id: t for job_id, t in synced().items() if job_id in future} == future

    # Down for a while: everything overdue runs once, spread out again.
    scheduler = build_scheduler(runtime)
    scheduler.start(paused=True)
    for job_id in first:
        scheduler.modify_job(job_id, next_run_time=start - timedelta(hours=5))
    scheduler.shutdown(wait=False)
    again = datetime.now(UTC)
    gaps = sorted((t - again).total_seconds() for t in synced().values())
    assert [round(g / 15) for g in gaps] == [0, 1, 2, 3]


def test_sites_edited_in_the_config_are_rescheduled_without_a_restart(
    web: WebServer, site: SampleSite, tmp_path: Path, sqlite_url: str
) -> None:
    config = write_config(
        tmp_path / "config.toml", [site_table("jiangnan", web.base_url, interval_minutes=EVERY_2S)]
    )
    with SchedulerProcess(config, sqlite_url, log=tmp_path / "scheduler.log") as scheduler:
        wait_until("a first run", lambda: any(r["status"] == "ok" for r in runs(sqlite_url)))
        # The user renames the site and adds one: no restart.
        write_config(
            config,
            [
                site_table("suzhou", web.base_url, interval_minutes=EVERY_2S),
                site_table("wuxi", web.base_url, interval_minutes=1),
            ],
        )
        wait_until(
            "runs of both new sites",
            lambda: {"suzhou", "wuxi"} <= {r["site"] for r in runs(sqlite_url) if r["finished_at"]},
            timeout=60,
        )
        renamed_at = max(r["started_at"] for r in runs(sqlite_url) if r["site"] == "suzhou")
        wait_until(
            "another run of the renamed site",
            lambda: any(
                r["site"] == "suzhou" and r["started_at"] > renamed_at and r["finished_at"]
                for r in runs(sqlite_url)
            ),
        )
        assert scheduler.stop() == 0, scheduler.log
        log = scheduler.log

    history = runs(sqlite_url)
    # The old name is no longer crawled (it would fail: no such site in the config).
    assert all(r["status"] == "ok" for r in history), history
    assert f"config {config} changed: 2 sites scheduled" in log
    assert "no site named 'jiangnan'" not in log
