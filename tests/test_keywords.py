"""Keyword folding and matching: traditional/simplified, full/half width, case, exclusions."""

from __future__ import annotations

import pytest

from crawler.extraction.keywords import fold, has_traditional, match_keywords, simplify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新春第一會", "新春第一会"),
        ("新春第一会", "新春第一会"),
        ("無錫市宜興", "无锡市宜兴"),
        ("ＡＩ＋Ｘ", "ai+x"),
        ("２０２３年", "2023年"),
        ("新春，第一会！", "新春,第一会!"),
        ("全角　空格", "全角 空格"),
        ("Spring MEETING", "spring meeting"),
        ("我幹什麼不干你事。", "我干什么不干你事。"),  # zhconv's phrase rules, not char by char
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新春第一會", True),
        ("召开新春第一会", False),
        ("乾隆年间", False),  # 乾 is simplified too: no conversion for it alone
        ("瞭望塔", False),
        ("乾隆年間", True),
        ("plain ascii", False),
        ("", False),
    ],
)
def test_has_traditional(text: str, expected: bool) -> None:
    assert has_traditional(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("召开新春第一会", "召开新春第一会"),
        ("召開新春第一會", "召开新春第一会"),
        ("乾隆年間", "乾隆年间"),  # phrase-aware: 乾隆 keeps its 乾
        ("plain ascii", "plain ascii"),
    ],
)
def test_simplify(text: str, expected: str) -> None:
    assert simplify(text) == expected


def test_simplify_leaves_simplified_text_untouched() -> None:
    text = "一年春作首,万事干为先。" * 100
    assert simplify(text) is text


@pytest.mark.parametrize(
    ("keywords", "texts", "exclude", "expected"),
    [
        (["新春第一会"], ["我省多地召开“新春第一会”"], [], ["新春第一会"]),
        (["新春第一会"], ["我省多地召開「新春第一會」"], [], ["新春第一会"]),
        (["新春第一會"], ["我省多地召开“新春第一会”"], [], ["新春第一會"]),
        (["新春第一会"], ["标题", "正文里有新春第一会"], [], ["新春第一会"]),
        (["新春第一会"], ["新春 第一会"], [], []),
        (["营商环境", "新春第一会"], ["新春第一会聚焦营商环境"], [], ["营商环境", "新春第一会"]),
        (["新春第一会", "营商环境"], ["新春第一会聚焦营商环境"], [], ["新春第一会", "营商环境"]),
        (["新春第一会", "新春第一会"], ["新春第一会"], [], ["新春第一会"]),
        (["AI"], ["ＡＩ赋能"], [], ["AI"]),
        (["ai"], ["AI赋能"], [], ["ai"]),
        (["ＡＩ"], ["ai赋能"], [], ["ＡＩ"]),
        (["新春第一会"], ["新春第一会"], ["广告"], ["新春第一会"]),
        (["新春第一会"], ["新春第一会", "广告"], ["广告"], []),
        (["新春第一会"], ["新春第一会(廣告)"], ["广告"], []),
        (["新春第一会", " "], ["新春第一会"], [""], ["新春第一会"]),
        ([], ["新春第一会"], [], []),
        (["新春第一会"], [], [], []),
        (["新春第一会"], ["", "新春第一会"], [], ["新春第一会"]),
    ],
)
def test_match_keywords(
    keywords: list[str], texts: list[str], exclude: list[str], expected: list[str]
) -> None:
    assert match_keywords(keywords, texts, exclude) == expected
