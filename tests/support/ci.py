"""One rule for tests that need something the machine may lack (a server, root, a browser).

Outside CI such a test skips with the reason; under ``CI=true`` (which ``.ci/run`` sets
itself) it fails, so that what CI checks can never quietly turn into a skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it under CI."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
    pytest.skip(reason)
