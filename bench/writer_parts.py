"""Where the store's writer process spends its CPU in a real crawl, part by part.

    python bench/writer_parts.py [--articles 2000] [--rounds 1] [--code CHECKOUT]

Generates the sample portal and serves it as ``bench/crawl.py`` does, then runs ``newsmon
monitor`` with one extraction worker and the writer process (``NEWSMON_EXTRACT_PROCESSES=1
NEWSMON_STORE_PROCESS=1``). A ``sitecustomize`` put on the crawl's ``PYTHONPATH`` wraps, in the
crawling process and the fork server (so in the writer forked from them), the functions a batch
goes through with timers on the thread's CPU clock (``time.thread_time_ns``: a process waiting
for a core costs nothing), and the writer writes its totals after every batch. Printed: ms of CPU a stored
article by part — the URL keys, the content hash, the lookup of the site, the articles' INSERT
(with, inside it, the search index's row made by the trigger's Python function), the sections'
INSERT, the reprint fingerprints (with, inside, the SimHash itself), the matches, the rest of
the write (the lookup of stored URLs, the loop, the commit), and what the process spent
outside the batches (unpickling them, pickling the outcomes, its start). With ``--code`` and
``--rounds``, the checkouts are alternated (``--code`` may be given twice).

The timers cost ~1 µs a call (~10 calls an article): the parts, not their sum, are the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crawl import CONFIG, padded_site, start_server  # noqa: E402

#: Runs in every process of the crawl; acts in the crawling process (``python -m``), from which
#: the fork server is forked and the writer from it (since session 16), and in a fork server
#: started as a new interpreter (``python -c``, older checkouts), which imports the writer's code
#: and forks the writer. Only the writer writes its totals (the others store no batch).
SITECUSTOMIZE = """
import os, sys
_out = os.environ.get("NEWSMON_BENCH_WRITER_PARTS")
if _out and sys.argv and sys.argv[0] in ("-c", "-m"):
    import json, time
    totals = {}

    def timed(module, name):
        inner = getattr(module, name, None)
        if inner is None:
            return
        label = name

        def wrapper(*args, **kwargs):
            start = time.thread_time_ns()
            try:
                return inner(*args, **kwargs)
            finally:
                seen = totals.setdefault(label, [0, 0])
                seen[0] += time.thread_time_ns() - start
                seen[1] += 1

        setattr(module, name, wrapper)

    import crawler.store_writer as writer
    import storage.repository as repository
    import storage.search.index as index
    import storage.search.reprints as reprints

    for name in ("canonical_url", "content_hash", "get_or_create_site", "site_id_of",
                 "insert_articles",
                 "insert_sections", "fingerprint_articles", "_save_matches"):
        timed(repository, name)
    timed(reprints, "fingerprint")
    timed(index, "_row_of_stored")
    timed(writer, "write")
    inner = writer._write_here
    stored = [0]

    def write_here(batch, run_id):
        try:
            return inner(batch, run_id)
        finally:
            stored[0] += len(batch)
            with open(f"{_out}/writer-{os.getpid()}.json", "w") as f:
                json.dump({"articles": stored[0], "process": time.process_time(),
                           "parts": totals}, f)

    writer._write_here = write_here
"""

#: (label, part, the part it is inside)
PARTS = (
    ("URL keys (canonical_url)", "canonical_url", None),
    ("content hash", "content_hash", None),
    ("site lookup (get_or_create_site)", "get_or_create_site", None),
    ("site lookup (site_id_of)", "site_id_of", None),
    ("articles' INSERT", "insert_articles", None),
    ("… of which the index row (trigger's function)", "_row_of_stored", "insert_articles"),
    ("sections' INSERT", "insert_sections", None),
    ("reprint fingerprints and groups", "fingerprint_articles", None),
    ("… of which the SimHash", "fingerprint", "fingerprint_articles"),
    ("matches", "_save_matches", None),
)


def crawl(code: Path, n: int) -> dict[str, float]:
    """One crawl of the portal with ``code``; ms of the writer's CPU an article, by part."""
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as name:
        tmp = Path(name)
        tmp.chmod(0o755)  # nginx's workers run as another user
        (tmp / "sc").mkdir()
        (tmp / "sc" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        proc, base = start_server("nginx", tmp / "site", tmp)
        try:
            padded_site(n, 0).write(tmp / "site", base)
            (tmp / "config.toml").write_text(CONFIG.format(base=base), encoding="utf-8")
            env = {
                **os.environ,
                "NEWSMON_HOME": str(tmp),
                "PYTHONPATH": f"{tmp / 'sc'}:{code}",
                "NEWSMON_EXTRACT_PROCESSES": "1",
                "NEWSMON_STORE_PROCESS": "1",
                "NEWSMON_BENCH_WRITER_PARTS": str(tmp),
            }
            command = [sys.executable, "-m", "newsmon.cli", "monitor"]
            db = f"sqlite:///{tmp / 'archive.sqlite3'}"
            subprocess.run(
                [*command, "--config", str(tmp / "config.toml"), "--db", db],
                env=env,
                cwd=code,
                check=True,
                capture_output=True,
            )
        finally:
            proc.send_signal(signal.SIGQUIT)
            proc.wait(timeout=10)
        (found,) = tmp.glob("writer-*.json")
        seen = json.loads(found.read_text(encoding="utf-8"))
    articles = seen["articles"]
    parts = {k: v[0] / 1e6 / articles for k, v in seen["parts"].items()}
    top = sum(v for k, v in parts.items() if any(k == p and not inside for _, p, inside in PARTS))
    parts["rest of the write (lookup, loop, commit)"] = parts.get("write", 0.0) - top
    parts["outside the batches (pickles, start)"] = seen["process"] * 1000 / articles - parts.get(
        "write", 0.0
    )
    parts["the writer, all"] = seen["process"] * 1000 / articles
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--code", type=Path, action="append", help="checkouts to alternate")
    args = parser.parse_args()
    codes = [c.resolve() for c in args.code or [ROOT]]
    runs: dict[Path, list[dict[str, float]]] = {c: [] for c in codes}
    for round_ in range(args.rounds):
        for code in codes if round_ % 2 == 0 else codes[::-1]:
            load = os.getloadavg()[0]
            runs[code].append(crawl(code, args.articles))
            total = runs[code][-1]["the writer, all"]
            print(f"# round {round_ + 1} {code}: {total:.3f} ms, load {load:.1f}", file=sys.stderr)
    labels = [(label, part) for label, part, _ in PARTS] + [
        (k, k)
        for k in (
            "rest of the write (lookup, loop, commit)",
            "outside the batches (pickles, start)",
            "the writer, all",
        )
    ]
    print(f"\n{args.articles} articles, ms of the writer's CPU a stored article, medians:\n")
    print("| part | " + " | ".join(str(c) for c in codes) + " |")
    print("|---|" + "---:|" * len(codes))
    for label, part in labels:
        cells = [statistics.median(r.get(part, 0.0) for r in runs[c]) for c in codes]
        print(f"| {label} | " + " | ".join(f"{v:.3f}" for v in cells) + " |")


if __name__ == "__main__":
    main()
