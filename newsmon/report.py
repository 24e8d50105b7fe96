"""The coverage report: which cities (and districts) a keyword's articles give a section, when first, on what.

Built from :func:`storage.coverage.keyword_sections` for one or more periods (a year,
or since/until). One row per (city, district) that a section names; with a province,
every prefecture-level city of that province from the gazetteer gets a row, and a city
with no section of its own in a period says which other cities' sections mention it.

Per row and period (a :class:`Cell`):

- ``first_date``: the day (Asia/Shanghai) of the earliest article with such a section;
- ``heading``: that section's heading (for a round-up of 新春第一会, the meeting's theme);
- ``article_id``/``title``/``url``/``source``/``site``: that earliest article;
- ``articles``: every article of the period with a section about the place;
- ``reprints``: how many of those are copies of another one (articles minus reprint groups),
  so ``articles - reprints`` distinct texts cover the place.

Sections whose label names no known place (city is empty) are not reported. A district name
that several cities of the province share (鼓楼 is in 南京 and 徐州) counts as a mention of
neither; the gazetteer refuses to guess.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

from crawler.extraction.divisions import Place, province_short
from crawler.extraction.gazetteer import Gazetteer, default_gazetteer
from newsmon.dates import SHANGHAI, YEARS
from storage.coverage import SectionHit, keyword_sections


class ReportError(ValueError):
    """Bad report input (an unknown province, a bad year): the message says which."""


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        if year not in YEARS or year + 1 not in YEARS:
            raise ReportError(f"year out of range: {year}")
        start = datetime.combine(date(year, 1, 1), time.min, SHANGHAI)
        return cls(str(year), start, datetime.combine(date(year + 1, 1, 1), time.min, SHANGHAI))


def parse_years(text: str) -> list[Period]:
    """``"2023,2024"`` → one period per year, in the order given, each once."""
    periods: list[Period] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) != 4:
            raise ReportError(f"not a year: {part!r}")
        if part not in (p.label for p in periods):
            periods.append(Period.year(int(part)))
    if not periods:
        raise ReportError("no year given")
    return periods


@dataclass(slots=True)
class Cell:
    first_date: str | None
    published_at: str | None
    heading: str
    label: str
    article_id: int
    title: str
    url: str
    source: str | None
    site: str | None
    articles: int
    reprints: int
    sources: list[str]


@dataclass(slots=True)
class Row:
    city: str
    district: str | None
    province: str | None
    #: period label → the place's coverage, or None: no section about it in that period
    cells: dict[str, Cell | None] = field(default_factory=dict)
    #: period label → labels of other places' sections that mention this one (rows without a cell)
    mentioned_in: dict[str, list[str]] = field(default_factory=dict)

    @property
    def place(self) -> str:
        return f"{self.city}·{self.district}" if self.district else self.city


@dataclass(slots=True)
class Report:
    keyword: str
    province: str | None
    periods: list[Period]
    rows: list[Row]

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.periods]

    def covered(self, label: str) -> list[str]:
        """Cities with a section (their own or a district's) in the period."""
        return list(dict.fromkeys(r.city for r in self.rows if r.cells.get(label)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "keyword": self.keyword,
            "province": self.province,
            "periods": [
                {
                    "label": p.label,
                    "since": p.since.isoformat() if p.since else None,
                    "until": p.until.isoformat() if p.until else None,
                }
                for p in self.periods
            ],
            "rows": [
                {
                    "city": r.city,
                    "district": r.district,
                    "province": r.province,
                    "periods": {
                        label: {
                            "covered": r.cells.get(label) is not None,
                            "cell": asdict(c) if (c := r.cells.get(label)) else None,
                            "mentioned_in": r.mentioned_in.get(label, []),
                        }
                        for label in self.labels
                    },
                }
                for r in self.rows
            ],
        }


def resolve_province(gazetteer: Gazetteer, name: str) -> str:
    """``江苏`` or ``江苏省`` → ``江苏省``; ReportError naming the provinces otherwise."""
    name = name.strip()
    provinces = list(dict.fromkeys(p.province for p in gazetteer.places))
    for full in provinces:
        if name in (full, province_short(full)):
            return full
    raise ReportError(
        f"unknown province {name!r} (known: {', '.join(province_short(p) for p in provinces)})"
    )


def _cell(hits: list[SectionHit]) -> Cell:
    first = hits[0]
    ids = list(dict.fromkeys(h.article_id for h in hits))
    groups = {h.reprint_group for h in hits}
    moment = first.published_at
    return Cell(
        first_date=moment.astimezone(SHANGHAI).date().isoformat() if moment else None,
        published_at=moment.astimezone(SHANGHAI).isoformat() if moment else None,
        heading=first.heading,
        label=first.label,
        article_id=first.article_id,
        title=first.title,
        url=first.url,
        source=first.source,
        site=first.site,
        articles=len(ids),
        reprints=len(ids) - len(groups),
        sources=list(dict.fromkeys(h.source for h in hits if h.source)),
    )


def _mentioned_cities(gazetteer: Gazetteer, name: str, province: str | None) -> set[str]:
    """The city a place name in a section's ``places`` stands for (empty when ambiguous)."""
    found = gazetteer.lookup(name)
    if province:
        found = [p for p in found if p.province == province]
    cities = [p for p in found if p.level == "city"]
    if cities:
        return {cities[0].name} if len(cities) == 1 else set()
    owners = {p.city for p in found}
    return owners if len(owners) == 1 else set()


def build_report(
    session: Any,
    keyword: str,
    periods: Iterable[Period],
    province: str | None = None,
    gazetteer: Gazetteer | None = None,
    article_ids: Collection[int] | None = None,
) -> Report:
    """The report of ``keyword`` over ``periods`` (only ``article_ids`` when given: a digest's)."""
    gazetteer = gazetteer or default_gazetteer()
    periods = list(periods) or [Period("all")]
    full_province = resolve_province(gazetteer, province) if province else None
    cities: dict[str, Place] = {}
    for place in gazetteer.places:
        if place.level == "city":
            cities.setdefault(place.name, place)
    order = {name: i for i, name in enumerate(cities)}

    rows: dict[tuple[str, str | None], Row] = {}
    if full_province:
        for name, place in cities.items():
            if place.province == full_province:
                rows[(name, None)] = Row(name, None, full_province)
    hits_by_period: dict[str, list[SectionHit]] = {}
    for period in periods:
        hits = keyword_sections(session, keyword, period.since, period.until, article_ids)
        if full_province:
            hits = [
                h for h in hits if h.city in cities and cities[h.city].province == full_province
            ]
        hits = [h for h in hits if h.city]
        hits_by_period[period.label] = hits
        for h in hits:
            assert h.city is not None
            key = (h.city, h.district)
            if key not in rows:
                rows[key] = Row(
                    h.city, h.district, cities[h.city].province if h.city in cities else None
                )

    for period in periods:
        label = period.label
        grouped: dict[tuple[str, str | None], list[SectionHit]] = {}
        for h in hits_by_period[label]:
            assert h.city is not None
            grouped.setdefault((h.city, h.district), []).append(h)
        for key, row in rows.items():
            row.cells[label] = _cell(grouped[key]) if key in grouped else None
        covered = {r.city for r in rows.values() if r.cells[label]}
        for row in rows.values():
            if row.cells[label] or row.district or row.city in covered:
                continue
            mentions: list[str] = []
            for h in hits_by_period[label]:
                if h.city == row.city:
                    continue
                if any(
                    row.city in _mentioned_cities(gazetteer, n, full_province) for n in h.places
                ):
                    where = h.label if h.label else h.city
                    if where and where not in mentions:
                        mentions.append(where)
            row.mentioned_in[label] = mentions

    def sort_key(item: tuple[tuple[str, str | None], Row]) -> tuple[int, str, int, str]:
        (city, district), _row = item
        return (order.get(city, len(order)), city, 0 if district is None else 1, district or "")

    ordered = [row for _key, row in sorted(rows.items(), key=sort_key)]
    # A city row with no section in any period is noise when a district of it has one.
    with_districts = {r.city for r in ordered if r.district and any(r.cells.values())}
    ordered = [
        r for r in ordered if r.district or any(r.cells.values()) or r.city not in with_districts
    ]
    return Report(keyword.strip(), full_province, periods, ordered)


# --------------------------------------------------------------------------- text forms


def _count(cell: Cell) -> str:
    return f"{cell.articles}" + (f" (+{cell.reprints} reprints)" if cell.reprints else "")


def _missing(row: Row, label: str) -> str:
    mentions = row.mentioned_in.get(label) or []
    return "no section" + (f"; mentioned in {'、'.join(mentions)}" if mentions else "")


def cell_text(row: Row, label: str) -> str:
    """One period's coverage of a row as one line (several periods side by side)."""
    cell = row.cells.get(label)
    if cell is None:
        return _missing(row, label)
    return f"{cell.first_date or '?'} {cell.heading} · {cell.source or '-'} · #{cell.article_id} · {_count(cell)}"


FLAT_FIELDS = [
    "period",
    "province",
    "city",
    "district",
    "covered",
    "first_date",
    "heading",
    "article_id",
    "title",
    "url",
    "source",
    "site",
    "articles",
    "reprints",
    "mentioned_in",
]


def flat_rows(report: Report) -> list[dict[str, Any]]:
    """One record per row and period (CSV, and the alert digest's lines)."""
    out: list[dict[str, Any]] = []
    for label in report.labels:
        for row in report.rows:
            cell = row.cells.get(label)
            record: dict[str, Any] = dict.fromkeys(FLAT_FIELDS, "")
            record.update(
                period=label,
                province=row.province or "",
                city=row.city,
                district=row.district or "",
                covered="yes" if cell else "no",
                mentioned_in="、".join(row.mentioned_in.get(label) or []),
            )
            if cell:
                record.update({k: getattr(cell, k) for k in FLAT_FIELDS if hasattr(cell, k)})
            out.append(record)
    return out


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FLAT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat_rows(report))
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    title = f"# {report.keyword}" + (f" · {report.province}" if report.province else "")
    lines = [title, ""]
    if len(report.periods) == 1:
        label = report.labels[0]
        lines += [
            "| 城市 City | 首报 First | 主题 Theme | 文章 Article | 来源 Source | 篇 Articles | 转载 Reprints |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in report.rows:
            cell = row.cells.get(label)
            if cell is None:
                lines.append(f"| {_md(row.place)} | — | {_md(_missing(row, label))} | | | 0 | 0 |")
                continue
            lines.append(
                f"| {_md(row.place)} | {cell.first_date or '?'} | {_md(cell.heading)} "
                f"| [{_md(cell.title)}]({cell.url}) | {_md(cell.source or '-')} "
                f"| {cell.articles} | {cell.reprints} |"
            )
    else:
        lines.append("| 城市 City | " + " | ".join(report.labels) + " |")
        lines.append("|---|" + "---|" * len(report.labels))
        for row in report.rows:
            cells = " | ".join(_md(cell_text(row, label)) for label in report.labels)
            lines.append(f"| {_md(row.place)} | {cells} |")
    return "\n".join(lines) + "\n"


def to_table(report: Report) -> list[tuple[list[list[str]], list[str], list[int]]]:
    """Rows, headers and column widths of the terminal table (one table for all periods)."""
    if len(report.periods) == 1:
        label = report.labels[0]
        rows: list[list[str]] = []
        for row in report.rows:
            cell = row.cells.get(label)
            if cell is None:
                rows.append([row.place, "—", _missing(row, label), "", "", "0", "0"])
                continue
            rows.append(
                [
                    row.place,
                    cell.first_date or "?",
                    cell.heading,
                    cell.source or "-",
                    f"#{cell.article_id} {cell.title}",
                    str(cell.articles),
                    str(cell.reprints),
                ]
            )
        headers = ["PLACE", "FIRST", "THEME", "SOURCE", "ARTICLE", "ARTS", "REPR"]
        return [(rows, headers, [12, 10, 34, 12, 30, 4, 4])]
    width = max(30, 110 // len(report.periods))
    rows = [[row.place] + [cell_text(row, lb) for lb in report.labels] for row in report.rows]
    return [(rows, ["PLACE", *report.labels], [12] + [width] * len(report.labels))]


# --------------------------------------------------------------------------- the tile map

#: Tile positions (column, row) of a province's cities, roughly as they lie on the map.
#: A province not listed gets its cities in a square grid in gazetteer order.
TILE_LAYOUTS: dict[str, dict[str, tuple[int, int]]] = {
    "江苏省": {
        "徐州": (0, 0),
        "连云港": (2, 0),
        "宿迁": (1, 1),
        "淮安": (2, 1),
        "盐城": (3, 1),
        "扬州": (1, 2),
        "泰州": (2, 2),
        "南通": (3, 2),
        "南京": (0, 3),
        "镇江": (1, 3),
        "常州": (2, 3),
        "无锡": (2, 4),
        "苏州": (3, 4),
    },
}

TILE = 84


def tile_map(report: Report, label: str) -> dict[str, Any] | None:
    """The tiles of the province's cities for one period, shaded by coverage (None: no province)."""
    if not report.province:
        return None
    cities = list(dict.fromkeys(r.city for r in report.rows if r.province == report.province))
    layout = TILE_LAYOUTS.get(report.province, {})
    if not all(c in layout for c in cities):
        columns = max(1, math.ceil(math.sqrt(len(cities))))
        layout = {c: (i % columns, i // columns) for i, c in enumerate(cities)}
    tiles: list[dict[str, Any]] = []
    for city in cities:
        rows = [r for r in report.rows if r.city == city]
        cells = [c for r in rows if (c := r.cells.get(label))]
        mentioned = any(r.mentioned_in.get(label) for r in rows)
        status = (
            "own"
            if any(r.district is None and r.cells.get(label) for r in rows)
            else "district"
            if cells
            else "mentioned"
            if mentioned
            else "none"
        )
        col, row_ = layout[city]
        tiles.append(
            {
                "city": city,
                "x": col * TILE,
                "y": row_ * TILE,
                "status": status,
                "articles": sum(c.articles for c in cells),
                "first_date": min((c.first_date for c in cells if c.first_date), default=None),
            }
        )
    width = (max((t["x"] for t in tiles), default=0) + TILE) if tiles else TILE
    height = (max((t["y"] for t in tiles), default=0) + TILE) if tiles else TILE
    return {"label": label, "tiles": tiles, "width": width, "height": height, "size": TILE - 6}
