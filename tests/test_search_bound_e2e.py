"""The "N+" total beyond the bound, end to end: ``newsmon query`` and ``newsmon serve``'s page
and API, with the bound lowered through $NEWSMON_SEARCH_COUNT_LIMIT."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import newsmon, newsmon_json
from tests.support.served import ServedArchive, Server, crawl_archive
from tests.support.webserver import WebServer


def test_the_cli_and_the_page_say_n_plus_beyond_the_bound(
    web: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    crawl_archive(web, tmp_path, db)  # three articles mention 营商环境
    every = newsmon_json("query", "营商环境", "--format", "json", home=tmp_path, db=db)
    assert len(every) == 3
    exact = newsmon("query", "营商环境", "--limit", "1", home=tmp_path, db=db)
    assert "1-1 of 3; --offset for more" in exact.stdout + exact.stderr

    bound = {"NEWSMON_SEARCH_COUNT_LIMIT": "2"}
    shown = newsmon("query", "营商环境", "--limit", "1", home=tmp_path, db=db, env=bound)
    assert shown.returncode == 0, shown.stderr
    assert "1-1 of 2+; --offset for more" in shown.stdout + shown.stderr

    monkeypatch.setenv("NEWSMON_SEARCH_COUNT_LIMIT", "2")
    server = Server(db, tmp_path)
    try:
        served = ServedArchive(server.base_url, db, tmp_path)
        api = served.json("/api/articles", q="营商环境", limit=1)
        assert (api["total"], api["total_exact"]) == (2, False)
        assert [r["id"] for r in api["results"]] == [every[0]["id"]]
        status, _headers, body = served.get("/", q="营商环境")
        assert status == 200
        assert "共 2+ 篇" in body.decode("utf-8")
    finally:
        server.stop()
    monkeypatch.delenv("NEWSMON_SEARCH_COUNT_LIMIT")
    server = Server(db, tmp_path)
    try:
        _status, _headers, body = ServedArchive(server.base_url, db, tmp_path).get(
            "/", q="营商环境"
        )
        assert "共 3 篇" in body.decode("utf-8")
    finally:
        server.stop()
