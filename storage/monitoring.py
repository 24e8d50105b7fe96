"""What monitoring reads and writes beside the archive: site leases, crawl-run supervision,
alerts and their deliveries, and small named state.

Like storage/repository.py, every function takes a ``Session`` and the caller owns
its transaction. Times are the caller's clock (UTC); leases across machines assume
their clocks agree to well within a lease's length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import (
    Alert,
    AlertDelivery,
    Article,
    CrawlRun,
    IgnoredUrl,
    Match,
    OpsState,
    Site,
    SiteLease,
    utcnow,
)
from storage.records import local_time

# --------------------------------------------------------------------------- leases


def acquire_lease(
    session: Session, site: str, owner: str, ttl: float, now: datetime | None = None
) -> bool:
    """Take the site's lease for ``ttl`` seconds; true when ``owner`` holds it now.

    Succeeds when nobody holds it, when the holder's lease has expired, or when
    ``owner`` already holds it (then it is extended). One upsert decides between
    racing takers: it inserts the row, or updates it only under those conditions.
    """
    now = now or utcnow()
    stmt = dialect_insert(session, SiteLease).values(
        site=site, owner=owner, acquired_at=now, expires_at=now + timedelta(seconds=ttl)
    )
    taken = session.execute(
        stmt.on_conflict_do_update(
            index_elements=[SiteLease.site],
            set_={
                "owner": stmt.excluded.owner,
                "acquired_at": stmt.excluded.acquired_at,
                "expires_at": stmt.excluded.expires_at,
            },
            where=(SiteLease.expires_at < now) | (SiteLease.owner == owner),
        ),
        # An INSERT's rowcount is dropped unless asked for: 1 when inserted or updated, else 0.
        execution_options={"preserve_rowcount": True},
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def renew_lease(session: Session, site: str, owner: str, ttl: float) -> bool:
    """Extend ``owner``'s lease on the site; false when it no longer holds it."""
    result = session.execute(
        update(SiteLease)
        .where(SiteLease.site == site, SiteLease.owner == owner)
        .values(expires_at=utcnow() + timedelta(seconds=ttl))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release_lease(session: Session, site: str, owner: str) -> None:
    """Give the lease up (only if ``owner`` still holds it)."""
    session.execute(
        delete(SiteLease)
        .where(SiteLease.site == site, SiteLease.owner == owner)
        .execution_options(synchronize_session=False)
    )


def lease_holder(session: Session, site: str) -> SiteLease | None:
    """The site's current (unexpired) lease, if any."""
    lease = session.get(SiteLease, site, populate_existing=True)
    if lease is None or lease.expires_at < utcnow():
        return None
    return lease


# --------------------------------------------------------------------------- crawl runs


def abandon_running_runs(session: Session, site: str, before: datetime, reason: str) -> list[int]:
    """Mark the site's ``running`` rows started before ``before`` as interrupted; return their ids.

    Called by the new lease holder: whoever was running them had the lease, and
    the lease is ours now, so they are not running any more.
    """
    rows = session.scalars(
        select(CrawlRun).where(
            CrawlRun.site == site, CrawlRun.status == "running", CrawlRun.started_at < before
        )
    ).all()
    for run in rows:
        run.status = "interrupted"
        run.finished_at = utcnow()
        run.reason = reason
    return [run.id for run in rows]


def runs_started_since(session: Session, site: str, since: datetime) -> Sequence[CrawlRun]:
    """The site's runs started at or after ``since``, oldest first."""
    return session.scalars(
        select(CrawlRun)
        .where(CrawlRun.site == site, CrawlRun.started_at >= since)
        .order_by(CrawlRun.id)
    ).all()


def previous_runs(session: Session, site: str, before_id: int, limit: int) -> Sequence[CrawlRun]:
    """The site's finished runs before run ``before_id``, newest first."""
    return session.scalars(
        select(CrawlRun)
        .where(CrawlRun.site == site, CrawlRun.id < before_id, CrawlRun.status != "running")
        .order_by(CrawlRun.id.desc())
        .limit(limit)
    ).all()


# --------------------------------------------------------------------------- ignored URLs

#: The extractor version the ignored URLs were judged with (``ops_state``).
IGNORED_EXTRACTOR = "ignored_urls_extractor_version"
#: Reasons that depend on the extractor: a better one may find an article there.
EXTRACTOR_REASONS = ("not_article",)


def forget_ignored(session: Session, older_than: datetime, extractor_version: int) -> int:
    """Forget ignored URLs seen before ``older_than``, and those the extractor judged when
    its version was not ``extractor_version``; return how many were forgotten.

    A link that once led to no article (an error page, a short body) is tried again after a
    while, and as soon as the extractor changes, instead of being skipped for ever.
    """
    forgotten = session.execute(
        delete(IgnoredUrl)
        .where(IgnoredUrl.seen_at < older_than)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    judged_with = get_state(session, IGNORED_EXTRACTOR)
    if judged_with != str(extractor_version):  # (None: judged before versions were kept)
        forgotten += session.execute(
            delete(IgnoredUrl)
            .where(IgnoredUrl.reason.in_(EXTRACTOR_REASONS))
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        set_state(session, IGNORED_EXTRACTOR, str(extractor_version))
    return int(forgotten or 0)


# --------------------------------------------------------------------------- state


def get_state(session: Session, key: str) -> str | None:
    row = session.get(OpsState, key)
    return row.value if row else None


def set_state(session: Session, key: str, value: str) -> None:
    stmt = dialect_insert(session, OpsState).values(key=key, value=value)
    session.execute(
        stmt.on_conflict_do_update(index_elements=[OpsState.key], set_={"value": value})
    )


def state_since(session: Session, key: str) -> datetime:
    """The time stored under ``key``, storing now there first if nothing is (first use)."""
    value = get_state(session, key)
    if value is not None:
        return datetime.fromisoformat(value)
    # DO NOTHING when another scheduler stored it first: then theirs is read back.
    session.execute(
        dialect_insert(session, OpsState)
        .values(key=key, value=utcnow().isoformat())
        .on_conflict_do_nothing(index_elements=[OpsState.key])
    )
    return datetime.fromisoformat(
        session.scalars(select(OpsState.value).where(OpsState.key == key)).one()
    )


# --------------------------------------------------------------------------- alerts

#: From this time on (stored on first use), new matches raise alerts; older archive contents don't.
ALERTS_SINCE = "alerts_since"


@dataclass(frozen=True, slots=True)
class Pending:
    """A delivery due now, with what its sink needs."""

    delivery_id: int
    alert_id: int
    sink: str
    attempts: int
    kind: str
    payload: dict[str, Any]


def raise_alert(
    session: Session,
    key: str,
    kind: str,
    payload: dict[str, Any],
    sinks: Iterable[str],
    *,
    site: str | None = None,
    article_id: int | None = None,
    run_id: int | None = None,
) -> Alert | None:
    """Record the alert and a pending delivery per sink; None when ``key`` was raised before."""
    if session.scalar(select(Alert.id).where(Alert.key == key)) is not None:
        return None
    alert = Alert(
        key=key,
        kind=kind,
        payload=payload,
        site=site,
        article_id=article_id,
        run_id=run_id,
        raised_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(alert)
            session.flush()
            for sink in sinks:
                session.add(AlertDelivery(alert_id=alert.id, sink=sink, next_attempt_at=utcnow()))
    except IntegrityError:  # another scheduler raised it at the same moment
        return None
    return alert


def match_payload(article: Article, site: str | None, run_id: int | None) -> dict[str, Any]:
    """What a match alert says about its article (the JSONL line, the webhook body)."""
    return {
        "type": "match",
        "article_id": article.id,
        "url": article.url,
        "title": article.title,
        "published_at": local_time(article.published_at),
        "keywords": list(article.keywords or []),
        "site": site,
        "source": article.source,
        "run_id": run_id,
    }


def raise_match_alerts(session: Session, sinks: Sequence[str], limit: int = 1000) -> list[Alert]:
    """Raise one alert per article that gained a match since alerts began and has none yet.

    Works from the ``matches`` table rather than from one run's output, so matches
    stored by a run whose scheduler died before alerting, or by a manual
    ``newsmon monitor``, are still alerted, and an article is alerted once however
    many runs see it.
    """
    since = state_since(session, ALERTS_SINCE)
    alerted = select(Alert.article_id).where(Alert.kind == "match", Alert.article_id.is_not(None))
    rows = session.execute(
        select(Match.article_id, Match.run_id)
        .where(Match.matched_at >= since, Match.article_id.not_in(alerted))
        .order_by(Match.id)
    ).all()
    first_run: dict[int, int | None] = {}
    for article_id, run_id in rows:
        first_run.setdefault(article_id, run_id)
    raised = []
    for article_id, run_id in list(first_run.items())[:limit]:
        article = session.get(Article, article_id)
        if article is None or not article.keywords:
            continue  # matched once, then the keyword list changed: nothing to say
        site = session.scalar(select(Site.name).where(Site.id == article.site_id))
        alert = raise_alert(
            session,
            f"match:{article_id}",
            "match",
            match_payload(article, site, run_id),
            sinks,
            site=site,
            article_id=article_id,
            run_id=run_id,
        )
        if alert is not None:
            raised.append(alert)
    return raised


def due_deliveries(session: Session, sink: str, limit: int = 100) -> list[Pending]:
    """The sink's undelivered alerts whose next attempt is due, oldest first."""
    rows = session.execute(
        select(AlertDelivery, Alert)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .where(
            AlertDelivery.sink == sink,
            AlertDelivery.delivered_at.is_(None),
            AlertDelivery.next_attempt_at <= utcnow(),
        )
        .order_by(AlertDelivery.id)
        .limit(limit)
    ).all()
    return [
        Pending(d.id, a.id, d.sink, d.attempts, a.kind, dict(a.payload or {}) | {"alert_id": a.id})
        for d, a in rows
    ]


def note_attempt(session: Session, delivery_id: int) -> None:
    """Count an attempt before making it, so a crash mid-attempt is known on the retry."""
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id == delivery_id)
        .values(attempts=AlertDelivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )


def mark_delivered(session: Session, delivery_id: int) -> None:
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id == delivery_id)
        .values(delivered_at=utcnow(), last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, delivery_id: int, error: str, retry_in: float) -> None:
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id == delivery_id)
        .values(last_error=error[:2000], next_attempt_at=utcnow() + timedelta(seconds=retry_in))
        .execution_options(synchronize_session=False)
    )


def pending_count(session: Session, sink: str) -> int:
    """How many of the sink's alerts are not delivered yet."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(AlertDelivery)
            .where(AlertDelivery.sink == sink, AlertDelivery.delivered_at.is_(None))
        )
        or 0
    )


def recent_match_alerts(session: Session, limit: int) -> Sequence[Alert]:
    """The newest match alerts, newest first (the Atom feed's entries)."""
    return session.scalars(
        select(Alert).where(Alert.kind == "match").order_by(Alert.id.desc()).limit(limit)
    ).all()
