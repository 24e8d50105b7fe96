"""Where the article ends in the page: a second story the page appends after it.

An endless page (星島's "延伸閱讀" scroll) or a "one more article" loader (南洋商报's) prints
whole other stories after the article, in the same template: the next story's headline is an
element of the article headline's own kind (the same heading tag and class, in parents of the
same tags and classes), followed by its own info line with a date. Nothing of it is this
article's: not its body (星島's next story has more text than the article and won the vote),
not the credits read after the text (南洋商报's "图/文|温国辉"). A heading of another kind
(a "相关新闻" box's title, a subhead inside the text) or one with no date after it ends nothing.
"""

from __future__ import annotations

from lxml import etree

from crawler.extraction.body import TextStats
from crawler.extraction.pieces import pieces_between, shows_date
from crawler.extraction.tree import clean

__all__ = ["next_story", "story_and_after"]

# The headline tags a story's template repeats (the article's own headline is one of them).
_STORY_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The next story's info line: a date among the first texts after its headline.
_INFO_PIECES = 6


def _kind(el: etree._Element | None) -> tuple[str, str] | None:
    """An element's tag and class as written (ids left out: a template's ids number its items)."""
    return None if el is None else (el.tag, el.get("class") or "")


def _template(el: etree._Element) -> tuple[tuple[str, str] | None, ...]:
    """The kinds of ``el``, its parent and its grandparent."""
    parent = el.getparent()
    return _kind(el), _kind(parent), _kind(parent.getparent() if parent is not None else None)


def next_story(
    root: etree._Element, headline: etree._Element | None, stats: TextStats
) -> etree._Element | None:
    """The headline of the next story the page prints after the article, or None.

    It is the first heading after ``headline`` (the article's headline element, from
    ``stats.tagged``, which lists the page's headings in document order) of the same
    template — the same tag and class, its parent's and grandparent's the same — whose text
    is another (not empty, not the headline again: a sticky bar repeating it), with a date
    among the first ``_INFO_PIECES`` texts after it (the next story's own info line).
    """
    if headline is None or headline.tag not in _STORY_HEADING_TAGS:
        return None
    tagged = stats.tagged
    try:
        at = tagged.index(headline)
    except ValueError:
        return None
    tag = headline.tag
    template = None
    title = None
    for el in tagged[at + 1 :]:
        if el.tag != tag:
            continue
        if template is None:
            template = _template(headline)
            title = clean("".join(headline.itertext()))
        if _template(el) != template:
            continue
        text = clean("".join(el.itertext()))
        if not text or text == title:
            continue
        if shows_date(pieces_between(root, el, None, limit=_INFO_PIECES, stats=stats)):
            return el
    return None


def story_and_after(root: etree._Element, mark: etree._Element) -> set[etree._Element]:
    """``mark``, what it holds, what follows it in document order, and its ancestors (which
    hold it): the elements that are not wholly before the next story."""
    found: set[etree._Element] = set(mark.iterancestors())
    found.update(mark.iter())
    node: etree._Element | None = mark
    while node is not None:
        for sibling in node.itersiblings():
            found.update(sibling.iter())
        node = node.getparent()
    return found
