"""What to cut from the two ends of an article body: captions, echoes of the headline,
original-title and credit lines, related-news boxes, platform menus after the closing credits,
a site's copyright notice closing the text.

The body container of a real page holds more than the article. What it adds sits at
the ends, so these rules only ever look at the blocks before the article's first
sentence and after its last one; nothing in the middle of the body is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from crawler.extraction.blocks import Block
from crawler.extraction.credits import (
    closing_credit_start,
    is_credit_line,
    origin_slot,
    with_values,
)
from crawler.extraction.keywords import simplify
from crawler.extraction.names import CREDIT_SEP_CHARS
from crawler.extraction.vocabulary import TEXT_CACHE, is_site_notice, may_be_site_notice

__all__ = [
    "Trimmed",
    "ends_sentence",
    "is_caption",
    "is_info_line",
    "is_pager",
    "is_related_label",
    "trim_body",
]

# Sentence-final punctuation, closing quotes and brackets allowed after it.
_SENTENCE_END = re.compile(r"[。！？!?…]+[”’\"'」』）)]*$|[。！？!?…][”’\"'」』]$")
_CAPTION_WORDS = re.compile(
    r"供图|摄影?[）)]?$|截图|资料图?|图为|图片来[自源]|新华社发|(?:^|\s)图[:：/]|[(（]图[)）]"
)
# The info line under a headline that sits inside the body container:
# "2023年1月29日 10:22 稿源：无锡日报 作者：陈晨 阅读：2,301".
_INFO_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}[:：]\d{2}")
_INFO_LABEL = re.compile(r"来源|稿源|作者|编辑|记者|发布|时间|日期|浏览|阅读|点击|字号|分享")
_MAX_INFO = 100
_MAX_CAPTION = 80
_MAX_UNPUNCTUATED_CAPTION = 60
# "延伸阅读", "延伸 · 推荐", "相关新闻：", "点击进入专题：" — a box of links follows.
_RELATED_LABEL = re.compile(
    r"^[【\[]?(?:延伸[·•]?(?:阅读|推荐)|相关(?:新闻|阅读|报道|链接|文章|推荐|专题)|推荐阅读|扩展阅读"
    r"|拓展阅读|更多(?:阅读|精彩|新闻|报道|推荐)|热门推荐|热点推荐|往期(?:回顾|推荐|精彩)|猜你喜欢"
    r"|此前报道|前情回顾|(?:点击|点此)?(?:进入|查看)专题)[】\]]?[:：]?$"
)
# A related label with a colon and another story's headline on one line, "相关新闻：马斯克母亲向霉霉道歉，
# 直言…", "延伸阅读：泰国最美人妖…", "相关报道：全国道德模范刘霆变性后穿短裙受访(图)": the other story's
# text follows it (文学城, 青岛新闻网, 凤凰网), not the article's.
_STORY_LABEL = re.compile(
    r"^[【\[]?(?:延伸阅读|相关(?:新闻|阅读|报道|文章)|推荐阅读|扩展阅读|拓展阅读)[】\]]?[:：]"
)
_STORY_HEADLINE = (4, 40)
# The other story's first paragraph comes within this many lines (after its pictures' captions).
_STORY_OPENING = 3
# Labelled closing credits (editor, author, source...): after them come platform menus.
_CLOSING_CREDIT = re.compile(
    r"^[（(【\[]?\s*(?:本文)?(?:责任编辑|编辑|责编|作者|来源|稿源|校对|审核|监制|主编|文|撰文|采写)"
    rf"\s*[{CREDIT_SEP_CHARS}]"
)
# Text after the closing credits that is still taken for furniture, at most.
# A pager: page links and their words only ("上一页 2 3 4 5 下一页", "1 2 下一页",
# "第1页/共1页 << 上一页 | 下一页 >>"); one of the stepping words must be there.
_PAGER_STEP = re.compile(r"[上下前后]一?页|首页|尾页|末页")
_PAGER_REST = re.compile(
    r"[上下前后]一?页|首页|尾页|末页|第\s*\d+\s*页|共\s*\d+\s*页|全文|\d+|[\s\[\]<>«»|/／.…·,，:：()（）-]"
)
_AFTER_CREDITS_CHARS = 300
_AFTER_CREDITS_SHARE = 0.2
# A related box near an end holds less text than the article it follows or precedes.
_RELATED_SHARE = 0.5
_LEAD_IN_CHARS = 20
# A suicide-prevention notice closing the article, which Taiwanese media print under every
# report of a suicide: "《蘋果》關心你 … 自殺防治諮詢安心專線：0800-788995",
# "★中時電子報關心您：再給自己一次機會 自殺諮詢專線：…", "●《ETNEWS新聞雲》提醒您…".
# Matched in simplified script: an address to the reader, then 自杀 and a hotline number.
_CARE_RE = re.compile(
    r"[★☆●■◆▲]?\s*(?:《[^》]{1,15}》|[^\s。！？，,（）()《》]{0,12}?)(?:关心您|关心你|提醒您|提醒你)"
)
_HOTLINE_RE = re.compile(r"(?:专线|热线|生命线)[^:：\d]{0,6}[:：]?\s*\d[\d-]{2,}")
_NOTICE_BLOCKS = 12
# The notice is short lines: its lead-in, and every line after it (hotlines, a slogan,
# hashtags). A longer line after it is article prose, and the notice is then no ending.
_NOTICE_LEAD_CHARS = 60
_NOTICE_LINE_CHARS = 40
# Where a site's copyright notice says so: in a block's first characters.
_NOTICE_OPENING = 80
# A site's invitation to download its app, closing the text like its notice does: "歡迎下載自由時報APP，
# 現在看新聞還能抽獎…" (自由時報), "点击下载腾讯动漫APP，看更多人气动漫作品" (河蟹动漫). An invitation
# (欢迎, 点击 ...) right before 下载: the text's own "市民可下载…APP办理" says what a reader can do.
# Matched in simplified script.
_APP_INVITE_RE = re.compile(
    r"(?:欢迎|点击|点此|请|立即|马上|赶快|快来)下载[^。！？，,\s]{0,12}?(?:APP|App|app|客户端)"
)


@dataclass(slots=True)
class Trimmed:
    """The article's own blocks and the credit lines cut from its ends (kept for bylines)."""

    blocks: list[Block]
    #: credit and info lines cut from the start ("来源：湖北日报", "2024-05-20 来源：…")
    head_credits: list[str] = field(default_factory=list)
    tail_credits: list[str] = field(default_factory=list)


def _is_credit(text: str) -> bool:
    # credit keywords are written in simplified characters; 責任編輯 is 责任编辑
    return is_credit_line(simplify(text))


def _is_origin(block: Block) -> bool:
    """A 资料来源 slot naming the article's origin before the text ("資料來源：性別平等處" as the
    text box's first line); not a caption's data credit under a picture (``credits.origin_slot``)."""
    text = block.text
    if block.after_media or ("来源" not in text and "來源" not in text):
        return False  # (the usual case, answered without converting the script)
    return origin_slot(simplify(text)) is not None


def ends_sentence(text: str) -> bool:
    return _SENTENCE_END.search(text) is not None


def is_caption(block: Block) -> bool:
    """A picture or video caption: right after the media, short, and worded like one.

    Its words are matched in simplified script, like credits: "（圖／記者林悅翻攝）" is
    "（图／记者林悦翻摄）".
    """
    text = block.text
    if not block.after_media or len(text) > _MAX_CAPTION:
        return False
    if _CAPTION_WORDS.search(simplify(text)):
        return True
    return len(text) <= _MAX_UNPUNCTUATED_CAPTION and not ends_sentence(text)


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def is_info_line(text: str) -> bool:
    """The date/source/author line printed under a headline, not a sentence of the article.

    Labels are matched in simplified script: "2019-03-18 23:59 聯合報 記者陳嘉寧" is one.
    """
    if len(text) > _MAX_INFO or ends_sentence(text) or not _INFO_DATE.search(text):
        return False
    return len(text) <= 30 or _INFO_LABEL.search(simplify(text)) is not None


@lru_cache(maxsize=TEXT_CACHE)  # a pure function of the text: see TEXT_CACHE
def is_related_label(text: str) -> bool:
    """A line announcing a box of links: 延伸阅读, 相关新闻：, 点击进入专题：."""
    return len(text) <= 16 and _RELATED_LABEL.match(simplify("".join(text.split()))) is not None


def _echoes(text: str, title: str) -> bool:
    """A line that repeats the headline with a few words changed (a video's or a lead image's title)."""
    if not title or ends_sentence(text) or len(text) > len(title) * 1.5 + 5:
        return False
    shared = sum(1 for ch in text if ch in title)
    return shared >= 0.6 * len(text) and shared >= 0.6 * len(title)


def _chars(blocks: Sequence[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def _link_list(blocks: Sequence[Block]) -> bool:
    """Whether ``blocks`` read as a box of links (headlines), not article prose.

    Link titles do not end a sentence; paragraphs do. Two or more paragraphs, more
    sentences than headlines among them, are the article, whatever label came before;
    a lone teaser paragraph under the label (163.com's "延伸 · 推荐") is still a box.
    """
    lines = list(dict.fromkeys(b.text for b in blocks if not _is_credit(b.text)))  # once each
    sentences = sum(1 for text in lines if ends_sentence(text))
    return sentences < 2 or sentences * 2 <= len(lines)


def _box_end(blocks: list[Block], i: int) -> int:
    """Where the box of links under the related label ``blocks[i]`` ends.

    The box is the run of link lines right after the label (``·<a>标题</a>（05-20）``:
    link text, no sentence); links the body walk left out are no block at all.
    """
    j = i + 1
    while j < len(blocks) and blocks[j].linked and not ends_sentence(blocks[j].text):
        j += 1
    return j


def _prose_follows(blocks: list[Block], j: int) -> bool:
    """Whether article paragraphs follow a box that ends at ``j``: up to the next related
    label (or the end), the blocks read as prose, not as more headlines."""
    k = j
    while k < len(blocks) and not is_related_label(blocks[k].text):
        k += 1
    return not _link_list(blocks[j:k])


def _split_related(blocks: list[Block], credits: list[str]) -> list[Block]:
    """Cut related-links boxes (their credit lines go to ``credits``).

    A box is a 相关/推荐 label and the link lines under it. Before the text, it is
    cut with whatever promotion precedes it; in mid-article — article paragraphs
    follow it, in the same container — the box alone is taken out and the article
    goes on; at the end it cuts everything from the label on. A label followed
    straight by article paragraphs, with no links under it (a mid-article subheading,
    a link lead-in inside the text), cuts nothing: nothing between the article's
    first and last paragraph is ever dropped.
    """
    total = _chars(blocks) or 1
    i = 0
    while i < len(blocks):
        if not is_related_label(blocks[i].text):
            i += 1
            continue
        before, after = blocks[:i], blocks[i + 1 :]
        if _chars(before) <= _RELATED_SHARE * _RELATED_SHARE * _chars(after) and _link_list(before):
            # a box before the text: what precedes the label is promotion, not article
            credits.extend(b.text for b in before if _is_credit(b.text))
            blocks = after
            total = _chars(blocks) or 1
            i = 0
            continue
        j = _box_end(blocks, i)
        if i > 0 and _prose_follows(blocks, j):
            # a box in mid-article: out, and the article goes on after it
            if j > i + 1 or (j < len(blocks) and blocks[j].after_links):
                blocks = blocks[:i] + blocks[j:]
            else:
                i += 1
            continue
        if i > 0 and _chars(after) <= _RELATED_SHARE * total and _link_list(after):
            credits.extend(b.text for b in after if _is_credit(b.text))
            return before
        i += 1
    return blocks


def _cut_other_story(blocks: list[Block]) -> list[Block]:
    """Cut at a related label that heads another story (``_STORY_LABEL``) in mid-text.

    The label and the other story's headline share one line, the headline is no link and no
    sentence, and paragraphs follow at once: the article ends before the line. A label
    over links (yahoo 2005's "延伸阅读：<a>…</a>") or alone on its line ("[延伸阅读]", "相关链接>>",
    the report's own sidebar under it) cuts nothing here.
    """
    for i in range(1, len(blocks) - 1):
        block = blocks[i]
        if block.linked or ("：" not in block.text and ":" not in block.text):
            continue
        text = "".join(block.text.split())
        m = _STORY_LABEL.match(simplify(text))
        if m is None or ends_sentence(text):
            continue
        low, high = _STORY_HEADLINE
        if not low <= len(text) - m.end() <= high:
            continue
        after = blocks[i + 1 : i + 1 + _STORY_OPENING]
        if blocks[i + 1].linked or not any(ends_sentence(b.text) for b in after):
            continue
        if not any(ends_sentence(b.text) for b in blocks[:i]):
            continue
        return blocks[:i]
    return blocks


def _cut_after_credits(blocks: list[Block], credits: list[str]) -> list[Block]:
    """Cut at labelled closing credits that only furniture follows (a WeChat menu, a widget)."""
    total = _chars(blocks)
    most = min(_AFTER_CREDITS_CHARS, _AFTER_CREDITS_SHARE * total)
    seen = 0
    for i, block in enumerate(blocks):
        seen += len(block.text)
        after = total - seen  # the text of the blocks after this one
        # (the text after is looked at first: only the last blocks can be followed by so
        # little, and the credit tests convert the script of the text they read)
        if i == 0 or not after or after > most:
            continue
        if not _CLOSING_CREDIT.match(simplify(block.text)) or not _is_credit(block.text):
            continue
        lines = with_values([block.text, *(b.text for b in blocks[i + 1 :])])
        credits.append(lines[0])
        credits.extend(line for line in lines[1:] if _is_credit(line))
        return blocks[:i]
    return blocks


def _is_app_invite(head: str) -> bool:
    """Whether ``head`` (a block's opening) invites the reader to download the site's app."""
    return ("下载" in head or "下載" in head) and _APP_INVITE_RE.search(simplify(head)) is not None


def _cut_site_notice(blocks: list[Block], credits: list[str]) -> list[Block]:
    """Cut a site's copyright or reprint notice closing the text, and the furniture after it.

    The notice ("39健康网(www.39.net)专稿，未经书面授权请勿转载。", "版权声明 本网站所有注明…不得转载",
    "(免责声明）文章描述过程、图片都来源于网络…") says so in its first ``_NOTICE_OPENING`` characters
    (``vocabulary.is_site_notice``, in simplified script); so does the site's invitation to download
    its app ("欢迎下载自由时报APP", ``_APP_INVITE_RE``). At most as much text as after closing
    credits follows it (an app's download line, "举报/反馈"). It goes to ``credits`` with what
    follows, as read after the text: nothing before it is dropped.
    """
    total = _chars(blocks)
    most = min(_AFTER_CREDITS_CHARS, _AFTER_CREDITS_SHARE * total)
    after = 0
    for i in range(len(blocks) - 1, 0, -1):
        if after > most:
            break
        head = blocks[i].text[:_NOTICE_OPENING]
        if (may_be_site_notice(head) and is_site_notice(simplify(head))) or _is_app_invite(head):
            credits.extend(b.text for b in blocks[i:])
            return blocks[:i]
        after += len(blocks[i].text)
    return blocks


def _cut_care_notice(blocks: list[Block]) -> list[Block]:
    """Cut a closing suicide-prevention notice and the short lines after it (see ``_CARE_RE``).

    Only at the very end: a notice that article prose follows is left where it is.
    """
    first = max(0, len(blocks) - _NOTICE_BLOCKS)
    if not any("自杀" in b.text or "自殺" in b.text for b in blocks[first:]):
        return blocks  # (the usual case, found without converting any script)
    texts = [simplify(b.text) for b in blocks[first:]]
    for k, text in enumerate(texts):
        m = _CARE_RE.search(text)
        if m is None:
            continue
        rest = texts[k + 1 :]
        if len(text) - m.start() > _NOTICE_LEAD_CHARS or any(
            len(line) > _NOTICE_LINE_CHARS for line in rest
        ):
            continue
        notice = "\n".join([text[m.start() :], *rest])
        if "自杀" not in notice or _HOTLINE_RE.search(notice) is None:
            continue
        i = first + k
        block = blocks[i]
        kept = block.text[: m.start()].rstrip() if len(text) == len(block.text) else ""
        return [*blocks[:i], replace(block, text=kept)] if kept else blocks[:i]
    return blocks


def is_pager(text: str) -> bool:
    """Whether a line is a pager: page numbers and 上一页/下一页/首页/尾页, nothing else.

    Printed at either edge of a paged article or gallery (yahoo 2005, 北京周报, 海外网, 中原网).
    """
    if len(text) > 80:
        return False
    plain = simplify(text)
    return bool(_PAGER_STEP.search(plain)) and not _PAGER_REST.sub("", plain)


def trim_body(blocks: Sequence[Block], title: str) -> Trimmed:
    """The article's blocks from its first sentence to its last.

    Dropped from the start: credit and 原标题 lines, captions, lines echoing the
    headline, the date/source info line, a related box that precedes the text, a pager. Dropped from the end: a related
    box, labelled closing credits and whatever furniture follows them, a site's copyright or
    reprint notice or its invitation to download its app and the furniture after it, a suicide-prevention hotline notice, credit
    lines, pagers,
    a lone link lead-in ("点击进入专题："), and a closing byline in brackets glued to
    the last sentence ("…举行。（张巨峰）").
    """
    out = Trimmed([b for b in blocks if b.text != title])
    out.blocks = _cut_other_story(out.blocks)
    out.blocks = _split_related(out.blocks, out.tail_credits)
    out.blocks = _cut_after_credits(out.blocks, out.tail_credits)
    out.blocks = _cut_site_notice(out.blocks, out.tail_credits)
    out.blocks = _cut_care_notice(out.blocks)

    start = 0
    items = out.blocks
    while start < len(items):
        block = items[start]
        if is_pager(block.text):
            start += 1
            continue
        if _is_credit(block.text) or is_info_line(block.text) or _is_origin(block):
            # kept for the date, source and byline: an info line inside the body container
            out.head_credits.append(block.text)
        elif not (is_caption(block) or _echoes(block.text, title)):
            break
        start += 1
    if start == len(items):
        # nothing but captions (a gallery whose every paragraph follows a picture): the
        # captions are the article, not furniture before it
        start = next((i for i, b in enumerate(items) if is_caption(b)), start)

    end = len(items)
    tail: list[str] = []
    while end > start:
        text = items[end - 1].text
        if is_pager(text):
            end -= 1
            continue
        if _is_credit(text) or (len(text) <= _LEAD_IN_CHARS and text.endswith((":", "："))):
            tail.insert(0, text)
            end -= 1
            continue
        break
    kept = list(items[start:end])
    if kept:
        last = kept[-1]
        plain = simplify(last.text)
        cut = closing_credit_start(plain) if len(plain) == len(last.text) else None
        if cut is not None:
            tail.insert(0, last.text[cut:])
            kept[-1] = replace(last, text=last.text[:cut].rstrip())
    out.blocks = kept
    out.tail_credits = tail + out.tail_credits
    return out
