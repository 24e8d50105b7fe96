"""Running the real ``python scheduler.py`` against sites served on 127.0.0.1, and reading what it did."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from storage import CrawlRun, make_engine
from storage.models import Alert, AlertDelivery

ROOT = Path(__file__).resolve().parents[2]


def site_table(name: str, base: str, *, feeds: list[str] | None = None, **extra: Any) -> str:
    """A ``[[sites]]`` table for a generated portal at ``base``, polite settings off."""
    feeds = feeds if feeds is not None else [f"{base}/rss.xml"]
    lines = [
        "[[sites]]",
        f'name = "{name}"',
        f'start_urls = ["{base}/news/list_1.html"]',
        f"feeds = {json.dumps(feeds)}",
        "max_listing_pages = 5",
        "concurrency = 32",
        "download_delay = 0",
        "autothrottle = false",
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def write_config(
    path: Path,
    sites: list[str],
    *,
    scheduler: dict[str, Any] | None = None,
    alerts: dict[str, Any] | None = None,
) -> Path:
    """A config: the keyword, fast scheduler settings (overridable), the alerts and the sites."""
    settings = {
        "jitter_seconds": 0,
        "startup_spread_seconds": 0,
        "lease_seconds": 3,
        "shutdown_grace_seconds": 10,
        "time_limit_seconds": 60,
        **(scheduler or {}),
    }
    text = '[monitor]\nkeywords = ["新春第一会"]\n\n[scheduler]\n'
    text += "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    alerts = {"poll_seconds": 0.5, "retry_seconds": 0.5, **(alerts or {})}
    text += "\n[alerts]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in alerts.items())
    text += "\n" + "\n".join(sites)
    path.write_text(text, encoding="utf-8")
    return path


def wait_until(what: str, check: Callable[[], Any], timeout: float = 30, every: float = 0.2) -> Any:
    """Poll ``check`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


class SchedulerProcess:
    """``python scheduler.py --config C --db D [args]`` in a child process, its log in a file."""

    def __init__(self, config: Path, db: str, *args: str, log: Path) -> None:
        self.log_path = log
        env = {**os.environ, "NEWSMON_HOME": str(config.parent)}
        env.pop("NEWSMON_DB_URL", None)
        env.pop("NEWSMON_CONFIG", None)
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scheduler.py"),
                "--config",
                str(config),
                "--db",
                db,
                *args,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=config.parent,
            env=env,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self._log.close()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._log.close()

    def __enter__(self) -> SchedulerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()


def runs(db: str, site: str | None = None) -> list[dict[str, Any]]:
    """The crawl_runs rows (of one site), oldest first."""
    engine = make_engine(db)
    try:
        if not inspect(engine).has_table("crawl_runs"):
            return []  # the scheduler has not created the schema yet
        with Session(engine) as session:
            query = select(CrawlRun).order_by(CrawlRun.id)
            if site:
                query = query.where(CrawlRun.site == site)
            return [
                {
                    "id": r.id,
                    "site": r.site,
                    "status": r.status,
                    "reason": r.reason,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "articles_new": r.articles_new,
                    "stats": dict(r.stats or {}),
                }
                for r in session.scalars(query)
            ]
    finally:
        engine.dispose()


def deliveries(db: str) -> list[tuple[str, str, bool]]:
    """``(alert key, sink, delivered)`` for every delivery row."""
    engine = make_engine(db)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Alert.key, AlertDelivery.sink, AlertDelivery.delivered_at).join(
                    Alert, Alert.id == AlertDelivery.alert_id
                )
            ).all()
            return [(key, sink, delivered is not None) for key, sink, delivered in rows]
    finally:
        engine.dispose()


def jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
