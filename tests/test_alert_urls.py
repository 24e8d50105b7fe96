"""Alerts through Apprise: real deliveries to a local HTTP receiver (json://) and a local SMTP
server (mailto://), exactly once across restarts and outages; the daily digest; what the vendor
URL forms (DingTalk, WeCom, Feishu) would send; secrets kept out of logs."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import sessionmaker

from crawler.config import ConfigError, load_config
from newsmon.alerts import AlertSettings, alert_settings, deliver
from newsmon.sample_site import SampleSite
from newsmon.sinks import DeliveryError
from newsmon.sinks import urls as url_sink
from storage import create_schema, make_engine
from storage.models import utcnow
from tests.cli import newsmon
from tests.support.scheduled import deliveries, site_table, write_config
from tests.support.served import crawl_archive
from tests.support.webserver import WebServer

SECRET = "s3cr3t-header-value"


class Mailbox:
    """An SMTP server on 127.0.0.1 keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    try:
        yield box
    finally:
        box.controller.stop()


def _posts(web: WebServer, path: str, status: int = 200) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in web.requests_for(path) if r.body]


def test_url_alerts_reach_local_receivers_exactly_once_across_restarts(
    web: WebServer, mailbox: Mailbox, tmp_path: Path, sqlite_url: str
) -> None:
    site = SampleSite.generate(12, keyword_every=4)
    site.write(tmp_path / "site", web.base_url)
    web.add_dir("/", tmp_path / "site")
    web.add("/hook", "down", status=503)
    hook = f"json://127.0.0.1:{urlsplit(web.base_url).port}/hook?+X-Token={SECRET}"
    mail = f"mailto://127.0.0.1:{mailbox.port}?from=newsmon@example.com&to=desk@example.com"
    config = write_config(
        tmp_path / "config.toml",
        [site_table("jiangnan", web.base_url)],
        alerts={"log": False, "urls": [hook, mail], "retry_seconds": 0.1, "retry_max_seconds": 0.2},
    )
    wanted = len(site.keyword_paths())
    assert wanted >= 2

    first = newsmon("schedule", "--once", "--config", str(config), home=tmp_path, db=sqlite_url)
    # The mail went out; the receiver was down (three tries now), its alerts stay pending.
    assert len(mailbox.messages) == wanted, first.stderr
    assert len(web.requests_for("/hook")) == 3
    hook_sink, mail_sink = url_sink.sink_name(hook), url_sink.sink_name(mail)
    rows = deliveries(sqlite_url)
    assert sum(1 for _a, s, done in rows if s == hook_sink and not done) == wanted
    assert sum(1 for _a, s, done in rows if s == mail_sink and done) == wanted

    web.add("/hook", "ok")
    before = len(web.requests_for("/hook"))
    second = newsmon("schedule", "--once", "--config", str(config), home=tmp_path, db=sqlite_url)
    third = newsmon("schedule", "--once", "--config", str(config), home=tmp_path, db=sqlite_url)
    arrived = [json.loads(r.body) for r in web.requests_for("/hook")[before:]]
    assert len(arrived) == wanted  # each article once, though three processes ran
    titles = sorted(m["title"] for m in arrived)
    assert len(set(titles)) == wanted
    assert all("新春第一会" in t for t in titles)
    assert all(r.headers.get("X-Token") == SECRET for r in web.requests_for("/hook"))
    assert len(mailbox.messages) == wanted
    assert "Subject: =?utf-8?" in mailbox.messages[0]
    assert "From: newsmon@example.com" in mailbox.messages[0]
    for run in (first, second, third):
        assert SECRET not in run.stderr + run.stdout
    assert all(done for _a, _s, done in deliveries(sqlite_url))
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        dumped = "\n".join(str(r) for r in conn.exec_driver_sql("SELECT * FROM alert_deliveries"))
    assert SECRET not in dumped


def test_daily_digest_one_message_per_keyword_and_day_with_the_city_lines(
    web: WebServer, tmp_path: Path, sqlite_url: str
) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    settings = AlertSettings(
        log=False, urls=[f"json://127.0.0.1:{urlsplit(web.base_url).port}/digest"], digest="daily"
    )
    web.add("/digest", "ok")
    deliver(sessions, settings)  # alerts begin now: what is stored from here on is new
    crawl_archive(web, tmp_path, sqlite_url)
    report = deliver(sessions, settings)
    assert report.raised == 2  # the seed article and its original (the hostile page does not match)
    assert web.requests_for("/digest") == []  # no message per article

    tomorrow = utcnow() + timedelta(days=1)
    deliver(sessions, settings, now=tomorrow)
    deliver(sessions, settings, now=tomorrow)  # a second pass: nothing new to say
    (message,) = [json.loads(r.body) for r in web.requests_for("/digest")]
    assert message["title"].startswith("[新春第一会] ")
    assert message["title"].endswith(": 2 new")
    body = message["message"]
    assert body.count("“新春第一会”,擂响战鼓再出征") == 2
    assert "无锡·宜兴: 2023-01-29 激励“四敢”燃新程 · 新华日报" in body
    assert "2 (+1 reprints)" in body


@pytest.mark.parametrize(
    ("url", "endpoint", "token"),
    [
        ("dingtalk://tokenDING1234/", "https://oapi.dingtalk.com/robot/send", "tokenDING1234"),
        (
            "wecombot://keyWECOM5678",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
            "keyWECOM5678",
        ),
        (
            "feishu://tokenFEI9012",
            "https://open.feishu.cn/open-apis/bot/v2/hook/tokenFEI9012",
            "tokenFEI9012",
        ),
    ],
)
def test_vendor_url_forms_build_their_requests(url: str, endpoint: str, token: str) -> None:
    assert url_sink.check_url(url) is None
    assert token not in url_sink.shown(url)
    title, body = url_sink.message(
        "match",
        {
            "keywords": ["新春第一会"],
            "title": "无锡召开新春第一会",
            "url": "http://x/1",
            "source": "新华日报",
        },
    )
    response = mock.Mock(status_code=200, content=b'{"errcode":0,"code":0}', text='{"errcode":0}')
    with mock.patch("requests.post", return_value=response) as post:  # never leaves the machine
        url_sink.send(url, title, body)
    (call,) = post.call_args_list
    sent_url = call.args[0]
    assert sent_url.startswith(endpoint)
    assert token in sent_url + str(call.kwargs.get("params"))
    payload = call.kwargs["data"]
    sent = json.dumps(json.loads(payload), ensure_ascii=False)
    assert "无锡召开新春第一会" in sent
    response.status_code = 500
    with mock.patch("requests.post", return_value=response), pytest.raises(DeliveryError) as failed:
        url_sink.send(url, title, body)
    assert token not in str(failed.value)


def test_urls_and_digest_config_errors(tmp_path: Path) -> None:
    def settings(alerts: str) -> AlertSettings:
        path = tmp_path / "c.toml"
        path.write_text(f"[alerts]\n{alerts}\n", encoding="utf-8")
        return alert_settings(load_config(path))

    ok = settings('urls = ["json://127.0.0.1:9/x", "json://127.0.0.1:9/x"]\ndigest = "daily"')
    assert len(ok.url_sinks) == 1
    assert ok.digest == "daily"
    assert ok.match_sinks == ["log"]  # a digest: the URL sinks wait for the day's message
    with pytest.raises(ConfigError, match=r"c\.toml:2: alerts\.urls: entry 1: Apprise cannot use"):
        settings('\nurls = ["nosuchservice://abc"]')
    with pytest.raises(ConfigError, match=r"alerts\.urls: expected a list"):
        settings('urls = "json://127.0.0.1/x"')
    with pytest.raises(ConfigError, match=r"alerts\.digest"):
        settings('digest = "hourly"')
