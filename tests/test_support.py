"""Tests of the test infrastructure: the local web server and the database fixtures."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.cli import ROOT
from tests.conftest import pg_prefix
from tests.support import WebServer


def fetch(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request with no redirect following: (status, headers, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=body or None, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


# -- routes, status, headers ----------------------------------------------------------------


def test_serves_added_page_with_status_and_headers(web: WebServer) -> None:
    url = web.add("/a.html", "<p>你好</p>", headers={"X-Test": "yes"})

    status, headers, body = fetch(url)

    assert status == 200
    assert body.decode("utf-8") == "<p>你好</p>"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))
    assert headers["X-Test"] == "yes"


@pytest.mark.parametrize("status", [201, 404, 500, 503])
def test_serves_given_status(web: WebServer, status: int) -> None:
    web.add("/s", "x", status=status)
    assert fetch(web.url("/s"))[0] == status


def test_str_body_is_encoded_with_the_content_type_charset(web: WebServer) -> None:
    web.add("/gbk.html", "新春第一会", content_type="text/html; charset=gbk")
    assert fetch(web.url("/gbk.html"))[2] == "新春第一会".encode("gbk")


def test_unknown_path_and_robots_txt_are_404(web: WebServer) -> None:
    assert fetch(web.url("/robots.txt"))[0] == 404
    assert fetch(web.url("/nowhere"))[0] == 404
    assert web.hits("/robots.txt") == 1

    web.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    assert fetch(web.url("/robots.txt"))[0] == 200


def test_route_with_query_wins_over_bare_path(web: WebServer) -> None:
    web.add("/list", "any page")
    web.add("/list?page=2", "page two")

    assert fetch(web.url("/list?page=2"))[2] == b"page two"
    assert fetch(web.url("/list?page=3"))[2] == b"any page"
    assert web.hits("/list") == 2
    assert web.hits("/list?page=2") == 1


def test_chinese_path_matches_however_encoded(web: WebServer) -> None:
    url = web.add("/新闻/苏州.html", "苏州")

    assert url == web.base_url + "/%E6%96%B0%E9%97%BB/%E8%8B%8F%E5%B7%9E.html"
    assert fetch(url)[0] == 200
    assert fetch(web.url("/%E6%96%B0%E9%97%BB/%E8%8B%8F%E5%B7%9E.html"))[0] == 200
    assert web.hits("/新闻/苏州.html") == 2
    assert web.requests[0].path == "/新闻/苏州.html"


# -- redirects, directories ------------------------------------------------------------------


@pytest.mark.parametrize("code", [301, 302, 307])
def test_redirect(web: WebServer, code: int) -> None:
    web.add("/new", "here")
    web.redirect("/old", "/new", status=code)

    status, headers, _ = fetch(web.url("/old"))

    assert status == code
    assert headers["Location"] == web.url("/new")


def test_redirect_to_chinese_path_is_percent_encoded(web: WebServer) -> None:
    web.redirect("/go", "/文章")
    assert fetch(web.url("/go"))[1]["Location"] == web.base_url + "/%E6%96%87%E7%AB%A0"


def test_add_dir_serves_files_and_refuses_escapes(web: WebServer, tmp_path: Path) -> None:
    (tmp_path / "site" / "news").mkdir(parents=True)
    (tmp_path / "site" / "news" / "1.html").write_bytes("<p>一</p>".encode())
    (tmp_path / "site" / "index.html").write_text("home")
    (tmp_path / "secret.txt").write_text("secret")
    web.add_dir("/site", tmp_path / "site")

    status, headers, body = fetch(web.url("/site/news/1.html"))
    assert (status, body.decode()) == (200, "<p>一</p>")
    assert headers["Content-Type"] == "text/html"
    assert fetch(web.url("/site/"))[2] == b"home"
    assert fetch(web.url("/site/../secret.txt"))[0] == 404
    assert fetch(web.url("/site/missing.html"))[0] == 404


# -- timing and broken connections -----------------------------------------------------------


def test_delay(web: WebServer) -> None:
    web.add("/slow", "ok", delay=0.5)
    started = time.monotonic()
    assert fetch(web.url("/slow"))[0] == 200
    assert time.monotonic() - started >= 0.5


def test_trickle_sends_at_the_given_rate(web: WebServer) -> None:
    web.add("/trickle", b"x" * 200, trickle=400)
    started = time.monotonic()
    assert fetch(web.url("/trickle"))[2] == b"x" * 200
    assert time.monotonic() - started >= 0.45


def test_drop_after_closes_mid_body(web: WebServer) -> None:
    web.add("/cut", b"y" * 1000, drop_after=100)
    with pytest.raises(http.client.IncompleteRead) as excinfo:
        fetch(web.url("/cut"))
    assert excinfo.value.partial == b"y" * 100


# -- conditional GET -----------------------------------------------------------------------------


def test_etag_answers_304_to_matching_if_none_match(web: WebServer) -> None:
    web.add("/e", "body", etag="v1")

    status, headers, _ = fetch(web.url("/e"))
    assert (status, headers["ETag"]) == (200, '"v1"')

    status, headers, body = fetch(web.url("/e"), headers={"If-None-Match": '"v1"'})
    assert (status, headers["ETag"], body) == (304, '"v1"', b"")
    assert fetch(web.url("/e"), headers={"If-None-Match": 'W/"v1"'})[0] == 304
    assert fetch(web.url("/e"), headers={"If-None-Match": '"v0"'})[0] == 200
    assert web.requests[1].headers["if-none-match"] == '"v1"'


def test_last_modified_answers_304_when_not_newer(web: WebServer) -> None:
    changed = datetime(2023, 1, 28, 9, 30, tzinfo=UTC)
    web.add("/m", "body", last_modified=changed)

    status, headers, _ = fetch(web.url("/m"))
    assert (status, headers["Last-Modified"]) == (200, "Sat, 28 Jan 2023 09:30:00 GMT")

    same = format_datetime(changed, usegmt=True)
    older = format_datetime(datetime(2023, 1, 1, tzinfo=UTC), usegmt=True)
    assert fetch(web.url("/m"), headers={"If-Modified-Since": same})[0] == 304
    assert fetch(web.url("/m"), headers={"If-Modified-Since": older})[0] == 200


def test_if_none_match_wins_over_if_modified_since(web: WebServer) -> None:
    web.add("/both", "body", etag="v2", last_modified="Sat, 28 Jan 2023 09:30:00 GMT")
    headers = {"If-None-Match": '"v1"', "If-Modified-Since": "Sun, 29 Jan 2023 00:00:00 GMT"}
    assert fetch(web.url("/both"), headers=headers)[0] == 200


# -- what the server records -----------------------------------------------------------------


def test_records_requests_and_hits(web: WebServer) -> None:
    web.add("/hook", "", status=204)

    fetch(web.url("/hook"), method="POST", body=b'{"a": 1}', headers={"User-Agent": "newsmon"})
    fetch(web.url("/hook?x=1"))

    assert web.hits("/hook") == 2
    assert web.hits("/elsewhere") == 0
    first, second = web.requests_for("/hook")
    assert (first.method, first.body, first.headers["user-agent"]) == (
        "POST",
        b'{"a": 1}',
        "newsmon",
    )
    assert (second.method, second.path) == ("GET", "/hook?x=1")


def test_reset_forgets_routes_and_counts(web: WebServer) -> None:
    web.add("/r", "x")
    fetch(web.url("/r"))
    web.reset()
    assert (web.hits("/r"), web.requests) == (0, [])
    assert fetch(web.url("/r"))[0] == 404


def test_each_test_starts_with_a_clean_server(web: WebServer) -> None:
    # test_reset_forgets_routes_and_counts and others ran before on the same server.
    assert web.requests == []
    assert fetch(web.url("/a.html"))[0] == 404


# -- databases ------------------------------------------------------------------------------------


def test_sqlite_url_is_a_fresh_file(sqlite_url: str, tmp_path: Path) -> None:
    assert sqlite_url == f"sqlite:///{tmp_path}/newsmon.sqlite3"
    assert not (tmp_path / "newsmon.sqlite3").exists()


def test_pg_url_is_a_fresh_connectable_database(pg_url: str) -> None:
    import psycopg

    assert pg_url.startswith("postgresql+psycopg://")
    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url.replace("+psycopg", "", 1)) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
        conn.execute("CREATE TABLE t (title text)")
        conn.execute("INSERT INTO t VALUES ('新春第一会')")
        assert conn.execute("SELECT title FROM t").fetchone() == ("新春第一会",)
        # Databases of earlier tests in this process were dropped.
        others = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
            (pg_prefix(), name),
        ).fetchall()
    assert others == []


def test_redis_url_is_empty_and_answers(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        assert client.ping() is True
        assert client.dbsize() == 0
        client.set("newsmon:test", "苏州")
        assert client.get("newsmon:test") == "苏州".encode()
    finally:
        client.close()


# -- CI cannot skip -------------------------------------------------------------------------------


def _pytest(node: str, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run one test of this suite in a child pytest, without any test server configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSMON_TEST_", "CI"))}
    env.pop("PYTEST_XDIST_WORKER", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", node],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "node",
    [
        "test_support.py::test_redis_url_is_empty_and_answers",
        "test_support.py::test_pg_url_is_a_fresh_connectable_database",
    ],
)
def test_a_missing_server_skips_by_hand_and_fails_under_ci(node: str) -> None:
    node = f"tests/{node}"
    by_hand = _pytest(node, None)
    assert by_hand.returncode == 0, by_hand.stdout
    assert "1 skipped" in by_hand.stdout
    ci = _pytest(node, "true")
    assert ci.returncode == 1, ci.stdout
    assert "1 error" in ci.stdout  # the fixture fails it
    assert "CI=true requires it" in ci.stdout


def test_ci_run_sets_ci_itself(tmp_path: Path) -> None:
    # .ci/run as it is, in a copy of the tree whose scripts/test only reports what it got.
    (tmp_path / ".ci").mkdir()
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    probe = tmp_path / "scripts" / "test"
    probe.write_text('#!/usr/bin/env bash\necho "CI=${CI:-unset} args=$*"\n', encoding="utf-8")
    probe.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    done = subprocess.run(
        [str(tmp_path / ".ci" / "run"), "-k", "x"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=30,
    )
    assert (done.returncode, done.stdout) == (0, "CI=true args=-k x\n"), done.stderr
