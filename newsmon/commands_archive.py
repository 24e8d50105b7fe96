"""Commands that read the archive: query, show, runs."""

from __future__ import annotations

import argparse
from typing import Any

from newsmon.clikit import (
    EXIT_OK,
    CliError,
    Context,
    output_records,
    positive_int,
    since_arg,
    table,
    to_json,
    until_arg,
)


def cmd_query(ctx: Context) -> int:
    from storage.repository import ArticleQuery, article_record, query_articles

    a = ctx.args
    query = ArticleQuery(
        text=a.text,
        city=a.city,
        district=a.district,
        source=a.source,
        site=a.site,
        since=a.since,
        until=a.until,
        limit=a.limit,
    )
    with ctx.sessions()() as session:
        rows = query_articles(session, query)
        records = [article_record(r) for r in rows]

    def render() -> str:
        if not records:
            return "no articles match"
        rows_ = [
            [
                str(r["id"]),
                (r["published_at"] or "")[:16].replace("T", " "),
                r["source"] or "",
                r["title"],
                ",".join(dict.fromkeys(s["city"] for s in r["sections"] if s["city"])),
            ]
            for r in records
        ]
        return table(rows_, ["ID", "PUBLISHED", "SOURCE", "TITLE", "CITIES"], [5, 16, 12, 44, 30])

    output_records(records, a.format, render)
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    from storage.repository import article_record, get_article

    with ctx.sessions()() as session:
        row = get_article(session, ctx.args.ref)
        if row is None:
            raise CliError(f"no article {ctx.args.ref} in the archive")
        record = article_record(row)
    if ctx.args.format == "json":
        print(to_json(record))
        return EXIT_OK
    lines = [
        f"#{record['id']}  {record['title']}",
        f"url:        {record['url']}",
        f"published:  {record['published_at'] or '-'}",
        f"source:     {record['source'] or '-'}    author: {record['author'] or '-'}",
        f"site:       {record['site_name'] or '-'}    {' > '.join(record['breadcrumb'])}",
        f"keywords:   {', '.join(record['keywords']) or '-'}",
        "",
    ]
    if record["sections"]:
        lines.append(f"sections ({len(record['sections'])}):")
        for s in record["sections"]:
            where = s["city"] + (f"/{s['district']}" if s["district"] else "") if s["city"] else "?"
            places = f"  [mentions: {', '.join(s['places'])}]" if s["places"] else ""
            lines.append(f"  {where:<8} {s['label']}：{s['heading']}{places}")
        lines.append("")
    lines.append(record["body"])
    print("\n".join(lines))
    return EXIT_OK


def cmd_runs(ctx: Context) -> int:
    from storage.repository import list_runs, run_record

    with ctx.sessions()() as session:
        records = [run_record(r) for r in list_runs(session, ctx.args.limit)]
    if ctx.args.format == "json":
        print(to_json(records))
        return EXIT_OK
    if not records:
        print("no crawl runs yet")
        return EXIT_OK
    rows = [
        [
            str(r["id"]),
            (r["started_at"] or "")[:19].replace("T", " "),
            r["spider"] + (f":{r['site']}" if r["site"] else ""),
            r["status"],
            str(r["requests"]),
            f"{r['articles_new']}/{r['articles_updated']}/{r['articles_unchanged']}",
            str(r["new_matches"]),
            str(r["errors"]),
        ]
        for r in records
    ]
    print(
        table(
            rows,
            ["ID", "STARTED", "SPIDER", "STATUS", "REQS", "NEW/UPD/SAME", "MATCHES", "ERRORS"],
            [5, 19, 20, 11, 5, 12, 7, 6],
        )
    )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the ``newsmon`` parser."""
    p = sub.add_parser("query", parents=[common], help="search the archive, newest first")
    p.add_argument("text", nargs="?", help="text to find in title or body")
    p.add_argument("--city")
    p.add_argument("--district")
    p.add_argument("--source")
    p.add_argument("--site")
    p.add_argument(
        "--since",
        type=since_arg,
        metavar="DATE",
        help="published on or after (YYYY-MM-DD, Asia/Shanghai)",
    )
    p.add_argument(
        "--until",
        type=until_arg,
        metavar="DATE",
        help="published on or before (YYYY-MM-DD, inclusive)",
    )
    p.add_argument("--limit", type=positive_int, default=50)
    p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("show", parents=[common], help="print one stored article with its sections")
    p.add_argument("ref", metavar="ID|URL")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("runs", parents=[common], help="list crawl runs, newest first")
    p.add_argument("--limit", type=positive_int, default=20)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_runs)
