"""Untrusted input: query strings and filters, page titles with markup, URLs, secrets.

Scraped text and whatever a user types reach SQL only as bound parameters, reach
the Atom feed only as text, and passwords and webhook secrets reach no log, no
``crawl_runs`` row and no process's arguments. The web page's own check of hostile
titles is tests/test_browser.py (a real browser).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from newsmon.cli import main
from storage import make_engine
from tests.cli import ROOT, newsmon
from tests.support.archive_pages import HOSTILE_PATH, HOSTILE_TITLE, SEED, SEED_PATH, hostile_page
from tests.support.ci import unavailable
from tests.support.faults import archive_rows
from tests.support.scheduled import write_config
from tests.support.served import Server
from tests.support.webserver import WebServer

# -- queries: bound parameters only ---------------------------------------------------------------


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def archive(
    request: pytest.FixtureRequest, web: WebServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The seed and the hostile page crawled into an archive, once per module and backend.

    The queries only read it (each test checks that), so the tests share it.
    """
    home = tmp_path_factory.mktemp("queried")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            db = f"sqlite:///{home / 'archive.sqlite3'}"
        else:
            db = stack.enter_context(_pg_database(request.getfixturevalue("pg_server_url")))
        pages = [web.add(SEED_PATH, SEED), web.add(HOSTILE_PATH, hostile_page())]
        result = newsmon("crawl", *pages, home=home, db=db)
        assert result.returncode == 0, result.stderr
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("NEWSMON_HOME", str(home))
        patch.delenv("NEWSMON_CONFIG", raising=False)
        patch.delenv("NEWSMON_DB_URL", raising=False)
        yield db


@contextlib.contextmanager
def _pg_database(server_url: str) -> Iterator[str]:
    """A new database on the test server (as conftest's pg_url, for a module)."""
    import uuid

    import psycopg

    name = f"newsmon_sec_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(urlsplit(server_url)._replace(scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _statements() -> Iterator[list[str]]:
    """The SQL text of every statement any engine in this process sends, while open."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _query(db: str, *args: str) -> tuple[int, str, str]:
    """``newsmon query ARGS --format json`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["query", *args, "--format", "json", "--db", db])
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


#: What would show SQL leaking out: driver errors and statement text.
LEAKS = ("Traceback", "SELECT", "[SQL:", "sqlite3.", "psycopg", "OperationalError", "syntax error")

HOSTILE_QUERIES = [
    "' OR '1'='1",
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    "%营商环境%",  # as LIKE syntax it would match the hostile page's 营商环境
    "营_环境",
    "%%%%",
    "\\",
    "%' --",
    'NEAR("a" "b")',
    "a OR b",
    "title:x",
    "*",
    "^营商",
    "((",
    '"',
    "营商 AND",
    "1; SELECT pg_sleep(5)",
    "\U0001f600",
]


#: Put before each value for the second look: any statement holding it took user input as SQL.
MARKER = "zqxmarker"


@pytest.mark.parametrize("value", HOSTILE_QUERIES)
@pytest.mark.parametrize(
    "where", ["text", "--city", "--district", "--source", "--site", "--keyword"]
)
def test_hostile_query_text_and_filters_match_literally_and_never_reach_sql(
    archive: str, where: str, value: str
) -> None:
    code, out, err = _query(archive, *([value] if where == "text" else [where, value]))

    assert code == 0, err
    assert not any(leak in out + err for leak in LEAKS), err
    # None of these strings is in either article: a match would mean they were read as syntax.
    assert json.loads(out) == []
    marked = MARKER + value  # (the quote in "x' OR '1'='1" closes a string just the same)
    with _statements() as statements:
        code, out, err = _query(archive, *([marked] if where == "text" else [where, marked]))
    assert code == 0, err
    assert statements
    assert not [s for s in statements if MARKER in s], "user input reached SQL text"


def test_the_hostile_queries_leave_every_row_as_it_was(archive: str) -> None:
    before = archive_rows(archive)
    for value in HOSTILE_QUERIES:
        for where in ("--city", "--source", "--site", "--keyword"):
            assert _query(archive, where, value)[0] == 0
        assert _query(archive, value)[0] == 0
    assert archive_rows(archive) == before


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    words=st.lists(st.text(min_size=1, max_size=12), max_size=3),
    filters=st.dictionaries(
        st.sampled_from(["--city", "--district", "--source", "--site", "--keyword"]),
        st.text(min_size=1, max_size=12).filter(lambda s: not s.startswith("-")),
        max_size=3,
    ),
    # Dates at the calendar's very ends are test_dates_at_the_ends_of_the_calendar's business.
    since=st.none() | st.dates(date(1900, 1, 1), date(2100, 1, 1)).map(date.isoformat),
    until=st.none() | st.dates(date(1900, 1, 1), date(2100, 1, 1)).map(date.isoformat),
    sort=st.sampled_from(["time", "relevance"]),
    limit=st.integers(1, 10**6),
    offset=st.integers(0, 10**6),
)
def test_random_query_strings_and_filters_never_error_or_leak_sql(
    archive: str,
    words: list[str],
    filters: dict[str, str],
    since: str | None,
    until: str | None,
    sort: str,
    limit: int,
    offset: int,
) -> None:
    # NUL cannot be in a command-line argument; the marker finds user input in SQL text.
    words = [MARKER + w for w in words if "\x00" not in w]
    args = [" ".join(words)] if words else []
    for name, value in filters.items():
        if "\x00" not in value:
            args += [name, MARKER + value]
    args += ["--since", since] if since else []
    args += ["--until", until] if until else []
    args += ["--sort", sort] if words or sort == "time" else []
    args += ["--limit", str(limit), "--offset", str(offset)]
    with _statements() as statements:
        code, out, err = _query(archive, *args)

    assert code == 0, (args, err)
    assert not any(leak in out + err for leak in LEAKS), (args, err)
    assert isinstance(json.loads(out), list)
    assert not [s for s in statements if MARKER in s], "user input reached SQL text"


@pytest.mark.parametrize("args", [["--since", "0001-01-01"], ["--until", "9999-12-31"]])
def test_dates_at_the_ends_of_the_calendar_are_answered_not_a_traceback(
    archive: str, args: list[str]
) -> None:
    code, out, err = _query(archive, *args)
    assert code in (0, 2), err
    assert not any(leak in out + err for leak in LEAKS), err


# -- the Atom feed --------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_title_with_onload_and_onerror_is_inert_text_in_the_atom_feed(
    web: WebServer, tmp_path: Path
) -> None:
    web.add(
        "/news/list_1.html",
        f'<html><body><ul><li><a href="{HOSTILE_PATH}">{"营商环境" * 4}持续优化</a></li></ul></body></html>',
    )
    web.add(HOSTILE_PATH, hostile_page())
    site = (
        f'[[sites]]\nname = "bad"\nstart_urls = ["{web.url("/news/list_1.html")}"]\n'
        "concurrency = 32\ndownload_delay = 0\nautothrottle = false\n"
    )
    config = write_config(tmp_path / "config.toml", [site], alerts={"atom": "alerts.atom"})
    config.write_text(config.read_text("utf-8").replace("新春第一会", "营商环境"), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scheduler.py"),
            "--config",
            str(config),
            "--db",
            db,
            "--once",
            "-v",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    raw = (tmp_path / "alerts.atom").read_text("utf-8")
    feed = ET.fromstring(raw)  # well-formed XML, whatever the title held
    (entry,) = feed.findall(f"{ATOM}entry")
    title = entry.find(f"{ATOM}title")
    assert title is not None
    assert title.text == HOSTILE_TITLE  # the markup is kept, as text
    # Type text (the default): a reader shows it as characters and never parses it as HTML.
    assert title.get("type", "text") == "text"
    for element in entry.iter():
        assert element.get("type", "text") == "text" or element.tag == f"{ATOM}link"
    assert not [e for e in feed.iter() if e.tag.split("}")[-1] in ("script", "img", "svg")]
    assert "<svg" not in raw
    assert "<img" not in raw
    assert "&lt;img/src=x/onerror=alert(2)&gt;" in raw


# -- URLs newsmon crawl accepts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/a.html",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<h1>x</h1>",
        "gopher://127.0.0.1:70/",
        "//127.0.0.1/news/1.html",
        "127.0.0.1/news/1.html",
        "mailto:a@example.org",
    ],
)
def test_crawl_accepts_only_http_and_https_urls(web: WebServer, tmp_path: Path, url: str) -> None:
    result = newsmon("crawl", url, home=tmp_path)
    assert result.returncode == 2
    assert f"not an http(s) URL: {url}" in result.stderr
    assert "Traceback" not in result.stderr
    assert web.requests == []
    assert not (tmp_path / "newsmon.sqlite3").exists()  # refused before anything was opened


# -- the web server's address ---------------------------------------------------------------------


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as the kernel shows them) listening on ``port`` over IPv4 and IPv6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table, encoding="ascii") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                address, hex_port = fields[1].rsplit(":", 1)
                if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                    found.append(address)
    return found


def test_the_web_server_listens_on_127_0_0_1_only_by_default(tmp_path: Path) -> None:
    if not Path("/proc/net/tcp").exists():
        unavailable("no /proc/net/tcp to read the listening address from")
    server = Server(f"sqlite:///{tmp_path / 'archive.sqlite3'}", tmp_path)
    try:
        port = urlsplit(server.base_url).port
        assert port is not None
        assert _listening(port) == ["0100007F"]  # 127.0.0.1, and no other address or family
    finally:
        server.stop()


# -- secrets --------------------------------------------------------------------------------------

PASSWORD = "Pw-4711-do-not-log"
HOOK_TOKEN = "T0K3N-in-the-hook-path"
HOOK_BEARER = "hook-bearer-secret-99"


def _with_password(url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username or 'postgres'}:{PASSWORD}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _child_arguments(marker: str) -> list[str]:
    """The command lines of this machine's processes that contain ``marker``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            args = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            if marker in args:
                found.append(args)
    return found


def test_passwords_and_webhook_secrets_reach_no_log_no_run_row_and_no_command_line(
    web: WebServer, pg_url: str, tmp_path: Path
) -> None:
    db = _with_password(pg_url)  # the test server trusts 127.0.0.1: any password is accepted
    web.add(
        "/news/list_1.html",
        f'<html><body><a href="{SEED_PATH}">{"新春第一会" * 3}召开</a></body></html>',
    )
    web.add(SEED_PATH, SEED)
    web.add("/slow.xml", "<rss><channel></channel></rss>", content_type="text/xml", delay=2)
    web.add(f"/hook/{HOOK_TOKEN}", "down", status=500)  # failed deliveries log their error
    site = (
        f'[[sites]]\nname = "s"\nstart_urls = ["{web.url("/news/list_1.html")}"]\n'
        f'feeds = ["{web.url("/slow.xml")}"]\n'
        "concurrency = 32\ndownload_delay = 0\nautothrottle = false\n"
    )
    config = write_config(
        tmp_path / "config.toml",
        [site],
        alerts={
            "webhook": web.url(f"/hook/{HOOK_TOKEN}"),
            "jsonl": "alerts.jsonl",
        },
    )
    headers = f'webhook_headers = {{ Authorization = "Bearer {HOOK_BEARER}" }}\n'
    config.write_text(
        config.read_text("utf-8").replace("[alerts]\n", "[alerts]\n" + headers), encoding="utf-8"
    )
    env = {**os.environ, "NEWSMON_HOME": str(tmp_path)}
    scheduler = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scheduler.py"),
            "--config",
            str(config),
            "--db",
            db,
            "--once",
            "-v",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    # While the slow feed holds the crawl open: what its command line shows.
    command_lines: list[str] = []
    deadline = time.monotonic() + 30
    while not command_lines and time.monotonic() < deadline and scheduler.poll() is None:
        command_lines = _child_arguments("newsmon.cli --parent")
        time.sleep(0.05)
    log, _ = scheduler.communicate(timeout=120)
    crawl = newsmon(
        "crawl", web.url(SEED_PATH), "http://127.0.0.1:9/x.html", "-v", home=tmp_path, db=db
    )
    runs = newsmon("runs", "--format", "json", home=tmp_path, db=db)

    assert command_lines, f"the crawl's child process was not seen: {log}"
    assert web.hits(f"/hook/{HOOK_TOKEN}") >= 1, log  # the webhook was tried (and failed)
    assert "to webhook failed" in log
    texts = {
        "scheduler log": log,
        "child command lines": "\n".join(command_lines),
        "crawl output": crawl.stdout + crawl.stderr,
        "runs": runs.stdout + runs.stderr,
        "alerts.jsonl": (tmp_path / "alerts.jsonl").read_text("utf-8"),
    }
    engine = make_engine(db)
    with Session(engine) as session:
        for table in ("crawl_runs", "alert_deliveries", "alerts", "ops_state", "site_leases"):
            rows = session.execute(select(text("*")).select_from(text(table))).all()
            texts[f"table {table}"] = repr(rows)
    engine.dispose()
    for secret in (PASSWORD, HOOK_TOKEN, HOOK_BEARER):
        for where, content in texts.items():
            assert secret not in content, f"{secret} in {where}"
    assert "***" in log  # the URL is shown, redacted
