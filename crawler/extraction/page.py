"""Generic, template-free reading of an article page: metadata, headline, crumbs and the body.

Everything here works on the lxml tree behind a parsel ``Selector`` and never
mutates it. The page is walked a handful of times at most; the budget per page
is about a millisecond (see PERFORMANCE.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.extraction.model import Block, TextPiece

_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
# Full- and half-width punctuation that prose carries and navigation does not.
_PUNCT = re.compile(r"[，。！？；、：“”‘’,.!?;:]")
# Deeper than this, an element's text is counted without walking it (Python's recursion limit).
_MAX_DEPTH = 400

SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "form",
        "video",
        "audio",
        "head",
        "map",
    }
)
# Tags that end a line of text when the body is turned into paragraphs.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "center",
        "hr",
        "br",
        "address",
        "details",
        "summary",
    }
)
EMPHASIS_TAGS = frozenset({"strong", "b"})
HEADING_TAGS = frozenset({"h2", "h3", "h4"})
CONTAINER_TAGS = frozenset(
    {"div", "article", "section", "td", "main", "body", "font", "span", "center"}
)

# class/id tokens of page furniture inside or around an article body.
NOISE_TOKENS = frozenset(
    {
        "share",
        "sharebox",
        "bdshare",
        "bdsharebuttonbox",
        "social",
        "comment",
        "comments",
        "cmt",
        "reply",
        "related",
        "relate",
        "recommend",
        "recom",
        "hot",
        "hotnews",
        "rank",
        "ad",
        "ads",
        "advert",
        "advertisement",
        "adv",
        "banner",
        "footer",
        "copyright",
        "nav",
        "navbar",
        "menu",
        "toolbar",
        "tools",
        "pagination",
        "pager",
        "prenext",
        "breadcrumb",
        "crumb",
        "sidebar",
        "aside",
        "qrcode",
        "ewm",
        "login",
        "search",
        "statement",
        "disclaimer",
        "more",
        "tags",
        "keywords",
        "next",
        "prev",
        "vote",
        "print",
        "fontsize",
        "subscribe",
        "weixin",
        "wechat",
        "weibo",
    }
)
# Of those, the ones whose whole subtree is furniture. Others ("share", "print", "tools")
# also name areas that wrap the article itself (an image-share area, a print area), so
# they disqualify an element but not the paragraphs nested below it.
ENCLOSING_NOISE_TOKENS = frozenset(
    {
        "comment",
        "comments",
        "cmt",
        "reply",
        "related",
        "relate",
        "recommend",
        "recom",
        "hot",
        "hotnews",
        "rank",
        "footer",
        "copyright",
        "nav",
        "navbar",
        "menu",
        "sidebar",
        "aside",
        "ad",
        "ads",
        "advert",
        "advertisement",
    }
)
CRUMB_TOKENS = ("crumb", "position", "location", "path", "daohang", "weizhi", "dqwz", "current")
CRUMB_SEPARATORS = frozenset(">›»→/|-—:：·")
CRUMB_LABEL = re.compile(
    r"^(当前位置|您的位置|你的位置|你现在的位置|您现在的位置|位置|当前页)[:：]?"
)
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |–|——|-{2,})\s*")


def clean(text: str | None) -> str:
    """Collapse whitespace (ideographic and no-break spaces included) and strip."""
    if not text:
        return ""
    return _WS.sub(" ", text).strip()


def is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def hint_of(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip().lower()


def is_noise(el: etree._Element, tokens: frozenset[str] = NOISE_TOKENS) -> bool:
    """Whether the element's class/id names page furniture (one of ``tokens``)."""
    hint = hint_of(el)
    if not hint:
        return False
    return any(token in tokens for token in _TOKEN_SPLIT.split(hint))


def text_of(el: etree._Element) -> str:
    """Visible text of an element, scripts and styles left out."""
    parts: list[str] = []
    _collect_text(el, parts)
    return clean("".join(parts))


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    if not is_element(el) or el.tag in SKIP_TAGS:
        return
    if el.text:
        parts.append(el.text)
    for child in el:
        _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)
    if el.tag in BLOCK_TAGS:
        parts.append(" ")


# --------------------------------------------------------------------------- metadata


def read_meta(root: etree._Element) -> dict[str, str]:
    """``<meta>`` contents keyed by lower-cased name/property/itemprop/http-equiv; first wins."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), clean(content))
    return meta


def read_jsonld(root: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members flattened; broken JSON ignored."""
    found: list[dict[str, Any]] = []
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
    return found


def jsonld_value(jsonld: list[dict[str, Any]], key: str) -> str | None:
    for obj in jsonld:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return clean(value)
    return None


# --------------------------------------------------------------------------- headline


@dataclass(slots=True)
class Headline:
    text: str
    element: etree._Element | None


def page_title(root: etree._Element) -> str:
    for el in root.iter("title"):
        return clean("".join(el.itertext()))
    return ""


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def find_headline(
    root: etree._Element, meta: dict[str, str], jsonld: list[dict[str, Any]]
) -> Headline | None:
    """The headline as shown on the page.

    Candidates are h1–h3 and elements whose class/id says "title"; each is scored
    by agreement with the evidence the page gives elsewhere (``<title>``,
    ``og:title``, the government ``ArticleTitle`` meta, JSON-LD ``headline``).
    A heading that only repeats the site name (some portals wrap the logo in h1)
    loses to one that agrees with the evidence.
    """
    title = page_title(root)
    evidence = [
        v
        for v in (
            meta.get("og:title"),
            meta.get("articletitle"),
            jsonld_value(jsonld, "headline"),
            meta.get("twitter:title"),
            meta.get("title"),
        )
        if v
    ]
    segments = [s for s in _TITLE_SPLIT.split(title) if s] if title else []
    best: tuple[float, int, Headline] | None = None
    for order, el in enumerate(root.iter("h1", "h2", "h3", "div", "p", "span", "td", "strong")):
        tag = el.tag
        hint = hint_of(el)
        if tag not in ("h1", "h2", "h3") and "title" not in hint:
            continue
        text = text_of(el)
        if not 2 <= len(text) <= 150:
            continue
        score = {"h1": 1.0, "h2": 0.6, "h3": 0.3}.get(tag, 0.2)
        if "title" in hint:
            score += 0.3
        if any(text == e for e in evidence):
            score += 3
        elif any(e.startswith(text) or text.startswith(e) for e in evidence):
            score += 1.5
        if title:
            prefix = _common_prefix(text, title)
            if prefix == len(text) or (prefix >= 6 and prefix / len(text) >= 0.8):
                score += 2
            elif text in title:
                score += 0.5
        if segments and len(segments) > 1 and text == segments[-1]:
            score -= 2  # the site name
        if best is None or score > best[0]:
            best = (score, -order, Headline(text, el))
    if best is not None and best[0] >= 2:
        return best[2]
    if evidence:
        return Headline(evidence[0], None)
    if segments:
        return Headline(segments[0], None)
    if best is not None and best[2].element is not None and best[2].element.tag == "h1":
        return best[2]
    return None


def find_site_name(
    root: etree._Element, meta: dict[str, str], headline: str | None, host: str | None
) -> str | None:
    """The site that served the page: ``og:site_name``, ``SiteName``, else the ``<title>`` suffix."""
    for key in (
        "og:site_name",
        "sitename",
        "site_name",
        "application-name",
        "apple-mobile-web-app-title",
    ):
        if meta.get(key):
            return meta[key]
    title = page_title(root)
    if title:
        rest = title
        if headline and title.startswith(headline):
            rest = title[len(headline) :]
        segments = [s for s in _TITLE_SPLIT.split(rest) if s]
        if segments and (not headline or segments[-1] != headline):
            return segments[-1]
    return host


# --------------------------------------------------------------------------- breadcrumb


def _crumb_parts(el: etree._Element) -> list[str]:
    parts: list[str] = []
    for piece in el.itertext():
        piece = clean(piece)
        if not piece:
            continue
        piece = CRUMB_LABEL.sub("", piece).strip()
        for token in re.split(r"\s*[>›»→|/]+\s*|\s+-\s+|\s*—\s*", piece):
            token = token.strip(" :：·")
            if token and not all(ch in CRUMB_SEPARATORS for ch in token):
                parts.append(token)
    return parts


_CRUMB_TAGS = frozenset({"div", "p", "span", "nav", "ol", "ul", "td", "section", "li"})


def find_breadcrumb(root: etree._Element, before: etree._Element | None) -> list[str]:
    """Crumbs from the element that says it is a breadcrumb, or a run of links joined by ``>``.

    Only the elements holding links before the headline can be crumbs, so the
    candidates are the links' near ancestors, not every element of the page.
    """
    tags = ("a",) if before is None else ("a", before.tag)
    first_seen: dict[etree._Element, tuple[int, int]] = {}
    for index, link in enumerate(root.iter(*tags)):
        if link is before:
            break
        if link.tag != "a":
            continue
        node = link.getparent()
        for level in range(3):
            if node is None:
                break
            if node.tag in _CRUMB_TAGS and node not in first_seen:
                # (first link, -level) sorts the candidates in document order
                first_seen[node] = (index, -level)
            node = node.getparent()
    hinted: list[etree._Element] = []
    separated: list[etree._Element] = []
    for el in sorted(first_seen, key=first_seen.__getitem__):
        links = sum(1 for _ in el.iter("a"))
        if links < 2 or links > 8:
            continue
        hint = hint_of(el)
        if hint and any(token in hint for token in CRUMB_TOKENS):
            hinted.append(el)
            continue
        own = "".join(clean(t) for t in _own_text(el))
        if own and all(ch in CRUMB_SEPARATORS for ch in own) and any(ch in ">›»→" for ch in own):
            separated.append(el)
    # the crumb nearest the headline is the page's own; a labelled one beats a bare run
    for el in [*reversed(hinted), *separated]:
        parts = _crumb_parts(el)
        if 2 <= len(parts) <= 8 and all(len(p) <= 20 for p in parts):
            return parts
    return []


def _own_text(el: etree._Element) -> Iterator[str]:
    """Text that sits between the element's links (separators), not inside them."""
    if el.text:
        yield el.text
    for child in el:
        if is_element(child) and child.tag != "a":
            yield from _own_text(child)
        if child.tail:
            yield child.tail


# --------------------------------------------------------------------------- body


@dataclass(slots=True)
class TextStats:
    """Visible-text counts of every element with text, computed bottom-up in one walk.

    ``chars`` and ``links`` count non-space characters (all of them, and those inside
    ``<a>``); ``punct`` counts prose punctuation; ``own``/``own_punct`` count only the
    text that sits directly in the element or its inline children, which is where a
    ``<br>``-separated body keeps its paragraphs.
    """

    chars: dict[etree._Element, int]
    links: dict[etree._Element, int]
    punct: dict[etree._Element, int]
    own: dict[etree._Element, int]
    own_punct: dict[etree._Element, int]


def measure(root: etree._Element) -> TextStats:
    """Count every element's text once, children before parents (no element is walked twice)."""
    stats = TextStats({}, {}, {}, {}, {})
    chars, links, punct, own, own_punct = (
        stats.chars,
        stats.links,
        stats.punct,
        stats.own,
        stats.own_punct,
    )
    findall = _PUNCT.findall
    skip = SKIP_TAGS
    block = BLOCK_TAGS

    def walk(el: etree._Element, in_link: bool, depth: int) -> tuple[int, int, int]:
        # returns (chars, link chars, punctuation) of el's subtree, its tail excluded;
        # len(strip()) stands for the count of non-space characters: text nodes of
        # article pages have their spaces at the ends, and it is several times cheaper
        n = ln = pc = o = op = 0
        text = el.text
        if text and not text.isspace():
            o = n = len(text.strip())
            op = pc = len(findall(text))
        for child in el:
            tag = child.tag
            if tag.__class__ is str and tag not in skip:
                if depth < _MAX_DEPTH:
                    cn, cl, cp = walk(child, in_link or tag == "a", depth + 1)
                else:
                    cn = len("".join(child.itertext()).strip())
                    cl, cp = (cn if in_link else 0), 0
                if cn:
                    n += cn
                    ln += cl
                    pc += cp
                    if tag not in block and tag != "a":
                        o += cn
                        op += cp
            tail = child.tail
            if tail and not tail.isspace():
                k = len(tail.strip())
                p = len(findall(tail))
                n += k
                pc += p
                o += k
                op += p
        if n:
            if in_link:
                ln = n
            chars[el] = n
            links[el] = ln
            punct[el] = pc
            if o:
                own[el] = o
                own_punct[el] = op
        return n, ln, pc

    walk(root, False, 0)
    return stats


def find_body_container(
    root: etree._Element, stats: TextStats | None = None
) -> etree._Element | None:
    """The element holding the article's paragraphs.

    Each paragraph (a ``<p>``, or the loose text of a ``<br>``-separated block)
    votes for its parent and, at half weight, its grandparent, by its length and
    its prose punctuation; the winner's score is discounted by its link density.
    This is the readability idea; the counts come from :func:`measure`, so the
    vote costs one pass over the elements that have text.
    """
    if stats is None:
        stats = measure(root)
    chars, links, punct = stats.chars, stats.links, stats.punct
    scores: dict[etree._Element, float] = {}
    noisy: dict[etree._Element, bool] = {}

    def is_noisy(target: etree._Element) -> bool:
        # comment lists and related boxes nest their paragraphs a few levels deep
        cached = noisy.get(target)
        if cached is None:
            cached = is_noise(target)
            node = target.getparent()
            for _ in range(3):
                if node is None or cached:
                    break
                cached = is_noise(node, ENCLOSING_NOISE_TOKENS)
                node = node.getparent()
            noisy[target] = cached
        return cached

    def vote(target: etree._Element | None, length: int, marks: int) -> None:
        if target is None or is_noisy(target):
            return
        score = 1 + marks + min(length / 80, 4)
        scores[target] = scores.get(target, 0.0) + score
        grand = target.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2

    for el, n in chars.items():
        if el.tag == "p":
            length = n - links[el]
            if length >= 10:
                vote(el.getparent(), length, punct[el])
    for el, length in stats.own.items():
        if length >= 20 and el.tag in CONTAINER_TAGS:
            vote(el, length, stats.own_punct[el])

    best: etree._Element | None = None
    best_score = 0.0
    for el, score in scores.items():
        total = chars.get(el) or 1
        final = score * (1 - links.get(el, 0) / total)
        if final > best_score:
            best, best_score = el, final
    return best


@dataclass(slots=True)
class _Line:
    parts: list[str]
    emph: list[bool]
    links: int
    tag: str


# Pictures and players: the line right after one is where a caption sits.
MEDIA_TAGS = frozenset({"img", "video", "iframe", "embed", "object", "figure", "picture", "canvas"})


def body_blocks(container: etree._Element, after: etree._Element | None = None) -> list[Block]:
    """The container's text as paragraphs, page furniture inside it skipped.

    ``after`` is the headline when it sits inside the container: only what follows
    it is body (what precedes it is a kicker, crumbs or a channel name), unless
    more text precedes it than follows.
    """
    blocks: list[Block] = []
    before: list[Block] = []
    line = _Line([], [], 0, "p")
    started = after is None or not any(a is container for a in after.iterancestors())
    media = False

    def flush() -> None:
        nonlocal line, media
        text = clean("".join(line.parts))
        if text:
            plain = clean("".join(p for p, e in zip(line.parts, line.emph, strict=True) if not e))
            emphasized = line.tag in HEADING_TAGS or not plain
            if line.links < len(text) * 0.6:
                (blocks if started else before).append(
                    Block(text=text, tag=line.tag, emphasized=emphasized, after_media=media)
                )
                media = False
        line = _Line([], [], 0, "p")

    def walk(el: etree._Element, emph: bool, in_link: bool) -> None:
        nonlocal started, media
        tag = el.tag
        if tag in MEDIA_TAGS:
            media = True
        if tag in SKIP_TAGS or (el is not container and is_noise(el)):
            return
        if el is after:
            flush()
            started = True
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
            if tag in HEADING_TAGS or tag == "p":
                line.tag = tag
        emph = emph or tag in EMPHASIS_TAGS or tag in HEADING_TAGS
        in_link = in_link or tag == "a"
        if el.text:
            line.parts.append(el.text)
            line.emph.append(emph)
            if in_link:
                line.links += len(clean(el.text))
        for child in el:
            if is_element(child):
                walk(child, emph, in_link)
            if child.tail:
                line.parts.append(child.tail)
                line.emph.append(emph)
                if in_link:
                    line.links += len(clean(child.tail))
        if is_block:
            flush()

    walk(container, False, False)
    flush()
    if sum(len(b.text) for b in before) > sum(len(b.text) for b in blocks):
        # a "headline" followed by less text than precedes it is some box's title
        return before + blocks
    return blocks


def pieces_between(
    root: etree._Element, start: etree._Element | None, stop: etree._Element | None, limit: int
) -> list[TextPiece]:
    """Text nodes after ``start`` (exclusive of its subtree) up to ``stop``, with their class hints.

    With a ``start``, only what follows it is walked (its tail, its following
    siblings, then its ancestors' tails and following siblings), so the zone after
    the body costs what it holds, not the whole page. A ``stop`` that encloses
    ``start`` ends the zone where ``stop`` ends.
    """
    pieces: list[TextPiece] = []
    if start is None:
        _walk_pieces(root, stop, pieces, limit)
        return pieces
    node: etree._Element | None = start
    while node is not None and node is not stop:
        if node.tail:
            _add_piece(pieces, node.tail, node.getparent())
        if len(pieces) >= limit:
            return pieces
        for sibling in node.itersiblings():
            if not _walk_pieces(sibling, stop, pieces, limit):
                return pieces
        node = node.getparent()
    return pieces


def _walk_pieces(
    el: etree._Element, stop: etree._Element | None, pieces: list[TextPiece], limit: int
) -> bool:
    """Add the texts of ``el``'s subtree and its tail; False once ``stop`` or ``limit`` is reached."""
    if el is stop:
        return False
    if is_element(el) and el.tag not in SKIP_TAGS:
        if el.text:
            _add_piece(pieces, el.text, el)
            if len(pieces) >= limit:
                return False
        for child in el:
            if not _walk_pieces(child, stop, pieces, limit):
                return False
    if el.tail and el.getparent() is not None:
        _add_piece(pieces, el.tail, el.getparent())
    return len(pieces) < limit


def pieces_after(root: etree._Element, start: etree._Element, limit: int) -> list[TextPiece]:
    return pieces_between(root, start, None, limit)


def _add_piece(pieces: list[TextPiece], text: str, el: etree._Element | None) -> None:
    text = clean(text)
    if not text:
        return
    hints = []
    node = el
    depth = 0
    while node is not None and depth < 4:
        hint = hint_of(node)
        if hint:
            hints.append(hint)
        node = node.getparent()
        depth += 1
    pieces.append(TextPiece(text=text, hint=" ".join(hints)))
