"""PostgreSQL: each article's cities on its row, in a GIN index the bigram index is intersected
with (migration 0009).

``articles.cities`` holds the distinct cities of the article's sections (sorted; ``{}`` for
none), and ``ix_articles_cities`` is a GIN index on it. A search with a city filter asks
``cities @> ARRAY[city]``, and the planner ANDs the two indexes' bitmaps (``BitmapAnd``)
before any row is read, as FTS5 intersects the ``§city`` tokens on SQLite: the semi-join of
the term's candidates with the city's sections (every candidate's id probed in a hash of
the city's article ids) is gone. A city and a district together must be the same
section's: that filter still reads sections.

The column is kept by a trigger on ``sections`` (insert, delete, change of article or city),
so sections written by any client keep it right. The trigger is a deferred constraint
trigger: it runs at commit, once per section changed, and sets the column only when the
article's cities differ from it then. So a store that writes an article's row with its
cities already (:func:`storage.bulk.insert_articles`), or one that replaces an article's
sections by the same cities, updates no row a second time; a row updated for its cities
alone is a new version of the row, whose every index entry (the bigram index's pairs among
them) is written again. Inside the transaction that changed the sections, the column (and a
search's city filter) sees the cities as they were before it.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection, Engine

COLUMN = "cities"
INDEX = "ix_articles_cities"
FUNCTION = "newsmon_article_cities"
TRIGGER = "sections_article_cities"

#: A section's city as the array holds it: text, sorted by code point (the "C" collation), as
#: Python's ``sorted`` sorts the cities a store writes with a new row (storage/bulk.py), so
#: the trigger finds that array equal to its own.
_CITY = '{s}city::text COLLATE "C"'
#: The cities of article ``{id}``'s sections, as ``articles.cities`` holds them.
_OF_ARTICLE = (
    f"(SELECT coalesce(array_agg(DISTINCT {_CITY.format(s='s.')} ORDER BY {_CITY.format(s='s.')}), "
    "'{{}}') FROM sections s "
    "WHERE s.article_id = {id} AND s.city <> '')"
)
_ADD_COLUMN = (
    f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {COLUMN} text[] NOT NULL DEFAULT '{{}}'"
)
#: Every article's cities set from its sections (where they differ: rows without sections keep
#: the default without a new version).
FILL = (
    f"UPDATE articles a SET {COLUMN} = c.cities FROM ("
    f"SELECT article_id, array_agg(DISTINCT {_CITY.format(s='')} ORDER BY {_CITY.format(s='')}) "
    "AS cities FROM sections "
    "WHERE city <> '' GROUP BY article_id) c "
    f"WHERE a.id = c.article_id AND a.{COLUMN} IS DISTINCT FROM c.cities"
)
_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed bigint;
  wanted text[];
BEGIN
  FOREACH changed IN ARRAY ARRAY[
    CASE WHEN TG_OP <> 'DELETE' THEN NEW.article_id END,
    CASE WHEN TG_OP <> 'INSERT' THEN OLD.article_id END
  ] LOOP
    IF changed IS NOT NULL THEN
      wanted := {_OF_ARTICLE.format(id="changed")};
      UPDATE articles SET {COLUMN} = wanted
      WHERE id = changed AND {COLUMN} IS DISTINCT FROM wanted;
    END IF;
  END LOOP;
  RETURN NULL;
END
$$
"""
_TRIGGER = (
    f"CREATE CONSTRAINT TRIGGER {TRIGGER} "
    "AFTER INSERT OR DELETE OR UPDATE OF article_id, city ON sections "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
)
_INDEX = f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles USING gin ({COLUMN})"


#: Engines whose archive has the column (only that answer is kept: an archive is upgraded
#: while no newsmon of an older revision uses it, and the column is never dropped but by a
#: downgrade, which the same newsmon cannot follow).
_has_column: weakref.WeakSet[Engine] = weakref.WeakSet()


def has_column(conn: Connection) -> bool:
    """Whether the archive's articles have the ``cities`` column (PostgreSQL, migration 0009)."""
    if conn.engine in _has_column:
        return True
    found = bool(
        conn.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass("
            "'articles') AND attname = %(column)s AND NOT attisdropped)",
            {"column": COLUMN},
        ).scalar()
    )
    if found:
        _has_column.add(conn.engine)
    return found


#: SQL: whether the trigger is on sections (``%(trigger)s``: :data:`TRIGGER`).
_TRIGGER_EXISTS = (
    "EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = %(trigger)s "
    "AND tgrelid = to_regclass('sections'))"
)


def installed(conn: Connection) -> bool:
    """Whether the archive has the column, its trigger and its index (one query: every open
    of a PostgreSQL archive asks it)."""
    return bool(
        conn.exec_driver_sql(
            f"SELECT to_regclass(%(index)s) IS NOT NULL AND {_TRIGGER_EXISTS}",
            {"index": INDEX, "trigger": TRIGGER},
        ).scalar()
    )


def install_cities(conn: Connection) -> None:
    """Add the column (filled from the sections), its trigger and its index where missing.
    Each is looked for first: ``ADD COLUMN IF NOT EXISTS`` and ``CREATE TRIGGER`` lock the
    table against reads until the transaction ends, even when they change nothing."""
    if not has_column(conn):
        conn.exec_driver_sql(_ADD_COLUMN)
    if not conn.exec_driver_sql(f"SELECT {_TRIGGER_EXISTS}", {"trigger": TRIGGER}).scalar():
        # without the trigger, the column may be behind the sections
        conn.exec_driver_sql(FILL)
        conn.exec_driver_sql(_FUNCTION)
        conn.exec_driver_sql(_TRIGGER)
    conn.exec_driver_sql(_INDEX)


def drop_cities(conn: Connection) -> None:
    """The downgrade of migration 0009: column, index, trigger and function dropped."""
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON sections")
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    conn.exec_driver_sql(f"ALTER TABLE articles DROP COLUMN IF EXISTS {COLUMN}")
