"""A crawl frontier shared through Redis (scrapy-redis), for several worker processes or machines.

Each site gets its own keys: ``newsmon:<site>:requests`` (the shared request
queue), ``newsmon:<site>:seen`` (request fingerprints, expiring) and
``newsmon:<site>:start`` (a list the scheduler pushes to when the site is due).
Workers run the ``portal`` spider for a site in worker mode: they take
requests from the queue, and whichever pops the start signal first seeds the
queue with the site's listing pages, sitemaps and feeds. The queue persists
across workers, so one worker stopping never drops the others' work.
"""

from __future__ import annotations

from typing import Any

import redis
from scrapy_redis.dupefilter import RFPDupeFilter

PREFIX = "newsmon"


def keys(site: str) -> dict[str, str]:
    return {
        "requests": f"{PREFIX}:{site}:requests",
        "seen": f"{PREFIX}:{site}:seen",
        "start": f"{PREFIX}:{site}:start",
    }


def frontier_settings(redis_url: str, site: str, seen_ttl: int) -> dict[str, Any]:
    """Scrapy settings that put a site's crawl on the shared Redis frontier."""
    k = keys(site)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.ExpiringDupeFilter",
        "REDIS_URL": redis_url,
        # the queue and the seen-set outlive any one worker: others are still using them
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": k["requests"],
        "SCHEDULER_DUPEFILTER_KEY": k["seen"],
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "NEWSMON_REDIS_SEEN_TTL": seen_ttl,
    }


class ExpiringDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprint set, with an expiry renewed on every addition.

    The set only has to stop two workers fetching one URL during a crawl; what
    is already archived is skipped by the database check. So it expires
    (``[redis] seen_ttl_hours``) instead of growing for as long as the site lives.
    """

    ttl: int = 7 * 24 * 3600

    @classmethod
    def from_spider(cls, spider: Any) -> ExpiringDupeFilter:
        dupefilter: ExpiringDupeFilter = super().from_spider(spider)
        dupefilter.ttl = spider.settings.getint("NEWSMON_REDIS_SEEN_TTL", cls.ttl)
        return dupefilter

    def request_seen(self, request: Any) -> bool:
        fingerprint = self.request_fingerprint(request)
        pipe = self.server.pipeline()
        pipe.sadd(self.key, fingerprint)
        pipe.expire(self.key, self.ttl)
        added, _ = pipe.execute()
        return added == 0

    def close(self, reason: str = "") -> None:
        # scrapy-redis clears the set on close; other workers still need it
        pass


def connect(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url, socket_connect_timeout=5)


def push_start(redis_url: str, site: str) -> None:
    """Ask the site's workers to crawl it now (one of them seeds the shared queue)."""
    client = connect(redis_url)
    client.rpush(keys(site)["start"], "1")


def pop_start(client: redis.Redis, site: str) -> bool:
    """Take the site's start signal, if one is waiting; all pending signals count as one."""
    key = keys(site)["start"]
    pipe = client.pipeline()
    pipe.lpop(key)
    pipe.delete(key)
    popped, _ = pipe.execute()
    return popped is not None
