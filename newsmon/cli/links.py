"""``newsmon links``: what newsmon would do with a listing page — and ``config check --online``.

``newsmon links FILE|URL [--url BASE] [--site NAME] [--format table|json]`` lists the
article links in page order, the next page, the other pages of an e-paper edition, and
every other link with the reason it is left: ``off-site``, ``navigation``, ``not an
article``, ``robots`` (a URL given on the command line only: its robots.txt is read).
This is how a user checks a new site before adding it.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crawler.config import SiteProfile
from newsmon.cli.context import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    USER_AGENT,
    CliError,
    Context,
    check_http_url,
    to_json,
)
from newsmon.cli.extract import _fetch
from newsmon.dates import SHANGHAI


def _robots(url: str, timeout: float = 10.0) -> Callable[[str], bool] | None:
    """robots.txt's verdict for newsmon's user agent; None (everything allowed) when there is none."""
    from urllib.parse import urlsplit

    from protego import Protego

    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    request = urllib.request.Request(robots_url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        return None
    parser = Protego.parse(text)
    return lambda u: bool(parser.can_fetch(u, USER_AGENT))


def read_page(
    data: bytes,
    content_type: str | None,
    page_url: str,
    profile: SiteProfile | None,
    allowed: Callable[[str], bool] | None = None,
) -> Any:
    """The :class:`crawler.listing.Listing` of a page (or of a JSON listing API's answer)."""
    from crawler import listing
    from crawler.listing import jsonapi

    urls = [page_url]
    pattern = None
    domains: list[str] = []
    if profile is not None:
        urls += [*profile.start_urls, *profile.sitemaps, *profile.feeds, profile.listing_api]
        if profile.epaper:
            urls.append(profile.epaper.split("{", 1)[0])
        domains = profile.allowed_domains
        pattern = re.compile(profile.article_url_pattern) if profile.article_url_pattern else None
    scope = listing.Scope.of_site(u for u in urls if u)
    if domains:
        scope = listing.Scope.of_site([], domains)
    stripped = data.lstrip()[:1]
    if stripped in (b"{", b"[") and profile is not None and profile.item_url:
        document = jsonapi.load(data)
        result = listing.Listing()
        for value in jsonapi.values_at(document, profile.item_url):
            if not isinstance(value, str):
                continue
            if "<" in value:
                part = listing.read_listing(
                    value, page_url, scope=scope, pattern=pattern, allowed=allowed
                )
                result.links += [u for u in part.links if u not in result.links]
                result.dropped += part.dropped
            else:
                url = listing.absolute(value, page_url)
                if url and scope.contains(url) and url not in result.links:
                    result.links.append(url)
                elif url:
                    result.dropped.append(listing.Dropped(url, "off-site"))
        return result
    text = listing.decode(data, content_type)
    return listing.read_listing(text, page_url, scope=scope, pattern=pattern, allowed=allowed)


def cmd_links(ctx: Context) -> int:
    source: str = ctx.args.source
    profile = ctx.config.site(ctx.args.site) if ctx.args.site else None
    allowed = None
    content_type = None
    if "://" in source:
        check_http_url(source)
        data, content_type, final_url = _fetch(source)
        page_url = ctx.args.url or final_url
        allowed = _robots(final_url)
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise CliError(f"{source}: no such file", EXIT_USAGE) from None
        except IsADirectoryError:
            raise CliError(f"{source}: is a directory, not a saved page", EXIT_USAGE) from None
        page_url = ctx.args.url or (profile.start_urls[0] if profile and profile.start_urls else "")
        if not page_url:
            raise CliError(
                f"{source}: give the page's address with --url (links are resolved against it)",
                EXIT_USAGE,
            )
        check_http_url(page_url)
    try:
        result = read_page(data, content_type, page_url, profile, allowed)
    except ValueError as exc:
        raise CliError(f"{source}: {exc}") from None
    if ctx.args.format == "json":
        print(to_json(result.as_json()))
        return EXIT_OK
    print(f"{page_url}: {len(result.links)} article links")
    for n, url in enumerate(result.links, 1):
        print(f"  {n:>3}  {url}")
    print(f"next page: {result.next_page or 'none'}")
    if result.pages:
        print(f"other pages of this edition ({len(result.pages)}):")
        for url in result.pages:
            print(f"       {url}")
    print(f"left ({len(result.dropped)}):")
    for dropped in result.dropped:
        print(f"  {dropped.reason:<15} {dropped.url}")
    return EXIT_OK


def _first_sources(profile: SiteProfile) -> list[str]:
    from crawler.listing import epaper, jsonapi

    sources = list(profile.start_urls)
    if profile.listing_api:
        sources.append(jsonapi.page_url(profile.listing_api, 1))
    if profile.epaper:
        today = datetime.now(SHANGHAI).date()
        sources.append(epaper.edition_url(profile.epaper, today))
        sources.append(epaper.edition_url(profile.epaper, today - timedelta(days=1)))
    return sources


def check_online(ctx: Context) -> int:
    """Fetch each site's start pages once: how many article links, which next page."""
    flagged = 0
    for profile in ctx.config.sites:
        found = 0
        for url in _first_sources(profile):
            try:
                data, content_type, final_url = _fetch(url, timeout=ctx.args.timeout)
                result = read_page(data, content_type, final_url, profile)
            except (CliError, ValueError) as exc:
                print(f"  {profile.name}: {exc}")
                continue
            found += len(result.links)
            extra = f", {len(result.pages)} more pages" if result.pages else ""
            print(
                f"  {profile.name}: {url}: {len(result.links)} article links, "
                f"next page {result.next_page or 'none'}{extra}"
            )
            if result.links and profile.epaper and url in _first_sources(profile)[-2:]:
                break  # one edition that reads is enough
        if not found and (profile.start_urls or profile.listing_api or profile.epaper):
            flagged += 1
            print(f"  {profile.name}: NO ARTICLE LINKS: check it with `newsmon links URL`")
    if flagged:
        print(f"{flagged} site(s) yield no article links", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``newsmon links`` to the parser."""
    p = sub.add_parser(
        "links",
        parents=[common],
        help="show what newsmon reads on a listing page: article links, next page, what it leaves",
    )
    p.add_argument("source", metavar="FILE|URL", help="a saved listing page or its URL")
    p.add_argument("--url", metavar="BASE", help="the page's address (needed for a saved file)")
    p.add_argument("--site", metavar="NAME", help="read it as this configured site would")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_links)
