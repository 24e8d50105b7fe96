"""What one article page costs, stage by stage: decode, parse, extract, match, compress, insert, FTS index.

    python bench/stages.py [--articles 300] [--page-kb 200] [--batch 100]

Pages: the sample portal's articles (newsmon.sample_site), the same padded to about
``--page-kb`` with navigation, scripts and sidebars (bench/crawl.py's padding), and the
36 real pages of tests/fixtures/real/pages/. Each stage is timed alone, one page at a time,
on this process (no crawl), best of 3 passes; the table gives the mean ms per page.
``insert`` is ``storage.save_articles`` in batches of ``--batch`` on a fresh SQLite
archive, commit included, of pages compressed beforehand (as an extraction worker hands
them over), with the search index's triggers dropped; ``FTS index`` is the same with
them, minus that. ``(SimHash, in insert)`` is the reprint fingerprint that the insert
computes for each new article (storage.search.reprints), timed alone: part of ``insert``,
not added to the total again.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402
from parsel import Selector  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bench.crawl import padded_site  # noqa: E402
from crawler.extraction import decode_html, extract_article  # noqa: E402
from crawler.extraction.keywords import match_keywords  # noqa: E402
from storage import create_schema, make_engine  # noqa: E402
from storage.repository import ZSTD_LEVEL, Compressed, ToSave, compress, save_articles  # noqa: E402
from storage.search.index import _GRAMS_DROP  # noqa: E402
from storage.search.reprints import fingerprint  # noqa: E402

KEYWORDS = ["新春第一会", "营商环境"]
FETCHED = datetime(2023, 1, 29, 12, 0, tzinfo=UTC)


def sample_pages(n: int, page_kb: int) -> list[tuple[str, bytes]]:
    site = padded_site(n, page_kb)
    return [
        (
            f"http://127.0.0.1{a.path}",
            site.article_html(a).encode("gbk" if a.gbk else "utf-8"),
        )
        for a in site.listed
    ]


def real_pages() -> list[tuple[str, bytes]]:
    folder = ROOT / "tests" / "fixtures" / "real" / "pages"
    return [
        (f"http://127.0.0.1/real/{p.stem}.html", p.read_bytes()) for p in sorted(folder.glob("*"))
    ]


def best_of(passes: int, run: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def stages(pages: Sequence[tuple[str, bytes]], batch: int) -> dict[str, float]:
    """Seconds per page of each stage (best of 3 passes over all pages)."""
    texts = [decode_html(body, "text/html")[0] for _, body in pages]
    parser = etree.HTMLParser(encoding="utf-8")
    roots = [etree.fromstring(t.replace("\x00", "").encode("utf-8"), parser) for t in texts]
    articles = [
        extract_article(Selector(root=r, type="html"), url=url, fetched_at=FETCHED)
        for r, (url, _) in zip(roots, pages, strict=True)
    ]
    n = len(pages)
    result = {
        "decode": best_of(3, lambda: [decode_html(body, "text/html") for _, body in pages]),
        "parse": best_of(
            3,
            lambda: [
                etree.fromstring(t.replace("\x00", "").encode("utf-8"), etree.HTMLParser())
                for t in texts
            ],
        ),
        "extract": best_of(
            3,
            lambda: [
                extract_article(Selector(root=r, type="html"), url=url, fetched_at=FETCHED)
                for r, (url, _) in zip(roots, pages, strict=True)
            ],
        ),
        "match": best_of(
            3, lambda: [match_keywords(KEYWORDS, [a.title, a.body], ()) for a in articles]
        ),
        "compress": best_of(3, lambda: [compress(body) for _, body in pages]),
        # part of the insert below (storage.search.reprints, called by save_articles)
        "(SimHash, in insert)": best_of(3, lambda: [fingerprint(a.body) for a in articles]),
    }
    # compressed beforehand, as a crawl's pages are by then: the insert does not compress again
    entries = [
        ToSave(a, Compressed(compress(body)), "text/html", url, "bench", 1, FETCHED)
        for a, (url, body) in zip(articles, pages, strict=True)
    ]
    for name, fts in (("insert", False), ("insert+fts", True)):
        times = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as tmp:
                engine = make_engine(f"sqlite:///{tmp}/stages.sqlite3")
                create_schema(engine)
                if not fts:
                    with engine.begin() as conn:
                        for statement in _GRAMS_DROP:
                            conn.execute(text(statement))
                sessions = sessionmaker(engine, expire_on_commit=False)
                start = time.perf_counter()
                for i in range(0, n, batch):
                    with sessions.begin() as session:
                        save_articles(session, entries[i : i + batch])
                times.append(time.perf_counter() - start)
                engine.dispose()
        result[name] = min(times)
    result["FTS index"] = max(0.0, result.pop("insert+fts") - result["insert"])
    result["(SimHash, in insert)"] = result.pop("(SimHash, in insert)")
    return {k: v / n for k, v in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--page-kb", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    sets = {
        "sample portal": sample_pages(args.articles, 0),
        f"sample, padded to ~{args.page_kb} KB": sample_pages(args.articles, args.page_kb),
        "real pages (tests/fixtures/real)": real_pages(),
    }
    import os

    print(f"load at start {os.getloadavg()[0]:.2f}; ms per page, best of 3 passes\n")
    results = {name: stages(pages, args.batch) for name, pages in sets.items()}
    names = list(results)
    print("| stage | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for stage in next(iter(results.values())):
        label = f"compress (zstd {ZSTD_LEVEL})" if stage == "compress" else stage
        print(f"| {label} | " + " | ".join(f"{results[n][stage] * 1000:.2f}" for n in names) + " |")
    totals = {n: sum(v for k, v in results[n].items() if not k.startswith("(")) for n in names}
    print("| **total** | " + " | ".join(f"**{totals[n] * 1000:.2f}**" for n in names) + " |")
    sizes = {n: sum(len(b) for _, b in p) / len(p) / 1024 for n, p in sets.items()}
    print("| page KB (mean) | " + " | ".join(f"{sizes[n]:.0f}" for n in names) + " |")
    print(f"\nload at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
