"""Running a bench's measuring half in another checkout (before/after, alternated in one run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_worker(script: str, code: Path, *args: str) -> dict[str, Any]:
    """``script --worker ARGS`` in a new interpreter with the checkout ``code`` first on its
    path; the JSON object it prints."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, script, "--worker", *args],
        env=env, cwd=code, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout))
