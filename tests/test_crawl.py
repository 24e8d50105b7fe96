"""``newsmon crawl`` end to end: real Scrapy crawls of pages served on 127.0.0.1, into a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import Article, Section, make_engine
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()
SEED_PATH = "/news/jiangsu/2023/0129/8121.html"
FAST = ["--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_TIMEOUT=2"]


def _counts(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        articles = session.scalar(select(func.count()).select_from(Article))
        sections = session.scalar(select(func.count()).select_from(Section))
    engine.dispose()
    return int(articles or 0), int(sections or 0)


def test_crawl_twice_stores_one_article_and_the_second_run_says_unchanged(
    web: WebServer, db_url: str, tmp_path: Path
) -> None:
    url = web.add(SEED_PATH, SEED)
    first = newsmon("crawl", url, home=tmp_path, db=db_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("new")
    second = newsmon("crawl", url, home=tmp_path, db=db_url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("unchanged")
    assert _counts(db_url) == (1, 12)

    runs = newsmon_json("runs", "--format", "json", home=tmp_path, db=db_url)
    assert [r["status"] for r in runs] == ["ok", "ok"]
    latest, earliest = runs
    assert (earliest["articles_new"], earliest["articles_unchanged"]) == (1, 0)
    assert (latest["articles_new"], latest["articles_unchanged"]) == (0, 1)
    assert latest["requests"] >= 1
    assert latest["stats"]["responses_by_status"]["200"] >= 1
    assert latest["new_matches"] == 0
    assert earliest["new_matches"] == 1


def test_query_finds_the_crawled_article_by_keyword_and_city(
    web: WebServer, tmp_path: Path
) -> None:
    url = web.add(SEED_PATH, SEED)
    assert newsmon("crawl", url, home=tmp_path).returncode == 0  # default SQLite under NEWSMON_HOME
    assert (tmp_path / "newsmon.sqlite3").exists()

    results = newsmon_json(
        "query", "新春第一会", "--city", "无锡", "--format", "json", home=tmp_path
    )
    assert len(results) == 1
    record = results[0]
    assert record["id"] == 1
    assert record["url"] == url
    assert record["title"] == "“新春第一会”,擂响战鼓再出征"
    assert record["published_at"] == "2023-01-29T10:22:00+08:00"
    assert record["keywords"] == ["新春第一会"]
    wuxi = [s for s in record["sections"] if s["city"] == "无锡"]
    assert [(s["label"], s["district"]) for s in wuxi] == [("无锡宜兴", "宜兴")]

    assert newsmon_json("query", "--city", "拉萨", "--format", "json", home=tmp_path) == []
    assert newsmon_json("query", "--since", "2023-01-30", "--format", "json", home=tmp_path) == []
    assert (
        len(newsmon_json("query", "--until", "2023-01-29", "--format", "json", home=tmp_path)) == 1
    )
    assert (
        len(newsmon_json("query", "--source", "新华日报", "--format", "json", home=tmp_path)) == 1
    )

    shown = newsmon("show", "1", home=tmp_path)
    assert shown.returncode == 0
    assert "无锡/宜兴" in shown.stdout
    assert "姜堰" in shown.stdout
    by_url = newsmon_json("show", url, "--format", "json", home=tmp_path)
    assert by_url["id"] == 1


def _bad_routes(web: WebServer) -> dict[str, tuple[str, str]]:
    """name -> (URL, words the failure line must contain)."""
    return {
        "404": (web.add("/gone.html", b"<h1>Not here</h1>", status=404), "HTTP 404"),
        "500": (web.add("/broken.html", b"oops", status=500), "HTTP 500"),
        "timeout": (web.add("/slow.html", SEED, delay=4), "timed out"),
        "pdf": (
            web.add("/paper.pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
            "not an HTML page",
        ),
        "empty": (web.add("/empty.html", b""), "empty"),
        "unparseable": (web.add("/junk.html", bytes(range(256)) * 20), "not an article"),
        "listing": (
            web.add(
                "/list.html",
                "<html><body><ul>"
                + "".join(f'<li><a href="/a{i}.html">第{i}条新闻</a></li>' for i in range(30))
                + "</ul></body></html>",
            ),
            "not an article",
        ),
        "redirect-loop": (web.redirect("/loop-a.html", "/loop-b.html"), "redirect"),
    }


@pytest.fixture(scope="module")
def good_archive(
    web: WebServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, dict[str, object]]:
    """(home, database URL, the stored article as `show` prints it) after one good crawl.

    One archive for the module's bad-page cases: each case's failed run is one more run in
    it, so every case also checks that the failures before it left the article alone."""
    home = tmp_path_factory.mktemp("bad-pages")
    db = f"sqlite:///{home / 'archive.sqlite3'}"
    good = web.add(SEED_PATH, SEED)
    assert newsmon("crawl", good, home=home, db=db).returncode == 0
    return home, db, newsmon_json("show", "1", "--format", "json", home=home, db=db)


@pytest.mark.parametrize(
    "case", ["404", "500", "timeout", "pdf", "empty", "unparseable", "listing", "redirect-loop"]
)
def test_bad_pages_fail_clearly_and_leave_the_archive_alone(
    web: WebServer, good_archive: tuple[Path, str, dict[str, object]], case: str
) -> None:
    home, db, before = good_archive
    web.redirect("/loop-b.html", "/loop-a.html")
    url, words = _bad_routes(web)[case]
    result = newsmon("crawl", url, *FAST, home=home, db=db)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(ln for ln in result.stderr.splitlines() if ln.startswith(url))
    assert words.lower() in line.lower()
    assert _counts(db) == (1, 12)
    assert newsmon_json("show", "1", "--format", "json", home=home, db=db) == before
    run = newsmon_json("runs", "--format", "json", home=home, db=db)[0]
    assert run["errors"] >= 1
    assert run["articles_new"] == 0
    assert any(e["url"] == url for e in run["error_list"])


def test_redirect_chain_is_followed_and_stored_under_the_final_url(
    web: WebServer, tmp_path: Path
) -> None:
    final = web.add(SEED_PATH, SEED)
    web.redirect("/r2", SEED_PATH, status=301)
    start = web.redirect("/r1", "/r2")
    result = newsmon("crawl", start, home=tmp_path)
    assert result.returncode == 0, result.stderr
    record = newsmon_json("show", "1", "--format", "json", home=tmp_path)
    assert record["url"] == final


def test_one_bad_url_among_good_ones_fails_the_command_but_stores_the_rest(
    web: WebServer, tmp_path: Path
) -> None:
    good = web.add(SEED_PATH, SEED)
    bad = web.add("/gone.html", b"", status=404)
    result = newsmon("crawl", good, bad, *FAST, home=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("new")
    assert [ln for ln in result.stderr.splitlines() if ln.startswith("http")] == [
        f"{bad}: HTTP 404 Not Found"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "ftp://example.org/a.html"], "not an http(s) URL"),
        (["crawl", "file:///etc/passwd"], "not an http(s) URL"),
        (["extract", "/no/such/file.html"], "no such file"),
        (["show", "42"], "no article 42"),
        (["query", "--since", "yesterday"], "not a date"),
        (
            [
                "crawl",
                "http://127.0.0.1:9/x.html",
                "--db",
                "postgresql+psycopg://u:secret@127.0.0.1:9/x",
            ],
            "cannot open database",
        ),
    ],
)
def test_bad_input_gets_one_line_and_a_non_zero_exit(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = newsmon(*args, home=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr


def test_query_table_and_csv_formats(web: WebServer, tmp_path: Path) -> None:
    url = web.add(SEED_PATH, SEED)
    assert newsmon("crawl", url, home=tmp_path).returncode == 0
    table = newsmon("query", "新春第一会", home=tmp_path)
    assert table.returncode == 0
    header, row = table.stdout.splitlines()
    assert header.split() == ["ID", "PUBLISHED", "SOURCE", "TITLE", "CITIES"]
    assert row.startswith("1 ")
    assert "2023-01-29 10:22" in row
    assert "新华日报" in row
    csv_out = newsmon("query", "--format", "csv", home=tmp_path).stdout.splitlines()
    assert csv_out[0].startswith("id,url,title,published_at")
    assert len(csv_out) == 2
    lines = newsmon("query", "--format", "jsonl", home=tmp_path).stdout.splitlines()
    assert len(lines) == 1
    assert newsmon("query", "不存在的词", home=tmp_path).stdout.strip() == "no articles match"
    runs = newsmon("runs", home=tmp_path)
    assert runs.returncode == 0
    first_run = runs.stdout.splitlines()[1].split()
    assert first_run[0] == "1"
    assert "ok" in first_run
    # The time is Beijing time, and the header says so (a server's clock is often UTC).
    assert runs.stdout.splitlines()[0].split()[:3] == ["ID", "STARTED", "(UTC+8)"]
    started = newsmon_json("runs", "--format", "json", home=tmp_path)[0]["started_at"]
    assert started.endswith("+08:00")
    assert " ".join(first_run[1:3]) == started[:19].replace("T", " ")


def test_reextract_brings_stored_rows_up_to_date_without_fetching(
    web: WebServer, tmp_path: Path
) -> None:
    url = web.add(SEED_PATH, SEED)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert newsmon("crawl", url, home=tmp_path, db=db).returncode == 0
    # What an older extractor might have left behind: a wrong title, no sections.
    engine = make_engine(db)
    with Session(engine) as session, session.begin():
        row = session.scalars(select(Article)).one()
        row.title, row.extractor_version, row.content_hash = "旧标题", 0, 1
        row.sections = []
    engine.dispose()
    web.reset()  # nothing is served any more: re-extraction must not fetch

    result = newsmon("reextract", home=tmp_path, db=db)

    assert result.returncode == 0, result.stderr
    assert "1 changed" in result.stdout
    record = newsmon_json("show", "1", "--format", "json", home=tmp_path, db=db)
    assert record["title"] == "“新春第一会”,擂响战鼓再出征"
    assert len(record["sections"]) == 12
    assert web.requests == []
    again = newsmon("reextract", home=tmp_path, db=db)
    assert "0 changed, 1 unchanged" in again.stdout
