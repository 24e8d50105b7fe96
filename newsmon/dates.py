"""Dates as people type them, on the command line and in the web page's query string."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Dates outside these years are typing mistakes; at the calendar's ends they would not even
#: survive the conversion to UTC for the query.
YEARS = range(1900, 2201)


def parse_day(value: str, *, end: bool = False) -> datetime:
    """``YYYY-MM-DD`` (that day in Asia/Shanghai; its end when ``end``) or a full ISO 8601 time.

    A bad value raises :class:`argparse.ArgumentTypeError`, which argparse reports as a
    usage error and the web API as a 400.
    """
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time.min, SHANGHAI)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date (YYYY-MM-DD) or ISO time: {value!r}"
        ) from None
    if moment.year not in YEARS:
        raise argparse.ArgumentTypeError(
            f"date out of range ({YEARS.start}-{YEARS.stop - 1}): {value!r}"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment + timedelta(days=1) if end and len(value) == 10 else moment
