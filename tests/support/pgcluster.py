"""A PostgreSQL cluster of one test's own, on 127.0.0.1, that the test may stop and start again.

The shared server of scripts/test must not be stopped under the other tests, so the
tests of "the database went away mid-crawl" make their own with initdb (as the
``postgres`` user when run as root, as scripts/test does).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.ci import unavailable


def _pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[4]))
    for directory in reversed(candidates):
        if os.access(Path(directory) / "initdb", os.X_OK):
            return Path(directory)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PrivatePostgres:
    bin: Path
    root: Path
    port: int
    run_as: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def create(cls, root: Path) -> PrivatePostgres:
        """initdb and start; skip the test when PostgreSQL is not installed."""
        pg_bin = _pg_bin()
        if pg_bin is None:
            unavailable("PostgreSQL binaries (initdb) not found")
        root.mkdir(parents=True, exist_ok=True)
        run_as: list[str] = []
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root.
            shutil.chown(root, "postgres")
            os.chmod(root, 0o700)
            for parent in root.parents:  # the postgres user must be able to reach its folder
                if parent == Path("/"):
                    break
                os.chmod(parent, os.stat(parent).st_mode | 0o011)
            run_as = ["runuser", "-u", "postgres", "--"]
        server = cls(pg_bin, root, _free_port(), run_as)
        server._run(
            str(pg_bin / "initdb"), "-D", str(server.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        server.start()
        return server

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.run_as, *command], capture_output=True, text=True, cwd=self.root, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories= "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """Fast shutdown: open sessions are ended, as when a server is stopped or restarted."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
             "-w", "stop"],
            capture_output=True, cwd=self.root, check=False,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)
        if self.root.parent.name.startswith("newsmon-pg-"):
            shutil.rmtree(self.root.parent, ignore_errors=True)
