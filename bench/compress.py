"""What compressing an archived page costs: zlib 6 and zstd at several levels, ms per page and bytes kept.

    python bench/compress.py [--articles 50] [--page-kb 200]
    python bench/compress.py --site-dictionary

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--page-kb", type=int, default=200)
    parser.add_argument("--site-dictionary", action="store_true")
    args = parser.parse_args()
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
