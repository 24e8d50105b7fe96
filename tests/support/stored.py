"""Archive fixtures for the storage and search tests (a pytest plugin, see conftest.py).

``sessions``: a session factory on a fresh archive of every backend ``db_url`` gives;
:func:`store`: extracted articles saved the way the crawl's store saves them, in one
transaction; :func:`store_before_0011`: so, into an archive of an earlier revision;
:func:`numbered_article` with :data:`TEXT` and :data:`OTHER`: a record of one page of a test
site, the content-hash tests' unit; :func:`two_numbered_at`: two of them in an archive of an
earlier revision.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle
from storage import Article, create_schema, make_engine
from storage.repository import SaveOutcome, content_hash, save_article

#: Two bodies that differ: one article's text, and what it is changed to.
TEXT = "南京市召开全市高质量发展推进会，部署全年重点工作，推动项目早落地、早投产。" * 3
OTHER = "苏州工业园区发布新一轮产业政策，支持集成电路与生物医药企业扩大投资规模。" * 3


def numbered_article(n: int, body: str) -> ExtractedArticle:
    """Page ``n`` of a test site (published on 2023-02-``n``) saying ``body``."""
    return ExtractedArticle(
        url=f"http://site.test/{n}.html",
        title=f"标题{n}",
        published_at=datetime(2023, 2, n, 9, 0, tzinfo=UTC),
        source="新华日报",
        author=None,
        site_name="南京新闻网",
        breadcrumb=[],
        body=body,
        sections=[],
        keywords=[],
    )


def save_numbered(
    sessions: sessionmaker[Session], article: ExtractedArticle, fetched_at: datetime | None = None
) -> SaveOutcome:
    """Save one :func:`numbered_article` as the store does, in its own transaction."""
    with sessions.begin() as session:
        return save_article(
            session,
            article,
            raw_html=b"<html></html>",
            content_type="text/html",
            fetched_url=article.url or "",
            site="test",
            extractor_version=1,
            fetched_at=fetched_at,
        ).outcome


def two_numbered_at(url: str, revision: str) -> sa.Engine:
    """Pages 1 (:data:`TEXT`) and 2 (:data:`OTHER`) saved by this newsmon into a new archive at
    ``url``, which is then downgraded to ``revision``; its engine."""
    from alembic import command

    from storage.migrate import _config

    engine = make_engine(url)
    create_schema(engine)
    for n, body in ((1, TEXT), (2, OTHER)):
        assert save_numbered(sessionmaker(engine), numbered_article(n, body)) is SaveOutcome.NEW
    with engine.connect() as conn:
        command.downgrade(_config(conn), revision)
        conn.commit()
    return engine


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    create_schema(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def store(
    sessions: sessionmaker[Session],
    articles: Sequence[ExtractedArticle],
    raw_html: bytes = b"<html></html>",
    fetched_elsewhere: bool = False,
) -> dict[str, int]:
    """Save ``articles`` in one transaction; their ids by URL.

    ``fetched_elsewhere``: each page taken as fetched at its URL with a fragment (``#list``),
    which the key drops, so that every row holds its fetched URL, as in an archive of a
    revision before 0012 (whose ``articles.fetched_url`` takes no NULL)."""
    ids = {}
    with sessions.begin() as session:
        for article in articles:
            saved = save_article(
                session,
                article,
                raw_html=raw_html,
                content_type="text/html",
                fetched_url=f"{article.url}#list" if fetched_elsewhere else article.url or "",
                site="test",
                extractor_version=1,
            )
            ids[article.url or ""] = saved.article_id
    return ids


def store_before_0011(
    sessions: sessionmaker[Session], articles: Sequence[ExtractedArticle]
) -> dict[str, int]:
    """Save ``articles`` into an archive of a revision before 0011, as its newsmon did: every
    section's text copied into the ``text`` column (the store of now writes the offsets that
    revision 0011 added). The articles go through the store of now, the sections in SQL."""
    ids = store(sessions, [replace(a, sections=[]) for a in articles], fetched_elsewhere=True)
    table = sa.table(
        "sections",
        *(sa.column(c) for c in ("article_id", "position", "label", "city", "district")),
        *(sa.column(c) for c in ("heading", "text")),
        sa.column("places", sa.JSON),
    )
    rows = [
        {
            "article_id": ids[a.url or ""],
            "position": i,
            "label": s.label,
            "city": s.city,
            "district": s.district,
            "heading": s.heading,
            "text": s.text,
            "places": list(s.places),
        }
        for a in articles
        for i, s in enumerate(a.sections)
    ]
    with sessions.begin() as session:
        if rows:
            session.execute(sa.insert(table), rows)
        for a in articles:  # the digest of the whole record, sections included
            session.execute(
                sa.update(Article)
                .where(Article.id == ids[a.url or ""])
                .values(content_hash=content_hash(a))
            )
    return ids
