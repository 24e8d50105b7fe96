"""The article body: the page's text counted in one walk and the element that holds the
article (its text as paragraphs: ``paragraphs.py``; the text around it: ``pieces.py``).

Everything here works on the lxml tree behind a parsel ``Selector`` and never
mutates it, except :func:`unwrap_page_forms`, which ``extract_bytes`` applies to the
tree it parsed itself. The page is walked a handful of times at most; the budget per
page is about a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, islice, repeat

from lxml import etree

from crawler.extraction.tree import clean, hint_words
from crawler.extraction.vocabulary import (
    ARTICLE_BLOCK_WORD,
    BLOCK_TAGS,
    CONTAINER_TAGS,
    ENCLOSING_NOISE_TOKENS,
    NOISE_TOKENS,
    PROSE_HOLDER_TAGS,
    PROSE_PUNCT,
    SKIP_TAGS,
    is_site_notice,
)

# Deeper than this, an element's text is counted whole, without walking it (a limit kept from
# the recursive walk this was, which Python's recursion limit bounded; lxml's HTML parser
# builds trees at most 256 deep).
_MAX_DEPTH = 400
# The tags of the nodes ``root.iter()`` gives that are not elements.
_NOT_ELEMENTS = (etree.Comment, etree.ProcessingInstruction, etree.Entity)
# A <form> holding this much prose wraps the page rather than a widget.
_WRAPPER_PROSE = 100
# Where a form's text is no prose of its own: links (a menu, a list of headlines) and the
# controls and embedded things (a nested <form> is walked).
_NOT_FORM_PROSE = (SKIP_TAGS - {"form"}) | {"a"}


def unwrap_page_forms(root: etree._Element) -> None:
    """Read a page-wide ``<form>`` as a ``<div>`` (renames it in ``root``).

    Forms are skipped like other widgets (a search box, an e-mail-this form, a comment
    form), but ASP.NET WebForms pages wrap the whole page, article included, in one
    ``<form id="form1">``, and Visual SiteBuilder pages their text in a
    ``<form name="_newscontent_fromname">``: a form whose text holds prose
    (``_WRAPPER_PROSE`` characters of it, in any element: a ``<p>``, or the ``<span>``s
    and ``<div>``s of a text pasted from Word) is such a wrapper.
    """
    for form in list(root.iter("form")):
        if _holds_prose(form):
            form.tag = "div"


def _holds_prose(form: etree._Element) -> bool:
    """Whether ``_WRAPPER_PROSE`` characters of ``form``'s text lie in runs with prose
    punctuation, outside links and controls (``_NOT_FORM_PROSE``); stops at enough."""
    prose = 0
    stack = [form]
    while stack:
        element = stack.pop()
        runs = [element.text]
        for child in element:
            runs.append(child.tail)
            if isinstance(child.tag, str) and child.tag not in _NOT_FORM_PROSE:
                stack.append(child)
        for run in runs:
            if run and PROSE_PUNCT.search(run):
                prose += len(run.strip())
                if prose >= _WRAPPER_PROSE:
                    return True
    return False


@dataclass(slots=True)
class TextStats:
    """Visible-text counts, computed bottom-up in one walk.

    ``chars`` and ``links`` map every element with text that a paragraph can vote for
    (every element with children, and leaf containers) to its count of non-space
    characters (all of them, and those inside ``<a>``; ``links`` leaves out the zeros).
    ``paragraphs`` lists each
    ``<p>`` with text as ``(p, chars, links, punctuation)``; ``loose`` lists each
    container element (``CONTAINER_TAGS``) with text of its own as ``(element, chars,
    punctuation)``, counting only the text that sits directly in it or in its inline
    children, which is where a ``<br>``-separated body keeps its paragraphs. Both
    lists are in post-order (an element after its descendants). ``tagged`` lists, in
    document order, every element whose tag is among those ``measure`` was asked to
    collect (those inside skipped or too-deep elements too): what ``root.iter(*tags)``
    gives, so that a later stage (the headline candidates) need not walk the page again.

    ``texts`` lists the page's text nodes that are not all space, in document order, each
    with the element it belongs to (its own element for a ``.text``, the parent for a
    ``.tail``), those inside skipped elements (scripts, comments...) left out: the text of
    an element's subtree is a run of it, followed by its tail. With it
    :func:`crawler.extraction.pieces.pieces_between` slices the zone around the body instead
    of walking it. ``whole`` is false when a too-deep element was counted without being
    walked (its text is then missing from ``texts``).
    """

    chars: dict[etree._Element, int]
    links: dict[etree._Element, int]
    paragraphs: list[tuple[etree._Element, int, int, int]]
    loose: list[tuple[etree._Element, int, int]]
    tagged: list[etree._Element] = field(default_factory=list)
    texts: list[tuple[str, etree._Element]] = field(default_factory=list)
    whole: bool = True
    #: where elements' text runs in ``texts`` lie, ``(first, end)``, None for an element with
    #: no text there: ``measure`` records it for every element it opens (one with children,
    #: not skipped, not too deep); pieces.py adds the others it looks for
    spans: dict[etree._Element, tuple[int, int] | None] = field(default_factory=dict)


@cache
def _kinds(collect: frozenset[str]) -> dict[object, bool]:
    """What a child's tag asks of :func:`measure`, in one look-up: None counted; True counted
    and listed; False passed over (a skipped element, a comment, a processing instruction,
    an entity). Built once for each ``collect`` (a page's walk only reads it)."""
    kinds: dict[object, bool] = dict.fromkeys(collect, True)
    kinds.update(dict.fromkeys((*SKIP_TAGS, *_NOT_ELEMENTS), False))
    return kinds


def measure(root: etree._Element, collect: frozenset[str] = frozenset()) -> TextStats:
    """Count every element's text once, children before parents (no element is walked twice).

    One pass over ``root.iter()`` (lxml hands out the elements in document order, in C)
    with an explicit stack of the open elements instead of a recursive call per element:
    ``len()`` of an element says how many of the next nodes are its children. Each
    element's text and its children's tails count in it; a child's totals are added
    when its last child is done, so the lists come out in post-order all the same.
    Elements with a tag in ``collect`` are listed in ``TextStats.tagged`` on the way; the
    text nodes go to ``TextStats.texts`` in document order.
    """
    stats = TextStats({}, {}, [], [])
    chars, links, paragraphs, loose = stats.chars, stats.links, stats.paragraphs, stats.loose
    tagged = stats.tagged
    texts = stats.texts
    put = texts.append
    spans = stats.spans
    if collect and root.tag in collect:
        tagged.append(root)
    findall = PROSE_PUNCT.findall
    kinds = _kinds(collect)
    block = BLOCK_TAGS
    containers = CONTAINER_TAGS
    holders = PROSE_HOLDER_TAGS
    # the open ancestors of the element being counted, each with its counts so far;
    # len() counts the text non-space characters: text nodes of article pages have
    # their spaces at the ends, and it is several times cheaper
    stack: list[
        tuple[etree._Element, str, bool, int, int, int, int, int, int, str | None, int]
    ] = []
    el, tag, in_link = root, root.tag, False
    n = ln = pc = o = op = 0  # chars, link chars, punctuation; own (inline) chars, punctuation
    after = None  # el's tail, to be listed when el is done
    first = 0  # where el's run of texts starts
    text = root.text
    if text and not text.isspace():
        o = n = len(text.strip())
        op = pc = len(findall(text))
        put((text, root))
    remaining = len(root)  # children of el not counted yet
    nodes = root.iter()
    next(nodes)
    # the elements after root, then None for ever: once root's last descendant is handed out,
    # the open elements are closed (and root's counts returned) before the None is looked at
    for child in chain(nodes, repeat(None)):
        while not remaining:
            # all of el's children are counted: el is done
            if n:
                if in_link:
                    ln = n
                chars[el] = n
                if ln:
                    links[el] = ln
                if tag == "p":
                    paragraphs.append((el, n, ln, pc))
                if o and tag in containers:
                    loose.append((el, o, op))
                elif o >= _HOLDER_CHARS and tag in holders:
                    loose.append((el, o, op))  # (read as prose or not by the vote)
            end = len(texts)
            spans[el] = (first, end) if end > first else None
            if not stack:
                return stats
            cn, cl, cp, ctag, tail = n, ln, pc, tag, after
            el, tag, in_link, remaining, n, ln, pc, o, op, after, first = stack.pop()
            if tail:
                put((tail, el))
            # one more child of el is done: its counts go to el
            if cn:
                n += cn
                ln += cl
                pc += cp
                if ctag not in block and ctag != "a":
                    o += cn
                    op += cp
        # the next child of el
        remaining -= 1
        ctag = child.tag
        tail = child.tail
        if tail and not tail.isspace():
            k = len(tail.strip())
            p = len(findall(tail))
            n += k
            pc += p
            o += k
            op += p
        else:
            tail = None
        kind = kinds.get(ctag)
        if kind is not None:
            if kind:
                tagged.append(child)
            else:
                # a comment, or a skipped element: what is inside it is passed over uncounted
                if len(child):
                    if collect:
                        tagged.extend(child.iter(*collect))
                    for _ in islice(nodes, sum(1 for _ in child.iter()) - 1):
                        pass
                elif ctag in collect:
                    tagged.append(child)
                if tail:
                    put((tail, el))
                continue
        k = len(child)
        if not k:
            # a leaf (most elements): counted here, without a frame, and added to el
            leaf = child.text
            if leaf and not leaf.isspace():
                cn = len(leaf.strip())
                cp = len(findall(leaf))
                put((leaf, child))
                if ctag == "p":
                    paragraphs.append((child, cn, cn if in_link else 0, cp))
                elif ctag in containers or (cn >= _HOLDER_CHARS and ctag in holders):
                    # (no other leaf is voted for: its counts are not kept)
                    chars[child] = cn
                    if in_link:
                        links[child] = cn
                    loose.append((child, cn, cp))
                n += cn
                if in_link or ctag == "a":
                    ln += cn
                pc += cp
                if ctag not in block and ctag != "a":
                    o += cn
                    op += cp
            if tail:
                put((tail, el))
        elif len(stack) < _MAX_DEPTH:  # open the child (its counts go to el when it is done)
            stack.append((el, tag, in_link, remaining, n, ln, pc, o, op, after, first))
            first = len(texts)
            el, tag, in_link, remaining, after = child, ctag, in_link or ctag == "a", k, tail
            n = ln = pc = o = op = 0
            text = child.text
            if text and not text.isspace():
                o = n = len(text.strip())
                op = pc = len(findall(text))
                put((text, child))
        else:  # too deep: counted whole, what is inside passed over
            stats.whole = False
            cn = len("".join(child.itertext()).strip())
            if collect:
                tagged.extend(child.iterdescendants(*collect))
            for _ in islice(nodes, sum(1 for _ in child.iter()) - 1):
                pass
            if cn:
                n += cn
                if in_link:
                    ln += cn
                if ctag not in block and ctag != "a":
                    o += cn
            if tail:
                put((tail, el))
    raise AssertionError("unreachable: root is closed before the None")  # pragma: no cover


def find_body_container(
    root: etree._Element,
    stats: TextStats | None = None,
    beyond: set[etree._Element] | None = None,
) -> etree._Element | None:
    """The element holding the article's paragraphs.

    Each paragraph (a ``<p>``, or the loose text of a ``<br>``-separated block)
    votes for its parent and, at half weight, its grandparent, by its length and
    its prose punctuation; the winner's score is discounted by its link density.
    This is the readability idea; the counts come from :func:`measure`, so the
    vote costs one pass over the elements that have text. Paragraphs whose parent's class or
    its three nearest ancestors' classes name furniture (comments, related boxes, nav, ads)
    do not vote, unless the parent's class names the article's own block (``articleDetail``,
    ``article_content``): 四川在线 classes it "articleDetailborder rw-sm-ad", 证券之星 wraps it
    in a "jour_nav".

    A winner whose text opens with the site's copyright or reprint terms ("版权所有",
    "免责声明", "未经…书面授权…" in its first 80 characters, and no more than
    ``_NOTICE_CHARS`` of text) is the footer notice, whose numbered clauses outweigh a
    one- or two-paragraph article (大众网, 青海新闻网 in ``tests/fixtures/real5``): its
    paragraphs lose their votes and the vote is counted again, at most twice. The new
    winner is taken only when it comes before the notice, as an article comes before the
    footer; else the first winner stays (an article that opens with "未经授权不得转载").

    A winner the page hides (it or an ancestor styled ``display:none``) is a copy of the text
    kept for a script, or a box shown only on demand: 东亚日报's text-to-speech copy with the
    headline and an English date, 東方日報's simplified-character copy, a consent dialog, an
    ad slot's JSON. The vote is counted again without what the page hides, and its winner is
    taken when it reads as prose; else the hidden one stays (a page that shows its text only
    through a script).

    ``beyond`` is the elements not wholly before a second story the page appends after the
    article (``stories.story_and_after``): they get no vote, so the winner is the article's.
    """
    if stats is None:
        stats = measure(root)
    chars, links = stats.chars, stats.links
    noisy: dict[etree._Element, bool] = {}
    words: dict[etree._Element, list[str]] = {}  # class/id words, read once per element

    def named(node: etree._Element, tokens: frozenset[str]) -> bool:
        found = words.get(node)
        if found is None:
            found = words[node] = hint_words(node)
        return not tokens.isdisjoint(found)

    def is_noisy(target: etree._Element) -> bool:
        # comment lists and related boxes nest their paragraphs a few levels deep
        cached = noisy.get(target)
        if cached is None and _names_article(target):
            cached = noisy[target] = False  # the article's own block, whatever else it says
        if cached is None:
            cached = named(target, NOISE_TOKENS)
            node = target.getparent()
            for _ in range(3):
                if node is None or cached:
                    break
                cached = named(node, ENCLOSING_NOISE_TOKENS)
                node = node.getparent()
            noisy[target] = cached
        return cached

    def _names_article(node: etree._Element) -> bool:
        found = words.get(node)
        if found is None:
            found = words[node] = hint_words(node)
        return any(ARTICLE_BLOCK_WORD.match(word) for word in found)

    hidden: dict[etree._Element, bool] = {}

    def is_hidden(node: etree._Element) -> bool:
        cached = hidden.get(node)
        if cached is None:
            parent = node.getparent()
            cached = bool(_HIDDEN_RE.search(node.get("style") or "")) or (
                parent is not None and is_hidden(parent)
            )
            hidden[node] = cached
        return cached

    def tally(notices: list[etree._Element], shown: bool = False) -> etree._Element | None:
        scores: dict[etree._Element, float] = {}

        def vote(target: etree._Element | None, length: int, marks: int) -> None:
            if target is None or is_noisy(target) or (shown and is_hidden(target)):
                return
            if beyond and target in beyond:
                return
            if notices and any(
                node is notice for notice in notices for node in target.iterancestors()
            ):
                return
            if target in notices:
                return
            score = 1 + marks + min(length / 80, 4)
            scores[target] = scores.get(target, 0.0) + score
            grand = target.getparent()
            if grand is not None and not (beyond and grand in beyond):
                scores[grand] = scores.get(grand, 0.0) + score / 2

        for el, n, in_links, marks in stats.paragraphs:
            if n - in_links >= 10:
                vote(el.getparent(), n - in_links, marks)
        for el, length, marks in stats.loose:
            if length >= 20 and (el.tag not in PROSE_HOLDER_TAGS or _han_prose(el)):
                vote(el, length, marks)

        best: etree._Element | None = None
        best_score = 0.0
        for el, score in scores.items():
            total = chars.get(el) or 1
            final = score * (1 - links.get(el, 0) / total)
            if final > best_score:
                best, best_score = el, final
        return best

    notices: list[etree._Element] = []
    best = tally(notices)
    if best is not None and is_hidden(best):
        visible = tally(notices, shown=True)
        if visible is not None and _reads(visible):
            best = visible
    while (
        best is not None
        and len(notices) < 2
        and chars.get(best, 0) <= _NOTICE_CHARS
        and is_site_notice(_opening(best))
    ):
        notices.append(best)
        second = tally(notices)
        if second is None or not _precedes(root, second, best) or not _reads(second):
            break  # no article before the notice: an article that opens with such a line
        best = second
    return best


_SENTENCE_END_RE = re.compile(r"[。！？]")
# A heading or <pre> with this much text of its own is no title: a page's text printed in it.
_HOLDER_CHARS = 150
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def _han_prose(el: etree._Element) -> bool:
    """Whether the text of a heading or ``<pre>`` with ``_HOLDER_CHARS`` of its own reads as
    Chinese prose (half its characters Han), not a program's code or a list of English titles."""
    text = "".join("".join(el.itertext()).split())
    return len(_HAN_RE.findall(text)) * 2 >= len(text)


# an inline style that hides the element: "display:none", "display: none !important"
_HIDDEN_RE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def _reads(el: etree._Element) -> bool:
    """Whether ``el`` holds at least a sentence of prose (not an info line or a menu)."""
    text = clean("".join(el.itertext()))
    return len(text) >= 40 and _SENTENCE_END_RE.search(text) is not None


def _precedes(root: etree._Element, a: etree._Element, b: etree._Element) -> bool:
    """Whether ``a`` starts before ``b`` in document order."""
    for node in root.iter():
        if node is a:
            return True
        if node is b:
            return False
    return False


# A site notice is short; a winner with more text than this is read as the article whatever
# its opening says ("未经授权不得转载" atop an article).
_NOTICE_CHARS = 800


def _opening(el: etree._Element, limit: int = 80) -> str:
    """The first ``limit`` or so characters of ``el``'s visible text."""
    parts: list[str] = []
    size = 0
    for text in el.itertext():
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return clean("".join(parts))[:limit]
