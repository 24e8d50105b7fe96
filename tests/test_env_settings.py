"""A bad value of a ``NEWSMON_*`` environment variable (or ``--set``) is one line and exit
status 2, before any crawl or server starts: the real ``newsmon`` command, a real HTTP server
on 127.0.0.1 that must see no request, and ``scrapy crawl`` without the command line."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ROOT, newsmon, newsmon_json
from tests.support.scheduled import site_table, write_config
from tests.support.webserver import WebServer

EXIT_USAGE = 2
SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()


def _refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit status 2 and exactly one line on stderr, ``newsmon: <message>…``; no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == EXIT_USAGE, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(message), result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _site_config(home: Path, web: WebServer) -> Path:
    web.add("/news/list_1.html", b"<html><body><a href='/a.html'>a</a></body></html>")
    return write_config(home / "config.toml", [site_table("env", web.base_url, feeds=[])])


def test_a_bad_search_count_limit_refuses_query_and_serve(tmp_path: Path) -> None:
    for value in ("abc", "0", "-5"):
        env = {"NEWSMON_SEARCH_COUNT_LIMIT": value}
        expected = (
            f"newsmon: NEWSMON_SEARCH_COUNT_LIMIT must be a positive whole number, not '{value}'"
        )
        _refused(newsmon("query", "新春", home=tmp_path, env=env), expected)
        # serve refuses to start (it used to start and answer every search with a 500)
        port = str(_free_port())
        _refused(newsmon("serve", "--port", port, home=tmp_path, env=env, timeout=60), expected)
    good = newsmon("query", "新春", home=tmp_path, env={"NEWSMON_SEARCH_COUNT_LIMIT": "5"})
    assert good.returncode == 0, good.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "NEWSMON_EXTRACT_PROCESSES",
            "abc",
            "a whole number of processes, 0 or more (0: extract in the crawling process)",
        ),
        (
            "NEWSMON_EXTRACT_PROCESSES",
            "-1",
            "a whole number of processes, 0 or more (0: extract in the crawling process)",
        ),
        ("NEWSMON_EXTRACT_TIMEOUT", "soon", "a number of seconds above 0"),
        ("NEWSMON_EXTRACT_TIMEOUT", "0", "a number of seconds above 0"),
        ("NEWSMON_STORE_PROCESS", "abc", "0 or 1 (or false/true, no/yes, off/on)"),
        ("NEWSMON_GC_FREEZE", "maybe", "0 or 1 (or false/true, no/yes, off/on)"),
    ],
)
def test_a_bad_crawl_variable_starts_no_crawl(
    web: WebServer, tmp_path: Path, name: str, value: str, message: str
) -> None:
    url = web.add("/news/2023/0129/1.html", SEED)
    expected = f"newsmon: {name} must be {message}, not '{value}'"
    env = {name: value}
    _refused(newsmon("crawl", url, home=tmp_path, env=env), expected)
    # --set gives the same setting, checked by the same parser
    _refused(newsmon("crawl", url, "--set", f"{name}={value}", home=tmp_path), expected)
    _site_config(tmp_path, web)
    for command in (["monitor"], ["schedule", "--once"], ["demo", "--port", str(_free_port())]):
        _refused(newsmon(*command, home=tmp_path, env=env), expected)
    # serve, when its web crawls are on ([web] token), refuses to start too
    with (tmp_path / "config.toml").open("a", encoding="utf-8") as config:
        config.write('\n[web]\ntoken = "a-token-long-enough-for-newsmon-web-crawls"\n')
    port = str(_free_port())
    _refused(newsmon("serve", "--port", port, home=tmp_path, env=env, timeout=60), expected)
    assert web.requests == []  # no crawl started
    assert newsmon_json("runs", "--format", "json", home=tmp_path) == []

    # `scrapy crawl`, without the command line: the spider's start fails with the same text
    scrapy = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "article", "-a", f"urls={url}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**_child_env(tmp_path), name: value},
        check=False,
    )
    assert scrapy.returncode != 0
    assert expected.removeprefix("newsmon: ") in scrapy.stderr
    assert web.requests == []


def _child_env(home: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    return {**env, "NEWSMON_HOME": str(home), "PYTHONPATH": str(ROOT)}


def test_a_bad_database_url_is_one_line_naming_where_it_came_from(tmp_path: Path) -> None:
    expected = "newsmon: $NEWSMON_DB_URL: not a database URL ("
    _refused(newsmon("query", "x", home=tmp_path, env={"NEWSMON_DB_URL": "garbage"}), expected)
    bad_port = "postgresql+psycopg://me:secret@127.0.0.1:port/db"
    result = newsmon("runs", home=tmp_path, db=bad_port)
    _refused(result, "newsmon: --db: not a database URL (")
    assert "secret" not in result.stderr  # the password is hidden, as everywhere
    (tmp_path / "config.toml").write_text('[database]\nurl = "nosuchdb://x"\n', encoding="utf-8")
    _refused(
        newsmon("crawl", "http://127.0.0.1:9/a.html", home=tmp_path),
        f"newsmon: {tmp_path / 'config.toml'}: [database] url: not a database URL (",
    )


def test_a_bad_redis_url_refuses_the_distributed_commands(web: WebServer, tmp_path: Path) -> None:
    _site_config(tmp_path, web)
    env = {"NEWSMON_REDIS_URL": "localhost:6379"}
    expected = "newsmon: not a Redis URL (from --redis, $NEWSMON_REDIS_URL or [redis] url): "
    for command in (
        ["monitor", "--distributed"],
        ["worker", "--all", "--idle-exit", "6"],
        ["schedule", "--distributed", "--once"],
    ):
        result = newsmon(*command, home=tmp_path, env=env)
        _refused(result, expected)
        assert "redis://" in result.stderr  # what it accepts
    assert web.requests == []
