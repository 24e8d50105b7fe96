"""newsmon: the application around the crawler — configuration, CLI, crawl runner."""

__version__ = "0.1.0"
