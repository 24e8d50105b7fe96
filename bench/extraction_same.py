"""Whether this checkout's extraction gives the same records as another checkout's, page by page.

    .venv/bin/python bench/extraction_same.py --base ../other-checkout [--archive DIR ...]

A change meant to make extraction cheaper must not change what it extracts. Both versions of
``crawler.extraction`` are imported into one process (as ``bench/extraction_ab.py`` does) and
every page is extracted by each, three ways: bare; with an address, a fetch time and keywords;
and from the page re-encoded as GB18030 with a declared charset (another decoding path). The
records (``ExtractedArticle.as_record()``, or the error's class and message) are compared
field by field. Pages:

- every fixture page under ``tests/fixtures`` (the labelled real pages, the synthetic pages,
  the listing and portal pages) **except the *check* part of the split**: those are never
  opened outside ``bench/extraction.py``'s aggregate scores, so they are left out here (the
  labelled pages of ``real`` and ``real2`` are taken only when the split lists them in *tune*);
- the sample portal's article pages as ``bench/crawl.py`` serves them, plain (about 2 KB)
  and padded to about 200 KB (``--page-kb``), ``--sample`` of each;
- with ``--archive DIR`` (repeatable), every ``*.html`` under DIR, except a page whose bytes
  name a *check* site's domain anywhere (a link to it is enough: the page may be one of that
  site's, and nothing is read to tell): an unlabelled archive of real pages such as the
  ``raw/`` folder of transTerminus/webpage_archive on GitHub, which earlier passes scanned.

Prints the counts and, for a page that differs, its path and the fields that differ (never
a field's value). Exits 1 when any record differs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extraction import FIXTURES, SAME_SITE, SPLIT, SPLIT_SETS  # noqa: E402
from bench.extraction_ab import _import_extraction  # noqa: E402

PAGE_SUFFIXES = (".html", ".htm", ".shtml")
FETCHED_AT = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
KEYWORDS = ("经济", "医院", "学校")
_CHARSET_RE = re.compile(rb"charset\s*=\s*[\"']?[-\w]+", re.I)


def fixture_pages(split: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    """(key, bytes) of every fixture page outside the ``split``'s *check* part."""
    check, tune = set(split["pages"]["check"]), set(split["pages"]["tune"])
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix not in PAGE_SUFFIXES:
            continue
        parts = path.relative_to(FIXTURES).parts
        key = f"{parts[0]}/{path.name}"
        if key in check or (parts[0] in SPLIT_SETS and key not in tune):
            continue
        yield key, path.read_bytes()


def sample_pages(count: int) -> Iterator[tuple[str, bytes]]:
    """The sample portal's article pages, plain and padded, as bench/crawl.py serves them."""
    from bench.crawl import padded_site

    for page_kb in (0, 200):
        site = padded_site(count, page_kb)
        for article in site.articles[:count]:
            yield f"sample-{page_kb}kb/{article.number}", site.article_html(article).encode()


def archive_pages(folder: Path, check_sites: list[str]) -> Iterator[tuple[str, bytes]]:
    """Every ``*.html`` under ``folder`` that names no *check* site."""
    names = [site.encode() for site in check_sites]
    for path in sorted(folder.rglob("*.html")):
        data = path.read_bytes()
        if any(name in data for name in names):
            continue
        yield str(path.relative_to(folder)), data


def _as_gb18030(data: bytes) -> bytes | None:
    """The page re-encoded as GB18030 with its charset declared so; None when not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    out = text.encode("gb18030")
    if _CHARSET_RE.search(out):
        return _CHARSET_RE.sub(b"charset=gb18030", out, count=1)
    return out.replace(b"<head>", b'<head><meta charset="gb18030">', 1)


def _record(modules: dict[str, Any], data: bytes, full: bool) -> dict[str, Any]:
    article = modules["article"]
    try:
        if full:
            found = article.extract_bytes(
                data,
                url="https://news.example.cn/2024/0531/a1.html",
                fetched_at=FETCHED_AT,
                keywords=KEYWORDS,
            )
        else:
            found = article.extract_bytes(data)
    except modules[""].ExtractionError as err:
        return {"error": f"{type(err).__name__}: {err}"}
    return found.as_record()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout's root")
    parser.add_argument("--archive", type=Path, action="append", default=[])
    parser.add_argument("--sample", type=int, default=300, help="sample portal pages of each size")
    args = parser.parse_args(argv)
    if not (args.base / "crawler" / "extraction" / "__init__.py").exists():
        parser.error(f"{args.base} holds no crawler/extraction package")
    versions = {"base": _import_extraction(args.base.resolve()), "this": _import_extraction(ROOT)}
    split = json.loads(SPLIT.read_text("utf-8"))
    # a check site's other hosts too (one publisher on two hosts is one site)
    check = split["sites"]["check"]
    check_sites = [*check, *(host for host, site in SAME_SITE.items() if site in check)]
    sources: dict[str, Iterator[tuple[str, bytes]]] = {
        "fixtures": fixture_pages(split),
        "sample portal": sample_pages(args.sample),
    }
    for folder in args.archive:
        sources[f"archive {folder.name}"] = archive_pages(folder, check_sites)
    differ = 0
    for source, pages in sources.items():
        count = articles = 0
        for key, data in pages:
            count += 1
            ways = [(data, False), (data, True)]
            recoded = _as_gb18030(data)
            if recoded is not None:
                ways.append((recoded, True))
            for page, full in ways:
                base, this = (_record(versions[name], page, full) for name in ("base", "this"))
                if base != this:
                    differ += 1
                    fields = sorted(
                        k for k in base.keys() | this.keys() if base.get(k) != this.get(k)
                    )
                    print(f"DIFFERS {source} {key} (full={full}): {', '.join(fields)}")
                elif full and "error" not in this:
                    articles += 1
        print(f"{source}: {count} pages, {articles} read as articles, each extracted 2-3 ways")
    print("all records identical" if not differ else f"{differ} records differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
