"""Item pipelines: validate the extracted record, then store it (and the run's row) with SQLAlchemy."""

from __future__ import annotations

import collections
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from crawler.extraction import EXTRACTOR_VERSION
from crawler.items import ArticleItem
from crawler.options import crawler_options
from crawler.runs import FLUSH, RunSpool, record_error, run_status, this_process
from crawler.store_writer import StoreWriter, Written, store_process, write
from storage import CrawlRun, create_schema, make_engine, redact
from storage.repository import Saved, ToSave, finish_run, run_counts, start_run

logger = logging.getLogger(__name__)

#: Per-article lists kept in a run's stats stop growing here; the counters keep counting.
MAX_LISTED = 1000

#: A publication time further in the future than this is a parsing mistake, not news.
FUTURE_TOLERANCE = timedelta(days=1)

#: Batches waiting for the writer process, at most; beyond, items wait (memory stays bounded).
BACKLOG = 2


class ValidatePipeline:
    """Reject records that must not reach the archive; repair what can be repaired, loudly."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        article = item.article
        problems = [name for name in ("url", "title", "body") if not getattr(article, name)]
        if problems:
            reason = f"record without {', '.join(problems)}"
            record_error(self.crawler, item.fetched_url, "invalid", reason)
            raise DropItem(reason)
        if article.published_at and article.published_at > datetime.now(UTC) + FUTURE_TOLERANCE:
            logger.warning(
                "%s: publication time %s is in the future; stored without it",
                article.url,
                article.published_at.isoformat(),
            )
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newsmon/validate/future_time")
            article.published_at = None
        return item


class StorePipeline:
    """Write articles in batches and keep the run's ``crawl_runs`` row.

    Items are buffered and written ``NEWSMON_STORE_BATCH`` at a time, or after
    ``NEWSMON_STORE_INTERVAL`` seconds, or when the spider closes — each batch
    in one transaction, so a batch is stored whole or not at all. A crawl killed
    before a flush loses only unstored work: those URLs are not in the archive,
    so the next run fetches them again.

    The run's row is created when the spider opens (so a killed crawl leaves a
    ``running`` row behind) and completed from the crawl's stats when it closes.
    A failed database write is counted, listed with the URLs it concerned,
    marks the run failed and stops the crawl: an archive that cannot be written
    to must not look like a successful run.

    With ``NEWSMON_STORE_PROCESS = 1`` the batches are written by a writer process
    (:mod:`crawler.store_writer`), one at a time and in order, while the crawl goes on; the
    outcomes are counted here when they come back, and a crawl closes only once every
    batch is written. Items wait when ``BACKLOG`` batches wait for the writer already.
    """

    def __init__(self, crawler: Crawler, db_url: str, batch_size: int, interval: float) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.batch_size = batch_size
        self.interval = interval
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.run_id: int | None = None
        self.store_failed = False
        self.buffer: list[tuple[ArticleItem, ToSave]] = []
        self.timer: LoopingCall | None = None
        self.spool = RunSpool(crawler.settings.get("NEWSMON_RUN_SPOOL") or None, db_url)
        #: the counts last written into the run's row while it runs
        self.live: dict[str, int] = {}
        self.live_at = float("-inf")
        #: seconds between two such writes (each is a write transaction: SQLite has one writer)
        self.live_every = crawler.settings.getfloat("NEWSMON_LIVE_COUNTS_EVERY", 2.0)
        self.use_writer = store_process(crawler.settings)
        self.writer: StoreWriter | None = None
        #: batches (with their run) handed to the writer and not written yet, in crawl order
        self.pending: collections.deque[tuple[list[tuple[ArticleItem, ToSave]], Any]] = (
            collections.deque()
        )
        self.busy = False
        #: fired when a batch has been written (items waiting for room, the close)
        self.waiters: list[Deferred[None]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(
            crawler,
            crawler_options(crawler).db_url,
            max(1, crawler.settings.getint("NEWSMON_STORE_BATCH", 100)),
            crawler.settings.getfloat("NEWSMON_STORE_INTERVAL", 1.0),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.flush, signal=FLUSH)
        return pipeline

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def open_spider(self) -> None:
        self.engine = engine = make_engine(self.db_url)
        create_schema(engine)
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.spool.close_orphans(self.sessions)
        spider = self.crawler.spider
        self.timer = LoopingCall(self._tick)
        self.timer.start(self.interval, now=False)
        if self.use_writer and not getattr(spider, "worker", False):
            # (a worker's FLUSH must store before it reports: it writes in-process)
            # (its process starts with the first batch, in a thread: a crawl that stores
            # nothing, as a no-change re-crawl, starts none)
            self.writer = StoreWriter(self.db_url)
        if getattr(spider, "worker", False):
            # A worker stores into whichever run its requests belong to (crawler.worker opens
            # and closes those rows): the run id is in the stats, set when it joins a run.
            logger.info("storing into %s (worker)", redact(self.db_url))
            return
        with self.sessions.begin() as session:
            run = start_run(
                session, spider.name if spider else "?", getattr(spider, "site_name", None)
            )
            run.stats = {"process": this_process()}
            self.run_id = run.id
        self.stats.set_value("newsmon/run_id", self.run_id)
        logger.info("storing into %s (crawl run %s)", redact(self.db_url), self.run_id)

    async def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()
        while self.pending or self.busy:  # the run closes once every batch is written
            await maybe_deferred_to_future(self._next_written())
        if self.writer is not None:
            self.writer.close()

    def _tick(self) -> None:
        self.flush()
        self._live_counts()

    def _live_counts(self) -> None:
        """Write the counts so far into the run's row, when they moved (/runs shows them live)."""
        if self.sessions is None or self.run_id is None:
            return
        if self.busy:
            # The writer process holds the database's write lock while it writes a batch:
            # on SQLite this write would wait for it, and the reactor with it. Next tick.
            return
        counts = run_counts(self.stats.get_stats())
        now = time.monotonic()
        if counts == self.live or now - self.live_at < self.live_every:
            return
        self.live_at = now
        try:
            with self.sessions.begin() as session:
                run = session.get(CrawlRun, self.run_id)
                if run is not None and run.status == "running":
                    for key, value in counts.items():
                        setattr(run, key, value)
        except SQLAlchemyError as exc:  # only the live view lags; the close writes them all
            logger.debug("could not update the counts of run %s: %s", self.run_id, exc)
            return
        self.live = counts

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if self.store_failed:
            self._failed([item], "not stored: an earlier database write failed")
            raise DropItem("the archive cannot be written to")
        article = item.article
        site = item.site or article.site_name or urlsplit(item.fetched_url).hostname
        entry = ToSave(
            article,
            item.raw_html,
            item.content_type,
            item.fetched_url,
            site,
            EXTRACTOR_VERSION,
            item.fetched_at,
        )
        self.buffer.append((item, entry))
        if len(self.buffer) >= self.batch_size:
            self.flush()
            if len(self.pending) >= BACKLOG:
                return self._with_room(item)  # a coroutine: Scrapy awaits it
        return item

    async def _with_room(self, item: ArticleItem) -> ArticleItem:
        while len(self.pending) >= BACKLOG:
            await maybe_deferred_to_future(self._next_written())
        return item

    def _next_written(self) -> Deferred[None]:
        waiter: Deferred[None] = Deferred()
        self.waiters.append(waiter)
        return waiter

    def flush(self) -> None:
        """Write the buffered articles (see :func:`crawler.store_writer.write`).

        Whatever could not be written is counted and listed as failed with its
        URL, never dropped silently.
        """
        if not self.buffer or self.sessions is None:
            return
        batch, self.buffer = self.buffer, []
        run_id = self.stats.get_value("newsmon/run_id")
        if self.writer is None and not self.busy:
            self._written(batch, write(self.sessions, [entry for _, entry in batch], run_id))
            return
        self.pending.append((batch, run_id))
        if not self.busy:
            self._write_next()

    def _write_next(self) -> None:
        """Hand the next pending batch to the writer (or, if it died, write it here)."""
        while self.pending:
            batch, run_id = self.pending.popleft()
            entries = [entry for _, entry in batch]
            if self.store_failed:
                self._failed(
                    [item for item, _ in batch], "not stored: an earlier database write failed"
                )
            elif self.writer is None:
                assert self.sessions is not None
                self._written(batch, write(self.sessions, entries, run_id))
            else:
                self.busy = True
                done = self.writer.write(entries, run_id)
                done.addCallbacks(
                    lambda written, batch=batch: self._written(batch, written),
                    lambda failure, batch=batch, run_id=run_id: self._writer_failed(
                        failure, batch, run_id
                    ),
                )
                done.addErrback(lambda failure: logger.error("storing a batch: %s", failure))
                done.addBoth(lambda _: self._batch_done())
                return
            self._wake()
        self.busy = False

    def _batch_done(self) -> None:
        self.busy = False
        self._wake()
        self._write_next()

    def _wake(self) -> None:
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            waiter.callback(None)

    def _writer_failed(
        self, failure: Failure, batch: list[tuple[ArticleItem, ToSave]], run_id: Any
    ) -> None:
        """The writer process died: this batch and every later one are written here."""
        logger.error(
            "%s; its batch of %s articles and the rest of the crawl are stored by the "
            "crawling process",
            failure.getErrorMessage(),
            len(batch),
        )
        self.stats.inc_value("newsmon/store/writer_failed")
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        assert self.sessions is not None
        if self.store_failed:
            self._failed(
                [item for item, _ in batch], "not stored: an earlier database write failed"
            )
            return
        self._written(batch, write(self.sessions, [entry for _, entry in batch], run_id))

    def _written(self, batch: list[tuple[ArticleItem, ToSave]], written: Written) -> None:
        saved, reason = written
        if self.writer is not None and self.writer.pid is not None:
            self.stats.set_value("newsmon/store/writer_pid", self.writer.pid)
            self.stats.set_value("newsmon/store/crawl_pid", os.getpid())
        for (item, _), result in zip(batch, saved, strict=False):
            self._count(item, result)
        if reason is not None:
            self._store_failed([item for item, _ in batch[len(saved) :]], reason)

    def _store_failed(self, items: list[ArticleItem], reason: str) -> None:
        logger.error("%s articles not stored: %s", len(items) + len(self.buffer), reason)
        if self.engine is not None:
            # The failed write may have been the writer process's: this process's pooled
            # connections may be as dead (a restarted server) without having noticed. The
            # run's row is written on new ones.
            self.engine.dispose()
        self._failed(items + [item for item, _ in self.buffer], reason)
        self.buffer = []
        if not self.store_failed:
            self.store_failed = True
            self.stats.inc_value("newsmon/store_failed")
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))

    def _failed(self, items: list[ArticleItem], reason: str) -> None:
        for item in items:
            record_error(self.crawler, item.fetched_url, "store", reason)

    def _count(self, item: ArticleItem, saved: Saved) -> None:
        article = item.article
        self.stats.inc_value(f"newsmon/articles/{saved.outcome.value}")
        if saved.new_keywords:
            self.stats.inc_value("newsmon/matches/new")
            self._append(
                "newsmon/new_matches",
                {
                    "id": saved.article_id,
                    "url": article.url,
                    "title": article.title,
                    "keywords": list(saved.new_keywords),
                },
            )
        if getattr(self.crawler.spider, "report_stored", False):
            self._append(
                "newsmon/stored",
                {
                    "url": item.fetched_url,
                    "id": saved.article_id,
                    "outcome": saved.outcome.value,
                },
            )

    def _append(self, key: str, entry: dict[str, Any]) -> None:
        entries: list[dict[str, Any]] = self.stats.get_value(key) or []
        if len(entries) < MAX_LISTED:
            entries.append(entry)
        self.stats.set_value(key, entries)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.sessions is None or self.run_id is None:
            return  # (a worker's runs are closed by crawler.worker)
        note = getattr(spider, "note_unfinished", None)
        if note is not None:
            note(reason)  # what the user will be told failed is in the row too
        status, reason = run_status(reason, self.store_failed, self.stats.get_stats())
        stats = {
            k: v
            for k, v in self.stats.get_stats().items()
            if k.startswith(("downloader/", "newsmon/"))
        }
        try:
            with self.sessions.begin() as session:
                finish_run(session, self.run_id, status, reason, stats)
        except SQLAlchemyError as exc:
            logger.error("could not record crawl run %s: %s", self.run_id, exc)
            self.stats.set_value("newsmon/run_record_failed", str(exc).splitlines()[0])
            spooled = self.spool.keep(self.run_id, status, reason, stats)
            if spooled:
                logger.error("its outcome is kept in %s until the database answers", spooled)
