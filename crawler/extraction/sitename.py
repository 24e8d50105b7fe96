"""The name of the site that served the page: its meta, else what its ``<title>`` gives after
the headline (moved from ``headline.py``, which reads the headline itself)."""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.headline import title_segments
from crawler.extraction.tree import page_title

_GLUED_TAG_RE = re.compile(r"^[(（][^()（）]{1,8}[)）]")
# What separates the headline from the site in a ``<title>`` written "标题-站名" (a hyphen
# with no spaces is no separator elsewhere: it joins words), left on the rest.
_LEADING_SEPARATOR_RE = re.compile(r"^[\s\-－—–_|｜:：·]+")


def find_site_name(
    root: etree._Element,
    meta: dict[str, str],
    headline: str | None,
    host: str | None,
    title: str | None = None,
) -> str | None:
    """The site that served the page: ``og:site_name``, ``SiteName``, else the ``<title>`` suffix."""
    for key in (
        "og:site_name",
        "sitename",
        "site_name",
        "application-name",
        "apple-mobile-web-app-title",
    ):
        if meta.get(key):
            return meta[key]
    if title is None:
        title = page_title(root)
    if title:
        rest = title
        if headline and title.startswith(headline):
            # (a bracketed tag glued to the headline, "…的尴尬(性的感悟)", names no site)
            rest = _LEADING_SEPARATOR_RE.sub("", _GLUED_TAG_RE.sub("", title[len(headline) :]))
        segments = title_segments(rest)
        # (a last segment that ends with the headline is the headline, or a column name
        # glued to it, "新闻动态两性畸形MDT会议召开": no site's name)
        if segments and (not headline or not segments[-1].endswith(headline)):
            return segments[-1]
    return host
