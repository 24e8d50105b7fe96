"""What the fork server of a crawl's worker processes loads before it forks any of them.

Extraction workers (:mod:`crawler.extract_worker`) and the store's writer process
(:mod:`crawler.store_writer`) are forked from one fork server
(:func:`crawler.extract_worker.forkserver_context`): a new interpreter, started with the
crawl's first worker, that imports this module (its "preload") and then forks each process
from itself, which so starts with that code already imported. Its start-up is CPU the crawl
pays at every start, on the second core while the first downloads (~1 s; docs/benchmarks.md,
Crawling, "Session 12").

So it imports what those processes run — the extraction code and storage (SQLAlchemy, for
the writer) — and not what only the crawling process's side of them needs: Twisted, which
``crawler.extract_pool`` imports (what the fork server saves is small, ~0.05 s: it now loads
the writer's module, which the writer loaded itself before). Then it collects and freezes its
heap (``gc.freeze``, see :mod:`crawler.collector`): the processes forked from it inherit a
frozen start-up heap, which their collector never walks again (each freezes what it builds
itself: :func:`crawler.collector.tune`). In a worker of a 2,000-page crawl that took its
collector from ~0.14 to ~0.06 s, and its copied pages by a third.

Imported only in the fork server (a freeze is for the life of the process).
"""

from __future__ import annotations

import gc

import crawler.extract_worker
import crawler.store_writer  # noqa: F401 (imported for the processes forked from here)

gc.collect()
gc.freeze()
