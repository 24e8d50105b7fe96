"""Publication times a page keeps out of its visible text: in scripts and data attributes.

Templates that render the date client-side leave it only in a script variable
(``var ct = "1659274471"``, ``window.DATA = {"pubtime": "…"}``, ``publish_time: '…'``)
or in an attribute (``<time datetime="…">``, ``<span data-time="…">``). Values are a
date string (read with :func:`parse_stamp`: naive times count as Asia/Shanghai, a
stated zone is kept) or a Unix time in seconds or milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
# Every key above starts with one of these (case aside): where the regex can match.
_KEY_STARTS = ("pub", "ptime", "ct", "date", "create")
_ATTRIBUTES = ("data-time", "data-publish-time", "data-pubtime", "data-date", "data-publishtime")
# all of them in one compiled XPath (an "or" of five attributes in one predicate costs more
# than five passes), each the attributes of the document's elements: what //@name finds, but
# //@name walks every node, the texts too (a third more)
_MARKED = etree.XPath(" | ".join(f"/descendant::*/@{name}" for name in _ATTRIBUTES))
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


def key_matches(text: str) -> Iterator[re.Match[str]]:
    """``_SCRIPT_KEY_RE.finditer(text)``, without running the regex over all of ``text``.

    The regex tried at every character of 200 KB of scripts costs tens of milliseconds;
    a key can only start where the lower-cased text holds one of ``_KEY_STARTS``, which
    ``str.find`` lists in C, so the regex is only matched there, anchored (its
    look-behind still sees the character before). Matches come in the same order and
    do not overlap, as with ``finditer``.
    """
    lower = text.lower()
    if len(lower) != len(text):  # a character that lower-cases to two: positions would shift
        yield from _SCRIPT_KEY_RE.finditer(text)
        return
    starts: set[int] = set()
    find = lower.find
    for key in _KEY_STARTS:
        at = find(key)
        while at >= 0:
            starts.add(at)
            at = find(key, at + 1)
    match = _SCRIPT_KEY_RE.match
    end = 0
    for at in sorted(starts):
        if at >= end:
            m = match(text, at)
            if m is not None:
                end = m.end()
                yield m


def scripted_time(root: etree._Element, now: datetime) -> Stamp | None:
    """The first publication time found in a ``<time datetime>``, a data attribute or a script."""
    for el in root.iter("time"):
        value = el.get("datetime") or el.get("pubdate")
        stamp = _stamp(value, now) if value else None
        if stamp is not None:
            return stamp
    values = _MARKED(root)  # in document order; read name by name, as the list says
    for name in _ATTRIBUTES:
        for value in values:
            stamp = _stamp(value, now) if value.attrname == name else None
            if stamp is not None:
                return stamp
    for script in root.iter("script"):
        text = (script.text or "")[:_MAX_SCRIPT]
        for m in key_matches(text):
            stamp = _stamp(m["quoted"] or m["bare"], now)
            if stamp is not None:
                return stamp
    return None
