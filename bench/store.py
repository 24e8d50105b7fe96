"""What storing an article costs: ``storage.save_articles`` on new articles, then on the same ones unchanged.

    python bench/store.py [--articles 500] [--batch 100] [--db sqlite|POSTGRES_SERVER_URL]
                          [--no-simhash]

The sample portal's articles (newsmon.sample_site), extracted and compressed beforehand as
a crawl hands them over, stored in batches of ``--batch`` on a fresh archive (search
triggers and indexes included), commit included (wall time, and the CPU time of the thread, which on
SQLite does the database's work too, in brackets); then stored again a day later, unchanged,
as a re-crawl would. ``--db``: a PostgreSQL server URL (any database on it): the bench
creates and drops a database ``bench_store`` there. ``--no-simhash``: without the reprint
fingerprint (storage.search.reprints), to see the rest of the insert. Prints ms per article.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

import storage.repository
from bench.stages import FETCHED, KEYWORDS, sample_pages
from crawler.extraction import extract_bytes
from storage import create_schema, make_engine
from storage.repository import Compressed, ToSave, compress, save_articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--no-simhash", action="store_true")
    args = parser.parse_args()
    if args.no_simhash:
        storage.repository.fingerprint_articles = lambda *a, **k: None  # type: ignore[assignment]
    pages = sample_pages(args.articles, 0)
    entries = [
        ToSave(
            extract_bytes(body, url=url, keywords=KEYWORDS),
            Compressed(compress(body)),
            "text/html",
            url,
            "bench",
            1,
            FETCHED,
        )
        for url, body in pages
    ]
    with tempfile.TemporaryDirectory() as tmp:
        admin = None
        url = f"sqlite:///{tmp}/store.sqlite3"
        if args.db != "sqlite":
            admin = create_engine(args.db, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS bench_store"))
                conn.execute(text("CREATE DATABASE bench_store"))
            url = args.db.rsplit("/", 1)[0] + "/bench_store"
        engine = make_engine(url)
        create_schema(engine)
        sessions = sessionmaker(engine, expire_on_commit=False)
        times, cpus = {}, {}
        for label in ("new", "unchanged"):
            if label == "unchanged":  # fetched again a day later
                entries = [replace(e, fetched_at=e.fetched_at + timedelta(days=1)) for e in entries]
            start, cpu = time.perf_counter(), time.thread_time()
            for i in range(0, len(entries), args.batch):
                with sessions.begin() as session:
                    save_articles(session, entries[i : i + args.batch])
            times[label] = (time.perf_counter() - start) / len(entries) * 1000
            cpus[label] = (time.thread_time() - cpu) / len(entries) * 1000
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS bench_store"))
    print(
        f"{engine.dialect.name}: new {times['new']:.2f} ms ({cpus['new']:.2f} CPU), unchanged "
        f"{times['unchanged']:.2f} ms ({cpus['unchanged']:.2f} CPU) per article ({args.articles} articles, batches of {args.batch}"
        f"{', no SimHash' if args.no_simhash else ''}; load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
