"""Score newsmon, trafilatura and GNE on the labelled real pages with one scorer; print a table.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/extraction.py [--pages DIR --labels FILE] [--repeat N] [--details]

Scoring (the same for every extractor):

- title: exact match with the label (whitespace collapsed);
- published: same minute as the label, or same day where the page prints only a date;
  each library's string is read with newsmon's date parser (the formats are
  ISO 8601 and ``YYYY-MM-DD HH:MM``; naive times count as Asia/Shanghai);
- source: in {source} + source_alts (trafilatura's ``sitename`` stands for its source;
  GNE reports none);
- author: in {author} + author_alts, or empty when the label has none;
- body: character-level F1 (bag of characters, whitespace ignored) against the labelled
  body: the text of ``body_xpath``, from ``body_first`` to ``body_last``;
- ms/page: wall time from the page's bytes to the record, best of ``--repeat`` passes
  (decoding included for everyone; GNE is given the text newsmon's decoder produced).

Exits 2 with a message when trafilatura or GNE is not installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from crawler.extraction import ExtractionError, decode_html, extract_bytes
from crawler.extraction.dates import SHANGHAI, parse_stamp

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "tests" / "fixtures" / "real" / "labels.json"
# The dev set's pages were saved long after publication; a fixed clock keeps runs comparable.
FETCHED_AT = datetime(2024, 1, 1, tzinfo=SHANGHAI)
_REFERENCE_SKIP = ("script", "style", "noscript", "template")


@dataclass(slots=True)
class Record:
    title: str | None
    published: str | None
    source: str | None
    author: str | None
    body: str


@dataclass(slots=True)
class Page:
    label: dict[str, Any]
    data: bytes
    text: str
    reference: str


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def reference_body(text: str, label: dict[str, Any]) -> str:
    """The labelled body: text of ``body_xpath``, from ``body_first`` to ``body_last``, no spaces."""
    root = etree.fromstring(text.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    found = root.xpath(label["body_xpath"])
    if not found:
        raise SystemExit(f"{label['file']}: body_xpath matches nothing")
    parts: list[str] = []
    _visible_text(found[0], parts)
    whole = _squash("".join(parts))
    first, last = _squash(label["body_first"]), _squash(label["body_last"])
    start, end = whole.find(first), whole.rfind(last)
    if start < 0 or end < 0:
        raise SystemExit(f"{label['file']}: body_first/body_last not in body_xpath's text")
    return whole[start : end + len(last)]


def _visible_text(el: etree._Element, parts: list[str]) -> None:
    if isinstance(el.tag, str) and el.tag not in _REFERENCE_SKIP:
        parts.append(el.text or "")
        for child in el:
            _visible_text(child, parts)
            parts.append(child.tail or "")
    # (a skipped element's tail is added by its parent)


def body_f1(got: str, want: str) -> float:
    got_chars, want_chars = Counter(_squash(got)), Counter(_squash(want))
    overlap = sum((got_chars & want_chars).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_chars.values())
    recall = overlap / sum(want_chars.values())
    return 2 * precision * recall / (precision + recall)


def published_ok(got: str | None, label: str) -> bool:
    if not got:
        return False
    want = parse_stamp(label, now=FETCHED_AT)
    stamp = parse_stamp(got, now=FETCHED_AT)
    if want is None or stamp is None:
        return False
    if not want.has_time:
        return stamp.when.date() == want.when.date()
    return stamp.has_time and stamp.when.replace(second=0) == want.when.replace(second=0)


def in_label(got: str | None, value: str | None, alts: list[str]) -> bool:
    got = " ".join((got or "").split()) or None
    if value is None:
        return got is None
    return got in {value, *alts}


# --------------------------------------------------------------------------- extractors


def run_newsmon(page: Page) -> Record:
    try:
        article = extract_bytes(page.data, fetched_at=FETCHED_AT)
    except ExtractionError:
        return Record(None, None, None, None, "")
    return Record(
        article.title,
        article.published_at.isoformat() if article.published_at else None,
        article.source,
        article.author,
        article.body,
    )


def _trafilatura() -> Callable[[Page], Record]:
    import trafilatura

    params = {"outputformat": "%Y-%m-%d %H:%M:%S", "extensive_search": True, "original_date": True}

    def run(page: Page) -> Record:
        doc = trafilatura.bare_extraction(
            page.data, with_metadata=True, date_extraction_params=params
        )
        if doc is None:
            return Record(None, None, None, None, "")
        got = doc if isinstance(doc, dict) else doc.as_dict()
        return Record(
            got.get("title"),
            got.get("date"),
            got.get("sitename"),
            got.get("author"),
            got.get("text") or "",
        )

    return run


def _gne() -> Callable[[Page], Record]:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def run(page: Page) -> Record:
        text, _ = decode_html(page.data)
        try:
            out = extractor.extract(text)
        except Exception:  # GNE raises bare exceptions on pages it cannot read
            return Record(None, None, None, None, "")
        return Record(
            out.get("title"), out.get("publish_time"), None, out.get("author"), out["content"]
        )

    return run


def load_extractors() -> dict[str, Callable[[Page], Record]]:
    missing = []
    extractors: dict[str, Callable[[Page], Record]] = {"newsmon": run_newsmon}
    for name, factory in (("trafilatura", _trafilatura), ("GNE", _gne)):
        try:
            extractors[name] = factory()
        except ImportError:
            missing.append(name)
    if missing:
        print(
            f"bench/extraction.py: {', '.join(missing)} not installed; "
            "run `.venv/bin/pip install -e '.[bench]'` (or `pip install trafilatura gne`)",
            file=sys.stderr,
        )
        sys.exit(2)
    return extractors


# --------------------------------------------------------------------------- scoring


def load_pages(labels_path: Path, pages_dir: Path) -> list[Page]:
    pages = []
    for label in json.loads(labels_path.read_text("utf-8")):
        data = (pages_dir / label["file"]).read_bytes()
        text, _ = decode_html(data)
        pages.append(Page(label, data, text, reference_body(text, label)))
    return pages


def score(
    name: str, run: Callable[[Page], Record], pages: list[Page], repeat: int, details: bool
) -> dict[str, float | None]:
    records = [run(page) for page in pages]  # also warms caches and lazy imports
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for page in pages:
            run(page)
        best = min(best, time.perf_counter() - start)
    hits: Counter[str] = Counter()
    f1_total = 0.0
    for page, rec in zip(pages, records, strict=True):
        lab = page.label
        checks = {
            "title": " ".join((rec.title or "").split()) == lab["title"],
            "published": published_ok(rec.published, lab["published"]),
            "source": in_label(rec.source, lab["source"], lab["source_alts"]),
            "author": in_label(rec.author, lab["author"], lab["author_alts"]),
        }
        hits.update(k for k, ok in checks.items() if ok)
        f1 = body_f1(rec.body, page.reference)
        f1_total += f1
        if details:
            wrong = [k for k, ok in checks.items() if not ok]
            print(f"{name:12s} {lab['file']:18s} F1={f1:.3f} wrong={wrong}", file=sys.stderr)
    n = len(pages)
    return {
        "title": hits["title"] / n,
        "published": hits["published"] / n,
        "source": None if name == "GNE" else hits["source"] / n,
        "author": hits["author"] / n,
        "body F1": f1_total / n,
        "ms/page": best / n * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument(
        "--pages", type=Path, help="directory of the pages (default: beside labels)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    parser.add_argument("--details", action="store_true", help="per-page misses on stderr")
    args = parser.parse_args(argv)
    extractors = load_extractors()
    pages = load_pages(args.labels, args.pages or args.labels.parent / "pages")

    results = {
        name: score(name, run, pages, args.repeat, args.details) for name, run in extractors.items()
    }
    columns = ["title", "published", "source", "author", "body F1", "ms/page"]
    shown = args.labels.relative_to(ROOT) if args.labels.is_relative_to(ROOT) else args.labels
    print(f"{len(pages)} pages from {shown}")
    print()
    print("| extractor | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, row in results.items():
        cells = []
        for col in columns:
            value = row[col]
            if value is None:
                cells.append("n/a")
            elif col == "ms/page":
                cells.append(f"{value:.1f}")
            elif col == "body F1":
                cells.append(f"{value:.3f}")
            else:
                cells.append(f"{value:.0%}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    ours = results["newsmon"]["ms/page"] or 1.0
    theirs = results["trafilatura"]["ms/page"] or 0.0
    print()
    print(f"trafilatura / newsmon time per page: {theirs / ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
