"""What compressing an archived page costs: zlib 6 and zstd at several levels, ms per page and bytes kept.

    python bench/compress.py [--articles 50] [--page-kb 200]
    python bench/compress.py --site-dictionary
    python bench/compress.py --bodies /tmp/real-tune.sqlite3

``--bodies FILE``: the tune pages of tests/fixtures/split.json extracted, their bodies'
UTF-8 and what one zstd frame each keeps (level 3 with its checksum: storage/bodies.py),
then the pages stored in a new SQLite archive at FILE (raw HTML too, as a crawl stores them)
and its bytes per article by part (``newsmon db stats``). The archive part runs on any
version of newsmon (copy the script into its checkout), to compare how each stores them.

``--site-dictionary``: what a page of the same site as a zstd dictionary would save (not
built: each tune site with three or more pages in tests/fixtures/split.json, every page
compressed alone and with the site's previous page as a raw-content dictionary).

Pages: the sample portal padded to about ``--page-kb`` (bench/crawl.py's padding) and the
36 real pages of tests/fixtures/real/pages/ (bench/stages.py reads the same). Best of 3
passes, one compressor per level reused, as ``storage.repository.compress`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import zstandard

from bench.stages import real_pages, sample_pages


def measure(pages: list[bytes], compress: Callable[[bytes], bytes]) -> tuple[float, float]:
    """(ms per page, compressed bytes / raw bytes), best of 3 passes."""
    best, out = float("inf"), [b""]
    for _ in range(3):
        start = time.perf_counter()
        out = [compress(page) for page in pages]
        best = min(best, time.perf_counter() - start)
    return best / len(pages) * 1000, sum(map(len, out)) / sum(map(len, pages))


def site_dictionary(levels: tuple[int, ...] = (3, 9)) -> None:
    fixtures = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
    by_site: dict[str, list[bytes]] = defaultdict(list)
    for key in json.loads((fixtures / "split.json").read_text("utf-8"))["pages"]["tune"]:
        folder, name = key.split("/", 1)
        by_site[re.sub(r"-\d+\.html$", "", name)].append(
            (fixtures / folder / "pages" / name).read_bytes()
        )
    sites = {site: pages for site, pages in sorted(by_site.items()) if len(pages) >= 3}
    print(f"{sum(map(len, sites.values()))} tune pages of {len(sites)} sites: {', '.join(sites)}")
    print("| zstd level | alone | with the site's previous page as dictionary | ratio |")
    print("|---|---:|---:|---:|")
    for level in levels:
        alone = zstandard.ZstdCompressor(level=level)
        plain = paired = 0
        for pages in sites.values():
            for i, page in enumerate(pages):
                plain += len(alone.compress(page))
                previous = zstandard.ZstdCompressionDict(
                    pages[i - 1], dict_type=zstandard.DICT_TYPE_RAWCONTENT
                )
                paired += len(
                    zstandard.ZstdCompressor(level=level, dict_data=previous).compress(page)
                )
        print(f"| {level} | {plain:,} | {paired:,} | {paired / plain:.2f} |")


def tune_pages() -> list[tuple[str, bytes]]:
    """(key, bytes) of the tune pages of tests/fixtures/split.json (never the check part)."""
    fixtures = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
    keys = json.loads((fixtures / "split.json").read_text("utf-8"))["pages"]["tune"]
    return [
        (key, (fixtures / key.split("/", 1)[0] / "pages" / key.split("/", 1)[1]).read_bytes())
        for key in keys
    ]


def real_bodies(path: str) -> None:
    """``--bodies``: see the module docstring."""
    from datetime import UTC, datetime

    from sqlalchemy.orm import sessionmaker

    from crawler.extract_pool import Page, extract_page
    from storage import create_schema, make_engine
    from storage.repository import ToSave, save_articles
    from storage.sizes import PARTS, archive_sizes

    fetched = datetime(2026, 11, 30, tzinfo=UTC)
    entries = []
    for key, data in tune_pages():
        url = f"http://127.0.0.1/{key}"
        article = extract_page(Page(data, url, "text/html", fetched))
        if article.body:
            entries.append(ToSave(article, data, "text/html", url, "bench", 1, fetched))
    frames = zstandard.ZstdCompressor(level=3, write_checksum=True)
    sizes = [
        (len(e.article.body.encode()), len(frames.compress(e.article.body.encode())))
        for e in entries
    ]
    ratios = sorted(kept / raw for raw, kept in sizes)
    raw, kept = sum(r for r, _ in sizes), sum(k for _, k in sizes)
    print(
        f"{len(entries)} tune pages with a body: {raw:,} bytes of UTF-8, {raw / len(sizes):,.0f} a body"
    )
    print(
        f"one zstd frame a body keeps {kept:,} ({kept / raw:.2f}; median page {ratios[len(ratios) // 2]:.2f})"
    )
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    for i in range(0, len(entries), 50):
        with sessions.begin() as session:
            save_articles(session, entries[i : i + 50])
    stored = archive_sizes(engine)
    engine.dispose()
    print(f"archive {path}: {stored.per_article():,.0f} bytes an article")
    for part in PARTS:
        print(f"  {part:<16} {stored.per_article(part):>10,.0f}")
    print(f"  bodies: {stored.bodies.raw:,} bytes of text stored in {stored.bodies.stored:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--page-kb", type=int, default=200)
    parser.add_argument("--site-dictionary", action="store_true")
    parser.add_argument(
        "--bodies", metavar="FILE", help="SQLite archive to store the tune pages in"
    )
    args = parser.parse_args()
    if args.bodies:
        real_bodies(args.bodies)
        return
    if args.site_dictionary:
        site_dictionary()
        return
    sets = {
        f"sample padded to ~{args.page_kb} KB": [
            b for _, b in sample_pages(args.articles, args.page_kb)
        ],
        "real pages (tests/fixtures/real)": [b for _, b in real_pages()],
    }
    methods: dict[str, Callable[[bytes], bytes]] = {"zlib 6": lambda b: zlib.compress(b, 6)}
    for level in (1, 3, 6, 9):
        methods[f"zstd {level}"] = zstandard.ZstdCompressor(level=level).compress
    print(f"load at start {os.getloadavg()[0]:.2f}; ms per page / bytes kept, best of 3\n")
    print("| method | " + " | ".join(sets) + " |")
    print("|---|" + "---:|" * len(sets))
    for name, method in methods.items():
        cells = [measure(pages, method) for pages in sets.values()]
        print(f"| {name} | " + " | ".join(f"{ms:.2f} ms / {kept:.1%}" for ms, kept in cells) + " |")
    print(f"\nload at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
