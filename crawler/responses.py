"""From a Scrapy response to an ``ArticleItem``: the one place that hands page bytes to extraction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from scrapy.http import Response

from crawler.extract_pool import Page
from crawler.extraction import ExtractedArticle, ExtractionError
from crawler.items import ArticleItem

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


class NotHtml(ExtractionError):
    """The response is a PDF, an image, JSON... not a page an article can be read from."""


def content_type_of(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def page_of(
    response: Response, *, keywords: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Page:
    """What extraction needs from ``response``; raise :class:`NotHtml` for a PDF, an image..."""
    content_type = content_type_of(response)
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and not mime.startswith(_HTML_TYPES):
        raise NotHtml(f"not an HTML page ({mime})")
    return Page(
        response.body,
        response.url,
        content_type,
        datetime.now(UTC),
        tuple(keywords),
        tuple(exclude),
    )


def item_of(
    response: Response,
    page: Page,
    article: ExtractedArticle,
    *,
    site: str | None = None,
    fetched_url: str | None = None,
) -> ArticleItem:
    """The item of an extracted ``page`` of ``response``."""
    return ArticleItem(
        article=article,
        raw_html=response.body,
        content_type=page.content_type,
        fetched_url=fetched_url or response.url,
        status=response.status,
        fetched_at=page.fetched_at,
        site=site,
    )
