"""Saved pages made for failure types the real dev set lacks: GBK and Big5 bytes, a headline
inside the body container, a government template with ``<br>`` paragraphs and its metas,
a traditional-Chinese round-up, two e-paper (数字报) article pages. Each ``NAME.html`` has its ``NAME.expected.json``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from crawler.extraction import decode_html, extract_bytes

SYNTHETIC = Path(__file__).parent / "fixtures" / "synthetic"
PAGES = sorted(p.name.removesuffix(".html") for p in SYNTHETIC.glob("*.html"))


@cache
def expected(name: str) -> dict[str, Any]:
    return json.loads((SYNTHETIC / f"{name}.expected.json").read_text("utf-8"))


@cache
def record(name: str) -> dict[str, Any]:
    data = (SYNTHETIC / f"{name}.html").read_bytes()
    return extract_bytes(data, keywords=expected(name)["keywords"]).as_record()


def test_the_pages_are_not_utf8() -> None:
    # what these pages are for: a decoder that assumed UTF-8 would garble every field
    for name in PAGES:
        with pytest.raises(UnicodeDecodeError):
            (SYNTHETIC / f"{name}.html").read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "key", ["title", "published_at", "source", "author", "site_name", "breadcrumb"]
)
def test_field(name: str, key: str) -> None:
    assert record(name)[key] == expected(name)[key]


@pytest.mark.parametrize("name", PAGES)
def test_body_bounds_and_paragraphs(name: str) -> None:
    body, want = record(name)["body"], expected(name)
    assert body.startswith(want["body_first"])
    assert body.endswith(want["body_last"])
    assert len(body.split("\n")) == want["body_paragraphs"]


@pytest.mark.parametrize(
    ("name", "junk"),
    [(name, junk) for name in PAGES for junk in expected(name)["body_must_not_contain"]],
)
def test_body_leaves_out_furniture(name: str, junk: str) -> None:
    page_text, _ = decode_html((SYNTHETIC / f"{name}.html").read_bytes())
    assert junk in page_text  # else the check below could never fail
    assert junk not in record(name)["body"]


@pytest.mark.parametrize("name", PAGES)
def test_sections_keep_the_printed_label_and_the_canonical_city(name: str) -> None:
    got = [[s["label"], s["city"]] for s in record(name)["sections"]]
    assert got == expected(name)["section_cities"]


@pytest.mark.parametrize("name", PAGES)
def test_keywords_match_across_scripts(name: str) -> None:
    assert record(name)["keywords"] == expected(name)["keywords_matched"]
