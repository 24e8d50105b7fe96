"""Reading listing pages, sitemaps and feeds: which links are articles, where the next page is.

Pure functions over a parsel ``Selector`` or bytes, like the extractor: spiders
call them, tests feed them saved pages. The heuristics are generic (no site's
CSS classes); a site profile's ``article_url_pattern`` overrides the article test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector
from scrapy.utils.sitemap import Sitemap
from w3lib.url import safe_url_string

# A date in the path (/2023/0129/, /202301/29/, /2023-01-29/, t20230129_123.html) or a
# numeric or hashed id ending the path (/8121.html, /content_12345.htm, /a/5f3e2b.shtml).
_DATED_PATH = re.compile(
    r"/(?:19|20)\d{2}[-/_]?(?:0[1-9]|1[0-2])(?:[-/_]?(?:0[1-9]|[12]\d|3[01]))?(?:/|[-_]|\d)"
    r"|[/_]t(?:19|20)\d{6}_"
)
_ID_LEAF = re.compile(
    r"/[^/?#]*\d{3,}[^/?#]*\.(?:s?html?|php|aspx?|jsp)$|/(?:detail|content|article|show)[^/]*$",
    re.I,
)
# Listing pages themselves: list_2.html, index_3.html, /page/2/, ?page=2.
_LISTING_LEAF = re.compile(r"/(?:list|index|node|more)(?:_\d+)?\.s?html?$|/page/\d+/?$", re.I)
_NEXT_TEXT = re.compile(r"^(?:下一页|下页|后一页|next(?:\s*page)?|›|»|>|＞|>>)$", re.I)
_PAGED_LEAF = re.compile(r"^(?P<stem>.*?[_-])(?P<n>\d+)(?P<ext>\.s?html?)$")
#: Anchors shorter than this are navigation ("首页", "更多"), not headlines.
MIN_HEADLINE_CHARS = 6
_NON_PAGE = re.compile(r"\.(?:jpg|jpeg|png|gif|webp|pdf|docx?|xlsx?|zip|rar|mp4|mp3)$", re.I)


def _same_site(url: str, base: str) -> bool:
    host, base_host = urlsplit(url).hostname or "", urlsplit(base).hostname or ""
    if host == base_host:
        return True
    # news.example.com and www.example.com are one site; compare the last two labels
    return host.split(".")[-2:] == base_host.split(".")[-2:] and not host.replace(".", "").isdigit()


def _absolute(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
        return None
    url = safe_url_string(urljoin(base, href))
    if not url.startswith(("http://", "https://")):
        return None
    return url.split("#", 1)[0]


def looks_like_article_url(url: str) -> bool:
    path = urlsplit(url).path
    if _NON_PAGE.search(path) or _LISTING_LEAF.search(path):
        return False
    return bool(_DATED_PATH.search(path) or _ID_LEAF.search(path))


def article_links(
    sel: Selector, page_url: str, pattern: re.Pattern[str] | None = None
) -> list[str]:
    """Article URLs linked from a listing page, in page order, without repeats.

    With ``pattern``, a link is an article when the pattern matches its URL.
    Otherwise it must be on the same site, look like an article URL (a date or
    a numeric id in the path) and carry headline-length anchor text — which
    leaves out navigation, section fronts and pagination.
    """
    found: dict[str, None] = {}
    for a in sel.root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        url = _absolute(href, page_url)
        if url is None or url == page_url or url in found:
            continue
        if pattern is not None:
            if pattern.search(url):
                found[url] = None
            continue
        if not _same_site(url, page_url) or not looks_like_article_url(url):
            continue
        text = " ".join(a.itertext()).strip() or (a.get("title") or "").strip()
        if len(text) >= MIN_HEADLINE_CHARS:
            found[url] = None
    return list(found)


def next_page(sel: Selector, page_url: str) -> str | None:
    """The listing's next page: a link saying 下一页/next, else ``list_N+1.html``-style numbering."""
    for a in sel.root.iter("a"):
        text = " ".join(a.itertext()).strip()
        rel = (a.get("rel") or "").lower()
        if (text and _NEXT_TEXT.match(text)) or rel == "next":
            url = _absolute(a.get("href") or "", page_url)
            if url and url != page_url:
                return url
    for link in sel.root.iter("link"):
        if (link.get("rel") or "").lower() == "next" and link.get("href"):
            return _absolute(link.get("href") or "", page_url)
    # Numbered pages: follow the link to page N+1 when the page links to it.
    current = _page_number(page_url)
    wanted = _with_page_number(page_url, current + 1)
    if wanted:
        for a in sel.root.iter("a"):
            url = _absolute(a.get("href") or "", page_url)
            if url == wanted:
                return url
    return None


def _page_number(url: str) -> int:
    leaf = urlsplit(url).path.rsplit("/", 1)[-1]
    match = _PAGED_LEAF.match(leaf)
    return int(match.group("n")) if match else 1


def _with_page_number(url: str, number: int) -> str | None:
    parts = urlsplit(url)
    head, _, leaf = parts.path.rpartition("/")
    match = _PAGED_LEAF.match(leaf)
    if match:
        new_leaf = f"{match.group('stem')}{number}{match.group('ext')}"
    else:
        stem, dot, ext = leaf.rpartition(".")
        if not dot or ext.lower() not in ("html", "htm", "shtml"):
            return None
        new_leaf = f"{stem}_{number}.{ext}"
    return parts._replace(path=f"{head}/{new_leaf}").geturl()


# --------------------------------------------------------------------------- sitemaps and feeds


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
