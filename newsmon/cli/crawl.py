"""Commands that crawl: crawl (URLs now), monitor (the configured sites once), worker (the Redis frontier)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from crawler.config import Config, SiteProfile, resolve_redis_url
from newsmon.cli.context import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError, Context, check_http_url


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
    ctx.check_crawl_settings(overrides)
    _fork_server(ctx, overrides)
    return _crawl_urls(ctx, urls, overrides)


def _fork_server(ctx: Context, overrides: dict[str, Any]) -> None:
    """The fork server of the crawl's worker processes, forked from this process now, if the
    crawl starts any: its settings are checked, and the archive, the leases' thread, Scrapy
    and Twisted are not open, running nor imported yet (crawler.forkserver). Then the watch
    on the scheduler that started this crawl (``--parent``), a thread, which ``main`` leaves
    to these commands (``forks_first``): started before, it would forbid the fork."""
    from crawler.forkserver import start

    start(overrides)
    _watch_parent(ctx)


def _watch_parent(ctx: Context) -> None:
    """``--parent PID``: stop when that process (the scheduler) is gone."""
    parent = getattr(ctx.args, "parent", None)
    if parent is not None:
        from newsmon.scheduling.child import die_with_parent

        die_with_parent(parent)


def _log_level(ctx: Context) -> dict[str, Any]:
    """Scrapy's log: shown with -v, else only its warnings."""
    return {"LOG_LEVEL": "INFO" if ctx.args.verbose else "WARNING"}


def _crawl_urls(ctx: Context, urls: list[str], extra: dict[str, Any]) -> int:
    """Run the ``article`` spider on ``urls``; one line per URL; non-zero if any was not stored."""
    from newsmon.runner import run_spider

    ctx.sessions()  # fail now, with a clear line, if the database cannot be opened
    stats = run_spider("article", ctx.config, ctx.db_url, _log_level(ctx) | extra, urls=urls)

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
    ctx: Context,
    config: Config,
    names: Sequence[str],
    *,
    backfill: bool,
    extra: dict[str, Any],
    span: dict[str, str] | None = None,
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
    profiles = [config.site(n) for n in names] if names else list(config.sites)
    sessions = ctx.sessions()
    # A database lease per site, so that no scheduler (or other monitor) crawls it at the same
    # time; a scheduler hands its own lease to the monitor it starts (LEASE_SETTING).
    from newsmon.scheduling.leases import LEASE_SETTING, SiteLeases
    from newsmon.scheduling.settings import lease_seconds

    extra = dict(extra)
    adopt = extra.pop(LEASE_SETTING, None)
    ttl = lease_seconds(config)
    with SiteLeases(sessions, [p.name for p in profiles], ttl, adopt=adopt) as leases:
        for name, holder in leases.refused.items():
            print(f"{name}: skipped: the site is being crawled by {holder}", file=sys.stderr)
        held = [p for p in profiles if p.name in leases.held]
        code = (
            _monitor_sites(ctx, config, held, sessions, backfill, extra, span or {})
            if held
            else EXIT_OK
        )
    return EXIT_FAILED if leases.refused else code


def _monitor_sites(
    ctx: Context,
    config: Config,
    profiles: list[SiteProfile],
    sessions: Any,
    backfill: bool,
    extra: dict[str, Any],
    span: dict[str, str],
) -> int:
    from newsmon.runner import run_spiders
    from storage.records import run_record
    from storage.repository import list_runs

    overrides = _log_level(ctx) | {"NEWSMON_PROGRESS": sys.stderr.isatty()} | extra
    runs = [("portal", {"site": p.name, "backfill": backfill, **span}) for p in profiles]
    all_stats = run_spiders(runs, config, ctx.db_url, overrides)

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
        _watch_parent(ctx)
        return _push_starts(ctx, [*ctx.args.site, *(ctx.args.site_opt or [])])
    ctx.check_crawl_settings(overrides)
    _fork_server(ctx, overrides)
    names = [*ctx.args.site, *(ctx.args.site_opt or [])]
    span = _span(ctx.args.since, ctx.args.until)
    return run_monitor(
        ctx, ctx.config, names, backfill=ctx.args.backfill, extra=overrides, span=span
    )


def _span(since: str | None, until: str | None) -> dict[str, str]:
    """``--since``/``--until`` as the portal spider's arguments, checked here."""
    from datetime import date

    if until and not since:
        raise CliError("--until needs --since (the first day of the range)", EXIT_USAGE)
    days = {}
    for name, value in (("since", since), ("until", until)):
        if value:
            try:
                days[name] = date.fromisoformat(value)
            except ValueError:
                raise CliError(
                    f"--{name}: expected YYYY-MM-DD, got {value!r}", EXIT_USAGE
                ) from None
    if "until" in days and days["until"] < days["since"]:
        raise CliError(f"--since {since} is after --until {until}", EXIT_USAGE)
    return {k: v.isoformat() for k, v in days.items()}


def _redis_url(ctx: Context) -> str:
    """The frontier's URL, checked: a bad one is a SettingError now (one line, status 2)."""
    from crawler.distributed import connect

    url = resolve_redis_url(getattr(ctx.args, "redis", None), ctx.config)
    if not url:
        raise CliError(
            "no Redis frontier configured: give --redis URL, NEWSMON_REDIS_URL or [redis] url",
            EXIT_USAGE,
        )
    connect(url)
    return url


def _push_starts(ctx: Context, names: Sequence[str]) -> int:
    """``monitor --distributed``: signal the sites' workers instead of crawling here."""
    import redis

    from crawler.distributed import push_start

    config = ctx.config
    url = _redis_url(ctx)
    profiles = [config.site(n) for n in names] if names else list(config.sites)
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


class RunHealth:
    """Scrapy extension of ``newsmon worker``: health alerts for each run a worker closes.

    The alerts are recorded with their deliveries; the scheduler (``newsmon schedule``)
    delivers them, as it delivers the matches the workers store.
    """

    def __init__(self, crawler: Any) -> None:
        from crawler.options import crawler_options

        self.options = crawler_options(crawler)
        self._sessions: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunHealth:
        from crawler.worker import RUN_CLOSED

        extension = cls(crawler)
        crawler.signals.connect(extension.run_closed, signal=RUN_CLOSED)
        return extension

    def run_closed(self, site: str, run_id: int) -> None:
        from sqlalchemy.orm import sessionmaker

        from newsmon.alerts import alert_settings, raise_health_alerts
        from storage import CrawlRun, make_engine

        if self._sessions is None:
            self._sessions = sessionmaker(make_engine(self.options.db_url))
        with self._sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            findings = raise_health_alerts(session, run, alert_settings(self.options.config))
        for finding in findings:
            print(f"{site}: run {run_id}: health: {finding.message}", file=sys.stderr)


def cmd_worker(ctx: Context) -> int:
    """Crawl sites' requests from the shared Redis frontier until stopped (or idle too long).

    Each crawl of a site is its own run (crawler.worker): the worker that closes it prints
    a line and raises its health alerts.
    """
    from newsmon.runner import run_spiders
    from newsmon.scheduling.settings import lease_seconds

    config = ctx.config
    names = (
        [p.name for p in config.sites]
        if ctx.args.all
        else [config.site(n).name for n in ctx.args.site]
    )
    if not names:
        raise CliError("name the sites to work for, or --all (and configure [[sites]])", EXIT_USAGE)
    url = _redis_url(ctx)
    worker_settings = _scrapy_overrides(ctx.args.set)
    ctx.check_crawl_settings(worker_settings)
    _fork_server(ctx, worker_settings)
    ctx.sessions()
    overrides = (
        _log_level(ctx)
        | {
            "NEWSMON_REDIS_URL": url,
            "NEWSMON_LEASE_SECONDS": lease_seconds(config),
            "EXTENSIONS": {f"{__name__}.RunHealth": 900},
        }
        | worker_settings
    )
    runs = [("portal", {"site": n, "worker": True, "idle_exit": ctx.args.idle_exit}) for n in names]
    stats_per_site = run_spiders(runs, config, ctx.db_url, overrides)
    for name, stats in zip(names, stats_per_site, strict=True):
        print(
            f"{name}: worker done - took part in runs up to {stats.get('newsmon/run_id')}, "
            f"closed {stats.get('newsmon/worker/runs_closed', 0)}; "
            f"{stats.get('downloader/response_count', 0)} pages, {stats.get('newsmon/articles/new', 0)} new articles",
            file=sys.stderr,
        )
    return EXIT_OK


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
    p = sub.add_parser("crawl", parents=[common], help="fetch URLs now and store their articles")
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument(
        "--no-robots", action="store_true", help="ignore robots.txt (only for your own sites)"
    )
    _add_set_option(p)
    p.set_defaults(func=cmd_crawl, forks_first=True)

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
    p.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help="backfill from this day: every e-paper edition, listings and sitemaps back to it",
    )
    p.add_argument(
        "--until",
        metavar="YYYY-MM-DD",
        help="with --since: the last day of the range (default: today)",
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
    p.set_defaults(func=cmd_monitor, forks_first=True)

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
    p.set_defaults(func=cmd_worker, forks_first=True)
