"""Inside an extraction worker process: read calls from the crawling process, answer each.

The crawling process (:mod:`crawler.extract_pool`) starts each worker from a fork server and
keeps one end of a socket pair; the worker (:func:`serve`) reads a call from the other end —
a function and its arguments, pickled, after its length — runs it and writes back its
outcome the same way, in the order the calls came. The worker ends when its socket reaches
end of file (the crawling process closed it, or ended), or when the crawling process ends
(:func:`exit_with`); if the worker dies, the crawling process reads end of file.

Each page's extraction has a time limit, an alarm in the worker (:func:`_work`): a page
whose extraction runs longer fails alone with :class:`ExtractionAborted`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import select
import signal
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from crawler import collector
from crawler.extraction import ExtractedArticle, extract_bytes
from crawler.forkserver import name_process
from storage.repository import compress

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


def forkserver_context() -> Any:
    """Worker processes (and the store's writer) forked from a fork server that holds what they
    run: not from the crawling process and its reactor's threads. The fork server forked from
    the crawling process before the crawl (:mod:`crawler.forkserver`) when there is one, else
    multiprocessing's new interpreter preloading :mod:`crawler.forkserver_preload`."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawler.forkserver_preload"])
    return context


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
    name_process("newsmon-extract")
    exit_with(crawler_pid)
    # Ctrl-C is the crawling process's to handle: it stops the crawl, then the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    # Build the extractor's lazy tables now, so a worker's first page is not charged for them.
    with contextlib.suppress(Exception):
        extract_bytes(_WARM_UP, url="http://127.0.0.1/news/2023/0129/1.html", keywords=["会议"])
    # The fork server froze its own heap (crawler.forkserver, crawler.forkserver_preload);
    # freeze the tables just built too, and collect young objects less often, as the crawling
    # process does (crawler.collector).
    collector.tune()


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


def serve(there: socket.socket, crawler_pid: int) -> None:
    """A worker process's life: calls read from ``there`` and answered, until end of file."""
    _init_worker(crawler_pid)
    connection = Connection(there.detach())
    while True:
        try:
            call = connection.recv_bytes()
        except (EOFError, OSError):
            os._exit(0)  # the crawling process closed its end, or ended
        outcome = _call(call)
        try:
            answer = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that cannot be pickled is the call's error
            answer = pickle.dumps((False, RuntimeError(f"the worker's answer: {exc!r}")))
        try:
            connection.send_bytes(answer)
        except OSError:
            os._exit(0)


def _call(call: bytes) -> tuple[bool, Any]:
    """``(True, what the call returned)`` or ``(False, the exception it raised)``."""
    try:
        function, args = pickle.loads(call)
        return True, function(*args)
    except Exception as exc:
        return False, exc
