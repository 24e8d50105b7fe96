"""Showing search hits: the matched runs of a text, and a snippet around the first hit."""

from __future__ import annotations

import re
from collections.abc import Sequence


def highlight(text_: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """``text_`` cut into (piece, is_match) runs for the terms (case-insensitive), for display."""
    needles = [t for t in terms if t]
    if not needles:
        return [(text_, False)] if text_ else []
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(needles, key=len, reverse=True)), re.I
    )
    out: list[tuple[str, bool]] = []
    last = 0
    for m in pattern.finditer(text_):
        if m.start() > last:
            out.append((text_[last : m.start()], False))
        out.append((m.group(0), True))
        last = m.end()
    if last < len(text_):
        out.append((text_[last:], False))
    return out


def snippet(body: str, terms: Sequence[str], width: int = 60) -> str:
    """A window of ``body`` around the first hit of any term (or its start)."""
    lowered = body.lower()
    hits = [p for p in (lowered.find(t.lower()) for t in terms if t) if p >= 0]
    if not hits:
        return body[: 2 * width] + ("…" if len(body) > 2 * width else "")
    start = max(min(hits) - width, 0)
    end = min(min(hits) + width, len(body))
    return (
        ("…" if start else "")
        + body[start:end].replace("\n", " ")
        + ("…" if end < len(body) else "")
    )
