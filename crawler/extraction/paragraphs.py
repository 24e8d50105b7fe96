"""The body's container read as paragraphs: its text walked once, line by line, page
furniture inside it skipped (the container itself: ``body.py``; the text around it:
``pieces.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from crawler.extraction.blocks import Block
from crawler.extraction.edges import ends_sentence, is_related_label
from crawler.extraction.tree import clean, is_noise
from crawler.extraction.vocabulary import (
    BLOCK_TAGS,
    EMPHASIS_TAGS,
    HEADING_TAGS,
    MEDIA_TAGS,
    SKIP_TAGS,
)

# How much prose must follow a line mostly of a link to keep it (an author's note
# of a sentence or two after a shop's links is no article going on)
_PROSE_AFTER = 200
# The longest run of words an inline element with a furniture class may print inside
# a sentence and be kept (a keyword's link, a stock code in brackets)
_WORDS_IN_SENTENCE = 12
# ... and, opening its line, how much of the sentence must follow it
_SENTENCE_GOES_ON = 10


@dataclass(slots=True)
class _Line:
    parts: list[str]
    emph: list[bool]
    links: int
    tag: str


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
    dropped_links = False  # a line of links was left out since the last block
    held: set[int] = set()  # the lines of ``blocks`` mostly of a link (see flush())

    def flush() -> None:
        nonlocal media, dropped_links
        if not line.parts:  # nothing since the last block edge (the common case)
            line.tag = "p"
            return
        text = clean("".join(line.parts))
        if text:
            if line.tag in HEADING_TAGS:
                emphasized = True
            elif True not in line.emph:
                emphasized = False  # its plain text is all of it
            else:
                plain = clean(
                    "".join(p for p, e in zip(line.parts, line.emph, strict=True) if not e)
                )
                emphasized = not plain
            kept = line.links < len(text) * 0.6
            # a line mostly of a link, with words of its own ("詳情︰<a>http://…</a>", a
            # sentence ending in a link) inside the text: held, kept if the article goes
            # on after it (_run_only); the next line reads as after left-out links all the
            # same. Words that are a related label ("延伸阅读：<a>…</a>") make a box of one link.
            own = len(text) - line.links
            hold = (
                not kept
                and started
                and bool(blocks)
                and own >= 2
                and not is_related_label(text[:own])
            )
            if kept or hold:
                if hold:
                    held.add(len(blocks))
                (blocks if started else before).append(
                    Block(
                        text=text,
                        tag=line.tag,
                        emphasized=emphasized,
                        after_media=media,
                        linked=line.links > 0,
                        after_links=dropped_links,
                    )
                )
            if kept:
                media = dropped_links = False
            else:
                dropped_links = True
        # the line emptied for the next one (its lists were joined above and are not kept)
        line.parts.clear()
        line.emph.clear()
        line.links = 0
        line.tag = "p"

    def walk(el: etree._Element, emph: bool, in_link: bool) -> None:
        nonlocal started, media
        tag = el.tag
        if tag in MEDIA_TAGS:
            media = True
        if tag in SKIP_TAGS:
            return
        # (most elements of a body have neither class nor id: is_noise is not called for them)
        if (
            el is not container
            and (el.get("class") or el.get("id"))
            and is_noise(el)
            and not _in_sentence(el, line.parts)
        ):
            return
        if el is after:
            flush()
            started = True
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            if line.parts:
                flush()
            if tag in HEADING_TAGS or tag == "p":
                line.tag = tag
            else:
                line.tag = "p"  # (what flush() leaves)
        emph = emph or tag in EMPHASIS_TAGS or tag in HEADING_TAGS
        in_link = in_link or tag == "a"
        # space that would open a line is not kept: clean() strips it all the same, and the
        # line stays empty, so the block edges around it (between the paragraphs of most
        # bodies: "\n  " tails) need no flush()
        text = el.text
        if text and (line.parts or not text.isspace()):
            line.parts.append(text)
            line.emph.append(emph)
            if in_link:
                line.links += len(clean(text))
        for child in el:
            if child.tag.__class__ is str:
                walk(child, emph, in_link)
            tail = child.tail
            # (flush() may have emptied the line while walking the child)
            if tail and (line.parts or not tail.isspace()):
                line.parts.append(tail)
                line.emph.append(emph)
                if in_link:
                    line.links += len(clean(tail))
        if is_block:
            if line.parts:
                flush()
            else:
                line.tag = "p"

    walk(container, False, False)
    flush()
    if held:
        blocks = _run_only(blocks, held)
    if sum(len(b.text) for b in before) > sum(len(b.text) for b in blocks):
        # a "headline" followed by less text than precedes it is some box's title
        return before + blocks
    return blocks


def _in_sentence(el: etree._Element, parts: list[str]) -> bool:
    """Whether ``el`` is a few words inside a sentence, however its class reads: an
    inline element (a keyword's search link, a stock code's link) of at most
    ``_WORDS_IN_SENTENCE`` characters and no child element, with the sentence going on
    right after it — text of its line before it, or ``_SENTENCE_GOES_ON`` characters
    after it where it opens the line."""
    tail = el.tail
    if el.tag in BLOCK_TAGS or el.tag in MEDIA_TAGS or not tail or tail.isspace():
        return False
    if not "".join(parts).strip() and len(clean(tail)) < _SENTENCE_GOES_ON:
        return False  # (opening its line, the sentence must go on after it)
    if any(child.tag.__class__ is str for child in el):
        return False  # (a word's link holds its text only)
    text = clean(el.text)
    return 0 < len(text) <= _WORDS_IN_SENTENCE


def _run_only(blocks: list[Block], held: set[int]) -> list[Block]:
    """``blocks`` without the held lines (mostly a link) that no sentence of the article follows."""
    after = 0  # the characters of the sentences after each block
    keep: list[Block] = []
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if i not in held:
            keep.append(block)
            if ends_sentence(block.text):
                after += len(block.text)
        elif after >= _PROSE_AFTER:
            keep.append(block)
    keep.reverse()
    return keep
