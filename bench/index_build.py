"""SQLite index build benchmark: the time to index an archive's articles, against loading them.

``--load N FILE`` stores N generated articles (bench/query.py's ``generate`` and ``_flush``: the
store path's statements, no index) and prints the seconds it took; ``--build FILE`` copies such
an archive and times ``install_search`` on the copy (what ``newsmon db upgrade``, ``reindex`` and
the first open do): elapsed ms an article, this process's CPU, the CPU of the worker process
that makes the rows meanwhile (``NEWSMON_BUILD_PROCESSES``: by default one on two cores or more;
0 for none), the time this process waited for a CPU (the machine's other work, from
/proc/self/schedstat) and the rest (waiting for the disk or for the worker), and the CPU this
process spent in the Python function that makes an article's index row (0 when the worker makes
them). ``--code DIR`` runs another checkout's storage (e.g. a worktree of an earlier commit) on
the same archive. ``--postings`` also prints how many (token, article, position) entries the
index holds and a SHA-256 over them in order, to compare two builds of one archive; ``--keep
FILE`` keeps the built copy there (e.g. for ``bench/query.py --reuse --sqlite FILE``).

    PYTHONPATH=$PWD .venv/bin/python bench/index_build.py --load 100000 /tmp/t100k.sqlite3
    PYTHONPATH=$PWD .venv/bin/python bench/index_build.py --build /tmp/t100k.sqlite3
    PYTHONPATH=$PWD .venv/bin/python bench/index_build.py --build /tmp/t100k.sqlite3 --code /tmp/base
    NEWSMON_BUILD_PROCESSES=0 PYTHONPATH=$PWD .venv/bin/python bench/index_build.py --build /tmp/t100k.sqlite3
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _waited() -> float:
    """Seconds this process has waited for a CPU (Linux; 0 elsewhere)."""
    try:
        return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def load(n: int, path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import query  # bench/query.py of the checkout this script is in

    from storage import Base, make_engine

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    began, cpu = time.perf_counter(), time.process_time()
    Base.metadata.create_all(engine)
    query.load_articles(engine, n)
    spent, cpu = time.perf_counter() - began, time.process_time() - cpu
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    print(
        f"loaded {n:,} articles in {spent:.1f} s, {spent * 1000 / n:.3f} ms an article "
        f"(CPU {cpu * 1000 / n:.3f}); load average {_load_average()}"
    )


def _children_cpu() -> float:
    """CPU seconds of this process's ended child processes (the build's worker)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _postings(engine: Any) -> str:
    """How many (token, article, position) entries the index holds, and a SHA-256 over them."""
    digest, count = hashlib.sha256(), 0
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, articles_grams, 'instance')"
        )
        rows = conn.exec_driver_sql("SELECT term, doc, offset FROM temp.v ORDER BY 1, 2, 3")
        for term, doc, offset in rows:
            digest.update(f"{term}\t{doc}\t{offset}\n".encode())
            count += 1
    return f"postings: {count:,} entries, SHA-256 {digest.hexdigest()}"


def build(source: Path, postings: bool = False, keep: Path | None = None) -> None:
    from storage import make_engine
    from storage.search import index, install_search  # of --code's checkout, if given

    copy = source.with_name(source.stem + "-build" + source.suffix)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, copy)
    in_rows = [0.0]
    # versions before the pairs (the trigram index) have no such function: 0
    make_row = getattr(index, "_row_of_stored", None)

    def timed_row(*args: Any) -> str:
        began = time.process_time()
        try:
            return make_row(*args)  # type: ignore[misc]
        finally:
            in_rows[0] += time.process_time() - began

    if make_row is not None:
        index._row_of_stored = timed_row  # type: ignore[assignment]  # registered at connect
    engine = make_engine(f"sqlite:///{copy}")
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM articles").scalar() or 1
    waited, children = _waited(), _children_cpu()
    began, cpu = time.perf_counter(), time.process_time()
    install_search(engine)
    spent, cpu = time.perf_counter() - began, time.process_time() - cpu
    waited, children = _waited() - waited, _children_cpu() - children
    checked = _postings(engine) if postings else ""
    if keep is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        if keep is not None and not suffix:
            copy.replace(keep)
        Path(f"{copy}{suffix}").unlink(missing_ok=True)

    def per(seconds: float) -> str:
        return f"{seconds * 1000 / n:.3f}"

    print(
        f"indexed {n:,} articles in {spent:.1f} s, {per(spent)} ms an article: CPU {per(cpu)} "
        f"(rows made in Python {per(in_rows[0])}, the rest SQLite's {per(cpu - in_rows[0])}), "
        f"worker CPU {per(children)}, all processes' CPU {per(cpu + children)}, "
        f"waiting for a CPU {per(waited)}, other {per(spent - cpu - waited)}; "
        f"load average {_load_average()}"
    )
    if checked:
        print(checked)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--load", type=int, metavar="N", help="store N generated articles")
    parser.add_argument("--build", action="store_true", help="time the index build of a copy")
    parser.add_argument("archive", type=Path, help="the SQLite file")
    parser.add_argument(
        "--code", type=Path, help="with --build: the checkout whose storage builds the index"
    )
    parser.add_argument(
        "--postings", action="store_true", help="with --build: count and hash the postings"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="FILE", help="with --build: keep the built copy as FILE"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.code or ROOT))
    if args.code:
        # the worker process is a ``python -m`` run, whose modules come from its working
        # directory first: that checkout's, not this one's
        args.archive = args.archive.resolve()
        args.keep = args.keep and args.keep.resolve()
        os.chdir(args.code)
    if args.load:
        load(args.load, args.archive)
    if args.build:
        build(args.archive, args.postings, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
