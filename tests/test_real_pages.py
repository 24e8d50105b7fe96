"""Real pages from Chinese news sites, checked field by field against hand-made labels.

``fixtures/real/labels.json`` documents its rules in each entry (see the issue on
extraction). The labels write a body's first and last words without the page's
paragraph breaks, so body bounds are compared with whitespace removed on both sides.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from crawler.extraction import ExtractedArticle, decode_html, extract_bytes
from crawler.extraction.dates import SHANGHAI

REAL = Path(__file__).parent / "fixtures" / "real"
LABELS: list[dict[str, Any]] = json.loads((REAL / "labels.json").read_text("utf-8"))
# The pages were saved years after publication; a fixed clock keeps year-less dates stable.
FETCHED_AT = datetime(2024, 1, 1, tzinfo=SHANGHAI)

# What each page's notes say the body must leave out (credits, captions, boxes, menus).
JUNK: dict[str, list[str]] = {
    "163-1.html": ["原标题", "本文来源", "责任编辑", "NF4425"],
    "163-2.html": ["原标题", "视频截图", "大魔王上下半场", "责任编辑"],
    "163-3.html": ["责任编辑", "NN7379"],
    "163-4.html": ["责任编辑"],
    "163-5.html": ["延伸", "江油电信客服人员已核实情况", "本文来源", "责任编辑"],
    "163-6.html": ["原标题", "责任编辑"],
    "163-7.html": ["校对", "责任编辑"],
    "163-8.html": ["延伸阅读", "责任编辑"],
    "163-9.html": ["来源：无锡交警", "特别声明"],
    "163-10.html": ["如有侵权"],
    "163-11.html": ["延伸阅读", "责任编辑"],
    "cjn-1.html": ["资料来源", "编辑：姚昊"],
    "gzggw-1.html": ["（德清县发改局）"],
    "ifeng-1.html": ["澎湃新闻记者 段彦超 廖艳", "实习生王金茹"],
    "ifeng-4.html": ["责任编辑"],
    "ifeng-5.html": ["作者：上官云", "这是嵌套很深的节点"],
    "shanxi-1.html": ["刘通摄", "（张巨峰）"],
    "sina-1.html": ["原标题", "责任编辑"],
    "sina-2.html": ["责任编辑"],
    "sina-3.html": ["原创：", "（完）", "责任编辑"],
    "sina-4.html": ["新浪众测", "相关新闻", "(李楠)"],
    "sina-5.html": ["原标题", "点击进入专题", "责任编辑"],
    "sina-6.html": ["原标题", "责任编辑"],
    "thepaper-1.html": ["视觉中国 资料", "原题为", "责任编辑"],
    "thepaper-2.html": ["本文原标题", "责编", "回复【"],
    "thepaper-3.html": ["原题为", "本文来自澎湃新闻", "责任编辑"],
    "thepaper-5.html": ["澎湃新闻记者", "责任编辑", "校对"],
    "toutiao-3.html": ["采写："],
    "toutiao-5.html": ["来源：网络"],
}

# (page, field) pairs the extractor does not reach, each with why. Strict: a fix shows up.
XFAIL: dict[tuple[str, str], str] = {}

FIELDS = ["title", "published", "source", "author", "body_first", "body_last"]


@cache
def extracted(name: str) -> ExtractedArticle:
    return extract_bytes((REAL / "pages" / name).read_bytes(), fetched_at=FETCHED_AT)


def _squash(text: str) -> str:
    return "".join(text.split())


def _cases() -> list[Any]:
    cases = []
    for label in LABELS:
        for field in FIELDS:
            reason = XFAIL.get((label["file"], field))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(label, field, marks=marks, id=f"{label['file']}-{field}"))
    return cases


@pytest.mark.parametrize(("label", "field"), _cases())
def test_field(label: dict[str, Any], field: str) -> None:
    article = extracted(label["file"])
    if field == "title":
        assert article.title == label["title"]
    elif field == "published":
        assert article.published_at is not None
        shown = article.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        # a date-only label asks for the same day; a full one for the same minute
        assert shown[: len(label["published"])] == label["published"]
    elif field == "source":
        assert article.source in {label["source"], *label["source_alts"]}
    elif field == "author":
        if label["author"] is None:
            assert article.author is None
        else:
            assert article.author in {label["author"], *label["author_alts"]}
    elif field == "body_first":
        assert _squash(article.body).startswith(_squash(label["body_first"]))
    else:
        assert _squash(article.body).endswith(_squash(label["body_last"]))


@pytest.mark.parametrize(
    ("name", "junk"),
    [
        pytest.param(name, junk, id=f"{name}-{junk}")
        for name, items in JUNK.items()
        for junk in items
    ],
)
def test_body_leaves_out_furniture(name: str, junk: str) -> None:
    page_text, _ = decode_html((REAL / "pages" / name).read_bytes())
    assert junk in page_text  # else the check below could never fail
    assert junk not in extracted(name).body


def test_every_page_is_labelled_and_every_label_has_a_page() -> None:
    files = {p.name for p in (REAL / "pages").glob("*.html")}
    assert files == {label["file"] for label in LABELS}
    assert set(JUNK) <= files


#: Elements that do not break a line of text; every other element (and ``<br>``) does.
INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "big",
        "cite",
        "code",
        "del",
        "em",
        "font",
        "i",
        "ins",
        "label",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    ]
)


def _paragraphs(page: str) -> str:
    """The page's text cut at every block element and ``<br>``: one paragraph a line, without
    whitespace (as a reader sees the paragraphs, whatever the markup)."""
    pieces: list[list[str]] = [[]]

    def cut() -> None:
        if pieces[-1]:
            pieces.append([])

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in ("script", "style", "noscript"):
            if tag not in INLINE:
                cut()
            pieces[-1].append(element.text or "")
            for child in element:
                walk(child)
            if tag not in INLINE:
                cut()
        pieces[-1].append(element.tail or "")

    walk(lxml.html.fromstring(page))
    return "\n".join(_squash("".join(p)) for p in pieces)


def test_paragraphs_cuts_at_blocks_and_br_only() -> None:
    page = "<div><p>一<b>二</b></p>三<br>四<span>五</span><div>六</div></div>"
    assert [p for p in _paragraphs(page).split("\n") if p] == ["一二", "三", "四五", "六"]


@pytest.mark.parametrize("label", LABELS, ids=[label["file"] for label in LABELS])
def test_body_is_one_paragraph_per_line(label: dict[str, Any]) -> None:
    """Each line of the body lies within one paragraph of the page (two paragraphs never
    merge into a line; a trailing credit may be cut off), and two successive lines are never
    one paragraph cut in two."""
    page, _ = decode_html((REAL / "pages" / label["file"]).read_bytes())
    paragraphs = _paragraphs(page)
    lines = [_squash(line) for line in extracted(label["file"]).body.split("\n")]
    assert all(lines)
    assert [line for line in lines if line not in paragraphs] == []
    assert [(a, b) for a, b in itertools.pairwise(lines) if a + b in paragraphs] == []
