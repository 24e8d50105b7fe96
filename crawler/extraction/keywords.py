"""Keyword matching that ignores script (traditional/simplified), character width and case."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from pathlib import Path

__all__ = ["fold", "has_traditional", "match_keywords", "simplify"]

# Characters that zhconv maps to something else on their own but that standard
# simplified text also uses (乾隆, 乾安县, 瞭望): a simplified page containing them
# must not pay for a conversion it does not need.
_SIMPLIFIED_TOO = frozenset("乾瞭")

_NON_BMP = re.compile("[\U00010000-\U0010ffff]")
# U+FF01..U+FF5E are full-width twins of ASCII "!".."~"; U+3000 is the ideographic space.
_FULL_WIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@cache
def _zhconv_tables() -> dict[str, dict[str, str]]:
    """zhconv's own conversion tables (``zhcdict.json``), read without importing zhconv.

    Importing zhconv pulls in ``pkg_resources`` (~100 ms); reading the JSON directly
    costs ~15 ms once per process, and most pages never need zhconv itself.
    """
    spec = importlib.util.find_spec("zhconv")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "zhcdict.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    data = importlib.resources.files("zhconv").joinpath("zhcdict.json").read_text("utf-8")
    return json.loads(data)  # type: ignore[no-any-return]


@cache
def _traditional_detectors() -> tuple[re.Pattern[str], frozenset[str]]:
    """A regex over the BMP traditional characters, and the set of the others.

    A traditional character is one that zhconv's zh-cn tables (zh2Hans overlaid with
    zh2CN, as ``zhconv.convert(s, "zh-cn")`` uses them) rewrite on its own. One
    compiled character class scans 8,000 characters in ~25 µs because it stays within
    the BMP; the few hundred CJK Extension B characters are checked separately, and
    only when a text has any character outside the BMP at all.
    """
    tables = _zhconv_tables()
    mapping = {**tables["zh2Hans"], **tables["zh2CN"]}
    chars = {k for k, v in mapping.items() if len(k) == 1 and v != k} - _SIMPLIFIED_TOO
    bmp = "".join(sorted(c for c in chars if ord(c) <= 0xFFFF))
    astral = frozenset(c for c in chars if ord(c) > 0xFFFF)
    return re.compile("[" + re.escape(bmp) + "]"), astral


def has_traditional(text: str) -> bool:
    """True when ``text`` holds at least one traditional-only character."""
    bmp, astral = _traditional_detectors()
    if bmp.search(text):
        return True
    return bool(_NON_BMP.search(text)) and not astral.isdisjoint(text)


@cache
def _zhconv_convert() -> Callable[[str, str], str]:
    import zhconv  # deferred: see _zhconv_tables

    return zhconv.convert  # type: ignore[no-any-return]


@lru_cache(maxsize=256)
def simplify(text: str) -> str:
    """Traditional Chinese to simplified (zhconv, zh-cn); other text is returned as is.

    zhconv is phrase-aware but slow (~2 ms for an 8,000-character body), so only
    texts that contain a traditional character are converted; a simplified text
    costs one regex scan (~25 µs). The last few hundred answers are kept: the body's
    edges ask about the same paragraphs several times per page.
    """
    if not text or text.isascii() or not has_traditional(text):
        return text
    return _zhconv_convert()(text, "zh-cn")


def _half_width(match: re.Match[str]) -> str:
    return match.group().translate(_HALF_WIDTH)


def fold(text: str) -> str:
    """Fold ``text`` for matching: simplified script, half-width ASCII, lower case."""
    return _FULL_WIDTH_RUN.sub(_half_width, simplify(text)).lower()


def _is_uncased_non_ascii(word: str) -> bool:
    return not any(c.isascii() for c in word) and word.upper() == word


@lru_cache(maxsize=64)
def _needles(
    keywords: tuple[str, ...], exclude: tuple[str, ...]
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], Callable[[str], str]]:
    """The keywords as configured with their folded forms, the folded exclusions, and how
    a page's text is to be prepared for them: the same for every page of a crawl, so
    worked out once for each configuration."""
    wanted = tuple((k, fold(k.strip())) for k in dict.fromkeys(keywords) if k.strip())
    unwanted = tuple(fold(w.strip()) for w in exclude if w.strip())
    # Width and case folding only ever turn characters into ASCII (or change the case
    # of cased letters), so a keyword set without ASCII or cased characters can be
    # matched against the merely simplified text: that skips the per-page cost of
    # re-writing every full-width comma (~0.2 ms on an 8,000-character body).
    needles = [f for _, f in wanted] + list(unwanted)
    prepare = simplify if all(_is_uncased_non_ascii(n) for n in needles) else fold
    return wanted, unwanted, prepare


def match_keywords(
    keywords: Sequence[str], texts: Sequence[str], exclude: Sequence[str] = ()
) -> list[str]:
    """Return the keywords (as configured, in config order, once each) found in any text.

    Matching is substring matching on :func:`fold`-ed text, so ``新春第一会`` finds
    ``新春第一會`` and ``ＡＩ`` finds ``ai``. If any ``exclude`` word is found, nothing
    matches and the result is ``[]``. Blank keywords are ignored.
    """
    wanted, unwanted, prepare = _needles(tuple(keywords), tuple(exclude))
    if not wanted:
        return []
    haystacks = [prepare(t) for t in texts if t]

    if any(w in h for w in unwanted for h in haystacks):
        return []
    return [k for k, f in wanted if any(f in h for h in haystacks)]
