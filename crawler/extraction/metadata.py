"""What a page says about itself in markup: ``<meta>`` tags and JSON-LD objects."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from crawler.extraction.tree import clean

# Meta names (lower-cased) that carry the publication time, most explicit first.
PUBLISHED_METAS: tuple[str, ...] = (
    "article:published_time",
    "og:article:published_time",
    "published_time",
    "og:published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "publishtime",
    "publish_time",
    "pubtime",
    "og:release_date",
    "release_date",
    "datepublished",
    "firstpublishedtime",
    "og:time",
    "weibo: article:create_at",
    "bytedance:published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
)
# Metas that say when the page last changed: a year anchor and a last resort only,
# because an update time is not the publication time (baijiahao's dateUpdate happens
# to equal it, most CMSs' do not).
UPDATED_METAS: tuple[str, ...] = (
    "dateupdate",
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmodified",
    "last-modified",
    "weibo: article:update_at",
    "updatetime",
    "update_time",
)
PUBLISHED_JSONLD = ("datePublished", "dateCreated", "uploadDate")
UPDATED_JSONLD = ("dateModified",)


def read_meta(root: etree._Element) -> dict[str, str]:
    """``<meta>`` contents keyed by lower-cased name/property/itemprop/http-equiv; first wins."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), clean(content))
    return meta


def read_jsonld(root: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members flattened; broken JSON ignored."""
    found: list[dict[str, Any]] = []
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
    return found


# Where the text is not shown to a reader (the head's <title> and metas are not in the body).
_NOT_SHOWN = frozenset({"script", "style", "noscript", "template"})


def _shown_texts(root: etree._Element) -> list[str]:
    """The page's text a reader is shown, in document order: the ``<body>``'s text nodes
    outside scripts, styles, noscripts and templates — what the XPath
    ``//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or
    ancestor::template)]`` lists, by one walk of the body in lxml (``iterwalk``, the hidden
    elements' insides skipped). The XPath tests every text node's ancestors four times: 1.4×
    the page's parse on a median *tune* page, the walk 0.6×."""
    texts: list[str] = []
    for body in root.iter("body"):
        if any(node.tag in _NOT_SHOWN or node.tag == "body" for node in body.iterancestors()):
            continue  # (in a hidden element, or a body inside a body: walked with that one)
        walk = etree.iterwalk(body, events=("start", "end", "comment", "pi"))
        for event, el in walk:
            if event == "start":
                if el.tag in _NOT_SHOWN:
                    walk.skip_subtree()  # (its "end" still comes, with its tail)
                elif el.text:
                    texts.append(el.text)
            # a comment's or a processing instruction's own text is no text node; its tail is
            elif el.tail and el is not body:
                texts.append(el.tail)
    return texts


class ShownText:
    """Whether the page shows a value in its text, for ``value in shown`` (spaces ignored).

    A meta that claims a credit the page never prints is the CMS's default, not the
    article's: 台州医院's ``source`` meta names the hospital (浙江省台州医院) and 南阳市公安局's
    ``ContentSource`` its city government (南阳市人民政府), neither anywhere on the page. The
    text is gathered only when first asked, so a page with no such meta pays nothing.
    """

    __slots__ = ("_root", "_text")

    def __init__(self, root: etree._Element) -> None:
        self._root = root
        self._text: str | None = None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        if self._text is None:
            self._text = "".join("".join(_shown_texts(self._root)).split())
        return "".join(value.split()) in self._text


def jsonld_value(jsonld: list[dict[str, Any]], key: str) -> str | None:
    for obj in jsonld:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return clean(value)
    return None


def stated_address(root: etree._Element, meta: dict[str, str]) -> str | None:
    """The address the page gives for itself: its canonical link, ``og:url`` or ``<base href>``.

    Read from the ``<head>`` (and the metas), where pages print them.
    Only an absolute http(s) address counts (a relative canonical names no host). A saved
    or forwarded page still says where it lives: 明報's canonical link
    (``…/article/20241024/s00013/…``), an e-paper reader's ``<base href>``
    (``…/epaper/article/2010-05-26/384576``).
    """
    # all three live in the head: no walk of the whole page (``root.find("head")``, the same
    # child, goes through ElementPath's parser and cost more than the rest of this function)
    head = next((child for child in root if child.tag == "head"), None)
    found: list[str | None] = []
    if head is not None:
        found += [
            el.get("href") for el in head.iter("link") if "canonical" in (el.get("rel") or "")
        ]
    found.append(meta.get("og:url"))
    if head is not None:
        found += [el.get("href") for el in head.iter("base")]
    for value in found:
        value = (value or "").strip()
        if value.lower().startswith(("http://", "https://")):
            return value
    return None
