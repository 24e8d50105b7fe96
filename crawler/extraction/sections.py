"""Split a round-up article's body into per-city sections opened by headings like ``南京:标题``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from crawler.extraction.blocks import Block, Section
from crawler.extraction.gazetteer import Gazetteer, default_gazetteer

__all__ = ["MIN_HEADINGS", "parse_heading", "split_sections"]

#: A round-up has at least two city headings; one heading-like paragraph in an
#: ordinary article ("南京：再出发") is more likely a quote or a slogan than a section.
MIN_HEADINGS = 2

# The longest title after the label: headings are headline-length, paragraphs are not.
_MAX_TITLE = 30
_MAX_TITLE_EMPHASIZED = 40
# Sentence-ending punctuation marks a paragraph of prose, not a heading.
_PROSE_MARKS = re.compile("[。；;]")
_PROSE_MARKS_PLAIN = re.compile("[。；;！？!?]")

_BULLETS = "■□●○◆◇▲△▼▽★☆►▶◎※•·"
_NUMBERING = re.compile(
    r"^(?:[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[）)]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|\d{1,2}\s*[、.．](?!\d))\s*"
)
_LABEL_CHARS = r"[\u3400-\u9fff\U00020000-\U0002ffff·・]"
_BRACKETED = re.compile(
    r"^[【\[〔［](?P<label>[^】\]〕］]{2,16})[】\]〕］]\s*(?:[:：|｜—-]+\s*)?(?P<title>.*)$"
)
_SEPARATED = re.compile(
    rf"^(?P<label>{_LABEL_CHARS}(?:{_LABEL_CHARS}|\s)*?)\s*"
    r"(?:[:：|｜]|——|—|──|--)\s*(?P<title>.+)$"
)
_SPACED = re.compile(rf"^(?P<label>{_LABEL_CHARS}+)\s+(?P<title>\S.*)$")
_LABEL_ONLY = re.compile(rf"^(?P<label>{_LABEL_CHARS}+)\s*[:：]?$")
_MAX_LABEL = 12


def parse_heading(
    block: Block, gazetteer: Gazetteer | None = None
) -> tuple[str, str, str | None, str] | None:
    """Read ``block`` as a section heading: ``(label, city, district, heading)`` or None.

    Accepted forms, after an optional bullet (■●◆▲□★) or numbering (一、 （一） 1.):
    ``南京:标题`` / ``南京：标题``, ``【南京】标题``, ``南京|标题`` / ``南京｜标题``,
    ``南京——标题``; for emphasized blocks (``<strong>``, ``<h2>``–``<h4>``) also
    ``南京 标题`` and a bare ``南京``. The label must resolve to a city (or city +
    district) in the gazetteer and is returned as printed (無錫, 无锡宜兴); the
    heading is the title after the separator. A title that reads as prose (longer than
    a headline, or with 。；, and for plain paragraphs also ！？) is not a heading.
    """
    text = " ".join(block.text.split())
    text = _NUMBERING.sub("", text.lstrip(_BULLETS + " "))
    if not text:
        return None
    gazetteer = gazetteer or default_gazetteer()

    match = (
        _BRACKETED.match(text)
        or _SEPARATED.match(text)
        or (_SPACED.match(text) if block.emphasized else None)
        or (_LABEL_ONLY.match(text) if block.emphasized else None)
    )
    if match is None:
        return None
    label = match["label"].strip()
    title = (match.groupdict().get("title") or "").strip()
    if len(label) > _MAX_LABEL or not _is_title(title, block.emphasized):
        return None
    resolved = gazetteer.resolve_label(label)
    if resolved is None:
        return None
    city, district = resolved
    return label, city, district, title


def _is_title(title: str, emphasized: bool) -> bool:
    if not title:
        return emphasized  # a bold 南京 on its own line names the section that follows
    if emphasized:
        return len(title) <= _MAX_TITLE_EMPHASIZED and not _PROSE_MARKS.search(title)
    return len(title) <= _MAX_TITLE and not _PROSE_MARKS_PLAIN.search(title)


def split_sections(blocks: Sequence[Block], gazetteer: Gazetteer | None = None) -> list[Section]:
    """Cut the body into sections, each from one heading to the next; [] if it is no round-up.

    Paragraphs before the first heading (the lead) belong to no section. It takes
    :data:`MIN_HEADINGS` headings to make a round-up, and when the page marks at least
    that many headings with emphasis, plain paragraphs that look like headings are
    taken as text. ``places`` are the cities and districts each section's text names.
    """
    gazetteer = gazetteer or default_gazetteer()
    headings = [
        (i, found)
        for i, block in enumerate(blocks)
        if (found := parse_heading(block, gazetteer)) is not None
    ]
    emphasized = [(i, h) for i, h in headings if blocks[i].emphasized]
    if len(emphasized) >= MIN_HEADINGS:
        headings = emphasized
    if len(headings) < MIN_HEADINGS:
        return []

    sections = []
    ends = [i for i, _ in headings[1:]] + [len(blocks)]
    for (start, (label, city, district, title)), end in zip(headings, ends, strict=True):
        paragraphs = [t for b in blocks[start + 1 : end] if (t := b.text.strip())]
        text = "\n".join(paragraphs)
        sections.append(Section(label, city, district, title, text, gazetteer.places_in(text)))
    return sections
