"""The choice of an article's publication time among what the page states: its metas and
JSON-LD, the dates its info line prints, a labelled time after the text, a time kept in a script,
an update time, a date in its address (the dates themselves are read by
:mod:`crawler.extraction.dates`)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.extraction.blocks import TextPiece
from crawler.extraction.dates import (
    SAME_EVENT,
    Found,
    Stamp,
    current_time,
    date_from_url,
    parse_stamp,
    scan,
    year_last_order,
)
from crawler.extraction.metadata import (
    PUBLISHED_JSONLD,
    PUBLISHED_METAS,
    UPDATED_JSONLD,
    UPDATED_METAS,
)

# Words just before a date in the info line that say what the date is.
# 时间/日期 alone only with a colon: "午餐时间 2019-09-06" in a related-news card is no label.
# The ``pub`` words say the page was posted (上版日期 is the Taiwanese government sites' word);
# 时间/日期 alone may be an event's ("活动时间：", "日期：" of a notice).
_LABEL_BEFORE = re.compile(
    r"(?:(?P<upd>更新|修改|修订)|(?P<pub>发布|发表|发稿|出版|上版))(?:时间|日期|于)?\s*[:：]?\s*$"
    r"|(?:(?P<upd2>updated?|modified)|(?P<pub2>时间|日期|published|posted|date|time))\s*[:：]\s*$",
    re.IGNORECASE,
)
_TIME_HINT = re.compile(r"time|date|pub|riqi|shijian|fbsj")
_UPDATE_HINT = re.compile(r"update|modif")
# a date told relative to the reading ("2 小時前", "昨天 10:22", "刚刚"): no printed calendar day
_RELATIVE = re.compile(r"前|今|昨|刚")
# the zones a browser may render an instant in, UTC-12 to UTC+14
_ZONES = tuple(timezone(timedelta(hours=h)) for h in range(-12, 15))


def _from_metas(meta: Mapping[str, str], names: Sequence[str], now: datetime) -> Stamp | None:
    for name in names:
        value = meta.get(name)
        if value:
            stamp = parse_stamp(value, now=now)
            if stamp is not None and stamp.when <= now + SAME_EVENT:
                return stamp
    return None


def _from_jsonld(
    jsonld: Sequence[Mapping[str, Any]], keys: Sequence[str], now: datetime
) -> Stamp | None:
    for key in keys:
        for obj in jsonld:
            value = obj.get(key)
            if isinstance(value, str) and value:
                stamp = parse_stamp(value, now=now)
                if stamp is not None and stamp.when <= now + SAME_EVENT:
                    return stamp
    return None


def _from_header(
    header: Sequence[TextPiece], now: datetime, anchor: datetime | None, order: str | None
) -> tuple[list[Stamp], list[Stamp]]:
    """The dates in the info line, best first; and those of them the page names as its own
    (a full calendar date labelled 发布/日期 or in a date-classed element, not an update).

    A date labelled 发布/发布时间 or hinted as a time ranks first, an update date
    last; a full date before a year-less one; then the earlier before the later,
    since info lines print the article's own date before any other. Pieces are
    joined with spaces first, because templates split one date over several
    elements (``<span>发布时间：10-08</span><span>12:00</span>``).
    """
    if not header:
        return [], []
    texts: list[str] = []
    ends: list[int] = []
    pos = 0
    for piece in header:
        texts.append(piece.text)
        pos += len(piece.text)
        ends.append(pos)
        pos += 1
    joined = " ".join(texts)
    ranked: list[tuple[float, int, Stamp]] = []
    named: list[Stamp] = []
    for rank, found in enumerate(scan(joined, now, anchor, order)):
        if found.stamp.when > now + SAME_EVENT:
            continue
        # the pieces the stamp spans (``ends`` rises: each piece ends after the one before)
        first = bisect_right(ends, found.start)
        last = bisect_left(ends, found.end)
        hint = " ".join(p.hint for p in header[first : last + 1])
        label = _LABEL_BEFORE.search(joined[max(0, found.start - 10) : found.start])
        labelled = label is not None and any(label.groups())
        hinted = _TIME_HINT.search(hint) is not None
        if not (found.certain or found.stamp.has_time or labelled or hinted):
            continue  # a stray "9月7日" or "昨天" in a caption says nothing about the article
        score = (3.0 if found.certain else 0.0) - 0.5 * rank
        if found.stamp.has_time:
            score += 1
        labelled_update = label is not None and bool(label["upd"] or label["upd2"])
        hinted_update = _UPDATE_HINT.search(hint) is not None
        if labelled_update:
            score -= 4
        elif labelled:
            score += 4
        if hinted_update:
            score -= 2
        elif hinted:
            score += 2
        ranked.append((-score, rank, found.stamp))
        calendar = found.certain and not _RELATIVE.search(joined[found.start : found.end])
        if (labelled or hinted) and calendar and not (labelled_update or hinted_update):
            named.append(found.stamp)
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [stamp for _, _, stamp in ranked], named


def _printed_before(best: Stamp, named: Sequence[Stamp], meta: Stamp) -> bool:
    """Whether the info line's best date, one the page names as its own, is a day the
    publication meta's instant falls on in no zone, before it: the meta then dates another
    event (a record's later edit, the moment a board posted a release), not the article.

    A day the instant falls on somewhere (``<time datetime="…Z">`` rendered by the saving
    browser in its own zone as the day before) is the same event, printed.
    """
    if not any(best is stamp for stamp in named) or best.when >= meta.when:
        return False
    day = best.when.date()
    return all(meta.when.astimezone(zone).date() != day for zone in _ZONES)


def _dated(
    pieces: Sequence[TextPiece], now: datetime, anchor: datetime | None, order: str | None
) -> Iterator[tuple[TextPiece, Found, re.Match[str] | None]]:
    """Each date in ``pieces`` not after ``now`` (give or take an event's span), with the
    piece it is in and the label just before it (时间：, 发布于, 更新于), if any."""
    for piece in pieces:
        for found in scan(piece.text, now, anchor, order):
            if found.stamp.when > now + SAME_EVENT:
                continue
            label = _LABEL_BEFORE.search(piece.text[max(0, found.start - 10) : found.start])
            yield piece, found, label


def _labelled_clock(
    pieces: Sequence[TextPiece], now: datetime, anchor: datetime | None, order: str | None
) -> Stamp | None:
    """The first date with a clock in ``pieces`` that a label (时间：, 发布于) or class names."""
    for piece, found, label in _dated(pieces, now, anchor, order):
        if not found.stamp.has_time:
            continue
        if label is not None and (label["upd"] or label["upd2"]):
            continue
        labelled = label is not None and any(label.groups())
        if labelled or _TIME_HINT.search(piece.hint):
            return found.stamp
    return None


def _posting_date(
    pieces: Sequence[TextPiece], now: datetime, anchor: datetime | None, order: str | None
) -> Stamp | None:
    """The first full date in ``pieces`` after a posting word (发布时间：, 上版日期：, 发表于)."""
    for _, found, label in _dated(pieces, now, anchor, order):
        if found.certain and label is not None and label["pub"]:
            return found.stamp
    return None


def find_published_stamp(
    *,
    meta: Mapping[str, str],
    jsonld: Sequence[Mapping[str, Any]],
    header: Sequence[TextPiece],
    url: str | None,
    now: datetime | None,
    trailer: Sequence[TextPiece] = (),
    scripted: Callable[[datetime], Stamp | None] | None = None,
    record: Callable[[datetime], Stamp | None] | None = None,
) -> Stamp | None:
    """The article's own publication time (Asia/Shanghai), with whether it was printed as a
    date only.

    Evidence, strongest first:

    1. a publication meta (:data:`~crawler.extraction.metadata.PUBLISHED_METAS`, in that order), else JSON-LD
       ``datePublished``/``dateCreated``;
    2. the info line (``header``): a date labelled 发布/时间/日期 or hinted as a
       time wins over other dates there; year-less dates take the year nearest
       to the meta/JSON-LD/URL date;
    3. an update meta (:data:`~crawler.extraction.metadata.UPDATED_METAS`) or JSON-LD ``dateModified``;
    4. a date in the URL.

    Where the info line gives no time of day (only a date, or nothing), a labelled or
    time-hinted date *with* a clock printed after the body (``trailer``) completes it:
    kepuchina.cn prints "时间：2019-09-24 17:08" below the article, 51offer.com
    "发布于：2015-11-05 11:34" under a header that shows the bare date. It must fall on
    the header's date when there is one. Where neither a publication meta nor the info line
    dates the page, a full date after the text that a posting word labels (发布时间：, 上版日期：;
    not 时间 or 日期 alone, often an event's) is the page's date, a clock there or in a script
    on the same day completing it.

    ``record(now)`` (the labelled date of a government page's 信息公开 catalogue table, see
    :mod:`crawler.extraction.govinfo`) ranks first among the printed dates when the info
    line has none with a time of day.

    ``scripted(now)`` (a time found only in a script or data attribute, see
    :mod:`crawler.extraction.scripted`; called only when needed) comes after the info line and before the
    update metas; it also completes a date-only info line on the same day.

    When (1) and (2) are within a day of each other they are the same event and
    the printed time wins (sina's meta is the CMS save time, minutes to hours
    off the time shown); a date-only meta is thereby completed with the header's
    time of day, and a date-only header keeps the meta's time. A header more
    than a day away from (1) is taken for some other date and ignored — unless its best
    date is one the page names as its own, a full date before the meta on a day the meta's
    instant falls on in no zone, and no JSON-LD ``datePublished`` states the meta's instant
    again (:func:`_printed_before`): the meta then dates another event (國立臺東生活美學館's
    DC.Date, a later edit; 苦勞網's ``article:published_time``, the moment its board posted
    the release) and the printed date wins.
    """
    current = current_time(now)
    strong = _from_metas(meta, PUBLISHED_METAS, current) or _from_jsonld(
        jsonld, PUBLISHED_JSONLD, current
    )
    weak = _from_metas(meta, UPDATED_METAS, current) or _from_jsonld(
        jsonld, UPDATED_JSONLD, current
    )
    from_url = date_from_url(url, now=current) if url else None
    anchor = strong.when if strong else weak.when if weak else from_url
    # a date with the year last is read in the order the page's other such dates settle
    order = year_last_order([*(p.text for p in header), *(p.text for p in trailer)])
    candidates, named = _from_header(header, current, anchor, order)
    if strong is None and record is not None and (not candidates or not candidates[0].has_time):
        listed = record(current)  # a 信息公开 catalogue date beats a bare date in the info line
        if listed is not None:
            candidates.insert(0, listed)
    if strong is None and (not candidates or not candidates[0].has_time):
        late = _labelled_clock(trailer, current, anchor, order)
        if late is not None and (not candidates or late.when.date() == candidates[0].when.date()):
            candidates.insert(0, late)
    if strong is None and not candidates:
        # nothing before the text dates the page: a date-only posting date after it does
        # (臺南市 "上版日期：112-06-13", 明德公法网 "发布时间：2011/9/26", under the text)
        posted = _posting_date(trailer, current, anchor, order)
        if posted is not None:
            candidates.append(posted)
    if strong is None and scripted is not None and (not candidates or not candidates[0].has_time):
        hidden = scripted(current)
        if hidden is not None and not candidates:
            candidates.append(hidden)
        elif hidden is not None and hidden.when.date() == candidates[0].when.date():
            candidates.insert(0, hidden)

    if strong is not None:
        for printed in candidates:
            if strong.has_time:
                close = abs(printed.when - strong.when) < SAME_EVENT
            else:
                close = printed.when.date() == strong.when.date()
            if close:
                return printed if printed.has_time else strong
        restated = _from_jsonld(jsonld, PUBLISHED_JSONLD, current)
        if restated is not None and restated.when == strong.when:
            return strong  # JSON-LD's datePublished, alone or restating the meta
        if candidates and _printed_before(candidates[0], named, strong):
            return candidates[0]
        return strong
    if candidates:
        best = candidates[0]
        if (
            not best.has_time
            and weak is not None
            and weak.has_time
            and weak.when.date() == best.when.date()
        ):
            return weak
        return best
    if weak is not None:
        return weak
    if from_url is not None:
        return Stamp(from_url, False)
    return None
