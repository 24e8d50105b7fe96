"""Scrapy's signal manager, with a signal's plain receivers called at once instead of in a task each.

Scrapy sends ``item_scraped`` for every item through ``SignalManager.send_catch_log_async``,
which, under the asyncio reactor, wraps every receiver in a coroutine and runs them all through
``asyncio.gather``: a task and a future per receiver, and the event loop's turns to run and
settle them, for every article the crawl stores — although the one receiver newsmon's crawl has
(Scrapy's ``CoreStats``, which counts ``item_scraped_count``) is a plain function that returns
at once. :class:`QuickSignalManager` calls each receiver at once, in the order Scrapy would, and
gathers only what a receiver returns that can be awaited (a coroutine, a Deferred, a future),
as Scrapy does; errors are caught and logged with Scrapy's message and logger, and the results
come back as Scrapy returns them (``(receiver, result or exception)`` in the receivers' order).
What a receiver sees differs in one way only: a plain receiver runs when the signal is sent,
not one turn of the event loop later (docs/benchmarks.md, Crawling, "Session 18"). A signal
one of whose receivers is a coroutine function (Scrapy's own ``spider_closed`` of its feed
exports, say) goes through Scrapy's code unchanged, so that the order in which receivers'
code runs stays Scrapy's: there, a coroutine receiver starts before the plain receivers after
it run.

Without the asyncio reactor, Scrapy's own code runs unchanged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Sequence
from typing import Any, Self

from pydispatch.dispatcher import getAllReceivers, liveReceivers
from pydispatch.robustapply import robustApply
from scrapy.crawler import Crawler
from scrapy.signalmanager import SignalManager
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import ensure_awaitable
from scrapy.utils.python import global_object_name
from twisted.internet.defer import Deferred

#: Scrapy's logger for a receiver's error (``scrapy.utils.signal``): the same log lines.
_logger = logging.getLogger("scrapy.utils.signal")


class QuickSignalManager(SignalManager):
    """``send_catch_log_async`` without a task per plain receiver (see the module docstring)."""

    async def send_catch_log_async(self, signal: Any, **kwargs: Any) -> list[tuple[Any, Any]]:
        if not is_asyncio_available():
            return await super().send_catch_log_async(signal, **kwargs)
        sender = kwargs.get("sender", self.sender)
        receivers = list(liveReceivers(getAllReceivers(sender, signal)))
        if any(inspect.iscoroutinefunction(receiver) for receiver in receivers):
            return await super().send_catch_log_async(signal, **kwargs)
        kwargs.pop("sender", None)
        dont_log = kwargs.pop("dont_log", ())
        ignored = tuple(dont_log) if isinstance(dont_log, Sequence) else (dont_log,)
        spider = kwargs.get("spider")
        results: list[tuple[Any, Any]] = []
        waiting: list[tuple[int, Any, Any]] = []
        for receiver in receivers:
            try:
                result = robustApply(receiver, signal=signal, sender=sender, **kwargs)
            except ignored as exc:  # pylint: disable=catching-non-exception
                result = exc
            except Exception as exc:
                _log_error(receiver, spider)
                result = exc
            else:
                if isinstance(result, Deferred) or inspect.isawaitable(result):
                    waiting.append((len(results), receiver, result))
            results.append((receiver, result))
        if waiting:

            async def settle(receiver: Any, awaitable: Any) -> Any:
                try:
                    return await ensure_awaitable(awaitable, _warn=global_object_name(receiver))
                except ignored as exc:  # pylint: disable=catching-non-exception
                    return exc
                except Exception as exc:
                    _log_error(receiver, spider)
                    return exc

            outcomes = await asyncio.gather(
                *(settle(receiver, awaitable) for _, receiver, awaitable in waiting)
            )
            for (index, receiver, _), outcome in zip(waiting, outcomes, strict=True):
                results[index] = (receiver, outcome)
        return results


def _log_error(receiver: Any, spider: Any) -> None:
    _logger.error(
        "Error caught on signal handler: %(receiver)s",
        {"receiver": receiver},
        exc_info=True,
        extra={"spider": spider},
    )


class QuickSignals:
    """Extension: the crawler's signal manager made a :class:`QuickSignalManager`.

    Extensions are built before Scrapy's engine and scraper, which send ``item_scraped``;
    the manager stays the same object (its class changes), so every component holding it,
    and every receiver connected to it, is unaffected.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if type(crawler.signals) is SignalManager:
            crawler.signals.__class__ = QuickSignalManager
        return cls()
