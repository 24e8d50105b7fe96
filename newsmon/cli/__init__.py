"""The ``newsmon`` command line: the parser and the entry point; the commands live in their modules.

Expected failures (bad input, a bad config, an unreachable database, a page that is
not an article) print one line on stderr and exit non-zero; they never show a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from crawler.config import ConfigError, default_config_path, default_db_url
from newsmon import __version__
from newsmon.cli import archive, config, crawl, demo, extract, links, report, schedule
from newsmon.cli.context import EXIT_OK, EXIT_USAGE, CliError, Context

#: Modules with a ``register(subparsers, common)`` function, in help order.
COMMAND_MODULES = (extract, links, crawl, demo, archive, report, schedule, config)


def _common_options(top: bool) -> argparse.ArgumentParser:
    """``--db``, ``--config`` and ``-v``, accepted before the command and after it.

    The command's copy has no defaults (``SUPPRESS``): given before the command, an
    option is not overwritten by the command's unset copy; given after it, it wins."""
    common = argparse.ArgumentParser(add_help=False)
    unset: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    common.add_argument(
        "--db",
        metavar="URL",
        help=(
            "database URL (default: $NEWSMON_DB_URL, else the config's [database] url,"
            f" else {default_db_url()})"
        ),
        **unset,
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        # The path that is used here, from NEWSMON_HOME or XDG_CONFIG_HOME, if it exists.
        help=f"TOML config (default: $NEWSMON_CONFIG, else {default_config_path()} if it exists)",
        **unset,
    )
    common.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log", **unset)
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        parents=[_common_options(top=True)],
        description="Monitor Chinese regional news sites and query the archive.",
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    # The scheduler starts its crawls as `newsmon --parent PID monitor SITE ...`: such a
    # child stops when that process is gone (not for people, so not in the help).
    parser.add_argument("--parent", type=int, metavar="PID", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = _common_options(top=False)
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.parent is not None and not getattr(args, "forks_first", False):
        from newsmon.scheduling.child import die_with_parent

        die_with_parent(args.parent)  # (a thread; the commands that crawl start it later)
    try:
        try:
            return int(args.func(Context(args)))
        except ConfigError as exc:  # a bad config file, key or site name: the user's to fix
            raise CliError(str(exc), EXIT_USAGE) from None
    except CliError as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("newsmon: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
