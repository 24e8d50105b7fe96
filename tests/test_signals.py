"""crawler.signals: Scrapy's signals sent without a task per plain receiver, with Scrapy's results."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import StopDownload
from scrapy.signalmanager import SignalManager
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred, fail, succeed

from crawler.signals import QuickSignalManager, QuickSignals
from tests.cli import newsmon
from tests.support.webserver import WebServer

SEED = (Path(__file__).parent / "fixtures" / "portal" / "xinchun-2023.html").read_bytes()


class Receivers:
    """One receiver of each kind Scrapy allows, connected to a signal of their own."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def plain(self, item: Any) -> str:
        self.calls.append(("plain", item))
        return f"plain {item}"

    async def coroutine(self, item: Any, spider: Any) -> str:
        self.calls.append(("coroutine", item))
        await asyncio.sleep(0)
        return f"coroutine {item}"

    def deferred(self, item: Any) -> Deferred[str]:
        self.calls.append(("deferred", item))
        return succeed(f"deferred {item}")

    def deferred_failing(self, item: Any) -> Deferred[str]:
        self.calls.append(("deferred failing", item))
        return fail(LookupError(item))

    def failing(self, item: Any) -> None:
        self.calls.append(("failing", item))
        raise ValueError(f"bad {item}")

    async def failing_later(self, item: Any) -> None:
        self.calls.append(("failing later", item))
        raise KeyError(item)

    def stopping(self, item: Any) -> None:
        raise StopDownload(fail=False)


def _send(
    manager_class: type[SignalManager], caplog: pytest.LogCaptureFixture, names: tuple[str, ...]
) -> Any:
    """Send a signal of its own to the receivers ``names`` through a crawler whose manager is
    ``manager_class``: ``(results as (name, value or exception's repr), the receivers' calls
    in the order their code ran, log lines)``."""
    crawl = get_crawler(Spider)
    crawl.signals.__class__ = manager_class
    signal = object()
    receivers = Receivers()
    for name in names:
        crawl.signals.connect(getattr(receivers, name), signal=signal)
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        results = asyncio.run(
            crawl.signals.send_catch_log_async(
                signal, item=7, spider="spider", dont_log=StopDownload
            )
        )
    readable = [
        (receiver.__name__, repr(value) if isinstance(value, Exception) else value)
        for receiver, value in results
    ]
    lines = [
        (r.name, r.levelname, re.sub(r" of <.*", "", r.getMessage()), r.exc_info is not None)
        for r in caplog.records
    ]
    return readable, receivers.calls, lines


@pytest.mark.filterwarnings("ignore:.*returned a Deferred")
def test_the_results_and_the_log_are_scrapys(caplog: pytest.LogCaptureFixture) -> None:
    """Receivers that are plain functions (a Deferred, failed or not, among their answers):
    answered as Scrapy's manager answers them, in the same order, their code run in the same
    order, and the same error lines logged (none for the ``dont_log`` exception)."""
    names = ("plain", "deferred", "failing", "deferred_failing", "stopping")
    ours = _send(QuickSignalManager, caplog, names)
    theirs = _send(SignalManager, caplog, names)
    assert ours == theirs
    results, calls, lines = ours
    assert results[:2] == [("plain", "plain 7"), ("deferred", "deferred 7")]
    assert results[2][1] == "ValueError('bad 7')"
    assert results[3][1] == "LookupError(7)"
    assert results[4][0] == "stopping"
    assert results[4][1].startswith("StopDownload")
    assert [name for name, _ in calls] == ["plain", "deferred", "failing", "deferred failing"]
    assert [line[2] for line in lines] == [
        "Error caught on signal handler: <bound method Receivers.failing",
        "Error caught on signal handler: <bound method Receivers.deferred_failing",
    ]


@pytest.mark.filterwarnings("ignore:.*returned a Deferred")
def test_a_signal_with_a_coroutine_receiver_runs_its_receivers_in_scrapys_order(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With a coroutine function among the receivers, Scrapy's code sends the signal: the
    coroutine starts before the plain receivers after it run, as with Scrapy's manager (called
    at once, the plain ones would run first)."""
    names = ("coroutine", "plain", "failing_later", "deferred")
    ours = _send(QuickSignalManager, caplog, names)
    assert ours == _send(SignalManager, caplog, names)
    results, calls, lines = ours
    assert [name for name, _ in calls] == ["coroutine", "plain", "failing later", "deferred"]
    assert results[0] == ("coroutine", "coroutine 7")
    assert results[2][1] == "KeyError(7)"
    assert [line[2] for line in lines] == [
        "Error caught on signal handler: <bound method Receivers.failing_later",
    ]
    assert all(name == "scrapy.utils.signal" and exc for name, _, _, exc in lines)


def test_a_plain_receiver_runs_when_the_signal_is_sent() -> None:
    """No task and no turn of the event loop for a receiver that returns a value: the send
    completes without suspending (Scrapy's runs the receiver in a task, a turn later)."""
    crawl = get_crawler(Spider)
    crawl.signals.__class__ = QuickSignalManager
    seen: list[int] = []

    def receiver(item: int) -> None:  # (held here: the dispatcher keeps weak references)
        seen.append(item)

    crawl.signals.connect(receiver, signal=signals.item_scraped)

    async def one_step() -> list[tuple[Any, Any]]:
        send = crawl.signals.send_catch_log_async(signals.item_scraped, item=1, spider=None)
        with pytest.raises(StopIteration) as done:
            send.send(None)  # one step: a coroutine that never waits finishes in it
        assert seen == [1]
        return done.value.value  # type: ignore[no-any-return]

    results = asyncio.run(one_step())
    assert (receiver, None) in results

    async def scrapys_step() -> None:
        crawl.signals.__class__ = SignalManager
        send = crawl.signals.send_catch_log_async(signals.item_scraped, item=2, spider=None)
        send.send(None)  # waits for its tasks: the receiver has not run yet
        assert seen == [1]
        send.close()

    asyncio.run(scrapys_step())


def test_the_extension_changes_the_crawlers_manager_in_place() -> None:
    """The same object (components that hold it keep it), now a QuickSignalManager; a manager
    that is not Scrapy's own (a test's, another extension's) is left alone."""
    crawl = get_crawler(Spider)
    manager = crawl.signals
    QuickSignals.from_crawler(crawl)
    assert crawl.signals is manager
    assert type(manager) is QuickSignalManager

    class Other(SignalManager):
        pass

    other = get_crawler(Spider)
    other.signals.__class__ = Other
    QuickSignals.from_crawler(other)
    assert type(other.signals) is Other


def test_a_crawl_counts_its_items_through_the_quick_manager(
    web: WebServer, tmp_path: Path, db_url: str
) -> None:
    """A real crawl: the extension is enabled, and Scrapy's ``item_scraped_count`` (its
    ``CoreStats`` receiver of ``item_scraped``) counts every stored article."""
    for n in (1, 2, 3):
        web.add(f"/news/2023/{n}.html", SEED)
    urls = [web.url(f"/news/2023/{n}.html") for n in (1, 2, 3)]
    result = newsmon(
        "crawl", *urls, "--set", "LOG_LEVEL=INFO", home=tmp_path, db=db_url,
        env={"NEWSMON_EXTRACT_PROCESSES": "0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "crawler.signals.QuickSignals" in result.stderr
    assert "'item_scraped_count': 3" in result.stderr
