"""Commands that run the extractor without crawling: extract (a saved page or one URL, no
database), rematch (the archive against the keywords again), reextract (stored pages again)."""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

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
from newsmon.dates import SHANGHAI


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

    p = sub.add_parser(
        "rematch",
        parents=[common],
        help="flag stored articles against the configured keywords (no fetching)",
    )
    p.set_defaults(func=cmd_rematch)

    p = sub.add_parser(
        "reextract",
        parents=[common],
        help="re-parse stored pages with the current extractor (no fetching)",
    )
    p.add_argument(
        "--all", action="store_true", help="also pages already extracted by this version"
    )
    p.set_defaults(func=cmd_reextract)
