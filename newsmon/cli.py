"""The ``newsmon`` command line: the parser and the entry point; the commands live in their modules.

Expected failures (bad input, an unreachable database, a page that is not an
article) print one line on stderr and exit non-zero; they never show a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsmon import (
    __version__,
    commands_archive,
    commands_config,
    commands_crawl,
    commands_schedule,
)
from newsmon.clikit import EXIT_OK, CliError, Context

#: Modules with a ``register(subparsers, common)`` function, in help order.
COMMAND_MODULES = (commands_crawl, commands_archive, commands_schedule, commands_config)


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

    for module in COMMAND_MODULES:
        module.register(sub, common)
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
