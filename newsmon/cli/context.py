"""What every ``newsmon`` command shares: the error type and exit codes, argument types,
output formats, and the context (the config and the database, opened once per command)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from crawler.config import Config, db_url_and_origin, default_db_url, load_config
from newsmon import __version__
from newsmon.dates import parse_day

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
USER_AGENT = f"newsmon/{__version__} (news monitor)"


class CliError(Exception):
    """An expected failure: its message is printed as one line, with the exit code given."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- helpers


def check_http_url(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise CliError(f"not an http(s) URL: {url}", EXIT_USAGE)
    return url


def since_arg(value: str) -> datetime:
    return parse_day(value)


def until_arg(value: str) -> datetime:
    """``--until 2023-01-31`` includes the whole of that day."""
    return parse_day(value, end=True)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def tcp_port(value: str) -> int:
    """``--port``: 0 (any free port) to 65535; argparse reports anything else as a usage error."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError("must be a TCP port (0-65535)")
    return number


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """Cut/pad ``text`` to ``width`` terminal columns (CJK characters take two)."""
    out: list[str] = []
    used = 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            if out:
                out[-1] = "…"
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - text_width("".join(out)))


def table(rows: Sequence[Sequence[str]], headers: Sequence[str], widths: Sequence[int]) -> str:
    lines = ["  ".join(fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append("  ".join(fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


class Context:
    """What every command may need, built lazily: the config and the database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        """The TOML config, loaded once (a ConfigError is reported by ``main`` as a usage error)."""
        if self._config is None:
            self._config = load_config(self.args.config)
        return self._config

    @property
    def db_url(self) -> str:
        return db_url_and_origin(self.args.db, self.config)[0]

    def check_crawl_settings(self, overrides: Mapping[str, Any]) -> None:
        """Before a command crawls: a bad ``NEWSMON_EXTRACT_*``/``NEWSMON_STORE_PROCESS``
        (``--set``, else the environment) is a SettingError, which ``main`` reports as a
        bad config is reported (one line, exit status 2), and no crawl starts."""
        from crawler.store_writer import check_crawl_settings

        check_crawl_settings(overrides)

    def check_search_settings(self) -> None:
        """Before a command searches (or serves search): a bad ``NEWSMON_SEARCH_COUNT_LIMIT``
        is a usage error now, not a failure of every search."""
        from storage.search.query import count_limit

        try:
            count_limit()
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None

    def sessions(self, *, existing: bool = False) -> Any:
        """Sessions on the archive, its schema made or brought up to date.

        ``existing``: for commands that only read (query, show, runs, report, db stats) an
        SQLite archive named by ``--db``, ``$NEWSMON_DB_URL`` or the config must exist
        already: a mistyped path would otherwise be a new, empty archive, and "no articles
        match" a lie. (The default archive of a fresh install is empty, not missing.)
        """
        from sqlalchemy.orm import sessionmaker

        from newsmon.database import ArchiveError, missing_sqlite_file, open_archive
        from storage.search.build import reporting

        url, origin = db_url_and_origin(self.args.db, self.config)
        missing = missing_sqlite_file(url) if existing and url != default_db_url() else None
        if missing is not None:
            raise CliError(
                f"no archive at {missing} ({origin}): nothing has been stored there;"
                " check --db, $NEWSMON_DB_URL or $NEWSMON_HOME"
            )
        try:
            # an archive whose search index is (re)built as it opens says how far that is
            with reporting(progress_line):
                engine = open_archive(url, origin)
        except ArchiveError as exc:
            raise archive_failure(exc) from None
        return sessionmaker(engine, expire_on_commit=False)


def progress_line(line: str) -> None:
    """A line of a long task's progress (the search index being built), on stderr."""
    print(line, file=sys.stderr, flush=True)


def archive_failure(exc: Exception) -> CliError:
    """A :class:`newsmon.database.ArchiveError` as the command's error: 2 for a bad URL, else 1."""
    return CliError(str(exc), EXIT_USAGE if getattr(exc, "usage", False) else EXIT_FAILED)


def output_records(
    records: list[dict[str, Any]], fmt: str, render_table: Callable[[], str]
) -> None:
    """Print ``records`` as JSON, JSON lines, CSV (no body/sections) or the table ``render_table`` makes."""
    if fmt == "json":
        print(to_json(records))
    elif fmt == "jsonl":
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        fields = [k for k in records[0] if k not in ("body", "sections")] if records else ["id"]
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(
                {
                    k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
                    for k, v in record.items()
                }
            )
        sys.stdout.write(buffer.getvalue())
    else:
        print(render_table())
