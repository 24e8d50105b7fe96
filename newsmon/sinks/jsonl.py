"""``[alerts] jsonl``: each alert's payload as one JSON line appended to a file (fsynced)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsmon.sinks import DeliveryError
from storage.monitoring import Pending


def _has(path: Path, alert_id: int) -> bool:
    """Whether an earlier, interrupted attempt already wrote this alert's line."""
    if not path.exists():
        return False
    with path.open("rb") as f:
        # Lines are short and appended in order: the end of the file is where a torn attempt is.
        f.seek(max(0, path.stat().st_size - 1024 * 1024))
        for line in f.read().splitlines():
            try:
                if json.loads(line).get("alert_id") == alert_id:
                    return True
            except (ValueError, AttributeError):
                continue
    return False


def append(path: Path, alert: Pending) -> None:
    """Append ``alert``'s line to ``path``, unless a retried attempt finds it already there."""
    if alert.attempts and _has(path, alert.alert_id):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(alert.payload, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        with path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise DeliveryError(f"cannot append to {path}: {exc.strerror or exc}") from exc
