"""A crawled archive behind a real ``newsmon serve`` on 127.0.0.1, for the API and browser tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.cli import ROOT, newsmon, newsmon_json
from tests.support.archive_pages import (
    HOSTILE_PATH,
    ORIGINAL_PATH,
    SEED,
    SEED_PATH,
    hostile_page,
    original_page,
)
from tests.support.webserver import WebServer


@dataclass
class ServedArchive:
    """The server's base URL and the ids of the three crawled articles."""

    base_url: str
    db: str
    home: Path
    ids: dict[str, int] = field(default_factory=dict)
    stderr: list[str] = field(default_factory=list)

    def url(self, path: str, **params: Any) -> str:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def get(self, path: str, **params: Any) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of a GET; HTTP errors are answers too."""
        try:
            with urllib.request.urlopen(self.url(path, **params), timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, path: str, **params: Any) -> Any:
        status, _headers, body = self.get(path, **params)
        assert status == 200, body
        return json.loads(body)


def crawl_archive(web: WebServer, home: Path, db: str) -> dict[str, int]:
    """Serve and crawl the 新华日报 original, the portal's reprint and a hostile page into ``db``."""
    pages = {
        "original": web.add(ORIGINAL_PATH, original_page()),
        "reprint": web.add(SEED_PATH, SEED),
        "hostile": web.add(HOSTILE_PATH, hostile_page()),
    }
    result = newsmon("crawl", *pages.values(), home=home, db=db)
    assert result.returncode == 0, result.stderr
    return {
        name: newsmon_json("show", url, "--format", "json", home=home, db=db)["id"]
        for name, url in pages.items()
    }


class Server:
    """``newsmon serve --port 0`` in a child process; the port is read from its first line."""

    def __init__(self, db: str, home: Path, *args: str) -> None:
        env = {**os.environ, "NEWSMON_HOME": str(home)}
        env.pop("NEWSMON_DB_URL", None)
        env.pop("NEWSMON_CONFIG", None)
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsmon.cli", "serve", "--port", "0", "--db", db, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert self.proc.stderr is not None
        first = self.proc.stderr.readline()
        self.lines.append(first)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if not found:
            self.stop()
            raise RuntimeError(f"newsmon serve did not start: {first}{self.proc.stderr.read()}")
        self.base_url = f"http://127.0.0.1:{found.group(1)}"
        # Keep reading stderr so that the server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base_url + "/api/runs", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("newsmon serve does not answer") from None
                time.sleep(0.1)

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
