"""The worker process of the SQLite index build: it makes the articles' rows while the building
process inserts them into FTS5 (storage/search/build.py, "Two processes").

Run as ``python -m storage.search.build_worker`` by the build, never by hand. It reads its job
from stdin (a pickle: the archive's ``file:`` URI, read-only; the SQL of a row; the ranges of
ids), opens the archive with the connection settings and SQL functions of newsmon's own
connections, and writes to stdout, each message a pickle after its length: ``("ready", pid)``;
then it reads from stdin the id after which to start (the building process made the rows up to
it meanwhile), and writes for each range from there its rows by batches (``("rows", [(id, UTF-8
bytes), …])``) and ``("range", None)``; an error is ``("error", text)`` and the end of the
process. Its stdin and stdout are pipes to the building process: when that process ends
(killed, failed, or done without it), the next read or write fails and the worker ends too,
quietly.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sqlite3
import sys
from typing import IO, Any

from storage.bodies import register_functions as register_body_functions
from storage.db import SQLITE_BUSY_TIMEOUT, SQLITE_MMAP_BYTES
from storage.search.build import HEADER, batches
from storage.search.index import register_functions


def _send(out: IO[bytes], message: tuple[str, Any]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(HEADER.pack(len(data)))
    out.write(data)
    out.flush()


def work(job: dict[str, Any], source: IO[bytes], out: IO[bytes]) -> None:
    """Hand over the rows of ``job``'s ranges to ``out``, from the id read from ``source`` on."""
    db = sqlite3.connect(job["uri"], uri=True, timeout=SQLITE_BUSY_TIMEOUT, isolation_level=None)
    try:
        db.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        register_functions(db)
        register_body_functions(db)
        db.execute("SELECT 1 FROM articles LIMIT 1").fetchall()  # readable: else no start
        _send(out, ("ready", os.getpid()))
        after = pickle.load(source)
        for low, high in job["ranges"]:
            if high <= after:
                continue
            for batch in batches(db, job["rows"], max(low, after), high):
                _send(out, ("rows", batch))
            _send(out, ("range", None))
    finally:
        db.close()


def main() -> None:
    # Ctrl-C reaches the whole process group: the building process stops the build (and this
    # process); a traceback of this one would say nothing more
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print goes to stderr
    try:
        work(pickle.load(sys.stdin.buffer), sys.stdin.buffer, out)
        out.close()
    except (BrokenPipeError, EOFError):
        os._exit(1)  # the building process is gone: nothing to say, nobody to say it to
    except Exception as exc:  # the build fails with it
        with contextlib.suppress(BrokenPipeError):
            _send(out, ("error", f"{type(exc).__name__}: {exc}"))
        os._exit(1)


if __name__ == "__main__":
    main()
