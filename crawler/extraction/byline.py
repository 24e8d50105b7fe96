"""Who published an article: the source outlet (来源) it credits, chosen from the metadata, the
info line under the headline and the credits around the body (the writers: ``authors``)."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from functools import lru_cache
from typing import Any

from crawler.extraction.blocks import TextPiece
from crawler.extraction.credits import (
    REPRINT_DATE,
    REPRINT_WORD,
    SEP,
    in_writer_slot,
    is_credit_line,
)
from crawler.extraction.epaper import EPAPER_MARK
from crawler.extraction.gazetteer import default_gazetteer
from crawler.extraction.names import HAN, is_person_name
from crawler.extraction.vocabulary import MENU_WORDS, NOISE_TOKENS, TEXT_CACHE, is_interface_word

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
)
# The site's address printed after an outlet: "来源：科学网 www.sciencenet.cn", "河蟹动漫
# www.fzdm.net编辑发布" (风之动漫): it ends the outlet's name.
_ADDRESS_AHEAD = r"\s+(?=www\.|https?:)"
# Where a source value ends: a following label, a date, a bracket, a code like _NF4425.
_SOURCE_END_RE = re.compile(
    r"\s*(?:记者|通讯员)"
    # only with a colon: "中国广州发布" is an account name, "发布时间：" a label
    r"|\s*(?:作者|责任编辑|编辑|责编|发布时间|发布日期|时间|日期|浏览次数|阅读|点击)\s*[:：]"
    r"|\s+(?:举报|分享|评论|打印|关闭|字号)"
    r"|\s*\d{4}\s*[-/.年]"
    r"|\s*\d{1,2}[:：]\d{2}"
    r"|\s*[（(\[【<]"
    # a closing bracket ends it too: "（来源：湖北日报）", "【来源：湖北日报】"
    r"|\s*[）)\]】>]"
    r"|[、，,；;。|丨]"
    # an outlet's name never holds an underscore: "新华日报_NF4425" ends at it
    r"|\s*_"
    r"|\s+(?![A-Za-z])"
    rf"|{_ADDRESS_AHEAD}"
)
_SOURCE_STRIP = " \t:：·•-—_|/／\"'“”《》"
# A credit label alone in its element, its value in the next one: "<td>来源：</td><td>中新网</td>".
_BARE_SOURCE_LABEL_RE = re.compile(
    r"^(?:稿件|新闻|信息|本文|文章|内容|消息)?(?:来源|稿源|出处)\s*[:：]$"
)
# Credited "sources" that name no outlet.
# fmt: off
_GENERIC_SOURCES = frozenset(
    {
        "网络", "互联网", "网络整理", "网络综合", "网友", "网友投稿", "投稿", "本站", "本网",
        "本站原创", "本网原创", "原创", "综合", "综合整理", "综合报道", "未知", "佚名", "暂无",
        "无", "其他", "其它", "转载", "不详", "自媒体", "本报讯", "本网讯", "本台讯",
    }
)
# fmt: on
# Label and interface words: a "source" holding one is a label or a button, not an outlet
# ("作者", "更新时间", "本文来源于", "页面功能", "转载文章", "举报/反馈", "字体放大", "我来说两句").
_LABEL_IN_SOURCE_RE = re.compile(
    r"来源|稿源|作者|记者|编辑|责编|时间|日期|功能|转载|举报|反馈|字体|字号|放大|缩小|打印|关闭"
    # 评论 as a button or a count ("发表评论", "评论(12)"), not a column ("新京报评论")
    r"|^评论|(?:发表|查看|我要|网友|参与)评论|说两句|分享|收藏|订阅|点击|浏览|阅读|返回|登录|注册|客户端下载|下载"
    # a font-size toolbar's state: "目前设定" (新頭殼), as 字号/放大/缩小 are its buttons
    r"|设定|设置"
)
# A date's label alone, whatever follows it: "更新 / 2022年8月24日 5:44 PM" and "发布 /" (联合早报),
# "发布 2019.05.21 09:58" (新頭殼). 发布 also ends account names (中国广州发布), so only the
# bare word is refused.
_DATE_LABEL_RE = re.compile(r"^(?:更新|发布|发表|修改|修订|出版|上传)(?:于)?$")
# The word a byline closes with, alone: "記者 萬紹安 報導" (TVBS), "賴意文／綜合報導" (Yahoo奇摩):
# it says the writer reported, and names no outlet.
REPORT_WORD_RE = re.compile(r"^(?:综合|綜合)?(?:报道|报导|報導|報道)$")
# A domain, whatever its case: "BUSINESS.SOHU.COM", "news.example.cn".
_DOMAIN_RE = re.compile(r"^(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,6}$")
# Lists credit several outlets: "综合新华社、人民网等" keeps the first one (cut at 、 below);
# the words that lead into an outlet are dropped: "综合自新华社", "据新华社".
_LIST_LEAD_RE = re.compile(r"^(?:综合自?|据|转自|摘自)(?=[^\s、，,]{2,})")
# "澎湃新闻综合", "中国新闻网综合报道": the outlet compiled the piece; the outlet is kept
# (only after an outlet's ending: "新浪财经-自媒体综合" is a column's name).
_COMPILED_TAIL_RE = re.compile(r"(?<=[报网社台刊闻端])综合(?:报道|整理)?$")
# "国际在线专稿" (CCTV.com's 来源 slot), "（新华社供本报特稿）" (洛阳日报's e-paper), "中新社供稿":
# the outlet wrote or supplied the piece; the outlet is kept (only after an outlet's ending).
_CONTRIBUTED_TAIL_RE = re.compile(
    r"(?<=[报報网網社台刊闻聞端线線])(?<!本[报報网網台刊])"
    r"(?:(?:供(?:本报|本報|本网|本網|本刊)?)?(?:特稿|专稿|專稿)|供稿)$"
)
# A long unbroken run of Han text with none of an outlet's closing words reads as a
# headline or a sentence: "对比试车—测试昌河北斗星", not "北青网-北京青年报".
_OUTLET_END_RE = re.compile(
    r"(?:报|网|社|台|刊|志|客户端|新闻|频道|在线|传媒|媒体|中心|局|委|部|办|院|府|会|厅"
    r"|发布|之家|号|周末|观察|资讯|财经|日报|晚报|时报|快报|商报)$"
)
_MAX_BARE_SOURCE = 12
# A counter: "尚余0篇" (free articles left), "1234人阅读", "12条评论"; no outlet counts.
# A view count printed beside the date is one too: "533点阅", "4.0千点阅" (星洲网), or a
# bare number with its unit, "2.4万" (超凡's view count, an eye icon for the word).
_COUNTER_RE = re.compile(r"\d\s*[万千亿]?\s*(?:篇|条|次|人|个|则|点阅)|^\d+(?:\.\d+)?\s*[万千亿]$")
# A CMS's code or field value, not an outlet's name: letters, a dash or underscore and
# digits ("SRC-423" in 中国台湾网's source meta), or a word with no capital and no Han
# ("reproduce" in 中青在线's). Latin outlet and account names are capitalised (BBC,
# ETtoday, Reuters, GiveNGOA5).
_CODE_RE = re.compile(rf"^[A-Za-z]+[-_]\d+$|^[^A-Z{HAN}]*[a-z][^A-Z{HAN}]*$")
_HINT_SPLIT_RE = re.compile(r"[\s_\-]+")
# A weekday, its day in the element or the next one: "星期一", "星期" | "五" (兰州晨报's e-paper).
_WEEKDAY_RE = re.compile(r"^(?:星期|周|礼拜)[一二三四五六日天]?$")
# A date's other words read as a source: a year ("2022年": 阿特网's empty 来源 slot before a
# text opening "2022年，…") or a month's name in an English date ("June 29, 2021", 加美财经).
_DATE_WORD_RE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年"
    # a part of the day printed with the time: "2016-12-01 上午 10:30"
    r"|上午|下午|中午|晚上|晚间|凌晨|早上|早晨|傍晚|夜间|深夜"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December))$",
    re.I,
)
_EDITION_RE = re.compile(r"第\s*[A-Za-z]?\d+\s*[版期]")
# A Latin-script label that ends in a preposition leads into a value and names no outlet:
# "Published at" before the date (联合日报), "Sponsored by" over an advertiser's logo
# (まいどなニュース). An outlet's name does not end so ("Voice of America", "Times of India").
_LATIN_LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z .'-]*\s(?:at|by|on|in|from|of|to|for|with)$", re.I)
_SOURCE_METAS = ("contentsource", "source", "article:source", "og:article:source", "mediaid")
# A source meta that names the account an item was reposted from ("江西统计 公众号" on 宜春市's
# portal) is an editor's credit, kept though the page does not print it; a bare name the
# page never shows is the CMS's default (see ``find_source``).
_ACCOUNT_CREDIT_RE = re.compile(r"公众号|微信")
_SOURCE_HINT_RE = re.compile(
    r"source|laiyuan|media_?name|publisher|(?:^|[\s_-])(?:from|ly|src|origin)(?:$|[\s_-])"
)
_WORDY_RE = re.compile(r"\w")
# Labelled or numeric pieces are not account names ("来自北京" is the writer's location).
# A repeated headline is no account name either.
_NOT_ACCOUNT_RE = re.compile(r"[:：？?！!，。“”]|^来自|^发布于|^IP属地|^\d+$")
# A printed date and/or clock: "2016年12月01日 04:32", "2016-06-14 14:39:53", "11:05".
DATE_AND_CLOCK_RE = re.compile(
    r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
)
_DATEISH_RE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/月]\s*\d{1,2}(?:\s|日|$)|\d{1,2}[:：]\d{2}"
    r"|发布时间|发布日期|[今昨前]天|刚刚|\d+\s*(?:分钟|小时|天)前"
)


# --------------------------------------------------------------------------- source


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def _clean_source(value: str) -> str | None:
    """The outlet at the start of ``value``; trailing dates, labels, codes and brackets cut off.

    A value that is itself a label ("来源： 访问量：199": the credit slot is empty and the
    next field follows) names no outlet.
    """
    value = value.strip().lstrip(_SOURCE_STRIP)
    if value.startswith("《"):
        close = value.find("》")
        if close > 1:
            value = value[1:close]
    end = _SOURCE_END_RE.search(value, 1)
    if end is not None:
        value = value[: end.start()]
    if value.endswith((":", "：")):  # the slot is empty: the next field's label follows
        return None
    value = _LIST_LEAD_RE.sub("", value.strip(_SOURCE_STRIP))
    # a title mark inside the name: "光明网-《光明日报》" is 光明网-光明日报
    value = _COMPILED_TAIL_RE.sub("", value.replace("《", "").replace("》", ""))
    value = _CONTRIBUTED_TAIL_RE.sub("", value)
    if not 2 <= len(value) <= 30 or value in _GENERIC_SOURCES:
        return None
    if value.isdigit() or _DATEISH_RE.search(value):
        return None
    return value if is_outlet_like(value) else None


def is_outlet_like(value: str) -> bool:
    """Whether a credited "source" reads as an outlet's name (新华社, 北青网-北京青年报, sd退役军人之家).

    Not a label or interface word (作者, 更新时间, a date's bare 更新 or 发布, 本文来源于, 页面功能,
    举报/反馈), not a
    menu word (首页, 新闻动态), not an address or a domain in any case (BUSINESS.SOHU.COM),
    not a sentence (punctuation) and not a headline (a long run of text that does not
    end like an outlet: 报, 网, 社, 台, 客户端, 局...).
    """
    if value.startswith(("http", "www.")) or _DOMAIN_RE.match(value):
        return False
    if _EDITION_RE.search(value):  # an e-paper's 版次 "第03版:要闻" or 期号 "第25312期"
        return False
    if value in MENU_WORDS or is_interface_word(value) or _LABEL_IN_SOURCE_RE.search(value):
        return False
    if _DATE_LABEL_RE.match(value) or REPORT_WORD_RE.match(value):
        return False
    if _WEEKDAY_RE.match(value) or _DATE_WORD_RE.match(value):  # a date's word: 星期一, 2022年
        return False
    if _COUNTER_RE.search(value):
        return False
    if _CODE_RE.match(value):  # a CMS's code or word in the source slot: SRC-423, reproduce
        return False
    if _LATIN_LABEL_RE.match(value):  # "Published at", "Sponsored by": a label, not a name
        return False
    if re.search(r"[，,。！？!?；;：:]", value):
        return False
    return len(value) <= _MAX_BARE_SOURCE or ends_like_outlet(value)


def _joined(pieces: Sequence[TextPiece]) -> str:
    return " ".join(p.text for p in pieces)


def joined_credits(pieces: Sequence[TextPiece]) -> str:
    """The pieces' texts joined, a bare credit label ("作者：") joined only to a value.

    A label alone in its element takes the next element as its value ("作者：" | "陈久忍");
    when that element is a caption or a sentence ("钟洁希（中）、前未婚妻…合照"), the slot
    is empty: a bar keeps the label from reading names out of it.
    """
    texts: list[str] = []
    for i, piece in enumerate(pieces):
        if (
            i
            and _BARE_CREDIT_LABEL_RE.search(pieces[i - 1].text)
            and (len(piece.text) > 20 or _NOT_A_VALUE_RE.search(piece.text))
        ):
            texts.append("|")
        texts.append(piece.text)
    return " ".join(texts)


def _lead_outlet(body_head: Sequence[str]) -> str | None:
    """The outlet of the 【】 credit opening the first paragraph ("【环球网军事报道】": 环球网).

    The credit's words are cut back to the longest start that ends like an outlet (报, 网,
    社, 台…): "环球网军事" is 环球网's military desk, "环球时报记者陈欣" 环球时报's reporter.
    """
    m = _LEAD_OUTLET_RE.match(body_head[0]) if body_head else None
    if m is None:
        return None
    inner = m["inner"]
    for end in range(len(inner), 1, -1):
        value = _clean_source(inner[:end])
        if value is not None and value == inner[:end] and ends_like_outlet(value):
            return value
    return None


_ADDRESS_AFTER_RE = re.compile(_ADDRESS_AHEAD)  # (see _ADDRESS_AHEAD)


def _labelled_source(text: str) -> str | None:
    """The outlet after the first source label of ``text`` that names one.

    An outlet followed by an address is often the site's own stamp ("来源：100医药网
    www.100yiyao.net 来源：生物世界", 100医药网): a later label's outlet wins over it.
    """
    stamp = None
    for m in _SOURCE_LABEL_RE.finditer(text):
        value = _clean_source(text[m.end() :])
        if value is None:
            continue
        at = text.find(value, m.end())
        if at < 0 or not _ADDRESS_AFTER_RE.match(text, at + len(value)):
            return value
        stamp = stamp or value
    return stamp


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
        if _DATEISH_RE.search(p.text)
        for m in _SOURCE_HINT_RE.finditer(p.hint)
    }
    for piece in header:
        hinted = {m.group(0) for m in _SOURCE_HINT_RE.finditer(piece.hint)}
        if not hinted or hinted <= row:
            continue
        if is_interface_word(piece.text) or _DATEISH_RE.search(piece.text):
            continue
        text = _SOURCE_LABEL_RE.sub("", piece.text)
        value = _clean_source(text)
        if value is not None and not is_person_name(value):
            return value
    return None


def _noise_tokens(hint: str) -> set[str]:
    return {token for token in _HINT_SPLIT_RE.split(hint) if token in NOISE_TOKENS}


def _is_own_name(value: str, site: str | None) -> bool:
    """Whether a credited name is the serving site's own (温州网 on 温州网's pages)."""
    return site is not None and value in site


def _unlabelled_source(
    header: Sequence[TextPiece], site: str | None = None, columns: Container[str] = ()
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
    """
    texts = [p.text for p in header]
    for i, text in enumerate(texts):
        if not _DATEISH_RE.search(text):
            continue
        inside = _outlet_by_the_date(text)
        if inside is not None and not _is_own_name(inside, site):
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
                    or _DATEISH_RE.search(candidate)
                    or _NOT_ACCOUNT_RE.search(candidate)
                    or _is_dateline_place(candidate)  # the byline's place: its writer is beside it
                ):
                    break
                slash = NAME_SLASH_OUTLET_RE.match(candidate)
                if slash is not None and is_person_name(slash["name"]):
                    candidate = slash["outlet"]
                value = _clean_source(candidate)
                if value and in_writer_slot(header[i], header[j]) and not ends_like_outlet(value):
                    return own  # the writer's slot holds a pen name ("Tien", "鯛魚"): no account
                if value is not None and value in columns and not ends_like_outlet(value):
                    break  # a column's name ("生活"), not a site's ("39健康网", ending 网)
                if value is not None and not is_person_name(value):
                    if not _is_own_name(value, site):
                        return value
                    own = own or value
                break
        return own
    return None


def ends_like_outlet(value: str) -> bool:
    """Whether a name ends as an outlet's does: 报, 网, 社, 台, 新闻, 客户端…"""
    return _OUTLET_END_RE.search(value) is not None


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
    value = _clean_source(rest[0])
    if value != rest[0] or is_person_name(value):
        return None  # a label ("发布时间：") or a word cut short is no outlet
    if _OUTLET_END_RE.fullmatch(value):
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

    Evidence, strongest first: a 来源/稿源/出处/转载自 label in the info line; a
    ``ContentSource``/``source`` meta whose outlet the page shows (``shown``: the page's
    text; a meta naming what the page never prints is the CMS's default, no credit, unless
    it names an account the item came from); an info-line piece whose class says source;
    a 来源 label at the end of the article (``body_tail`` credit lines, the
    ``trailer``, then "（来源：湖北日报）" closing the last sentence, then an outlet alone
    in brackets on a credit line after the text, "（搜狐）", "（北医三院）"); a JSON-LD
    ``author`` that is an outlet; and last the account name printed next to the
    date without a label (self-media platforms), or the 【】 credit opening the first
    paragraph ("【环球网军事报道】"). JSON-LD
    ``publisher`` is never the source: it names the site or platform that hosts the
    page (今日头条 for every toutiao article), which is the site name, not a credit;
    a page that prints no credit has no source. Generic credits (网络, 本站)
    and reporters' names are never returned. An unlabelled or class-hinted name that is the
    serving site's own (``site``: 温州网 in the account slot of 温州网's pages) is the last
    resort: an outlet credited with a label after the body ("来源：温州晚报") or printed on
    the date's other side comes first.
    """
    value = _labelled_source(_joined(header))
    if value:
        return value
    for key in _SOURCE_METAS:
        raw = meta.get(key) or ""
        value = _clean_source(raw)
        # a source meta naming the serving site itself (三立新聞網 on setn.com, ETtoday新聞雲
        # on ettoday.net) is the CMS's default, no credit: one printed with a label counts
        if value and (
            EPAPER_MARK in meta
            or (
                not _is_own_name(value, site)
                and (shown is None or value in shown or _ACCOUNT_CREDIT_RE.search(raw))
            )
        ):
            return value
    own = _hinted_source(header)
    if own and not _is_own_name(own, site):
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
    value = _bracketed_outlet(body_tail)
    if value:
        return value
    value = _outlet_author(jsonld)
    # a JSON-LD author that is the serving site itself (星洲网 on sinchew.com.my, its
    # publisher too) is the CMS's default, as a source meta naming the site is: no credit
    if value and not _is_own_name(value, site):
        return value
    value = _unlabelled_source(header, site, columns) or _lead_outlet(body_head)
    if own and (value is None or _is_own_name(value, site)):
        return own
    return value


def _outlet_author(jsonld: Sequence[Mapping[str, Any]]) -> str | None:
    """A JSON-LD ``author`` that names an outlet (新华社, 中国新闻网), whatever its ``@type``.

    On platforms the ``publisher`` is the platform itself (今日头条, 百家号) and the account
    that posted the article, an outlet, stands in ``author``: the outlet is the source.
    A personal handle (松科说娱乐) does not end like an outlet and is passed over.
    """
    for obj in jsonld:
        value = _clean_source(name_value(obj.get("author")) or "")
        if value and ends_like_outlet(value) and not is_person_name(value):
            return value
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
        inner = _CONTRIBUTED_TAIL_RE.sub("", m["inner"].strip())
        value = _clean_source(inner)
        if (
            value is not None
            and value == inner
            and not is_person_name(value)
            and not _NOT_OUTLET_BRACKET_RE.search(value)
        ):
            return value
    return None


def trailing_credit(body_tail: Sequence[str]) -> str | None:
    """The bracketed credit closing the last paragraph that is article text, if any."""
    for line in reversed(body_tail):
        if not is_credit_line(line):
            m = TRAILING_CREDIT_RE.search(line)
            return m["inner"] if m else None
    return None
