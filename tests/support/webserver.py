"""A real HTTP server on 127.0.0.1 that tests fill with pages, redirects and misbehaviour.

It speaks HTTP/1.1 with keep-alive, answers conditional GETs, and can be slow, trickle a
body or drop the connection mid-body. Any method is served (a POST to a route gets the
route's answer, and its body is recorded), so it doubles as a webhook sink. Routes match
the percent-decoded path, so Chinese paths work however the client encodes them.

    server = WebServer().start()
    server.add("/news/1.html", "<html>…</html>", etag="v1")
    url = server.url("/news/1.html")
    ...
    server.stop()
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

__all__ = ["Headers", "RecordedRequest", "Route", "WebServer"]

# Characters left as they are when a path with non-ASCII characters is turned into a URL.
_URL_SAFE = "/:@!$&'()*+,;=-._~?#[]%"


class Headers(Mapping[str, str]):
    """Request headers, looked up case-insensitively; a repeated header keeps its last value."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = list(items)
        self._by_name = {name.lower(): value for name, value in items}

    def __getitem__(self, name: str) -> str:
        return self._by_name[name.lower()]

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for name, _ in self._items:
            if name.lower() not in seen:
                seen.add(name.lower())
                yield name

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_name

    def get_all(self, name: str) -> list[str]:
        """Every value sent for ``name``, in order."""
        return [v for n, v in self._items if n.lower() == name.lower()]

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    """Percent-decoded path, with ``?query`` (also decoded) when there was one."""
    raw_path: str
    """The request target exactly as sent."""
    headers: Headers
    body: bytes = b""


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0
    etag: str | None = None
    last_modified: datetime | None = None
    trickle: int | None = None
    drop_after: int | None = None


def _split(target: str) -> tuple[str, str]:
    """Decoded (path, query) of a request target or of a path given to ``add``."""
    parts = urlsplit(target)
    path = unquote(parts.path, errors="surrogateescape") or "/"
    return path, unquote(parts.query, errors="surrogateescape")


def _key(target: str) -> str:
    path, query = _split(target)
    return f"{path}?{query}" if query else path


def _charset(content_type: str | None) -> str:
    if content_type:
        msg = Message()
        msg["content-type"] = content_type
        charset = msg.get_param("charset")
        if isinstance(charset, str):
            return charset
    return "utf-8"


def _etag(value: str) -> str:
    return value if value.startswith(('"', 'W/"')) else f'"{value}"'


def _http_date(value: datetime | str | float) -> datetime:
    if isinstance(value, str):
        return parsedate_to_datetime(value)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class WebServer:
    """Serves routes added by tests on ``http://127.0.0.1:<port>``; see the module doc."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._dirs: dict[str, tuple[Path, str | None]] = {}
        self._hits: Counter[str] = Counter()
        self._requests: list[RecordedRequest] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> WebServer:
        handler = type("Handler", (_Handler,), {"web": self})
        httpd = _Server((self._host, 0), handler)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"webserver-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` with no trailing slash."""
        return f"http://{self._host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path``; non-ASCII characters are percent-encoded as UTF-8."""
        if not path.startswith("/"):
            path = "/" + path
        return self.base_url + quote(path, safe=_URL_SAFE)

    # -- routes -----------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = "text/html; charset=utf-8",
        delay: float = 0,
        etag: str | None = None,
        last_modified: datetime | str | float | None = None,
        trickle: int | None = None,
        drop_after: int | None = None,
    ) -> str:
        """Serve ``body`` at ``path`` and return the route's URL; adding it again replaces it.

        ``path`` may carry a query: ``/list?page=2`` matches only that query, while ``/list``
        matches any query no route of its own claims. A ``str`` body is encoded with the
        charset of ``content_type`` (so ``charset=gbk`` sends GBK bytes). ``content_type=None``
        sends no Content-Type. ``delay`` seconds pass before the status line. ``etag`` (quoted
        if bare) and ``last_modified`` (datetime, HTTP date or epoch seconds) are sent, and a
        request carrying a matching If-None-Match / If-Modified-Since gets a 304.
        ``trickle`` sends the body at that many bytes per second; ``drop_after`` sends the
        full Content-Length but closes the connection after that many bytes of body.
        """
        if isinstance(body, str):
            body = body.encode(_charset(content_type))
        route = Route(
            body=body,
            status=status,
            headers=dict(headers or {}),
            content_type=content_type,
            delay=delay,
            etag=_etag(etag) if etag is not None else None,
            last_modified=_http_date(last_modified) if last_modified is not None else None,
            trickle=trickle,
            drop_after=drop_after,
        )
        with self._lock:
            self._routes[_key(path)] = route
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``to`` (a path on this server or any URL)."""
        location = to if "://" in to else self.url(to)
        return self.add(
            path,
            b"",
            status=status,
            headers={"Location": quote(location, safe=_URL_SAFE)},
            content_type=None,
        )

    def add_dir(
        self, prefix: str, directory: str | Path, *, content_type: str | None = None
    ) -> str:
        """Serve the files under ``directory`` at ``prefix``/relative path.

        Content-Type comes from the file name (with no charset, so an HTML page's own
        ``<meta charset>`` decides) unless ``content_type`` is given. A directory serves its
        ``index.html``. Routes added with ``add`` win over files.
        """
        prefix = "/" + _split(prefix)[0].strip("/")
        with self._lock:
            self._dirs[prefix.rstrip("/") or "/"] = (Path(directory).resolve(), content_type)
        return self.url(prefix.rstrip("/") + "/")

    def reset(self) -> None:
        """Forget all routes, directories, hit counts and recorded requests."""
        with self._lock:
            self._routes.clear()
            self._dirs.clear()
            self._hits.clear()
            self._requests.clear()

    def forget_hits(self) -> None:
        """Forget hit counts and recorded requests, keeping the routes."""
        with self._lock:
            self._hits.clear()
            self._requests.clear()

    # -- what happened ----------------------------------------------------------------------

    def hit_counts(self) -> dict[str, int]:
        """Requests received per path (without the query), since the last reset."""
        with self._lock:
            return {path: n for path, n in self._hits.items() if "?" not in path}

    def hits(self, path: str) -> int:
        """Requests received for ``path`` (any method, any outcome, 404s included).

        Without a query in ``path`` every query counts; with one, only that query.
        """
        with self._lock:
            return self._hits[_key(path)]

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the last reset, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """The recorded requests that ``hits(path)`` counts."""
        want_path, want_query = _split(path)
        found = []
        for req in self.requests:
            got_path, got_query = _split(req.raw_path)
            if got_path == want_path and (not want_query or got_query == want_query):
                found.append(req)
        return found

    # -- used by the handler ----------------------------------------------------------------

    def _record(self, req: RecordedRequest) -> None:
        path, query = _split(req.raw_path)
        with self._lock:
            self._requests.append(req)
            self._hits[path] += 1
            if query:
                self._hits[f"{path}?{query}"] += 1

    def _lookup(self, target: str) -> Route | None:
        path, query = _split(target)
        with self._lock:
            route = self._routes.get(f"{path}?{query}") if query else None
            route = route or self._routes.get(path)
            if route is not None:
                return route
            dirs = sorted(self._dirs.items(), key=lambda item: len(item[0]), reverse=True)
        for prefix, (root, content_type) in dirs:
            if prefix == "/":
                rel = path.lstrip("/")
            elif path == prefix or path.startswith(prefix + "/"):
                rel = path[len(prefix) :].lstrip("/")
            else:
                continue
            file = (root / rel).resolve()
            if not file.is_relative_to(root):
                return None
            if file.is_dir():
                file = file / "index.html"
            if file.is_file():
                ctype = content_type or mimetypes.guess_type(file.name)[0]
                return Route(
                    body=file.read_bytes(), content_type=ctype or "application/octet-stream"
                )
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Crawls with concurrency 32 open many connections at once; the default backlog is 5.
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    web: WebServer
    protocol_version = "HTTP/1.1"
    server_version = "newsmon-test"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # the tests read server.requests instead

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, query = _split(self.path)
        self.web._record(
            RecordedRequest(
                method=self.command,
                path=f"{path}?{query}" if query else path,
                raw_path=self.path,
                headers=Headers(list(self.headers.items())),
                body=body,
            )
        )
        route = self.web._lookup(self.path)
        if route is None:
            route = Route(body=b"not found\n", status=404, content_type="text/plain; charset=utf-8")
        if route.delay:
            time.sleep(route.delay)
        if self._not_modified(route):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(route)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return

        self.send_response(route.status)
        if route.content_type is not None:
            self.send_header("Content-Type", route.content_type)
        self._validators(route)
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(route.body)))
        if route.drop_after is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD" or route.status in (204, 304):
            return

        data = route.body
        if route.drop_after is not None:
            data = data[: route.drop_after]
            self.close_connection = True
        if route.trickle:
            # Ten small writes a second rather than one burst, so the rate is steady.
            step = max(1, route.trickle // 10)
            for start in range(0, len(data), step):
                time.sleep(step / route.trickle)
                self.wfile.write(data[start : start + step])
                self.wfile.flush()
        else:
            self.wfile.write(data)
        self.wfile.flush()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _validators(self, route: Route) -> None:
        if route.etag is not None:
            self.send_header("ETag", route.etag)
        if route.last_modified is not None:
            self.send_header("Last-Modified", format_datetime(route.last_modified, usegmt=True))

    def _not_modified(self, route: Route) -> bool:
        if route.status != 200 or self.command not in ("GET", "HEAD"):
            return False
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); weak comparison.
            if route.etag is None:
                return False
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or route.etag.removeprefix("W/") in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since and route.last_modified is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return route.last_modified.replace(microsecond=0) <= since
        return False
