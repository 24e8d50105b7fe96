"""Shared-frontier throughput: one ``newsmon worker`` versus two, on the same loopback site.

    python bench/distributed.py [--articles 2000] [--db URL]

Serves the sample portal with nginx (falls back to Python's server), starts a
throw-away redis-server on 127.0.0.1, and for 1 and then 2 workers: starts the
workers, queues the site (`newsmon monitor --distributed`), and times from the
queueing to the last article stored. Each measurement uses a fresh database
(SQLite by default; pass --db for PostgreSQL, which is emptied first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crawl import free_port, start_server, wait_for  # noqa: E402

CONFIG = """\
[redis]
url = "{redis}"

[[sites]]
name = "bench"
start_urls = ["{base}/news/list_1.html"]
max_listing_pages = 100000
concurrency = 32
download_delay = 0
autothrottle = false
"""


def newsmon(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsmon.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def measure(workers: int, base: str, redis_url: str, db: str, tmp: Path) -> tuple[int, float]:
    import sqlalchemy as sa
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from storage import Article, create_schema, make_engine

    engine = make_engine(db)
    everything = sa.MetaData()
    everything.reflect(engine)  # what is there, alembic_version included: start from empty
    everything.drop_all(engine)
    create_schema(engine)
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    config = tmp / "config.toml"
    config.write_text(CONFIG.format(base=base, redis=redis_url), encoding="utf-8")
    env = {**os.environ, "NEWSMON_HOME": str(tmp)}
    procs = [
        newsmon(
            "worker", "bench", "--config", str(config), "--db", db, "--idle-exit", "10", env=env
        )
        for _ in range(workers)
    ]
    time.sleep(3)  # let the workers start and go idle
    queued = datetime.now(UTC)
    assert newsmon("monitor", "--distributed", "--config", str(config), env=env).wait() == 0
    for proc in procs:
        _, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(err.decode(errors="replace")[-2000:])
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(Article)) or 0
        last = session.scalar(select(func.max(Article.fetched_at)))
    engine.dispose()
    assert last is not None
    return int(count), (last - queued).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp dir)")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server not found: apt-get install redis-server")
    from newsmon.sample_site import SampleSite

    server_kind = "nginx" if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else "python"
    with tempfile.TemporaryDirectory(prefix="newsmon-dist-") as tmpdir:
        tmp = Path(tmpdir)
        tmp.chmod(0o755)
        server, base = start_server(server_kind, tmp / "site", tmp)
        port = free_port()
        redis = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            SampleSite.generate(args.articles, private_keyword_articles=0).write(tmp / "site", base)
            results = {
                n: measure(
                    n,
                    base,
                    f"redis://127.0.0.1:{port}/0",
                    args.db or f"sqlite:///{tmp / f'bench{n}.sqlite3'}",
                    tmp,
                )
                for n in (1, 2)
            }
        finally:
            redis.terminate()
            server.terminate()
            redis.wait()
            server.wait()
    print(
        f"server: {server_kind}; database: {'given' if args.db else 'SQLite'}; {os.cpu_count()} cores\n"
    )
    print("| workers | articles stored | seconds | articles/s |")
    print("|---:|---:|---:|---:|")
    for n, (count, seconds) in results.items():
        print(f"| {n} | {count} | {seconds:.1f} | {count / seconds:.0f} |")
    one, two = (c / s for c, s in results.values())
    print(f"\ntwo workers / one worker: {two / one:.2f}x")


if __name__ == "__main__":
    main()
