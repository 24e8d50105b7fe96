"""``/report`` (the coverage report's page) and ``/api/report`` (its JSON twin)."""

from __future__ import annotations

import argparse
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from newsmon.dates import parse_day
from newsmon.report import Period, ReportError, build_report, parse_years
from newsmon.web.pages import render
from newsmon.web.report_page import report_context

KeywordQ = Annotated[str, Query(description="text the articles contain, e.g. 新春第一会")]
ProvinceQ = Annotated[
    str | None, Query(description="list every prefecture-level city of this province, e.g. 江苏")
]
YearQ = Annotated[
    str | None, Query(description="a year (2023) or several side by side (2023,2024)")
]
SinceQ = Annotated[str | None, Query(description="published on or after: YYYY-MM-DD")]
UntilQ = Annotated[str | None, Query(description="published on or before: YYYY-MM-DD (inclusive)")]


def _periods(year: str | None, since: str | None, until: str | None) -> list[Period]:
    year, since, until = (v.strip() if v else None for v in (year, since, until))
    if year and (since or until):
        raise HTTPException(400, "give year or since/until, not both")
    try:
        if year:
            return parse_years(year)
        if since or until:
            start = parse_day(since) if since else None
            end = parse_day(until, end=True) if until else None
            return [Period(f"{since or '…'}–{until or '…'}", start, end)]
    except (ReportError, argparse.ArgumentTypeError) as exc:
        raise HTTPException(400, str(exc)) from None
    return [Period("all")]


def add_report_routes(app: FastAPI, archive: Any) -> None:
    """Add the report's page and API to ``app`` over ``archive`` (newsmon.web.app.Archive)."""

    def build(keyword: str, province: str | None, periods: list[Period]) -> Any:
        try:
            with archive.read() as session:
                return build_report(session, keyword, periods, (province or "").strip() or None)
        except ReportError as exc:
            raise HTTPException(400, str(exc)) from None

    @app.get(
        "/api/report",
        tags=["report"],
        summary="Per-city coverage of a keyword: first report, theme, article, source, reprints",
        responses={400: {"description": "a bad keyword, province, year or date"}},
    )
    def api_report(
        keyword: KeywordQ,
        province: ProvinceQ = None,
        year: YearQ = None,
        since: SinceQ = None,
        until: UntilQ = None,
    ) -> dict[str, Any]:
        if not keyword.strip():
            raise HTTPException(400, "keyword is empty")
        return dict(build(keyword, province, _periods(year, since, until)).to_dict())

    @app.get("/report", response_class=HTMLResponse, include_in_schema=False)
    def report_page(
        keyword: str = "",
        province: str = "",
        year: str = "",
        since: str = "",
        until: str = "",
    ) -> HTMLResponse:
        form = {
            "keyword": keyword,
            "province": province,
            "year": year,
            "since": since,
            "until": until,
        }
        if not keyword.strip():
            html = render("report.html", keyword="", form=form, report=None, message="")
            return HTMLResponse(html)
        report = build(keyword, province, _periods(year, since, until))
        message = "" if report.rows else "没有城市专节 — no city sections in matching articles"
        context = report_context(report) if report.rows else {"report": None}
        html = render("report.html", keyword=report.keyword, form=form, message=message, **context)
        return HTMLResponse(html)
