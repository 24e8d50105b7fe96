"""Faults on our side: the database locked, full, stopped; the crawl killed; the config broken.

Each test makes the fault for real (a second process holding SQLite's write lock, a
small tmpfs filled up, a private PostgreSQL stopped, ``kill -9``, a config file
overwritten while the scheduler runs) and then checks what the archive holds.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from newsmon.sample_site import SampleSite
from storage import Article, CrawlRun, Section, make_engine
from tests.cli import newsmon
from tests.support.ci import unavailable
from tests.support.faults import archive_rows, rows_kept
from tests.support.pgcluster import PrivatePostgres
from tests.support.scheduled import SchedulerProcess, runs, site_table, wait_until, write_config
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()
FAST = (
    "--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_TIMEOUT=5",
    "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
)  # fmt: skip


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "NEWSMON_HOME": str(home)}
    env.pop("NEWSMON_DB_URL", None)
    env.pop("NEWSMON_CONFIG", None)
    return env


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    """``newsmon ARGS`` in the background (the tests stop, kill or wait for it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "newsmon.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=home,
        env=_env(home),
    )


def _articles(db: str) -> list[tuple[str, int]]:
    """(url, number of sections) of every stored article."""
    engine = make_engine(db)
    try:
        if not inspect(engine).has_table("sections"):
            return []  # the crawl has not created the schema yet
        with Session(engine) as session:
            rows = session.execute(
                select(Article.url, func.count(Section.id))
                .outerjoin(Section, Section.article_id == Article.id)
                .group_by(Article.id, Article.url)
            ).all()
            return [(url, n) for url, n in rows]
    finally:
        engine.dispose()


def _runs(db: str) -> list[CrawlRun]:
    engine = make_engine(db)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    finally:
        engine.dispose()


def _pages(web: WebServer, n: int, delay: float) -> list[str]:
    """``n`` distinct copies of the seed article (12 sections each), each answered after ``delay``."""
    urls = []
    for i in range(n):
        page = SEED.replace("擂响战鼓再出征".encode(), f"擂响战鼓再出征（{i}）".encode())
        urls.append(web.add(f"/news/2023/0129/{9000 + i}.html", page, delay=delay))
    return urls


# -- SQLite locked by another writer -------------------------------------------------------------

LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # the write lock, held as a long write transaction would
conn.execute("UPDATE crawl_runs SET reason = reason")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


def _lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout is not None
    assert locker.stdout.readline().strip() == "locked"
    return locker


@pytest.mark.parametrize("when", ["when the crawl starts", "between two batches"])
def test_sqlite_locked_by_another_writer_is_waited_out_and_everything_is_stored(
    web: WebServer, tmp_path: Path, when: str
) -> None:
    path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{path}"
    assert newsmon("crawl", _pages(web, 1, 0)[0], *FAST, home=tmp_path, db=db).returncode == 0
    before = archive_rows(db)
    urls = _pages(web, 6, 0.3)[1:]
    args = ("crawl", *urls, *FAST, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--db", db)
    args += ("--set", "NEWSMON_STORE_BATCH=1")
    if when == "when the crawl starts":
        locker = _lock(path, 3)
        crawl = _start(tmp_path, *args)
    else:
        crawl = _start(tmp_path, *args)
        wait_until("the first batch", lambda: len(_articles(db)) >= 2)
        locker = _lock(path, 3)
    out, err = crawl.communicate(timeout=90)
    assert locker.wait(10) == 0

    assert crawl.returncode == 0, err
    assert sum(ln.startswith("new ") for ln in out.splitlines()) == len(urls), out
    rows_kept(before, archive_rows(db))
    assert sorted(n for _, n in _articles(db)) == [12] * 6
    assert _runs(db)[-1].status == "ok"


# -- the disk full ---------------------------------------------------------------------------


@dataclass
class SmallDisk:
    """A directory whose disk really fills up, by one of two real mechanisms.

    ``tmpfs``: a 4 MB tmpfs of its own (needs root and the right to mount), filled with a
    file. ``file-size limit``: RLIMIT_FSIZE on the crawl's process, so that a write past
    the limit is cut short by the kernel and SQLite sees a short write, as on a full disk
    (needs nothing; Python ignores SIGXFSZ, so the write fails instead of killing it).
    """

    path: Path
    mechanism: str
    limit: int | None = None

    @property
    def message(self) -> str:
        """What SQLite says: ENOSPC is "database or disk is full"; the EFBIG that follows the
        short write at a file-size limit is "disk I/O error"."""
        return "disk is full" if self.mechanism == "tmpfs" else "disk I/O error"

    def fill(self, leave: int) -> None:
        """Leave only ``leave`` bytes for the archive to grow by."""
        if self.mechanism == "tmpfs":
            free = shutil.disk_usage(self.path).free - leave
            with (self.path / "filler").open("wb") as f:
                f.write(b"\0" * max(0, free))
        else:
            # An odd size: the write that crosses it is cut short (ENOSPC-like), not refused.
            biggest = max(p.stat().st_size for p in self.path.iterdir())
            self.limit = biggest + leave + 1234

    def empty(self) -> None:
        if self.mechanism == "tmpfs":
            (self.path / "filler").unlink()
        self.limit = None

    def preexec(self) -> None:
        if self.limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.limit, self.limit))


@pytest.fixture(params=["tmpfs", "file-size limit"])
def small_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmallDisk]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if request.param == "file-size limit":
        yield SmallDisk(mount, "file-size limit")
        return
    if os.geteuid() != 0:
        unavailable("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        # Root without the right to mount (an unprivileged container): fill the disk by the
        # other real mechanism rather than skip.
        warnings.warn(
            f"cannot mount a tmpfs ({done.stderr.strip()}): using a file-size limit", stacklevel=2
        )
        yield SmallDisk(mount, "file-size limit")
        return
    try:
        yield SmallDisk(mount, "tmpfs")
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("writer", ["0", "1"], ids=["in-process", "writer-process"])
def test_the_disk_full_fails_the_write_loudly_keeps_the_archive_and_the_next_run_stores_it(
    web: WebServer, tmp_path: Path, small_disk: SmallDisk, writer: str
) -> None:
    db = f"sqlite:///{small_disk.path / 'archive.sqlite3'}"
    first, *rest = _pages(web, 5, 0)
    assert newsmon("crawl", first, *FAST, home=tmp_path, db=db).returncode == 0
    before = archive_rows(db)
    small_disk.fill(48 * 1024)

    store = ("--set", f"NEWSMON_STORE_PROCESS={writer}")  # crawler.store_writer
    full = newsmon("crawl", *rest, *FAST, *store, home=tmp_path, db=db, preexec=small_disk.preexec)

    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr
    assert small_disk.message in full.stderr, full.stderr
    small_disk.empty()
    rows_kept(before, archive_rows(db))
    engine = make_engine(db)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    # Half-written articles would show as an article without its 12 sections.
    assert all(n == 12 for _, n in _articles(db))

    again = newsmon("crawl", *rest, *FAST, home=tmp_path, db=db)
    assert again.returncode == 0, again.stderr
    assert len(_articles(db)) == 5


# -- the crawl killed with -9 ----------------------------------------------------------------


@pytest.fixture
def slow_site(web: WebServer, tmp_path: Path) -> SampleSite:
    """A generated portal (listings, no feed) whose article pages each take 0.3 s."""
    site = SampleSite.generate(40, keyword_every=4, private_keyword_articles=0)
    root = tmp_path / "site"
    site.write(root, web.base_url)
    web.add_dir("/", root)
    for article in site.articles:
        body = (root / article.path.lstrip("/")).read_bytes()
        web.add(article.path, body, content_type="text/html", delay=0.3)
    return site


def test_kill_9_of_monitor_mid_crawl_then_the_next_run_stores_what_is_missing_once(
    web: WebServer, tmp_path: Path, slow_site: SampleSite
) -> None:
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    config = write_config(
        tmp_path / "config.toml",
        # Two at a time, so that the crawl is caught half-way.
        [site_table("slow", web.base_url, feeds=[]).replace("concurrency = 32", "concurrency = 2")],
        scheduler={"lease_seconds": 2},
    )
    args = ("monitor", "slow", "--config", str(config), "--db", db)
    args += ("--set", "NEWSMON_STORE_INTERVAL=0.2")
    crawl = _start(tmp_path, *args)
    try:
        wait_until("some articles stored", lambda: len(_articles(db)) >= 8)
    except AssertionError:
        crawl.kill()
        raise AssertionError(crawl.communicate()[1]) from None
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(10)
    stored_before = archive_rows(db)
    killed = _runs(db)[-1]
    assert killed.status == "running"
    assert len(_articles(db)) < len(slow_site.listed)
    time.sleep(2.2)  # the killed process's lease expires

    second = newsmon(*args[:-2], home=tmp_path, db=db, timeout=120)

    assert second.returncode == 0, second.stderr
    rows_kept(stored_before, archive_rows(db))
    stored = _articles(db)
    urls = [url for url, _ in stored]
    assert len(urls) == len(set(urls))
    assert set(urls) == {web.url(a.path) for a in slow_site.listed}
    by_id = {r.id: r for r in _runs(db)}
    assert by_id[killed.id].status == "interrupted"
    assert "gone" in (by_id[killed.id].reason or "")
    assert by_id[max(by_id)].status == "ok"


# -- PostgreSQL stopped mid-crawl ----------------------------------------------------------------


@pytest.fixture
def private_pg(tmp_path: Path) -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this test's own, which it may stop and start."""
    # Not under pytest's tmp_path: a pytest session starting meanwhile (another xdist
    # worker, a second run) makes /tmp/pytest-of-USER private again, and the cluster's
    # owner (the postgres user, under root) could no longer reach its files.
    server = PrivatePostgres.create(Path(tempfile.mkdtemp(prefix="newsmon-pg-")) / "pg")
    try:
        yield server
    finally:
        server.destroy()


@pytest.mark.parametrize("writer", ["0", "1"], ids=["in-process", "writer-process"])
def test_postgresql_restarted_mid_crawl_fails_the_run_and_the_next_run_stores_the_rest(
    web: WebServer, tmp_path: Path, private_pg: PrivatePostgres, writer: str
) -> None:
    db = private_pg.url
    urls = _pages(web, 24, 0.4)  # about 5 s of crawling: the restart lands in the middle
    args = ("crawl", *urls, *FAST, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "--db", db)
    args += ("--set", "NEWSMON_STORE_BATCH=2", "--set", f"NEWSMON_STORE_PROCESS={writer}")
    crawl = _start(tmp_path, *args)
    wait_until("some articles stored", lambda: len(_articles(db)) >= 4)
    private_pg.stop()
    time.sleep(1.5)  # writes fail while it is down
    private_pg.start()
    _out, err = crawl.communicate(timeout=90)

    assert crawl.returncode == 1
    assert "Traceback" not in err
    stored = _articles(db)
    assert 4 <= len(stored) < len(urls)
    assert all(n == 12 for _, n in stored)  # each article whole, or not there at all
    failed = [ln for ln in err.splitlines() if ln.startswith("http")]
    assert len(failed) + len(stored) == len(urls), err
    assert all("database write failed" in ln or "not stored" in ln for ln in failed), failed
    spooled = list((tmp_path / "pending-runs").glob("*.json"))
    if writer == "1" and _runs(db)[-1].status == "running":
        # The writer's failed write can end the crawl while the server is still shutting
        # down: the run's outcome then waits in the spool for the next crawl, as when the
        # server is down for good (below).
        assert len(spooled) == 1, err
    else:
        assert spooled == []

    again = newsmon("crawl", *urls, *FAST, home=tmp_path, db=db)
    assert again.returncode == 0, again.stderr
    run = _runs(db)[0]
    assert run.status == "failed", (run.status, run.reason)
    assert "database" in (run.reason or "")
    assert {e["url"] for e in run.error_list} == {ln.split(": ", 1)[0] for ln in failed}
    stored = _articles(db)
    assert sorted(url for url, _ in stored) == sorted(urls)
    assert all(n == 12 for _, n in stored)


@pytest.mark.parametrize("writer", ["0", "1"], ids=["in-process", "writer-process"])
def test_postgresql_down_for_good_the_crawl_ends_with_a_reason_and_nothing_half_written(
    web: WebServer, tmp_path: Path, private_pg: PrivatePostgres, writer: str
) -> None:
    db = private_pg.url
    urls = _pages(web, 20, 0.5)  # about 5 s of crawling: the stop lands in the middle
    args = ("crawl", *urls, *FAST, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "--db", db)
    args += ("--set", "NEWSMON_STORE_BATCH=2", "--set", f"NEWSMON_STORE_PROCESS={writer}")
    crawl = _start(tmp_path, *args)
    wait_until("some articles stored", lambda: len(_articles(db)) >= 2)
    private_pg.stop()
    _out, err = crawl.communicate(timeout=90)
    private_pg.start()

    assert crawl.returncode == 1, err
    assert "Traceback" not in err
    assert all(n == 12 for _, n in _articles(db))
    assert "database write failed" in err
    # The server was down when the run ended: its row is still `running`, and its outcome
    # waits in a file for the database to answer again.
    (stuck,) = _runs(db)
    assert stuck.status == "running"
    assert len(list((tmp_path / "pending-runs").glob("*.json"))) == 1
    told = {ln.split(": ", 1)[0] for ln in err.splitlines() if ln.startswith("http")}
    assert told

    # The next crawl on the archive closes it with what its user was told.
    again = newsmon("crawl", urls[0], *FAST, home=tmp_path, db=db)
    assert again.returncode == 0, again.stderr
    first, second = _runs(db)
    assert (first.status, second.status) == ("failed", "ok")
    assert "database" in (first.reason or "")
    assert {e["url"] for e in first.error_list} == told
    assert list((tmp_path / "pending-runs").glob("*.json")) == []


# -- the config broken while the scheduler runs --------------------------------------------------


def test_a_config_broken_while_the_scheduler_runs_is_reported_and_the_last_good_one_is_used(
    web: WebServer, tmp_path: Path
) -> None:
    site = SampleSite.generate(6, keyword_every=3)
    site.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    config = write_config(
        tmp_path / "config.toml", [site_table("jiangnan", web.base_url, interval_minutes=2 / 60)]
    )
    good = config.read_text(encoding="utf-8")
    with SchedulerProcess(config, db, log=tmp_path / "scheduler.log") as scheduler:
        wait_until("a first run", lambda: any(r["status"] == "ok" for r in runs(db)))
        config.write_text(good.replace("[[sites]]", "[[sites]\n", 1), encoding="utf-8")
        broken_at = len(runs(db))
        wait_until(
            "two runs with the config broken",
            lambda: sum(r["status"] != "running" for r in runs(db)[broken_at:]) >= 2,
        )
        config.write_text(good, encoding="utf-8")
        fixed_at = len(runs(db))
        wait_until(
            "a run after the fix", lambda: any(r["status"] == "ok" for r in runs(db)[fixed_at:])
        )
        assert scheduler.stop() == 0, scheduler.log
        log = scheduler.log

    assert all(r["status"] == "ok" for r in runs(db)), runs(db)
    said = [ln for ln in log.splitlines() if "is broken" in ln]
    assert len(said) == 1, log  # once, not once per run
    assert f"config {config} is broken" in said[0]
    assert "invalid TOML" in said[0]
    assert "keep the last good config" in said[0]
    assert f"config {config} loads again" in log


def test_a_crawl_killed_with_sigkill_is_closed_by_the_next_crawl(
    web: WebServer, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    # 30 pages fetched one at a time, 1 s each: the crawl outlasts the worker's start even on
    # a loaded machine (with 10, a worker that took 10 s to start saw every page downloaded,
    # and the crawl stored them all and ended before the kill). The test ends at the kill.
    urls = _pages(web, 30, 1.0)
    one_by_one = ("--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "NEWSMON_STORE_BATCH=1")
    # With an extraction worker: it must end with the crawl, or it keeps the crawl's stdout
    # and stderr open and communicate() below never sees them close.
    pool = ("--set", "NEWSMON_EXTRACT_PROCESSES=1")
    crawl = _start(tmp_path, "crawl", *urls, *FAST, *one_by_one, *pool, "--db", db)
    wait_until("the first article stored", lambda: len(_articles(db)) >= 1)
    crawl.send_signal(signal.SIGKILL)
    crawl.communicate(timeout=30)
    assert [r.status for r in _runs(db)] == ["running"]

    again = newsmon("crawl", *urls[:1], *FAST, home=tmp_path, db=db)
    assert again.returncode == 0, again.stderr
    killed, ok = _runs(db)
    assert (killed.status, ok.status) == ("interrupted", "ok")
    assert "process ended" in (killed.reason or "")
