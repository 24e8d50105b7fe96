"""The 64-bit key of an article's record: stored in ``articles.content_hash`` (migration 0014) and
kept by its reprint fingerprint (migration 0013), on both backends."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle
from storage import Article
from storage.migrate import hash_key, hash_key_sql
from storage.models import ArticleFingerprint
from storage.repository import SaveOutcome, content_hash
from storage.search import fingerprint, sync_reprints
from tests.support.stored import OTHER, TEXT, numbered_article, save_numbered, store


def _sha256_key(article: ExtractedArticle) -> int:
    """The first 64 bits, signed, of the SHA-256 of the record as newsmon hashed it before
    migration 0014 (without its URL and keywords; 64 hex digits were stored then)."""
    record = article.as_record()
    del record["url"], record["keywords"]
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hash_key(hashlib.sha256(payload).hexdigest())


def test_the_article_hash_is_the_key_of_the_record_sha256() -> None:
    for body in (TEXT, OTHER, ""):
        key = content_hash(numbered_article(1, body))
        assert isinstance(key, int)
        assert -(1 << 63) <= key < 1 << 63
        assert key == _sha256_key(numbered_article(1, body))
    assert content_hash(numbered_article(1, TEXT)) != content_hash(numbered_article(1, OTHER))
    # keywords follow the configuration, not the page
    flagged = numbered_article(1, TEXT)
    flagged.keywords.append("新春第一会")
    assert content_hash(flagged) == content_hash(numbered_article(1, TEXT))


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
    ids = store(sessions, [numbered_article(1, TEXT), numbered_article(2, OTHER)])
    with sessions() as session:
        rows = session.execute(
            sa.select(Article.id, Article.content_hash, ArticleFingerprint.content_hash).join(
                ArticleFingerprint, ArticleFingerprint.article_id == Article.id
            )
        ).all()
    assert sorted(article_id for article_id, _digest, _key in rows) == sorted(ids.values())
    by_id = {article_id: digest for article_id, digest, _key in rows}
    for n, body in ((1, TEXT), (2, OTHER)):
        assert by_id[ids[f"http://site.test/{n}.html"]] == _sha256_key(numbered_article(n, body))
    for _id, digest, key in rows:
        assert key == digest
    # nothing is stale after a store
    with sessions() as session:
        assert sync_reprints(session) == 0


def test_an_article_whose_text_changed_is_fingerprinted_again(
    sessions: sessionmaker[Session],
) -> None:
    ids = store(sessions, [numbered_article(1, TEXT), numbered_article(2, OTHER)])
    changed, kept = ids["http://site.test/1.html"], ids["http://site.test/2.html"]
    new_body = OTHER.replace("，", ",")  # the other article's letters: a copy of it
    new_hash = content_hash(numbered_article(1, new_body))
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
    assert rows[changed].content_hash == new_hash
    assert rows[changed].simhash == (value - (1 << 64) if value >= 1 << 63 else value)
    # a copy of the other article now: one group
    assert rows[changed].reprint_group == rows[kept].reprint_group


def _stored(sessions: sessionmaker[Session]) -> tuple[int, datetime, int, int]:
    """The article's key, update time, and its fingerprint's key and SimHash."""
    with sessions() as session:
        row = session.execute(
            sa.select(
                Article.content_hash,
                Article.updated_at,
                ArticleFingerprint.content_hash,
                ArticleFingerprint.simhash,
            ).join(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        ).one()
    return row[0], row[1], row[2], row[3]


def test_an_unchanged_record_is_not_rewritten_and_a_changed_one_is_fingerprinted_again(
    sessions: sessionmaker[Session],
) -> None:
    assert (
        save_numbered(sessions, numbered_article(1, TEXT), datetime(2023, 3, 1, tzinfo=UTC))
        is SaveOutcome.NEW
    )
    first = _stored(sessions)
    assert first[0] == first[2] == content_hash(numbered_article(1, TEXT))

    # the same record again: only the fetch time moves, the row keeps its key and update time
    assert (
        save_numbered(sessions, numbered_article(1, TEXT), datetime(2023, 3, 2, tzinfo=UTC))
        is SaveOutcome.UNCHANGED
    )
    assert _stored(sessions) == first

    # another text: a new key, a new update time, and a fingerprint made from the new text
    assert (
        save_numbered(sessions, numbered_article(1, OTHER), datetime(2023, 3, 3, tzinfo=UTC))
        is SaveOutcome.UPDATED
    )
    key, updated_at, kept, simhash = _stored(sessions)
    assert key == kept == content_hash(numbered_article(1, OTHER)) != first[0]
    assert updated_at > first[1]
    value, _is_simhash = fingerprint(OTHER)
    assert simhash == (value - (1 << 64) if value >= 1 << 63 else value) != first[3]
    with sessions() as session:
        assert sync_reprints(session) == 0
