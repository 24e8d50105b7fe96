"""Crawl throughput: newsmon's full crawl against a bare Scrapy spider that follows the same links.

    python bench/crawl.py [--articles 2000] [--also 20000] [--page-kb 200]
                          [--repeats 3] [--processes 0,1,2,4,1w] [--server nginx|python]
                          [--code CHECKOUT] [--tuned-only]

Generates the sample portal (newsmon.sample_site) with N articles and serves it on
127.0.0.1 (nginx when installed — `apt-get install nginx` — else Python's threading
server, which then shares the cores with the crawler and is said so). Then, alternated
in one run, ``--repeats`` times each, every crawl in its own process:

- **bare (default)**: a Scrapy spider with Scrapy's default settings but for the
  concurrency (32, no delay, no AutoThrottle, robots.txt obeyed, as newsmon's bench
  profile). It follows exactly the links newsmon follows — the listing's article links
  (one CSS selector) and its next page (one XPath) — and does nothing with article pages.
- **bare (CONCURRENT_ITEMS=1)**: the same spider with newsmon's ``CONCURRENT_ITEMS = 1``
  (the "tuned" bare spider: Scrapy's 100 item slots per response cost bookkeeping);
  ``--tuned-only`` runs this one alone (the target's measure; a loaded machine's rounds
  go faster).
- **newsmon**: ``newsmon monitor`` on a fresh SQLite archive (decode, extract, match,
  compress, store, index), with ``NEWSMON_EXTRACT_PROCESSES`` set to each ``--processes``
  value (omitted: its default); a value ending in ``w`` (``1w``) also sets
  ``NEWSMON_STORE_PROCESS=1`` (the store's writes in a writer process), one ending in ``s``
  ``NEWSMON_STORE_PROCESS=0``; ``--code`` runs newsmon from another checkout (before/after).
- **re-crawl**: ``newsmon monitor`` again on the archive of the last full crawl, nothing
  changed on the site: how many requests it makes.

pages/s is responses over the crawl's own elapsed time (process start-up excluded);
peak RSS is the crawling process's ``ru_maxrss`` (worker processes not included; their
memory does not grow with the site); peak anonymous is its highest ``RssAnon`` sampled every
0.1 s: the memory the crawl itself holds, without the archive's pages SQLite memory-maps. CPU s
is user + system time of all the crawl's processes: the crawling process's own (``wait4``)
plus its descendants' — extraction workers and the writer process, children of a
``forkserver`` the crawl never waits for — sampled from ``/proc/PID/stat`` every 0.1 s (each
up to 0.1 s short); "the crawling process" is its own alone. Each newsmon run also prints its
CPU by process — the crawling process, the fork server, multiprocessing's resource tracker, the
extraction workers, the writer (the fork server's child with the archive open) — and the whole
command's wall time (start-up and close included), and the report their medians. "ms CPU per page"
subtracts the median CPU of the no-change re-crawl's crawling process (start-up and 2
requests) and divides by the responses (so "all processes" includes starting the workers): it moves far less with the machine's load than pages/s. On 2 cores the work of all
processes bounds the throughput: pages/s can be no more than 2,000 / (all processes' ms per page). Each figure carries the 1-minute load average
when it started: this machine is shared, so compare ratios taken in one run.
Each crawl also prints what it shared the machine with over its window (``/proc/stat`` and
``/proc/PID/schedstat``, sampled with the CPU): the machine's idle and stolen CPU seconds, its
busy ones split into this crawl's processes, the server's and the rest (other programs); each
process's main thread's seconds on a CPU and runnable but waiting for one (another task ran
on it: what tells a crawl slowed by the host or by its own processes from one doing more
work); how often the crawling process and the extraction worker had last run on the same CPU;
the crawling process's voluntary and involuntary context switches; and the milliseconds a
fixed piece of pure Python took in this process before and after it (``calibrate``: what
the machine, not newsmon, makes of the same instructions). docs/benchmarks.md, Crawling,
"Session 17".
``--page-kb`` pads every article page with navigation, inline scripts and styles,
sidebars and a footer to about that size, as real portal pages are (~200 KB).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import UTC, datetime
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

class Bare(Spider):
    name = "bare"
    start_urls = [sys.argv[1]]

    def parse(self, response):
        # exactly what newsmon follows on the sample portal: its article links, its next page
        for href in response.css("ul.list a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        for href in response.xpath('//a[text()="下一页"]/@href').getall():
            yield response.follow(href, callback=self.parse)

    def parse_article(self, response):
        return None

settings = {
    "LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": True,
    "TELNETCONSOLE_ENABLED": False,
}
if sys.argv[2] == "items1":
    settings["CONCURRENT_ITEMS"] = 1
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
s = crawler.stats.get_stats()
print(json.dumps({"responses": s.get("downloader/response_count", 0),
                  "requests": s.get("downloader/request_count", 0),
                  "seconds": s["elapsed_time_seconds"],
                  "window": [s["start_time"].timestamp(), s["finish_time"].timestamp()]}))
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
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proc = subprocess.Popen([nginx, "-c", str(conf), "-e", str(tmp / "error.log")])
    else:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(port),
                "--bind",
                "127.0.0.1",
                "-d",
                str(root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    wait_for(port)
    return proc, f"http://127.0.0.1:{port}"


# -- realistic page sizes ---------------------------------------------------------------------


def _padding(target_bytes: int, seed: int) -> tuple[str, str, str]:
    """(head, top, bottom) HTML that brings an article page to about ``target_bytes``.

    What real portal pages carry around the article: a channel navigation, inline
    scripts and styles, sidebars of headline links, a long footer. Varied per page.
    """
    rng = random.Random(seed)
    words = ["新闻", "财经", "体育", "娱乐", "科技", "汽车", "房产", "教育", "旅游", "健康"]
    nav = "".join(
        f'<li><a href="/channel/{i}/index.html">{rng.choice(words)}{i}</a></li>' for i in range(120)
    )
    top = f'<div class="header"><ul class="channels">{nav}</ul></div>'
    budget = max(0, target_bytes - 12_000)
    script_bytes, style_bytes = budget * 45 // 100, budget * 10 // 100
    sidebar_bytes = budget - script_bytes - style_bytes
    js_line = "var _m{0}=function(a,b){{return a.replace(/x{0}/g,b)+String({0});}};\n"
    script = "".join(js_line.format(rng.randrange(10**6)) for _ in range(script_bytes // 62))
    css_line = ".c{0}{{margin:0 {1}px;color:#{0:06x}}}\n"
    style = "".join(
        css_line.format(rng.randrange(16**6), rng.randrange(40)) for _ in range(style_bytes // 34)
    )
    items = []
    size = 0
    while size < sidebar_bytes:
        n = rng.randrange(10**6)
        item = (
            f'<li><a href="/news/2022/{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}/{n}.html">'
            f"{rng.choice(words)}频道推荐阅读：相关新闻标题第{n}号</a></li>"
        )
        items.append(item)
        size += len(item.encode())
    half = len(items) // 2
    head = f"<style>{style}</style><script>{script}</script>"
    bottom = (
        f'<div class="side"><h3>热点推荐</h3><ul>{"".join(items[:half])}</ul></div>'
        f'<div class="side"><h3>相关阅读</h3><ul>{"".join(items[half:])}</ul></div>'
        f'<script>window._stat&&_stat.push(["page",{seed}]);</script>'
    )
    return head, top, bottom


def padded_site(n: int, page_kb: int) -> Any:
    from newsmon.sample_site import SampleSite

    class PaddedSite(SampleSite):
        def article_html(self, article: Any) -> str:
            page = super().article_html(article)
            if not page_kb:
                return page
            head, top, bottom = _padding(page_kb * 1024, article.number)
            page = page.replace("</head>", head + "</head>", 1)
            page = page.replace("<body>", "<body>" + top, 1)
            return page.replace('<div class="footer">', bottom + '<div class="footer">', 1)

    return PaddedSite.generate(n, private_keyword_articles=0)


# -- runs -------------------------------------------------------------------------------------


_TICK = os.sysconf("SC_CLK_TCK")


def _own_cpu(pid: int) -> float:
    """A process's own CPU seconds so far, user and system (``/proc/PID/stat`` fields 14, 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # the fields after the command's name
    return (int(fields[11]) + int(fields[12])) / _TICK


def _descendants(pid: int, parents: dict[int, int] | None = None) -> list[int]:
    """``pid``'s descendants; ``parents``, if given, receives each one's parent."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(kid) for kid in children.read().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
            if parents is not None:
                parents.update(dict.fromkeys(kids, parent))
    return found


#: The processes of a crawl, as :func:`_role` names them.
ROLES = ("crawling", "fork server", "resource tracker", "worker", "writer", "other")


def _role(pid: int, parent: int | None, root: int, named: dict[int, str]) -> str:
    """What process ``pid`` of a crawl's tree is: the crawling process (``root``); the fork
    server and the resource tracker, children of it, by their command lines
    (multiprocessing's), or the fork server by its name when it is a fork of the crawling
    process (``crawler.forkserver.NAME``, in ``/proc/PID/comm``); the fork server's children: the writer, once it has the archive
    (an SQLite file) open, else an extraction worker (all workers count as one role)."""
    if pid == root:
        return "crawling"
    if parent == root:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read()
            with open(f"/proc/{pid}/comm", "rb") as comm:
                name = comm.read().strip()
        except OSError:
            return "other"
        if b"multiprocessing.forkserver" in command or name == b"newsmon-forks":
            return "fork server"
        if b"multiprocessing.resource_tracker" in command:
            return "resource tracker"
        return "other"
    if parent is not None and named.get(parent) == "fork server":
        try:
            files = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            return named.get(pid, "worker")
        return "writer" if any(".sqlite3" in name for name in files) else "worker"
    return "other"


def _machine() -> list[int]:
    """The machine's CPU ticks so far (``/proc/stat``'s ``cpu`` line: user, nice, system,
    idle, iowait, irq, softirq, steal, ...)."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:9]]


def _schedstat(pid: int) -> tuple[float, float, int]:
    """A process's main thread so far (``/proc/PID/schedstat``): seconds on a CPU, seconds
    runnable but waiting for one (another task ran there), and the CPU it last ran on."""
    with open(f"/proc/{pid}/schedstat") as schedstat:
        run, wait, _ = schedstat.read().split()
    with open(f"/proc/{pid}/stat") as stat:
        cpu = int(stat.read().rsplit(")", 1)[1].split()[36])  # field 39, "processor"
    return int(run) / 1e9, int(wait) / 1e9, cpu


#: The server's process (nginx's master, or Python's server) and, once a crawl starts, its
#: children: their CPU is spent for the crawl too, though not by its processes.
SERVER: list[int] = []


def _tick(pid: int, seen: dict[str, Any]) -> None:
    """One sample of what :func:`_window` reads: the machine's ticks, the CPU of this crawl's
    processes and of the server, and each role's main thread's run and wait times."""
    named: dict[int, str] = seen["roles"]
    by_role: dict[str, list[float]] = {}
    placed: dict[str, int] = {}
    for proc, role in list(named.items()):
        try:
            run, wait, cpu = _schedstat(proc)
        except (OSError, IndexError, ValueError):
            continue
        total = by_role.setdefault(role, [0.0, 0.0])
        total[0] += run
        total[1] += wait
        placed.setdefault(role, cpu)
    threads = 0.0  # the crawling process's threads but its main one (Twisted's pool, ...)
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            if int(task) != pid:
                with open(f"/proc/{pid}/task/{task}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                threads += (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        pass
    else:
        seen["threads"] = max(seen.get("threads", 0.0), threads)
    server = 0.0
    for proc in SERVER:
        try:
            server += _own_cpu(proc)
        except (OSError, IndexError, ValueError):
            continue
    seen["ticks"].append(
        (
            time.time(),
            _machine(),
            sum(seen["cpu_by_pid"].values()),
            server,
            {role: tuple(value) for role, value in by_role.items()},
            placed,
        )
    )


def _sample(pid: int, seen: dict[str, Any], done: threading.Event) -> None:
    """Sample the child and its descendants every 0.1 s until ``done``: the child's peak
    anonymous resident memory (``RssAnon``, KB, in ``seen["anon"]``), and the CPU seconds of
    every process of the tree, each its own without its children's, as last seen
    (``seen["cpu_by_pid"]``; each up to 0.1 s short of its end).

    ``ru_maxrss`` also counts the pages of files the process maps, and SQLite memory-maps
    the archive (storage.db): it grows with the archive read, not with what the crawl holds.
    ``wait4`` gives the child's CPU and that of the descendants it waited for, and extraction
    workers and the writer process are children of a ``forkserver``, not of the crawling
    process, which never waits for them: only the samples see them.
    """
    cpu_by_pid: dict[int, float] = seen["cpu_by_pid"]
    parents: dict[int, int] = {}
    named: dict[int, str] = seen["roles"]
    while not done.wait(0.1):
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("RssAnon:"):
                        seen["anon"] = max(seen["anon"], int(line.split()[1]))
                        break
        except OSError:
            return
        for proc in (pid, *_descendants(pid, parents)):
            if named.get(proc) not in (*ROLES[:3], "writer"):  # (a writer stays one)
                named[proc] = _role(proc, parents.get(proc), pid, named)
            try:
                cpu_by_pid[proc] = _own_cpu(proc)
            except (OSError, IndexError, ValueError):
                continue  # gone between the listing and the read
        _tick(pid, seen)


def _run(
    command: list[str], env: dict[str, str] | None = None, seen: dict[str, Any] | None = None
) -> tuple[str, float, int, float]:
    """Run a child; return (stdout, wall seconds, its own peak RSS in MB, its CPU seconds,
    user and system, via ``wait4``).

    ``seen``: receives the child's peak ``RssAnon`` in KB (``anon``), the CPU seconds of
    the child and all its descendants together (``tree_cpu``; see :func:`_sample`), and the
    child's minor page faults (``faults``, from ``wait4``).
    """
    start = time.perf_counter()
    seen = seen if seen is not None else {}
    seen.update(anon=0, cpu_by_pid={}, roles={}, ticks=[])
    if SERVER:
        SERVER[1:] = _descendants(SERVER[0])
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(proc.pid, seen, done))
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.stderr.write(err.read().decode(errors="replace")[-3000:])
            raise SystemExit(f"{' '.join(command[:4])} failed with {proc.returncode}")
        cpu = usage.ru_utime + usage.ru_stime
        # its minor page faults: a fork's copy-on-write shows here (docs/benchmarks.md,
        # Crawling, "Session 16")
        seen["faults"] = usage.ru_minflt
        # all its threads': waits for the network or a worker, and preemptions
        seen["switches"] = (usage.ru_nvcsw, usage.ru_nivcsw)
        # the child's own: exact from wait4; its descendants': as last sampled
        others = sum(v for p, v in seen["cpu_by_pid"].items() if p != proc.pid)
        seen["tree_cpu"] = cpu + others
        by_role = dict.fromkeys(ROLES, 0.0)
        for p, value in seen["cpu_by_pid"].items():
            by_role[seen["roles"].get(p, "other")] += cpu if p == proc.pid else value
        by_role["crawling"] = cpu  # (exact, from wait4; also if never sampled)
        seen["by_role"] = by_role
        return out.read().decode(), wall, int(usage.ru_maxrss / 1024), cpu


def _window(seen: dict[str, Any], start: float, end: float) -> dict[str, Any]:
    """What the machine and the crawl's processes did between ``start`` and ``end`` (epoch
    seconds: a crawl's window), from the samples nearest inside it; {} if under two.

    CPU seconds: the machine's busy, idle and stolen (the hypervisor ran another guest while
    this one had work), this crawl's processes (``ours``), the server's, and the rest
    (``others``: the machine's busy less both — other programs, and this bench's sampler);
    by role, the main thread's seconds on a CPU (``run``) and runnable but waiting for one
    (``wait``); ``same_cpu``: the share of samples in which the crawling process's main
    thread and the extraction worker had last run on the same CPU.
    """
    ticks = [tick for tick in seen.get("ticks", ()) if start <= tick[0] <= end]
    if len(ticks) < 2:
        return {}
    first, last = ticks[0], ticks[-1]
    ticks_of = [(b - a) / _TICK for a, b in zip(first[1], last[1], strict=True)]
    user, nice, system, idle, iowait, irq, softirq, steal = ticks_of
    busy = user + nice + system + irq + softirq
    ours, server = last[2] - first[2], last[3] - first[3]
    roles: dict[str, tuple[float, float]] = {}
    for role, (run, wait) in last[4].items():
        run0, wait0 = first[4].get(role, (0.0, 0.0))
        roles[role] = (run - run0, wait - wait0)
    both = [tick[5] for tick in ticks if "crawling" in tick[5] and "worker" in tick[5]]
    same = sum(placed["crawling"] == placed["worker"] for placed in both)
    return {
        "seconds": last[0] - first[0],
        "busy": busy,
        "idle": idle + iowait,
        "steal": steal,
        "ours": ours,
        "server": server,
        "others": busy - ours - server,
        "roles": roles,
        "same_cpu": same / len(both) if both else None,
    }


def calibrate() -> float:
    """Milliseconds of this process's CPU a fixed piece of pure Python takes now: the same
    instructions every time, so what moves it is the machine (another guest on the host's
    core, its caches, its clock), not newsmon."""
    start = time.thread_time()
    total = 0
    for i in range(300_000):
        total += i * i % 7
    return (time.thread_time() - start) * 1000


def load() -> float:
    return os.getloadavg()[0]


def bare_run(base: str, tmp: Path, variant: str) -> dict[str, Any]:
    script = tmp / "bare.py"
    script.write_text(textwrap.dedent(BARE_SPIDER), encoding="utf-8")
    before = load()
    speed = calibrate()
    seen: dict[str, Any] = {}
    out, _wall, rss, cpu = _run(
        [sys.executable, str(script), f"{base}/news/list_1.html", variant], seen=seen
    )
    row = json.loads(out.strip().splitlines()[-1])
    return {
        **row,
        "machine": _window(seen, *row.pop("window")),
        "switches": seen["switches"],
        "calibration": (speed, calibrate()),
        "rss": rss,
        "anon": int(seen["anon"]) // 1024,
        "cpu": cpu,
        "tree_cpu": seen["tree_cpu"],
        "load": before,
    }


def _utc(text: str) -> datetime:
    """A time of the archive's run row (UTC, written without its zone by SQLite)."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


#: newsmon is run from this checkout (``--code``)
CODE = ROOT


def newsmon_run(base: str, tmp: Path, db: str, processes: str | None) -> dict[str, Any]:
    config = tmp / "config.toml"
    config.write_text(CONFIG.format(base=base), encoding="utf-8")
    env = {**os.environ, "NEWSMON_HOME": str(tmp), "PYTHONPATH": str(CODE)}
    env.pop("NEWSMON_EXTRACT_PROCESSES", None)
    env.pop("NEWSMON_STORE_PROCESS", None)
    if processes is not None:
        env["NEWSMON_EXTRACT_PROCESSES"] = processes.rstrip("ws")
        if processes.endswith(("w", "s")):
            env["NEWSMON_STORE_PROCESS"] = "1" if processes.endswith("w") else "0"
    newsmon = [sys.executable, "-m", "newsmon.cli"]
    before = load()
    speed = calibrate()
    seen: dict[str, Any] = {}
    _, wall, rss, cpu = _run([*newsmon, "monitor", "--config", str(config), "--db", db], env, seen)
    after = calibrate()
    out, _, _, _ = _run([*newsmon, "runs", "--limit", "1", "--format", "json", "--db", db], env)
    run = json.loads(out)[0]
    started, finished = (_utc(run["started_at"]), _utc(run["finished_at"]))
    seconds = (finished - started).total_seconds()
    return {
        "machine": _window(seen, started.timestamp(), finished.timestamp()),
        "switches": seen["switches"],
        "threads": seen.get("threads", 0.0),
        "calibration": (speed, after),
        "responses": run["responses"],
        "requests": run["requests"],
        "seconds": seconds,
        "wall": wall,
        "rss": rss,
        "anon": int(seen["anon"]) // 1024,
        "cpu": cpu,
        "tree_cpu": seen["tree_cpu"],
        "by_role": seen["by_role"],
        "faults": seen["faults"],
        "new": run["articles_new"],
        "errors": run["errors"],
        "load": before,
    }


BARE_VARIANTS = (("default", "bare (default)"), ("items1", "bare (CI=1)"))


def bench(
    n: int,
    server: str,
    page_kb: int,
    repeats: int,
    processes: list[str | None],
    no_bare: bool = False,
    tuned_only: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """Every kind of crawl ``repeats`` times, alternated; results by kind."""
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmpdir:
        tmp = Path(tmpdir)
        tmp.chmod(0o755)  # nginx's workers run as another user and must read the site
        site_dir = tmp / "site"
        proc, base = start_server(server, site_dir, tmp)
        SERVER[:] = [proc.pid]
        try:
            padded_site(n, page_kb).write(site_dir, base)
            sizes = [p.stat().st_size for p in (site_dir / "news").glob("*/*/*.html")]
            print(
                f"# {n} articles, article pages {statistics.mean(sizes) / 1024:.0f} KB mean",
                file=sys.stderr,
            )
            for rep in range(repeats):
                variants = BARE_VARIANTS[1:] if tuned_only else BARE_VARIANTS
                for variant, label in [] if no_bare else variants:
                    row = bare_run(base, tmp, variant)
                    results.setdefault(label, []).append(row)
                    _progress(n, rep, label, row)
                for k in processes:
                    db = f"sqlite:///{tmp / f'bench-{rep}-{k}.sqlite3'}"
                    label = "newsmon" if k is None else f"newsmon, {k} extraction processes"
                    if k is not None and k.endswith("w"):
                        label = f"newsmon, {k[:-1]} extraction processes + writer process"
                    row = newsmon_run(base, tmp, db, k)
                    results.setdefault(label, []).append(row)
                    _progress(n, rep, label, row)
                again = newsmon_run(base, tmp, db, processes[-1])
                results.setdefault("no-change re-crawl", []).append(again)
                _progress(n, rep, "no-change re-crawl", again)
        finally:
            proc.send_signal(signal.SIGTERM if server == "python" else signal.SIGQUIT)
            proc.wait(timeout=10)
    for rows in results.values():
        for row in rows:
            row["pps"] = row["responses"] / row["seconds"] if row["seconds"] else 0.0
    return results


def _progress(n: int, rep: int, label: str, row: dict[str, Any]) -> None:
    pps = row["responses"] / row["seconds"] if row["seconds"] else 0.0
    print(
        f"# {n} run {rep + 1} {label}: {row['requests']} requests, {row['seconds']:.1f} s, "
        f"{pps:.0f} pages/s, {row['tree_cpu']:.2f} s CPU ({row['cpu']:.2f} s the crawling process), {row['rss']} MB ({row['anon']} MB anonymous), "
        f"load {row['load']:.2f}",
        file=sys.stderr,
    )
    machine = row.get("machine")
    if machine:
        roles = machine["roles"]
        waits = ", ".join(
            f"{role} {run:.2f} / {wait:.2f}" for role, (run, wait) in roles.items() if run > 0.005
        )
        same = machine["same_cpu"]
        print(
            f"#   in its window ({machine['seconds']:.1f} s of samples): machine idle "
            f"{machine['idle']:.2f}, stolen {machine['steal']:.2f}, busy {machine['busy']:.2f} CPU s "
            f"= this crawl {machine['ours']:.2f} + server {machine['server']:.2f} + others "
            f"{machine['others']:.2f}; main threads on a CPU / waiting for one: {waits}"
            + (
                f"; crawling and worker last on the same CPU in {same:.0%} of samples"
                if same is not None
                else ""
            )
            + f"; switches voluntary / involuntary {row['switches'][0]} / {row['switches'][1]}; "
            f"calibration {row['calibration'][0]:.0f} / {row['calibration'][1]:.0f} ms",
            file=sys.stderr,
        )
    if "by_role" in row:
        parts = ", ".join(f"{role} {cpu:.2f}" for role, cpu in row["by_role"].items() if cpu)
        print(
            f"#   CPU s by process: {parts} (the crawling process's threads but its main one "
            f"{row['threads']:.2f}, as last sampled); wall {row['wall']:.2f} s; "
            f"the crawling process's minor page faults {row['faults']}",
            file=sys.stderr,
        )


def report(n: int, results: dict[str, list[dict[str, Any]]]) -> None:
    print(f"\n{n} articles:\n")
    print(
        "| crawl | requests | pages/s best | pages/s median | runs (pages/s @ load) "
        "| peak RSS MB | peak anonymous MB | CPU s median, all processes | the crawling process |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for label, rows in results.items():
        pps = [r["pps"] for r in rows]
        runs = ", ".join(f"{r['pps']:.0f} @ {r['load']:.1f}" for r in rows)
        if label == "no-change re-crawl":
            runs = ", ".join(f"{r['requests']} requests @ {r['load']:.1f}" for r in rows)
        print(
            f"| {label} | {rows[0]['requests']} | {max(pps):.0f} | {statistics.median(pps):.0f} "
            f"| {runs} | {max(r['rss'] for r in rows)} | {max(r['anon'] for r in rows)} "
            f"| {statistics.median(r['tree_cpu'] for r in rows):.2f} "
            f"| {statistics.median(r['cpu'] for r in rows):.2f} |"
        )
    print()
    # CPU time is far less sensitive to a shared machine's load than pages/s: per page,
    # beyond what the crawling process of a no-change re-crawl (start-up, 2 requests) takes;
    # all processes (the crawling process, its extraction workers and its writer, and
    # starting them: the forkserver imports newsmon once, ~1.3 s of CPU a crawl), and the
    # crawling process alone.
    idle = results.get("no-change re-crawl")
    for label, rows in results.items():
        if idle and label.startswith("newsmon"):
            per_page = {
                key: 1000
                * (
                    statistics.median(r[key] for r in rows)
                    - statistics.median(r["cpu"] for r in idle)
                )
                / rows[0]["responses"]
                for key in ("tree_cpu", "cpu")
            }
            print(
                f"- {label}: {per_page['tree_cpu']:.2f} ms CPU per page in all processes, "
                f"{per_page['cpu']:.2f} in the crawling process"
            )
    for label, rows in results.items():
        if label.startswith("newsmon") or label == "no-change re-crawl":
            parts = ", ".join(
                f"{role} {statistics.median(r['by_role'][role] for r in rows):.2f}"
                for role in ROLES
                if any(r["by_role"][role] for r in rows)
            )
            walls = statistics.median(r["wall"] for r in rows)
            print(
                f"- {label}: CPU s by process (medians): {parts}; the command's wall {walls:.2f} s"
            )
    for label, rows in results.items():
        windows = [r["machine"] for r in rows if r.get("machine")]
        if not windows:
            continue

        def median(values: list[float]) -> str:
            return f"{statistics.median(values):.2f}" if values else "-"

        crawling = [w["roles"]["crawling"] for w in windows if "crawling" in w["roles"]]
        print(
            f"- {label}: in the window (medians): machine idle "
            f"{median([w['idle'] for w in windows])}, stolen {median([w['steal'] for w in windows])}, "
            f"others {median([w['others'] for w in windows])} CPU s; the crawling process's main "
            f"thread on a CPU {median([c[0] for c in crawling])} s, waiting for one "
            f"{median([c[1] for c in crawling])} s; calibration "
            f"{median([r['calibration'][0] for r in rows])} ms"
        )
    for label, rows in results.items():
        if label.startswith("bare"):
            per_page = 1000 * statistics.median(r["cpu"] for r in rows) / rows[0]["responses"]
            print(f"- {label}: {per_page:.2f} ms CPU per page (start-up included)")
    bares = {k: v for k, v in results.items() if k.startswith("bare")}
    for label, rows in results.items():
        if not label.startswith("newsmon"):
            continue
        if any(r["errors"] for r in rows) or any(r["new"] != n for r in rows):
            print(
                f"- {label}: stored {[r['new'] for r in rows]} of {n}, errors {[r['errors'] for r in rows]}"
            )
        for bare_label, bare_rows in bares.items():
            best = max(r["pps"] for r in rows) / max(r["pps"] for r in bare_rows)
            median = statistics.median(r["pps"] for r in rows) / statistics.median(
                r["pps"] for r in bare_rows
            )
            print(f"- {label} / {bare_label}: {median:.2f} (medians), {best:.2f} (bests)")
            # Each round's ratio over the ratio of the two main threads' CPU in their windows
            # (bare / newsmon): the host makes the same work cost either more CPU from one
            # minute to the next, and this quotient moves least (docs/benchmarks.md, Crawling,
            # "Session 17").
            steady = []
            for row, bare_row in zip(rows, bare_rows, strict=False):
                ours, theirs = row.get("machine"), bare_row.get("machine")
                if not (ours and theirs and row["pps"] and bare_row["pps"]):
                    continue
                cpu = theirs["roles"]["crawling"][0] / ours["roles"]["crawling"][0]
                steady.append(f"{row['pps'] / bare_row['pps'] / cpu:.2f} (CPU {cpu:.2f})")
            if steady:
                print(
                    f"- {label} / {bare_label}, each round's ratio ÷ the main threads' CPU "
                    f"ratio (bare / newsmon, in their windows): {', '.join(steady)}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--also", type=int, action="append", default=[], help="another site size (memory check)"
    )
    parser.add_argument("--page-kb", type=int, default=0, help="pad article pages to ~this size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--no-bare", action="store_true", help="newsmon's crawls only (the memory check)"
    )
    parser.add_argument(
        "--tuned-only",
        action="store_true",
        help="of the bare spiders, only the tuned one (CONCURRENT_ITEMS=1), the target's measure",
    )
    parser.add_argument(
        "--processes",
        default="",
        help="comma-separated NEWSMON_EXTRACT_PROCESSES values to compare (default: its "
        "default); 1w: with NEWSMON_STORE_PROCESS=1, 1s: with NEWSMON_STORE_PROCESS=0",
    )
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="run newsmon from this checkout (before/after)"
    )
    parser.add_argument(
        "--server",
        choices=["nginx", "python"],
        default="nginx" if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else "python",
    )
    args = parser.parse_args()
    if args.server == "python":
        print("note: nginx not found; serving with Python's http.server, on the same cores")
    processes: list[str | None] = (
        [p.strip() for p in args.processes.split(",")] if args.processes else [None]
    )
    global CODE
    CODE = args.code.resolve()
    os.chdir(CODE)  # `python -m` puts the working directory first on the path
    print(
        f"server: {args.server}; {os.cpu_count()} cores; load at start {os.getloadavg()}; "
        f"page padding {args.page_kb or 'none'} KB; {args.repeats} alternated runs"
    )
    for n in [args.articles, *args.also]:
        results = bench(
            n, args.server, args.page_kb, args.repeats, processes, args.no_bare, args.tuned_only
        )
        report(n, results)


if __name__ == "__main__":
    main()
