"""The extraction worker's CPU a page on the sample portal's article pages, this checkout's
extraction against another's, in crawl order.

    .venv/bin/python bench/extraction_stream.py --base ../other-checkout [--pages 2000]
        [--rounds 8]

What a crawl's worker does with each page of ``bench/crawl.py``'s site (about 2.5 KB of
HTML each): ``extract_bytes`` with the page's address, ``text/html``, a fetch time and the
bench's keyword, then the page compressed for the archive (``storage.repository.compress``,
the same code for both). Both versions of ``crawler.extraction`` are imported into one
process (as ``bench/extraction_ab.py`` does); each round runs every page once, in order, for
one version, then for the other (the order swapped every round), with the extractor's
caches emptied first, as in a worker that has just started — so an answer a version keeps
from an earlier page counts only where the crawl would have it too. Unlike
``bench/extraction_ab.py``, which keeps each page's best of several runs (a cache would
answer the repeats), a round's CPU time is the whole stream's.

First the records of the two versions are compared page by page (exit 1 if any differs);
then printed: each version's CPU ms a page (median of the rounds, quartiles, range) and the
ratio this / base by round (median, quartiles).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crawl import padded_site  # noqa: E402
from bench.extraction import forget, kept_answers  # noqa: E402
from bench.extraction_ab import _import_extraction  # noqa: E402
from storage.repository import compress  # noqa: E402

KEYWORDS = ("新春第一会",)  # bench/crawl.py's configuration
FETCHED_AT = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def _record(modules: dict[str, Any], url: str, data: bytes) -> dict[str, Any]:
    try:
        found = modules["article"].extract_bytes(
            data, url=url, content_type="text/html", fetched_at=FETCHED_AT, keywords=KEYWORDS
        )
    except modules[""].ExtractionError as err:
        return {"error": f"{type(err).__name__}: {err}"}
    return dict(found.as_record())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout's root")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    if not (args.base / "crawler" / "extraction" / "__init__.py").exists():
        parser.error(f"{args.base} holds no crawler/extraction package")
    versions = {"base": _import_extraction(args.base.resolve()), "this": _import_extraction(ROOT)}
    site = padded_site(args.pages, 0)
    base_url = "http://127.0.0.1:8080"
    pages = [
        (base_url + article.path, site.article_html(article).encode())
        for article in site.articles[: args.pages]
    ]

    differ = 0
    for url, data in pages:
        records = [_record(modules, url, data) for modules in versions.values()]
        if records[0] != records[1]:
            differ += 1
            fields = [k for k in records[0] if records[0].get(k) != records[1].get(k)]
            print(f"DIFFERS {url}: {', '.join(fields)}")
    print(f"{len(pages)} pages, records of the two versions: {differ} differ")

    def stream(modules: dict[str, Any]) -> float:
        extract = modules["article"].extract_bytes
        forget(kept_answers(modules.values()))
        start = time.process_time()
        for url, data in pages:
            try:
                extract(
                    data,
                    url=url,
                    content_type="text/html",
                    fetched_at=FETCHED_AT,
                    keywords=KEYWORDS,
                )
            except modules[""].ExtractionError:
                pass
            compress(data)
        return time.process_time() - start

    seconds: dict[str, list[float]] = {name: [] for name in versions}
    for turn in range(args.rounds):
        for name in sorted(versions, reverse=bool(turn % 2)):
            seconds[name].append(stream(versions[name]))
    print(f"{args.rounds} rounds of {len(pages)} pages, CPU time (extraction and compression)")
    for name, values in seconds.items():
        ms = [1000 * v / len(pages) for v in values]
        low, _, high = statistics.quantiles(ms, n=4)
        print(
            f"{name:5s} ms a page: median {statistics.median(ms):.3f} "
            f"(quartiles {low:.3f}-{high:.3f}, range {min(ms):.3f}-{max(ms):.3f})"
        )
    ratios = [t / b for t, b in zip(seconds["this"], seconds["base"], strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4)
    print(
        f"this / base by round: median {statistics.median(ratios):.3f} "
        f"(quartiles {low:.3f}-{high:.3f}): " + " ".join(f"{r:.3f}" for r in ratios)
    )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
