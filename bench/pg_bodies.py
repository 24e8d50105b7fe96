"""PostgreSQL: article bodies in a table of their own against bodies in the articles' rows.

An evaluation in SQL (docs/benchmarks.md, "Tenth pass"). ``--convert`` turns a copy of an
archive built by ``bench/query.py --no-sqlite --pg URL`` (``CREATE DATABASE copy TEMPLATE
archive``) into the layout being evaluated: the bodies copied to ``article_bodies``
(article id -> body, lz4), the column dropped from ``articles`` and the table rewritten
(``VACUUM FULL``), the pair index made again on ``articles`` over a function that reads the
body from the side table. Then newsmon's own searches run on the original archive with every
statement recorded, and each statement is run again, alternately, on the original and (with
the body read from the side table by article id) on the copy: p50 ms, the buffers it touched
(``EXPLAIN (ANALYZE, BUFFERS)``) and whether both gave the same rows.

    .venv/bin/python bench/pg_bodies.py --pg postgresql+psycopg://…/archive \
        --side postgresql+psycopg://…/copy [--convert] --runs 7 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.query import CITIES, TERMS  # noqa: E402
from storage import make_engine  # noqa: E402
from storage.search import ArticleQuery, count_by, search_articles  # noqa: E402

PAIRS_FUNCTION = "newsmon_article_pairs"
#: The index's expression and the body, as the product's statements spell them ...
_ORIGINAL_PAIRS = "newsmon_pairs(articles.title, articles.body)"
_ORIGINAL_BODY = "articles.body"
#: ... and as they read on the copy.
_SIDE_PAIRS = f"{PAIRS_FUNCTION}(articles.id, articles.title)"
_SIDE_BODY = (
    "(SELECT article_bodies.body FROM article_bodies WHERE article_bodies.article_id = articles.id)"
)

CONVERT = [
    "CREATE TABLE IF NOT EXISTS article_bodies (article_id integer PRIMARY KEY "
    "REFERENCES articles(id) ON DELETE CASCADE, body text COMPRESSION lz4 NOT NULL)",
    "INSERT INTO article_bodies SELECT id, body FROM articles ORDER BY id",
    # The body from the side table: declared IMMUTABLE so that an index may use it (what a
    # product would have to make safe: the body written before the row's index entry).
    f"""CREATE OR REPLACE FUNCTION {PAIRS_FUNCTION}(id integer, title text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
      SELECT public.newsmon_pairs(title,
        (SELECT b.body FROM public.article_bodies b WHERE b.article_id = id)) $$""",
    "DROP INDEX IF EXISTS ix_articles_pairs",
    "ALTER TABLE articles DROP COLUMN IF EXISTS body",
]
#: Outside a transaction (autocommit).
CONVERT_AFTER = [
    "VACUUM FULL articles",
    "SET maintenance_work_mem = '512MB'",
    f"CREATE INDEX IF NOT EXISTS ix_articles_pairs ON articles "
    f'USING gin (({PAIRS_FUNCTION}(id, title) COLLATE "C"))',
    "VACUUM ANALYZE articles",
    "VACUUM ANALYZE article_bodies",
]


def convert(url: str) -> float:
    engine = make_engine(url)
    began = time.perf_counter()
    with engine.begin() as conn:
        for sql in CONVERT:
            conn.exec_driver_sql(sql)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for sql in CONVERT_AFTER:
            conn.exec_driver_sql(sql)
    return time.perf_counter() - began


def side(sql: str) -> str:
    return sql.replace(_ORIGINAL_PAIRS, _SIDE_PAIRS).replace(_ORIGINAL_BODY, _SIDE_BODY)


def recorded(session: Session, run: Any) -> list[tuple[str, Any]]:
    """The statements (and parameters) newsmon sends for ``run(session)``."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        statements.append((sql, params))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        run(session)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [(s, p) for s, p in statements if not s.lstrip().upper().startswith(("SET", "SHOW"))]


def _params(params: Any) -> Any:
    return params if isinstance(params, dict) else tuple(params or ())


def run_once(conn: Connection, sql: str, params: Any) -> tuple[float, list[Any]]:
    began = time.perf_counter()
    rows = conn.exec_driver_sql(sql, _params(params)).all()
    return (time.perf_counter() - began) * 1000, rows


def buffers(conn: Connection, sql: str, params: Any) -> dict[str, int]:
    """Shared buffers hit + read, in all and of ``articles``' heap (Bitmap Heap Scans and
    others on it), from ``EXPLAIN (ANALYZE, BUFFERS)``."""
    plan = conn.exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, _params(params)
    ).scalar()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    top = plan[0]["Plan"]
    heap = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal heap
        if node.get("Relation Name") == "articles" and "Index" not in node.get("Node Type", ""):
            heap += node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
            # a node's blocks include its children's: take those out
            for child in node.get("Plans", []):
                heap -= child.get("Shared Hit Blocks", 0) + child.get("Shared Read Blocks", 0)
        for child in node.get("Plans", []):
            walk(child)

    walk(top)
    return {"all": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0), "heap": heap}


def queries() -> list[tuple[str, Any]]:
    city = CITIES[0]
    out: list[tuple[str, Any]] = []
    for label, term in TERMS:
        out.append((f"{label} {term}", ArticleQuery(text=term, limit=20)))
        out.append((f"{label} {term} --city", ArticleQuery(text=term, city=city, limit=20)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="the archive as built (bodies in rows)")
    parser.add_argument("--side", required=True, help="its copy, bodies in article_bodies")
    parser.add_argument("--convert", action="store_true", help="convert --side first")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.convert:
        print(f"converted in {convert(args.side):.0f} s", flush=True)
    original, copy = make_engine(args.pg), make_engine(args.side)
    cases: list[tuple[str, list[tuple[str, Any]]]] = []
    with Session(original) as session:
        for label, q in queries():
            cases.append((label, recorded(session, lambda s, q=q: search_articles(s, q))))
        group_q = ArticleQuery(text=TERMS[2][1])
        by_city = recorded(session, lambda s: count_by(s, group_q, "city"))
        cases.append((f"group-by city of {group_q.text}", by_city))
    with original.connect() as a, copy.connect() as b:
        for label, statements in cases:
            times: dict[str, list[float]] = {"rows": [], "side": []}
            same = True
            for _round in range(args.rounds):
                for which, conn in (("rows", a), ("side", b)):
                    for _ in range(args.runs):
                        total = 0.0
                        results = []
                        for sql, params in statements:
                            ms, rows = run_once(conn, sql if which == "rows" else side(sql), params)
                            total += ms
                            results.append(rows)
                        times[which].append(total)
                    if which == "rows":
                        expected = results
                    elif results != expected:
                        same = False
            bufs = {
                which: [
                    buffers(conn, sql if which == "rows" else side(sql), params)
                    for sql, params in statements
                ]
                for which, conn in (("rows", a), ("side", b))
            }
            line = f"{label:40} "
            for which in ("rows", "side"):
                ts = times[which]
                heap = sum(x["heap"] for x in bufs[which])
                every = sum(x["all"] for x in bufs[which])
                line += (
                    f"{which}: p50 {statistics.median(ts):7.1f} ms ({min(ts):6.1f}-{max(ts):6.1f}) "
                    f"buffers {every:6} (heap {heap:6})   "
                )
            print(line + ("" if same else "RESULTS DIFFER"), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
