"""Who published an article: the source outlet (来源) it credits, chosen from the metadata, the
info line under the headline and the credits around the body (the writers: ``authors``)."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from typing import Any

from crawler.extraction.blocks import TextPiece
from crawler.extraction.credits import (
    BARE_ORIGIN_LABEL_RE,
    FIRST_PRINTED,
    REPRINT_DATE,
    REPRINT_WORD,
    SEP,
    in_writer_slot,
    is_credit_line,
    origin_slot,
)
from crawler.extraction.epaper import EPAPER_MARK
from crawler.extraction.gazetteer import default_gazetteer, is_poster_place
from crawler.extraction.keywords import simplify
from crawler.extraction.names import HAN, is_own_name, is_person_name
from crawler.extraction.outlets import (
    ADDRESS_AHEAD,
    CONTRIBUTED_TAIL_RE,
    DATEISH_RE,
    OUTLET_END_RE,
    clean_source,
    ends_like_outlet,
    reads_as_phrase,
)
from crawler.extraction.vocabulary import NOISE_TOKENS, is_interface_word

# "石佳/中国青年报": a reporter and the outlet in one info-line piece.
NAME_SLASH_OUTLET_RE = re.compile(
    rf"^(?P<name>[{HAN}·]{{2,5}})\s*[/／]\s*(?P<outlet>[^/／\s]{{2,20}})$"
)
# The 【】 credit opening the first paragraph: "【环球网军事报道】", "【环球时报记者陈欣】".
_LEAD_OUTLET_RE = re.compile(rf"^【(?P<inner>[{HAN}]{{2,16}}?)(?:记者|报道|讯)")
# A bare credit label ending its element ("作者："): its value is the next element.
_BARE_CREDIT_LABEL_RE = re.compile(r"(?:作者|记者|编辑|责编|撰稿|通讯员)\s*[:：]$")
# A next element that is a caption or a sentence, not the slot's value.
_NOT_A_VALUE_RE = re.compile(r"[（(，。！？!?；;]")
# A credit word closing an element of other words (a related headline "…迎来中外记者", a desk
# "编辑: 温网编辑"), not a label of its own ("[责任编辑", "文章作者"): no label for the next element.
_WORDS_THEN_CREDIT_RE = re.compile(r"[^\W\d_](?:作者|记者|编辑|责编|撰稿|通讯员)$")
_LABEL_END_RE = re.compile(r"(?:^|[\W\d_])(?:责任|文章|本文)?(?:作者|记者|编辑|责编|撰稿|通讯员)$")
_FIRST_WORD_RE = re.compile(r"[^\s|｜/／:：，,、]+")
# "…抓紧落实。（记者 张三 通讯员 李四）", "…抓紧落实。（来源：湖北日报）": a credit in
# brackets closing the article's last sentence.
TRAILING_CREDIT_RE = re.compile(
    r"(?<=[。！？!?…”’\"])\s*[（(](?P<inner>[^（）()。！？]{3,40})[）)]\s*$"
)

_SOURCE_LABEL_RE = re.compile(
    # not 图片来源/资料来源/数据来源/视频来源: those credit a picture or a figure, not the article
    r"(?<![图片频据料])(?:稿件|新闻|信息|本文|文章|内容|消息)?(?:来源|稿源|出处)"
    # "来源于：人民网" with its colon; a bare "本文来源于" is a label with nothing after it, but
    # "本文来源于" or "内容来源于" with the outlet glued on is a credit: "（内容来源于北京天伦医院王红，
    # 转载…）" closing 艾迪康's text, as "本文来源于：河蟹动漫" closes 风之动漫's
    rf"(?:\s*(?:{SEP}|\s)|于\s*[:：]|(?<=本文来源|文章来源|内容来源)于(?=[{HAN}]))\s*"
    # "转自于：家庭医生", "转自2015-04-06 环球网": 于 or the outlet's date before the outlet
    rf"|{REPRINT_WORD}(?:于)?\s*[:：]?\s*(?:{REPRINT_DATE}\s*)?"
    # a government portal's source slot: "发布机构：县发改局", "供稿单位：市统计局"
    r"|(?:发布机构|发布单位|来源单位|供稿单位|供稿)\s*[:：]\s*"
    # where the text was first printed: "（原载常春月刊 2005年10月…专栏）" under a column's
    # headline, "（注：本文刊于2013年7月22日《明报》，…）" after one
    rf"|(?:本文{FIRST_PRINTED}|(?<=[（(【\[])原[载載](?:[于於])?)\s*[:：]?\s*(?:{REPRINT_DATE}\s*)?"
)
# A credit label alone in its element, its value in the next one: "<td>来源：</td><td>中新网</td>".
_BARE_SOURCE_LABEL_RE = re.compile(
    r"^(?:稿件|新闻|信息|本文|文章|内容|消息)?(?:来源|稿源|出处)\s*[:：]$"
)
_SOURCE_METAS = ("contentsource", "source", "article:source", "og:article:source", "mediaid")
# A source meta that names the account an item was reposted from ("江西统计 公众号" on 宜春市's
# portal) is an editor's credit, kept though the page does not print it; a bare name the
# page never shows is the CMS's default (see ``find_source``).
_ACCOUNT_CREDIT_RE = re.compile(r"公众号|微信")
_SOURCE_HINT_RE = re.compile(
    r"source|laiyuan|media_?name|publisher|(?:^|[\s_-])(?:from|ly|src|origin)(?:$|[\s_-])"
)
_HINT_SPLIT_RE = re.compile(r"[\s_\-]+")
_WORDY_RE = re.compile(r"\w")
# Labelled or numeric pieces are not account names ("来自北京" is the writer's location).
# A repeated headline is no account name either.
_NOT_ACCOUNT_RE = re.compile(r"[:：？?！!，。“”]|^来自|^发布于|^IP属地|^\d+$")
# A printed date and/or clock: "2016年12月01日 04:32", "2016-06-14 14:39:53", "11:05".
DATE_AND_CLOCK_RE = re.compile(
    r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
)


# --------------------------------------------------------------------------- source


def _joined(pieces: Sequence[TextPiece]) -> str:
    return " ".join(p.text for p in pieces)


def joined_credits(pieces: Sequence[TextPiece]) -> str:
    """The pieces' texts joined, a bare credit label ("作者：") joined only to a value.

    A label alone in its element takes the next element as its value ("作者：" | "陈久忍");
    when that element is a caption or a sentence ("钟洁希（中）、前未婚妻…合照"), the slot
    is empty: a bar keeps the label from reading names out of it. A credit word closing an
    element of other words ("…新闻中心迎来中外记者" | "图集｜…") reads the next element only
    when its first word is a person's name.
    """
    texts: list[str] = []
    for i, piece in enumerate(pieces):
        if (
            i
            and _BARE_CREDIT_LABEL_RE.search(pieces[i - 1].text)
            and (len(piece.text) > 20 or _NOT_A_VALUE_RE.search(piece.text))
        ):
            texts.append("|")
        elif i and _closes_with_credit(pieces[i - 1].text):
            # a full stop, as "记者 | 图集" would still read as the credit "记者｜图集"
            texts.append("" if is_person_name(_first_word(piece.text)) else "。")
        texts.append(piece.text)
    return " ".join(texts)


def _closes_with_credit(text: str) -> bool:
    """Whether ``text`` ends in a credit word after words of its own, not as a label."""
    return bool(_WORDS_THEN_CREDIT_RE.search(text)) and not _LABEL_END_RE.search(text)


def _first_word(text: str) -> str:
    found = _FIRST_WORD_RE.search(text)
    return found.group() if found else ""


def _lead_outlet(body_head: Sequence[str], site: str | None = None) -> str | None:
    """The outlet of the 【】 credit opening the first paragraph ("【环球网军事报道】": 环球网).

    The credit's words are cut back to the longest start that ends like an outlet (报, 网,
    社, 台…): "环球网军事" is 环球网's military desk, "环球时报记者陈欣" 环球时报's reporter.
    The serving paper's own name there (``site``) is its dispatch tag, as 本报讯 is, and
    credits no outlet: "【明報專訊】" on 明報's pages ("明报" in the lead, read in simplified
    script, is the name of "明報新聞網", read so too).
    """
    m = _LEAD_OUTLET_RE.match(body_head[0]) if body_head else None
    if m is None:
        return None
    inner = m["inner"]
    for end in range(len(inner), 1, -1):
        value = clean_source(inner[:end])
        if value is not None and value == inner[:end] and ends_like_outlet(value):
            return None if is_own_name(value, site and simplify(site)) else value
    return None


_ADDRESS_AFTER_RE = re.compile(ADDRESS_AHEAD)  # (see ADDRESS_AHEAD)


def _labelled_source(text: str) -> str | None:
    """The outlet after the first source label of ``text`` that names one.

    An outlet followed by an address is often the site's own stamp ("来源：100医药网
    www.100yiyao.net 来源：生物世界", 100医药网): a later label's outlet wins over it.
    """
    stamp = None
    for m in _SOURCE_LABEL_RE.finditer(text):
        value = clean_source(text[m.end() :])
        if value is None:
            continue
        at = text.find(value, m.end())
        if at < 0 or not _ADDRESS_AFTER_RE.match(text, at + len(value)):
            return value
        stamp = stamp or value
    return stamp


def _origin_source(header: Sequence[TextPiece]) -> str | None:
    """The outlet or office a 资料来源 slot of the info line names, its whole value: "资料来源：
    性别平等处", or the label alone in its element and the outlet in the next ("资料来源：" |
    "经济日报"). A data credit under a figure or a table is no slot of the info line (see
    ``credits.origin_slot``)."""
    for i, piece in enumerate(header):
        value = origin_slot(piece.text)
        if value is None and i + 1 < len(header) and BARE_ORIGIN_LABEL_RE.match(piece.text):
            value = origin_slot(f"{piece.text}{header[i + 1].text}")
        if value is not None:
            return value
    return None


def _label_with_value(pieces: Sequence[TextPiece]) -> list[str]:
    """The pieces' texts, a bare credit label joined with the piece after it (its value)."""
    texts = [p.text for p in pieces]
    out: list[str] = []
    i = 0
    while i < len(texts):
        if _BARE_SOURCE_LABEL_RE.match(texts[i]) and i + 1 < len(texts):
            out.append(f"{texts[i]}{texts[i + 1]}")
            i += 2
            continue
        out.append(texts[i])
        i += 1
    return out


def name_value(value: Any) -> str | None:
    """``name`` of a JSON-LD node (dict, list of dicts or plain string)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        return name_value(value.get("name"))
    if isinstance(value, list):
        for item in value:
            name = name_value(item)
            if name:
                return name
    return None


def _hinted_source(header: Sequence[TextPiece]) -> str | None:
    """A header piece whose class says source; a class the date shares names the row, not a slot.

    (baijiahao's ``article-source`` wraps the date, the time and the verifying company
    alike: no piece of that row is the source by its class.)
    """
    row = {
        m.group(0)
        for p in header
        if DATEISH_RE.search(p.text)
        for m in _SOURCE_HINT_RE.finditer(p.hint)
    }
    for piece in header:
        hinted = {m.group(0) for m in _SOURCE_HINT_RE.finditer(piece.hint)}
        if not hinted or hinted <= row:
            continue
        if is_interface_word(piece.text) or DATEISH_RE.search(piece.text):
            continue
        text = _SOURCE_LABEL_RE.sub("", piece.text)
        value = clean_source(text)
        if value is not None and not is_person_name(value):
            return value
    return None


def _noise_tokens(hint: str) -> set[str]:
    return {token for token in _HINT_SPLIT_RE.split(hint) if token in NOISE_TOKENS}


def _unlabelled_source(
    header: Sequence[TextPiece],
    site: str | None = None,
    columns: Container[str] = (),
    summaries: Sequence[str] = (),
    writers: Container[str] = (),
) -> str | None:
    """The account/outlet printed next to the first date with no label (toutiao, baijiahao…).

    The nearest name-like piece before the date wins over one after it; furniture
    (举报, 原创, 字号, or a piece whose class names a toolbar — ``print``, ``share``,
    ``social`` — that the date's own row does not carry) is stepped over, a label or a
    sentence ends the search on that side. The site's own name (``site``) yields to an
    outlet on the date's other side: "青岛新闻网 2006-01-22 10:45:07 中国日报网站".
    A name the page's ``<title>`` carries as a part of its own (``columns``) that does not end
    like an outlet is the column the article is filed under, not a credit, and ends the search
    on its side: "2024/11/02 生活" under "… | 生活 - … - 青年日報"; "2024年4月4日 時事脈搏 港聞"
    under "即時新聞 - 時事脈搏 - … - 信報網站". So is a name a link to one of the site's listings
    shows (``columns`` answers for both, see :class:`~crawler.extraction.breadcrumb.ColumnNames`):
    "2024/08/20 影劇" (關鍵評論網), "2022年3月31日 人权" (UN News).
    A name the page's summary (``summaries``: its description metas) opens with, not ending like
    an outlet, is the article's own text — a kicker or a subhead the summary repeats — and the
    row beside that date is no account's: the search ends on both sides ("一波神操作" | date |
    "By 亞小安" on 4Gamers, og:description "一波神操作"; date | "案例简介" on 天衡律师事务所,
    description "案例简介A女士与B先生…").
    A name the page's social cards name as the article's writer (``writers``: see
    :func:`_card_writers`), not ending like an outlet, is the writer, not an account, and ends the
    search in the same way: "具希聆 记者" | "上传 2011.09.03 08:22" on 中央日报中文网 (its
    ``og:article:author`` and ``twitter:creator`` "具希聆 记者"), "伴盟" | "2024-10-12" on 伴盟's
    site (its Twitter card's "Written by" field "伴盟"). A name ending like an outlet (新华社) is
    still read; no platform's account card is so named (toutiao's and baijiahao's print no such
    meta, and a JSON-LD ``author``, a platform's posting account, is no card's writer).
    """
    texts = [p.text for p in header]
    for i, text in enumerate(texts):
        if not DATEISH_RE.search(text):
            continue
        inside = _outlet_by_the_date(text)
        if inside is not None and not is_own_name(inside, site):
            return inside
        before = range(i - 1, max(-1, i - 4), -1)
        after = range(i + 1, min(len(texts), i + 4))
        row = _noise_tokens(header[i].hint)
        own = None
        for side in (before, after):
            for j in side:
                candidate = texts[j]
                if (
                    is_interface_word(candidate)
                    or len(candidate) < 2
                    or not _WORDY_RE.search(candidate)
                ):
                    continue
                if _noise_tokens(header[j].hint) - row:  # a button of a share or print bar
                    continue
                if (
                    len(candidate) > 20
                    or DATEISH_RE.search(candidate)
                    or _NOT_ACCOUNT_RE.search(candidate)
                    or _is_dateline_place(candidate)  # the byline's place: its writer is beside it
                    or is_poster_place(candidate)  # the poster's place: ·四川, 美国
                ):
                    break
                slash = NAME_SLASH_OUTLET_RE.match(candidate)
                if slash is not None and is_person_name(slash["name"]):
                    candidate = slash["outlet"]
                value = clean_source(candidate)
                if value and in_writer_slot(header[i], header[j]) and not ends_like_outlet(value):
                    return own  # the writer's slot holds a pen name ("Tien", "鯛魚"): no account
                if value is not None and value in columns and not ends_like_outlet(value):
                    break  # a column's name ("生活"), not a site's ("39健康网", ending 网)
                if value is not None and _opens_summary(candidate, summaries, value):
                    return own  # the article's kicker or subhead: no account's row
                if value is not None and reads_as_phrase(value):
                    return own  # a subhead or a headline ("…的故事"): no account's row
                if value is not None and _names_a_writer(candidate, value, writers):
                    return own  # the writer the page's cards name: no account's row
                if value is not None and not is_person_name(value):
                    if not is_own_name(value, site):
                        return value
                    own = own or value
                break
        return own
    return None


_SUMMARY_METAS = ("description", "og:description", "twitter:description")
_SPACES_RE = re.compile(r"\s+")
# The metas of a page's social cards that may name the article's writer. Chinese CMSs fill them
# with the outlet or the site as often ("参考消息" on sina, "天下事" on 加西网, "网易" on 163), so
# one counts only where it says writer: a Twitter card's field labelled so (twitter:label1
# "Written by" or 作者, its value in twitter:data1), or a value holding a writer's role word
# ("具希聆 记者").
_AUTHOR_METAS = ("og:article:author", "article:author", "twitter:creator")
_WRITER_LABEL_RE = re.compile(r"^(?:written\s+by|author|作者)\s*[:：]?$", re.I)
_ROLE_WORD_RE = re.compile(r"记者|記者|作者|撰稿|撰文|通讯员|通訊員")


def _card_writers(meta: Mapping[str, str]) -> frozenset[str]:
    """The writers a page's social-card metas name as such, spaces dropped, in simplified script.

    Not ``<meta name="author">``, which CMSs fill with the site's name or an editor's code
    (美国之音, "ck 13465"), nor JSON-LD's ``author``, the posting account on platforms (toutiao).
    """
    values = []
    for n in ("1", "2"):
        if _WRITER_LABEL_RE.match((meta.get(f"twitter:label{n}") or "").strip()):
            values.append(meta.get(f"twitter:data{n}") or "")
    for key in _AUTHOR_METAS:
        value = meta.get(key) or ""
        if _ROLE_WORD_RE.search(value):
            values += [value, _ROLE_WORD_RE.sub("", value)]  # "具希聆 记者", and 具希聆
    return frozenset(simplify(_SPACES_RE.sub("", v)) for v in values if v.strip())


def _names_a_writer(candidate: str, value: str, writers: Container[str]) -> bool:
    """Whether a piece beside the date (``candidate``, read as ``value``) is a writer the page's
    cards name, not ending like an outlet: the piece as printed or the name read from it."""
    if not writers or ends_like_outlet(value):
        return False
    return _SPACES_RE.sub("", candidate) in writers or _SPACES_RE.sub("", value) in writers


def _opens_summary(candidate: str, summaries: Sequence[str], value: str) -> bool:
    """Whether a page summary opens with ``candidate`` that does not end like an outlet."""
    if ends_like_outlet(value):
        return False  # "新华社" opening "新华社北京3月1日电…" is a credit the summary repeats
    text = _SPACES_RE.sub("", candidate)
    return any(_SPACES_RE.sub("", summary).startswith(text) for summary in summaries)


# A name beside the date that does not end like an outlet: Han text only, short.
_BARE_NAME_RE = re.compile(rf"[{HAN}]{{2,8}}")
# A place alone in its element, a report word after it or not: the byline's dateline
# ("台北市" in 原視's info row, "記者 林稚雯 | 台中市報導 | 2023/06/06 14:40" on 基督教今日報).
_DATELINE_PLACE_RE = re.compile(
    rf"^(?P<place>[{HAN}]{{2,6}}?)(?:(?:综合|綜合)?(?:报道|报导|報導|報道))?$"
)


def _is_dateline_place(text: str) -> bool:
    """Whether ``text`` is a place where the story was reported, not an outlet: 台北市, 台中市報導."""
    found = _DATELINE_PLACE_RE.match(text.strip())
    return found is not None and default_gazetteer().is_place(found["place"])


def _outlet_by_the_date(text: str) -> str | None:
    """The outlet printed in the date's own element with no label: "2016年12月01日 04:32 北京青年报".

    Only a whole element of a date (and clock) and one word beside it: a word ending like an
    outlet (报, 网, 社, 台…), or a short run of Han text that is no person's name, no place
    and no word of the date, the name of an account or of an outlet abbreviated: "音乐先声
    2023-02-10 20:51:12" (a WeChat account on DoNews), "2018年09月16日 15:31 中時" (中時電子報),
    "2009-12-07 10:38:32 网易" (青岛新闻网). "2016-12-01 星期四", "2016-12-01 上午", "2016-12-01
    北京" or "… 来自北京" credit nobody, nor a time zone or "PM" ("2023-11-20 01:00 ET").
    """
    # a bar or slash between the items is no word: "香港性文化学会 / 2023年2月9日", "| … 上报 |"
    rest = [w for w in (w.strip("|｜丨/／") for w in DATE_AND_CLOCK_RE.sub(" ", text).split()) if w]
    if len(rest) != 1 or not DATE_AND_CLOCK_RE.search(text):
        return None
    value = clean_source(rest[0])
    if value != rest[0] or is_person_name(value):
        return None  # a label ("发布时间：") or a word cut short is no outlet
    if OUTLET_END_RE.fullmatch(value):
        return None  # an outlet's ending alone is a label: "发布 2019.05.21 09:58" (新頭殼)
    if ends_like_outlet(value):
        return value
    if not _BARE_NAME_RE.fullmatch(value) or _NOT_ACCOUNT_RE.search(value):
        return None  # "来自北京", "发布于…": where the writer posted from
    return None if default_gazetteer().lookup(value) else value


def find_source(
    *,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    header: Sequence[TextPiece],
    trailer: Sequence[TextPiece],
    body_tail: Sequence[str] = (),
    headline: str | None = None,
    site: str | None = None,
    body_head: Sequence[str] = (),
    columns: Container[str] = (),
    shown: Container[str] | None = None,
) -> str | None:
    """The outlet the article credits (来源), e.g. 新华日报; None if there is none.

    Evidence, strongest first: a 来源/稿源/出处/转载自 label in the info line, then a
    资料来源 slot there whose whole value is an outlet or office ("资料来源：性别平等处"); a
    ``ContentSource``/``source`` meta whose outlet the page shows (``shown``: the page's
    text; a meta naming what the page never prints is the CMS's default, no credit, unless
    it names an account the item came from); an info-line piece whose class says source;
    a 来源 label at the end of the article (``body_tail`` credit lines, the
    ``trailer``, then "（来源：湖北日报）" closing the last sentence, then an outlet alone
    in brackets on a credit line after the text, "（搜狐）", "（北医三院）"); a JSON-LD
    ``author`` that is an outlet; and last the account name printed next to the
    date without a label (self-media platforms), or the 【】 credit opening the first
    paragraph ("【环球网军事报道】"; not the serving paper's own, "【明報專訊】" on 明報). JSON-LD
    ``publisher`` is never the source: it names the site or platform that hosts the
    page (今日头条 for every toutiao article), which is the site name, not a credit;
    a page that prints no credit has no source. Generic credits (网络), the paper's word for
    itself (本站, 本报, 本刊) and reporters' names are never returned. An unlabelled or class-hinted name that is the
    serving site's own (``site``: 温州网 in the account slot of 温州网's pages) is the last
    resort: an outlet credited with a label after the body ("来源：温州晚报") or printed on
    the date's other side comes first. A name beside the date that the page's social-card metas
    name as the writer (a Twitter card's "Written by" field, an author meta holding "记者") is the
    writer, not an account.
    """
    value = _labelled_source(_joined(header)) or _origin_source(header)
    if value:
        return value
    for key in _SOURCE_METAS:
        raw = meta.get(key) or ""
        value = clean_source(raw)
        # a source meta naming the serving site itself (三立新聞網 on setn.com, ETtoday新聞雲
        # on ettoday.net) is the CMS's default, no credit: one printed with a label counts
        if value and (
            EPAPER_MARK in meta
            or (
                not is_own_name(value, site)
                and (shown is None or value in shown or _ACCOUNT_CREDIT_RE.search(raw))
            )
        ):
            return value
    own = _hinted_source(header)
    if own and not is_own_name(own, site):
        return own
    for text in (
        *(line for line in body_tail if is_credit_line(line)),
        *_label_with_value(trailer),
    ):
        value = _labelled_source(text)
        if value:
            return value
    closing = trailing_credit(body_tail)
    value = _labelled_source(closing) if closing else None
    if value:
        return value
    value = _bracketed_outlet(body_tail) or _signed_off_outlet(body_tail, site)
    if value:
        return value
    value = _outlet_author(jsonld)
    # a JSON-LD author that is the serving site itself (星洲网 on sinchew.com.my, 東森新聞 on
    # ebc.net.tw, both read in simplified script) is the CMS's default, as a source meta naming
    # the site is: no credit
    if value and not is_own_name(simplify(value), site and simplify(site)):
        return value
    summaries = [meta[key] for key in _SUMMARY_METAS if meta.get(key)]
    value = _unlabelled_source(header, site, columns, summaries, _card_writers(meta))
    value = value or _lead_outlet(body_head, site)
    if own and (value is None or is_own_name(value, site)):
        return own
    return value


def _outlet_author(jsonld: Sequence[Mapping[str, Any]]) -> str | None:
    """A JSON-LD ``author`` that names an outlet (新华社, 中国新闻网), whatever its ``@type``.

    On platforms the ``publisher`` is the platform itself (今日头条, 百家号) and the account
    that posted the article, an outlet, stands in ``author``: the outlet is the source.
    A personal handle (松科说娱乐) does not end like an outlet and is passed over. The name is
    read in simplified script, as the info line's are (菱傳媒 under publisher OwlNews is 菱传媒,
    ending like an outlet). An author that the node's own ``publisher`` names, whole or as a part
    of its name, is the site signing its own page, no credit: 新唐人电视台 under 新唐人电视台 (its site
    name "NTDChinese" does not show it), 自由時報, TVBS新聞 under TVBS新聞網.
    """
    for obj in jsonld:
        raw = name_value(obj.get("author")) or ""
        plain = simplify(raw)
        value = clean_source(plain)
        if value and ends_like_outlet(value) and not is_person_name(value):
            if value in simplify(name_value(obj.get("publisher")) or ""):
                return None
            at = plain.find(value)  # the name in the node's own characters (菱傳媒)
            return raw[at : at + len(value)] if at >= 0 and len(plain) == len(raw) else value
    return None


# A whole line in brackets after the text: "（北医三院）" (北京大学医学部's news: the office that
# sent it), "（搜狐）" (兰州晨报's e-paper: where a brief came from).
_BRACKET_LINE_RE = re.compile(r"^\s*[（(](?P<inner>[^（）()]{2,15})[）)]\s*$")
# What such a bracket holds that is no outlet: a serial's mark, a picture's credit
# ("（圖片取自flickr）"), an excerpt's note ("（節錄）").
_NOT_OUTLET_BRACKET_RE = re.compile(
    r"^(?:未完)?待续$|^未完$|图$|视频$|摄影?$|^(?:图片|圖片|照片)|取自|[来來]自"
    r"|^(?:节录|節錄|摘录|摘錄|节选|節選|有删节|有刪節)$"
)


def _bracketed_outlet(body_tail: Sequence[str]) -> str | None:
    """The outlet named alone in brackets on a credit line after the article's text, if any.

    Papers close a reprinted brief with the outlet it came from ("（搜狐）"), and institutions'
    news sites with the office that sent it ("（北医三院）"); the editor's line may follow.
    A name in brackets ("（张巨峰）") is the writer's, and "（完）", "（待续）" end the text.
    """
    for line in reversed(body_tail):
        if not is_credit_line(line):
            return None  # article text: the credits after the text end here
        m = _BRACKET_LINE_RE.match(line)
        if m is None:
            continue
        inner = CONTRIBUTED_TAIL_RE.sub("", m["inner"].strip())
        value = clean_source(inner)
        if (
            value is not None
            and value == inner
            and not is_person_name(value)
            and not _NOT_OUTLET_BRACKET_RE.search(value)
            and not reads_as_phrase(value)  # a note: "（本文参考了美联社的报导）"
        ):
            return value
    return None


# An outlet signing off the last paragraph after its last sentence, a mark before the name and
# nothing after it but the outlet's address glued on: "…转送女子监狱。 ■路透社" (文匯報: the wire's
# credit HK papers print), "…（…为报道提供帮助）来自澎湃新闻thepaper.cn" (上外英国研究中心).
_SIGN_OFF_RE = re.compile(
    rf"(?<=[。！？!?…”’\"）)])\s*(?:■|来自)\s*(?P<outlet>[{HAN}A-Za-z]{{2,16}}?)"
    r"(?:\s*(?:www\.)?[a-z0-9-]+\.(?:cn|com|net|org|hk)(?:\.[a-z]{2})?)?\s*$"
)


def _signed_off_outlet(body_tail: Sequence[str], site: str | None = None) -> str | None:
    """The outlet signing off the last paragraph that is article text, or a credit line after
    it ("（张三编译）来自中国新闻网"): see ``_SIGN_OFF_RE``.

    The name must end like an outlet's (社, 网, 报, 新闻…): "…。来自北京" is where someone came
    from, "…。■张三" no outlet; the serving site's own name credits no other outlet.
    """
    for line in reversed(body_tail):
        m = _SIGN_OFF_RE.search(line) if ("■" in line or "来自" in line) else None
        if m is not None:
            value = clean_source(m["outlet"])
            if value != m["outlet"] or value is None or not ends_like_outlet(value):
                return None
            return None if is_own_name(value, site) else value
        if not is_credit_line(line):
            return None  # the article's text: its last paragraph signs off with no outlet
    return None


def trailing_credit(body_tail: Sequence[str]) -> str | None:
    """The bracketed credit closing the last paragraph that is article text, if any."""
    for line in reversed(body_tail):
        if not is_credit_line(line):
            m = TRAILING_CREDIT_RE.search(line)
            return m["inner"] if m else None
    return None
