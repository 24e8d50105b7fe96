"""Listing families on saved pages (tests/fixtures/listing), site scope, and real crawls of them.

Unit tests read the fixtures; the crawl tests serve Hanweb and e-paper pages from
the local web server and run ``newsmon monitor`` on them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.listing import Scope, decode, read_listing, registrable_domain
from crawler.listing.jsonapi import ItemPathError, values_at
from crawler.listing.trs import next_page as trs_next_page
from storage import Article, make_engine
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

FIXTURES = Path(__file__).parent / "fixtures" / "listing"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _read(name: str, url: str, **kwargs: Any) -> Any:
    return read_listing(decode((FIXTURES / name).read_bytes()), url, **kwargs)


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_each_family_finds_its_list_and_next_page(case: dict[str, Any]) -> None:
    result = _read(case["file"], case["url"])
    for url in case["main"]:
        assert url in result.links
    # the main list in page order
    assert [u for u in result.links if u in case["main"]] == case["main"]
    assert result.next_page == case["next_page"]
    assert result.pages == case["pages"]
    scope = Scope.of_site([case["url"]])
    assert all(scope.contains(u) for u in result.links)
    reasons = {d.url: d.reason for d in result.dropped}
    assert not set(reasons) & set(result.links)
    if result.next_page:
        assert reasons.get(result.next_page, "navigation") == "navigation"


def test_gov_cn_hosts_are_separate_sites() -> None:
    assert registrable_domain("http://www.jiangsu.gov.cn/col/col60096/index.html") == (
        "jiangsu.gov.cn"
    )
    assert registrable_domain("http://www.jschina.com.cn/") == "jschina.com.cn"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    scope = Scope.of_site(["http://www.jiangsu.gov.cn/col/col60096/index.html"])
    assert scope.contains("http://jsnews.jiangsu.gov.cn/art/2023/1/29/art_1_2.html")
    for other in (
        "http://www.gov.cn/",
        "http://www.nanjing.gov.cn/njxx/202301/t20230128_1.html",
        "http://www.suzhou.gov.cn/",
        "http://jiangsu.gov.cn.evil.com/art/1.html",
        "http://notjiangsu.gov.cn/",
    ):
        assert not scope.contains(other), other
    result = _read("hanweb_column.html", "http://www.jiangsu.gov.cn/col/col60096/index.html")
    off_site = {d.url for d in result.dropped if d.reason == "off-site"}
    assert "http://www.nanjing.gov.cn/njxx/202301/t20230128_3818001.html" in off_site
    assert {
        "http://www.suzhou.gov.cn/",
        "http://www.wuxi.gov.cn/",
        "http://www.gov.cn/",
    } <= off_site


def test_allowed_domains_narrow_the_scope() -> None:
    url = "http://www.jiangsu.gov.cn/col/col60096/index.html"
    narrowed = Scope.of_site([url], ["www.jiangsu.gov.cn"])
    assert narrowed.contains("http://www.jiangsu.gov.cn/art/1.html")
    assert not narrowed.contains("http://jsnews.jiangsu.gov.cn/art/1.html")
    result = _read("hanweb_column.html", url, scope=Scope.of_site([url], ["jsnews.jiangsu.gov.cn"]))
    assert result.links == []


def test_trs_pager_forms() -> None:
    base = "http://www.wuxi.gov.cn/xwzx/zwdt/index.html"
    assert trs_next_page('createPageHTML(25, 0, "index", "html");', base) == (
        "http://www.wuxi.gov.cn/xwzx/zwdt/index_1.html"
    )
    assert trs_next_page("createPageHTML(3, 2, 'index', 'shtml');", base) is None  # last page
    script = "var countPage = 7;var currentPage = 1;createPageHTML(countPage, currentPage, 'index', 'htm');"
    assert trs_next_page(script, base) == "http://www.wuxi.gov.cn/xwzx/zwdt/index_2.htm"
    assert trs_next_page("function createPageHTML(_nPageCount, _nCurrIndex, a, b) {}", base) is None


def test_extensionless_articles_need_a_headline() -> None:
    result = _read("portal_extensionless.html", "https://new.dajiang.com.cn/ch/js")
    reasons = {d.url: d.reason for d in result.dropped}
    assert "https://new.dajiang.com.cn/rain/a/20230129A0ABCD00" in result.links
    assert (
        reasons["https://new.dajiang.com.cn/tag/1234567"] == "not an article"
    )  # "新春第一会": a tag
    assert reasons["https://user.dajiang.com.cn/login"] == "not an article"


def test_a_site_pattern_decides_within_the_scope() -> None:
    url = "http://www.cznews.com.cn/a/jiangsu/list_12_1.html"
    result = _read("dede_list.html", url, pattern=re.compile(r"/a/jiangsu/\d{4}/"))
    assert len(result.links) == 6
    assert all("/a/jiangsu/" in u for u in result.links)


def test_robots_verdict_is_a_reason() -> None:
    url = "http://www.cznews.com.cn/a/jiangsu/list_12_1.html"
    result = _read("dede_list.html", url, allowed=lambda u: not u.endswith("8121.html"))
    assert "http://www.cznews.com.cn/a/jiangsu/2023/0129/8121.html" not in result.links
    assert {d.reason for d in result.dropped if d.url.endswith("8121.html")} == {"robots"}


def test_json_item_paths() -> None:
    data = json.loads((FIXTURES / "api_list.json").read_text(encoding="utf-8"))
    assert values_at(data, "data.list[].url")[:2] == [
        "https://www.yancheng-news.cn/detail/88121",
        "/detail/88117",
    ]
    assert values_at(data, "data.missing[].url") == []
    assert values_at({"a": [[{"u": 1}], [{"u": 2}]]}, "a[][].u") == [1, 2]
    with pytest.raises(ItemPathError):
        values_at(data, "data..url")


# --------------------------------------------------------------------------- the CLI


def test_links_command_on_saved_pages(tmp_path: Path) -> None:
    page = FIXTURES / "trs_index.html"
    out = newsmon_json(
        "links", str(page), "--url", "http://www.wuxi.gov.cn/xwzx/zwdt/index.html",
        "--format", "json", home=tmp_path,
    )  # fmt: skip
    assert set(out) >= {"links", "next_page", "dropped"}
    assert len(out["links"]) == 10
    assert out["next_page"] == "http://www.wuxi.gov.cn/xwzx/zwdt/index_1.html"
    assert {"url": "http://www.nj.gov.cn/", "reason": "off-site"} in out["dropped"]
    table = newsmon("links", str(page), home=tmp_path)
    assert table.returncode == 2
    assert "--url" in table.stderr


def test_links_command_reads_a_declared_json_api(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sites]]\nname = "zj"\nlisting_api = "https://fzggw.zj.gov.cn/api-gateway/unit?page={page}"\n'
        'item_url = "data.html"\n',
        encoding="utf-8",
    )
    out = newsmon_json(
        "links", str(FIXTURES / "zj_unit_api.json"), "--site", "zj", "--config", str(config),
        "--url", "https://fzggw.zj.gov.cn/api-gateway/unit?page=1", "--format", "json",
        home=tmp_path,
    )  # fmt: skip
    assert len(out["links"]) == 15
    assert out["links"][6] == "https://fzggw.zj.gov.cn/art/2025/11/4/art_1229123351_2578716.html"


def test_links_command_over_http_honours_robots(tmp_path: Path, web: WebServer) -> None:
    web.add(
        "/robots.txt", "User-agent: *\nDisallow: /a/jiangsu/2023/0128/\n", content_type="text/plain"
    )
    web.add(
        "/a/jiangsu/list_12_1.html",
        (FIXTURES / "dede_list.html").read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    out = newsmon_json(
        "links", web.url("/a/jiangsu/list_12_1.html"), "--format", "json", home=tmp_path
    )
    robots = [d["url"] for d in out["dropped"] if d["reason"] == "robots"]
    assert sorted(urlsplit(u).path for u in robots) == [
        "/a/jiangsu/2023/0128/8102.html",
        "/a/jiangsu/2023/0128/8107.html",
    ]
    assert out["next_page"] == web.url("/a/jiangsu/list_12_2.html")


def test_config_check_online_counts_and_flags(tmp_path: Path, web: WebServer) -> None:
    web.add(
        "/col/col60096/index.html",
        (FIXTURES / "hanweb_column.html").read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    web.add(
        "/empty.html",
        "<html><body><a href='/about.html'>关于我们</a></body></html>",
        content_type="text/html",
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[sites]]\nname = "good"\nstart_urls = ["{web.url("/col/col60096/index.html")}"]\n'
        f'[[sites]]\nname = "bad"\nstart_urls = ["{web.url("/empty.html")}"]\n',
        encoding="utf-8",
    )
    result = newsmon("config", "check", "--online", "--config", str(config), home=tmp_path)
    assert result.returncode == 1, result.stderr
    assert (
        "good: "
        + web.url("/col/col60096/index.html")
        + ": 8 article links, next page "
        + web.url("/module/web/jpage/dataproxy.jsp")
        in result.stdout
    )
    assert "bad: NO ARTICLE LINKS" in result.stdout
    assert "good: NO ARTICLE LINKS" not in result.stdout


# --------------------------------------------------------------------------- real crawls

ARTICLE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><div class="info">发布时间：{day} 09:30 来源：本报</div>
<div class="content"><p>{title}。会议强调，要以新春第一会为起点，坚定信心、真抓实干，奋力推动高质量发展取得新成效。</p>
<p>会议要求，各地各部门要把思想和行动统一到决策部署上来，狠抓项目建设，持续优化营商环境，全力以赴拼经济、促发展。</p>
<p>会议指出，要弘扬“四敢”精神，敢为善为、勇挑大梁，在新的一年里交出高分报表。</p></div></body></html>"""


def _article(web: WebServer, path: str, title: str, day: str = "2023-01-29") -> None:
    web.add(path, ARTICLE.format(title=title, day=day), content_type="text/html; charset=utf-8")


def _stored_paths(db: str) -> set[str]:
    engine = make_engine(db)
    with Session(engine) as session:
        urls = session.execute(select(Article.url)).scalars().all()
    engine.dispose()
    return {urlsplit(u).path for u in urls}


def _site(tmp_path: Path, body: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        '[monitor]\nkeywords = ["新春第一会"]\n[[sites]]\n' + body
        + "concurrency = 8\ndownload_delay = 0\nautothrottle = false\n",
        encoding="utf-8",
    )  # fmt: skip
    return config


def test_crawl_a_hanweb_column_and_its_data_proxy(
    tmp_path: Path, web: WebServer, sqlite_url: str
) -> None:
    column = (FIXTURES / "hanweb_column.html").read_text(encoding="utf-8")
    web.add("/col/col60096/index.html", column, content_type="text/html; charset=utf-8")
    proxy = read_listing(column, web.url("/col/col60096/index.html")).next_page
    assert proxy is not None
    parts = urlsplit(proxy)
    web.add(
        f"{parts.path}?{unquote(parts.query)}",
        (FIXTURES / "hanweb_dataproxy_2.xml").read_bytes(),
        content_type="text/xml; charset=utf-8",
    )
    web.add(
        parts.path,
        "<datastore><totalpage>43</totalpage><recordset></recordset></datastore>",
        content_type="text/xml",
    )
    expected = set()
    for record in re.findall(
        r'href="(/art/[^"]+)" title="([^"]+)"',
        column + (FIXTURES / "hanweb_dataproxy_2.xml").read_text(encoding="utf-8"),
    ):
        _article(web, record[0], record[1])
        expected.add(record[0])
    config = _site(
        tmp_path, f'name = "jsgov"\nstart_urls = ["{web.url("/col/col60096/index.html")}"]\n'
    )
    result = newsmon("monitor", "--config", str(config), home=tmp_path, db=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert _stored_paths(sqlite_url) == expected
    assert len(expected) == 11  # 8 on the column page, 3 from the proxy's page 2
    assert web.hits(parts.path) >= 2  # page 2, then page 3 (empty: paging stops)


def test_crawl_an_epaper_range_every_page(tmp_path: Path, web: WebServer, sqlite_url: str) -> None:
    folder = "/html/2023-01/29"
    web.add(
        f"{folder}/node_1.htm",
        (FIXTURES / "epaper_node_1.htm").read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    web.add(
        f"{folder}/node_2.htm",
        (FIXTURES / "epaper_node_2.htm").read_bytes(),
        content_type="text/html; charset=utf-8",
    )
    for n in (3, 4):
        web.add(
            f"{folder}/node_{n}.htm",
            f'<html><body><a id=pageLink href="node_1.htm">第A01版</a><area href="content_18304{n}.htm"></body></html>',
            content_type="text/html",
        )
    titles = {
        "183021": "无锡召开新春第一会", "183022": "市委常委会召开会议",
        "183023": "春节假期全市消费市场活力涌动", "183024": "图片新闻：新春开工",
        "183031": "江阴召开新春第一会", "183032": "宜兴激励四敢燃新程",
        "183043": "市县区新闻一则", "183044": "广告版新闻一则",
    }  # fmt: skip
    for cid, title in titles.items():
        _article(web, f"{folder}/content_{cid}.htm", title)
    config = _site(
        tmp_path,
        f'name = "wxrb"\nepaper = "{web.base_url}/html/{{date:%Y-%m}}/{{date:%d}}/node_1.htm"\n',
    )
    result = newsmon(
        "monitor", "wxrb", "--since", "2023-01-28", "--until", "2023-01-29",
        "--config", str(config), home=tmp_path, db=sqlite_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _stored_paths(sqlite_url) == {f"{folder}/content_{cid}.htm" for cid in titles}
    assert web.hits("/html/2023-01/28/node_1.htm") == 1  # asked for, not out: left, not an error
    assert "new match" in result.stdout
