"""Reading one listing page: its article links in page order, its next page, and what was left.

Pure functions over the page's text: spiders call them with a response's text,
``newsmon links`` with a saved file, tests with fixtures. The families of Chinese
CMSs (``hanweb``, ``trs``, ``epaper``) add what a plain HTML parser would miss;
everything else is generic (no site's CSS classes or host names).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from crawler.listing import epaper, hanweb, trs
from crawler.listing.scope import Scope
from crawler.listing.urls import (
    NAVIGATION,
    NOT_ARTICLE,
    OFF_SITE,
    ROBOTS,
    absolute,
    folder_of,
    is_paging_text,
    link_verdict,
)

_NEXT_WORD = re.compile(r"^(?:下一页|下页|后页|后一页|下一頁|next(?:\s*page)?)$", re.I)
_NEXT_ARROWS = re.compile(r"^(?:›|»|>|＞|>>|→)$")
_ARROWS = re.compile(r"[›»>＞→\s]+")
_PAGE_KEY = re.compile(r"^(?:page|p|pn|pageno|pageindex)$", re.I)
_PAGED_LEAF = re.compile(r"^(?P<stem>.*?[_-])(?P<n>\d+)(?P<ext>\.s?html?)$")


@dataclass(frozen=True, slots=True)
class Dropped:
    url: str
    reason: str


@dataclass(slots=True)
class Listing:
    """What newsmon does with a listing page."""

    links: list[str] = field(default_factory=list)
    next_page: str | None = None
    dropped: list[Dropped] = field(default_factory=list)
    #: other pages of the same e-paper edition (版面), to read as well
    pages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "links": list(self.links),
            "next_page": self.next_page,
            "pages": list(self.pages),
            "dropped": [{"url": d.url, "reason": d.reason} for d in self.dropped],
        }


def decode(body: bytes, content_type: str | None = None) -> str:
    """A saved page's text: the HTTP charset, else the BOM, else the page's meta, else UTF-8/GB18030."""
    _, text = html_to_unicode(content_type, body)
    return text


def _parse(text: str) -> Any:
    try:
        return lxml_html.document_fromstring(text or "<html></html>")
    except (ValueError, lxml_html.etree.ParserError):
        return lxml_html.document_fromstring("<html></html>")


class _Walk:
    """One walk over a page's links in document order (Hanweb records in place), which also
    notes the first 下一页/next link of the page itself for :func:`find_next_page`: one pass
    over the page instead of two (docs/benchmarks.md, Crawling, "Session 10")."""

    __slots__ = ("by_word", "folder", "page_url")

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.folder = folder_of(page_url)
        #: the first ``<link rel=next>``'s URL, or the first ``<a>`` to another page that reads
        #: as the next one (:func:`_is_next`); None: none
        self.by_word: str | None = None

    def anchors(self, root: Any, seeking: bool = True) -> Iterator[tuple[str | None, str, bool]]:
        """``(href, text, is_area)`` of every link of ``root`` in document order; ``seeking``:
        note the next page (not in a Hanweb record: those are not the page's pager)."""
        for el in root.iter("a", "area", "script", "link"):
            tag = el.tag
            if tag == "a":
                raw = _text(el)
                title = (el.get("title") or "").strip()
                href = el.get("href")
                if seeking and _is_next(el, raw, title):
                    url = absolute(href, self.page_url, self.folder)
                    if url and url != self.page_url:
                        self.by_word, seeking = url, False
                text = raw
                if len(text) < len(title) and (not text or text.endswith(("...", "…"))):
                    text = title  # a headline cut short in the list, whole in the title
                yield href, text or title, False
            elif tag == "link":
                if seeking and "next" in (el.get("rel") or "").lower().split():
                    self.by_word = absolute(el.get("href"), self.page_url, self.folder)
                    seeking = False
            elif tag == "area":
                yield el.get("href"), (el.get("alt") or el.get("title") or "").strip(), True
            else:  # a script: a Hanweb datastore's records are links of the page
                body = el.text or ""
                if hanweb.has_datastore(body):
                    for record in hanweb.records(body):
                        yield from self.anchors(_parse(record), seeking=False)


def _text(el: Any) -> str:
    """The element's text, whitespace collapsed (``itertext`` only when it has children:
    on a listing of plain text links that walk was most of the reading)."""
    if len(el):
        return " ".join(" ".join(el.itertext()).split())
    return " ".join((el.text or "").split())


def _is_next(a: Any, raw: str, title: str) -> bool:
    """An ``<a>`` that reads as the next page: ``rel=next``, 下一页/next, or an arrow alone."""
    if "next" in (a.get("rel") or "").lower().split():
        return True
    words = _ARROWS.sub("", raw) or title
    return bool(_NEXT_WORD.match(words) or (raw and _NEXT_ARROWS.match(raw)))


def read_listing(
    text: str,
    page_url: str,
    *,
    scope: Scope | None = None,
    pattern: re.Pattern[str] | None = None,
    allowed: Callable[[str], bool] | None = None,
) -> Listing:
    """Classify every link of the page at ``page_url`` (its ``text``) and find its next page.

    ``scope``: the hosts of the site (default: the registrable domain of ``page_url``);
    ``pattern``: a site's ``article_url_pattern``, which then alone decides what is an
    article (scope still applies); ``allowed``: robots.txt's verdict on a URL.
    """
    scope = scope or Scope.of_site([page_url])
    if hanweb.is_bare_datastore(text):
        text = "<html><body>" + "".join(hanweb.records(text)) + "</body></html>" + text
    root = _parse(text)
    is_edition = epaper.is_edition_page(page_url)
    links: dict[str, None] = {}
    dropped: dict[str, str] = {}
    pages: dict[str, None] = {}
    walk = _Walk(page_url)
    for href, anchor_text, is_area in walk.anchors(root):
        url = absolute(href, page_url, walk.folder)
        if url is None or url == page_url or url in links:
            continue
        if not scope.contains(url):
            dropped.setdefault(url, OFF_SITE)
            continue
        if is_edition and epaper.is_sibling_page(url, page_url):
            pages[url] = None
            dropped.setdefault(url, NAVIGATION)
            continue
        if pattern is not None:
            reason = None if pattern.search(url) else NOT_ARTICLE
        else:
            reason = link_verdict(url, anchor_text, page_url, image_map=is_area)
        if reason is None and allowed is not None and not allowed(url):
            reason = ROBOTS
        if reason is None:
            links[url] = None
            dropped.pop(url, None)  # an image link to it came first
        elif reason == ROBOTS:
            dropped[url] = reason  # it is an article, but one the site asks us to leave
        else:
            dropped.setdefault(url, reason)
    following = None if is_edition else find_next_page(root, text, page_url, scope, walk.by_word)
    return Listing(
        links=list(links),
        next_page=following,
        dropped=[Dropped(u, r) for u, r in dropped.items()],
        pages=list(pages),
    )


# --------------------------------------------------------------------------- the next page


def find_next_page(
    root: Any, text: str, page_url: str, scope: Scope, by_word: str | None
) -> str | None:
    """The listing's next page: the CMS's own pager, a 下一页/next link, else the numbered pages.

    Each way is tried only when those before it found nothing (a 下一页 link spares the
    walks over every link that the numbered pager and the address take). ``by_word``: the
    page's first 下一页/next link (or ``<link rel=next>``), which the walk over its links
    noted (:class:`_Walk`).
    """
    ways: tuple[Callable[[], str | None], ...] = (
        lambda: hanweb.next_page(text, page_url),
        lambda: trs.next_page(text, page_url),
        lambda: by_word,
        lambda: _next_by_number(root, page_url),
        lambda: _next_by_address(root, page_url),
    )
    for way in ways:
        candidate = way()
        if candidate and candidate != page_url and scope.contains(candidate):
            return candidate
    return None


def _next_by_number(root: Any, page_url: str) -> str | None:
    """Numbered pager links ``1 2 [3] 4``: the link after the current page."""
    numbered: dict[int, str] = {}
    for a in root.iter("a"):
        label = _text(a).strip("[]【】 ")
        if label.isdigit() and len(label) <= 4:
            url = absolute(a.get("href"), page_url)
            if url:
                numbered.setdefault(int(label), url)
    if not numbered:
        return None
    current = next((n for n, u in numbered.items() if u == page_url), None)
    if current is None:
        current = _current_from_gap(sorted(numbered))
    if current is None:
        current = _page_number(page_url)
    return numbered.get(current + 1)


def _next_by_address(root: Any, page_url: str) -> str | None:
    """A link to page N+1 by its address (``list_3.html``, ``?page=3``), whatever its text ("加载更多")."""
    current = _page_number(page_url)
    wanted = {_with_page_number(page_url, current + 1), _with_query_page(page_url, current + 1)}
    for a in root.iter("a"):
        url = absolute(a.get("href"), page_url)
        if url and url in wanted:
            return url
    return None


def _with_query_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    key = next((k for k, _ in query if _PAGE_KEY.match(k)), "page")
    kept = [(k, v) for k, v in query if k != key]
    return parts._replace(query=urlencode([*kept, (key, str(number))])).geturl()


def _current_from_gap(numbers: list[int]) -> int | None:
    """The page not linked inside the pager's range (the current one), or 1 when it starts at 2."""
    for a, b in itertools.pairwise(numbers):
        if b - a == 2:
            return a + 1
    return 1 if numbers[0] == 2 else None


def _page_number(url: str) -> int:
    parts = urlsplit(url)
    match = re.search(r"(?:^|&)(?:page|p|pn|pageno|pageindex)=(\d+)", parts.query, re.I)
    if match:
        return int(match.group(1))
    match = re.search(r"/page/(\d+)/?$", parts.path)
    if match:
        return int(match.group(1))
    leaf = _PAGED_LEAF.match(parts.path.rsplit("/", 1)[-1])
    return int(leaf.group("n")) if leaf else 1


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


def is_pager_text(text: str) -> bool:
    return is_paging_text(text)
