"""Daily digests (``[alerts] digest = "daily"``): one message per keyword and day to the URL sinks.

Once a day (Asia/Shanghai) is over, the match alerts raised that day are gathered per
keyword into a ``digest:<keyword>:<day>`` alert, with a delivery row per URL sink: the
same once-only key and retries as any alert. Its payload lists the day's new articles
and the coverage report's per-city lines for them (newsmon/report.py). Days before the
digest was first switched on are not summarised.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from newsmon.dates import SHANGHAI
from newsmon.report import Period, build_report, cell_text
from storage.coverage import alert_exists, match_alerts_between
from storage.models import utcnow
from storage.monitoring import raise_alert, state_since

DIGEST_SINCE = "digest_since"
#: finished days looked back on at each pass (a scheduler that was down a week catches up)
LOOKBACK_DAYS = 8


def _day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(SHANGHAI).date(), time.min, SHANGHAI)


def digest_payload(session: Session, keyword: str, day: str, alerts: list[Any]) -> dict[str, Any]:
    article_ids = [a[1] for a in alerts if a[1] is not None]
    report = build_report(session, keyword, [Period(day)], article_ids=article_ids)
    lines = [f"{row.place}: {cell_text(row, day)}" for row in report.rows if row.cells.get(day)]
    articles = [
        {
            k: payload.get(k)
            for k in ("article_id", "title", "url", "published_at", "source", "site")
        }
        for _id, _article, _raised, payload in alerts
    ]
    return {"type": "digest", "keyword": keyword, "day": day, "articles": articles, "lines": lines}


def raise_digests(session: Session, sinks: list[str], now: datetime | None = None) -> list[str]:
    """Raise the digests of the finished days not digested yet; return their keys."""
    now = now or utcnow()
    since = state_since(session, DIGEST_SINCE)
    start = max(_day_start(since), _day_start(now) - timedelta(days=LOOKBACK_DAYS))
    end = _day_start(now)
    by_day: dict[tuple[str, str], list[Any]] = {}
    for alert in match_alerts_between(session, start, end):
        day = alert[2].astimezone(SHANGHAI).date().isoformat()
        for keyword in alert[3].get("keywords") or []:
            by_day.setdefault((keyword, day), []).append(alert)
    raised = []
    for (keyword, day), alerts in sorted(by_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        key = f"digest:{keyword}:{day}"[:200]
        if alert_exists(session, key):
            continue
        payload = digest_payload(session, keyword, day, alerts)
        if raise_alert(session, key, "digest", payload, sinks) is not None:
            raised.append(key)
    return raised
