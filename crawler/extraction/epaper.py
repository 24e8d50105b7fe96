"""Newspaper e-paper (数字报) article pages: what their markup says about the article.

Founder's (方正) e-paper systems, which most Chinese dailies use, print an article page
as a masthead, the edition date, the 版次 ("第03版:要闻") and often the 期号 ("第25312期"),
then 引题 / 主题 / 副题, the byline and the text. Two kinds of markup say which is which:

- ``<founder-title>``, ``<founder-author>``, ``<founder-content>`` elements around the
  headline, the byline and the text (the older table templates), and
- an ``<!--enpproperty ...-->`` comment holding the article's fields: ``<founder-date>``,
  ``<founder-title>``, ``<founder-author>``, ``<founder-papername>`` on the older templates;
  ``<date>``, ``<title>``, ``<introtitle>`` (引题), ``<subtitle>``, ``<author>`` on the newer.

:func:`epaper_meta` turns them into meta-like entries that the ordinary readers of
headline, time, source and author already weigh: the 主题 as ``articletitle`` (evidence
for the headline, so neither the masthead in ``<title>`` nor the 版次 wins), the paper as
``contentsource``, the **edition date** as a date-only ``pubdate`` (an e-paper's clock in
``<founder-date>`` — "23:59:57" — is when the edition was built, not a publication time),
the byline as ``author``, and :data:`EPAPER_MARK` so that the readers know these
fields come from the paper's own article record: the paper is the source even though it
is also the site's name, and the record's author counts though the page may not print it.
A page is taken for an e-paper article only when it has
``founder-*`` markup, or an ``enpproperty`` comment and a 版次 line; web pages of the same
CMS (news sites also write ``enpproperty`` comments) keep their own times.

Founder's table template of the 多媒体数字报刊平台 (兰州晨报's, 现代快报's) keeps the text in
``<founder-content>`` but writes no ``<founder-title>`` and no comment, and its ``<title>`` is
the platform's name ("现代快报多媒体数字报刊平台"): the 主题 is its one ``<td class="font01">``
(the 引题 and 副题 are ``font02`` cells around it), given as ``articletitle``, and the edition
date is the one printed with the weekday in ``<font class="weekday">`` ("2010年5月24日 星期一",
above the page image, not between the headline and the text), given as a date-only ``pubdate``
— the page holds no record of the paper, so nothing is marked as the record's.

E-paper systems of other makers write neither (健康时报's "电子报刊", 潇湘晨报's "数字报"), but
their ``<title>`` names the paper with the e-paper's own word ("异装癖：或是压力过大-健康时报
电子报刊", "…_潇湘晨报数字报"): such a page is the paper's article page too, and gives the paper
as ``contentsource`` (nothing else: no record says more). A paper's name alone in the title
(a paper's news site, "…_新京报") or with 手机版 (its mobile site) is no e-paper.

An e-paper page whose record gives no date — Founder markup with a bare ``<founder-date>``
comment outside any ``enpproperty`` one (北方新报), or no record at all under a ``<title>``
ending with an e-paper's word and a 版次 line on the page (先驱电子报's "第D02版：先驱博客") —
takes the issue's date it prints alone ("2021年06月23日  星期三" in the masthead, "2012年08月16日"
in the issue box) as a date-only ``pubdate`` (:func:`_issue_date`), when it prints one such
date only. A news site's top bar prints today's date the same way: without the e-paper's
markup or word and a 版次 line, no such date is read.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.tree import clean, page_title, text_of

#: the key :func:`epaper_meta` marks its entries with (no ``<meta>`` name holds a colon
#: and this prefix)
EPAPER_MARK = "newsmon:epaper"

_FIELD_RE = re.compile(r"<(?P<key>[a-z-]+)>(?P<value>.*?)</(?P=key)>", re.S)
_TAG_RE = re.compile(r"<[^<>]*>|<!\[CDATA\[|\]\]>")
_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
)
# 版次 as printed above the article: "第03版:要闻", "第A05版：本地新闻", "01版:要闻"
EDITION_LINE_RE = re.compile(r"^\s*(?:第\s*)?[A-Za-z]?\d{1,3}\s*版\s*[:：]?\s*\S{0,12}\s*$")
# What follows the paper's name in the e-paper's <title>: "江川日报数字报", "…电子版"
_PAPER_SUFFIX_RE = re.compile(r"(?:数字报刊?|电子报刊?|电子版|数字版|数字报纸|手机版)(?:平台)?$")
# The e-paper's own words among them (not 手机版, a paper's mobile news site)
_EPAPER_WORD_RE = re.compile(r"(?:数字报刊?|电子报刊?|电子版|数字版|数字报纸)(?:平台)?$")
_PAPER_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:报|报社)$")
_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|-{1,2}|—{1,2}|–)\s*")


def _text(value: str) -> str:
    return clean(_TAG_RE.sub("", value))


def _properties(root: etree._Element, comments: list[etree._Element]) -> dict[str, str]:
    """The fields of the page's ``enpproperty`` comment (first value of each), tags stripped.
    ``comments``: the comments inside ``root``, in document order."""
    # the comment often follows </html>: lxml keeps it as a sibling of the root
    nodes = (*root.itersiblings(etree.Comment, preceding=True), *comments)
    for node in (*nodes, *root.itersiblings(etree.Comment)):
        text = node.text or ""
        if "enpproperty" not in text:
            continue
        fields: dict[str, str] = {}
        for m in _FIELD_RE.finditer(text):
            value = _text(m["value"])
            if value:
                fields.setdefault(m["key"], value)
        return fields
    return {}


def _element_text(root: etree._Element, tag: str) -> str:
    for el in root.iter(tag):
        text = text_of(el)  # comment children (<!--<npm:article-title>-->) left out
        if text:
            return text
    return ""


def _has_edition_line(root: etree._Element) -> bool:
    for el in root.iter("td", "div", "span", "p", "li", "strong"):
        text = el.text  # the 版次 opens its element: "第1版<span>要闻</span>"
        if text and "版" in text and len(text) < 30 and EDITION_LINE_RE.match(text_of(el)):
            return True
    return False


def _paper_from_title(title: str, *, epaper_word: bool = False) -> str | None:
    """The paper named by the page's ``<title>`` (its text, ``title``): a segment that reads
    as a paper's name.

    ``epaper_word``: only a paper's name followed by an e-paper's own word ("健康时报 电子报刊").
    """
    if epaper_word and "数字" not in title and "电子" not in title:
        return None  # every e-paper word has one of these (most titles have neither)
    for segment in _TITLE_SPLIT_RE.split(title):
        if epaper_word and not _EPAPER_WORD_RE.search(segment):
            continue
        name = _PAPER_SUFFIX_RE.sub("", segment).rstrip()
        if _PAPER_RE.match(name):
            return name
    return None


def _names_an_epaper(title: str) -> bool:
    """Whether a segment of the ``<title>`` ends with an e-paper's own word ("…-先驱电子报",
    "…_潇湘晨报数字报"), whatever the paper's name before it."""
    if "数字" not in title and "电子" not in title:
        return False
    return any(_EPAPER_WORD_RE.search(s) for s in _TITLE_SPLIT_RE.split(title))


def _main_title_cell(root: etree._Element) -> str:
    """The 主题 of Founder's table template: its one non-empty ``<td class="font01">``
    ("" where the page has none, or several: then no cell says which is the headline)."""
    found = ""
    for td in root.iter("td"):
        if td.get("class") == "font01":
            text = text_of(td)
            if text:
                if found:
                    return ""
                found = text
    return found


def _weekday_date(root: etree._Element) -> str:
    """The edition date Founder's table template prints with ``<font class="weekday">``
    ("2012年5月18日 星期五"), as ``YYYY-MM-DD``; "" where there is none."""
    for font in root.iter("font"):
        if font.get("class") == "weekday":
            holder = font.getparent()
            m = _DATE_RE.search(text_of(holder) if holder is not None else "")
            if m:
                return f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
    return ""


# an issue's date printed alone in the masthead or the issue box: "2021年06月23日  星期三"
_ALONE_DATE_RE = re.compile(
    r"^\s*(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"\s*(?:星期[一二三四五六日天])?\s*$"
)


def _issue_date(root: etree._Element) -> str:
    """The issue's date an e-paper prints alone, as the whole text of an element with no
    child ("2021年06月23日  星期三" in 北方新报's masthead, ``<div id="paperdata">`` in
    先驱电子报's issue box), as ``YYYY-MM-DD``; "" where no such date is printed, or two
    different ones are (a list of issues: no one of them is this page's)."""
    found = ""
    for el in root.iter("span", "div", "td", "font", "p", "li", "strong", "b"):
        text = el.text
        if not text or len(el) or "年" not in text:
            continue
        m = _ALONE_DATE_RE.match(text)
        if m:
            date = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
            if found and date != found:
                return ""
            found = date
    return found


def _founder_markup(root: etree._Element) -> tuple[str, bool, list[etree._Element]]:
    """The first ``<founder-title>``'s text, whether the page has ``<founder-content>``, and
    the page's comments (one pass over the page for the three)."""
    title, content = "", False
    comments = []
    for el in root.iter(etree.Comment, "founder-title", "founder-content"):
        tag = el.tag
        if tag is etree.Comment:
            comments.append(el)
        elif tag == "founder-content":
            content = True
        elif not title:
            title = text_of(el)  # comment children (<!--<npm:article-title>-->) left out
    return title, content, comments


def epaper_meta(root: etree._Element, page_name: str | None = None) -> dict[str, str]:
    """Meta-like entries for an e-paper article page; empty for any other page.

    ``page_name``: the text of the page's ``<title>``
    (:func:`~crawler.extraction.tree.page_title`), when the caller has it.
    """
    if page_name is None:
        page_name = page_title(root)
    founder_title, founder_content, comments = _founder_markup(root)
    props = _properties(root, comments)
    founder = bool(founder_title) or any(k.startswith("founder-") for k in props)
    if not founder and not (props and _has_edition_line(root)):
        paper = _paper_from_title(page_name, epaper_word=True)  # another maker's e-paper
        found = {EPAPER_MARK: "1", "contentsource": paper} if paper else {}
        if _names_an_epaper(page_name) and _has_edition_line(root):
            edition = _issue_date(root)  # (no record: the issue's date as printed)
            if edition:
                found["pubdate"] = edition
        headline = _main_title_cell(root) if founder_content else ""
        if headline:  # Founder's table template: the 主题 cell, the platform in <title>
            found["articletitle"] = headline
            edition = _weekday_date(root)
            if edition:
                found["pubdate"] = edition
        return found
    out: dict[str, str] = {EPAPER_MARK: "1"}
    title = founder_title or props.get("founder-title") or props.get("title")
    if title:
        out["articletitle"] = title
    paper = props.get("founder-papername") or _paper_from_title(page_name)
    if paper:
        out["contentsource"] = paper
    m = _DATE_RE.search(props.get("founder-date") or props.get("date") or "")
    if m:
        out["pubdate"] = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
    else:  # a record without its date (a bare <founder-date> comment): the printed issue date
        edition = _issue_date(root)
        if edition:
            out["pubdate"] = edition
    author = _element_text(root, "founder-author") or props.get("founder-author")
    author = author or props.get("author")
    if author:
        out["author"] = author
    return out
