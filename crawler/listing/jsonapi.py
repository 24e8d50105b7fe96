"""JSON listings ("加载更多"): a declared API and the path of the article URLs in its answer.

A site profile gives ``listing_api = "https://…/list?page={page}"`` and
``item_url = "data.list[].url"``: dotted keys, ``[]`` to go through every element of
a list. When the value found is HTML rather than a URL (some CMS gateways answer
``{"data": {"html": "<ul><li><a href=…>"}}``: ``item_url = "data.html"``), its links
are read like a listing page's.
"""

from __future__ import annotations

import json
import re
from typing import Any

_STEP = re.compile(r"^([^\[\]]*)((?:\[\])*)$")


class ItemPathError(ValueError):
    """``item_url`` is not a dotted path with optional ``[]`` steps."""


def parse_path(path: str) -> list[tuple[str, int]]:
    """``data.list[].url`` -> ``[("data", 0), ("list", 1), ("url", 0)]`` (key, how many ``[]``)."""
    steps = []
    for piece in path.strip().split("."):
        match = _STEP.match(piece)
        if not match or (not match.group(1) and not match.group(2)):
            raise ItemPathError(f"bad step {piece!r} in {path!r} (write e.g. data.list[].url)")
        steps.append((match.group(1), match.group(2).count("[]")))
    return steps


def values_at(data: Any, path: str) -> list[Any]:
    """Every value at ``path`` in ``data``, in document order; missing keys give nothing."""
    current = [data]
    for key, lists in parse_path(path):
        following = []
        for value in current:
            if key:
                if not isinstance(value, dict) or key not in value:
                    continue
                value = value[key]
            items = [value]
            for _ in range(lists):
                items = [x for item in items if isinstance(item, list) for x in item]
            following.extend(items)
        current = following
    return current


def page_url(template: str, page: int) -> str:
    return template.replace("{page}", str(page))


def load(body: bytes | str) -> Any:
    """The JSON document; ``ValueError`` with a short reason when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the listing API did not answer JSON: {exc}") from None
