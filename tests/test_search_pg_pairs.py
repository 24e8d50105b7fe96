"""PostgreSQL's bigram index of migration 0008 (storage/search/grams.py, index.py): pairs split
at Chinese punctuation too, compared in the "C" collation; the searches' expression matches the
index; an archive of revision 0007 gets it from ``newsmon db upgrade``; answers do not change."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from storage import make_engine
from storage.migrate import head_revision, upgrade
from storage.search import ArticleQuery, search_articles
from storage.search.grams import _RUN, PG_SEPARATORS, plan
from tests.cli import newsmon, newsmon_json
from tests.support.stored import store, store_before_0011
from tests.test_search_cities import _doc as _city_doc
from tests.test_search_cities import _sec

_CODE_POINT = re.compile(r"\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?")


def _separators() -> list[str]:
    """Every character of PG_SEPARATORS (its ranges spelt as \\uXXXX or \\uXXXX-\\uYYYY)."""
    spans = _CODE_POINT.findall(PG_SEPARATORS)
    assert "".join(f"\\u{a}" + (f"-\\u{b}" if b else "") for a, b in spans) == PG_SEPARATORS
    return [chr(c) for a, b in spans for c in range(int(a, 16), int(b or a, 16) + 1)]


def test_every_postgresql_separator_is_one_for_the_query_too() -> None:
    """The index may leave out a pair holding a separator only if no query asks for one."""
    separators = _separators()
    assert {
        "，",
        "。",
        "、",
        "；",
        "：",
        "？",
        "！",
        "“",
        "”",
        "‘",
        "’",
        "（",
        "）",
        "《",
        "》",
    } <= set(separators)
    assert {"\u3000", "…", "—", "·", "【", "】", "「", "」"} <= set(separators)
    for char in separators:
        assert _RUN.search(char) is None, f"U+{ord(char):04X} is a letter for Python"
        assert all(char not in pair for pair in plan(f"营{char}商a{char}b").pg_grams)


#: Letters and digits (ASCII in both cases, full-width digits, Chinese) and what separates runs.
_LETTERS = "无锡营商环境新春第一会AbZz09０９"
_APART = "".join(_separators()) + " \t\n,.!?;:()[]{}<>'\"-_/\\@#$%^&*+=|~`"


def _python_pairs(title: str, body: str) -> set[str]:
    runs = _RUN.findall(f"{title} {body}".lower())
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}


@pytest.mark.postgres
def test_the_postgresql_function_gives_pythons_pairs(pg_url: str) -> None:
    engine = make_engine(pg_url)
    from storage import create_schema

    create_schema(engine)
    rng = random.Random(17)
    texts = [
        (
            "".join(rng.choice(_LETTERS if rng.random() < 0.7 else _APART) for _ in range(30)),
            "".join(rng.choice(_LETTERS if rng.random() < 0.6 else _APART) for _ in range(200)),
        )
        for _ in range(300)
    ]
    texts += [("", ""), ("无", "锡"), ("营商，环境", "“新春”（第一会）")]
    with engine.connect() as conn:
        for title, body in texts:
            pairs = conn.scalar(text("SELECT newsmon_pairs(:t, :b)"), {"t": title, "b": body})
            assert set(pairs) == _python_pairs(title, body), (title, body)
    engine.dispose()


def _doc(n: int, body: str, city: str | None = None) -> Extracted:
    return _city_doc(n, body, [_sec(city)] if city else [], hours=n)


#: What revision 0007's newsmon made on PostgreSQL: pairs split at ASCII punctuation only, in the
#: database's collation.
_INDEX_0007 = (
    r"""CREATE OR REPLACE FUNCTION newsmon_grams(title text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
  SELECT coalesce(array_agg(substr(w, i, 2)), '{}')
  FROM regexp_split_to_table(lower(coalesce(title, '') || ' ' || coalesce(body, '')),
                             '[\s!-/:-@\[-`{-~]+') AS w,
       generate_series(1, char_length(w) - 1) AS i
$$""",
    "CREATE INDEX ix_articles_grams ON articles USING gin (newsmon_grams(title, body))",
    "CREATE INDEX IF NOT EXISTS ix_sections_city_article ON sections (city, article_id)",
    "CREATE INDEX IF NOT EXISTS ix_articles_time ON articles "
    "(published_at DESC NULLS LAST, id DESC)",
)
_BODIES = [
    "无锡持续优化营商环境，服务企业发展。",
    "营商，环境：“新春”第一会。",  # the pairs of 营商环境 apart, across punctuation
    "镇江召开新春第一会（营商环境）。",
    "商环境无锡，AB cd",
    "《无锡》营商、环境……新春·第一会",
]
_TERMS = [
    "无锡",
    "营商",
    "商环",
    "营商环境",
    "新春第一会",
    "商，",
    "营商，环境",
    "ab",
    "第一",
    "，",
]


def _explained(engine: Any, run: Any) -> list[str]:
    """The plans of the statements ``run`` sends that ask the bigram index, each EXPLAINed
    with sequential scans off (so that any index that matches the expression is used)."""
    sent: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, *_args) -> None:  # type: ignore[no-untyped-def]
        if "@>" in statement and not statement.startswith("EXPLAIN"):
            sent.append((statement, parameters))

    run()
    event.remove(engine, "before_cursor_execute", _record)
    plans = []
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in sent:
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
            plans.append("\n".join(rows))
    return plans


@pytest.mark.postgres
def test_an_archive_of_revision_0007_gets_the_new_index_from_db_upgrade(
    pg_url: str, tmp_path: Path
) -> None:
    engine = make_engine(pg_url)
    upgrade(engine, "0007")
    with engine.begin() as conn:
        for ddl in _INDEX_0007:
            conn.exec_driver_sql(ddl)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store_before_0011(
        sessions, [_doc(n, body, "无锡" if n % 2 else "镇江") for n, body in enumerate(_BODIES)]
    )
    engine.dispose()
    refused = newsmon("query", "无锡", db=pg_url, home=tmp_path)
    assert refused.returncode == 1
    assert "newsmon db upgrade" in refused.stderr

    upgraded = newsmon("db", "upgrade", db=pg_url, home=tmp_path)

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from 0007 to {head_revision()}" in upgraded.stdout
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        indexes: dict[str, str] = dict(
            conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles'")
            ).all()
        )
        functions = set(
            conn.scalars(text("SELECT proname FROM pg_proc WHERE proname LIKE 'newsmon%'"))
        )
    assert "ix_articles_grams" not in indexes
    assert 'newsmon_pairs(title, body) COLLATE "C"' in indexes["ix_articles_pairs"]
    assert "newsmon_grams" not in functions
    assert "newsmon_pairs" in functions
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        for term in _TERMS:
            for city in (None, "无锡"):
                want = [
                    n
                    for n, body in reversed(list(enumerate(_BODIES)))
                    if term.lower() in f"第{n}篇 {body}".lower()
                    and city in (None, "无锡" if n % 2 else "镇江")
                ]
                page = search_articles(session, ArticleQuery(text=term, city=city))
                assert [int(a.title[1:-1]) for a in page.articles] == want, (term, city)
    # the search's own statements are planned on the index (its expression, its collation)
    with sessions() as session:
        plans = _explained(engine, lambda: search_articles(session, ArticleQuery(text="营商环境")))
    assert plans
    assert all("Bitmap Index Scan on ix_articles_pairs" in plan for plan in plans), plans
    # a new article is indexed by the new index: found, also after the upgrade's double check
    store(sessions, [_doc(9, "新的，营商环境报道")])
    found = newsmon_json("query", "营商环境", "--format", "json", db=pg_url, home=tmp_path)
    assert [r["title"] for r in found][:1] == ["第9篇"]
    again = newsmon("db", "upgrade", db=pg_url, home=tmp_path)
    assert f"already at revision {head_revision()}" in again.stdout
    engine.dispose()
