"""Scrapy settings for newsmon: polite by default; site profiles and the CLI override per run.

The crawl's options (config, database URL, keywords, exclusions) are resolved
once and travel in one setting, ``NEWSMON_OPTIONS`` (a ``crawler.options.Options``),
that every component reads in ``from_crawler``. A Python caller that has loaded
the config sets it with ``crawler.options.options_settings``; otherwise (``scrapy
crawl`` in the project folder) the ``crawler.options.OptionsAddon`` add-on resolves
it from the ``NEWSMON_*`` settings below and the environment, once, before any
crawler is created. An add-on rather than code in this module, because this
module is read before ``-s NAME=VALUE`` overrides apply.
"""

BOT_NAME = "newsmon"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "newsmon/0.1 (+https://github.com/newsmon/newsmon; news monitor)"
ROBOTSTXT_OBEY = True

# Politeness: few requests in flight per site, AutoThrottle adapting to the server.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# One item per article page: Scrapy's default of 100 parallel item slots per response
# gains nothing here and costs asyncio bookkeeping on every response.
CONCURRENT_ITEMS = 1

RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 30
# Article pages are tens of KB; anything past 16 MB is not an article.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
# A Retry-After longer than this is not waited for in the run: the failure is reported instead.
NEWSMON_RETRY_AFTER_MAX = 60.0

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control (2.19): an HTTP server on localhost that runs Python code sent to it,
# with its token in a job file in the user's profile, started by every crawl. A monitor does
# not need a way in, any more than the telnet console above. (Its module, and aiohttp's web
# server with it, is still imported: Scrapy loads the class of every extension listed, even
# one set to None, before it reads this setting.)
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Scrapy's developer checks, per response, of code that does not change while it runs: a
# generator callback with a return value (the callback's source read and parsed with ``ast``
# for every listing page: Scrapy's cache misses a bound method) and requests carrying meta
# keys copied from a response (newsmon builds every request's meta itself). Both are checked
# once, by tests (tests/test_crawl_settings.py), instead of on every page of every crawl.
WARN_ON_GENERATOR_RETURN_VALUE = False

SPIDER_MIDDLEWARES = {
    "crawler.incremental.IncrementalMiddleware": 950,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    # Scrapy's depth middleware only when a DEPTH_* setting asks for it (crawler/middlewares.py).
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.middlewares.DepthWhenAsked": 900,
    # Scrapy's Referer headers, worked out once per page and origin (crawler/middlewares.py).
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    "crawler.middlewares.QuickRefererMiddleware": 700,
}
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's meta refresh, but pages that cannot hold one are not decoded for it.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.QuickMetaRefreshMiddleware": 580,
    "crawler.incremental.ConditionalGetMiddleware": 580,
    # Scrapy's retry, but a 429/503 with Retry-After waits what the server asked (crawler/middlewares.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    # Scrapy's, minus the traceback it logs when robots.txt cannot be fetched.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.QuietRobotsTxtMiddleware": 100,
    # Scrapy's download counters, without working out each request's size (crawler/middlewares.py).
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.middlewares.QuickDownloaderStats": 850,
}
ADDONS = {
    "crawler.options.OptionsAddon": 0,
}
# Scrapy's stats collector and log formatter, minus their cost a page (crawler/stats.py).
STATS_CLASS = "crawler.stats.QuickStatsCollector"
LOG_FORMATTER = "crawler.stats.QuietLogFormatter"
EXTENSIONS = {
    "crawler.progress.ProgressReporter": 500,
    # Python's garbage collector set for a crawl: start-up's heap frozen (crawler/collector.py).
    "crawler.collector.FreezeAtOpen": 0,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.StorePipeline": 800,
}

# newsmon's own settings:
# NEWSMON_OPTIONS      the crawl's resolved options (crawler.options.Options); None = OptionsAddon
#                      resolves them from NEWSMON_DB_URL, _CONFIG, _KEYWORDS and _EXCLUDE
# NEWSMON_DB_URL       database URL; None = NEWSMON_DB_URL env var, then the config, then the default
# NEWSMON_CONFIG       path of the TOML config; None = NEWSMON_CONFIG env var, then the default location
# NEWSMON_KEYWORDS     keywords to flag; None = the config's [monitor] keywords
# NEWSMON_EXCLUDE      words that disqualify a match; None = the config's [monitor] exclude
# NEWSMON_PROGRESS     live progress line on stderr (newsmon monitor sets it on a terminal)
NEWSMON_OPTIONS = None
NEWSMON_DB_URL = None
NEWSMON_PROGRESS = False
# Articles are written in batches of this many, or after this many seconds, whichever first.
NEWSMON_STORE_BATCH = 100
NEWSMON_STORE_INTERVAL = 1.0
# A running run's counts are written into its crawl_runs row at most this often (/runs shows them).
NEWSMON_LIVE_COUNTS_EVERY = 2.0
NEWSMON_PROGRESS_INTERVAL = 0.5
# Python's garbage collector set for the crawl: start-up's objects frozen, young ones collected
# every 7,000 allocations (crawler/collector.py); None = $NEWSMON_GC_FREEZE, else 1; 0 leaves
# Python's defaults.
NEWSMON_GC_FREEZE = None
# Extraction worker processes (crawler/extract_pool.py); None = the NEWSMON_EXTRACT_PROCESSES
# environment variable, else one per CPU core beyond the first. 0 = extract in the crawling process.
NEWSMON_EXTRACT_PROCESSES = None
# Seconds one page's extraction may take in a worker; None = $NEWSMON_EXTRACT_TIMEOUT, else 30.
NEWSMON_EXTRACT_TIMEOUT = None
# 1: the store pipeline's database writes in a writer process (crawler/store_writer.py);
# None = $NEWSMON_STORE_PROCESS, else 0 (in the crawling process).
NEWSMON_STORE_PROCESS = None
NEWSMON_CONFIG = None
NEWSMON_KEYWORDS = None
NEWSMON_EXCLUDE = None
