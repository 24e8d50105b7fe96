"""Helpers for the test suite: a local web server and friends (no application imports)."""

from tests.support.webserver import Headers, RecordedRequest, Route, WebServer

__all__ = ["Headers", "RecordedRequest", "Route", "WebServer"]
