"""The fork server of a crawl's processes, forked from the crawling process before it crawls.

A crawl's extraction workers (:mod:`crawler.extract_worker`) and the store's writer
(:mod:`crawler.store_writer`) are started through multiprocessing's ``forkserver`` context
(:func:`crawler.extract_worker.forkserver_context`): a fork server forks each of them, so
that none is a fork of the crawling process once its reactor runs (its threads, its
sockets, its open archive). multiprocessing starts that server as a new interpreter, which
imports the extraction code and storage again: ~0.9 s of CPU inside every crawl, on the
second core while the first downloads (docs/benchmarks.md, Crawling, "Session 15").

:func:`start` forks it from the crawling process instead, at the one point where a fork is
safe: the command line calls it right after it checked the crawl's settings, before it opens
the archive, takes the sites' leases (whose renewal is a thread), imports Scrapy or Twisted
or installs the reactor. The process it forks (``newsmon-forks`` in ``ps``) holds what the
crawling process imported by then — the command line, the extraction code, storage with
SQLAlchemy: what ``crawler.forkserver_preload`` imports in a new interpreter — freezes that
heap for its children's collectors (``gc.freeze``, as the preload does), and runs
multiprocessing's own fork server loop on it; multiprocessing is told it is running
(its address, its pid, the pipe that tells it the crawl ended), so workers and the writer
are started through it as before, with nothing else changed: they still start when the
first article is requested and at the first batch (``crawler.extract_pool``), a worker that
dies is replaced the same way, and it ends when the crawl and the last of them have ended.

What it costs, a no-change re-crawl (which starts no worker) included: the fork (~4 ms of the
crawling process's CPU: its page tables copied), a process that waits on a socket and ends
with the crawl, and copy-on-write: the crawling process then writes to nearly every page of
the heap it shares with the fork server, each first write a page fault (~12,000 more a crawl,
~50–120 ms of its CPU by a one-off timing) — against ~0.9 s of a new interpreter's CPU
(docs/benchmarks.md, Crawling, "Session 16"). It is forked only when the settings ask for
worker processes or the writer.

Where the point is not safe — another thread runs, or a socket or a file other than the
standard streams is open (a database connection: SQLite's rule is that no connection crosses
a fork) — or on a system without ``/proc`` or ``fork``, nothing is forked, and multiprocessing
starts its own fork server as before, preloading ``crawler.forkserver_preload``.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import multiprocessing.forkserver as mp_forkserver
import os
import socket
import sys
import threading
import traceback
from multiprocessing import connection, util
from typing import Any

from crawler.config import configured, switch

logger = logging.getLogger(__name__)

#: The fork server's name in ``ps`` and ``/proc/PID/comm`` (its command line is the crawl's).
NAME = "newsmon-forks"

#: What the processes it forks run: imported before the fork (none of them imports Twisted),
#: and by ``crawler.forkserver_preload`` in a fork server started as a new interpreter.
PRELOAD = ("crawler.extract_worker", "crawler.store_writer")


def name_process(name: str) -> None:
    """This process's name in ``ps`` (Linux's ``/proc/self/comm``; nothing elsewhere): the
    processes forked from the crawling process would show its name, as its command line."""
    with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:
        comm.write(name[:15])


def wanted(settings: Any) -> bool:
    """Whether a crawl with these settings (a Scrapy ``Settings`` or the ``--set`` mapping,
    else the environment) starts worker processes: extraction workers or the writer."""
    return configured(settings)[0] > 0 or switch(settings, "NEWSMON_STORE_PROCESS", default=False)


#: multiprocessing's fork-server state that :func:`start` sets or leaves alone, as Python
#: 3.11's ``ForkServer`` keeps it (private, so checked at each start): a Python whose server
#: keeps more (an authentication key, say) is not served by a fork but by its own interpreter.
_SERVER_STATE = frozenset(
    (
        "_forkserver_address",
        "_forkserver_alive_fd",
        "_forkserver_pid",
        "_inherited_fds",
        "_lock",
        "_preload_modules",
    )
)


def unsafe() -> str | None:
    """Why this process must not fork now (None: it may): a thread besides this one, or an
    open socket or file besides the standard streams (``/proc/self``; None of it elsewhere)."""
    if not hasattr(os, "fork"):
        return "no fork on this system"
    try:
        tasks = os.listdir("/proc/self/task")
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return "no /proc to check the process at"
    if threading.active_count() > 1 or len(tasks) > 1:
        return f"{len(tasks)} threads run"
    for fd in fds:
        if int(fd) <= 2:
            continue
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the listing's own descriptor, closed since
        if target.startswith("socket:") or (
            target.startswith("/") and not target.startswith("/dev/")
        ):
            return f"file descriptor {fd} is open ({target})"
    return None


def start(settings: Any) -> bool:
    """Fork the fork server of the crawl's processes from this process now, if the crawl will
    start any (:func:`wanted`), none runs yet, and this is a safe point (:func:`unsafe`).
    True if it was forked; else multiprocessing starts its own when the first is needed."""
    if not wanted(settings):
        return False
    server: Any = mp_forkserver._forkserver  # multiprocessing's, which the context uses
    if server._forkserver_pid is not None:
        return False
    unknown = set(vars(server)) - _SERVER_STATE
    reason = (  # (one thread: nothing else can start one meanwhile; hence no lock)
        f"multiprocessing's fork server keeps {', '.join(sorted(unknown))}" if unknown else unsafe()
    )
    if reason is not None:
        logger.debug("the fork server starts as a new interpreter: %s", reason)
        return False
    # What its processes run, imported before the fork (the command line has already: nothing
    # to do there), as crawler.forkserver_preload imports it in a new interpreter.
    for module in PRELOAD:
        importlib.import_module(module)
    address: str = connection.arbitrary_address("AF_UNIX")  # type: ignore[attr-defined]
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(address)
        if not util.is_abstract_socket_namespace(address):
            os.chmod(address, 0o600)
        listener.listen()
        # every process started through it holds the write end: end of file on the read end
        # when the crawl and all of them have ended
        alive_r, alive_w = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # or their buffers would be written twice
            with contextlib.suppress(Exception):
                stream.flush()
        try:
            pid = os.fork()
        except OSError as exc:  # out of processes or memory: multiprocessing tries later
            logger.debug("the fork server starts as a new interpreter: %s", exc)
            os.close(alive_r)
            os.close(alive_w)
            return False
        if pid == 0:
            _serve(listener.detach(), alive_r, alive_w)  # never returns
        os.close(alive_r)
    server._forkserver_address = address
    server._forkserver_alive_fd = alive_w
    server._forkserver_pid = pid
    return True


def _serve(listener_fd: int, alive_r: int, alive_w: int) -> None:
    """The forked fork server's life: multiprocessing's loop, then exit without the crawling
    process's exit handlers (atexit, finalizers, flushing buffers it inherited)."""
    code = 0
    try:
        os.close(alive_w)
        name_process(NAME)
        # a profiler or tracer of the crawling process's (bench/cpu_profile.py) is not its
        # processes': a fork server started as a new interpreter had none either
        sys.setprofile(None)
        sys.settrace(None)
        # The heap it inherited, frozen: its children's collectors never walk it
        # (crawler.collector); O(1), unlike the collection the preload makes first.
        gc.freeze()
        mp_forkserver.main(listener_fd, alive_r, [])
    except SystemExit:
        pass  # the crawl and its processes have ended
    except BaseException:
        code = 1
        with contextlib.suppress(Exception):
            traceback.print_exc()
            sys.stderr.flush()
    finally:
        os._exit(code)
