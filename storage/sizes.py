"""Where an archive's bytes go: rows, raw HTML, sections, search index, other (``newsmon db stats``).

SQLite counts the pages of every table and index (the ``dbstat`` table); PostgreSQL
the size of every relation of the schema with its TOAST. Raw HTML lives inside
the article rows: its share is the stored (compressed) length of the column.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from storage.compression import TextStorage, text_storage

#: The parts, in the order they are printed.
PARTS = ("articles (rows)", "raw HTML", "sections", "search index", "other indexes", "other")


@dataclass(frozen=True, slots=True)
class Sizes:
    articles: int
    #: bytes per part (``PARTS``)
    parts: dict[str, int]
    #: how the bodies are stored (PostgreSQL: lz4 since migration 0009)
    bodies: TextStorage

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    def per_article(self, part: str | None = None) -> float:
        value = self.total if part is None else self.parts[part]
        return value / self.articles if self.articles else 0.0


def _part(name: str, is_index: bool) -> str:
    if name.startswith(
        (
            "articles_grams",
            "ix_articles_grams",
            "ix_articles_pairs",
            "ix_articles_cities",
            "articles_fts",
        )
    ) or name.endswith("_trgm"):
        return "search index"
    if name == "articles":
        return "articles (rows)"
    if name in ("sections", "ix_sections_city_article", "ix_sections_city_district") or (
        "sections" in name and is_index
    ):
        return "sections"
    return "other indexes" if is_index else "other"


def archive_sizes(engine: Engine) -> Sizes:
    """Bytes of the archive by part (see module docstring)."""
    parts = dict.fromkeys(PARTS, 0)
    with engine.connect() as conn:
        articles = int(conn.scalar(text("SELECT count(*) FROM articles")) or 0)
        if engine.dialect.name == "sqlite":
            indexes = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type='index'")))
            sized = [
                (str(name), int(size or 0))
                for name, size in conn.execute(
                    text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")
                )
            ]
            raw = conn.scalar(text("SELECT sum(length(raw_html)) FROM articles"))
        else:
            found = conn.execute(
                text(
                    "SELECT c.relname, pg_total_relation_size(c.oid) - "
                    "CASE WHEN c.relkind = 'r' THEN pg_indexes_size(c.oid) ELSE 0 END, "
                    "c.relkind = 'i' FROM pg_class c "
                    "JOIN pg_namespace s ON s.oid = c.relnamespace "
                    "WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'i')"
                )
            ).all()
            indexes = {str(name) for name, _size, is_index in found if is_index}
            sized = [(str(name), int(size or 0)) for name, size, _is_index in found]
            raw = conn.scalar(text("SELECT sum(pg_column_size(raw_html)) FROM articles"))
        bodies = text_storage(conn)
    for name, size in sized:
        parts[_part(name, name in indexes)] += size
    raw_bytes = min(int(raw or 0), parts["articles (rows)"])
    parts["raw HTML"] += raw_bytes
    parts["articles (rows)"] -= raw_bytes
    return Sizes(articles=articles, parts=parts, bodies=bodies)
