"""PostgreSQL: forms of one search's statement, alternated in one connection (issue 17, session 14).

    python bench/pg_search_forms.py --pg postgresql://…/archive [--runs 12]

On an archive built by bench/query.py, on a connection made as newsmon makes them
(``storage.make_engine``: its work_mem and JIT settings), each form's p50 and range in ms (the order of the forms reversed every other run, the
city turned as the bench turns it):

- a term of four or five characters with a city, the total (to 10,001) and the page of 20:
  ``before``, the candidates of the two GIN indexes listed whole (``MATERIALIZED``) and each
  read again by id to be confirmed (session 13's statement); ``after``, confirmed as a filter
  of the one bitmap scan; ``after, pairs unseen``, the same with the pairs as a one-row
  subquery (conditions.pg_grams_match), whose value the planner does not see. Answers within
  the bound are checked equal.
- a pair with no other filter: its count alone (then a walk newest first for the page), against
  the count and the page in one statement (tried, not kept).

Only reads the archive.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from storage import make_engine

P = '(newsmon_pairs(title, body) COLLATE "C") @> %(g)s::text[]'
UNSEEN = P.replace("%(g)s::text[]", "(SELECT %(g)s::text[])")
T = "(strpos(title, %(t)s) > 0 OR strpos(body, %(t)s) > 0)"
C = "cities @> %(c)s::text[]"
PAGE = (
    " SELECT (SELECT count(*) FROM hits), array(SELECT id FROM hits"
    " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20)"
)
IN_CITY = {
    "before": "WITH candidates AS MATERIALIZED (SELECT id FROM articles WHERE "
    f"{P} AND {C}), hits AS (SELECT id, published_at FROM articles WHERE id IN "
    f"(SELECT id FROM candidates) AND {T} LIMIT 10001)" + PAGE,
    "after": f"WITH hits AS (SELECT id, published_at FROM articles WHERE {P} AND {T} AND {C} "
    "LIMIT 10001)" + PAGE,
    "after, pairs unseen": "WITH hits AS (SELECT id, published_at FROM articles WHERE "
    f"{UNSEEN} AND {T} AND {C} LIMIT 10001)" + PAGE,
}
PAIR = {
    "count": f"SELECT count(*) FROM (SELECT 1 FROM articles WHERE {P} LIMIT 10001) s",
    "walk": f"SELECT id FROM articles WHERE {T} "
    "ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20",
    "count and page": f"WITH hits AS (SELECT id, published_at FROM articles WHERE {P} "
    "LIMIT 10001)" + PAGE,
}
TERMS = {"营商环境": ["营商", "商环", "环境"], "新春第一会": ["新春", "春第", "第一", "一会"]}
PAIRS = ["营商", "无锡"]
CITIES = ["南京", "无锡", "连云港", "宿迁"]


def _timed(conn: Any, sql: str, args: dict[str, Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    row = conn.execute(sql, args).fetchone()
    return (time.perf_counter() - began) * 1000, row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pg", required=True, help="the archive's URL, as newsmon takes it (read only)"
    )
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    times: dict[tuple[str, str], list[float]] = {}
    answers: dict[tuple[str, str], set[Any]] = {}
    engine = make_engine(args.pg)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection  # psycopg's own, with newsmon's settings applied
        assert conn is not None
        conn.autocommit = True
        for run in range(args.runs):
            city = CITIES[run % len(CITIES)]
            for term, grams in TERMS.items():
                forms = list(IN_CITY.items())
                for name, sql in forms if run % 2 else forms[::-1]:
                    spent, (total, ids) = _timed(conn, sql, {"g": grams, "t": term, "c": [city]})
                    times.setdefault((f"{term} --city", name), []).append(spent)
                    # beyond the bound the page comes from a walk: only totals compare
                    answers.setdefault((term, city), set()).add(
                        (total, tuple(ids) if total <= 10_000 else ())
                    )
            for pair in PAIRS:
                forms = list(PAIR.items())
                for name, sql in forms if run % 2 else forms[::-1]:
                    spent, _ = _timed(conn, sql, {"g": [pair], "t": pair})
                    times.setdefault((pair, name), []).append(spent)
    finally:
        raw.close()
        engine.dispose()
    for (query, name), spent in times.items():
        print(
            f"{query:<16} {name:<22} p50 {statistics.median(spent):7.1f} ms"
            f"  ({min(spent):.1f}-{max(spent):.1f}, {len(spent)} runs)"
        )
    differ = [key for key, found in answers.items() if len(found) > 1]
    print("answers within the bound: " + (f"DIFFER for {differ}" if differ else "equal"))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
