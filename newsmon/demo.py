"""Serving a folder on 127.0.0.1 for ``newsmon demo`` (the sample portal of ``newsmon.sample_site``)."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

#: Fixed so that the demo's article URLs, and so its archive rows, stay the same between runs.
DEMO_PORT = 8765


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class DemoSite:
    """A folder served over HTTP from a background thread; binding happens in the constructor."""

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = DEMO_PORT) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = ThreadingHTTPServer((host, port), handler)  # OSError if the port is taken
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True, name="newsmon-demo-site"
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
