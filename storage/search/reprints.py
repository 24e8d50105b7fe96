"""Reprints: the same body served by several sites, found and grouped.

Each article gets a 64-bit SimHash over character shingles of its body (an
exact-text hash when the body is short), stored with its four 16-bit bands in
``article_fingerprints``; near copies share a band, so candidates are found by
index. Copies of one text share a ``reprint_group``: the id of its first article.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.orm import Session

from storage.models import Article, ArticleFingerprint
from storage.records import local_time

#: Bits of the SimHash, and how far two fingerprints may differ and still be copies. How a
#: fingerprint is computed must not change without a migration that recomputes the stored
#: ones (storage/migrations/versions/0006_simhash_tabulated.py): copies are found by comparing
#: fingerprints across articles, and two kinds in one archive would never match.
SIMHASH_BITS = 64
REPRINT_DISTANCE = 3
#: 4 bands of 16 bits: fingerprints within distance 3 agree on at least one whole band.
BANDS = 4
SHINGLE = 3
#: Bodies shorter than this are too short for a SimHash to tell copies from look-alikes;
#: they only group with bodies equal after normalisation.
MIN_SIMHASH_CHARS = 60

_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_body(body: str) -> str:
    """The body's letters and digits only: spacing, punctuation and layout differ between copies."""
    return _NOT_TEXT.sub("", body).lower()


#: Each character's three random 64-bit values, one per place in a shingle, as 24 bytes
#: (8 big-endian bytes each): derived from the character by blake2b, so the same in every
#: process and version, and kept once computed. Bounded by the letters and digits that
#: occur in texts, not by the texts.
_VALUES: dict[str, bytes] = {}


def _char_values(char: str) -> bytes:
    return b"".join(
        hashlib.blake2b(
            char.encode("utf-8"), digest_size=8, person=b"newsmon-place%d" % place
        ).digest()
        for place in range(SHINGLE)
    )


def _records(chars: str) -> bytes:
    """The 24-byte values of every character of ``chars``, in order."""
    try:
        return b"".join(map(_VALUES.__getitem__, chars))
    except KeyError:
        for char in set(chars).difference(_VALUES):
            _VALUES[char] = _char_values(char)
        return b"".join(map(_VALUES.__getitem__, chars))


def simhash(body: str) -> int:
    """64-bit SimHash of the character shingles of ``body`` (unsigned).

    Every 3-character shingle votes on every bit with its 64-bit hash; the fingerprint
    keeps the majority. Copies differing in a few sentences differ in a few bits;
    unrelated texts in about half of them. A shingle that occurs twice votes twice (the
    classic SimHash, weighted by frequency).

    The hash of shingle ``abc`` is ``T0[a] ^ T1[b] ^ T2[c]``, the XOR of a random value
    per character and place (simple tabulation hashing, see ``_VALUES``): so the votes
    are counted without a Python step per shingle. For each of the 8 byte positions, the
    bytes at that position of every shingle's hash form one long integer, made by three
    strided slices of the characters' values (one slice each, no copy of a copy) and two
    XORs; each bit's votes are then one shift, one AND and one popcount. A text shorter than a shingle is one shingle, hashed whole.
    """
    return _simhash_of(normalise_body(body))


def _simhash_of(chars: str) -> int:
    if len(chars) < SHINGLE:
        if not chars:
            return 0
        return int.from_bytes(hashlib.blake2b(chars.encode("utf-8"), digest_size=8).digest())
    count = len(chars) - SHINGLE + 1
    records = _records(chars)
    half = count / 2
    ones = int.from_bytes(b"\x01" * count)  # the lowest bit of every shingle's byte
    value = 0
    for position in range(8):
        # byte ``position`` of every shingle's hash: T0 of its first character, T1 of its
        # second, T2 of its third
        column = 0
        for place in range(SHINGLE):
            # from the first shingle's character ``place`` (record ``place``), its value
            # T[place], its byte ``position``; then every 24th byte, one per shingle
            start = 24 * place + 8 * place + position
            column ^= int.from_bytes(records[start : start + 24 * count : 24])
        for bit in range(8):
            if ((column >> bit) & ones).bit_count() > half:
                value |= 1 << ((7 - position) * 8 + bit)
    return value


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(fingerprint: int) -> list[int]:
    return [(fingerprint >> (16 * i)) & 0xFFFF for i in range(BANDS)]


def _signed(value: int) -> int:
    """An unsigned 64-bit value as the signed BIGINT both backends store."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _exact_key(chars: str) -> int:
    """Fingerprint of a short body: a hash of its normalised text ``chars`` (copies must be equal)."""
    digest = hashlib.blake2b(chars.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def fingerprint(body: str) -> tuple[int, bool]:
    """(fingerprint, whether it is a SimHash); short bodies get an exact-text hash."""
    chars = normalise_body(body)
    if len(chars) >= MIN_SIMHASH_CHARS:
        return _simhash_of(chars), True
    return _exact_key(chars), False


#: What a fingerprint keeps of its article's ``content_hash``: the article's own 64-bit key
#: (``storage.repository.content_hash``), or, in archives before migration 0013, whose
#: fingerprints and articles kept the whole hash as 64 hex digits, that text (the migrations
#: before that one fingerprint with this code, ``whole_hash``: 0003 and 0006). Either way the
#: fingerprint's value is the article's, and a different one means re-fingerprint.
Digest = int | str


#: ``article_fingerprints`` as archives before migration 0013 have it (see :data:`Digest`).
_WHOLE_HASH_TABLE = table(
    ArticleFingerprint.__tablename__,
    *(
        column(c.name, String(64) if c.name == "content_hash" else c.type)
        for c in ArticleFingerprint.__table__.columns
    ),
)


def _fingerprints(whole_hash: bool) -> Any:
    return _WHOLE_HASH_TABLE if whole_hash else ArticleFingerprint.__table__


def _stale_ids(session: Session, limit: int, whole_hash: bool = False) -> list[int]:
    stmt = (
        select(Article.id)
        .outerjoin(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        .where(
            or_(
                ArticleFingerprint.article_id.is_(None),
                ArticleFingerprint.content_hash != Article.content_hash,
            )
        )
        .order_by(Article.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _assign(
    session: Session,
    article_id: int,
    body: str,
    digest: Digest,
    new: bool = False,
    whole_hash: bool = False,
) -> None:
    """Fingerprint one article and put it in the group of the copies it matches.

    ``new``: the article was just inserted, so it has no fingerprint and labels no group;
    ``whole_hash``: see :data:`Digest`.
    """
    if not new:
        _forget(session, article_id)
    value, is_simhash = fingerprint(body)
    parts = bands(value)
    candidates = session.execute(
        select(
            ArticleFingerprint.article_id,
            ArticleFingerprint.simhash,
            ArticleFingerprint.reprint_group,
        ).where(
            ArticleFingerprint.is_simhash == is_simhash,
            or_(
                ArticleFingerprint.band0 == parts[0],
                ArticleFingerprint.band1 == parts[1],
                ArticleFingerprint.band2 == parts[2],
                ArticleFingerprint.band3 == parts[3],
            ),
        )
    ).all()
    limit = REPRINT_DISTANCE if is_simhash else 0
    groups = {
        group for _id, other, group in candidates if hamming(_unsigned(other), value) <= limit
    }
    group = min(groups, default=article_id)
    if len(groups) > 1:
        # This copy bridges two groups: they were one all along.
        session.execute(
            update(ArticleFingerprint)
            .where(ArticleFingerprint.reprint_group.in_(groups))
            .values(reprint_group=group)
        )
    session.execute(
        insert(_fingerprints(whole_hash)),
        [_row(article_id, digest, value, is_simhash, group)],
    )


def _row(
    article_id: int, digest: Digest, value: int, is_simhash: bool, group: int
) -> dict[str, Any]:
    """The ``article_fingerprints`` row of a fingerprint ``value`` (unsigned) in ``group``."""
    parts = bands(value)
    return {
        "article_id": article_id,
        "content_hash": digest,
        "simhash": _signed(value),
        "is_simhash": is_simhash,
        **{f"band{i}": parts[i] for i in range(BANDS)},
        "reprint_group": group,
    }


def _forget(session: Session, article_id: int) -> None:
    session.execute(delete(ArticleFingerprint).where(ArticleFingerprint.article_id == article_id))
    # The group was labelled with this article's id: relabel the copies it leaves behind,
    # or the article would still share the label (not the text) with them.
    left = session.scalar(
        select(func.min(ArticleFingerprint.article_id)).where(
            ArticleFingerprint.reprint_group == article_id
        )
    )
    if left is not None:
        session.execute(
            update(ArticleFingerprint)
            .where(ArticleFingerprint.reprint_group == article_id)
            .values(reprint_group=left)
        )


def fingerprint_articles(
    session: Session, articles: Iterable[tuple[int, str, Digest, bool]]
) -> None:
    """Fingerprint stored articles, given as ``(id, body, content_hash, new)``, and group them
    with their copies: called where articles are stored (storage.repository), in their batch.

    Changed articles are regrouped one by one; new ones together: one query for the
    stored copies of the whole batch, one insert.
    """
    fresh = []
    for article_id, body, digest, new in articles:
        if new:
            fresh.append((article_id, body, digest))
        else:
            _assign(session, article_id, body, digest)
            session.flush()
    if fresh:
        _assign_new(session, fresh)


class _Print:
    """A fingerprint while a batch is grouped: its SimHash unsigned, its bands as the keys of
    :func:`_band_keys`, its group (relabelled in place when a copy bridges two groups)."""

    __slots__ = ("article_id", "group", "is_simhash", "keys", "value")

    def __init__(self, article_id: int, value: int, is_simhash: bool, group: int) -> None:
        self.article_id = article_id
        self.value = value
        self.is_simhash = is_simhash
        self.keys = _band_keys(value)
        self.group = group

    def copy_of(self, other: _Print) -> bool:
        """Whether ``other``, which shares a band with this one, is a copy of its text: the
        same kind, SimHashes within ``REPRINT_DISTANCE`` bits (exact hashes: equal)."""
        if other.is_simhash != self.is_simhash:
            return False
        return hamming(other.value, self.value) <= (REPRINT_DISTANCE if self.is_simhash else 0)


def _band_keys(value: int) -> tuple[int, ...]:
    """A fingerprint's bands as one int each, the band's number above its 16 bits: two
    fingerprints share band ``i`` when they share its key."""
    return (  # BANDS = 4, written out: this runs for every stored row a batch reads
        value & 0xFFFF,
        0x10000 | ((value >> 16) & 0xFFFF),
        0x20000 | ((value >> 32) & 0xFFFF),
        0x30000 | ((value >> 48) & 0xFFFF),
    )


def _assign_new(
    session: Session, articles: list[tuple[int, str, Digest]], whole_hash: bool = False
) -> None:
    rows: list[dict[str, Any]] = []
    prints: list[_Print] = []
    for article_id, body, digest in articles:
        value, is_simhash = fingerprint(body)
        rows.append(_row(article_id, digest, value, is_simhash, article_id))
        prints.append(_Print(article_id, value, is_simhash, article_id))
    # The table's columns, not the mapped class's: the rows come back as Core rows, without
    # the ORM's result machinery (a few µs a row, and the batch may read thousands).
    table = ArticleFingerprint.__table__
    band_cols = [table.c[f"band{i}"] for i in range(BANDS)]
    columns = (table.c.article_id, table.c.simhash, table.c.is_simhash, table.c.reprint_group)
    # The batch's fingerprints by band: a stored one is kept only if it is a copy of one of them.
    by_band: dict[int, list[_Print]] = {}
    for new in prints:
        for key in new.keys:
            by_band.setdefault(key, []).append(new)
    # A band is 16 bits: the stored rows sharing one with the batch grow with the archive
    # (15,000 for a batch of 100 in 20,000 sample articles), most of them not copies. Read
    # them as plain columns, a thousand at a time, and keep only the copies: what a flush
    # holds is bounded by the batch's copies, not by the archive. (Each is compared as ints
    # with the batch's fingerprints of its bands: ~1 µs a row, where dicts of its columns
    # took a few; docs/benchmarks.md, Crawling, "Session 13".)
    known: dict[int, _Print] = {}  # the stored copies, by article id
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        found = session.execute(
            select(*columns)
            .where(
                or_(*(col.in_({r[f"band{i}"] for r in chunk}) for i, col in enumerate(band_cols)))
            )
            .execution_options(yield_per=1000)
        )
        for article_id, simhash, is_simhash, group in found:
            if article_id in known:
                continue
            other = _Print(article_id, _unsigned(simhash), is_simhash, group)
            if any(new.copy_of(other) for key in other.keys for new in by_band.get(key, ())):
                known[article_id] = other
    # The copies found, and the batch's fingerprints as they are grouped, by band: one is
    # compared with those sharing a band, not with all of them.
    grouped = list(known.values())
    known_by_band: dict[int, list[_Print]] = {}
    for other in grouped:
        for key in other.keys:
            known_by_band.setdefault(key, []).append(other)
    for new in prints:
        groups = {
            other.group
            for key in new.keys
            for other in known_by_band.get(key, ())
            if new.copy_of(other)
        }
        group = min(groups, default=new.article_id)
        if len(groups) > 1:
            # This copy bridges two groups: they were one all along.
            session.execute(
                update(ArticleFingerprint)
                .where(ArticleFingerprint.reprint_group.in_(groups))
                .values(reprint_group=group)
            )
            for other in grouped:
                if other.group in groups:
                    other.group = group
        new.group = group
        grouped.append(new)
        for key in new.keys:
            known_by_band.setdefault(key, []).append(new)
    for new, row in zip(prints, rows, strict=True):
        row["reprint_group"] = new.group
    session.execute(insert(_fingerprints(whole_hash)), rows)


def sync_reprints(session: Session, batch: int = 500, whole_hash: bool = False) -> int:
    """Fingerprint the articles that are new or whose text changed; return how many.

    Articles are fingerprinted when stored; this catches up archives made by
    earlier versions (the 0003 migration, with ``whole_hash``: see :data:`Digest`). The
    caller commits.
    """
    done = 0
    while True:
        ids = _stale_ids(session, batch, whole_hash)
        if not ids:
            return done
        rows = session.execute(
            select(Article.id, Article.body, Article.content_hash).where(Article.id.in_(ids))
        ).all()
        for article_id, body, digest in rows:
            _assign(session, article_id, body, digest, whole_hash=whole_hash)
            session.flush()
        done += len(rows)


def rebuild_reprints(session: Session, batch: int = 500, whole_hash: bool = False) -> int:
    """Forget every fingerprint and group the whole archive again; return how many.

    In the order the articles were stored, ``batch`` at a time, each batch grouped as
    a stored batch of new articles is (one query for its stored copies, one insert).
    """
    session.execute(delete(ArticleFingerprint))
    session.flush()
    done = last = 0
    while True:
        rows = session.execute(
            select(Article.id, Article.body, Article.content_hash)
            .where(Article.id > last)
            .order_by(Article.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        _assign_new(
            session,
            [(article_id, body, digest) for article_id, body, digest in rows],
            whole_hash,
        )
        done += len(rows)
        last = rows[-1][0]


@dataclass(frozen=True, slots=True)
class Copy:
    """One stored copy of a reprinted article."""

    id: int
    url: str
    title: str
    source: str | None
    site_name: str | None
    published_at: datetime | None

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "source": self.source,
            "site_name": self.site_name,
            "published_at": local_time(self.published_at),
        }


def reprint_groups(session: Session, article_ids: Iterable[int]) -> dict[int, int]:
    """article id -> reprint group (articles never fingerprinted map to themselves)."""
    ids = list(article_ids)
    found = dict(
        session.execute(
            select(ArticleFingerprint.article_id, ArticleFingerprint.reprint_group).where(
                ArticleFingerprint.article_id.in_(ids)
            )
        ).all()
    )
    return {i: int(found.get(i, i)) for i in ids}


def copies_of(session: Session, article_id: int) -> list[Copy]:
    """Every copy in the article's reprint group, itself included, earliest first."""
    group = reprint_groups(session, [article_id])[article_id]
    rows = session.execute(
        select(
            Article.id,
            Article.url,
            Article.title,
            Article.source,
            Article.site_name,
            Article.published_at,
        )
        .outerjoin(ArticleFingerprint, ArticleFingerprint.article_id == Article.id)
        .where(
            or_(
                ArticleFingerprint.reprint_group == group,
                Article.id == article_id,
            )
        )
        .order_by(Article.published_at.asc().nulls_last(), Article.id.asc())
    ).all()
    return [Copy(*row) for row in rows]


def reprint_info(session: Session, article_id: int) -> dict[str, Any]:
    """``reprint_group``, ``earliest`` copy and the ``reprints`` (the other copies) of an article."""
    copies = copies_of(session, article_id)
    group = reprint_groups(session, [article_id])[article_id]
    return {
        "reprint_group": group,
        "earliest": copies[0].record() if copies else None,
        "reprints": [c.record() for c in copies if c.id != article_id],
    }
