"""The headline as shown on the page (the site's name, read after it, is `sitename.py`'s)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import dropwhile
from typing import Any

from lxml import etree

from crawler.extraction.crumbtrail import holds_crumbs
from crawler.extraction.metadata import jsonld_value
from crawler.extraction.placement import heads_body, starts_after
from crawler.extraction.printed import INFO_LINE_RE, above_the_info_line, beside_a_date
from crawler.extraction.tree import clean, hint_of, page_title, text_of

#: class/id words that name a headline element ("title", and "heading"/"headline" on
#: table-era portals such as qianlong.com's ``<div class="Heading">`` and BBC's templates)
_HEADLINE_HINT = re.compile(r"title|heading|headline")


_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |–|——|-{2,})\s*")


def title_segments(title: str | None) -> list[str]:
    """The parts of a ``<title>`` between its separators ("…_新闻频道_中华网": headline,
    column, site)."""
    return [s for s in _TITLE_SPLIT.split(title) if s] if title else []


@dataclass(slots=True)
class Headline:
    text: str
    element: etree._Element | None
    #: found as an element showing a part of the <title> (:func:`_shown_title_part`)
    from_title: bool = False


_LITERAL_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
# a line break printed as text: a space between the lines, as a ``<br>`` element reads
_LITERAL_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
# An e-paper's 版次 "第03版:要闻" or 期号 "第25312期": never the headline.
_EDITION_RE = re.compile(r"^\s*第\s*[A-Za-z]?\d+\s*[版期]")
_SUBTITLE_RE = re.compile(r"^(?:——|—|--)\s*\S")


_HEADING_TAGS = ("h1", "h2", "h3", "founder-title")
#: the tags a headline candidate can have: ``body.measure`` lists them for :func:`find_headline`
CANDIDATE_TAGS = frozenset({*_HEADING_TAGS, "div", "p", "span", "td", "strong"})


def _tagged_elements(
    root: etree._Element, tagged: list[etree._Element] | None
) -> Iterable[etree._Element]:
    """The page's elements with a tag in ``CANDIDATE_TAGS``, in document order: ``tagged``
    when a walk has listed them already (``TextStats.tagged``), else a new walk of the page
    (a generator: each step that reads them asks for its own)."""
    return root.iter(*CANDIDATE_TAGS) if tagged is None else tagged


_GET = etree._Element.get


def _candidates(
    root: etree._Element, tagged: list[etree._Element] | None = None
) -> list[tuple[etree._Element, bool]]:
    """Headline candidates in document order: h1-h3, founder-title (e-papers), and
    div/p/span/td/strong whose class or id says "title" (``_HEADLINE_HINT``); each with
    whether it is *named* a headline (by that hint, or being a founder-title).

    ``tagged`` is the page's elements with a tag in ``CANDIDATE_TAGS`` in document order
    when a walk has listed them already (``TextStats.tagged``); else the page is walked."""
    found: list[tuple[etree._Element, bool]] = []
    add = found.append
    get = _GET  # (one look-up of the method for the page's few hundred elements)
    for el in _tagged_elements(root, tagged):
        # class and id looked at apart: the words cannot span the space hint_of puts between
        # (``_HEADLINE_HINT.search`` by substring tests: a third of the time per value); the
        # id is read only when the class names no headline
        cls = get(el, "class")
        if cls:
            cls = cls.lower()
            if "title" in cls or ("head" in cls and ("heading" in cls or "headline" in cls)):
                add((el, True))
                continue
        ident = get(el, "id")
        if ident:
            ident = ident.lower()
            if "title" in ident or (
                "head" in ident and ("heading" in ident or "headline" in ident)
            ):
                add((el, True))
                continue
        tag = el.tag  # (read only here: most elements are neither named nor headings)
        if tag in _HEADING_TAGS:
            add((el, tag == "founder-title"))
    return found


def unmarked(text: str) -> str:
    """``text`` without markup printed as text ("<div>标题</div>" escaped into the page)."""
    if "<" not in text:
        return text
    return clean(_LITERAL_TAG_RE.sub("", _LITERAL_BR_RE.sub(" ", text)))


def with_subtitle(headline: Headline) -> Headline:
    """A two-line headline joined as shown: the main line and the next element's "——副题"."""
    el = headline.element
    if el is None:
        return headline
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is None or (nxt.tag in ("p",) and not _HEADLINE_HINT.search(hint_of(nxt))):
        return headline
    sub = unmarked(text_of(nxt))
    if _SUBTITLE_RE.match(sub) and len(sub) <= 80 and sub not in headline.text:
        return Headline(headline.text + sub, el, headline.from_title)
    return headline


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:  # (the headline's candidates: the <title> opens with it, compared in C)
        return n
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


# Any run of these splits a <title> into headline and site/column parts, spaced or not:
# "…看门诊了！-中南大学新闻网门户网站", "…很美—新闻—科学网", "中国收藏网---新闻中心--…".
_PART_SEP_RE = re.compile(r"\s*[-—–_|｜]+\s*")


def _title_parts(title: str) -> set[str]:
    """What is left of ``title`` before or after any one of its separators (4+ characters)."""
    parts = set()
    for m in _PART_SEP_RE.finditer(title):
        for part in (title[: m.start()].strip(), title[m.end() :].strip()):
            if len(part) >= 4:
                parts.add(part)
    return parts


def _own_text(el: etree._Element) -> str | None:
    """The text of an element that holds only text, or one child that holds only text."""
    if len(el) == 0:
        return el.text
    if len(el) == 1 and not (el.text or "").strip():
        child = el[0]
        if isinstance(child.tag, str) and len(child) == 0 and not (child.tail or "").strip():
            return child.text
    return None


#: the tags :func:`_shown_title_part` reads: the candidates' and the lesser headings and bold
#: runs a CMS prints a headline in without naming it (山东大学新闻网's ``<h5>``, 漳州市律师协会's
#: ``<b>`` at the top of the text's cell)
_SHOWN_TAGS = (*CANDIDATE_TAGS, "h4", "h5", "h6", "b")


def _shown_title_part(title: str, elements: Iterable[etree._Element]) -> Headline | None:
    """The longest part of ``title`` (see :func:`_title_parts`) that an element shows as its
    whole text: the headline, printed in a cell or a styled block no class calls a title
    (``<td class="mod_font08">``, ``<div class="contTit">``, ``<div class="if_font16">``),
    while the <title> joins it to the site and column with separators that need no spaces.
    Seen on five sites of ``tests/fixtures/real5``; in an ``<h4>``–``<h6>`` or a ``<b>``
    (``_SHOWN_TAGS``) on two sites of the seventy-seventh pass, whose fallbacks had taken a
    list heading (相关推荐：) or the site's name (the ``<title>``'s first segment)."""
    return _shown_whole(_title_parts(title), elements)


def _shown_whole(texts: set[str], elements: Iterable[etree._Element]) -> Headline | None:
    """The longest of ``texts`` that an element shows as its whole text (see
    :func:`_shown_title_part`)."""
    if not texts:
        return None
    found = _longest_shown(elements, lambda _el, text: text in texts)
    return None if found is None else Headline(found[1], found[0], from_title=True)


def _longest_shown(
    elements: Iterable[etree._Element], accept: Callable[[etree._Element, str], bool]
) -> tuple[etree._Element, str] | None:
    """The element (the first of the longest) whose whole text (:func:`_own_text`, cleaned)
    ``accept`` takes, with that text."""
    found: tuple[etree._Element, str] | None = None
    for el in elements:
        own = _own_text(el)
        if not own:
            continue
        text = clean(own)
        if (found is None or len(text) > len(found[1])) and accept(el, text):
            found = (el, text)
    return found


_TAG_SCORES = {"h1": 1.0, "h2": 0.6, "h3": 0.3}


def find_headline(
    root: etree._Element,
    meta: dict[str, str],
    jsonld: list[dict[str, Any]],
    container: etree._Element | None = None,
    title: str | None = None,
    tagged: list[etree._Element] | None = None,
) -> Headline | None:
    """The headline as shown on the page.

    Candidates are h1–h3 and elements whose class/id says "title"; each is scored
    by agreement with the evidence the page gives elsewhere (``<title>``,
    ``og:title``, the government ``ArticleTitle`` meta, JSON-LD ``headline``).
    A heading that only repeats the site name (some portals wrap the logo in h1)
    loses to one that agrees with the evidence. When nothing agrees, a heading or
    title-named element in the wrapper of the body ``container`` wins over a
    ``<title>`` that names only the site and column ("科普中国-辟谣文章", "新闻动态").
    Where the headline would fall back on a text the page prints nowhere and that names
    the site, the line printed just above the dated info line wins (:func:`_printed_above_info`).
    ``title`` is the page's ``<title>`` text when the caller has read it already, ``tagged``
    the elements with a tag in ``CANDIDATE_TAGS`` (see :func:`_candidates`).
    """
    if title is None:
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
    segments = title_segments(title)
    texts: dict[etree._Element, str] = {}  # candidate -> its text, for the second look
    named_ones: set[etree._Element] = set()
    best: tuple[float, int, Headline] | None = None
    for order, (el, named) in enumerate(_candidates(root, tagged)):
        tag = el.tag
        text = texts[el] = unmarked(text_of(el))
        if named:
            named_ones.add(el)
        if not 2 <= len(text) <= 150 or _EDITION_RE.match(text):
            continue
        score = _TAG_SCORES.get(tag, 0.2)
        if named:
            score += 0.3
        if evidence:
            if text in evidence:
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
        found = _after_the_column(best[2], title, segments, texts, named_ones)
        found = _over_the_site_name(root, container, found, title, evidence, texts, named_ones)
        return _above_the_body(found, texts, container)
    if title:
        # (a walk of its own: the headline part may stand in a lesser heading or a bold run
        # the candidates do not list, ``_SHOWN_TAGS``)
        shown = _shown_title_part(title, root.iter(*_SHOWN_TAGS))
        if shown is not None:
            return shown
    if not evidence:
        # h1 first, then title-named elements, then h2/h3 (a kicker line is often an h3); a
        # heading that prints a breadcrumb trail is none (泰国华人婚介所's <h1> 首页 >> …)
        for tags in (("h1",), ("div", "p", "span", "td", "strong"), ("h2", "h3")):
            for el, text in texts.items():
                if el.tag not in tags:
                    continue
                if (
                    4 <= len(text) <= 150
                    and text not in title
                    and heads_body(el, container)
                    and not holds_crumbs(el)
                ):
                    shown = _title_shown_from(el, title, _tagged_elements(root, tagged), container)
                    return shown or Headline(text, el)
        if len(segments) == 1:
            above = _unnamed_above(root, container, title)
            if above is not None:
                return above
    if title:
        # a <title> that is the headline alone, shown as the whole text of an element no class
        # names a title: a <strong> in a table cell (中評社), a plain <div> (当今大马). With the
        # element, the header is read from the headline down (not from_title: the whole <title>
        # is no cell's part, so no info line above it is looked for), not from the top of the
        # page, whose menu words ("網書" after "編譯", "MENU") were taken for an author or a
        # source. After the headings that head the body: a <title> of the site's name alone
        # is shown in the page's top bar (北京青年报).
        shown = _shown_whole({clean(title)}, _tagged_elements(root, tagged))
        if shown is not None:
            return Headline(shown.text, shown.element)
    if evidence:
        return _printed_above_info(root, container, evidence[0], True) or Headline(
            evidence[0], None
        )
    if len(segments) == 1:
        above = _printed_above_info(root, container, segments[0], False)
        if above is not None:
            return above
    if segments:
        printed = _printed_without_tag(segments[0], _tagged_elements(root, tagged), container)
        return printed or Headline(segments[0], None)
    if best is not None and best[2].element is not None:
        el = best[2].element
        if el.tag == "h1" or _HEADLINE_HINT.search(hint_of(el)):
            return best[2]
    return None


def _title_shown_from(
    heading: etree._Element,
    title: str,
    elements: Iterable[etree._Element],
    container: etree._Element | None,
) -> Headline | None:
    """The element showing the whole ``<title>`` from the ``heading`` found over the body on
    (inside it or after it, not after the body ``container``), when no evidence names the
    headline: a column heading over a cell that prints the headline (高雄市衛生局's
    ``div.title`` 焦點新聞 over a ``<td>``), or a headline block that also holds the info line
    (清博's ``div.content-title``: the headline's ``<p>`` and a list "发布于：… 来源：…"). A
    ``<title>`` shown before the heading (北京青年报's site name in its top bar) is not read.
    The header is read from the element down (not ``from_title``)."""
    whole = clean(title)
    if not whole:
        return None
    found = _longest_shown(
        dropwhile(lambda el: el is not heading, elements),
        lambda el, text: (
            text == whole and not (container is not None and starts_after(el, container))
        ),
    )
    return None if found is None else Headline(found[1], found[0])


def _over_the_site_name(
    root: etree._Element,
    container: etree._Element | None,
    found: Headline,
    title: str | None,
    evidence: list[str],
    texts: dict[etree._Element, str],
    named_ones: set[etree._Element],
) -> Headline:
    """The heading printed beside a date line, when the one chosen is the site's name the
    ``<title>`` opens with ("site-column": 政大's hidden ``<h1>`` under "國立政治大學傳播學院新聞與媒體實驗室-
    圖文專題", 台灣國家婦女館's logo ``<h1>`` under "台灣國家婦女館 - 最新消息"): the ``<title>``'s
    first part, no evidence naming it alone (a meta title that is the chosen text makes it
    the headline, 山西's "headline - site").

    The first heading or element named a title that is longer than the chosen text, not in
    the ``<title>``, printed after the chosen one and not after the body (the logo tops the
    page; a related list under the text is no headline), as a line of its own next to a short
    dated line (:func:`printed.beside_a_date`: 政大's "日期：2023-06-23" under it, 婦女館's
    "2024-04-07" over it), while the chosen one stands beside none and is not just above it (a headline's
    subhead). Found as from the ``<title>`` (``from_title``): a date line over it is then read
    from the top of the page."""
    el = found.element
    if not title or el is None or not title.startswith(found.text) or found.text in evidence:
        return found
    sep = _PART_SEP_RE.match(title, len(found.text))
    if sep is None or sep.end() == len(title):
        return found
    others: dict[etree._Element, str] = {}
    seen = False  # (``texts`` holds the candidates in document order)
    for other, text in texts.items():
        if other is el:
            seen = True
        elif (
            seen
            and (other in named_ones or other.tag in _TAG_SCORES)
            and len(found.text) < len(text) <= 150
            and text not in title
            and not (container is not None and starts_after(other, container))
        ):
            others[other] = text
    beside = beside_a_date(root, container, others, el) if others else None
    return found if beside is None else Headline(beside[1], beside[0], from_title=True)


_SEPARATORS = "-—–_|｜"


def _printed_above_info(
    root: etree._Element, container: etree._Element | None, unprinted: str, from_meta: bool
) -> Headline | None:
    """The headline printed just above the dated info line over the body
    (:func:`printed.above_the_info_line`), when the text the headline would fall back on is
    printed nowhere as an element's text and names the site: a ``<title>`` of one segment that
    is neither the printed line nor holds it (the site's name alone, 复旦大学附属儿科医院's; with
    its domain, 明声报's "明声报(温哥华版) mingshengbao.com"), or a meta title in
    "site-section-column-headline" order that ends with the line after a separator (台州医院's
    "浙江省台州医院-新闻中心-院内新闻-妙手良医 还孩童女儿身")."""
    found = above_the_info_line(root, container)
    if found is None:
        return None
    text, el = found
    if from_meta:
        rest = len(unprinted) - len(text)
        if rest < 2 or not unprinted.endswith(text) or unprinted[rest - 1] not in _SEPARATORS:
            return None
    elif text in unprinted or unprinted in text:
        return None
    return Headline(text, el)


# what opens or closes a tag word the <title> adds to the headline: "图片 标题", "标题(栏目)"
_TAG_WORD_OPEN = (" ", "(", "（", "[", "【")
_TAG_WORD_CLOSE = (" ", ")", "）", "]", "】")


def _printed_without_tag(
    segment: str, elements: Iterable[etree._Element], container: etree._Element | None
) -> Headline | None:
    """The headline as printed before the body when the ``<title>``'s first ``segment`` adds a
    tag word to it: a word and a space before it (民航资源网's "图片 尊重性别多元…" over its
    ``<h2 class="title">``), or a bracketed column after it (100医药网's "…的尴尬(性的感悟)"
    over ``<div class="theInfosubject">``).

    The longest whole text of an element (not after the body ``container``) that the segment
    opens or closes with, at least 8 characters, the rest at most 8 characters and cut off by
    a space or a bracket."""

    def adds_a_tag(el: etree._Element, text: str) -> bool:
        rest = len(segment) - len(text)
        if len(text) < 8 or not 0 < rest <= 8:
            return False
        if segment.startswith(text):
            cut = segment[len(text)] in _TAG_WORD_OPEN
        else:
            cut = segment.endswith(text) and segment[rest - 1] in _TAG_WORD_CLOSE
        return cut and (container is None or not starts_after(el, container))

    found = _longest_shown(elements, adds_a_tag)
    return None if found is None else Headline(found[1], found[0])


_NOT_HEADLINE_TAGS = frozenset(
    {"a", "option", "script", "style", "title", "head", "button", "label"}
)


def _unnamed_above(
    root: etree._Element, container: etree._Element | None, title: str
) -> Headline | None:
    """The headline printed in an element nothing names, over a ``<title>`` that is one
    segment and never shown before the body: the site's name alone ("性別人權協會：新聞" over
    ``<span class="style11">``, a hospital's name over ``<div class="sbt">``).

    The last element before the body ``container`` whose own text is 4–150 characters, is
    no date or info line (``INFO_LINE_RE``) and shares an ancestor with the body at most
    three levels up. None when an element before the body shows the ``<title>`` or a part of
    it (the <title> then holds the headline: 100md.com's "…的尴尬(性的感悟)" over "…的尴尬")."""
    if container is None:
        return None
    found: tuple[etree._Element, str] | None = None
    for el in root.iter():
        if el is container:
            break
        if not isinstance(el.tag, str) or el.tag in _NOT_HEADLINE_TAGS:
            continue
        own = _own_text(el)
        if not own:
            continue
        text = clean(own)
        if len(text) >= 4 and text in title:
            return None  # the <title> (or its headline part) is printed: not the site's name
        if len(text) <= 150 and len(text) >= 4 and not INFO_LINE_RE.search(text):
            found = (el, text)
    if found is None:
        return None
    el, text = found
    holder = el.getparent()
    body_line = set(container.iterancestors())
    for _ in range(3):
        if holder is None:
            return None
        if holder in body_line:
            return Headline(text, el)
        holder = holder.getparent()
    return None


# the site's name closing a ``<title>`` in brackets past a separator ("…-【哈尔滨心理咨询中心】",
# "…_【快资讯】", "…-「九尾网」")
_BRACKETED_SITE_RE = re.compile(r"[-—–_|｜]\s*[【\[「〔]([^】\]」〕]{2,30})[】\]」〕]\s*$")


def _after_the_column(
    found: Headline,
    title: str | None,
    segments: list[str],
    texts: dict[etree._Element, str],
    named_ones: set[etree._Element],
) -> Headline:
    """The headline the ``<title>`` goes on to, when the one chosen is the column name it opens
    with.

    A ``<title>`` that opens with the column's name makes a side box's or a tab's column
    heading that prints that name ("新闻动态", "即時新聞") score as the start of the title. When
    a heading or an element named a title shows a longer text that the ``<title>`` gives after
    that name, glued to it or past a separator, and that text is not the ``<title>``'s last
    segment (the site's name), it is the headline — unless the name was found in an ``<h1>``:
    湖南省人民医院's div.pages_view_titleb under "新闻动态两性畸形MDT会议召开" (the name in the
    side box's div.pages_left_nav_title), 信報's ``<h1>`` under "即時新聞 - 時事脈搏 - … -
    信報網站" (the name in the footer's ``<h2>``). It is
    found through the ``<title>`` (``from_title``): when no date follows it, the header is
    read from the top of the page, where 信報 prints its date line above the ``<h1>``.
    """
    lead = found.text
    if (
        not title
        or len(title) <= len(lead)
        or not title.startswith(lead)
        or (found.element is not None and found.element.tag == "h1")
    ):
        return found  # (an <h1> the <title> opens with is the headline, "标题_栏目_网站")
    site = segments[-1] if len(segments) > 1 else None
    bracketed = _BRACKETED_SITE_RE.search(title)
    after: Headline | None = None
    for el, text in texts.items():
        if (
            el is found.element
            or not len(lead) < len(text) <= 150
            or text == site
            or (bracketed is not None and text == bracketed[1])
            or (el not in named_ones and el.tag not in _TAG_SCORES)
            or title.find(text, len(lead)) < 0
        ):
            continue
        if after is None or len(text) > len(after.text):
            after = Headline(text, el, from_title=True)
    return found if after is None else after


def _above_the_body(
    found: Headline, texts: dict[etree._Element, str], container: etree._Element | None
) -> Headline:
    """The headline's copy above the article body when the chosen one is printed after it.

    A page may print its headline twice: over the article (``<h2 class="itemTitle">``,
    a plain ``<h2>``) and again after it, in an ``<h1>`` that outscores it (a hidden
    WeChat-share block on 央广网, a closing title bar on 香港電台, a sticky share bar on
    新頭殼). The info line under the headline is read from the element found; the copy after
    the body has none, so the time and credits came from elsewhere (a date-only meta, the
    list of other news under it, a dialog box's title). The first candidate with the same
    text that does not come after the body is taken, else the last element before the body
    that shows that text alone.
    """
    el = found.element
    if el is None or container is None or not starts_after(el, container):
        return found
    for other, text in texts.items():
        if other is el:
            break
        if text == found.text and not starts_after(other, container):
            return Headline(found.text, other, found.from_title)
    # no candidate: the copy above may be an element no class calls a title
    # (新頭殼's <span class="sub">); the last one before the body is taken
    above = None
    for other in el.getroottree().getroot().iter():
        if other is container:
            break
        if isinstance(other.tag, str) and other.tag not in ("title", "head"):
            own = _own_text(other)
            if own and clean(own) == found.text:
                above = other
    return found if above is None else Headline(found.text, above, found.from_title)
