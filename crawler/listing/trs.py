"""TRS WCM columns: pages written by ``createPageHTML(total, current, "index", "html")``.

TRS WCM publishes a column as ``index.html``, ``index_1.html``, ``index_2.html`` …
(page 2 is ``index_1.html``: ``current`` counts from 0) and writes the pager with a
script call instead of links, sometimes with variables::

    var countPage = 25; var currentPage = 0;
    createPageHTML(countPage, currentPage, "index", "html");

Newer templates put the pager's element id first:
``createPageHTML('page_div', 25, 0, 'index', 'html', 368)``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_CALL = re.compile(r"createPageHTML\s*\(([^()]*)\)", re.I)
_ARG = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z_$][\w$]*)|(\d+))\s*""")


def _variable(text: str, name: str) -> int | None:
    match = re.search(rf"\b{re.escape(name)}\s*=\s*(\d+)", text)
    return int(match.group(1)) if match else None


def _arguments(text: str, raw: str) -> list[int | str | None]:
    values: list[int | str | None] = []
    for piece in raw.split(","):
        match = _ARG.fullmatch(piece)
        if not match:
            values.append(None)
        elif match.group(4) is not None:
            values.append(int(match.group(4)))
        elif match.group(3) is not None:
            values.append(_variable(text, match.group(3)))
        else:
            values.append(match.group(1) if match.group(1) is not None else match.group(2))
    return values


def next_page(text: str, page_url: str) -> str | None:
    """``index_{current+1}.html`` while there are pages left; None on the last page or without a pager."""
    for call in _CALL.finditer(text):
        args = _arguments(text, call.group(1))
        for i in range(len(args) - 3):
            total, current, name, ext = args[i : i + 4]
            if (
                isinstance(total, int)
                and isinstance(current, int)
                and isinstance(name, str)
                and isinstance(ext, str)
                and re.fullmatch(r"[\w-]+", name)
                and re.fullmatch(r"s?html?", ext, re.I)
            ):
                if current + 1 >= total:
                    return None
                return urljoin(page_url, f"{name}_{current + 1}.{ext}")
    return None
