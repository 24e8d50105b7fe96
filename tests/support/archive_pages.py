"""Pages for the search/API/browser tests: the seed, a 新华日报 original of it, and a hostile page.

The original is the seed's text laid into a different template (another site's furniture,
a title suffix, no breadcrumb, an earlier time), as the newspaper's own site would serve it.
"""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portal"
SEED = (FIXTURES / "xinchun-2023.html").read_bytes()
SEED_PATH = "/news/jiangsu/2023/0129/8121.html"
ORIGINAL_PATH = "/xhrb/2023-01/29/content_1234.htm"
HOSTILE_PATH = "/news/jiangsu/2023/0201/666.html"
# Markup that a browser would run but that is not a well-formed tag printed as text: the
# extractor drops those from headlines ("<div>标题</div>" leaking from a template), so a
# hostile title that reaches the archive looks like this one.
HOSTILE_TITLE = "<svg/onload=alert(1)><img/src=x/onerror=alert(2)>营商环境"


def seed_paragraphs() -> list[str]:
    """The seed article's ``<p>`` elements, as HTML, in order."""
    html = SEED.decode("utf-8")
    content = html.split('id="article-content">', 1)[1].split("</div>", 1)[0]
    return re.findall(r"<p[^>]*>.*?</p>", content, flags=re.S)


def original_page() -> bytes:
    """The 新华日报 original of the seed's reprint."""
    paragraphs = "\n".join(seed_paragraphs())
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>“新春第一会”,擂响战鼓再出征 - 新华日报</title>
<meta name="description" content="新华日报 数字报">
</head><body>
<div id="top"><a href="/">新华报业网</a> | <a href="/epaper/">新华日报数字报</a> | <a href="/app/">交汇点客户端</a></div>
<div class="banner"><span>新华日报</span> 2023年01月29日 星期日 第1版:要闻</div>
<div class="wrap">
  <div class="article-box">
    <h1>“新春第一会”,擂响战鼓再出征</h1>
    <div class="article-info">来源:新华日报 &nbsp; 2023-01-29 06:30</div>
    <div class="article-content">
{paragraphs}
    </div>
    <div class="editor">责任编辑:王明</div>
  </div>
  <div class="sidebar"><h3>版面导航</h3><ul><li><a href="/p1">第1版:要闻</a></li>
  <li><a href="/p2">第2版:要闻</a></li><li><a href="/p3">第3版:时政</a></li></ul></div>
</div>
<div id="footer">新华日报社版权所有 苏ICP备05000000号</div>
</body></html>""".encode()


def hostile_page() -> bytes:
    """An article whose title and body carry markup that must render as text."""
    esc = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{esc}_江苏资讯_坏网站</title></head>
<body><div class="article"><h1>{esc}</h1>
<div class="info"><span class="source">来源:坏网站</span> <span class="time">2023-02-01 09:00</span></div>
<div class="content">
<p>镇江持续优化营商环境,&lt;script&gt;document.title='pwned'&lt;/script&gt;推动企业发展。这是一段足够长的正文,用于检查页面是否把来自网页的文字原样显示。</p>
<p>第二段:&lt;img src=x onerror=alert(3)&gt; 也应当原样显示而不被执行。镇江的企业家们表示,营商环境的改善让他们更有信心。</p>
</div></div></body></html>""".encode()
