"""The ``[scheduler]`` table of the config: how often, how long, how many at once."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.config import Config, ConfigError


@dataclass(slots=True)
class ScheduleSettings:
    """The ``[scheduler]`` table."""

    #: for sites with neither interval_minutes nor cron
    default_interval_minutes: float = 60.0
    #: each run starts up to this many seconds after its time (capped at a quarter of the interval)
    jitter_seconds: float = 30.0
    #: a run this late (the machine slept, every worker was busy) still happens, once (coalesced)
    misfire_grace_seconds: float = 6 * 3600.0
    #: runs due at start (new schedules, or missed while the scheduler was down) start spread over this
    startup_spread_seconds: float = 60.0
    #: a crawl is stopped after this long and recorded as ``timeout``
    time_limit_seconds: float = 1800.0
    #: on SIGTERM/SIGINT, running crawls get this long to finish before they are stopped
    shutdown_grace_seconds: float = 30.0
    #: a site lease lasts this long unless renewed (renewed every third of it while crawling)
    lease_seconds: float = 120.0
    #: sites crawled at the same time
    max_parallel: int = 4
    #: zone of cron expressions (default: the machine's)
    timezone: str | None = None


_SCHEDULER_KEYS = set(ScheduleSettings.__slots__)  # type: ignore[attr-defined]


def schedule_settings(config: Config) -> ScheduleSettings:
    """Validate the config's ``[scheduler]`` table (ConfigError names the file and key)."""
    table = config.raw.get("scheduler", {})
    where = config.path or "the config"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: scheduler: expected a table")
    unknown = sorted(set(table) - _SCHEDULER_KEYS)
    if unknown:
        raise ConfigError(f"{where}: scheduler.{unknown[0]}: unknown key")
    settings = ScheduleSettings()
    for key, value in table.items():
        if key == "timezone":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: scheduler.timezone: expected a zone name")
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"{where}: scheduler.timezone: unknown time zone {value!r}"
                    " (an IANA name, e.g. Asia/Shanghai)"
                ) from None
            settings.timezone = value
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: scheduler.{key}: expected a number")
        if value < 0 or (value == 0 and key not in ("jitter_seconds", "startup_spread_seconds")):
            raise ConfigError(f"{where}: scheduler.{key}: must be positive")
        setattr(settings, key, int(value) if key == "max_parallel" else float(value))
    return settings


def lease_seconds(config: Config) -> float:
    """The lease length ``newsmon monitor`` uses (the config's ``[scheduler] lease_seconds``)."""
    return schedule_settings(config).lease_seconds
