"""Shared fixtures: the local web server, and fresh SQLite, PostgreSQL and Redis databases.

`scripts/test` starts PostgreSQL and Redis and exports NEWSMON_TEST_PG_URL and
NEWSMON_TEST_REDIS_URL. Without them the tests that need a server skip, except under
CI=true, where they fail. Nothing here imports the application; the archive fixtures that
do (``sessions``) come from the plugin ``tests.support.stored``.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# `tests.support` must import the same way under `pytest` and `python -m pytest`; only the
# latter puts the repository root on sys.path by itself.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.ci import unavailable  # noqa: E402
from tests.support.served import ServedArchive, Server, crawl_archive  # noqa: E402
from tests.support.webserver import WebServer  # noqa: E402

pytest_plugins = ["tests.support.stored"]

PG_ENV = "NEWSMON_TEST_PG_URL"
REDIS_ENV = "NEWSMON_TEST_REDIS_URL"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (NEWSMON_TEST_PG_URL)")
    config.addinivalue_line("markers", "redis: needs a Redis server (NEWSMON_TEST_REDIS_URL)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # So that `-m "not postgres"` / `-m "not redis"` deselect the tests that need the server;
    # db_url[postgres] gets its mark from the fixture's param.
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "pg_url" in names or "pg_server_url" in names:
            item.add_marker(pytest.mark.postgres)
        if "redis_url" in names:
            item.add_marker(pytest.mark.redis)


def _server_url(env: str, what: str) -> str:
    url = os.environ.get(env)
    if not url:
        unavailable(f"{what} not available: {env} is not set (scripts/test sets it)")
    return url


# -- web server -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def web() -> Iterator[WebServer]:
    """The local HTTP server, started once per session.

    Its routes, hit counts and recorded requests are cleared before every test that uses it
    (by `_reset_web`), so add routes in the test or in function-scoped fixtures.
    """
    with WebServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_web(request: pytest.FixtureRequest) -> None:
    # Autouse fixtures run before the other function-scoped ones, so a fixture that adds
    # routes for a test still sees them. Tests that never ask for `web` don't start it.
    if "web" in request.fixturenames:
        request.getfixturevalue("web").reset()


# -- databases ------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a new, empty SQLite file under the test's tmp_path."""
    return f"sqlite:///{tmp_path / 'newsmon.sqlite3'}"


def _libpq_url(sqlalchemy_url: str, dbname: str | None = None) -> str:
    """``postgresql+psycopg://...`` -> ``postgresql://...`` (optionally on another database)."""
    parts = urlsplit(sqlalchemy_url)
    scheme = parts.scheme.split("+", 1)[0]
    path = f"/{dbname}" if dbname is not None else parts.path
    return urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """SQLAlchemy URL of the PostgreSQL server's own database (shared: don't write to it)."""
    return _server_url(PG_ENV, "PostgreSQL")


def pg_prefix() -> str:
    """The start of the names of this process's test databases: concurrent sessions and
    pytest-xdist workers on one server each see only their own."""
    return f"newsmon_t_{os.getpid()}_"


@contextmanager
def new_pg_database(pg_server_url: str) -> Iterator[str]:
    """SQLAlchemy URL (postgresql+psycopg) of a new, empty database, dropped on leaving."""
    import psycopg

    name = f"{pg_prefix()}{uuid.uuid4().hex[:12]}"
    admin = _libpq_url(pg_server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(pg_server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            # FORCE ends the connections that an undisposed engine pool still holds.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty PostgreSQL database, dropped after the test."""
    with new_pg_database(pg_server_url) as url:
        yield url


_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=_BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once for SQLite and once for PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="module", params=_BACKENDS)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like `db_url`, but one database for all the tests of a module that read it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module-db') / 'newsmon.sqlite3'}"
        return
    with new_pg_database(str(request.getfixturevalue("pg_server_url"))) as url:
        yield url


# -- redis ----------------------------------------------------------------------------------


def xdist_worker_number() -> int:
    """0 for ``gw0`` (or without pytest-xdist), 1 for ``gw1``, …"""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


def worker_redis_url(url: str) -> str:
    """The Redis database of this pytest-xdist worker: the URL's number plus the worker's,
    so that workers never flush each other's keys (Redis has 16 databases by default)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    number = base + xdist_worker_number()
    if number > 15:
        pytest.fail(
            f"Redis database {number} for xdist worker {xdist_worker_number()}: use fewer workers"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture
def redis_url() -> Iterator[str]:
    """URL of this worker's database on the test Redis server, empty at the start and flushed after."""
    import redis

    url = worker_redis_url(_server_url(REDIS_ENV, "Redis"))
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
        yield url
        client.flushdb()
    finally:
        client.close()


# -- a served archive -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def served_archive(
    web: WebServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedArchive]:
    """A SQLite archive crawled from 127.0.0.1 (a 新华日报 original, a portal reprint of it and
    a page with markup in its title) behind a real ``newsmon serve --port 0``."""
    home = tmp_path_factory.mktemp("served")
    db = f"sqlite:///{home / 'archive.sqlite3'}"
    ids = crawl_archive(web, home, db)
    server = Server(db, home)
    try:
        yield ServedArchive(server.base_url, db, home, ids, server.lines)
    finally:
        server.stop()
