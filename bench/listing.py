"""Listing-page reading on saved pages: articles found, navigation returned, off-site, next page.

    python bench/listing.py [--json]

Reads every page listed in tests/fixtures/listing/expected.json (and the real JSON
listing zj_unit_api.json) with ``crawler.listing.read_listing`` and prints, per page
and in total:

- found: the share of the main list's articles among the returned links;
- nav: the share of returned links outside the main list — an upper bound on the
  navigation/column/pagination links returned (it also counts real articles of side
  lists, e.g. a "热点排行" box, which a crawler may well follow);
- off-site: returned links outside the page's registrable domain;
- next: whether the next page is right (pages with and without one).

The rules were written with these pages in view: the figures are in-sample, except
zj_unit_api.json (a real page saved by another project), which newsmon's rules were not
written against. Timings are not measured: this is about correctness.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.listing import Scope, decode, read_listing  # noqa: E402
from crawler.listing.jsonapi import values_at  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "listing"

#: zj_unit_api.json: the 15 records of the saved answer (not written for newsmon)
ZJ_URL = "https://fzggw.zj.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"


def _zj_case() -> dict[str, Any]:
    data = json.loads((FIXTURES / "zj_unit_api.json").read_text(encoding="utf-8"))
    html = values_at(data, "data.html")[0]
    import re

    main = [
        "https://fzggw.zj.gov.cn" + h
        if h.startswith("/") and not h.startswith("//")
        else "https:" + h
        for h in re.findall(r'href="([^"]+)"', html)
    ]
    return {"file": "zj_unit_api.json", "url": ZJ_URL, "family": "hanweb-jpaas (real)", "main": main,
            "next_page": None, "text": html, "in_sample": False}  # fmt: skip


def score(case: dict[str, Any]) -> dict[str, Any]:
    text = case.get("text") or decode((FIXTURES / case["file"]).read_bytes())
    result = read_listing(text, case["url"])
    links = result.links
    scope = Scope.of_site([case["url"]])
    main = case["main"]
    found = sum(1 for u in main if u in links)
    nav = sum(1 for u in links if u not in main)
    off = sum(1 for u in links if not scope.contains(u))
    return {
        "file": case["file"],
        "family": case["family"],
        "in_sample": case.get("in_sample", True),
        "main": len(main),
        "found": found,
        "returned": len(links),
        "navigation": nav,
        "off_site": off,
        "has_next": case["next_page"] is not None,
        "next_right": result.next_page == case["next_page"],
    }


def main() -> int:
    cases = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    rows = [score(c) for c in cases] + [score(_zj_case())]
    if "--json" in sys.argv:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"{'page':<28}{'family':<22}{'found':>8}{'nav':>6}{'off':>5}  next")
    for r in rows:
        print(
            f"{r['file']:<28}{r['family']:<22}{r['found']:>4}/{r['main']:<3}{r['navigation']:>6}"
            f"{r['off_site']:>5}  {'ok' if r['next_right'] else 'WRONG'}"
            f"{'' if r['in_sample'] else '  (out of sample)'}"
        )
    for label, subset in (
        ("all", rows),
        ("in-sample", [r for r in rows if r["in_sample"]]),
        ("out-of-sample", [r for r in rows if not r["in_sample"]]),
    ):
        main_total = sum(r["main"] for r in subset)
        returned = sum(r["returned"] for r in subset)
        with_next = [r for r in subset if r["has_next"]]
        print(
            f"{label}: {len(subset)} pages; main-list articles found "
            f"{100 * sum(r['found'] for r in subset) / max(main_total, 1):.1f}% ({main_total}); "
            f"returned links outside the main list {100 * sum(r['navigation'] for r in subset) / max(returned, 1):.1f}% "
            f"({returned}); off-site links {sum(r['off_site'] for r in subset)}; next page right on "
            f"{sum(r['next_right'] for r in with_next)}/{len(with_next)} pages that have one, "
            f"{sum(r['next_right'] for r in subset if not r['has_next'])}/"
            f"{sum(1 for r in subset if not r['has_next'])} without"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
