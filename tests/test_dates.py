"""Table tests for date parsing and the choice of an article's publication time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.extraction.blocks import TextPiece as P
from crawler.extraction.dates import (
    SHANGHAI,
    date_from_url,
    has_time_of_day,
    parse_datetime,
    parse_stamp,
)
from crawler.extraction.published import find_published_stamp

NOW = datetime(2023, 3, 1, 12, 0, tzinfo=SHANGHAI)


def sh(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-29 10:22", sh(2023, 1, 29, 10, 22)),
        ("2023-01-29 10:22:00", sh(2023, 1, 29, 10, 22)),
        ("2023-01-29 10:22:35", sh(2023, 1, 29, 10, 22, 35)),
        ("2023年01月29日 10:22", sh(2023, 1, 29, 10, 22)),
        ("2023年1月29日10时22分", sh(2023, 1, 29, 10, 22)),
        ("2023年1月29日 10:22", sh(2023, 1, 29, 10, 22)),
        ("2019年09月11日01:53", sh(2019, 9, 11, 1, 53)),
        ("2023年1月29日 10点22分30秒", sh(2023, 1, 29, 10, 22, 30)),
        ("2023-1-9 8:05", sh(2023, 1, 9, 8, 5)),
        ("2023/01/29", sh(2023, 1, 29)),
        ("2023.01.29", sh(2023, 1, 29)),
        ("2023年1月29日", sh(2023, 1, 29)),
        ("01-29 10:22", sh(2023, 1, 29, 10, 22)),
        ("发布时间：2023-01-29 10:22", sh(2023, 1, 29, 10, 22)),
        ("时间：2019-09-18 06:23 来源：山西日报", sh(2019, 9, 18, 6, 23)),
        ("阅读 1234 2023-01-29 10:22 来源：新华日报", sh(2023, 1, 29, 10, 22)),
        ("举报 330 2019-09-07 16:28:35\u3000来源: 新京报", sh(2019, 9, 7, 16, 28, 35)),
        ("1-10月，全县投资完成246.79亿元 2016-11-22", sh(2016, 11, 22)),
    ],
)
def test_parse_datetime_forms(text: str, expected: datetime) -> None:
    assert parse_datetime(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected", "offset"),
    [
        ("2023-01-29T10:22:00+08:00", sh(2023, 1, 29, 10, 22), 8),
        ("2023-01-29T02:22:00Z", sh(2023, 1, 29, 10, 22), 0),
        ("2023-01-29T02:22:00.000Z", sh(2023, 1, 29, 10, 22), 0),
        ("2023-01-29T10:22+0800", sh(2023, 1, 29, 10, 22), 8),
        ("2023-01-28T21:22:00-05:00", sh(2023, 1, 29, 10, 22), -5),
        ("2023-01-29 02:22 UTC", sh(2023, 1, 29, 10, 22), 0),
        ("2023-01-29 10:22 GMT+8", sh(2023, 1, 29, 10, 22), 8),
        # a time range, not an offset of -11:30
        ("2023-01-29 10:22-11:30", sh(2023, 1, 29, 10, 22), 8),
        # printed zones are kept (issue 11): the same instant, in the zone the page names
        ("2023-01-29 03:22 巴黎时间", sh(2023, 1, 29, 10, 22), 1),  # CET in winter
        ("2023-07-29 04:22（巴黎时间）", sh(2023, 7, 29, 10, 22), 2),  # CEST in summer
        ("2023-01-29 03:22 UTC+1", sh(2023, 1, 29, 10, 22), 1),
        ("2023-01-29 03:22:00 +0100", sh(2023, 1, 29, 10, 22), 1),
        ("2023-01-29 02:22 (GMT)", sh(2023, 1, 29, 10, 22), 0),
        ("2023年1月29日 10:22 北京时间", sh(2023, 1, 29, 10, 22), 8),
    ],
)
def test_parse_datetime_zones(text: str, expected: datetime, offset: int) -> None:
    parsed = parse_datetime(text, now=NOW)
    assert parsed == expected  # the same instant
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=offset)  # ... in the zone printed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3小时前", NOW - timedelta(hours=3)),
        ("15分钟前", NOW - timedelta(minutes=15)),
        ("30秒前", NOW - timedelta(seconds=30)),
        ("2天前", sh(2023, 2, 27)),
        ("昨天 10:22", sh(2023, 2, 28, 10, 22)),
        ("前天 08:00", sh(2023, 2, 27, 8, 0)),
        ("今天 09:15", sh(2023, 3, 1, 9, 15)),
        ("昨日 10:22", sh(2023, 2, 28, 10, 22)),
        ("昨天", sh(2023, 2, 28)),
        ("刚刚", NOW),
    ],
)
def test_parse_datetime_relative(text: str, expected: datetime) -> None:
    assert parse_datetime(text, now=NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2023-13-01",
        "2023-02-30",
        "2023年2月29日",  # not a leap year
        "1985-01-01",
        "2099-01-01",
        "4009-20-4009",  # a hotline number
        "",
        "全县固定资产投资完成246.79亿元",
        "比分 3-1",
        "10时22分",  # a time without a date
    ],
)
def test_parse_datetime_rejects(text: str) -> None:
    assert parse_stamp(text, now=NOW) is None


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("01-29 10:22", None, sh(2023, 1, 29, 10, 22)),
        # this year's 12-31 would be in the future: last year
        ("12-31 23:00", None, sh(2022, 12, 31, 23, 0)),
        ("03-02 09:00", None, sh(2023, 3, 2, 9, 0)),  # tomorrow is within the slack
        ("10-08 12:00", sh(2019, 10, 8, 12, 0, 57), sh(2019, 10, 8, 12, 0)),
        ("发布时间：01-14 17:58", sh(2020, 1, 14, 17, 58, 59), sh(2020, 1, 14, 17, 58)),
        # the nearest year to the anchor, across New Year
        ("12-31 23:50", sh(2019, 1, 1, 0, 10), sh(2018, 12, 31, 23, 50)),
        ("9月7日 10:00", sh(2019, 9, 8), sh(2019, 9, 7, 10, 0)),
        # 今日 alone is prose, not "today"; the date in brackets is read instead
        ("今日（12月28日）有网友爆料", None, sh(2022, 12, 28)),
    ],
)
def test_year_from_context(text: str, anchor: datetime | None, expected: datetime) -> None:
    assert parse_datetime(text, now=NOW, anchor=anchor) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-29 10:22", True),
        ("2023-01-29T00:00:00+08:00", True),
        ("2023-01-29", False),
        ("2023-01-29 25:10", False),  # an impossible time leaves the date
        ("2023年1月29日", False),
        ("昨天", False),
        ("3小时前", True),
        ("没有日期", False),
    ],
)
def test_has_time_of_day(text: str, expected: bool) -> None:
    assert has_time_of_day(text, now=NOW) is expected


def test_naive_now_is_shanghai() -> None:
    assert parse_datetime("3小时前", now=datetime(2023, 3, 1, 12, 0)) == sh(2023, 3, 1, 9, 0)
    assert parse_datetime("刚刚", now=datetime(2023, 3, 1, 4, 0, tzinfo=UTC)) == sh(2023, 3, 1, 12)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://news.example.cn/202301/29/c_1129.htm", sh(2023, 1, 29)),
        ("http://news.example.cn/2023/0129/c1234.html", sh(2023, 1, 29)),
        ("https://news.sina.com.cn/c/2019-11-25/doc-ihnzahi3275702.shtml", sh(2019, 11, 25)),
        ("http://www.example.gov.cn/art/20230129/art_1.html", sh(2023, 1, 29)),
        ("http://www.example.gov.cn/yw/2023/01/29/a.html", sh(2023, 1, 29)),
        ("http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", sh(2019, 9, 18)),
        ("http://bjrb.bjd.com.cn/html/2019-09/07/content_12358059.htm", sh(2019, 9, 7)),
        ("http://www.example.cn/news/12345678.html", None),
        ("http://www.example.cn/a/20231345.html", None),  # month 13
        ("http://www.example.cn/a/2023013099.html", None),  # part of a longer number
        ("http://20230129.example.cn/a.html", None),  # host digits are not a date
        ("http://www.example.cn/a.html?date=20230129", None),
        ("", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url, now=NOW) == expected


# --------------------------------------------------------------------------- find_published

SINA_HEADER = [
    P("2018年12月28日 19:55", "date date-source top-bar-inner"),
    P("新京报", "source ent-source date-source top-bar-inner"),
    P("新浪财经APP", "fapp tool-icon"),
]
# the caller's header may run into a related-news box; its dates must not win
SINA_HEADER_WITH_RELATED = [
    *SINA_HEADER,
    P("北京“996”公司员工：只有30分钟午餐时间", "item-title item-card"),
    P("2019年09月06日", "clearfix item-text item-card no-pic"),
    P("09:38", "item-text item-card"),
]
NETEASE_HEADER = [
    P("2019-09-07 13:43:45\u3000来源:", "post_time_source post_content_main"),
    P("证券市场红周刊", "ne_article_source post_time_source"),
    P("举报", "post_jubao post_time_source"),
]
BAIJIAHAO_HEADER = [
    P("加拿大必读", "author-name author-txt"),
    P("发布时间：10-08", "date article-source article-source-bjh"),
    P("12:00", "time article-source article-source-bjh"),
    P("优质原创作者", "author-txt"),
]
GZGGW_HEADER = [
    P("发布日期：2016-11-22", "small-title clearfix"),
    P("浏览次数：", "small-title clearfix"),
    P("信息来源：", "small-title clearfix"),
    P("省发改委", "small-title clearfix"),
]
SHANXI_HEADER = [
    P("成功举办中国（山西）－巴西双向经贸投资推介会", "detail-article-title"),
    P("时间：", "article-infos-source left"),
    P("2019-09-18 06:23", "article-infos-source left"),
    P("来源：", "article-infos-source left"),
    P("山西日报", "article-infos-source left"),
]
WANGYIHAO_HEADER = [
    P("2019-05-17", "time share_box article_title"),
    P("·", "point time share_box"),
    P("苏皖城市报道", "time share_box article_title"),
]
CAPTION_HEADER = [
    P("（原标题：9月7日起这些新规施行）", "post_body"),
    P("2019-09-09 16:19:28 来源:", "post_time_source"),
]
TWO_DATES_HEADER = [
    P("更新时间：2023-01-30 08:00", "info"),
    P("发布时间：2023-01-29 10:22", "info"),
]


@pytest.mark.parametrize(
    ("case", "meta", "jsonld", "header", "url", "expected"),
    [
        (
            "netease: meta and printed time agree",
            {"article:published_time": "2019-09-07T13:43:45+08:00"},
            [],
            NETEASE_HEADER,
            None,
            sh(2019, 9, 7, 13, 43, 45),
        ),
        (
            "sina: the printed time wins over the CMS meta within a day",
            {"article:published_time": "2018-12-28T19:56:29+08:00"},
            [],
            SINA_HEADER,
            None,
            sh(2018, 12, 28, 19, 55),
        ),
        (
            "sina: related-news dates in the header are not taken",
            {"article:published_time": "2018-12-28T19:56:29+08:00"},
            [],
            SINA_HEADER_WITH_RELATED,
            None,
            sh(2018, 12, 28, 19, 55),
        ),
        (
            "sina without metas: the hinted, first date",
            {},
            [],
            SINA_HEADER_WITH_RELATED,
            None,
            sh(2018, 12, 28, 19, 55),
        ),
        (
            "baijiahao: year-less date split over two pieces, year from dateUpdate",
            {"dateupdate": "2019-10-08 12:00:57"},
            [],
            BAIJIAHAO_HEADER,
            None,
            sh(2019, 10, 8, 12, 0),
        ),
        (
            "gzggw: date-only header keeps the meta's time",
            {"pubdate": "2016-11-22 09:53", "maketime": "2019-03-22 12:28:37"},
            [],
            GZGGW_HEADER,
            None,
            sh(2016, 11, 22, 9, 53),
        ),
        (
            "date-only meta completed by the header's time on the same day",
            {"pubdate": "2019-09-18"},
            [],
            SHANXI_HEADER,
            None,
            sh(2019, 9, 18, 6, 23),
        ),
        (
            "a header date far after the meta is some other date",
            {"article:published_time": "2019-09-16T08:00:00+08:00"},
            [],
            SHANXI_HEADER,
            None,
            sh(2019, 9, 16, 8, 0),
        ),
        (
            # times27: a labelled date on no day of the meta's instant, before it, wins (the
            # meta dates another event: a record's later edit, a board's posting)
            "a labelled header date before a meta of no printed day wins",
            {"article:published_time": "2019-09-20T08:00:00+08:00"},
            [],
            SHANXI_HEADER,
            None,
            sh(2019, 9, 18, 6, 23),
        ),
        (
            "... unless the JSON-LD restates the meta",
            {"article:published_time": "2019-09-20T08:00:00+08:00"},
            [{"datePublished": "2019-09-20T08:00:00+08:00"}],
            SHANXI_HEADER,
            None,
            sh(2019, 9, 20, 8, 0),
        ),
        (
            "no metas: the labelled header time",
            {},
            [],
            SHANXI_HEADER,
            None,
            sh(2019, 9, 18, 6, 23),
        ),
        (
            "wangyihao: a date-only header",
            {"author": "网易"},
            [],
            WANGYIHAO_HEADER,
            None,
            sh(2019, 5, 17),
        ),
        (
            "a date in a caption is not taken over the info line's",
            {},
            [],
            CAPTION_HEADER,
            None,
            sh(2019, 9, 9, 16, 19, 28),
        ),
        (
            "发布时间 beats an earlier 更新时间",
            {},
            [],
            TWO_DATES_HEADER,
            None,
            sh(2023, 1, 29, 10, 22),
        ),
        (
            "JSON-LD datePublished",
            {},
            [{"@type": "NewsArticle", "datePublished": "2023-01-29T02:22:00Z"}],
            [],
            None,
            sh(2023, 1, 29, 10, 22),
        ),
        (
            "meta before JSON-LD",
            {"og:release_date": "2023-01-28 09:00"},
            [{"datePublished": "2023-01-29T02:22:00Z"}],
            [],
            None,
            sh(2023, 1, 28, 9, 0),
        ),
        (
            "an update meta only when nothing else says",
            {"article:modified_time": "2023-01-30T08:00:00+08:00"},
            [],
            [],
            "http://example.cn/2023-01-29/a.html",
            sh(2023, 1, 30, 8, 0),
        ),
        (
            "the URL date last",
            {},
            [],
            [P("举报", "")],
            "http://example.cn/202301/29/a.html",
            sh(2023, 1, 29),
        ),
        (
            "relative time in the info line",
            {},
            [],
            [P("新华日报", "source"), P("3小时前", "time")],
            None,
            sh(2023, 3, 1, 9, 0),
        ),
        (
            "a meta in the future is ignored",
            {"pubdate": "2023-06-01 00:00"},
            [],
            [P("2023-01-29 10:22", "time")],
            None,
            sh(2023, 1, 29, 10, 22),
        ),
        ("nothing at all", {}, [], [], None, None),
    ],
)
def test_find_published(
    case: str,
    meta: dict[str, str],
    jsonld: list[dict[str, str]],
    header: list[P],
    url: str | None,
    expected: datetime | None,
) -> None:
    stamp = find_published_stamp(meta=meta, jsonld=jsonld, header=header, url=url, now=NOW)
    found = stamp.when if stamp else None
    assert found == expected, case


@pytest.mark.parametrize(
    ("meta", "header", "has_time"),
    [
        ({}, WANGYIHAO_HEADER, False),
        ({"pubdate": "2016-11-22 09:53"}, GZGGW_HEADER, True),
        ({"pubdate": "2016-11-22"}, GZGGW_HEADER, False),
        ({}, SHANXI_HEADER, True),
    ],
)
def test_find_published_tells_date_only(
    meta: dict[str, str], header: list[P], has_time: bool
) -> None:
    stamp = find_published_stamp(meta=meta, jsonld=[], header=header, url=None, now=NOW)
    assert stamp is not None
    assert stamp.has_time is has_time
