"""Building the SQLite search index of an archive's articles (storage/search/build.py, grams.py):
the same postings as the index the store's triggers write, progress as it goes, in one process
or with a worker process making the rows, and a build that is killed or whose worker fails
leaves an archive that opens and builds it again, and no process behind."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import string
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from crawler.extraction import ExtractedArticle as Extracted
from crawler.extraction import Section as ExtractedSection
from storage import Article, create_schema, make_engine
from storage.search import ArticleQuery, install_search, rebuild_search, search_articles
from storage.search import build as build_module
from storage.search.build import BuildError, build_processes, reporting
from storage.search.grams import _RUN, CITY_MARK, HEX_MARK, document_grams
from storage.search.index import drop_grams, upgrade_grams
from tests.cli import newsmon
from tests.support.stored import store

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 5, 1, tzinfo=UTC)
#: CJK, ASCII of both cases, digits, the underscore, spaces of several kinds, Chinese and ASCII
#: punctuation, a character outside the BMP, full-width letters and digits, accented letters
ALPHABET = "无锡营商环境aBz09_ \t\n\u3000，。、“”-.𠀀𠮷ＡＢ２éÉ"
_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
TERMS = ["无锡", "锡", "营商环境", "aB", "z0", "𠀀𠮷", "ＡＢ２", "é", "商，环", "境 a"]
WORKER = "storage.search.build_worker"


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A worker process makes the rows of every build (however small its archive, in batches of
    7; the build waits for it to be ready); each build appends whether its worker started."""
    monkeypatch.setenv("NEWSMON_BUILD_PROCESSES", "1")
    monkeypatch.setattr(build_module, "WORKER_FROM", 0)
    monkeypatch.setattr(build_module, "BATCH", 7)
    monkeypatch.setattr(build_module, "WORKER_WAIT", 60.0)
    started: list[bool] = []
    start = build_module._Worker.start

    def recorded(*args: object) -> object:
        worker = start(*args)  # type: ignore[arg-type]
        started.append(worker is not None)
        return worker

    monkeypatch.setattr(build_module._Worker, "start", recorded)
    return started


def _children(pid: int) -> dict[int, str]:
    """The child processes of ``pid`` and their command lines (Linux)."""
    found: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(stat.parent.name)] = command.decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    return found


def _ended(pid: int, seconds: float = 20) -> bool:
    """Whether process ``pid`` ends (or is a zombie) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (OSError, IndexError):
            return True
        time.sleep(0.05)
    return False


def _pairs_one_by_one(title: str | None, body: str | None) -> list[str]:
    """The index's tokens as the definition says them (and as earlier versions made them, one
    pair at a time): each run's overlapping pairs, then its last character alone."""
    tokens: list[str] = []
    for part in (title, body):
        for run in _RUN.findall(part or ""):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
    return tokens


def _random_text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def test_the_pairs_are_the_definitions_at_the_same_positions_for_fts5() -> None:
    rng = random.Random(17)
    texts = [
        (rng.choice([None, _random_text(rng, 12)]), rng.choice([None, _random_text(rng, 80)]))
        for _ in range(3000)
    ]
    texts += [(None, None), ("", ""), ("无", None), (None, "_ _"), ("a", "b"), ("𠀀", "𠀀𠀀")]
    made = sqlite3.connect(":memory:")
    for table in ("one_by_one", "built"):
        made.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5(grams, content='', detail=full, "
            "columnsize=0, tokenize='ascii')"
        )
        made.execute(f"CREATE VIRTUAL TABLE {table}_v USING fts5vocab({table}, instance)")
    for rowid, (title, body) in enumerate(texts, 1):
        expected = _pairs_one_by_one(title, body)
        grams = document_grams(title, body)
        assert grams.split() == expected, (title, body)
        made.execute(
            "INSERT INTO one_by_one(rowid, grams) VALUES (?, ?)", (rowid, " ".join(expected))
        )
        made.execute("INSERT INTO built(rowid, grams) VALUES (?, ?)", (rowid, grams))
    # the tokenizer reads the same tokens at the same positions (the spaces between them vary)
    vocab = "SELECT term, doc, col, offset FROM {}_v ORDER BY 1, 2, 3, 4"
    assert (
        made.execute(vocab.format("built")).fetchall()
        == made.execute(vocab.format("one_by_one")).fetchall()
    )


def _doc(rng: random.Random, n: int) -> Extracted:
    cities = ["无锡", "苏州", "Wuxi", None, ""]
    return Extracted(
        url=f"http://site.test/{n}.html",
        title=_random_text(rng, 10),
        published_at=T0 + timedelta(hours=rng.randint(0, 300)),
        source=None,
        author=None,
        site_name=None,
        breadcrumb=[],
        body=_random_text(rng, 120),
        sections=[
            ExtractedSection("", rng.choice(cities), None, "标题", "正文", [])
            for _ in range(rng.choice([0, 1, 2, 3]))
        ],
        keywords=[],
    )


def _postings(conn: sqlite3.Connection | Session) -> set[tuple[str, int, int | None]]:
    """(token, article id, position); a city token's position depends on whether a trigger on
    sections or a build wrote it, so cities are compared without."""
    query = "SELECT term, doc, offset FROM temp.build_vocab"
    make = (
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.build_vocab "
        "USING fts5vocab(main, articles_grams, 'instance')"
    )
    if isinstance(conn, Session):
        conn.execute(text(make))
        rows = conn.execute(text(query)).all()
    else:
        conn.execute(make)
        rows = conn.execute(query).fetchall()
    city = (CITY_MARK, HEX_MARK)
    return {(t, int(doc), None if t.startswith(city) else int(off)) for t, doc, off in rows}


def _answers(sessions: sessionmaker[Session]) -> dict[tuple[str, str | None], list[int]]:
    with sessions() as session:
        return {
            (term, city): [
                a.id
                for a in search_articles(
                    session, ArticleQuery(text=term, city=city, limit=1000)
                ).articles
            ]
            for term in TERMS
            for city in ("无锡", "Wuxi", None)
        }


@pytest.mark.parametrize("worker", [False, True], ids=["one process", "worker process"])
def test_a_build_in_ranges_holds_what_the_stores_triggers_wrote(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, worker: bool
) -> None:
    started = request.getfixturevalue("workers") if worker else []
    if not worker:
        monkeypatch.setenv("NEWSMON_BUILD_PROCESSES", "0")
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    rng = random.Random(5)
    store(sessions, [_doc(rng, n) for n in range(240)])
    with engine.begin() as conn:  # ids with gaps, one range of them empty
        conn.execute(text("DELETE FROM articles WHERE id % 7 = 3 OR id BETWEEN 100 AND 130"))
    with sessions() as session:
        written = _postings(session)
        expected = {a.id: _pairs_one_by_one(a.title, a.body) for a in session.query(Article).all()}
    answers = _answers(sessions)
    assert sum(map(len, answers.values())) > 100

    lines: list[str] = []
    monkeypatch.setattr(build_module, "BUILD_CHUNK", 25)
    with reporting(lines.append):
        rebuild_search(engine)
    assert started == ([True] if worker else [])
    assert not any(WORKER in command for command in _children(os.getpid()).values())
    with sessions() as session:
        assert _postings(session) == written
        tokens: dict[int, list[tuple[int, str]]] = {}
        for token, doc, offset in _postings(session):
            if offset is not None:
                tokens.setdefault(doc, []).append((offset, token))
        for article_id, pairs in expected.items():
            folded = [t.translate(_ASCII_FOLD) for t in pairs]  # as the tokenizer folds
            assert [t for _o, t in sorted(tokens.get(article_id, []))] == folded, article_id
    assert _answers(sessions) == answers
    count = len(expected)
    assert lines[0].startswith(f"building the search index of {count:,} articles")
    done = [int(line.split()[2].replace(",", "")) for line in lines[1:]]
    assert done == sorted(done), lines
    assert done[-1] == count, lines
    assert len(done) >= 8, lines
    assert all(line.endswith(f"of {count:,} articles") for line in lines[1:])
    engine.dispose()


_BUILD = """
import sys
from storage import make_engine
from storage.search import build, install_search
build.BUILD_CHUNK = 50
build.WORKER_FROM = 0
build.BATCH = 7
build.WORKER_WAIT = 60.0
def reported(line):
    print(line, flush=True)
    if line.startswith("search index:"):
        sys.stdin.readline()  # wait: the test kills this process here
with build.reporting(reported):
    install_search(make_engine(sys.argv[1]))
"""


@pytest.mark.parametrize("worker", [False, True], ids=["one process", "worker process"])
def test_a_killed_build_leaves_an_archive_that_opens_and_builds_again(
    sqlite_url: str, tmp_path: Path, worker: bool
) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    rng = random.Random(9)
    store(sessions, [_doc(rng, n) for n in range(400)])
    answers = _answers(sessions)
    with engine.begin() as conn:  # as an archive loaded in bulk, or before the index existed
        drop_grams(conn)
    engine.dispose()

    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_BUILD), sqlite_url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NEWSMON_BUILD_PROCESSES": str(int(worker))},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.startswith("building the search index of 400 articles"), first
    assert child.stdout.readline() == "search index: 50 of 400 articles\n"
    helpers = [pid for pid, command in _children(child.pid).items() if WORKER in command]
    assert len(helpers) == int(worker), _children(child.pid)
    child.send_signal(signal.SIGKILL)  # mid-build: 50 articles indexed, in its transaction
    child.wait(timeout=30)
    assert all(_ended(pid) for pid in helpers)  # the worker did not outlive the build

    raw = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    found = raw.execute("SELECT name FROM sqlite_master WHERE name = 'articles_grams'")
    assert found.fetchall() == []
    raw.close()

    result = newsmon("db", "upgrade", db=sqlite_url, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "building the search index of 400 articles" in result.stderr
    assert "search index: 400 of 400 articles" in result.stderr
    engine = make_engine(sqlite_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    install_search(engine)  # nothing left to do
    assert _answers(sessions) == answers
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO articles_grams(articles_grams) VALUES ('integrity-check')"
        )
    engine.dispose()


def _archive(sqlite_url: str, articles: int, seed: int) -> sessionmaker[Session]:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    rng = random.Random(seed)
    store(sessions, [_doc(rng, n) for n in range(articles)])
    return sessions


def test_a_worker_that_dies_fails_the_build_and_leaves_the_index_before(
    sqlite_url: str, workers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = _archive(sqlite_url, 300, 11)
    engine = sessions.kw["bind"]
    answers = _answers(sessions)
    with sessions() as session:
        before = _postings(session)
    killed: list[int] = []

    def kill_the_worker(line: str) -> None:
        if line.startswith("search index:") and not killed:
            for pid, command in _children(os.getpid()).items():
                if WORKER in command:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

    monkeypatch.setattr(build_module, "BUILD_CHUNK", 50)
    with reporting(kill_the_worker), pytest.raises(BuildError) as failed:
        rebuild_search(engine)
    assert workers == [True]
    assert len(killed) == 1
    message = str(failed.value)
    assert f"worker process (pid {killed[0]}) was killed by signal 9 after handing over" in message
    # rolled back: the index before it, whole (the build had dropped it in its transaction)
    with sessions() as session:
        assert _postings(session) == before
    assert _answers(sessions) == answers
    assert not any(WORKER in command for command in _children(os.getpid()).values())
    engine.dispose()


def test_a_worker_that_fails_fails_the_build_with_its_reason(
    sqlite_url: str, workers: list[bool]
) -> None:
    sessions = _archive(sqlite_url, 120, 12)
    engine = sessions.kw["bind"]
    with engine.begin() as conn:  # as an archive loaded in bulk, one of its bodies damaged
        drop_grams(conn)
        conn.execute(text("UPDATE articles SET body = x'28b52ffd0000' WHERE id = 100"))
    with pytest.raises(BuildError, match="worker process failed: OperationalError: user-defined"):
        install_search(engine)
    assert workers == [True]
    with engine.connect() as conn:  # as it was: no index
        assert not conn.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'articles_grams%'")
        )
    assert not any(WORKER in command for command in _children(os.getpid()).values())
    engine.dispose()


def test_a_worker_that_cannot_start_leaves_the_rows_to_the_build(
    sqlite_url: str, workers: list[bool], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sessions = _archive(sqlite_url, 100, 13)
    engine = sessions.kw["bind"]
    with sessions() as session:
        written = _postings(session)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))
    rebuild_search(engine)
    assert workers == [False]
    with sessions() as session:
        assert _postings(session) == written
    engine.dispose()


def _worker_of_each_build(monkeypatch: pytest.MonkeyPatch) -> list[build_module._Worker]:
    """The worker of each build, as the build sees it."""
    made: list[build_module._Worker] = []
    start = build_module._Worker.start

    def recorded(*args: object) -> object:
        worker = start(*args)  # type: ignore[arg-type]
        if worker is not None:
            made.append(worker)
        return worker

    monkeypatch.setattr(build_module._Worker, "start", recorded)
    return made


def test_the_build_makes_rows_until_its_worker_is_ready_then_hands_it_the_rest(
    sqlite_url: str, workers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = _archive(sqlite_url, 300, 14)
    engine = sessions.kw["bind"]
    with sessions() as session:
        written = _postings(session)
        last = max(a.id for a in session.query(Article).all())
    answers = _answers(sessions)
    monkeypatch.setattr(build_module, "WORKER_WAIT", 0.0)  # as by default
    monkeypatch.setattr(build_module, "BUILD_CHUNK", 50)
    made = _worker_of_each_build(monkeypatch)
    own = build_module.batches
    mine: list[int] = []

    def slow_until_ready(*args: object) -> object:
        """The build's own batches; after its third, it waits until its worker is ready."""
        for batch in own(*args):  # type: ignore[arg-type]
            mine.extend(article_id for article_id, _row in batch)
            if len(mine) == 21:  # the worker says it is ready (else the build would end first)
                stdout = made[0].process.stdout
                assert stdout is not None
                assert select.select([stdout], [], [], 60)[0]
            yield batch

    monkeypatch.setattr(build_module, "batches", slow_until_ready)
    lines: list[str] = []
    with reporting(lines.append):
        rebuild_search(engine)
    assert workers == [True]
    assert mine == list(range(1, 22))  # three batches of 7 here, then the worker's
    assert made[0].working
    assert made[0].handed == last - 21
    assert lines[-1] == f"search index: {last:,} of {last:,} articles"
    with sessions() as session:
        assert _postings(session) == written
    assert _answers(sessions) == answers
    assert not any(WORKER in command for command in _children(os.getpid()).values())
    engine.dispose()


def test_a_build_done_before_its_worker_is_ready_ends_the_worker(
    sqlite_url: str, workers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = _archive(sqlite_url, 40, 15)
    engine = sessions.kw["bind"]
    with sessions() as session:
        written = _postings(session)
    monkeypatch.setattr(build_module, "WORKER_WAIT", 0.0)
    made = _worker_of_each_build(monkeypatch)
    rebuild_search(engine)  # 40 articles: done in far less than the worker's start
    assert workers == [True]
    assert not made[0].working
    assert made[0].handed == 0
    assert made[0].process.returncode is not None  # ended by the build
    assert not any(WORKER in command for command in _children(os.getpid()).values())
    with sessions() as session:
        assert _postings(session) == written
    engine.dispose()


def test_a_build_in_a_callers_transaction_indexes_what_it_changed(
    sqlite_url: str, workers: list[bool]
) -> None:
    """A migration rebuilding the index after changing articles in its transaction: the rows
    are made in this process (a worker would read the articles as last committed)."""
    sessions = _archive(sqlite_url, 60, 14)
    engine = sessions.kw["bind"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE articles SET title = '鼋头渚樱花' WHERE id = 7"))
        drop_grams(conn)  # an index of an earlier version, to be made again
        conn.exec_driver_sql("CREATE VIRTUAL TABLE articles_grams USING fts5(grams)")
        upgrade_grams(conn)
    assert workers == []  # not even tried
    with sessions() as session:
        found = search_articles(session, ArticleQuery(text="鼋头渚", limit=10)).articles
        assert [a.id for a in found] == [7]
    engine.dispose()


@pytest.mark.parametrize(
    ("value", "cores", "expected"),
    [
        ("", {0}, 0),
        ("", {0, 1}, 1),
        ("", {0, 1, 2, 3}, 1),
        ("0", {0, 1}, 0),
        ("1", {0}, 1),
        (" 4 ", {0}, 1),
    ],
)
def test_build_processes_default_to_one_from_two_cores(
    monkeypatch: pytest.MonkeyPatch, value: str, cores: set[int], expected: int
) -> None:
    monkeypatch.setenv("NEWSMON_BUILD_PROCESSES", value)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: cores)
    assert build_processes() == expected


@pytest.mark.parametrize("value", ["many", "-1", "1.5"])
def test_a_bad_build_processes_fails_the_build_saying_why(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    sessions = _archive(sqlite_url, 20, 15)
    with sessions.kw["bind"].begin() as conn:
        drop_grams(conn)
    sessions.kw["bind"].dispose()
    expected = (
        "NEWSMON_BUILD_PROCESSES must be a whole number of processes, 0 or more "
        f"(0: build the search index in one process), not '{value}'"
    )
    monkeypatch.setenv("NEWSMON_BUILD_PROCESSES", value)
    with pytest.raises(BuildError) as failed:
        install_search(make_engine(sqlite_url))
    assert str(failed.value) == expected
    result = newsmon(
        "db", "upgrade", db=sqlite_url, home=tmp_path, env={"NEWSMON_BUILD_PROCESSES": value}
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert expected in result.stderr
