"""``newsmon query`` / ``show`` / ``reindex`` on a crawled loopback site, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli import newsmon, newsmon_json
from tests.support.served import crawl_archive
from tests.support.webserver import WebServer


@pytest.fixture(scope="module")
def crawled(
    web: WebServer, module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, dict[str, int]]:
    """(database URL, home, ids) of one crawled archive per backend for the module's tests:
    they only read it (`reindex` rebuilds what is there)."""
    home = tmp_path_factory.mktemp("query-cli")
    return module_db_url, home, crawl_archive(web, home, module_db_url)


def test_query_with_filters_sort_offset_and_unique(
    crawled: tuple[str, Path, dict[str, int]],
) -> None:
    db, home, ids = crawled

    def query(*args: str) -> list[dict[str, object]]:
        return newsmon_json("query", *args, "--format", "json", home=home, db=db)

    found = query("营商环境", "--city", "镇江", "--since", "2023-01-01")
    assert [r["id"] for r in found] == [ids["reprint"], ids["original"]]
    assert found[0]["reprint_group"] == found[1]["reprint_group"]
    assert [r["id"] for r in query("营商环境", "--city", "镇江", "--unique")] == [ids["original"]]
    # --unique picks the earliest copy among the articles that match (as the README says):
    # with the original filtered out by date, its reprint stands for the group.
    times = {r["id"]: r["published_at"] for r in found}
    assert times[ids["original"]] < times[ids["reprint"]]
    after = str(times[ids["reprint"]])[:16].replace("T", " ")
    unique = query("营商环境", "--city", "镇江", "--since", after, "--unique")
    assert [r["id"] for r in unique] == [ids["reprint"]]
    assert [r["id"] for r in query("营商环境", "--offset", "1", "--limit", "1")] == [ids["reprint"]]
    assert query("营商环境", "--sort", "relevance")[0]["id"] == ids["hostile"]
    assert [r["id"] for r in query("营商", "--source", "坏网站")] == [ids["hostile"]]
    assert len(query("--keyword", "新春第一会")) == 2
    assert query('NEAR("营商" *', "--city", "镇江") == []


def test_group_by_in_every_format(crawled: tuple[str, Path, dict[str, int]]) -> None:
    db, home, _ids = crawled
    counts = newsmon_json(
        "query", "营商环境", "--group-by", "city", "--format", "json", home=home, db=db
    )
    assert {"city": "镇江", "count": 2} in counts
    unique = newsmon_json(
        "query", "--group-by", "source", "--unique", "--format", "json", home=home, db=db
    )
    assert {"source": "新华日报", "count": 1} in unique
    days = newsmon("query", "--group-by", "day", home=home, db=db).stdout.splitlines()
    assert days[0].split() == ["DAY", "COUNT"]
    assert days[1].split() == ["2023-01-29", "2"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                newsmon("query", "--group-by", "site", "--format", "csv", home=home, db=db).stdout
            )
        )
    )
    assert {"site": "苏州都市网", "count": "1"} in rows
    lines = newsmon("query", "--group-by", "city", "--format", "jsonl", home=home, db=db).stdout
    assert all("count" in json.loads(line) for line in lines.splitlines())


def test_show_lists_the_other_copies_and_the_earliest(
    crawled: tuple[str, Path, dict[str, int]],
) -> None:
    db, home, ids = crawled
    shown = newsmon("show", str(ids["reprint"]), home=home, db=db)
    assert shown.returncode == 0, shown.stderr
    assert "copies:     2 in reprint group" in shown.stdout
    assert f"earliest #{ids['original']} 2023-01-29T06:30:00+08:00 新华日报" in shown.stdout
    assert f"#{ids['original']:<5} 2023-01-29 06:30  新华日报" in shown.stdout
    record = newsmon_json("show", str(ids["original"]), "--format", "json", home=home, db=db)
    assert [c["id"] for c in record["reprints"]] == [ids["reprint"]]
    assert record["earliest"]["id"] == ids["original"]
    alone = newsmon_json("show", str(ids["hostile"]), "--format", "json", home=home, db=db)
    assert alone["reprints"] == []


def test_reindex_rebuilds_and_search_still_answers(
    crawled: tuple[str, Path, dict[str, int]],
) -> None:
    db, home, ids = crawled
    result = newsmon("reindex", home=home, db=db)
    assert result.returncode == 0, result.stderr
    assert "3 articles fingerprinted" in result.stdout
    found = newsmon_json("query", "姜堰区", "--unique", "--format", "json", home=home, db=db)
    assert [r["id"] for r in found] == [ids["original"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "--group-by", "author"], "invalid choice"),
        (["query", "--offset", "-1"], "must be 0 or more"),
        (["query", "--sort", "relevance"], "needs TEXT"),
        (["serve", "--port", "70000"], "must be a TCP port"),
    ],
)
def test_bad_query_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = newsmon(*args, home=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_busy_port_fails_with_one_line(tmp_path: Path, web: WebServer) -> None:
    result = newsmon("serve", "--port", str(web.port), home=tmp_path)
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr
