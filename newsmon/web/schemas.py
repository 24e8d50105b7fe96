"""The JSON API's response models (they make its OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SectionOut(BaseModel):
    label: str
    city: str | None
    district: str | None
    heading: str
    text: str
    places: list[str]


class CopyOut(BaseModel):
    id: int
    url: str
    title: str
    source: str | None
    site_name: str | None
    published_at: str | None


class ArticleOut(BaseModel):
    """The article record (as ``newsmon extract`` prints it), with its id, archive times and reprint group."""

    id: int
    url: str
    title: str
    published_at: str | None = Field(description="ISO 8601 with offset (+08:00)")
    source: str | None
    author: str | None
    site_name: str | None
    breadcrumb: list[str]
    body: str
    sections: list[SectionOut]
    keywords: list[str]
    first_seen_at: str | None
    fetched_at: str | None
    reprint_group: int = Field(description="articles with near-identical bodies share it")


class ArticleDetail(ArticleOut):
    earliest: CopyOut | None = Field(description="the earliest copy of this text")
    reprints: list[CopyOut] = Field(description="the other copies, earliest first")


class ArticleList(BaseModel):
    total: int = Field(
        description="articles matching in all: exact up to 10,000; beyond, 10000 and "
        "total_exact false (more match)"
    )
    total_exact: bool = Field(True, description="false when total is a lower bound (10,000+)")
    limit: int
    offset: int
    results: list[ArticleOut]


class CountOut(BaseModel):
    key: str | None
    count: int


class Counts(BaseModel):
    by: str
    counts: list[CountOut]


class RunList(BaseModel):
    results: list[dict[str, Any]]


class Problem(BaseModel):
    detail: str


class CrawlRequest(BaseModel):
    """What ``POST /api/crawl`` takes: the http(s) URLs of article pages."""

    urls: list[str] = Field(min_length=1, max_length=100, examples=[["https://example.cn/a.html"]])


class CrawlJob(BaseModel):
    """A crawl started from the web; its run (once it has one) is in /api/runs."""

    id: int
    kind: str = Field(description="urls or site")
    target: str
    started_at: str
    finished_at: str | None
    status: str = Field(description="running, then the run's status (ok, failed, timeout …)")
    run_id: int | None
    reason: str


class CrawlJobList(BaseModel):
    results: list[CrawlJob]
