"""Searching the archive: Chinese substring search, filters, counts and reprint groups.

- :mod:`storage.search.grams` and :mod:`storage.search.index`: the bigram index
  (SQLite FTS5, PostgreSQL GIN), installed when an archive is opened;
- :mod:`storage.search.query`: :class:`ArticleQuery` and :func:`search_articles`,
  the one query path for both backends, made of the SQL conditions of
  :mod:`storage.search.conditions`; :mod:`storage.search.groups`:
  :func:`count_by` over it; :mod:`storage.search.counts`: the per-day and
  per-city counts the archive keeps for whole-archive group-bys;
- :mod:`storage.search.reprints`: SimHash fingerprints and reprint groups;
- :mod:`storage.search.highlight`: hits marked in a text, snippets.
"""

from storage.search.conditions import fts_phrase, like_pattern
from storage.search.groups import count_by
from storage.search.highlight import highlight, snippet
from storage.search.index import install_search, rebuild_search
from storage.search.query import (
    GROUP_BY_CHOICES,
    ArticleQuery,
    GroupBy,
    SearchPage,
    SortOrder,
    search_articles,
)
from storage.search.reprints import (
    Copy,
    copies_of,
    fingerprint,
    fingerprint_articles,
    hamming,
    rebuild_reprints,
    reprint_groups,
    reprint_info,
    simhash,
    sync_reprints,
)

__all__ = [
    "GROUP_BY_CHOICES",
    "ArticleQuery",
    "Copy",
    "GroupBy",
    "SearchPage",
    "SortOrder",
    "copies_of",
    "count_by",
    "fingerprint",
    "fingerprint_articles",
    "fts_phrase",
    "hamming",
    "highlight",
    "install_search",
    "like_pattern",
    "rebuild_reprints",
    "rebuild_search",
    "reprint_groups",
    "reprint_info",
    "search_articles",
    "simhash",
    "snippet",
    "sync_reprints",
]
