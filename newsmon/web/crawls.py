"""Crawls started from the web: what ``POST /api/crawl``, ``POST /api/sites/{name}/run`` and the
runs page's form start (the routes are in :mod:`newsmon.web.crawl_routes`).

Off unless the config has a ``[web] token``. Each crawl is a child process, as the
scheduler's are (:mod:`newsmon.scheduling.child`):

- a site run goes through the scheduler's own :class:`~newsmon.scheduling.runtime.Runtime`:
  the site's lease is taken here before the request is answered (held elsewhere: 409),
  handed to the ``newsmon monitor`` child, renewed while it runs, and given back once
  the run is recorded; its health is checked as after a scheduled run;
- a URL crawl is ``newsmon crawl URL ...``, which takes no lease (like the command: the
  URLs need not belong to a configured site), with the scheduler's time limit.

At most ``[web] max_crawls`` (default 2) run at once; one more is refused (429) rather
than queued, so that a click never starts a crawl much later. Both record their
``crawl_runs`` row like any crawl, so they show on /runs and /api/runs as they go.
"""

from __future__ import annotations

import hmac
import itertools
import logging
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from crawler.config import Config, ConfigError
from newsmon.alerts import alert_settings
from newsmon.cli.context import CliError, check_http_url
from newsmon.scheduling.child import child_env, cli_command, describe_exit, spawn
from newsmon.scheduling.leases import owner_token
from newsmon.scheduling.runtime import Runtime
from newsmon.scheduling.settings import schedule_settings
from storage.models import utcnow
from storage.records import local_time

logger = logging.getLogger("newsmon.web")

#: URLs one request may ask for.
MAX_URLS = 100
#: Web-started crawls remembered for /runs and /api/crawls (the runs themselves are in the database).
KEEP_JOBS = 50
#: What ``newsmon crawl`` says last: ``run 12: 3 stored (...)``.
_RUN_LINE = re.compile(r"^run (\d+): ")
DISABLED = (
    "crawls from the web are disabled: there is no [web] token in the config "
    "(see README, 'Crawling from the web')"
)


class WebCrawlError(Exception):
    """A crawl that cannot be started: the HTTP status and a message for the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class Job:
    """One crawl started from the web, as this server saw it."""

    id: int
    kind: str  # "urls" | "site"
    target: str  # the site's name, or the first URL (and how many more)
    started_at: datetime = field(default_factory=utcnow)
    status: str = "running"  # then the run's status (ok, failed, timeout, interrupted)
    run_id: int | None = None
    finished_at: datetime | None = None
    reason: str = ""

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "started_at": local_time(self.started_at),
            "finished_at": local_time(self.finished_at),
            "status": self.status,
            "run_id": self.run_id,
            "reason": self.reason,
        }


class WebCrawls:
    """The crawls this server starts: the token check, the bound, the child processes."""

    def __init__(self, config: Config, db_url: str, engine: Engine) -> None:
        self.config = config
        self._token = config.web.token
        self.limit = config.web.max_crawls
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._jobs: list[Job] = []
        self._active = 0
        self._threads: list[threading.Thread] = []
        self._children: set[subprocess.Popen[str]] = set()
        self.runtime: Runtime | None = None
        if self._token is not None:
            if config.path is None:  # (a token comes from a file, so there is one)
                raise ConfigError("[web] token needs a config file")
            # Validated now: a bad [scheduler] or [alerts] table stops `serve` with its message.
            self.runtime = Runtime(
                config=config,
                db_url=db_url,
                engine=engine,
                sessions=sessionmaker(engine, expire_on_commit=False),
                settings=schedule_settings(config),
                alerts=alert_settings(config),
                owner=owner_token("web"),
            )

    # -- access ---------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self.runtime is not None

    def authorised(self, given: str | None) -> bool:
        """Whether ``given`` is the configured token (compared in constant time)."""
        if self._token is None or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self._token.encode("utf-8"))

    def jobs(self) -> list[dict[str, Any]]:
        """The web-started crawls, newest first."""
        with self._lock:
            return [job.record() for job in reversed(self._jobs)]

    def sites(self) -> list[str]:
        return [p.name for p in self.config.sites]

    # -- starting ---------------------------------------------------------------------------

    def _reserve(self, kind: str, target: str) -> Job:
        with self._lock:
            if self._active >= self.limit:
                raise WebCrawlError(
                    429,
                    f"{self._active} crawls started from the web are running, the limit "
                    f"([web] max_crawls = {self.limit}); try again when one has finished",
                )
            self._active += 1
            job = Job(next(self._ids), kind, target)
            self._jobs.append(job)
            del self._jobs[:-KEEP_JOBS]
            return job

    def _finish(self, job: Job, status: str, reason: str = "", run_id: int | None = None) -> None:
        with self._lock:
            job.status, job.reason, job.finished_at = status, reason, utcnow()
            job.run_id = run_id if run_id is not None else job.run_id
            self._active -= 1

    def _withdraw(self, job: Job) -> None:
        """Forget a job that did not start."""
        with self._lock:
            self._jobs.remove(job)
            self._active -= 1

    def _thread(self, name: str, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def start_site(self, name: str) -> Job:
        """Start a run of the configured site ``name`` under its lease (404, 409, 429)."""
        runtime = self._runtime()
        try:
            self.config.site(name)
        except ConfigError:
            raise WebCrawlError(404, f"no configured site named {name!r}") from None
        job = self._reserve("site", name)
        try:
            holder = runtime.take_lease(name)
        except Exception:
            self._finish(job, "failed", "could not take the site's lease")
            raise
        if holder is not None:
            self._withdraw(job)
            raise WebCrawlError(409, f"site {name} is being crawled by {holder}")
        logger.info("web crawl %s: run of site %s starting", job.id, name)
        self._thread(f"web-site-{job.id}", self._run_site, job, runtime, name)
        return job

    def _run_site(self, job: Job, runtime: Runtime, name: str) -> None:
        try:
            outcome = runtime.run_leased(name)
        except Exception as exc:
            logger.exception("web crawl %s: run of site %s failed", job.id, name)
            self._finish(job, "failed", f"{type(exc).__name__}: {exc}")
            return
        self._finish(job, outcome.status, outcome.reason, outcome.run_id)

    def start_urls(self, urls: list[str]) -> Job:
        """Start ``newsmon crawl URLS`` (400 for a URL that is not http(s), 429)."""
        runtime = self._runtime()
        if not urls:
            raise WebCrawlError(400, "give at least one URL")
        if len(urls) > MAX_URLS:
            raise WebCrawlError(400, f"at most {MAX_URLS} URLs at a time, got {len(urls)}")
        try:
            urls = [check_http_url(url.strip()) for url in urls]
        except CliError as exc:  # the crawl command's own check
            raise WebCrawlError(400, str(exc)) from None
        target = urls[0] + (f" (+{len(urls) - 1} more)" if len(urls) > 1 else "")
        job = self._reserve("urls", target)
        limit = runtime.settings.time_limit_seconds
        command = cli_command(
            "crawl",
            "--config",
            runtime.config_for_crawl(),
            "--set",
            f"CLOSESPIDER_TIMEOUT={limit:g}",
            "--",
            *urls,
        )
        try:
            child = spawn(command, child_env(runtime.db_url))
        except OSError as exc:
            self._finish(job, "failed", f"could not start the crawl: {exc}")
            raise WebCrawlError(500, f"could not start the crawl: {exc.strerror or exc}") from None
        with self._lock:
            self._children.add(child)
        logger.info("web crawl %s: %s URLs, child %s", job.id, len(urls), child.pid)
        self._thread(f"web-urls-{job.id}", self._watch, job, child, limit)
        return job

    def _watch(self, job: Job, child: subprocess.Popen[str], limit: float) -> None:
        # Scrapy's CLOSESPIDER_TIMEOUT ends the crawl; this is the backstop for a stuck close.
        backstop = threading.Timer(limit + 30, child.kill)
        backstop.daemon = True
        backstop.start()
        last = ""
        try:
            assert child.stdout is not None
            for line in child.stdout:
                line = line.rstrip()
                if not line:
                    continue
                last = line
                found = _RUN_LINE.match(line)
                if found:
                    job.run_id = int(found.group(1))
                logger.info("web crawl %s| %s", job.id, line)
            returncode = child.wait()
        finally:
            backstop.cancel()
            with self._lock:
                self._children.discard(child)
        if returncode == 0:
            self._finish(job, "ok", last)
        elif returncode == 1 and job.run_id is not None:
            self._finish(job, "failed", f"some URLs were not stored: {last}")
        else:
            self._finish(job, "failed", f"{describe_exit(returncode)}: {last}")
        logger.info("web crawl %s: %s (run %s)", job.id, job.status, job.run_id)

    def _runtime(self) -> Runtime:
        if self.runtime is None:
            raise WebCrawlError(404, DISABLED)
        return self.runtime

    # -- stopping ---------------------------------------------------------------------------

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop the running crawls (each records its run as interrupted); wait ``timeout`` in all."""
        if self.runtime is not None:
            self.runtime.stopping.set()
            self.runtime.hurry.set()  # its site runs get SIGTERM at once
        with self._lock:
            children = list(self._children)
            threads = list(self._threads)
        for child in children:
            if child.poll() is None:
                child.terminate()  # Scrapy closes the spider and records the run
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
