"""Commands that fetch or read pages: extract, crawl, demo, reextract."""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from newsmon.clikit import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    SHANGHAI,
    USER_AGENT,
    CliError,
    Context,
    check_http_url,
    to_json,
)


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
        check_http_url(target)
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
        check_http_url(url)
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
    print(to_json(article.as_record()))
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
    urls = [check_http_url(u) for u in ctx.args.urls]
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
    from newsmon.commands_archive import cmd_query
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


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the ``newsmon`` parser."""
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

    p = sub.add_parser(
        "reextract",
        parents=[common],
        help="re-parse stored pages with the current extractor (no fetching)",
    )
    p.add_argument(
        "--all", action="store_true", help="also pages already extracted by this version"
    )
    p.set_defaults(func=cmd_reextract)
