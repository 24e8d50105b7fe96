"""What a page whose time is only in a script costs: the scripted-time search over ~200 KB.

    python bench/scripted.py [--kb 200] [--repeat 9]

The page: a short article with no visible time, then the scripts of the *tune* pages of
``tests/fixtures/split.json`` (those without a publication key) repeated up to ``--kb`` kilobytes, the publication time in
the last one (``var publish_time = "…"``), as templates that render the date client-side
leave it. Prints the best of ``--repeat`` wall-clock timings (ms) of the whole
``extract_bytes``, of ``scripted_time`` alone, and of the key regex run over every script
(what the search did before it looked for key starts first) against the key search.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from crawler.extraction import decode_html, extract_bytes  # noqa: E402
from crawler.extraction.dates import SHANGHAI  # noqa: E402
from crawler.extraction.scripted import _SCRIPT_KEY_RE, scripted_time  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
NOW = datetime(2024, 6, 1, tzinfo=SHANGHAI)


def tune_scripts() -> list[str]:
    split = json.loads((FIXTURES / "split.json").read_text("utf-8"))
    scripts = []
    for key in split["pages"]["tune"]:
        data = (FIXTURES / key.replace("/", "/pages/", 1)).read_bytes()
        root = etree.fromstring(decode_html(data)[0].encode("utf-8"), etree.HTMLParser())
        scripts += [s.text for s in root.iter("script") if s.text and s.text.strip()]
    # (none that holds a publication key itself: the time is only in the last script)
    return [s for s in scripts if _SCRIPT_KEY_RE.search(s) is None]


def script_page(kb: int) -> bytes:
    scripts, size, k = [], 0, 0
    pool = tune_scripts()
    while size < kb * 1024:
        text = pool[k % len(pool)].replace("</", "<\\/")
        scripts.append(f"<script>{text}</script>")
        size += len(text.encode("utf-8"))
        k += 1
    scripts.append('<script>var publish_time = "2024-05-20 10:00:00";</script>')
    body = "".join(
        f"<p>第{i}段：市里今天召开会议，部署下一阶段的工作，要求各部门抓好落实。</p>"
        for i in range(8)
    )
    html = (
        "<html><head><meta charset='utf-8'><title>全市重点项目建设推进会召开_某某新闻网</title>"
        f"</head><body><h1>全市重点项目建设推进会召开</h1><div class='content'>{body}</div>"
        f"{''.join(scripts)}</body></html>"
    )
    return html.encode("utf-8")


def best(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=int, default=200, help="script size to pad the page to")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs; the best counts")
    args = parser.parse_args()
    data = script_page(args.kb)
    article = extract_bytes(data, fetched_at=NOW)
    assert article.published_at == datetime(2024, 5, 20, 10, 0, tzinfo=SHANGHAI), article
    root = etree.fromstring(data, etree.HTMLParser(encoding="utf-8"))
    texts = [s.text or "" for s in root.iter("script")]
    print(f"page {len(data) // 1024} KB, {len(texts)} scripts, {sum(map(len, texts))} characters")
    rows: list[tuple[str, Callable[[], object]]] = [
        ("extract_bytes", lambda: extract_bytes(data, fetched_at=NOW)),
        ("scripted_time", lambda: scripted_time(root, NOW)),
        ("key regex over every script", lambda: [list(_SCRIPT_KEY_RE.finditer(t)) for t in texts]),
    ]
    try:
        from crawler.extraction.scripted import key_matches
    except ImportError:  # (the code before the key search)
        pass
    else:
        rows.append(("key search", lambda: [list(key_matches(t)) for t in texts]))
    for name, fn in rows:
        print(f"{name:30s} {best(args.repeat, fn):8.2f} ms")


if __name__ == "__main__":
    main()
