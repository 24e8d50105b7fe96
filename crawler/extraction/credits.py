"""Credit lines: the byline, editor, source and notice lines printed around an article body
(责任编辑：杨倩, 文/张三, （原标题：…）, （完）), and the reporter or editor a credit names."""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.extraction.blocks import TextPiece
from crawler.extraction.gazetteer import default_gazetteer
from crawler.extraction.names import (
    CREDIT_SEP_CHARS,
    HAN,
    NAMES_SPLIT_RE,
    NOT_NAMES,
    is_person_name,
    name_list,
    plausible_name,
    take_names,
)
from crawler.extraction.outlets import clean_source
from crawler.extraction.vocabulary import TEXT_CACHE, is_interface_word

_SEP_CHARS = CREDIT_SEP_CHARS
SEP = rf"[{_SEP_CHARS}]"
# Reporter/author bylines. 作者/撰文 need a separator (a badge "原创作者", "作者最新文章");
# 记者/通讯员 may be followed by a space or glued to the name (checked in take_names).
_REPORTER_RE = re.compile(
    r"(?=[作撰采文特记通执评图编])"  # lets the scan skip to candidate characters (several times faster)
    # 编译: a translator-writer, "(编译 刘雨奇)" as "路闻卓立编译" (_NAME_THEN_ROLE_RE)
    rf"(?:作者|撰文|撰稿|采写|文字|特约撰稿人?|执笔人?|编译)\s*(?:{SEP}\s*|\s+(?=[{HAN}]))"
    rf"|(?:记者|通讯员|评论员)(?:\s*{SEP}\s*|\s+)?"
    # "文/图 张三", "图/文：张三", "图文 | 张三": writer and photographer in one
    rf"|(?<![{HAN}])(?:文\s*[/／、]\s*图|图\s*[/／、]\s*文)\s*(?:{SEP}\s*|\s+)"
    rf"|(?<![{HAN}])(?:图文|文图)\s*{SEP}\s*"
    rf"|(?<![{HAN}])文\s*{SEP}\s*"
)
# A value that is itself followed by a colon is the next field's label ("作者：时间：…").
_LABEL_AFTER_RE = re.compile(r"\s*[:：]")
_NAME_THEN_ROLE_MARKS = ("编译", "撰文", "/文", "／文", "/ 文")
_EDITOR_RE = re.compile(
    rf"(?:责任编辑|网络编辑|值班编辑|本文编辑|编辑|责编)(?!部|室|器|于|者)(?:\s*{SEP}\s*|\s+)?"
)
# "路闻卓立编译", "张三/文", "张三 撰文": the name before its role.
_NAME_THEN_ROLE_RE = re.compile(
    rf"(?<![{HAN}·])(?P<name>[{HAN}·]{{2,4}}?)\s*(?:编译|撰文|[/／]\s*文)(?![{HAN}])"
)

# An office or outlet closing an article in brackets: 德清县发改局, 新华社, 人民日报.
_ORGISH_OFFICE_RE = re.compile(rf"^[{HAN}]{{2,15}}(?:[局委会厅部办院所站处署馆社]|日报|晚报|网)$")

_CREDIT_KEYWORDS = (
    "责任编辑|网络编辑|值班编辑|本文编辑|编辑|责编|校对|审核|审校|终审|初审|复审|监制|主编|美编"
    "|统筹|策划|出品人?|制图|设计|视频|摄影|摄像|图片来源|图片|图|记者|通讯员|作者|撰文|撰稿|采写"
    "|采访|整理|文字|文|实习生|来源|稿源|出处|转载自|转自|摘自|翻译|编译|原创|执笔人?"
    # a writer named with a unit before the name (UNIT_WRITER_RE): before 供稿, a source slot
    "|供稿人|解答者"
    # a writer-and-photographer credit: "图文：欧达苑" (文/图 reads as 文 and a separator)
    "|图文|文图"
    # a source slot by another name, as the source labels read it (byline._SOURCE_LABEL_RE)
    "|供稿单位|供稿|发布机构|发布单位|来源单位"
)
# A line that opens with a credit keyword and a separator: "责任编辑：杨倩_NF4425",
# "编辑|禤志杰", "文/张三", "采写：南都见习记者 林子沛", "来源：网络".
_CREDIT_START_RE = re.compile(
    rf"^[（(【\[]?\s*(?:本文|文章|信息|稿件|新闻)?(?:{_CREDIT_KEYWORDS})\s*(?P<sep>{SEP}|\s+)"
)
# A reprint credit's word, and the outlet's date that may stand between it and the outlet:
# "(转自2015-04-06 环球网)" (山西省高级人民法院). A year alone is no such date ("转自2015年起…").
REPRINT_WORD = r"(?:转载自|转自|摘自|选自)"
REPRINT_DATE = r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
# Where a text was first printed, before the periodical's name: "本文原载：爱白网", "本文刊于…《明报》"
# (a date may stand between 刊于 and the name). Both open prose too ("该文刊于…", "原载客量"): a
# credit has 本文 before the word, or 原载 opens a note in brackets ("（原载常春月刊 2005年10月）").
FIRST_PRINTED = r"(?:原[载載](?:[于於])?|(?:原)?刊(?:登)?[于於])"
# These open a credit line whatever follows, however long (an original title can be long).
_ALWAYS_CREDIT_RE = re.compile(
    r"^[（(【\[]?\s*(?:本文|文章)?(?:原标题|原题|免责声明|特别声明|声明|来源|本文来源|稿源)\s*(?:为|于)?\s*[:：|｜丨《]"
    r"|^[（(【\[]?\s*本文来自"
    # "转自《北京科技报》", "（摘自《人民日报》）": a reprint credit; "转自于：家庭医生" (南京卫生
    # 12320网) and "(转自2015-04-06 环球网)" put 于 or the outlet's date before the outlet
    rf"|^[（(【\[]?\s*(?:本文|文章)?{REPRINT_WORD}(?:于|\s*[:：《]|\s*{REPRINT_DATE})"
    # where the text was first printed, opening a note: "（原载常春月刊 2005年10月…专栏）",
    # "(*注：本文刊于2013年7月22日《明报》，…）"
    rf"|^[（(【\[]?\s*\*?\s*(?:[注註]\s*[:：]\s*)?本文{FIRST_PRINTED}|^[（(【\[]\s*原[载載]"
)
# A reprint credit with no colon, a line of its own closing the text: "本文轉載自央廣新聞網" (民報),
# "- 轉載自 地球圖輯隊" (T-STUDIO's blog, a list dash before it). The whole line is the word and
# one name — no clause mark, no space inside the name — so prose that opens with 转自 or 选自 is not
# one ("选自他的诗集，…").
_BARE_REPRINT_RE = re.compile(
    rf"^[-－—–·•]?\s*(?:本文|文章)?{REPRINT_WORD}\s*[{HAN}A-Za-z0-9·]{{2,20}}$"
)
# "澎湃新闻记者 段彦超 廖艳", "新京报记者 陆一夫 编辑 刘晓阳 校对 李铭", "本报记者 张三".
_MEDIA_REPORTER_RE = re.compile(
    rf"^[（(【\[]?[{HAN}A-Za-z·]{{0,12}}?(?:记者|通讯员|特约撰稿人?|撰稿人)\s*(?:{SEP}\s*|\s+)"
    rf"[{HAN}·]{{2,}}"
)
_DATELINE_CREDIT_RE = re.compile(
    r"^[^，。！？]{0,30}?[讯电]\s*[（(][^（）()]{0,12}?(?:记者|通讯员|作者)[^（）()]{1,40}[）)]$"
)
_BRACKETED_RE = re.compile(r"^[（(【\[](?P<inner>.*)[）)】\]]$")
_BRACKET_CREDIT_RE = re.compile(
    r"原标题|原题|来源|来自|编辑|责编|记者|通讯员|实习生|作者|校对|供图|摄|^完$|^END$",
    re.IGNORECASE,
)
_ORDINAL_RE = re.compile(r"^[一二三四五六七八九十百\d]+$")
_SENTENCE_PUNCT_RE = re.compile(r"[，,。！？!?；;：:“”\"]")
_CLAUSE_END_RE = re.compile(r"[。？?！!]")
_SENTENCE_RE = re.compile(r"[。？?！!，]")
# A reporter credit line with no sentence in it may list the compiled outlets after the names.
_MEDIA_CREDIT_CHARS = 100
# A writer's digest credit: the names, then 综合报导/综合报道 ("compiled"), no 记者 label —
# "马慧娟 综合报导 / 泰国" opening 华视's text (a place may follow), "（米妮 / 综合报导）" closing
# 风新闻's, "（王秋燕／综合报导）" opening OwlNews's first paragraph. Matched in simplified script.
_DIGEST_CREDIT_RE = re.compile(
    rf"(?P<open>[（(【〔])?\s*(?P<names>[{HAN}·]{{2,4}}(?:[\s、]+[{HAN}·]{{2,4}}){{0,2}})"
    rf"\s*[/／]?\s*综合报[导道](?:\s*[/／]\s*[{HAN}]{{2,8}})?\s*(?(open)[）)】〕])"
)


# A writer's credit closing the text with the writer's unit or title before the name, a space
# between: "解答者：福州医学心理咨询中心中级心理治疗师 林淄" (a hospital's Q&A column), "（供稿人：2014级
# 女性学  李燕香）" (a college's news), "作者：2001级法理硕士研究生 李拥军" (a law centre's essay); or a
# writer-and-photographer credit whose unit stands before a colon: "（文/图 泌尿三科：李露佳 ）" (a
# hospital's news). The whole line (or bracket) is the label, the unit and one name.
_UNIT = r"[^\s，,。；;：:（）()]{2,24}"
_UNIT_WRITER_RE = re.compile(
    r"^[（(]?\s*(?:作者|供稿人|解答者|图文|文图|文\s*[/／、]\s*图|图\s*[/／、]\s*文)"
    rf"\s*(?:{SEP}\s*|\s+)(?:{_UNIT}(?:\s*[:：]\s*|\s+))?(?P<name>[{HAN}·]{{2,4}})\s*[）)]?$"
)


def unit_writer(text: str) -> str | None:
    """The writer a unit-and-name credit line names (see ``_UNIT_WRITER_RE``); None if none."""
    m = _UNIT_WRITER_RE.match(text.strip())
    return m["name"] if m is not None and is_person_name(m["name"]) else None


def digest_writer(text: str) -> str | None:
    """The writers a digest credit at the start of ``text`` names ("（王秋燕／综合报导）…").

    Unbracketed, the credit must be the whole line ("马慧娟 综合报导 / 泰国"); every name must
    read as a person's: "本报综合报道", "澎湃新闻 综合报道", "政治中心／综合报导" name none.
    """
    m = _DIGEST_CREDIT_RE.match(text)
    if m is None or (m["open"] is None and m.end() != len(text.rstrip())):
        return None
    names = [n for n in NAMES_SPLIT_RE.split(m["names"]) if n]
    return name_list(names) if all(is_person_name(n) for n in names) else None


# The writers a source credit names after the outlet, with a slash, an enumeration comma or
# nothing between and no 记者 mark: "（来源：江苏广电融媒体新闻中心/李井文 编辑/国正）" (荔枝新闻),
# "（内容来源于北京天伦医院王红，转载…）" (艾迪康), "来源：《扬子晚报》、费星玮 宋菊 周萌 张斌"
# (漳州市律师协会). The outlet ends in an outlet's or an institution's word; the names run to
# the credit's end, a closing bracket or punctuation, or an editor's label.
_WRITERS_AFTER_OUTLET_RE = re.compile(
    rf"(?:来源|稿源)于?\s*{SEP}?\s*《?[{HAN}]{{1,14}}?(?:报|網|网|社|台|院|中心|刊)》?"
    rf"\s*[/／、]?\s*(?P<names>[{HAN}·]{{2,4}}(?:[ \u3000\xa0]+[{HAN}·]{{2,4}}){{0,3}})"
    r"\s*(?=$|[）)，,。；;]|(?:责任)?编辑|责编)"
)
# An outlet's edition or channel glued on, not a name: 人民日报海外版, 新华网客户端, 央视新闻号;
# or a dateline's place: "新华社 东京电".
_EDITION_ENDS = frozenset("版端号电")


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def writers_after_outlet(text: str) -> str | None:
    """The writers a source credit in ``text`` names after its outlet (see
    ``_WRITERS_AFTER_OUTLET_RE``), space-joined; None unless every name reads as a person's."""
    if "来源" not in text and "稿源" not in text:
        return None
    m = _WRITERS_AFTER_OUTLET_RE.search(text)
    if m is None:
        return None
    names = [n for n in NAMES_SPLIT_RE.split(m["names"]) if n]
    places = default_gazetteer()
    # a place after the outlet is where it reported from ("来源：南方日报 广州"), no writer
    if all(
        is_person_name(n) and n[-1] not in _EDITION_ENDS and not places.is_place(n) for n in names
    ):
        return name_list(names)
    return None


_DISCLAIMER_RE = re.compile(r"如有侵权|侵删|版权归原作者|未经授权不得转载|不代表本[站网平台]")
# A photo caption's closing credit: "…启动仪式。（刘通摄）", "中新社记者 贾天勇 摄", "张蕊/摄".
_PHOTO_CREDIT_END_RE = re.compile(
    rf"[{HAN}A-Za-z·]{{2,12}}\s*[/／]?\s*(?<!拍)(?:摄影?|翻摄|供图|截图)[）)]?\s*$"
)
_END_MARK_RE = re.compile(r"^[（(【\[]?\s*(?:完|END|end|全文完)\s*[）)】\]]?$")


_OPENING, _CLOSING = "（(【[", "）)】]"


def _one_bracket(text: str) -> bool:
    """Whether the bracket opening ``text`` is the one closing it: "（记者 张三）", not
    "【财新网】（记者 张三）中国在1997年…缩写。）", a paragraph that merely starts and ends
    with brackets."""
    depth = 0
    for i, char in enumerate(text):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            if depth <= 0:
                return i == len(text) - 1
    return False


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def is_credit_line(text: str) -> bool:
    """Whether a body paragraph is a byline, credit, editor signature or notice, not article text.

    True for "责任编辑：杨倩_NF4425", "（原标题：…）", "【编辑：姚昊】", "澎湃新闻记者 段彦超 廖艳",
    "（实习生王金茹对此文亦有贡献）", "来源：网络", "（完）", "图片来自网络，如有侵权，请联系删除";
    false for prose that merely mentions 记者 or 来源 ("记者从市发改委获悉，今年全市…").
    """
    text = text.strip()
    if not text:
        return False
    if _END_MARK_RE.match(text) or _ALWAYS_CREDIT_RE.match(text) or _BARE_REPRINT_RE.match(text):
        return True
    short = len(text) <= 60
    if short and _DATELINE_CREDIT_RE.match(text):
        return True
    m = _CREDIT_START_RE.match(text)
    if m is not None and short:
        rest = text[m.end() :]
        # names are not sentences: "记者：您怎么看？" is an interview, not a credit
        if (m["sep"].strip() or not _SENTENCE_PUNCT_RE.search(rest)) and not _CLAUSE_END_RE.search(
            rest
        ):
            return True
    # an outlet's reporter with no sentence after: "澎湃新闻记者 段彦超 廖艳", and the longer line
    # that goes on to list the outlets compiled ("红星新闻记者 黎谨睿 综合环球时报（…）、…等")
    if (
        len(text) <= _MEDIA_CREDIT_CHARS
        and _MEDIA_REPORTER_RE.match(text)
        and not _SENTENCE_RE.search(text)
    ):
        return True
    # "马慧娟 综合报导 / 泰国", "（米妮 / 综合报导）": a digest credit standing alone
    if short and digest_writer(text) and _DIGEST_CREDIT_RE.fullmatch(text):
        return True
    # "本报记者陆一夫报道": a glued byline standing alone
    if len(text) <= 30 and not _SENTENCE_PUNCT_RE.search(text) and reporter_in(text):
        return True
    bracketed = _BRACKETED_RE.match(text)
    if bracketed is not None and _one_bracket(text):
        inner = bracketed["inner"].strip()
        if _BRACKET_CREDIT_RE.search(inner):
            return True
        # "（张巨峰）", "（德清县发改局）": a bare name or office closing the article
        if (
            2 <= len(inner) <= 15
            and not _ORDINAL_RE.match(inner)
            and not _SENTENCE_PUNCT_RE.search(inner)
        ):
            return True
    if len(text) <= 80 and _DISCLAIMER_RE.search(text):
        return True
    # (the regex tries every start in the line: a line with none of its closing words is
    # answered without it)
    return (
        short
        and ("摄" in text or "供图" in text or "截图" in text)
        and _PHOTO_CREDIT_END_RE.search(text) is not None
    )


# The article's origin in a 资料来源 slot of its own: "資料來源：性別平等處" (the Ministry of Culture's
# CCMS: 國立臺東生活美學館's info paragraph under the date, 國立臺灣交響樂團's first line of the text
# box), "資料來源：" | "經濟日報" (台灣國家婦女館's info list, the label and the outlet's link apart).
# The same word credits a figure's or a table's data ("资料来源：" over a statistics bulletin's
# closing sentence on where each figure came from, "資料來源／徐志雲〈…〉" under a table): the slot
# counts only with a colon and an outlet's or office's name, no person's, as its whole value (the
# slot ends its element: the date's field may come before it, "2024-05-20 资料来源：市统计局"), and
# only where the info line is read, before the text (``byline``, ``edges``). Simplified script.
_ORIGIN_SLOT_RE = re.compile(r"(?:^|(?<=\s))资料来源\s*[:：]\s*(?P<value>.*?)\s*$")
#: the slot's label alone in its element, its value in the next one
BARE_ORIGIN_LABEL_RE = re.compile(r"^\s*资料来源\s*[:：]\s*$")


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def origin_slot(text: str) -> str | None:
    """The outlet or office a whole 资料来源 slot names ("资料来源：性别平等处"); None if ``text``
    is no such slot (see ``_ORIGIN_SLOT_RE``)."""
    m = _ORIGIN_SLOT_RE.search(text) if "资料来源" in text else None
    if m is None:
        return None
    value = clean_source(m["value"])
    if value is None or value != m["value"] or is_person_name(value):
        return None
    return value


# "…举行。（张巨峰）", "…换新iPhone。(李楠)", "…趋稳趋优。（德清县发改局）", "…宽松。（完）"
_CLOSING_BRACKET_RE = re.compile(r"(?<=[。！？!?…”’\"])\s*[（(](?P<inner>[^（）()]{1,20})[）)]\s*$")


# A credit label alone in its element, its value in the next: "作者：" | "凌婉文" (a grid of
# <label>/<div> pairs under the article), "来源：" | "中新网" (table cells).
_BARE_LABEL_RE = re.compile(rf"^(?:{_CREDIT_KEYWORDS})\s*[:：]$")
# A value is short and no sentence or caption: no clause mark, no bracket.
_VALUE_RE = re.compile(r"^[^（()）【】，,。！？!?；;：:]{1,20}$")


def with_values(lines: list[str]) -> list[str]:
    """``lines`` with each bare credit label joined to the short value on the line after it.

    The same reading as a label alone in an info-line element (``byline.joined_credits``):
    a caption or a sentence after the label is not its value, and the label stays empty.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if _BARE_LABEL_RE.match(line) and _VALUE_RE.match(nxt) and not _BARE_LABEL_RE.match(nxt):
            out.append(line + nxt)
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return out


def closing_credit_start(text: str) -> int | None:
    """Where a bracketed byline, office or end mark glued to the last sentence starts; None if none.

    Only names (张巨峰, 上官云 宋宇晟), offices (德清县发改局) and end marks (完) count:
    "（BBC）" or "（视频截图）" after a sentence is the article's own text.
    """
    m = _CLOSING_BRACKET_RE.search(text)
    if m is None:
        return None
    inner = m["inner"].strip()
    names = [n for n in NAMES_SPLIT_RE.split(inner) if n]
    if (
        _END_MARK_RE.match(inner)
        or (names and all(is_person_name(n) for n in names))
        or (_ORGISH_OFFICE_RE.search(inner) and not _SENTENCE_PUNCT_RE.search(inner))
    ):
        return m.start()
    return None


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def reporter_in(text: str) -> str | None:
    """The reporter or author a byline in ``text`` names (作者：张三, 记者陈智, 张三/文); None if none.

    Correspondents credited before the reporter ("通讯员 祁媛 刘延龙 扬子晚报/紫牛新闻记者 陈咏")
    are not the writer: the reporter after them is, when the credit names one."""
    aides = None
    for m in _REPORTER_RE.finditer(text):
        if aides is not None and not m.group().startswith("记者"):
            continue
        last = text[m.end() - 1]
        names = take_names(text, m.end(), glued=not (last.isspace() or last in _SEP_CHARS))
        # the colon may be followed by a space: a label alone in its element, its value in
        # the next ("作者：" | "Vincent", joined with a space by ``byline.joined_credits``)
        if names is None and m.group().rstrip()[-1:] in ("：", ":"):
            names = _pen_name(text, m)
        if names and aides is None and m.group().startswith("通讯员") and "记者" in text[m.end() :]:
            aides = names  # a reporter may follow
            continue
        if names:
            return names
    if aides is not None:
        return aides
    if any(mark in text for mark in _NAME_THEN_ROLE_MARKS):
        named = _NAME_THEN_ROLE_RE.search(text)
        if named is not None and plausible_name(named["name"]):
            return named["name"]
    return None


# What a writer signs with after "作者：" when it is no personal name: a pen name of up to six
# Han characters (十三号胡同) or a handle in Latin letters (liyunfei), standing alone up to
# the next space, separator or the end.
_PEN_NAME_RE = re.compile(
    rf"\s*(?P<name>[{HAN}]{{2,6}}|[A-Za-z][A-Za-z0-9_.\-]{{2,23}})(?=\s|[{_SEP_CHARS}]|$)"
)
# An outlet or office, not a writer: 中关村在线, 本站, 新华社, 市发改局.
_NOT_PEN_NAME_RE = re.compile(
    r"在线|网站|新闻|记者|编辑|本站|本网|本报|[报社网台局委会厅部办院所站司处科队署馆团刊]$"
)


# A CMS's own accounts, no writer: "作者：admin".
_ACCOUNT_WORDS = frozenset(
    {"admin", "administrator", "root", "system", "editor", "guest", "webmaster", "管理员"}
)


def _pen_name(text: str, label: re.Match[str]) -> str | None:
    """The pen name or handle an explicit "作者：" label introduces (快科技, 中关村在线's bylines).

    Only after 作者/撰文/撰稿 and a colon: a writer who signs "作者：liyunfei" or
    "作者：十三号胡同" is credited as printed, though it reads as no Chinese personal name.
    A label word, an interface word, an outlet or office, or a value that is itself the
    next field's label ("作者：时间：…") names nobody.
    """
    if not label.group().lstrip().startswith(("作者", "撰文", "撰稿")):
        return None
    m = _PEN_NAME_RE.match(text, label.end())
    if m is None or _LABEL_AFTER_RE.match(text, m.end()):
        return None
    name = m["name"]
    if (
        name in NOT_NAMES
        or name.lower() in _ACCOUNT_WORDS
        or _NOT_PEN_NAME_RE.search(name)
        or is_interface_word(name)
    ):
        return None
    return name


def editor_in(text: str) -> str | None:
    """The editor a credit in ``text`` names (责任编辑：杨倩, 编辑 刘晓阳); None if none."""
    if "编" not in text:
        return None
    for m in _EDITOR_RE.finditer(text):
        last = text[m.end() - 1]
        names = take_names(text, m.end(), glued=not (last.isspace() or last in _SEP_CHARS))
        if names is None and m.group().rstrip()[-1:] in ("：", ":"):
            names = _editor_handle(text, m.end())
        if names:
            return names
    return None


# What an editor signs with after "编辑：" when it is no personal name: a handle in Latin
# letters alone ("责任编辑：Quan", 亿忆网; "编辑：hubenben", 金投网). One with digits is a CMS
# login ("责任编辑：mavis8518"), one of the CMS's own accounts ("编辑：admin") nobody, and so are
# a staff code's initials, two letters or no vowel ("编辑：zkx", "编辑：CZ", 凤凰网's old pages).
_EDITOR_HANDLE_RE = re.compile(rf"\s*(?P<name>[A-Za-z][A-Za-z.\-]{{2,23}})(?=\s|[{_SEP_CHARS}]|$)")
_VOWEL_RE = re.compile(r"[aeiouyAEIOUY]")


def _editor_handle(text: str, start: int) -> str | None:
    m = _EDITOR_HANDLE_RE.match(text, start)
    if m is None or _LABEL_AFTER_RE.match(text, m.end()) or m["name"].lower() in _ACCOUNT_WORDS:
        return None
    return m["name"] if _VOWEL_RE.search(m["name"]) else None


# The class words of a writer's slot in the info line (``vcard author``, ``author_name``,
# ``byline``): a name there that does not end like an outlet is a writer's pen name, not an
# account credited beside the date (Kpopn's "Tien", 宅宅新聞's "鯛魚"). A word that only
# contains one (a commenter's ``tie-author``) is no slot of the article's writer, nor is the
# self-media platforms' account class ``author-name`` (百家号; see ``authors._hinted_writer``).
# A theme's name for its meta row's author item (``meta-author``, 伴盟's WordPress theme) or
# for the writer's link (``author-link``, 韩星网) is the slot too.
# fmt: off
_WRITER_SLOT_WORDS = frozenset({
    "author", "author_name", "byline", "writer", "reporter", "meta-author", "author-link",
})
# fmt: on
# a row whose class names an author block: a self-media account card
_AUTHOR_BLOCK_RE = re.compile(r"author|byline|writer")


def in_writer_slot(date: TextPiece, piece: TextPiece) -> bool:
    """Whether ``piece``, beside the date's piece, is the byline's writer slot.

    Its class says author and the date's does not: a self-media page's account card holds the
    date and the account alike (baijiahao's ``author-txt``, 360kuai's ``author-info``, 南方+'s
    ``writer-info``), and the account there is credited as the source.
    """
    return not _WRITER_SLOT_WORDS.isdisjoint(piece.hint.split()) and not _AUTHOR_BLOCK_RE.search(
        date.hint
    )
