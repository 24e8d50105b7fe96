"""Reprint fingerprints of a built archive: made as ``newsmon reindex`` makes them, timed and sized.

    python bench/fingerprints.py --db URL [--code CHECKOUT]

bench/query.py loads articles with the bulk store, which does not fingerprint them (the
store path, ``storage.repository.save_articles``, does, in every batch): its archives have an
empty ``article_fingerprints``, where every archive newsmon crawled has a row per article.
This fingerprints every article of the archive at ``URL`` with ``rebuild_reprints`` of the
newsmon in ``CHECKOUT`` (default: this one) into an emptied table, commits, and prints the seconds it took, the rows
and the bytes of ``article_fingerprints`` and its indexes per article (PostgreSQL: with the
line pointers, as ``pg_total_relation_size`` counts pages; SQLite: its pages by ``dbstat``).
Run ``newsmon db stats`` on the archive before and after for the whole picture.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fingerprint_sizes(conn: object, sqlite: bool) -> tuple[int, int]:
    """(bytes of the table, bytes of its indexes) of ``article_fingerprints``."""
    from sqlalchemy import text

    if sqlite:
        rows = conn.execute(  # type: ignore[attr-defined]
            text(
                "SELECT name = 'article_fingerprints', sum(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = 'article_fingerprints') "
                "GROUP BY name = 'article_fingerprints'"
            )
        ).all()
        found = {bool(is_table): int(size) for is_table, size in rows}
        return found.get(True, 0), found.get(False, 0)
    table, indexes = conn.execute(  # type: ignore[attr-defined]
        text(
            "SELECT pg_table_size('article_fingerprints'), pg_indexes_size('article_fingerprints')"
        )
    ).one()
    return int(table), int(indexes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of a built archive")
    parser.add_argument("--code", type=Path, default=ROOT, help="newsmon checkout to run")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from storage import make_engine
    from storage.search import rebuild_reprints

    engine = make_engine(args.db)
    sqlite = engine.dialect.name == "sqlite"
    # from an empty table: rows of an earlier run (or of one stopped midway, whose index
    # entries stay) would otherwise be counted in the sizes
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "DELETE FROM article_fingerprints" if sqlite else "TRUNCATE article_fingerprints"
        )
    began = time.perf_counter()
    with Session(engine) as session, session.begin():
        done = rebuild_reprints(session)
    spent = time.perf_counter() - began
    if not sqlite:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE article_fingerprints")
    with engine.connect() as conn:
        articles = int(conn.scalar(text("SELECT count(*) FROM articles")) or 0)
        rows = int(conn.scalar(text("SELECT count(*) FROM article_fingerprints")) or 0)
        table, indexes = fingerprint_sizes(conn, sqlite)
    engine.dispose()
    per = max(articles, 1)
    print(f"code: {args.code.resolve()}")
    print(
        f"{done:,} articles fingerprinted in {spent:.0f} s ({spent * 1000 / max(done, 1):.2f} ms each)"
    )
    print(f"article_fingerprints: {rows:,} rows for {articles:,} articles")
    print(f"  table    {table / per:8,.1f} bytes an article ({table:,} bytes)")
    print(f"  indexes  {indexes / per:8,.1f} bytes an article ({indexes:,} bytes)")
    print(f"  in all   {(table + indexes) / per:8,.1f} bytes an article")


if __name__ == "__main__":
    main()
