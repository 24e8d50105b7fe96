"""PostgreSQL: the RUM index (Postgres Pro's extension) against newsmon's GIN index of pairs.

An evaluation, not a part of newsmon (docs/benchmarks.md, "Ninth pass"). On an archive built
by ``bench/query.py --no-sqlite --pg URL``, it makes beside newsmon's own index a RUM index
on a ``tsvector`` of the same pairs (``newsmon_pairs``'s split) and of the article's cities
(``§南京``), then times, alternately, newsmon's search (storage.search) and the same searches
answered through RUM (a term of three or more characters as a phrase of its pairs, or with
``--single`` every pair at position 1 and long terms confirmed against the text), and checks
that both give the same totals and group-by counts.

    .venv/bin/python bench/pg_rum.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench

The server needs the extension's files (Debian: ``postgresql-<major>-rum``). The index and
function it makes stay in the archive (``--drop`` removes them afterwards).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.query import CITIES, KEYWORD, TERMS, timed  # noqa: E402
from storage import make_engine  # noqa: E402
from storage.search import ArticleQuery, count_by, search_articles  # noqa: E402
from storage.search.grams import PG_SEPARATORS  # noqa: E402

BOUND = 10_000
#: A lexeme in a tsvector's text form: quoted, ``\`` and ``'`` escaped.
_LEXEME = "'''' || replace(replace({x}, '\\', '\\\\'), '''', '''''') || '''"


def function_sql(name: str, single: bool) -> str:
    """The SQL function: each pair at its position in the text (runs two apart, so that no
    phrase spans two), or at 1 with ``single``; a lexeme ``§city`` at 1 per city (a lexeme
    without a position makes RUM recheck the row by computing the function again)."""
    position = "1" if single else "(o + i)"
    return rf"""
CREATE OR REPLACE FUNCTION {name}(title text, body text, cities text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
  SELECT concat_ws(' ',
    string_agg({_LEXEME.format(x="substr(w, i, 2)")}:' || {position}, ' '),
    (SELECT string_agg({_LEXEME.format(x="'§' || c")}:1', ' ') FROM unnest(cities) c)
  )::tsvector
  FROM (SELECT w, sum(char_length(w) + 1) OVER (ORDER BY n) - char_length(w) - 1 + n AS o
        FROM regexp_split_to_table(lower(coalesce(title, '') || ' ' || coalesce(body, '')),
             '[\s!-/:-@\[-`{{-~{PG_SEPARATORS}]+') WITH ORDINALITY AS r(w, n)) AS runs,
       generate_series(1, char_length(w) - 1) AS i
$$"""


def install(conn: Connection, name: str, single: bool) -> tuple[float, float]:
    """Make the extension, the function and its RUM index; (seconds, index bytes per article)."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS rum")
    conn.exec_driver_sql(function_sql(name, single))
    conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
    began = time.perf_counter()
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS ix_{name} ON articles "
        f"USING rum ({name}(title, body, cities) rum_tsvector_ops)"
    )
    spent = time.perf_counter() - began
    size = conn.scalar(
        text("SELECT pg_relation_size(:index) / greatest(count(*), 1)::float FROM articles"),
        {"index": f"ix_{name}"},
    )
    return spent, float(size or 0)


def tsquery(term: str, city: str | None, single: bool) -> str:
    pairs = list(dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1)))
    query = (" & " if single else " <-> ").join(f"'{pair}'" for pair in pairs)
    return f"({query}) & '§{city}'" if city else query


class Rum:
    """The searches through the RUM index, in SQL."""

    def __init__(self, conn: Connection, name: str, single: bool) -> None:
        self.conn, self.single = conn, single
        self.vector = f"{name}(title, body, cities)"

    def _confirm(self, term: str) -> str:
        """SQL confirming ``term`` against the text, where the index cannot answer it."""
        if self.single and len(term) > 2:
            return " AND (strpos(title, :term) > 0 OR strpos(body, :term) > 0)"
        return ""

    def search(self, term: str, city: str | None) -> tuple[int, bool, list[int]]:
        """(total up to the bound, whether exact, the page's 20 ids newest first)."""
        found = f"{self.vector} @@ CAST(:q AS tsquery){self._confirm(term)}"
        args = {"q": tsquery(term, city, self.single), "term": term, "city": city}
        total = int(
            self.conn.scalar(
                text(f"SELECT count(*) FROM (SELECT 1 FROM articles WHERE {found} LIMIT :n) s"),
                {**args, "n": BOUND + 1},
            )
            or 0
        )
        order = "ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20"
        if total > BOUND:  # walked newest first, as newsmon does beyond the bound
            found = "(strpos(title, :term) > 0 OR strpos(body, :term) > 0)"
            found += " AND cities @> ARRAY[CAST(:city AS text)]" if city else ""
        ids = list(self.conn.scalars(text(f"SELECT id FROM articles WHERE {found} {order}"), args))
        self.conn.execute(
            text(
                "SELECT a.*, (SELECT json_agg(s) FROM sections s WHERE s.article_id = a.id) "
                "FROM articles a WHERE a.id = ANY(:ids)"
            ),
            {"ids": ids},
        ).all()
        return min(total, BOUND), total <= BOUND, ids

    def by_city(self, term: str) -> list[tuple[str, int]]:
        rows = self.conn.execute(
            text(
                f"SELECT c, count(*) FROM articles, unnest(cities) c WHERE {self.vector} @@ "
                f"CAST(:q AS tsquery){self._confirm(term)} GROUP BY c ORDER BY 2 DESC, 1"
            ),
            {"q": tsquery(term, None, self.single), "term": term},
        ).all()
        return [(str(c), int(n)) for c, n in rows]


def compare(session: Session, rum: Rum, runs: int, rounds: int) -> list[str]:
    """Lines of p50 ms per round, newsmon's then RUM's, for each search and the group-by."""
    lines = []
    for _label, term in TERMS:
        for with_city in (False, True):

            def ours(i: int, term: str = term, with_city: bool = with_city) -> Any:
                city = CITIES[i % len(CITIES)] if with_city else None
                return search_articles(session, ArticleQuery(text=term, city=city, limit=20))

            def theirs(i: int, term: str = term, with_city: bool = with_city) -> Any:
                return rum.search(term, CITIES[i % len(CITIES)] if with_city else None)

            page, (total, exact, _ids) = ours(0), theirs(0)
            if (page.total, page.exact) != (total, exact):
                raise SystemExit(f"{term}: newsmon {page.total_text()}, RUM {total} ({exact})")
            times = [
                f"{timed(session, f, runs)[0]:.0f}" for _ in range(rounds) for f in (ours, theirs)
            ]
            name = term + (" --city" if with_city else "")
            lines.append(f"{name:<22} {page.total_text():>8}   " + "  ".join(times))
    ours_by = dict(count_by(session, ArticleQuery(text=KEYWORD), "city"))
    if ours_by != dict(rum.by_city(KEYWORD)):
        raise SystemExit("group-by city: newsmon and RUM differ")
    times = [
        f"{timed(session, f, runs)[0]:.0f}"
        for _ in range(rounds)
        for f in (
            lambda _i: count_by(session, ArticleQuery(text=KEYWORD), "city"),
            lambda _i: rum.by_city(KEYWORD),
        )
    ]
    lines.append(f"{'group-by city ' + KEYWORD:<22} {'':>8}   " + "  ".join(times))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pg", required=True, help="an archive built by bench/query.py")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query and round")
    parser.add_argument("--rounds", type=int, default=3, help="newsmon and RUM alternately")
    parser.add_argument(
        "--single", action="store_true", help="every pair at position 1 (no phrases)"
    )
    parser.add_argument("--drop", action="store_true", help="drop the index and function after")
    args = parser.parse_args()
    name = "newsmon_pairs_rum1" if args.single else "newsmon_pairs_rum"
    engine = make_engine(args.pg)
    with engine.begin() as conn:
        spent, size = install(conn, name, args.single)
    print(f"RUM index ix_{name}: {size:,.0f} bytes per article, made in {spent:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE articles")
    with Session(engine) as session, engine.connect() as conn:
        print(f"{'p50 ms':<22} {'total':>8}   newsmon, RUM ({args.rounds} rounds alternately)")
        for line in compare(session, Rum(conn, name, args.single), args.runs, args.rounds):
            print(line)
    if args.drop:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{name}")
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}(text, text, text[])")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
