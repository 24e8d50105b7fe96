"""What a scheduler process does for its jobs: crawl one site in a child process under a
database lease, record how the run ended, and deliver the alerts.

The ``[scheduler]`` settings are in :mod:`newsmon.scheduling.settings`, the leases in
:mod:`newsmon.scheduling.leases`, the child crawl in :mod:`newsmon.scheduling.child`;
:mod:`newsmon.scheduling.service` wires APScheduler triggers to :func:`newsmon.scheduling.run_site`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.config import Config, ConfigError, load_config
from newsmon.alerts import AlertSettings, deliver, raise_health_alerts
from newsmon.scheduling.child import child_env, cli_command, finish_run, spawn
from newsmon.scheduling.leases import (
    ALERTS_LEASE,
    LEASE_SETTING,
    close_abandoned,
    describe_holder,
    owner_token,
)
from newsmon.scheduling.settings import ScheduleSettings, schedule_settings
from storage.models import CrawlRun, utcnow
from storage.monitoring import acquire_lease, release_lease, renew_lease

logger = logging.getLogger("newsmon.scheduler")


@dataclass(slots=True)
class Outcome:
    """How one scheduled run of a site ended."""

    site: str
    status: str  # ok | failed | timeout | interrupted | skipped
    run_id: int | None = None
    reason: str = ""


@dataclass
class Runtime:
    """What the job functions of this scheduler process share: config, database, stop flags."""

    config: Config
    db_url: str
    engine: Engine
    sessions: sessionmaker[Session]
    settings: ScheduleSettings
    alerts: AlertSettings
    verbose: bool = False
    owner: str = field(default_factory=lambda: owner_token("scheduler"))
    #: set by SIGTERM/SIGINT: start no new run, let running ones finish within the grace period
    stopping: threading.Event = field(default_factory=threading.Event)
    #: set by a second signal: stop running crawls now
    hurry: threading.Event = field(default_factory=threading.Event)
    alerts_due: threading.Event = field(default_factory=threading.Event)
    #: distributed mode: due sites are queued on this Redis frontier for `newsmon worker`s
    redis_url: str | None = None
    #: the config file's text when it last loaded cleanly, and why it does not now
    _good_config: str | None = None
    _config_problem: str | None = None
    _config_lock: threading.Lock = field(default_factory=threading.Lock)
    _config_copy: tempfile.TemporaryDirectory[str] | None = None

    def __post_init__(self) -> None:
        # The config was loaded from this file a moment ago: that text is the first good one.
        if self.config.path is not None and self._good_config is None:
            with contextlib.suppress(OSError):
                self._good_config = self.config.path.read_text(encoding="utf-8")

    # -- crawling ---------------------------------------------------------------------------

    def config_for_crawl(self) -> str:
        """The config file the next crawl reads: the file itself while it loads, else the last good copy.

        Each crawl reads the config anew, so an edit takes effect at the next run. An
        edit that breaks the file must not stop the crawling: the crawls go on with
        the last version that loaded, and the log says why, once per new problem.
        """
        assert self.config.path is not None
        path = self.config.path
        with self._config_lock:
            try:
                text = path.read_text(encoding="utf-8")
                config = load_config(path)
                schedule_settings(config)
            except (ConfigError, OSError, UnicodeDecodeError) as exc:
                problem = str(exc)
                if problem != self._config_problem:
                    self._config_problem = problem
                    logger.error(
                        "config %s is broken (%s); crawls keep the last good config until it is fixed",
                        path,
                        problem,
                    )
                return self._good_copy()
            if self._config_problem is not None:
                logger.info("config %s loads again; crawls use it", path)
                self._config_problem = None
            self._good_config = text
            return str(path)

    def _good_copy(self) -> str:
        """The last good config's text in a private file (the file itself is broken)."""
        if self._config_copy is None:
            self._config_copy = tempfile.TemporaryDirectory(prefix="newsmon-config-")
        copy = os.path.join(self._config_copy.name, "last-good-config.toml")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(self._good_config or "")
        return copy

    def configured(self, site: str) -> bool:
        """Whether the config the next crawl reads (:meth:`config_for_crawl`) has ``site``."""
        if self.config.path is None:
            return any(p.name == site for p in self.config.sites)
        try:
            return any(p.name == site for p in load_config(self.config_for_crawl()).sites)
        except ConfigError:  # the last good copy is broken too: let the crawl say why
            return True

    def child_command(self, site: str, config_path: str | None = None) -> list[str]:
        assert self.config.path is not None
        return cli_command(
            "monitor",
            site,
            "--config",
            config_path or str(self.config.path),
            # The database URL (and its password) goes in the environment (child_env).
            "--set",
            f"{LEASE_SETTING}={self.owner}",
            # Scrapy's own limit closes the spider cleanly (status timeout); ours below is the backstop.
            "--set",
            f"CLOSESPIDER_TIMEOUT={self.settings.time_limit_seconds:g}",
            *(["--verbose"] if self.verbose else []),
        )

    def child_env(self) -> dict[str, str]:
        """The crawl's environment: ours, with the database URL."""
        return child_env(self.db_url)

    def run_site(self, site: str) -> Outcome:
        """Crawl ``site`` once in a child process, if its lease can be had; record and alert.

        In distributed mode the site is queued for the workers instead: they
        record their own runs, and their matches are alerted from here.
        """
        if self.stopping.is_set():
            return Outcome(site, "skipped", reason="the scheduler is stopping")
        if not self.configured(site):
            # Removed or renamed in the config a moment ago; the schedule follows it shortly
            # (service.ConfigWatch). Not a failed run, and no health alert.
            logger.info("%s: not started: no longer in the config", site)
            return Outcome(site, "skipped", reason="no longer in the config")
        if self.redis_url:
            return self._queue(site)
        who = self.take_lease(site)
        if who is not None:
            logger.warning("%s: not started: the site is being crawled by %s", site, who)
            return Outcome(site, "skipped", reason=f"lease held by {who}")
        return self.run_leased(site)

    def take_lease(self, site: str) -> str | None:
        """Take ``site``'s lease for a run: None when we have it, else who holds it."""
        with self.sessions.begin() as session:
            if acquire_lease(session, site, self.owner, self.settings.lease_seconds):
                return None
            return describe_holder(session, site)

    def run_leased(self, site: str) -> Outcome:
        """Crawl ``site`` in a child process, its lease taken (:meth:`take_lease`); give it back after."""
        try:
            started = utcnow()
            with self.sessions.begin() as session:
                close_abandoned(session, site, started)
            outcome = self._crawl(site, started)
            with self.sessions.begin() as session:
                run = session.get(CrawlRun, outcome.run_id) if outcome.run_id else None
                findings = raise_health_alerts(session, run, self.alerts) if run else []
            for finding in findings:
                logger.warning("%s: health: %s", site, finding.message)
            return outcome
        finally:
            with self.sessions.begin() as session:
                release_lease(session, site, self.owner)
            self.alerts_due.set()

    def _queue(self, site: str) -> Outcome:
        from crawler.distributed import push_start

        try:
            push_start(self.redis_url or "", site)
        except Exception as exc:  # redis.RedisError and socket errors alike: log, retry next time
            logger.error("%s: could not queue it on the Redis frontier: %s", site, exc)
            return Outcome(site, "failed", reason=f"Redis: {exc}")
        logger.info("%s: queued for the workers on the shared frontier", site)
        self.alerts_due.set()
        return Outcome(site, "ok", reason="queued for the workers")

    def _crawl(self, site: str, started: datetime) -> Outcome:
        limit = self.settings.time_limit_seconds
        logger.info("%s: crawl starting (time limit %g s)", site, limit)
        tail: deque[str] = deque(maxlen=20)
        child = spawn(self.child_command(site, self.config_for_crawl()), self.child_env())
        reader = threading.Thread(
            target=self._relay, args=(site, child, tail), name=f"out-{site}", daemon=True
        )
        reader.start()
        t0 = time.monotonic()
        cause = ""  # why we stopped the child, if we did
        term_at = kill_at = stop_deadline = None
        next_renewal = t0 + self.settings.lease_seconds / 3
        while child.poll() is None:
            time.sleep(0.2)
            now = time.monotonic()
            if now >= next_renewal:
                next_renewal = now + self.settings.lease_seconds / 3
                try:
                    with self.sessions.begin() as session:
                        if not renew_lease(session, site, self.owner, self.settings.lease_seconds):
                            logger.error("%s: lost the site's lease; stopping the crawl", site)
                            cause = cause or "lost_lease"
                            term_at = term_at or now
                except Exception as exc:  # try again at the next renewal, well before expiry
                    logger.warning("%s: could not renew the lease: %s", site, exc)
            if term_at is None and now - t0 > limit + 10:
                # Scrapy's CLOSESPIDER_TIMEOUT did not end it (a hung download, a stuck close).
                cause, term_at = "timeout", now
            if self.stopping.is_set() and stop_deadline is None:
                stop_deadline = now + self.settings.shutdown_grace_seconds
                logger.info(
                    "%s: waiting up to %g s for the crawl to finish",
                    site,
                    self.settings.shutdown_grace_seconds,
                )
            if (
                term_at is None
                and stop_deadline is not None
                and (now >= stop_deadline or self.hurry.is_set())
            ):
                cause, term_at = "shutdown", now
            if term_at is not None and kill_at is None:
                logger.warning("%s: stopping the crawl (%s)", site, cause)
                child.send_signal(signal.SIGTERM)  # Scrapy closes the spider and records the run
                kill_at = now + 15
            if kill_at is not None and now >= kill_at:
                logger.error("%s: the crawl did not stop; killing it", site)
                child.kill()
                kill_at = float("inf")
        returncode = child.wait()
        reader.join(timeout=5)
        return self._record(site, started, returncode, cause, time.monotonic() - t0, tail)

    @staticmethod
    def _relay(site: str, child: subprocess.Popen[str], tail: deque[str]) -> None:
        assert child.stdout is not None
        for line in child.stdout:
            line = line.rstrip()
            if line:
                tail.append(line)
                logger.info("%s| %s", site, line)

    def _record(
        self,
        site: str,
        started: datetime,
        returncode: int,
        cause: str,
        seconds: float,
        tail: deque[str],
    ) -> Outcome:
        """Give the child's ``crawl_runs`` row its final status; log how the run went."""
        with self.sessions.begin() as session:
            run = finish_run(
                session,
                site,
                started,
                returncode=returncode,
                cause=cause,
                seconds=seconds,
                last_line=tail[-1] if tail else "no output",
                time_limit=self.settings.time_limit_seconds,
                owner=self.owner,
            )
            outcome = Outcome(site, run.status, run.id, run.reason or "")
        log = logger.info if outcome.status == "ok" else logger.warning
        log(
            "%s: run %s %s (%s) in %.1f s",
            site,
            outcome.run_id,
            outcome.status,
            outcome.reason,
            seconds,
        )
        return outcome

    # -- alerts -----------------------------------------------------------------------------

    def deliver_alerts(self, retries_now: int = 0) -> None:
        """One delivery pass, if no other scheduler is delivering right now."""
        # Renewed before each delivery, so it covers one delivery (at most a webhook timeout),
        # and a killed scheduler holds up the others' deliveries no longer than a site lease.
        ttl = self.settings.lease_seconds + self.alerts.webhook_timeout_seconds
        with self.sessions.begin() as session:
            if not acquire_lease(session, ALERTS_LEASE, self.owner, ttl):
                return

        def keep_going() -> bool:
            with self.sessions.begin() as session:
                return renew_lease(session, ALERTS_LEASE, self.owner, ttl)

        try:
            report = deliver(
                self.sessions, self.alerts, retries_now=retries_now, keep_going=keep_going
            )
            if report.raised or report.delivered:
                logger.info(
                    "alerts: %s raised, delivered %s",
                    report.raised,
                    ", ".join(f"{n} to {s}" for s, n in report.delivered.items()) or "none",
                )
        finally:
            with self.sessions.begin() as session:
                release_lease(session, ALERTS_LEASE, self.owner)

    def alert_worker(self, done: threading.Event) -> None:
        """Deliver alerts after every run and every ``poll_seconds``, until ``done``."""
        while not done.is_set():
            self.alerts_due.wait(self.alerts.poll_seconds)
            self.alerts_due.clear()
            if done.is_set():
                break
            try:
                self.deliver_alerts()
            except Exception:
                logger.exception("alert delivery failed; trying again later")

    # -- once -------------------------------------------------------------------------------

    def run_all_once(self) -> list[Outcome]:
        """``--once``: every site once (up to max_parallel at a time), then deliver the alerts."""
        with ThreadPoolExecutor(self.settings.max_parallel) as pool:
            outcomes = list(pool.map(self.run_site, [p.name for p in self.config.sites]))
        self.deliver_alerts(retries_now=2)
        return outcomes
