"""The seed page, extracted key by key against its expected JSON, in UTF-8 and in GBK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import extract_bytes

PORTAL = Path(__file__).parent / "fixtures" / "portal"
HTML = (PORTAL / "xinchun-2023.html").read_bytes()
EXPECTED: dict[str, Any] = json.loads((PORTAL / "xinchun-2023.expected.json").read_text("utf-8"))
URL = "http://127.0.0.1/news/jiangsu/2023/0129/8121.html"


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return extract_bytes(HTML, url=URL, keywords=["新春第一会", "不在文中的词"]).as_record()


@pytest.mark.parametrize("key", ["title", "published_at", "source", "site_name", "breadcrumb"])
def test_field(record: dict[str, Any], key: str) -> None:
    assert record[key] == EXPECTED[key]


def test_url_is_the_one_given(record: dict[str, Any]) -> None:
    assert record["url"] == URL


def test_body_bounds(record: dict[str, Any]) -> None:
    assert record["body"].startswith(EXPECTED["body_starts_with"])
    assert record["body"].endswith(EXPECTED["body_ends_with"])


@pytest.mark.parametrize("junk", EXPECTED["body_must_not_contain"])
def test_body_has_no_page_furniture(record: dict[str, Any], junk: str) -> None:
    assert junk not in record["body"]


def test_body_keeps_headings_as_paragraphs(record: dict[str, Any]) -> None:
    # 1 lead + 12 headings + their paragraphs, one per line
    expected_lines = 1 + sum(1 + s["paragraphs"] for s in EXPECTED["sections"])
    assert len(record["body"].split("\n")) == expected_lines


def test_keywords_matched(record: dict[str, Any]) -> None:
    assert record["keywords"] == EXPECTED["keywords_matched"]


def test_section_count(record: dict[str, Any]) -> None:
    assert [s["label"] for s in record["sections"]] == [s["label"] for s in EXPECTED["sections"]]


@pytest.mark.parametrize("index", range(len(EXPECTED["sections"])))
@pytest.mark.parametrize("key", ["label", "city", "district", "heading"])
def test_section_fields(record: dict[str, Any], index: int, key: str) -> None:
    assert record["sections"][index][key] == EXPECTED["sections"][index][key]


@pytest.mark.parametrize("index", range(len(EXPECTED["sections"])))
def test_section_text(record: dict[str, Any], index: int) -> None:
    got, want = record["sections"][index], EXPECTED["sections"][index]
    paragraphs = got["text"].split("\n")
    assert paragraphs[0].startswith(want["first_paragraph_starts"])
    assert len(paragraphs) == want["paragraphs"]


def test_heading_city_and_mentioned_places_are_both_kept(record: dict[str, Any]) -> None:
    huaian = record["sections"][-1]
    assert (huaian["label"], huaian["city"]) == ("淮安", "淮安")
    assert {"泰州", "姜堰"} <= set(huaian["places"])


def _gbk(declare: str | None) -> bytes:
    text = HTML.decode("utf-8").replace('<meta charset="utf-8">', declare or "")
    return text.encode("gbk")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(_gbk('<meta charset="gbk">'), None, id="meta-gbk"),
        pytest.param(
            _gbk('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'),
            None,
            id="meta-gb2312",
        ),
        pytest.param(_gbk(None), None, id="undeclared"),
        pytest.param(_gbk(None), "text/html; charset=GBK", id="http-header"),
        pytest.param(_gbk('<meta charset="utf-8">'), None, id="declared-utf8-wrongly"),
    ],
)
def test_gbk_copies_extract_the_same_record(
    record: dict[str, Any], data: bytes, content_type: str | None
) -> None:
    assert HTML.decode("utf-8").encode("gbk") != HTML  # the copy really is GBK bytes
    got = extract_bytes(
        data, url=URL, content_type=content_type, keywords=["新春第一会", "不在文中的词"]
    )
    assert got.as_record() == record
