"""``[alerts] atom``: an Atom feed of the newest match alerts, rewritten whole (not a delivery row per alert)."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from newsmon import __version__
from storage.models import utcnow
from storage.monitoring import recent_match_alerts


def write_atom(sessions: sessionmaker[Session], path: Path, entries: int) -> None:
    """Rewrite the feed at ``path`` with the ``entries`` newest match alerts (atomically: readers never see half a file)."""
    from feedgen.feed import FeedGenerator

    with sessions() as session:
        alerts = list(recent_match_alerts(session, entries))
    feed = FeedGenerator()
    feed.id("urn:newsmon:alerts")
    feed.title("newsmon: new matching articles")
    feed.author({"name": "newsmon"})
    feed.link(href=path.as_uri(), rel="self")
    feed.subtitle("Articles that newly matched the monitored keywords")
    feed.language("zh-CN")
    feed.generator("newsmon", __version__)
    feed.updated(alerts[0].raised_at if alerts else utcnow())
    for alert in reversed(alerts):  # add_entry prepends: oldest first in, newest first out
        p = alert.payload or {}
        entry = feed.add_entry()
        entry.id(f"urn:newsmon:article:{alert.article_id}")
        entry.title(p.get("title") or p.get("url") or "untitled")
        if p.get("url"):
            entry.link(href=p["url"])
        entry.updated(alert.raised_at)
        if p.get("published_at"):
            entry.published(datetime.fromisoformat(p["published_at"]))
        keywords = ", ".join(p.get("keywords") or [])
        entry.summary(f"{keywords} · {p.get('site') or ''} · {p.get('source') or ''}".strip(" ·"))
        for keyword in p.get("keywords") or []:
            entry.category(term=keyword)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".atom-", dir=path.parent)
    os.close(fd)
    try:
        feed.atom_file(tmp, pretty=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
