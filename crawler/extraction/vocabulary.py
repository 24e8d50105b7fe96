"""The words and tags that tell an article page's parts apart: which elements hold no text,
which end a line, which class/id tokens name page furniture or breadcrumbs, and the
punctuation that prose carries."""

from __future__ import annotations

import re

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
CRUMB_TOKENS = ("crumb", "position", "location", "path", "daohang", "weizhi", "dqwz", "current")
CRUMB_SEPARATORS = frozenset(">›»→/|-—:：·")
CRUMB_LABEL = re.compile(
    r"^(当前位置|您的位置|你的位置|你现在的位置|您现在的位置|位置|当前页)[:：]?"
)
