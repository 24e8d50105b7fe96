"""Typed items that leave the spiders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.extraction import Article


@dataclass(slots=True)
class ArticleItem:
    """An extracted article together with what is needed to store and re-extract it."""

    article: Article
    raw_html: bytes
    content_type: str | None
    fetched_url: str
    status: int
    fetched_at: datetime
    site: str | None = None
