"""Meta refresh redirects are followed; pages that cannot hold one are not decoded for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.middlewares import cannot_refresh
from tests.cli import newsmon, newsmon_json
from tests.support.archive_pages import SEED, SEED_PATH
from tests.support.webserver import WebServer


def _refresh_page(target: str, encoding: str = "utf-8", spelled: str = "Refresh") -> bytes:
    charset = "gbk" if encoding == "gbk" else "utf-8"
    return (
        f'<html><head><meta charset="{charset}"><title>跳转中</title>'
        f'<meta http-equiv="{spelled}" content="0; url={target}"></head>'
        "<body><p>页面跳转中，请稍候。</p></body></html>"
    ).encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "spelled"),
    [("utf-8", "Refresh"), ("gbk", "REFRESH")],
)
def test_a_meta_refresh_leads_to_the_article(
    web: WebServer, tmp_path: Path, encoding: str, spelled: str
) -> None:
    web.add(SEED_PATH, SEED)
    moved = web.add(
        f"/moved/{encoding}/{len(spelled)}.html", _refresh_page(SEED_PATH, encoding, spelled)
    )
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"

    result = newsmon("crawl", moved, home=tmp_path, db=db)

    assert result.returncode == 0, result.stderr
    stored = newsmon_json("query", "--format", "json", db=db, home=tmp_path)
    assert [r["url"] for r in stored] == [web.url(SEED_PATH)]


@pytest.mark.parametrize(
    ("body", "certain"),
    [
        (SEED, True),  # an article: no refresh anywhere
        (_refresh_page("/x.html"), False),
        (_refresh_page("/x.html", "gbk", "REFRESH"), False),
        (_refresh_page("/x.html", spelled="&#82;efresh"), False),  # a character reference
        (_refresh_page("/x.html").decode().encode("utf-16"), False),  # not ASCII-compatible
        ("<html><body>".encode("utf-16") + b"x" * 10, False),
        # past the 4,096 characters Scrapy reads: certain only past 16 KB of bytes
        (b"<html><body>" + b"x" * 5000 + b'<meta http-equiv="refresh" content="0;url=/">', False),
        (b"<html><body>" + b"x" * 17000 + b'<meta http-equiv="refresh" content="0;url=/">', True),
    ],
)
def test_only_pages_that_cannot_hold_a_refresh_skip_the_search(body: bytes, certain: bool) -> None:
    assert cannot_refresh(body) is certain
