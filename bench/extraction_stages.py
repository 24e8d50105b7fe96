"""Where newsmon's extraction time goes, stage by stage, in units of lxml's own parse.

    .venv/bin/python bench/extraction_stages.py [--part tune|check|all | --portal N] [--repeat N]

For each page of the part, ``extract_bytes`` runs ``--repeat`` times with every stage it
calls (decoding, parsing, the body vote, the headline, ...) wrapped in a CPU-time counter;
the fastest run's stage times are divided by the CPU time ``lxml.html.fromstring`` takes to
parse the same bytes (best of ``--repeat``), the unit of ``bench/extraction.py``'s "x lxml".
Printed: the median over pages of each stage (over the pages that reach it: ``simplify``
runs on pages in traditional script only), and of the whole call. ``measure`` is the
readability vote's text count alone, timed on its own over the same parsed tree (where
``article.py`` calls it itself, it is a stage of its own too, and ``find_body_container``
is the vote alone; before, ``find_body_container`` called it and its row holds both). Medians of parts do not add up to the median of the whole.
The wrappers cost a little themselves, so the whole is a few percent above
``bench/extraction.py --cpu``'s figure. The repeats after the first find the answers the
extractor keeps of its text tests (``vocabulary.TEXT_CACHE``) from the first: the CPU of a
stream of pages, each once, is ``bench/extraction_stream.py``'s.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import types
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extraction import best_seconds, load_pages
from crawler.extraction import (
    ExtractionError,
    article,
    body,
)

# the names extract_bytes and extract_article call, as article.py imports them
_STAGES = {
    article: [
        "decode_html",
        "unwrap_page_forms",
        "read_meta",
        "epaper_meta",
        "read_jsonld",
        "measure",  # called by article.py itself since the sixth pass
        "find_body_container",
        "page_title",
        "find_headline",
        "with_subtitle",
        "body_blocks",
        "pieces_between",
        "pieces_after",  # (article.py's until session 25: pieces_between up to the next story now)
        "next_story",
        "has_traditional",
        "simplify",
        "find_site_name",
        "find_breadcrumb",
        "split_sections",
        "match_keywords",
        "find_published_stamp",  # (dates.find_published_stamp until session 25 moved it to published.py)
    ],
    article.edges: ["trim_body"],
    article.byline: ["find_source"],
    article.authors: ["find_author"],
}

_spent: dict[str, float] = {}


def _counted(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    clock = time.process_time

    def run(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return func(*args, **kwargs)
        finally:
            _spent[name] = _spent.get(name, 0.0) + clock() - start

    return run


def _portal_pages(count: int) -> list[types.SimpleNamespace]:
    """The sample portal's article pages as ``bench/crawl.py`` serves them, with the crawl's
    keyword and each page's address (what ``--portal`` times)."""
    from bench.crawl import padded_site

    site = padded_site(count, 0)
    return [
        types.SimpleNamespace(
            data=site.article_html(article).encode(),
            url=f"http://127.0.0.1:8080{article.path}",
            fetched_at=datetime(2026, 12, 1, tzinfo=UTC),
            keywords=("新春第一会",),
        )
        for article in site.articles[:count]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("tune", "check", "all"), default="tune")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--portal",
        type=int,
        metavar="N",
        help="the sample portal's first N article pages (bench/crawl.py's site, what a crawl's "
        "worker reads) instead of a part, each with its address and the crawl's keyword",
    )
    args = parser.parse_args(argv)
    for module, names in _STAGES.items():
        for name in names:
            if hasattr(module, name):  # (an older checkout's article.py may not call it)
                setattr(module, name, _counted(name, getattr(module, name)))
    # the parse, counted in article.py only (lxml.html.fromstring calls etree.fromstring too)
    counted_etree = types.ModuleType("etree_counted")
    counted_etree.__dict__.update(etree.__dict__)
    counted_etree.fromstring = _counted("parse (etree.fromstring)", etree.fromstring)  # type: ignore[attr-defined]
    article.etree = counted_etree  # type: ignore[assignment]

    ratios: dict[str, list[float]] = {}
    pages = _portal_pages(args.portal) if args.portal else load_pages(args.part)
    for page in pages:
        unit = best_seconds(
            partial(lxml.html.fromstring, page.data), args.repeat, time.process_time
        )
        whole, stages = float("inf"), {}
        for _ in range(args.repeat):
            _spent.clear()
            start = time.process_time()
            with contextlib.suppress(ExtractionError):  # (a page that is no article is timed too)
                article.extract_bytes(
                    page.data,
                    fetched_at=page.fetched_at,
                    url=getattr(page, "url", None),
                    keywords=getattr(page, "keywords", ()),
                )
            took = time.process_time() - start
            if took < whole:
                whole, stages = took, dict(_spent)
        ratios.setdefault("extract_bytes (whole)", []).append(whole / unit)
        for name, spent in stages.items():
            ratios.setdefault(name, []).append(spent / unit)
        text, encoding = article.decode_html(page.data)
        root = etree.fromstring(article._as_utf8(page.data, text, encoding), article._parser())
        ratios.setdefault("  measure alone (its own parse)", []).append(
            best_seconds(partial(body.measure, root), args.repeat, time.process_time) / unit
        )
    what = (
        f"the sample portal's {args.portal} article pages" if args.portal else f"part {args.part}"
    )
    print(f"{what}, {len(ratios['extract_bytes (whole)'])} pages, CPU time best of {args.repeat}")
    print("| stage | median x lxml | pages |")
    print("|---|---:|---:|")
    for name, values in sorted(ratios.items(), key=lambda item: -statistics.median(item[1])):
        print(f"| {name.strip()} | {statistics.median(values):.2f} | {len(values)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
