"""The project's own checks, run with the tests so that CI enforces them: ruff and mypy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        [
            "ruff",
            "format",
            "--check",
            "crawler",
            "storage",
            "newsmon",
            "scheduler.py",
            "bench",
            "tests",
        ],
        ["mypy", "crawler", "storage", "newsmon", "scheduler.py"],
    ],
    ids=["ruff", "ruff-format", "mypy"],
)
def test_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
