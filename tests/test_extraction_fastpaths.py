"""The shortcuts taken for speed give what the plain way gives.

- a UTF-8 page is parsed from its own bytes, any other page from its decoded text
  re-encoded: both must build the same article, whatever the page's charset, BOM,
  NULs or undecodable bytes;
- ``clean`` collapses whitespace with ``str.split`` unless a zero-width space or a BOM
  needs the regex: the result must be the regex's for every whitespace character;
- the scripted-time search matches its key regex only where ``str.find`` saw a key
  start: the matches must be ``finditer``'s, in the same order, for any script;
- ``body.measure`` keeps the counts only of elements a paragraph can vote for (and no
  zero link counts), the vote reads each element's class/id words once, and headline
  candidates read an element's tag only when its class/id does not already name it: the
  container, paragraphs and candidates must be those of the plain definitions, on random
  trees and on every real page; the elements ``measure`` lists by tag on its walk (the
  headline candidates) must be ``root.iter``'s, in its order;
- the text around the body (``pieces_between``) is sliced from the text nodes ``measure``
  listed instead of walked: the pieces must be the walk's for any start and stop;
- ``measure`` records the run of texts of each element it opens, which pieces.py would
  otherwise search for (building a set of the body container's whole subtree): each must
  be the searched run;
- a date match's groups are read one by one (``groupdict()`` built all 93): each must be
  what ``groupdict()`` gives, None for a group the pattern does not have;
- ``Block`` and ``TextPiece`` are built by a hand-written ``__init__`` (dataclass's frozen
  one is twice as slow): it must take exactly the fields, with their defaults;
- ``decode_html`` reads valid UTF-8 that is not all ASCII without looking for the page's
  declaration: the answer must be the declaration-first order's, for any declaration in
  the header or the ``<meta>`` and any bytes;
- the tests of a line of text that a site repeats page after page (``is_credit_line``,
  ``reporter_in``, ``clean_source``...) keep their answers, and the keywords their folded
  forms: every record must be the one extracted with the caches empty, whatever pages came
  before, and every kept answer the function's own;
- ``text_of`` reads a leaf's own text without the walk, and the body's paragraph walk asks
  ``is_noise`` only of elements with a class or id: ``text_of`` must be the plain walk's for
  every element of the random trees and the fixture pages, and ``is_noise`` false wherever
  an element has neither.
"""

from __future__ import annotations

import codecs
import contextlib
import inspect
import json
import random
import re
from collections.abc import Iterable
from dataclasses import MISSING, FrozenInstanceError, fields
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from bench.extraction_same import fixture_pages
from crawler.extraction import (
    ExtractionError,
    authors,
    credits,
    decode_html,
    edges,
    extract_article,
    extract_bytes,
    keywords,
    names,
    outlets,
)
from crawler.extraction.article import _as_utf8, _parser
from crawler.extraction.blocks import Block, MatchGroups, TextPiece
from crawler.extraction.body import (
    _HOLDER_CHARS,
    _MAX_DEPTH,
    TextStats,
    find_body_container,
    measure,
)
from crawler.extraction.dates import _DATETIME_RE, SHANGHAI
from crawler.extraction.encoding import _norm
from crawler.extraction.gazetteer import default_gazetteer
from crawler.extraction.headline import _HEADLINE_HINT, CANDIDATE_TAGS, _candidates
from crawler.extraction.keywords import match_keywords
from crawler.extraction.paragraphs import body_blocks
from crawler.extraction.pieces import _find_span, _zone, pieces_between
from crawler.extraction.scripted import _SCRIPT_KEY_RE, key_matches, scripted_time
from crawler.extraction.tree import (
    clean,
    first_tagged,
    hint_of,
    hint_words,
    is_noise,
    text_of,
)
from crawler.extraction.vocabulary import (
    BLOCK_TAGS,
    CONTAINER_TAGS,
    ENCLOSING_NOISE_TOKENS,
    NOISE_TOKENS,
    PROSE_HOLDER_TAGS,
    PROSE_PUNCT,
    SKIP_TAGS,
)
from newsmon.sample_site import SampleSite

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real" / "pages"

_PAGE = (
    "<html><head><meta charset='{charset}'><title>城市更新行动推进会召开_本地新闻</title></head>"
    "<body><div class='nav'><a href='/'>首页</a> &gt; <a href='/n'>本地新闻</a></div>"
    "<h1>城市更新行动推进会召开</h1><div class='info'>2024-05-20 09:30 来源：新华日报</div>"
    "<div class='article'><p>5月20日，全市城市更新行动推进会召开，会议总结了去年的工作。</p>"
    "<p>会议要求，各地要把城市更新作为推动高质量发展的重要抓手，统筹推进各项任务。</p>"
    "<p>会上，各区作了交流发言，介绍了老旧小区改造和历史街区保护的做法。</p></div></body></html>"
)


def _slow_way(data: bytes) -> dict[str, object]:
    """The article as built from the decoded text re-encoded (what every page got before)."""
    text, _ = decode_html(data)
    parser = etree.HTMLParser(encoding="utf-8")
    root = etree.fromstring(text.replace("\x00", "").encode("utf-8"), parser)
    return extract_article(Selector(root=root, type="html")).as_record()


def _cases() -> list[tuple[str, bytes]]:
    utf8 = _PAGE.format(charset="utf-8")
    gbk = _PAGE.format(charset="gbk")
    return [
        ("utf-8", utf8.encode("utf-8")),
        ("utf-8 with BOM", codecs.BOM_UTF8 + utf8.encode("utf-8")),
        ("utf-8 with NULs", utf8.replace("会议要求", "会议\x00要求").encode("utf-8")),
        ("utf-8 with a broken byte", utf8.encode("utf-8").replace("各区".encode(), b"\xff\xfe")),
        ("ascii", _PAGE.format(charset="ascii").encode("ascii", "xmlcharrefreplace")),
        ("gbk", gbk.encode("gbk")),
        ("gbk undeclared", _PAGE.replace("<meta charset='{charset}'>", "").encode("gbk")),
        ("utf-8 declared gbk", gbk.encode("utf-8")),
    ]


@pytest.mark.parametrize(("name", "data"), _cases(), ids=[name for name, _ in _cases()])
def test_bytes_and_reencoded_text_give_the_same_article(name: str, data: bytes) -> None:
    got = extract_bytes(data).as_record()
    assert got == _slow_way(data)
    assert got["title"] == "城市更新行动推进会召开"
    assert "老旧小区改造" in str(got["body"])


def test_utf8_page_is_parsed_from_its_own_bytes_and_others_are_copied() -> None:
    cases = dict(_cases())
    for name in ("utf-8", "utf-8 declared gbk"):
        data = cases[name]
        text, encoding = decode_html(data)
        assert _as_utf8(data, text, encoding) is data, name
    copied = ("utf-8 with BOM", "utf-8 with NULs", "utf-8 with a broken byte", "gbk", "ascii")
    for name in copied:  # ("ascii" is read as cp1252, as browsers do)
        data = cases[name]
        text, encoding = decode_html(data)
        copy = _as_utf8(data, text, encoding)
        assert copy is not data, name
        assert copy == text.replace("\x00", "").encode("utf-8"), name


@pytest.mark.parametrize("page", sorted(REAL.glob("*.html"))[::6], ids=lambda p: p.name)
def test_real_pages_same_both_ways(page: Path) -> None:
    data = page.read_bytes()
    assert extract_bytes(data).as_record() == _slow_way(data)


_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")


def test_clean_is_the_regex_for_every_whitespace_character() -> None:
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert {"\u3000", "\xa0", "\x1c"} <= set(spaces)
    alphabet = [*spaces, "\u200b", "\ufeff", "a", "中", "。"]
    rnd = random.Random(11)
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 10)))
        assert clean(text) == _WS.sub(" ", text).strip(), repr(text)
    assert clean(None) == ""
    assert clean("") == ""
    assert clean(" \u3000城市\xa0 更新\u200b行动\n") == "城市 更新 行动"


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, str | None, str | None]]:
    # (where each match ends and its value: a match of the regex may start at a quote
    # before the key, where the key search starts it at the key)
    return [(m.end(), m["quoted"], m["bare"]) for m in matches]


@pytest.mark.parametrize(
    "script",
    [
        'var ct = "1659274471";',
        "var CT=1659274471000;",
        "var act = 1659274471; var ct = 1659274472;",  # a key inside a word is none
        "{'pubDate': '2024-05-20 10:00', \"PUBLISH_TIME\" : \"2024-05-21 08:00:00\"}",
        'x.publishTime="2024-05-20T10:00:00+08:00";createTime = "2024-05-19 09:00"',
        'xct = "ct: 16592744710000";',  # a match inside the value of a rejected one
        'a_pubtime="2024-05-20 10:00"; "datePublished":"2024-05-20"',
        "function select(o){return o.ct}; window.DATA={date_published: 1716170000}",
        "var İct = 1659274471; ct=1659274471",  # İ lower-cases to two characters
        "",
    ],
)
def test_key_search_is_the_regex(script: str) -> None:
    assert _spans(key_matches(script)) == _spans(_SCRIPT_KEY_RE.finditer(script))


def test_key_search_is_the_regex_on_random_scripts_and_real_pages() -> None:
    pieces = [
        "ct",
        "CT",
        "pub",
        "pubDate",
        "publish_time",
        "date",
        "create_time",
        "ptime",
        " ",
        "=",
        ":",
        '"',
        "'",
        "_",
        "x",
        "1716170000",
        "2024-05-20 10:00",
        "\n",
        "中",
    ]
    rnd = random.Random(11)
    for _ in range(5_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 25)))
        assert _spans(key_matches(text)) == _spans(_SCRIPT_KEY_RE.finditer(text)), repr(text)
    for page in sorted(REAL.glob("*.html")):
        root = etree.fromstring(page.read_bytes(), etree.HTMLParser())
        for script in root.iter("script"):
            text = script.text or ""
            assert _spans(key_matches(text)) == _spans(_SCRIPT_KEY_RE.finditer(text)), page.name


def test_data_attributes_are_read_name_by_name() -> None:
    # data-time comes first in the list of names, so it wins over an earlier data-date
    html = (
        '<html><body><span data-date="2024-05-18 08:00">x</span>'
        '<span data-time="2024-05-20 10:00">y</span></body></html>'
    )
    root = etree.fromstring(html.encode(), etree.HTMLParser())
    now = datetime(2024, 6, 1, tzinfo=SHANGHAI)
    stamp = scripted_time(root, now)
    assert stamp is not None
    assert stamp.when == datetime(2024, 5, 20, 10, 0, tzinfo=SHANGHAI)


def _plain_counts(root: etree._Element) -> TextStats:
    """Every element's text counted the plain way: one recursive definition, all elements kept."""
    stats = TextStats({}, {}, [], [])

    def count(text: str | None) -> tuple[int, int]:
        text = (text or "").strip()
        return len(text), len(PROSE_PUNCT.findall(text))

    def walk(el: etree._Element, in_link: bool, depth: int) -> tuple[int, int, int]:
        n, pc = count(el.text)
        o, op, ln = n, pc, 0
        for child in el:
            if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
                if depth >= _MAX_DEPTH and len(child):  # too deep: its whole text, unwalked
                    cn = len("".join(child.itertext()).strip())
                    cl, cp = (cn if in_link else 0), 0
                else:
                    cn, cl, cp = walk(child, in_link or child.tag == "a", depth + 1)
                n, ln, pc = n + cn, ln + cl, pc + cp
                if child.tag not in BLOCK_TAGS and child.tag != "a":
                    o, op = o + cn, op + cp
            k, kp = count(child.tail)
            n, pc, o, op = n + k, pc + kp, o + k, op + kp
        if in_link:
            ln = n
        if n:
            stats.chars[el], stats.links[el] = n, ln
            if el.tag == "p":
                stats.paragraphs.append((el, n, ln, pc))
            # a container with text of its own; a heading or <pre> with a page's text in it
            if (o and el.tag in CONTAINER_TAGS) or (
                o >= _HOLDER_CHARS and el.tag in PROSE_HOLDER_TAGS
            ):
                stats.loose.append((el, o, op))
        return n, ln, pc

    walk(root, False, 0)
    return stats


def _plain_candidates(root: etree._Element) -> list[tuple[etree._Element, bool]]:
    found = []
    for el in root.iter("h1", "h2", "h3", "div", "p", "span", "td", "strong", "founder-title"):
        cls, ident = el.get("class"), el.get("id")
        named = bool(
            (cls and _HEADLINE_HINT.search(cls.lower()))
            or (ident and _HEADLINE_HINT.search(ident.lower()))
        )
        if el.tag in ("h1", "h2", "h3", "founder-title"):
            found.append((el, named or el.tag == "founder-title"))
        elif named:
            found.append((el, True))
    return found


_TAGS = [
    "div",
    "p",
    "span",
    "a",
    "td",
    "li",
    "b",
    "font",
    "section",
    "h1",
    "h2",
    "br",
    "img",
    "script",
    "noscript",
    "style",
    "strong",
    "em",
]
_WORDS = [
    "",
    " ",
    "\n  ",
    "\u3000",
    "\xa0",
    "文字",
    "新闻，",
    "内容。",
    "link",
    "a:b",
    "“引”",
    " 正文 ",
    "!",
]
_CLASSES = [
    "",
    "content",
    "Article-Title",
    "news_comment",
    "share box",
    "related",
    "nav-menu",
    "main",
    "TITLE",
    "headline x",
    "ad",
    "Heading",
    "subtitle-sub",
]


def _random_page(rnd: random.Random) -> bytes:
    def element(depth: int) -> str:
        tag = rnd.choice(_TAGS)
        attrs = ""
        if rnd.random() < 0.4:
            attrs += f' class="{rnd.choice(_CLASSES)}"'
        if rnd.random() < 0.15:
            attrs += f' id="{rnd.choice(_CLASSES)}"'
        if tag in ("br", "img"):
            return f"<{tag}{attrs}>" + rnd.choice(_WORDS)
        inner = rnd.choice(_WORDS)
        for _ in range(rnd.randint(0, 4) if depth < 7 else 0):
            inner += element(depth + 1) if rnd.random() < 0.85 else "<!-- c -->"
            inner += rnd.choice(_WORDS) * rnd.randint(0, 3)
        return f"<{tag}{attrs}>{inner}</{tag}>" + rnd.choice(_WORDS)

    body = "".join(element(0) for _ in range(rnd.randint(1, 6)))
    return f"<html><head><title>t</title></head><body>{body}</body></html>".encode()


def _deep_tree(depth: int) -> etree._Element:
    """A chain of ``depth`` elements (more than lxml's HTML parser builds), text on each."""
    root = etree.Element("html")
    el = etree.SubElement(root, "body")
    for level in range(depth):
        el = etree.SubElement(el, ("div", "p", "span", "a", "font")[level % 5])
        el.text = "第一段文字，" if level % 3 else " "
        el.tail = "尾。" if level % 4 else None
        if level % 7 == 0:
            etree.SubElement(el, "img").tail = "说明，"
            etree.SubElement(el, "noscript").text = "不计"
            el.append(etree.Comment("c"))
    return root


def test_a_tree_deeper_than_the_limit_is_counted_whole_below_it() -> None:
    root = _deep_tree(_MAX_DEPTH + 50)
    chain = [root, *root.iterdescendants("body", "div", "p", "span", "a", "font")]
    got = measure(root)
    assert chain[_MAX_DEPTH] in got.chars  # walked down to the limit
    assert chain[_MAX_DEPTH + 2] not in got.chars  # below it, counted as one text
    assert got.chars[root] == _plain_counts(root).chars[root] > 0


def _trees() -> Iterable[tuple[str, etree._Element]]:
    yield "deep", _deep_tree(_MAX_DEPTH + 50)
    rnd = random.Random(11)
    for i in range(1_500):
        yield f"random {i}", etree.fromstring(_random_page(rnd), _parser())
    for page in sorted(FIXTURES.glob("*/pages/*.htm*")) + sorted(FIXTURES.glob("*/*.htm*")):
        text, _ = decode_html(page.read_bytes())
        yield page.name, etree.fromstring(text.replace("\x00", "").encode("utf-8"), _parser())


def test_counts_vote_and_candidates_are_the_plain_definitions() -> None:
    seen = 0
    for name, root in _trees():
        got, plain = measure(root), _plain_counts(root)
        assert got.paragraphs == plain.paragraphs, name
        assert got.loose == plain.loose, name
        for el, n in plain.chars.items():  # every element a paragraph can vote for
            if len(el) or el.tag in CONTAINER_TAGS:
                assert got.chars[el] == n, name
                assert got.links.get(el, 0) == plain.links[el], name
        assert set(got.chars) <= set(plain.chars), name
        assert find_body_container(root) is find_body_container(root, plain), name
        assert _candidates(root) == _plain_candidates(root), name
        # the walk lists what root.iter(*tags) gives, inside skipped and too-deep elements too
        tagged = measure(root, collect=CANDIDATE_TAGS).tagged
        assert tagged == list(root.iter(*CANDIDATE_TAGS)), name
        assert _candidates(root, tagged) == _plain_candidates(root), name
        for el in root.iter():
            if isinstance(el.tag, str):
                words = hint_words(el)
                assert words == (re.split(r"[\s_\-]+", hint_of(el)) if hint_of(el) else []), name
                for tokens in (NOISE_TOKENS, ENCLOSING_NOISE_TOKENS):
                    assert is_noise(el, tokens) == any(w in tokens for w in words), name
        seen += find_body_container(root) is not None
    assert seen > 1_000  # the random trees do elect containers


def test_zones_sliced_from_the_counted_texts_are_the_walked_zones() -> None:
    # pieces_between reads the zone from measure's list of text nodes; without it, it walks
    # the tree: both must give the same pieces for any start and stop, on random trees and
    # on every real page (headline and container pairs, and elements picked at random)
    rnd = random.Random(14)
    sliced = 0
    for name, root in _trees():
        stats = measure(root)
        elements = [el for el in root.iter() if isinstance(el.tag, str)]
        pairs: list[tuple[etree._Element | None, etree._Element | None]] = [(None, None)]
        container = find_body_container(root, stats)
        pairs += [(None, container), (container, None)]
        for _ in range(12):
            pairs.append((rnd.choice([None, *elements]), rnd.choice([None, *elements])))
        for start, stop in pairs:
            for limit in (1, 3, 40, 80):
                walked = pieces_between(root, start, stop, limit)
                assert pieces_between(root, start, stop, limit, stats) == walked, name
            sliced += _zone(stats, start, stop) is not None
    assert sliced > 10_000  # most zones are sliced, not walked


def test_runs_measure_records_are_the_searched_runs() -> None:
    rnd = random.Random(13)
    recorded = 0
    for name, root in _trees():
        stats = measure(root)
        spans = list(stats.spans.items())
        # (a search reads the page's texts from the top: some elements of each page)
        for el, span in rnd.sample(spans, min(len(spans), 40)):
            assert span == _find_span(stats.texts, el), name
        recorded += len(spans)
        if not stats.whole:
            continue
        # every element with children outside skipped ones is recorded (none is searched)
        for el in root.iter():
            if (
                isinstance(el.tag, str)
                and len(el)
                and el.tag not in SKIP_TAGS
                and not any(a.tag in SKIP_TAGS for a in el.iterancestors())
            ):
                assert el in stats.spans, name
    assert recorded > 100_000


def test_date_groups_read_one_by_one_are_the_groupdict() -> None:
    stamps = [
        "发布时间：2023-01-20 08:37:15",
        "2024年5月20日 下午2:22 来源：新华日报",
        "05-20 09:30",
        "5月20日 中午12:30",
        "3小时前",
        "昨天 10:22",
        "2021-03-04T10:22:00+08:00",
        "2019/9/21 10:22 GMT+1",
        "22-05-18 07:00 巴黎时间",
        "刚刚",
        "Posted 2020.11.30 10:22 +0100",
    ]
    names = [*_DATETIME_RE.groupindex, "yy_S2", "md_Z", "no_such_group"]
    matched = 0
    for text in stamps:
        for m in _DATETIME_RE.finditer(text):
            matched += 1
            plain, groups = m.groupdict(), MatchGroups(m)
            for group in names:
                assert groups.get(group) == plain.get(group), (text, group)
                if group in plain:
                    assert groups[group] == plain[group], (text, group)
    assert matched >= len(stamps)


def test_block_and_piece_constructors_take_the_dataclass_fields() -> None:
    # Block and TextPiece set their slots through the slots' setters, not dataclass's
    # frozen __init__: the parameters must be the fields, with their defaults, and each
    # value must land in its own field; the instances stay frozen
    for cls in (Block, TextPiece):
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        assert [p.name for p in params] == [f.name for f in fields(cls)]
        for p, f in zip(params, fields(cls), strict=True):
            assert p.default == (inspect.Parameter.empty if f.default is MISSING else f.default)
        values = [f"v{i}" for i in range(len(params))]
        made = cls(*values)
        assert [getattr(made, f.name) for f in fields(cls)] == values
        assert made == cls(**{f.name: v for f, v in zip(fields(cls), values, strict=True)})
        assert hash(made) == hash(cls(*values))
        with pytest.raises(FrozenInstanceError):
            made.text = "x"  # type: ignore[misc]


def test_first_tagged_is_the_first_of_root_iter() -> None:
    # page_title and the e-paper's title take the first <title> child by child (lxml's
    # iterator would look ahead through the whole page): the same element as root.iter's
    tags = ("title", "p", "h1", "a", "noscript", "body", "html", "strong", "founder-title")
    found = 0
    for name, root in _trees():
        for tag in tags:
            want = next(root.iter(tag), None)
            assert first_tagged(root, tag) is want, (name, tag)
            for el in root.iter("div", "td"):  # on a subtree as well
                assert first_tagged(el, tag) is next(el.iter(tag), None), (name, tag)
                break
            found += want is not None
    assert found > 5_000


# -- session 16: fixed costs of a page cut --------------------------------------------------


def _declared_order(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``decode_html`` as it was: the declaration looked for first, on every page."""
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        encoding = _norm(bom_encoding) or "utf-8"
        return data[len(bom) :].decode(encoding, errors="replace"), encoding
    declared = _norm(http_content_type_encoding(content_type)) if content_type else None
    if declared is None:
        declared = _norm(html_body_declared_encoding(data[:4096]))
    is_ascii = data.isascii()
    if declared and declared not in ("utf-8", "ascii") and not is_ascii:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8"), "utf-8"
    if declared:
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            return data.decode(declared), declared
    for candidate in ("utf-8", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(candidate), candidate
    fallback = declared or "utf-8"
    return data.decode(fallback, errors="replace"), fallback


def test_valid_utf8_read_before_the_declaration_is_the_declared_order() -> None:
    # decode_html reads bytes that are valid UTF-8, not all ASCII, without looking for the
    # page's declaration: the answer must be the one the declaration-first order gives,
    # whatever the header and the <meta> declare, for any bytes
    charsets = (None, "utf-8", "UTF8", "gbk", "gb2312", "big5", "latin-1", "windows-1252",
                "ascii", "utf-16", "shift_jis", "no-such-charset")  # fmt: skip
    headers = (None, "text/html", "text/html; charset=gbk", "text/html; charset=utf-8",
               "text/html; charset=iso-8859-1", "text/html; charset=utf-16")  # fmt: skip
    ascii_page = (
        "<html><head>{meta}<title>Council meets</title></head><body><p>{text}</p></body></html>"
    )
    checked = 0
    for charset in charsets:
        meta = f"<meta charset='{charset}'>" if charset else ""
        chinese = _PAGE.replace("<meta charset='{charset}'>", meta)
        pages = [
            chinese.encode("utf-8"),
            chinese.encode("gb18030"),
            chinese.encode("big5", "replace"),
            chinese.encode("utf-8").replace("各区".encode(), b"\xff\xfe"),
            codecs.BOM_UTF8 + chinese.encode("utf-8"),
            ascii_page.format(meta=meta, text="The council met on Monday.").encode(),
            ascii_page.format(meta=meta, text="Café au lait, naïve").encode("latin-1"),
            ascii_page.format(meta=meta, text="Café au lait, naïve").encode("utf-8"),
        ]
        for data in pages:
            for header in headers:
                assert decode_html(data, header) == _declared_order(data, header), (charset, header)
                checked += 1
    assert checked == len(charsets) * 8 * len(headers)


def _outside_check() -> list[tuple[str, bytes]]:
    """The fixture pages outside the split's *check* part (those are never opened here)."""
    split = json.loads((FIXTURES / "split.json").read_text("utf-8"))
    return list(fixture_pages(split))


def _root_of(data: bytes) -> etree._Element:
    text, encoding = decode_html(data)
    return etree.fromstring(_as_utf8(data, text, encoding), _parser())


#: the extractor's text tests kept in an lru_cache (vocabulary.TEXT_CACHE), and the keywords'
#: folded forms kept for each configuration
_CACHED = (
    outlets.clean_source,
    credits.is_credit_line,
    credits.reporter_in,
    edges.is_info_line,
    edges.is_related_label,
    authors._lead_reporter,
    names.is_person_name,
    keywords._needles,
)


def _records(pages: list[tuple[str, bytes]], *, cold: bool) -> list[dict[str, object]]:
    out = []
    for _, data in pages:
        if cold:
            for cached in _CACHED:
                cached.cache_clear()
        try:
            out.append(
                extract_bytes(
                    data,
                    url="https://news.example.cn/2024/0531/a1.html",
                    keywords=["经济", "医院", "ＡＩ"],
                ).as_record()
            )
        except ExtractionError as err:
            out.append({"error": str(err)})
    return out


def test_cached_text_tests_answer_as_when_asked_first() -> None:
    # each cached function must be a function of its argument alone: a page's record must
    # not depend on what earlier pages asked (answers kept from them), nor the answers on
    # the cache (each one the undecorated function's)
    site = SampleSite.generate(40, private_keyword_articles=0)
    pages = _outside_check() + [
        (article.path, site.article_html(article).encode()) for article in site.articles[:40]
    ]
    cold = _records(pages, cold=True)
    assert _records(pages, cold=False) == cold
    assert _records(list(reversed(pages)), cold=False) == list(reversed(cold))
    hits = sum(cached.cache_info().hits for cached in _CACHED)
    assert hits > 1_000  # the pages of one site repeat their lines
    lines = [line for _, data in pages[:60] for line in _root_of(data).itertext() if line.strip()]
    for cached in _CACHED[:-1]:
        for line in lines:
            assert cached(line) == cached.__wrapped__(line), (cached.__name__, line)


def test_keywords_given_as_a_list_are_read_afresh_each_call() -> None:
    # the folded keywords are kept for each configuration: a list changed between calls
    # must be matched as it is now
    words = ["经济"]
    assert match_keywords(words, ["发展经济"]) == ["经济"]
    words[0] = "医院"
    assert match_keywords(words, ["发展经济"]) == []
    assert match_keywords(words, ["市医院"]) == ["医院"]
    assert match_keywords(("ＡＩ",), ["ai 大会"]) == ["ＡＩ"]
    assert match_keywords(["经济"], ["发展经济"], ["发展"]) == []


# -- session 17: a leaf's text, the body walk's furniture test ------------------------------


def _plain_text_of(el: etree._Element) -> str:
    """``text_of`` as it was: every element walked, a space after each block element."""
    parts: list[str] = []

    def collect(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            collect(child)
            if child.tail:
                parts.append(child.tail)
        if node.tag in BLOCK_TAGS:
            parts.append(" ")

    collect(el)
    return clean("".join(parts))


def _odd_leaves() -> etree._Element:
    """Leaves the random trees lack: comments, a processing instruction, zero-width spaces and
    BOMs (``clean``'s regex branch), skipped elements with text, empty and blank texts."""
    root = etree.fromstring(
        "<html><body><div><h1>\u200b标题\ufeff 二 </h1><p> \u200b </p><span></span>"
        "<script>var a = 1;</script><style>p{}</style><td>\u3000单元\xa0格\u3000</td>"
        "<strong>\n  强调\n</strong><!-- 注释 --><?pi 指令?><noscript>不计</noscript>"
        "<p>\ufeff</p><b>a\u200bb</b></div></body></html>".encode(),
        _parser(),
    )
    root.find(".//span").text = ""  # (an empty string, not None)
    return root


def test_text_of_is_the_plain_walk() -> None:
    leaves = 0
    for name, root in [*_trees(), ("odd leaves", _odd_leaves())]:
        for el in root.iter():
            assert text_of(el) == _plain_text_of(el), (name, el.tag)
            leaves += not len(el)
    assert leaves > 100_000  # most elements are leaves: the fast path is what is tested


def test_is_noise_needs_a_class_or_id() -> None:
    # body_blocks asks is_noise only of elements with a class or id: it must never be true of
    # one with neither (or with both empty)
    noisy = 0
    for name, root in _trees():
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            bare = not (el.get("class") or el.get("id"))
            assert not (bare and is_noise(el)), name
            noisy += is_noise(el)
    el = etree.Element("div", {"class": "", "id": ""})
    assert not is_noise(el)
    assert not is_noise(etree.Element("div", {"data-x": "share"}))
    assert noisy > 1_000  # the random classes include furniture words


def test_space_that_opens_a_line_makes_no_block_and_changes_none() -> None:
    # body_blocks does not keep a text of spaces that would open a line (clean() strips it, and
    # the block edges around an empty line need no flush): spaces before emphasized text, in
    # an emphasized or linked element before plain text, before a heading's text, and
    # ideographic and no-break spaces give the blocks they gave when they were kept (main's)
    html = """<html><body><div id="c">
      <p>  <b> </b>第一段，正文。</p>
      <p><span> </span><strong>小标题</strong></p>
      <p>\u3000\u3000<a href="#"> </a>第三段文字。<a href="#">链接</a></p>
      <h2>
        二级标题 </h2>
      <div> <em>\xa0</em> <strong>加粗</strong> 其后。 </div>
      <p>word<b> </b>word</p>
    </div></body></html>"""
    root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8"))
    container = next(el for el in root.iter("div") if el.get("id") == "c")
    got = [(b.text, b.tag, b.emphasized, b.linked) for b in body_blocks(container)]
    assert got == [
        ("第一段，正文。", "p", False, False),
        ("小标题", "p", True, False),
        ("第三段文字。链接", "p", False, True),
        ("二级标题", "h2", True, False),
        ("加粗 其后。", "p", False, False),
        ("word word", "p", False, False),  # (a space inside a line is kept)
    ]


def test_a_label_is_tried_against_the_province_forms_it_starts_with_longest_first() -> None:
    # resolve_label tries a label's province prefix among the forms under its first character
    # only: those are every form that can start it, in the order of the one sorted list
    gazetteer = default_gazetteer()
    forms = sorted(gazetteer._provinces, key=len, reverse=True)
    index = gazetteer._provinces_longest
    assert sorted(f for group in index.values() for f in group) == sorted(forms)
    for first, group in index.items():
        assert group == [f for f in forms if f[0] == first]
    # a longer form first, then the shorter one the label also starts with
    assert gazetteer.resolve_label("江苏省宜兴市") == ("无锡", "宜兴")
    assert gazetteer.resolve_label("江苏无锡") == ("无锡", None)
    assert gazetteer.resolve_label("苏州江苏") is None
