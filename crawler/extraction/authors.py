"""Who wrote an article: the reporters and writers a page credits, else its named editor,
from the info line under the headline, the credits around the body and the author metadata."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from crawler.extraction.blocks import TextPiece
from crawler.extraction.byline import (
    DATE_AND_CLOCK_RE,
    NAME_SLASH_OUTLET_RE,
    TRAILING_CREDIT_RE,
    joined_credits,
    name_value,
)
from crawler.extraction.credits import (
    FIRST_PRINTED,
    digest_writer,
    editor_in,
    in_writer_slot,
    is_credit_line,
    reporter_in,
    unit_writer,
    writers_after_outlet,
)
from crawler.extraction.dates import WEEKDAY
from crawler.extraction.epaper import EPAPER_MARK
from crawler.extraction.gazetteer import default_gazetteer
from crawler.extraction.names import (
    HAN,
    NAMES_SPLIT_RE,
    NOT_NAMES,
    ROLE_SUFFIX,
    is_own_name,
    is_person_name,
    name_list,
    plausible_name,
)
from crawler.extraction.outlets import REPORT_WORD_RE, ends_like_outlet
from crawler.extraction.romanised import (
    NOT_ROMANISED,
    ROMANISED_NAME_RE,
    no_desk_word,
    reported_by,
    reported_in_brackets,
    romanised_in_row,
    romanised_name,
)
from crawler.extraction.vocabulary import TEXT_CACHE

# A reporter credited in brackets near the start of the first paragraph:
# "新京报讯（记者 陆一夫）11月25日…", "长江网10月4日讯（记者陈智 整合）",
# "【环球时报记者陈欣】东京奥运会…".
_LEAD_CREDIT_RE = re.compile(
    r"^[^。！？]{0,40}?[（(【]"
    r"(?P<inner>[^（）()【】]{0,12}?(?:记者|通讯员|作者)[^（）()【】]{1,40})[）)】]"
)
# The same without brackets: "本报讯 记者 张三 通讯员 李四 近日，…", "XX网讯 记者 张三 …".
_LEAD_PLAIN_CREDIT_RE = re.compile(
    r"^[^。！？（()）]{0,30}?讯\s*[:：]?\s*"
    r"(?P<inner>(?:本报|本台)?(?:见习|实习|特约)?(?:记者|通讯员)[^。！？，,；;（(]{2,40})"
)
# "中新网北京11月10日电(吕春荣)日前，…": the dateline's bracket holding only the writers'
# names, read as the bare names closing an article are ("…举行。（张巨峰）", below).
_LEAD_NAMES_RE = re.compile(
    rf"^[^。！？，,（()）]{{0,30}}?[电讯]\s*[（(](?P<names>[{HAN}·]{{2,5}}"
    rf"(?:\s*[\s、]\s*[{HAN}·]{{2,5}}){{0,3}})[）)]"
)
# "…在巴西、乌拉圭、阿根廷举行。（张巨峰）" — Xinhua-style byline closing the last paragraph;
# "（姚峰 上海报道）", "（王煌忠／台中报导）": the names and where they reported from.
_TRAILING_NAME_RE = re.compile(
    rf"[（(](?P<names>[{HAN}·]{{2,5}}(?:\s*[\s、/／]\s*[{HAN}·]{{2,5}}){{0,3}})[）)]\s*$"
)
_REPORTED_FROM = ("报道", "报导")
# "…越来越接受和宽容。 本报记者　薛马义" (凤网), "…还需170年。 （记者 黄云迪 青木 张寒）" (新华网):
# a reporter credit closing a paragraph of the story after its last sentence, where boxes,
# related links or a like button ("+1") follow inside the article, so that it is not the
# body's last line. The names run to the paragraph's end (or its closing bracket).
# The correspondents may come first and the paper's name stand before 记者 ("…就诊。通讯员 祁媛
# 刘延龙 扬子晚报/紫牛新闻记者 陈咏", 扬子晚报): the reporter is the writer.
_CLOSING_REPORTER_RE = re.compile(
    r"[。！？!?…”’」』]\s*(?P<open>[（(])?\s*"
    rf"(?:通讯员\s*[{HAN}·]{{2,4}}(?:[\s、]+[{HAN}·]{{2,4}}){{0,3}}\s+)?"
    rf"(?:本报|本台|本网|[{HAN}]{{2,8}}(?:[/／][{HAN}]{{2,8}})?)?(?:特约|见习|实习)?记者\s*"
    rf"(?P<names>[{HAN}·]{{2,4}}(?:[\s、]+[{HAN}·]{{2,4}}){{0,3}})\s*(?(open)[）)])\s*$"
)
_SLASH_RE = re.compile(r"\s*[/／]\s*")
# fmt: off
_AUTHOR_METAS = (
    "author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author",
)
# fmt: on
_WRITER_HINTS = frozenset({"author", "writer", "reporter", "byline"})
# an element of its own for the writer's name, which holds a romanised one only: Han text
# there is a self-media account as often as a person (百家号's <p class="author-name">)
_ROMANISED_HINTS = frozenset({"author-name"})
# the name part of a writer's block, the name in a bare link or span inside it: Booking.com's
# <div class="author-block__name"><a>Becky Adams</a>, Human Rights Watch's <div
# class="byline__name"><a class="text-lg …"><span>Graeme Reid</span> — a class of the element or
# of its three nearest ancestors naming the "name" element of an author or byline block
_WRITER_BLOCK_NAME_RE = re.compile(r"(?:^|\s)[\w-]*(?:author|byline)[\w-]*__name(?:$|\s)")
_AUTHOR_PREFIX_RE = re.compile(r"^(?:作者|记者|文)\s*[:：/]?\s*")
# The English byline word in the info line, the writers after it in the same element ("By 亞小安",
# 4Gamers) or in the elements that follow ("by" | "何庭贤" | "刘司義", 亚洲电视新闻's multiple-authors line).
_BY_RE = re.compile(r"^[Bb][Yy](?:\s+(?P<rest>\S.*))?$")
_BY_NAME_RE = re.compile(rf"[{HAN}·]{{2,4}}")
_MOST_BY_NAMES = 4
# The writer's job title after the name, the Korean order of a Seoul paper's Chinese edition:
# "具希聆 记者" (中央日报), "<strong>金泰勋</strong> 朝鲜日报评论委员" (朝鲜日报) — the paper may prefix it
_TITLE_AFTER_RE = re.compile(
    rf"[{HAN}]{{0,8}}?(?:记者|评论委员|论说委员|评论员|主笔|特派员|专栏作家)"
)


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def _lead_reporter(line: str) -> str | None:
    """A reporter credited inside an ordinary first paragraph: "新京报讯（记者 陆一夫）…",
    "本报讯 记者 张三 通讯员 李四 近日，…", "中新网北京11月10日电(吕春荣)日前，…"."""
    m = _LEAD_CREDIT_RE.match(line) or _LEAD_PLAIN_CREDIT_RE.match(line)
    if m is not None:
        return reporter_in(m["inner"])
    digest = digest_writer(line)  # "（王秋燕／综合报导）跨性别主义、…"
    if digest:
        return digest
    named = _LEAD_NAMES_RE.match(line)
    if named is None:
        return None
    names = [n for n in NAMES_SPLIT_RE.split(named["names"]) if n]
    return name_list(names) if all(is_person_name(n) for n in names) else None


def _name_then_title(header: Sequence[TextPiece]) -> str | None:
    """The writer named before a job title in the info line, no label word: "具希聆 记者" in
    one element, or "金泰勋" | "朝鲜日报评论委员" in two. The title vouches for a person, so a
    name need not open with a Chinese surname (具 is a Korean one); an outlet or a place is none."""
    for i, piece in enumerate(header):
        words = piece.text.split()
        if len(words) == 2:
            name, title = words
        elif len(words) == 1 and i + 1 < len(header):
            name, title = words[0], header[i + 1].text.strip()
        else:
            continue
        if (
            _TITLE_AFTER_RE.fullmatch(title)
            and plausible_name(name)
            and not ends_like_outlet(name)
            and not default_gazetteer().is_place(name)
        ):
            return name
    return None


def _aides_only(line: str) -> bool:
    """Whether a credit line opens with the correspondents (通讯员), not the reporter."""
    return line.lstrip("（(【[ \u3000").startswith("通讯员")


def _trailing_name(line: str) -> str | None:
    m = _TRAILING_NAME_RE.search(line)
    if m is None:
        return None
    names = [n for part in _SLASH_RE.split(m["names"]) for n in NAMES_SPLIT_RE.split(part) if n]
    # "（姚峰 上海报道）", "（王煌忠／台中报导）": a place-and-报道 sign-off after the names
    if len(names) > 1 and names[-1].endswith(_REPORTED_FROM):
        names = names[:-1]
    if any(ROLE_SUFFIX.search(n) for n in names):  # "（刘通摄）" credits a photo
        return None
    return name_list(names) if all(is_person_name(n) for n in names) else None


def _closing_reporter(line: str) -> str | None:
    """The writers a reporter credit closing ``line`` names ("…宽容。 本报记者　薛马义").

    The credit ends the paragraph, so every word of it is a name: the first must read as
    one (a surname), the others only need to stand where names stand ("青木"). A photo
    credit ("记者 张三摄") names no writer; "报道"/"整理" after the names is dropped.
    """
    if "记者" not in line:
        return None
    m = _CLOSING_REPORTER_RE.search(line)
    if m is None:
        return None
    names = [n for n in NAMES_SPLIT_RE.split(m["names"]) if n]
    role = ROLE_SUFFIX.search(names[-1])
    if role is not None:
        if role["photo"]:
            return None
        names[-1] = names[-1][: role.start()]
        names = [n for n in names if n and n not in NOT_NAMES]
    if not names or not is_person_name(names[0]):
        return None
    return name_list(names) if all(plausible_name(n) for n in names[1:]) else None


def _person_from_metadata(
    meta: Mapping[str, str], jsonld: Sequence[Mapping[str, Any]], shown: str | None = None
) -> str | None:
    """A person the author metas or JSON-LD name, if the page prints every name of it.

    ``shown`` is the text the page prints around the article (info line, body, credits
    after it); None skips the check. A CMS fills ``<meta name="author">`` with whoever it
    likes — an account that never appears on the page (福州新闻网), the page's editor
    (央视网, printed after 编辑：) — so a bare name the page does not print is no author,
    as an unprinted credit is no source; a printed one still only comes after the
    reporters the page credits (see :func:`find_author`). A byline written into the meta
    ("新华社记者 张三") states the role itself and counts unprinted. A writer's name in Latin
    letters ("Mary Sidiqi", "YU CHU CHUNG") is read whole, and must be printed whole.
    """
    candidates: list[str] = [meta.get(k) or "" for k in _AUTHOR_METAS]
    for obj in jsonld:
        author = obj.get("author")
        if isinstance(author, Mapping) and str(author.get("@type", "Person")) != "Person":
            continue
        candidates.append(name_value(author) or "")
    for value in candidates:
        value = _AUTHOR_PREFIX_RE.sub("", value.strip())
        if romanised_name(value):
            # "Mary Sidiqi" (NewsLooks), "YU CHU CHUNG" (關鍵評論網): a writer's Latin name,
            # printed whole on the page (its words alone are any page's words)
            if shown is None or value in shown:
                return value
            continue
        names = [n for n in NAMES_SPLIT_RE.split(value) if n]
        if names and all(is_person_name(n) for n in names):
            if shown is None or all(n in shown for n in names):
                return name_list(names)
            continue
        # "新华社记者 张三": a byline written into the meta states the role itself
        byline = reporter_in(value) if names else None
        if byline:
            return byline
    return None


def _hinted_writer(header: Sequence[TextPiece]) -> str | None:
    """Personal names standing alone in an info-line element whose class says author.

    No 记者/作者 label: "<span class="author">謝明俊</span>" (中時), "<a class="author">陳重生</a>
    綜合報導" (新頭殼). Only a class word of its own (``author``, ``writer``, ``reporter``,
    ``byline``) counts: ``author-name`` and ``author-info__name`` hold self-media accounts,
    ``tie-author`` a commenter; and every word of the text must read as a person's name.
    A romanised name, two or three capitalised Latin words, is read there and in
    ``author-name`` too: "<a class="author"><span>Li Yuan</span></a>" (极客公园),
    "<span class="author-name"><a>Yiting Lin</a></span>" (RNZ's Chinese news), and in a
    writer's block the class of an enclosing element names, the name bare inside it
    (``author-block__name``, Booking.com; ``byline__name``, Human Rights Watch): a romanised
    name only, as Han text in such blocks is as often an account or a commenter.
    """
    for piece in header:
        hint = piece.hint.split(" ", 1)[0]
        own = hint in _WRITER_HINTS or hint in _ROMANISED_HINTS
        if not own and not _WRITER_BLOCK_NAME_RE.search(piece.hint):
            romanised = romanised_in_row(piece)
            if romanised:
                return romanised
            continue
        text = " ".join(piece.text.split())
        if ROMANISED_NAME_RE.fullmatch(text) and no_desk_word(text):
            return text
        if hint not in _WRITER_HINTS:
            continue
        names = [n for n in NAMES_SPLIT_RE.split(text) if n]
        if names and len(names) <= 4 and all(is_person_name(n) for n in names):
            return name_list(names)
    return None


def _by_writers(header: Sequence[TextPiece]) -> str | None:
    """The writers an English "By" names in the info line, in Han characters.

    After the explicit word a pen name counts as a person's does after 作者：(亞小安 reads as no
    Chinese personal name); each must still stand where a credit puts a name — two to four
    characters, no role word. The names run on, element by element, to the first that holds
    anything else (the date): "by" | "何庭贤" | "刘司義" | "2023年5月18日 15:00".
    """
    for i, piece in enumerate(header):
        m = _BY_RE.match(piece.text.strip())
        if m is None:
            continue
        texts = (
            [m["rest"]] if m["rest"] else [p.text for p in header[i + 1 : i + 1 + _MOST_BY_NAMES]]
        )
        names: list[str] = []
        for text in texts:
            words = [n for n in NAMES_SPLIT_RE.split(text.strip()) if n]
            if not words or not all(_BY_NAME_RE.fullmatch(w) and plausible_name(w) for w in words):
                break
            names += words
        if names and len(names) <= _MOST_BY_NAMES:
            return name_list(names)
    return None


_HAN_NAME_RE = re.compile(rf"[{HAN}]{{2,4}}")
# The class of a piece beside the date that holds a place, a category or a commenter, never a
# writer; or one that says author, which ``_hinted_writer`` reads or refuses (a commenter's
# ``tie-author``, a self-media account's ``author-name``).
_NOT_WRITER_HINT_RE = re.compile(
    r"author|comment|location|categor|\b(?:cat|tags?|area|region|city|place)\b"
)


def _name_by_the_date(header: Sequence[TextPiece]) -> str | None:
    """A person's name alone in the element beside the date's, no label: the writer.

    "<span>1999-06-14</span><span>何逸敏</span>" (参考网), "<a>楊智傑</a> | ／綜合報導 |
    2024-10-22 17:25:08" (NOWnews: the report word between the name and the date is stepped
    over). The date must stand alone in its element, the name must read as a person's
    (surname and one or two characters), and the element before the name must be no label
    ("责任编辑：" | "张三" names an editor).
    """
    i = _lone_date(header)
    if i is None:
        return None
    before = i - 1
    # the word a writer's credit closes with, its separator before it: "／綜合報導"
    if before >= 0 and REPORT_WORD_RE.match(header[before].text.strip().lstrip("/／ ")):
        before -= 1
    for j in (before, i + 1):
        if not 0 <= j < len(header):
            continue
        name = header[j].text.strip()
        if not _HAN_NAME_RE.fullmatch(name) or not is_person_name(name):
            continue
        # a place or a category printed there: "2022-09-14 17:04 | 江西" (an account's
        # location, class s-location), "东南亚 | 2023年11月2日" (class post-cat); an
        # element whose class says author is the class rule's to read
        if _NOT_WRITER_HINT_RE.search(header[j].hint) or default_gazetteer().is_place(name):
            continue
        label = _label_before(header, j, i)
        if label.endswith((":", "：")) or label in NOT_NAMES:
            continue
        return name
    return None


# the weekday a date may print beside it: "2020年8月11日 星期二17:01" (韩星网), "（周五）"
_WEEKDAY_RE = re.compile(WEEKDAY)


def _lone_date(header: Sequence[TextPiece]) -> int | None:
    """Where the first date (and clock) alone in its element stands in ``header``:
    "1999-06-14", "2024-10-22 17:25:08", "2020年8月11日 星期二17:01" (its weekday too);
    None if there is none."""
    for i, piece in enumerate(header):
        text = piece.text.strip()
        if text[:4].isdigit() and not _WEEKDAY_RE.sub("", DATE_AND_CLOCK_RE.sub("", text)).strip():
            return i
    return None


def _label_before(header: Sequence[TextPiece], j: int, date: int) -> str:
    """The text of the piece before ``header[j]``, unless that is the date's ("" then)."""
    return header[j - 1].text.strip() if j > 0 and j - 1 != date else ""


# A pen name: a short run of Han text, or one capitalised Latin word ("Tien").
_PEN_NAME_RE = re.compile(rf"[{HAN}]{{2,4}}|[A-Z][a-z]{{2,11}}")


def _slot_writer(header: Sequence[TextPiece]) -> str | None:
    """A pen name alone in the byline's writer slot beside the date, no label: the writer.

    "<a class="vcard author">Tien</a> <span>2024-11-01</span>" (Kpopn), "<a class="author_name">
    鯛魚</a> <span>2022.12.27</span>" (宅宅新聞): the slot's class says author and the date's
    row is no account card (see :func:`~crawler.extraction.credits.in_writer_slot`); a name
    ending like an outlet (新华社), a value after a label ("来源："), a place or a word of the
    interface is none.
    """
    i = _lone_date(header)
    if i is None:
        return None
    for j in (i - 1, i + 1):
        if not 0 <= j < len(header) or not in_writer_slot(header[i], header[j]):
            continue
        name = header[j].text.strip()
        if (
            _PEN_NAME_RE.fullmatch(name)
            and name not in NOT_ROMANISED  # "Admin", "Staff": an account or a desk
            # "来源：" | "新黄河": a credited outlet
            and not _label_before(header, j, i).endswith((":", "："))
            and name not in NOT_NAMES
            and not ends_like_outlet(name)
            and not default_gazetteer().is_place(name)
        ):
            return name
    return None


# A note saying where the text was first printed, opening its line: "（原载常春月刊 2005年10月…专栏 ）"
# under a column's headline, "(*注：本文刊于2013年7月22日《明报》，…）" after the text (as
# ``credits`` reads them for the source).
_FIRST_PRINTED_NOTE_RE = re.compile(
    rf"^[（(【\[]?\s*\*?\s*(?:[注註]\s*[:：]\s*)?本文{FIRST_PRINTED}|^[（(【\[]\s*原[载載]"
)
# The writer signing such a column: the name alone on its line, a title or the year after it
# ("周一岳医生", "刘嘉逸 2005"; matched in simplified script).
_SIGNED_RE = re.compile(
    rf"(?P<name>[{HAN}]{{2,4}})\s*(?:医生|医师|教授|博士|律师|(?:19|20)\d{{2}}年?)?"
)


def _signed_beside_note(lines: Sequence[str], *, after: bool) -> str | None:
    """The writer signing on the line next to a first-print note: the line ``after`` the note
    when it stands under the headline ("（原载常春月刊 2005年10月…）" | "刘嘉逸 2005", 长庚纪念医院),
    the line before it after the text ("周一岳医生" | "(*注：本文刊于…《明报》…）", 平等机会委员会).

    A column reprinted from a periodical is signed by its writer beside the note, with no
    credit word; the line must hold one person's name alone (a title or the year may follow).
    """
    for i, line in enumerate(lines):
        # (a cheap test first: the note's words are 刊 or 载 in every form it takes)
        if not ("刊" in line or "载" in line or "載" in line):
            continue
        if not _FIRST_PRINTED_NOTE_RE.match(line.strip()):
            continue
        j = i + 1 if after else i - 1
        if 0 <= j < len(lines):
            m = _SIGNED_RE.fullmatch(lines[j].strip())
            if m is not None and is_person_name(m["name"]):
                return m["name"]
    return None


# A writer's credit in a paragraph of its own among the text's opening paragraphs, after a lead, a
# standfirst or an introduction: "文 | 尚嵘峥 杜萌 编辑 | 陈显玲" third in a 网易号 post, "撰文 | 倪蒹葭"
# closing a 澎湃号's verse-like introduction, "撰文｜党元悦" after an editor's note. The 文/撰文 mark
# and a separator open the paragraph, as they open no sentence.
_OPENING_WRITER_RE = re.compile(r"^(?:撰文|文)\s*[/／|｜丨]")
#: how many of the text's paragraphs count as its opening (the first two are read as ``body_head``)
OPENING_PARAGRAPHS = 20


def opening_credits(
    paragraphs: Iterable[str], convert: Callable[[str], str] | None = None
) -> list[str]:
    """The paragraphs among ``paragraphs`` that are a 文/撰文 writer credit (``find_author``'s
    ``opening``), in the script ``convert`` gives (simplified, on a traditional page). The mark
    and its separator are printed alike in both scripts: only a paragraph opening so is converted."""
    found = []
    for paragraph in paragraphs:
        if _OPENING_WRITER_RE.match(paragraph):
            line = convert(paragraph) if convert is not None else paragraph
            if is_credit_line(line):
                found.append(line)
    return found


def _first(found: Iterable[str | None]) -> str | None:
    return next((v for v in found if v), None)


def _reporters(
    header: Sequence[TextPiece],
    trailer: Sequence[TextPiece],
    body_head: Sequence[tuple[str, bool]],
    body_tail: Sequence[tuple[str, bool]],
    body: Sequence[str],
    opening: Sequence[str],
) -> Iterator[str | None]:
    for piece in header:
        slash = NAME_SLASH_OUTLET_RE.match(piece.text)
        if slash is not None and is_person_name(slash["name"]):
            yield slash["name"]
    # before the joined credits, which read what follows "记者" as its name ("具希聆 记者 上传 …")
    yield _name_then_title(header)
    yield reporter_in(joined_credits(header))
    yield _hinted_writer(header)
    # a romanised name, whole, before the report word: "ERIK ECKHOLM" | "报道"
    yield reported_by(header)
    yield _by_writers(header)
    for line, credit in body_head:
        yield (reporter_in(line) or digest_writer(line)) if credit else _lead_reporter(line)
    # a writer's credit of its own a few paragraphs into the text ("文 | 尚嵘峥 杜萌 编辑 | 陈显玲")
    for line in opening:
        yield reporter_in(line)
    # correspondents credited on a line of their own before the reporter's ("通讯员 李国田 高晨晨"
    # over "快报记者 张瑜", 现代快报): the reporter is the writer, their line is read last
    credits = [line for line, credit in body_tail if credit]
    for line in sorted(credits, key=_aides_only):
        yield reporter_in(line) or _trailing_name(line) or digest_writer(line) or unit_writer(line)
    # or a bracketed credit opening with a romanised name: "(Lucy Papachristou报道和写作;编辑:…)"
    for line, _ in body_tail:
        yield reported_in_brackets(line)
    # the writers named in a source credit after the outlet, no 记者 mark ("来源：江苏广电融媒体新闻
    # 中心/李井文 编辑/国正", "内容来源于北京天伦医院王红"): before its editor is taken
    for line in (*credits, *(line for line, credit in body_head if credit)):
        yield writers_after_outlet(line)
    # joined, like the header: "作者：" and the name are often separate elements
    yield reporter_in(joined_credits(trailer))
    # the article's last paragraph may close with a bare "（张巨峰）" or "（记者 张三）"
    for line, credit in reversed(body_tail):
        if not credit:
            yield _trailing_name(line)
            closing = TRAILING_CREDIT_RE.search(line)
            # "（记者 张三）", or a writer's unit before the name: "（文/图 泌尿三科：李露佳）"
            if closing is not None:
                yield reporter_in(closing["inner"]) or unit_writer(closing["inner"])
            break
    # a reporter credit closing an earlier paragraph of the story (boxes or a widget follow),
    # or a digest credit standing alone there ("（米妮 / 综合报导）", a donation appeal after it)
    for line in reversed(body):
        yield _closing_reporter(line) or (digest_writer(line) if is_credit_line(line) else None)
    # a columnist signing beside the note saying where the text was first printed
    yield _signed_beside_note([p.text for p in header], after=True)
    yield _signed_beside_note([line for line, _ in body_head], after=True)
    yield _signed_beside_note(
        [*(line for line, _ in body_tail), *(p.text for p in trailer)], after=False
    )
    # last, a name alone beside the date ("1999-06-14 | 何逸敏"), no credit word at all
    yield _name_by_the_date(header)
    # or a pen name in the writer's slot there ("Tien", "鯛魚")
    yield _slot_writer(header)


def find_author(
    *,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    header: Sequence[TextPiece],
    trailer: Sequence[TextPiece],
    body_head: Sequence[str],
    body_tail: Sequence[str],
    body: Sequence[str] = (),
    opening: Sequence[str] = (),
    shown: str | None = None,
    site: str | None = None,
) -> str | None:
    """The named person behind the article: the reporter/byline, else the named editor.

    Reporters are looked for in the info line (``澎湃新闻记者 贺梨萍``, ``石佳/中国青年报``),
    the first paragraphs (``新京报讯（记者 陆一夫）``), a writer's credit of its own among the
    text's opening paragraphs (``opening``: ``文 | 尚嵘峥 杜萌``), the closing credits
    (``作者：上官云 宋宇晟``, ``（张巨峰）``), the trailer, a reporter credit closing an
    earlier paragraph of ``body`` (``…宽容。 本报记者　薛马义``), then person-like author
    metas/JSON-LD the page prints (``shown``: the text it prints around the article);
    editors (``责任编辑：杨倩_NF4425``, ``【编辑：姚昊】``) at the end first.
    Photo credits (``每经记者 张蕊 摄``) name no author. Several names stay
    space-joined as printed. The serving site's own name (``site``) or a part of it in the
    writer's slot (九游 on 九游手机游戏, 伴盟 on 伴盟跨性別資訊平台) is no person: no author,
    unless it reads as a personal name (张三 on 张三的博客).
    """
    head = [(line, is_credit_line(line)) for line in body_head]
    tail = [(line, is_credit_line(line)) for line in body_tail]
    reporter = _first(_reporters(header, trailer, head, tail, body, opening))
    if reporter:
        return _no_site(reporter, site)
    # an e-paper's article record names its author whether or not the page prints it
    person = _person_from_metadata(meta, jsonld, None if EPAPER_MARK in meta else shown)
    if person:
        return _no_site(person, site)
    credit_tail = [line for line, credit in tail if credit]
    credit_head = [line for line, credit in head if credit]
    return _no_site(
        _first(
            editor_in(text)
            for text in (
                *credit_tail,
                joined_credits(trailer),
                joined_credits(header),
                *credit_head,
            )
        ),
        site,
    )


def _no_site(author: str | None, site: str | None) -> str | None:
    """``author`` unless it is the serving site's own name or a part of it and no personal name."""
    if author and is_own_name(author, site) and not is_person_name(author):
        return None
    return author
