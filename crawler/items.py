"""Typed items that leave the spiders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.extraction import ExtractedArticle


@dataclass(slots=True)
class ArticleItem:
    """An extracted article together with what is needed to store and re-extract it."""

    article: ExtractedArticle
    #: the page, compressed for the archive (``storage.repository.Compressed``) from the spider
    #: on: an item waits for its batch, and a fifth of the bytes wait with it
    raw_html: bytes
    content_type: str | None
    fetched_url: str
    status: int
    fetched_at: datetime
    site: str | None = None
