"""What the fork server of a crawl's worker processes loads before it forks any of them.

Extraction workers (:mod:`crawler.extract_worker`) and the store's writer process
(:mod:`crawler.store_writer`) are forked from one fork server
(:func:`crawler.extract_worker.forkserver_context`): a new interpreter, started with the
crawl's first worker, that imports this module (its "preload") and then forks each process
from itself, which so starts with that code already imported.

The crawl's first article pages wait for the first worker, so for the fork server's start:
it imports what an extraction worker runs — the extraction code and the page's compression
(:mod:`storage.raw_html`) — and nothing else: not Twisted (only the crawling process's side
of the pool needs it, ``crawler.extract_pool``), and not SQLAlchemy and storage, which only
the writer needs and imports itself once forked (its module, unpickled with its first call).
Until session 15 the fork server imported storage too, ~0.6 s of its ~1 s of CPU, and every
crawl's first pages waited for it (docs/benchmarks.md, Crawling, "Session 15"); the writer's
first batch now waits for that import instead, while the crawl goes on.

Then it collects and freezes its heap (``gc.freeze``, see :mod:`crawler.collector`): the
processes forked from it inherit a frozen start-up heap, which their collector never walks
again (each freezes what it builds itself: :func:`crawler.collector.tune`). In a worker of a
2,000-page crawl that took its collector from ~0.14 to ~0.06 s, and its copied pages by a third.

Imported only in the fork server (a freeze is for the life of the process).
"""

from __future__ import annotations

import gc

import crawler.extract_worker  # noqa: F401 (imported for the processes forked from here)

gc.collect()
gc.freeze()
