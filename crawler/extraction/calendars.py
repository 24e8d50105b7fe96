"""Other places' ways of telling the time: dates of the Republic of China's calendar (民國 year 1
is 1912), as Taiwan's government sites print them, dates printed with the month's name ("18 Jun
2009", "May 24, 2010", "十一月 6th, 2009") and zones printed by a city's name."""

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


# A date printed with the month's name and the year last, as English-language templates and a CMS's
# Chinese locale print it: "18 Jun 2009" (Fridae), "May 24, 2010", "Mar. 01, 2023", "十一月 6th, 2009"
# (WordPress), "24 五月 2022" (Joomla). dates.py adds the clock that may follow. The Chinese month
# words count only in these shapes, a day in digits beside them and the year last in digits:
# "2009年十一月" or "一月10万" is no such date.
_ENGLISH_MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec"  # three letters each
_CHINESE_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_MONTH = (
    r"(?:(?P<{0}>(?:january|february|march|april|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec)(?![a-z])\.?"
    r"|(?<![一二三四五六七八九十〇零年])(?:十[一二]?|[一二三四五六七八九])月))"
)
NAMED_DATE = (
    # (a lookahead first: the scan skips the positions no such date starts at)
    r"(?=[\dJFMASONDjfmasond一二三四五六七八九十])(?<![a-z\d])(?:"
    # "18 Jun 2009", "24 五月 2022"
    rf"(?P<nday>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.format('nmon')},?\s+"
    # "May 24, 2010", "Mar. 01, 2023", "十一月 6th, 2009"
    rf"|{_MONTH.format('nmon2')}\s*(?P<nday2>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:：])\s*,?\s+)"
    r"(?P<nyear>(?:19|20)\d{2})(?![\d年])"
)
# Whether a text may hold such a date at all (most texts a date scan reads hold none): three
# Latin letters in a row, or a Chinese month word. Two plain searches cost a fifth of one for the
# twelve names.
_LETTERS = re.compile(r"[A-Za-z]{3}")
_CHINESE_MONTH = re.compile(r"[一二三四五六七八九十]月")


def with_other_dates(
    matches: Iterator[re.Match[str]], text: str, named: re.Pattern[str]
) -> Iterable[re.Match[str]]:
    """``matches`` (a scan of ``text``) with the ROC calendar's dates and the dates ``named`` (a
    pattern built on :data:`NAMED_DATE`) finds in it, in the text's order.

    A text without the last character of a date's label (期, 间, 間) is not searched for ROC dates,
    one without a month's name not for named ones: date scans run over many short texts, and a
    search of each would cost more than its finds.
    """
    extra: list[re.Match[str]] = []
    if "期" in text or "间" in text or "間" in text:  # a date's label
        extra += ROC_DATE_RE.finditer(text)
    if _CHINESE_MONTH.search(text) or _LETTERS.search(text):
        extra += named.finditer(text)
    return sorted([*matches, *extra], key=lambda m: m.start()) if extra else matches


def named_date(match: re.Match[str]) -> tuple[int, int, int] | None:
    """(year, month, day) of a match of a pattern built on :data:`NAMED_DATE`; None for any other."""
    if "nmon" not in match.re.groupindex:
        return None
    name = (match["nmon"] or match["nmon2"]).lower()
    if name.endswith("月"):
        month = _CHINESE_MONTHS.index(name[:-1]) + 1
    else:
        month = _ENGLISH_MONTHS.index(name[:3]) // 3 + 1
    return int(match["nyear"]), month, int(match["nday"] or match["nday2"])


def roc_year(match: re.Match[str]) -> int | None:
    """The Gregorian year of a match of :data:`ROC_DATE_RE`; None for any other match."""
    return _OFFSET + int(match["roc"]) if match.re is ROC_DATE_RE else None
