"""What one pass over every node costs on lxml's tree and on another parser's, in units of lxml's parse.

    .venv/bin/python bench/extraction_parsers.py [--part tune|check|all] [--repeat 7]

Issue 11 asks for extraction in at most 2x ``lxml.html.fromstring``'s CPU time; newsmon's
extraction walks lxml's tree in Python (``body.measure``: every node once, then a dozen
smaller walks), and a Python pass over lxml's nodes costs a large part of the parse itself.
This script measures, page by page (CPU time, best of ``--repeat``, the variants alternated
within a page), the floors that settle whether another parser could take the walks below
the target:

- lxml: newsmon's parse (``etree.fromstring``, the plain tree), a pass handing out every node
  (``root.iter()``), the same reading each node's tag, text and tail, and
  ``crawler.extraction.body.measure`` on a tree parsed at the page's start (the other passes
  ran since) and, as ``extract_bytes`` runs it, on a tree just parsed (the parse not counted):
  the two differ by where the tree's memory is, which the passes between move;
- selectolax's Lexbor parser (``selectolax.lexbor``), when it is installed (it is not a
  dependency of newsmon: ``pip install selectolax`` to include it): its parse, a pass over
  every node (``traverse(include_text=True)``: elements, text nodes and comments, as lxml's
  elements with their text and tails), the same reading each node's tag and each text
  node's text, and the page's whole text in C (``root.text()``).

Printed: the median over pages of each variant's time divided by lxml's parse. These are
floors, not a port: a ``measure`` written for Lexbor's nodes would add its counting to
the read pass as newsmon's adds it to lxml's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.extraction import load_pages
from crawler.extraction import article, body

try:
    from selectolax.lexbor import LexborHTMLParser
except ImportError:  # (not a dependency: the lxml rows are printed alone)
    LexborHTMLParser = None


def _lxml_pass(root: etree._Element) -> None:
    for _ in root.iter():
        pass


def _lxml_read(root: etree._Element) -> None:
    for el in root.iter():
        el.tag  # noqa: B018 (each read makes the Python objects a walk makes)
        el.text  # noqa: B018
        el.tail  # noqa: B018


def _lexbor_pass(tree: Any) -> None:
    for _ in tree.root.traverse(include_text=True):
        pass


def _lexbor_read(tree: Any) -> None:
    for node in tree.root.traverse(include_text=True):
        if node.tag == "-text":
            node.text_content  # noqa: B018


def _first_walk(data: bytes) -> float:
    """CPU seconds of ``measure``'s walk of a tree just parsed (the parse left out)."""
    root = etree.fromstring(data, article._parser())
    start = time.process_time()
    body.measure(root)
    return time.process_time() - start


def _variants(data: bytes, text: str) -> dict[str, Callable[[], object]]:
    """The passes to time; one that returns a float times itself (seconds)."""
    root = etree.fromstring(data, article._parser())
    found: dict[str, Callable[[], object]] = {
        "lxml: newsmon's parse (etree.fromstring)": partial(
            etree.fromstring, data, article._parser()
        ),
        "lxml: root.iter() over every node": partial(_lxml_pass, root),
        "lxml: root.iter() reading tag, text, tail": partial(_lxml_read, root),
        "lxml: body.measure, a tree parsed earlier": partial(body.measure, root),
        "lxml: body.measure, a tree just parsed": partial(_first_walk, data),
    }
    if LexborHTMLParser is not None:
        tree = LexborHTMLParser(text)
        found["lexbor: parse (from str)"] = partial(LexborHTMLParser, text)
        found["lexbor: parse (from UTF-8 bytes)"] = partial(LexborHTMLParser, data)
        found["lexbor: traverse() over every node"] = partial(_lexbor_pass, tree)
        found["lexbor: traverse() reading tags and texts"] = partial(_lexbor_read, tree)
        found["lexbor: root.text() (all text, in C)"] = partial(tree.root.text)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("tune", "check", "all"), default="tune")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    ratios: dict[str, list[float]] = {}
    pages = load_pages(args.part)
    for page in pages:
        text, encoding = article.decode_html(page.data)
        data = article._as_utf8(page.data, text, encoding)
        runs = {"lxml.html.fromstring (the unit)": partial(lxml.html.fromstring, page.data)}
        runs.update(_variants(data, text))
        best = dict.fromkeys(runs, float("inf"))
        for turn in range(args.repeat):
            for name in sorted(runs, reverse=bool(turn % 2)):  # alternated within the page
                start = time.process_time()
                took = runs[name]()
                if not isinstance(took, float):
                    took = time.process_time() - start
                best[name] = min(best[name], took)
        unit = best.pop("lxml.html.fromstring (the unit)")
        for name, took in best.items():
            ratios.setdefault(name, []).append(took / unit)
    print(f"part {args.part}, {len(pages)} pages, CPU time best of {args.repeat}, x lxml's parse")
    if LexborHTMLParser is None:
        print("(selectolax is not installed: lxml rows only)")
    print("| pass | median x lxml | quartiles |")
    print("|---|---:|---|")
    for name, values in ratios.items():
        q = statistics.quantiles(values, n=4)
        print(f"| {name} | {statistics.median(values):.3f} | {q[0]:.3f}–{q[2]:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
