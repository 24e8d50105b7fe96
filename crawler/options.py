"""newsmon's own Scrapy settings resolved against the config file and the environment."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings

from newsmon.config import Config, load_config, resolve_db_url


@dataclass(frozen=True, slots=True)
class Options:
    config: Config
    db_url: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]


def options_from_settings(settings: BaseSettings) -> Options:
    """``NEWSMON_*`` settings win; then the config file (``NEWSMON_CONFIG``); then the defaults."""
    config = load_config(settings.get("NEWSMON_CONFIG"))
    keywords = settings.getlist("NEWSMON_KEYWORDS") if settings.get("NEWSMON_KEYWORDS") else None
    exclude = settings.getlist("NEWSMON_EXCLUDE") if settings.get("NEWSMON_EXCLUDE") else None
    return Options(
        config=config,
        db_url=resolve_db_url(settings.get("NEWSMON_DB_URL"), config),
        keywords=tuple(keywords) if keywords is not None else config.keywords,
        exclude=tuple(exclude) if exclude is not None else config.exclude,
    )
