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
