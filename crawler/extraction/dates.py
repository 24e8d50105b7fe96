"""Date/time parsing for Chinese news pages (the choice of an article's publication time is
:mod:`crawler.extraction.published`'s)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from crawler.extraction.blocks import MatchGroups
from crawler.extraction.calendars import (
    CITY_ZONES,
    NAMED_DATE,
    named_date,
    roc_year,
    with_other_dates,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Dates before this are taken for noise (IDs, phone numbers), not news.
MIN_YEAR = 1990

# A time of day: 10:22, 10:22:00, 10：22, 10时22分, 10点22分30秒, 10:22:00.000.
_TIME = (
    # 上午/下午 before the clock: "下午 02:22", "下午2时22分" (a 12-hour clock)
    r"(?:(?P<ap>上午|下午|中午|晚上|凌晨|早上)\s*)?"
    r"(?P<H>[01]?\d|2[0-3])\s*[:：时点]\s*(?P<M>[0-5]?\d)(?:\s*分)?"
    r"(?:\s*[:：]\s*(?P<S>[0-5]\d)(?:\.\d{1,9})?|\s*(?P<S2>[0-5]?\d)\s*秒)?(?![\d:：])"
    # AM/PM after the clock: "08:30 PM", "8:50pm", "2:57:29 PM", "12:00AM" (a 12-hour clock)
    r"(?:\s*(?P<ampm>[ap])\.?m\.?(?![a-z]))?"
    # an explicit offset only counts when it is glued to the time, as ISO 8601 writes it
    r"(?:(?P<Z>Z(?![A-Za-z]))|(?P<off>[+-](?:[01]\d|2[0-3]):?[0-5]\d)(?!\d)"
    # ... or after a space in the e-mail/RFC 2822 form, four digits and no colon: "10:22 +0100"
    r"|\s+(?P<off2>[+-](?:[01]\d|2[0-3])[0-5]\d)(?![\d:：])"
    r"|\s*[(（]?\s*(?P<utc>GMT|UTC)(?:\s*(?P<goff>[+-]\d{1,2})(?::?(?P<goffm>[0-5]\d))?)?(?![\dA-Za-z])"
    # a city's time: "10:22 巴黎时间", "（伦敦时间）"
    r"|\s*[(（]?\s*(?P<city>" + "|".join(CITY_ZONES) + r")时间)?"
)

# The weekday a date may print beside it: "星期一", "周五", "（礼拜天）".
WEEKDAY = r"[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?"
_DATETIME_RE = re.compile(
    # every form starts with one of these; saying so up front lets the scan skip the
    # rest of the text five times faster than trying each alternative at each position
    r"(?=[0-9今昨前刚])(?:"
    # 2023-01-29, 2023/1/29, 2023.01.29, 2023年1月29日, each optionally followed by a time
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?!\d)|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})(?:\s*[日号]|(?!\d)))"
    # ... the time may follow a weekday or its own label: "2024年05月20日 星期一 10:22",
    # "2024-05-20（周一）10:22", "2020年09月07日(一) 14:00" (东网), "日期：2024-05-20
    # 时间：10:22", or the name of a zone eight hours east of UTC, as Shanghai is:
    # "2023-02-06 HKT 19:39" (香港電台)
    r"(?:(?:\s*T\s*|\s*[,，]?\s*"
    rf"(?:{WEEKDAY}\s*|[(（][一二三四五六日天][)）]\s*"
    r"|时间\s*[:：]\s*|(?:HKT|BJT|SGT|MYT|AWST)\s+)?)"
    rf"(?:{_TIME}))?"
    # a two-digit year, as old portals print it: 07年08月24日 [08:58], and 10-06-04 09:51 (with
    # dashes only when a time follows: a bare 10-06-04 may be anything)
    r"|(?<![\d年./:-])(?P<yy>\d{2})\s*年\s*(?P<yy_mo>\d{1,2})\s*月\s*(?P<yy_da>\d{1,2})\s*[日号]"
    rf"(?:\s*{_TIME.replace('?P<', '?P<yy_')})?"
    r"|(?<![\d年./:-])(?P<yy2>\d{2})-(?P<yy2_mo>\d{1,2})-"
    r"(?P<yy2_da>\d{1,2})(?![\d./-])"
    rf"\s*{_TIME.replace('?P<', '?P<yy2_')}"
    # 18/03/2010 21:05, 07/18/2017 - 15:09 (Drupal's), 13.03.2019: the year last, the day and
    # the month in either order (see _year_last); the same separator twice
    r"|(?<![\d./-])(?P<yl_a>\d{1,2})(?P<yl_sep>[/.])(?P<yl_b>\d{1,2})(?P=yl_sep)"
    r"(?P<yl_y>(?:19|20)\d{2})(?![\d./-])"
    rf"(?:\s*(?:-\s*)?{_TIME.replace('?P<', '?P<yl_')})?"
    # 01-29 10:22 (a time is required: a bare 01-29 is too often a score or a range)
    r"|(?<![\d年./:-])(?P<md_m>\d{1,2})(?P<md_sep>[-/])(?P<md_d>\d{1,2})(?![\d./-])"
    rf"\s*{_TIME.replace('?P<', '?P<md_')}"
    # 1月29日, 1月29日 10:22
    r"|(?<![\d年])(?P<cn_m>\d{1,2})\s*月\s*(?P<cn_d>\d{1,2})\s*[日号]"
    rf"(?:\s*{_TIME.replace('?P<', '?P<cn_')})?"
    # 3小时前, 15分钟前, 2天前
    r"|(?<!\d)(?P<ago_n>\d{1,3})\s*(?P<ago_u>秒钟?|分钟|个?小时|天|周|个月)\s*前"
    # 今天/昨天/前天 [10:22], 刚刚; 今日/昨日 only with a time ("今日（12月28日）有网友…" is prose)
    r"|(?P<day>今天|昨天|前天|[今昨]日(?=\s*\d{1,2}\s*[:：时点]))"
    rf"(?:\s*{_TIME.replace('?P<', '?P<rel_')})?"
    r"|(?P<now>刚刚|刚才))",
    re.IGNORECASE,
)

# "18 Jun 2009", "May 24, 2010 6:54 PM", "十一月 6th, 2009" (see calendars.NAMED_DATE)
_NAMED_RE = re.compile(rf"{NAMED_DATE}(?:\s*[,，]?\s*{_TIME})?", re.IGNORECASE)

_AFTERNOON = frozenset({"下午", "中午", "晚上"})
_ISO_T = re.compile(r"\d\s*T\s*\d", re.IGNORECASE)

_AGO_UNITS = {
    "秒": timedelta(seconds=1),
    "秒钟": timedelta(seconds=1),
    "分钟": timedelta(minutes=1),
    "小时": timedelta(hours=1),
    "个小时": timedelta(hours=1),
    "天": timedelta(days=1),
    "周": timedelta(weeks=1),
    "个月": timedelta(days=30),
}
_DAYS_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}

# /2023/01/29/, /202301/29/, /2023/0129/, /2023-01-29/, /20230129/, t20230129_123.html
_URL_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>0[1-9]|1[0-2])[-/_]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)

#: A header date within this distance of the meta's is the same event, printed.
SAME_EVENT = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Stamp:
    """A parsed point in time and whether the text gave its time of day.

    ``when`` is always aware: in the zone the text printed (GMT, 巴黎时间, UTC+1,
    +0100, an ISO offset), else Asia/Shanghai; for a date-only
    expression (``2023-01-29``, ``昨天``) it is midnight and ``has_time`` is false,
    so that callers can print a date rather than a made-up ``00:00``.
    """

    when: datetime
    has_time: bool


@dataclass(frozen=True, slots=True)
class Found:
    stamp: Stamp
    start: int
    end: int
    # a full date or a precise relative time, as opposed to a year-less date or a bare 昨天
    certain: bool


def current_time(now: datetime | None) -> datetime:
    """``now`` in Asia/Shanghai (a naive one taken as Shanghai's), or the clock's when None."""
    if now is None:
        return datetime.now(SHANGHAI)
    if now.tzinfo is None:
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


def _int(value: str | None) -> int:
    return int(value) if value else 0


def _zone(g: MatchGroups, prefix: str, iso: bool) -> timezone | ZoneInfo:
    if g.get(prefix + "Z"):
        return UTC
    city = g.get(prefix + "city")
    if city:
        return ZoneInfo(CITY_ZONES[city])
    off = g.get(prefix + "off")
    # "10:22-11:30" is a time range, not an offset: trust a bare offset only in ISO-looking
    # text (a "T" separator or seconds), as machine-written stamps always have one of them;
    # "10:22 +0100" (space, four digits, no colon) is the e-mail form and reads as an offset
    if not off and g.get(prefix + "off2"):
        off, iso = g.get(prefix + "off2"), True
    if off and (iso or g.get(prefix + "S")):
        digits = off[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(-delta if off[0] == "-" else delta)
    if g.get(prefix + "utc"):
        goff = g.get(prefix + "goff") or "+0"
        delta = timedelta(hours=abs(int(goff)), minutes=_int(g.get(prefix + "goffm")))
        if delta <= timedelta(hours=14):
            return timezone(-delta if goff[0] == "-" else delta)
    return SHANGHAI


def _build(
    year: int, month: int, day: int, g: MatchGroups, prefix: str, iso: bool = False
) -> Stamp | None:
    """The stamp for a calendar date and the (maybe absent) time groups; None if impossible."""
    has_time = g.get(prefix + "H") is not None
    hour = _int(g.get(prefix + "H"))
    if (
        g.get(prefix + "ap") in _AFTERNOON
        and hour < 12
        and not (g[prefix + "ap"] == "中午" and hour >= 11)
    ):
        hour += 12  # 下午2:22 is 14:22; 中午12:30 and 中午11:50 stay
    ampm = g.get(prefix + "ampm")
    if ampm and hour <= 12:  # (a 24-hour clock with PM after it, "14:32PM", is read as printed)
        hour = hour % 12 + (12 if ampm in "pP" else 0)  # 8:50pm is 20:50, 12:00AM is 00:00
    minute = _int(g.get(prefix + "M"))
    second = _int(g.get(prefix + "S") or g.get(prefix + "S2"))
    try:
        when = datetime(year, month, day, hour, minute, second, tzinfo=_zone(g, prefix, iso))
    except ValueError:  # month 13, February 30, second 61
        return None
    # a time printed with its zone (GMT, 巴黎时间, UTC+1, +0100) stays in that zone
    return Stamp(when, has_time)


#: the two orders of a numeric date with the year last
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
_YEAR_LAST_RE = re.compile(r"(?<![\d./-])(\d{1,2})([/.])(\d{1,2})\2(?:19|20)\d{2}(?![\d./-])")


def _year_last(
    year: int, first: int, second: int, order: str | None
) -> tuple[int, int, int] | None:
    """(year, month, day) of "first/second/year": a number over 12 can only be the day, and
    two the same read alike; where both could be the month, ``order`` says which is."""
    if first > 12 or (first != second and second <= 12 and order == DAY_FIRST):
        return year, second, first
    if second > 12 or first == second or order == MONTH_FIRST:
        return year, first, second
    return None


def year_last_order(texts: Iterable[str]) -> str | None:
    """The order of the numeric dates with the year last that ``texts`` print, where one of them
    settles it: "18/03/2010" is day first (RFI's lists), "07/18/2017" month first (Drupal's
    default). None where none does, or the texts print both orders."""
    day_first = month_first = False
    for text in texts:
        if "/" not in text and "." not in text:
            continue
        for m in _YEAR_LAST_RE.finditer(text):
            first, second = int(m[1]), int(m[3])
            if 12 < first <= 31 and 1 <= second <= 12:
                day_first = True
            elif 12 < second <= 31 and 1 <= first <= 12:
                month_first = True
    if day_first != month_first:
        return DAY_FIRST if day_first else MONTH_FIRST
    return None


def _year_ok(year: int, now: datetime) -> bool:
    return MIN_YEAR <= year <= now.year + 1


def _yearless(
    month: int,
    day: int,
    g: MatchGroups,
    prefix: str,
    now: datetime,
    anchor: datetime | None,
) -> Stamp | None:
    """Put ``month-day [time]`` in the year nearest ``anchor``, else the last not after ``now``."""
    if anchor is not None:
        anchor = anchor.astimezone(SHANGHAI)
        best: Stamp | None = None
        for year in (anchor.year - 1, anchor.year, anchor.year + 1):
            stamp = _build(year, month, day, g, prefix)
            if stamp is not None and (
                best is None or abs(stamp.when - anchor) < abs(best.when - anchor)
            ):
                best = stamp
        return best
    # one day of slack: a page stamped late this evening may be read "tomorrow" elsewhere
    for year in range(now.year, now.year - 8, -1):  # eight years back reach a February 29
        stamp = _build(year, month, day, g, prefix)
        if stamp is not None and stamp.when <= now + SAME_EVENT:
            return stamp
    return None


def _interpret(
    m: re.Match[str], now: datetime, anchor: datetime | None, order: str | None
) -> Found | None:
    g = MatchGroups(m)
    stamp: Stamp | None = None
    certain = True
    if (roc := roc_year(m)) is not None:  # a 民國 date: "日期：107-06-14"
        stamp = _build(roc, int(m["m"]), int(m["d"]), g, "") if _year_ok(roc, now) else None
    elif (named := named_date(m)) is not None:  # "18 Jun 2009", "十一月 6th, 2009"
        stamp = _build(*named, g, "") if _year_ok(named[0], now) else None
    elif g["y"]:
        year = int(g["y"])
        if not _year_ok(year, now):
            return None
        month = int(g["m"] or g["m2"])
        day = int(g["d"] or g["d2"])
        stamp = _build(year, month, day, g, "", iso=bool(_ISO_T.search(m[0])))
    elif g["yy"] or g["yy2"]:
        prefix = "yy_" if g["yy"] else "yy2_"
        two = int(g["yy"] or g["yy2"])
        year = 2000 + two if 2000 + two <= now.year + 1 else 1900 + two
        if not _year_ok(year, now):
            return None
        stamp = _build(year, int(g[prefix + "mo"]), int(g[prefix + "da"]), g, prefix)
    elif g["yl_a"]:
        ymd = _year_last(int(g["yl_y"]), int(g["yl_a"]), int(g["yl_b"]), order)
        if ymd is None or not _year_ok(ymd[0], now):
            return None
        stamp = _build(*ymd, g, "yl_")
    elif g["md_m"]:
        stamp = _yearless(int(g["md_m"]), int(g["md_d"]), g, "md_", now, anchor)
        certain = False
    elif g["cn_m"]:
        stamp = _yearless(int(g["cn_m"]), int(g["cn_d"]), g, "cn_", now, anchor)
        certain = False
    elif g["ago_n"]:
        unit = _AGO_UNITS[g["ago_u"]]
        when = now.replace(microsecond=0) - int(g["ago_n"]) * unit
        if unit < timedelta(days=1):
            stamp = Stamp(when, True)
        else:
            stamp = Stamp(when.replace(hour=0, minute=0, second=0), False)
    elif g["day"]:
        day_date = now.date() - timedelta(days=_DAYS_BACK[g["day"]])
        stamp = _build(day_date.year, day_date.month, day_date.day, g, "rel_")
    elif g["now"]:
        stamp = Stamp(now.replace(microsecond=0), True)
    if stamp is None:
        return None
    if g.get("ago_n") or g.get("day"):
        certain = stamp.has_time
    return Found(stamp, m.start(), m.end(), certain)


def scan(
    text: str, now: datetime, anchor: datetime | None, order: str | None = None
) -> Iterator[Found]:
    """Every date/time expression in ``text``, in order, with where it stands.

    ``order`` (see :func:`year_last_order`) reads a date with the year last whose day and month
    could be either way round ("08/05/2008"); without it such a date is none.
    """
    for m in with_other_dates(_DATETIME_RE.finditer(text), text, _NAMED_RE):
        found = _interpret(m, now, anchor, order)
        if found is not None:
            yield found


def parse_stamp(
    text: str, *, now: datetime | None = None, anchor: datetime | None = None
) -> Stamp | None:
    """The first valid date/time expression in ``text`` as a :class:`Stamp`.

    ``now`` resolves relative times (``3小时前``, ``昨天 10:22``) and, when there is
    no ``anchor``, the year of year-less dates (``01-29 10:22``: this year, or last
    year if that would be in the future). ``anchor`` is a time known from elsewhere
    on the page (a meta date): a year-less date is put in the year nearest to it.
    """
    if not text:
        return None
    for found in scan(text, current_time(now), anchor):
        return found.stamp
    return None


def parse_datetime(
    text: str, *, now: datetime | None = None, anchor: datetime | None = None
) -> datetime | None:
    """The first date/time expression in ``text`` as an aware datetime (Asia/Shanghai).

    Naive times are taken as Asia/Shanghai; ones printed with a zone (an offset, ``Z``,
    GMT/UTC, a city's time such as 巴黎时间) keep that zone's offset. Date-only expressions give midnight (see :func:`has_time_of_day`).
    """
    stamp = parse_stamp(text, now=now, anchor=anchor)
    return stamp.when if stamp else None


def has_time_of_day(text: str, *, now: datetime | None = None) -> bool:
    """Whether the expression :func:`parse_datetime` reads from ``text`` gives a time of day."""
    stamp = parse_stamp(text, now=now)
    return stamp is not None and stamp.has_time


def date_from_url(url: str, *, now: datetime | None = None) -> datetime | None:
    """A date written in the URL's path (``/202301/29/``, ``/2023-01-29/``, ``t20230129_1.html``).

    Midnight Asia/Shanghai; the host and query are ignored (hosts and IDs carry digits too).
    """
    if not url:
        return None
    parts = urlsplit(url)
    current = current_time(now)
    for m in _URL_DATE_RE.finditer(parts.path):
        year = int(m["y"])
        if not _year_ok(year, current):
            continue
        try:
            when = datetime(year, int(m["m"]), int(m["d"]), tzinfo=SHANGHAI)
        except ValueError:
            continue
        if when <= current + SAME_EVENT:
            return when
    return None
