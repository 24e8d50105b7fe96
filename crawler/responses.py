"""From a Scrapy response to an ``ArticleItem``: the one place that hands page bytes to extraction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from scrapy.http import Response

from crawler.extraction import ExtractionError, extract_bytes
from crawler.items import ArticleItem

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


class NotHtml(ExtractionError):
    """The response is a PDF, an image, JSON... not a page an article can be read from."""


def content_type_of(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def article_item(
    response: Response,
    *,
    site: str | None = None,
    keywords: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fetched_url: str | None = None,
) -> ArticleItem:
    """Extract the article on ``response``; raise :class:`ExtractionError` saying why it is not one."""
    content_type = content_type_of(response)
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and not mime.startswith(_HTML_TYPES):
        raise NotHtml(f"not an HTML page ({mime})")
    fetched_at = datetime.now(UTC)
    article = extract_bytes(
        response.body,
        url=response.url,
        content_type=content_type,
        fetched_at=fetched_at,
        keywords=keywords,
        exclude=exclude,
    )
    return ArticleItem(
        article=article,
        raw_html=response.body,
        content_type=content_type,
        fetched_url=fetched_url or response.url,
        status=response.status,
        fetched_at=fetched_at,
        site=site,
    )
