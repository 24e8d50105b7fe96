"""The coverage report: ``newsmon report`` and ``/api/report`` on a crawled archive (the seed article,
its 新华日报 original and a third page), and the report page in a real browser."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.cli import newsmon
from tests.support.served import ServedArchive, crawl_archive
from tests.support.webserver import WebServer
from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the browser fixture)

JIANGSU = {
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
}


def _report(archive: ServedArchive, *args: str) -> dict:
    result = newsmon(
        "report", "新春第一会", *args, "--format", "json", home=archive.home, db=archive.db
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _rows(data: dict, label: str) -> dict[tuple[str, str | None], dict]:
    return {(r["city"], r["district"]): r["periods"][label] for r in data["rows"]}


def test_province_report_lists_every_city_with_first_report_theme_source_and_reprints(
    served_archive: ServedArchive,
) -> None:
    data = _report(served_archive, "--province", "江苏", "--year", "2023")
    assert data["province"] == "江苏省"
    rows = _rows(data, "2023")
    assert {city for city, _d in rows} == JIANGSU
    wuxi = rows[("无锡", "宜兴")]["cell"]
    assert wuxi["heading"] == "激励“四敢”燃新程"
    assert wuxi["first_date"] == "2023-01-29"
    # The 新华日报 original and the portal's reprint: two articles, one of them a copy.
    assert (wuxi["articles"], wuxi["reprints"]) == (2, 1)
    assert wuxi["source"] == "新华日报"
    assert wuxi["article_id"] == served_archive.ids["original"]  # the earlier of the two
    assert ("无锡", None) not in rows  # covered through its district's section
    assert rows[("南京", None)]["cell"]["heading"] == "打响“五拼五比”发令枪"
    # 泰州 has no section of its own; the 淮安 section names 泰州 and 姜堰.
    taizhou = rows[("泰州", None)]
    assert taizhou["covered"] is False
    assert taizhou["mentioned_in"] == ["淮安"]
    assert rows[("徐州", "鼓楼")]["covered"] is True


def test_years_side_by_side_and_bad_input(served_archive: ServedArchive) -> None:
    data = _report(served_archive, "--province", "江苏", "--years", "2023,2024")
    assert [p["label"] for p in data["periods"]] == ["2023", "2024"]
    rows = _rows(data, "2024")
    assert not any(r["covered"] for r in rows.values())
    assert _rows(data, "2023")[("苏州", None)]["covered"]
    table = newsmon(
        "report",
        "新春第一会",
        "--province",
        "江苏",
        "--years",
        "2023,2024",
        home=served_archive.home,
        db=served_archive.db,
    )
    assert table.returncode == 0, table.stderr
    assert "covered: 2023 12/13 cities, 2024 0/13 cities" in table.stdout
    assert "no section; mentioned in 淮安" in table.stdout
    for bad, message in (
        (["--year", "2023", "--since", "2023-01-01"], "give one of"),
        (["--province", "火星"], "unknown province '火星'"),
        (["--years", "2023,twenty"], "not a year"),
    ):
        result = newsmon(
            "report", "新春第一会", *bad, home=served_archive.home, db=served_archive.db
        )
        assert result.returncode == 2, (bad, result.stdout)
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_csv_markdown_and_html_forms(served_archive: ServedArchive, tmp_path: Path) -> None:
    args = (
        "report",
        "新春第一会",
        "--province",
        "江苏",
        "--since",
        "2023-01-29",
        "--until",
        "2023-01-29",
    )
    out = newsmon(*args, "--format", "csv", home=served_archive.home, db=served_archive.db)
    assert out.returncode == 0, out.stderr
    records = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(records) == 13
    yixing = next(r for r in records if r["district"] == "宜兴")
    assert (yixing["period"], yixing["articles"], yixing["reprints"]) == (
        "2023-01-29–2023-01-29",
        "2",
        "1",
    )
    md = newsmon(*args, "--format", "md", home=served_archive.home, db=served_archive.db)
    assert "| 无锡·宜兴 | 2023-01-29 | 激励“四敢”燃新程 |" in md.stdout
    html = newsmon(
        *args,
        "--format",
        "html",
        "--link-base",
        "http://news.example:8080/",
        home=served_archive.home,
        db=served_archive.db,
    )
    assert html.returncode == 0, html.stderr
    assert "<script" not in html.stdout
    assert 'href="http://news.example:8080/articles/' in html.stdout
    assert html.stdout.count('class="tile tile-') == 13


def test_api_report_is_the_json_twin(served_archive: ServedArchive) -> None:
    api = served_archive.json("/api/report", keyword="新春第一会", province="江苏", year="2023")
    assert api == _report(served_archive, "--province", "江苏", "--year", "2023")
    status, _h, body = served_archive.get("/api/report", keyword="新春第一会", year="23")
    assert status == 400
    assert "not a year" in json.loads(body)["detail"]
    status, _h, body = served_archive.get("/api/report", keyword="新春第一会", province="火星")
    assert status == 400


def test_report_page_in_a_browser_map_and_table(
    browser: WebDriver,  # noqa: F811
    served_archive: ServedArchive,
) -> None:
    driver = browser
    driver.get(served_archive.url("/report"))
    driver.find_element(By.NAME, "keyword").send_keys("新春第一会")
    driver.find_element(By.NAME, "province").send_keys("江苏")
    driver.find_element(By.NAME, "year").send_keys("2023")
    driver.find_element(By.ID, "report-button").click()
    # The click submits the form; the report is a new page load, which takes its time.
    title = WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.ID, "report-title"))
    )
    assert title.text == "新春第一会 · 江苏省"
    tiles = {
        t.get_attribute("data-city"): t.get_attribute("data-status")
        for t in driver.find_elements(By.CSS_SELECTOR, "svg a.tile")
    }
    assert set(tiles) == JIANGSU
    assert tiles["南京"] == "own"
    assert tiles["无锡"] == "district"
    assert tiles["泰州"] == "mentioned"
    # Shaded by coverage: the tiles' fills differ by status.
    fill = {
        status: driver.find_element(By.CSS_SELECTOR, f"a.tile-{status} rect").value_of_css_property(
            "fill"
        )
        for status in ("own", "district", "mentioned")
    }
    assert len(set(fill.values())) == 3
    assert driver.find_elements(By.TAG_NAME, "script") == []
    rows = driver.find_elements(By.CSS_SELECTOR, "#report-table tbody tr")
    assert len(rows) == 13
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "browser-report.png"
    assert driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    # Each city links to its articles.
    driver.find_element(By.CSS_SELECTOR, 'a.tile[data-city="南京"]').click()
    WebDriverWait(driver, 30).until(expected_conditions.url_contains("city=%E5%8D%97%E4%BA%AC"))
    results = WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_all_elements_located(
            (By.CSS_SELECTOR, "#results li.result")
        )
    )
    assert len(results) == 2
    assert "city=%E5%8D%97%E4%BA%AC" in driver.current_url


def test_report_on_both_backends(web: WebServer, tmp_path: Path, db_url: str) -> None:
    crawl_archive(web, tmp_path, db_url)
    result = newsmon(
        "report", "新春第一会", "--province", "江苏", "--format", "json", home=tmp_path, db=db_url
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rows = _rows(data, "all")
    assert rows[("无锡", "宜兴")]["cell"]["articles"] == 2
    assert rows[("泰州", None)]["mentioned_in"] == ["淮安"]
    # The keyword is a substring test, with LIKE's wildcards taken literally.
    none = newsmon("report", "新春%会", "--format", "json", home=tmp_path, db=db_url)
    assert json.loads(none.stdout)["rows"] == []
