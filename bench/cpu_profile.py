"""The crawling process's CPU by function: ``newsmon monitor`` and the bare spider under cProfile.

    python bench/cpu_profile.py [--articles 2000] [--processes 1w] [--code CHECKOUT]
                                [--keep DIR] [--top 40]

Generates the sample portal as ``bench/crawl.py`` does, serves it the same way, and runs
``newsmon monitor`` (``--processes``: ``NEWSMON_EXTRACT_PROCESSES``, a trailing ``w`` the
writer process, as in ``bench/crawl.py``) and the tuned bare spider (``CONCURRENT_ITEMS =
1``), each under ``cProfile`` with the thread's CPU time as its clock: what the crawling
process's main thread (Scrapy's reactor) spends, by function, whatever else the machine
runs — unlike a sampling profiler, which counts a thread waiting for a CPU as busy. Prints
both totals and the functions whose CPU time (own, or with what they call: ``--by
cumulative``) differs most, with their call counts, which do not depend on the load at all.

cProfile slows every Python call (here ~5×, more for code of many small calls): compare
the two columns and the call counts, not the seconds with a crawl's.
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crawl import BARE_SPIDER, CONFIG, padded_site, start_server  # noqa: E402

#: Runs a command (newsmon's CLI, or a script) under cProfile on the thread's CPU clock.
DRIVER = """
import cProfile, sys, time
# Extraction workers and the writer are forked from multiprocessing's fork server, which runs
# this file again in each of them as ``__mp_main__``: only the process started here profiles.
if __name__ == "__main__":
    out, target, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    profile = cProfile.Profile(time.thread_time_ns, 1e-9)
    if target == "newsmon":
        from newsmon.cli import main
        profile.enable()
        try:
            main(argv)
        finally:
            profile.disable()
            profile.dump_stats(out)
    else:
        sys.argv = [target, *argv]
        code = compile(open(target, encoding="utf-8").read(), target, "exec")
        profile.enable()
        try:
            exec(code, {"__name__": "__main__"})
        finally:
            profile.disable()
            profile.dump_stats(out)
"""


def _by_function(path: Path) -> tuple[dict[str, tuple[int, float, float]], float]:
    """``{file:function: (calls, own s, cumulative s)}`` with the checkouts' and the
    interpreter's folders cut from file names (so two checkouts compare), and the total."""
    stats = pstats.Stats(str(path))
    rows: dict[str, tuple[int, float, float]] = {}
    for (filename, _, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        short = re.sub(r".*(site-packages|python3\.\d+)/", "", filename)
        short = re.sub(r"^.*/(crawler|storage|newsmon|bench)/", r"\1/", short)
        key = f"{short}:{name}"
        before = rows.get(key, (0, 0.0, 0.0))
        rows[key] = (before[0] + calls, before[1] + own, before[2] + cumulative)
    return rows, float(stats.total_tt)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--processes", default="1w")
    parser.add_argument("--code", type=Path, default=ROOT, help="profile newsmon from here")
    parser.add_argument("--keep", type=Path, help="keep the two .prof files in this folder")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--by", choices=["own", "cumulative"], default="own")
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="newsmon-cpu-profile-") as tmpdir:
        tmp = Path(tmpdir)
        tmp.chmod(0o755)
        keep = args.keep or tmp
        keep.mkdir(parents=True, exist_ok=True)
        driver = tmp / "driver.py"
        driver.write_text(DRIVER, encoding="utf-8")
        server = "nginx" if Path("/usr/sbin/nginx").exists() else "python"
        proc, base = start_server(server, tmp / "site", tmp)
        try:
            padded_site(args.articles, 0).write(tmp / "site", base)
            config = tmp / "config.toml"
            config.write_text(CONFIG.format(base=base), encoding="utf-8")
            env = {**os.environ, "NEWSMON_HOME": str(tmp), "PYTHONPATH": str(code)}
            env["NEWSMON_EXTRACT_PROCESSES"] = args.processes.rstrip("w")
            env["NEWSMON_STORE_PROCESS"] = "1" if args.processes.endswith("w") else "0"
            db = f"sqlite:///{tmp / 'profile.sqlite3'}"
            newsmon_prof, bare_prof = keep / "newsmon.prof", keep / "bare.prof"
            subprocess.run(
                [sys.executable, str(driver), str(newsmon_prof), "newsmon", "monitor",
                 "--config", str(config), "--db", db],
                env=env, cwd=code, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            bare = tmp / "bare.py"
            bare.write_text(textwrap.dedent(BARE_SPIDER), encoding="utf-8")
            subprocess.run(
                [sys.executable, str(driver), str(bare_prof), str(bare),
                 f"{base}/news/list_1.html", "items1"],
                cwd=code, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        finally:
            proc.send_signal(signal.SIGTERM if server == "python" else signal.SIGQUIT)
            proc.wait(timeout=10)
        ours, ours_total = _by_function(newsmon_prof)
        theirs, theirs_total = _by_function(bare_prof)
    column = 1 if args.by == "own" else 2
    print(
        f"# main thread CPU under cProfile: newsmon {ours_total:.2f} s, bare spider "
        f"{theirs_total:.2f} s ({args.articles} articles, {args.processes} extraction "
        f"processes; start-up included)\n"
    )
    print(f"| function | newsmon calls | bare calls | newsmon s ({args.by}) | bare s |")
    print("|---|---:|---:|---:|---:|")
    zero = (0, 0.0, 0.0)
    keys = sorted(
        set(ours) | set(theirs),
        key=lambda k: ours.get(k, zero)[column] - theirs.get(k, zero)[column],
        reverse=True,
    )
    for key in keys[: args.top]:
        a, b = ours.get(key, zero), theirs.get(key, zero)
        print(f"| {key} | {a[0]} | {b[0]} | {a[column]:.3f} | {b[column]:.3f} |")


if __name__ == "__main__":
    main()
