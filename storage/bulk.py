"""Multi-row INSERTs of articles and sections: the statements a batch is stored with.

Every statement SQLite runs that fires triggers and may abort opens a statement savepoint,
and FTS5 writes its pending postings out as a new segment at every savepoint
(``fts5SavepointMethod`` in SQLite's fts5_main.c flushes to disk). Inserted one statement
per row (an executemany, or SQLAlchemy's ``sort_by_parameter_order``, which SQLite cannot
honour for a multi-row INSERT and so gets row by row), each article of a batch became a
segment of its own, which FTS5 then merged again: ~0.45 ms of the ~1 ms an article's index
row cost on SQLite (2,000 generated articles, batches of 100). One statement per batch
writes the batch's postings once. The index holds the same postings either way; only how
FTS5 lays them out in segments differs.

So the batch store path (:func:`storage.repository.save_articles`) and the query
benchmark insert through these two functions: a batch's new articles go in one
``INSERT ... VALUES (...), (...) RETURNING`` per page of rows on both backends (SQLAlchemy's
"insertmanyvalues"; RETURNING is what makes SQLAlchemy batch the rows), its sections so too on
SQLite. Through a Session (the ORM's bulk INSERT) they go with ``render_nulls``: else the ORM
leaves a None column out of a row's INSERT and sends rows with and without a value (a section
without a city, an article without a date) as separate statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, Text, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from storage.models import Article, Section
from storage.search.cities import has_column


def _all_columns(db: Session | Connection) -> dict[str, Any]:
    """Execution options that keep a Session's bulk INSERT to one statement (or executemany)
    (None sent as NULL: the columns left None in these rows have no default)."""
    return {"execution_options": {"render_nulls": True}} if isinstance(db, Session) else {}


def _connection(db: Session | Connection) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def _dialect(db: Session | Connection) -> str:
    bind = db.get_bind() if isinstance(db, Session) else db
    return bind.dialect.name


def insert_articles(
    db: Session | Connection,
    rows: Sequence[dict[str, Any]],
    cities: Mapping[str, Sequence[str | None]] | None = None,
) -> dict[str, int]:
    """Insert new article rows (each with its ``url``, unique in ``rows``); return their ids
    by URL. The database returns the rows in any order, so ids are matched by URL.

    ``cities`` (by URL, the cities of the sections about to be inserted): on PostgreSQL the
    rows are written with their ``cities`` column already right (storage/search/cities.py),
    so the trigger on sections finds nothing to change, and no row is written twice."""
    if not rows:
        return {}
    if cities is not None and _dialect(db) == "postgresql" and has_column(_connection(db)):
        table = _pg_articles()
        with_cities = [
            {**row, "cities": sorted({c for c in cities.get(row["url"], ()) if c})} for row in rows
        ]
        inserted = db.execute(insert(table).returning(table.c.url, table.c.id), with_cities)
    else:
        inserted = db.execute(
            insert(Article).returning(Article.url, Article.id), list(rows), **_all_columns(db)
        )
    return {url: article_id for url, article_id in inserted}


@cache
def _pg_articles() -> Table:
    """PostgreSQL: the articles table with the ``cities`` column the models do not declare
    (storage/search/cities.py: only PostgreSQL archives have it)."""
    columns = [column._copy() for column in Article.__table__.columns]
    return Table("articles", MetaData(), *columns, Column("cities", ARRAY(Text)))


def insert_sections(db: Session | Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert section rows: one multi-row statement on SQLite, an executemany on PostgreSQL.

    On SQLite the index's trigger on sections adds a city's token under its article's id,
    and FTS5 writes its pending postings out as a segment whenever an id comes that is not
    after the last one written: the rows go in rounds, each article's first city in order of
    article id, then each one's second city, and so on (:func:`_city_rounds`), so a batch
    writes a segment per round, not one per article with two cities. The rows are the same;
    only the order of their ids within an article can differ from their positions."""
    if not rows:
        return
    if _dialect(db) == "sqlite":
        ordered = _city_rounds(rows)
        db.execute(insert(Section).returning(Section.id), ordered, **_all_columns(db)).close()
    else:
        # PostgreSQL has no such flush; there the multi-row form measured slower than the
        # driver's executemany (a pipeline)
        db.execute(insert(Section), list(rows), **_all_columns(db))


def _city_rounds(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` ordered by (the rank of the row's city among its article's cities, in order
    of position; article id; position): rows without a city go with the first round, a
    city's later rows (which add no token) with its first."""
    cities: dict[int, dict[str, int]] = {}
    for row in sorted(rows, key=lambda row: (row["article_id"], row["position"])):
        if row.get("city"):
            seen = cities.setdefault(row["article_id"], {})
            seen.setdefault(row["city"], len(seen))

    def key(row: dict[str, Any]) -> tuple[int, int, int]:
        rank = cities.get(row["article_id"], {}).get(row.get("city") or "", 0)
        return rank, row["article_id"], row["position"]

    return sorted(rows, key=key)
