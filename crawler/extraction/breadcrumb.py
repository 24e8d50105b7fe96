"""The breadcrumb trail above the headline (首页 > 新闻 > 本地), as a list of crumbs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lxml import etree

from crawler.extraction.tree import clean, hint_of
from crawler.extraction.vocabulary import CRUMB_LABEL, CRUMB_SEPARATORS, CRUMB_TOKENS

# what separates crumbs in a piece of text: arrows, bars, slashes, a spaced hyphen, a dash
_CRUMB_SPLIT_RE = re.compile(r"\s*[>›»→|/]+\s*|\s+-\s+|\s*—\s*")


def _crumb_parts(el: etree._Element) -> list[str]:
    parts: list[str] = []
    for piece in el.itertext():
        piece = clean(piece)
        if not piece:
            continue
        piece = CRUMB_LABEL.sub("", piece).strip()
        for token in _CRUMB_SPLIT_RE.split(piece):
            token = token.strip(" :：·")
            if token and not all(ch in CRUMB_SEPARATORS for ch in token):
                parts.append(token)
    return parts


_CRUMB_TAGS = frozenset({"div", "p", "span", "nav", "ol", "ul", "td", "section", "li"})
# any of the crumb words in a class/id value: one scan, not one per word
_CRUMB_HINT_RE = re.compile("|".join(map(re.escape, CRUMB_TOKENS)))


def find_breadcrumb(root: etree._Element, before: etree._Element | None) -> list[str]:
    """Crumbs from the element that says it is a breadcrumb, or a run of links joined by ``>``.

    Only the elements holding links before the headline can be crumbs, so the
    candidates are the links' near ancestors, not every element of the page.
    """
    tags = ("a",) if before is None else ("a", before.tag)
    first_seen: dict[etree._Element, tuple[int, int]] = {}
    parents: set[etree._Element | None] = set()  # a link's near ancestors are its sibling's
    for index, link in enumerate(root.iter(*tags)):
        if link is before:
            break
        if link.tag != "a":
            continue
        node = link.getparent()
        if node in parents:
            continue
        parents.add(node)
        for level in range(3):
            if node is None:
                break
            if node.tag in _CRUMB_TAGS and node not in first_seen:
                # (first link, -level) sorts the candidates in document order
                first_seen[node] = (index, -level)
            node = node.getparent()
    hinted: list[etree._Element] = []
    others: list[etree._Element] = []
    for el in sorted(first_seen, key=first_seen.__getitem__):
        links = 0
        for links, _ in enumerate(el.iter("a"), 1):  # counted up to 9
            if links > 8:
                break
        if links < 2 or links > 8:
            continue
        hint = hint_of(el)
        if hint and _CRUMB_HINT_RE.search(hint):
            hinted.append(el)
        else:
            others.append(el)
    # the crumb nearest the headline is the page's own; a labelled one beats a bare run of
    # links with only separators between them (looked for only when no labelled one reads
    # as crumbs: most candidates are menus, whose whole text that look walks)
    for el in reversed(hinted):
        parts = _crumb_parts(el)
        if _are_crumbs(parts):
            return parts
    for el in others:
        if _only_separators(el):
            parts = _crumb_parts(el)
            if _are_crumbs(parts):
                return parts
    return []


def _are_crumbs(parts: list[str]) -> bool:
    return 2 <= len(parts) <= 8 and all(len(p) <= 20 for p in parts)


_ARROWS = frozenset(">›»→")


def _only_separators(el: etree._Element) -> bool:
    """Whether the text between the element's links is separators only, an arrow among them."""
    return _separators(el) is True


def _separators(el: etree._Element) -> bool | None:
    """None at the first text between links (not inside them) that is not a separator,
    else whether an arrow was among them. Stops there: most candidates are menus with words."""
    arrow = False
    text = el.text
    if text and not text.isspace():
        text = clean(text)
        if not CRUMB_SEPARATORS.issuperset(text):
            return None
        arrow = not _ARROWS.isdisjoint(text)
    for child in el:
        if child.tag.__class__ is str and child.tag != "a":
            found = _separators(child)
            if found is None:
                return None
            arrow = arrow or found
        tail = child.tail
        if tail and not tail.isspace():
            tail = clean(tail)
            if not CRUMB_SEPARATORS.issuperset(tail):
                return None
            arrow = arrow or not _ARROWS.isdisjoint(tail)
    return arrow


# A link to a listing of the site's stories: a path segment naming a category, topic, column,
# section, channel or tag before the listing's own name ("/category/movie-tv",
# "/zh/news/topic/human-rights"). Matched over each link's href in Python: an XPath of
# contains() tests takes three to four times as long on a page of 300 links.
_LISTING_HREF_RE = re.compile(r"/(?:categor(?:y|ies)|topics?|columns?|sections?|channels?|tags?)/")


def jsonld_crumbs(jsonld: Iterable[Mapping[str, Any]]) -> list[str]:
    """The names of a JSON-LD ``BreadcrumbList``'s items (主页, 电影), in their order.

    An item names itself (``name``) or its page (``item.name``); a list of types counts.
    """
    names: list[str] = []
    for obj in jsonld:
        kind = obj.get("@type")
        if kind != "BreadcrumbList" and not (isinstance(kind, list) and "BreadcrumbList" in kind):
            continue
        items = obj.get("itemListElement")
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, Mapping):
                continue
            name = item.get("name")
            page = item.get("item")
            if not isinstance(name, str) and isinstance(page, Mapping):
                name = page.get("name")
            if isinstance(name, str) and (name := clean(name)):
                names.append(name)
    return names


class ColumnNames:
    """The names of the columns an article could be filed under, for ``value in columns``.

    The parts of the page's ``<title>`` and the crumbs of its breadcrumb but the headline
    (given: the crumbs its markup shows before the headline, or its JSON-LD ``BreadcrumbList``
    names — "无线新闻 > 特朗普新政 > …" on TVB, "主页 » 电影" on 韩星网), and — looked up only when a name is not
    among them — the text of every link to a listing of the site's stories (see
    ``_LISTING_HREF_RE``), each passed through ``fold`` (the simplified script of a
    traditional page). A name beside the date that one of these links shows is the column
    the story is filed under: "2024/08/20 影劇" (關鍵評論網, /category/movie-tv), "2022年3月31日
    人权" (UN News, /zh/news/topic/human-rights).
    """

    __slots__ = ("_fold", "_linked", "_named", "_root")

    def __init__(
        self, root: etree._Element, named: set[str], fold: Callable[[str], str] = str
    ) -> None:
        self._root, self._named, self._fold = root, named, fold
        self._linked: set[str] | None = None

    def __contains__(self, value: object) -> bool:
        if value in self._named:
            return True
        if self._linked is None:
            self._linked = {
                self._fold(text)
                for a in self._root.iter("a")
                if _LISTING_HREF_RE.search(a.get("href") or "")
                and (text := clean("".join(a.itertext())))
            }
        return value in self._linked
