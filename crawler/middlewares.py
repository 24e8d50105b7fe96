"""Downloader middlewares: retries that honour ``Retry-After``; robots.txt failures without
tracebacks; meta refresh without decoding pages that cannot hold one; Scrapy's download counters
without request sizes. And Scrapy's spider middlewares: depths only where a setting asks for them,
a page's ``Referer`` worked out once for the links it leads to."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.spidermiddlewares.referer import RefererMiddleware
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

#: Request meta: seconds to wait before this retry is sent (set from the answer's Retry-After).
WAIT = "newsmon_retry_after"


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date); None if absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, except that a ``Retry-After`` on a retried status is honoured.

    Scrapy retries a 429 or 503 at once, which a rate-limited site answers with the
    same status until the retries run out. Here the retry waits what the server
    asked; past ``NEWSMON_RETRY_AFTER_MAX`` seconds it is not retried in this run
    at all (the failure is reported, and the next run tries again) rather than
    holding the crawl open for an hour. The wait happens in ``process_request``,
    before the retry joins the site's download slot, so other requests go on.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSMON_RETRY_AFTER_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return self._retry(request, response_status_message(response.status)) or response
        stats = self.crawler.stats
        assert stats is not None
        if wait > self.max_wait:
            stats.inc_value("newsmon/retry_after/too_long")
            logger.info(
                "%s: HTTP %s asks to retry after %g s, more than NEWSMON_RETRY_AFTER_MAX (%g s): "
                "not retried in this run",
                request.url,
                response.status,
                wait,
                self.max_wait,
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        stats.inc_value("newsmon/retry_after/waited")
        retry.meta[WAIT] = wait
        return retry

    async def process_request(self, request: Request, spider: Any = None) -> None:
        wait = request.meta.pop(WAIT, None)
        if wait:
            logger.debug("%s: waiting %g s as the server asked (Retry-After)", request.url, wait)
            await sleep(wait)


class _RobotsFetchFailed(logging.Filter):
    """Scrapy's "Error downloading <robots.txt>" record, made a one-line debug message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.msg.startswith("Error downloading"):
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            # Loggers check the level before filters run: drop it here unless debug is on.
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class QuietRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, without the traceback it logs when robots.txt cannot be fetched.

    A site that refuses connections or times out would print that traceback before
    newsmon's own one-line reason for the page (README: expected failures never
    print one). The page is then requested as if allowed and fails, or not, on its
    own, so the robots.txt failure is only worth a debug line.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        robots_logger = logging.getLogger(RobotsTxtMiddleware.__module__)
        if not any(isinstance(f, _RobotsFetchFailed) for f in robots_logger.filters):
            robots_logger.addFilter(_RobotsFetchFailed())


#: Scrapy looks for a meta refresh in the first 4,096 characters of a page; no character
#: takes more than 4 bytes in an encoding that writes ASCII as ASCII.
_REFRESH_WINDOW = 4 * 4096


def cannot_refresh(body: bytes) -> bool:
    """Whether the start of ``body`` certainly holds no meta refresh for Scrapy to find.

    Only for encodings that write ASCII as ASCII (no NUL byte: not UTF-16 or UTF-32), and
    when no character reference (``&#…;``) could spell the word: otherwise, not certain.
    """
    head = body[:_REFRESH_WINDOW].lower()
    return b"refresh" not in head and b"\x00" not in head and b"&#" not in head


class QuickDownloaderStats(DownloaderStats):
    """Scrapy's downloader counters, without the size of each request (``downloader/request_bytes``).

    Scrapy works that size out by writing the whole request out as HTTP
    (``request_httprepr``: its URL parsed again, every header joined) only to take its
    length: ~1.5% of the crawling process's time (docs/benchmarks.md, Crawling, "Session
    11"). newsmon keeps no request sizes: a run's row counts requests, responses, response
    bytes and statuses, all counted as Scrapy counts them.
    """

    def process_request(self, request: Request, spider: Any = None) -> None:  # type: ignore[override]
        self.stats.inc_value("downloader/request_count")
        self.stats.inc_value(f"downloader/request_method_count/{request.method}")


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh redirects, without decoding pages that cannot hold one.

    Scrapy decodes every HTML response whole (``response.text``) to search its first
    4,096 characters for ``<meta http-equiv="refresh">``: a second decoding of every
    page besides the extractor's own, ~0.1 ms on a 2 KB page and more on a real 200 KB
    one. A page whose first bytes do not contain the word is passed on undecoded; any
    other goes through Scrapy's middleware unchanged.
    """

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and cannot_refresh(response.body):
            return response
        return super().process_response(request, response)


class DepthWhenAsked(DepthMiddleware):
    """Scrapy's depth middleware, enabled only when ``DEPTH_LIMIT``, ``DEPTH_PRIORITY`` or
    ``DEPTH_STATS_VERBOSE`` is set (``--set``, a site's settings).

    Without them it only counts the deepest request (the ``request_depth_max`` stat, which
    newsmon does not keep) — yet every page's output passes through it: one layer less
    of Scrapy's spider-middleware chain for every response (docs/benchmarks.md, Crawling,
    "Session 10").
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not (
            settings.getint("DEPTH_LIMIT")
            or settings.getint("DEPTH_PRIORITY")
            or settings.getbool("DEPTH_STATS_VERBOSE")
        ):
            raise NotConfigured  # without a message: Scrapy would log it as a warning
        return super().from_crawler(crawler)


class QuickRefererMiddleware(RefererMiddleware):
    """Scrapy's ``Referer`` headers, each page's worked out once for the links it leads to.

    Scrapy works out the policy and the referrer anew for every request a page yields: on a
    listing page, the same answer twenty times over. Scrapy's own policies answer from the
    page and the request's origin alone (its scheme, host and port), so the answer is kept
    for the last page and origin. A request with its own ``referrer_policy`` in meta, or a
    policy from elsewhere (``REFERRER_POLICIES``), goes through Scrapy's code every time.
    """

    _last: tuple[Response, str, str, str | None] | None = None

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if response is None or "referrer_policy" in request.meta:
            return super().get_processed_request(request, response)
        parts = urlparse_cached(request)
        last = self._last
        if last is not None and last[0] is response and last[1:3] == (parts.scheme, parts.netloc):
            referrer = last[3]
        else:
            policy = self.policy(response, request)
            referrer = policy.referrer(response.url, request.url)
            self._last = None
            if type(policy).__module__ == RefererMiddleware.__module__:
                self._last = (response, parts.scheme, parts.netloc, referrer)
        if referrer is not None:
            request.headers.setdefault("Referer", referrer)
        return request
