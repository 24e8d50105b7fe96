"""The article's text split over sibling blocks: the paragraphs printed beside the body's.

The vote (:func:`crawler.extraction.body.find_body_container`) picks one element; where a page
prints its text as a row of sibling blocks, each a paragraph or a few (湖南省人民医院's
``<div><span>`` per paragraph, 4Gamers' two ``<div>`` groups with an advertisement between,
長庚紀念醫院's one-cell tables each in its own ``<center>``, a WeChat paste's ``<section>``
nests), the winner is one of them and the others are left out. This is readability's sibling
merge, read narrowly: from the winner, climbed through the wrappers that hold no other text,
the siblings on either side are taken while each is a block of the same template (the same
tag and class, no id of its own: not a summary box, not a named part of the page) that reads
as article text (a sentence of prose, 40 characters or more, few links, no furniture class),
stepping over the ones with no word in them (an empty ``<div>``, an image, a "." spacer); the
first other sibling (a heading, an info line, a list of links, a label) ends the run on its
side. A layout table's rows and cells join nothing: such pages repeat one template for the
menu, the info row and the comments alike.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.body import TextStats
from crawler.extraction.tree import clean, is_noise
from crawler.extraction.vocabulary import SKIP_TAGS

__all__ = ["text_run"]

# A sibling with no word in it (an empty <div>, an image, a "." or "　" spacer) is stepped
# over, neither taken nor ending the run.
_WORD_RE = re.compile(r"\w")
# A sibling with more text than this (the walk's count) is no spacer: it is not read unless
# it is of the template.
_SPACER_LOOK = 8
# A sibling is article text when it holds a sentence: this much text, a sentence's end.
_PROSE_CHARS = 40
_SENTENCE_END_RE = re.compile(r"[。！？]")
# Link text above this share of a sibling's text makes it a list of links, not prose.
_LINK_SHARE = 0.2
# A layout table's rows and cells repeat one template for every part of the page (the
# menu, the info row, the comments): no run is read among them.
_TABLE_TAGS = frozenset({"table", "tbody", "thead", "tr", "td", "th"})


def _unit(container: etree._Element, stats: TextStats) -> etree._Element:
    """``container`` climbed through the ancestors that hold no text of their own beyond it."""
    chars = stats.chars
    node = container
    size = chars.get(container, 0)
    while True:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or chars.get(parent, 0) != size:
            return node
        node = parent


def _visible(el: etree._Element) -> str:
    """``el``'s text, what scripts, styles and other skipped elements hold left out."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
            parts.append(_visible(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _kind(
    sibling: etree._Element,
    template: tuple[str, str],
    marks: set[etree._Element],
    stats: TextStats,
) -> bool | None:
    """True for a block of article text in the unit's template, None for a spacer (stepped
    over), False for anything else (it ends the run). ``marks`` are the headline, the next
    story's headline and their ancestors: a sibling that is or holds one is no text."""
    tag = sibling.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS:
        return None  # a comment, a script
    if sibling in marks:
        return False
    if len(sibling):
        # (the walk's count, scripts left out: a large block of another kind is not read)
        count = stats.chars.get(sibling, 0) if stats.whole else _SPACER_LOOK + 1
    else:
        count = len(sibling.text or "")
    text = clean(_visible(sibling)) if count <= _SPACER_LOOK else None
    if text is not None and _WORD_RE.search(text) is None:
        return None
    if (
        (tag, sibling.get("class") or "") != template
        or sibling.get("id")  # a named part of the template (摘要, a comment box)
        or is_noise(sibling)
    ):
        return False
    if text is None:
        text = clean(_visible(sibling))
    size = len(text.replace(" ", ""))
    if size < _PROSE_CHARS or _SENTENCE_END_RE.search(text) is None:
        return False
    return stats.links.get(sibling, 0) <= size * _LINK_SHARE


def text_run(
    container: etree._Element,
    headline: etree._Element | None,
    stats: TextStats,
    story_end: etree._Element | None = None,
) -> list[etree._Element]:
    """The body's elements in document order: ``container`` (or the wrapper it fills) and the
    siblings beside it that read as article text; ``[container]`` where there are none.
    ``story_end`` is the headline of a second story the page appends (``stories.next_story``):
    no run reaches it."""
    unit = _unit(container, stats)
    if unit.tag in _TABLE_TAGS:
        return [container]
    marks: set[etree._Element] = set()
    for mark in (headline, story_end):
        if mark is not None:
            marks.add(mark)
            marks.update(mark.iterancestors())
    template = (unit.tag, unit.get("class") or "")
    before: list[etree._Element] = []
    for sibling in unit.itersiblings(preceding=True):
        kind = _kind(sibling, template, marks, stats)
        if kind is False:
            break
        if kind:
            before.append(sibling)
    after: list[etree._Element] = []
    for sibling in unit.itersiblings():
        kind = _kind(sibling, template, marks, stats)
        if kind is False:
            break
        if kind:
            after.append(sibling)
    if not before and not after:
        return [container]
    return [*reversed(before), unit, *after]
