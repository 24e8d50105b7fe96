"""The web page in a real browser: Debian's headless Chromium driven by Selenium, on 127.0.0.1.

The browser and its driver come from Debian (`chromium`, `chromium-driver`; scripts/test
installs them). Both paths are given to Selenium so that Selenium Manager never looks
for, or downloads, a browser of its own. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.cli import ROOT
from tests.support.archive_pages import HOSTILE_TITLE
from tests.support.ci import unavailable
from tests.support.served import ServedArchive

CHROMIUM = Path(os.environ.get("NEWSMON_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("NEWSMON_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        unavailable(
            f"no browser: {', '.join(missing)} missing (apt-get install chromium chromium-driver)"
        )
    # Belt and braces: were Selenium Manager consulted at all, it must stay offline.
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_search_click_through_to_the_article_and_screenshot(
    browser: WebDriver, served_archive: ServedArchive
) -> None:
    driver = browser
    wait = WebDriverWait(driver, 20)
    driver.get(served_archive.base_url + "/")
    box = driver.find_element(By.NAME, "q")
    box.send_keys("营商环境")
    driver.find_element(By.NAME, "city").send_keys("镇江")
    driver.find_element(By.ID, "search-button").click()

    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results li.result")))
    results = driver.find_elements(By.CSS_SELECTOR, "#results li.result")
    assert len(results) == 2
    assert "共 2 篇" in driver.find_element(By.ID, "summary").text
    marks = driver.find_elements(By.CSS_SELECTOR, "#results mark")
    assert marks
    assert {m.text for m in marks} == {"营商环境"}
    bars = driver.find_elements(By.CSS_SELECTOR, "#chart-city rect")
    assert bars
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "browser-search.png"))

    link = results[1].find_element(By.CSS_SELECTOR, "a.title")  # the older: the 新华日报 original
    link.click()
    wait.until(ec.presence_of_element_located((By.ID, "article-title")))
    assert f"/articles/{served_archive.ids['original']}" in driver.current_url
    title = driver.find_element(By.ID, "article-title").text
    assert title == "“新春第一会”,擂响战鼓再出征"
    cities = [
        s.get_attribute("data-city") for s in driver.find_elements(By.CSS_SELECTOR, "section.city")
    ]
    assert cities[:3] == ["南京", "苏州", "无锡"]
    copies = driver.find_element(By.ID, "reprints").text
    assert "苏州都市网" in copies
    assert driver.find_elements(By.CSS_SELECTOR, "#article-body mark")
    shot = ARTIFACTS / "browser-article.png"
    assert driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_markup_in_scraped_text_renders_inert(
    browser: WebDriver, served_archive: ServedArchive
) -> None:
    driver = browser
    driver.get(served_archive.url(f"/articles/{served_archive.ids['hostile']}"))
    assert driver.title == f"{HOSTILE_TITLE} — newsmon"
    assert driver.find_element(By.ID, "article-title").text == HOSTILE_TITLE
    body = driver.find_element(By.ID, "article-body").text
    assert "<script>document.title='pwned'</script>" in body
    assert "<img src=x onerror=alert(3)>" in body
    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert driver.find_elements(By.CSS_SELECTOR, "[onerror]") == []
    assert driver.find_elements(By.TAG_NAME, "img") == []
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text

    driver.get(served_archive.url("/", q="<script>"))
    assert driver.find_element(By.NAME, "q").get_attribute("value") == "<script>"
    assert driver.find_elements(By.TAG_NAME, "script") == []
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "browser-hostile.png"))
