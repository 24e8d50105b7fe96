"""Chinese personal names in credits: surnames, the test that tells a name from a word or an
outlet, and reading the names a credit keyword introduces (记者 陈智 张三, 记者陈智)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from crawler.extraction.vocabulary import TEXT_CACHE

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
HAN = r"\u4e00-\u9fff"
# What separates a credit keyword from its value: 编辑：张三, 编辑|张三, 撰文｜张三 (the
# fullwidth bar), 编辑丨张三 (the Han stroke 丨 set as a bar), 文/张三.
CREDIT_SEP_CHARS = ":：|｜丨/／"
_NAME_TOKEN = re.compile(rf"[{HAN}]+(?:·[{HAN}]+)*")
_NAME_GAP = re.compile(r"[ \t\u3000\xa0、,，]*")
# Words that follow a name in a credit and end the list; the first group marks a photo credit.
ROLE_SUFFIX = re.compile(
    r"(?P<photo>摄影|翻摄|拍摄|摄|供图|制图)$"
    rf"|(?:(?:综合)?报[道导]|整理|编译|综合|整合|撰文|采写|发自[{HAN}]*|等)$"
)
# "张蕊 摄", "张蕊/摄影": a photo credit; "文：张三 摄影：王五" is a new credit, not one
_PHOTO_AFTER = re.compile(rf"\s*[/／]?\s*(?:摄影|翻摄|摄|供图)(?![{HAN}]|\s*[{CREDIT_SEP_CHARS}])")
# "记者 张三 通讯员 李四": the reporters' list goes on after a second reporter keyword
_CO_REPORTER = re.compile(r"(?:本报|本台)?(?:见习|实习|特约)?(?:记者|通讯员)")
_CO_SEP = re.compile(r"\s*[:：]?\s*")
# A surname and a given name of one character each, one space apart, standing alone.
_PADDED_NAME = re.compile(rf"(?P<a>[{HAN}])[ \u3000\xa0]{{1,2}}(?P<b>[{HAN}])(?![{HAN}])")
_CREDIT_SEP = re.compile(rf"\s*[{CREDIT_SEP_CHARS}]")
_LABEL_COLON = re.compile(r"\s*[:：]")
# A run of single characters set one or two spaces apart: "张 三 李 四", "相 关 稿 件".
_LETTER_RUN = re.compile(rf"[{HAN}](?:[ \u3000\xa0]{{1,2}}[{HAN}](?![{HAN}]))+")
# fmt: off
NOT_NAMES = frozenset(
    {
        "记者", "编辑", "责编", "校对", "通讯员", "实习生", "见习记者", "实习记者", "摄影", "来源",
        "作者", "本报", "本台", "本网", "本站", "报道", "整理", "综合", "整合", "编译", "图片",
        "视频", "网友", "小编", "原创", "转载", "暂无", "佚名", "匿名", "未知", "不详", "署名",
        "审核", "审校", "监制", "主编", "统筹", "策划", "出品", "制图", "设计", "翻译", "文字",
        "撰文", "撰稿", "采写", "特约", "通讯", "联合", "发布", "更多", "我们", "一起", "官方",
        "执笔", "执笔人",
        # interface words a template prints after 作者/记者 (buttons, menus): never people
        "赞赏", "分享", "关注", "计划表", "收藏", "评论", "点赞", "举报", "打印", "关闭", "订阅",
        "转发", "登录", "注册", "投稿", "热门", "推荐", "阅读", "首页", "加关注", "已关注", "私信",
    }
)
# fmt: on
# Page furniture a credit label runs into, never a name: a wiki's tabs after its 编辑 (edit)
# tab, "阅读 编辑 查看历史" (维基新闻, Uncyclopedia's 伪基新闻); "编辑 投稿方式" (178.com);
# "编辑： 来源网络" (an empty editor slot before the source's value); "只看该作者 | 倒序浏览"
# (a forum's thread tools); "关于我们" (a footer menu). Each opens with a verb or a label.
_FURNITURE_RE = re.compile(r"^(?:查看|投稿|来源|稿源|倒序|正序|只看|关于我们|联系我们)")
# An organisation rather than a person: 新华社, 华龙网, 德清县发改局, 新京报记者; a desk signing
# as its "little editor" (国际小编, 中國報) and a digest magazine (警察文摘) in an editor's slot.
_ORGISH = re.compile(
    r"记者|编辑|小编|校对|通讯员|实习|新闻|日报|晚报|早报|客户端|频道|公众号|杂志|周刊|文摘|集团|公司|中心"
    r"|[报社网台局委会厅部办院所站司处科队署馆团刊]$"
)

# Between the names of a list: "上官云 宋宇晟", "张三、李四".
NAMES_SPLIT_RE = re.compile(r"[\s、,，]+")


def _surname_len(token: str) -> int:
    """Length of the surname ``token`` starts with (2 for 欧阳…), or 0 if it starts with none."""
    if token[:2] in _COMPOUND_SURNAMES:
        return 2
    return 1 if token[:1] in _SURNAMES else 0


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def is_person_name(name: str) -> bool:
    """Whether ``name`` reads as a personal name (张三, 欧阳娜娜), not a word or an outlet."""
    if "·" in name:
        return 3 <= len(name) <= 15 and not _ORGISH.search(name)
    surname = _surname_len(name)
    if not surname or name in NOT_NAMES or _ORGISH.search(name) or _FURNITURE_RE.match(name):
        return False
    return 1 <= len(name) - surname <= 2


def is_own_name(value: str, site: str | None) -> bool:
    """Whether a credited name is the serving site's own (温州网 on 温州网's pages, 九游 on
    九游手机游戏's): the whole site name or a part of it."""
    return site is not None and value in site


def plausible_name(token: str) -> bool:
    """A token standing where a credit puts a name: any 2–4 characters that are not a role word."""
    if "·" in token:
        return 3 <= len(token) <= 15
    return (
        2 <= len(token) <= 4
        and token not in NOT_NAMES
        and not _ORGISH.search(token)
        and not _FURNITURE_RE.match(token)
    )


def _before_dateline(token: str, role: str) -> str:
    """The name in ``token``, glued to where it was reported from before ``role`` (报道).

    "本报记者覃剑长沙报道" (潇湘晨报): the reporter's name and the place run together before
    报道. A place takes two characters at least and a given name one or two, so a token of
    a surname and three characters splits one way only: 覃剑 | 长沙. Longer runs could split
    more ways and are left whole (they then read as no name).
    """
    if role != "报道" or is_person_name(token):
        return token
    surname = _surname_len(token)
    place = token[surname + 1 :]
    if (
        surname
        and len(place) == 2
        and is_person_name(token[: surname + 1])
        and place not in NOT_NAMES  # "李锐摄影报道": a photo credit's word, no place
        and not ROLE_SUFFIX.search(place)
    ):
        return token[: surname + 1]
    return token


def _letter_spaced_heading(text: str, pos: int) -> bool:
    """Whether single characters spaced out from ``pos`` on are a heading, not padded names.

    "张 三 李 四" is two names padded to the width of three, each pair opening with a
    surname; in "相 关 稿 件" (相关稿件, related articles) the second pair opens with none.
    """
    run = _LETTER_RUN.match(text, pos)
    chars = run.group().split() if run else []
    if len(chars) <= 2:
        return False
    return len(chars) % 2 == 1 or any(c not in _SURNAMES for c in chars[::2])


def take_names(text: str, pos: int, *, glued: bool) -> str | None:
    """The names a credit keyword ends at ``pos`` introduces, space-joined; None for a photo credit.

    ``glued`` means no separator came between the keyword and the first name
    (``记者陈智``): then the name must start with a surname and stand alone, so that
    ``记者从市发改委获悉`` or ``记者查询发现，`` name nobody.
    """
    names: list[str] = []
    after_keyword = False
    while True:
        gap = _NAME_GAP.match(text, pos)
        gap_end = gap.end() if gap else pos
        if names and gap_end == pos and not after_keyword:
            break
        after_keyword = False
        m = _NAME_TOKEN.match(text, gap_end)
        if m is None:
            break
        token, end = m.group(), m.end()
        padded = _PADDED_NAME.match(text, gap_end)
        if padded is not None and _letter_spaced_heading(text, gap_end):
            break  # "相 关 稿 件": a letter-spaced heading after the credit, no padded name
        if padded is not None and token in _SURNAMES:
            # "王　磊", "张 三": a two-character name padded to the width of three
            token, end = padded["a"] + padded["b"], padded.end()
        co = _CO_REPORTER.match(token) if names else None
        if co is not None:
            if co.end() == len(token):  # "… 通讯员 李四": the keyword alone, names follow
                pos = _CO_SEP.match(text, end).end()  # type: ignore[union-attr]
                after_keyword = True
                continue
            token = token[co.end() :]  # "… 通讯员李四": a name glued to it
        role = ROLE_SUFFIX.search(token)
        if role is not None and len(token) - len(role.group()) >= 2:
            if role["photo"]:
                return None
            token = token[: role.start()]
            if glued and not names:
                token = _before_dateline(token, role.group())
        elif role is not None or token in NOT_NAMES:
            # "张三 摄" credits a photo; "张三 摄影：王五" starts the photographer's credit
            if role is not None and role["photo"] and not _CREDIT_SEP.match(text, end):
                return None
            break
        first = not names
        if not first and _CREDIT_SEP.match(text, end) and text[end : end + 1] not in "/／":
            break  # "作者：张三 单位：某某局": a label, not a second name
        if first and _LABEL_COLON.match(text, end):
            break  # "作者： 时间：2015-04-01": the slot is empty, the next field's label follows
        ok = plausible_name(token) if first and not glued else is_person_name(token)
        if first and glued and not ok and role is not None and role.group().startswith("发自"):
            # "本报记者罗科苏盈发自北京": 发自 marks where the names end, so the glued run before
            # it is taken as printed when it opens with a surname
            ok = bool(_surname_len(token)) and plausible_name(token)
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
    return name_list(names)


def name_list(names: Iterable[str]) -> str:
    """The writers' names space-joined as printed, each once: a writer credited twice in one
    reading ("作者:王卓一" in the info line and "本报记者王卓一" over the text, 文汇报) is one writer."""
    return " ".join(dict.fromkeys(names))
