"""``newsmon schedule``: the scheduler (:mod:`newsmon.scheduling.service`) from the newsmon command line."""

from __future__ import annotations

import argparse
from typing import Any

from newsmon.cli.context import CliError, Context
from storage.migrate import SchemaOutOfDate


def cmd_schedule(ctx: Context) -> int:
    from newsmon.scheduling import service

    service.setup_logging(ctx.args.verbose)
    try:
        return service.run(
            ctx.config,
            ctx.db_url,
            list_only=ctx.args.list,
            once=ctx.args.once,
            verbose=ctx.args.verbose,
            distributed=ctx.args.distributed,
        )
    except SchemaOutOfDate as exc:
        raise CliError(str(exc)) from None


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
