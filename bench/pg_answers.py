"""Do two checkouts answer the same? Every answer of a set of searches and group-bys (totals,
whether exact, the page's ids in order) from this checkout and from ``--code CHECKOUT``, on
the same archive, compared; the differences printed, and the exit status 1 if any.

    python bench/pg_answers.py --db postgresql+psycopg://…/bench --code /path/to/main

The searches: the bench's terms (bench/query.py) and a few more (two terms, a term of two
runs, Latin letters), each alone and with four cities, with an offset, a source, a start
time, ``--sort relevance``, ``--unique``, ``--matched``; and the group-by city of each term,
alone and in a city. Each checkout runs in its own process (bench/checkouts.py) and only
reads the archive.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checkouts import run_worker

ROOT = Path(__file__).resolve().parent.parent

TERMS = ["无锡", "营商", "营商环境", "新春第一会", "环境,服务", "无锡 营商", "第一会 营商", "Wuxi"]
CITIES = [None, "南京", "无锡", "连云港", "宿迁"]
EXTRA: list[dict[str, Any]] = [
    {},
    {"offset": 40},
    {"source": "新华日报"},
    {"since": "2023-06-01"},
    {"sort": "relevance"},
    {"unique": True},
    {"matched": True},
]


def answers(db: str) -> dict[str, Any]:
    """This interpreter's answers (the checkout first on ``sys.path``), by the query's name."""
    from sqlalchemy.orm import Session

    from storage import make_engine
    from storage.search import ArticleQuery, count_by, search_articles

    found: dict[str, Any] = {}
    engine = make_engine(db)
    with Session(engine) as session:
        for term in TERMS:
            for city in CITIES:
                for extra in EXTRA:
                    if extra.get("sort") == "relevance" and city not in (None, "南京"):
                        continue
                    filters = dict(extra)
                    if "since" in filters:
                        filters["since"] = datetime.fromisoformat(filters["since"]).replace(
                            tzinfo=UTC
                        )
                    q = ArticleQuery(text=term, city=city, limit=20, **filters)
                    page = search_articles(session, q)
                    name = json.dumps([term, city, extra], ensure_ascii=False)
                    found[name] = [page.total, page.exact, [a.id for a in page.articles]]
            for city in (None, "南京"):
                grouped = count_by(session, ArticleQuery(text=term, city=city), "city")
                found[json.dumps([term, city, "group-by city"], ensure_ascii=False)] = grouped
    engine.dispose()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the archive's URL (read only)")
    parser.add_argument("--code", type=Path, required=True, help="the other checkout")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(answers(args.db)))
        return 0
    mine = run_worker(__file__, ROOT, "--db", args.db, "--code", str(args.code))
    theirs = run_worker(__file__, args.code.resolve(), "--db", args.db, "--code", str(ROOT))
    differ = [name for name in mine if mine[name] != theirs.get(name)]
    for name in differ:
        print(f"differs: {name}\n  this checkout: {mine[name]}\n  {args.code}: {theirs.get(name)}")
    print(f"{len(mine)} answers compared, {len(differ)} differ")
    return 1 if differ or mine.keys() != theirs.keys() else 0


if __name__ == "__main__":
    sys.exit(main())
