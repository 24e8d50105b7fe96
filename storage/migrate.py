"""Schema migrations (Alembic): upgrade an archive, and refuse to run on one that is out of date.

Policy, applied whenever newsmon opens a database (``create_schema``):

- an empty database is created at the newest revision, on any backend;
- an archive made before migrations existed (tables, no ``alembic_version``)
  is taken to be at the first revision and upgraded from there;
- an older SQLite archive is upgraded on first use (one user, one file);
- an older PostgreSQL archive is refused with a message saying to run
  ``newsmon db upgrade``: other processes may be using it, and its owner
  decides when the schema changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    SQLColumnExpression,
    cast,
    func,
    inspect,
    literal_column,
    text,
)

MIGRATIONS = Path(__file__).parent / "migrations"
#: The revision an archive without ``alembic_version`` but with tables is taken to be at.
BASELINE = "0001"
#: Any two processes opening the same PostgreSQL archive take turns (pg_advisory_lock key).
_PG_LOCK = 0x6E6577736D6F6E  # "newsmon"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave alone what the models do not declare: APScheduler's job table, and the tables and
    indexes storage/search/index.py manages itself (the bigram index, the sections city index)."""
    return not (reflected and compare_to is None)


class SchemaOutOfDate(RuntimeError):
    """The archive's schema is older than this newsmon; the message says what to run."""


class MigrationRefused(RuntimeError):
    """A migration found the archive not as newsmon made it and changed nothing (its
    transaction is rolled back); the message says what it found."""


def _scripts_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _config(connection: Connection) -> Config:
    config = _scripts_config()
    config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    """The migrations' scripts (storage/migrations/versions)."""
    return ScriptDirectory.from_config(_scripts_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock on ``<database>.schema-lock`` while one process creates or upgrades.

    SQLite's own locking does not cover "read the revision, then create the
    tables": two processes opening a new file at once would both migrate it.
    """
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    import fcntl

    with open(f"{database}.schema-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection holding the schema lock: a PostgreSQL advisory lock, or a lock file for SQLite."""
    if engine.dialect.name == "sqlite":
        with _sqlite_file_lock(engine), engine.connect() as connection:
            yield connection
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK})
        connection.commit()
        try:
            yield connection
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK})
            connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the archive to ``revision``; return ``(from, to)``."""
    with _exclusive(engine) as connection:
        before = _adopt_unversioned(connection)
        command.upgrade(_config(connection), revision)
        connection.commit()
        after = current_revision(connection)
    assert after is not None
    if before is not None and engine.dialect.name == "postgresql":
        from storage.search.build import report

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in _rewritten(before, after):
                vacuum_rewritten(connection, table, report)
    return before, after


def _rewritten(before: str, after: str) -> list[str]:
    """The tables PostgreSQL rewrote in the migrations after ``before`` up to ``after``: each
    migration that rewrites a table (``ALTER COLUMN ... TYPE``, a storage change) names it in
    its module's ``rewrites_on_postgresql``."""
    scripts = list(_scripts().iterate_revisions(after, before))
    tables: list[str] = []
    for script in reversed(scripts):  # in the order they ran
        tables += [
            t for t in getattr(script.module, "rewrites_on_postgresql", ()) if t not in tables
        ]
    return tables


#: How often :func:`vacuum_rewritten` runs ``VACUUM`` when no page was marked and no other
#: session of the database holds a snapshot, and the pause between tries.
_VACUUM_TRIES = 3
_VACUUM_PAUSE = 0.5


def vacuum_rewritten(connection: Connection, table: str, say: Callable[[str], None]) -> None:
    """PostgreSQL: ``VACUUM (ANALYZE)`` a table just rewritten and committed (``VACUUM`` cannot run
    in a transaction). A rewritten table has an empty visibility map, so its index-only scans
    (the city filter's, the counts') read every row, and the planner reckons with that; a
    rewrite of a column's type drops that column's statistics. Autovacuum would come to it only
    after many later writes.

    ``VACUUM`` cannot mark a page all-visible while a session of the database holds an older
    snapshot (a ``newsmon serve`` or a crawl that kept running, a psql session): then ``say`` is
    told so, which sessions, and what to run later. Nor does it mark a page another process has
    pinned at the moment it comes to it (the checkpointer or the background writer writing it
    out), which on a table of a page or two can leave nothing marked: with no snapshot held,
    ``VACUUM`` runs again, up to :data:`_VACUUM_TRIES` times in all (cheap: the pages already
    marked are skipped). ``connection``: in autocommit."""
    say(f"VACUUM (ANALYZE) {table}")
    holders: list[str] = []
    for attempt in range(_VACUUM_TRIES):
        if attempt:
            time.sleep(_VACUUM_PAUSE)
        connection.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')
        pages, visible = connection.execute(
            text("SELECT relpages, relallvisible FROM pg_class WHERE oid = CAST(:t AS regclass)"),
            {"t": table},
        ).one()
        if not pages or visible:
            return
        holders = _snapshot_holders(connection)
        if holders:
            break
    why = (
        f"another transaction on this database was open ({'; '.join(holders)})"
        if holders
        else "no session of this role holds a snapshot now (one of another role may, or the "
        "server held the pages as VACUUM came to them)"
    )
    say(
        f"  {table}: no page could be marked all-visible, {why}; until autovacuum comes to "
        f"it, index-only scans read the table: run VACUUM {table} when nothing else uses the "
        f"archive"
    )


def _snapshot_holders(connection: Connection) -> list[str]:
    """The other sessions of this database whose snapshot or transaction keeps ``VACUUM`` from
    marking pages, as "session PID (APPLICATION, STATE since HH:MM:SS)". Sessions of other roles
    show no snapshot here without the ``pg_read_all_stats`` role, and are not listed."""
    rows = connection.execute(
        text(
            "SELECT pid, coalesce(nullif(application_name, ''), 'no application name'), "
            "coalesce(state, 'unknown'), to_char(xact_start, 'HH24:MI:SS') "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() "
            "AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) ORDER BY xact_start"
        )
    ).all()
    return [f"session {pid} ({app}, {state} since {since})" for pid, app, state, since in rows]


def _adopt_unversioned(connection: Connection) -> str | None:
    """Stamp an archive made before migrations existed; return its revision.

    Such an archive has every table of this schema (it was made by the
    ``create_all`` of a development build, or by bench/query.py: stamped as the newest
    revision, or as 0010 when its sections lack the offsets of revision 0011, which then
    converts it, or as 0011 when its ``articles.fetched_url`` is still NOT NULL, which
    revision 0012 drops, or as 0012 when its fingerprints keep the whole ``content_hash`` as
    text, which revision 0013 turns into a 64-bit key, or as 0013 when its articles do, which
    revision 0014 turns into theirs) or the first revision's tables only
    (stamped as the baseline).
    """
    revision = current_revision(connection)
    if revision is not None:
        return revision
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    if "articles" not in tables:
        return None
    from storage.models import Base

    revision = head_revision() if set(Base.metadata.tables) <= tables else BASELINE

    def column(table: str, name: str) -> Any:
        """The inspector's description of ``table``'s column ``name``, or None."""
        return next((c for c in inspector.get_columns(table) if c["name"] == name), None)

    if revision != BASELINE and column("sections", "text_start") is None:
        revision = "0010"
    fetched = column("articles", "fetched_url")
    if revision == head_revision() and fetched and not fetched["nullable"]:
        revision = "0011"
    # the content hash as text: in the fingerprints before 0013, in the articles before 0014
    for table, before in (("article_fingerprints", "0012"), ("articles", "0013")):
        digest = column(table, "content_hash")
        if revision == head_revision() and digest and not isinstance(digest["type"], Integer):
            revision = before
    command.stamp(_config(connection), revision)
    connection.commit()
    return revision


def ensure_schema(engine: Engine) -> None:
    """Apply the policy of the module docstring; raise :class:`SchemaOutOfDate` when refused."""
    head = head_revision()
    with _exclusive(engine) as connection:
        revision = _adopt_unversioned(connection)
        if revision == head:
            return
        if revision is not None and revision not in _known_revisions():
            raise SchemaOutOfDate(
                f"the archive's schema is at revision {revision}, newer than this newsmon knows "
                f"(newest: {head}): upgrade newsmon"
            )
        if revision is not None and connection.dialect.name != "sqlite":
            raise SchemaOutOfDate(
                f"the archive's schema is at revision {revision}, this newsmon needs {head}: "
                "run `newsmon db upgrade` (back the database up first)"
            )
        command.upgrade(_config(connection), "head")
        connection.commit()


def edit_sqlite_schema(conn: Connection, old: str, new: str, rewrite: str = "") -> None:
    """Replace ``old`` by ``new`` in the SQL of SQLite's ``articles`` table, the documented
    way for a change that leaves every stored row valid (lang_altertable.html, "Making Other
    Kinds Of Table Schema Changes"; migrations 0012 and 0014): the text of its statement is
    edited in ``sqlite_master`` under ``PRAGMA writable_schema``, the schema version raised
    (so every connection, this one too, reads the schema again), the SQL ``rewrite`` run (if
    any: values that suit the new declaration, before the check, which would find them not
    suiting it) and the table checked, in the migration's transaction. A statement that does
    not hold ``old`` once, or a table that fails its check, is refused."""
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles'"
    ).scalar_one()
    if sql.count(old) != 1:
        raise MigrationRefused(
            f"the archive's articles table does not declare {old!r} once, as newsmon's schema"
            " did; it was not changed"
        )
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'articles'",
            (sql.replace(old, new),),
        )
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    if rewrite:
        conn.exec_driver_sql(rewrite)
    problems = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check(articles)")]
    if problems != ["ok"]:
        raise MigrationRefused(f"the articles table failed its check: {'; '.join(problems[:5])}")


#: The digits of :func:`hash_key`, in their order.
_HEX = "0123456789abcdef"
#: How many characters of an article's ``content_hash`` make its key: 16 hex digits, 64 bits.
KEY_DIGITS = 16


def hash_key(digest: str) -> int:
    """The 64-bit key of a ``content_hash`` stored as hex text before migrations 0013 and 0014
    (signed, as BIGINT stores it): the first 16 characters read as hexadecimal digits, so for
    newsmon's SHA-256 hex digests the digest's first 64 bits, which is what
    ``storage.repository.content_hash`` now gives. Defined for any text, the same way as
    :func:`hash_key_sql` computes it in SQL on both backends (for those migrations): a
    character that is no lowercase hex digit counts as ``f``, a text shorter than 16
    characters is read as if padded on the right with ``0`` (``Article.content_hash`` says why
    64 bits suffice)."""
    value = 0
    for place in range(KEY_DIGITS):
        char = digest[place : place + 1]
        digit = (_HEX.find(char) if char else 0) & 15
        value |= digit << (4 * (KEY_DIGITS - 1 - place))
    return value - (1 << 64) if value >= 1 << 63 else value


def hash_key_sql(digest: SQLColumnExpression[str], dialect: str) -> ColumnElement[int]:
    """:func:`hash_key` of a text column, in SQL for the ``dialect`` (``sqlite`` or
    ``postgresql``): each digit's place in ``'0123456789abcdef'`` (``instr``, PostgreSQL's
    ``strpos``: 0 when absent, 1 for an empty text), less one, masked to 4 bits and shifted as
    a BIGINT to its place (64-bit shifts wrap on both)."""
    position = func.instr if dialect == "sqlite" else func.strpos
    digits: ColumnElement[str] = literal_column(f"'{_HEX}'")
    value: ColumnElement[int] | None = None
    for place in range(KEY_DIGITS):
        found = position(
            digits, func.substr(digest, literal_column(str(place + 1)), literal_column("1"))
        )
        digit = cast((found - literal_column("1")).op("&")(literal_column("15")), BigInteger)
        term = digit.op("<<")(literal_column(str(4 * (KEY_DIGITS - 1 - place))))
        value = term if value is None else value.op("|")(term)
    assert value is not None
    return value


def hash_key_sql_text(column: str, conn: Connection) -> str:
    """:func:`hash_key_sql` of the text column ``column`` (SQL, e.g. ``f.content_hash``) as SQL
    text for ``conn``'s backend, to write into a migration's statements (0013 and 0014)."""
    key = hash_key_sql(literal_column(column), conn.dialect.name)
    return str(key.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
