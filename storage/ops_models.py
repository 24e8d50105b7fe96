"""Tables the scheduler keeps beside the archive: site leases, alerts and their deliveries, state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class SiteLease(Base):
    """Who may crawl a site right now, until when.

    A row per site being crawled. Its holder renews ``expires_at`` while the crawl
    runs and deletes the row when done; a holder that was killed stops renewing,
    so its lease runs out and the next run may take it.
    """

    __tablename__ = "site_leases"

    site: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Alert(Base):
    """Something worth telling the user, raised once: a new matching article or a health problem.

    ``key`` makes it once: ``match:<article id>`` for an article (however many keywords
    it matches, and however often it is re-crawled), ``health:<run id>:<check>`` for a
    health finding of a run.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "match" | "health"
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    site: Mapped[str | None] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: what the sinks send: the article's url/title/published_at/keywords, or the health finding
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AlertDelivery(Base):
    """One alert sent to one sink (log, jsonl, webhook); pending until ``delivered_at`` is set."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "sink"),
        Index("ix_alert_deliveries_pending", "sink", "delivered_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    sink: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class OpsState(Base):
    """Small named values the scheduler keeps, e.g. since when each alert sink exists."""

    __tablename__ = "ops_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
