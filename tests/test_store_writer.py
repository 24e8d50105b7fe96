"""The store's writes in a writer process (crawler.store_writer, ``NEWSMON_STORE_PROCESS=1``):
the same archive, rows and run counts as writes in the crawling process; a writer that dies
loses nothing.

Real crawls (``newsmon monitor``) of the generated portal served on 127.0.0.1; the writer's
death is real (``NEWSMON_STORE_FAULT`` makes the writer process exit on a marked batch). The
failures of the database itself with a writer (the disk full, PostgreSQL restarted or down)
are in tests/test_faults_ours.py, run both ways.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.store_writer import store_process
from newsmon.sample_site import SampleSite
from storage import Article, CrawlRun, make_engine
from storage.models import Match
from tests.support.sample_runs import monitor, serve_sample
from tests.support.webserver import WebServer

ARTICLES = 30
#: batches of 4: a crawl of 30 articles hands the writer 8 batches, queued behind each other
SMALL_BATCHES = ("--set", "NEWSMON_STORE_BATCH=4")


@pytest.fixture
def site(web: WebServer, tmp_path: Path) -> SampleSite:
    # one download at a time, extraction in the crawling process (_monitor): articles reach
    # the store in the order they were fetched
    return serve_sample(web, tmp_path, ARTICLES, concurrency=1)


def _monitor(tmp_path: Path, name: str, **env: str) -> tuple[str, dict[str, Any]]:
    env.setdefault("NEWSMON_EXTRACT_PROCESSES", "0")
    return monitor(tmp_path, name, *SMALL_BATCHES, **env)


def _archive(db: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[str, Any]]:
    """(articles in id order, with their fetch time last; matches; the last run's stats)."""
    engine = make_engine(db)
    with Session(engine) as session:
        articles = session.execute(
            select(
                Article.url, Article.title, Article.body, Article.keywords, Article.fetched_at
            ).order_by(Article.id)
        ).all()
        matches = session.execute(
            select(Article.url, Match.keyword)
            .join(Match, Match.article_id == Article.id)
            .order_by(Article.url)
        ).all()
        stats = session.scalars(select(CrawlRun.stats).order_by(CrawlRun.id.desc())).first()
    engine.dispose()
    return [tuple(a) for a in articles], [tuple(m) for m in matches], stats or {}


def test_a_writer_process_stores_what_the_crawling_process_stores_in_the_same_order(
    site: SampleSite, tmp_path: Path
) -> None:
    _, here = _monitor(tmp_path, "in-process", NEWSMON_STORE_PROCESS="0")
    stderr, written = _monitor(tmp_path, "writer", NEWSMON_STORE_PROCESS="1")

    assert written["returncode"] == 0, stderr
    assert written["status"] == "ok"
    for count in ("articles_new", "articles_updated", "articles_unchanged", "new_matches"):
        assert written[count] == here[count], count
    assert written["articles_new"] == ARTICLES
    assert written["new_matches"] > 0
    articles, matches, stats = _archive(written["db"])
    articles_here, matches_here, stats_here = _archive(here["db"])
    assert sorted(a[:-1] for a in articles) == sorted(a[:-1] for a in articles_here)
    assert _in_fetch_order(articles)  # stored in the order they reached the store
    assert matches == matches_here
    # written by another process than the crawl's
    store = stats["store"]
    assert isinstance(store["writer_pid"], int)
    assert store["writer_pid"] not in (store["crawl_pid"], os.getpid())
    assert "store" not in stats_here


def test_a_writer_process_that_dies_loses_nothing(site: SampleSite, tmp_path: Path) -> None:
    victim = site.listed[9]  # the writer dies on the batch that holds it
    marker = f"/{victim.number}.html"

    stderr, run = _monitor(
        tmp_path,
        "killed",
        NEWSMON_STORE_PROCESS="1",
        NEWSMON_STORE_FAULT=f"exit:{marker}",
    )

    assert run["returncode"] == 0, stderr
    assert run["status"] == "ok"
    assert run["errors"] == 0
    assert run["articles_new"] == ARTICLES
    articles, _, stats = _archive(run["db"])
    assert len(articles) == ARTICLES
    assert any(url.endswith(marker) for url, *_ in articles)
    assert stats["store"]["writer_failed"] == 1
    assert "the store's writer process failed" in stderr
    assert "stored by the crawling process" in stderr
    assert _in_fetch_order(articles)  # the rest stored by the crawling process, in order


def _in_fetch_order(articles: list[tuple[Any, ...]]) -> bool:
    fetched = [a[-1] for a in articles]
    return fetched == sorted(fetched)


def test_store_process_is_read_from_settings_then_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NEWSMON_STORE_PROCESS", raising=False)
    assert store_process({}) is False
    monkeypatch.setenv("NEWSMON_STORE_PROCESS", "1")
    assert store_process({}) is True
    assert store_process({"NEWSMON_STORE_PROCESS": "0"}) is False
    with pytest.raises(ValueError, match="NEWSMON_STORE_PROCESS must be 0 or 1"):
        store_process({"NEWSMON_STORE_PROCESS": "two"})
