"""What a user who leaves newsmon running for months relies on: every entry point fails with
one clear line (never a traceback), the config check catches what the scheduler would refuse,
and run records say what happened in words a user can act on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ROOT, newsmon
from tests.support.scheduled import site_table, write_config

BAD_DATABASES = [
    # (the URL, given the test's folder; exit status; what the line says)
    (lambda d: "foo://nowhere", 2, "--db: not a database URL"),
    (lambda d: f"sqlite:///{d / 'garbage.sqlite3'}", 1, "file is not a database"),
    (lambda d: f"sqlite:///{d / 'config.toml' / 'x.sqlite3'}", 1, "cannot make its folder"),
    (
        lambda d: "postgresql+psycopg://newsmon:s3cret@127.0.0.1:9/archive",
        1,
        "postgresql+psycopg://newsmon:***@127.0.0.1:9/archive: (psycopg.OperationalError)",
    ),
]
ENTRY_POINTS = {
    "scheduler.py": lambda config, db: [
        sys.executable,
        str(ROOT / "scheduler.py"),
        "--config",
        str(config),
        "--db",
        db,
        "--list",
    ],
    "newsmon schedule": lambda config, db: [
        sys.executable,
        "-m",
        "newsmon.cli",
        "schedule",
        "--config",
        str(config),
        "--db",
        db,
        "--list",
    ],
    "newsmon db upgrade": lambda config, db: [
        sys.executable,
        "-m",
        "newsmon.cli",
        "db",
        "upgrade",
        "--config",
        str(config),
        "--db",
        db,
    ],
    "newsmon db current": lambda config, db: [
        sys.executable,
        "-m",
        "newsmon.cli",
        "db",
        "current",
        "--config",
        str(config),
        "--db",
        db,
    ],
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize(
    ("make_url", "code", "says"),
    BAD_DATABASES,
    ids=["not-a-url", "not-a-db", "folder-is-a-file", "pg-down"],
)
def test_a_database_that_cannot_be_opened_is_one_line_from_every_entry_point(
    tmp_path: Path, entry: str, make_url: object, code: int, says: str
) -> None:
    config = write_config(tmp_path / "config.toml", [site_table("jiangnan", "http://127.0.0.1:9")])
    (tmp_path / "garbage.sqlite3").write_text("not a database\n", encoding="utf-8")
    db = make_url(tmp_path)  # type: ignore[operator]
    result = subprocess.run(
        ENTRY_POINTS[entry](config, db),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "NEWSMON_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if "alembic" not in line]
    assert len(lines) == 1, result.stderr
    assert says in lines[0]
    assert "s3cret" not in result.stderr + result.stdout


SITE = '[[sites]]\nname = "a"\nstart_urls = ["http://127.0.0.1:9/news/list_1.html"]\n'
REFUSED_BY_THE_SCHEDULER = [
    (SITE + 'cron = "61 * * * *"\n', "config.toml: sites[a].cron: '61 * * * *'"),
    (
        '[scheduler]\ntimezone = "Mars/Olympus"\n\n' + SITE + 'cron = "5 * * * *"\n',
        "config.toml: scheduler.timezone: unknown time zone 'Mars/Olympus'",
    ),
    ('[alerts]\nwebhook = "hooks.example.org"\n\n' + SITE, "config.toml:2: alerts.webhook"),
    ('[alerts]\ndigest = "weekly"\n\n' + SITE, "config.toml:2: alerts.digest"),
    ("[scheduler]\nmax_parallel = 0\n\n" + SITE, "config.toml: scheduler.max_parallel"),
]


@pytest.mark.parametrize(
    ("text", "says"), REFUSED_BY_THE_SCHEDULER, ids=["cron", "timezone", "webhook", "digest", "max"]
)
def test_config_check_refuses_what_the_scheduler_would_refuse_and_says_it_once(
    tmp_path: Path, text: str, says: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    check = newsmon("config", "check", "--config", str(config), home=tmp_path)
    assert check.returncode == 2, check.stdout + check.stderr
    assert ": ok" not in check.stdout  # not "ok" first and an error after
    assert check.stderr.count("\n") == 1, check.stderr
    assert says in check.stderr
    scheduler = subprocess.run(
        [sys.executable, str(ROOT / "scheduler.py"), "--config", str(config), "--list"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "NEWSMON_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert scheduler.returncode == 2, scheduler.stderr
    assert "Traceback" not in scheduler.stderr
    assert scheduler.stderr.strip() == "scheduler: " + check.stderr.strip().removeprefix(
        "newsmon: "
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # the keyword would silently be the default 新春第一会
        (
            '[monitor]\nkeyword = ["营商环境"]\n',
            "config.toml:2: monitor.keyword: unknown key (known: ",
        ),
        # alerts would silently go nowhere
        (
            '[monitor]\nkeywords = ["营商环境"]\n\n[alert]\njsonl = "a.jsonl"\n',
            "config.toml:4: alert: unknown table",
        ),
        (
            '[database]\npath = "/var/lib/newsmon.sqlite3"\n',
            "config.toml:2: database.path: unknown key",
        ),
        (
            '[redis]\nurl = "redis://127.0.0.1:9/0"\nttl_hours = 1\n',
            "config.toml:3: redis.ttl_hours: unknown key",
        ),
        ('keywords = ["营商环境"]\n', "config.toml:1: keywords: unknown table"),
    ],
    ids=["monitor-key", "table", "database-key", "redis-key", "top-level-key"],
)
def test_a_misspelt_table_or_key_is_refused_not_dropped(
    tmp_path: Path, text: str, says: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text + "\n" + SITE, encoding="utf-8")
    for command in (["config", "check"], ["monitor"], ["query", "x"]):
        result = newsmon(*command, "--config", str(config), home=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert says in result.stderr, (command, result.stderr)
        assert not (tmp_path / "newsmon.sqlite3").exists()  # refused before anything ran


def test_the_help_names_the_config_and_database_that_are_used(tmp_path: Path) -> None:
    # (without spaces: argparse wraps the lines at spaces and after hyphens)
    help_text = "".join(newsmon("query", "--help", home=tmp_path).stdout.split())
    # NEWSMON_HOME (set by newsmon()) moves both: the help says where they are now.
    assert f"else{tmp_path / 'config.toml'}ifitexists" in help_text
    assert f"elsesqlite:///{tmp_path / 'newsmon.sqlite3'}" in help_text


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path, command: str) -> None:
    result = newsmon(command, "--port", "99999", home=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"newsmon {command}: error: argument --port: must be a TCP port (0-65535)"
    )
    assert not (tmp_path / "demo").exists()  # nothing generated or served


@pytest.mark.parametrize(
    "command",
    [["query", "新春第一会"], ["show", "1"], ["runs"], ["report", "新春第一会"], ["db", "stats"]],
    ids=["query", "show", "runs", "report", "db-stats"],
)
def test_reading_a_mistyped_archive_path_says_there_is_no_archive(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "archiv.sqlite3"
    result = newsmon(*command, home=tmp_path, db=f"sqlite:///{typo}")
    # Not "no articles match" / "no crawl runs yet" from a new, empty archive made on the spot.
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"newsmon: no archive at {typo} (--db): nothing has been stored there;"
        " check --db, $NEWSMON_DB_URL or $NEWSMON_HOME"
    )
    assert not typo.exists()


def test_the_default_archive_of_a_fresh_install_reads_as_empty(tmp_path: Path) -> None:
    # Nothing named, nothing crawled yet: an empty archive, not an error.
    assert newsmon("runs", home=tmp_path).stdout.strip() == "no crawl runs yet"
    assert newsmon("query", "x", home=tmp_path).stdout.strip() == "no articles match"
