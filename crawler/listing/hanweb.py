"""Hanweb (大汉 JCMS) columns: records inside ``<script type="text/xml"><datastore>``, paged by a data proxy.

A column page ``/col/col123/index.html`` ships its first records as XML inside a
script, invisible to an HTML parser::

    <script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&…&columnid=123&unitid=456"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2023/1/29/art_123_456.html">…</a></li>]]></record>…

Further records come from the column's data proxy (``/module/web/jpage/dataproxy.jsp``,
the URL in ``<nextgroup>``), which answers the same ``<datastore>`` XML with
``<totalpage>``; its ``page`` parameter counts from 1 and page 1 is what the column
page already shows, so the column's next page is the proxy's page 2.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_TOTAL_PAGES = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)


def has_datastore(text: str) -> bool:
    return "<datastore" in text.lower()


def is_bare_datastore(text: str) -> bool:
    """A data proxy's answer: the XML alone, no HTML page around it."""
    head = text[:2000].lower()
    return has_datastore(text) and "<html" not in head and "<body" not in head


def records(text: str) -> list[str]:
    """The HTML fragments of the ``<record>`` elements, in order."""
    return _RECORD.findall(text)


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return parts._replace(query=urlencode([("page", str(page)), *query])).geturl()


def _page_param(url: str) -> int:
    for key, value in parse_qsl(urlsplit(url).query):
        if key == "page" and value.isdigit():
            return int(value)
    return 1


def next_page(text: str, page_url: str) -> str | None:
    """The data proxy's next page, for a column page or for a proxy answer."""
    if not has_datastore(text):
        return None
    total = _TOTAL_PAGES.search(text)
    total_pages = int(total.group(1)) if total else None
    if urlsplit(page_url).path.endswith("dataproxy.jsp"):
        current = _page_param(page_url)
        if not records(text) or (total_pages is not None and current >= total_pages):
            return None
        return _with_page(page_url, current + 1)
    group = _NEXTGROUP.search(text)
    href = _HREF.search(group.group(1)) if group else None
    if href is None or (total_pages is not None and total_pages <= 1):
        return None
    return _with_page(urljoin(page_url, href.group(1).replace("&amp;", "&")), 2)
