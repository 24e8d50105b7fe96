"""The coverage report's page: the form, a tile map per period (inline SVG) and the table.

The same template renders ``/report`` in ``newsmon serve`` and ``newsmon report --format
html`` (a standalone file: its links then point at the configured server, or nowhere).
No script, no external resource: the tiles are SVG rectangles inside links.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from newsmon.report import Report, cell_text, tile_map

REPORT_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ keyword or "报告" }} — newsmon 报告 Report{% endblock %}
{% block main %}
<form class="filters" method="get" action="/report" id="report-form">
  <label class="wide">关键词 Keyword<input name="keyword" value="{{ form.keyword }}" placeholder="新春第一会" required></label>
  <label>省份 Province<input name="province" value="{{ form.province }}" placeholder="江苏"></label>
  <label>年份 Year(s)<input name="year" value="{{ form.year }}" placeholder="2023 或 2023,2024"></label>
  <label>起 Since<input type="date" name="since" value="{{ form.since }}"></label>
  <label>止 Until<input type="date" name="until" value="{{ form.until }}"></label>
  <label class="actions"><button type="submit" id="report-button">生成 Report</button></label>
</form>
{%- if report %}
<h1 id="report-title">{{ report.keyword }}{% if report.province %} · {{ report.province }}{% endif %}</h1>
<div class="maps">
{%- for m in maps %}
<figure class="tilemap">
<figcaption>{{ m.label }}: {{ m.covered }} / {{ m.tiles | length }} 市有报道 cities covered</figcaption>
<svg id="map-{{ loop.index }}" width="{{ m.width }}" height="{{ m.height }}" role="img" aria-label="{{ m.label }}">
{%- for t in m.tiles %}
<a href="{{ t.href }}" class="tile tile-{{ t.status }}" data-city="{{ t.city }}" data-status="{{ t.status }}">
<rect x="{{ t.x + 3 }}" y="{{ t.y + 3 }}" width="{{ m.size }}" height="{{ m.size }}" rx="6"><title>{{ t.city }}: {{ t.note }}</title></rect>
<text x="{{ t.x + 3 + m.size // 2 }}" y="{{ t.y + 34 }}" text-anchor="middle">{{ t.city }}</text>
<text x="{{ t.x + 3 + m.size // 2 }}" y="{{ t.y + 56 }}" text-anchor="middle" class="small">{{ t.first_date[5:] if t.first_date else "—" }}</text>
</a>
{%- endfor %}
</svg>
</figure>
{%- endfor %}
<p class="legend meta"><span class="key own"></span>本市专节 own section <span class="key district"></span>区县专节 district section <span class="key mentioned"></span>仅被提及 mentioned only <span class="key none"></span>无 none</p>
</div>
<table class="runs" id="report-table">
<thead><tr><th>城市 Place</th>{% for label in report.labels %}<th>{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in rows %}
<tr data-city="{{ r.city }}"{% if r.district %} data-district="{{ r.district }}"{% endif %}>
<td><a href="{{ r.href }}">{{ r.place }}</a></td>
{%- for c in r.cells %}
<td class="{{ 'covered' if c.cell else 'missing' }}">
{%- if c.cell %}<strong>{{ c.cell.first_date or "?" }}</strong> {{ c.cell.heading }}<br>
<a href="{{ c.article_href }}">#{{ c.cell.article_id }} {{ c.cell.title }}</a>
<div class="meta">{{ c.cell.source or "—" }}{% if c.cell.site %} · {{ c.cell.site }}{% endif %} · {{ c.cell.articles }} 篇{% if c.cell.reprints %}(其中转载 {{ c.cell.reprints }}){% endif %}</div>
{%- else %}<span class="meta">{{ c.text }}</span>{% endif %}
</td>
{%- endfor %}
</tr>
{%- endfor %}
</tbody>
</table>
{%- elif message %}
<p class="summary" id="report-message">{{ message }}</p>
{%- endif %}
{% endblock %}
"""

REPORT_STYLE = """
  .maps { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
  figure.tilemap { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
  .tilemap text { font-size: 14px; fill: #fff; pointer-events: none; }
  .tilemap text.small { font-size: 11px; }
  .tile-own rect, .key.own { fill: #1f3a5f; background: #1f3a5f; }
  .tile-district rect, .key.district { fill: #3b6ea8; background: #3b6ea8; }
  .tile-mentioned rect, .key.mentioned { fill: #a9c1dd; background: #a9c1dd; }
  .tile-none rect, .key.none { fill: #d5d9de; background: #d5d9de; }
  .tile-mentioned text, .tile-none text { fill: var(--ink); }
  .key { display: inline-block; width: 1em; height: 1em; margin: 0 .3em 0 1em; vertical-align: middle; }
  td.missing { background: #f2f3f5; }
"""


def search_href(keyword: str, city: str, district: str | None, since: Any, until: Any) -> str:
    """The search page's list of the keyword's articles about a place in a period."""
    params = {"q": keyword, "city": city}
    if district:
        params["district"] = district
    if since:
        params["since"] = since.date().isoformat()
    if until:
        # until is exclusive in a period, inclusive on the search page: the day before
        from datetime import timedelta

        params["until"] = (until - timedelta(days=1)).date().isoformat()
    return "/?" + urlencode(params)


def report_context(report: Report, prefix: str = "") -> dict[str, Any]:
    """What the template shows of a report; links start with ``prefix`` (a server URL or "")."""
    period_of = {p.label: p for p in report.periods}
    first = report.periods[0]
    rows = []
    for r in report.rows:
        cells = []
        for label in report.labels:
            cell = r.cells.get(label)
            cells.append(
                {
                    "cell": cell,
                    "text": cell_text(r, label),
                    "article_href": f"{prefix}/articles/{cell.article_id}" if cell else "",
                }
            )
        href = prefix + search_href(report.keyword, r.city, r.district, first.since, first.until)
        rows.append(
            {"city": r.city, "district": r.district, "place": r.place, "cells": cells, "href": href}
        )
    maps = []
    for label in report.labels:
        m = tile_map(report, label)
        if m is None:
            continue
        p = period_of[label]
        for t in m["tiles"]:
            t["href"] = prefix + search_href(report.keyword, t["city"], None, p.since, p.until)
            t["note"] = {
                "own": f"{t['articles']} 篇, first {t['first_date']}",
                "district": f"district sections, {t['articles']} 篇, first {t['first_date']}",
                "mentioned": "no section; mentioned in another city's",
                "none": "no section",
            }[t["status"]]
        m["covered"] = sum(1 for t in m["tiles"] if t["status"] in ("own", "district"))
        maps.append(m)
    return {"report": report, "rows": rows, "maps": maps}
