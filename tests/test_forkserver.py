"""The fork server of a crawl's processes, forked from the crawling process (crawler.forkserver):
only at a point where a fork is safe, and only for a crawl that starts processes.

The real crawls that use it are in tests/test_crawl_settings.py (what it forks, what a
no-change re-crawl starts, what the processes hold) and tests/test_extract_pool.py (a worker
that dies or hangs fails its page alone; the workers and the writer forked from it frozen).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Run in a child process (a test process has threads of its own): what :func:`unsafe` says
#: at each step, and whether :func:`start` forked.
_SCRIPT = """
import json, socket, sqlite3, sys, threading
import multiprocessing.forkserver as mp_forkserver
from crawler.forkserver import start, unsafe

ONE = {"NEWSMON_EXTRACT_PROCESSES": "1", "NEWSMON_STORE_PROCESS": "0"}
out = {"clean": unsafe()}
db = sqlite3.connect(sys.argv[1])
db.execute("create table t (x)")
out["sqlite"] = unsafe()
out["start with sqlite"] = start(ONE)
db.close()
with socket.socket() as s:
    out["socket"] = unsafe()
done = threading.Event()
thread = threading.Thread(target=done.wait)
thread.start()
out["thread"] = unsafe()
out["start with a thread"] = start(ONE)
done.set()
thread.join()
out["none"] = start({"NEWSMON_EXTRACT_PROCESSES": "0", "NEWSMON_STORE_PROCESS": "0"})
out["pid"] = mp_forkserver._forkserver._forkserver_pid
print(json.dumps(out))
"""


def test_no_fork_where_a_thread_runs_or_a_connection_is_open_nor_for_a_crawl_without_processes(
    tmp_path: Path,
) -> None:
    # SQLite's rule: no connection across a fork (the child's own connections would share the
    # inherited lock state); a thread's locks would be copied held. Then multiprocessing starts
    # its fork server as a new interpreter, as before (tests/test_extract_pool.py, "spawned").
    archive = tmp_path / "open.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(archive)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["clean"] is None, out
    assert str(archive) in out["sqlite"], out
    assert "socket:" in out["socket"], out
    assert "2 threads" in out["thread"], out
    assert out["start with sqlite"] is False
    assert out["start with a thread"] is False
    assert out["none"] is False  # no worker, no writer: nothing to fork
    assert out["pid"] is None  # nothing was forked


def test_no_fork_where_multiprocessings_fork_server_keeps_state_newsmon_does_not_set() -> None:
    # start() sets multiprocessing's private fork-server state itself; another Python's server
    # may keep more (an authentication key): then it is left to start its own interpreter.
    script = (
        "import multiprocessing.forkserver as mp_forkserver\n"
        "from crawler.forkserver import start\n"
        "ONE = {'NEWSMON_EXTRACT_PROCESSES': '1', 'NEWSMON_STORE_PROCESS': '0'}\n"
        "mp_forkserver._forkserver._forkserver_authkey = None\n"
        "print(start(ONE), mp_forkserver._forkserver._forkserver_pid)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "None"], result.stdout
