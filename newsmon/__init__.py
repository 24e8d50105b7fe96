"""newsmon: the application around the crawler: the CLI, the crawl runner, scheduling, alerts, the web UI."""

__version__ = "0.1.0"
