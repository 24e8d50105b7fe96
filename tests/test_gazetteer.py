"""The gazetteer: its data file, canonical names, label resolution and places mentioned in text."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from crawler.extraction.divisions import DATA_FILE, Place
from crawler.extraction.gazetteer import Gazetteer, default_gazetteer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "tools/build_gazetteer.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the data file -----------------------------------------------------------------


def test_data_file_header() -> None:
    with DATA_FILE.open(encoding="utf-8") as handle:
        assert handle.readline().rstrip("\n") == "province,city,district"


def test_data_file_covers_every_province(rows: list[dict[str, str]]) -> None:
    assert len({r["province"] for r in rows}) == 34


@pytest.mark.parametrize(
    ("province", "city", "district"),
    [
        ("江苏省", "无锡市", ""),
        ("江苏省", "无锡市", "宜兴市"),
        ("江苏省", "泰州市", "姜堰区"),
        ("北京市", "北京市", ""),
        ("上海市", "上海市", "浦东新区"),
        ("天津市", "天津市", "和平区"),
        ("重庆市", "重庆市", "石柱土家族自治县"),
        ("湖北省", "仙桃市", ""),  # county-level, directly under the province: a city row
        ("河南省", "济源市", ""),
        ("海南省", "陵水黎族自治县", ""),
        ("新疆维吾尔自治区", "石河子市", ""),
        ("贵州省", "黔南布依族苗族自治州", "三都水族自治县"),
        ("香港特别行政区", "香港特别行政区", ""),
    ],
)
def test_data_file_has_row(
    rows: list[dict[str, str]], province: str, city: str, district: str
) -> None:
    assert {"province": province, "city": city, "district": district} in rows


@pytest.mark.parametrize("suffix", ["乡", "镇", "街道"])
def test_data_file_has_no_townships(rows: list[dict[str, str]], suffix: str) -> None:
    assert not [r for r in rows if r["district"].endswith(suffix)]


def test_every_jiangsu_prefecture_is_there(rows: list[dict[str, str]]) -> None:
    cities = {r["city"] for r in rows if r["province"] == "江苏省" and not r["district"]}
    assert len(cities) == 13


@pytest.mark.parametrize(
    ("pca_row", "expected"),
    [
        ("中国,江苏省,无锡市,", [("江苏省", "无锡市", "")]),
        ("中国,江苏省,无锡市,宜兴市", [("江苏省", "无锡市", ""), ("江苏省", "无锡市", "宜兴市")]),
        ("中国,广东省,东莞市,虎门镇", [("广东省", "东莞市", "")]),
        ("中国,广东省,中山市,石岐街道", [("广东省", "中山市", "")]),
        ("中国,台湾省,新竹县,五峰乡", [("台湾省", "新竹县", "")]),
        ("中国,国外,国外,", []),
    ],
)
def test_build_rows(pca_row: str, expected: list[tuple[str, str, str]]) -> None:
    builder = _load_builder()
    assert builder.build_rows("country,sheng,shi,qu\n" + pca_row + "\n") == expected


# -- canonical names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "city", "expected"),
    [
        ("无锡市", "无锡", Place("无锡", "无锡市", "无锡", "江苏省", "city")),
        ("宜兴市", "无锡", Place("宜兴", "宜兴市", "无锡", "江苏省", "district")),
        ("姜堰区", "泰州", Place("姜堰", "姜堰区", "泰州", "江苏省", "district")),
        (
            "黔南布依族苗族自治州",
            "黔南",
            Place("黔南", "黔南布依族苗族自治州", "黔南", "贵州省", "city"),
        ),
        ("本溪满族自治县", "本溪", Place("本溪县", "本溪满族自治县", "本溪", "辽宁省", "district")),
        ("淮安区", "淮安", Place("淮安区", "淮安区", "淮安", "江苏省", "district")),
        ("吉林市", "吉林市", Place("吉林市", "吉林市", "吉林市", "吉林省", "city")),
        ("海南藏族自治州", "海南州", Place("海南州", "海南藏族自治州", "海南州", "青海省", "city")),
        ("河北区", "天津", Place("河北区", "河北区", "天津", "天津市", "district")),
        ("沛县", "徐州", Place("沛县", "沛县", "徐州", "江苏省", "district")),
        ("伊宁市", "伊犁", Place("伊宁", "伊宁市", "伊犁", "新疆维吾尔自治区", "district")),
        ("伊宁县", "伊犁", Place("伊宁县", "伊宁县", "伊犁", "新疆维吾尔自治区", "district")),
        ("北京市", "北京", Place("北京", "北京市", "北京", "北京市", "city")),
        (
            "香港特别行政区",
            "香港",
            Place("香港", "香港特别行政区", "香港", "香港特别行政区", "city"),
        ),
        ("神农架林区", "神农架", Place("神农架", "神农架林区", "神农架", "湖北省", "city")),
        ("清新区", "清远", Place("清新", "清新区", "清远", "广东省", "district")),
        ("万柏林区", "太原", Place("万柏林", "万柏林区", "太原", "山西省", "district")),
        (
            "龙胜各族自治县",
            "桂林",
            Place("龙胜", "龙胜各族自治县", "桂林", "广西壮族自治区", "district"),
        ),
        (
            "鄂温克族自治旗",
            "呼伦贝尔",
            Place("鄂温克", "鄂温克族自治旗", "呼伦贝尔", "内蒙古自治区", "district"),
        ),
        (
            "伊犁哈萨克自治州",
            "伊犁",
            Place("伊犁", "伊犁哈萨克自治州", "伊犁", "新疆维吾尔自治区", "city"),
        ),
    ],
)
def test_canonical_name(gazetteer: Gazetteer, full: str, city: str, expected: Place) -> None:
    assert [p for p in gazetteer.lookup(full) if p.city == city] == [expected]


def test_canonical_names_are_unique_within_a_city(gazetteer: Gazetteer) -> None:
    keys = [(p.city, p.name) for p in gazetteer.places]
    assert len(keys) == len(set(keys))


def test_no_district_is_named_like_a_city(gazetteer: Gazetteer) -> None:
    cities = {p.name for p in gazetteer.places if p.level == "city"}
    assert not [p for p in gazetteer.places if p.level == "district" and p.name in cities]


def test_shared_district_names_keep_their_cities(gazetteer: Gazetteer) -> None:
    assert sorted(p.city for p in gazetteer.lookup("鼓楼区")) == ["南京", "开封", "徐州", "福州"]


# -- labels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("南京", ("南京", None)),
        ("南京市", ("南京", None)),
        ("无锡宜兴", ("无锡", "宜兴")),
        ("无锡·宜兴", ("无锡", "宜兴")),
        ("无锡 宜兴", ("无锡", "宜兴")),
        ("无锡市宜兴市", ("无锡", "宜兴")),
        ("徐州鼓楼", ("徐州", "鼓楼")),
        ("徐州市鼓楼区", ("徐州", "鼓楼")),
        ("南通海门", ("南通", "海门")),
        ("宜兴", ("无锡", "宜兴")),
        ("宜兴市", ("无锡", "宜兴")),
        ("姜堰", ("泰州", "姜堰")),
        ("無錫", ("无锡", None)),
        ("無錫宜興", ("无锡", "宜兴")),
        ("海门市", ("南通", "海门")),  # since 2020 海门区
        ("姜堰市", ("泰州", "姜堰")),  # since 2012 姜堰区
        ("下关区", ("南京", "鼓楼")),
        ("黔南", ("黔南", None)),
        ("黔南州", ("黔南", None)),
        ("呼市", ("呼和浩特", None)),
        ("本溪", ("本溪", None)),
        ("本溪县", ("本溪", "本溪县")),
        ("淮安", ("淮安", None)),
        ("淮安区", ("淮安", "淮安区")),
        ("北京", ("北京", None)),
        ("北京朝阳", ("北京", "朝阳区")),
        ("上海市", ("上海", None)),
        ("香港", ("香港", None)),
        ("仙桃", ("仙桃", None)),
        ("吉林市", ("吉林市", None)),
        ("常州新北", ("常州", "新北区")),
        ("江苏无锡", ("无锡", None)),
        ("江苏省宜兴市", ("无锡", "宜兴")),
        ("南京江北新区", ("南京", None)),
        ("苏州工业园区", ("苏州", None)),
        ("伊宁", ("伊犁", "伊宁")),
        ("鼓楼", None),  # 南京, 徐州, 福州 or 开封
        ("鼓楼区", None),
        ("江苏", None),
        ("江苏省", None),
        ("吉林", None),  # the province; the city is 吉林市
        ("海南", None),
        ("南京召开", None),
        ("记者", None),
        ("", None),
        ("南", None),
    ],
)
def test_resolve_label(
    gazetteer: Gazetteer, label: str, expected: tuple[str, str | None] | None
) -> None:
    assert gazetteer.resolve_label(label) == expected


# -- places in text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("兔年新春,优化营商环境再度成为泰州市姜堰区的最热主题。", ["泰州", "姜堰"]),
        ("宜兴市召开大会,宜兴经济高位均衡发力", ["宜兴"]),
        ("28日上午,南通市海门区重大项目开工。海门确立新打法", ["南通", "海门"]),
        ("在鼓楼高新区,企业客商来访不断。徐州市鼓楼区是老工业区", ["鼓楼", "徐州"]),
        ("盐城经开区、滨海、东台、盐都等县(市、区)一把手", ["盐城", "滨海", "东台", "盐都"]),
        ("無錫市宜興", ["无锡", "宜兴"]),
        ("北京市朝阳区", ["北京", "朝阳区"]),
        ("常州新北", ["常州", "新北区"]),
        ("上海市浦东新区", ["上海", "浦东"]),
        ("本溪满族自治县", ["本溪县"]),
        ("吉林市", ["吉林市"]),
        ("天津市和平区", ["天津", "和平"]),
        ("南京江北新区新开工项目79个", ["南京"]),
        ("姜堰市", ["姜堰"]),
        ("南京南京南京", ["南京"]),
        # ordinary words and ambiguous names stay out
        ("新华社南京1月28日电", ["南京"]),
        ("新华日报记者", []),
        ("天津和平发展", ["天津"]),
        ("老城区和主城区", []),
        ("滨湖区域和江北区域", []),
        ("市中心", []),
        ("城中村改造", []),
        ("开发区", []),
        ("鼓楼", []),
        ("绿水青山就是金山银山", []),
        ("资源共享", []),
        ("躺平无为", []),
        ("以才兴业", []),
        ("长江都市圈", []),
        ("例如东部地区", []),
        ("中山大学", []),
        ("吉林", []),
        ("江苏省委", []),
        # a bare county name from a province the text does not touch is a coincidence
        ("南京:标准创新和知识产权保护", ["南京"]),
        ("苏州:区委书记罗德清表示", ["苏州"]),
        ("", []),
    ],
)
def test_places_in(gazetteer: Gazetteer, text: str, expected: list[str]) -> None:
    assert gazetteer.places_in(text) == expected


def test_find_places_tells_same_named_districts_apart(gazetteer: Gazetteer) -> None:
    nanjing = gazetteer.find_places("南京市鼓楼区")
    xuzhou = gazetteer.find_places("徐州市鼓楼区")
    assert [(p.name, p.city) for p in nanjing] == [("南京", "南京"), ("鼓楼", "南京")]
    assert [(p.name, p.city) for p in xuzhou] == [("徐州", "徐州"), ("鼓楼", "徐州")]
