"""Opening the archive for a command or the scheduler, with failures said in one line.

Every entry point (``newsmon`` commands, ``newsmon schedule``, ``python scheduler.py``)
opens the database through :func:`open_engine` and :func:`open_archive`, so a URL that
cannot be parsed, a folder that cannot be made, a file that is not a database or a server
that does not answer is an :class:`ArchiveError` — one line naming the URL (password
hidden) and what went wrong — and never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from storage import create_schema, make_engine, redact
from storage.migrate import SchemaOutOfDate


class ArchiveError(Exception):
    """The archive cannot be opened; ``usage`` when the URL itself is wrong (exit status 2)."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def first_line(exc: BaseException) -> str:
    """An exception's first line (SQLAlchemy's messages go on with SQL and links)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_engine(url: str, origin: str) -> Engine:
    """The engine for ``url`` (``origin`` says where the URL came from: ``--db``, a variable, …)."""
    try:
        return make_engine(url)
    except (ArgumentError, ValueError) as exc:  # not a URL, a bad port, an unknown database
        raise ArchiveError(
            f"{origin}: not a database URL ({exc}): {redact(url)!r}; "
            "expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
            usage=True,
        ) from None
    except OSError as exc:  # SQLite's folder cannot be made
        where = f": {exc.filename}" if exc.filename else ""
        raise ArchiveError(
            f"cannot open database {redact(url)}: cannot make its folder"
            f" ({exc.strerror or exc}{where})"
        ) from None


def schema_error(url: str, exc: Exception) -> ArchiveError:
    """What :func:`storage.create_schema` raising ``exc`` means for the user."""
    if isinstance(exc, SchemaOutOfDate):
        return ArchiveError(f"{redact(url)}: {exc}")
    return ArchiveError(f"cannot open database {redact(url)}: {first_line(exc)}")


def open_archive(url: str, origin: str) -> Engine:
    """:func:`open_engine`, and the schema created or brought up to date."""
    engine = open_engine(url, origin)
    try:
        create_schema(engine)
    except (SchemaOutOfDate, SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise schema_error(url, exc) from None
    return engine


def missing_sqlite_file(url: str) -> Path | None:
    """The file of an SQLite ``url`` that does not exist yet (None for a file that does, for
    PostgreSQL, or for a URL that cannot be parsed: :func:`open_engine` says why)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    return None if path.exists() else path
