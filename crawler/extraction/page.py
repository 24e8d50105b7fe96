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


def is_noise(el: etree._Element) -> bool:
    hint = hint_of(el)
    if not hint:
        return False
    return any(token in NOISE_TOKENS for token in _TOKEN_SPLIT.split(hint))


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


def link_text_length(el: etree._Element) -> int:
    return sum(len(clean(a.text_content())) for a in el.iter("a"))


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
        return clean(el.text_content())
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


def find_breadcrumb(root: etree._Element, before: etree._Element | None) -> list[str]:
    """Crumbs from the element that says it is a breadcrumb, or a run of links joined by ``>``."""
    limit = None
    if before is not None:
        limit = before
    candidates: list[etree._Element] = []
    for el in root.iter("div", "p", "span", "nav", "ol", "ul", "td", "section"):
        if limit is not None and el is limit:
            break
        hint = hint_of(el)
        links = el.findall(".//a")
        if len(links) < 2 or len(links) > 8:
            continue
        if hint and any(token in hint for token in CRUMB_TOKENS):
            candidates.insert(0, el)
            continue
        own = "".join(clean(t) for t in _own_text(el))
        if own and all(ch in CRUMB_SEPARATORS for ch in own) and any(ch in ">›»→" for ch in own):
            candidates.append(el)
    for el in candidates:
        parts = _crumb_parts(el)
        if 2 <= len(parts) <= 8 and all(len(p) <= 20 for p in parts):
            return parts
    return []


def _own_text(el: etree._Element) -> Iterator[str]:
    """Text that sits between the element's links (separators), not inside them."""
    if el.text:
        yield el.text
    for child in el.iter():
        if child is el or not is_element(child):
            continue
        if (
            child.tag != "a"
            and child.text
            and not any(anc.tag == "a" for anc in child.iterancestors())
        ):
            yield child.text
        if child.tail:
            yield child.tail


# --------------------------------------------------------------------------- body


def _own_text_length(el: etree._Element) -> int:
    """Length of the text directly in ``el`` and its inline children (for <br>-style bodies)."""
    total = len(clean(el.text))
    for child in el:
        if (
            is_element(child)
            and child.tag not in BLOCK_TAGS
            and child.tag not in SKIP_TAGS
            and child.tag != "a"
        ):
            total += len(clean(child.text_content()))
        total += len(clean(child.tail))
    return total


def find_body_container(root: etree._Element) -> etree._Element | None:
    """The element holding the article's paragraphs.

    Each paragraph (a ``<p>``, or the loose text of a ``<br>``-separated block)
    votes for its parent and, at half weight, its grandparent, by its length and
    its prose punctuation; the winner's score is discounted by its link density.
    This is the readability idea, kept to one pass over the tree.
    """
    scores: dict[etree._Element, float] = {}
    for el in root.iter():
        if not is_element(el) or el.tag in SKIP_TAGS:
            continue
        if el.tag == "p":
            text = text_of(el)
            length = len(text) - link_text_length(el)
            target = el.getparent()
        elif el.tag in CONTAINER_TAGS:
            length = _own_text_length(el)
            if length < 20:
                continue
            text = clean(el.text) + "".join(clean(c.tail) for c in el)
            target = el
        else:
            continue
        if length < 10 or target is None:
            continue
        if any(is_noise(a) for a in (target, *list(target.iterancestors())[:3])):
            continue
        score = 1 + len(_PUNCT.findall(text)) + min(length / 80, 4)
        scores[target] = scores.get(target, 0.0) + score
        grand = target.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    best: etree._Element | None = None
    best_score = 0.0
    for el, score in scores.items():
        total = len(text_of(el)) or 1
        density = link_text_length(el) / total
        final = score * (1 - density)
        if final > best_score:
            best, best_score = el, final
    return best


@dataclass(slots=True)
class _Line:
    parts: list[str]
    emph: list[bool]
    links: int
    tag: str


def body_blocks(container: etree._Element) -> list[Block]:
    """The container's text as paragraphs, page furniture inside it skipped."""
    blocks: list[Block] = []
    line = _Line([], [], 0, "p")

    def flush() -> None:
        nonlocal line
        text = clean("".join(line.parts))
        if text:
            plain = clean("".join(p for p, e in zip(line.parts, line.emph, strict=True) if not e))
            emphasized = line.tag in HEADING_TAGS or not plain
            if line.links < len(text) * 0.6:
                blocks.append(Block(text=text, tag=line.tag, emphasized=emphasized))
        line = _Line([], [], 0, "p")

    def walk(el: etree._Element, emph: bool, in_link: bool) -> None:
        tag = el.tag
        if tag in SKIP_TAGS or (el is not container and is_noise(el)):
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
    return blocks


def pieces_between(
    root: etree._Element, start: etree._Element | None, stop: etree._Element | None, limit: int
) -> list[TextPiece]:
    """Text nodes after ``start`` (exclusive of its subtree) up to ``stop``, with their class hints."""
    pieces: list[TextPiece] = []
    started = start is None
    skip_until: etree._Element | None = None
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not is_element(el):
            continue
        if event == "end":
            if el is skip_until:
                skip_until = None
            if el is start:
                started = True
            if started and skip_until is None and el.tail and el is not stop:
                _add_piece(pieces, el.tail, el.getparent())
            continue
        if el is stop and started:
            break
        if skip_until is not None:
            continue
        if el.tag in SKIP_TAGS:
            skip_until = el
            continue
        if started and el.text:
            _add_piece(pieces, el.text, el)
        if len(pieces) >= limit:
            break
    return pieces


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
