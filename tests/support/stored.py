"""Archive fixtures for the storage and search tests (a pytest plugin, see conftest.py).

``sessions``: a session factory on a fresh archive of every backend ``db_url`` gives;
:func:`store`: extracted articles saved the way the crawl's store saves them, in one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle
from storage import create_schema, make_engine
from storage.repository import save_article


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
) -> dict[str, int]:
    """Save ``articles`` in one transaction; their ids by URL."""
    ids = {}
    with sessions.begin() as session:
        for article in articles:
            saved = save_article(
                session,
                article,
                raw_html=raw_html,
                content_type="text/html",
                fetched_url=article.url or "",
                site="test",
                extractor_version=1,
            )
            ids[article.url or ""] = saved.article_id
    return ids
