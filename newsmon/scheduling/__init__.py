"""Scheduled crawling: APScheduler triggers (:mod:`.service`) that run :func:`run_site`.

:func:`run_site` is the job function, defined here because the jobs stored in the
database name it as ``newsmon.scheduling:run_site``; it hands the work to the
:class:`~newsmon.scheduling.runtime.Runtime` of this scheduler process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the package stays light for the modules that need only its leases)
    from newsmon.scheduling.runtime import Runtime

_RUNTIME: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    """Install the runtime the job functions use (one per scheduler process)."""
    global _RUNTIME
    _RUNTIME = runtime


def run_site(site: str) -> None:
    """APScheduler job: one run of ``site`` (jobs in the database store refer to this by name)."""
    if _RUNTIME is None:
        raise RuntimeError("newsmon.scheduling.run_site called outside a scheduler process")
    _RUNTIME.run_site(site)
