"""Article bodies zstd-compressed on SQLite (storage/bodies.py, migration 0010), text elsewhere.

Real SQLite and PostgreSQL: bodies read back as stored; on SQLite they are zstd frames (a body
that does not shrink stays text), on PostgreSQL text; searches (the index's terms, a term of
several runs confirmed against the text, ASCII folding, relevance, the city filter, the keyword
coverage, the CLI's JSON) answer what the texts say; the index's triggers index a frame's text
when an article is stored, changed and deleted; ``newsmon db upgrade`` converts an archive of
revision 0009 (text rows) and answers stay the same; a damaged frame is a clear error.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle, Section
from storage import Article, create_schema, make_engine
from storage.bodies import MAGIC, CorruptBody, body_text, compress_body, convert_stored
from storage.coverage import keyword_sections
from storage.migrate import head_revision, upgrade
from storage.search import ArticleQuery, install_search, search_articles
from storage.search.grams import plan
from tests.cli import newsmon, newsmon_json
from tests.support.stored import store, store_before_0011
from tests.test_search_cities import _check

#: Bodies of a few hundred characters (compressed on SQLite) and one too short to shrink.
_BODIES = {
    0: "无锡市委书记在新春第一会上强调营商环境。\n"
    + "企业发展离不开优质服务，持续优化营商环境。" * 12,
    1: "镇江召开新春第一会。",
    2: "常州持续推进Wuxi-Changzhou合作，营商,环境评价提升。\n" + "常州市区项目建设加快推进。" * 15,
    3: "苏州营商环境大会召开，园区企业代表发言。" * 9 + "苏州WUXI办事处揭牌。",
}
_CITIES = {0: "无锡", 1: "镇江", 2: "常州", 3: "苏州"}
#: (text, city, sort) of the searches compared: terms the index answers alone, terms of
#: several runs (confirmed against the text), ASCII folded, a single character, relevance.
_SEARCHES: tuple[tuple[str, str | None, Literal["time", "relevance"]], ...] = (
    ("营商环境", None, "time"),
    ("营商环境", None, "relevance"),
    ("新春第一会", "无锡", "time"),
    ("营商 环境", None, "time"),
    ("营商,环境", None, "relevance"),
    ("wuxi-changzhou", None, "time"),
    ("wuxi", None, "relevance"),
    ("企业发展离不开优质服务", None, "time"),
    ("锡", None, "time"),
)


def _title(n: int) -> str:
    return f"{_CITIES[n]}新闻{n}"


def _doc(n: int, body: str | None = None) -> ExtractedArticle:
    city = _CITIES[n]
    body = _BODIES[n] if body is None else body
    return ExtractedArticle(
        url=f"http://site.test/{n}.html",
        title=_title(n),
        published_at=datetime(2024, 2, 1 + n, 9, 0, tzinfo=UTC),
        source="新华日报",
        author=None,
        site_name="江苏新闻网",
        breadcrumb=["首页", "江苏"],
        body=body,
        sections=[Section(city, city, None, "标题", f"{city}营商环境", [city])],
        keywords=["营商环境"] if "营商环境" in body else [],
    )


def _number(url: str) -> int:
    return int(re.search(r"/(\d+)\.html", url).group(1))  # type: ignore[union-attr]


def _stored(engine: Engine) -> dict[int, tuple[str, object]]:
    """Each article's stored body as (SQL type of the value, the value), by article number."""
    kind = "typeof(body)" if engine.dialect.name == "sqlite" else "pg_typeof(body)::text"
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT url, {kind}, body FROM articles")).all()
    return {_number(url): (str(t), value) for url, t, value in rows}


#: What the searches of :data:`_SEARCHES` found, as (total, [(article number, body)]), and
#: the keyword coverage's (article id, city).
Answers = tuple[list[tuple[int, list[tuple[int, str]]]], list[tuple[int, str | None]]]


def _answers(sessions: sessionmaker[Session]) -> Answers:
    """What the searches of :data:`_SEARCHES` and the keyword coverage answer."""
    found: list[tuple[int, list[tuple[int, str]]]] = []
    with sessions() as session:
        for term, city, sort in _SEARCHES:
            page = search_articles(session, ArticleQuery(text=term, city=city, sort=sort))
            found.append((page.total, [(_number(a.url), a.body) for a in page.articles]))
        coverage = [(h.article_id, h.city) for h in keyword_sections(session, "优质服务")]
    return found, coverage


def _check_answers(answers: Answers, bodies: dict[int, str]) -> None:
    """The answers agree with what the texts say (computed here, without SQL)."""
    found, coverage = answers
    for (term, city, sort), (total, hits) in zip(_SEARCHES, found, strict=True):
        want = {
            n
            for n, body in bodies.items()
            if all(w in body.lower() or w in _title(n).lower() for w in term.lower().split())
            and city in (None, _CITIES[n])
        }
        assert {n for n, _body in hits} == want, term
        assert total == len(want), term
        assert all(body == bodies[n] for n, body in hits), term
        if sort == "time":  # newest first (article n is published on day n)
            assert [n for n, _body in hits] == sorted(want, reverse=True), term
    # relevance: the title's hits, then the body's damped by its length
    assert [n for n, _body in found[1][1]] == [0, 3]
    assert [n for n, _body in found[6][1]] == [3, 2]  # WUXI, Wuxi-
    assert {city for _id, city in coverage} == {
        _CITIES[n] for n, body in bodies.items() if "优质服务" in body
    }


def test_bodies_are_zstd_frames_on_sqlite_and_text_on_postgresql(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    store(sessions, [_doc(n) for n in _BODIES])
    engine = sessions.kw["bind"]
    stored = _stored(engine)
    if engine.dialect.name == "sqlite":
        # the short body does not shrink: kept as text
        assert {n: kind for n, (kind, _v) in stored.items()} == {
            0: "blob",
            1: "text",
            2: "blob",
            3: "blob",
        }
        for n, (kind, value) in stored.items():
            if kind == "blob":
                assert isinstance(value, bytes)
                assert value[:4] == MAGIC
                assert len(value) < 0.8 * len(_BODIES[n].encode())
                assert body_text(value) == _BODIES[n]
    else:  # PostgreSQL: the type passes text through (lz4 is the server's, migration 0009)
        assert stored == {n: ("text", body) for n, body in _BODIES.items()}
    with sessions() as session:
        read = {_number(a.url): a.body for a in session.scalars(select(Article))}
    assert read == _BODIES
    _check_answers(_answers(sessions), _BODIES)

    # the CLI's JSON (what an export gives) holds the text; `db stats` counts the frames
    found = newsmon_json("query", "营商环境", "--format", "json", db=db_url, home=tmp_path)
    assert sorted(r["body"] for r in found) == sorted(_BODIES[n] for n in (0, 3))
    stats = newsmon_json("db", "stats", "--format", "json", db=db_url, home=tmp_path)
    assert stats["bodies"]["bytes"] == sum(len(b.encode()) for b in _BODIES.values())
    if engine.dialect.name == "sqlite":
        assert stats["bodies"]["compressed"] == 3
        assert stats["bodies"]["methods"] == ["zstd"]
        assert stats["bodies"]["stored_bytes"] == sum(
            len(value) if isinstance(value, bytes) else len(str(value).encode())
            for _kind, value in stored.values()
        )
        assert stats["bodies"]["stored_bytes"] < 0.8 * stats["bodies"]["bytes"]
        shown = newsmon("db", "stats", db=db_url, home=tmp_path)
        assert "3 of 4 compressed (zstd)" in shown.stdout, shown.stdout


def test_the_index_holds_the_text_of_frames_through_changes_and_deletes(
    sqlite_url: str,
) -> None:
    """The triggers get the stored frames (new and old rows) and index their text: a changed
    body replaces its pairs, a deleted article takes exactly its own out (a contentless index
    told the wrong tokens would keep stale ones, and fail its integrity check)."""
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ids = store(sessions, [_doc(n) for n in _BODIES])
    _check(sessions)
    changed = "无锡召开优化营商环境大会，出台二十条新政。" * 10
    store(sessions, [_doc(0, changed)])
    assert _stored(engine)[0][0] == "blob"
    _check(sessions)
    with sessions.begin() as session:
        session.execute(delete(Article).where(Article.id == ids["http://site.test/2.html"]))
    _check(sessions)
    bodies = {0: changed, 1: _BODIES[1], 3: _BODIES[3]}
    with sessions() as session:
        page = search_articles(session, ArticleQuery(text="二十条新政"))
        assert [(_number(a.url), a.body) for a in page.articles] == [(0, changed)]
        assert search_articles(session, ArticleQuery(text="优质服务")).total == 0
        assert search_articles(session, ArticleQuery(text="常州市区")).total == 0
    found, _coverage = _answers(sessions)
    assert found[0] == (2, [(3, bodies[3]), (0, changed)])
    engine.dispose()


def _as_revision_0009(sqlite_url: str) -> Engine:
    """An archive as revision 0009's newsmon left it: its bodies text."""
    engine = make_engine(sqlite_url)
    upgrade(engine, "0009")
    install_search(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store_before_0011(sessions, [_doc(n) for n in _BODIES])
    with engine.begin() as conn:
        for n, body in _BODIES.items():  # bound as text: SQLite stores it so
            conn.execute(
                text("UPDATE articles SET body = :body WHERE url = :url"),
                {"body": body, "url": f"http://site.test/{n}.html"},
            )
    assert {kind for kind, _v in _stored(engine).values()} == {"text"}
    return engine


def test_db_upgrade_compresses_the_text_bodies_of_an_archive_of_revision_0009(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = _as_revision_0009(sqlite_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    _check(sessions)
    with engine.connect() as conn:
        triggers = set(
            conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
        )
    engine.dispose()

    upgraded = newsmon("db", "upgrade", db=sqlite_url, home=tmp_path)

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"upgraded from 0009 to {head_revision()}" in upgraded.stdout
    engine = make_engine(sqlite_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    stored = _stored(engine)
    assert {n: kind for n, (kind, _v) in stored.items()} == {
        0: "blob",
        1: "text",
        2: "blob",
        3: "blob",
    }
    before = _answers(sessions)
    _check_answers(before, _BODIES)
    _check(sessions)  # the index is what it was: the same text
    with engine.connect() as conn:
        # the triggers dropped for the rewrite are back, as they were
        assert (
            set(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='trigger'")))
            == triggers
        )
    # rows of both kinds side by side: a text row written by the earlier version still reads
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE articles SET body = :body WHERE url = :url"),
            {"body": _BODIES[3], "url": "http://site.test/3.html"},
        )
    assert _stored(engine)[3][0] == "text"
    assert _answers(sessions) == before
    _check(sessions)
    shown = newsmon("db", "stats", db=sqlite_url, home=tmp_path).stdout
    assert "2 of 4 compressed (zstd)" in shown, shown
    # `db compact` compresses such rows before it rewrites the archive
    engine.dispose()
    compacted = newsmon("db", "compact", db=sqlite_url, home=tmp_path)
    assert compacted.returncode == 0, compacted.stderr
    assert "1 bodies stored as text compressed" in compacted.stderr
    assert {n: kind for n, (kind, _v) in _stored(engine).items()} == {
        0: "blob",
        1: "text",
        2: "blob",
        3: "blob",
    }
    assert _answers(sessions) == before
    _check(sessions)

    # the downgrade gives revision 0009's newsmon text again
    with engine.begin() as conn:
        assert convert_stored(conn, compressed=False) == 3
    assert {kind for kind, _v in _stored(engine).values()} == {"text"}
    assert _answers(sessions) == before
    _check(sessions)
    engine.dispose()


def test_a_damaged_frame_is_a_clear_error(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ids = store(sessions, [_doc(n) for n in _BODIES])
    frame = compress_body(_BODIES[0])
    assert isinstance(frame, bytes)
    damaged = frame[:12] + bytes(b ^ 0x5A for b in frame[12:40]) + frame[40:]
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER articles_grams_au")  # the index keeps its text
        conn.execute(
            text("UPDATE articles SET body = :b WHERE id = :id"),
            {"b": damaged, "id": ids["http://site.test/0.html"]},
        )
        conn.execute(
            text("UPDATE articles SET body = :b WHERE id = :id"),
            {"b": b"\x00not a frame", "id": ids["http://site.test/3.html"]},
        )
    with pytest.raises(CorruptBody, match=r"cannot be read"):
        body_text(damaged)
    with pytest.raises(CorruptBody, match=r"not a zstd frame"):
        body_text(b"\x00not a frame")
    with sessions() as session, pytest.raises(CorruptBody, match=r"article body .* cannot be read"):
        session.get(Article, ids["http://site.test/0.html"])
    # SQL over the body (a term confirmed against the text) fails, and says why in the log
    with (
        sessions() as session,
        caplog.at_level(logging.ERROR, logger="storage.bodies"),
        pytest.raises(OperationalError),
    ):
        # a candidate of the index (its phrase holds), confirmed against the damaged frame
        search_articles(session, ArticleQuery(text="营商环境。企业"))
    assert "cannot be read" in caplog.text or "not a zstd frame" in caplog.text
    # the other articles read as before
    with sessions() as session:
        assert session.get(Article, ids["http://site.test/2.html"]).body == _BODIES[2]  # type: ignore[union-attr]
    engine.dispose()


def test_the_body_hits_function_counts_as_the_sql_it_replaces(sqlite_url: str) -> None:
    """Relevance on SQLite counts a body's hits with one function over its frame; it gives
    what the portable SQL (PostgreSQL's) gives over the text: ASCII folded and nothing else,
    occurrences taken left to right without overlap, the length in characters."""
    engine = make_engine(sqlite_url)
    portable = (
        "(length(lower(:body)) - length(replace(lower(:body), lower(:term), ''))) "
        "/ max(length(:term), 1) * 1000.0 / (length(:body) + 1000.0)"
    )
    cases = [
        (_BODIES[0], "营商环境"),
        (_BODIES[2], "wuxi"),
        (_BODIES[3], "WUXI"),
        ("aaaa aAa", "aa"),
        ("Éé éÉ", "é"),
        ("无锡", "苏州"),
        ("无锡", ""),
    ]
    with engine.connect() as conn:
        for body, term in cases:
            frame = compress_body(body)
            want = conn.scalar(text(f"SELECT {portable}"), {"body": body, "term": term})
            got = conn.scalar(
                text("SELECT newsmon_body_hits(:frame, :term)"), {"frame": frame, "term": term}
            )
            assert got == pytest.approx(want), (body[:10], term)
    engine.dispose()


def test_terms_of_several_runs_find_exactly_the_texts_that_hold_them(sqlite_url: str) -> None:
    """A term of several runs is looked up as the phrase across its runs (storage/search/
    grams.py), then confirmed against the frames: random texts and terms of a small alphabet
    (so that runs recur, at the ends and starts of other runs, in titles and bodies), every
    answer against Python's substring test."""
    rng = random.Random(17)
    alphabet = "无锡营商环境aB1"
    separators = [",", "，", " ", "。", "-"]

    def runs_text(n: int) -> str:
        return "".join(
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) + rng.choice(separators)
            for _ in range(n)
        )

    texts = {n: (runs_text(2), runs_text(rng.randint(3, 30))) for n in range(60)}
    docs = [
        replace(_doc(0, body), url=f"http://site.test/{n}.html", title=title, sections=[])
        for n, (title, body) in texts.items()
    ]
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, docs)
    terms = {
        rng.choice(list(texts.values()))[1][start : start + length]
        for start, length in ((rng.randint(0, 10), rng.randint(3, 8)) for _ in range(150))
    }
    terms |= {"环境,营商", "a,b", "B-1", "锡,营。"}
    checked = 0
    with sessions() as session:
        for term in sorted(terms):
            # one term (a space would make two) of two runs or more: a phrase across them
            if " " in term or len(re.findall(r"[^\W_]+", term)) < 2:
                continue
            assert plan(term).fts is not None
            assert not plan(term).exact
            want = {
                n
                for n, (title, body) in texts.items()
                if term.lower() in title.lower() or term.lower() in body.lower()
            }
            page = search_articles(session, ArticleQuery(text=term, limit=100))
            assert {_number(a.url) for a in page.articles} == want, term
            assert page.total == len(want), term
            checked += 1
    assert checked > 50
    engine.dispose()
