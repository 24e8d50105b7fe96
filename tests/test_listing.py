"""Listing-page heuristics: which links are articles, where the next page is; sitemaps and feeds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.listing import (
    article_links,
    feed_entries,
    looks_like_article_url,
    next_page,
    sitemap_entries,
)

BASE = "http://news.example.cn/jiangsu/list_1.html"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.cn/news/2023/0129/8121.html", True),
        ("http://x.cn/news/202301/29/c123.shtml", True),
        ("http://x.cn/art/2023-01-29/content_5.html", True),
        ("http://x.cn/col/col60096/art/t20230129_12345.html", True),
        ("http://x.cn/content/12345.html", True),
        ("http://x.cn/a/detail?id=99", True),
        ("http://x.cn/news/list_2.html", False),
        ("http://x.cn/news/index_3.html", False),
        ("http://x.cn/news/", False),
        ("http://x.cn/about.html", False),
        ("http://x.cn/2023/0129/photo.jpg", False),
        ("http://x.cn/files/2023/0129/report.pdf", False),
    ],
)
def test_article_url_shapes(url: str, expected: bool) -> None:
    assert looks_like_article_url(url) is expected


def test_article_links_keep_headlines_on_the_site_in_order() -> None:
    html = """<html><body>
      <a href="/">首页</a> <a href="/news/list_2.html">下一页</a>
      <a href="/news/2023/0129/2.html">南京召开新春第一会部署全年工作</a>
      <a href="http://news.example.cn/news/2023/0129/1.html#top">苏州以四敢步伐勇毅前行</a>
      <a href="/news/2023/0129/2.html">南京召开新春第一会部署全年工作</a>
      <a href="http://other.cn/news/2023/0129/9.html">别的网站的新闻标题在这里</a>
      <a href="/news/2023/0129/3.html">更多</a>
      <a href="javascript:void(0)">无锡宜兴激励四敢燃新程</a>
    </body></html>"""
    links = article_links(Selector(text=html), BASE)
    assert links == [
        "http://news.example.cn/news/2023/0129/2.html",
        "http://news.example.cn/news/2023/0129/1.html",
    ]


def test_a_site_pattern_overrides_the_heuristics() -> None:
    import re

    html = (
        '<a href="/p/abc">x</a><a href="/news/2023/0129/2.html">南京召开新春第一会部署全年工作</a>'
    )
    assert article_links(Selector(text=html), BASE, re.compile(r"/p/\w+$")) == [
        "http://news.example.cn/p/abc"
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="list_2.html">下一页</a>', "http://news.example.cn/jiangsu/list_2.html"),
        ('<a href="?page=2">下页</a>', "http://news.example.cn/jiangsu/list_1.html?page=2"),
        ('<a href="list_2.html" rel="next">2</a>', "http://news.example.cn/jiangsu/list_2.html"),
        (
            '<a href="list_1.html">1</a> <a href="list_2.html">2</a> <a href="list_3.html">3</a>',
            "http://news.example.cn/jiangsu/list_2.html",
        ),
        ('<a href="list_3.html">3</a>', None),
        ('<a href="/other.html">Next</a>', "http://news.example.cn/other.html"),
        ("<p>no paging</p>", None),
        # the first of <link rel=next> and a 下一页 link in the page's order wins
        (
            '<a href="list_2.html">下一页</a><link rel="next" href="list_9.html">',
            "http://news.example.cn/jiangsu/list_2.html",
        ),
        (
            '<link rel="next" href="list_9.html"><a href="list_2.html">下一页</a>',
            "http://news.example.cn/jiangsu/list_9.html",
        ),
        # a 下一页 link to the page itself is passed over for the next one
        (
            '<a href="list_1.html">下一页</a> <a href="list_3.html"><span>下一页</span> &gt;</a>',
            "http://news.example.cn/jiangsu/list_3.html",
        ),
    ],
)
def test_next_page(html: str, expected: str | None) -> None:
    assert next_page(Selector(text=f"<html><body>{html}</body></html>"), BASE) == expected


def test_numbered_pages_follow_from_the_page_number() -> None:
    html = '<a href="list_2.html">2</a><a href="list_3.html">3</a>'
    assert next_page(Selector(text=html), "http://news.example.cn/jiangsu/list_2.html") == (
        "http://news.example.cn/jiangsu/list_3.html"
    )


def test_sitemap_and_index() -> None:
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>http://x.cn/news/2023/0129/1.html</loc><lastmod>2023-01-29T10:22:00+08:00</lastmod></url>
      <url><loc>http://x.cn/news/2023/0129/2.html</loc></url></urlset>"""
    kind, entries = sitemap_entries(urlset)
    assert kind == "urlset"
    assert [e.url for e in entries] == [
        "http://x.cn/news/2023/0129/1.html",
        "http://x.cn/news/2023/0129/2.html",
    ]
    assert entries[0].modified == datetime(2023, 1, 29, 2, 22, tzinfo=UTC)
    assert entries[1].modified is None
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://x.cn/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    assert sitemap_entries(index)[0] == "sitemapindex"


def test_rss_and_atom_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>a</title><link>http://x.cn/news/1.html</link>
      <pubDate>Sun, 29 Jan 2023 10:22:00 +0800</pubDate></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/news/2.html"/>
      <updated>2023-01-29T02:22:00Z</updated></entry></feed>"""
    assert [(e.url, e.modified) for e in feed_entries(rss, "http://x.cn/rss.xml")] == [
        ("http://x.cn/news/1.html", datetime(2023, 1, 29, 2, 22, tzinfo=UTC))
    ]
    assert [(e.url, e.modified) for e in feed_entries(atom, "http://x.cn/atom.xml")] == [
        ("http://x.cn/news/2.html", datetime(2023, 1, 29, 2, 22, tzinfo=UTC))
    ]
    assert feed_entries(b"not xml at all", "http://x.cn/") == []


def test_links_resolve_as_urljoin_and_w3lib_do_though_results_are_kept() -> None:
    """``absolute`` resolves against the base's folder and keeps its results: every href,
    against every base, must still come out as ``safe_url_string(urljoin(base, href))``
    (fragment dropped; None unless http(s)) — a query-only href reads the whole base."""
    from urllib.parse import urljoin

    from w3lib.url import safe_url_string

    from crawler.listing.urls import absolute

    bases = [
        "http://news.example.cn/jiangsu/list_1.html",
        "http://news.example.cn/jiangsu/list_2.html?page=2#top",
        "http://news.example.cn/jiangsu/",
        "http://news.example.cn",
        "https://news.example.cn/a/b/c.php?id=3&x=/y/z",
        "http://news.example.cn/a;v=1/b.html;p?q",
        "http://news.example.cn:8080/无锡/新闻.html",
        "http://user@news.example.cn/a//b/",
    ]
    hrefs = [
        "list_3.html", "./list_3.html", "../other/8121.html", "../../../x.html", "/root.html",
        "//cdn.example.cn/p.html", "https://other.cn/a.html", "?page=3", "?", "#frag",
        "a.html#frag", "a.html?x=1#f", ";params", "新闻/宜兴.html", " list_4.html ",
        "javascript:void(0)", "mailto:a@b.cn", "ftp://files.example.cn/x", "a%20b.html",
        "a b.html", "..", ".", "./", "/", "http:relative.html", "HTTP://UPPER.CN/A.HTML",
    ]  # fmt: skip
    for _ in range(2):  # the second time from what was kept
        for base in bases:
            for href in hrefs:
                text = href.strip()
                expected: str | None = None
                if text and not text.startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
                    url = safe_url_string(urljoin(base, text))
                    expected = (
                        url.split("#", 1)[0] if url.startswith(("http://", "https://")) else None
                    )
                assert absolute(href, base) == expected, (href, base)
