"""``newsmon demo``: the sample portal served on 127.0.0.1, monitored, and its archive queried."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.config import home_dir, load_config
from newsmon.cli.archive import cmd_query
from newsmon.cli.context import CliError, Context, tcp_port
from newsmon.cli.crawl import run_monitor
from newsmon.sample_site import DEMO_PORT, DemoSite, SampleSite
from storage import redact


def cmd_demo(ctx: Context) -> int:
    """Generate the sample site, serve it on 127.0.0.1, run the monitor on it and query the archive."""
    ctx.check_crawl_settings({})  # the demo crawls, then searches
    ctx.check_search_settings()
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


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``demo`` to the ``newsmon`` parser."""
    p = sub.add_parser(
        "demo", parents=[common], help="monitor a generated sample portal on 127.0.0.1 and query it"
    )
    p.add_argument(
        "--port",
        type=tcp_port,
        default=DEMO_PORT,
        help=f"port of the sample site on 127.0.0.1 (default {DEMO_PORT})",
    )
    p.set_defaults(func=cmd_demo)
