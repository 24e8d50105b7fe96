"""The SQL conditions a search is made of: the index's match, a term confirmed against the
text, the keyword flags, relevance. Both backends; all user input as bound parameters.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Text,
    TextClause,
    collate,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY

from storage.bodies import CONTAINS_FUNCTION, HITS_FUNCTION
from storage.models import Article, ArticleFingerprint, Section
from storage.search.cities import COLUMN as CITIES_COLUMN
from storage.search.grams import PG_COLLATION, PG_FUNCTION_NAME
from storage.search.index import GRAMS_TABLE

#: Weight of a hit in the title against one in the body, for relevance.
TITLE_WEIGHT = 5.0


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 string: every character literal, so ``"``, ``*``, ``NEAR``,
    ``AND``, ``:`` or ``^`` in user text are searched for, never interpreted."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """A LIKE pattern finding ``term`` anywhere, with ``%``, ``_`` and ``\\`` taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


GRAMS = table(GRAMS_TABLE, column("rowid"))


def contains(dialect: str, term: str) -> ColumnElement[bool]:
    """``term`` occurs in the title or the body (ASCII letters case-folded, as SQLite's LIKE)."""
    if dialect == "postgresql" and term.lower() == term.upper():
        # Nothing to fold (Chinese): strpos, much cheaper than ILIKE on multibyte text.
        needle = literal(term, String)
        return or_(func.strpos(Article.title, needle) > 0, func.strpos(Article.body, needle) > 0)
    fold = term.lower() != term.upper()
    pattern = like_pattern(term)
    if dialect == "sqlite":
        # Nothing to fold: instr(), a plain byte search, much cheaper than LIKE. The body is a
        # zstd frame: searched by one function over its UTF-8 (storage/bodies.py).
        needle = literal(term, String)
        title = (
            Article.title.like(pattern, escape="\\")
            if fold
            else func.instr(Article.title, needle) > 0
        )
        body = getattr(func, CONTAINS_FUNCTION)(Article.body, needle, int(fold), type_=Integer)
        return or_(title, body > 0)
    return or_(Article.title.ilike(pattern, escape="\\"), Article.body.ilike(pattern, escape="\\"))


def occurrences(col: Any, term: str) -> ColumnElement[Any]:
    """How many times ``term`` occurs in ``col`` (case-folded for ASCII), portable SQL."""
    folded = func.lower(col)
    needle = func.lower(literal(term, String))
    return (func.length(folded) - func.length(func.replace(folded, needle, ""))) / max(len(term), 1)


def keyword_flag(dialect: str, keyword: str) -> ColumnElement[bool]:
    # `keywords` is a JSON array; the JSON functions compare elements exactly, whatever
    # escaping the serializer used for the stored text.
    fn = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    elements = fn(Article.keywords).table_valued("value")
    return exists(select(literal(1)).select_from(elements).where(elements.c.value == keyword))


def any_keyword() -> ColumnElement[bool]:
    # json_array_length exists under that name on both backends.
    return func.json_array_length(Article.keywords) > 0


def group_key() -> ColumnElement[int]:
    return func.coalesce(ArticleFingerprint.reprint_group, Article.id)


def fts_match(fts_query: str) -> ColumnElement[bool]:
    clause: TextClause = text(f"{GRAMS_TABLE} MATCH :fts_query").bindparams(fts_query=fts_query)
    return clause.self_group()  # type: ignore[return-value]  # a boolean SQL fragment


def pg_grams_match(grams: list[str], unseen: bool = False) -> ColumnElement[bool]:
    """The article's pairs hold ``grams``: the expression of PostgreSQL's GIN index, in its
    collation (with another, the planner would not use the index). ``unseen``: the pairs as a
    one-row subquery, a value the planner does not see when it plans: it then reckons on its
    default share of the rows instead of the product of each pair's share, which the pairs of
    one term (found together) make far too small (营商环境 at 300,000 articles: 3 rows for
    9,101), so small that it read every candidate's row rather than AND a city's index in."""
    wanted: Any = literal(grams, ARRAY(Text))
    if unseen:
        wanted = select(wanted).scalar_subquery()
    pairs = getattr(func, PG_FUNCTION_NAME)(Article.title, Article.body, type_=Text)
    collated = type_coerce(collate(pairs, PG_COLLATION), ARRAY(Text))
    return collated.contains(wanted)


def pg_city_match(city: str) -> ColumnElement[bool]:
    """PostgreSQL: the article has a section about ``city``, asked of ``articles.cities`` and
    its GIN index (storage/search/cities.py), which the planner ANDs with the bigram index."""
    cities = literal_column(f"{Article.__tablename__}.{CITIES_COLUMN}", ARRAY(Text))
    return cities.contains(literal([city], ARRAY(Text)))


def place_ids(city: str | None, district: str | None) -> Select[Any]:
    """The ids of the articles with a section about ``city`` (and ``district``)."""
    sections = select(Section.article_id)
    if city:
        sections = sections.where(Section.city == city)
    if district:
        sections = sections.where(Section.district == district)
    return sections


def _body_hits(dialect: str, term: str) -> ColumnElement[Any]:
    """The body's hits of ``term`` damped by its length (as bm25 damps them). SQLite: one
    function over the stored zstd frame (storage/bodies.py), which decompresses it once."""
    if dialect == "sqlite":
        return getattr(func, HITS_FUNCTION)(Article.body, literal(term, String), type_=Float)  # type: ignore[no-any-return]
    return occurrences(Article.body, term) * 1000.0 / (func.length(Article.body) + 1000.0)


def score(like_terms: list[str], dialect: str) -> ColumnElement[Any]:
    """Relevance, lower is better (the convention of FTS5's bm25).

    Hits in the title, plus hits in the body damped by its length (as bm25 does), so a
    long round-up mentioning a term in passing does not outrank an article about it.
    """
    return -sum(
        (occurrences(Article.title, t) * TITLE_WEIGHT + _body_hits(dialect, t) for t in like_terms),
        literal(0.0),
    )
