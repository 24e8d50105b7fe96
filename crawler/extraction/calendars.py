"""Other places' ways of telling the time: dates of the Republic of China's calendar (民國 year 1
is 1912), as Taiwan's government sites print them, and zones printed by a city's name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

#: Zones printed by a city's name after a time ("巴黎时间"); 北京时间 is the default zone anyway.
CITY_ZONES: dict[str, str] = {
    "巴黎": "Europe/Paris",
    "伦敦": "Europe/London",
    "柏林": "Europe/Berlin",
    "罗马": "Europe/Rome",
    "马德里": "Europe/Madrid",
    "布鲁塞尔": "Europe/Brussels",
    "莫斯科": "Europe/Moscow",
    "东京": "Asia/Tokyo",
    "首尔": "Asia/Seoul",
    "新加坡": "Asia/Singapore",
    "纽约": "America/New_York",
    "华盛顿": "America/New_York",
    "洛杉矶": "America/Los_Angeles",
    "悉尼": "Australia/Sydney",
    "格林尼治": "UTC",
    "格林威治": "UTC",
}

# A three-digit 民國 year, a month and a day, maybe a clock, right after 日期/时间 and a colon:
# "日期：107-06-14" (監察院), "資料更新時間：112-08-22 13:50" (高雄市政府衛生局), "上版日期：112-06-13"
# (臺南市政府). Where nothing labels it, a three-digit number is as often a code, a phone number or a
# count; two-digit years (before 民國 100, 2011) are not read.
ROC_DATE_RE = re.compile(
    r"(?:(?<=[期间間][:：])|(?<=[期间間][:：]\s))(?P<roc>1[0-4]\d)(?P<sep>[-/.])(?P<m>\d{1,2})"
    r"(?P=sep)(?P<d>\d{1,2})(?![\d./-])"
    r"(?:\s*(?P<H>[01]?\d|2[0-3])[:：](?P<M>[0-5]\d)(?:[:：](?P<S>[0-5]\d))?(?![\d:：]))?"
)
# The year before 民國 1.
_OFFSET = 1911


def with_roc_dates(matches: Iterator[re.Match[str]], text: str) -> Iterable[re.Match[str]]:
    """``matches`` (a scan of ``text``) with the ROC calendar's dates in it, in the text's order.

    A text without the last character of a date's label (期, 间, 間) is not searched at all: date
    scans run over many short texts, and a search of each would cost more than its finds.
    """
    if "期" not in text and "间" not in text and "間" not in text:  # no date's label
        return matches
    dates = list(ROC_DATE_RE.finditer(text))
    return sorted([*matches, *dates], key=lambda m: m.start()) if dates else matches


def roc_year(match: re.Match[str]) -> int | None:
    """The Gregorian year of a match of :data:`ROC_DATE_RE`; None for any other match."""
    return _OFFSET + int(match["roc"]) if match.re is ROC_DATE_RE else None
