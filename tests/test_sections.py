"""Per-city sections of round-up articles: heading forms, section boundaries, and the seed page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

from crawler.extraction.blocks import Block, Section
from crawler.extraction.paragraphs import body_blocks
from crawler.extraction.sections import parse_heading, split_sections

PORTAL = Path(__file__).parent / "fixtures" / "portal"
EXPECTED: dict[str, Any] = json.loads((PORTAL / "xinchun-2023.expected.json").read_text("utf-8"))


def seed_blocks() -> list[Block]:
    """The seed body's ``<p>`` elements; a paragraph that is all ``<strong>`` is emphasized."""
    page = Selector((PORTAL / "xinchun-2023.html").read_text("utf-8"))
    blocks = []
    for p in page.css("div#article-content > p"):
        text = "".join(p.css("::text").getall()).strip()
        strong = "".join(p.xpath("./strong//text() | ./b//text()").getall()).strip()
        blocks.append(Block(text, "p", emphasized=bool(strong) and strong == text))
    return blocks


@pytest.fixture(scope="module")
def seed_sections() -> list[Section]:
    return split_sections(seed_blocks())


# -- headings ----------------------------------------------------------------------

HEADING = "打响“五拼五比”发令枪"


@pytest.mark.parametrize(
    ("text", "emphasized", "expected"),
    [
        (f"南京:{HEADING}", True, ("南京", "南京", None, HEADING)),
        (f"南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"南京：{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"南京 ： {HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"【南京】{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"[南京]{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"■南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"● 南京：{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"◆南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"▲南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"□南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"★南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"南京|{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"南京｜{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"南京——{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"一、南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"（一）南京：{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"(二)南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"1.南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"3、南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"　　南京:{HEADING}", False, ("南京", "南京", None, HEADING)),
        (f"南京市:{HEADING}", False, ("南京市", "南京", None, HEADING)),
        ("无锡宜兴:激励“四敢”燃新程", True, ("无锡宜兴", "无锡", "宜兴", "激励“四敢”燃新程")),
        ("无锡·宜兴：激励“四敢”燃新程", False, ("无锡·宜兴", "无锡", "宜兴", "激励“四敢”燃新程")),
        (
            "徐州鼓楼:瞄准都市工业“开新局”",
            True,
            ("徐州鼓楼", "徐州", "鼓楼", "瞄准都市工业“开新局”"),
        ),
        (
            "南通海门:确立招商引资“新打法”",
            True,
            ("南通海门", "南通", "海门", "确立招商引资“新打法”"),
        ),
        ("宜兴:激励“四敢”燃新程", False, ("宜兴", "无锡", "宜兴", "激励“四敢”燃新程")),
        ("無錫:激勵“四敢”燃新程", False, ("無錫", "无锡", None, "激勵“四敢”燃新程")),
        ("淮安:项目为“笔”绘出新图景", True, ("淮安", "淮安", None, "项目为“笔”绘出新图景")),
        # emphasized blocks only: a space for a separator, or the label alone
        (f"南京 {HEADING}", True, ("南京", "南京", None, HEADING)),
        (f"南京　{HEADING}", True, ("南京", "南京", None, HEADING)),
        (f"南京 {HEADING}", False, None),
        ("南京", True, ("南京", "南京", None, "")),
        ("南京", False, None),
        ("南京：", True, ("南京", "南京", None, "")),
        # prose, not headings
        ("南京召开全市大会，释放鲜明信号", False, None),
        ("南京召开全市大会", True, None),
        ("南京:今年以来，全市上下凝心聚力，经济运行稳中有进。", False, None),
        ("南京:今年以来，全市上下凝心聚力，经济运行稳中有进。", True, None),
        ("南京:今年以来，全市上下……。", False, None),
        ("南京：拼经济！", False, None),
        ("南京：" + "拼经济" * 11, False, None),
        ("28日,苏州召开推进“敢为、敢闯、敢干、敢首创”动员会暨作风建设大会", False, None),
        ("鼓楼:瞄准都市工业“开新局”", True, None),  # which 鼓楼?
        ("江苏:打响“五拼五比”发令枪", True, None),
        ("记者:打响“五拼五比”发令枪", False, None),
        ("【编者按】新春第一会", False, None),
        ("会上,南京市委书记说:要拼出高质量", False, None),
        ("", False, None),
        ("■", True, None),
    ],
)
def test_parse_heading(
    text: str, emphasized: bool, expected: tuple[str, str, str | None, str] | None
) -> None:
    assert parse_heading(Block(text, "p", emphasized)) == expected


@pytest.mark.parametrize("tag", ["h2", "h3", "h4", "strong"])
def test_parse_heading_ignores_the_tag_itself(tag: str) -> None:
    block = Block(f"南京 {HEADING}", tag, emphasized=True)
    assert parse_heading(block) == ("南京", "南京", None, HEADING)


# -- sections ----------------------------------------------------------------------


def _b(text: str, emphasized: bool = False) -> Block:
    return Block(text, "p", emphasized)


ROUND_UP = [
    _b("一年春作首,万事干为先。我省多地召开“新春第一会”。"),
    _b("南京:打响发令枪", True),
    _b("28日,南京召开动员会。"),
    _b("江宁区重大产业项目8个。"),
    _b("无锡宜兴:燃新程", True),
    _b("宜兴市召开大会。"),
]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        pytest.param(
            ROUND_UP,
            [
                (
                    "南京",
                    "南京",
                    None,
                    "打响发令枪",
                    "28日,南京召开动员会。\n江宁区重大产业项目8个。",
                ),
                ("无锡宜兴", "无锡", "宜兴", "燃新程", "宜兴市召开大会。"),
            ],
            id="lead-then-two-sections",
        ),
        pytest.param(
            [_b("导语。"), _b("南京:打响发令枪", True), _b("南京召开动员会。")],
            [],
            id="a-lone-heading-is-no-round-up",
        ),
        pytest.param(
            [_b("南京:打响发令枪"), _b("正文。"), _b("苏州：勇毅前行"), _b("正文二。")],
            [
                ("南京", "南京", None, "打响发令枪", "正文。"),
                ("苏州", "苏州", None, "勇毅前行", "正文二。"),
            ],
            id="plain-paragraph-headings",
        ),
        pytest.param(
            [
                _b("南京:打响发令枪", True),
                _b("南京：拼出高质量"),  # looks like a heading, but the page bolds its headings
                _b("苏州:勇毅前行", True),
                _b("正文。"),
            ],
            [
                ("南京", "南京", None, "打响发令枪", "南京：拼出高质量"),
                ("苏州", "苏州", None, "勇毅前行", "正文。"),
            ],
            id="emphasized-headings-win-over-plain-lookalikes",
        ),
        pytest.param(
            [_b("南京:打响发令枪", True), _b("  "), _b(""), _b("苏州:勇毅前行", True)],
            [("南京", "南京", None, "打响发令枪", ""), ("苏州", "苏州", None, "勇毅前行", "")],
            id="empty-paragraphs-skipped",
        ),
        pytest.param(
            [_b("南京召开全市大会。"), _b("苏州召开动员会。")],
            [],
            id="ordinary-article",
        ),
        pytest.param([], [], id="no-blocks"),
    ],
)
def test_split_sections(
    blocks: list[Block], expected: list[tuple[str, str, str | None, str, str]]
) -> None:
    got = [(s.label, s.city, s.district, s.heading, s.text) for s in split_sections(blocks)]
    assert got == expected


def test_section_places_come_from_its_own_text() -> None:
    first, second = split_sections(ROUND_UP)
    assert first.places == ["南京", "江宁"]
    assert second.places == ["宜兴"]


# -- the seed page: the acceptance test ---------------------------------------------


def test_seed_has_the_expected_number_of_sections(seed_sections: list[Section]) -> None:
    assert len(seed_sections) == len(EXPECTED["sections"]) == 12


@pytest.mark.parametrize(
    "expected", EXPECTED["sections"], ids=[s["label"] for s in EXPECTED["sections"]]
)
def test_seed_section(seed_sections: list[Section], expected: dict[str, Any]) -> None:
    section = next(s for s in seed_sections if s.label == expected["label"])
    paragraphs = section.text.split("\n")
    assert (section.label, section.city, section.district, section.heading) == (
        expected["label"],
        expected["city"],
        expected["district"],
        expected["heading"],
    )
    assert paragraphs[0].startswith(expected["first_paragraph_starts"])
    assert len(paragraphs) == expected["paragraphs"]


def test_seed_sections_in_page_order(seed_sections: list[Section]) -> None:
    assert [s.label for s in seed_sections] == [s["label"] for s in EXPECTED["sections"]]


def test_seed_lead_belongs_to_no_section(seed_sections: list[Section]) -> None:
    lead = seed_blocks()[0].text
    assert lead.startswith(EXPECTED["body_starts_with"])
    assert all(lead not in s.text for s in seed_sections)


def test_seed_huaian_section_keeps_heading_city_and_text_places(
    seed_sections: list[Section],
) -> None:
    huaian = next(s for s in seed_sections if s.label == "淮安")
    assert huaian.city == "淮安"
    assert "泰州" in huaian.places
    assert "姜堰" in huaian.places
    assert "淮安" not in huaian.places


@pytest.mark.parametrize(
    ("label", "must_contain"),
    [
        ("南京", ["南京", "江宁"]),
        ("无锡宜兴", ["宜兴"]),
        ("盐城", ["盐城", "东台", "盐都"]),
        ("徐州鼓楼", ["徐州", "鼓楼"]),
        ("连云港", ["连云港", "灌云"]),
        ("南通海门", ["南通", "海门"]),
    ],
)
def test_seed_section_places(
    seed_sections: list[Section], label: str, must_contain: list[str]
) -> None:
    places = next(s for s in seed_sections if s.label == label).places
    assert set(must_contain) <= set(places)


# -- headings as the page marks them up: from HTML through body_blocks to sections ----------

_LEAD = "<p>春节后上班第一天，江苏各地召开“新春第一会”，吹响拼经济的冲锋号。</p>"
_TEXT = "<p>会议强调，要以更大力度抓项目、促投资，奋力跑出高质量发展加速度。</p>"


@pytest.mark.parametrize(
    ("first", "second", "labels"),
    [
        (
            "<p><strong>南京：再出发</strong></p>",
            "<p><strong>无锡：再攀高</strong></p>",
            ["南京", "无锡"],
        ),
        ("<p><b>南京</b></p>", "<p><b>无锡</b></p>", ["南京", "无锡"]),
        ("<h2>南京 再出发</h2>", "<h2>无锡 再攀高</h2>", ["南京", "无锡"]),
        ("<h3>【南京】再出发</h3>", "<h3>【无锡】再攀高</h3>", ["南京", "无锡"]),
        ("<h4>■南京:再出发</h4>", "<h4>■无锡:再攀高</h4>", ["南京", "无锡"]),
        ("<p>南京|再出发</p>", "<p>无锡｜再攀高</p>", ["南京", "无锡"]),
        ("<p>一、南京——再出发</p>", "<p>二、无锡——再攀高</p>", ["南京", "无锡"]),
        (
            "<p><strong>【蘇州】</strong></p>",
            "<p><strong>無錫：再攀高</strong></p>",
            ["蘇州", "無錫"],
        ),
        # paragraphs that open with a city name and go on in prose are not headings
        (
            "<p>南京市今年将新开工重大项目三百个，总投资超过两千亿元。</p>",
            "<p>无锡：全年新开工亿元以上产业项目不少于三百个，并持续优化营商环境。</p>",
            [],
        ),
    ],
)
def test_headings_in_markup(first: str, second: str, labels: list[str]) -> None:
    html = f"<html><body><div id='c'>{_LEAD}{first}{_TEXT}{second}{_TEXT}</div></body></html>"
    container = Selector(html).css("#c")[0].root
    assert [s.label for s in split_sections(body_blocks(container))] == labels
