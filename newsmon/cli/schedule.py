"""``newsmon schedule``: the scheduler (:mod:`newsmon.scheduling.service`) from the newsmon command line."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.config import db_url_and_origin
from newsmon.cli.context import Context, archive_failure
from newsmon.database import ArchiveError


def cmd_schedule(ctx: Context) -> int:
    from newsmon.scheduling import service

    service.setup_logging(ctx.args.verbose)
    db_url, db_origin = db_url_and_origin(ctx.args.db, ctx.config)
    try:
        return service.run(
            ctx.config,
            db_url,
            list_only=ctx.args.list,
            once=ctx.args.once,
            verbose=ctx.args.verbose,
            distributed=ctx.args.distributed,
            db_origin=db_origin,
        )
    except ArchiveError as exc:
        raise archive_failure(exc) from None


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``schedule`` to the ``newsmon`` parser."""
    p = sub.add_parser(
        "schedule",
        parents=[common],
        help="re-crawl the configured sites on their schedules and alert on new matches",
        description="The same as `python scheduler.py`: runs until SIGTERM/SIGINT.",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="print each job and its next run time")
    mode.add_argument(
        "--once", action="store_true", help="run every site once, deliver its alerts and exit"
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="queue due sites on the Redis frontier for `newsmon worker`s instead of crawling here",
    )
    p.set_defaults(func=cmd_schedule)
