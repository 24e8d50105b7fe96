"""The options a crawl runs with, resolved once and carried in the Scrapy settings as one object.

Every component (spiders, pipelines, middlewares) reads the same :class:`Options`
from the ``NEWSMON_OPTIONS`` setting in its ``from_crawler`` and never parses
the config file itself, so no two parts of one crawl can disagree about the
database, the keywords or the site profiles.

Two ways to set it:

- a Python caller (the newsmon CLI and scheduler) that has already loaded the
  config merges :func:`options_settings` into the crawl's settings;
- otherwise (``scrapy crawl article -a url=...`` in the project folder) the
  :class:`OptionsAddon` resolves it once, before any crawler exists, from the
  ``NEWSMON_CONFIG``/``NEWSMON_DB_URL``/``NEWSMON_KEYWORDS``/``NEWSMON_EXCLUDE``
  settings and the environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.config import Config, load_config, resolve_db_url

#: The setting that carries the crawl's :class:`Options`.
OPTIONS_SETTING = "NEWSMON_OPTIONS"


@dataclass(frozen=True, slots=True)
class Options:
    config: Config
    db_url: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...]


def resolve_options(
    config: Config,
    db_url: str | None = None,
    keywords: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> Options:
    """``db_url``/``keywords``/``exclude`` win when given; else ``$NEWSMON_DB_URL`` and the config's."""
    return Options(
        config=config,
        db_url=resolve_db_url(db_url, config),
        keywords=tuple(keywords) if keywords is not None else config.keywords,
        exclude=tuple(exclude) if exclude is not None else config.exclude,
    )


def options_settings(
    config: Config,
    db_url: str | None = None,
    keywords: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The settings to merge into a crawl's so that it runs with these options (see :func:`resolve_options`)."""
    return {OPTIONS_SETTING: resolve_options(config, db_url, keywords, exclude)}


def options_from_settings(settings: BaseSettings) -> Options:
    """``NEWSMON_*`` settings win; then the config file (``NEWSMON_CONFIG``); then the defaults."""
    config = load_config(settings.get("NEWSMON_CONFIG"))
    keywords = settings.getlist("NEWSMON_KEYWORDS") if settings.get("NEWSMON_KEYWORDS") else None
    exclude = settings.getlist("NEWSMON_EXCLUDE") if settings.get("NEWSMON_EXCLUDE") else None
    return resolve_options(config, settings.get("NEWSMON_DB_URL"), keywords, exclude)


def crawler_options(crawler: Crawler) -> Options:
    """The options of this crawl, as set by :func:`options_settings` or :class:`OptionsAddon`."""
    options = crawler.settings.get(OPTIONS_SETTING)
    if not isinstance(options, Options):
        raise RuntimeError(
            f"{OPTIONS_SETTING} is not set: merge crawler.options.options_settings(...) into the "
            "crawl's settings, or keep crawler.options.OptionsAddon in ADDONS"
        )
    return options


class OptionsAddon:
    """Scrapy add-on: resolve ``NEWSMON_OPTIONS`` from the settings and environment when no caller set it.

    It runs in ``update_pre_crawler_settings``, once per crawler process and
    before any crawler is created: a spider's ``from_crawler`` (which runs
    before an add-on's ``update_settings``) already needs the site profile.
    Each crawler then gets its copy of the one resolved object with its settings.
    """

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        if settings.get(OPTIONS_SETTING) is None:
            settings.set(OPTIONS_SETTING, options_from_settings(settings), priority="project")
