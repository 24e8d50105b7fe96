"""The ``newsmon`` command: extract, crawl, query, show, runs, reextract.

Expected failures (bad input, an unreachable database, a page that is not an
article) print one line on stderr and exit non-zero; they never show a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newsmon import __version__
from newsmon.config import Config, ConfigError, load_config, resolve_db_url

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
USER_AGENT = f"newsmon/{__version__} (news monitor)"


class CliError(Exception):
    """An expected failure: its message is printed as one line, with the exit code given."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- helpers


def _check_http_url(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise CliError(f"not an http(s) URL: {url}", EXIT_USAGE)
    return url


def _parse_day(value: str, *, end: bool = False) -> datetime:
    """``YYYY-MM-DD`` (that day in Asia/Shanghai; its end when ``end``) or a full ISO 8601 time."""
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time.min, SHANGHAI)
            return moment + timedelta(days=1) if end else moment
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date (YYYY-MM-DD) or ISO time: {value!r}"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _since(value: str) -> datetime:
    return _parse_day(value)


def _until(value: str) -> datetime:
    """``--until 2023-01-31`` includes the whole of that day."""
    return _parse_day(value, end=True)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut/pad ``text`` to ``width`` terminal columns (CJK characters take two)."""
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            if out:
                out[-1] = "…"
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - _width("".join(out)))


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str], widths: Sequence[int]) -> str:
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


class Context:
    """What every command may need, built lazily: the config and the database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.args.config)
            except ConfigError as exc:
                raise CliError(str(exc), EXIT_USAGE) from None
        return self._config

    @property
    def db_url(self) -> str:
        return resolve_db_url(self.args.db, self.config)

    def sessions(self) -> Any:
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import sessionmaker

        from storage import create_schema, make_engine, redact

        try:
            engine = make_engine(self.db_url)
            create_schema(engine)
        except (SQLAlchemyError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CliError(f"cannot open database {redact(self.db_url)}: {first}") from None
        return sessionmaker(engine, expire_on_commit=False)


# --------------------------------------------------------------------------- extract


def _fetch(url: str, timeout: float = 30.0) -> tuple[bytes, str | None, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), response.headers.get("Content-Type"), response.geturl()
    except urllib.error.HTTPError as exc:
        raise CliError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CliError(f"{url}: cannot fetch: {reason}") from None


def cmd_extract(ctx: Context) -> int:
    from crawler.extraction import ExtractionError, extract_bytes
    from crawler.responses import NotHtml

    target: str = ctx.args.target
    url = ctx.args.url
    content_type = None
    if "://" in target:
        _check_http_url(target)
        data, content_type, final_url = _fetch(target)
        url = url or final_url
        mime = (content_type or "").split(";", 1)[0].strip().lower()
        if mime and "html" not in mime and "xml" not in mime and "text" not in mime:
            raise CliError(f"{target}: {NotHtml(f'not an HTML page ({mime})')}")
    else:
        path = Path(target)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CliError(f"{target}: no such file", EXIT_USAGE) from None
        except IsADirectoryError:
            raise CliError(f"{target}: is a directory, not a saved page", EXIT_USAGE) from None
        except OSError as exc:
            raise CliError(f"{target}: cannot read: {exc.strerror}", EXIT_USAGE) from None
    if url:
        _check_http_url(url)
    config = ctx.config
    try:
        article = extract_bytes(
            data,
            url=url,
            content_type=content_type,
            fetched_at=datetime.now(SHANGHAI),
            keywords=ctx.args.keyword or config.keywords,
            exclude=config.exclude,
        )
    except ExtractionError as exc:
        raise CliError(f"{target}: not an article: {exc}") from None
    print(_json(article.as_record()))
    return EXIT_OK


# --------------------------------------------------------------------------- crawl


def _scrapy_overrides(pairs: Sequence[str] | None) -> dict[str, str]:
    """``--set NAME=VALUE`` pairs, as ``scrapy crawl -s`` takes them."""
    overrides: dict[str, str] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--set wants NAME=VALUE, got {pair!r}", EXIT_USAGE)
        overrides[name.strip()] = value
    return overrides


def cmd_crawl(ctx: Context) -> int:
    urls = [_check_http_url(u) for u in ctx.args.urls]
    overrides = _scrapy_overrides(ctx.args.set)
    if ctx.args.no_robots:
        overrides["ROBOTSTXT_OBEY"] = False
    return _crawl_urls(ctx, urls, overrides)


def _crawl_urls(ctx: Context, urls: list[str], extra: dict[str, Any]) -> int:
    """Run the ``article`` spider on ``urls``; one line per URL; non-zero if any was not stored."""
    from newsmon.crawling import run_spider

    config = ctx.config
    ctx.sessions()  # fail now, with a clear line, if the database cannot be opened
    overrides: dict[str, Any] = {
        "NEWSMON_DB_URL": ctx.db_url,
        "NEWSMON_KEYWORDS": list(config.keywords),
        "NEWSMON_EXCLUDE": list(config.exclude),
        "LOG_LEVEL": "INFO" if ctx.args.verbose else "WARNING",
    }
    if config.path:
        overrides["NEWSMON_CONFIG"] = str(config.path)
    overrides.update(extra)
    stats = run_spider("article", overrides, urls=urls)

    stored = {entry["url"]: entry for entry in stats.get("newsmon/stored", [])}
    errors: dict[str, list[str]] = {}
    for entry in stats.get("newsmon/error_list", []):
        errors.setdefault(entry["url"], []).append(entry["reason"])
    failed = 0
    for url in urls:
        if url in stored:
            entry = stored[url]
            print(f"{entry['outcome']:<9} #{entry['id']}  {url}")
        else:
            failed += 1
            reason = "; ".join(errors.get(url, [])) or "not stored (see the log with -v)"
            print(f"{url}: {reason}", file=sys.stderr)
    run_id = stats.get("newsmon/run_id")
    if run_id is None:
        print("the crawl did not start; run with -v for Scrapy's log", file=sys.stderr)
        return EXIT_FAILED
    summary = (
        f"run {run_id}: {len(stored)} stored "
        f"({stats.get('newsmon/articles/new', 0)} new, {stats.get('newsmon/articles/updated', 0)} updated, "
        f"{stats.get('newsmon/articles/unchanged', 0)} unchanged), {failed} failed"
    )
    print(summary, file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_demo(ctx: Context) -> int:
    """Serve the bundled sample site on 127.0.0.1, crawl it into the archive and query it."""
    from newsmon.demo import DemoSite
    from storage import redact

    try:
        site = DemoSite(port=ctx.args.port)
    except OSError as exc:
        raise CliError(
            f"cannot serve the sample site on 127.0.0.1:{ctx.args.port}: {exc.strerror}; try --port"
        ) from None
    with site:
        print(f"demo: serving the sample site at {site.base_url}/", file=sys.stderr)
        code = _crawl_urls(ctx, [f"{site.base_url}/news/jiangsu/2023/0129/8121.html"], {})
    print(f"demo: archive in {redact(ctx.db_url)}", file=sys.stderr)
    print(f"demo: newsmon query {' '.join(ctx.config.keywords)}", file=sys.stderr)
    ctx.args.text = ctx.config.keywords[0] if ctx.config.keywords else None
    for name in ("city", "district", "source", "site", "since", "until"):
        setattr(ctx.args, name, None)
    ctx.args.limit, ctx.args.format = 20, "table"
    return cmd_query(ctx) or code


# --------------------------------------------------------------------------- query/show/runs


def _output_records(records: list[dict[str, Any]], fmt: str, table: Callable[[], str]) -> None:
    if fmt == "json":
        print(_json(records))
    elif fmt == "jsonl":
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        fields = [k for k in records[0] if k not in ("body", "sections")] if records else ["id"]
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(
                {
                    k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
                    for k, v in record.items()
                }
            )
        sys.stdout.write(buffer.getvalue())
    else:
        print(table())


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

    def table() -> str:
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
        return _table(rows_, ["ID", "PUBLISHED", "SOURCE", "TITLE", "CITIES"], [5, 16, 12, 44, 30])

    _output_records(records, a.format, table)
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    from storage.repository import article_record, get_article

    with ctx.sessions()() as session:
        row = get_article(session, ctx.args.ref)
        if row is None:
            raise CliError(f"no article {ctx.args.ref} in the archive")
        record = article_record(row)
    if ctx.args.format == "json":
        print(_json(record))
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
        print(_json(records))
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
        _table(
            rows,
            ["ID", "STARTED", "SPIDER", "STATUS", "REQS", "NEW/UPD/SAME", "MATCHES", "ERRORS"],
            [5, 19, 20, 11, 5, 12, 7, 6],
        )
    )
    return EXIT_OK


def cmd_reextract(ctx: Context) -> int:
    from crawler.extraction import EXTRACTOR_VERSION, ExtractionError, extract_bytes
    from storage.repository import decompress, iter_archive, reapply_extraction

    config = ctx.config
    changed = same = failed = 0
    with ctx.sessions()() as session:
        for row in iter_archive(session):
            if row.extractor_version == EXTRACTOR_VERSION and not ctx.args.all:
                same += 1
                continue
            try:
                article = extract_bytes(
                    decompress(row.raw_html),
                    url=row.url,
                    content_type=row.raw_content_type,
                    fetched_at=row.fetched_at,
                    keywords=config.keywords,
                    exclude=config.exclude,
                )
            except ExtractionError as exc:
                failed += 1
                print(f"#{row.id} {row.url}: kept as it was: {exc}", file=sys.stderr)
                continue
            if reapply_extraction(session, row, article, EXTRACTOR_VERSION):
                changed += 1
            else:
                same += 1
            session.commit()
    print(f"re-extracted: {changed} changed, {same} unchanged, {failed} failed (kept)")
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $NEWSMON_DB_URL, the config, or SQLite in $NEWSMON_HOME)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        help="TOML config (default: $NEWSMON_CONFIG or ~/.config/newsmon/config.toml)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")

    parser = argparse.ArgumentParser(
        prog="newsmon",
        parents=[common],
        description="Monitor Chinese regional news sites and query the archive.",
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "extract",
        parents=[common],
        help="print the article record of a saved page or URL (no database)",
    )
    p.add_argument("target", metavar="FILE|URL")
    p.add_argument("--url", help="the URL the saved page was served as")
    p.add_argument(
        "--keyword", action="append", help="keyword to flag (repeatable; default: the config's)"
    )
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("crawl", parents=[common], help="fetch URLs now and store their articles")
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument(
        "--no-robots", action="store_true", help="ignore robots.txt (only for your own sites)"
    )
    p.add_argument(
        "-s",
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="a Scrapy setting for this run (repeatable)",
    )
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser(
        "demo", parents=[common], help="crawl a bundled sample site on 127.0.0.1 and query it"
    )
    p.add_argument(
        "--port", type=int, default=8765, help="port of the sample site on 127.0.0.1 (default 8765)"
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("query", parents=[common], help="search the archive, newest first")
    p.add_argument("text", nargs="?", help="text to find in title or body")
    p.add_argument("--city")
    p.add_argument("--district")
    p.add_argument("--source")
    p.add_argument("--site")
    p.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="published on or after (YYYY-MM-DD, Asia/Shanghai)",
    )
    p.add_argument(
        "--until",
        type=_until,
        metavar="DATE",
        help="published on or before (YYYY-MM-DD, inclusive)",
    )
    p.add_argument("--limit", type=_positive_int, default=50)
    p.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("show", parents=[common], help="print one stored article with its sections")
    p.add_argument("ref", metavar="ID|URL")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("runs", parents=[common], help="list crawl runs, newest first")
    p.add_argument("--limit", type=_positive_int, default=20)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser(
        "reextract",
        parents=[common],
        help="re-parse stored pages with the current extractor (no fetching)",
    )
    p.add_argument(
        "--all", action="store_true", help="also pages already extracted by this version"
    )
    p.set_defaults(func=cmd_reextract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(Context(args)))
    except CliError as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("newsmon: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
