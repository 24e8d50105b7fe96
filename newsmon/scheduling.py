"""The scheduler's job functions: crawl one site in a child process under a database lease, then alert.

scheduler.py wires APScheduler triggers to :func:`run_site`; this module does the
work: the ``[scheduler]`` settings, site leases (also taken by ``newsmon monitor``),
the child process with its time limit, the run's final row, and the alert worker.
Run as ``python -m newsmon.scheduling --parent PID ARGS...`` it is that child: the
``newsmon`` command line, made to stop when the scheduler that started it dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from newsmon.alerts import AlertSettings, deliver, raise_health_alerts
from newsmon.config import Config, ConfigError, load_config
from storage.models import CrawlRun, utcnow
from storage.ops import (
    abandon_running_runs,
    acquire_lease,
    lease_holder,
    release_lease,
    renew_lease,
    runs_started_since,
)

logger = logging.getLogger("newsmon.scheduler")

#: The ``--set`` name under which the scheduler hands its lease to the child it starts.
LEASE_SETTING = "NEWSMON_LEASE_OWNER"
#: The lease that lets one scheduler at a time deliver alerts.
ALERTS_LEASE = "~alert-delivery"


# --------------------------------------------------------------------------- settings


@dataclass(slots=True)
class ScheduleSettings:
    """The ``[scheduler]`` table."""

    #: for sites with neither interval_minutes nor cron
    default_interval_minutes: float = 60.0
    #: each run starts up to this many seconds after its time (capped at a quarter of the interval)
    jitter_seconds: float = 30.0
    #: a run this late (the machine slept, every worker was busy) still happens, once (coalesced)
    misfire_grace_seconds: float = 6 * 3600.0
    #: runs due at start (new schedules, or missed while the scheduler was down) start spread over this
    startup_spread_seconds: float = 60.0
    #: a crawl is stopped after this long and recorded as ``timeout``
    time_limit_seconds: float = 1800.0
    #: on SIGTERM/SIGINT, running crawls get this long to finish before they are stopped
    shutdown_grace_seconds: float = 30.0
    #: a site lease lasts this long unless renewed (renewed every third of it while crawling)
    lease_seconds: float = 120.0
    #: sites crawled at the same time
    max_parallel: int = 4
    #: zone of cron expressions (default: the machine's)
    timezone: str | None = None


_SCHEDULER_KEYS = set(ScheduleSettings.__slots__)  # type: ignore[attr-defined]


def schedule_settings(config: Config) -> ScheduleSettings:
    """Validate the config's ``[scheduler]`` table (ConfigError names the file and key)."""
    table = config.raw.get("scheduler", {})
    where = config.path or "the config"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: scheduler: expected a table")
    unknown = sorted(set(table) - _SCHEDULER_KEYS)
    if unknown:
        raise ConfigError(f"{where}: scheduler.{unknown[0]}: unknown key")
    settings = ScheduleSettings()
    for key, value in table.items():
        if key == "timezone":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: scheduler.timezone: expected a zone name")
            settings.timezone = value
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: scheduler.{key}: expected a number")
        if value < 0 or (value == 0 and key not in ("jitter_seconds", "startup_spread_seconds")):
            raise ConfigError(f"{where}: scheduler.{key}: must be positive")
        setattr(settings, key, int(value) if key == "max_parallel" else float(value))
    return settings


def owner_token(role: str) -> str:
    """Who holds a lease: role, host, pid and a random part (a pid alone is reused)."""
    return f"{role}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------- leases


class SiteLeases:
    """Leases on sites for one crawl: taken on enter, renewed by a thread, given back on exit.

    ``adopt`` is a lease owner handed down by the scheduler that started this process:
    the leases are then already held under that name, are renewed here too, and are
    left for the scheduler to give back once it has recorded the run.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        names: Sequence[str],
        ttl: float,
        *,
        adopt: str | None = None,
        role: str = "monitor",
    ) -> None:
        self.sessions = sessions
        self.names = list(names)
        self.ttl = ttl
        self.owner = adopt or owner_token(role)
        self.adopted = adopt is not None
        self.held: list[str] = []
        #: site -> who holds it and until when
        self.refused: dict[str, str] = {}
        self.lost: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SiteLeases:
        for name in self.names:
            with self.sessions.begin() as session:
                if acquire_lease(session, name, self.owner, self.ttl):
                    self.held.append(name)
                    if not self.adopted:  # (an adopting child's scheduler has done this)
                        self._close_abandoned(session, name)
                    continue
                holder = lease_holder(session, name)
                self.refused[name] = (
                    f"{holder.owner} until {holder.expires_at.isoformat(timespec='seconds')}"
                    if holder
                    else "another process"
                )
        if self.held:
            self._thread = threading.Thread(target=self._renew, name="lease-renewal", daemon=True)
            self._thread.start()
        return self

    @staticmethod
    def _close_abandoned(session: Session, name: str) -> None:
        """Mark runs of ``name`` left ``running`` by a killed process as interrupted.

        The lease is ours, so whoever ran them (and held it) is gone; without this a
        ``newsmon monitor`` killed with -9 would leave its run ``running`` for ever
        unless a scheduler came by.
        """
        abandoned = abandon_running_runs(
            session,
            name,
            utcnow(),
            "interrupted: the process running it is gone (its lease expired)",
        )
        if abandoned:
            logger.warning(
                "%s: marked runs %s interrupted (left running by a dead process)", name, abandoned
            )

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            for name in self.held:
                try:
                    with self.sessions.begin() as session:
                        ok = renew_lease(session, name, self.owner, self.ttl)
                except Exception as exc:  # a database hiccup: the next round tries again
                    logger.warning("could not renew the lease on %s: %s", name, exc)
                    continue
                if not ok and name not in self.lost:
                    self.lost.add(name)
                    logger.error("lost the lease on %s: another process may crawl it now", name)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.adopted:
            return
        for name in self.held:
            try:
                with self.sessions.begin() as session:
                    release_lease(session, name, self.owner)
            except Exception as exc:  # it expires on its own
                logger.warning("could not give back the lease on %s: %s", name, exc)


# --------------------------------------------------------------------------- one run


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


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

    def child_command(self, site: str, config_path: str | None = None) -> list[str]:
        assert self.config.path is not None
        return [
            sys.executable,
            "-m",
            "newsmon.scheduling",
            "--parent",
            str(os.getpid()),
            "monitor",
            site,
            "--config",
            config_path or str(self.config.path),
            # The database URL (and its password) goes in the environment (child_env), not
            # here: any user on the machine can read a process's arguments.
            "--set",
            f"{LEASE_SETTING}={self.owner}",
            # Scrapy's own limit closes the spider cleanly (status timeout); ours below is the backstop.
            "--set",
            f"CLOSESPIDER_TIMEOUT={self.settings.time_limit_seconds:g}",
            *(["--verbose"] if self.verbose else []),
        ]

    def child_env(self) -> dict[str, str]:
        """The crawl's environment: ours, with the database URL."""
        from newsmon.config import ENV_DB_URL

        return {**os.environ, ENV_DB_URL: self.db_url}

    def run_site(self, site: str) -> Outcome:
        """Crawl ``site`` once in a child process, if its lease can be had; record and alert.

        In distributed mode the site is queued for the workers instead: they
        record their own runs, and their matches are alerted from here.
        """
        if self.stopping.is_set():
            return Outcome(site, "skipped", reason="the scheduler is stopping")
        if self.redis_url:
            return self._queue(site)
        ttl = self.settings.lease_seconds
        with self.sessions.begin() as session:
            if not acquire_lease(session, site, self.owner, ttl):
                holder = lease_holder(session, site)
                who = (
                    f"{holder.owner} until {holder.expires_at.isoformat(timespec='seconds')}"
                    if holder
                    else "another process"
                )
                logger.warning("%s: not started: the site is being crawled by %s", site, who)
                return Outcome(site, "skipped", reason=f"lease held by {who}")
        try:
            started = utcnow()
            with self.sessions.begin() as session:
                abandoned = abandon_running_runs(
                    session,
                    site,
                    started,
                    "interrupted: the process running it is gone (its lease expired)",
                )
            if abandoned:
                logger.warning(
                    "%s: marked runs %s interrupted (left running by a dead process)",
                    site,
                    abandoned,
                )
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
        child = subprocess.Popen(
            self.child_command(site, self.config_for_crawl()),
            env=self.child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            # Its own session: a Ctrl-C at the terminal reaches the scheduler only, which then
            # gives the crawl its grace period instead of it stopping at once.
            start_new_session=True,
        )
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
        """Give the child's ``crawl_runs`` row its final status and the child's exit reason."""
        exit_reason = describe_exit(returncode)
        limit = self.settings.time_limit_seconds
        why = {
            "timeout": f"time limit of {limit:g} s reached",
            "shutdown": "stopped: the scheduler is shutting down",
            "lost_lease": "stopped: the site's lease was lost",
        }.get(cause, "")
        with self.sessions.begin() as session:
            # The lease is ours, so the only runs of this site since we started are our child's.
            rows = runs_started_since(session, site, started - timedelta(seconds=1))
            run = rows[-1] if rows else None
            if run is None:
                last = tail[-1] if tail else "no output"
                run = CrawlRun(spider="portal", site=site, started_at=started, status="failed")
                run.reason = f"the crawl did not start: {last}"
                session.add(run)
                if cause == "timeout":
                    run.status = "timeout"
                elif cause:
                    run.status = "interrupted"
            elif run.status == "running":
                # The child was killed before it could close its run.
                if cause == "timeout":
                    run.status = "timeout"
                elif cause or returncode < 0:
                    run.status = "interrupted"
                else:
                    run.status = "failed"
                run.reason = why or "the crawl process ended without recording its run"
            elif cause == "timeout" and run.status != "ok":
                run.status, run.reason = "timeout", f"{why} ({run.reason})"
            elif why and why not in (run.reason or ""):
                run.reason = f"{run.reason}; {why}" if run.reason else why
            if run.finished_at is None or run.finished_at < started:
                run.finished_at = utcnow()
            run.reason = (
                f"{run.reason}; child {exit_reason}" if run.reason else f"child {exit_reason}"
            )
            run.stats = {
                **(run.stats or {}),
                "scheduler": {
                    "owner": self.owner,
                    "exit": exit_reason,
                    "returncode": returncode,
                    "stopped_for": cause or None,
                    "seconds": round(seconds, 2),
                },
            }
            session.flush()
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


# --------------------------------------------------------------------------- job functions

_RUNTIME: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    """Install the runtime the job functions use (one per scheduler process)."""
    global _RUNTIME
    _RUNTIME = runtime


def run_site(site: str) -> None:
    """APScheduler job: one run of ``site`` (jobs in the database store refer to this by name)."""
    if _RUNTIME is None:
        raise RuntimeError("newsmon.scheduling.run_site called outside a scheduler process")
    _RUNTIME.run_site(site)


# --------------------------------------------------------------------------- the child


def _die_with_parent(parent: int) -> None:
    """Stop (one SIGTERM: Scrapy closes the run as interrupted) when the scheduler is gone."""

    def watch() -> None:
        # Polling rather than prctl(PR_SET_PDEATHSIG): the output has to be redirected before
        # the signal, or Scrapy's shutdown dies writing its log into the dead parent's pipe.
        while os.getppid() == parent:
            time.sleep(0.5)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.kill(os.getpid(), signal.SIGTERM)  # once: Scrapy takes a second one as "stop unclean"

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def child_main(argv: Sequence[str]) -> int:
    """``python -m newsmon.scheduling --parent PID ARGS...``: ``newsmon ARGS`` tied to its parent."""
    from newsmon.cli import main

    args = list(argv)
    if len(args) >= 2 and args[0] == "--parent":
        _die_with_parent(int(args[1]))
        args = args[2:]
    return main(args)


def lease_seconds(config: Config) -> float:
    """The lease length ``newsmon monitor`` uses (the config's ``[scheduler] lease_seconds``)."""
    return schedule_settings(config).lease_seconds


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
