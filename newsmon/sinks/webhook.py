"""``[alerts] webhook``: each alert's payload POSTed as JSON, with an ``Idempotency-Key``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from newsmon import __version__
from newsmon.sinks import DeliveryError
from storage.monitoring import Pending


def post(url: str, alert: Pending, *, headers: dict[str, str], timeout: float) -> None:
    """POST ``alert`` to ``url``; any answer but a 2xx (or no answer) is a :class:`DeliveryError`."""
    body = json.dumps(alert.payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"newsmon/{__version__} (alerts)",
            # Lets a receiver drop the rare repeat (a crash between its 2xx and our commit).
            "Idempotency-Key": f"newsmon-alert-{alert.alert_id}",
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"{getattr(exc, 'reason', exc)}") from None
