"""A long-lived worker's runs: one ``crawl_runs`` row per crawl of a site, not per process.

A ``newsmon worker`` process runs one ``portal`` spider per site for as long as it lives.
Its runs of a site follow the shared frontier (:mod:`crawler.distributed`):

- **start**: when the site is due, the first idle worker that takes the start signal (and
  the site's lease) opens the run's row and seeds the queue; the run's id travels in every
  request's meta, and each worker joins the run of the requests it pops;
- **report**: whenever a worker falls idle it stores its buffered articles, then adds its
  share of the run (counters, failures, new matches, listing validators, ignored links) to
  the run's keys on Redis, and forgets it: a worker's memory does not grow with its runs;
- **end**: the worker that leaves the run last, with the queue empty, closes it: the row
  gets the counts of all workers, ignored links and (after a clean run) validators are
  saved, the lease is released, and ``RUN_CLOSED`` is sent (newsmon raises the health
  alerts on it). A worker silent for ``STALE_SECONDS`` is taken to be dead, so a killed
  worker cannot keep a run open for ever; such a run ends ``interrupted``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.task import LoopingCall

from crawler.distributed import RUN, Frontier, worker_id
from crawler.incremental import incremental_manager
from crawler.options import crawler_options
from crawler.runs import ERROR_LIST, FLUSH, run_status
from storage import create_schema, make_engine
from storage.monitoring import acquire_lease, release_lease, renew_lease
from storage.repository import finish_run, save_all_validators, save_ignored, start_run

logger = logging.getLogger(__name__)

#: Sent (``site``, ``run_id``) by the worker that closed a run, after its row is complete.
RUN_CLOSED = object()
#: Stats whose numbers a worker adds to its run's (everything else is the process's own).
COUNTED = ("downloader/", "newsmon/")
#: Stats that are lists of per-URL entries, reported and then emptied.
LISTED = {ERROR_LIST: "errors", "newsmon/new_matches": "matches"}
#: Seconds between a busy worker's signs of life (and lease renewals).
HEARTBEAT = 30.0


def lease_owner(site: str) -> str:
    """The lease holder's name for the workers' runs: any worker of the run may renew it."""
    return f"newsmon workers of {site} (Redis frontier)"


class WorkerRuns:
    """The run bookkeeping of one site's spider in a worker process."""

    def __init__(self, crawler: Crawler, spider: Any, frontier: Frontier) -> None:
        self.crawler = crawler
        self.spider = spider
        self.frontier = frontier
        self.site: str = spider.site_name
        settings = crawler.settings
        self.lease_seconds = settings.getfloat("NEWSMON_LEASE_SECONDS", 120.0)
        self.stale_seconds = settings.getfloat("NEWSMON_WORKER_STALE_SECONDS", 600.0)
        self.run_id: int | None = None
        #: runs this worker closed (the last one's id in ``last_closed``)
        self.runs_closed = 0
        self.last_closed: int | None = None
        self._reported: dict[str, int] = {}
        self._sessions: sessionmaker[Session] | None = None
        self.poll_seconds = settings.getfloat("NEWSMON_WORKER_POLL_SECONDS", 1.0)
        self._heartbeat: LoopingCall | None = None  # made in open(): it needs the reactor
        self._poll: LoopingCall | None = None

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            engine = make_engine(crawler_options(self.crawler).db_url)
            create_schema(engine)
            self._sessions = sessionmaker(engine, expire_on_commit=False)
        return self._sessions

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def open(self) -> None:
        self._heartbeat = LoopingCall(self._alive)
        self._heartbeat.start(HEARTBEAT, now=False)
        # Scrapy says "idle" every 5 s; a due site or a drained run is noticed sooner.
        self._poll = LoopingCall(self._poll_idle)
        self._poll.start(self.poll_seconds, now=False)

    def _poll_idle(self) -> None:
        engine = self.crawler.engine
        if engine is None or not engine.spider_is_idle():
            return
        try:
            self.idle()
        except Exception as exc:  # Redis or the database away: try again at the next poll
            logger.error("%s: %s", self.site, exc)

    def _alive(self) -> None:
        try:
            self.frontier.alive()
        except Exception as exc:  # redis errors: the next heartbeat tries again
            logger.warning("%s: could not signal that this worker is alive: %s", self.site, exc)
        if self.run_id is not None:
            try:
                with self.sessions.begin() as session:
                    renew_lease(session, self.site, lease_owner(self.site), self.lease_seconds)
            except SQLAlchemyError as exc:
                logger.warning("%s: could not renew the lease: %s", self.site, exc)

    # -- joining, reporting, leaving ---------------------------------------------------------

    def join(self, run_id: int | None) -> None:
        """The worker took a request of run ``run_id``: make it this worker's current run."""
        if run_id is None or run_id == self.run_id:
            return
        if self.run_id is not None:
            self.report()
        self.run_id = int(run_id)
        manager = incremental_manager(self.crawler)
        if manager is not None:
            manager.reset()
        current = self.frontier.current()
        self.spider.backfill = current.get("id") == str(run_id) and current.get("backfill") == "1"
        self.stats.set_value("newsmon/run_id", self.run_id)

    def report(self) -> None:
        """Store what is buffered and add this worker's share to its run; then forget it."""
        self.crawler.signals.send_catch_log(FLUSH)
        if self.run_id is None:
            return
        counts: dict[str, int] = {}
        for key, value in self.stats.get_stats().items():
            if key.startswith(COUNTED) and isinstance(value, int) and key != "newsmon/run_id":
                delta = value - self._reported.get(key, 0)
                if delta:
                    counts[key] = delta
                    self._reported[key] = value
        lists: dict[str, list[str]] = {}
        for key, name in LISTED.items():
            entries = self.stats.get_value(key) or []
            lists[name] = [json.dumps(e, ensure_ascii=False) for e in entries]
            self.stats.set_value(key, [])
        hashes: dict[str, dict[str, str]] = {}
        manager = incremental_manager(self.crawler)
        if manager is not None:
            hashes["validators"] = {u: json.dumps(v) for u, v in manager.pending_validators.items()}
            hashes["ignored"] = dict(manager.pending_ignored)
            manager.pending_validators, manager.pending_ignored = {}, {}
        if counts or any(lists.values()) or any(hashes.values()):
            self.frontier.report(self.run_id, counts, lists, hashes)

    def idle(self) -> bool:
        """The spider has nothing to do: report, leave the run (closing it if last), then
        start the next run if the site is due. True when this worker has work again."""
        self.report()
        ended, dead = self.frontier.leave(self.stale_seconds)
        if ended is not None:
            self.close_run(ended, dead)
        return self.start()

    def closed_spider(self) -> None:
        """The worker stops: report and leave, as when idle (its requests stay queued)."""
        for loop in (self._heartbeat, self._poll):
            if loop is not None and loop.running:
                loop.stop()
        try:
            self.report()
            ended, dead = self.frontier.leave(self.stale_seconds)
            if ended is not None:
                self.close_run(ended, dead)
        except Exception as exc:
            logger.error("%s: could not leave the run cleanly: %s", self.site, exc)

    # -- a run's start and end ------------------------------------------------------------

    def start(self) -> bool:
        """Seed a run if the site is due and its lease can be had; true when seeded."""
        if not self.frontier.claim_start():
            return False
        owner = lease_owner(self.site)
        try:
            with self.sessions.begin() as session:
                if not acquire_lease(session, self.site, owner, self.lease_seconds):
                    logger.info("%s: due, but being crawled elsewhere: waiting", self.site)
                    self.frontier.abandon_claim()
                    return False
                run = start_run(session, self.spider.name, self.site)
                run_id = run.id
            incomplete = self._previous_run_incomplete(run_id)
        except SQLAlchemyError as exc:
            logger.error("%s: cannot open a run (the database): %s", self.site, exc)
            self.frontier.abandon_claim()
            return False
        backfill = bool(self.spider.backfill_default or incomplete)
        if incomplete and not self.spider.backfill_default:
            logger.info("%s: the previous run %s: paging to full depth", self.site, incomplete)
        self.frontier.begin(run_id, backfill)
        self.join(run_id)
        sources = self.spider.seed(run_id)
        logger.info(
            "%s is due: run %s seeds the shared frontier with %s pages", self.site, run_id, sources
        )
        return True

    def _previous_run_incomplete(self, run_id: int) -> str | None:
        manager = incremental_manager(self.crawler)
        return manager.previous_run_incomplete(self.site, run_id) if manager else None

    def close_run(self, run_id: int, dead: int) -> None:
        """This worker left the run last: complete its row from every worker's share."""
        got = self.frontier.collect(run_id)
        stats: dict[str, Any] = dict(got["stats"])
        stats[ERROR_LIST] = [json.loads(e) for e in got["errors"]]
        stats["newsmon/new_matches"] = [json.loads(m) for m in got["matches"]]
        status, reason = run_status("finished", stats.get("newsmon/store_failed", 0) > 0, stats)
        if dead and status == "ok":
            status, reason = "interrupted", f"{dead} worker(s) stopped answering during the run"
        stats["workers"] = {"closed_by": worker_id(), "dead": dead}
        validators = {u: tuple(json.loads(v)) for u, v in got["validators"].items()}
        try:
            with self.sessions.begin() as session:
                finish_run(session, run_id, status, reason, stats)
                if got["ignored"]:
                    save_ignored(session, got["ignored"])
                if status == "ok" and not stats.get("newsmon/errors", 0):
                    save_all_validators(session, validators)
                release_lease(session, self.site, lease_owner(self.site))
        except SQLAlchemyError as exc:
            logger.error("%s: could not close run %s: %s", self.site, run_id, exc)
            return
        self.frontier.discard(run_id)
        self.runs_closed += 1
        self.last_closed = run_id
        self.stats.set_value("newsmon/worker/runs_closed", self.runs_closed)
        if self.run_id == run_id:
            self.run_id = None
        logger.info(
            "%s: run %s %s: %s new articles, %s errors",
            self.site,
            run_id,
            status,
            stats.get("newsmon/articles/new", 0),
            stats.get("newsmon/errors", 0),
        )
        self.crawler.signals.send_catch_log(RUN_CLOSED, site=self.site, run_id=run_id)


__all__ = ["RUN", "RUN_CLOSED", "WorkerRuns", "lease_owner"]
