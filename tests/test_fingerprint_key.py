"""The 64-bit key a reprint fingerprint keeps of its article's hash (migration 0013), on both backends."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle
from storage import Article
from storage.models import ArticleFingerprint
from storage.repository import content_hash
from storage.search import fingerprint, sync_reprints
from storage.search.reprints import hash_key, hash_key_sql
from tests.support.stored import store

TEXT = "南京市召开全市高质量发展推进会，部署全年重点工作，推动项目早落地、早投产。" * 3
OTHER = "苏州工业园区发布新一轮产业政策，支持集成电路与生物医药企业扩大投资规模。" * 3


def _article(n: int, body: str) -> ExtractedArticle:
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


def test_the_key_is_the_first_64_bits_of_the_sha256() -> None:
    for text in (TEXT, OTHER, "", "镇江"):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        expected = int.from_bytes(bytes.fromhex(digest)[:8], "big", signed=True)
        assert hash_key(digest) == expected
    assert hash_key("f" * 64) == -1
    assert hash_key("8" + "0" * 63) == -(1 << 63)
    assert hash_key("7" + "f" * 63) == (1 << 63) - 1
    assert hash_key("0123456789abcdef" + "9" * 48) == 0x0123456789ABCDEF
    # any text: a character that is no lowercase hex digit counts as f, missing ones as 0
    assert hash_key("x" * 64) == -1
    assert hash_key("stale") == hash_key("ffafe")  # a and e are digits
    assert hash_key("h") == hash_key("f") == -(1 << 60)
    assert hash_key("") == 0


def test_the_key_in_sql_is_the_key_in_python(sessions: sessionmaker[Session]) -> None:
    texts = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in (TEXT, OTHER, "", "镇江", "a")]
    texts += ["f" * 64, "8" + "0" * 63, "7" + "f" * 63, "x" * 64, "stale", "h", "", "0" * 64]
    with sessions() as session:
        dialect = session.get_bind().dialect.name
        keys = [hash_key_sql(sa.literal(t, sa.String), dialect) for t in texts]
        found = session.execute(sa.select(*keys)).one()
    assert list(found) == [hash_key(t) for t in texts]


def test_a_stored_fingerprint_keeps_the_key_of_its_article_hash(
    sessions: sessionmaker[Session],
) -> None:
    ids = store(sessions, [_article(1, TEXT), _article(2, OTHER)])
    with sessions() as session:
        rows = session.execute(
            sa.select(Article.id, Article.content_hash, ArticleFingerprint.content_hash).join(
                ArticleFingerprint, ArticleFingerprint.article_id == Article.id
            )
        ).all()
    assert sorted(article_id for article_id, _digest, _key in rows) == sorted(ids.values())
    for _id, digest, key in rows:
        assert len(digest) == 64
        assert key == int.from_bytes(bytes.fromhex(digest)[:8], "big", signed=True)
    # nothing is stale after a store
    with sessions() as session:
        assert sync_reprints(session) == 0


def test_an_article_whose_text_changed_is_fingerprinted_again(
    sessions: sessionmaker[Session],
) -> None:
    ids = store(sessions, [_article(1, TEXT), _article(2, OTHER)])
    changed, kept = ids["http://site.test/1.html"], ids["http://site.test/2.html"]
    new_body = OTHER.replace("，", ",")  # the other article's letters: a copy of it
    new_hash = content_hash(_article(1, new_body))
    with sessions() as session, session.begin():
        # the text changed, as an older newsmon or an edit by hand leaves it: not fingerprinted
        session.execute(
            sa.update(Article)
            .where(Article.id == changed)
            .values(body=new_body, content_hash=new_hash)
        )
    with sessions() as session, session.begin():
        assert sync_reprints(session) == 1
    with sessions() as session:
        rows = {row.article_id: row for row in session.scalars(sa.select(ArticleFingerprint)).all()}
        assert sync_reprints(session) == 0
    value, is_simhash = fingerprint(new_body)
    assert is_simhash
    assert rows[changed].content_hash == hash_key(new_hash)
    assert rows[changed].simhash == (value - (1 << 64) if value >= 1 << 63 else value)
    # a copy of the other article now: one group
    assert rows[changed].reprint_group == rows[kept].reprint_group
