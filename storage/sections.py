"""Sections' texts stored as runs of their article's body (migration 0011).

Extraction cuts a section's text from the body's paragraphs (crawler/extraction/sections.py:
the paragraphs from one heading to the next, joined by a newline as the body joins them), so
the text is a run of the body, and a copy of it cost a section row two thirds of its bytes
(~217 of 324 on PostgreSQL; docs/benchmarks.md, issue 17). A section row holds the run's place
instead, ``text_start`` and ``text_end`` in characters of the body (Python's indexes; SQLite's
``instr`` and PostgreSQL's ``strpos`` count the same characters), and ``text`` NULL.

A text that is no run of the body (a row written by other code, or an extraction whose
sections differ from the body, e.g. by whitespace) keeps the ``text`` column as before, offsets
NULL: nothing is ever dropped or altered, and :attr:`storage.models.Section.text` reads either.
The body and its sections change together: newsmon replaces an article's sections whenever it
stores a new body (storage/repository.py). A body changed by hand in SQL, its sections left as
they were, would leave their offsets pointing into the new text.

:func:`convert` is migration 0011 (and :func:`restore` its downgrade) on both backends: every
section's text looked up in its body in SQL (on SQLite through ``newsmon_text``, the bodies
being zstd frames: storage/bodies.py), by ranges of ids so that ``newsmon db upgrade`` says how
far it is. SQLite cannot make a column nullable in place: the table is copied into one of the
new form (its indexes and triggers made again from their own SQL), which also leaves it
packed; the file keeps its size until ``newsmon db compact``. PostgreSQL: the rows updated,
then the table rewritten (as migration 0009 did ``articles``), so the space of the old rows is
given back within the migration; the two plain indexes of sections are dropped for the update
and built once after.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from crawler.extraction import ExtractedArticle
from storage.search.build import report

#: Section ids per statement of the conversion.
CHUNK = 200_000


def text_columns(body: str, texts: Sequence[str]) -> list[dict[str, Any]]:
    """The stored columns of an article's sections' ``texts`` (in page order): each one's place
    in ``body`` where it is a run of it (looked for after the previous one first, as sections
    follow each other), else the text itself."""
    columns: list[dict[str, Any]] = []
    after = 0
    for value in texts:
        at = body.find(value, after)
        if at < 0:
            at = body.find(value)
        if at < 0:
            columns.append({"stored_text": value, "text_start": None, "text_end": None})
            continue
        after = at + len(value)
        columns.append({"stored_text": None, "text_start": at, "text_end": after})
    return columns


def section_columns(article: ExtractedArticle) -> list[dict[str, Any]]:
    """The ``sections`` rows of an extracted article, in page order, but for ``article_id`` (each
    text that is a run of the body as its place in it)."""
    texts = text_columns(article.body, [s.text for s in article.sections])
    return [
        {
            "position": i,
            "label": s.label,
            "city": s.city,
            "district": s.district,
            "heading": s.heading,
            **stored,
            "places": list(s.places),
        }
        for i, (s, stored) in enumerate(zip(article.sections, texts, strict=True))
    ]


# --------------------------------------------------------------------------- migration 0011

#: SQLite: the table of revision 0011 (revision 0001's, ``text`` nullable, the offsets added).
_SQLITE_TABLE = (
    "CREATE TABLE {name} (id INTEGER NOT NULL, article_id INTEGER NOT NULL, "
    "position INTEGER NOT NULL, label VARCHAR(100) NOT NULL, city VARCHAR(50), "
    "district VARCHAR(50), heading TEXT NOT NULL, text TEXT{not_null}, places JSON NOT NULL, "
    "{offsets}PRIMARY KEY (id), UNIQUE (article_id, position), "
    "FOREIGN KEY(article_id) REFERENCES articles (id) ON DELETE CASCADE)"
)
_COLUMNS = "id, article_id, position, label, city, district, heading, places"
#: PostgreSQL: the index of revision 0001 on ``articles.published_at``, which ``ix_articles_time``
#: (published_at DESC NULLS LAST, id DESC: storage/search/index.py) duplicates.
_PG_DATE_INDEX = "ix_articles_published_at"
#: PostgreSQL: the plain indexes of sections, dropped for the update and built once after.
_PG_INDEXES = {
    "ix_sections_city_district": "CREATE INDEX ix_sections_city_district ON sections (city, district)",
    "ix_sections_city_article": "CREATE INDEX ix_sections_city_article ON sections (city, article_id)",
}


def _ranges(conn: Connection, what: str) -> list[tuple[int, int]]:
    """Ranges ``(low, high]`` of section ids, :data:`CHUNK` ids each; said to the progress."""
    low, high, count = conn.execute(text("SELECT min(id), max(id), count(*) FROM sections")).one()
    if not count:
        return []
    report(f"{what} {count:,} sections")
    return [(start, start + CHUNK) for start in range(low - 1, high, CHUNK)]


def _sqlite_copy(conn: Connection, offsets: bool, source: str, what: str) -> None:
    """SQLite: sections copied into a table of the other form, the rows of ids in ``(:low,
    :high]`` by ``source`` (a statement that ends with the SELECT of the new table's columns
    and has ``INSERT`` to fill in), and that table put in the old one's place with the indexes
    and triggers the old one had."""
    kept = list(
        conn.scalars(
            text(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'sections' "
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
            )
        )
    )
    conn.exec_driver_sql(
        _SQLITE_TABLE.format(
            name="sections_0011",
            not_null="" if offsets else " NOT NULL",
            offsets="text_start INTEGER, text_end INTEGER, " if offsets else "",
        )
    )
    columns = f"{_COLUMNS}, text" + (", text_start, text_end" if offsets else "")
    insert = f"INSERT INTO sections_0011 ({columns})"
    statement = text(source.replace("INSERT", insert))
    done = 0
    for low, high in _ranges(conn, what):
        conn.execute(statement, {"low": low, "high": high})
        done += conn.scalar(text("SELECT changes()")) or 0  # (no rowcount after a WITH)
        report(f"  {done:,} sections")
    # sections of no article (written with foreign keys off) are kept as they are
    conn.exec_driver_sql(
        f"{insert} SELECT {_COLUMNS}, text"
        + (", NULL, NULL" if offsets else "")
        + " FROM sections s WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id)"
    )
    conn.exec_driver_sql("DROP TABLE sections")
    # the triggers on articles name sections: a rename that checks them would find it missing
    conn.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    conn.exec_driver_sql("ALTER TABLE sections_0011 RENAME TO sections")
    conn.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for sql in kept:
        conn.exec_driver_sql(sql)
    if conn.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        # the planner's statistics of the old table went with it: an archive that had them
        # (the city filter's plan reads them) gets the new table's
        conn.exec_driver_sql("ANALYZE sections")


#: SQLite: the sections of ids in ``(:low, :high]`` with their article's body (``body``), each
#: decompressed once (MATERIALIZED: a flattened subquery would do it for each use of ``at``).
_SQLITE_SECTIONS = (
    "WITH m AS MATERIALIZED (SELECT s.*, {value} AS at FROM sections s "
    "JOIN articles a ON a.id = s.article_id WHERE s.id > :low AND s.id <= :high) "
)


def convert(conn: Connection) -> None:
    """Migration 0011: sections' texts that are runs of their article's body stored as places
    in it (module docstring); on PostgreSQL, ``ix_articles_published_at`` dropped (the search's
    ``ix_articles_time`` serves what it did)."""
    if conn.dialect.name == "sqlite":
        source = _SQLITE_SECTIONS.format(value="instr(newsmon_text(a.body), s.text)") + (
            f"INSERT SELECT {_COLUMNS}, CASE WHEN at > 0 THEN NULL ELSE text END, "
            "nullif(at, 0) - 1, nullif(at, 0) - 1 + length(text) FROM m"
        )
        _sqlite_copy(conn, True, source, "placing the texts of")
        return
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {_PG_DATE_INDEX}")
    conn.exec_driver_sql(
        "ALTER TABLE sections ADD COLUMN text_start integer, ADD COLUMN text_end integer, "
        "ALTER COLUMN text DROP NOT NULL"
    )
    present = set(
        conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'sections'"))
    )
    for name in _PG_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    statement = text(
        "UPDATE sections s SET text = NULL, text_start = m.at - 1, "
        "text_end = m.at - 1 + length(s.text) "
        "FROM (SELECT s2.id, strpos(a.body, s2.text) AS at FROM sections s2 "
        "JOIN articles a ON a.id = s2.article_id WHERE s2.id > :low AND s2.id <= :high) m "
        "WHERE s.id = m.id AND m.at > 0"
    )
    done = 0
    ranges = _ranges(conn, "placing the texts of")
    for low, high in ranges:
        done += conn.execute(statement, {"low": low, "high": high}).rowcount
        report(f"  {done:,} sections placed in their bodies")
    if ranges:  # (an archive without sections, e.g. one being made, has nothing to say)
        report("rewriting sections without the texts taken out")
        # a new value of the column makes PostgreSQL copy the table (its live rows only) and
        # build its indexes again, as VACUUM FULL would, inside the migration's transaction
        conn.exec_driver_sql("ALTER TABLE sections ALTER COLUMN text TYPE text USING text || ''")
    for name, ddl in _PG_INDEXES.items():
        if name in present:
            conn.exec_driver_sql(ddl)


def restore(conn: Connection) -> None:
    """The downgrade of migration 0011: every section's text in its ``text`` column again."""
    if conn.dialect.name == "sqlite":
        value = (
            "coalesce(s.text, substr(newsmon_text(a.body), s.text_start + 1, "
            "s.text_end - s.text_start), '')"
        )
        source = _SQLITE_SECTIONS.format(value=value) + f"INSERT SELECT {_COLUMNS}, at FROM m"
        _sqlite_copy(conn, False, source, "copying back the texts of")
        return
    statement = text(
        "UPDATE sections s SET text = coalesce(substr(a.body, s.text_start + 1, "
        "s.text_end - s.text_start), '') FROM articles a "
        "WHERE a.id = s.article_id AND s.text IS NULL AND s.id > :low AND s.id <= :high"
    )
    for low, high in _ranges(conn, "copying back the texts of"):
        conn.execute(statement, {"low": low, "high": high})
    conn.exec_driver_sql("UPDATE sections SET text = '' WHERE text IS NULL")
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {_PG_DATE_INDEX} ON articles (published_at)")
    conn.exec_driver_sql(
        "ALTER TABLE sections DROP COLUMN text_start, DROP COLUMN text_end, "
        "ALTER COLUMN text SET NOT NULL"
    )
