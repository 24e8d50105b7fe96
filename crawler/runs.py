"""What a crawl run counts: namespaced stats, and failures turned into one-line reasons per URL."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.config import home_dir
from storage.models import CrawlRun, utcnow
from storage.repository import finish_run, running_crawls

logger = logging.getLogger(__name__)

ERROR_LIST = "newsmon/error_list"
#: A signal: store what is buffered now (a worker leaving its run; see crawler.worker).
FLUSH = object()
#: At most this many failures keep their URL in the run's row; the counters keep counting.
MAX_ERRORS_LISTED = 500


def record_error(crawler: Crawler, url: str, kind: str, reason: str) -> None:
    """Count a failure under ``newsmon/errors/<kind>`` and list it with its URL for the run row."""
    stats = crawler.stats
    assert stats is not None
    stats.inc_value("newsmon/errors")
    stats.inc_value(f"newsmon/errors/{kind}")
    errors: list[dict[str, Any]] = stats.get_value(ERROR_LIST) or []
    if len(errors) < MAX_ERRORS_LISTED:
        errors.append({"url": url, "kind": kind, "reason": reason})
    stats.set_value(ERROR_LIST, errors)


def describe_failure(failure: Failure, timeout: float | None = None) -> tuple[str, str]:
    """``(kind, reason)`` for a request's failure, in words a user can act on."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        reason = f"HTTP {status} {phrase}".strip()
        retry_after = exc.response.headers.get(b"Retry-After")
        if retry_after:
            # What the site asked for: the user can see why it was not retried now.
            reason += f" (Retry-After: {retry_after.decode('latin-1').strip()[:40]})"
        return "http", reason
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        after = f" after {timeout:g} s" if timeout else ""
        return "timeout", f"timed out{after}"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return "dns", "host name not found"
    if isinstance(exc, DownloadConnectionRefusedError | ConnectionRefusedError):
        return "connection", "connection refused"
    if isinstance(exc, DownloadCancelledError) and "size" in str(exc).lower():
        return "too_large", "page larger than DOWNLOAD_MAXSIZE"
    if isinstance(
        exc,
        ResponseDataLossError
        | DownloadFailedError
        | ResponseFailed
        | ResponseNeverReceived
        | ConnectionLost,
    ):
        return "connection", "connection lost before the page was complete"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request ignored"
        if "robots" in text.lower():
            return "robots", "forbidden by robots.txt"
        return "ignored", text
    message = str(exc).strip() or type(exc).__name__
    if "maxsize" in message.lower() or "max size" in message.lower():
        return "too_large", "page larger than DOWNLOAD_MAXSIZE"
    return "download", f"{type(exc).__name__}: {message}"


def run_status(reason: str, store_failed: bool, stats: Mapping[str, Any]) -> tuple[str, str]:
    """``(status, reason)`` of a finished run, from Scrapy's close reason and the run's stats."""
    if store_failed:
        return "failed", f"{reason}: database writes failed"
    sources = stats.get("newsmon/sources/total", 0)
    if sources and not stats.get("newsmon/sources/ok", 0):
        return (
            "failed",
            f"{reason}: none of the {sources} listing/sitemap/feed pages could be fetched",
        )
    if reason == "finished":
        return "ok", reason
    if reason in ("shutdown", "cancelled"):
        return "interrupted", reason
    if reason == "closespider_timeout":
        return "timeout", reason
    return "failed", reason


def this_process() -> dict[str, Any]:
    """Where a run runs (kept in its row: a later run can tell whether it is still alive)."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


class RunSpool:
    """Runs whose final row could not be written (the database was away), kept in files.

    The next crawl on the same archive writes them when it opens the database, so that a
    run's row ends up saying what its user was told. A ``crawl`` run on this host left
    ``running`` by a process that is gone (``kill -9``) is closed there as ``interrupted``.
    Site runs are not touched: whoever next takes the site's lease closes those.
    """

    def __init__(self, directory: str | None, db_url: str) -> None:
        self.directory = Path(directory) if directory else home_dir() / "pending-runs"
        self.prefix = hashlib.sha256(db_url.encode()).hexdigest()[:16]

    def keep(self, run_id: int, status: str, reason: str, stats: dict[str, Any]) -> Path | None:
        path = self.directory / f"{self.prefix}-{run_id}.json"
        record = {"run_id": run_id, "status": status, "reason": reason, "stats": stats}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(record, default=str, ensure_ascii=False), "utf-8")
        except OSError as exc:
            logger.error("could not keep the outcome of run %s either: %s", run_id, exc)
            return None
        return path

    def close_orphans(self, sessions: sessionmaker[Session]) -> None:
        try:
            with sessions.begin() as session:
                for path in sorted(self.directory.glob(f"{self.prefix}-*.json")):
                    record = json.loads(path.read_text("utf-8"))
                    run = session.get(CrawlRun, record["run_id"])
                    if run is not None and run.status == "running":
                        finish_run(
                            session, run.id, record["status"], record["reason"], record["stats"]
                        )
                        logger.info("run %s closed from %s", run.id, path)
                    path.unlink()
                here = this_process()["host"]
                for run in running_crawls(session):
                    process = (run.stats or {}).get("process") or {}
                    if process.get("host") == here and not _alive(process.get("pid")):
                        run.status, run.finished_at = "interrupted", utcnow()
                        run.reason = "its process ended before it could record the run"
        except (SQLAlchemyError, OSError, ValueError, KeyError) as exc:
            logger.warning("could not close runs left open: %s", exc)


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
