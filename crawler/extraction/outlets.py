"""What reads as an outlet's name (新华社, 北青网-北京青年报, sd退役军人之家): a credited value cut to
the outlet it names (``clean_source``), and the tests an outlet's name passes (``is_outlet_like``,
``ends_like_outlet``); the source's evidence is weighed in ``byline``."""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.extraction.names import HAN
from crawler.extraction.vocabulary import MENU_WORDS, TEXT_CACHE, is_interface_word

# The site's address printed after an outlet: "来源：科学网 www.sciencenet.cn", "河蟹动漫
# www.fzdm.net编辑发布" (风之动漫): it ends the outlet's name.
ADDRESS_AHEAD = r"\s+(?=www\.|https?:)"
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
    rf"|{ADDRESS_AHEAD}"
)
_SOURCE_STRIP = " \t:：·•-—_|/／\"'“”《》"

# Credited "sources" that name no outlet.
# fmt: off
_GENERIC_SOURCES = frozenset(
    {
        "网络", "互联网", "网络整理", "网络综合", "网友", "网友投稿", "投稿", "原创", "综合",
        "综合整理", "综合报道", "未知", "佚名", "暂无", "无", "其他", "其它", "转载", "不详",
        "自媒体",
    }
)
# fmt: on
# The paper's (site's, station's, magazine's) word for itself, alone or as its dispatch tag or
# own-work mark: "来源： 本网" (紫金县), "文章来源：本站原创" (绍兴一中), "本网讯" (商洛), and "本报"
# cut from the byline "本报记者王卓一" beside the date (文汇报). It names no outlet.
_SELF_REFERENCE_RE = re.compile(r"^本(?:报|報|台|刊|网|網|站|社)(?:讯|訊|消息|原创|原創)?$")
# Label and interface words: a "source" holding one is a label or a button, not an outlet
# ("作者", "更新时间", "本文来源于", "页面功能", "转载文章", "举报/反馈", "字体放大", "我来说两句").
_LABEL_IN_SOURCE_RE = re.compile(
    r"来源|稿源|作者|记者|编辑|责编|时间|日期|功能|转载|举报|反馈|字体|字号|放大|缩小|打印|关闭"
    # 评论 as a button or a count ("发表评论", "评论(12)"), not a column ("新京报评论")
    r"|^评论|(?:发表|查看|我要|网友|参与)评论|说两句|分享|收藏|订阅|点击|浏览|阅读|返回|登录|注册|客户端下载|下载"
    # a font-size toolbar's state: "目前设定" (新頭殼), as 字号/放大/缩小 are its buttons
    r"|设定|设置"
)
# A toggle of the article's pictures printed after the date: "原图" (view the original picture: 网易新闻's
# galleries, ``<a href="#" class="vieworigin">``), "显示图片" (澎湃新闻's pages for 一点资讯 readers,
# ``<a id="yidian-toggle-img">``), "查看大图", "隐藏图片". A button, no outlet's name.
_PICTURE_TOGGLE_RE = re.compile(
    r"^(?:查看|显示|隐藏|打开|关闭|浏览)?(?:原图|大图|高清图|高清大图|图片)$"
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
CONTRIBUTED_TAIL_RE = re.compile(
    r"(?<=[报報网網社台刊闻聞端线線])(?<!本[报報网網台刊])"
    r"(?:(?:供(?:本报|本報|本网|本網|本刊)?)?(?:特稿|专稿|專稿)|供稿)$"
)
# A long unbroken run of Han text with none of an outlet's closing words reads as a
# headline or a sentence: "对比试车—测试昌河北斗星", not "北青网-北京青年报".
OUTLET_END_RE = re.compile(
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
# A date, a clock or a date's label: no outlet's name holds one (``byline`` finds the date's piece
# of the info line with it).
DATEISH_RE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/月]\s*\d{1,2}(?:\s|日|$)|\d{1,2}[:：]\d{2}"
    r"|发布时间|发布日期|[今昨前]天|刚刚|\d+\s*(?:分钟|小时|天)前"
)


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def clean_source(value: str) -> str | None:
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
    value = CONTRIBUTED_TAIL_RE.sub("", value)
    if not 2 <= len(value) <= 30 or value in _GENERIC_SOURCES or _SELF_REFERENCE_RE.match(value):
        return None
    if value.isdigit() or DATEISH_RE.search(value):
        return None
    return value if is_outlet_like(value) else None


def is_outlet_like(value: str) -> bool:
    """Whether a credited "source" reads as an outlet's name (新华社, 北青网-北京青年报, sd退役军人之家).

    Not a label or interface word (作者, 更新时间, a date's bare 更新 or 发布, 本文来源于, 页面功能,
    举报/反馈), not a toggle of the pictures (原图, 显示图片), not a
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
    if _PICTURE_TOGGLE_RE.match(value):  # 原图, 显示图片: a button for the pictures
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


# A phrase's function word: the possessive 的 or the conjunction 与 (與). A name printed with no
# label beside the date or alone in brackets after the text that holds one, and does not end like
# an outlet (报, 网, 社…: "我的生活网" is still a site), is a run of the article's own words: a
# subhead ("价格与适用国家和地区", Apple Newsroom), a headline ("芭提雅旅遊的故事", 華僑報) or a note
# ("（本文参考了美联社的报导）", 大纪元). No outlet or account the labels credit holds one.
_PHRASE_WORD_RE = re.compile(r"[的与與]")


def reads_as_phrase(value: str) -> bool:
    """Whether an unlabelled name reads as a phrase of the text, not an outlet's name (see above)."""
    return _PHRASE_WORD_RE.search(value) is not None and not ends_like_outlet(value)


def ends_like_outlet(value: str) -> bool:
    """Whether a name ends as an outlet's does: 报, 网, 社, 台, 新闻, 客户端…"""
    return OUTLET_END_RE.search(value) is not None
