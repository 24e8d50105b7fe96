"""Commands about setup: ``config init|check`` and ``db upgrade|current`` (schema migrations)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from crawler.config import default_config_path, load_config
from newsmon.cli.context import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Context,
    archive_failure,
    progress_line,
)

#: The shipped config of real Jiangsu outlets (not verifiable offline).
JIANGSU = Path(__file__).parent.parent / "data" / "jiangsu.toml"


def cmd_config_init(ctx: Context) -> int:
    target = Path(ctx.args.config) if ctx.args.config else default_config_path()
    if target.exists() and not ctx.args.force:
        raise CliError(f"{target} exists; use --force to replace it", EXIT_USAGE)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(JIANGSU, target)
    config = load_config(target)
    print(
        f"wrote {target}: {len(config.sites)} Jiangsu sites (not verifiable offline: check them first)"
    )
    return EXIT_OK


def cmd_config_check(ctx: Context) -> int:
    from newsmon.scheduling.service import check_schedule

    config = ctx.config
    # Everything the scheduler would refuse is refused here, before "ok".
    settings, _ = check_schedule(config)
    print(f"{config.path or 'built-in defaults (no config file)'}: ok")
    print(
        f"keywords: {', '.join(config.keywords)}"
        + (f"; exclude: {', '.join(config.exclude)}" if config.exclude else "")
    )
    web = config.web
    print(
        f"web: crawls from the web on (token set, up to {web.max_crawls} at once)"
        if web.token
        else "web: crawls from the web off (no [web] token)"
    )
    default_minutes = settings.default_interval_minutes
    for site in config.sites:
        if site.cron:
            when = f"cron {site.cron}"
        elif site.interval_minutes:
            when = f"every {site.interval_minutes:g} min"
        else:
            when = f"every {default_minutes:g} min ([scheduler] default)"
        sources = len(site.start_urls) + len(site.sitemaps) + len(site.feeds)
        note = "" if site.verifiable_offline else "  (not verifiable offline)"
        print(f"  {site.name}: {sources} sources, {when}, {site.concurrency} in flight{note}")
    if not config.sites:
        print("no [[sites]]: `newsmon monitor` has nothing to watch", file=sys.stderr)
    if ctx.args.online:
        from newsmon.cli.links import check_online

        print("online: each start page fetched once")
        return check_online(ctx)
    return EXIT_OK


def _engine(ctx: Context) -> Any:
    """The archive's engine, its schema as it is (``db upgrade`` and ``db current`` look at it)."""
    from crawler.config import db_url_and_origin
    from newsmon.database import ArchiveError, open_engine

    try:
        return open_engine(*db_url_and_origin(ctx.args.db, ctx.config))
    except ArchiveError as exc:
        raise archive_failure(exc) from None


def cmd_db_upgrade(ctx: Context) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from newsmon.database import first_line
    from storage import redact
    from storage.migrate import MigrationRefused, upgrade
    from storage.search import install_search
    from storage.search.build import reporting

    engine = _engine(ctx)
    try:
        # a migration or the first open that (re)builds the search index says how far it is
        with reporting(progress_line):
            before, after = upgrade(engine)
            install_search(engine)
    except (SQLAlchemyError, MigrationRefused) as exc:
        raise CliError(f"cannot upgrade {redact(ctx.db_url)}: {first_line(exc)}") from None
    if before == after:
        print(f"{redact(ctx.db_url)}: already at revision {after}")
    else:
        print(f"{redact(ctx.db_url)}: upgraded from {before or 'an empty database'} to {after}")
    return EXIT_OK


def cmd_db_current(ctx: Context) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from newsmon.database import first_line
    from storage import redact
    from storage.migrate import current_revision, head_revision

    try:
        with _engine(ctx).connect() as connection:
            revision = current_revision(connection)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot open {redact(ctx.db_url)}: {first_line(exc)}") from None
    head = head_revision()
    state = (
        "up to date"
        if revision == head
        else f"out of date (newest: {head}; run `newsmon db upgrade`)"
    )
    print(f"{redact(ctx.db_url)}: revision {revision or 'none'}, {state}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the ``newsmon`` parser."""
    p = sub.add_parser("config", parents=[common], help="install or check the configuration")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser(
        "init",
        parents=[common],
        help="write the shipped Jiangsu sites to the default config path (or --config)",
    )
    q.add_argument("--force", action="store_true", help="replace an existing file")
    q.set_defaults(func=cmd_config_init)
    q = actions.add_parser("check", parents=[common], help="validate the config and list its sites")
    q.add_argument(
        "--online",
        action="store_true",
        help="fetch each start page once and count its article links (flags sites with none)",
    )
    q.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS", help=argparse.SUPPRESS)
    q.set_defaults(func=cmd_config_check)

    p = sub.add_parser("db", parents=[common], help="schema migrations of the archive")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser(
        "upgrade", parents=[common], help="create or upgrade the schema (Alembic)"
    )
    q.set_defaults(func=cmd_db_upgrade)
    q = actions.add_parser("current", parents=[common], help="show the schema revision")
    q.set_defaults(func=cmd_db_current)
    from newsmon.cli.archive import cmd_db_compact, cmd_db_stats

    q = actions.add_parser(
        "stats", parents=[common], help="bytes of the archive by part, in all and per article"
    )
    q.add_argument("--format", choices=["table", "json"], default="table")
    q.set_defaults(func=cmd_db_stats)
    q = actions.add_parser(
        "compact",
        parents=[common],
        help="rewrite the archive without unused space (SQLite: VACUUM; PostgreSQL: VACUUM FULL)",
    )
    q.set_defaults(func=cmd_db_compact)
