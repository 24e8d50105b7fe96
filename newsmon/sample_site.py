"""A generated regional news portal: listing pages with pagination, articles, a sitemap, an RSS feed, robots.txt.

One generator serves the demo (``newsmon demo``), the monitoring tests and the
crawl benchmark, so all three exercise the same kinds of page: 新春第一会
round-ups with city sections, decoys that say 新春第一 or 第一会 without the
keyword, ordinary news, some pages in GBK, and keyword articles under a path
robots.txt disallows. :class:`DemoSite` serves the written folder on 127.0.0.1.
"""

from __future__ import annotations

import functools
import html
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE_NAME = "江南都市网"
PER_PAGE = 20
#: The page newsmon was born from (a copy of tests/fixtures/portal/xinchun-2023.html).
SEED_PAGE = Path(__file__).parent / "data" / "xinchun-2023.html"

CITIES = [
    ("南京", "江宁"),
    ("苏州", "昆山"),
    ("无锡", "宜兴"),
    ("常州", "武进"),
    ("南通", "海门"),
    ("扬州", "江都"),
    ("镇江", "丹阳"),
    ("泰州", "姜堰"),
    ("盐城", "东台"),
    ("淮安", "涟水"),
    ("宿迁", "沭阳"),
    ("徐州", "邳州"),
    ("连云港", "东海"),
]
HEADINGS = [
    "打响项目建设发令枪",
    "以“四敢”步伐勇毅前行",
    "激励企业燃新程",
    "全力冲刺新赛道",
    "亮出答题板",
    "吹响产业强市号角",
    "营商环境再升级",
    "紧起来动起来拼起来",
    "擂台比武亮出真功夫",
    "招商引资新打法",
]
SENTENCES = [
    "{c}召开全市高质量发展推进会，部署全年重点工作。",
    "会上，{c}发布了优化营商环境的若干措施，涉及审批提速、要素保障等方面。",
    "{c}{d}区负责人表示，将以项目建设为抓手，全力以赴拼经济。",
    "去年，{c}地区生产总值稳步增长，主要经济指标好于预期。",
    "今年，{c}计划新开工亿元以上产业项目一百个以上，总投资超过千亿元。",
    "与会企业家代表纷纷表示，对今年的发展充满信心。",
    "{d}将围绕新能源、新材料等产业链精准招商，推动项目早落地、早投产。",
    "会议要求各地各部门拿出拼抢劲头，确保一季度实现开门红。",
]
ORDINARY_TOPICS = [
    "城市轨道交通建设",
    "老旧小区改造",
    "春季招聘会",
    "文旅消费",
    "生态环境保护",
    "智能制造",
]


@dataclass(slots=True)
class SampleArticle:
    number: int
    kind: str  # "keyword" | "decoy" | "ordinary" | "seed"
    published: datetime
    title: str
    private: bool = False
    gbk: bool = False

    @property
    def path(self) -> str:
        folder = "private" if self.private else "news"
        return f"/{folder}/{self.published:%Y/%m%d}/{self.number}.html"


@dataclass(slots=True)
class SampleSite:
    """The site's articles, newest first on the listings; ``write`` lays it out as static files."""

    articles: list[SampleArticle] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(2023))
    include_seed: bool = False

    @classmethod
    def generate(
        cls,
        n: int,
        *,
        keyword_every: int = 5,
        decoy_every: int = 7,
        gbk_every: int = 4,
        private_keyword_articles: int = 2,
        include_seed: bool = False,
        seed: int = 2023,
    ) -> SampleSite:
        """``n`` articles: every ``keyword_every``-th a 新春第一会 round-up, every ``decoy_every``-th a decoy."""
        site = cls(rng=random.Random(seed), include_seed=include_seed)
        start = datetime(2023, 1, 20, 8, 0, tzinfo=SHANGHAI)
        for i in range(n):
            if i % keyword_every == 0:
                kind = "keyword"
            elif i % decoy_every == 0:
                kind = "decoy"
            else:
                kind = "ordinary"
            site.articles.append(
                site._make(kind, start + timedelta(minutes=37 * i), gbk=i % gbk_every == 1)
            )
        for j in range(private_keyword_articles):
            site.articles.append(
                site._make("keyword", start + timedelta(minutes=37 * n + 11 * j), private=True)
            )
        if include_seed:
            site.articles.append(
                SampleArticle(
                    8121,
                    "seed",
                    datetime(2023, 1, 29, 10, 22, tzinfo=SHANGHAI),
                    "“新春第一会”,擂响战鼓再出征",
                )
            )
        site.articles.sort(key=lambda a: a.published, reverse=True)
        return site

    def _make(
        self, kind: str, published: datetime, *, gbk: bool = False, private: bool = False
    ) -> SampleArticle:
        number = 10000 + len(self.articles)
        city = self.rng.choice(CITIES)[0]
        if kind == "keyword":
            title = f"{city}召开“新春第一会”：{self.rng.choice(HEADINGS)}"
        elif kind == "decoy":
            # contains 新春第一 or 第一会, never the keyword itself
            title = self.rng.choice(
                [
                    f"{city}迎来新春第一场雪",
                    f"{city}召开今年第一会商会议",
                    f"{city}新春第一批项目签约",
                ]
            )
        else:
            title = f"{city}推进{self.rng.choice(ORDINARY_TOPICS)}工作"
        return SampleArticle(
            number, kind, published, f"{title}（{number}）", private=private, gbk=gbk
        )

    def add(self, kind: str = "keyword", when: datetime | None = None) -> SampleArticle:
        """A new article at the top of the first listing page (call ``write`` again afterwards)."""
        newest = max(a.published for a in self.articles)
        article = self._make(kind, when or newest + timedelta(minutes=5))
        self.articles.insert(0, article)
        return article

    # -- pages ------------------------------------------------------------------------------

    @property
    def listed(self) -> list[SampleArticle]:
        """Articles on the public listings (private ones are linked from page 1 only)."""
        return [a for a in self.articles if not a.private]

    def pages(self) -> int:
        return max(1, -(-len(self.listed) // PER_PAGE))

    def _body(self, article: SampleArticle) -> str:
        rng = random.Random(article.number)
        if article.kind == "keyword":
            cities = rng.sample(CITIES, 3)
            parts = [
                f"<p>春节假期后第一个工作日，全省多地召开“新春第一会”，聚焦项目建设和营商环境，吹响新一年奋进号角。本文编号{article.number}。</p>"
            ]
            for city, district in cities:
                parts.append(f"<p><strong>{city}{district}：{rng.choice(HEADINGS)}</strong></p>")
                for _ in range(2):
                    parts.append(
                        "<p>"
                        + "".join(
                            rng.choice(SENTENCES).format(c=city, d=district) for _ in range(3)
                        )
                        + "</p>"
                    )
            return "\n".join(parts)
        city, district = rng.choice(CITIES)
        lead = {
            "decoy": f"{city}今天迎来新春第一场活动，这也是今年第一会商机制的首次运用。",
            "ordinary": f"记者从{city}有关部门获悉，相关工作正在有序推进。",
        }[article.kind]
        paragraphs = [lead] + [
            "".join(rng.choice(SENTENCES).format(c=city, d=district) for _ in range(3))
            for _ in range(4)
        ]
        paragraphs.append(f"本文编号{article.number}。")
        return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)

    def article_html(self, article: SampleArticle) -> str:
        charset = "gbk" if article.gbk else "utf-8"
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{html.escape(article.title)}_江苏资讯_{SITE_NAME}</title>
<meta name="description" content="{html.escape(article.title)}">
</head><body>
<div class="topbar">欢迎访问{SITE_NAME} <a href="/login.html">登录</a></div>
<div class="nav"><a href="/">首页</a> <a href="/news/list_1.html">资讯</a> <a href="/sports/">体育</a></div>
<div class="crumb"><a href="/">首页</a> &gt; <a href="/news/list_1.html">资讯中心</a> &gt; <a href="/news/list_1.html">江苏资讯</a></div>
<div class="article">
<h1>{html.escape(article.title)}</h1>
<div class="info"><span class="source">新华日报</span> <span class="time">{article.published:%Y-%m-%d %H:%M}</span></div>
<div class="content">
{self._body(article)}
</div>
<div class="prenext"><p>上一篇:<a href="/news/list_1.html">返回列表</a></p></div>
</div>
<div class="right"><h3>网友热搜</h3><ul><li><a href="/news/list_1.html">苏州轨交6号线最新进展</a></li></ul></div>
<div class="footer"><p>Copyright (C) {SITE_NAME} 版权所有 苏ICP备00000000号</p></div>
</body></html>
"""

    def listing_html(self, page: int) -> str:
        chunk = self.listed[(page - 1) * PER_PAGE : page * PER_PAGE]
        if page == 1:
            chunk = [a for a in self.articles if a.private] + chunk
        items = "\n".join(
            f'<li><a href="{a.path}" title="{html.escape(a.title)}">{html.escape(a.title)}</a><span>{a.published:%Y-%m-%d}</span></li>'
            for a in chunk
        )
        numbers = " ".join(
            f'<a href="/news/list_{n}.html">{n}</a>' if n != page else f"<b>{n}</b>"
            for n in range(1, self.pages() + 1)
        )
        nxt = f'<a href="/news/list_{page + 1}.html">下一页</a>' if page < self.pages() else ""
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>江苏资讯_{SITE_NAME}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/news/list_1.html">资讯</a></div>
<ul class="list">
{items}
</ul>
<div class="pages">{numbers} {nxt}</div>
<div class="footer">Copyright (C) {SITE_NAME}</div>
</body></html>
"""

    def sitemap_xml(self, base_url: str) -> str:
        urls = "\n".join(
            f"<url><loc>{base_url}{a.path}</loc><lastmod>{a.published.isoformat()}</lastmod></url>"
            for a in self.listed
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n'

    def rss_xml(self, base_url: str, items: int = 30) -> str:
        entries = "\n".join(
            f"<item><title>{html.escape(a.title)}</title><link>{base_url}{a.path}</link>"
            f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
            for a in self.listed[:items]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{SITE_NAME}</title>\n{entries}\n</channel></rss>\n'

    def write(self, root: Path, base_url: str) -> None:
        """Lay the site out under ``root`` (``base_url`` is where it will be served, for sitemap/feed links)."""
        root.mkdir(parents=True, exist_ok=True)
        for article in self.articles:
            target = root / article.path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if article.kind == "seed":
                target.write_bytes(SEED_PAGE.read_bytes())
            else:
                text = self.article_html(article)
                target.write_bytes(text.encode("gbk" if article.gbk else "utf-8"))
        news = root / "news"
        news.mkdir(exist_ok=True)
        for page in range(1, self.pages() + 1):
            (news / f"list_{page}.html").write_text(self.listing_html(page), encoding="utf-8")
        (root / "sitemap.xml").write_text(self.sitemap_xml(base_url), encoding="utf-8")
        (root / "rss.xml").write_text(self.rss_xml(base_url), encoding="utf-8")
        (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
        (root / "index.html").write_text(self.listing_html(1), encoding="utf-8")

    def keyword_paths(self, *, public_only: bool = True) -> set[str]:
        return {
            a.path
            for a in self.articles
            if a.kind in ("keyword", "seed") and not (public_only and a.private)
        }


# --------------------------------------------------------------------------- serving it

#: Fixed so that the demo's article URLs, and so its archive rows, stay the same between runs.
DEMO_PORT = 8765


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class DemoSite:
    """A folder served over HTTP from a background thread; binding happens in the constructor."""

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = DEMO_PORT) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = ThreadingHTTPServer((host, port), handler)  # OSError if the port is taken
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True, name="newsmon-demo-site"
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
