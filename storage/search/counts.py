"""Articles per publication day and per city, kept as they are written (``search_counts``).

``count_by`` over the whole archive (``--group-by city`` or ``day`` without a
filter, and the web page's charts before anything is typed) reads these counts
instead of every article or section. Triggers keep them: they run wherever an
article or a section is inserted, deleted or changed, whatever code does it.

- ``kind = 'day'``: articles per day of publication in Asia/Shanghai (``key``
  ``YYYY-MM-DD``; ``''`` for undated articles);
- ``kind = 'city'``: articles with at least one section about the city (an
  article with two sections on one city counts once).

SQLite has one writer at a time, so its triggers add to ``search_counts``
directly. PostgreSQL has many (crawl workers): there a row trigger appends the
change to ``search_count_deltas`` (no lock taken on the counts), and a deferred
trigger, once per transaction as it commits, folds every committed change into
``search_counts`` when it gets a transaction advisory lock without waiting; if
another writer is folding, it leaves its changes for the next one. Readers add
the two tables up, so a count is right whether folded or not, and writers never
wait on each other or deadlock over a hot day.

:func:`install_counts` installs the triggers and counts what the archive holds
(migration 0004, and whenever the triggers are missing: an archive loaded in
bulk); :func:`recount` counts again (``newsmon reindex``).
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

COUNTS = "search_counts"
DELTAS = "search_count_deltas"

#: The day of publication in Asia/Shanghai, '' for undated (China has kept UTC+8 since 1991).
_SQLITE_DAY = "coalesce(date({row}.published_at, '+8 hours'), '')"
_PG_DAY = "coalesce(to_char(timezone('Asia/Shanghai', {row}.published_at), 'YYYY-MM-DD'), '')"

_SQLITE_ADD = (
    f"INSERT INTO {COUNTS}(kind, key, n) SELECT {{kind}}, {{key}}, 1 WHERE {{when}} "
    "ON CONFLICT(kind, key) DO UPDATE SET n = n + 1;"
)
_SQLITE_SUB = f"UPDATE {COUNTS} SET n = n - 1 WHERE kind = {{kind}} AND key = {{key}} AND {{when}};"
#: No other section of the row's article is about its city (the row itself excluded).
_ALONE = (
    "NOT EXISTS (SELECT 1 FROM sections s WHERE s.city = {row}.city "
    "AND s.article_id = {row}.article_id AND s.id IS NOT {row}.id)"
)
_SQLITE_TRIGGERS = {
    "search_counts_article_ai": "AFTER INSERT ON articles BEGIN "
    + _SQLITE_ADD.format(kind="'day'", key=_SQLITE_DAY.format(row="new"), when="1")
    + " END",
    "search_counts_article_ad": "AFTER DELETE ON articles BEGIN "
    + _SQLITE_SUB.format(kind="'day'", key=_SQLITE_DAY.format(row="old"), when="1")
    + " END",
    "search_counts_article_au": "AFTER UPDATE OF published_at ON articles WHEN "
    f"{_SQLITE_DAY.format(row='old')} <> {_SQLITE_DAY.format(row='new')} BEGIN "
    + _SQLITE_SUB.format(kind="'day'", key=_SQLITE_DAY.format(row="old"), when="1")
    + _SQLITE_ADD.format(kind="'day'", key=_SQLITE_DAY.format(row="new"), when="1")
    + " END",
    # BEFORE: the row itself is not in the table yet (insert) or still is (delete), and
    # the rows of the same statement before it are, so one statement of many sections
    # counts an article once per city.
    "search_counts_section_bi": "BEFORE INSERT ON sections WHEN new.city IS NOT NULL BEGIN "
    + _SQLITE_ADD.format(
        kind="'city'",
        key="new.city",
        when=_ALONE.format(row="new").replace("AND s.id IS NOT new.id", ""),
    )
    + " END",
    "search_counts_section_bd": "BEFORE DELETE ON sections WHEN old.city IS NOT NULL BEGIN "
    + _SQLITE_SUB.format(kind="'city'", key="old.city", when=_ALONE.format(row="old"))
    + " END",
    "search_counts_section_bu": "BEFORE UPDATE OF article_id, city ON sections BEGIN "
    + _SQLITE_SUB.format(
        kind="'city'", key="old.city", when="old.city IS NOT NULL AND " + _ALONE.format(row="old")
    )
    + _SQLITE_ADD.format(
        kind="'city'",
        key="new.city",
        when="new.city IS NOT NULL AND " + _ALONE.format(row="new").replace("new.id", "old.id"),
    )
    + " END",
}

#: Key of the transaction advisory lock a PostgreSQL writer folds the deltas under.
FOLD_LOCK = 0x6E6D636F756E74  # "nmcount"
_PG_ALONE = _ALONE.replace("IS NOT", "IS DISTINCT FROM")
_PG_DDL = (
    f"""
CREATE OR REPLACE FUNCTION newsmon_count_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {_PG_DAY.format(row="OLD")} = {_PG_DAY.format(row="NEW")} THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO {DELTAS}(kind, key, n) VALUES ('day', {_PG_DAY.format(row="OLD")}, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO {DELTAS}(kind, key, n) VALUES ('day', {_PG_DAY.format(row="NEW")}, 1);
  END IF;
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION newsmon_count_section() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.city IS NOT NULL AND {_PG_ALONE.format(row="OLD")} THEN
    INSERT INTO {DELTAS}(kind, key, n) VALUES ('city', OLD.city, -1);
  END IF;
  IF TG_OP = 'INSERT' AND NEW.city IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM sections s WHERE s.city = NEW.city
                     AND s.article_id = NEW.article_id) THEN
    INSERT INTO {DELTAS}(kind, key, n) VALUES ('city', NEW.city, 1);
  ELSIF TG_OP = 'UPDATE' AND NEW.city IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM sections s WHERE s.city = NEW.city
                     AND s.article_id = NEW.article_id AND s.id <> OLD.id) THEN
    INSERT INTO {DELTAS}(kind, key, n) VALUES ('city', NEW.city, 1);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION newsmon_fold_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('newsmon.counts_folded', true) = 'yes' THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('newsmon.counts_folded', 'yes', true);
  IF pg_try_advisory_xact_lock({FOLD_LOCK}) THEN
    WITH moved AS (DELETE FROM {DELTAS} RETURNING kind, key, n)
    INSERT INTO {COUNTS}(kind, key, n)
    SELECT kind, key, sum(n) FROM moved GROUP BY kind, key ORDER BY kind, key
    ON CONFLICT (kind, key) DO UPDATE SET n = {COUNTS}.n + excluded.n;
  END IF;
  RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS search_counts_article ON articles",
    "CREATE TRIGGER search_counts_article AFTER INSERT OR DELETE OR UPDATE OF "
    "published_at ON articles FOR EACH ROW EXECUTE FUNCTION newsmon_count_article()",
    "DROP TRIGGER IF EXISTS search_counts_section ON sections",
    "CREATE TRIGGER search_counts_section BEFORE INSERT OR DELETE OR UPDATE OF "
    "article_id, city ON sections FOR EACH ROW EXECUTE FUNCTION newsmon_count_section()",
    # At commit, once per transaction: the fold's lock is held only while committing.
    f"DROP TRIGGER IF EXISTS search_counts_fold ON {DELTAS}",
    f"CREATE CONSTRAINT TRIGGER search_counts_fold AFTER INSERT ON {DELTAS} "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION newsmon_fold_counts()",
)
_PG_TRIGGERS = ("search_counts_article", "search_counts_section", "search_counts_fold")


def installed(conn: Connection) -> bool:
    """Whether the archive's count triggers are in place."""
    if conn.dialect.name == "sqlite":
        found = set(
            conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
        )
        return set(_SQLITE_TRIGGERS) <= found
    found = set(conn.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).all())
    return set(_PG_TRIGGERS) <= found


def install_counts(conn: Connection, again: bool = False) -> bool:
    """Install the triggers and count the archive, unless they are in place (``again``: count
    anyway); return whether it counted. Runs in the caller's transaction (on PostgreSQL,
    writers wait for it). An archive before migration 0004 has no tables for it: False."""
    if not _has_tables(conn):
        return False
    if installed(conn) and not again:
        return False
    if conn.dialect.name == "sqlite":
        for name, body in _SQLITE_TRIGGERS.items():
            conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    else:
        # Two processes opening a new archive at once would race on the DDL.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsmon.install_search'))"))
        if not installed(conn):
            for ddl in _PG_DDL:
                conn.exec_driver_sql(ddl)
        elif not again:
            return False
    recount(conn)
    return True


def _has_tables(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {COUNTS, DELTAS} <= set(conn.scalars(text(query)).all())


def drop_counts(conn: Connection) -> None:
    """Remove the triggers (migration 0004's downgrade)."""
    if conn.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return
    for ddl in _PG_DDL:
        if ddl.startswith("DROP TRIGGER"):
            conn.exec_driver_sql(ddl)
    for function in ("newsmon_count_article", "newsmon_count_section", "newsmon_fold_counts"):
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}()")


def recount(conn: Connection) -> None:
    """Count the archive's articles per day and per city from scratch.

    On PostgreSQL, writers wait until the caller's transaction ends: a store committed
    between these statements would be counted from the tables and again from its delta,
    left for the next fold while another writer folds. (SQLite: one writer at a time.)"""
    day = (_SQLITE_DAY if conn.dialect.name == "sqlite" else _PG_DAY).format(row="articles")
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("LOCK TABLE articles, sections IN SHARE MODE")
    conn.exec_driver_sql(f"DELETE FROM {DELTAS}")
    conn.exec_driver_sql(f"DELETE FROM {COUNTS}")
    conn.exec_driver_sql(
        f"INSERT INTO {COUNTS}(kind, key, n) SELECT 'day', {day}, count(*) FROM articles "
        f"GROUP BY {day}"
    )
    conn.exec_driver_sql(
        f"INSERT INTO {COUNTS}(kind, key, n) SELECT 'city', city, count(DISTINCT article_id) "
        "FROM sections WHERE city IS NOT NULL GROUP BY city"
    )


def counted(session: Session, kind: str) -> list[tuple[str | None, int]] | None:
    """The kept counts of ``kind`` (``'day'``: key None for undated), largest first for cities,
    oldest day first (undated last); None when the archive keeps none (not yet upgraded)."""
    if not installed(session.connection()):
        return None
    rows = session.execute(
        text(
            f"SELECT key, sum(n) FROM (SELECT key, n FROM {COUNTS} WHERE kind = :kind "
            f"UNION ALL SELECT key, n FROM {DELTAS} WHERE kind = :kind) AS c "
            "GROUP BY key HAVING sum(n) > 0"
        ),
        {"kind": kind},
    ).all()
    found = [(str(key) or None, int(n)) for key, n in rows]
    if kind == "day":
        return sorted(found, key=lambda kn: (kn[0] is None, kn[0] or ""))
    return sorted(found, key=lambda kn: (-kn[1], kn[0] or ""))
