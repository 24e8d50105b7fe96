"""``newsmon serve``: the JSON API (with its OpenAPI document) and the server-rendered pages.

Everything shown comes from scraped pages, so it is untrusted: templates autoescape,
highlighting is done by the template over plain-text runs (never by building HTML
in Python), and every page is sent with a Content-Security-Policy that allows no
script at all.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.config import Config
from newsmon import __version__
from newsmon.dates import parse_day
from newsmon.web.crawl_routes import add_crawl_routes
from newsmon.web.crawls import WebCrawls
from newsmon.web.pages import render
from newsmon.web.report_routes import add_report_routes
from newsmon.web.schemas import ArticleDetail, ArticleList, Counts, Problem, RunList
from storage.records import article_record, run_record
from storage.repository import get_article, list_runs
from storage.search import (
    ArticleQuery,
    count_by,
    highlight,
    reprint_groups,
    reprint_info,
    search_articles,
    snippet,
)

#: The page size of the web page; the API takes ``limit`` up to MAX_LIMIT.
PAGE_SIZE = 20
MAX_LIMIT = 200

SECURITY_HEADERS = {
    # No script may run, inline or not: scraped text that slipped through would stay inert.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# The search filters every search endpoint takes (documented in the OpenAPI schema).
Text = Annotated[
    str | None, Query(description="text in title or body; space-separated terms all must occur")
]
City = Annotated[str | None, Query(description="a section is about this city, e.g. 无锡")]
District = Annotated[str | None, Query(description="a section is about this district, e.g. 宜兴")]
Source = Annotated[str | None, Query(description="credited outlet, e.g. 新华日报")]
SiteQ = Annotated[str | None, Query(description="site name or configured profile name")]
Keyword = Annotated[str | None, Query(description="matched this configured keyword")]
Since = Annotated[
    str | None, Query(description="published on or after: YYYY-MM-DD or ISO 8601 time")
]
Until = Annotated[
    str | None, Query(description="published on or before: YYYY-MM-DD (inclusive) or ISO time")
]
Unique = Annotated[bool, Query(description="one article per reprint group (the earliest)")]


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """The search filters of a request, as given (blank or missing: no filter)."""

    q: str | None = None
    city: str | None = None
    district: str | None = None
    source: str | None = None
    site: str | None = None
    keyword: str | None = None
    since: str | None = None
    until: str | None = None
    unique: bool = False

    def query(self, sort: str = "time", limit: int = PAGE_SIZE, offset: int = 0) -> ArticleQuery:
        """The archive query; a bad ``since``/``until`` is a 400."""
        text = _none_if_blank(self.q)
        return ArticleQuery(
            text=text,
            city=_none_if_blank(self.city),
            district=_none_if_blank(self.district),
            source=_none_if_blank(self.source),
            site=_none_if_blank(self.site),
            keyword=_none_if_blank(self.keyword),
            since=_moment(self.since, "since"),
            until=_moment(self.until, "until", end=True),
            sort="relevance" if sort == "relevance" and text else "time",
            unique=self.unique,
            limit=limit,
            offset=offset,
        )

    def form(self) -> dict[str, str]:
        """The text fields of the search form, filled in ("" for none)."""
        names = ("q", "city", "district", "source", "site", "keyword", "since", "until")
        return {name: getattr(self, name) or "" for name in names}


def search_filters(
    q: Text = None,
    city: City = None,
    district: District = None,
    source: Source = None,
    site: SiteQ = None,
    keyword: Keyword = None,
    since: Since = None,
    until: Until = None,
    unique: Unique = False,
) -> SearchFilters:
    """FastAPI dependency: the search filters from the query string."""
    return SearchFilters(q, city, district, source, site, keyword, since, until, unique)


Filters = Annotated[SearchFilters, Depends(search_filters)]


# --------------------------------------------------------------------------- helpers


def _moment(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        return parse_day(value, end=end)
    except argparse.ArgumentTypeError as exc:
        raise HTTPException(400, f"{name}: {exc}") from None


def _none_if_blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


class Archive:
    """The database behind the app. Reprint groups are kept where articles are stored, so a
    request never waits for them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session


def _item(record: dict[str, Any], terms: list[str]) -> dict[str, Any]:
    """What the results list shows of one article: highlighted runs, never HTML."""
    href = f"/articles/{record['id']}"
    if terms:
        href += "?" + urlencode({"q": " ".join(terms)})
    return {
        "id": record["id"],
        "title": highlight(record["title"], terms),
        "snippet": highlight(snippet(record["body"], terms), terms),
        "published_at": (record["published_at"] or "")[:16].replace("T", " "),
        "source": record["source"],
        "site_name": record["site_name"],
        "cities": list(dict.fromkeys(s["city"] for s in record["sections"] if s["city"])),
        "href": href,
    }


def _bars(counts: list[tuple[str | None, int]], width: int = 360) -> list[dict[str, Any]]:
    """Bar geometry for the inline SVG charts."""
    top = max((n for _k, n in counts), default=0) or 1
    return [
        {"label": k or "—", "count": n, "width": max(2, round(width * n / top))} for k, n in counts
    ]


# --------------------------------------------------------------------------- the app


def create_app(engine: Engine, crawls: WebCrawls | None = None) -> FastAPI:
    """The ASGI app over the archive at ``engine`` (schema and index already created).

    ``crawls`` starts crawls from the web (``[web] token``); without it those endpoints are off.
    """
    archive = Archive(engine)
    web = crawls or WebCrawls(Config(), "", engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        web.shutdown()  # crawls started from here stop with the server (their runs say so)

    app = FastAPI(
        lifespan=lifespan,
        title="newsmon",
        version=__version__,
        description=(
            "Search the newsmon archive of Chinese regional news. Text search finds "
            "substrings (营商环境 inside unsegmented text); all filters combine with AND. "
            "Times are ISO 8601; dates are days in Asia/Shanghai."
        ),
        # Swagger UI and ReDoc load their scripts from a CDN: the page stays self-contained,
        # and the machine-readable document is at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get(
        "/api/articles",
        response_model=ArticleList,
        responses={400: {"model": Problem}},
        tags=["articles"],
        summary="Search articles",
    )
    def api_articles(
        filters: Filters,
        sort: Annotated[Literal["time", "relevance"], Query()] = "time",
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_SIZE,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        query = filters.query(sort, limit, offset)
        with archive.read() as session:
            page = search_articles(session, query)
            groups = reprint_groups(session, [a.id for a in page.articles])
            results = [{**article_record(a), "reprint_group": groups[a.id]} for a in page.articles]
        return {
            "total": page.total,
            "total_exact": page.exact,
            "limit": limit,
            "offset": offset,
            "results": results,
        }

    @app.get(
        "/api/articles/{article_id}",
        response_model=ArticleDetail,
        responses={404: {"model": Problem}},
        tags=["articles"],
        summary="One article with its sections and reprints",
    )
    def api_article(article_id: int) -> dict[str, Any]:
        with archive.read() as session:
            row = get_article(session, article_id)
            if row is None:
                raise HTTPException(404, f"no article {article_id}")
            return {**article_record(row), **reprint_info(session, row.id)}

    @app.get(
        "/api/counts",
        response_model=Counts,
        responses={400: {"model": Problem}},
        tags=["articles"],
        summary="Counts of matching articles per city, day, source or site",
    )
    def api_counts(
        by: Annotated[Literal["city", "day", "source", "site"], Query()], filters: Filters
    ) -> dict[str, Any]:
        query = filters.query()
        with archive.read() as session:
            counts = count_by(session, query, by)
        return {"by": by, "counts": [{"key": k, "count": n} for k, n in counts]}

    @app.get("/api/runs", response_model=RunList, tags=["runs"], summary="Crawl runs, newest first")
    def api_runs(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20) -> dict[str, Any]:
        with archive.sessions() as session:
            return {"results": [run_record(r) for r in list_runs(session, limit)]}

    # -- pages ------------------------------------------------------------------------------

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(name, **context), status_code=status)

    @app.exception_handler(HTTPException)
    async def _errors(request: Request, exc: HTTPException) -> Any:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return page("error.html", status=exc.status_code, message=str(exc.detail))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        filters: Filters,
        sort: Literal["time", "relevance"] = "time",
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> HTMLResponse:
        form = {**filters.form(), "sort": sort, "unique": filters.unique}
        query = filters.query(sort, PAGE_SIZE, offset)
        terms = query.terms()
        with archive.read() as session:
            found = search_articles(session, query)
            per_day = count_by(session, query, "day")[-31:]
            per_city = count_by(session, query, "city")[:15]
            items = [_item(article_record(a), terms) for a in found.articles]
        kept = {k: v for k, v in form.items() if v not in ("", False, "time")}

        def link(new_offset: int) -> str:
            return "/?" + urlencode({**kept, "offset": new_offset})

        return page(
            "search.html",
            form=form,
            total=found.total,
            total_text=found.total_text(),
            items=items,
            first=offset + 1,
            last=offset + len(items),
            prev_url=link(max(offset - PAGE_SIZE, 0)) if offset > 0 else None,
            next_url=link(offset + PAGE_SIZE) if offset + len(items) < found.total else None,
            per_day=_bars(per_day),
            per_city=_bars(per_city),
            searched=bool(kept),
        )

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: int, q: str | None = None) -> HTMLResponse:
        terms = (q or "").split()
        with archive.read() as session:
            row = get_article(session, article_id)
            if row is None:
                raise HTTPException(404, f"no article {article_id}")
            record = {**article_record(row), **reprint_info(session, row.id)}
        by_city: dict[str, list[dict[str, Any]]] = {}
        for s in record["sections"]:
            by_city.setdefault(s["city"] or "其他", []).append(
                {**s, "text": highlight(s["text"], terms)}
            )
        return page(
            "article.html",
            a=record,
            title=highlight(record["title"], terms),
            paragraphs=[highlight(p, terms) for p in record["body"].split("\n") if p.strip()],
            by_city=by_city,
            q=q or "",
        )

    @app.get("/runs", response_class=HTMLResponse, include_in_schema=False)
    def runs_page(started: int | None = None) -> HTMLResponse:
        with archive.sessions() as session:
            runs = [run_record(r) for r in list_runs(session, 100)]
        jobs = web.jobs()
        return page(
            "runs.html",
            runs=runs,
            web={"enabled": web.enabled, "sites": web.sites(), "jobs": jobs, "started": started},
            # A plain refresh (no script) while something runs: the counts move on their own.
            refresh=any(r["status"] == "running" for r in runs)
            or any(j["status"] == "running" for j in jobs),
        )

    add_report_routes(app, archive)
    add_crawl_routes(app, web)
    return app


# --------------------------------------------------------------------------- serving


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    engine: Engine,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    config: Config | None = None,
    db_url: str = "",
) -> None:
    """Serve the app until interrupted; says the bound address on stderr once listening.

    With a ``[web] token`` in ``config``, crawls can be started from the web (into ``db_url``).
    """
    import uvicorn

    crawls = WebCrawls(config or Config(), db_url, engine)
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"newsmon: serving http://{shown}:{bound}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
    # newsmon's own log (refused requests, the crawls started from the web) on stderr.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    newsmon_log = logging.getLogger("newsmon")
    newsmon_log.addHandler(handler)
    newsmon_log.setLevel(logging.INFO)
    if crawls.enabled:
        print(
            f"newsmon: crawls from the web on (up to {crawls.limit} at once)",
            file=sys.stderr,
            flush=True,
        )
    server_config = uvicorn.Config(
        create_app(engine, crawls), log_level="warning", access_log=False, server_header=False
    )
    uvicorn.Server(server_config).run(sockets=[sock])
