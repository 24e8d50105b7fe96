"""The text pieces around the article body: the info line between the headline and the body,
and what follows the body (credits, the editor, the source printed after the article).

Each piece is a text node with the class/id hints of its element and three ancestors. With
the text nodes :func:`crawler.extraction.body.measure` listed (``TextStats.texts``), the
zone is a slice of them; without them (or for an element with no text there), the tree is
walked.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.blocks import TextPiece
from crawler.extraction.body import TextStats
from crawler.extraction.tree import clean, hint_of, is_noise
from crawler.extraction.vocabulary import HEADING_TAGS, SKIP_TAGS


class _Pieces:
    """The pieces found so far, each with the class/id hints of its element."""

    __slots__ = ("hints", "limit", "own", "pieces")

    def __init__(self, limit: int) -> None:
        self.pieces: list[TextPiece] = []
        self.limit = limit
        # element -> the class/id hints of it and its three nearest ancestors (texts of one
        # element, or of siblings, share them)
        self.hints: dict[etree._Element | None, str] = {}
        self.own: dict[etree._Element, str] = {}  # element -> its own hint

    def add(self, text: str, el: etree._Element | None) -> bool:
        """Add ``text`` (when not blank) of element ``el``; False once ``limit`` is reached."""
        text = clean(text)
        if text:
            hint = self.hints.get(el)
            self.pieces.append(TextPiece(text, self.hint(el) if hint is None else hint))
        return len(self.pieces) < self.limit

    def hint(self, el: etree._Element | None) -> str:
        """The class/id hints of ``el`` and its three nearest ancestors, kept for ``el``."""
        own = self.own
        found = []
        node = el
        depth = 0
        while node is not None and depth < 4:
            one = own.get(node)
            if one is None:
                one = own[node] = hint_of(node)
            if one:
                found.append(one)
            node = node.getparent()
            depth += 1
        hint = self.hints[el] = " ".join(found)
        return hint


def pieces_between(
    root: etree._Element,
    start: etree._Element | None,
    stop: etree._Element | None,
    limit: int,
    stats: TextStats | None = None,
) -> list[TextPiece]:
    """Text nodes after ``start`` (exclusive of its subtree) up to ``stop``, with their class hints.

    With a ``start``, only what follows it is read (its tail, its following siblings,
    then its ancestors' tails and following siblings), so the zone after the body costs
    what it holds, not the whole page. A ``stop`` that encloses ``start`` ends the zone
    where ``stop`` ends. ``stats`` (of ``root``, from :func:`~crawler.extraction.body.measure`)
    lets the zone be sliced from the page's text nodes instead of walked.
    """
    found = _Pieces(limit)
    zone = _zone(stats, start, stop) if stats is not None and limit > 0 else None
    if zone is None:
        _walk_between(root, start, stop, found)
        return found.pieces
    begin, end = zone
    # found.add's work, inlined (a method call less for each of the zone's texts)
    pieces, hints, hint, limit = found.pieces, found.hints, found.hint, found.limit
    add = pieces.append
    for text, el in stats.texts[begin:end] if stats is not None else ():
        text = clean(text)
        if text:
            known = hints.get(el)
            add(TextPiece(text, hint(el) if known is None else known))
            if len(pieces) >= limit:
                return pieces
    if end is None and start is not None and root.tail:
        found.add(root.tail, None)  # (the walk climbs to the root and reads its tail as well)
    return pieces


def _zone(
    stats: TextStats, start: etree._Element | None, stop: etree._Element | None
) -> tuple[int, int | None] | None:
    """The slice of ``stats.texts`` between ``start`` and ``stop`` (``end`` None: to the
    end of the page), or None where the texts cannot place them."""
    if not stats.whole:
        return None
    if start is None:
        if stop is None:
            return 0, None
        there = _span(stats, stop)
        return None if there is None else (0, there[0])
    here = _span(stats, start)
    if here is None:
        return None
    begin = here[1]
    if stop is None:
        return begin, None
    if stop is start:
        return begin, begin
    there = _span(stats, stop)
    if there is None:
        return None
    if any(node is stop for node in start.iterancestors()):
        return begin, there[1]  # the rest of stop's content
    # neither run is empty: stop follows start where its run opens after start's ends
    # (stop before start, or inside it, is never met: to the end of the page)
    return (begin, there[0]) if there[0] >= begin else (begin, None)


def _span(stats: TextStats, el: etree._Element) -> tuple[int, int] | None:
    """``(first, end)``: the run of ``stats.texts`` inside ``el``; None when ``el`` has no
    text there (empty, or inside a skipped element): then it cannot be placed."""
    if el in stats.spans:  # (the body container is the header's stop and the trailer's start)
        return stats.spans[el]
    span = stats.spans[el] = _find_span(stats.texts, el)
    return span


def _find_span(
    texts: list[tuple[str, etree._Element]], el: etree._Element
) -> tuple[int, int] | None:
    members = set(el.iter())
    first = 0
    for _, owner in texts:
        if owner in members:
            break
        first += 1
    else:
        return None
    end = first + 1
    size = len(texts)
    while end < size and texts[end][1] in members:
        end += 1
    return first, end


def _walk_between(
    root: etree._Element,
    start: etree._Element | None,
    stop: etree._Element | None,
    found: _Pieces,
) -> None:
    add = found.add

    def walk(el: etree._Element) -> bool:
        """Add the texts of ``el``'s subtree and its tail; False once ``stop`` or ``limit`` is reached."""
        if el is stop:
            return False
        tag = el.tag
        if tag.__class__ is str and tag not in SKIP_TAGS:
            text = el.text
            if text and not text.isspace() and not add(text, el):
                return False
            for child in el:
                if not walk(child):
                    return False
        tail = el.tail
        if tail and not tail.isspace():
            parent = el.getparent()
            if parent is not None:
                return add(tail, parent)
        return len(found.pieces) < found.limit

    if start is None:
        walk(root)
        return
    node: etree._Element | None = start
    while node is not None and node is not stop:
        if node.tail and not add(node.tail, node.getparent()):
            return
        if len(found.pieces) >= found.limit:
            return
        for sibling in node.itersiblings():
            if not walk(sibling):
                return
        node = node.getparent()


_STAMP_RE = re.compile(r"\d{2,4}\s*[-/年.]\s*\d{1,2}")


def shows_date(pieces: list[TextPiece]) -> bool:
    """Whether any of ``pieces`` prints something like a date ("2018/9/21", "07年08月")."""
    return any(_STAMP_RE.search(p.text) for p in pieces)


# A lead paragraph: a sentence or more of prose (captions, info lines and buttons are shorter).
_LEAD_CHARS = 40
# Texts this short that end no sentence between a lead and the body are furniture (a date,
# "prev"/"next", a font-size button), stepped over on the way back from the body.
_FURNITURE_CHARS = 20
_LEAD_END_RE = re.compile(r"[。！？!?][”’」』\"')）]?$")
_LEAD_TAGS = frozenset({"p", "div", "section"})


def lead_before(
    headline: etree._Element | None, container: etree._Element, stats: TextStats
) -> str | None:
    """The article's opening paragraph printed between the headline and the body container.

    Templates set the lead apart: in the article's header (俄罗斯卫星通讯社's
    ``article__announce-text``), in a block of its own (联合国新闻's ``story-lead`` view), or
    above an advertisement that splits the text (明報). Read back from the container, links
    (a related-article box) and short texts that end no sentence (a date, "prev", a font-size
    button)
    are stepped over; the first other text is the lead when it is a whole paragraph
    (``<p>``/``<div>``, all of its element's text) of prose that ends a sentence, else there
    is none (a caption, an info line, a heading).
    """
    if headline is None or not stats.whole:
        return None
    if any(node is container for node in headline.iterancestors()):
        return None  # the headline is inside the body container: nothing lies between
    zone = _zone(stats, headline, container)
    if zone is None or zone[1] is None:
        return None
    begin, end = zone
    for text, owner in reversed(stats.texts[begin:end]):
        text = clean(text)
        if not text:
            continue
        parent = owner.getparent()
        if owner.tag == "a" or (parent is not None and parent.tag == "a"):
            continue
        if len(text) < _FURNITURE_CHARS and _LEAD_END_RE.search(text) is None:
            continue
        if (
            len(text) < _LEAD_CHARS
            or _LEAD_END_RE.search(text) is None
            or owner.tag not in _LEAD_TAGS
            or owner.tag in HEADING_TAGS
            or is_noise(owner)
            or clean("".join(owner.itertext())) != text
        ):
            return None
        return text
    return None


# A date's element by its class or id ("post-date", "Date", "pubtime"); the date printed above a
# headline is at most this many siblings before it, and this short.
_DATE_CLASS_RE = re.compile(r"date|time|riqi|shijian|fbsj")
_ABOVE_SIBLINGS = 3
_ABOVE_CHARS = 40
# a date with its year, month and day ("2019-11-28", "2023 年 6 月 07 日")
_FULL_DATE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)")


def dated_above(headline: etree._Element | None) -> list[TextPiece]:
    """The date a template prints just above the headline, in a sibling of its own that its
    class names a date (印尼商报's ``div.post-date``, Fridae's ``div.Date``), or in a short
    sibling box, inside an element of its own that its class names a date and that prints a
    full date (UNM Health Sciences' ``div.marg-25`` › ``span.pubdate`` "2023 年 6 月 07 日"
    beside the writer, 政大 大學報's ``div.typeBox`` › ``div.item_date`` "2019-11-28" beside
    the issue): the info line is read from the headline down, and misses it. A comment
    between the siblings is stepped over."""
    if headline is None:
        return []
    count = 0
    for sibling in headline.itersiblings(preceding=True):
        if sibling.tag.__class__ is not str:
            if sibling.tag is etree.Comment:
                continue
            break
        if count >= _ABOVE_SIBLINGS:
            break
        count += 1
        hint = hint_of(sibling)
        if hint and _DATE_CLASS_RE.search(hint) is not None:
            text = _shown(sibling)
            if text and len(text) <= _ABOVE_CHARS:
                return [TextPiece(text, hint)]
            continue
        nested = _nested_date(sibling)
        if nested is not None:
            return [nested]
    return []


def _nested_date(box: etree._Element) -> TextPiece | None:
    """The full date a short box prints in a date-classed element of its own, with that
    element's hint; None when the box is longer or holds none."""
    if len(_shown(box)) > _ABOVE_CHARS:
        return None
    for el in box.iterdescendants():
        if el.tag.__class__ is not str:
            continue
        hint = hint_of(el)
        if not hint or _DATE_CLASS_RE.search(hint) is None:
            continue
        text = _shown(el)
        if _FULL_DATE_RE.search(text) is not None:
            return TextPiece(text, hint)
    return None


def _shown(el: etree._Element) -> str:
    """``el``'s text, its pieces joined by one space."""
    return clean(" ".join(t for t in el.itertext() if not t.isspace()))
