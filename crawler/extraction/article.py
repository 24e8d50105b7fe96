"""The article record: one pure function from a parsed page to everything newsmon stores about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extraction import byline, dates, page
from crawler.extraction.encoding import decode_html
from crawler.extraction.keywords import match_keywords
from crawler.extraction.model import Block, Section
from crawler.extraction.sections import split_sections

#: Bumped whenever extraction changes what it produces; stored with each article so
#: that ``newsmon reextract`` can tell which rows an improvement has not reached yet.
EXTRACTOR_VERSION = 1

#: Fewer characters of body than this and the page is not taken for an article.
MIN_BODY_CHARS = 40


class ExtractionError(ValueError):
    """The page cannot be turned into an article record; ``str(err)`` says why in one line."""


class NotAnArticle(ExtractionError):
    """The page parsed, but it has no headline or no article text (a listing, an error page...)."""


@dataclass(slots=True)
class Article:
    """The article record of DESIGN.md."""

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


def _trim_credits(blocks: list[Block]) -> tuple[list[Block], list[str], list[str]]:
    """Split bylines and editor signatures off both ends of the body."""
    head: list[str] = []
    tail: list[str] = []
    start, end = 0, len(blocks)
    while start < end and byline.is_credit_line(blocks[start].text):
        head.append(blocks[start].text)
        start += 1
    while end > start and byline.is_credit_line(blocks[end - 1].text):
        tail.insert(0, blocks[end - 1].text)
        end -= 1
    return blocks[start:end], head, tail


def extract_article(
    sel: Selector,
    *,
    url: str | None = None,
    fetched_at: datetime | None = None,
    keywords: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Article:
    """Read the article on a parsed page.

    ``fetched_at`` anchors relative times ("3小时前") and year-less dates;
    ``keywords``/``exclude`` are the configured topics to flag. Raises
    :class:`NotAnArticle` for pages without a headline or article text.
    """
    root = sel.root
    if root is None or not isinstance(root.tag, str):
        raise NotAnArticle("the page has no HTML content")
    meta = page.read_meta(root)
    jsonld = page.read_jsonld(root)
    headline = page.find_headline(root, meta, jsonld)
    if headline is None:
        raise NotAnArticle("no headline found")
    container = page.find_body_container(root)
    if container is None:
        raise NotAnArticle("no article text found")

    blocks = [b for b in page.body_blocks(container) if b.text != headline.text]
    blocks, body_head, body_tail = _trim_credits(blocks)
    body = "\n".join(b.text for b in blocks)
    if len(body) < MIN_BODY_CHARS:
        raise NotAnArticle(f"article text too short ({len(body)} characters)")

    header = page.pieces_between(root, headline.element, container, limit=80)
    trailer = page.pieces_after(root, container, limit=40)
    host = urlsplit(url).hostname if url else None

    published = dates.find_published(
        meta=meta, jsonld=jsonld, header=header, url=url, now=fetched_at
    )
    head = body_head + [b.text for b in blocks[:2]]
    tail = [b.text for b in blocks[-2:]] + body_tail
    source = byline.find_source(
        meta=meta, jsonld=jsonld, header=header, trailer=trailer, body_tail=tail
    )
    author = byline.find_author(
        meta=meta, jsonld=jsonld, header=header, trailer=trailer, body_head=head, body_tail=tail
    )
    return Article(
        url=url,
        title=headline.text,
        published_at=published,
        source=source,
        author=author,
        site_name=page.find_site_name(root, meta, headline.text, host),
        breadcrumb=page.find_breadcrumb(root, headline.element),
        body=body,
        sections=split_sections(blocks),
        keywords=match_keywords(keywords, [headline.text, body], exclude),
    )


def extract_bytes(
    data: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    keywords: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Article:
    """Decode raw page bytes (any GB/UTF charset, declared or not) and extract the article."""
    if not data.strip():
        raise NotAnArticle("the page is empty")
    text, _encoding = decode_html(data, content_type)
    return extract_article(
        Selector(text=text, type="html"),
        url=url,
        fetched_at=fetched_at,
        keywords=keywords,
        exclude=exclude,
    )
