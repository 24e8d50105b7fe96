"""newsmon's configuration: the TOML file, the environment variables and their defaults, in one place."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_DB_URL = "NEWSMON_DB_URL"
ENV_CONFIG = "NEWSMON_CONFIG"
ENV_HOME = "NEWSMON_HOME"
ENV_REDIS_URL = "NEWSMON_REDIS_URL"

#: The topic newsmon was built for; used when no config file names keywords.
DEFAULT_KEYWORDS: tuple[str, ...] = ("新春第一会",)


class ConfigError(Exception):
    """The config file is missing or invalid; the message names the file, key and line."""


class SettingError(ConfigError, ValueError):
    """A ``NEWSMON_*`` setting or environment variable has a bad value; the message names
    it and what it accepts. The command line reports it as it reports a bad config: one
    line, exit status 2, before any crawl or server starts."""


def switch(settings: Any, name: str, default: bool) -> bool:
    """An on/off ``NEWSMON_*`` value: the Scrapy setting (``settings``: a crawl's settings or
    any mapping), else the environment variable, else ``default``; a bad one raises
    :class:`SettingError` naming it and what it accepts."""
    setting = settings.get(name) if settings is not None else None
    value = os.environ.get(name) if setting in (None, "") else setting
    text = ("1" if default else "0") if value in (None, "") else str(value).strip().lower()
    if text in ("0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise SettingError(f"{name} must be 0 or 1 (or false/true, no/yes, off/on), not {text!r}")


#: Seconds one page's extraction may take in a worker (``NEWSMON_EXTRACT_TIMEOUT``).
DEFAULT_TIMEOUT = 30.0


def default_processes() -> int:
    """Extraction worker processes by default: one per core beyond the first; none on one or
    two cores (why: crawler.extract_pool's module docstring)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 0 if cores <= 2 else cores - 1


def configured(settings: Any) -> tuple[int, float]:
    """The extraction pool's ``(processes, timeout)`` (``NEWSMON_EXTRACT_PROCESSES``,
    ``NEWSMON_EXTRACT_TIMEOUT``) from the Scrapy settings, else the environment, else defaults.

    A bad value raises :class:`SettingError` naming the variable and what it accepts; the
    command line calls this before it starts a crawl, the spiders when one starts. (Here, not
    in ``crawler.extract_pool``, which imports Twisted: the command line reads these before
    it forks the fork server of the crawl's processes, ``crawler.forkserver``.)
    """

    def value(name: str) -> str | None:
        setting = settings.get(name) if settings is not None else None
        text = os.environ.get(name) if setting in (None, "") else setting
        return None if text in (None, "") else str(text).strip()

    processes_text = value("NEWSMON_EXTRACT_PROCESSES")
    timeout_text = value("NEWSMON_EXTRACT_TIMEOUT")
    processes = default_processes()
    if processes_text is not None:
        try:
            processes = int(processes_text)
        except ValueError:
            processes = -1
        if processes < 0:
            raise SettingError(
                "NEWSMON_EXTRACT_PROCESSES must be a whole number of processes, 0 or more "
                f"(0: extract in the crawling process), not {processes_text!r}"
            )
    timeout = DEFAULT_TIMEOUT
    if timeout_text is not None:
        try:
            timeout = float(timeout_text)
        except ValueError:
            timeout = math.nan
        if not (math.isfinite(timeout) and timeout > 0):
            raise SettingError(
                f"NEWSMON_EXTRACT_TIMEOUT must be a number of seconds above 0, not {timeout_text!r}"
            )
    return processes, timeout


def home_dir() -> Path:
    """Where newsmon keeps its data: ``$NEWSMON_HOME``, else ``$XDG_DATA_HOME/newsmon``, else ``~/.local/share/newsmon``."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "newsmon"


def default_config_path() -> Path:
    """``$NEWSMON_HOME/config.toml`` when NEWSMON_HOME is set, else ``~/.config/newsmon/config.toml``."""
    if os.environ.get(ENV_HOME):
        return home_dir() / "config.toml"
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "newsmon" / "config.toml"


def default_db_url() -> str:
    return f"sqlite:///{home_dir() / 'newsmon.sqlite3'}"


@dataclass(slots=True)
class SiteProfile:
    """One ``[[sites]]`` table: where to look for articles and how politely."""

    name: str
    start_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    article_url_pattern: str = ""
    #: hosts or domains the site's links may go to (default: the registrable domains of its URLs)
    allowed_domains: list[str] = field(default_factory=list)
    #: a JSON listing ("加载更多"): URL template with {page}, and the path of the article URLs
    listing_api: str = ""
    item_url: str = ""
    #: an e-paper edition's first page, with {date:%Y%m}-style placeholders
    epaper: str = ""
    max_listing_pages: int = 50
    interval_minutes: float | None = None
    cron: str | None = None
    concurrency: int = 4
    download_delay: float = 0.5
    autothrottle: bool = True
    verifiable_offline: bool = True


#: A ``[web] token`` shorter than this is refused: it guards crawls started from the network.
MIN_TOKEN_LENGTH = 16


@dataclass(slots=True)
class WebSettings:
    """The ``[web]`` table: who may start crawls from ``newsmon serve``.

    No token: the endpoints that start crawls are off (they answer 404 and say so).
    """

    #: the shared secret of POST /api/crawl, POST /api/sites/{name}/run and the runs page's form
    token: str | None = field(default=None, repr=False)
    #: crawls started from the web that may run at once (more: 429)
    max_crawls: int = 2


@dataclass(slots=True)
class Config:
    path: Path | None = None
    database_url: str | None = None
    redis_url: str | None = None
    #: seconds a request fingerprint stays in the shared frontier's seen-set
    redis_seen_ttl: int = 7 * 24 * 3600
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    exclude: tuple[str, ...] = ()
    #: days a link that led to no article stays ignored before it is tried again
    forget_ignored_days: float = 30.0
    sites: list[SiteProfile] = field(default_factory=list)
    alerts: dict[str, Any] = field(default_factory=dict)
    web: WebSettings = field(default_factory=WebSettings)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def site(self, name: str) -> SiteProfile:
        for profile in self.sites:
            if profile.name == name:
                return profile
        known = ", ".join(p.name for p in self.sites) or "none configured"
        raise ConfigError(f"no site named {name!r} in {self.path or 'the config'} (sites: {known})")


def _line_of(text: str, key: str, after: int = 0) -> int | None:
    """1-based line of the first ``key =`` at or after line ``after``, for error messages."""
    # (spaces and tabs only before the key: ``\s`` would reach back over blank lines)
    pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.MULTILINE)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if line >= after:
            return line
    return None


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, key: str, message: str, after: int = 0) -> ConfigError:
        line = _line_of(self.text, key.rsplit(".", 1)[-1], after)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {key}: {message}")

    def get(
        self,
        table: dict[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        qualified: str,
        default: Any,
        after: int = 0,
    ) -> Any:
        if key not in table:
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            name = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.fail(qualified, f"expected {name}, got {type(value).__name__}", after)
        return value

    def known(self, table: dict[str, Any], prefix: str, keys: set[str]) -> None:
        """ConfigError for the first key of ``table`` not in ``keys`` (``prefix``: the table's name)."""
        unknown = sorted(set(table) - keys)
        if not unknown:
            return
        message = f"unknown {'key' if prefix else 'table'} (known: {', '.join(sorted(keys))})"
        if prefix:
            raise self.fail(f"{prefix}.{unknown[0]}", message)
        header = re.search(rf"^[ \t]*\[+[ \t]*{re.escape(unknown[0])}[ \t]*[\].]", self.text, re.M)
        if header is None:  # a top-level key, not a table
            raise self.fail(unknown[0], message)
        line = self.text.count("\n", 0, header.start()) + 1
        raise ConfigError(f"{self.path}:{line}: {unknown[0]}: {message}")

    def strings(self, table: dict[str, Any], key: str, qualified: str, after: int = 0) -> list[str]:
        values = self.get(table, key, list, qualified, [], after)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(qualified, "expected a list of non-empty strings", after)
        return [v.strip() for v in values]


#: The config's top-level tables ([scheduler] and [alerts] are read by newsmon's scheduler).
_TABLES = {"database", "redis", "monitor", "alerts", "web", "sites", "scheduler"}

_SITE_KEYS = {
    "name",
    "start_urls",
    "sitemaps",
    "feeds",
    "article_url_pattern",
    "allowed_domains",
    "listing_api",
    "item_url",
    "epaper",
    "max_listing_pages",
    "interval_minutes",
    "cron",
    "concurrency",
    "download_delay",
    "autothrottle",
    "verifiable_offline",
}


def _parse(path: Path, text: str) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    r = _Reader(path, text)
    config = Config(path=path, raw=data)
    # A misspelt table or key ([alert], keyword = [...]) would otherwise be dropped without a
    # word, and newsmon would run on its defaults: no alerts, the default keyword.
    r.known(data, "", _TABLES)

    database = r.get(data, "database", dict, "database", {})
    r.known(database, "database", {"url"})
    url = r.get(database, "url", str, "database.url", None)
    config.database_url = url or None

    redis = r.get(data, "redis", dict, "redis", {})
    r.known(redis, "redis", {"url", "seen_ttl_hours"})
    config.redis_url = r.get(redis, "url", str, "redis.url", None) or None
    if config.redis_url and not config.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise r.fail("redis.url", f"not a redis:// URL: {config.redis_url!r}")
    config.redis_seen_ttl = (
        r.get(redis, "seen_ttl_hours", float, "redis.seen_ttl_hours", 168.0) * 3600
    )
    if config.redis_seen_ttl <= 0:
        raise r.fail("redis.seen_ttl_hours", "must be positive")
    config.redis_seen_ttl = int(config.redis_seen_ttl)

    monitor = r.get(data, "monitor", dict, "monitor", {})
    r.known(monitor, "monitor", {"keywords", "exclude", "forget_ignored_days"})
    if "keywords" in monitor:
        keywords = r.strings(monitor, "keywords", "monitor.keywords")
        config.keywords = tuple(keywords)
    config.exclude = tuple(r.strings(monitor, "exclude", "monitor.exclude"))
    config.forget_ignored_days = float(
        r.get(monitor, "forget_ignored_days", float, "monitor.forget_ignored_days", 30.0)
    )
    if config.forget_ignored_days <= 0:
        raise r.fail("monitor.forget_ignored_days", "must be positive")

    config.alerts = r.get(data, "alerts", dict, "alerts", {})
    config.web = _web(r, r.get(data, "web", dict, "web", {}))

    sites = r.get(data, "sites", list, "sites", [])
    names: set[str] = set()
    # Line of each [[sites]] header, so errors inside a site table point at its own lines.
    headers = [
        text.count("\n", 0, m.start()) + 1
        for m in re.finditer(r"^\s*\[\[sites\]\]", text, re.MULTILINE)
    ]
    for index, table in enumerate(sites):
        site_line = headers[index] if index < len(headers) else 0
        if not isinstance(table, dict):
            raise r.fail("sites", "each [[sites]] entry must be a table", site_line)
        unknown = sorted(set(table) - _SITE_KEYS)
        if unknown:
            raise r.fail(f"sites[{index}].{unknown[0]}", "unknown key", site_line)
        name = r.get(table, "name", str, f"sites[{index}].name", "", site_line).strip()
        if not name:
            raise r.fail(f"sites[{index}].name", "every site needs a non-empty name", site_line)
        if name in names:
            raise r.fail(f"sites[{index}].name", f"duplicate site name {name!r}", site_line)
        names.add(name)
        q = f"sites[{name}]"
        profile = SiteProfile(name=name)
        profile.start_urls = r.strings(table, "start_urls", f"{q}.start_urls", site_line)
        profile.sitemaps = r.strings(table, "sitemaps", f"{q}.sitemaps", site_line)
        profile.feeds = r.strings(table, "feeds", f"{q}.feeds", site_line)
        for key, values in (
            ("start_urls", profile.start_urls),
            ("sitemaps", profile.sitemaps),
            ("feeds", profile.feeds),
        ):
            for value in values:
                if not value.startswith(("http://", "https://")):
                    raise r.fail(f"{q}.{key}", f"not an http(s) URL: {value!r}", site_line)
        pattern = r.get(
            table, "article_url_pattern", str, f"{q}.article_url_pattern", "", site_line
        )
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise r.fail(
                    f"{q}.article_url_pattern", f"invalid regex: {exc}", site_line
                ) from None
        profile.article_url_pattern = pattern
        _read_discovery(r, table, profile, q, site_line)
        profile.max_listing_pages = r.get(
            table, "max_listing_pages", int, f"{q}.max_listing_pages", 50, site_line
        )
        interval = r.get(table, "interval_minutes", float, f"{q}.interval_minutes", None, site_line)
        if interval is not None and interval <= 0:
            raise r.fail(f"{q}.interval_minutes", "must be positive", site_line)
        profile.interval_minutes = interval
        profile.cron = r.get(table, "cron", str, f"{q}.cron", None, site_line)
        if profile.cron and interval is not None:
            raise r.fail(f"{q}.cron", "give either cron or interval_minutes, not both", site_line)
        profile.concurrency = r.get(table, "concurrency", int, f"{q}.concurrency", 4, site_line)
        if profile.concurrency < 1:
            raise r.fail(f"{q}.concurrency", "must be at least 1", site_line)
        profile.download_delay = r.get(
            table, "download_delay", float, f"{q}.download_delay", 0.5, site_line
        )
        if not 0 <= profile.download_delay < float("inf"):
            raise r.fail(f"{q}.download_delay", "must be 0 or more seconds", site_line)
        profile.autothrottle = r.get(
            table, "autothrottle", bool, f"{q}.autothrottle", True, site_line
        )
        profile.verifiable_offline = r.get(
            table, "verifiable_offline", bool, f"{q}.verifiable_offline", True, site_line
        )
        if not (
            profile.start_urls
            or profile.sitemaps
            or profile.feeds
            or profile.listing_api
            or profile.epaper
        ):
            raise r.fail(
                f"{q}.start_urls",
                "a site needs start_urls, sitemaps, feeds, listing_api or epaper",
                site_line,
            )
        config.sites.append(profile)
    return config


_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def _read_discovery(
    r: _Reader, table: dict[str, Any], profile: SiteProfile, q: str, site_line: int
) -> None:
    """``allowed_domains``, ``listing_api`` + ``item_url`` and ``epaper``: checked here, not mid-crawl."""
    domains = r.strings(table, "allowed_domains", f"{q}.allowed_domains", site_line)
    for domain in domains:
        if not _HOST.match(domain.lower().rstrip(".")):
            raise r.fail(
                f"{q}.allowed_domains",
                f"not a host or domain: {domain!r} (write e.g. jiangsu.gov.cn, no scheme or path)",
                site_line,
            )
    profile.allowed_domains = [d.lower().rstrip(".") for d in domains]
    api = r.get(table, "listing_api", str, f"{q}.listing_api", "", site_line).strip()
    item_url = r.get(table, "item_url", str, f"{q}.item_url", "", site_line).strip()
    if api:
        if not api.startswith(("http://", "https://")) or "{page}" not in api:
            raise r.fail(
                f"{q}.listing_api",
                f"expected an http(s) URL with a {{page}} placeholder, got {api!r}",
                site_line,
            )
        if not item_url:
            raise r.fail(
                f"{q}.item_url", "listing_api needs item_url (e.g. data.list[].url)", site_line
            )
        from crawler.listing.jsonapi import ItemPathError, parse_path

        try:
            parse_path(item_url)
        except ItemPathError as exc:
            raise r.fail(f"{q}.item_url", str(exc), site_line) from None
    elif item_url:
        raise r.fail(f"{q}.item_url", "item_url only makes sense with listing_api", site_line)
    profile.listing_api, profile.item_url = api, item_url
    template = r.get(table, "epaper", str, f"{q}.epaper", "", site_line).strip()
    if template:
        from crawler.listing.epaper import template_error

        error = template_error(template)
        if error:
            raise r.fail(f"{q}.epaper", error, site_line)
    profile.epaper = template


def _web(r: _Reader, table: dict[str, Any]) -> WebSettings:
    r.known(table, "web", {"token", "max_crawls"})
    web = WebSettings()
    if "token" in table:
        # The messages never quote the token: it is a secret.
        token = r.get(table, "token", str, "web.token", "")
        if not token.strip():
            raise r.fail("web.token", "empty; remove the key to keep crawls from the web off")
        if any(ch.isspace() or not ch.isprintable() for ch in token):
            raise r.fail("web.token", "must not contain spaces or control characters")
        if len(token) < MIN_TOKEN_LENGTH:
            raise r.fail(
                "web.token",
                f"too short: at least {MIN_TOKEN_LENGTH} characters "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe())')",
            )
        web.token = token
    web.max_crawls = r.get(table, "max_crawls", int, "web.max_crawls", 2)
    if web.max_crawls < 1:
        raise r.fail("web.max_crawls", "must be at least 1")
    return web


def load_config(path: str | Path | None = None) -> Config:
    """Load the config: ``path``, else ``$NEWSMON_CONFIG``, else the default location if it exists.

    A path given explicitly (argument or environment) must exist; with none
    given and no file at the default location, the built-in defaults apply.
    """
    explicit = path or os.environ.get(ENV_CONFIG)
    candidate = Path(explicit).expanduser() if explicit else default_config_path()
    if not candidate.exists():
        if explicit:
            raise ConfigError(f"{candidate}: config file not found")
        return Config()
    try:
        text = candidate.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{candidate}: cannot read config: {exc}") from None
    return _parse(candidate, text)


def resolve_redis_url(cli_value: str | None, config: Config | None = None) -> str | None:
    """The shared frontier's URL: ``--redis``, else ``$NEWSMON_REDIS_URL``, else the config's ``[redis] url``."""
    return cli_value or os.environ.get(ENV_REDIS_URL) or (config.redis_url if config else None)


def resolve_db_url(cli_value: str | None, config: Config | None = None) -> str:
    """The database URL: ``--db``, else ``$NEWSMON_DB_URL``, else the config's, else SQLite in the home dir."""
    return db_url_and_origin(cli_value, config)[0]


def db_url_and_origin(cli_value: str | None, config: Config | None = None) -> tuple[str, str]:
    """:func:`resolve_db_url`'s URL and where it came from, for messages about a bad one."""
    if cli_value:
        return cli_value, "--db"
    if os.environ.get(ENV_DB_URL):
        return os.environ[ENV_DB_URL], f"${ENV_DB_URL}"
    if config and config.database_url:
        return config.database_url, f"{config.path or 'the config'}: [database] url"
    return default_db_url(), f"the default in ${ENV_HOME}"
