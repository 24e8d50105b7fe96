"""Sitemaps and feeds: the URLs they list and when they say each last changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from scrapy.utils.sitemap import Sitemap

from crawler.listing.urls import absolute as _absolute


@dataclass(frozen=True, slots=True)
class Entry:
    """A URL a sitemap or feed lists, with the time it says the URL last changed."""

    url: str
    modified: datetime | None = None


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def sitemap_entries(body: bytes) -> tuple[str, list[Entry]]:
    """``(kind, entries)`` of a sitemap: kind is ``urlset`` or ``sitemapindex``."""
    sitemap = Sitemap(body)
    entries = [Entry(e["loc"], _parse_time(e.get("lastmod"))) for e in sitemap if e.get("loc")]
    return sitemap.type or "urlset", entries


def feed_entries(body: bytes, base_url: str) -> list[Entry]:
    """Items of an RSS 2.0 or Atom feed: their links and publication/update times."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(body, parser=parser)
    if root is None:
        return []
    return list(_feed_items(root, base_url))


def _feed_items(root: etree._Element, base_url: str) -> Iterator[Entry]:
    for item in root.iter("{*}item", "{*}entry"):
        link = None
        for el in item.iter("{*}link"):
            href = el.get("href") or (el.text or "").strip()
            if href and el.get("rel", "alternate") == "alternate":
                link = href
                break
        if not link:
            guid = item.find("{*}guid")
            link = (guid.text or "").strip() if guid is not None else None
        url = _absolute(link or "", base_url)
        if url is None:
            continue
        when = None
        for name in ("pubDate", "published", "updated", "date"):
            el = item.find("{*}" + name)
            if el is not None and el.text:
                when = _parse_time(el.text)
                break
        yield Entry(url, when)
