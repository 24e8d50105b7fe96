"""What compressing an archived page costs: zlib 6 and zstd at several levels, ms per page and bytes kept.

    python bench/compress.py [--articles 50] [--page-kb 200]

Pages: the sample portal padded to about ``--page-kb`` (bench/crawl.py's padding) and the
36 real pages of tests/fixtures/real/pages/ (bench/stages.py reads the same). Best of 3
passes, one compressor per level reused, as ``storage.repository.compress`` does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zlib
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--page-kb", type=int, default=200)
    args = parser.parse_args()
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
