"""newsmon's archive: SQLAlchemy 2 models, engines and the repository functions over a Session."""

# ops_models is imported for its side effect: create_schema makes the scheduler's tables too.
from storage import ops_models  # noqa: F401
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
