"""More shortcuts taken for speed (session 24) give what the plain way gives.

- ``govinfo.record_date`` looks for 索引号 in the document's whole text (one C call) before it
  lists the text nodes that hold 索: where the whole text has none, spaces aside, no text
  node opens with one, so the answer must be the one without the look, on every fixture
  page and on catalogue tables whose label is spaced or split across nodes;
- ``scripted._MARKED`` is one compiled XPath over the document's elements' attributes
  (``/descendant::*/@name``): the attributes and their order must be ``//@name``'s;
- ``metadata.ShownText`` gathers the body's shown text by a walk instead of an XPath that
  tests every text node's ancestors: the texts and their order must be the XPath's.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from lxml import etree

from bench.extraction import SPLIT
from bench.extraction_same import fixture_pages
from crawler.extraction import decode_html, govinfo, metadata, scripted
from crawler.extraction.article import _as_utf8, _parser
from crawler.extraction.dates import SHANGHAI

NOW = datetime(2024, 6, 1, tzinfo=SHANGHAI)


def _tree(data: bytes) -> etree._Element:
    text, encoding = decode_html(data)
    return etree.fromstring(_as_utf8(data, text, encoding), _parser())


def _pages() -> list[tuple[str, bytes]]:
    """Every fixture page outside the split's *check* part (``bench/extraction_same.py``'s)."""
    return list(fixture_pages(json.loads(SPLIT.read_text("utf-8"))))


_CATALOGUE = """<html><body><div>搜索</div><table>
<tr><td>{label}</td><td>000014349/2022-00012</td></tr>
<tr><td>发布日期：</td><td>2022-03-01</td></tr></table><h1>标题</h1></body></html>"""


@pytest.mark.parametrize(
    "label",
    ["索引号：", "索 引 号：", "索\u3000引\u3000号", "\n 索引号", "索<b>引号</b>"],
)
def test_record_date_with_the_look_first_is_the_plain_one(
    label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(_CATALOGUE.format(label=label).encode())
    found = govinfo.record_date(root, NOW)
    monkeypatch.setattr(govinfo, "_INDEX_LABEL_RE", re.compile(""))  # (the look always passes)
    assert found == govinfo.record_date(root, NOW)
    if "<b>" not in label:  # (a label split across nodes opens no text node: no record)
        assert found is not None
        assert found.when.date().isoformat() == "2022-03-01"


def test_record_date_needs_the_label_not_the_search_box() -> None:
    root = _tree(_CATALOGUE.format(label="编号：").encode())
    assert "索" in govinfo._WHOLE_TEXT(root)  # (搜索: the character alone is on most pages)
    assert govinfo.record_date(root, NOW) is None


def test_record_date_is_the_plain_one_on_every_fixture_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roots = [(key, _tree(data)) for key, data in _pages()]
    fast = [govinfo.record_date(root, NOW) for _, root in roots]
    monkeypatch.setattr(govinfo, "_INDEX_LABEL_RE", re.compile(""))
    plain = [govinfo.record_date(root, NOW) for _, root in roots]
    assert fast == plain
    assert sum(stamp is not None for stamp in fast) >= 2  # (the portals of real4 have one)


def test_marked_attributes_are_the_whole_documents() -> None:
    # scripted._MARKED reads the attributes of the document's elements (/descendant::*/@name):
    # the values and their order must be those //@name gives, on every fixture page
    plain = " | ".join(f"//@{name}" for name in scripted._ATTRIBUTES)
    found = 0
    for key, data in _pages():
        root = _tree(data)
        got = scripted._MARKED(root)
        want = root.xpath(plain)
        assert [(v.attrname, str(v)) for v in got] == [(v.attrname, str(v)) for v in want], key
        found += len(got)
    assert found >= 5  # (pages with data-time, data-date... are among them)


_SHOWN_XPATH = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def test_shown_texts_are_the_xpaths() -> None:
    # metadata._shown_texts walks the body: the texts, in order, must be the XPath's that
    # it replaced, on every fixture page and on markup with comments, processing
    # instructions, hidden elements with tails, and elements nested in them
    odd = _tree(
        "<html><head><title>标题</title><script>var a;</script></head><body>一<!-- 注释 -->二"
        "<?pi 指令?>三<script>隐藏</script>四<noscript><p>不显示<b>也不</b></p>尾</noscript>五"
        "<template><div>模板</div></template>六<style>p{}</style><div>七<span>八</span>九"
        "<i><u>十</u></i></div>末</body></html>".encode()
    )
    assert [str(t) for t in _SHOWN_XPATH(odd)] == metadata._shown_texts(odd)
    assert "".join(metadata._shown_texts(odd)) == "一二三四五六七八九十末"
    for key, data in _pages():
        root = _tree(data)
        assert [str(t) for t in _SHOWN_XPATH(root)] == metadata._shown_texts(root), key
