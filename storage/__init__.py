"""newsmon's archive: SQLAlchemy 2 models, engines and the repository functions over a Session."""

from storage.db import create_schema, make_engine, redact
from storage.models import Article, Base, CrawlRun, Section, Site

__all__ = [
    "Article",
    "Base",
    "CrawlRun",
    "Section",
    "Site",
    "create_schema",
    "make_engine",
    "redact",
]
