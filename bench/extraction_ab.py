"""This checkout's extraction against another checkout's, alternated page by page in one process.

    .venv/bin/python bench/extraction_ab.py --base ../other-checkout [--part tune|check|all]
        [--rounds 8] [--function body.measure | --stage body_blocks]

Both versions of ``crawler.extraction`` are imported into the same process (the other one
first, under the same names, then set aside), so that the two run on the same pages under
the same load, in turn, several rounds (``--rounds``, the order swapped every round), and
each keeps its best CPU time per page. Without ``--function`` the whole ``extract_bytes`` is
timed; with ``--function module.name`` (a function of ``crawler.extraction.<module>`` taking
the parsed tree, such as ``body.measure`` or ``body.find_body_container``) that function alone,
on a freshly parsed tree each time. With ``--stage name`` (a function ``article.py`` calls by
that name, such as ``body_blocks`` or ``find_headline``; ``bench/extraction_stages.py`` lists
them) the whole ``extract_bytes`` runs and that stage's CPU time inside it is what is kept:
a stage that needs the page's other stages' results is timed where it runs. Printed: each version's median over pages of its time
divided by ``lxml.html.fromstring``'s (x lxml) and its median time, then the median and
quartiles over pages of this checkout's time divided by the other's, and the ratio of the
two versions' total time over all pages (what a crawl's CPU follows: a few slow pages weigh).
Under load on a shared machine these paired ratios are steadier than two runs of
``bench/extraction.py``. Each run starts with the version's kept answers emptied
(``bench.extraction.forget``), or the best of three would be a run that found the page's
answers from the one before.

A best time per page leaves out the garbage collector: a run the collector interrupted is
not the best, and what a version leaves for the collector (a reference cycle holding the
page's tree) is freed in some later run, the other version's too. ``--passes N`` times what
a crawl spends instead: each version reads every page once in turn, then collects the
garbage, all of it timed (process CPU time, the collector running as it does by default); N
passes each, the order swapped every pass; printed, each version's median pass and the
median over passes of this / base.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
_spent: list[float] = []  # CPU times of --function's calls, or of --stage's in one page


def _import_extraction(root: Path) -> dict[str, Any]:
    """``crawler.extraction`` of the checkout at ``root``, its modules by name; sys.modules left clean."""
    for name in [n for n in sys.modules if n == "crawler" or n.startswith("crawler.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module("crawler.extraction")
        modules = {
            name.removeprefix("crawler.extraction."): module
            for name, module in sys.modules.items()
            if name.startswith("crawler.extraction.")
        }
        modules[""] = package
    finally:
        sys.path.remove(str(root))
    for name in [n for n in sys.modules if n == "crawler" or n.startswith("crawler.")]:
        del sys.modules[name]
    return modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout's root")
    parser.add_argument("--part", choices=("tune", "check", "all"), default="tune")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--function", help="module.name in crawler.extraction, e.g. body.measure")
    parser.add_argument(
        "--stage", help="a name article.py calls, e.g. body_blocks: its CPU inside extract_bytes"
    )
    parser.add_argument(
        "--passes",
        type=int,
        help="time whole passes over the pages, garbage collection included (not best per page)",
    )
    args = parser.parse_args(argv)
    if args.passes and (args.function or args.stage):
        parser.error("--passes times the whole extract_bytes")
    if args.function and args.stage:
        parser.error("--function and --stage are exclusive")
    if not (args.base / "crawler" / "extraction" / "__init__.py").exists():
        parser.error(f"{args.base} holds no crawler/extraction package")

    versions = {"base": _import_extraction(args.base.resolve()), "this": _import_extraction(ROOT)}
    sys.path.insert(0, str(ROOT))
    # this checkout's pages and split
    from bench.extraction import best_seconds, forget, kept_answers, load_pages
    from bench.extraction_stages import _counted
    from bench.extraction_stages import _spent as stage_spent

    if args.stage:
        for modules in versions.values():
            if not hasattr(modules["article"], args.stage):
                parser.error(f"article.py calls no {args.stage}")
            func = getattr(modules["article"], args.stage)
            setattr(modules["article"], args.stage, _counted(args.stage, func))

    pages = load_pages(args.part)
    if args.passes:
        return _passes(versions, pages, args.passes, args.part)
    times: dict[str, dict[str, float]] = {name: {} for name in versions}
    units: dict[str, float] = {}
    for page in pages:
        units[page.key] = best_seconds(
            partial(lxml.html.fromstring, page.data), 9, time.process_time
        )
        runs: dict[str, Callable[[], Any]] = {}
        for name, modules in versions.items():
            article = modules["article"]
            answers = kept_answers(modules.values())
            if args.function:
                module, _, func_name = args.function.rpartition(".")
                func = getattr(modules[module], func_name)
                text, encoding = article.decode_html(page.data)
                data = article._as_utf8(page.data, text, encoding)

                def one(
                    func: Callable[..., Any] = func,
                    data: bytes = data,
                    art: Any = article,
                    answers: list[Any] = answers,
                ) -> None:
                    forget(answers)
                    root = etree.fromstring(data, art._parser())
                    start = time.process_time()
                    func(root)
                    _spent.append(time.process_time() - start)

                runs[name] = one
            else:

                def whole(
                    art: Any = article,
                    error: Any = modules[""].ExtractionError,
                    page: Any = page,
                    answers: list[Any] = answers,
                ) -> None:
                    forget(answers)  # (each run as a page's first: no answers from the last)
                    stage_spent.clear()
                    with contextlib.suppress(error):
                        art.extract_bytes(page.data, fetched_at=page.fetched_at)
                    _spent.append(stage_spent.get(args.stage, 0.0))

                runs[name] = whole
        for turn in range(args.rounds):
            for name in sorted(versions, reverse=bool(turn % 2)):
                if args.function or args.stage:
                    _spent.clear()
                    for _ in range(3):
                        runs[name]()
                    took = min(_spent)
                else:
                    took = best_seconds(runs[name], 3, time.process_time)
                times[name][page.key] = min(times[name].get(page.key, float("inf")), took)

    what = args.function or (
        f"{args.stage} inside extract_bytes" if args.stage else "extract_bytes"
    )
    print(f"{what}, part {args.part}, {len(pages)} pages, {args.rounds} rounds, CPU time")
    for name in versions:
        ratio = statistics.median(times[name][k] / units[k] for k in units)
        ms = 1000 * statistics.median(times[name].values())
        print(f"{name:5s} x lxml {ratio:.3f}  ms {ms:.3f}")
    # (a page that never reaches --stage's function, both times zero, is left out of the pairs)
    paired = [times["this"][k] / times["base"][k] for k in units if times["base"][k] > 0]
    quartiles = ", ".join(f"{q:.3f}" for q in statistics.quantiles(paired, n=4))
    print(f"this / base per page: median {statistics.median(paired):.3f} (quartiles {quartiles})")
    # what a crawl's throughput follows: the pages' total, where a few slow pages weigh
    total = {name: sum(times[name].values()) for name in versions}
    print(f"this / base, all pages' total time: {total['this'] / total['base']:.3f}")
    return 0


def _passes(versions: dict[str, dict[str, Any]], pages: list[Any], passes: int, part: str) -> int:
    """``--passes``: each version's CPU time for reading every page once and collecting the
    garbage left, the versions in turn; the median pass of each and of this / base."""
    from bench.extraction import forget, kept_answers

    def one_pass(modules: dict[str, Any]) -> float:
        article, error = modules["article"], modules[""].ExtractionError
        answers = kept_answers(modules.values())
        start = time.process_time()
        for page in pages:
            forget(answers)
            with contextlib.suppress(error):
                article.extract_bytes(page.data, fetched_at=page.fetched_at)
        gc.collect()  # what this version left for the collector, in its own time
        return time.process_time() - start

    for modules in versions.values():
        one_pass(modules)  # (tables built on first use, caches of the process warmed)
    took: dict[str, list[float]] = {name: [] for name in versions}
    for turn in range(passes):
        for name in sorted(versions, reverse=bool(turn % 2)):
            took[name].append(one_pass(versions[name]))
    print(f"extract_bytes, part {part}, {len(pages)} pages, {passes} whole passes, CPU time")
    for name in versions:
        print(f"{name:5s} s a pass, median {statistics.median(took[name]):.3f}")
    ratios = [t / b for t, b in zip(took["this"], took["base"], strict=True)]
    print(
        f"this / base by pass: median {statistics.median(ratios):.3f}"
        f" (range {min(ratios):.3f}-{max(ratios):.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
