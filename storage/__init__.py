"""newsmon's archive: SQLAlchemy 2 models, engines and the repository functions over a Session.

The names below are imported when first asked for (``from storage import make_engine``), not
with the package: importing one light module of it (:mod:`storage.raw_html`, what an extraction
worker needs) then loads neither SQLAlchemy nor the models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.db import create_schema, make_engine, redact
    from storage.models import Article, Base, CrawlRun, Section, Site

#: each name of the package and the module it comes from
_HOMES = {
    "create_schema": "storage.db",
    "make_engine": "storage.db",
    "redact": "storage.db",
    "Article": "storage.models",
    "Base": "storage.models",
    "CrawlRun": "storage.models",
    "Section": "storage.models",
    "Site": "storage.models",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'storage' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


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
