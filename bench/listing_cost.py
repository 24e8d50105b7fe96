"""What reading a listing page costs the crawling process: ``read_listing`` on the sample portal.

    python bench/listing_cost.py [--articles 2000] [--rounds 5] [--code CHECKOUT]

Generates the sample portal of ``bench/crawl.py`` (``newsmon.sample_site``: listing pages of
20 article links, a pager linking every page, a 下一页 link) and reads each of its listing
pages with ``crawler.listing.read_listing`` as the portal spider does, timing the CPU per
listing page (``time.process_time``), best and median of 7 passes:

- cold: the caches of resolved links and verdicts emptied before each pass, as for the
  first page of a crawl (every link new);
- warm: the caches kept, as for a page whose pager and menus the pages before it had (its
  article links are new in a crawl: a crawl's listing page is between the two).

``--code`` measures another checkout too, each in its own process, alternated ``--rounds``
times (the order swapped each round), and checks that both read the same links, next pages
and dropped links. The crawl reads one listing page per 20 articles: a millisecond less
per listing page is ~0.05 ms less per crawled page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from checkouts import run_worker

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8080/"


def measure(articles: int) -> dict[str, Any]:
    """Timings of this interpreter's ``crawler.listing`` (the checkout on ``sys.path``)."""
    import crawler.listing.urls as urls
    from crawler.listing import Scope, read_listing
    from newsmon.sample_site import SampleSite

    with tempfile.TemporaryDirectory(prefix="newsmon-listing-") as tmp:
        SampleSite.generate(articles).write(Path(tmp), BASE)
        pages = [
            (p.read_text(encoding="utf-8"), BASE + "news/" + p.name)
            for p in sorted((Path(tmp) / "news").glob("list_*.html"))
        ]
    scope = Scope.of_site([BASE])
    caches = [
        getattr(urls, name) for name in dir(urls) if hasattr(getattr(urls, name), "cache_clear")
    ]
    result: dict[str, Any] = {"pages": len(pages)}
    for kind in ("cold", "warm"):
        times = []
        for _ in range(7):
            if kind == "cold":
                for cache in caches:
                    cache.cache_clear()
            start = time.process_time()
            read = [read_listing(text, url, scope=scope) for text, url in pages]
            times.append((time.process_time() - start) * 1000 / len(pages))
        result[kind] = times
    result["read"] = [listing.as_json() for listing in read]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--code", type=Path, help="another checkout, alternated with this one")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.articles)))
        return
    codes = {"this checkout": ROOT}
    if args.code is not None:
        codes[f"--code {args.code}"] = args.code.resolve()
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    for round_no in range(args.rounds):
        names = list(codes) if round_no % 2 == 0 else list(codes)[::-1]
        for name in names:
            runs[name].append(run_worker(__file__, codes[name], "--articles", str(args.articles)))
    load = os.getloadavg()[0]
    print(f"{args.articles} articles, {runs['this checkout'][0]['pages']} listing pages; "
          f"{args.rounds} rounds; load {load:.1f} at the end")  # fmt: skip
    print("\n| checkout | cold ms a listing page, median (best) | warm |\n|---|---:|---:|")
    for name, rows in runs.items():
        cells = []
        for kind in ("cold", "warm"):
            medians = [statistics.median(r[kind]) for r in rows]
            cells.append(
                f"{statistics.median(medians):.2f} ({min(min(r[kind]) for r in rows):.2f})"
            )
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    reads = [rows[0]["read"] for rows in runs.values()]
    print(
        "\nsame links, next pages and dropped links: "
        + ("yes" if all(r == reads[0] for r in reads) else "NO")
    )


if __name__ == "__main__":
    main()
