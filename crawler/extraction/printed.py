"""The page read as printed lines: the headline printed just above the dated info line."""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.tree import clean, text_of

# tags that run on within a line; any other element starts and ends one (a <br> too)
_INLINE = frozenset(
    {"a", "span", "strong", "b", "em", "i", "font", "u", "small", "big", "sub", "sup", "img"}
)
_SKIPPED = frozenset({"script", "style", "title", "head", "option", "select", "button", "textarea"})
_DATE_RE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
# a date, a clock or an info-line label: the line under a headline, not the headline
INFO_LINE_RE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d|\d{1,2}:\d{2}|来源|來源|作者|时间|時間|日期|编辑|編輯|记者|記者|发布|發布"
)
#: how long a dated line beside a heading may be ("日期：2023-06-23", "发布时间：… 来源：…")
_DATE_LINE = 40
#: how many lines may stand between the info line and the body (share and follow boxes)
_MAX_GAP = 6


class _Line:
    __slots__ = ("holders", "linked", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.holders: list[etree._Element] = []
        self.linked = False

    def text(self) -> str:
        return clean("".join(self.parts))


def _lines_before(root: etree._Element, container: etree._Element) -> list[_Line] | None:
    """The page's printed lines before the body ``container`` (None when it is not reached)."""
    lines: list[_Line] = [_Line()]
    skipped = 0
    linked = 0

    def add(text: str | None, holder: etree._Element) -> None:
        if text and text.strip() and not skipped:
            line = lines[-1]
            line.parts.append(text)
            line.holders.append(holder)
            line.linked = line.linked or linked > 0

    def cut() -> None:
        if lines[-1].parts:
            lines.append(_Line())

    def close(el: etree._Element) -> None:
        nonlocal skipped, linked
        tag = el.tag
        if tag in _SKIPPED:
            skipped -= 1
        elif tag == "a":
            linked -= 1
        if tag not in _INLINE:
            cut()
        add(el.tail, el.getparent())

    # (root.iter() gives the elements and comments in document order, starts only: an
    # element is closed when the walk reaches one outside it)
    open_ones: list[etree._Element] = []
    for el in root.iter():
        parent = el.getparent()
        while open_ones and open_ones[-1] is not parent:
            close(open_ones.pop())
        tag = el.tag
        if not isinstance(tag, str):  # a comment: only what follows it counts
            add(el.tail, parent)
            continue
        if el is container:
            if not lines[-1].parts:
                lines.pop()
            return lines
        if tag in _SKIPPED:
            skipped += 1
        elif tag == "a":
            linked += 1
        if tag not in _INLINE:
            cut()
        add(el.text, el)
        open_ones.append(el)
    return None


def above_the_info_line(
    root: etree._Element, container: etree._Element | None
) -> tuple[str, etree._Element | None] | None:
    """The line printed just above the dated info line over the body, with the element that
    holds it alone (None when it shares its element with other text).

    The last line before the body ``container`` that holds a date is the info line; it must
    stand at most ``_MAX_GAP`` lines above the body. The line before it is the headline when
    it is 4–150 characters, no link and no info line itself."""
    if container is None:
        return None
    lines = _lines_before(root, container)
    if not lines:
        return None
    for back in range(min(_MAX_GAP + 1, len(lines) - 1)):
        i = len(lines) - 1 - back
        if not _DATE_RE.search(lines[i].text()):
            continue
        line = lines[i - 1]
        text = line.text()
        if line.linked or not 4 <= len(text) <= 150 or INFO_LINE_RE.search(text):
            return None
        holder = line.holders[0]
        if any(h is not holder for h in line.holders) or text_of(holder) != text:
            return text, None
        return text, holder
    return None


def beside_a_date(
    root: etree._Element,
    container: etree._Element | None,
    candidates: dict[etree._Element, str],
    chosen: etree._Element,
) -> tuple[etree._Element, str] | None:
    """The first of ``candidates`` (element -> its text) printed before the body ``container``
    as a line of its own next to a dated line (a date within at most ``_DATE_LINE`` characters,
    just above or just below it), with its text; None when the ``chosen`` element stands
    beside such a line itself, or its line is just above the one found."""
    if container is None:
        return None
    lines = _lines_before(root, container)
    if not lines:
        return None

    def dated(i: int) -> bool:
        if not 0 <= i < len(lines):
            return False
        text = lines[i].text()
        return len(text) <= _DATE_LINE and _DATE_RE.search(text) is not None

    found = None
    chosen_at = -2
    for i, line in enumerate(lines):
        holder = line.holders[0]
        el = next(
            (h for h in (holder, *holder.iterancestors()) if h is chosen or h in candidates), None
        )
        if el is chosen:
            chosen_at = i
            if dated(i - 1) or dated(i + 1):
                return None
        elif (
            el is not None
            and found is None
            and chosen_at != i - 1
            and line.text() == candidates[el]
            and (dated(i - 1) or dated(i + 1))
        ):
            found = (el, candidates[el])
    return found
