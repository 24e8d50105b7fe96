"""Small readers over the lxml tree behind a parsel ``Selector``: clean text, class/id hints,
visible text. None of them mutates the tree."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler.extraction.vocabulary import BLOCK_TAGS, NOISE_TOKENS, SKIP_TAGS

_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")


def clean(text: str | None) -> str:
    """Collapse whitespace (ideographic and no-break spaces included) and strip."""
    if not text:
        return ""
    if "\u200b" in text or "\ufeff" in text:
        return _WS.sub(" ", text).strip()
    # the same without the regex: str.split() splits on exactly what \s matches
    return " ".join(text.split())


def is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def hint_of(el: etree._Element) -> str:
    """The element's ``class`` and ``id`` values, lower-cased and space-joined ("" for neither)."""
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return ""
    return f"{cls or ''} {ident or ''}".strip().lower()


def hint_words(el: etree._Element) -> list[str]:
    """The words of the element's class and id (split at spaces, ``_`` and ``-``)."""
    hint = hint_of(el)
    return _TOKEN_SPLIT.split(hint) if hint else []


def is_noise(el: etree._Element, tokens: frozenset[str] = NOISE_TOKENS) -> bool:
    """Whether the element's class/id names page furniture (one of ``tokens``)."""
    hint = hint_of(el)
    return bool(hint) and not tokens.isdisjoint(_TOKEN_SPLIT.split(hint))


def first_tagged(root: etree._Element, tag: str) -> etree._Element | None:
    """The first element named ``tag`` in document order: ``next(root.iter(tag), None)``.

    lxml's iterator finds the match after the one it hands out before handing it out, so
    taking the first of ``root.iter(tag)`` scans the rest of the page when there is one
    (the ``<title>`` in ``<head>``: the whole ``<body>``); searched child by child, the
    look-ahead stays within the child that holds the first match.
    """
    if root.tag == tag:
        return root
    for child in root:
        for el in child.iter(tag):
            return el
    return None


def page_title(root: etree._Element) -> str:
    """The text of the page's first ``<title>``, whitespace collapsed ("" for none)."""
    el = first_tagged(root, "title")
    return "" if el is None else clean("".join(el.itertext()))


def text_of(el: etree._Element) -> str:
    """Visible text of an element, scripts and styles left out."""
    if not len(el):
        # a leaf (most headline candidates): its own text, without the walk (the space the
        # walk puts after a block element is stripped by clean() all the same)
        tag = el.tag
        return "" if not isinstance(tag, str) or tag in SKIP_TAGS else clean(el.text)
    parts: list[str] = []
    _collect_text(el, parts)
    return clean("".join(parts))


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    tag = el.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS:  # is_element's test, on the tag read once
        return
    if el.text:
        parts.append(el.text)
    for child in el:
        _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in BLOCK_TAGS:
        parts.append(" ")
