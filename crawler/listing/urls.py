"""The shapes of URLs and anchors on listing pages: articles, navigation, headlines.

Generic over sites: no CSS classes, no host names. What counts as an article:
a date in the path (``/2023/0129/``, ``/202301/29/``, ``t20230129_123.html``), a
numeric or hashed id ending the path with an extension (``/8121.html``,
``art_123_456.html``, ``content_12345.htm``), or — without an extension
(``/a/20230129A0ABCD00``, ``/detail/12345``) — an id of four digits or more, when
the anchor text reads as a headline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit

from w3lib.url import safe_url_string

# Why a link on a listing page is not followed as an article.
OFF_SITE = "off-site"
NAVIGATION = "navigation"
NOT_ARTICLE = "not an article"
ROBOTS = "robots"
REPEAT = "repeat"

_DATED_PATH = re.compile(
    r"/(?:19|20)\d{2}[-/_]?(?:0[1-9]|1[0-2])(?:[-/_]?(?:0[1-9]|[12]\d|3[01]))?(?:/|[-_]|\d)"
    r"|[/_]t(?:19|20)\d{6}_"
)
_ID_LEAF = re.compile(
    r"/[^/?#]*\d{3,}[^/?#]*\.(?:s?html?|php|aspx?|jsp)$|/(?:detail|content|article|show)[^/]*$",
    re.I,
)
# An id ending an extensionless path: /a/20230129A0ABCD00, /detail/12345, /news/6f3e29a1c0d4.
_BARE_ID_LEAF = re.compile(r"/[A-Za-z0-9_-]*\d{4,}[A-Za-z0-9_-]*/?$")
# Listing pages: list_2.html, list_12_2.html, index_3.html, node_2.htm, /page/2/, /col/col123/…
_LISTING_LEAF = re.compile(
    r"/(?:list|index|node|more|default)(?:[_-]\d+)*\.(?:s?html?|php|aspx?|jsp)$"
    r"|/page/\d+/?$|/col/col\d+/?$",
    re.I,
)
_NON_PAGE = re.compile(
    r"\.(?:jpg|jpeg|png|gif|webp|bmp|svg|pdf|docx?|xlsx?|pptx?|wps|ofd|zip|rar|7z|mp4|mp3|apk|exe|css|js)$",
    re.I,
)
_PAGING_TEXT = re.compile(
    r"^(?:\d{1,4}|首页|尾页|末页|上一页|下一页|上页|下页|前页|后页|next|prev(?:ious)?|first|last"
    r"|更多|更多>>|more|返回|[<>«»‹›＞＜.…|\s]+)$",
    re.I,
)
# A dynamic page's article id: show.php?id=123, index.php?m=content&a=show&catid=10&id=51208
_QUERY_ID = re.compile(
    r"(?:^|&)(?:id|aid|articleid|contentid|newsid|itemid|docid|infoid)=[\w-]*\d{2,}", re.I
)
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Anchors shorter than this are navigation ("首页", "更多"), not headlines.
MIN_HEADLINE_CHARS = 6


def absolute(href: str | None, base: str, folder: str | None = None) -> str | None:
    """``href`` resolved against ``base``; None for script, mail and fragment links.

    A listing's pages repeat most of their links (the pager, the menus), and resolving one
    (``urljoin``, then w3lib's ``safe_url_string``) costs more than classifying it, so the
    results are kept (:func:`_resolve`). An ``href`` with a path, a host or a scheme reads
    ``base`` only up to the last ``/`` of its path (RFC 3986's merge): it is resolved against
    that folder, so the same ``href`` on every page of a folder is resolved once.
    ``folder``: :func:`folder_of` ``base``, when the caller resolves many links of one page.
    """
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
        return None
    if href[0] != "?":  # a query alone keeps the base's path: the whole base matters
        base = folder if folder is not None else folder_of(base)
    return _resolve(href, base)


def folder_of(url: str) -> str:
    """``url`` without its query, fragment and last path segment: ``http://h/a/b.html?x`` →
    ``http://h/a/``; a URL without a path stays itself."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    cut = url.rfind("/")
    return url[: cut + 1] if cut > url.find("://") + 2 else url


@lru_cache(maxsize=8192)
def _resolve(href: str, base: str) -> str | None:
    url = safe_url_string(urljoin(base, href))
    if not url.startswith(("http://", "https://")):
        return None
    return url.split("#", 1)[0]


def looks_like_article_url(url: str) -> bool:
    """A date or an id with an extension in the path (the URL alone, no anchor text)."""
    parts = urlsplit(url)
    path = parts.path
    if _NON_PAGE.search(path):
        return False
    if _QUERY_ID.search(parts.query):
        return True
    if _LISTING_LEAF.search(path):
        return False
    return bool(_DATED_PATH.search(path) or _ID_LEAF.search(path))


def is_bare_id_url(url: str) -> bool:
    """An extensionless path ending in an id: an article if its anchor reads as a headline."""
    path = urlsplit(url).path
    leaf = path.rstrip("/").rsplit("/", 1)[-1]
    return "." not in leaf and bool(_BARE_ID_LEAF.search(path))


def is_listing_url(url: str, page_url: str | None) -> bool:
    """Another page of a listing, a column front or a section: not an article.

    ``page_url``: the page the link is on (None: one with another path than the link's).
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if _QUERY_ID.search(parts.query):
        return False
    if _LISTING_LEAF.search(path):
        return True
    if path.endswith("/"):
        # a folder is a section, unless it is a post's (/2023/01/29/slug/, /a/20230129A0ABCD00/)
        leaf = path.rstrip("/").rsplit("/", 1)[-1]
        dated_post = _DATED_PATH.search(path) and re.search(r"[A-Za-z]", leaf)
        return not (dated_post or _BARE_ID_LEAF.search(path))
    # ?page=2 of the page itself: the same path, the queries differing only in a page number
    if page_url is None:
        return False
    page = urlsplit(page_url)
    if parts.path != page.path or parts.query == page.query:
        return False
    return _without_page_param(parts.query) == _without_page_param(page.query)


_PAGE_PARAM = re.compile(r"^(?:page|p|pn|pageno|pageindex|page_no|pagenum|curpage|start)$", re.I)


def _without_page_param(query: str) -> list[tuple[str, str]]:
    return sorted(
        (k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _PAGE_PARAM.match(k)
    )


def reads_as_headline(text: str) -> bool:
    """Anchor text long enough to be a headline and not a pager's or a menu's word."""
    text = " ".join(text.split())
    if len(text) < MIN_HEADLINE_CHARS or _PAGING_TEXT.match(text):
        return False
    return len(_CJK.findall(text)) >= MIN_HEADLINE_CHARS or len(text.split()) >= 4


def is_paging_text(text: str) -> bool:
    return bool(_PAGING_TEXT.match(" ".join(text.split())))


def link_verdict(url: str, text: str, page_url: str, *, image_map: bool = False) -> str | None:
    """None when the link is an article, else why not (``navigation`` or ``not an article``).

    ``image_map``: an ``<area>`` of an e-paper page, which has no text: its URL alone decides.
    The page the link is on matters only when the link has the page's own path (``?page=2``
    of it); other verdicts are kept (:func:`_verdict_elsewhere`): the pages of a listing
    repeat most of their links, the pager and the menus.
    """
    if _path(url) == _path(page_url):
        return _verdict(url, text, page_url, image_map)
    return _verdict_elsewhere(url, text, image_map)


@lru_cache(maxsize=16384)
def _path(url: str) -> str:
    return urlsplit(url).path


@lru_cache(maxsize=8192)
def _verdict_elsewhere(url: str, text: str, image_map: bool) -> str | None:
    """The verdict on a link whose path is not its page's."""
    return _verdict(url, text, None, image_map)


def _verdict(url: str, text: str, page_url: str | None, image_map: bool) -> str | None:
    path = _path(url)
    if _NON_PAGE.search(path):
        return NOT_ARTICLE
    if is_listing_url(url, page_url):
        return NAVIGATION
    text = " ".join(text.split())
    if looks_like_article_url(url) or (path.endswith("/") and _DATED_PATH.search(path)):
        if image_map or (len(text) >= MIN_HEADLINE_CHARS and not is_paging_text(text)):
            return None
        return NAVIGATION if is_paging_text(text) else NOT_ARTICLE
    if is_bare_id_url(url) and reads_as_headline(text):
        return None
    return NAVIGATION if is_paging_text(text) else NOT_ARTICLE
