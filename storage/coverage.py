"""The rows behind the coverage report: every city section of the articles that mention a keyword.

One :class:`SectionHit` per section (its city, district, heading and places) with
the article it belongs to (time, title, source, site, reprint group). The report
(``newsmon.report``) groups them by city; this module only reads.

An article counts when its title or body contains the keyword: a substring test
(``LIKE``), so a report reads every article of the period once; that is the price
of reporting on words that were never configured.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.bodies import text_of
from storage.models import Alert, Article, ArticleFingerprint, Section, Site


@dataclass(frozen=True, slots=True)
class SectionHit:
    """One city section of an article mentioning the keyword."""

    article_id: int
    published_at: datetime | None
    title: str
    url: str
    source: str | None
    site: str | None
    #: id of the reprint group's first article (the article's own id when not fingerprinted yet)
    reprint_group: int
    position: int
    label: str
    city: str | None
    district: str | None
    heading: str
    places: tuple[str, ...]


def keyword_sections(
    session: Session,
    keyword: str,
    since: datetime | None = None,
    until: datetime | None = None,
    article_ids: Collection[int] | None = None,
) -> list[SectionHit]:
    """Sections of articles mentioning ``keyword`` published in ``[since, until)``, oldest first.

    Without bounds, undated articles count too (last); with a bound they cannot be placed
    in the period and are left out.
    """
    keyword = keyword.strip()
    if not keyword:
        raise ValueError("empty keyword")
    stmt = (
        select(
            Article.id,
            Article.published_at,
            Article.title,
            Article.url,
            Article.source,
            Site.name,
            Article.site_name,
            ArticleFingerprint.reprint_group,
            Section.position,
            Section.label,
            Section.city,
            Section.district,
            Section.heading,
            Section.places,
        )
        .join(Section, Section.article_id == Article.id)
        .outerjoin(Site, Site.id == Article.site_id)
        .outerjoin(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        .where(
            or_(
                Article.title.contains(keyword, autoescape=True),
                text_of(session.get_bind().dialect.name, Article.body).contains(
                    keyword, autoescape=True
                ),
            )
        )
    )
    if article_ids is not None:
        stmt = stmt.where(Article.id.in_(list(article_ids)))
    if since is not None:
        stmt = stmt.where(Article.published_at >= since)
    if until is not None:
        stmt = stmt.where(Article.published_at < until)
    stmt = stmt.order_by(Article.published_at.is_(None), Article.published_at, Article.id)
    stmt = stmt.order_by(Section.position)
    return [
        SectionHit(
            article_id=row[0],
            published_at=row[1],
            title=row[2],
            url=row[3],
            source=row[4],
            site=row[5] or row[6],
            reprint_group=row[7] if row[7] is not None else row[0],
            position=row[8],
            label=row[9],
            city=row[10],
            district=row[11],
            heading=row[12],
            places=tuple(row[13] or ()),
        )
        for row in session.execute(stmt)
    ]


def match_alerts_between(
    session: Session, start: datetime, end: datetime
) -> list[tuple[int, int | None, datetime, dict[str, Any]]]:
    """(alert id, article id, raised_at, payload) of the match alerts raised in ``[start, end)``."""
    rows = session.execute(
        select(Alert.id, Alert.article_id, Alert.raised_at, Alert.payload)
        .where(Alert.kind == "match", Alert.raised_at >= start, Alert.raised_at < end)
        .order_by(Alert.id)
    )
    return [(r[0], r[1], r[2], dict(r[3] or {})) for r in rows]


def alert_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Alert.id).where(Alert.key == key)) is not None
