"""A page's raw HTML as the archive stores it: a zstd frame.

Its own module, importing neither SQLAlchemy nor the rest of :mod:`storage`: an extraction
worker compresses each page it extracts (``crawler.extract_worker``) and needs only this,
and its fork server (``crawler.forkserver``) imports what the worker runs before it can start
one (docs/benchmarks.md, Crawling, "Session 15"). :mod:`storage.repository` re-exports it.
"""

from __future__ import annotations

import threading
import zlib


class Compressed(bytes):
    """Page bytes already compressed by :func:`compress` (in an extraction worker): kept as they are."""


#: zstd level for raw HTML: zstd's default. Level 9 kept 7% fewer bytes of real 200 KB pages
#: but took 3 to 7 times as long (bench/compress.py), on the crawl's event loop when pages
#: are extracted in the crawling process (docs/benchmarks.md, Crawling).
ZSTD_LEVEL = 3
_compressors = threading.local()
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def compress(raw: bytes) -> bytes:
    """Raw HTML as stored: a zstd frame (kept as it is when a worker already compressed it)."""
    if isinstance(raw, Compressed):
        return bytes(raw)
    compressor = getattr(_compressors, "zstd", None)
    if compressor is None:  # one per thread (a compressor is not thread-safe), made once
        import zstandard

        compressor = _compressors.zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return bytes(compressor.compress(raw))


def decompress(blob: bytes) -> bytes:
    """Stored raw HTML back: zstd frames, and the zlib streams of archives stored before zstd."""
    if blob[:4] == _ZSTD_MAGIC:
        import zstandard

        return zstandard.ZstdDecompressor().decompress(blob)
    return zlib.decompress(blob)
