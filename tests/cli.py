"""Running the real ``newsmon`` command in a child process, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def newsmon(
    *args: str,
    home: Path,
    db: str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``newsmon ARGS`` with its home (data and default config) in ``home``.

    ``preexec`` runs in the child before newsmon starts (e.g. to set a resource limit).
    """
    full_env = dict(os.environ)
    # Not this process's database or config: only what the test gives (``env`` may set them).
    full_env.pop("NEWSMON_DB_URL", None)
    full_env.pop("NEWSMON_CONFIG", None)
    full_env.update({"NEWSMON_HOME": str(home), **(env or {})})
    command = [sys.executable, "-m", "newsmon.cli", *args]
    if db:
        command += ["--db", db]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=home,
        check=False,
        preexec_fn=preexec,
    )


def newsmon_json(*args: str, home: Path, db: str | None = None) -> Any:
    result = newsmon(*args, home=home, db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
