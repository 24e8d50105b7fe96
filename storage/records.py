"""The JSON records of stored rows, as the CLI, the API and alerts give them.

Times are shown in Asia/Shanghai as ISO 8601 with their offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage.models import Article, CrawlRun

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).isoformat() if value else None


def article_record(row: Article) -> dict[str, Any]:
    """A stored article as a record: the extracted fields, its ``id`` and its archive times."""
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "published_at": local_time(row.published_at),
        "source": row.source,
        "author": row.author,
        "site_name": row.site_name,
        "breadcrumb": list(row.breadcrumb or []),
        "body": row.body,
        "sections": [
            {
                "label": s.label,
                "city": s.city,
                "district": s.district,
                "heading": s.heading,
                "text": s.text,
                "places": list(s.places or []),
            }
            for s in row.sections
        ],
        "keywords": list(row.keywords or []),
        "first_seen_at": local_time(row.first_seen_at),
        "fetched_at": local_time(row.fetched_at),
    }


def run_record(run: CrawlRun) -> dict[str, Any]:
    """A crawl run as a record: its counts, errors and stats."""
    return {
        "id": run.id,
        "spider": run.spider,
        "site": run.site,
        "started_at": local_time(run.started_at),
        "finished_at": local_time(run.finished_at),
        "status": run.status,
        "reason": run.reason,
        "requests": run.requests,
        "responses": run.responses,
        "bytes": run.bytes,
        "articles_new": run.articles_new,
        "articles_updated": run.articles_updated,
        "articles_unchanged": run.articles_unchanged,
        "new_matches": run.new_matches,
        "errors": run.errors,
        "error_list": list(run.error_list or []),
        "stats": dict(run.stats or {}),
    }
