"""Crawl throughput: a bare link-following spider vs newsmon's full crawl vs its no-change re-crawl.

    python bench/crawl.py [--articles 5000] [--also 20000] [--server nginx|python]

Generates the sample portal (newsmon.sample_site) with N articles, serves it on
127.0.0.1 (nginx when installed — `apt-get install nginx` — else Python's
threading server, which then shares the two cores with the crawler and is said
so), and measures, each crawl in its own process: pages/s, requests, peak RSS.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        etag on;
    }}
}}
"""

BARE_SPIDER = """
import sys, json
from scrapy import Spider, Request
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor

class Bare(Spider):
    name = "bare"
    start_urls = [sys.argv[1]]
    links = LinkExtractor()
    def parse(self, response):
        for link in self.links.extract_links(response):
            yield Request(link.url, callback=self.parse)

process = CrawlerProcess({
    "LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": True,
    "TELNETCONSOLE_ENABLED": False, "CONCURRENT_ITEMS": 1,
})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
s = crawler.stats.get_stats()
print(json.dumps({"responses": s.get("downloader/response_count", 0),
                  "requests": s.get("downloader/request_count", 0),
                  "seconds": s["elapsed_time_seconds"]}))
"""

CONFIG = """\
[monitor]
keywords = ["新春第一会"]

[[sites]]
name = "bench"
start_urls = ["{base}/news/list_1.html"]
max_listing_pages = 100000
concurrency = 32
download_delay = 0
autothrottle = false
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the server on port {port} did not start")


def start_server(kind: str, root: Path, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    if kind == "nginx":
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root))
        proc = subprocess.Popen(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-c",
                str(conf),
                "-e",
                str(tmp / "error.log"),
            ]
        )
    else:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    wait_for(port)
    return proc, f"http://127.0.0.1:{port}"


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, int]:
    """Run a child; return (stdout, wall seconds, its own peak RSS in MB, via wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    assert proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-3000:])
        raise SystemExit(f"{' '.join(command[:4])} failed with {proc.returncode}")
    return out.decode(), wall, int(usage.ru_maxrss / 1024)


def newsmon_run(base: str, tmp: Path, db: str) -> dict[str, Any]:
    config = tmp / "config.toml"
    config.write_text(CONFIG.format(base=base), encoding="utf-8")
    env = {**os.environ, "NEWSMON_HOME": str(tmp)}
    newsmon = [sys.executable, "-m", "newsmon.cli"]
    _, wall, rss = measure([*newsmon, "monitor", "--config", str(config), "--db", db], env)
    out, _, _ = measure([*newsmon, "runs", "--limit", "1", "--format", "json", "--db", db], env)
    run = json.loads(out)[0]
    from datetime import datetime

    seconds = (
        datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])
    ).total_seconds()
    return {
        "responses": run["responses"],
        "requests": run["requests"],
        "seconds": seconds,
        "wall": wall,
        "rss": rss,
        "new": run["articles_new"],
        "matches": run["new_matches"],
    }


def bench(n: int, server: str) -> list[dict[str, Any]]:
    from newsmon.sample_site import SampleSite

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmpdir:
        tmp = Path(tmpdir)
        tmp.chmod(0o755)  # nginx's workers run as another user and must read the site
        site = tmp / "site"
        proc, base = start_server(server, site, tmp)
        try:
            SampleSite.generate(n, private_keyword_articles=0).write(site, base)
            bare_script = tmp / "bare.py"
            bare_script.write_text(textwrap.dedent(BARE_SPIDER))
            out, _wall, rss = measure(
                [sys.executable, str(bare_script), f"{base}/news/list_1.html"]
            )
            bare = json.loads(out.strip().splitlines()[-1])
            rows.append({"what": "bare Scrapy spider (follow links)", **bare, "rss": rss})
            db = f"sqlite:///{tmp / 'bench.sqlite3'}"
            rows.append(
                {"what": "newsmon full crawl (extract, match, store)", **newsmon_run(base, tmp, db)}
            )
            rows.append({"what": "newsmon no-change re-crawl", **newsmon_run(base, tmp, db)})
        finally:
            proc.send_signal(signal.SIGTERM if server == "python" else signal.SIGQUIT)
            proc.wait(timeout=10)
    for row in rows:
        row["n"] = n
        row["pps"] = row["responses"] / row["seconds"] if row["seconds"] else 0.0
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument(
        "--also",
        type=int,
        action="append",
        default=[],
        help="another site size, for the memory check",
    )
    parser.add_argument(
        "--server",
        choices=["nginx", "python"],
        default="nginx" if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else "python",
    )
    args = parser.parse_args()
    if args.server == "python":
        print(
            "note: nginx not found; serving with Python's http.server, which competes for the same 2 cores",
            file=sys.stderr,
        )
    results = []
    for n in [args.articles, *args.also]:
        results.extend(bench(n, args.server))
    print(f"server: {args.server}; {os.cpu_count()} cores\n")
    print("| articles | crawl | requests | responses | seconds | pages/s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['n']} | {r['what']} | {r['requests']} | {r['responses']} | {r['seconds']:.1f} | {r['pps']:.0f} | {r['rss']} |"
        )
    by_n: dict[int, dict[str, dict[str, Any]]] = {}
    for r in results:
        by_n.setdefault(r["n"], {})[r["what"]] = r
    print()
    for n, rows in by_n.items():
        bare = rows["bare Scrapy spider (follow links)"]
        full = rows["newsmon full crawl (extract, match, store)"]
        again = rows["newsmon no-change re-crawl"]
        print(
            f"{n} articles: full crawl at {full['pps'] / bare['pps']:.0%} of the bare spider's pages/s; "
            f"no-change re-crawl made {again['requests']} requests (robots.txt included)"
        )
    if len(by_n) > 1:
        sizes = sorted(by_n)
        small, large = (
            by_n[s]["newsmon full crawl (extract, match, store)"]["rss"]
            for s in (sizes[0], sizes[-1])
        )
        print(
            f"peak RSS of the full crawl: {small} MB at {sizes[0]} articles, {large} MB at {sizes[-1]} ({large / small - 1:+.0%})"
        )


if __name__ == "__main__":
    main()
