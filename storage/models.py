"""The archive's tables: sites, articles (with compressed raw HTML), city sections, crawl runs,
keyword matches, reprint fingerprints, listing validators and ignored links; then the tables the
scheduler keeps beside them: site leases, alerts and their deliveries, state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from storage.bodies import BodyText


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC on every backend (SQLite has no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        datetime: UTCDateTime,
    }


class Site(Base):
    """A site articles come from: a configured profile name, or the site name a page gave."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="site")


class Article(Base):
    """One article, keyed by its canonical URL; re-storing it updates this row."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    #: the URL the page was fetched at, NULL when it is ``url`` (as for most pages: 34 bytes a
    #: row at a million articles, migration 0012); :attr:`fetched_from` reads it either way,
    #: :func:`stored_fetched_url` gives what to store
    fetched_url: Mapped[str | None] = mapped_column(String(2048))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(Text)
    #: indexed on SQLite by ``ix_articles_published_at``, on PostgreSQL by ``ix_articles_time``
    #: (newest first, then id), which serves its ranges too (storage/search/index.py)
    published_at: Mapped[datetime | None] = mapped_column()
    source: Mapped[str | None] = mapped_column(String(200), index=True)
    author: Mapped[str | None] = mapped_column(String(200))
    site_name: Mapped[str | None] = mapped_column(String(200))
    breadcrumb: Mapped[list[str]] = mapped_column(default=list)
    #: zstd-compressed on SQLite (storage/bodies.py)
    body: Mapped[str] = mapped_column(BodyText)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    #: what the page says, as a 64-bit key (``storage.repository.content_hash``: the first 64
    #: bits of the SHA-256 of the record, signed as BIGINT stores it; migration 0014, before
    #: which it was the whole hash as 64 hex digits). It is only compared for equality, with
    #: the key of a re-crawled page's record (unchanged: nothing is rewritten) and with the
    #: key its fingerprint was made from (``ArticleFingerprint.content_hash``): a change goes
    #: unnoticed only if the new record's key equals the old one's, a 1 in 2**64 chance per
    #: change (a billion changed records would miss one with odds of 1 in 18 billion), and
    #: nobody chooses the records to make it happen (a forged collision would only keep an
    #: old copy of a page). The whole hash took 65 bytes a row on PostgreSQL; the key takes 8
    #: and, after the texts before it, 0 to 7 bytes of padding to align it. It stays where the
    #: text was: archives are made by the migrations, which cannot move a column without
    #: copying the table, and bench/query.py's ``create_all`` must make the same rows.
    content_hash: Mapped[int] = mapped_column(BigInteger)
    raw_html: Mapped[bytes] = mapped_column(LargeBinary)
    raw_content_type: Mapped[str | None] = mapped_column(String(200))
    extractor_version: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site | None] = relationship(back_populates="articles")
    sections: Mapped[list[Section]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="Section.position",
        passive_deletes=True,
    )

    @property
    def fetched_from(self) -> str:
        """The URL the page was fetched at: ``fetched_url``, or ``url`` where that is NULL."""
        return self.url if self.fetched_url is None else self.fetched_url


def stored_fetched_url(url: str, fetched_url: str) -> str | None:
    """What ``articles.fetched_url`` holds for a page fetched at ``fetched_url`` and stored
    under the canonical URL ``url``: NULL when the two are the same, else ``fetched_url``."""
    return None if fetched_url == url else fetched_url


class Section(Base):
    """A per-city section of a round-up article, in page order.

    Its text is a run of its article's body (extraction cuts it from the body's paragraphs),
    so it is stored as the run's place, ``body[text_start:text_end]`` in characters, not as a
    copy (migration 0011; docs/architecture.md). A text that is no run of the body (a row
    written by other code, an extraction that changes the paragraphs) is stored as it is, in
    the ``text`` column, and read back unchanged. :attr:`text` gives the text either way;
    reading it needs the article's body, which the article's own load brings (sections are
    loaded with their article: no query per section).
    """

    __tablename__ = "sections"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        Index("ix_sections_city_district", "city", "district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(50))
    district: Mapped[str | None] = mapped_column(String(50))
    heading: Mapped[str] = mapped_column(Text)
    #: the text when it is no run of the body; NULL when ``text_start``/``text_end`` place it
    stored_text: Mapped[str | None] = mapped_column("text", Text)
    #: where the text starts and ends in the article's body (characters), when it is a run of it
    text_start: Mapped[int | None] = mapped_column(Integer)
    text_end: Mapped[int | None] = mapped_column(Integer)
    places: Mapped[list[str]] = mapped_column(default=list)

    article: Mapped[Article] = relationship(back_populates="sections")

    @property
    def text(self) -> str:
        """The section's text: the stored one, else its run of the article's body."""
        if self.stored_text is not None:
            return self.stored_text
        if self.text_start is None or self.text_end is None:
            return ""
        return self.article.body[self.text_start : self.text_end]

    @text.setter
    def text(self, value: str) -> None:
        # stored as it is: a run of the body is found by storage.sections.text_columns
        self.stored_text, self.text_start, self.text_end = value, None, None


@event.listens_for(Session, "loaded_as_persistent")
def _section_with_its_article(session: Session, instance: object) -> None:
    """A section loaded after its article (``selectinload``, the readers' way) gets it from
    the session's identity map, without SQL: its text then reads after the session closed,
    as it did when the row held a copy."""
    if isinstance(instance, Section) and "article" not in instance.__dict__:
        key = session.identity_key(Article, instance.article_id)
        article = session.identity_map.get(key)
        if article is not None:
            set_committed_value(instance, "article", article)


class ArticleFingerprint(Base):
    """An article's body fingerprint and the reprint group it falls in (kept by storage/search/reprints.py).

    A table of its own rather than columns on ``articles``: ``create_all`` adds it to
    archives made before it existed, and it is rebuilt from the articles at any time.
    """

    __tablename__ = "article_fingerprints"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    #: the article's ``content_hash`` when fingerprinted (its 64-bit key; 0013 made this
    #: column a key before 0014 made the article's one); a different one means re-fingerprint.
    #: Not the whole 64-character hash (migration 0013): only compared for equality, and on
    #: PostgreSQL the row is 76 bytes with its line pointer instead of 132 (24-byte header;
    #: the BIGINT after ``article_id`` is aligned to 8, after 4 bytes of padding, where the
    #: 65-byte text left 3, and the rest packs as before)
    content_hash: Mapped[int] = mapped_column(BigInteger)
    #: 64-bit SimHash of the body (signed, as BIGINT stores it), or an exact-text hash
    simhash: Mapped[int] = mapped_column(BigInteger)
    is_simhash: Mapped[bool] = mapped_column(Boolean)
    # The fingerprint's four 16-bit bands: near copies share at least one (indexed lookups).
    band0: Mapped[int] = mapped_column(Integer, index=True)
    band1: Mapped[int] = mapped_column(Integer, index=True)
    band2: Mapped[int] = mapped_column(Integer, index=True)
    band3: Mapped[int] = mapped_column(Integer, index=True)
    #: id of the group's first article; copies of one text share it
    reprint_group: Mapped[int] = mapped_column(Integer, index=True)


class SearchCount(Base):
    """How many articles fall on a day of publication or under a city, for group-by counts of
    the whole archive without reading it. Kept by triggers (storage/search/counts.py)."""

    __tablename__ = "search_counts"

    #: ``day`` (``key``: YYYY-MM-DD in Asia/Shanghai, ``''`` undated) or ``city``
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class SearchCountDelta(Base):
    """A change to a :class:`SearchCount` not yet folded into it (PostgreSQL writers append
    here rather than lock a count; readers add both up)."""

    __tablename__ = "search_count_deltas"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(50))
    n: Mapped[int] = mapped_column(Integer)


class CrawlRun(Base):
    """One run of a spider: when, how it ended, and what it fetched and stored."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(50))
    site: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    new_matches: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error_list: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Match(Base):
    """An article matching a configured keyword, from the time it first matched.

    Kept in step with ``Article.keywords``; the scheduler's alerts hang off these rows.
    """

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("article_id", "keyword"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    keyword: Mapped[str] = mapped_column(String(200), index=True)
    matched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class Validator(Base):
    """HTTP validators (ETag, Last-Modified) of a listing page, sitemap or feed, for conditional GETs."""

    __tablename__ = "http_validators"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class IgnoredUrl(Base):
    """A link that led to no article (robots.txt forbids it, or the page is not an article).

    Incremental crawls treat these as known, so such links neither get fetched
    again on every run nor keep paging going.
    """

    __tablename__ = "ignored_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    reason: Mapped[str] = mapped_column(String(50))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- the scheduler's tables


class SiteLease(Base):
    """Who may crawl a site right now, until when.

    A row per site being crawled. Its holder renews ``expires_at`` while the crawl
    runs and deletes the row when done; a holder that was killed stops renewing,
    so its lease runs out and the next run may take it.
    """

    __tablename__ = "site_leases"

    site: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Alert(Base):
    """Something worth telling the user, raised once: a new matching article or a health problem.

    ``key`` makes it once: ``match:<article id>`` for an article (however many keywords
    it matches, and however often it is re-crawled), ``health:<run id>:<check>`` for a
    health finding of a run.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "match" | "health"
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    site: Mapped[str | None] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: what the sinks send: the article's url/title/published_at/keywords, or the health finding
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AlertDelivery(Base):
    """One alert sent to one sink (log, jsonl, webhook); pending until ``delivered_at`` is set."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "sink"),
        Index("ix_alert_deliveries_pending", "sink", "delivered_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    sink: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class OpsState(Base):
    """Small named values the scheduler keeps, e.g. since when each alert sink exists."""

    __tablename__ = "ops_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
