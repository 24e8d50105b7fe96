"""Publication times a page keeps out of its visible text: in scripts and data attributes.

Templates that render the date client-side leave it only in a script variable
(``var ct = "1659274471"``, ``window.DATA = {"pubtime": "…"}``, ``publish_time: '…'``)
or in an attribute (``<time datetime="…">``, ``<span data-time="…">``). Values are a
date string (read with :func:`parse_stamp`: naive times count as Asia/Shanghai, a
stated zone is kept) or a Unix time in seconds or milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from crawler.extraction.dates import SHANGHAI, Stamp, parse_stamp

# A publication key, then = or :, then a quoted or bare value.
_SCRIPT_KEY_RE = re.compile(
    r"""(?<![A-Za-z_])["']?(?:publish_?time|publish_?date|pub_?time|pub_?date|ptime|ct"""
    r"""|date_?published|publishTime|publishDate|pubTime|pubDate|createTime|create_time)["']?"""
    r"""\s*[:=]\s*(?:["'](?P<quoted>[^"'\n]{8,40})["']|(?P<bare>\d{10}(?:\d{3})?)(?!\d))""",
    re.IGNORECASE,
)
_ATTRIBUTES = ("data-time", "data-publish-time", "data-pubtime", "data-date", "data-publishtime")
_EPOCH_RE = re.compile(r"^\d{10}(?:\d{3})?$")
_MAX_SCRIPT = 200_000


def _stamp(value: str, now: datetime) -> Stamp | None:
    value = value.strip()
    if _EPOCH_RE.match(value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        when = datetime.fromtimestamp(seconds, UTC).astimezone(SHANGHAI)
        return Stamp(when, True) if when.year >= 1990 and when <= now else None
    stamp = parse_stamp(value, now=now)
    return stamp if stamp is not None and stamp.when <= now else None


def scripted_time(root: etree._Element, now: datetime) -> Stamp | None:
    """The first publication time found in a ``<time datetime>``, a data attribute or a script."""
    for el in root.iter("time"):
        value = el.get("datetime") or el.get("pubdate")
        stamp = _stamp(value, now) if value else None
        if stamp is not None:
            return stamp
    for name in _ATTRIBUTES:
        for el in root.xpath(f"//*[@{name}]"):
            stamp = _stamp(el.get(name) or "", now)
            if stamp is not None:
                return stamp
    for script in root.iter("script"):
        text = (script.text or "")[:_MAX_SCRIPT]
        for m in _SCRIPT_KEY_RE.finditer(text):
            stamp = _stamp(m["quoted"] or m["bare"], now)
            if stamp is not None:
                return stamp
    return None
