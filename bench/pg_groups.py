"""PostgreSQL: the group-by of a search, newsmon's statement against the form before the tenth
pass (docs/benchmarks.md, "Tenth pass"), run alternately in one process on one archive.

Before: by city, the matches' sections probed per match (``sections.article_id IN (matches)``);
by day, source or site, the matches joined with ``articles`` again for the key. Now
(storage/search/groups.py): the cities (``unnest(articles.cities)``) or the key read in the
pass that finds and confirms the matches. Both answers are checked equal first.

    .venv/bin/python bench/pg_groups.py --pg postgresql+psycopg://…/archive --runs 9
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.query import CITIES, KEYWORD  # noqa: E402
from storage import make_engine  # noqa: E402
from storage.models import Article, Section  # noqa: E402
from storage.search import ArticleQuery, count_by  # noqa: E402
from storage.search.groups import _day, _site_name  # noqa: E402
from storage.search.query import _matching  # noqa: E402


def before(session: Session, q: ArticleQuery, by: str) -> list[tuple[str | None, int]]:
    """The group-by as newsmon made it before (f8097ad), for a search without ``--unique``."""
    hits = _matching(session, q).subquery("hits")
    if by == "city":
        key: Any = Section.city
        counted = func.count(Section.article_id.distinct())
        stmt = select(key.label("key"), counted.label("n")).where(
            Section.city.is_not(None), Section.article_id.in_(select(hits.c.id))
        )
    else:
        key = {"day": _day("postgresql"), "source": Article.source, "site": _site_name()}[by]
        counted = func.count(hits.c.id.distinct())
        stmt = (
            select(key.label("key"), counted.label("n"))
            .select_from(hits)
            .join(Article, Article.id == hits.c.id)
        )
    order = (key.asc().nulls_last(),) if by == "day" else (counted.desc(), key.asc())
    rows = session.execute(stmt.group_by(key).order_by(*order)).all()
    return [(None if k is None else str(k), int(n)) for k, n in rows]


CASES = [
    ("city", ArticleQuery(text=KEYWORD)),
    ("city", ArticleQuery(text="无锡")),
    ("city", ArticleQuery(text="新春第一会", city=CITIES[0])),
    ("day", ArticleQuery(text=KEYWORD)),
    ("source", ArticleQuery(text=KEYWORD)),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    engine = make_engine(args.pg)
    with Session(engine) as session:
        for by, q in CASES:
            label = f"by {by} of {q.text}" + (f" --city {q.city}" if q.city else "")
            if count_by(session, q, by) != before(session, q, by):
                print(f"{label}: ANSWERS DIFFER", flush=True)
                return 1
            times: dict[str, list[float]] = {"before": [], "now": []}
            for _ in range(args.runs):
                for which, run in (("before", before), ("now", count_by)):
                    began = time.perf_counter()
                    run(session, q, by)
                    times[which].append((time.perf_counter() - began) * 1000)
            line = f"{label:40}"
            for which, ts in times.items():
                line += (
                    f" {which} p50 {statistics.median(ts):7.1f} ms ({min(ts):.1f}-{max(ts):.1f})"
                )
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
