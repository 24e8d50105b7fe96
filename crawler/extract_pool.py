"""Article extraction in worker processes, so the crawl's event loop only does I/O.

Decoding and extracting a page is CPU work (milliseconds to tens of milliseconds for a
real 200 KB page); done on Scrapy's reactor thread it stalls every download in flight.
:class:`ExtractPool` runs it in worker processes (:mod:`crawler.extract_worker`) and hands
the result back to the reactor as a ``Deferred``. Each worker has a socket pair with the
crawling process, whose end the reactor reads and writes itself like any connection: a
call goes out as a pickle, its answer comes back the same way, with no thread in between
(docs/benchmarks.md, Crawling, "Session 9").

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

Workers are started with ``forkserver``: forking the crawling process once its reactor
runs would copy the reactor's threads and sockets into the child. The fork server holds what
the workers and the store's writer run (the extraction code and storage, not Twisted), so a
new worker starts in milliseconds. The command line forks that server from the crawling
process before the crawl (:mod:`crawler.forkserver`); elsewhere multiprocessing starts it as
a new interpreter that imports that code (:mod:`crawler.forkserver_preload`), a second or
more, and starting a process waits for it. So the pool starts its processes in a thread (:meth:`ExtractPool.start`, called when
the spider schedules its first article request, or at the first page handed out): the crawl
downloads meanwhile, and its first pages wait for the workers. A crawl that requests no
article (a no-change re-crawl) starts none. Started on
the reactor at the first article, as before, the start held the reactor 1–1.4 s
(docs/benchmarks.md, Crawling, sixth pass).

Workers also compress the page for the archive (``storage.repository.compress``), the
other CPU-heavy step of a large page that would otherwise run in the crawling process.

Failures stay with the page, never the crawl:

- a page whose extraction runs longer than ``NEWSMON_EXTRACT_TIMEOUT`` seconds (default
  30) is stopped inside its worker by an alarm; if the worker does not answer even then
  (stuck in C code), that worker process is killed ``2 × timeout + 10`` seconds after it
  started on the page (a worker answers its calls in order: it starts on one when it
  answered the one before); either way the page fails with :class:`ExtractionAborted`
  saying so (other pages caught in the kill are retried, as below);
- a worker that dies (killed, out of memory, a crash in a C library) fails every page it
  held; the reactor reads its socket's end of file. A new worker takes its place, and
  those pages are extracted again one at a time: one that kills its worker again is
  tried a last time in a separate single worker, one at a time; a page that kills that
  worker too is the culprit and fails; the others succeed.

Pages are handed out in batches (those that arrived within ``GATHER`` seconds of the first,
or while the workers were busy, up to ``BATCH``), at most two batches per worker at a time,
each to the worker with the fewest waiting; each page's time limit runs in the worker from
when it starts on that page, not from when it was queued behind others. A hand-over costs
the crawling process a pickle each way and a write and a read on the socket, whatever the
batch's size: pages that wait a few milliseconds for the ones after them cost it less
(docs/benchmarks.md, Crawling, "Session 7").
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import pickle
import socket
import struct
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from twisted.internet.defer import Deferred, DeferredLock, DeferredSemaphore
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.config import DEFAULT_TIMEOUT, configured, default_processes
from crawler.extract_worker import (
    FAULT_ENV,
    ExtractionAborted,
    Page,
    _work,
    _work_batch,
    exit_with,
    extract_page,
    forkserver_context,
    serve,
)
from crawler.extraction import ExtractedArticle

T = TypeVar("T")

#: Pages handed to a worker at once, at most (see :meth:`ExtractPool.extract`).
BATCH = 16
#: Seconds a page waits for others to go with it to a worker, at most (a full batch goes at
#: once): fewer hand-overs when pages trickle in faster than one per GATHER.
GATHER = 0.02
#: A message's length before it, each way (``multiprocessing.connection``'s header).
_HEADER = struct.Struct("!i")

#: What a page's result is handed to: the Deferred of :meth:`ExtractPool.extract`, or the
#: asyncio future of :meth:`ExtractPool.extract_soon`.
_Outcome = Deferred[tuple[ExtractedArticle, bytes]] | asyncio.Future[tuple[ExtractedArticle, bytes]]


def _settle(outcome: Any, target: _Outcome) -> None:
    """Hand ``outcome`` (a result, or an exception or Failure) to ``target``."""
    if isinstance(target, Deferred):
        if isinstance(outcome, (BaseException, Failure)):
            target.errback(outcome)
        else:
            target.callback(outcome)
    elif not target.done():  # (a future whose coroutine was cancelled is done)
        if isinstance(outcome, Failure):
            outcome = outcome.value
        if isinstance(outcome, BaseException):
            target.set_exception(outcome)
        else:
            target.set_result(outcome)


# -- in the crawling process ------------------------------------------------------------------


def _reactor() -> Any:
    """The running reactor, imported late: importing it first would install the default one."""
    from twisted.internet import reactor

    return reactor


class _WorkerDied(Exception):
    """The worker process ended (or was killed) before it answered."""


class _Call:
    """A call handed to a worker: its Deferred, and how long the worker may take on it."""

    __slots__ = ("deadline", "deferred", "limit")

    def __init__(self, limit: float) -> None:
        self.deferred: Deferred[Any] = Deferred()
        self.limit = limit
        #: the reactor's time by which the worker must have answered it (once it is first)
        self.deadline = math.inf


class _Channel(Protocol):
    """The crawling process's end of a worker's socket, read and written by the reactor.

    Each way a message is a pickle after its length (``_HEADER``: what
    ``multiprocessing.connection.Connection`` reads and writes on the worker's side); the
    worker answers its calls in the order they came, so the call it is on is the first one
    unanswered, since the answer before it came (or since it was handed out). A call the
    worker stays on longer than its limit fails with :class:`ExtractionAborted` and the
    worker is killed (``on_stuck``). End of file, or an error, fails every other call still
    waiting with :class:`_WorkerDied`.

    One reactor timer per worker watches the limit (``guard``), re-armed only when it fires
    before the first call's deadline (docs/benchmarks.md, Crawling, "Session 10"). Messages go
    out through the transport: writing to the socket directly when the transport holds nothing
    would need Twisted's private buffer attributes, and no gain from it could be measured.
    """

    def __init__(self, on_lost: Callable[[], None], on_stuck: Callable[[], None]) -> None:
        self.buffer = bytearray()
        self.pending: deque[_Call] = deque()
        self.lost = False
        self.on_lost = on_lost
        self.on_stuck = on_stuck
        self.guard: Any = None

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], limit: float) -> _Call:
        payload = pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL)
        call = _Call(limit)
        if self.lost or self.transport is None:
            call.deferred.errback(_WorkerDied())
            return call
        self.pending.append(call)
        transport: Any = self.transport  # twisted's interfaces confuse mypy
        transport.writeSequence([_HEADER.pack(len(payload)), payload])
        if len(self.pending) == 1:
            self._watch()
        return call

    def _watch(self) -> None:
        """The worker starts on the first call waiting: its time limit runs from now."""
        reactor = _reactor()
        first = self.pending[0]
        first.deadline = reactor.seconds() + first.limit
        guard = self.guard
        if guard is None or not guard.active():
            self.guard = reactor.callLater(first.limit, self._check)
        elif guard.getTime() > first.deadline:
            guard.reset(first.limit)

    def _check(self) -> None:
        """The timer: the first call past its deadline is stuck; else wait for its deadline."""
        self.guard = None
        if self.lost or not self.pending:
            return
        first = self.pending[0]
        left = first.deadline - _reactor().seconds()
        if left > 0:
            self.guard = _reactor().callLater(left, self._check)
        else:
            self._stuck(first)

    def _stuck(self, call: _Call) -> None:
        self.on_stuck()  # first: no call is handed to this worker from now on
        if not call.deferred.called:
            call.deferred.errback(
                ExtractionAborted(
                    f"extraction took longer than {call.limit:g} s and did not stop: "
                    "its worker process was killed"
                )
            )

    def dataReceived(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        start = 0
        while len(buffer) - start >= _HEADER.size and not self.lost:
            (size,) = _HEADER.unpack_from(buffer, start)
            end = start + _HEADER.size + size
            if len(buffer) < end:
                break
            with memoryview(buffer) as view:
                ok, value = pickle.loads(view[start + _HEADER.size : end])
            start = end
            call = self.pending.popleft()
            if self.pending:
                self._watch()
            if call.deferred.called:  # given up on already: the worker is being killed
                continue
            if ok:
                call.deferred.callback(value)
            else:
                call.deferred.errback(value)
        if start:
            del buffer[:start]

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.lost = True
        if self.guard is not None and self.guard.active():
            self.guard.cancel()
        self.guard = None
        self.on_lost()
        pending, self.pending = self.pending, deque()
        for call in pending:
            if not call.deferred.called:
                call.deferred.errback(_WorkerDied())


class _Worker:
    """A worker process and the reactor's end of its socket (no thread between them)."""

    def __init__(self, on_lost: Callable[[_Worker], None]) -> None:
        here, there = socket.socketpair()
        here.setblocking(False)
        self.channel = _Channel(lambda: on_lost(self), self.kill)
        factory = Factory.forProtocol(lambda: self.channel)
        # the reactor takes a duplicate of ``here``; the process (launch) ``there``
        _reactor().adoptStreamConnection(here.fileno(), socket.AF_UNIX, factory)
        here.close()
        self.there: socket.socket | None = there
        self.process: Any = None
        self.killed = False

    @property
    def live(self) -> bool:
        return not (self.killed or self.channel.lost)

    def launch(self) -> None:
        """Start the process: in a thread (the fork server's first start takes a second or
        more). Calls made before are read by the process once it runs."""
        there, self.there = self.there, None
        if there is None or self.killed:
            return
        try:
            process = forkserver_context().Process(
                target=serve, args=(there, os.getpid()), name="newsmon-extract", daemon=True
            )
            process.start()
            self.process = process
        finally:
            there.close()  # the process has its own copy: its end is our end of file
        if self.killed:  # killed (on the reactor) while it started
            with contextlib.suppress(OSError, ValueError):
                process.kill()

    def kill(self) -> None:
        self.killed = True
        if self.process is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.kill()
        if self.channel.transport is not None and not self.channel.lost:
            self.channel.transport.abortConnection()  # type: ignore[attr-defined]


class ExtractPool:
    """Worker processes that extract pages; :meth:`extract` returns a Deferred of the article."""

    def __init__(self, processes: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        if processes < 1:
            raise ValueError("an ExtractPool needs at least one process")
        self.processes = processes
        self.timeout = timeout
        self.slots = DeferredSemaphore(2 * processes)
        self.isolation = DeferredLock()
        #: the pool's workers, and the one that pages retried alone go to (see :meth:`_run`)
        self._main: list[_Worker] = []
        self._alone: list[_Worker] = []
        #: The worker's own alarm stops slow Python code at ``timeout``; this much after the
        #: page was handed out, a worker that has not answered (stuck in C code) is killed.
        #: The margin covers a worker's start-up on a loaded machine.
        self.hard_limit = 2 * timeout + 10.0
        #: workers of the pool started again after one died or was killed
        self.restarts = 0
        self.closed = False
        #: pages waiting for a worker, with what their results go to (see :meth:`extract`)
        self.waiting: list[tuple[Page, _Outcome]] = []
        self.pumping = False
        #: the call that starts handing the waiting pages out (see :meth:`extract`)
        self._gathering: Any = None
        #: whether the worker processes have started (or failed to): see :meth:`start`
        self.ready = False
        self._starting: Deferred[None] | None = None
        self._ready_waiters: list[Deferred[None]] = []

    def start(self) -> None:
        """Start the worker processes in a thread; pages handed out meanwhile wait for them.

        Starting a process waits for the fork server, which at the first start imports the
        extraction code: a second or more that, on the reactor, no download would move
        (see the module docstring).
        """
        if self.ready or self._starting is not None:
            return
        workers = [self._new(alone=False) for _ in range(self.processes)]
        self._starting = deferToThread(self._launch_all, workers)
        self._starting.addBoth(self._started)

    @staticmethod
    def _launch_all(workers: list[_Worker]) -> None:
        for worker in workers:
            _launch(worker)

    def _started(self, outcome: Failure | None) -> None:
        # A failed start is not reported here: the pages handed out next meet a dead
        # worker and are handled as pages whose worker died (see _batch and _run).
        self.ready = True
        waiters, self._ready_waiters = self._ready_waiters, []
        for waiter in waiters:
            waiter.callback(None)

    async def _until_ready(self) -> None:
        if not self.ready:
            self.start()
            waiter: Deferred[None] = Deferred()
            self._ready_waiters.append(waiter)
            await waiter

    def _new(self, alone: bool) -> _Worker:
        if self.closed:
            raise ExtractionAborted("the extraction pool is shut down")
        group = self._alone if alone else self._main

        def forget(worker: _Worker) -> None:
            if worker in group:
                group.remove(worker)

        worker = _Worker(forget)
        group.append(worker)
        return worker

    def _pick(self, alone: bool) -> _Worker:
        """The live worker with the fewest calls waiting; one started where one is missing."""
        group = self._alone if alone else self._main
        live = [worker for worker in group if worker.live]
        if len(live) < (1 if alone else self.processes):
            worker = self._new(alone)
            if not alone:
                self.restarts += 1
            deferToThread(_launch, worker).addErrback(lambda _: None)
            return worker
        return min(live, key=lambda worker: len(worker.channel.pending))

    def extract(self, page: Page) -> Deferred[tuple[ExtractedArticle, bytes]]:
        """``(article, page bytes compressed as storage.repository.compress does)``.

        Pages go to the workers in batches of up to ``BATCH``: the pages that arrived within
        ``GATHER`` seconds of the first, or while every slot was taken, leave together. Each
        hand-over costs the crawling process (a pickle each way, a write and a read on the
        worker's socket): by the batch, not by the page. Each page keeps its own time limit
        in the worker and its own outcome; a batch whose worker died or was killed is handed
        out again page by page, so that only the page at fault fails (see the module docstring).
        """
        deferred: Deferred[tuple[ExtractedArticle, bytes]] = Deferred()
        self._queue(page, deferred)
        return deferred

    def extract_soon(self, page: Page) -> Awaitable[tuple[ExtractedArticle, bytes]]:
        """:meth:`extract` for a coroutine to await: under Scrapy's asyncio reactor an asyncio
        future the pool settles itself — no Deferred a page, nor its conversion to a future
        (``Deferred.asFuture``): ~8 µs a page of the crawling process's CPU against ~0.4
        (docs/benchmarks.md, Crawling, "Session 18"). Under another reactor, :meth:`extract`'s
        Deferred, which that reactor's coroutines await."""
        try:
            future = asyncio.get_running_loop().create_future()
        except RuntimeError:  # no asyncio loop runs: another reactor
            return self.extract(page)
        self._queue(page, future)
        return future

    def _queue(self, page: Page, outcome: _Outcome) -> None:
        self.waiting.append((page, outcome))
        if not self.pumping:
            self.pumping = True
            # GATHER seconds on: the pages that arrive meanwhile leave together
            self._gathering = _reactor().callLater(GATHER, self._start_pump)
        elif len(self.waiting) >= BATCH and self._gathering is not None:
            self._gathering.reset(0)  # a full batch waits for no more

    def _start_pump(self) -> None:
        self._gathering = None
        Deferred.fromCoroutine(self._pump())

    async def _pump(self) -> None:
        """Hand the waiting pages out, a batch whenever a slot is free."""
        try:
            await self._until_ready()
            while self.waiting:
                await self.slots.acquire()
                batch, self.waiting = self.waiting[:BATCH], self.waiting[BATCH:]
                if not batch:
                    self.slots.release()
                    break
                Deferred.fromCoroutine(self._batch(batch))
        finally:
            self.pumping = False

    async def _batch(self, batch: list[tuple[Page, _Outcome]]) -> None:
        pages = [page for page, _ in batch]
        # each page may take the time limit, one after the other, before the worker answers
        limit = len(pages) * self.timeout + self.hard_limit
        try:
            try:
                outcomes = await self._attempt(_work_batch, (pages, self.timeout), False, limit)
            finally:
                self.slots.release()
        except (_WorkerDied, ExtractionAborted):
            # its worker died or was killed: each page again on its own, as one page is
            for page, target in batch:
                again = self.run(_work, page, self.timeout, url=page.url)
                again.addBoth(_settle, target)
            return
        except Exception as exc:
            for _, target in batch:
                _settle(exc, target)
            return
        for (_, target), outcome in zip(batch, outcomes, strict=True):
            _settle(outcome, target)

    def run(self, function: Callable[..., T], *args: Any, url: str = "the page") -> Deferred[T]:
        """``function(*args)`` in a worker, with the pool's failure handling (see the module)."""
        return Deferred.fromCoroutine(self._run(function, args, url))

    async def _run(self, function: Callable[..., T], args: tuple[Any, ...], url: str) -> T:
        await self._until_ready()
        await self.slots.acquire()
        try:
            return await self._attempt(function, args, alone=False)
        except _WorkerDied:
            pass  # some page killed the worker: try this one again on its own
        finally:
            self.slots.release()
        await self.isolation.acquire()
        try:
            return await self._attempt(function, args, alone=True)
        except _WorkerDied:
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
        """``function(*args)`` in a worker, killed if it stays on it ``hard_limit`` seconds."""
        worker = self._pick(alone)
        call = worker.channel.call(
            function, args, self.hard_limit if hard_limit is None else hard_limit
        )
        result: T = await call.deferred
        return result

    def close(self) -> None:
        self.closed = True
        for worker in (*self._main, *self._alone):
            # end of file: the worker ends after the call it is on
            transport: Any = worker.channel.transport
            if transport is not None and not worker.channel.lost:
                transport.loseConnection()
        self._main, self._alone = [], []


def _launch(worker: _Worker) -> None:
    """Start ``worker``'s process (in a thread); one that cannot start is taken as dead."""
    try:
        worker.launch()
    except BaseException:
        _reactor().callFromThread(worker.kill)
        raise


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


__all__ = [
    "BATCH",
    "DEFAULT_TIMEOUT",
    "FAULT_ENV",
    "GATHER",
    "ExtractPool",
    "ExtractionAborted",
    "Page",
    "configured",
    "default_processes",
    "exit_with",
    "extract_page",
    "forkserver_context",
    "pool_for",
]
