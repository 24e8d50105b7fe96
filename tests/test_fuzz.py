"""Property tests: whatever bytes arrive, extraction raises only its documented error, and quickly."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import ExtractionError, extract_bytes

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()
#: No single page may take longer than this to extract (the real pages take ~10 ms).
TIME_BOUND = 2.0

TAGS = [
    "div",
    "p",
    "span",
    "h1",
    "h2",
    "strong",
    "b",
    "a",
    "table",
    "td",
    "ul",
    "li",
    "script",
    "style",
    "meta",
    "title",
    "br",
    "font",
    "section",
    "article",
]
TEXT = st.text(
    alphabet=st.sampled_from(
        list("新春第一会南京无锡宜兴：:，。、【】■|—0123456789-年月日 <>&\"'\n\t\x00\ufeff")
    ),
    max_size=40,
)


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    """Random, often malformed HTML: unclosed tags, stray attributes, text everywhere."""
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 4))
        if kind == 0 or depth > 6:
            parts.append(draw(TEXT))
        else:
            tag = draw(st.sampled_from(TAGS))
            attr = draw(
                st.sampled_from(
                    [
                        "",
                        ' class="content"',
                        ' id="title"',
                        ' class="source time"',
                        ' charset="gbk"',
                        ' name="pubdate" content="2023-01-29 10:22"',
                        ' href="/2023/0129/1.html"',
                        " onerror=alert(1)",
                    ]
                )
            )
            inner = draw(html_trees(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", ""]))
            parts.append(f"<{tag}{attr}>{inner}{close}")
    return "".join(parts)


def _extract(data: bytes) -> None:
    start = time.perf_counter()
    with contextlib.suppress(ExtractionError):
        extract_bytes(data, url="http://127.0.0.1/news/2023/0129/1.html")
    assert time.perf_counter() - start < TIME_BOUND


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_trees())
def test_random_html_never_raises_anything_else(html: str) -> None:
    _extract(html.encode("utf-8"))
    _extract(html.encode("gb18030", errors="replace"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise_anything_else(data: bytes) -> None:
    _extract(data)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_mutated_real_page_never_raises_anything_else(data: st.DataObject) -> None:
    page = bytearray(SEED)
    for _ in range(data.draw(st.integers(1, 20))):
        at = data.draw(st.integers(0, len(page) - 1))
        op = data.draw(st.integers(0, 2))
        if op == 0:
            del page[at : at + data.draw(st.integers(1, 2000))]
        elif op == 1:
            page[at:at] = data.draw(st.binary(min_size=1, max_size=50))
        else:
            page[at] = data.draw(st.integers(0, 255))
    _extract(bytes(page))


@pytest.mark.parametrize(
    "data",
    [
        b"<div>" * 100_000,  # nested far beyond lxml's depth limit
        SEED[: len(SEED) // 2],  # truncated mid-body
        b"<html><body>" + "新春第一会".encode() * 200_000 + b"</body></html>",  # one 3 MB text node
        b"\xff\xfe" + "<h1>标题</h1>".encode("utf-16-le"),  # UTF-16 with BOM
    ],
    ids=["deep", "truncated", "huge-text", "utf16"],
)
def test_pathological_pages(data: bytes) -> None:
    _extract(data)
