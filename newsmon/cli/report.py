"""``newsmon report KEYWORD``: the coverage report (see newsmon/report.py) as a table, JSON, CSV, Markdown or HTML."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from newsmon.cli.context import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Context,
    since_arg,
    table,
    to_json,
    until_arg,
)


def periods_from_args(a: argparse.Namespace) -> list[Any]:
    """The report's periods from --year / --years / --since --until (one way at a time)."""
    from newsmon.report import Period, ReportError, parse_years

    given = [name for name in ("year", "years") if getattr(a, name) is not None]
    if a.since is not None or a.until is not None:
        given.append("since/until")
    if len(given) > 1:
        raise CliError(
            f"give one of --year, --years, --since/--until (got {', '.join(given)})", EXIT_USAGE
        )
    try:
        if a.year is not None:
            return [Period.year(a.year)]
        if a.years is not None:
            return parse_years(a.years)
    except ReportError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if a.since is not None or a.until is not None:
        if a.since and a.until and a.until <= a.since:
            raise CliError("--until is before --since", EXIT_USAGE)
        last = (a.until - timedelta(microseconds=1)).date().isoformat() if a.until else "…"
        label = f"{a.since.date().isoformat() if a.since else '…'}–{last}"
        return [Period(label, a.since, a.until)]
    return [Period("all")]


def cmd_report(ctx: Context) -> int:
    from newsmon.report import ReportError, build_report, to_csv, to_markdown, to_table

    a = ctx.args
    if not a.keyword.strip():
        raise CliError("KEYWORD is empty", EXIT_USAGE)
    periods = periods_from_args(a)
    sessions = ctx.sessions(existing=True)
    try:
        with sessions() as session:
            report = build_report(session, a.keyword, periods, a.province)
    except ReportError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if a.format == "json":
        print(to_json(report.to_dict()))
    elif a.format == "csv":
        sys.stdout.write(to_csv(report))
    elif a.format == "md":
        sys.stdout.write(to_markdown(report))
    elif a.format == "html":
        from newsmon.web.pages import render
        from newsmon.web.report_page import report_context

        form = {
            "keyword": report.keyword,
            "province": a.province or "",
            "year": "",
            "since": "",
            "until": "",
        }
        print(
            render(
                "report.html",
                keyword=report.keyword,
                form=form,
                message="",
                **report_context(report, a.link_base.rstrip("/")),
            )
        )
    else:
        if not report.rows:
            print(f"no city sections in articles mentioning {report.keyword}")
            return EXIT_OK
        title = report.keyword + (f" · {report.province}" if report.province else "")
        print(f"{title} · {', '.join(report.labels)}")
        for rows, headers, widths in to_table(report):
            print(table(rows, headers, widths))
        covered = {label: len(report.covered(label)) for label in report.labels}
        if report.province:
            total = len({r.city for r in report.rows})
            print(
                "covered: "
                + ", ".join(f"{label} {n}/{total} cities" for label, n in covered.items())
            )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``report`` to the ``newsmon`` parser."""
    p = sub.add_parser(
        "report",
        parents=[common],
        help="per-city coverage of a keyword: first report, theme, article, source, reprints",
        description=(
            "One row per city (and district) that a section of the keyword's articles is about: "
            "the first report's date, the section heading, the article and its source, how many "
            "articles and reprints. With --province every prefecture-level city of it is listed."
        ),
    )
    p.add_argument("keyword", metavar="KEYWORD", help="text the articles contain, e.g. 新春第一会")
    p.add_argument(
        "--province", help="list every prefecture-level city of this province, e.g. 江苏"
    )
    p.add_argument("--year", type=int, help="articles published in this year (Asia/Shanghai)")
    p.add_argument("--years", metavar="Y1,Y2", help="several years side by side, e.g. 2023,2024")
    p.add_argument(
        "--since", type=since_arg, metavar="DATE", help="published on or after (YYYY-MM-DD)"
    )
    p.add_argument(
        "--until", type=until_arg, metavar="DATE", help="published on or before (inclusive)"
    )
    p.add_argument(
        "--format",
        choices=("table", "json", "csv", "md", "html"),
        default="table",
        help="output format",
    )
    p.add_argument(
        "--link-base",
        default="",
        metavar="URL",
        help="with --format html: the newsmon serve address its links point to (default: relative links)",
    )
    p.set_defaults(func=cmd_report)
