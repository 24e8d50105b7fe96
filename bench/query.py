"""Query benchmark: p50/p95 of a keyword search with a city filter and of a group-by-city count.

Builds an archive of generated articles (sentences of the seed article reshuffled, with
city sections; 3% mention 营商环境) on SQLite, and on PostgreSQL when a URL is given,
then times storage.search the way ``newsmon query`` and the web page call it.

    .venv/bin/python bench/query.py                       # 100,000 articles, SQLite
    .venv/bin/python bench/query.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench
    NEWSMON_BENCH_PG_URL=... .venv/bin/python bench/query.py --articles 20000

``--pg`` defaults to $NEWSMON_BENCH_PG_URL (never to the test suite's $NEWSMON_TEST_PG_URL: a
developer's shell often exports it, and the bench must not rebuild that database's tables
unasked). The archive tables of that database are dropped and made again: never point it
at an archive you keep.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from storage import Article, Base, make_engine  # noqa: E402
from storage.bulk import insert_articles, insert_sections  # noqa: E402
from storage.compression import install_compression  # noqa: E402
from storage.models import stored_fetched_url  # noqa: E402
from storage.search import ArticleQuery, count_by, install_search, search_articles  # noqa: E402
from storage.search.cities import install_cities  # noqa: E402
from storage.sections import text_columns  # noqa: E402
from storage.sizes import PARTS, archive_sizes  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "portal" / "xinchun-2023.html"
CITIES = [
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
]
KEYWORD = "营商环境"
KEYWORD_SHARE = 0.03
SOURCES = ["新华日报", "扬子晚报", "交汇点", "现代快报", "中国江苏网", None]
SITES = ["苏州都市网", "江南都市网", "淮海网", "金陵在线", "运河网"]


def seed_sentences() -> list[str]:
    """Sentences of the seed article, without the ones about 营商环境 (those are dealt out)."""
    html = SEED.read_text("utf-8")
    paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", html.split('id="article-content">', 1)[1])
    plain = "".join(re.sub(r"<[^>]+>", "", p) for p in paragraphs)
    sentences = [s + "。" for s in plain.split("。") if len(s) > 8]
    return [s for s in sentences if KEYWORD not in s]


def _hash_key(i: int) -> int:
    """A content_hash as newsmon stores it (the first 64 bits of a SHA-256, signed), of ``i``:
    a full 8-byte integer, as a real one is (SQLite stores small integers in fewer bytes)."""
    return int.from_bytes(hashlib.sha256(str(i).encode()).digest()[:8], "big", signed=True)


def generate(n: int, seed: int = 6) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """``n`` (article row, section rows) pairs, the same for the same seed."""
    rng = random.Random(seed)
    pool = seed_sentences()
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        sentences = rng.sample(pool, rng.randint(6, 12))
        cities = rng.sample(CITIES, rng.choice([0, 1, 1, 2, 3]))
        if rng.random() < KEYWORD_SHARE:
            city = cities[0] if cities else rng.choice(CITIES)
            sentences.insert(
                rng.randrange(len(sentences)), f"{city}持续优化{KEYWORD},服务企业发展。"
            )
        body = "\n".join(sentences)
        published = start + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
        url = f"http://bench.test/news/{i}.html"
        row = {
            "id": i,
            "url": url,
            "fetched_url": stored_fetched_url(url, url),  # fetched at its own URL, as most are
            "title": f"{rng.choice(CITIES)}{sentences[0][:18]}({i})",
            "published_at": published,
            "source": rng.choice(SOURCES),
            "author": None,
            "site_name": rng.choice(SITES),
            "breadcrumb": ["首页", "江苏"],
            "body": body,
            "keywords": [KEYWORD] if KEYWORD in body else [],
            "content_hash": _hash_key(i),  # as stored: 64 bits of a SHA-256
            "raw_html": b"",
            "raw_content_type": "text/html",
            "extractor_version": 1,
            "first_seen_at": published,
            "fetched_at": published,
            "updated_at": published,
        }
        # stored as newsmon stores them: texts that are runs of the body as their place in it
        texts = text_columns(body, [sentences[p % len(sentences)] for p in range(len(cities))])
        sections = [
            {
                "article_id": i,
                "position": p,
                "label": city,
                "city": city,
                "district": None,
                "heading": sentences[p % len(sentences)][:12],
                **texts[p],
                "places": [city],
            }
            for p, city in enumerate(cities)
        ]
        yield row, sections


def build(engine: Engine, n: int) -> tuple[float, float]:
    """Load ``n`` articles, then make the search index; return the seconds each took."""
    began = time.perf_counter()
    Base.metadata.drop_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS articles_fts")
            conn.exec_driver_sql("DROP TABLE IF EXISTS articles_grams")
    Base.metadata.create_all(engine)
    if engine.dialect.name == "postgresql":
        # as newsmon's archives: bodies stored with lz4, each row written with its cities
        with engine.begin() as conn:
            install_compression(conn)
            install_cities(conn)
    load_articles(engine, n)
    loaded = time.perf_counter()
    # Indexed after the load, as one pass (the triggers keep it in step from then on).
    install_search(engine)
    indexed = time.perf_counter() - loaded
    _analyze(engine)
    return loaded - began, indexed


def load_articles(engine: Engine, n: int) -> None:
    """Store ``n`` generated articles and their sections, 5,000 at a time (the bulk store)."""
    articles: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for row, secs in generate(n):
        articles.append(row)
        sections.extend(secs)
        if len(articles) == 5000:
            _flush(engine, articles, sections)
    _flush(engine, articles, sections)


def _analyze(engine: Engine) -> None:
    """Statistics for the planner, and (PostgreSQL) the visibility map that lets the sections
    index answer the city filter alone, as autovacuum would have done on a live archive."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")


def _flush(engine: Engine, articles: list[dict[str, Any]], sections: list[dict[str, Any]]) -> None:
    if not articles:
        return
    with engine.begin() as conn:
        # the statements the store path sends (storage/bulk.py), with each row's cities
        urls = {row["id"]: row["url"] for row in articles}
        cities: dict[str, list[str]] = {url: [] for url in urls.values()}
        for section in sections:
            cities[urls[section["article_id"]]].append(section["city"])
        insert_articles(conn, articles, cities)
        insert_sections(conn, sections)
    articles.clear()
    sections.clear()


def timed(session: Session, work: Callable[[int], object], runs: int) -> tuple[float, float, float]:
    """(p50, min, max) in milliseconds of ``work(i)`` over ``runs`` runs after 2 warm-ups."""
    for i in range(2):
        work(i)
    samples = []
    for i in range(runs):
        t = time.perf_counter()
        work(i)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), min(samples), max(samples)


#: (label, term): two-, four- and five-character searches
TERMS = [("2 chars", "无锡"), ("2 chars", "营商"), ("4 chars", KEYWORD), ("5 chars", "新春第一会")]


def _total(page: Any) -> str:
    exact = getattr(page, "exact", True)
    return f"{page.total:,}" + ("" if exact else "+")


def measure(engine: Engine, runs: int) -> list[tuple[str, float, float, float, str]]:
    rows = []
    with Session(engine) as session:
        for label, term in TERMS:
            for city in (False, True):

                def search(i: int, term: str = term, city: bool = city) -> object:
                    q = ArticleQuery(
                        text=term, city=CITIES[i % len(CITIES)] if city else None, limit=20
                    )
                    return search_articles(session, q)

                page = search(0)
                name = f"search {term} ({label})" + (" --city" if city else "")
                rows.append((name, *timed(session, search, runs), f"total {_total(page)}"))

        # the searches that read bodies in SQL: a term of two runs (its candidates confirmed
        # against the text) and relevance (occurrences in every match's body)
        reading: list[tuple[str, Literal["time", "relevance"]]] = [
            ("环境,服务", "time"),
            (KEYWORD, "relevance"),
        ]
        for term, sort in reading:

            def read(
                _i: int, term: str = term, sort: Literal["time", "relevance"] = sort
            ) -> object:
                return search_articles(session, ArticleQuery(text=term, sort=sort, limit=20))

            page = read(0)
            name = f"search {term} ({'confirmed' if sort == 'time' else '--sort relevance'})"
            rows.append((name, *timed(session, read, runs), f"total {_total(page)}"))

        def by_city(_i: int) -> object:
            return count_by(session, ArticleQuery(text=KEYWORD), "city")

        def by_city_all(_i: int) -> object:
            return count_by(session, ArticleQuery(), "city")

        def by_day_all(_i: int) -> object:
            return count_by(session, ArticleQuery(), "day")

        rows.append((f"group-by city of {KEYWORD}", *timed(session, by_city, runs), ""))
        rows.append(("group-by city, whole archive", *timed(session, by_city_all, runs), ""))
        rows.append(("group-by day, whole archive", *timed(session, by_day_all, runs), ""))
    return rows


def sizes(engine: Engine, n: int) -> list[tuple[str, float]]:
    """Bytes per article by table/index (SQLite: dbstat; PostgreSQL: pg_total_relation_size)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
            ).all()
        else:
            rows = conn.execute(
                text(
                    "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace s ON s.oid = c.relnamespace "
                    "WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'i', 't') "
                    "ORDER BY 2 DESC"
                )
            ).all()
    return [(str(name), int(size) / n) for name, size in rows if size]


def raw_html_sizes(count: int = 300) -> tuple[float, float]:
    """(bytes of a generated page, bytes stored) averaged over ``count`` pages of the seed's
    template with generated bodies, compressed the way storage.repository stores raw HTML."""
    from storage.repository import compress

    html = SEED.read_text("utf-8")
    head, rest = html.split('id="article-content">', 1)
    tail = rest[rest.index("</div>") :]
    plain = stored = 0
    for row, _sections in generate(count, seed=9):
        paragraphs = "".join(f"<p>{line}</p>\n" for line in row["body"].split("\n"))
        page = (head + 'id="article-content">' + paragraphs + tail).encode("utf-8")
        plain += len(page)
        stored += len(compress(page))
    return plain / count, stored / count


def bring_up(engine: Engine) -> float:
    """Give an archive built by an earlier version what this one keeps beside the articles
    (new tables; the search index and counts, made from what is stored, as ``newsmon db
    upgrade`` and the next open would); return the seconds it took (0 when nothing to do)."""
    began = time.perf_counter()
    Base.metadata.create_all(engine)
    install_search(engine)
    spent = time.perf_counter() - began
    if spent > 1:
        _analyze(engine)
    return spent


def report(name: str, engine: Engine, n: int, runs: int, reuse: bool = False) -> None:
    load, index = (0.0, 0.0) if reuse else build(engine, n)
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT count(*) FROM articles"))
    print(f"\n{name}: {stored:,} articles, loaded in {load:.0f} s, indexed in {index:.0f} s")
    if reuse:
        print(f"brought up to this version's indexes and counts in {bring_up(engine):.1f} s")
    print(f"{'query':<46} {'p50 ms':>8} {'min':>8} {'max':>8}")
    for label, p50, low, high, note in measure(engine, runs):
        print(f"{label:<46} {p50:>8.1f} {low:>8.1f} {high:>8.1f}  {note}")
    kept = archive_sizes(engine)
    print(f"bytes per article (newsmon db stats): {kept.per_article():,.0f} in all")
    for part in PARTS:
        print(f"  {part:<40} {kept.per_article(part):>8,.0f}")
    parts = sizes(engine, stored or 1)
    print("by table and index (PostgreSQL: without TOAST):")
    for part, per in parts[:14]:
        print(f"  {part:<40} {per:>8,.0f}")
    try:
        from storage.search import fingerprint_articles
    except ImportError:  # versions that fingerprinted lazily, before queries
        return
    if reuse:
        return
    with Session(engine) as session:
        sample = session.execute(
            select(Article.id, Article.body, Article.content_hash).limit(2000)
        ).all()
        began = time.perf_counter()
        fingerprint_articles(session, [(i, body, digest, True) for i, body, digest in sample])
        spent = (time.perf_counter() - began) * 1000 / max(len(sample), 1)
        session.rollback()
    print(f"reprint fingerprint at store time: {spent:.2f} ms per article")


def store_cost(url: str, n: int, rounds: int = 5) -> dict[str, tuple[float, float]]:
    """Milliseconds per article to insert ``n`` generated articles (batches of 100) into empty
    tables: bare, with the search index's triggers (on SQLite also without those on sections,
    which keep the cities' tokens: "pairs"), and with the index's and the counts' triggers
    (median of ``rounds``, the modes alternating), as (elapsed, this process's CPU time: less
    moved by other jobs on the machine; PostgreSQL's work is not in it). The archive at
    ``url`` is dropped and made again."""
    from storage.search import counts, index

    rows = list(generate(n, seed=11))
    modes = ["bare", "index", "index+counts"]
    if url.startswith("sqlite"):
        modes.insert(1, "pairs")
    spent: dict[str, list[float]] = {mode: [] for mode in modes}
    cpu: dict[str, list[float]] = {mode: [] for mode in modes}
    for _round in range(rounds):
        for mode, samples in spent.items():
            # an engine per archive made: storage remembers what an engine's archive has
            engine = make_engine(url)
            Base.metadata.drop_all(engine)
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS articles_grams")
            Base.metadata.create_all(engine)
            if mode != "bare":
                install_search(engine)
            if mode in ("index", "pairs"):
                with engine.begin() as conn:
                    counts.drop_counts(conn)
            if mode == "pairs":
                with engine.begin() as conn:
                    for name in index.SECTION_TRIGGERS:
                        conn.exec_driver_sql(f"DROP TRIGGER {name}")
            began, began_cpu = time.perf_counter(), time.process_time()
            for i in range(0, n, 100):
                _flush(
                    engine,
                    [r for r, _s in rows[i : i + 100]],
                    [x for _r, s in rows[i : i + 100] for x in s],
                )
            samples.append((time.perf_counter() - began) * 1000 / n)
            cpu[mode].append((time.process_time() - began_cpu) * 1000 / n)
            engine.dispose()
    return {mode: (statistics.median(spent[mode]), statistics.median(cpu[mode])) for mode in modes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21, help="timed runs per query")
    parser.add_argument(
        "--pg",
        default=os.environ.get("NEWSMON_BENCH_PG_URL"),
        help="PostgreSQL URL to benchmark too (its archive tables are dropped and rebuilt)",
    )
    parser.add_argument("--sqlite", help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--store-cost",
        type=int,
        metavar="N",
        help="instead: ms per article of inserting N articles bare, with the index's triggers, "
        "and with the counts' too (drops the archives it is given)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the archives as built by an earlier run (--sqlite FILE, --pg URL)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.sqlite or str(Path(tmp) / "bench.sqlite3")
        if args.store_cost:
            urls = ([] if args.no_sqlite else [f"sqlite:///{path}"]) + [args.pg] * bool(args.pg)
            for url in urls:
                cost = store_cost(url, args.store_cost)
                print(
                    url.split(":")[0],
                    ", ".join(f"{k} {ms:.2f} ms (CPU {cpu:.2f})" for k, (ms, cpu) in cost.items()),
                )
            return 0
        if not args.no_sqlite:
            engine = make_engine(f"sqlite:///{path}")
            report(f"SQLite {path}", engine, args.articles, args.runs, args.reuse)
            engine.dispose()
    plain, stored = raw_html_sizes()
    print(f"\nraw HTML of a generated page: {plain:,.0f} bytes, stored as {stored:,.0f}")
    if args.pg:
        engine = make_engine(args.pg)
        report("PostgreSQL", engine, args.articles, args.runs, args.reuse)
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
