"""Which hosts belong to a site: the registrable domain, from the Public Suffix List.

``www.jiangsu.gov.cn`` and ``nj.gov.cn`` are two sites (``gov.cn`` is a public
suffix), ``news.xhby.net`` and ``epaper.xhby.net`` are one. The list is the
snapshot bundled with ``tldextract``; it is never fetched at run time.
A site profile's ``allowed_domains`` replaces the derived scope: each entry is a
host or a domain, and a host is in scope when it equals one or ends with
``.`` + one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# suffix_list_urls=() and no cache: only the snapshot inside the package, no network, no files.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=8192)  # the same links recur on every page of a listing
def _host(url_or_host: str) -> str:
    text = url_or_host.strip().lower()
    if "://" in text:
        return (urlsplit(text).hostname or "").rstrip(".")
    return text.split("/", 1)[0].split(":", 1)[0].rstrip(".")


@lru_cache(maxsize=4096)
def registrable_domain(url_or_host: str) -> str:
    """``jiangsu.gov.cn`` for ``http://www.jiangsu.gov.cn/…``; an IP address or a bare name stays itself."""
    host = _host(url_or_host)
    parts = _EXTRACT(host)
    if not parts.suffix or not parts.domain:
        return host  # 127.0.0.1, localhost, an intranet name: the host is the site
    return f"{parts.domain}.{parts.suffix}"


class Scope:
    """The set of hosts a site's links may go to."""

    def __init__(self, domains: Iterable[str]) -> None:
        self.domains = tuple(sorted({_host(d) for d in domains if _host(d)}))
        #: each host's verdict, once: a site's links go to few hosts
        self._hosts: dict[str, bool] = {}

    @classmethod
    def of_site(cls, urls: Iterable[str], allowed_domains: Iterable[str] = ()) -> Scope:
        """``allowed_domains`` when given, else the registrable domains of the site's own URLs."""
        allowed = [d for d in allowed_domains if d.strip()]
        if allowed:
            return cls(allowed)
        return cls(registrable_domain(u) for u in urls if _host(u))

    def contains(self, url: str) -> bool:
        host = _host(url)
        if not host:
            return False
        known = self._hosts.get(host)
        if known is None:
            known = any(host == d or host.endswith("." + d) for d in self.domains)
            if len(self._hosts) < 4096:  # hosts met on a site's pages: bounded, but say so
                self._hosts[host] = known
        return known

    def __repr__(self) -> str:
        return f"Scope({', '.join(self.domains)})"
