"""The article record: one pure function from a parsed page to everything newsmon stores about it."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawler.extraction import authors, byline, edges
from crawler.extraction.blocks import Block, Section, TextPiece
from crawler.extraction.body import find_body_container, measure, unwrap_page_forms
from crawler.extraction.breadcrumb import ColumnNames, find_breadcrumb, jsonld_crumbs
from crawler.extraction.encoding import decode_html
from crawler.extraction.epaper import epaper_meta
from crawler.extraction.govinfo import record_date, without_render_stamp
from crawler.extraction.headline import (
    CANDIDATE_TAGS,
    Headline,
    find_headline,
    page_title,
    title_segments,
    unmarked,
    with_subtitle,
)
from crawler.extraction.keywords import has_traditional, match_keywords, simplify
from crawler.extraction.metadata import ShownText, read_jsonld, read_meta, stated_address
from crawler.extraction.paragraphs import body_blocks
from crawler.extraction.pieces import dated_above, lead_before, pieces_between, shows_date
from crawler.extraction.published import find_published_stamp
from crawler.extraction.scripted import scripted_time
from crawler.extraction.sections import split_sections
from crawler.extraction.siblings import text_run
from crawler.extraction.sitename import find_site_name
from crawler.extraction.stories import next_story, story_and_after
from crawler.extraction.zones import in_stated_zone, with_stated_clock

#: Bumped whenever extraction changes what it produces; stored with each article so
#: that ``newsmon reextract`` can tell which rows an improvement has not reached yet.
EXTRACTOR_VERSION = 96

#: Fewer characters of body than this and the page is not taken for an article.
MIN_BODY_CHARS = 40
# A paragraph of article text, not furniture: it has a clause or sentence mark.
_PROSE_RE = re.compile(r"[，。！？,]")


class ExtractionError(ValueError):
    """The page cannot be turned into an article record; ``str(err)`` says why in one line."""


class NotAnArticle(ExtractionError):
    """The page parsed, but it has no headline or no article text (a listing, an error page...)."""


@dataclass(slots=True)
class ExtractedArticle:
    """One article as read from its page: the record newsmon stores for it.

    The URL, headline, publication time, credited source (来源) and author, site name,
    breadcrumb, body text, a round-up's per-city sections and the configured keywords
    the headline or body matches.
    """

    url: str | None
    title: str
    published_at: datetime | None
    source: str | None
    author: str | None
    site_name: str | None
    breadcrumb: list[str]
    body: str
    sections: list[Section] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "source": self.source,
            "author": self.author,
            "site_name": self.site_name,
            "breadcrumb": list(self.breadcrumb),
            "body": self.body,
            "sections": [s.as_dict() for s in self.sections],
            "keywords": list(self.keywords),
        }


def _as_printed(value: str | None, printed: list[str], simplified: list[str]) -> str | None:
    """``value`` found in a simplified copy of the page's text, in the page's own characters.

    Several names joined by spaces ("闗净尹 王诗婷 吕品萱") are printed apart, with 、 between them
    ("記者／闗淨尹、王詩婷、呂品萱", 新聞人; "【記者呂羿穎、蔡愷恆…】", 政大新聞與媒體實驗室): each is
    looked up on its own.
    """
    if not value:
        return value
    whole = _printed_run(value, printed, simplified)
    if whole is not None:
        return whole
    names = [_printed_run(name, printed, simplified) for name in value.split()]
    if len(names) > 1 and all(names):
        return " ".join(name for name in names if name)
    return value


def _printed_run(value: str, printed: list[str], simplified: list[str]) -> str | None:
    for original, plain in zip(printed, simplified, strict=True):
        at = plain.find(value)
        if at >= 0 and len(plain) == len(original):
            return original[at : at + len(value)]
    return None


def extract_article(
    sel: Selector,
    *,
    url: str | None = None,
    fetched_at: datetime | None = None,
    keywords: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> ExtractedArticle:
    """Read the article on a parsed page.

    ``fetched_at`` anchors relative times ("3小时前") and year-less dates;
    ``keywords``/``exclude`` are the configured topics to flag. Raises
    :class:`NotAnArticle` for pages without a headline or article text.
    """
    root = sel.root
    if root is None or not isinstance(root.tag, str):
        raise NotAnArticle("the page has no HTML content")
    meta = read_meta(root)
    title = page_title(root)
    for key, value in epaper_meta(root, title).items():  # a 数字报 page's 主题, paper, edition date
        meta.setdefault(key, value)
    jsonld = read_jsonld(root)
    stats = measure(root, collect=CANDIDATE_TAGS)  # one walk: the vote's counts, the candidates
    container = find_body_container(root, stats)
    headline = find_headline(root, meta, jsonld, container, title, stats.tagged)
    if headline is None:
        raise NotAnArticle("no headline found")
    headline = with_subtitle(
        Headline(unmarked(headline.text), headline.element, headline.from_title)
    )
    # a second story the page appends after the article (an endless page, a "one more
    # article" loader) is none of it: the body is chosen before it, the trailer stops at it
    story_end = next_story(root, headline.element, stats)
    if story_end is not None:
        beyond = story_and_after(root, story_end)
        if container in beyond:
            chosen = find_body_container(root, stats, beyond)
            container = container if chosen is None else chosen
    if container is None:
        raise NotAnArticle("no article text found")

    # the text split over sibling blocks of one template: the winner and the prose beside it
    run = text_run(container, headline.element, stats, story_end)
    first, last = run[0], run[-1]
    trimmed = edges.trim_body(
        [b for el in run for b in body_blocks(el, headline.element)], headline.text
    )
    blocks, body_head, body_tail = trimmed.blocks, trimmed.head_credits, trimmed.tail_credits
    lead = lead_before(headline.element, first, stats)
    if lead is not None and not _repeated(lead, blocks):
        blocks = [Block(lead), *blocks]  # the opening paragraph printed apart from the body
    body = "\n".join(b.text for b in blocks)
    if len(body) < MIN_BODY_CHARS:
        raise NotAnArticle(f"article text too short ({len(body)} characters)")

    # the info line printed inside the body container ("来源：湖北日报" over the first
    # paragraph) counts as part of the header
    header = pieces_between(root, headline.element, first, limit=80, stats=stats)
    if headline.from_title and not shows_date(header):
        # a headline cell found through the <title> (see find_headline) can have the info
        # line above it (科学网): the header is then read from the top, as when the
        # headline is known from the <title> alone
        header = pieces_between(root, None, first, limit=80, stats=stats)
    shown = {p.text for p in header}
    header += [TextPiece(line, "") for line in body_head if line not in shown]
    trailer = pieces_between(root, last, story_end, limit=40, stats=stats)
    host = urlsplit(url).hostname if url else None

    head = body_head + [b.text for b in blocks[:2]] + _first_prose(blocks[2:4], blocks[:2])
    tail = [b.text for b in blocks[-2:]] + body_tail
    printed = [p.text for p in header] + [p.text for p in trailer] + head + tail
    traditional = has_traditional("".join(printed))
    if traditional:
        # labels are matched in simplified script (記者 is 记者, 發布時間 is 发布时间);
        # names stay as printed
        header = [TextPiece(simplify(p.text), p.hint) for p in header]
        trailer = [TextPiece(simplify(p.text), p.hint) for p in trailer]
        head, tail = [simplify(t) for t in head], [simplify(t) for t in tail]
    dated_meta = without_render_stamp(meta, fetched_at)
    stamp = find_published_stamp(
        meta=dated_meta,
        jsonld=jsonld,
        # the date a template prints above the headline, where the info line is not read
        header=dated_above(headline.element) + header,
        # a date in the address: the one fetched, else the one the page states for itself
        url=url or stated_address(root, meta),
        now=fetched_at,
        # a labelled time printed at the end of the body counts as printed after it
        trailer=[TextPiece(t, "") for t in tail] + trailer,
        scripted=lambda now: scripted_time(root, now),
        record=lambda now: record_date(root, now),
    )
    stamp = with_stated_clock(stamp, dated_meta, jsonld, fetched_at)
    stamp = in_stated_zone(stamp, dated_meta, jsonld, fetched_at)
    published = stamp.when if stamp else None
    site_name = find_site_name(root, meta, headline.text, host, title)
    crumbs = find_breadcrumb(root, headline.element)
    # the names a column could go by: the <title>'s parts and the breadcrumb's crumbs
    named = {*title_segments(title), *crumbs, *jsonld_crumbs(jsonld)}
    source = byline.find_source(
        meta=meta,
        jsonld=jsonld,
        header=header,
        trailer=trailer,
        body_tail=tail,
        headline=headline.text,
        site=site_name,
        body_head=head,
        # the <title>'s parts and the crumbs but the headline (the site's and the column's
        # names), and the names of the links to the site's listings (its columns, topics, tags)
        columns=ColumnNames(
            root,
            {simplify(s) if traditional else s for s in named} - {headline.text},
            simplify if traditional else str,
        ),
        shown=ShownText(root),
    )
    author = authors.find_author(
        meta=meta,
        jsonld=jsonld,
        header=header,
        trailer=trailer,
        body_head=head,
        body_tail=tail,
        # paragraphs that may close with a reporter credit (記者 is 记者 once simplified), or
        # be a digest credit ("（米妮 / 綜合報導）")
        body=[
            simplify(b.text)
            for b in blocks
            if "記者" in b.text or "记者" in b.text or "綜合報" in b.text
        ]
        if traditional
        else [b.text for b in blocks if "记者" in b.text or "综合报" in b.text],
        # the 文/撰文 credits among the text's opening paragraphs ("文 | 尚嵘峥 杜萌 编辑 | 陈显玲")
        opening=authors.opening_credits(
            (b.text for b in blocks[2 : authors.OPENING_PARAGRAPHS]),
            simplify if traditional else None,
        ),
        shown="\n".join(printed) + "\n" + body,
        # the site's own name, in the script the credits are read in
        site=simplify(site_name) if traditional and site_name else site_name,
    )
    if traditional:
        simplified = [p.text for p in header] + [p.text for p in trailer] + head + tail
        source = _as_printed(source, printed, simplified)
        author = _as_printed(author, printed, simplified)
    return ExtractedArticle(
        url=url,
        title=headline.text,
        published_at=published,
        source=source,
        author=author,
        site_name=site_name,
        breadcrumb=crumbs,
        body=body,
        sections=split_sections(blocks),
        keywords=match_keywords(keywords, [headline.text, body], exclude),
    )


# What two copies of a paragraph share when the punctuation differs ("西达斯-西奈医院"):
# its letters and digits.
_NOT_WORDS_RE = re.compile(r"[\W_]+")
_REPEAT_CHARS = 16


def _repeated(lead: str, blocks: Sequence[Block]) -> bool:
    """Whether the body repeats ``lead``: then it is a summary box above the article
    (摘要, 导读: 大众网, 温州网, 新京报, 生物通), not an opening paragraph printed apart."""
    start = _NOT_WORDS_RE.sub("", lead)[:_REPEAT_CHARS]
    return start in _NOT_WORDS_RE.sub("", "".join(b.text for b in blocks))


def _first_prose(later: Sequence[Block], first: Sequence[Block]) -> list[str]:
    """The first paragraph of article text, when the first two blocks hold none.

    Page furniture left at the top of the body ("扫一扫 手机阅读", an empty "原标题：")
    would otherwise hide the opening paragraph, whose dateline may credit the writer
    ("中新网北京11月10日电(吕春荣)日前，…").
    """
    if any(_PROSE_RE.search(b.text) for b in first):
        return []
    return next(([b.text] for b in later if _PROSE_RE.search(b.text)), [])


def _parser() -> etree.HTMLParser:
    # lxml parsers must not be shared between threads; making one costs microseconds
    return etree.HTMLParser(encoding="utf-8", collect_ids=False)  # (no XPath id() here)


def _as_utf8(data: bytes, text: str, encoding: str) -> bytes:
    """``text`` as UTF-8 without NULs: ``data`` itself when it already is that (most pages).

    A strict UTF-8 decode that replaced nothing and met no BOM and no NUL gives back
    exactly ``data`` when encoded, so the copy is skipped.
    """
    if (
        encoding == "utf-8"
        and b"\x00" not in data
        and not data.startswith(codecs.BOM_UTF8)
        and "\ufffd" not in text
    ):
        return data
    return text.replace("\x00", "").encode("utf-8")


def extract_bytes(
    data: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    keywords: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> ExtractedArticle:
    """Decode raw page bytes (any GB/UTF charset, declared or not) and extract the article."""
    if not data.strip():
        raise NotAnArticle("the page is empty")
    text, encoding = decode_html(data, content_type)
    # a plain lxml tree: lxml.html's per-element class lookup would cost more than parsing
    # (parsel does the same: lxml refuses str input that carries an XML encoding declaration)
    root = etree.fromstring(_as_utf8(data, text, encoding), _parser())
    if root is None:
        raise NotAnArticle("the page has no HTML content")
    unwrap_page_forms(root)  # the tree is this call's own: an ASP.NET page lives in a <form>
    return extract_article(
        Selector(root=root, type="html"),
        url=url,
        fetched_at=fetched_at,
        keywords=keywords,
        exclude=exclude,
    )
