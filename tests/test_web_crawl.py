"""Crawls started from the web (``[web] token``), against a real ``newsmon serve --port 0``.

The pages are served on 127.0.0.1 by tests/support/webserver.py; the crawls run as child
processes of the server, as they do for a user.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import sessionmaker

from newsmon.sample_site import SampleSite
from storage import create_schema, make_engine
from storage.monitoring import acquire_lease, lease_holder, release_lease
from tests.support.archive_pages import ORIGINAL_PATH, SEED, SEED_PATH, original_page
from tests.support.scheduled import site_table, wait_until, write_config
from tests.support.served import ServedArchive, Server
from tests.support.webserver import WebServer

TOKEN = "right-" + secrets.token_urlsafe(16)
WRONG = "wrong-" + secrets.token_urlsafe(16)
SLOW = 90  # seconds: the machine running the tests may be busy


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)


def post(
    base: str,
    path: str,
    *,
    token: str | None = None,
    data: Any = None,
    form: dict[str, str] | None = None,
) -> Answer:
    headers = {}
    body = b""
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(form).encode()
    elif data is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(data).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + path, data=body, method="POST", headers=headers)
    try:
        with opener.open(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, dict(exc.headers), exc.read())


def get_json(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.loads(response.read())


def get_text(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return str(response.read().decode("utf-8"))


def start_server(tmp_path: Path, db: str, web: WebServer, **web_table: Any) -> Server:
    """``newsmon serve`` with a config: the sample site ``jiangnan`` and the ``[web]`` table."""
    site = SampleSite.generate(8, keyword_every=4)
    site.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    config = write_config(tmp_path / "config.toml", [site_table("jiangnan", web.base_url)])
    with config.open("a", encoding="utf-8") as f:
        f.write("\n[web]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in web_table.items()))
    return Server(db, tmp_path, "--config", str(config))


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.sqlite3'}"


@pytest.fixture
def server(tmp_path: Path, sqlite_db: str, web: WebServer) -> Iterator[Server]:
    served = start_server(tmp_path, sqlite_db, web, token=TOKEN)
    try:
        yield served
    finally:
        served.stop()


def test_without_a_token_the_crawl_endpoints_are_off(served_archive: ServedArchive) -> None:
    base = served_archive.base_url
    for path in ("/api/crawl", "/api/sites/jiangnan/run"):
        answer = post(base, path, token=TOKEN, data={"urls": ["http://127.0.0.1/x"]})
        assert answer.status == 404, answer.body
        assert answer.headers["content-type"].startswith("application/json")
        assert "disabled" in answer.json()["detail"]
        assert "[web] token" in answer.json()["detail"]
    form = post(base, "/runs/crawl", form={"urls": "http://127.0.0.1/x", "token": TOKEN})
    assert form.status == 404
    page = get_text(base, "/runs")
    assert 'id="crawl-off"' in page
    assert 'id="crawl-urls"' not in page


def test_a_wrong_or_missing_token_is_refused_and_never_logged_and_the_right_one_crawls(
    server: Server, web: WebServer
) -> None:
    base = server.base_url
    url = web.add(SEED_PATH, SEED)
    missing = post(base, "/api/crawl", data={"urls": [url]})
    assert missing.status == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = post(base, "/api/crawl", token=WRONG, data={"urls": [url]})
    assert wrong.status == 401
    assert "wrong token" in wrong.json()["detail"]
    assert post(base, "/api/sites/jiangnan/run", token=WRONG).status == 401
    assert post(base, "/runs/crawl", form={"urls": url, "token": WRONG}).status == 401
    assert get_json(base, "/api/runs")["results"] == []  # nothing was started

    # The crawl command's own refusal of anything but http(s).
    bad = post(base, "/api/crawl", token=TOKEN, data={"urls": ["file:///etc/passwd"]})
    assert bad.status == 400
    assert "not an http(s) URL" in bad.json()["detail"]
    assert post(base, "/api/crawl", token=TOKEN, data={"urls": []}).status == 400
    assert post(base, "/api/crawl", token=TOKEN, data={"url": url}).status == 400

    started = post(base, "/api/crawl", token=TOKEN, data={"urls": [url]})
    assert started.status == 202, started.body
    job = started.json()
    assert (job["kind"], job["target"], job["status"]) == ("urls", url, "running")

    def finished_job() -> Any:
        jobs = {j["id"]: j for j in get_json(base, "/api/crawls")["results"]}
        return jobs[job["id"]] if jobs[job["id"]]["status"] != "running" else None

    done = wait_until("the web crawl to finish", finished_job, timeout=SLOW)
    assert done["status"] == "ok", done
    runs = get_json(base, "/api/runs")["results"]
    assert [r["id"] for r in runs] == [done["run_id"]]
    assert (runs[0]["spider"], runs[0]["status"], runs[0]["articles_new"]) == ("article", "ok", 1)
    found = get_json(base, "/api/articles?q=%E6%93%82%E5%93%8D%E6%88%98%E9%BC%93")  # 擂响战鼓
    assert [a["url"] for a in found["results"]] == [url]

    log = "".join(server.lines)
    assert "refused POST /api/crawl from 127.0.0.1: a wrong token" in log
    assert "refused POST /api/crawl from 127.0.0.1: no token" in log
    assert f"web crawl {job['id']}| run {done['run_id']}: 1 stored" in log  # the child's output
    assert TOKEN not in log
    assert WRONG not in log


def test_a_site_run_honours_the_lease_and_is_recorded(
    tmp_path: Path, db_url: str, web: WebServer
) -> None:
    server = start_server(tmp_path, db_url, web, token=TOKEN)
    engine = make_engine(db_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        base = server.base_url
        with sessions.begin() as session:
            assert acquire_lease(session, "jiangnan", "monitor@elsewhere:4242:cafe", 300)
        held = post(base, "/api/sites/jiangnan/run", token=TOKEN)
        assert held.status == 409, held.body
        assert "monitor@elsewhere:4242:cafe" in held.json()["detail"]
        unknown = post(base, "/api/sites/nowhere/run", token=TOKEN)
        assert unknown.status == 404
        assert "no configured site named 'nowhere'" in unknown.json()["detail"]
        assert get_json(base, "/api/crawls")["results"] == []

        with sessions.begin() as session:
            release_lease(session, "jiangnan", "monitor@elsewhere:4242:cafe")
        started = post(base, "/api/sites/jiangnan/run", token=TOKEN)
        assert started.status == 202, started.body
        with sessions() as session:
            holder = lease_holder(session, "jiangnan")
            assert holder is not None
            assert holder.owner.startswith("web@")

        def finished() -> Any:
            job = get_json(base, "/api/crawls")["results"][0]
            return job if job["status"] != "running" else None

        job = wait_until("the site run to finish", finished, timeout=SLOW)
        runs = get_json(base, "/api/runs")["results"]
        assert (job["kind"], job["target"], job["status"]) == ("site", "jiangnan", "ok")
        assert job["run_id"] == runs[0]["id"]
        assert (runs[0]["site"], runs[0]["spider"], runs[0]["status"]) == (
            "jiangnan",
            "portal",
            "ok",
        )
        assert runs[0]["articles_new"] == 8
        # The server recorded how its child ended, as a scheduler does.
        assert runs[0]["stats"]["scheduler"]["owner"].startswith("web@")
        assert runs[0]["stats"]["scheduler"]["exit"] == "exit status 0"
        with sessions() as session:
            assert lease_holder(session, "jiangnan") is None  # given back
    finally:
        server.stop()
        engine.dispose()


def test_the_form_starts_a_crawl_whose_counts_show_live_and_the_bound_answers_429(
    tmp_path: Path, sqlite_db: str, web: WebServer
) -> None:
    server = start_server(tmp_path, sqlite_db, web, token=TOKEN, max_crawls=1)
    try:
        base = server.base_url
        page = get_text(base, "/runs")
        assert 'id="crawl-urls"' in page
        assert 'id="run-site"' in page
        assert "<option>jiangnan</option>" in page
        fast = web.add(SEED_PATH, SEED)
        slow = web.add(ORIGINAL_PATH, original_page(), delay=8)
        answer = post(base, "/runs/crawl", form={"urls": f"{fast}\n{slow}\n", "token": TOKEN})
        assert answer.status == 303, answer.body
        assert answer.headers["location"] == "/runs?started=1"

        # One crawl from the web at a time ([web] max_crawls = 1): the next is refused, not queued.
        busy = post(base, "/api/sites/jiangnan/run", token=TOKEN)
        assert busy.status == 429, busy.body
        assert "max_crawls = 1" in busy.json()["detail"]

        # The fast page is stored while the slow one still loads: the running run says so.
        def live() -> Any:
            runs = get_json(base, "/api/runs")["results"]
            return runs and runs[0]["status"] == "running" and runs[0]["articles_new"] == 1

        wait_until("the live count of the running run", live, timeout=SLOW)
        page = get_text(base, "/runs?started=1")
        assert 'http-equiv="refresh"' in page
        assert 'id="started"' in page
        assert 'id="web-crawls"' in page

        def finished() -> Any:
            runs = get_json(base, "/api/runs")["results"]
            return runs if runs and runs[0]["status"] != "running" else None

        runs = wait_until("the crawl to finish", finished, timeout=SLOW)
        assert (runs[0]["status"], runs[0]["articles_new"]) == ("ok", 2)
        wait_until(
            "the slot to free",
            lambda: get_json(base, "/api/crawls")["results"][0]["status"] == "ok",
        )
        assert 'http-equiv="refresh"' not in get_text(base, "/runs")
        assert TOKEN not in "".join(server.lines)
    finally:
        server.stop()


def test_stopping_the_server_mid_crawl_records_the_run_as_interrupted(
    tmp_path: Path, sqlite_db: str, web: WebServer
) -> None:
    server = start_server(tmp_path, sqlite_db, web, token=TOKEN)
    # The feed answers after the server's own shutdown wait (10 s): the crawl outlives it.
    web.add("/rss.xml", "<rss version='2.0'><channel></channel></rss>", delay=25)
    try:
        started = post(server.base_url, "/api/sites/jiangnan/run", token=TOKEN)
        assert started.status == 202, started.body

        def running() -> Any:
            runs = get_json(server.base_url, "/api/runs")["results"]
            return runs and runs[0]["status"] == "running" and runs[0]["articles_new"] == 8

        wait_until("the run storing its articles", running, timeout=SLOW)
    finally:
        server.stop()
    engine = make_engine(sqlite_db)
    try:

        def closed() -> Any:
            with engine.connect() as connection:
                row = connection.exec_driver_sql(
                    "SELECT status, reason FROM crawl_runs ORDER BY id DESC LIMIT 1"
                ).one()
            return row if row[0] != "running" else None

        # The crawl, left without its server, closes its own run (not left "running" until
        # the site's next run finds it abandoned).
        status, reason = wait_until("the run to be closed", closed, timeout=60)
    finally:
        engine.dispose()
    assert status == "interrupted", reason
