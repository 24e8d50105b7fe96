"""What a crawl run counts: namespaced stats, and failures turned into one-line reasons per URL."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
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
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

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
