"""Reading listing pages, e-paper editions, JSON listings, sitemaps and feeds.

One module per family: ``page`` (the generic reader and the next page), ``hanweb``
(大汉 JCMS datastore columns), ``trs`` (TRS WCM ``createPageHTML`` paging),
``epaper`` (founder-style 数字报), ``jsonapi`` (declared "加载更多" APIs), ``feeds``
(sitemaps, RSS/Atom), ``scope`` (which hosts are the site's), ``urls`` (URL shapes).
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.listing.feeds import Entry, feed_entries, sitemap_entries
from crawler.listing.page import Dropped, Listing, decode, read_listing
from crawler.listing.scope import Scope, registrable_domain
from crawler.listing.urls import MIN_HEADLINE_CHARS, absolute, looks_like_article_url

__all__ = [
    "MIN_HEADLINE_CHARS",
    "Dropped",
    "Entry",
    "Listing",
    "Scope",
    "absolute",
    "article_links",
    "decode",
    "feed_entries",
    "looks_like_article_url",
    "next_page",
    "read_listing",
    "registrable_domain",
    "sitemap_entries",
]


def article_links(
    sel: Selector, page_url: str, pattern: re.Pattern[str] | None = None
) -> list[str]:
    """Article URLs linked from a listing page, in page order, without repeats."""
    return read_listing(sel.get(), page_url, pattern=pattern).links


def next_page(sel: Selector, page_url: str) -> str | None:
    """The listing's next page, or None."""
    return read_listing(sel.get(), page_url).next_page
