"""Founder-style e-papers (数字报): one edition per day, its pages (版面), their articles.

An edition lives in a dated folder (``…/202301/29/node_1.htm`` or
``…/2023-01/29/node_2.htm``); each page is a ``node_N.htm`` in that folder, linked
from every other page (``<a id="pageLink" href="node_2.htm">``), and links its
articles ``content_NNN.htm`` both as a list and through the page image's map
(``<map name="PagePicMap"><area href="content_NNN.htm">``). A site declares the
edition's address as a template: ``epaper = "http://…/{date:%Y%m}/{date:%d}/node_1.htm"``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

_PAGE_LEAF = re.compile(r"/node_\d+\.html?$", re.I)


def is_edition_page(url: str) -> bool:
    return bool(_PAGE_LEAF.search(urlsplit(url).path))


def is_sibling_page(url: str, page_url: str) -> bool:
    """Another page (版面) of the same edition: a ``node_N.htm`` in the same folder."""
    a, b = urlsplit(url), urlsplit(page_url)
    return (
        a.netloc == b.netloc
        and is_edition_page(url)
        and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]
    )


def edition_url(template: str, day: date) -> str:
    """The edition of ``day``: ``template`` with ``{date:FORMAT}`` filled in (strftime formats)."""
    return template.format(date=datetime(day.year, day.month, day.day))


def template_error(template: str) -> str | None:
    """Why ``template`` cannot give an edition's URL, or None when it can."""
    if not template.startswith(("http://", "https://")):
        return f"not an http(s) URL: {template!r}"
    if "{date" not in template:
        return "needs a {date:...} placeholder, e.g. {date:%Y%m}/{date:%d}/node_1.htm"
    try:
        first, second = (
            edition_url(template, date(2023, 1, 29)),
            edition_url(template, date(2023, 1, 30)),
        )
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        return f"cannot fill in the date: {exc!r} (write {{date:%Y%m}}, {{date:%d}} …)"
    if first == second:
        return "the date placeholders do not reach the day: two days give the same URL"
    return None


def days(since: date, until: date) -> list[date]:
    """Every day from ``until`` back to ``since`` (newest first)."""
    if since > until:
        return []
    return [until - timedelta(days=n) for n in range((until - since).days + 1)]
