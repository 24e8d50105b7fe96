"""The publication time the metas and JSON-LD state, beside the printed one: in a zone abroad
(the printed clock is read in that zone), or the clock of a date printed without one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from crawler.extraction.dates import SHANGHAI, Stamp, parse_stamp
from crawler.extraction.metadata import PUBLISHED_JSONLD, PUBLISHED_METAS

_NOT_ABROAD = (timedelta(0), timedelta(hours=8))  # UTC and China's offset
_SAME_EVENT = timedelta(days=1)
# Metas read only for the time of day of a date found elsewhere (:func:`with_stated_clock`).
_CLOCK_METAS = ("date",)


def stated_abroad(
    meta: Mapping[str, str], jsonld: Sequence[Mapping[str, Any]], now: datetime | None
) -> Stamp | None:
    """The publication time a meta or the JSON-LD states with a zone that is neither China's
    nor UTC (世界日报's "2023-11-20T01:00:28-05:00", 星岛's Canadian site's "…22:25:00-07:00").

    UTC is left out: CMSs write the local clock with a "Z" often enough.
    """
    for stamp in _stated(meta, jsonld, now, PUBLISHED_METAS):
        if stamp.when.tzinfo is not SHANGHAI and stamp.when.utcoffset() not in _NOT_ABROAD:
            return stamp
    return None


def _stated(
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    now: datetime | None,
    names: Sequence[str],
) -> Iterator[Stamp]:
    """The times with a clock the metas ``names``, then JSON-LD's publication keys, state."""
    values = [meta.get(name) for name in names]
    values += [obj.get(key) for key in PUBLISHED_JSONLD for obj in jsonld]
    for value in values:
        stamp = parse_stamp(value, now=now) if isinstance(value, str) and value else None
        if stamp is not None and stamp.has_time:
            yield stamp


def with_stated_clock(
    found: Stamp | None,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    now: datetime | None,
) -> Stamp | None:
    """``found`` (the publication time as :func:`published.find_published_stamp` reads it), or,
    when it is a date with no time of day, the time a publication meta, ``<meta name="date">``
    or JSON-LD ``datePublished`` states on that same day.

    香港政府新聞網 prints "2024年4月3日" and says 13:21 in ``<meta name="date">``; Booking.com's
    magazine prints "14 8月 2023" beside a date-only ``article:published_time`` and says 12:58
    (+02:00) in JSON-LD. A bare ``date`` meta only completes a date found elsewhere, never dates
    a page alone (a CMS may stamp it with the page's build time); a clock of another day is
    some other event.
    """
    if found is None or found.has_time:
        return found
    day = found.when.date()
    for stamp in _stated(meta, jsonld, now, (*PUBLISHED_METAS, *_CLOCK_METAS)):
        if stamp.when.date() == day:
            return stamp
    return found


def in_stated_zone(
    found: Stamp | None,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    now: datetime | None,
) -> Stamp | None:
    """``found`` (the publication time as :func:`published.find_published_stamp` reads it), or the
    time the page states in a zone abroad when ``found`` is that time printed without a zone.

    A site abroad prints its clock in the zone of its own city, with no zone or a word the
    parser does not know: "2023-11-20 01:00 ET" (世界日报, New York), "2024年11月03日 01:25"
    (加拿大星島日報, Toronto time, three hours after the meta's Vancouver 22:25). Read in China's
    zone it is hours off; a printed clock on the same minute of the hour, within a day of the
    time stated abroad, is that time read in another zone, so the stated time, zone and all,
    is kept.
    """
    if found is None or not found.has_time or found.when.tzinfo is not SHANGHAI:
        return found
    zoned = stated_abroad(meta, jsonld, now)
    if (
        zoned is not None
        and zoned.when.minute == found.when.minute
        and abs(zoned.when - found.when) < _SAME_EVENT
    ):
        return zoned
    return found
