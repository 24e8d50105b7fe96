"""``[alerts] log``: each alert as one WARNING line of the ``newsmon.alerts`` logger."""

from __future__ import annotations

import logging

from storage.monitoring import Pending

#: The alerts' own logger: the lines keep the name they always had.
logger = logging.getLogger("newsmon.alerts")


def send(alert: Pending) -> None:
    """Log ``alert`` (a match: keywords, title, URL, site, time; a health finding: its message)."""
    p = alert.payload
    if alert.kind == "match":
        logger.warning(
            "ALERT new match [%s] %s  %s  (site %s, published %s)",
            ",".join(p.get("keywords") or []),
            p.get("title"),
            p.get("url"),
            p.get("site"),
            p.get("published_at"),
        )
    else:
        logger.warning("ALERT health %s: %s", p.get("check"), p.get("message"))
