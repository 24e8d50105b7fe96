"""``newsmon monitor`` on a generated portal served on 127.0.0.1: discovery, flags, incremental re-crawls."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from newsmon.sample_site import SampleSite
from storage import Article, CrawlRun, make_engine
from storage.models import Match
from tests.cli import newsmon, newsmon_json
from tests.support.webserver import WebServer

SITE_CONFIG = """\
[monitor]
keywords = ["新春第一会"]

[[sites]]
name = "jiangnan"
start_urls = ["{base}/news/list_1.html"]
sitemaps = [{sitemaps}]
feeds = [{feeds}]
max_listing_pages = 20
concurrency = 32
download_delay = 0
autothrottle = false
"""


def _config(
    tmp_path: Path, web: WebServer, *, sitemap: bool = True, feed: bool = True, start: bool = True
) -> Path:
    text = SITE_CONFIG.format(
        base=web.base_url,
        sitemaps=f'"{web.url("/sitemap.xml")}"' if sitemap else "",
        feeds=f'"{web.url("/rss.xml")}"' if feed else "",
    )
    if not start:
        text = text.replace(f'start_urls = ["{web.base_url}/news/list_1.html"]', "start_urls = []")
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _stored(db: str) -> dict[str, list[str]]:
    """URL path -> keywords flagged, for every stored article."""
    engine = make_engine(db)
    with Session(engine) as session:
        rows = session.execute(select(Article.url, Article.keywords)).all()
        matches = session.execute(select(Match.article_id)).all()
    engine.dispose()
    assert len(matches) == sum(len(kws) for _, kws in rows)  # one matches row per flag
    return {"/" + url.split("/", 3)[3]: list(kws) for url, kws in rows}


def _article_requests(web: WebServer, since: int) -> list[str]:
    return [r.path for r in web.requests[since:] if r.path.startswith(("/news/20", "/private/"))]


@pytest.fixture
def site(web: WebServer, tmp_path: Path) -> SampleSite:
    generated = SampleSite.generate(
        45, keyword_every=5, decoy_every=3, gbk_every=4, private_keyword_articles=2
    )
    generated.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    return generated


def test_first_run_stores_every_reachable_article_and_flags_exactly_the_keyword_ones(
    web: WebServer, site: SampleSite, tmp_path: Path
) -> None:
    config = _config(tmp_path, web)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"

    result = newsmon("monitor", "--config", str(config), home=tmp_path, db=db)

    assert result.returncode == 0, result.stderr
    stored = _stored(db)
    public = {a.path for a in site.listed}
    assert set(stored) == public  # every listed article, GBK ones included, nothing from /private/
    assert {p for p, kws in stored.items() if kws} == site.keyword_paths()
    assert all(kws == ["新春第一会"] for kws in stored.values() if kws)
    decoys = {a.path for a in site.articles if a.kind == "decoy"}
    assert decoys
    assert not any(stored[p] for p in decoys)
    assert not [p for p in _article_requests(web, 0) if p.startswith("/private/")]
    gbk = [a for a in site.listed if a.gbk]
    assert gbk
    assert all(p in stored for p in (a.path for a in gbk))
    new_lines = [ln for ln in result.stdout.splitlines() if ln.startswith("new match")]
    assert len(new_lines) == len(site.keyword_paths())

    run = newsmon_json("runs", "--format", "json", home=tmp_path, db=db)[0]
    assert run["status"] == "ok"
    assert run["site"] == "jiangnan"
    assert run["articles_new"] == len(public)
    assert run["new_matches"] == len(site.keyword_paths())
    assert run["errors"] == 0
    assert run["stats"]["responses_by_status"]["200"] >= len(public)


def test_no_change_means_no_article_request_and_one_new_article_means_one_new_match(
    web: WebServer, site: SampleSite, tmp_path: Path
) -> None:
    config = _config(tmp_path, web)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert newsmon("monitor", "--config", str(config), home=tmp_path, db=db).returncode == 0
    before = len(web.requests)

    second = newsmon("monitor", "--config", str(config), home=tmp_path, db=db)

    assert second.returncode == 0, second.stderr
    assert _article_requests(web, before) == []
    assert [r.path for r in web.requests[before:] if r.path.startswith("/news/list_")] == [
        "/news/list_1.html"
    ]
    assert "new match" not in second.stdout
    run = newsmon_json("runs", "--format", "json", home=tmp_path, db=db)[0]
    assert (run["articles_new"], run["new_matches"], run["errors"]) == (0, 0, 0)

    added = site.add("keyword")
    site.write(tmp_path / "site", web.base_url)
    before = len(web.requests)

    third = newsmon("monitor", "--config", str(config), home=tmp_path, db=db)

    assert third.returncode == 0, third.stderr
    assert _article_requests(web, before) == [added.path]
    assert [ln.split()[-1] for ln in third.stdout.splitlines() if ln.startswith("new match")] == [
        web.url(added.path)
    ]
    run = newsmon_json("runs", "--format", "json", home=tmp_path, db=db)[0]
    assert (run["articles_new"], run["new_matches"]) == (1, 1)


def test_listing_pages_are_fetched_conditionally_and_a_304_ends_there(
    web: WebServer, site: SampleSite, tmp_path: Path
) -> None:
    config = _config(tmp_path, web, sitemap=False, feed=False)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    web.add(
        "/news/list_1.html",
        site.listing_html(1),
        etag="v1",
        last_modified="Sun, 29 Jan 2023 02:22:00 GMT",
    )
    assert newsmon("monitor", "--config", str(config), home=tmp_path, db=db).returncode == 0
    before = len(web.requests)

    result = newsmon("monitor", "--config", str(config), home=tmp_path, db=db)

    assert result.returncode == 0, result.stderr
    fetched = [r for r in web.requests[before:] if r.path != "/robots.txt"]
    assert [r.path for r in fetched] == ["/news/list_1.html"]
    assert fetched[0].headers.get("If-None-Match") == '"v1"'
    assert fetched[0].headers.get("If-Modified-Since") == "Sun, 29 Jan 2023 02:22:00 GMT"
    run = newsmon_json("runs", "--format", "json", home=tmp_path, db=db)[0]
    assert run["stats"]["responses_by_status"]["304"] == 1
    assert run["articles_new"] == 0


def test_sitemap_and_feed_alone_find_the_articles_and_honour_lastmod(
    web: WebServer, site: SampleSite, tmp_path: Path
) -> None:
    config = _config(tmp_path, web, start=False, feed=False)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert newsmon("monitor", "--config", str(config), home=tmp_path, db=db).returncode == 0
    assert set(_stored(db)) == {a.path for a in site.listed}

    # The sitemap now says one article changed after we fetched it: only that one is fetched again.
    changed = site.listed[3]
    sitemap = site.sitemap_xml(web.base_url).replace(
        f"<loc>{web.base_url}{changed.path}</loc><lastmod>{changed.published.isoformat()}",
        f"<loc>{web.base_url}{changed.path}</loc><lastmod>2099-01-01T00:00:00+08:00",
    )
    web.add("/sitemap.xml", sitemap, content_type="application/xml")
    before = len(web.requests)
    assert newsmon("monitor", "--config", str(config), home=tmp_path, db=db).returncode == 0
    assert _article_requests(web, before) == [changed.path]

    feed_only = _config(tmp_path, web, start=False, sitemap=False)
    db2 = f"sqlite:///{tmp_path / 'feed.sqlite3'}"
    assert newsmon("monitor", "--config", str(feed_only), home=tmp_path, db=db2).returncode == 0
    assert set(_stored(db2)) == {a.path for a in site.listed[:30]}


def test_rematch_flags_the_archive_for_a_new_keyword_without_fetching(
    web: WebServer, site: SampleSite, tmp_path: Path
) -> None:
    config = _config(tmp_path, web, sitemap=False, feed=False)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert newsmon("monitor", "--config", str(config), home=tmp_path, db=db).returncode == 0
    config.write_text(
        config.read_text("utf-8").replace(
            'keywords = ["新春第一会"]', 'keywords = ["新春第一会", "第一会"]'
        ),
        "utf-8",
    )
    before = len(web.requests)

    result = newsmon("rematch", "--config", str(config), home=tmp_path, db=db)

    assert result.returncode == 0, result.stderr
    assert web.requests[before:] == []
    stored = _stored(db)
    decoys_with_word = {a.path for a in site.listed if a.kind == "decoy"}
    assert {
        p for p, kws in stored.items() if "第一会" in kws
    } == site.keyword_paths() | decoys_with_word
    assert all(
        kws == ["新春第一会", "第一会"] for p, kws in stored.items() if p in site.keyword_paths()
    )
    again = newsmon("rematch", "--config", str(config), home=tmp_path, db=db)
    assert "new match" not in again.stdout


def test_a_site_that_refuses_us_fails_its_run(web: WebServer, tmp_path: Path) -> None:
    web.add("/news/list_1.html", "Forbidden", status=403)
    config = _config(tmp_path, web, sitemap=False, feed=False)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"

    result = newsmon(
        "monitor", "--config", str(config), "--set", "RETRY_TIMES=0", home=tmp_path, db=db
    )

    assert result.returncode == 1
    assert "HTTP 403" in result.stderr
    run = newsmon_json("runs", "--format", "json", home=tmp_path, db=db)[0]
    assert run["status"] == "failed"
    assert "could be fetched" in run["reason"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["monitor"], "no [[sites]] configured"),
        (["monitor", "nosuchsite", "--config", "CONFIG"], "no site named 'nosuchsite'"),
    ],
)
def test_monitor_usage_errors(
    web: WebServer, tmp_path: Path, args: list[str], message: str
) -> None:
    config = _config(tmp_path, web)
    home = tmp_path / "home"  # no config.toml of its own
    home.mkdir()
    result = newsmon(*[str(config) if a == "CONFIG" else a for a in args], home=home)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_after_a_run_that_did_not_end_ok_the_next_one_pages_to_full_depth(
    web: WebServer, site: SampleSite, tmp_path: Path
) -> None:
    config = _config(tmp_path, web, sitemap=False, feed=False)
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert newsmon("monitor", "--config", str(config), home=tmp_path, db=db).returncode == 0
    # What a run killed after listing page 1 leaves: page 1's articles stored, the rest not,
    # and its row no longer `ok`.
    deeper = {a.path for a in site.listed[20:]}
    engine = make_engine(db)
    with Session(engine) as session, session.begin():
        for row in session.scalars(select(Article)):
            if "/" + row.url.split("/", 3)[3] in deeper:
                session.delete(row)
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None
        run.status = "interrupted"
    engine.dispose()
    before = len(web.requests)

    result = newsmon("monitor", "--config", str(config), home=tmp_path, db=db)

    assert result.returncode == 0, result.stderr
    assert set(_article_requests(web, before)) == deeper
    assert set(_stored(db)) == {a.path for a in site.listed}
