"""Site leases in the database: one process at a time crawls a site (schedulers and monitors alike).

A lease names its owner and expires unless renewed, so a killed holder holds up the
others no longer than one lease length.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from storage.models import utcnow
from storage.monitoring import (
    abandon_running_runs,
    acquire_lease,
    lease_holder,
    release_lease,
    renew_lease,
)

logger = logging.getLogger("newsmon.scheduler")

#: The ``--set`` name under which the scheduler hands its lease to the child it starts.
LEASE_SETTING = "NEWSMON_LEASE_OWNER"
#: The lease that lets one scheduler at a time deliver alerts.
ALERTS_LEASE = "~alert-delivery"
#: The reason given to runs left ``running`` by a process that is gone.
ABANDONED = "interrupted: the process running it is gone (its lease expired)"


def owner_token(role: str) -> str:
    """Who holds a lease: role, host, pid and a random part (a pid alone is reused)."""
    return f"{role}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def describe_holder(session: Session, site: str) -> str:
    """Who holds the lease on ``site`` and until when, for a "being crawled by ..." line."""
    holder = lease_holder(session, site)
    if holder is None:
        return "another process"
    return f"{holder.owner} until {holder.expires_at.isoformat(timespec='seconds')}"


def close_abandoned(session: Session, site: str, before: datetime | None = None) -> list[int]:
    """Mark runs of ``site`` left ``running`` by a killed process as interrupted; their ids.

    Call it holding the site's lease: whoever ran them (and held it) is gone. Without
    this a ``newsmon monitor`` killed with -9 would leave its run ``running`` for ever.
    """
    abandoned = abandon_running_runs(session, site, before or utcnow(), ABANDONED)
    if abandoned:
        logger.warning(
            "%s: marked runs %s interrupted (left running by a dead process)", site, abandoned
        )
    return abandoned


class SiteLeases:
    """Leases on sites for one crawl: taken on enter, renewed by a thread, given back on exit.

    ``adopt`` is a lease owner handed down by the scheduler that started this process:
    the leases are then already held under that name, are renewed here too, and are
    left for the scheduler to give back once it has recorded the run.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        names: Sequence[str],
        ttl: float,
        *,
        adopt: str | None = None,
        role: str = "monitor",
    ) -> None:
        self.sessions = sessions
        self.names = list(names)
        self.ttl = ttl
        self.owner = adopt or owner_token(role)
        self.adopted = adopt is not None
        self.held: list[str] = []
        #: site -> who holds it and until when
        self.refused: dict[str, str] = {}
        self.lost: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SiteLeases:
        for name in self.names:
            with self.sessions.begin() as session:
                if acquire_lease(session, name, self.owner, self.ttl):
                    self.held.append(name)
                    if not self.adopted:  # (an adopting child's scheduler has done this)
                        close_abandoned(session, name)
                    continue
                self.refused[name] = describe_holder(session, name)
        if self.held:
            self._thread = threading.Thread(target=self._renew, name="lease-renewal", daemon=True)
            self._thread.start()
        return self

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            for name in self.held:
                try:
                    with self.sessions.begin() as session:
                        ok = renew_lease(session, name, self.owner, self.ttl)
                except Exception as exc:  # a database hiccup: the next round tries again
                    logger.warning("could not renew the lease on %s: %s", name, exc)
                    continue
                if not ok and name not in self.lost:
                    self.lost.add(name)
                    logger.error("lost the lease on %s: another process may crawl it now", name)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.adopted:
            return
        for name in self.held:
            try:
                with self.sessions.begin() as session:
                    release_lease(session, name, self.owner)
            except Exception as exc:  # it expires on its own
                logger.warning("could not give back the lease on %s: %s", name, exc)
