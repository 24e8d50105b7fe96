"""``[alerts] urls``: notifications through Apprise (DingTalk, WeCom bots, Feishu/Lark, e-mail, Slack …).

Each URL is a sink of its own, named ``url:`` + the first 12 hex digits of the URL's
SHA-256 in ``alert_deliveries`` (so a changed URL is a new sink, and the secret it
carries is never stored or logged). Logs name a URL by Apprise's privacy form
(``dingtalk://t...C/``) and error texts have the URL's secret parts masked.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from newsmon.sinks import DeliveryError

PREFIX = "url:"


def sink_name(url: str) -> str:
    return PREFIX + hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]


def _plugin(url: str) -> Any:
    import apprise

    return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def check_url(url: str) -> str | None:
    """None when Apprise can send to ``url``; else why not (without the URL's secrets)."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if not scheme:
        return "not a notification URL (scheme://…), see https://github.com/caronc/apprise/wiki"
    if _plugin(url) is None:
        return f"Apprise cannot use this {scheme}:// URL (unknown service or missing token)"
    return None


def shown(url: str) -> str:
    """The URL as logs may show it: Apprise's privacy form, secrets elided."""
    plugin = _plugin(url)
    if plugin is None:
        return url.split("://", 1)[0] + "://…"
    return str(plugin.url(privacy=True)).split("?", 1)[0]


def secrets_of(url: str) -> list[str]:
    """The parts of ``url`` that may be secret: userinfo, path segments, query values, host tokens."""
    parts = urlsplit(url)
    found = [parts.username or "", parts.password or ""]
    found += [unquote(s) for s in parts.path.split("/")]
    found += [v for _k, v in parse_qsl(parts.query)]
    host = parts.netloc.rsplit("@", 1)[-1]
    if not re.fullmatch(r"[\d.:\[\]]+|localhost(:\d+)?", host):
        found.append(host.split(":")[0])  # dingtalk://TOKEN/, wecombot://KEY: the "host" is the key
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def mask(text: str, url: str) -> str:
    for secret in secrets_of(url):
        text = text.replace(secret, "***")
    return text


def send(url: str, title: str, body: str) -> None:
    """Send one message; DeliveryError (secrets masked) when the service did not take it."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError(f"bad notification URL {shown(url)}")
    with apprise.LogCapture(level=logging.WARNING) as captured:
        ok = notifier.notify(title=title, body=body)
    if not ok:
        lines = [ln.split(" - ", 2)[-1] for ln in captured.getvalue().splitlines() if ln.strip()]
        raise DeliveryError(mask("; ".join(lines[-3:]) or "not delivered", url))


def message(kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    """(title, body) of an alert as a notification."""
    if kind == "match":
        keywords = ",".join(payload.get("keywords") or [])
        title = f"[{keywords}] {payload.get('title') or payload.get('url')}"
        facts = " · ".join(
            str(v)
            for v in (payload.get("published_at"), payload.get("source"), payload.get("site"))
            if v
        )
        return title, f"{facts}\n{payload.get('url')}"
    if kind == "digest":
        articles = payload.get("articles") or []
        title = f"[{payload.get('keyword')}] {payload.get('day')}: {len(articles)} new"
        lines = [
            f"- {a.get('title')} ({a.get('source') or a.get('site') or '-'}) {a.get('url')}"
            for a in articles
        ]
        cities = payload.get("lines") or []
        if cities:
            lines += ["", "By city:"] + [f"- {line}" for line in cities]
        return title, "\n".join(lines)
    return f"newsmon health: {payload.get('check')}", str(payload.get("message"))
