"""The web page's Jinja2 templates and their renderer (autoescaping everything).

The templates live in this module rather than in .html files so that they ship
with any install of the package, with no package-data configuration. Highlighted
text arrives as (piece, is_match) runs and the ``marked`` macro wraps the matches
in ``<mark>``: every piece is escaped like any other value.
"""

from __future__ import annotations

from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined

from newsmon.web.report_page import REPORT_STYLE, REPORT_TEMPLATE

_BASE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}newsmon{% endblock %}</title>
{% block head %}{% endblock %}
<style>
  :root { --ink: #1d232b; --muted: #65707d; --line: #dde2e8; --accent: #b3261e; --bar: #3b6ea8; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.6 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
         system-ui, sans-serif; color: var(--ink); background: #f6f7f9; }
  header { background: #1f3a5f; color: #fff; padding: .6rem 1.5rem; display: flex;
           gap: 2rem; align-items: baseline; }
  header a { color: #fff; text-decoration: none; margin-right: 1.2rem; }
  header .brand { font-weight: 700; font-size: 1.2rem; }
  main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
  form.filters { display: grid; grid-template-columns: repeat(4, 1fr); gap: .5rem .8rem;
                 background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; }
  form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
  form.filters .wide { grid-column: span 2; }
  form.filters input, form.filters select { font: inherit; padding: .3rem .4rem;
         border: 1px solid #c5ccd4; border-radius: 4px; color: var(--ink); }
  form.filters .actions { flex-direction: row; align-items: end; gap: .8rem; }
  button { font: inherit; padding: .35rem 1.2rem; background: #1f3a5f; color: #fff;
           border: 0; border-radius: 4px; cursor: pointer; }
  .summary { color: var(--muted); margin: 1rem 0 .3rem; }
  ol.results { list-style: none; padding: 0; margin: 0; }
  ol.results li { background: #fff; border: 1px solid var(--line); border-radius: 6px;
                  padding: .7rem 1rem; margin: .5rem 0; }
  ol.results a.title { font-size: 1.1rem; font-weight: 600; color: #1f3a5f; text-decoration: none; }
  .meta { color: var(--muted); font-size: .85rem; }
  .snippet { margin: .3rem 0 0; }
  mark { background: #ffe58a; color: inherit; padding: 0 .1em; }
  .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-top: 1.5rem; }
  .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem; }
  .chart h2 { font-size: 1rem; margin: 0 0 .4rem; }
  .chart svg text { font-size: 12px; fill: var(--ink); }
  .chart svg rect { fill: var(--bar); }
  .pager { display: flex; gap: 1rem; margin: 1rem 0; }
  article.page { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.5rem; }
  article.page h1 { font-size: 1.5rem; line-height: 1.35; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; font-size: .9rem; }
  dl.facts dt { color: var(--muted); }
  dl.facts dd { margin: 0; }
  section.city { border-top: 1px solid var(--line); padding-top: .5rem; }
  section.city h2 { font-size: 1.15rem; color: var(--accent); margin: .6rem 0 .2rem; }
  section.city h3 { font-size: 1rem; margin: .4rem 0 .1rem; }
  .places { color: var(--muted); font-size: .85rem; }
  table.runs { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; }
  table.runs th, table.runs td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; }
  .status-ok { color: #1e7a34; } .status-failed, .status-error { color: var(--accent); }
  .reprints li { margin: .15rem 0; }
  form.crawl { display: flex; flex-wrap: wrap; gap: .5rem .8rem; align-items: end; background: #fff;
               padding: .8rem 1rem; border: 1px solid var(--line); border-radius: 6px; margin: .6rem 0; }
  form.crawl label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
  form.crawl textarea { width: 36rem; max-width: 100%; }
  .notice { background: #eef6ee; border: 1px solid #b9dcbf; padding: .4rem .8rem; border-radius: 4px; }
{{ report_style }}
</style>
</head>
<body>
<header>
  <a class="brand" href="/">newsmon</a>
  <nav><a href="/">搜索 Search</a><a href="/report">报告 Report</a><a href="/runs">抓取记录 Runs</a><a href="/openapi.json">API (OpenAPI)</a></nav>
</header>
<main>
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

_MACROS = """{% macro marked(runs) -%}
{%- for piece, hit in runs -%}
{%- if hit %}<mark>{{ piece }}</mark>{% else %}{{ piece }}{% endif -%}
{%- endfor -%}
{%- endmacro %}

{% macro bars(id, title, rows) -%}
<div class="chart">
<h2>{{ title }}</h2>
{%- if rows %}
<svg id="{{ id }}" width="520" height="{{ rows | length * 22 + 4 }}" role="img" aria-label="{{ title }}">
{%- for b in rows %}
<g transform="translate(0,{{ loop.index0 * 22 }})">
<text x="0" y="15">{{ b.label }}</text>
<rect x="100" y="3" width="{{ b.width }}" height="16"><title>{{ b.label }}: {{ b.count }}</title></rect>
<text x="{{ 106 + b.width }}" y="15">{{ b.count }}</text>
</g>
{%- endfor %}
</svg>
{%- else %}
<p class="meta">无数据 — nothing to count</p>
{%- endif %}
</div>
{%- endmacro %}
"""

_SEARCH = """{% extends "base.html" %}
{% from "macros.html" import marked, bars %}
{% block title %}{% if form.q %}{{ form.q }} — {% endif %}newsmon 搜索{% endblock %}
{% block main %}
<form class="filters" method="get" action="/" id="search-form">
  <label class="wide">关键词 Text<input type="search" name="q" value="{{ form.q }}" placeholder="营商环境"></label>
  <label>城市 City<input name="city" value="{{ form.city }}" placeholder="无锡"></label>
  <label>区县 District<input name="district" value="{{ form.district }}" placeholder="宜兴"></label>
  <label>来源 Source<input name="source" value="{{ form.source }}" placeholder="新华日报"></label>
  <label>网站 Site<input name="site" value="{{ form.site }}"></label>
  <label>监测词 Keyword<input name="keyword" value="{{ form.keyword }}" placeholder="新春第一会"></label>
  <label>排序 Sort<select name="sort">
    <option value="time"{% if form.sort == "time" %} selected{% endif %}>最新 newest</option>
    <option value="relevance"{% if form.sort == "relevance" %} selected{% endif %}>相关 relevance</option>
  </select></label>
  <label>起 Since<input type="date" name="since" value="{{ form.since }}"></label>
  <label>止 Until<input type="date" name="until" value="{{ form.until }}"></label>
  <label class="actions"><span><input type="checkbox" name="unique" value="true"{% if form.unique %} checked{% endif %}> 去重 one per reprint group</span></label>
  <label class="actions"><button type="submit" id="search-button">搜索 Search</button></label>
</form>

<p class="summary" id="summary">
{%- if total %}{{ first }}–{{ last }} / 共 {{ total_text }} 篇{% if searched %} matching{% endif %}
{%- else %}没有找到 — no articles match{% endif %}</p>

<ol class="results" id="results">
{%- for item in items %}
<li class="result">
  <a class="title" href="{{ item.href }}">{{ marked(item.title) }}</a>
  <div class="meta">#{{ item.id }} · {{ item.published_at or "—" }} · {{ item.source or "—" }}{% if item.site_name %} · {{ item.site_name }}{% endif %}{% if item.cities %} · {{ item.cities | join("、") }}{% endif %}</div>
  <p class="snippet">{{ marked(item.snippet) }}</p>
</li>
{%- endfor %}
</ol>

<div class="pager">
{%- if prev_url %}<a href="{{ prev_url }}" rel="prev">← 上一页</a>{% endif %}
{%- if next_url %}<a href="{{ next_url }}" rel="next">下一页 →</a>{% endif %}
</div>

<div class="charts">
{{ bars("chart-day", "按日 Matches per day", per_day) }}
{{ bars("chart-city", "按城市 Matches per city", per_city) }}
</div>
{% endblock %}
"""

_ARTICLE = """{% extends "base.html" %}
{% from "macros.html" import marked %}
{% block title %}{{ a.title }} — newsmon{% endblock %}
{% block main %}
<p><a href="/{% if q %}?q={{ q | urlencode }}{% endif %}">← 返回搜索 back to search</a></p>
<article class="page">
<h1 id="article-title">{{ marked(title) }}</h1>
<dl class="facts">
  <dt>发布 Published</dt><dd>{{ a.published_at or "—" }}</dd>
  <dt>来源 Source</dt><dd>{{ a.source or "—" }}{% if a.author %} · {{ a.author }}{% endif %}</dd>
  <dt>网站 Site</dt><dd>{{ a.site_name or "—" }}{% if a.breadcrumb %} · {{ a.breadcrumb | join(" › ") }}{% endif %}</dd>
  <dt>原文 URL</dt><dd><a href="{{ a.url }}" rel="noreferrer nofollow">{{ a.url }}</a></dd>
  <dt>监测词 Keywords</dt><dd>{{ a.keywords | join("、") or "—" }}</dd>
</dl>
{%- if a.reprints %}
<h2>转载 Copies of this text ({{ a.reprints | length + 1 }})</h2>
<ul class="reprints" id="reprints">
{%- for c in a.reprints %}
  <li><a href="/articles/{{ c.id }}">#{{ c.id }} {{ c.title }}</a> · {{ c.published_at or "—" }} · {{ c.site_name or c.source or "—" }}{% if a.earliest and c.id == a.earliest.id %} <strong>(最早 earliest)</strong>{% endif %}</li>
{%- endfor %}
</ul>
{%- if a.earliest and a.earliest.id == a.id %}<p class="meta">This copy is the earliest.</p>{% endif %}
{%- endif %}
{%- if by_city %}
<h2>分城市 Sections by city</h2>
{%- for city, secs in by_city.items() %}
<section class="city" data-city="{{ city }}">
<h2>{{ city }}</h2>
{%- for s in secs %}
<h3>{{ s.label }}:{{ s.heading }}{% if s.district %} <span class="places">({{ s.district }})</span>{% endif %}</h3>
<p>{{ marked(s.text) }}</p>
{%- if s.places %}<p class="places">提及 mentions: {{ s.places | join("、") }}</p>{% endif %}
{%- endfor %}
</section>
{%- endfor %}
{%- endif %}
<h2>全文 Full text</h2>
<div id="article-body">
{%- for p in paragraphs %}
<p>{{ marked(p) }}</p>
{%- endfor %}
</div>
</article>
{% endblock %}
"""

_RUNS = """{% extends "base.html" %}
{% block title %}抓取记录 Crawl runs — newsmon{% endblock %}
{% block head %}{% if refresh %}<meta http-equiv="refresh" content="5">{% endif %}{% endblock %}
{% block main %}
<h1>抓取记录 Crawl runs</h1>
{%- if web.enabled %}
{%- if web.started %}<p class="notice" id="started">已开始 Started web crawl {{ web.started }}; its run shows below as it goes.</p>{% endif %}
<form class="crawl" id="crawl-urls" method="post" action="/runs/crawl">
<label>抓取网址 Crawl URLs (one per line, http/https)<textarea name="urls" rows="3" required></textarea></label>
<label>令牌 Token<input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">抓取 Crawl</button>
</form>
{%- if web.sites %}
<form class="crawl" id="run-site" method="post" action="/runs/site">
<label>运行站点 Run a site<select name="site">{% for name in web.sites %}<option>{{ name }}</option>{% endfor %}</select></label>
<label>令牌 Token<input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">运行 Run</button>
</form>
{%- endif %}
{%- if web.jobs %}
<h2>从网页启动 Started from the web</h2>
<table class="runs" id="web-crawls">
<thead><tr><th>#</th><th>Started</th><th>What</th><th>Status</th><th>Run</th></tr></thead>
<tbody>
{%- for j in web.jobs %}
<tr><td>{{ j.id }}</td><td>{{ j.started_at[:19] | replace("T", " ") }}</td><td>{{ j.kind }}: {{ j.target }}</td>
<td class="status-{{ j.status }}">{{ j.status }}{% if j.reason %} ({{ j.reason }}){% endif %}</td><td>{{ j.run_id or "" }}</td></tr>
{%- endfor %}
</tbody>
</table>
{%- endif %}
{%- else %}
<p class="meta" id="crawl-off">从网页抓取未开启 Crawling from the web is off: set a <code>[web] token</code> in the config.</p>
{%- endif %}
{%- if runs %}
<table class="runs" id="runs">
<thead><tr><th>#</th><th>Started</th><th>Finished</th><th>Spider</th><th>Status</th><th>Requests</th><th>New / updated / same</th><th>Matches</th><th>Errors</th></tr></thead>
<tbody>
{%- for r in runs %}
<tr>
<td>{{ r.id }}</td><td>{{ (r.started_at or "")[:19] | replace("T", " ") }}</td>
<td>{{ (r.finished_at or "")[:19] | replace("T", " ") }}</td>
<td>{{ r.spider }}{% if r.site %}:{{ r.site }}{% endif %}</td>
<td class="status-{{ r.status }}">{{ r.status }}{% if r.reason %} ({{ r.reason }}){% endif %}</td>
<td>{{ r.requests }}</td><td>{{ r.articles_new }} / {{ r.articles_updated }} / {{ r.articles_unchanged }}</td>
<td>{{ r.new_matches }}</td>
<td>{{ r.errors }}{% for e in r.error_list[:3] %}<div class="meta">{{ e.get("url", "") }}: {{ e.get("reason", "") }}</div>{% endfor %}</td>
</tr>
{%- endfor %}
</tbody>
</table>
{%- else %}
<p>还没有抓取记录 — no crawl runs yet.</p>
{%- endif %}
{% endblock %}
"""

_ERROR = """{% extends "base.html" %}
{% block title %}newsmon — {{ message }}{% endblock %}
{% block main %}<h1>{{ message }}</h1><p><a href="/">← 搜索 search</a></p>{% endblock %}
"""

TEMPLATES = {
    "base.html": _BASE,
    "macros.html": _MACROS,
    "search.html": _SEARCH,
    "article.html": _ARTICLE,
    "runs.html": _RUNS,
    "error.html": _ERROR,
    "report.html": REPORT_TEMPLATE,
}

# autoescape=True for every template, whatever its name: all of them are HTML.
_ENV = Environment(
    loader=DictLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, trim_blocks=False
)


def render(name: str, **context: Any) -> str:
    """The named template rendered with ``context``; every value is HTML-escaped."""
    return _ENV.get_template(name).render(report_style=REPORT_STYLE, **context)
