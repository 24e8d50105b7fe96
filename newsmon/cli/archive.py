"""Commands that read the archive: query, show, runs, reindex, serve."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from newsmon.cli.context import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Context,
    output_records,
    positive_int,
    progress_line,
    since_arg,
    table,
    tcp_port,
    to_json,
    until_arg,
)


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


_QUERY_DEFAULTS: dict[str, Any] = {
    "keyword": None,
    "matched": False,
    "sort": "time",
    "unique": False,
    "offset": 0,
    "group_by": None,
}


def cmd_query(ctx: Context) -> int:
    from storage.records import article_record
    from storage.search import ArticleQuery, count_by, reprint_groups, search_articles

    # `newsmon demo` calls this with a namespace of its own: options it lacks take their defaults.
    a = argparse.Namespace(**{**_QUERY_DEFAULTS, **vars(ctx.args)})
    query = ArticleQuery(
        text=a.text,
        city=a.city,
        district=a.district,
        source=a.source,
        site=a.site,
        keyword=a.keyword,
        matched=a.matched,
        since=a.since,
        until=a.until,
        sort=a.sort,
        unique=a.unique,
        limit=a.limit,
        offset=a.offset,
    )
    if a.sort == "relevance" and not a.text:
        raise CliError("--sort relevance needs TEXT to rank by", EXIT_USAGE)
    ctx.check_search_settings()
    sessions = ctx.sessions(existing=True)
    if a.group_by:
        with sessions() as session:
            counts = count_by(session, query, a.group_by)
        records: list[dict[str, Any]] = [{a.group_by: key, "count": n} for key, n in counts]
        output_records(
            records,
            a.format,
            lambda: table(
                [[key or "-", str(n)] for key, n in counts] or [["(none)", "0"]],
                [a.group_by.upper(), "COUNT"],
                [24, 7],
            ),
        )
        return EXIT_OK

    with sessions() as session:
        page = search_articles(session, query)
        groups = reprint_groups(session, [r.id for r in page.articles])
        records = [{**article_record(r), "reprint_group": groups[r.id]} for r in page.articles]

    def render() -> str:
        if not records:
            return "no articles match"
        rows_: list[list[str]] = [
            [
                str(r["id"]),
                str(r["published_at"] or "")[:16].replace("T", " "),
                str(r["source"] or ""),
                str(r["title"]),
                ",".join(dict.fromkeys(s["city"] for s in r["sections"] if s["city"])),
            ]
            for r in records
        ]
        return table(rows_, ["ID", "PUBLISHED", "SOURCE", "TITLE", "CITIES"], [5, 16, 12, 44, 30])

    output_records(records, a.format, render)
    if a.format == "table" and (page.total > len(records) or not page.exact):
        # On stderr, so that the table itself stays one header line plus one line per article.
        # Beyond COUNT_LIMIT matches the total is a lower bound: "10,000+".
        first = a.offset + 1 if records else a.offset
        print(
            f"{first}-{a.offset + len(records)} of {page.total_text()}; --offset for more",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    from storage.records import article_record
    from storage.repository import get_article
    from storage.search import reprint_info

    sessions = ctx.sessions(existing=True)
    with sessions() as session:
        row = get_article(session, ctx.args.ref)
        if row is None:
            raise CliError(f"no article {ctx.args.ref} in the archive")
        record = {**article_record(row), **reprint_info(session, row.id)}
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
    ]
    if record["reprints"]:
        earliest = record["earliest"]
        lines.append(
            f"copies:     {len(record['reprints']) + 1} in reprint group {record['reprint_group']};"
            f" earliest #{earliest['id']} {earliest['published_at'] or '-'}"
            f" {earliest['site_name'] or earliest['source'] or ''}".rstrip()
        )
        for c in record["reprints"]:
            mark = "  (earliest)" if c["id"] == earliest["id"] else ""
            lines.append(
                f"  #{c['id']:<5} {(c['published_at'] or '-')[:16].replace('T', ' ')}"
                f"  {c['site_name'] or c['source'] or '-'}  {c['url']}{mark}"
            )
    lines.append("")
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
    from storage.records import run_record
    from storage.repository import list_runs

    with ctx.sessions(existing=True)() as session:
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
            # Asia/Shanghai, as every time newsmon shows: say so (the machine may be on UTC).
            [
                "ID",
                "STARTED (UTC+8)",
                "SPIDER",
                "STATUS",
                "REQS",
                "NEW/UPD/SAME",
                "MATCHES",
                "ERRORS",
            ],
            [5, 19, 20, 11, 5, 12, 7, 6],
        )
    )
    return EXIT_OK


def cmd_reindex(ctx: Context) -> int:
    from sqlalchemy.orm import Session

    from storage.search import rebuild_reprints, rebuild_search
    from storage.search.build import reporting

    sessions = ctx.sessions()  # creates the index if it is missing
    engine = sessions.kw["bind"]
    with reporting(progress_line):
        rebuild_search(engine)
    with Session(engine) as session, session.begin():
        grouped = rebuild_reprints(session)
    print(f"search index rebuilt; {grouped} articles fingerprinted for reprints")
    return EXIT_OK


def cmd_db_stats(ctx: Context) -> int:
    """``newsmon db stats``: the archive's bytes by part, in all and per article."""
    from storage.sizes import PARTS, archive_sizes

    sizes = archive_sizes(ctx.sessions(existing=True).kw["bind"])
    if ctx.args.format == "json":
        print(
            to_json(
                {
                    "articles": sizes.articles,
                    "bytes": sizes.parts,
                    "bytes_per_article": {p: round(sizes.per_article(p)) for p in PARTS},
                    "bodies": {
                        "bytes": sizes.bodies.raw,
                        "stored_bytes": sizes.bodies.stored,
                        "compressed": sizes.bodies.compressed,
                        "methods": list(sizes.bodies.methods),
                    },
                }
            )
        )
        return EXIT_OK
    rows = [[p, f"{sizes.parts[p]:,}", f"{sizes.per_article(p):,.0f}"] for p in PARTS]
    rows.append(["total", f"{sizes.total:,}", f"{sizes.per_article():,.0f}"])
    print(f"{sizes.articles:,} articles")
    print(table(rows, ["PART", "BYTES", "PER ARTICLE"], [16, 15, 11]))
    bodies = sizes.bodies
    if bodies.compressed:
        methods = ", ".join(bodies.methods)
        how = (
            f"stored in {bodies.stored:,}; "
            f"{bodies.compressed:,} of {sizes.articles:,} compressed ({methods})"
        )
    else:  # SQLite, or a PostgreSQL archive before 0009 (pglz gives up on Chinese text)
        how = "stored uncompressed"
    print(f"bodies: {bodies.raw:,} bytes of text, {how}")
    return EXIT_OK


def cmd_db_compact(ctx: Context) -> int:
    """``newsmon db compact``: rewrite the archive without its unused space."""
    from storage.compact import CompactError, compact

    engine = ctx.sessions(existing=True).kw["bind"]
    try:
        before, after = compact(engine, progress=progress_line)
    except CompactError as exc:
        raise CliError(str(exc)) from None
    saved = before - after
    print(f"{before:,} -> {after:,} bytes ({saved / before:.0%} less)" if before else "empty")
    return EXIT_OK


def cmd_serve(ctx: Context) -> int:
    from newsmon.web.app import serve

    a = ctx.args
    ctx.check_search_settings()  # refuse to start rather than answer every search with a 500
    if ctx.config.web.token:  # crawls can be started from the web: theirs are checked too
        ctx.check_crawl_settings({})
    sessions = ctx.sessions()  # fail now, with one line, if the database cannot be opened
    try:
        serve(sessions.kw["bind"], host=a.host, port=a.port, config=ctx.config, db_url=ctx.db_url)
    except OSError as exc:  # address in use, or not an address of this machine
        raise CliError(f"cannot listen on {a.host}:{a.port}: {exc.strerror or exc}") from None
    return EXIT_OK


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="?", help="text to find in title or body (terms split on spaces)")
    p.add_argument("--city", help="a section is about this city (canonical name: 无锡)")
    p.add_argument("--district", help="a section is about this district (宜兴)")
    p.add_argument("--source", help="the credited outlet (新华日报)")
    p.add_argument("--site", help="the site that served the page, or its profile name")
    p.add_argument("--keyword", help="the article matched this configured keyword")
    p.add_argument(
        "--matched", action="store_true", help="only articles matching some configured keyword"
    )
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
    p.add_argument(
        "--unique",
        action="store_true",
        help="one article per reprint group: the earliest copy among those that match",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the ``newsmon`` parser."""
    p = sub.add_parser("query", parents=[common], help="search the archive, newest first")
    _add_filters(p)
    p.add_argument("--sort", choices=["time", "relevance"], default="time")
    p.add_argument("--limit", type=positive_int, default=50)
    p.add_argument("--offset", type=_non_negative, default=0, help="skip this many results")
    p.add_argument(
        "--group-by",
        choices=["city", "day", "source", "site"],
        help="print counts of matching articles per city, day, source or site",
    )
    p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "show", parents=[common], help="print one stored article with its sections and reprints"
    )
    p.add_argument("ref", metavar="ID|URL")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("runs", parents=[common], help="list crawl runs, newest first")
    p.add_argument("--limit", type=positive_int, default=20)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser(
        "reindex",
        parents=[common],
        help="rebuild the search index and the reprint groups of an existing archive",
    )
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser(
        "serve", parents=[common], help="serve the search page and the JSON API over HTTP"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=tcp_port, default=8080, help="TCP port (default: 8080)")
    p.set_defaults(func=cmd_serve)
