"""The crawl a scheduler (or ``newsmon serve``) starts: a ``newsmon`` child process.

The child is ``python -m newsmon.cli --parent PID monitor SITE ...`` (or ``crawl URL ...``,
see :func:`cli_command`): it stops when the process that started it dies
(:func:`die_with_parent`), and that process gives a site run's ``crawl_runs`` row the
final status and exit reason once it ends (:func:`finish_run`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crawler.config import ENV_DB_URL
from storage.models import CrawlRun, utcnow
from storage.monitoring import runs_started_since


def cli_command(*args: str) -> list[str]:
    """``python -m newsmon.cli --parent OUR_PID ARGS``: a command run as our child.

    Give the database URL through :func:`child_env`, never in ``args``: any user on
    the machine can read a process's arguments.
    """
    return [sys.executable, "-m", "newsmon.cli", "--parent", str(os.getpid()), *args]


def child_env(db_url: str) -> dict[str, str]:
    """The child's environment: ours, with the database URL."""
    return {**os.environ, ENV_DB_URL: db_url}


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """Start a child crawl with its output (stdout and stderr, one text stream) piped to us.

    In its own session: a Ctrl-C at the terminal reaches the parent only, which then gives
    the crawl its grace period instead of it stopping at once.
    """
    return subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )


def die_with_parent(parent: int) -> None:
    """Stop (one SIGTERM: Scrapy closes the run as interrupted) when the scheduler is gone."""

    def watch() -> None:
        # Polling rather than prctl(PR_SET_PDEATHSIG): the output has to be redirected before
        # the signal, or Scrapy's shutdown dies writing its log into the dead parent's pipe.
        while os.getppid() == parent:
            time.sleep(0.5)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        # Once: Scrapy takes a second one as "stop unclean", which would leave the run's row
        # "running". A parent that stopped us before it went (a server shutting down) has
        # already sent the first.
        if not _shutting_down():
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _shutting_down() -> bool:
    """Whether Scrapy has taken a SIGTERM/SIGINT already (it then handles the next as a kill)."""
    handler = signal.getsignal(signal.SIGTERM)
    return handler == signal.SIG_IGN or getattr(handler, "__name__", "").startswith("_signal_kill")


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def finish_run(
    session: Session,
    site: str,
    started: datetime,
    *,
    returncode: int,
    cause: str,
    seconds: float,
    last_line: str,
    time_limit: float,
    owner: str,
) -> CrawlRun:
    """Give the child's ``crawl_runs`` row its final status and the child's exit reason.

    ``cause`` is why the scheduler stopped the child, if it did (``timeout``, ``shutdown``,
    ``lost_lease``); ``last_line`` is the child's last output, the reason of a run that
    never started.
    """
    exit_reason = describe_exit(returncode)
    why = {
        "timeout": f"time limit of {time_limit:g} s reached",
        "shutdown": "stopped: the scheduler is shutting down",
        "lost_lease": "stopped: the site's lease was lost",
    }.get(cause, "")
    # The lease is ours, so the only runs of this site since we started are our child's.
    rows = runs_started_since(session, site, started - timedelta(seconds=1))
    run = rows[-1] if rows else None
    if run is None:
        run = CrawlRun(spider="portal", site=site, started_at=started, status="failed")
        run.reason = f"the crawl did not start: {last_line}"
        session.add(run)
        if cause == "timeout":
            run.status = "timeout"
        elif cause:
            run.status = "interrupted"
    elif run.status == "running":
        # The child was killed before it could close its run.
        if cause == "timeout":
            run.status = "timeout"
        elif cause or returncode < 0:
            run.status = "interrupted"
        else:
            run.status = "failed"
        run.reason = why or "the crawl process ended without recording its run"
    elif (cause == "timeout" and run.status != "ok") or run.status == "timeout":
        # Ours (the backstop) or the child's CLOSESPIDER_TIMEOUT (which we set): in the user's
        # words, not Scrapy's close reason.
        detail = "" if run.reason in (None, "", "closespider_timeout") else f" ({run.reason})"
        run.status, run.reason = "timeout", f"time limit of {time_limit:g} s reached{detail}"
    elif why and why not in (run.reason or ""):
        run.reason = f"{run.reason}; {why}" if run.reason else why
    if run.finished_at is None or run.finished_at < started:
        run.finished_at = utcnow()
    run.reason = f"{run.reason}; child {exit_reason}" if run.reason else f"child {exit_reason}"
    run.stats = {
        **(run.stats or {}),
        "scheduler": {
            "owner": owner,
            "exit": exit_reason,
            "returncode": returncode,
            "stopped_for": cause or None,
            "seconds": round(seconds, 2),
        },
    }
    session.flush()
    return run
