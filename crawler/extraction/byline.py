"""Who wrote and who published an article: 来源 (source outlet), author/editor, and credit lines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from crawler.extraction.model import TextPiece

# --------------------------------------------------------------------------- names

# 百家姓 plus common modern surnames. Used only where a bare string must be told from a
# word: a name glued to its keyword (记者陈智), the second name of a list, a trailing
# "（张巨峰）", and a reporter's name that must not be taken for an outlet.
_SURNAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫"
    "乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄"
    "印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮"
    "牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡"
    "国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查"
    "后荆红游竺权逯盖益桓公仉督岳帅缑亢况郈有琴归海晋楚闫法汝鄢涂钦商牟佘佴伯赏墨哈谯笪年爱阳"
    "佟言福禤覃肖谌栗揭昌练"
)
# fmt: off
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延",
    "澹台", "万俟", "闻人", "赫连", "申屠", "太史", "司空", "拓跋", "第五",
)
# fmt: on
_HAN = r"\u4e00-\u9fff"
_NAME_TOKEN = re.compile(rf"[{_HAN}]+(?:·[{_HAN}]+)*")
_NAME_GAP = re.compile(r"[ \t\u3000\xa0、,，]*")
# Words that follow a name in a credit and end the list; the first group marks a photo credit.
_ROLE_SUFFIX = re.compile(
    r"(?P<photo>摄影|翻摄|拍摄|摄|供图|制图)$"
    rf"|(?:报道|整理|编译|综合|整合|撰文|采写|发自[{_HAN}]*|等)$"
)
_PHOTO_AFTER = re.compile(r"\s*[/／]?\s*(?:摄影|翻摄|摄|供图)(?![" + _HAN + "])")
# fmt: off
_NOT_NAMES = frozenset(
    {
        "记者", "编辑", "责编", "校对", "通讯员", "实习生", "见习记者", "实习记者", "摄影", "来源",
        "作者", "本报", "本台", "本网", "本站", "报道", "整理", "综合", "整合", "编译", "图片",
        "视频", "网友", "小编", "原创", "转载", "暂无", "佚名", "匿名", "未知", "不详", "署名",
        "审核", "审校", "监制", "主编", "统筹", "策划", "出品", "制图", "设计", "翻译", "文字",
        "撰文", "撰稿", "采写", "特约", "通讯", "联合", "发布", "更多", "我们", "一起", "官方",
    }
)
# fmt: on
# An organisation rather than a person: 新华社, 华龙网, 德清县发改局, 新京报记者.
_ORGISH = re.compile(
    r"记者|编辑|校对|通讯员|实习|新闻|日报|晚报|早报|客户端|频道|公众号|杂志|周刊|集团|公司|中心"
    r"|[报社网台局委会厅部办院所站司处科队署馆团刊]$"
)


# An office or outlet closing an article in brackets: 德清县发改局, 新华社, 人民日报.
_ORGISH_OFFICE_RE = re.compile(rf"^[{_HAN}]{{2,15}}(?:[局委会厅部办院所站处署馆社]|日报|晚报|网)$")


def _surname_len(token: str) -> int:
    """Length of the surname ``token`` starts with (2 for 欧阳…), or 0 if it starts with none."""
    if token[:2] in _COMPOUND_SURNAMES:
        return 2
    return 1 if token[:1] in _SURNAMES else 0


def is_person_name(name: str) -> bool:
    """Whether ``name`` reads as a personal name (张三, 欧阳娜娜), not a word or an outlet."""
    if "·" in name:
        return 3 <= len(name) <= 15 and not _ORGISH.search(name)
    surname = _surname_len(name)
    if not surname or name in _NOT_NAMES or _ORGISH.search(name):
        return False
    return 1 <= len(name) - surname <= 2


def _plausible_name(token: str) -> bool:
    """A token standing where a credit puts a name: any 2–4 characters that are not a role word."""
    if "·" in token:
        return 3 <= len(token) <= 15
    return 2 <= len(token) <= 4 and token not in _NOT_NAMES and not _ORGISH.search(token)


def _take_names(text: str, pos: int, *, glued: bool) -> str | None:
    """The names a credit keyword ends at ``pos`` introduces, space-joined; None for a photo credit.

    ``glued`` means no separator came between the keyword and the first name
    (``记者陈智``): then the name must start with a surname and stand alone, so that
    ``记者从市发改委获悉`` or ``记者查询发现，`` name nobody.
    """
    names: list[str] = []
    while True:
        gap = _NAME_GAP.match(text, pos)
        gap_end = gap.end() if gap else pos
        if names and gap_end == pos:
            break
        m = _NAME_TOKEN.match(text, gap_end)
        if m is None:
            break
        token, end = m.group(), m.end()
        role = _ROLE_SUFFIX.search(token)
        if role is not None and len(token) - len(role.group()) >= 2:
            if role["photo"]:
                return None
            token = token[: role.start()]
        elif role is not None or token in _NOT_NAMES:
            if role is not None and role["photo"]:
                return None
            break
        first = not names
        ok = _plausible_name(token) if first and not glued else is_person_name(token)
        if first and glued and ok and role is None:
            # a glued name must stand alone: "记者陈智 整合", "（记者陈智）", not "记者查询发现，"
            nxt = text[end : end + 1]
            ok = nxt == "" or nxt.isspace() or nxt in "）)】]、_/／|" or nxt.isascii()
        if not ok:
            break
        names.append(token)
        pos = end
        if role is not None:
            break
    if not names or _PHOTO_AFTER.match(text, pos):
        return None
    return " ".join(names)


# --------------------------------------------------------------------------- patterns

_SEP_CHARS = ":：|丨/／"
_SEP = rf"[{_SEP_CHARS}]"
# Reporter/author bylines. 作者/撰文 need a separator ("优质原创作者", "作者最新文章");
# 记者/通讯员 may be followed by a space or glued to the name (checked in _take_names).
_REPORTER_RE = re.compile(
    r"(?=[作撰采文特记通])"  # lets the scan skip to candidate characters (several times faster)
    rf"(?:作者|撰文|撰稿|采写|文字|特约撰稿人?)\s*(?:{_SEP}\s*|\s+(?=[{_HAN}]))"
    rf"|(?:记者|通讯员)(?:\s*{_SEP}\s*|\s+)?"
    rf"|(?<![{_HAN}])文\s*{_SEP}\s*"
)
_NAME_THEN_ROLE_MARKS = ("编译", "撰文", "/文", "／文", "/ 文")
_EDITOR_RE = re.compile(
    rf"(?:责任编辑|网络编辑|值班编辑|本文编辑|编辑|责编)(?!部|室|器|于|者)(?:\s*{_SEP}\s*|\s+)?"
)
# "路闻卓立编译", "张三/文", "张三 撰文": the name before its role.
_NAME_THEN_ROLE_RE = re.compile(
    rf"(?<![{_HAN}·])(?P<name>[{_HAN}·]{{2,4}}?)\s*(?:编译|撰文|[/／]\s*文)(?![{_HAN}])"
)
# "石佳/中国青年报": a reporter and the outlet in one info-line piece.
_NAME_SLASH_OUTLET_RE = re.compile(
    rf"^(?P<name>[{_HAN}·]{{2,5}})\s*[/／]\s*(?P<outlet>[^/／\s]{{2,20}})$"
)
# A reporter credited in brackets near the start of the first paragraph:
# "新京报讯（记者 陆一夫）11月25日…", "长江网10月4日讯（记者陈智 整合）".
_LEAD_CREDIT_RE = re.compile(
    r"^[^。！？]{0,40}?[（(](?P<inner>[^（）()]{0,12}?(?:记者|通讯员|作者)[^（）()]{1,40})[）)]"
)
# "…在巴西、乌拉圭、阿根廷举行。（张巨峰）" — Xinhua-style byline closing the last paragraph.
_TRAILING_NAME_RE = re.compile(
    rf"[（(](?P<names>[{_HAN}·]{{2,5}}(?:[\s、][{_HAN}·]{{2,5}}){{0,3}})[）)]\s*$"
)

_SOURCE_LABEL_RE = re.compile(
    # not 图片来源/资料来源/数据来源/视频来源: those credit a picture or a figure, not the article
    r"(?<![图片频据料])(?:稿件|新闻|信息|本文|文章|内容|消息)?(?:来源|稿源|出处)(?!于)"
    rf"\s*(?:{_SEP}|\s)\s*"
    r"|(?:转载自|转自|摘自|选自)\s*[:：]?\s*"
)
# Where a source value ends: a following label, a date, a bracket, a code like _NF4425.
_SOURCE_END_RE = re.compile(
    r"\s*(?:记者|通讯员)"
    # only with a colon: "中国广州发布" is an account name, "发布时间：" a label
    r"|\s*(?:作者|责任编辑|编辑|责编|发布时间|发布日期|时间|日期|浏览次数|阅读|点击)\s*[:：]"
    r"|\s+(?:举报|分享|评论|打印|关闭|字号)"
    r"|\s*\d{4}\s*[-/.年]"
    r"|\s*\d{1,2}[:：]\d{2}"
    r"|\s*[（(\[【<]"
    r"|_[A-Za-z]*\d"
    r"|[、，,；;。|丨]"
    r"|\s+(?![A-Za-z])"
)
_SOURCE_STRIP = " \t:：·•-—_|/\"'“”《》"
# Credited "sources" that name no outlet.
# fmt: off
_GENERIC_SOURCES = frozenset(
    {
        "网络", "互联网", "网络整理", "网络综合", "网友", "网友投稿", "投稿", "本站", "本网",
        "本站原创", "本网原创", "原创", "综合", "综合整理", "综合报道", "未知", "佚名", "暂无",
        "无", "其他", "其它", "转载", "不详", "自媒体",
    }
)
# fmt: on
_SOURCE_METAS = ("contentsource", "source", "article:source", "og:article:source", "mediaid")
_SOURCE_HINT_RE = re.compile(
    r"source|laiyuan|media_?name|publisher|(?:^|[\s_-])(?:from|ly|src|origin)(?:$|[\s_-])"
)
# The company behind a self-media account ("青岛软媒网络科技有限公司"), not the account.
_NOT_SOURCE_HINT_RE = re.compile(r"authentication|certif|renzheng|verify")
# fmt: off
_AUTHOR_METAS = (
    "author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author",
)
# fmt: on
# Page furniture that sits next to the date in info lines.
# fmt: off
_FURNITURE = frozenset(
    {
        "原创", "举报", "分享", "分享至", "分享到", "关注", "收藏", "收藏本文", "字号", "评论",
        "人参与", "参与", "下载客户端", "独家抢先看", "优质原创作者", "打印", "关闭", "大", "中",
        "小", "超大", "标准", "放大", "缩小", "正常", "字体", "我要评论", "纠错", "调整字体",
        "订阅", "推荐", "置顶", "热门", "转发", "微信", "微博", "QQ空间", "更多",
    }
)
# fmt: on
_WORDY_RE = re.compile(r"\w")
# Labelled or numeric pieces are not account names ("来自北京" is the writer's location).
# A repeated headline is no account name either.
_NOT_ACCOUNT_RE = re.compile(r"[:：？?！!，。“”]|^来自|^\d+$")
_NAMES_SPLIT_RE = re.compile(r"[\s、,，]+")
_AUTHOR_PREFIX_RE = re.compile(r"^(?:作者|记者|文)\s*[:：/]?\s*")
_DATEISH_RE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/月]\s*\d{1,2}(?:\s|日|$)|\d{1,2}[:：]\d{2}"
    r"|发布时间|发布日期|[今昨前]天|刚刚|\d+\s*(?:分钟|小时|天)前"
)

# --------------------------------------------------------------------------- credit lines

_CREDIT_KEYWORDS = (
    "责任编辑|网络编辑|值班编辑|本文编辑|编辑|责编|校对|审核|审校|终审|初审|复审|监制|主编|美编"
    "|统筹|策划|出品人?|制图|设计|视频|摄影|摄像|图片来源|图片|图|记者|通讯员|作者|撰文|撰稿|采写"
    "|采访|整理|文字|文|实习生|来源|稿源|出处|转载自|转自|摘自|翻译|编译|原创"
)
# A line that opens with a credit keyword and a separator: "责任编辑：杨倩_NF4425",
# "编辑|禤志杰", "文/张三", "采写：南都见习记者 林子沛", "来源：网络".
_CREDIT_START_RE = re.compile(
    rf"^[（(【\[]?\s*(?:本文|文章|信息|稿件|新闻)?(?:{_CREDIT_KEYWORDS})\s*(?P<sep>{_SEP}|\s+)"
)
# These open a credit line whatever follows, however long (an original title can be long).
_ALWAYS_CREDIT_RE = re.compile(
    r"^[（(【\[]?\s*(?:本文|文章)?(?:原标题|原题|免责声明|特别声明|声明|来源|本文来源|稿源)\s*(?:为)?\s*[:：|丨《]"
    r"|^[（(【\[]?\s*本文来自"
)
# "澎湃新闻记者 段彦超 廖艳", "新京报记者 陆一夫 编辑 刘晓阳 校对 李铭", "本报记者 张三".
_MEDIA_REPORTER_RE = re.compile(
    rf"^[（(【\[]?[{_HAN}A-Za-z·]{{0,12}}?(?:记者|通讯员|特约撰稿人?|撰稿人)\s*(?:{_SEP}\s*|\s+)"
    rf"[{_HAN}·]{{2,}}"
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
_DISCLAIMER_RE = re.compile(r"如有侵权|侵删|版权归原作者|未经授权不得转载|不代表本[站网平台]")
# A photo caption's closing credit: "…启动仪式。（刘通摄）", "中新社记者 贾天勇 摄", "张蕊/摄".
_PHOTO_CREDIT_END_RE = re.compile(
    rf"[{_HAN}A-Za-z·]{{2,12}}\s*[/／]?\s*(?<!拍)(?:摄影?|翻摄|供图|截图)[）)]?\s*$"
)
_END_MARK_RE = re.compile(r"^[（(【\[]?\s*(?:完|END|end|全文完)\s*[）)】\]]?$")


def is_credit_line(text: str) -> bool:
    """Whether a body paragraph is a byline, credit, editor signature or notice, not article text.

    True for "责任编辑：杨倩_NF4425", "（原标题：…）", "【编辑：姚昊】", "澎湃新闻记者 段彦超 廖艳",
    "（实习生王金茹对此文亦有贡献）", "来源：网络", "（完）", "图片来自网络，如有侵权，请联系删除";
    false for prose that merely mentions 记者 or 来源 ("记者从市发改委获悉，今年全市…").
    """
    text = text.strip()
    if not text:
        return False
    if _END_MARK_RE.match(text) or _ALWAYS_CREDIT_RE.match(text):
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
    if short and _MEDIA_REPORTER_RE.match(text) and not _SENTENCE_RE.search(text):
        return True
    # "本报记者陆一夫报道": a glued byline standing alone
    if len(text) <= 30 and not _SENTENCE_PUNCT_RE.search(text) and _reporter_in(text):
        return True
    bracketed = _BRACKETED_RE.match(text)
    if bracketed is not None:
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
    return short and _PHOTO_CREDIT_END_RE.search(text) is not None


# "…举行。（张巨峰）", "…换新iPhone。(李楠)", "…趋稳趋优。（德清县发改局）", "…宽松。（完）"
_CLOSING_BRACKET_RE = re.compile(r"(?<=[。！？!?…”’\"])\s*[（(](?P<inner>[^（）()]{1,20})[）)]\s*$")


def closing_credit_start(text: str) -> int | None:
    """Where a bracketed byline, office or end mark glued to the last sentence starts; None if none.

    Only names (张巨峰, 上官云 宋宇晟), offices (德清县发改局) and end marks (完) count:
    "（BBC）" or "（视频截图）" after a sentence is the article's own text.
    """
    m = _CLOSING_BRACKET_RE.search(text)
    if m is None:
        return None
    inner = m["inner"].strip()
    names = [n for n in _NAMES_SPLIT_RE.split(inner) if n]
    if (
        _END_MARK_RE.match(inner)
        or (names and all(is_person_name(n) for n in names))
        or (_ORGISH_OFFICE_RE.search(inner) and not _SENTENCE_PUNCT_RE.search(inner))
    ):
        return m.start()
    return None


# --------------------------------------------------------------------------- source


def _clean_source(value: str) -> str | None:
    """The outlet at the start of ``value``; trailing dates, labels, codes and brackets cut off."""
    value = value.strip().lstrip(_SOURCE_STRIP)
    if value.startswith("《"):
        close = value.find("》")
        if close > 1:
            value = value[1:close]
    end = _SOURCE_END_RE.search(value, 1)
    if end is not None:
        value = value[: end.start()]
    value = value.strip(_SOURCE_STRIP)
    if not 2 <= len(value) <= 30 or value in _GENERIC_SOURCES:
        return None
    if value.isdigit() or _DATEISH_RE.search(value) or "记者" in value:
        return None
    if value.startswith(("http", "www.")):
        return None
    return value


def _joined(pieces: Sequence[TextPiece]) -> str:
    return " ".join(p.text for p in pieces)


def _labelled_source(text: str) -> str | None:
    for m in _SOURCE_LABEL_RE.finditer(text):
        value = _clean_source(text[m.end() :])
        if value is not None:
            return value
    return None


def _name_value(value: Any) -> str | None:
    """``name`` of a JSON-LD node (dict, list of dicts or plain string)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        return _name_value(value.get("name"))
    if isinstance(value, list):
        for item in value:
            name = _name_value(item)
            if name:
                return name
    return None


def _hinted_source(header: Sequence[TextPiece]) -> str | None:
    for piece in header:
        if not _SOURCE_HINT_RE.search(piece.hint) or _NOT_SOURCE_HINT_RE.search(piece.hint):
            continue
        if piece.text in _FURNITURE or _DATEISH_RE.search(piece.text):
            continue
        text = _SOURCE_LABEL_RE.sub("", piece.text)
        value = _clean_source(text)
        if value is not None and not is_person_name(value):
            return value
    return None


def _unlabelled_source(header: Sequence[TextPiece]) -> str | None:
    """The account/outlet printed next to the first date with no label (toutiao, baijiahao…).

    The nearest name-like piece before the date wins over one after it; furniture
    (举报, 原创, 字号) is stepped over, a label or a sentence ends the search on that side.
    """
    texts = [p.text for p in header]
    for i, text in enumerate(texts):
        if not _DATEISH_RE.search(text):
            continue
        before = range(i - 1, max(-1, i - 4), -1)
        after = range(i + 1, min(len(texts), i + 4))
        for side in (before, after):
            for j in side:
                candidate = texts[j]
                if candidate in _FURNITURE or len(candidate) < 2 or not _WORDY_RE.search(candidate):
                    continue
                if (
                    len(candidate) > 20
                    or _DATEISH_RE.search(candidate)
                    or _NOT_ACCOUNT_RE.search(candidate)
                ):
                    break
                slash = _NAME_SLASH_OUTLET_RE.match(candidate)
                if slash is not None and is_person_name(slash["name"]):
                    candidate = slash["outlet"]
                value = _clean_source(candidate)
                if value is not None and not is_person_name(value):
                    return value
                break
        return None
    return None


def find_source(
    *,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    header: Sequence[TextPiece],
    trailer: Sequence[TextPiece],
    body_tail: Sequence[str] = (),
) -> str | None:
    """The outlet the article credits (来源), e.g. 新华日报; None if there is none.

    Evidence, strongest first: a 来源/稿源/出处/转载自 label in the info line; a
    ``ContentSource``/``source`` meta; an info-line piece whose class says source;
    a 来源 label at the end of the article (``body_tail`` credit lines, then the
    ``trailer``); JSON-LD ``publisher``; and last the account name printed next to
    the date without a label (self-media platforms). Generic credits (网络, 本站)
    and reporters' names are never returned.
    """
    value = _labelled_source(_joined(header))
    if value:
        return value
    for key in _SOURCE_METAS:
        value = _clean_source(meta.get(key) or "")
        if value:
            return value
    value = _hinted_source(header)
    if value:
        return value
    for text in (*(line for line in body_tail if is_credit_line(line)), *(p.text for p in trailer)):
        value = _labelled_source(text)
        if value:
            return value
    for obj in jsonld:
        name = _name_value(obj.get("publisher")) or _name_value(obj.get("sourceOrganization"))
        value = _clean_source(name or "")
        if value:
            return value
    return _unlabelled_source(header)


# --------------------------------------------------------------------------- author


def _reporter_in(text: str) -> str | None:
    for m in _REPORTER_RE.finditer(text):
        last = text[m.end() - 1]
        names = _take_names(text, m.end(), glued=not (last.isspace() or last in _SEP_CHARS))
        if names:
            return names
    if any(mark in text for mark in _NAME_THEN_ROLE_MARKS):
        named = _NAME_THEN_ROLE_RE.search(text)
        if named is not None and _plausible_name(named["name"]):
            return named["name"]
    return None


def _editor_in(text: str) -> str | None:
    if "编" not in text:
        return None
    for m in _EDITOR_RE.finditer(text):
        last = text[m.end() - 1]
        names = _take_names(text, m.end(), glued=not (last.isspace() or last in _SEP_CHARS))
        if names:
            return names
    return None


def _lead_reporter(line: str) -> str | None:
    """A reporter credited inside an ordinary first paragraph: "新京报讯（记者 陆一夫）…"."""
    m = _LEAD_CREDIT_RE.match(line)
    return _reporter_in(m["inner"]) if m else None


def _trailing_name(line: str) -> str | None:
    m = _TRAILING_NAME_RE.search(line)
    if m is None:
        return None
    names = _NAMES_SPLIT_RE.split(m["names"])
    if any(_ROLE_SUFFIX.search(n) for n in names):  # "（刘通摄）" credits a photo
        return None
    return " ".join(names) if all(is_person_name(n) for n in names) else None


def _person_from_metadata(
    meta: Mapping[str, str], jsonld: Sequence[Mapping[str, Any]]
) -> str | None:
    candidates: list[str] = [meta.get(k) or "" for k in _AUTHOR_METAS]
    for obj in jsonld:
        author = obj.get("author")
        if isinstance(author, Mapping) and str(author.get("@type", "Person")) != "Person":
            continue
        candidates.append(_name_value(author) or "")
    for value in candidates:
        value = _AUTHOR_PREFIX_RE.sub("", value.strip())
        names = [n for n in _NAMES_SPLIT_RE.split(value) if n]
        if names and all(is_person_name(n) for n in names):
            return " ".join(names)
    return None


def _first(found: Iterable[str | None]) -> str | None:
    return next((v for v in found if v), None)


def _reporters(
    header: Sequence[TextPiece],
    trailer: Sequence[TextPiece],
    body_head: Sequence[tuple[str, bool]],
    body_tail: Sequence[tuple[str, bool]],
) -> Iterator[str | None]:
    for piece in header:
        slash = _NAME_SLASH_OUTLET_RE.match(piece.text)
        if slash is not None and is_person_name(slash["name"]):
            yield slash["name"]
    yield _reporter_in(_joined(header))
    for line, credit in body_head:
        yield _reporter_in(line) if credit else _lead_reporter(line)
    for line, credit in body_tail:
        if credit:
            yield _reporter_in(line) or _trailing_name(line)
    # joined, like the header: "作者：" and the name are often separate elements
    yield _reporter_in(_joined(trailer))
    # the article's last paragraph may close with a bare "（张巨峰）"
    for line, credit in reversed(body_tail):
        if not credit:
            yield _trailing_name(line)
            break


def find_author(
    *,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    header: Sequence[TextPiece],
    trailer: Sequence[TextPiece],
    body_head: Sequence[str],
    body_tail: Sequence[str],
) -> str | None:
    """The named person behind the article: the reporter/byline, else the named editor.

    Reporters are looked for in the info line (``澎湃新闻记者 贺梨萍``, ``石佳/中国青年报``),
    the first paragraphs (``新京报讯（记者 陆一夫）``), the closing credits
    (``作者：上官云 宋宇晟``, ``（张巨峰）``), the trailer, then person-like author
    metas/JSON-LD; editors (``责任编辑：杨倩_NF4425``, ``【编辑：姚昊】``) at the end first.
    Photo credits (``每经记者 张蕊 摄``) name no author. Several names stay
    space-joined as printed.
    """
    head = [(line, is_credit_line(line)) for line in body_head]
    tail = [(line, is_credit_line(line)) for line in body_tail]
    reporter = _first(_reporters(header, trailer, head, tail))
    if reporter:
        return reporter
    person = _person_from_metadata(meta, jsonld)
    if person:
        return person
    credit_tail = [line for line, credit in tail if credit]
    credit_head = [line for line, credit in head if credit]
    return _first(
        _editor_in(text) for text in (*credit_tail, _joined(trailer), _joined(header), *credit_head)
    )
