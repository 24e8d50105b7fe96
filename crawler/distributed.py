"""A crawl frontier shared through Redis (scrapy-redis), for several worker processes or machines.

Keys of a site (``newsmon:<site>:…``):

- ``start``: a list the scheduler (``monitor --distributed``) pushes to when the site is due;
- ``requests``: the shared request queue (scrapy-redis), persisting across workers;
- ``run``: a hash, the site's current run (``id``, ``backfill``); absent between runs;
- ``busy``: a sorted set of the workers holding requests of the run (score: last sign of life);
- ``seen:<run>``: the run's request fingerprints (scrapy-redis' dupefilter, one set per run);
- ``run:<run>:stats`` / ``:errors`` / ``:matches`` / ``:validators`` / ``:ignored``: what the
  workers report to whichever of them closes the run.

A run starts when a worker takes the start signal and seeds the queue; it ends when the
queue is empty and no worker is busy with it. Both decisions are Lua scripts, so that
exactly one worker seeds a run and exactly one closes it (:mod:`crawler.worker`). Every
run-scoped key is deleted when the run is closed, and expires anyway (``[redis]
seen_ttl_hours``): a re-crawl never inherits the previous run's fingerprints.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.config import SettingError

PREFIX = "newsmon"
#: Request meta: the id of the run a request belongs to.
RUN = "newsmon_run"
#: A worker that gave no sign of life for this long is taken to be dead (its run can end).
STALE_SECONDS = 600.0

# Take the start signal, unless a run is going (the signal then waits for it to end); the
# taker is busy from that instant, so that the run cannot end before it is seeded.
_CLAIM = """
if redis.call('exists', KEYS[2]) == 1 then return 0 end
if not redis.call('lpop', KEYS[1]) then return 0 end
redis.call('del', KEYS[1])
redis.call('hset', KEYS[2], 'seeding', ARGV[1])
redis.call('zadd', KEYS[3], ARGV[2], ARGV[1])
return 1
"""

# Pop a request and be busy with it in one step: the queue can never look drained while a
# request is between the queue and a worker.
_POP = """
local data = redis.call('rpop', KEYS[1])
if data then redis.call('zadd', KEYS[2], ARGV[1], ARGV[2]) end
return data
"""

# Leave the run (idle); end it when the queue is empty and nobody else is busy. Returns
# {run id or '', number of workers dropped as dead}.
_LEAVE = """
redis.call('zrem', KEYS[1], ARGV[1])
local dead = redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[2])
if redis.call('llen', KEYS[2]) == 0 and redis.call('zcard', KEYS[1]) == 0 then
  local id = redis.call('hget', KEYS[3], 'id')
  if id then
    redis.call('del', KEYS[3])
    return {id, dead}
  end
end
return {'', dead}
"""


def keys(site: str) -> dict[str, str]:
    base = f"{PREFIX}:{site}"
    return {
        "requests": f"{base}:requests",
        "seen": f"{base}:seen",
        "start": f"{base}:start",
        "run": f"{base}:run",
        "busy": f"{base}:busy",
    }


def run_keys(site: str, run_id: int) -> dict[str, str]:
    """The keys that live as long as one run (deleted by whoever closes it)."""
    base = f"{PREFIX}:{site}"
    return {
        "seen": f"{base}:seen:{run_id}",
        "stats": f"{base}:run:{run_id}:stats",
        "errors": f"{base}:run:{run_id}:errors",
        "matches": f"{base}:run:{run_id}:matches",
        "validators": f"{base}:run:{run_id}:validators",
        "ignored": f"{base}:run:{run_id}:ignored",
    }


def frontier_settings(redis_url: str, site: str, seen_ttl: int) -> dict[str, Any]:
    """Scrapy settings that put a site's crawl on the shared Redis frontier."""
    k = keys(site)
    return {
        "SCHEDULER": "crawler.distributed.RunScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.RunDupeFilter",
        "REDIS_URL": redis_url,
        # the queue outlives any one worker: others are still using it
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": k["requests"],
        "SCHEDULER_DUPEFILTER_KEY": k["seen"],
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "NEWSMON_REDIS_SEEN_TTL": seen_ttl,
    }


class RunDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprint set, one per run (``seen:<run>``), so that two workers never
    fetch one URL in a run while the next run starts from nothing, as a local crawl does.

    The set is deleted when its run is closed; its expiry (``[redis] seen_ttl_hours``,
    renewed while the run adds to it) only cleans up after a run nobody closed.
    """

    ttl: int = 7 * 24 * 3600

    @classmethod
    def from_spider(cls, spider: Any) -> RunDupeFilter:
        dupefilter: RunDupeFilter = super().from_spider(spider)
        dupefilter.ttl = spider.settings.getint("NEWSMON_REDIS_SEEN_TTL", cls.ttl)
        return dupefilter

    def request_seen(self, request: Any) -> bool:
        fingerprint = self.request_fingerprint(request)
        key = f"{self.key}:{request.meta.get(RUN, 'none')}"
        pipe = self.server.pipeline()
        pipe.sadd(key, fingerprint)
        pipe.expire(key, self.ttl)
        added, _ = pipe.execute()
        return added == 0

    def close(self, reason: str = "") -> None:
        # scrapy-redis clears the set on close; other workers still need it
        pass


class RunScheduler(Scheduler):
    """scrapy-redis' scheduler, whose pop also marks the worker busy with the site's run.

    The spider learns from each request which run it belongs to (``join_run``).
    """

    def open(self, spider: Any) -> Any:
        result = super().open(spider)
        site = spider.site_name or ""
        self._pop = self.server.register_script(_POP)
        self._busy = keys(site)["busy"]
        return result

    def next_request(self) -> Any:
        data = self._pop(keys=[self.queue.key, self._busy], args=[time.time(), worker_id()])
        if data is None:
            return None
        request = self.queue._decode_request(data)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        join = getattr(self.spider, "join_run", None)
        if join is not None:
            join(request.meta.get(RUN))
        return request


_WORKER_ID: str | None = None


def worker_id() -> str:
    """This process's name among the workers: host, pid and a start time."""
    global _WORKER_ID
    if _WORKER_ID is None:
        import os
        import socket

        _WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"
    return _WORKER_ID


class Frontier:
    """One site's run bookkeeping on Redis, for a worker."""

    def __init__(self, client: redis.Redis, site: str, ttl: int) -> None:
        self.client = client
        self.site = site
        self.ttl = ttl
        self.keys = keys(site)
        self._claim = client.register_script(_CLAIM)
        self._leave = client.register_script(_LEAVE)

    def claim_start(self) -> bool:
        """Take the site's start signal (all pending ones count as one), if no run is going."""
        k = self.keys
        return bool(
            self._claim(keys=[k["start"], k["run"], k["busy"]], args=[worker_id(), time.time()])
        )

    def begin(self, run_id: int, backfill: bool) -> None:
        self.client.hset(self.keys["run"], mapping={"id": run_id, "backfill": int(backfill)})

    def abandon_claim(self) -> None:
        """Seeding failed: give the signal back and leave no run behind."""
        pipe = self.client.pipeline()
        pipe.delete(self.keys["run"])
        pipe.zrem(self.keys["busy"], worker_id())
        pipe.rpush(self.keys["start"], "1")
        pipe.execute()

    def current(self) -> dict[str, str]:
        raw: dict[bytes, bytes] = self.client.hgetall(self.keys["run"])  # type: ignore[assignment]
        return {k.decode(): v.decode() for k, v in raw.items()}

    def alive(self) -> None:
        """Refresh this worker's sign of life, if it is busy."""
        self.client.zadd(self.keys["busy"], {worker_id(): time.time()}, xx=True)

    def leave(self, stale: float = STALE_SECONDS) -> tuple[int | None, int]:
        """Be idle; ``(the run id, if this worker must close it, workers found dead)``."""
        k = self.keys
        run, dead = self._leave(
            keys=[k["busy"], k["requests"], k["run"]], args=[worker_id(), time.time() - stale]
        )
        return (int(run) if run else None), int(dead)

    def report(
        self,
        run_id: int,
        counts: dict[str, int],
        lists: dict[str, list[str]],
        hashes: dict[str, dict[str, str]],
    ) -> None:
        """Add a worker's share of the run: counters, list entries (JSON), hash fields."""
        rk = run_keys(self.site, run_id)
        pipe = self.client.pipeline()
        for name, value in counts.items():
            pipe.hincrby(rk["stats"], name, value)
        for name, entries in lists.items():
            if entries:
                pipe.rpush(rk[name], *entries)
        for name, fields in hashes.items():
            if fields:
                pipe.hset(rk[name], mapping=dict(fields))  # type: ignore[arg-type]
        for key in rk.values():
            pipe.expire(key, self.ttl)
        pipe.execute()

    def collect(self, run_id: int) -> dict[str, Any]:
        """Everything the workers reported for the run (``discard`` deletes it)."""
        rk = run_keys(self.site, run_id)
        pipe = self.client.pipeline()
        pipe.hgetall(rk["stats"])
        pipe.lrange(rk["errors"], 0, -1)
        pipe.lrange(rk["matches"], 0, -1)
        pipe.hgetall(rk["validators"])
        pipe.hgetall(rk["ignored"])
        stats, errors, matches, validators, ignored = pipe.execute()
        return {
            "stats": {k.decode(): int(v) for k, v in stats.items()},
            "errors": [e.decode() for e in errors],
            "matches": [m.decode() for m in matches],
            "validators": {k.decode(): v.decode() for k, v in validators.items()},
            "ignored": {k.decode(): v.decode() for k, v in ignored.items()},
        }

    def discard(self, run_id: int) -> None:
        """Delete the run's keys (its fingerprints and reports): the next run starts afresh."""
        self.client.delete(*run_keys(self.site, run_id).values())


def connect(redis_url: str) -> redis.Redis:
    """A client of the frontier at ``redis_url``; it connects at its first command.

    A URL redis cannot parse raises :class:`~crawler.config.SettingError` now: the
    command line calls this before it crawls or queues anything.
    """
    try:
        return redis.Redis.from_url(redis_url, socket_connect_timeout=5)
    except ValueError as exc:
        raise SettingError(
            f"not a Redis URL (from --redis, $NEWSMON_REDIS_URL or [redis] url): "
            f"{redis_url.split('@')[-1]!r}: {exc}"
        ) from None


def push_start(redis_url: str, site: str) -> None:
    """Ask the site's workers to crawl it now (one of them seeds the shared queue)."""
    client = connect(redis_url)
    client.rpush(keys(site)["start"], "1")
