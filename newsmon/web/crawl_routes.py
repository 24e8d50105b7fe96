"""The routes that start crawls (``[web] token``): ``POST /api/crawl``, ``POST /api/sites/{name}/run``,
``GET /api/crawls`` and the runs page's two forms (``POST /runs/crawl``, ``POST /runs/site``).

The API takes the token as ``Authorization: Bearer TOKEN``; the forms post it as the field
``token``. The order of the answers: no token configured, 404 (the endpoints are off); a
missing or wrong token, 401 (logged with the client's address, never with what it sent);
then 400 for a bad body, 404 for an unknown site, 429 beyond ``[web] max_crawls``, 409
for a site whose lease another process holds; else 202 and the job.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from newsmon.web.crawls import DISABLED, WebCrawlError, WebCrawls
from newsmon.web.schemas import CrawlJob, CrawlJobList, CrawlRequest, Problem

logger = logging.getLogger("newsmon.web")

#: The largest request body read (a form or JSON list of URLs).
MAX_BODY = 256 * 1024

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 401, 404, 409, 413, 429)
}
_BODY_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": CrawlRequest.model_json_schema()}},
    }
}


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _guard(crawls: WebCrawls, request: Request, given: str | None) -> None:
    """404 when off; 401 (logged without the token) when it is missing or wrong."""
    if not crawls.enabled:
        raise HTTPException(404, DISABLED)
    if crawls.authorised(given):
        return
    why = "no token" if not given else "a wrong token"
    client = request.client.host if request.client else "?"
    logger.warning("refused %s %s from %s: %s", request.method, request.url.path, client, why)
    raise HTTPException(
        401, f"{why}: give the [web] token", headers={"WWW-Authenticate": 'Bearer realm="newsmon"'}
    )


async def _body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"the request body is over {MAX_BODY // 1024} KiB")
    return body


def _started(job: Any) -> JSONResponse:
    return JSONResponse(job.record(), status_code=202, headers={"Location": "/api/crawls"})


def add_crawl_routes(app: FastAPI, crawls: WebCrawls) -> None:
    """Add the crawl-starting routes over ``crawls`` to ``app``."""

    async def start(kind: str, arg: Any) -> Any:
        method = crawls.start_urls if kind == "urls" else crawls.start_site
        try:
            return await run_in_threadpool(method, arg)
        except WebCrawlError as exc:
            raise HTTPException(exc.status, exc.message) from None

    @app.post(
        "/api/crawl",
        status_code=202,
        response_model=CrawlJob,
        responses=_ERRORS,
        openapi_extra=_BODY_SCHEMA,
        tags=["crawls"],
        summary="Crawl these URLs now (needs the [web] token as a Bearer token)",
    )
    async def api_crawl(request: Request) -> Any:
        _guard(crawls, request, _bearer(request))
        try:
            body = CrawlRequest.model_validate_json(await _body(request))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise HTTPException(
                400, f'{where}: {first["msg"]} (send {{"urls": ["https://…"]}})'
            ) from None
        return _started(await start("urls", body.urls))

    @app.post(
        "/api/sites/{name}/run",
        status_code=202,
        response_model=CrawlJob,
        responses=_ERRORS,
        tags=["crawls"],
        summary="Run a configured site now, under its lease (needs the [web] token)",
    )
    async def api_site_run(name: str, request: Request) -> Any:
        _guard(crawls, request, _bearer(request))
        return _started(await start("site", name))

    @app.get(
        "/api/crawls",
        response_model=CrawlJobList,
        tags=["crawls"],
        summary="Crawls started from the web by this server, newest first",
    )
    def api_crawls() -> dict[str, Any]:
        return {"results": crawls.jobs()}

    # -- the runs page's forms --------------------------------------------------------------

    async def form(request: Request) -> dict[str, str]:
        if not crawls.enabled:
            raise HTTPException(404, DISABLED)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise HTTPException(400, "send the form (application/x-www-form-urlencoded)")
        raw = (await _body(request)).decode("utf-8", "replace")
        fields = parse_qs(raw, keep_blank_values=True, max_num_fields=20)
        return {k: v[-1] for k, v in fields.items()}

    def to_runs(job: Any) -> RedirectResponse:
        return RedirectResponse("/runs?" + urlencode({"started": job.id}), status_code=303)

    @app.post("/runs/crawl", include_in_schema=False)
    async def form_crawl(request: Request) -> RedirectResponse:
        fields = await form(request)
        _guard(crawls, request, fields.get("token"))
        urls = [u.strip() for u in fields.get("urls", "").splitlines() if u.strip()]
        return to_runs(await start("urls", urls))

    @app.post("/runs/site", include_in_schema=False)
    async def form_site(request: Request) -> RedirectResponse:
        fields = await form(request)
        _guard(crawls, request, fields.get("token"))
        return to_runs(await start("site", fields.get("site", "")))
