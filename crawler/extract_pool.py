"""Article extraction in worker processes, so the crawl's event loop only does I/O.

Decoding and extracting a page is CPU work (milliseconds to tens of milliseconds for a
real 200 KB page); done on Scrapy's reactor thread it stalls every download in flight.
:class:`ExtractPool` runs it in a ``concurrent.futures.ProcessPoolExecutor`` and hands
the result back to the reactor as a ``Deferred``.

How many processes: ``NEWSMON_EXTRACT_PROCESSES`` (a Scrapy setting, else the
environment variable of that name); ``0`` extracts in the crawling process. By default
one per CPU core beyond the first, the first core being the reactor's — but none on a
machine of one or two cores: measured there on an idle 2-core machine (``bench/crawl.py``,
docs/benchmarks.md), one worker process made the crawl slower, not faster (108 against
123 pages/s on 2 KB pages, 46 against 51 on 215 KB pages, medians of 3), because handing
pages to a worker and back costs the reactor about what extracting them does. Since the
workers start off the reactor (below), one worker beats none on 2 KB pages at low load
(207 against 182 pages/s, medians of 6) but not on 215 KB pages (62.5 against 68): the
default stays.

Workers are started with ``forkserver``: forking the crawling process itself would copy
the reactor's threads and sockets into the child. The fork server preloads
``crawler.extraction``, so a new worker starts in milliseconds — once the fork server is up,
which takes a second or more (a new interpreter importing the extraction code), and
``ProcessPoolExecutor`` starts its processes inside ``submit``, blocking the caller. So the
pool starts its processes in a thread (:meth:`ExtractPool.start`, called when the spider
opens): the crawl downloads meanwhile, and its first pages wait for the workers. Started on
the reactor at the first article, as before, the start held the reactor 1–1.4 s
(docs/benchmarks.md, Crawling, sixth pass).

Workers also compress the page for the archive (``storage.repository.compress``), the
other CPU-heavy step of a large page that would otherwise run in the crawling process.

Failures stay with the page, never the crawl:

- a page whose extraction runs longer than ``NEWSMON_EXTRACT_TIMEOUT`` seconds (default
  30) is stopped inside its worker by an alarm; if the worker does not answer even then
  (stuck in C code), the pool's processes are killed ``2 × timeout + 10`` seconds after
  the page was handed out; either way the page fails with :class:`ExtractionAborted`
  saying so (other pages caught in the kill are retried, as below);
- a worker that dies (killed, out of memory, a crash in a C library) breaks the pool for
  every page in flight. The pool is replaced, and those pages are extracted again one at
  a time in a separate single-worker pool: a page that kills its worker there too is the
  culprit and fails; the others succeed.

Pages are handed out in batches (those that arrived within ``GATHER`` seconds of the first,
or while the workers were busy, up to ``BATCH``), at most two batches per worker at a time;
each page's time limit runs in the worker from when it starts on that page, not from when
it was queued behind others. A hand-over costs the crawling process about what extracting a
small page does (a task, the executor's threads woken, a pickle each way), whatever the
batch's size: pages that wait a few milliseconds for the ones after them cost it less
(docs/benchmarks.md, Crawling, "Session 7").
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from twisted.internet.defer import Deferred, DeferredLock, DeferredSemaphore
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.config import SettingError
from crawler.extraction import ExtractedArticle, extract_bytes
from storage.repository import compress

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
#: Pages handed to a worker at once, at most (see :meth:`ExtractPool.extract`).
BATCH = 16
#: Seconds a page waits for others to go with it to a worker, at most (a full batch goes at
#: once): fewer hand-overs when pages trickle in faster than one per GATHER.
GATHER = 0.02
#: A test hook, read only inside worker processes: ``exit:TEXT`` makes the worker process
#: exit abruptly on a page whose URL contains TEXT, ``hang:TEXT`` makes it sleep (the
#: alarm stops it), ``stall:TEXT`` sleep with the alarm blocked (only a kill stops it).
FAULT_ENV = "NEWSMON_EXTRACT_FAULT"


class ExtractionAborted(Exception):
    """The page's extraction was stopped (too slow) or its worker process died."""


class _Alarm(BaseException):
    """Raised in a worker by the time limit's alarm (a BaseException: no ``except Exception`` eats it)."""


@dataclass(frozen=True, slots=True)
class Page:
    """What a worker needs to extract one page (pickled to it)."""

    body: bytes
    url: str
    content_type: str | None
    fetched_at: datetime
    keywords: Sequence[str] = ()
    exclude: Sequence[str] = ()


def extract_page(page: Page) -> ExtractedArticle:
    """Decode and extract ``page``: what a worker runs, and the crawl itself with 0 processes."""
    return extract_bytes(
        page.body,
        url=page.url,
        content_type=page.content_type,
        fetched_at=page.fetched_at,
        keywords=page.keywords,
        exclude=page.exclude,
    )


# -- inside a worker process ------------------------------------------------------------------


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Alarm


_WARM_UP = (
    "<html><head><title>新闻标题_网站</title></head><body><h1>南京召开全市工作会议</h1>"
    "<div class='info'>2023-01-29 10:00 来源：新华日报</div><div class='content'>"
    + "<p>南京市召开全市高质量发展推进会，部署全年重点工作，推动项目早落地、早投产。</p>" * 4
    + "</div></body></html>"
).encode()


def exit_with(crawler_pid: int) -> None:
    """End this worker as soon as the crawling process has ended, however it ended.

    A worker's parent is the forkserver, and the forkserver lives as long as any worker
    does, so neither notices a crawl that exited or was killed (``kill -9``): the worker
    would live on, blocked on its call queue, holding the crawl's stdout and stderr open.
    A pidfd (Linux) becomes readable when the process ends, zombie or not; elsewhere the
    process table is polled.
    """

    def alive() -> bool:
        try:
            with open(f"/proc/{crawler_pid}/stat", "rb") as stat:
                return stat.read().rsplit(b")", 1)[-1].split()[0] not in (b"Z", b"X")
        except FileNotFoundError:
            return False
        except OSError:
            try:
                os.kill(crawler_pid, 0)
            except ProcessLookupError:
                return False
            return True

    def watch() -> None:
        try:
            fd = os.pidfd_open(crawler_pid)
        except (AttributeError, OSError):
            while alive():
                time.sleep(0.5)
        else:
            select.select([fd], [], [])
        os._exit(0)

    threading.Thread(target=watch, name="crawl-watch", daemon=True).start()


def _init_worker(crawler_pid: int) -> None:
    exit_with(crawler_pid)
    # Ctrl-C is the crawling process's to handle: it stops the crawl, then the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    # Build the extractor's lazy tables now, so a worker's first page is not charged for them.
    with contextlib.suppress(Exception):
        extract_bytes(_WARM_UP, url="http://127.0.0.1/news/2023/0129/1.html", keywords=["会议"])


def _fault(url: str) -> None:
    fault = os.environ.get(FAULT_ENV, "")
    action, _, marker = fault.partition(":")
    if not marker or marker not in url:
        return
    if action == "exit":
        os._exit(70)
    if action == "hang":
        time.sleep(3600)
    if action == "stall":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)


def _work(page: Page, timeout: float) -> tuple[ExtractedArticle, bytes]:
    """The article, and the page compressed for the archive (work the reactor is spared too)."""
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        _fault(page.url)
        return extract_page(page), compress(page.body)
    except _Alarm:
        raise ExtractionAborted(
            f"extraction took longer than {timeout:g} s (NEWSMON_EXTRACT_TIMEOUT): stopped"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _work_batch(
    pages: list[Page], timeout: float
) -> list[tuple[ExtractedArticle, bytes] | Exception]:
    """:func:`_work` for each page in turn, each with its own time limit; a page's failure is
    its own entry of the list, not the batch's."""
    done: list[tuple[ExtractedArticle, bytes] | Exception] = []
    for page in pages:
        try:
            done.append(_work(page, timeout))
        except Exception as exc:
            done.append(exc)
    return done


# -- in the crawling process ------------------------------------------------------------------


def default_processes() -> int:
    """One worker per core beyond the first; none on one or two cores (see the module docstring)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 0 if cores <= 2 else cores - 1


def configured(settings: Any) -> tuple[int, float]:
    """``(processes, timeout)`` from the Scrapy settings, else the environment, else defaults.

    A bad value raises :class:`~crawler.config.SettingError` naming the variable and what it
    accepts; the command line calls this before it starts a crawl, the spiders when one starts.
    """

    def value(name: str) -> str | None:
        setting = settings.get(name) if settings is not None else None
        text = os.environ.get(name) if setting in (None, "") else setting
        return None if text in (None, "") else str(text).strip()

    processes_text = value("NEWSMON_EXTRACT_PROCESSES")
    timeout_text = value("NEWSMON_EXTRACT_TIMEOUT")
    processes = default_processes()
    if processes_text is not None:
        try:
            processes = int(processes_text)
        except ValueError:
            processes = -1
        if processes < 0:
            raise SettingError(
                "NEWSMON_EXTRACT_PROCESSES must be a whole number of processes, 0 or more "
                f"(0: extract in the crawling process), not {processes_text!r}"
            )
    timeout = DEFAULT_TIMEOUT
    if timeout_text is not None:
        try:
            timeout = float(timeout_text)
        except ValueError:
            timeout = math.nan
        if not (math.isfinite(timeout) and timeout > 0):
            raise SettingError(
                f"NEWSMON_EXTRACT_TIMEOUT must be a number of seconds above 0, not {timeout_text!r}"
            )
    return processes, timeout


def forkserver_context() -> Any:
    """Worker processes forked from a fork server that preloaded the extraction code (and
    storage, which it imports): not from the crawling process and its reactor's threads."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawler.extract_pool"])
    return context


def _kill(executor: ProcessPoolExecutor) -> None:
    """Kill an executor's workers: Python 3.14 has ``kill_workers``; before it, its process table."""
    kill = getattr(executor, "kill_workers", None)
    if kill is not None:
        kill()
        return
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def _reactor() -> Any:
    """The running reactor, imported late: importing it first would install the default one."""
    from twisted.internet import reactor

    return reactor


def _deferred(future: Future[T]) -> Deferred[T]:
    """A Deferred fired on the reactor thread when ``future`` completes."""
    reactor = _reactor()
    deferred: Deferred[T] = Deferred()

    def settle(done: Future[T]) -> None:
        if deferred.called:  # timed out already
            return
        error = done.exception()
        if error is not None:
            deferred.errback(error)
        else:
            deferred.callback(done.result())

    future.add_done_callback(lambda done: reactor.callFromThread(settle, done))
    return deferred


class ExtractPool:
    """Worker processes that extract pages; :meth:`extract` returns a Deferred of the article."""

    def __init__(self, processes: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        if processes < 1:
            raise ValueError("an ExtractPool needs at least one process")
        self.processes = processes
        self.timeout = timeout
        self.slots = DeferredSemaphore(2 * processes)
        self.isolation = DeferredLock()
        self._main: ProcessPoolExecutor | None = None
        self._alone: ProcessPoolExecutor | None = None
        #: The worker's own alarm stops slow Python code at ``timeout``; this much after the
        #: page was handed out, a worker that has not answered (stuck in C code) is killed.
        #: The margin covers a worker's start-up on a loaded machine.
        self.hard_limit = 2 * timeout + 10.0
        self.restarts = 0
        self.closed = False
        #: pages waiting for a worker, with the Deferreds of their results (see :meth:`extract`)
        self.waiting: list[tuple[Page, Deferred[tuple[ExtractedArticle, bytes]]]] = []
        self.pumping = False
        #: the call that starts handing the waiting pages out (see :meth:`extract`)
        self._gathering: Any = None
        #: whether the worker processes have started (or failed to): see :meth:`start`
        self.ready = False
        self._starting: Deferred[None] | None = None
        self._ready_waiters: list[Deferred[None]] = []

    def start(self) -> None:
        """Start the worker processes in a thread; pages handed out meanwhile wait for them.

        ``ProcessPoolExecutor`` starts a process inside ``submit`` and waits for the fork
        server, which at the first start imports the extraction code: a second or more
        that, on the reactor, no download would move (see the module docstring).
        """
        if self.ready or self._starting is not None:
            return
        executor = self._executor()
        self._starting = deferToThread(self._warm, executor)
        self._starting.addBoth(self._started)

    def _warm(self, executor: ProcessPoolExecutor) -> None:
        """Each worker process started and through its initializer (in a thread)."""
        futures = [executor.submit(os.getpid) for _ in range(self.processes)]
        for future in futures:
            future.result(timeout=self.hard_limit)

    def _started(self, outcome: Failure | None) -> None:
        # A failed start is not reported here: the pages handed out next meet the broken
        # pool and are handled as pages whose worker died (see _batch and _run).
        self.ready = True
        waiters, self._ready_waiters = self._ready_waiters, []
        for waiter in waiters:
            waiter.callback(None)

    def _executor(self, alone: bool = False) -> ProcessPoolExecutor:
        if self.closed:
            raise ExtractionAborted("the extraction pool is shut down")
        current = self._alone if alone else self._main
        if current is None:
            current = ProcessPoolExecutor(
                1 if alone else self.processes,
                mp_context=forkserver_context(),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
            if alone:
                self._alone = current
            else:
                self._main = current
        return current

    def _replace(self, executor: ProcessPoolExecutor) -> None:
        """Drop a broken (or killed) executor; the next page starts a new one."""
        if executor is self._main:
            self._main = None
            self.restarts += 1
        elif executor is self._alone:
            self._alone = None
        executor.shutdown(wait=False, cancel_futures=True)

    def extract(self, page: Page) -> Deferred[tuple[ExtractedArticle, bytes]]:
        """``(article, page bytes compressed as storage.repository.compress does)``.

        Pages go to the workers in batches of up to ``BATCH``: the pages that arrived within
        ``GATHER`` seconds of the first, or while every slot was taken, leave together. Each hand-over costs the crawling process
        (a task, two threads of the executor woken, a pickle each way): by the batch, not
        by the page. Each page keeps its own time limit in the worker and its own outcome;
        a batch whose worker died or was killed is handed out again page by page, so that
        only the page at fault fails (see the module docstring).
        """
        deferred: Deferred[tuple[ExtractedArticle, bytes]] = Deferred()
        self.waiting.append((page, deferred))
        if not self.pumping:
            self.pumping = True
            # GATHER seconds on: the pages that arrive meanwhile leave together
            self._gathering = _reactor().callLater(GATHER, self._start_pump)
        elif len(self.waiting) >= BATCH and self._gathering is not None:
            self._gathering.reset(0)  # a full batch waits for no more
        return deferred

    def _start_pump(self) -> None:
        self._gathering = None
        Deferred.fromCoroutine(self._pump())

    async def _pump(self) -> None:
        """Hand the waiting pages out, a batch whenever a slot is free."""
        try:
            if not self.ready:
                self.start()
                waiter: Deferred[None] = Deferred()
                self._ready_waiters.append(waiter)
                await waiter
            while self.waiting:
                await self.slots.acquire()
                batch, self.waiting = self.waiting[:BATCH], self.waiting[BATCH:]
                if not batch:
                    self.slots.release()
                    break
                Deferred.fromCoroutine(self._batch(batch))
        finally:
            self.pumping = False

    async def _batch(
        self, batch: list[tuple[Page, Deferred[tuple[ExtractedArticle, bytes]]]]
    ) -> None:
        pages = [page for page, _ in batch]
        # each page may take the time limit, one after the other, before the worker answers
        limit = len(pages) * self.timeout + self.hard_limit
        try:
            try:
                outcomes = await self._attempt(_work_batch, (pages, self.timeout), False, limit)
            finally:
                self.slots.release()
        except (BrokenProcessPool, ExtractionAborted):
            # its worker died or was killed: each page again on its own, as one page is
            for page, deferred in batch:
                self.run(_work, page, self.timeout, url=page.url).chainDeferred(deferred)
            return
        except Exception as exc:
            for _, deferred in batch:
                deferred.errback(exc)
            return
        for (_, deferred), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Exception):
                deferred.errback(outcome)
            else:
                deferred.callback(outcome)

    def run(self, function: Callable[..., T], *args: Any, url: str = "the page") -> Deferred[T]:
        """``function(*args)`` in a worker, with the pool's failure handling (see the module)."""
        return Deferred.fromCoroutine(self._run(function, args, url))

    async def _run(self, function: Callable[..., T], args: tuple[Any, ...], url: str) -> T:
        await self.slots.acquire()
        try:
            return await self._attempt(function, args, alone=False)
        except BrokenProcessPool:
            pass  # some page broke the pool: try this one again on its own
        finally:
            self.slots.release()
        await self.isolation.acquire()
        try:
            return await self._attempt(function, args, alone=True)
        except BrokenProcessPool:
            raise ExtractionAborted(
                f"the extraction worker process died while extracting {url}"
            ) from None
        finally:
            self.isolation.release()

    async def _attempt(
        self,
        function: Callable[..., T],
        args: tuple[Any, ...],
        alone: bool,
        hard_limit: float | None = None,
    ) -> T:
        executor = self._executor(alone)
        try:
            future = executor.submit(function, *args)
        except BrokenProcessPool:
            self._replace(executor)
            raise
        deferred = _deferred(future)
        hard_limit = self.hard_limit if hard_limit is None else hard_limit

        def stop() -> None:
            if deferred.called:
                return
            _kill(executor)  # first: shutting the executor down forgets its processes
            deferred.errback(
                ExtractionAborted(
                    f"extraction took longer than {hard_limit:g} s and did not stop: "
                    "its worker process was killed"
                )
            )

        guard = _reactor().callLater(hard_limit, stop)
        try:
            return await deferred
        except BrokenProcessPool:
            self._replace(executor)
            raise
        except ExtractionAborted:
            if not future.done():  # killed by us: the executor is broken now
                self._replace(executor)
            raise
        finally:
            if guard.active():
                guard.cancel()

    def close(self) -> None:
        self.closed = True
        for executor in (self._main, self._alone):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self._main = self._alone = None


_pools: dict[tuple[int, float], ExtractPool] = {}


def pool_for(settings: Any) -> ExtractPool | None:
    """The process's pool for these settings (shared by its crawlers); None = extract in-process."""
    processes, timeout = configured(settings)
    if processes == 0:
        return None
    key = (processes, timeout)
    if key not in _pools or _pools[key].closed:
        pool = ExtractPool(processes, timeout)
        _pools[key] = pool
        _reactor().addSystemEventTrigger("before", "shutdown", pool.close)
    return _pools[key]
