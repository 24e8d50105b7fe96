"""Alerts: the ``[alerts]`` config, the delivery loop, daily digests, and run health checks.

The sinks themselves live in newsmon/sinks/: the log (``log.py``), a JSONL file
(``jsonl.py``), a webhook (``webhook.py``), notification URLs through Apprise
(``urls.py``) and an Atom feed (``atom.py``).

Alerts are rows in the database (storage/models.py) before they go anywhere,
one per article (``match:<id>``) or per finding of a run (``health:<run>:<check>``),
with a delivery row per sink. A sink that fails keeps its rows pending with a
growing delay, so a webhook that is down only delays its own alerts.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crawler.config import Config, ConfigError
from newsmon.sinks import DeliveryError, atom
from newsmon.sinks import jsonl as jsonl_sink
from newsmon.sinks import log as log_sink
from newsmon.sinks import urls as url_sink
from newsmon.sinks import webhook as webhook_sink
from storage.models import CrawlRun
from storage.monitoring import (
    Pending,
    due_deliveries,
    mark_delivered,
    mark_failed,
    note_attempt,
    previous_runs,
    raise_alert,
    raise_match_alerts,
)

logger = logging.getLogger("newsmon.alerts")

LOG, JSONL, WEBHOOK = "log", "jsonl", "webhook"


@dataclass(slots=True)
class AlertSettings:
    """The ``[alerts]`` table; paths are relative to the config file's folder."""

    log: bool = True
    jsonl: Path | None = None
    webhook: str | None = None
    atom: Path | None = None
    #: entries kept in the Atom feed (newest first)
    atom_entries: int = 50
    webhook_timeout_seconds: float = 10.0
    #: first retry of a failed webhook delivery after this long; doubling up to retry_max_seconds
    retry_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    #: how often the scheduler looks for alerts to deliver (it also looks after every run)
    poll_seconds: float = 10.0
    health: bool = True
    #: finished runs a site needs before "usually yields articles" or "usual error share" means anything
    health_min_runs: int = 3
    #: a health alert when a run's share of failed requests is this much above the site's usual share
    health_error_jump: float = 0.25
    extra_headers: dict[str, str] = field(default_factory=dict)
    #: notification URLs sent through Apprise (each its own sink, see newsmon/sinks/urls.py)
    urls: list[str] = field(default_factory=list)
    #: "daily": the URL sinks get one message per keyword and day instead of one per article
    digest: str | None = None

    @property
    def url_sinks(self) -> dict[str, str]:
        """Sink name → notification URL."""
        return {url_sink.sink_name(url): url for url in self.urls}

    @property
    def sinks(self) -> list[str]:
        """Sinks with a delivery row per alert (the Atom feed is rewritten from the alerts instead)."""
        fixed = [
            name
            for name, on in ((LOG, self.log), (JSONL, self.jsonl), (WEBHOOK, self.webhook))
            if on
        ]
        return fixed + list(self.url_sinks)

    @property
    def match_sinks(self) -> list[str]:
        """Sinks told of each new match at once (with a digest, the URL sinks wait for it)."""
        return [s for s in self.sinks if not (self.digest and s.startswith(url_sink.PREFIX))]


def _fail(config: Config, key: str, message: str) -> ConfigError:
    where = str(config.path or "the config")
    if config.path:
        try:
            text = config.path.read_text(encoding="utf-8")
        except OSError:
            text = ""
        found = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
        if found:
            where = f"{config.path}:{text.count(chr(10), 0, found.start()) + 1}"
    return ConfigError(f"{where}: alerts.{key}: {message}")


def _number(
    config: Config, table: dict[str, Any], key: str, default: float, minimum: float
) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(config, key, f"expected a number, got {type(value).__name__}")
    if value < minimum:
        raise _fail(config, key, f"must be at least {minimum:g}")
    return float(value)


_KEYS = {
    "log",
    "jsonl",
    "webhook",
    "webhook_headers",
    "atom",
    "atom_entries",
    "webhook_timeout_seconds",
    "retry_seconds",
    "retry_max_seconds",
    "poll_seconds",
    "health",
    "health_min_runs",
    "health_error_jump",
    "urls",
    "digest",
}


def alert_settings(config: Config) -> AlertSettings:
    """Validate the config's ``[alerts]`` table (ConfigError names file:line and key)."""
    table = config.alerts
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise _fail(config, unknown[0], f"unknown key (known: {', '.join(sorted(_KEYS))})")
    base = config.path.parent if config.path else Path.cwd()
    settings = AlertSettings()
    for key in ("log", "health"):
        if key in table:
            if not isinstance(table[key], bool):
                raise _fail(config, key, "expected true or false")
            setattr(settings, key, table[key])
    for key in ("jsonl", "atom"):
        if key in table:
            value = table[key]
            if not isinstance(value, str) or not value.strip():
                raise _fail(config, key, "expected a file path")
            setattr(settings, key, (base / Path(value).expanduser()).resolve())
    if "webhook" in table:
        url = table["webhook"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _fail(config, "webhook", f"not an http(s) URL: {url!r}")
        settings.webhook = url
    headers = table.get("webhook_headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise _fail(config, "webhook_headers", 'expected a table of header = "value" strings')
    settings.extra_headers = dict(headers)
    urls = table.get("urls", [])
    if not isinstance(urls, list) or not all(isinstance(u, str) and u.strip() for u in urls):
        raise _fail(config, "urls", 'expected a list of notification URLs, e.g. ["mailto://…"]')
    for index, url in enumerate(urls):
        problem = url_sink.check_url(url.strip())
        if problem:
            raise _fail(config, "urls", f"entry {index + 1}: {problem}")
    settings.urls = list(dict.fromkeys(u.strip() for u in urls))
    digest = table.get("digest", "off")
    if digest not in ("off", "daily"):
        raise _fail(config, "digest", f'expected "daily" or "off", got {digest!r}')
    settings.digest = None if digest == "off" else digest
    settings.atom_entries = int(_number(config, table, "atom_entries", 50, 1))
    settings.webhook_timeout_seconds = _number(config, table, "webhook_timeout_seconds", 10, 0.1)
    settings.retry_seconds = _number(config, table, "retry_seconds", 30, 0.1)
    settings.retry_max_seconds = _number(config, table, "retry_max_seconds", 3600, 0.1)
    settings.poll_seconds = _number(config, table, "poll_seconds", 10, 0.1)
    settings.health_min_runs = int(_number(config, table, "health_min_runs", 3, 1))
    settings.health_error_jump = _number(config, table, "health_error_jump", 0.25, 0.01)
    return settings


# --------------------------------------------------------------------------- health


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    message: str


def _seen(run: CrawlRun) -> int:
    """Articles the run came across: stored ones, and links skipped because they are known."""
    incremental = (run.stats or {}).get("incremental", {})
    return (
        run.articles_new
        + run.articles_updated
        + run.articles_unchanged
        + int(incremental.get("known", 0))
    )


def _not_modified(run: CrawlRun) -> int:
    return int((run.stats or {}).get("incremental", {}).get("not_modified", 0))


def _error_share(run: CrawlRun) -> float:
    return run.errors / run.requests if run.requests else 0.0


def check_health(session: Session, run: CrawlRun, settings: AlertSettings) -> list[Finding]:
    """What is wrong with a finished run, judged against the site's previous runs (spidermon-style).

    - ``run_failed``: the run failed or timed out, and the one before did not (said once
      per outage, not on every run of a site that is down);
    - ``zero_articles``: the run came across no article (none stored, no known link seen,
      no listing answered "not modified") on a site where most recent runs did: a
      redesign that broke the listing or the extraction;
    - ``error_share``: the share of failed requests is ``health_error_jump`` or more above
      the site's average over its recent runs.
    """
    if run.site is None or run.status == "running":
        return []
    history = previous_runs(session, run.site, run.id, limit=max(5, settings.health_min_runs))
    findings: list[Finding] = []
    if run.status in ("failed", "timeout"):
        if not history or history[0].status not in ("failed", "timeout"):
            findings.append(
                Finding("run_failed", f"{run.site}: run {run.id} {run.status}: {run.reason}")
            )
        return findings
    if run.status != "ok":
        return findings
    done = [r for r in history if r.status == "ok"]
    if len(done) >= settings.health_min_runs:
        if _seen(run) == 0 and not _not_modified(run):
            yielding = sum(1 for r in done if _seen(r) > 0 or _not_modified(r))
            if yielding * 2 > len(done):
                findings.append(
                    Finding(
                        "zero_articles",
                        f"{run.site}: run {run.id} found no articles; {yielding} of its last "
                        f"{len(done)} runs did (has the site changed its pages?)",
                    )
                )
        usual = sum(_error_share(r) for r in done) / len(done)
        share = _error_share(run)
        if share - usual >= settings.health_error_jump:
            findings.append(
                Finding(
                    "error_share",
                    f"{run.site}: run {run.id}: {run.errors} of {run.requests} requests failed "
                    f"({share:.0%}; usually {usual:.0%})",
                )
            )
    return findings


def raise_health_alerts(session: Session, run: CrawlRun, settings: AlertSettings) -> list[Finding]:
    """Record the run's findings as alerts (once per run and check); return them."""
    if not settings.health:
        return []
    findings = check_health(session, run, settings)
    for finding in findings:
        raise_alert(
            session,
            f"health:{run.id}:{finding.check}",
            "health",
            {
                "type": "health",
                "check": finding.check,
                "message": finding.message,
                "site": run.site,
                "run_id": run.id,
                "status": run.status,
            },
            settings.sinks,
            site=run.site,
            run_id=run.id,
        )
    return findings


# --------------------------------------------------------------------------- delivery


__all__ = ["DeliveryError"]  # re-exported: it used to live here


@dataclass(slots=True)
class DeliveryReport:
    raised: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def deliver(
    sessions: sessionmaker[Session],
    settings: AlertSettings,
    *,
    retries_now: int = 0,
    sleep: Callable[[float], None] = time.sleep,
    keep_going: Callable[[], bool] = lambda: True,
    now: datetime | None = None,
) -> DeliveryReport:
    """Raise alerts for new matches, then deliver every due alert to every sink; rewrite the Atom feed.

    Each delivery is counted before it is tried and marked after it succeeded, each in
    its own transaction. A sink that fails is left for this pass (its remaining alerts
    stay due) and its failed alert is retried after ``retry_seconds`` doubling per
    attempt. ``retries_now`` extra tries with a short backoff are made at once (for
    ``--once``, which will not be around later). ``keep_going`` is asked before each
    delivery (the scheduler renews its delivery lease there); false ends the pass.
    With ``digest = "daily"``, each finished day's digests are raised first (``now``:
    the time to judge "finished" by, for tests).
    """
    report = DeliveryReport()
    with sessions.begin() as session:
        report.raised = len(raise_match_alerts(session, settings.match_sinks))
    if settings.digest and settings.urls:
        from newsmon.digest import raise_digests

        with sessions.begin() as session:
            raise_digests(session, list(settings.url_sinks), now=now)
    for sink in settings.sinks:
        with sessions() as session:
            due = due_deliveries(session, sink)
        for alert in due:
            if not keep_going():
                return report
            error = _deliver_one(sessions, settings, sink, alert, retries_now, sleep)
            if error is None:
                report.delivered[sink] = report.delivered.get(sink, 0) + 1
                continue
            report.failed[sink] = error
            logger.warning(
                "alert %s to %s failed (attempt %s): %s; retried later",
                alert.alert_id,
                sink,
                alert.attempts + 1 + retries_now,
                error,
            )
            break  # the sink is down: don't spend a timeout on each of its alerts now
    if settings.atom and (report.raised or not settings.atom.exists()):
        write_atom(sessions, settings)
    return report


def _deliver_one(
    sessions: sessionmaker[Session],
    settings: AlertSettings,
    sink: str,
    alert: Pending,
    retries_now: int,
    sleep: Callable[[float], None],
) -> str | None:
    """Deliver one alert to one sink; None when delivered, else the error."""
    attempts = alert.attempts
    error = ""
    for attempt in range(retries_now + 1):
        with sessions.begin() as session:
            note_attempt(session, alert.delivery_id)
        try:
            if sink == LOG:
                log_sink.send(alert)
            elif sink == JSONL:
                assert settings.jsonl is not None
                jsonl_sink.append(settings.jsonl, alert)
            elif sink == WEBHOOK:
                assert settings.webhook is not None
                webhook_sink.post(
                    settings.webhook,
                    alert,
                    headers=settings.extra_headers,
                    timeout=settings.webhook_timeout_seconds,
                )
            elif sink in settings.url_sinks:
                url_sink.send(
                    settings.url_sinks[sink], *url_sink.message(alert.kind, alert.payload)
                )
            else:  # a URL since removed from the config: nothing to send it to
                raise DeliveryError(f"sink {sink} is no longer configured")
        except DeliveryError as exc:
            error = str(exc)
            attempts += 1
            if attempt < retries_now:
                sleep(min(settings.retry_seconds * 2**attempt, 5.0))
            alert = Pending(
                alert.delivery_id, alert.alert_id, sink, attempts, alert.kind, alert.payload
            )
            continue
        with sessions.begin() as session:
            mark_delivered(session, alert.delivery_id)
        return None
    backoff = min(settings.retry_seconds * 2 ** max(0, attempts - 1), settings.retry_max_seconds)
    with sessions.begin() as session:
        mark_failed(session, alert.delivery_id, error, backoff)
    return error


def write_atom(sessions: sessionmaker[Session], settings: AlertSettings) -> None:
    """Rewrite the Atom feed of the newest match alerts (newsmon/sinks/atom.py)."""
    assert settings.atom is not None
    atom.write_atom(sessions, settings.atom, settings.atom_entries)
