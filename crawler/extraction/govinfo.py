"""What government portals (政务公开 pages) print about an article's date outside the info line.

Two shapes, each seen on the portals of more than one government (``tests/fixtures/real4``:
万载县 and 宜春市, Jiangxi), both built on the national 政府信息公开 conventions:

- **The render stamp.** Many portal CMSs write ``<meta name="PubDate">`` again at every
  re-render of a page and record that moment in a second meta,
  ``<meta name="others" content="页面生成时间 2022-04-24 10:00:43">``. When the publication
  meta holds exactly the render stamp it says when the page was last generated, not when
  the article was published (an article published in 2017 carried 2022-04-24): it is
  dropped, and the date printed on the page decides. A publication meta that differs
  from the render stamp is kept.
- **The 信息公开 record.** An item of a government's 信息公开 catalogue is printed with a
  table of its catalogue fields (索引号, 发布机构, 发文日期 or 生成日期, 公开方式…),
  usually above the headline, each label and value in its own cell. The labelled date of
  that table is the item's publication date when the info line under the headline has
  none with a time of day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from lxml import etree

from crawler.extraction.dates import Stamp, parse_stamp
from crawler.extraction.metadata import PUBLISHED_METAS
from crawler.extraction.tree import text_of

_RENDER_LABEL = "页面生成时间"
# The catalogue's date fields, the most telling first: when it went public, when the
# catalogue record was made, when the document was issued, when it was written.
_RECORD_DATE_RE = re.compile(
    r"(?P<label>发布日期|公开日期|生成日期|发文日期|成文日期)\s*[:：]?\s*"
    r"(?P<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\S*"
    r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)"
)
_LABEL_RANK = {"发布日期": 0, "公开日期": 1, "生成日期": 2, "发文日期": 3, "成文日期": 4}
# A catalogue table is small; an ancestor holding more text than this is the page itself.
_MAX_RECORD_CHARS = 800
_MAX_CLIMB = 6
# The page's text nodes that hold 索 (where 索引号 can start), in document order; and, for a
# look before it, the document's whole text (every text node's content joined, in C): where
# no 索引号 appears in it, spaces aside, no text node opens with one. The text-node look
# alone costs a third of the page's parse (each node's text copied to be searched), the
# whole text a sixth of that, and 索 alone is on most pages (搜索, the search box).
_TEXTS_WITH_SUO = etree.XPath("//text()[contains(., '索')]")
_WHOLE_TEXT = etree.XPath("string(/)")
_INDEX_LABEL_RE = re.compile(r"索\s*引\s*号")


def without_render_stamp(meta: Mapping[str, str], now: datetime | None) -> dict[str, str]:
    """``meta`` without the publication metas that hold the page's render stamp."""
    out = dict(meta)
    rendered = None
    for value in meta.values():
        if _RENDER_LABEL in value:
            rendered = parse_stamp(value.split(_RENDER_LABEL, 1)[1], now=now)
            break
    if rendered is None:
        return out
    for name in PUBLISHED_METAS:
        published = out.get(name)
        if published:
            stamp = parse_stamp(published, now=now)
            if stamp is not None and stamp.when == rendered.when:
                del out[name]
    return out


def record_date(root: etree._Element, now: datetime | None) -> Stamp | None:
    """The labelled date of the page's 信息公开 catalogue table (the one with a 索引号), if any."""
    if _INDEX_LABEL_RE.search(_WHOLE_TEXT(root)) is None:
        return None
    for node in _TEXTS_WITH_SUO(root):
        if not "".join(str(node).split()).startswith("索引号"):
            continue
        el = node.getparent()
        for _ in range(_MAX_CLIMB):
            if el is None:
                break
            text = text_of(el)
            if len(text) > _MAX_RECORD_CHARS:
                break
            found = [(_LABEL_RANK[m["label"]], m["date"]) for m in _RECORD_DATE_RE.finditer(text)]
            if found:
                stamp = parse_stamp(min(found)[1], now=now)
                if stamp is not None:
                    return stamp
                break
            el = el.getparent()
    return None
