"""Places in text: resolve section labels (无锡宜兴) to a city and district, and find the
place names a text mentions, over the divisions of :mod:`crawler.extraction.divisions`."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

from crawler.extraction.divisions import (
    ALIASES,
    DATA_FILE,
    LEGACY,
    Place,
    generic_suffix,
    name_places,
    province_short,
    stem_of,
)
from crawler.extraction.keywords import simplify

__all__ = ["COMMON_WORDS", "Gazetteer", "default_gazetteer"]


def _words(text: str) -> list[str]:
    return text.split()


# Names that are first of all ordinary words (和平, 资源, 金山银山, 大兴调查研究, 老城区):
# running text never counts them, except a short one in its full form (和平区). Labels
# are not affected: 天津和平 is a heading's way to say 和平区.
COMMON_WORDS = frozenset(
    _words(
        """
    和平 新华 市中 城中 城区 开发 资源 合作 武功 将军 比如 南部 解放 东方 前进 港口 公安 友好
    通道 共和 山上 友谊 平安 中方 凤凰 安定 延长 光明 新兴 运河 万年 东风 红旗 淡水 光泽 南岸
    城北 城南 城东 城西 会同 工农 大名 富裕 清水 万里 高明 前锋 复兴 长子 清新 宏伟 观音 平定
    芙蓉 洞口 阿里 太和 大树 温泉 石门 向阳 树林 振兴 三元 日照 大同 大方 互助 威信 莲花 平和
    名山 石柱 白云 全州 桃源 白银 大观 建安 永和 二七 台前 太保 金山 石棉 大内 丰满 双桥 高台
    九龙 二道 三重 无为 民权 小店 同心 宝塔 元宝 平房 白玉 灯塔 大兴 木兰 天涯 七星 海棠 来宾
    中正 博爱 同仁 回民 桥头 江岸 马尾 方正 安居 龙凤 盐水 大通 麒麟 新民 安康 钟山 富民 清流
    水城 紫金 老城 信义 爱民 惠民 长治 新星 和顺 天台 阳明 天心 开化 天元 玉泉 民乐 阳春 铜鼓
    延寿 兴业 仁寿 大厂 金牛 路南 路北 板桥 八里 白塔 仁爱 古塔 磐石 樟树 万全 嘉禾 白水 梨树
    大田 大化 康乐 市北 市南 鸡冠 安平 永年 大悟 天长 双峰 大社 五常 乐业 仁和 盐田 未央 城厢
    新屋 交口 四会 金水 双城 长安 新城 城关 东城 西城 新市 江南 江北 河东 河西 江海 海港 青山
    南山 东山 西湖 东湖 南湖 中原 吉利 上街 南开 滨湖 东海 南海 北海 天河 长寿 两江 滨江
    钱塘 永安 太平 安宁 中山 朝阳 普洱 大庆 玉树 白山 白杨 双河 文山 福田 海口 红山 黄埔 新丰
    东区 西区 南区 北区 中区 郊区 矿区 新区 大安 宝山 普陀 上城 临平 长宁 黄浦 龙华 龙岗 红星
    新建 新和 大新 城厢 老城区 新城区 城北区 城东区 城西区 城中区 城关区 港口区
    """
    )
)

# Words that begin with, or run across, a place name without naming a place: the
# scanner consumes them so that 新华社 is not 新华, 长江都市 not 江都, 例如东部 not 如东.
_NOT_PLACES = frozenset(
    _words(
        """
    新华社 新华日报 新华网 新华书店 中山路 中山大学 中山装 中山陵 孙中山 阿里巴巴 大理石
    东方红 长安街 三明治 北京时间 小兴安岭 南京路 长江 珠江 黄河 淮河 乡镇 城镇 村镇 小镇
    例如 诸如 假如 犹如 正如 譬如 比如 如东南 如东北 如东西 江南大学 南开大学 钱塘江
    """
    )
)

_ZONE_SUFFIXES = (
    "新区",
    "开发区",
    "高新区",
    "经开区",
    "园区",
    "保税区",
    "度假区",
    "示范区",
    "新城",
)
_LABEL_NOISE = re.compile(r"[\s·・•]+")


class _Entry(NamedTuple):
    """What one written form (宜兴, 宜兴市, 鼓楼) may denote; a tuple, as thousands are built."""

    cities: tuple[Place, ...] = ()
    districts: tuple[Place, ...] = ()
    strong: bool = False  # a full or suffixed form (鼓楼区), not a bare stem (鼓楼)
    common: bool = False  # an ordinary word: never reported from running text
    province: bool = False  # a province's name: consumed, never a place
    stopword: bool = False  # a non-place word that overlaps a place name


_PROVINCE_ENTRY = _Entry(province=True)
_STOP_ENTRY = _Entry(stopword=True)


class Gazetteer:
    """Lookups over a list of divisions; see :func:`default_gazetteer` and :meth:`from_csv`."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """``rows`` are (province, city, district) full names; district is "" for a city row."""
        rows = list(rows)
        self.places: tuple[Place, ...] = name_places(rows)
        self._cities = {p.name: p for p in self.places if p.level == "city"}
        self._provinces: dict[str, str] = {}
        for province in {r[0] for r in rows}:
            for form in (province, province_short(province)):
                self._provinces[form] = province
        # the forms longest first, as a label is tried against them (sorted once, not per label),
        # by their first character: a label is tried only against the forms it can start with
        self._provinces_longest: dict[str, list[str]] = defaultdict(list)
        for form in sorted(self._provinces, key=len, reverse=True):
            self._provinces_longest[form[0]].append(form)
        self._entries = self._build_entries()
        self._scan_index, self._scan_starts = self._build_scanner()

    @classmethod
    def from_csv(cls, path: Path = DATA_FILE) -> Gazetteer:
        """Load a ``province,city,district`` CSV such as ``data/divisions.csv``."""
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)  # header
            return cls((p, c, d) for p, c, d in reader)

    # -- building ---------------------------------------------------------------

    def _build_entries(self) -> dict[str, _Entry]:
        places = self.places
        forms: dict[str, dict[int, bool]] = {}  # form -> {place index: strong form?}

        def add(form: str, index: int, strong: bool) -> None:
            marks = forms.setdefault(form, {})
            marks[index] = marks.get(index, False) or strong

        by_full: dict[tuple[str, str], int] = {}
        for index, place in enumerate(places):
            by_full[(place.full, place.city if place.level == "district" else "")] = index
            stem, suffix = stem_of(place.full)
            add(place.full, index, True)
            add(place.name, index, place.name != stem)
            if stem:
                add(stem, index, False)
                if suffix.startswith("自治"):
                    add(stem + generic_suffix(suffix), index, True)  # 黔南州, 本溪县, 兰坪县

        city_names = {p.full: p.name for p in places if p.level == "city"}
        for alias, full, city_full in ALIASES:
            city = city_names[city_full]
            found = by_full.get((full, "" if full == city_full else city))
            if found is not None:
                add(alias, found, alias.endswith(("县", "市")))
        for old, city_full, current in LEGACY:
            found = by_full.get((current, city_names[city_full]))
            if found is not None and old not in forms:
                add(old, found, True)

        entries: dict[str, _Entry] = {}
        for form, marks in forms.items():
            common = form in COMMON_WORDS
            if len(marks) == 1:  # the usual case, kept cheap: this loop runs ~7,000 times
                ((index, strong),) = marks.items()
                place = places[index]
                if place.level == "city":
                    entries[form] = _Entry((place,), (), strong, common)
                else:
                    entries[form] = _Entry((), (place,), strong, common)
                continue
            candidates = [places[i] for i in marks]
            # A form that is some division's canonical name denotes that one rather than
            # others of the same city whose bare stem it merely is: 伊宁 is 伊宁市, not
            # 伊宁县; 淮安 is the city, not 淮安区. 新北 stays ambiguous between Taiwan's
            # 新北 and 常州's 新北区 until the text names a city.
            owners = {p.city for p in candidates if p.name == form}
            candidates = [p for p in candidates if p.name == form or p.city not in owners]
            entries[form] = _Entry(
                tuple(p for p in candidates if p.level == "city"),
                tuple(p for p in candidates if p.level == "district"),
                any(marks.values()),
                common,
            )
        # A province's name is never a city's, except for the municipalities and SARs,
        # whose city row already answers to it (北京 → 北京): 吉林 is the province and
        # the city is 吉林市.
        for form, province in self._provinces.items():
            if form not in entries or not province.endswith(("市", "特别行政区")):
                entries[form] = _PROVINCE_ENTRY
        for word in _NOT_PLACES:
            entries.setdefault(word, _STOP_ENTRY)
            if not entries[word].strong:
                entries[word] = _STOP_ENTRY
        return entries

    def _build_scanner(self) -> tuple[dict[str, tuple[str, ...]], re.Pattern[str]]:
        # Every form has at least two characters; the scanner jumps to positions whose
        # first two characters could start one (a regex does this in C), then tries the
        # forms that share those two characters, longest first.
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for form in self._entries:
            by_prefix[form[:2]].append(form)
        index = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_prefix.items()}
        firsts = "".join(sorted({k[0] for k in index}))
        seconds = "".join(sorted({k[1] for k in index}))
        starts = re.compile(f"(?=[{re.escape(firsts)}][{re.escape(seconds)}])")
        return index, starts

    # -- lookups ----------------------------------------------------------------

    def lookup(self, name: str) -> list[Place]:
        """Every place that ``name`` (any written form, traditional or simplified) may denote."""
        entry = self._entries.get(simplify(name.strip()))
        return [*entry.cities, *entry.districts] if entry else []

    def is_place(self, name: str) -> bool:
        """Whether ``name`` is a province's, a city's or a district's name (江西, 台中, 江北)."""
        text = simplify(name.strip())
        return text in self._provinces or bool(self.lookup(text))

    def resolve_label(self, label: str) -> tuple[str, str | None] | None:
        """Resolve a section label to ``(city, district)`` canonical names, or None.

        ``"无锡宜兴"`` → ``("无锡", "宜兴")``, ``"南京市"`` → ``("南京", None)``,
        ``"宜兴"`` → ``("无锡", "宜兴")`` (unique), ``"無錫"`` → ``("无锡", None)``,
        ``"南京江北新区"`` → ``("南京", None)``. None for a province (江苏), for an
        ambiguous district alone (鼓楼) and for anything that is not a place.
        """
        text = _LABEL_NOISE.sub("", simplify(label))
        if len(text) < 2:
            return None
        found = self._resolve_whole(text) or self._resolve_pair(text)
        if found or text in self._provinces:
            return found
        for province in self._provinces_longest.get(text[0], ()):
            # 江苏无锡, 江苏省宜兴市: a province in front is allowed and dropped.
            rest = text[len(province) :]
            if text.startswith(province) and len(rest) >= 2:
                found = self._resolve_whole(rest) or self._resolve_pair(rest)
                if found:
                    return found
        return None

    def _resolve_whole(self, text: str) -> tuple[str, str | None] | None:
        entry = self._entries.get(text)
        if entry is None or entry.province or entry.stopword:
            return None
        if entry.cities:
            return (entry.cities[0].name, None) if len(entry.cities) == 1 else None
        if len(entry.districts) == 1:
            return entry.districts[0].city, entry.districts[0].name
        return None

    def _resolve_pair(self, text: str) -> tuple[str, str | None] | None:
        for cut in range(len(text) - 1, 1, -1):
            head = self._entries.get(text[:cut])
            if head is None or len(head.cities) != 1:
                continue
            city = head.cities[0].name
            tail = text[cut:]
            entry = self._entries.get(tail)
            if entry is not None:
                districts = [d for d in entry.districts if d.city == city]
                if len(districts) == 1:
                    return city, districts[0].name
            if tail.endswith(_ZONE_SUFFIXES):
                return city, None
        return None

    def find_places(self, text: str) -> list[Place]:
        """Places mentioned in ``text``, in order of first mention, each once.

        A city counts by any of its names unless the bare name is an ordinary word
        (中山, 东方) or a province's (吉林). A county/district counts by its full name
        (姜堰区), or by its short name when that is unique nationwide and not an ordinary
        word (宜兴), or when the text also names its city (徐州 … 鼓楼). Ambiguous names
        with no such context (鼓楼 alone) and ordinary words (新华, 和平, 城区) are left out.
        """
        entries = [entry for _, entry in self._scan(simplify(text)) if not entry.common]
        # First the context: the cities the text names for sure (淮安 counts even though
        # 淮安区 shares the stem, as both readings are in 淮安), and the districts named
        # in full without ambiguity (姜堰区), whose cities count too (玄武区 → 南京).
        context: set[str] = set()
        known: set[Place] = set()
        for entry in entries:
            if len(entry.cities) == 1:
                city = entry.cities[0].name
                if all(d.city == city for d in entry.districts):
                    context.add(city)
            elif not entry.cities and len(entry.districts) == 1 and entry.strong:
                known.add(entry.districts[0])
                context.add(entry.districts[0].city)
        for entry in entries:
            if entry.strong and not entry.cities and len(entry.districts) > 1:
                # 徐州市鼓楼区: the full name is ambiguous, the city settles it.
                fitting = [d for d in entry.districts if d.city in context]
                if len(fitting) == 1:
                    known.add(fitting[0])

        provinces = {self._cities[name].province for name in context}
        found: dict[Place, None] = {}
        for entry in entries:
            place = _choose(entry, context, known, provinces)
            if place is not None:
                found.setdefault(place)
        return list(found)

    def places_in(self, text: str) -> list[str]:
        """Canonical names of the places that ``text`` mentions; see :meth:`find_places`."""
        return list(dict.fromkeys(p.name for p in self.find_places(text)))

    def _scan(self, text: str) -> list[tuple[int, _Entry]]:
        """Leftmost-longest matches of known forms, provinces and stop words included."""
        hits: list[tuple[int, _Entry]] = []
        index, entries = self._scan_index, self._entries
        end = 0
        for match in self._scan_starts.finditer(text):
            pos = match.start()
            if pos < end:
                continue
            for form in index.get(text[pos : pos + 2], ()):
                if text.startswith(form, pos):
                    entry = entries[form]
                    end = pos + len(form)
                    # 滨湖区域 is a lakeside area, not 滨湖区 + 域.
                    regional = form[-1] == "区" and text[end : end + 1] == "域"
                    if not (entry.province or entry.stopword or regional):
                        hits.append((pos, entry))
                    break
        return hits


def _choose(
    entry: _Entry, context: set[str], known: set[Place], provinces: set[str]
) -> Place | None:
    """The one place a (non-common) form denotes here, or None when it stays ambiguous."""
    if len(entry.cities) == 1:
        city = entry.cities[0]
        # 常州 … 新北 is 常州's 新北区, not Taiwan's 新北市; 淮安 is the city either way.
        others = [
            d for d in entry.districts if d.city != city.name and (d in known or d.city in context)
        ]
        if others:
            return others[0] if len(others) == 1 else None
        return city
    if entry.cities:
        return None
    fitting = [d for d in entry.districts if d in known] or [
        d for d in entry.districts if d.city in context
    ]
    if fitting:
        return fitting[0] if len(fitting) == 1 else None
    if len(entry.districts) != 1:
        return None
    # Unique nationwide: 宜兴 needs no context. But a bare county name from a province
    # the text does not otherwise touch is mostly a coincidence of characters: 新和 in
    # 创新和, 金安 in 基金安排, 德清 in a person's name, all in a text about Jiangsu.
    district = entry.districts[0]
    if entry.strong or not provinces or district.province in provinces:
        return district
    return None


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of ``data/divisions.csv``, built once per process (~20 ms)."""
    return Gazetteer.from_csv(DATA_FILE)


# Countries and regions a poster's IP location (IP属地) names outside China, as the platforms
# print them beside the date ("美国" on 澎湃号 pages): the gazetteer holds China's divisions only.
COUNTRIES = frozenset(
    _words(
        """
    美国 加拿大 英国 法国 德国 日本 韩国 朝鲜 俄罗斯 澳大利亚 新西兰 意大利 西班牙 葡萄牙 荷兰
    比利时 瑞士 瑞典 挪威 丹麦 芬兰 爱尔兰 奥地利 波兰 希腊 土耳其 以色列 印度 巴基斯坦 泰国
    越南 新加坡 马来西亚 印度尼西亚 菲律宾 柬埔寨 缅甸 老挝 蒙古 哈萨克斯坦 阿联酋 沙特阿拉伯
    伊朗 埃及 南非 尼日利亚 肯尼亚 巴西 阿根廷 墨西哥 智利 秘鲁 哥伦比亚 乌克兰 捷克 匈牙利
    """
    )
)
# The marks a platform prints before a poster's place beside the date: "2024-08-29 11:05 ·四川".
_PLACE_MARKS = " ·・•"


def is_poster_place(text: str) -> bool:
    """Whether ``text``, beside the date, is a place alone — where the poster is, no outlet.

    A province's, a city's or a district's name, or a country's (``COUNTRIES``), with or
    without a leading middle dot: "·四川" (网易号), "美国" (澎湃号), "北京".
    """
    name = text.strip().lstrip(_PLACE_MARKS)
    return 2 <= len(name) <= 8 and (
        simplify(name) in COUNTRIES or default_gazetteer().is_place(name)
    )
