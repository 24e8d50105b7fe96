"""storage/search/ on SQLite (FTS5 bigrams) and PostgreSQL (GIN of bigrams): the same answers from both."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from crawler.extraction import extract_bytes
from storage import Article, Base, create_schema, make_engine
from storage.models import ArticleFingerprint
from storage.repository import ToSave, save_articles
from storage.search import (
    ArticleQuery,
    count_by,
    fingerprint,
    fts_phrase,
    hamming,
    rebuild_search,
    reprint_info,
    reprints,
    search_articles,
    simhash,
)
from storage.search.reprints import normalise_body
from tests.support.archive_pages import SEED, original_page
from tests.support.stored import store

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED_ARTICLE = extract_bytes(SEED, url="http://portal.test/news/8121.html", keywords=["新春第一会"])
ORIGINAL = extract_bytes(
    original_page(), url="http://xhrb.test/content_1234.htm", keywords=["新春第一会"]
)


def _sec(city: str, district: str | None = None) -> ExtractedSection:
    return ExtractedSection(city + (district or ""), city, district, "标题", "正文", [city])


def _doc(n: int, title: str, body: str, **changes: object) -> Extracted:
    base = Extracted(
        url=f"http://site.test/{n}.html",
        title=title,
        published_at=datetime(2023, 2, n, 9, 0, tzinfo=SHANGHAI),
        source="镇江日报",
        author=None,
        site_name="镇江新闻网",
        breadcrumb=[],
        body=body,
        sections=[],
        keywords=[],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


#: A small archive: the seed reprint and its original, plus articles chosen for each filter.
CORPUS = [
    SEED_ARTICLE,
    ORIGINAL,
    _doc(
        1,
        "镇江优化营商环境",
        "镇江市出台措施,持续优化营商环境100%_达标。",
        sections=[_sec("镇江")],
        keywords=["营商环境"],
    ),
    _doc(2, "宜兴企业创新大会", "宜兴市召开企业创新发展大会。", sections=[_sec("无锡", "宜兴")]),
    _doc(
        3,
        "扬州 ENTERPRISE Day",
        '扬州举办 Enterprise day,展示营商成果。AND OR NEAR * " 都是普通字符。',
        source="扬州日报",
        site_name="扬州网",
        sections=[_sec("扬州")],
    ),
    _doc(
        4,
        "营商环境:镇江营商环境再升级",
        "营商环境营商环境。",
        published_at=datetime(2023, 1, 3, 8, 0, tzinfo=SHANGHAI),
        sections=[_sec("镇江")],
    ),
    _doc(5, "无时间的文章", "没有发布时间,也谈营商环境。", published_at=None),
]


@pytest.fixture
def archive(sessions: sessionmaker[Session]) -> Iterator[Session]:
    store(sessions, CORPUS)
    with sessions() as session:
        yield session


def _titles(session: Session, **kw: object) -> list[str]:
    return [a.title for a in search_articles(session, ArticleQuery(**kw)).articles]  # type: ignore[arg-type]


def _expected(terms: str) -> list[str]:
    """Titles (sorted) of the corpus whose title or body holds every term (ASCII case folded)."""
    words = [t.lower() for t in terms.split()]
    return sorted(
        a.title for a in CORPUS if all(w in (a.title + "\n" + a.body).lower() for w in words)
    )


@pytest.mark.parametrize(
    "query",
    [
        "营商环境",  # inside unsegmented text
        "擂响战鼓再出征",
        "姜堰区",
        "营商",  # two characters: one bigram
        "镇江",
        "宜",  # one character
        "营商 镇江",  # every term must occur
        "enterprise",  # ASCII, any case
        "ENTERPRISE DAY",
        "100%_",
    ],
)
def test_substring_search_finds_exactly_the_articles_holding_the_text(
    archive: Session, query: str
) -> None:
    found = search_articles(archive, ArticleQuery(text=query, limit=100))
    assert sorted(a.title for a in found.articles) == _expected(query)
    assert found.total == len(_expected(query))
    assert found.total > 0


def test_yingshang_huanjing_inside_the_seed_is_found_with_a_city_filter(archive: Session) -> None:
    assert "优化营商环境" in SEED_ARTICLE.body  # unsegmented, mid-sentence
    titles = _titles(archive, text="营商环境", city="扬州")
    assert titles == [ORIGINAL.title, SEED_ARTICLE.title]


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '""',
        '"营商环境',
        "营商环境\"'",
        "*",
        "营商*",
        "NEAR(营商 环境)",
        "营商 NEAR 环境",
        "AND",
        "OR",
        "NOT 营商环境",
        "title:营商",
        "body : 营商环境",
        "^营商环境",
        "{title body}: 营商",
        "'; DROP TABLE articles; --",
        "%",
        "_",
        "\\",
        "%营商%",
        "营商环境) OR (1=1",
        "\x00",
        "营商环境" * 40,
    ],
)
def test_hostile_query_strings_are_searched_for_literally(archive: Session, hostile: str) -> None:
    found = search_articles(archive, ArticleQuery(text=hostile, limit=100))
    assert sorted(a.title for a in found.articles) == _expected(hostile)
    assert archive.scalar(select(Article.id).limit(1)) is not None  # the table is still there


def test_fts_phrase_quotes_every_character() -> None:
    assert fts_phrase('a"b') == '"a""b"'
    assert fts_phrase("NEAR(x y)") == '"NEAR(x y)"'


def test_filters(archive: Session) -> None:
    assert set(_titles(archive, city="无锡")) == {
        "宜兴企业创新大会",
        SEED_ARTICLE.title,
        ORIGINAL.title,
    }
    assert _titles(archive, city="无锡", district="宜兴", text="创新大会") == ["宜兴企业创新大会"]
    assert _titles(archive, city="拉萨") == []
    assert _titles(archive, source="扬州日报") == ["扬州 ENTERPRISE Day"]
    assert _titles(archive, site="扬州网") == ["扬州 ENTERPRISE Day"]
    assert len(_titles(archive, site="test")) == len(CORPUS)  # the profile name works too
    assert _titles(archive, keyword="营商环境") == ["镇江优化营商环境"]
    assert set(_titles(archive, matched=True)) == {
        "镇江优化营商环境",
        SEED_ARTICLE.title,
        ORIGINAL.title,
    }
    assert _titles(
        archive,
        since=datetime(2023, 2, 2, tzinfo=SHANGHAI),
        until=datetime(2023, 2, 4, tzinfo=SHANGHAI),
    ) == ["扬州 ENTERPRISE Day", "宜兴企业创新大会"]
    assert _titles(archive, text="营商环境", until=datetime(2023, 1, 4, tzinfo=SHANGHAI)) == [
        "营商环境:镇江营商环境再升级"
    ]


def test_time_order_is_newest_first_with_undated_articles_last(archive: Session) -> None:
    titles = _titles(archive, text="营商环境")
    assert titles[0] == "镇江优化营商环境"  # 2023-02-01
    assert titles[-1] == "无时间的文章"


def test_relevance_puts_title_hits_and_repeated_hits_first(archive: Session) -> None:
    for query in ("营商环境", "营商"):  # the FTS5 path and the LIKE path
        titles = _titles(archive, text=query, sort="relevance")
        assert titles[0] == "营商环境:镇江营商环境再升级", query
        assert sorted(titles) == _expected(query)


def test_pagination_gives_disjoint_pages_and_the_same_total(archive: Session) -> None:
    seen: list[str] = []
    for offset in range(0, 10, 2):
        page = search_articles(archive, ArticleQuery(text="营商", limit=2, offset=offset))
        assert page.total == len(_expected("营商"))
        seen += [a.title for a in page.articles]
    assert sorted(seen) == _expected("营商")
    assert search_articles(archive, ArticleQuery(text="营商", offset=100)).articles == []


def test_group_by_city_day_source_site(archive: Session) -> None:
    by_city = dict(count_by(archive, ArticleQuery(text="营商环境"), "city"))
    assert by_city["镇江"] == 4  # seed, original, two 镇江 articles
    assert by_city["扬州"] == 2
    assert "拉萨" not in by_city
    assert dict(count_by(archive, ArticleQuery(text="营商环境", unique=True), "city"))["镇江"] == 3
    days = count_by(archive, ArticleQuery(source="镇江日报"), "day")
    assert days == [
        ("2023-01-03", 1),
        ("2023-02-01", 1),
        ("2023-02-02", 1),
        (None, 1),
    ] or days == [(None, 1), ("2023-01-03", 1), ("2023-02-01", 1), ("2023-02-02", 1)]
    assert dict(count_by(archive, ArticleQuery(), "source"))["新华日报"] == 2
    sites = dict(count_by(archive, ArticleQuery(), "site"))
    assert sites["扬州网"] == 1
    assert sites["新华日报"] == 1
    assert sites["苏州都市网"] == 1
    with pytest.raises(ValueError, match="cannot group by"):
        count_by(archive, ArticleQuery(), "author")


def test_day_is_the_day_in_shanghai(sessions: sessionmaker[Session]) -> None:
    late = datetime(2023, 1, 28, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC the same day
    early = datetime(2023, 1, 29, 0, 30, tzinfo=SHANGHAI)  # 16:30 UTC on the 28th
    store(
        sessions, [_doc(1, "晚", "甲", published_at=late), _doc(2, "早", "乙", published_at=early)]
    )
    with sessions() as session:
        assert count_by(session, ArticleQuery(), "day") == [("2023-01-28", 1), ("2023-01-29", 1)]


def test_the_original_and_its_portal_reprint_are_one_reprint_group(
    sessions: sessionmaker[Session],
) -> None:
    ids = store(sessions, CORPUS)
    reprint, original = ids[SEED_ARTICLE.url or ""], ids[ORIGINAL.url or ""]
    with sessions() as session:
        info = reprint_info(session, reprint)
        assert [c["id"] for c in info["reprints"]] == [original]
        assert info["earliest"]["id"] == original
        assert info["earliest"]["site_name"] == "新华日报"
        assert reprint_info(session, original)["reprints"][0]["id"] == reprint
        assert reprint_info(session, ids["http://site.test/1.html"])["reprints"] == []
        unique = _titles(session, text="擂响战鼓", unique=True)
        assert unique == [ORIGINAL.title]  # one per group: the earliest (06:30, not 10:22)
        page = search_articles(session, ArticleQuery(unique=True, limit=100))
        assert page.total == len(CORPUS) - 1
        assert [a.id for a in page.articles].count(reprint) == 0


def test_an_edited_body_is_regrouped(sessions: sessionmaker[Session]) -> None:
    ids = store(sessions, [SEED_ARTICLE, ORIGINAL])
    store(sessions, [replace(SEED_ARTICLE, body="完全不同的一篇文章。" * 20)])
    with sessions() as session:
        assert reprint_info(session, ids[SEED_ARTICLE.url or ""])["reprints"] == []


BODY = SEED_ARTICLE.body
#: fingerprint(BODY) and that of a short body: see test_the_fingerprint_of_a_text_is_pinned
PINNED_FINGERPRINT = 17612255712259193966
PINNED_SHORT = 10067123336135127496
PARAGRAPHS = BODY.split("\n")


@pytest.mark.parametrize(
    ("other", "copies"),
    [
        (BODY, True),
        (BODY.replace("\n", "\n\n"), True),  # layout
        (BODY.replace(",", ",").replace("。", "."), True),  # punctuation
        (BODY + "\n(责任编辑:张三)本文来源:新华日报", True),  # an editor's line
        ("\n".join(PARAGRAPHS[1:]), True),  # the lead paragraph dropped
        ("\n".join(PARAGRAPHS[: len(PARAGRAPHS) // 2]), False),  # half of it
        (ORIGINAL.body.replace("营商环境", "投资环境").replace("新春", "岁末"), False),
        ("常州发布新能源之都十条。" * 30, False),
    ],
)
def test_simhash_tells_copies_from_other_texts(other: str, copies: bool) -> None:
    distance = hamming(simhash(BODY), simhash(other))
    assert (distance <= 3) is copies, distance


def _shingle_hash(shingle: str) -> int:
    """A shingle's hash as the definition reads: the XOR of one blake2b value per character and
    place (one blake2b of the whole text when it is shorter than a shingle)."""
    if len(shingle) < 3:
        return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest())
    value = 0
    for place, char in enumerate(shingle):
        person = f"newsmon-place{place}".encode()
        digest = hashlib.blake2b(char.encode(), digest_size=8, person=person).digest()
        value ^= int.from_bytes(digest)
    return value


def _simhash_bit_by_bit(body: str) -> int:
    """The SimHash as its definition reads: per bit, the majority vote of every shingle."""
    chars = normalise_body(body)
    shingles = [chars[i : i + 3] for i in range(len(chars) - 2)] or ([chars] if chars else [])
    hashes = [_shingle_hash(s) for s in shingles]
    votes = [sum(h >> bit & 1 for h in hashes) for bit in range(64)]
    return sum(1 << bit for bit in range(64) if votes[bit] > len(hashes) / 2)


@pytest.mark.parametrize("seed", range(6))
def test_simhash_is_the_bitwise_majority_of_its_shingles(seed: int) -> None:
    # Stored fingerprints must not change with how the votes are counted.
    rnd = random.Random(seed)
    body = "".join(
        rnd.choice("无锡宜兴营商环境新春第一会召开ab1，。") for _ in range(rnd.randint(1, 900))
    )
    assert simhash(body) == _simhash_bit_by_bit(body)
    assert simhash(BODY) == _simhash_bit_by_bit(BODY)


def test_short_bodies_group_only_when_equal() -> None:
    a, is_simhash = fingerprint("镇江召开大会。")
    assert not is_simhash
    assert fingerprint("镇江召开大会!")[0] == a  # punctuation is not text
    assert fingerprint("扬州召开大会。")[0] != a


def test_the_index_follows_updates_and_deletes(sessions: sessionmaker[Session]) -> None:
    store(sessions, [_doc(1, "甲标题", "原来的正文讲营商环境。")])
    with sessions() as session:
        assert _titles(session, text="营商环境") == ["甲标题"]
    store(sessions, [_doc(1, "甲标题", "改过的正文讲产业强市。")])
    with sessions() as session:
        assert _titles(session, text="营商环境") == []
        assert _titles(session, text="产业强市") == ["甲标题"]
    with sessions.begin() as session:
        session.execute(delete(Article))
    with sessions() as session:
        assert _titles(session, text="产业强市") == []


def test_install_is_idempotent_and_indexes_an_existing_archive(db_url: str) -> None:
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)  # an archive made before the search index existed
    sessions = sessionmaker(engine, expire_on_commit=False)
    store(sessions, [_doc(1, "旧文章", "早就存下的营商环境报道。")])
    create_schema(engine)
    create_schema(engine)
    with sessions() as session:
        assert _titles(session, text="营商环境") == ["旧文章"]
    rebuild_search(engine)
    with sessions() as session:
        assert _titles(session, text="营商环境") == ["旧文章"]
    engine.dispose()


def test_the_bigram_index_is_there(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            names = set(session.scalars(text("SELECT name FROM sqlite_master")))
            assert {
                "articles_grams",
                "articles_grams_ai",
                "articles_grams_bd",
                "articles_grams_au",
                "articles_grams_sections_ai",
                "articles_grams_sections_ad",
                "articles_grams_sections_au",
            } <= names
            assert "articles_fts" not in names
        else:
            names = set(
                session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename='articles'"))
            )
            assert "ix_articles_pairs" in names
            assert not {"ix_articles_title_trgm", "ix_articles_body_trgm"} & names
            assert not {"ix_articles_grams"} & names  # the index before migration 0008
            grams = session.scalar(text("SELECT newsmon_pairs('无锡市，营商。', 'AB,c')"))
            assert sorted(grams) == ["ab", "无锡", "营商", "锡市"]


def test_processes_opening_a_new_archive_at_once_all_succeed(db_url: str) -> None:
    # Crawler workers started together each call create_schema (tables, then search index).
    code = f"from storage import create_schema, make_engine; create_schema(make_engine({db_url!r}))"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e[-1500:] for e in errors if e]


@pytest.mark.parametrize("bound", ["1", "10000"])
def test_a_city_filter_answers_as_the_general_path(
    archive: Session, monkeypatch: pytest.MonkeyPatch, bound: str
) -> None:
    """SQLite answers text + city from the index and the city's ids (_search_in_place): the
    same totals and pages as the general path, within the bound and beyond it."""
    import storage.search.query as query_module

    monkeypatch.setenv("NEWSMON_SEARCH_COUNT_LIMIT", bound)

    def answers() -> list[tuple[int, bool, list[int]]]:
        found = []
        for term in ("营商", "营商环境", "创新", "新春第一会"):
            for city in ("镇江", "无锡", "扬州", "南京"):
                page = search_articles(archive, ArticleQuery(text=term, city=city, limit=2))
                found.append((page.total, page.exact, [a.id for a in page.articles]))
        return found

    fast = answers()
    monkeypatch.setattr(query_module, "_search_in_place", lambda *_args: None)
    assert fast == answers()
    assert any(ids for _total, _exact, ids in fast)


def test_a_city_filtered_search_confirms_the_text_once(
    archive: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text of more than two characters, a city filter, more index candidates than the bound
    and a total within it. PostgreSQL: the matches are confirmed against the text in one
    statement that also reads them (counting first and reading after confirmed every
    candidate twice; at 200,000 articles that was a third of such a search). SQLite: the
    index's positions answer the term, and no statement confirms it (before migration
    0007, one did). The same total and page either way."""
    confirming: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "(articles.body, " in statement:  # strpos(…) on PostgreSQL, instr(…) on SQLite
            confirming.append(statement)

    engine = archive.get_bind()
    checked = 0
    for term, city in (("新春第一会", "无锡"), ("营商环境", "镇江"), ("营商环境", "南京")):
        monkeypatch.setenv("NEWSMON_SEARCH_COUNT_LIMIT", "10000")
        truth = search_articles(archive, ArticleQuery(text=term, city=city, limit=3))
        anywhere = search_articles(archive, ArticleQuery(text=term, limit=1)).total
        if not truth.total or anywhere <= truth.total:
            continue
        monkeypatch.setenv("NEWSMON_SEARCH_COUNT_LIMIT", str(truth.total))
        confirming.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            page = search_articles(archive, ArticleQuery(text=term, city=city, limit=3))
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert (page.total, page.exact) == (truth.total, True)
        assert [a.id for a in page.articles] == [a.id for a in truth.articles]
        sqlite = engine.dialect.name == "sqlite"
        assert len(confirming) == (0 if sqlite else 1), confirming
        checked += 1
    assert checked


def test_a_new_article_is_grouped_with_its_copies_only_not_with_rows_sharing_a_band(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stored rows that share a 16-bit band with a new article are read as candidates; only
    # those within REPRINT_DISTANCE bits are its copies (chosen fingerprints, real grouping).
    x = 0x1234_5678_9ABC_DEF0
    chosen = {
        "原文": x,
        "同段不同文": x ^ (0xFFFF << 16),  # bands 0, 2 and 3 as x's, 16 bits apart
        "另一同段": x ^ (0xFF << 48),  # bands 0, 1 and 2 as x's, 8 bits apart
        "转载": x ^ 0b101,  # 2 bits from x, band 0 differs
    }
    monkeypatch.setattr(reprints, "fingerprint", lambda body: (chosen[body], True))
    ids = {}
    for n, body in enumerate(chosen, start=1):
        ids.update(store(sessions, [_doc(n, body, body)]))
    with sessions() as session:
        query = select(ArticleFingerprint.article_id, ArticleFingerprint.reprint_group)
        groups = {article: group for article, group in session.execute(query)}
    original, reprint = ids["http://site.test/1.html"], ids["http://site.test/4.html"]
    assert groups[reprint] == groups[original] == original
    assert groups[ids["http://site.test/2.html"]] == ids["http://site.test/2.html"]
    assert groups[ids["http://site.test/3.html"]] == ids["http://site.test/3.html"]


@pytest.mark.parametrize("band", range(4))
def test_a_copy_sharing_one_band_alone_is_found_by_that_band(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, band: int
) -> None:
    # A batch reads its stored candidates one band at a time: a copy 3 bits away that shares
    # only band ``band`` (one bit flipped in each other band) is found through it, and a
    # stored row sharing that band alone, 6 bits away, is not a copy.
    x = 0x1234_5678_9ABC_DEF0
    others = [i for i in range(4) if i != band]
    chosen = {
        "原文": x,
        "转载": x ^ sum(1 << (16 * i + 5) for i in others),
        "同段不同文": x ^ sum(0b11 << (16 * i + 9) for i in others),
    }
    monkeypatch.setattr(reprints, "fingerprint", lambda body: (chosen[body], True))
    ids = {}
    for n, body in enumerate(chosen, start=1):
        ids.update(store(sessions, [_doc(n, body, body)]))
    with sessions() as session:
        query = select(ArticleFingerprint.article_id, ArticleFingerprint.reprint_group)
        groups = {article: group for article, group in session.execute(query)}
    original = ids["http://site.test/1.html"]
    assert groups[ids["http://site.test/2.html"]] == groups[original] == original
    assert groups[ids["http://site.test/3.html"]] == ids["http://site.test/3.html"]


def test_the_fingerprint_of_a_text_is_pinned() -> None:
    # Stored fingerprints are compared with new ones: a change of how they are computed
    # needs a migration that recomputes them all (storage/migrations/versions/0006_…).
    assert fingerprint(BODY) == (PINNED_FINGERPRINT, True)
    assert fingerprint("镇江召开大会。") == (PINNED_SHORT, False)


def test_batches_group_copies_as_the_connected_copies_labelled_by_their_first_article(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Families of near fingerprints (each within a few bits of its family's seed: some pairs
    # copies, some not, some bridged by a third), exact hashes among them, stored in batches
    # of several sizes (one over the 200 rows a candidate query takes). Stored as new
    # articles, a group is what copies connect, labelled by its first article, whatever the
    # batches: checked against every pair compared directly.
    rng = random.Random(13)
    chosen: dict[str, tuple[int, bool]] = {}
    for n in range(700):
        seed = rng.choice([0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, rng.getrandbits(64)])
        value = seed
        for _ in range(rng.choice([0, 1, 2, 3, 4, 5])):
            value ^= 1 << rng.randrange(64)
        chosen[f"正文{n}"] = (value, rng.random() < 0.9)
    monkeypatch.setattr(reprints, "fingerprint", lambda body: chosen[body])
    docs = [
        _doc(1, f"标题{n}", body, url=f"http://site.test/b{n}.html")
        for n, body in enumerate(chosen)
    ]
    now = datetime(2024, 3, 1, tzinfo=SHANGHAI)
    ids: dict[str, int] = {}
    start = 0
    for size in (1, 250, 7, 60, 382):
        with sessions.begin() as session:
            batch = docs[start : start + size]
            saved = save_articles(
                session, [ToSave(d, b"", "text/html", d.url or "", "t", 1, now) for d in batch]
            )
        ids.update((d.body, s.article_id) for d, s in zip(batch, saved, strict=True))
        start += size
    assert start == len(docs)
    parent = {article_id: article_id for article_id in ids.values()}

    def root(article_id: int) -> int:
        while parent[article_id] != article_id:
            article_id = parent[article_id]
        return article_id

    bodies = list(ids)
    for i, a in enumerate(bodies):
        for b in bodies[:i]:
            (va, sa_), (vb, sb) = chosen[a], chosen[b]
            if sa_ == sb and hamming(va, vb) <= (3 if sa_ else 0):
                low, high = sorted((root(ids[a]), root(ids[b])))
                parent[high] = low
    with sessions() as session:
        query = select(ArticleFingerprint.article_id, ArticleFingerprint.reprint_group)
        groups = dict(session.execute(query).all())
    assert groups == {article_id: root(article_id) for article_id in parent}
    assert len(set(groups.values())) < len(groups) - 100  # many copies, so a real check
