"""What a fork server started as a new interpreter loads before it forks any process.

The crawl's extraction workers (:mod:`crawler.extract_worker`) and the store's writer
(:mod:`crawler.store_writer`) are forked by a fork server (:mod:`crawler.forkserver`). A crawl
started from the command line forks it from the crawling process itself, before that process
imports Twisted or opens the archive: it then holds this module's imports already. Any other
process that starts workers (``scrapy crawl``, a program using ``crawler.extract_pool``
itself, or a command line that could not fork at a safe point) falls back to multiprocessing's
own fork server: a new interpreter that imports this module (its "preload") and forks each
process from itself, so that each starts with that code imported (~0.9 s of CPU at the
first start: docs/benchmarks.md, Crawling, "Session 15").

So it imports what those processes run — the extraction code and storage (SQLAlchemy, for
the writer) — and not what only the crawling process's side of them needs: Twisted, which
``crawler.extract_pool`` imports. Then it collects and freezes its heap (``gc.freeze``, see
:mod:`crawler.collector`): the processes forked from it inherit a frozen start-up heap,
which their collector never walks again (each freezes what it builds itself:
:func:`crawler.collector.tune`). In a worker of a 2,000-page crawl that took its collector
from ~0.14 to ~0.06 s, and its copied pages by a third.

Imported only in that fork server (a freeze is for the life of the process).
"""

from __future__ import annotations

import gc
import importlib

from crawler.forkserver import PRELOAD

for _module in PRELOAD:  # what the processes forked from here run, as crawler.forkserver.start
    importlib.import_module(_module)

gc.collect()
gc.freeze()
