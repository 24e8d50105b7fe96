"""``newsmon serve``: the JSON API and the server-rendered pages, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import re

import pytest

from tests.support.archive_pages import HOSTILE_TITLE
from tests.support.served import ServedArchive


def test_search_with_a_city_filter_answers_total_and_article_records(
    served_archive: ServedArchive,
) -> None:
    data = served_archive.json("/api/articles", q="营商环境", city="镇江")
    assert data["total"] == 2
    records = data["results"]
    assert {r["id"] for r in records} == {
        served_archive.ids["original"],
        served_archive.ids["reprint"],
    }
    for key in ("url", "title", "published_at", "source", "author", "site_name", "breadcrumb"):
        assert key in records[0]
    assert {"body", "sections", "keywords", "reprint_group"} <= set(records[0])
    assert records[0]["published_at"] == "2023-01-29T10:22:00+08:00"  # newest first
    assert records[1]["site_name"] == "新华日报"
    assert len(records[0]["sections"]) == 12


def test_filters_dates_source_limit_offset_unique(served_archive: ServedArchive) -> None:
    everything = served_archive.json("/api/articles", q="营商环境")
    assert everything["total"] == 3
    assert served_archive.json("/api/articles", source="新华日报")["total"] == 2
    assert served_archive.json("/api/articles", since="2023-01-30")["total"] == 1
    assert served_archive.json("/api/articles", until="2023-01-29")["total"] == 2
    assert served_archive.json("/api/articles", since="2023-01-29T08:00:00+08:00")["total"] == 2
    first = served_archive.json("/api/articles", q="营商环境", limit=1)
    second = served_archive.json("/api/articles", q="营商环境", limit=1, offset=1)
    assert (first["total"], len(first["results"]), second["offset"]) == (3, 1, 1)
    assert first["results"][0]["id"] != second["results"][0]["id"]
    unique = served_archive.json("/api/articles", q="擂响战鼓", unique="true")
    assert [r["id"] for r in unique["results"]] == [served_archive.ids["original"]]
    relevance = served_archive.json("/api/articles", q="营商环境", sort="relevance")
    assert relevance["results"][0]["id"] == served_archive.ids["hostile"]  # in its title


def test_one_article_with_its_reprints(served_archive: ServedArchive) -> None:
    ids = served_archive.ids
    record = served_archive.json(f"/api/articles/{ids['reprint']}")
    assert record["title"] == "“新春第一会”,擂响战鼓再出征"
    assert [c["id"] for c in record["reprints"]] == [ids["original"]]
    assert record["earliest"]["id"] == ids["original"]
    assert record["earliest"]["published_at"] == "2023-01-29T06:30:00+08:00"
    status, headers, body = served_archive.get("/api/articles/999999")
    assert status == 404
    assert headers["content-type"].startswith("application/json")
    assert b"no article 999999" in body


def test_group_by_counts(served_archive: ServedArchive) -> None:
    by_city = served_archive.json("/api/counts", by="city", q="营商环境")
    assert by_city["by"] == "city"
    counts = {c["key"]: c["count"] for c in by_city["counts"]}
    assert counts["镇江"] == 2
    assert counts["无锡"] == 2
    by_day = served_archive.json("/api/counts", by="day")["counts"]
    assert by_day == [{"key": "2023-01-29", "count": 2}, {"key": "2023-02-01", "count": 1}]
    by_source = served_archive.json("/api/counts", by="source", unique="true")["counts"]
    assert {"key": "新华日报", "count": 1} in by_source
    sites = {c["key"] for c in served_archive.json("/api/counts", by="site")["counts"]}
    assert {"新华日报", "苏州都市网"} <= sites


def test_runs(served_archive: ServedArchive) -> None:
    runs = served_archive.json("/api/runs")["results"]
    assert runs[0]["articles_new"] == 3
    assert runs[0]["status"] == "ok"


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/articles", {"since": "yesterday"}, 400),
        ("/api/articles", {"limit": "0"}, 422),
        ("/api/articles", {"limit": "100000"}, 422),
        ("/api/articles", {"offset": "-1"}, 422),
        ("/api/articles", {"sort": "random"}, 422),
        ("/api/counts", {"by": "author"}, 422),
        ("/api/articles/abc", {}, 422),
        ("/articles/999999", {}, 404),
    ],
)
def test_bad_requests_get_4xx_not_5xx(
    served_archive: ServedArchive, path: str, params: dict[str, str], status: int
) -> None:
    assert served_archive.get(path, **params)[0] == status


def test_hostile_query_strings_do_not_break_the_api(served_archive: ServedArchive) -> None:
    for q in ['"', "NEAR(营商 环境)", "营商*", "'; DROP TABLE articles; --", "%", "\\", "<script>"]:
        status, _h, _b = served_archive.get("/api/articles", q=q)
        assert status == 200, q
    assert served_archive.json("/api/articles")["total"] == 3


def test_openapi_documents_the_api(served_archive: ServedArchive) -> None:
    spec = served_archive.json("/openapi.json")
    assert spec["openapi"].startswith("3.")
    search = spec["paths"]["/api/articles"]["get"]
    params = {p["name"] for p in search["parameters"]}
    assert {"q", "city", "source", "since", "until", "limit", "offset", "sort", "unique"} <= params
    assert "/api/articles/{article_id}" in spec["paths"]
    assert "/api/counts" in spec["paths"]
    assert "/api/runs" in spec["paths"]
    assert "ArticleList" in spec["components"]["schemas"]


def _html(served_archive: ServedArchive, path: str, **params: str) -> str:
    status, headers, body = served_archive.get(path, **params)
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "script-src" not in headers["content-security-policy"]  # so: default-src 'none'
    assert "default-src 'none'" in headers["content-security-policy"]
    return body.decode("utf-8")


def test_search_page_highlights_matches_and_draws_the_charts(served_archive: ServedArchive) -> None:
    html = _html(served_archive, "/", q="营商环境", city="镇江")
    assert 'value="营商环境"' in html
    assert "<mark>营商环境</mark>" in html
    assert html.count('class="result"') == 2
    assert 'id="chart-day"' in html
    assert 'id="chart-city"' in html
    assert ">2023-01-29</text>" in html
    assert ">镇江</text>" in html
    assert f'href="/articles/{served_archive.ids["original"]}?q=' in html


def test_article_page_shows_sections_by_city_and_the_copies(served_archive: ServedArchive) -> None:
    html = _html(served_archive, f"/articles/{served_archive.ids['reprint']}", q="营商环境")
    assert 'data-city="无锡"' in html
    assert "无锡宜兴:激励“四敢”燃新程" in html
    assert 'data-city="淮安"' in html
    assert "姜堰" in html
    assert "<mark>营商环境</mark>" in html
    assert 'id="reprints"' in html
    assert "(最早 earliest)" in html


def test_runs_page(served_archive: ServedArchive) -> None:
    html = _html(served_archive, "/runs")
    assert 'id="runs"' in html
    assert re.search(r'<td class="status-ok">ok( \([^<]*\))?</td>', html)
    assert "<td>3 / 0 / 0</td>" in html


def test_scraped_markup_is_escaped_everywhere(served_archive: ServedArchive) -> None:
    pages = [
        _html(served_archive, "/", q="营商环境"),
        _html(served_archive, "/", q="<script>"),
        _html(served_archive, f"/articles/{served_archive.ids['hostile']}", q="<img"),
    ]
    for html in pages:
        assert not re.search(r"<script", html, re.I)
        assert not re.search(r"<img", html, re.I)
        assert "&lt;script&gt;" in html or "&lt;img" in html
    article = pages[2]
    escaped = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    assert f"<title>{escaped} — newsmon</title>" in article
    assert "<mark>&lt;img</mark>" in article
