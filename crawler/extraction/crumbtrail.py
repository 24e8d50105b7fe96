"""Whether an element prints a breadcrumb trail: links joined by arrows (首页 >> 婚恋资讯 >> 泰国文化).
The crumbs themselves, read for the source step, are ``breadcrumb.py``'s."""

from __future__ import annotations

import re

from lxml import etree

# what a trail prints between two of its links: arrows, alone or doubled, spaced or not
_CRUMB_JOIN_RE = re.compile(r"^[\s\xa0]*(?:>{1,2}|»|›|→|＞)[\s\xa0]*$")


def holds_crumbs(el: etree._Element) -> bool:
    """Whether ``el`` holds two links with only an arrow between them (a link's tail, ">>",
    "»", "→"): a breadcrumb trail, never the headline, even inside a heading (泰国华人婚介所's
    ``<h1>`` "首页 >> 婚恋资讯 >> 泰国文化", 人民美术网's ``<h3>`` "人民美术网 > 趣闻 > …",
    中国人民公安大学出版社's ``<h1>`` "…→警察文摘→法案")."""
    for link in el.iter("a"):
        if link.tail and _CRUMB_JOIN_RE.match(link.tail):
            nxt = link.getnext()
            if nxt is not None and nxt.tag == "a":
                return True
    return False
