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
from newsmon.config import Config, ConfigError, SiteProfile, resolve_redis_url


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


def _scrapy_overrides(pairs: Sequence[str] | None) -> dict[str, Any]:
    """``--set NAME=VALUE`` pairs, as ``scrapy crawl -s`` takes them."""
    overrides: dict[str, Any] = {}
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


def _base_overrides(ctx: Context, config: Config) -> dict[str, Any]:
    """The settings every crawl of this command needs: database, keywords, config, log level."""
    overrides: dict[str, Any] = {
        "NEWSMON_DB_URL": ctx.db_url,
        "NEWSMON_KEYWORDS": list(config.keywords),
        "NEWSMON_EXCLUDE": list(config.exclude),
        "LOG_LEVEL": "INFO" if ctx.args.verbose else "WARNING",
    }
    if config.path:
        overrides["NEWSMON_CONFIG"] = str(config.path)
    return overrides


def _crawl_urls(ctx: Context, urls: list[str], extra: dict[str, Any]) -> int:
    """Run the ``article`` spider on ``urls``; one line per URL; non-zero if any was not stored."""
    from newsmon.crawling import run_spider

    ctx.sessions()  # fail now, with a clear line, if the database cannot be opened
    overrides = _base_overrides(ctx, ctx.config) | extra
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


def run_monitor(
    ctx: Context, config: Config, names: Sequence[str], *, backfill: bool, extra: dict[str, Any]
) -> int:
    """Run the ``portal`` spider once for each named site, side by side; print what is new.

    Exit status 1 when any site's run failed (its pages could not be read, or
    the database could not be written) or was skipped because another process
    holds the site's lease, else 0.
    """
    if not config.sites:
        where = config.path or "the config (none found)"
        raise CliError(
            f"no [[sites]] configured in {where}; see README, 'Monitoring sites'", EXIT_USAGE
        )
    try:
        profiles = [config.site(n) for n in names] if names else list(config.sites)
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    sessions = ctx.sessions()
    # A database lease per site, so that no scheduler (or other monitor) crawls it at the same
    # time; a scheduler hands its own lease to the monitor it starts (newsmon/scheduling.py).
    from newsmon.scheduling import LEASE_SETTING, SiteLeases, lease_seconds

    extra = dict(extra)
    adopt = extra.pop(LEASE_SETTING, None)
    try:
        ttl = lease_seconds(config)
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    with SiteLeases(sessions, [p.name for p in profiles], ttl, adopt=adopt) as leases:
        for name, holder in leases.refused.items():
            print(f"{name}: skipped: the site is being crawled by {holder}", file=sys.stderr)
        held = [p for p in profiles if p.name in leases.held]
        code = _monitor_sites(ctx, config, held, sessions, backfill, extra) if held else EXIT_OK
    return EXIT_FAILED if leases.refused else code


def _monitor_sites(
    ctx: Context,
    config: Config,
    profiles: list[SiteProfile],
    sessions: Any,
    backfill: bool,
    extra: dict[str, Any],
) -> int:
    from newsmon.crawling import run_spiders
    from storage.repository import list_runs, run_record

    overrides = _base_overrides(ctx, config) | {"NEWSMON_PROGRESS": sys.stderr.isatty()} | extra
    runs = [("portal", {"site": p.name, "backfill": backfill}) for p in profiles]
    all_stats = run_spiders(runs, overrides)

    failed = 0
    run_ids = [s.get("newsmon/run_id") for s in all_stats]
    with sessions() as session:
        records = {r["id"]: r for r in map(run_record, list_runs(session, limit=len(runs) + 50))}
    for profile, stats, run_id in zip(profiles, all_stats, run_ids, strict=True):
        record = records.get(run_id) if run_id is not None else None
        if record is None:
            failed += 1
            print(
                f"{profile.name}: the crawl did not start; run with -v for Scrapy's log",
                file=sys.stderr,
            )
            continue
        if record["status"] != "ok":
            failed += 1
        print(
            f"{profile.name}: run {run_id} {record['status']} - {record['responses']} pages, "
            f"{record['articles_new']} new and {record['articles_updated']} updated articles, "
            f"{stats.get('newsmon/incremental/known', 0)} known links skipped, "
            f"{record['new_matches']} new matches, {record['errors']} errors",
            file=sys.stderr,
        )
        if record["status"] != "ok":
            print(f"{profile.name}: {record['reason']}", file=sys.stderr)
        for error in record["error_list"][:5]:
            print(f"  {error['url']}: {error['reason']}", file=sys.stderr)
        for match in stats.get("newsmon/new_matches", []):
            print(
                f"new match  {','.join(match['keywords'])}  #{match['id']}  {match['title']}  {match['url']}"
            )
    return EXIT_FAILED if failed else EXIT_OK


def cmd_monitor(ctx: Context) -> int:
    overrides = _scrapy_overrides(ctx.args.set)
    if ctx.args.distributed:
        return _push_starts(ctx, [*ctx.args.site, *(ctx.args.site_opt or [])])
    names = [*ctx.args.site, *(ctx.args.site_opt or [])]
    return run_monitor(ctx, ctx.config, names, backfill=ctx.args.backfill, extra=overrides)


def _redis_url(ctx: Context) -> str:
    url = resolve_redis_url(getattr(ctx.args, "redis", None), ctx.config)
    if not url:
        raise CliError(
            "no Redis frontier configured: give --redis URL, NEWSMON_REDIS_URL or [redis] url",
            EXIT_USAGE,
        )
    return url


def _push_starts(ctx: Context, names: Sequence[str]) -> int:
    """``monitor --distributed``: signal the sites' workers instead of crawling here."""
    import redis

    from crawler.distributed import push_start

    config = ctx.config
    url = _redis_url(ctx)
    try:
        profiles = [config.site(n) for n in names] if names else list(config.sites)
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if not profiles:
        raise CliError(
            f"no [[sites]] configured in {config.path or 'the config (none found)'}", EXIT_USAGE
        )
    try:
        for profile in profiles:
            push_start(url, profile.name)
            print(f"{profile.name}: queued for the workers on the shared frontier", file=sys.stderr)
    except redis.RedisError as exc:
        raise CliError(f"cannot reach Redis at {url.split('@')[-1]}: {exc}") from None
    return EXIT_OK


def cmd_worker(ctx: Context) -> int:
    """Crawl sites' requests from the shared Redis frontier until stopped (or idle too long)."""
    from newsmon.crawling import run_spiders

    config = ctx.config
    try:
        names = (
            [p.name for p in config.sites]
            if ctx.args.all
            else [config.site(n).name for n in ctx.args.site]
        )
    except ConfigError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if not names:
        raise CliError("name the sites to work for, or --all (and configure [[sites]])", EXIT_USAGE)
    url = _redis_url(ctx)
    ctx.sessions()
    overrides = (
        _base_overrides(ctx, config) | {"NEWSMON_REDIS_URL": url} | _scrapy_overrides(ctx.args.set)
    )
    runs = [("portal", {"site": n, "worker": True, "idle_exit": ctx.args.idle_exit}) for n in names]
    for name, stats in zip(names, run_spiders(runs, overrides), strict=True):
        print(
            f"{name}: worker run {stats.get('newsmon/run_id')} - "
            f"{stats.get('downloader/response_count', 0)} pages, {stats.get('newsmon/articles/new', 0)} new articles, "
            f"{stats.get('newsmon/matches/new', 0)} new matches, {stats.get('newsmon/errors', 0)} errors",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_rematch(ctx: Context) -> int:
    """Flag the archive against the configured keywords again, without fetching anything."""
    from crawler.extraction.keywords import match_keywords
    from storage.repository import iter_archive, sync_matches

    config = ctx.config
    articles = newly = 0
    with ctx.sessions()() as session:
        for row in iter_archive(session):
            articles += 1
            keywords = match_keywords(config.keywords, [row.title, row.body], config.exclude)
            added = sync_matches(session, row, keywords)
            if added:
                newly += 1
                print(f"new match  {','.join(added)}  #{row.id}  {row.title}  {row.url}")
            session.commit()
    print(
        f"rematched {articles} articles against {', '.join(config.keywords)}: {newly} with new matches",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_demo(ctx: Context) -> int:
    """Generate the sample site, serve it on 127.0.0.1, run the monitor on it and query the archive."""
    from newsmon.commands_archive import cmd_query
    from newsmon.config import home_dir, load_config
    from newsmon.demo import DemoSite
    from newsmon.sample_site import SampleSite
    from storage import redact

    folder = home_dir() / "demo"
    try:
        server = DemoSite(folder / "site", port=ctx.args.port)
    except OSError as exc:
        raise CliError(
            f"cannot serve the sample site on 127.0.0.1:{ctx.args.port}: {exc.strerror}; try --port"
        ) from None
    with server:
        SampleSite.generate(60, include_seed=True).write(folder / "site", server.base_url)
        config_path = folder / "config.toml"
        config_path.write_text(DEMO_CONFIG.format(base=server.base_url), encoding="utf-8")
        print(
            f"demo: serving a sample portal at {server.base_url}/news/list_1.html", file=sys.stderr
        )
        print(f"demo: monitoring it with {config_path}", file=sys.stderr)
        code = run_monitor(ctx, load_config(config_path), ["demo"], backfill=False, extra={})
    print(f"demo: archive in {redact(ctx.db_url)}", file=sys.stderr)
    print("demo: newsmon query 新春第一会 --city 无锡", file=sys.stderr)
    for name in ("district", "source", "site", "since", "until"):
        setattr(ctx.args, name, None)
    ctx.args.text, ctx.args.city, ctx.args.limit, ctx.args.format = (
        "新春第一会",
        "无锡",
        10,
        "table",
    )
    return cmd_query(ctx) or code


DEMO_CONFIG = """\
# Written by `newsmon demo`: the bundled sample portal, served on 127.0.0.1.
[monitor]
keywords = ["新春第一会"]

[[sites]]
name = "demo"
start_urls = ["{base}/news/list_1.html"]
sitemaps = ["{base}/sitemap.xml"]
feeds = ["{base}/rss.xml"]
max_listing_pages = 10
concurrency = 16
download_delay = 0
autothrottle = false
"""


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


def _add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="a Scrapy setting for this run (repeatable), as `scrapy crawl -s`",
    )


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
    _add_set_option(p)
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser(
        "monitor", parents=[common], help="run the configured sites once and print new matches"
    )
    p.add_argument(
        "site", nargs="*", metavar="SITE", help="site names (default: every configured site)"
    )
    p.add_argument(
        "--site",
        dest="site_opt",
        action="append",
        metavar="NAME",
        help="a site to run (repeatable; same as SITE)",
    )
    p.add_argument(
        "--backfill",
        action="store_true",
        help="page to max_listing_pages even where articles are known",
    )
    _add_set_option(p)
    p.add_argument(
        "--distributed",
        action="store_true",
        help="queue the sites for `newsmon worker` processes on the Redis frontier instead of crawling here",
    )
    p.add_argument(
        "--redis", metavar="URL", help="Redis frontier (default: $NEWSMON_REDIS_URL or [redis] url)"
    )
    p.set_defaults(func=cmd_monitor)

    p = sub.add_parser(
        "worker", parents=[common], help="crawl sites' requests from the shared Redis frontier"
    )
    p.add_argument("site", nargs="*", metavar="SITE")
    p.add_argument("--all", action="store_true", help="work for every configured site")
    p.add_argument(
        "--redis", metavar="URL", help="Redis frontier (default: $NEWSMON_REDIS_URL or [redis] url)"
    )
    p.add_argument(
        "--idle-exit",
        type=float,
        default=0,
        metavar="SECONDS",
        help="leave after this long without work (default: wait until stopped); Scrapy looks for queued work every 5 s, so give more than that",
    )
    _add_set_option(p)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "rematch",
        parents=[common],
        help="flag stored articles against the configured keywords (no fetching)",
    )
    p.set_defaults(func=cmd_rematch)

    p = sub.add_parser(
        "demo", parents=[common], help="monitor a generated sample portal on 127.0.0.1 and query it"
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
