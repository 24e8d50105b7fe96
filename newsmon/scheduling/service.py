"""newsmon's scheduler: APScheduler 3 triggers for the configured sites, wired to :func:`run_site`.

    python scheduler.py [--config FILE] [--db URL] [--list | --once] [-v]

(the same as ``newsmon schedule``). Jobs live in the newsmon database, so next run
times survive restarts. This module sets APScheduler up, keeps its jobs in step with
the config, handles SIGTERM/SIGINT and runs until stopped; the work of one run
(leases, the child crawl, alerts) is the :class:`~newsmon.scheduling.runtime.Runtime`'s.
"""

from __future__ import annotations

import argparse
import logging
import random
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from crawler.config import (
    Config,
    ConfigError,
    SiteProfile,
    db_url_and_origin,
    load_config,
    resolve_redis_url,
)
from crawler.distributed import connect
from crawler.store_writer import check_crawl_settings
from newsmon.alerts import AlertSettings, alert_settings
from newsmon.database import ArchiveError, open_engine, schema_error
from newsmon.scheduling import run_site, set_runtime
from newsmon.scheduling.runtime import Runtime
from newsmon.scheduling.settings import ScheduleSettings, schedule_settings
from storage import create_schema, redact
from storage.migrate import SchemaOutOfDate
from storage.monitoring import ALERTS_SINCE, state_since

logger = logging.getLogger("newsmon.scheduler")

JOBS_TABLE = "apscheduler_jobs"


def site_trigger(profile: SiteProfile, settings: ScheduleSettings) -> tuple[BaseTrigger, str]:
    """The site's trigger (its cron, its interval, or the default interval) and how to say it."""
    if profile.cron:
        try:
            trigger = CronTrigger.from_crontab(profile.cron, timezone=settings.timezone)
        except ValueError as exc:
            raise ConfigError(f"sites[{profile.name}].cron: {profile.cron!r}: {exc}") from None
        # Cron runs are at least a minute apart; jitter spreads sites that share a crontab.
        jitter = settings.jitter_seconds
        trigger.jitter = int(jitter) or None
        return trigger, f"cron {profile.cron!r}, jitter {jitter:g} s"
    minutes = profile.interval_minutes or settings.default_interval_minutes
    seconds = minutes * 60
    # Jitter never more than a quarter of the interval, or short intervals would run together.
    jitter = min(settings.jitter_seconds, seconds / 4)
    trigger = IntervalTrigger(
        seconds=seconds, jitter=jitter or None, timezone=settings.timezone or "UTC"
    )
    return trigger, f"every {_span(seconds)}, jitter {jitter:g} s"


def _span(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


class _Scheduler(BackgroundScheduler):
    def _process_jobs(self) -> float | None:
        # APScheduler 3's loop makes one more pass after shutdown() (its paused check does not
        # cover "stopped"), which would hand due jobs to executors that are already shut down.
        if self.state != STATE_RUNNING:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


def build_scheduler(runtime: Runtime) -> BackgroundScheduler:
    """The scheduler: jobs in the newsmon database, one worker per parallel crawl, coalesced runs."""
    settings = runtime.settings
    scheduler = _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(settings.max_parallel)},
        job_defaults={
            # Missed runs (downtime, busy workers) run once, late, rather than being dropped
            # after APScheduler's default one second of grace, and never twice at once.
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(settings.misfire_grace_seconds),
        },
        timezone=settings.timezone or "UTC",
    )

    def on_event(event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            logger.error(
                "job %s: the run due at %s was skipped: more than misfire_grace_seconds (%g) late",
                event.job_id,
                event.scheduled_run_time,
                settings.misfire_grace_seconds,
            )
        elif event.exception is not None:
            logger.error("job %s failed: %r", event.job_id, event.exception)

    scheduler.add_listener(on_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    return scheduler


def sync_jobs(scheduler: BackgroundScheduler, runtime: Runtime) -> list[Job]:
    """Make the stored jobs match the config's sites; spread the runs that are due now.

    A job whose trigger is unchanged keeps its stored next run time. Jobs for new
    sites, changed triggers, and runs missed while no scheduler was running are due
    now: they are given start times spread evenly over ``startup_spread_seconds``
    instead of all starting at the same moment.
    """
    stored = {job.id: job for job in scheduler.get_jobs()}
    wanted = {f"site:{p.name}": p for p in runtime.config.sites}
    for job_id in set(stored) - set(wanted):
        logger.info("removing the schedule of %s (no longer configured)", job_id)
        scheduler.remove_job(job_id)
    now = datetime.now(UTC)
    due: list[tuple[datetime, str, BaseTrigger | None, str]] = []
    for job_id, profile in wanted.items():
        trigger, description = site_trigger(profile, runtime.settings)
        name = f"{profile.name}: {description}"
        job = stored.get(job_id)
        if job is not None and job.name == name:
            if job.next_run_time is not None and job.next_run_time > now:
                continue
            due.append((job.next_run_time or now, job_id, None, name))
        else:
            due.append((now, job_id, trigger, name))
    due.sort(key=lambda d: d[0])
    step = runtime.settings.startup_spread_seconds / len(due) if due else 0
    for i, (_, job_id, trigger, name) in enumerate(due):
        when = now + timedelta(seconds=i * step)
        if trigger is None:
            scheduler.modify_job(job_id, next_run_time=when)
        else:
            scheduler.add_job(
                run_site,
                trigger,
                args=[wanted[job_id].name],
                id=job_id,
                name=name,
                replace_existing=True,
                next_run_time=when,
            )
    return scheduler.get_jobs()


def check_schedule(config: Config) -> tuple[ScheduleSettings, AlertSettings]:
    """What the scheduler checks before it starts: ``[scheduler]``, ``[alerts]`` and each
    site's cron (``newsmon config check`` runs it too); ConfigError names file and key."""
    settings = schedule_settings(config)
    alerts = alert_settings(config)
    for profile in config.sites:
        try:
            site_trigger(profile, settings)  # bad cron expressions fail here, before anything runs
        except ConfigError as exc:
            raise ConfigError(f"{config.path or 'the config'}: {exc}") from None
    return settings, alerts


#: How often a running scheduler looks at its config file for edits to its sites.
CONFIG_CHECK_SECONDS = 5.0


class ConfigWatch:
    """Applies an edited config's ``[[sites]]`` to the running schedule.

    Each crawl reads the config anew; without this a site added, renamed or given
    another interval or cron would wait for a restart, and a removed or renamed one
    would fail at every run. ``[scheduler]`` values apply too, but for ``max_parallel``
    and ``timezone``; ``[alerts]`` changes need a restart (the log says so).
    """

    def __init__(self, scheduler: BackgroundScheduler, runtime: Runtime) -> None:
        self.scheduler = scheduler
        self.runtime = runtime
        self.path = runtime.config.path
        self.text = self._read()

    def _read(self) -> str | None:
        if self.path is None:
            return None
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def check(self) -> None:
        text = self._read()
        if text is None or text == self.text:
            return
        self.text = text  # a text that does not load is said once, not every few seconds
        runtime = self.runtime
        try:
            config = load_config(self.path)
            settings, alerts = check_schedule(config)
            if not config.sites:
                raise ConfigError("no [[sites]]")
        except ConfigError as exc:
            logger.error(
                "config %s changed but does not load (%s); the schedule stays as it was",
                self.path,
                exc,
            )
            return
        if alerts != runtime.alerts:
            logger.warning("config %s: [alerts] changed; restart the scheduler to apply", self.path)
        for key in ("max_parallel", "timezone"):
            if getattr(settings, key) != getattr(runtime.settings, key):
                logger.warning(
                    "config %s: scheduler.%s changed; restart the scheduler to apply",
                    self.path,
                    key,
                )
                setattr(settings, key, getattr(runtime.settings, key))
        before = {job.name for job in self.scheduler.get_jobs()}
        runtime.config, runtime.settings = config, settings
        jobs = sync_jobs(self.scheduler, runtime)
        changed = [job for job in jobs if job.name not in before]
        logger.info(
            "config %s changed: %d sites scheduled%s",
            self.path,
            len(jobs),
            "".join(f"; {job.name}, next run {job.next_run_time}" for job in changed),
        )


def make_runtime(
    config: Config,
    db_url: str,
    verbose: bool = False,
    redis_url: str | None = None,
    db_origin: str = "the database URL",
) -> Runtime:
    """The scheduler's runtime; ConfigError for a bad config, ArchiveError for a database it
    cannot open (``db_origin`` says where ``db_url`` came from)."""
    if not config.sites:
        raise ConfigError(f"no [[sites]] configured in {config.path or 'the config (none found)'}")
    settings, alerts = check_schedule(config)
    engine = open_engine(db_url, db_origin)
    for attempt in range(3):
        try:
            create_schema(engine)
            SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE).jobs_t.create(
                engine, checkfirst=True
            )
            break
        except (SQLAlchemyError, OSError, SchemaOutOfDate) as exc:
            # Two schedulers starting at once on a new database both try to create the tables.
            if attempt == 2 or isinstance(exc, SchemaOutOfDate):
                engine.dispose()
                raise schema_error(db_url, exc) from None
            time.sleep(0.5 + random.random())
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        # Matches from the first start of a scheduler on are alerted; the archive before it is not.
        state_since(session, ALERTS_SINCE)
    return Runtime(
        config=config,
        db_url=db_url,
        engine=engine,
        sessions=sessions,
        settings=settings,
        alerts=alerts,
        verbose=verbose,
        redis_url=redis_url,
    )


def list_jobs(runtime: Runtime) -> str:
    """``--list``: each site with its trigger and next run time (stored, or "when started")."""
    # Read the job store without starting a scheduler: nothing may run from --list.
    store = SQLAlchemyJobStore(engine=runtime.engine, tablename=JOBS_TABLE)
    store.start(build_scheduler(runtime), "default")
    stored = {job.id: job for job in store.get_all_jobs()}
    lines = []
    now = datetime.now(UTC)
    for profile in runtime.config.sites:
        _, description = site_trigger(profile, runtime.settings)
        job = stored.get(f"site:{profile.name}")
        if job is None or job.name != f"{profile.name}: {description}":
            when = "on start (new schedule)"
        elif job.next_run_time is None:
            when = "paused"
        elif job.next_run_time <= now:
            when = f"{job.next_run_time.isoformat(timespec='seconds')} (overdue: runs on start)"
        else:
            when = job.next_run_time.isoformat(timespec="seconds")
        lines.append(f"{profile.name}\t{description}\t{when}")
    return "\n".join(lines)


def handle_signals(runtime: Runtime) -> None:
    """SIGTERM/SIGINT: no new runs, running crawls get the grace period; a second one: stop them now."""
    signals = 0

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal signals
        signals += 1
        if signals == 1:
            logger.info(
                "%s: no new runs; running crawls get %g s to finish (signal again to stop them now)",
                signal.Signals(signum).name,
                runtime.settings.shutdown_grace_seconds,
            )
            runtime.stopping.set()
        else:
            logger.info("%s again: stopping running crawls now", signal.Signals(signum).name)
            runtime.hurry.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def serve(runtime: Runtime) -> int:
    """Run until SIGTERM/SIGINT; then finish or stop the running crawls, record them, exit 0."""
    set_runtime(runtime)
    scheduler = build_scheduler(runtime)
    scheduler.start(paused=True)
    for job in sync_jobs(scheduler, runtime):
        logger.info("scheduled %s; next run %s", job.name, job.next_run_time)
    done = threading.Event()
    worker = threading.Thread(target=runtime.alert_worker, args=(done,), name="alerts")
    worker.start()
    logger.info(
        "scheduler %s started: %d sites, database %s, alerts to %s",
        runtime.owner,
        len(runtime.config.sites),
        redact(runtime.db_url),
        ", ".join(runtime.alerts.sinks + (["atom"] if runtime.alerts.atom else [])) or "nowhere",
    )
    scheduler.resume()
    watch = ConfigWatch(scheduler, runtime)
    while not runtime.stopping.wait(CONFIG_CHECK_SECONDS):
        try:
            watch.check()
        except Exception:  # the schedule as it was is better than no scheduler
            logger.exception("could not apply the edited config %s", runtime.config.path)
    scheduler.pause()
    scheduler.shutdown(wait=True)  # returns when the running jobs have recorded their runs
    done.set()
    runtime.alerts_due.set()
    worker.join()
    runtime.deliver_alerts()  # what the last runs found
    set_runtime(None)
    logger.info("scheduler stopped")
    return 0


def run(
    config: Config,
    db_url: str,
    *,
    list_only: bool = False,
    once: bool = False,
    verbose: bool = False,
    distributed: bool = False,
    db_origin: str = "the database URL",
) -> int:
    """What ``python scheduler.py`` and ``newsmon schedule`` do; ConfigError for a bad config
    (SettingError, one, for a bad value of a crawl's environment variable), ArchiveError for a
    database that cannot be opened.

    ``distributed``: queue due sites on the Redis frontier (``[redis] url`` /
    ``NEWSMON_REDIS_URL``) for ``newsmon worker`` processes instead of crawling here.
    """
    if not (distributed or list_only):  # the crawls start here: their settings are checked now
        check_crawl_settings({})
    redis_url = resolve_redis_url(None, config) if distributed else None
    if distributed and not redis_url:
        raise ConfigError(
            "--distributed needs a Redis frontier: set [redis] url or NEWSMON_REDIS_URL"
        )
    if redis_url:
        connect(redis_url)  # a URL redis cannot parse: SettingError now, not at every job
    runtime = make_runtime(config, db_url, verbose, redis_url, db_origin)
    if list_only:
        print(list_jobs(runtime))
        return 0
    handle_signals(runtime)
    if once:
        outcomes = runtime.run_all_once()
        for o in outcomes:
            print(f"{o.site}: {o.status} (run {o.run_id}) {o.reason}")
        return 0 if all(o.status == "ok" for o in outcomes) else 1
    return serve(runtime)


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:
        # APScheduler's "Running job"/"executed successfully" lines repeat what newsmon logs.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    """The options of ``python scheduler.py`` (``newsmon schedule`` has the same ones)."""
    parser = argparse.ArgumentParser(
        prog="scheduler.py", description="Re-crawl the configured sites on their schedules."
    )
    parser.add_argument("--config", metavar="FILE", help="TOML config (default: as newsmon)")
    parser.add_argument("--db", metavar="URL", help="database URL (default: as newsmon)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="print each job and its next run")
    mode.add_argument("--once", action="store_true", help="run every site once, alert, exit")
    parser.add_argument(
        "--distributed", action="store_true", help="queue due sites for `newsmon worker`s on Redis"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug log, Scrapy's too")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python scheduler.py``: exit status 2 for a bad config or database URL, 1 for a database
    that cannot be opened (unreachable, not a database, an out-of-date schema)."""
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    try:
        config = load_config(args.config)
        db_url, db_origin = db_url_and_origin(args.db, config)
        return run(
            config,
            db_url,
            list_only=args.list,
            once=args.once,
            verbose=args.verbose,
            distributed=args.distributed,
            db_origin=db_origin,
        )
    except ConfigError as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 2
    except ArchiveError as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 2 if exc.usage else 1
