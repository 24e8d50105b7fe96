"""Writers' names in Latin letters on Chinese pages: "Li Yuan", "YU CHU CHUNG", "YOON Inha" —
what reads as one (two or three capitalised words, none a desk's or an account's), and the
info line's part whose class says writer or user holding one alone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from crawler.extraction.blocks import TextPiece

# "Li Yuan" (极客公园), "Yiting Lin" (RNZ): a writer's name in Latin letters, two or three
# capitalised words ("Jean-Luc", "O'Neil" too); a desk or an account ("PingWest Staff",
# "News Desk") is not one.
ROMANISED_WORD = r"(?:[A-Z]')?[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?"
ROMANISED_NAME_RE = re.compile(rf"{ROMANISED_WORD}(?: {ROMANISED_WORD}){{1,2}}")
# fmt: off
NOT_ROMANISED = frozenset({
    "Admin", "Agency", "By", "Daily", "Desk", "Editor", "Media", "News", "Network", "Online",
    "Post", "Press", "Reporter", "Service", "Staff", "Studio", "Team", "Times", "Writer",
})
# fmt: on
# "YU CHU CHUNG" (關鍵評論網): a romanised name set in capitals, two or three words of two
# letters or more, read only where the author meta gives it and the page prints it whole
CAPITALS_NAME_RE = re.compile(r"[A-Z]{2,}(?:-[A-Z]{2,})?(?: [A-Z]{2,}(?:-[A-Z]{2,})?){1,2}")


def no_desk_word(name: str) -> bool:
    """Whether no word of a romanised ``name`` is a desk's or an account's ("PingWest Staff",
    "CNN NEWS"), in whatever case it is printed."""
    return NOT_ROMANISED.isdisjoint(word.title() for word in name.split())


def romanised_name(value: str) -> bool:
    """Whether ``value`` is a writer's name in Latin letters ("Mary Sidiqi", "YU CHU CHUNG"),
    two or three words, none of a desk's or an account's."""
    if not (ROMANISED_NAME_RE.fullmatch(value) or CAPITALS_NAME_RE.fullmatch(value)):
        return False
    return no_desk_word(value)


# "YOON Inha" (매일경제): a Korean paper's romanised writer, the surname first in capitals, the
# given name capitalised (one word or two, or one hyphened)
SURNAME_FIRST_RE = re.compile(rf"[A-Z]{{2,}}(?: {ROMANISED_WORD}){{1,2}}")
# the class words, of the element or of one enclosing it, of a writer's or user's part of the
# info line: "<dl class="author"><dt class="name">YOON Inha</dt>" (매일경제), "<span
# class="user">&nbsp;|&nbsp; Sharyn Graham Davies</span>" (界面) — a romanised name only
_ROMANISED_ROW_HINTS = frozenset({"author", "writer", "reporter", "byline", "user"})
# a user's part of the page holds its account links too: "Log In", "Sign Up", "My Account"
# fmt: off
_ACCOUNT_LINKS = frozenset({
    "Account", "Follow", "In", "Log", "Login", "Logout", "Out", "Profile", "Register", "Settings",
    "Sign", "Subscribe", "Up", "Us",
})
# fmt: on
_NAME_SEPARATORS = "|｜/／ \u00a0"


def romanised_in_row(piece: TextPiece) -> str | None:
    """A romanised name alone in a part of the info line whose class, the element's or an
    enclosing one's, says writer or user, a separator before it: "YOON Inha" in ``<dl
    class="author"><dt class="name">`` (매일경제), "| Sharyn Graham Davies" in ``<span
    class="user">`` (界面). Han text there is no writer by this reading (an account as often)."""
    if _ROMANISED_ROW_HINTS.isdisjoint(piece.hint.split()):
        return None
    text = " ".join(piece.text.strip(_NAME_SEPARATORS).split())
    if not (ROMANISED_NAME_RE.fullmatch(text) or SURNAME_FIRST_RE.fullmatch(text)):
        return None
    account = not _ACCOUNT_LINKS.isdisjoint(w.title() for w in text.split())
    return text if no_desk_word(text) and not account else None


# The report word a writer's credit closes with, in either script: "ERIK ECKHOLM 报道"
_REPORT_WORD_RE = re.compile(r"\s*(?:报道|報導|报导|報道)")
# A credit in brackets opening with a romanised name and the report word: "(Lucy Papachristou
# 报道和写作;编辑:Mark Trevelyan和Gareth Jones)" (a Reuters credit, 极虎网)
_BRACKETED_RE = re.compile(
    r"[（(]\s*(?P<name>[A-Za-z][A-Za-z' \-]*?)\s*(?:报道|報導|报导|報道).*[）)]"
)


def reported_by(header: Sequence[TextPiece]) -> str | None:
    """A writer's romanised name, whole, in an element of the info line of its own, the report
    word after it, in the next element or the same: "<span class="byline-en">ERIK ECKHOLM</span>
    <span>报道</span>" (纽约时报中文网). An outlet's name ("CNN") is one word, no name."""
    for i, piece in enumerate(header):
        text = " ".join(piece.text.split())
        word = _REPORT_WORD_RE.search(text)
        if word is not None and word.end() == len(text):
            name = text[: word.start()]
        elif i + 1 < len(header) and _REPORT_WORD_RE.fullmatch(header[i + 1].text.strip()):
            name = text
        else:
            continue
        if romanised_name(name):
            return name
    return None


def reported_in_brackets(line: str) -> str | None:
    """The writer a bracketed credit line opens with, a romanised name before the report word:
    "(Lucy Papachristou报道和写作;编辑:Mark Trevelyan和Gareth Jones)" (极虎网); the editors after
    编辑 are none."""
    m = _BRACKETED_RE.fullmatch(line.strip())
    if m is None:
        return None
    name = " ".join(m["name"].split())
    return name if romanised_name(name) else None
