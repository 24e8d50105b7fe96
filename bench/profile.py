"""Where the crawling process spends its time per page: a sampling profile of ``newsmon monitor``.

    python bench/profile.py [--articles 1000] [--page-kb 0] [--processes 0] [--rate 200]
                            [--raw FILE] [--code CHECKOUT]

Generates the sample portal as ``bench/crawl.py`` does, serves it the same way, and runs
``newsmon monitor`` on a fresh SQLite archive under py-spy (``pip install py-spy``: a
developer's tool, not a dependency of newsmon), which samples the crawling process's
threads ``--rate`` times a second and leaves out samples of a thread waiting (in
``epoll``, on a lock). Only the samples of the reactor thread inside the crawl are
counted; each is put in the first category of ``CATEGORIES`` one of whose markers appears
in its stack, and the table gives milliseconds of the reactor's busy time per page.

py-spy stops the process briefly for each sample, so a crawl runs ~1.3-1.5× slower under
it: compare shares, and ms/page of two profiles taken one after the other.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crawl import CONFIG, load, padded_site, start_server  # noqa: E402

#: (category, markers in a stack): the first category with a marker in the stack wins, so
#: newsmon's own stages come before the Scrapy and Twisted frames that call them.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("reprint SimHash and grouping", ("storage/search/reprints.py",)),
    ("search index pairs (document_grams)", ("storage/search/grams.py",)),
    ("store: insert, FTS, commit", ("save_articles", "save_entry")),
    ("store pipeline, validation", ("crawler/pipelines.py",)),
    ("extraction (decode, parse, extract, match)", ("extract_page", "extract_bytes")),
    ("compress (zstd)", ("compress (",)),
    ("extraction pool hand-over", ("ProcessPoolExecutor", "_ThreadWakeup", "multiprocessing/",
                                   "ExtractPool.")),
    ("listing pages (links, next page)", ("parse_listing",)),
    ("incremental: known URLs, validators", ("crawler/incremental.py",)),
    ("logging", ("logging/__init__", "logformatter")),
    ("stats", ("statscollectors",)),
    ("HTTP client (Twisted, Scrapy's handler)", ("_newclient", "tcp.py", "http11.py",
                                                 "endpoints.py", "abstract.py",
                                                 "callWithLogger")),
    ("scheduler, dupefilter", ("scheduler.py", "dupefilters", "fingerprint")),
    ("downloader middlewares", ("downloadermiddlewares", "core/downloader",
                                "crawler/middlewares.py")),
    ("spider middlewares", ("spidermiddlewares", "spidermw.py")),
    ("engine, scraper", ("scraper.py", "engine.py")),
]  # fmt: skip
OTHER = "other (asyncio, Deferreds, signals)"
REACTOR = "AsyncioSelectorReactor.run"


def categorise(raw: Path) -> tuple[collections.Counter[str], int]:
    """Samples per category of the reactor thread's stacks in py-spy's raw output; all samples."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        total += int(n)
        if REACTOR not in stack:
            continue
        name = next((c for c, marks in CATEGORIES if any(m in stack for m in marks)), OTHER)
        counts[name] += int(n)
    return counts, total


def profile(args: argparse.Namespace, raw: Path) -> dict[str, object]:
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="newsmon-profile-") as tmpdir:
        tmp = Path(tmpdir)
        tmp.chmod(0o755)
        proc, base = start_server(args.server, tmp / "site", tmp)
        try:
            padded_site(args.articles, args.page_kb).write(tmp / "site", base)
            config = tmp / "config.toml"
            config.write_text(CONFIG.format(base=base), encoding="utf-8")
            env = {**os.environ, "NEWSMON_HOME": str(tmp), "PYTHONPATH": str(args.code)}
            env["NEWSMON_EXTRACT_PROCESSES"] = str(args.processes)
            db = f"sqlite:///{tmp / 'profile.sqlite3'}"
            newsmon = [sys.executable, "-m", "newsmon.cli"]
            before = load()
            subprocess.run(
                [spy, "record", "-r", str(args.rate), "-f", "raw", "-o", str(raw), "--",
                 *newsmon, "monitor", "--config", str(config), "--db", db],
                env=env, check=True, cwd=args.code, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            out = subprocess.run(
                [*newsmon, "runs", "--limit", "1", "--format", "json", "--db", db],
                env=env, check=True, cwd=args.code, capture_output=True, text=True,
            ).stdout  # fmt: skip
        finally:
            proc.send_signal(signal.SIGTERM if args.server == "python" else signal.SIGQUIT)
            proc.wait(timeout=10)
    run = json.loads(out)[0]
    return {"responses": run["responses"], "load": before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--page-kb", type=int, default=0)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--rate", type=int, default=200, help="samples a second")
    parser.add_argument("--server", choices=["nginx", "python"], default="nginx")
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw samples here")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="profile newsmon from this checkout (before/after)"
    )
    args = parser.parse_args()
    if args.server == "nginx" and shutil.which("nginx") is None:
        args.server = "python"
    with tempfile.TemporaryDirectory() as keep:
        raw = args.raw or Path(keep) / "samples.txt"
        run = profile(args, raw)
        counts, total = categorise(raw)
    pages = int(str(run["responses"]))
    busy = sum(counts.values())
    print(
        f"# {args.articles} articles, {args.page_kb or 2} KB pages, {args.processes} extraction "
        f"processes: {pages} responses, {total} samples at {args.rate}/s, of which {busy} in "
        f"the crawl's reactor thread ({busy / args.rate:.2f} s busy); load {run['load']:.2f}\n"
    )
    print("| where | ms per page | share |")
    print("|---|---:|---:|")
    for name, n in counts.most_common():
        print(f"| {name} | {n / args.rate / pages * 1000:.2f} | {100 * n / busy:.0f}% |")
    print(f"| **reactor thread busy** | **{busy / args.rate / pages * 1000:.2f}** | 100% |")


if __name__ == "__main__":
    main()
