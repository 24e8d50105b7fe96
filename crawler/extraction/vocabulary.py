"""The words and tags that tell an article page's parts apart: which elements hold no text,
which end a line, which class/id tokens name page furniture or breadcrumbs, and the
punctuation that prose carries."""

from __future__ import annotations

import re

#: How many answers each of the extractor's pure tests of a line of text keeps (their
#: ``functools.lru_cache``: ``is_credit_line``, ``reporter_in``, ``is_person_name``...). A
#: site prints the same lines on every article page — the source slot (新华日报), a credit
#: or editor line, the info line's labels, the box after the body — and a crawl's worker
#: extracts one site's pages in a row, so most of these tests were answered on an earlier
#: page. Each answer is a bool or a short string, a key at most a paragraph.
TEXT_CACHE = 1024

# Full- and half-width punctuation that prose carries and navigation does not.
PROSE_PUNCT = re.compile(r"[，。！？；、：“”‘’,.!?;:]")

SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "form",
        "video",
        "audio",
        "head",
        "map",
    }
)
# Tags that end a line of text when the body is turned into paragraphs.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "center",
        "hr",
        "br",
        "address",
        "details",
        "summary",
    }
)
EMPHASIS_TAGS = frozenset({"strong", "b"})
HEADING_TAGS = frozenset({"h2", "h3", "h4"})
CONTAINER_TAGS = frozenset(
    {"div", "article", "section", "td", "main", "body", "font", "span", "center"}
)
# Elements that are no paragraph containers but where a page can print its whole text: a
# heading holding <br>-separated lines (追蝶网's <h3>), a video's script in a <pre> (TVB's).
PROSE_HOLDER_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre"})

# Pictures and players: the line right after one is where a caption sits.
MEDIA_TAGS = frozenset({"img", "video", "iframe", "embed", "object", "figure", "picture", "canvas"})

# class/id tokens of page furniture inside or around an article body.
NOISE_TOKENS = frozenset(
    {
        "share",
        "sharebox",
        "bdshare",
        "bdsharebuttonbox",
        "social",
        "comment",
        "comments",
        "cmt",
        "reply",
        "related",
        "relate",
        "recommend",
        "recom",
        "hot",
        "hotnews",
        "rank",
        "ad",
        "ads",
        "advert",
        "advertisement",
        "adv",
        "banner",
        "footer",
        "copyright",
        "nav",
        "navbar",
        "menu",
        "toolbar",
        "tools",
        "pagination",
        "pager",
        "prenext",
        "breadcrumb",
        "crumb",
        "sidebar",
        "aside",
        "qrcode",
        "ewm",
        "login",
        "search",
        "statement",
        "disclaimer",
        "more",
        "tags",
        "keywords",
        "next",
        "prev",
        "vote",
        "print",
        "fontsize",
        "subscribe",
        "weixin",
        "wechat",
        "weibo",
    }
)
# Of those, the ones whose whole subtree is furniture. Others ("share", "print", "tools")
# also name areas that wrap the article itself (an image-share area, a print area), so
# they disqualify an element but not the paragraphs nested below it.
ENCLOSING_NOISE_TOKENS = frozenset(
    {
        "comment",
        "comments",
        "cmt",
        "reply",
        "related",
        "relate",
        "recommend",
        "recom",
        "hot",
        "hotnews",
        "rank",
        "footer",
        "copyright",
        "nav",
        "navbar",
        "menu",
        "sidebar",
        "aside",
        "ad",
        "ads",
        "advert",
        "advertisement",
    }
)
# A class/id word that names the article's own text block ("articleDetail", "article_content",
# "articleBody"): furniture words beside it or on its ancestors ("rw-sm-ad" on 四川在线's
# "articleDetailborder", 证券之星's "jour_nav" wrapper) do not make its paragraphs furniture.
ARTICLE_BLOCK_WORD = re.compile(r"^article(?:detail|content|body|text|main)")
CRUMB_TOKENS = ("crumb", "position", "location", "path", "daohang", "weizhi", "dqwz", "current")
CRUMB_SEPARATORS = frozenset(">›»→/|-—:：·")
CRUMB_LABEL = re.compile(
    r"^(当前位置|您的位置|你的位置|你现在的位置|您现在的位置|位置|当前页)[:：]?"
)

# Interface words printed next to an article's date and credits: buttons, toggles,
# counters, player and app prompts. A piece holding only one of them is page furniture,
# never an outlet (来源) nor a self-media account.
# fmt: off
INTERFACE_WORDS = frozenset(
    {
        "原创", "举报", "分享", "分享至", "分享到", "关注", "已关注", "加关注", "收藏", "收藏本文",
        "收藏本页", "字号", "评论", "人参与", "参与", "打印", "关闭", "大", "中", "小", "超大",
        "标准", "放大", "缩小", "正常", "默认", "加大", "减小", "小字", "大字", "A+", "A-",
        "字体", "我要评论", "纠错", "我要纠错", "调整字体", "订阅", "推荐", "置顶", "热门",
        "转发", "微信", "微博", "QQ空间", "更多", "点赞", "在看", "打赏", "赞赏", "投诉",
        "私信", "粉丝", "听新闻", "播报文章", "朗读", "语音播报", "二维码", "扫码阅读",
        "微信扫一扫", "手机看", "手机版", "繁体", "繁體", "简体", "English", "打开APP",
        "下载APP", "查看原文", "阅读原文", "展开全文", "收起", "上一篇", "下一篇", "返回顶部",
        "设为首页", "加入收藏", "我要投稿", "网站地图", "联系我们", "搜索", "退出", "客服",
        "帮助", "会员", "VIP", "推广", "赞助", "合作", "广告", "列印", "留言", "转寄",
    }
)
# Share buttons' targets in Latin letters ("分享至 line", "Facebook"), compared lower-cased:
# interface words as 微信 and 微博 are.
SHARE_TARGETS = frozenset(
    {
        "line", "facebook", "twitter", "weibo", "wechat", "qq", "qzone", "email", "e-mail",
        "telegram", "whatsapp", "plurk", "linkedin", "reddit", "messenger",
    }
)
# Section names of a news site's menu and breadcrumbs: never an outlet either.
MENU_WORDS = frozenset(
    {
        "首页", "新闻", "国内", "国际", "社会", "财经", "体育", "娱乐", "科技", "军事", "教育",
        "健康", "文化", "旅游", "汽车", "房产", "时政", "要闻", "专题", "视频", "图片", "直播",
        "滚动", "本地", "正文", "返回首页", "网站首页", "新闻中心", "新闻动态", "图集", "独家",
        "头条", "快讯", "深度", "观点", "精选", "热搜", "热榜", "国内新闻", "国际新闻",
        "社会新闻", "本地新闻", "地方新闻", "时政新闻", "财经新闻", "体育新闻", "娱乐新闻",
        "科技新闻", "军事新闻", "图片新闻", "视频新闻", "滚动新闻", "热点新闻",
    }
)
# fmt: on


# A site's copyright and reprint terms, as its footer or disclaimer box prints them:
# "大众网版权与免责声明", "版权所有：青海新闻网", "未经青海新闻网书面特别授权，请勿转载";
# in English as Chinese footers print them too: "Copyright (C) 2000-2021 Enorth.com.cn …
# All rights reserved" (北方网), "Copyright ©2011-2019 SICHUAN DAILY All rights reserved."
# (四川日报网).
_SITE_NOTICE_RE = re.compile(
    r"版权所有|版权与免责|免责声明|版权声明|未经.{0,20}?(?:授权|许可)|请勿转载|不得转载"
    r"|(?i:copyright\s*(?:©|\(c\)|&copy;)?\s*\d{4}|all\s+rights\s+reserved)"
)
# A character every alternative above holds (权, 载, 责, 许 in either script; "ight" of Copyright
# and All rights reserved, either case): an alternative added there needs its own here.
_SITE_NOTICE_HINTS = ("权", "载", "责", "许", "權", "載", "責", "許", "ight", "IGHT")


# A tool's action label beside the date or the credits: a tool's verb (listen, read aloud,
# forward, scan, print, keep, share, send) and what it acts on (the article, this page, a friend,
# a phone): "听文章" (光华日报's audio player), "转寄朋友" (RFI's forward-to-a-friend link),
# "扫描到手机" (中华网's QR prompt), "分享到朋友圈", "打印本页", "推荐给好友", "轉寄給朋友". No outlet's or account's name is
# such a phrase: one is furniture, as the single words of INTERFACE_WORDS (听新闻, 转寄) are.
_TOOL_ACTION_RE = re.compile(
    r"^(?:点击|点此)?(?:收?听|朗读|播放|转寄|轉寄|转发|轉發|寄给|寄給|发给|發給|发送|發送|推荐|推薦|扫描|掃描|扫码|掃碼"
    r"|扫一扫|掃一掃|打印|列印|收藏|分享|下载|下載)"
    r"(?:本文|此文|全文|文章|新闻|新聞|本页|本頁|此页|此頁|页面|頁面"
    r"|(?:给|給|至|到)?(?:朋友圈?|好友|亲友|親友|手机|手機|微信|邮箱|郵箱))$"
)
_TOOL_VERB_STARTS = frozenset("点點收听朗播转轉寄发發推扫掃打列分下")


def is_interface_word(text: str) -> bool:
    """Whether ``text`` is a button, toggle or share target only (分享, A+, line), or a tool's
    action label (听文章, 转寄朋友: see ``_TOOL_ACTION_RE``), no name."""
    if text in INTERFACE_WORDS or text.lower() in SHARE_TARGETS:
        return True
    return (
        2 < len(text) <= 8
        and text[0] in _TOOL_VERB_STARTS
        and _TOOL_ACTION_RE.match(text) is not None
    )


def is_site_notice(text: str) -> bool:
    """Whether ``text`` (the opening of a block) is a site's copyright or reprint notice."""
    return _SITE_NOTICE_RE.search(text) is not None


def may_be_site_notice(text: str) -> bool:
    """Whether ``text`` can be a site notice (see :func:`is_site_notice`) at all: a few substring
    tests, unsimplified script too, where the notice's regex costs several microseconds a block."""
    return any(hint in text for hint in _SITE_NOTICE_HINTS)
