"""The crawling process's garbage collector (crawler/collector.py): start-up's heap frozen and
young collections less often while spiders are open, Python's settings back after the last."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.signalmanager import SignalManager

from crawler import collector
from crawler.collector import YOUNG, FreezeAtOpen


@pytest.fixture
def untouched_collector() -> Iterator[tuple[int, int, int]]:
    gc.unfreeze()
    before = gc.get_threshold()
    yield before
    gc.unfreeze()
    gc.set_threshold(*before)
    collector._open, collector._saved = 0, None


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def _collectable(obj: object) -> bool:
    """Whether the collector still walks ``obj`` (frozen objects are in no generation)."""
    return any(o is obj for o in gc.get_objects())


def _cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_two_crawlers_of_one_process_tune_once_and_the_last_to_close_restores(
    untouched_collector: tuple[int, int, int],
) -> None:
    assert gc.get_freeze_count() == 0
    crawlers = [Crawler(Spider), Crawler(Spider)]
    for crawler in crawlers:
        crawler.signals = SignalManager(crawler)  # this extension's receivers alone
    # kept: signal receivers are weak references (Scrapy keeps its extensions)
    extensions = [FreezeAtOpen.from_crawler(crawler) for crawler in crawlers]
    spiders = [Spider(name="one"), Spider(name="two")]

    crawlers[0].signals.send_catch_log(signals.spider_opened, spider=spiders[0])
    assert gc.get_freeze_count() > 0
    assert not _collectable(spiders[0])
    assert gc.get_threshold() == (YOUNG, *untouched_collector[1:])

    made_since = Node()  # what the first crawl holds when the second opens: not frozen
    crawlers[1].signals.send_catch_log(signals.spider_opened, spider=spiders[1])
    assert _collectable(made_since)
    crawlers[0].signals.send_catch_log(signals.spider_closed, spider=spiders[0], reason="finished")
    assert gc.get_threshold()[0] == YOUNG  # the second crawl still runs
    assert gc.get_freeze_count() > 0

    crawlers[1].signals.send_catch_log(signals.spider_closed, spider=spiders[1], reason="finished")
    assert gc.get_freeze_count() == 0
    assert _collectable(spiders[0])
    assert gc.get_threshold() == untouched_collector
    assert len(extensions) == 2


def test_cyclic_garbage_made_after_the_freeze_is_still_collected(
    untouched_collector: tuple[int, int, int],
) -> None:
    before = _cycle()  # garbage already when tune() collects
    collector.tune()
    assert before() is None
    during = _cycle()
    assert during() is not None  # only a collection frees a cycle
    gc.collect()
    assert during() is None


def test_the_crawl_settings_enable_it_and_a_setting_turns_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crawler import settings

    monkeypatch.delenv("NEWSMON_GC_FREEZE", raising=False)
    assert settings.EXTENSIONS.get("crawler.collector.FreezeAtOpen") is not None
    assert collector.wanted({"NEWSMON_GC_FREEZE": settings.NEWSMON_GC_FREEZE})
    monkeypatch.setenv("NEWSMON_GC_FREEZE", "off")
    assert not collector.wanted({})
    off = Crawler(Spider, {"NEWSMON_GC_FREEZE": "0"})
    with pytest.raises(NotConfigured):
        FreezeAtOpen.from_crawler(off)
