"""The pieces of page text the extraction modules pass around: body blocks, text pieces near
the headline or after the body, a round-up's per-city sections (plain data, no parsing), and
a regex match's named groups as dates.py reads them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True, init=False)
class Block:
    """One paragraph-level piece of the article body, in reading order.

    ``emphasized`` is true when the whole text sits inside ``<strong>``/``<b>``
    or the block is an ``<h2>``–``<h4>`` heading: the way round-up articles
    usually mark their per-city headings. ``after_media`` is true when an image or
    a player came right before the block, with no text between: where captions sit.
    ``linked`` is true when some of the text is link text (``·<a>标题</a>（05-20）``);
    ``after_links`` when lines that were all or mostly links were left out right
    before the block (a box of links the body walk does not keep as text).
    """

    text: str
    tag: str = "p"
    emphasized: bool = False
    after_media: bool = False
    linked: bool = False
    after_links: bool = False

    def __init__(
        self,
        text: str,
        tag: str = "p",
        emphasized: bool = False,
        after_media: bool = False,
        linked: bool = False,
        after_links: bool = False,
    ) -> None:
        # what dataclass's frozen __init__ does, through the slots' own setters: twice as
        # fast, and a page makes dozens (the fields and defaults are the class's, tested)
        _BLOCK_SET[0](self, text)
        _BLOCK_SET[1](self, tag)
        _BLOCK_SET[2](self, emphasized)
        _BLOCK_SET[3](self, after_media)
        _BLOCK_SET[4](self, linked)
        _BLOCK_SET[5](self, after_links)


@dataclass(frozen=True, slots=True, init=False)
class TextPiece:
    """A text node near the headline (the "info line") or after the body.

    ``hint`` is the lower-cased ``class`` and ``id`` values of the text's element
    and its ancestors up to the zone root, space-joined (e.g. ``"source info"``),
    so that a heuristic can tell ``<span class="source">新华日报</span>`` from a date.
    """

    text: str
    hint: str = ""

    def __init__(self, text: str, hint: str = "") -> None:
        _PIECE_SET[0](self, text)  # (as Block's)
        _PIECE_SET[1](self, hint)


def _setters(cls: type) -> tuple[Callable[[object, object], None], ...]:
    """The slot setters of a frozen dataclass's fields, in order (they skip its __setattr__)."""
    return tuple(getattr(cls, f.name).__set__ for f in fields(cls))


_BLOCK_SET = _setters(Block)
_PIECE_SET = _setters(TextPiece)


@dataclass(slots=True)
class Section:
    """A per-city part of a round-up article, opened by a heading like ``无锡宜兴:激励“四敢”燃新程``."""

    label: str
    city: str | None
    district: str | None
    heading: str
    text: str
    places: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "city": self.city,
            "district": self.district,
            "heading": self.heading,
            "text": self.text,
            "places": list(self.places),
        }


class MatchGroups:
    """A (date) match's named groups, read one by one: ``Match.groupdict()`` builds all of
    them (over ninety) where a stamp reads about a dozen; that was about half of a date's time."""

    __slots__ = ("_match",)

    def __init__(self, match: re.Match[str]) -> None:
        self._match = match

    def __getitem__(self, name: str) -> str | Any:  # (typed as groupdict()'s values are)
        return self._match.group(name)

    def get(self, name: str) -> str | None:
        """The group's text; None when it matched nothing or the pattern has no such group."""
        try:
            return self._match.group(name)
        except IndexError:
            return None
