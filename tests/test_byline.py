"""Table tests for source (来源), author/editor and credit-line recognition."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.extraction.authors import find_author
from crawler.extraction.blocks import TextPiece as P
from crawler.extraction.byline import find_source
from crawler.extraction.credits import is_credit_line
from crawler.extraction.names import is_person_name


def source_of(
    header: list[P] | None = None,
    trailer: list[P] | None = None,
    meta: dict[str, str] | None = None,
    jsonld: list[dict[str, Any]] | None = None,
    body_tail: list[str] | None = None,
) -> str | None:
    return find_source(
        meta=meta or {},
        jsonld=jsonld or [],
        header=header or [],
        trailer=trailer or [],
        body_tail=body_tail or [],
    )


def author_of(
    header: list[P] | None = None,
    trailer: list[P] | None = None,
    body_head: list[str] | None = None,
    body_tail: list[str] | None = None,
    meta: dict[str, str] | None = None,
    jsonld: list[dict[str, Any]] | None = None,
) -> str | None:
    return find_author(
        meta=meta or {},
        jsonld=jsonld or [],
        header=header or [],
        trailer=trailer or [],
        body_head=body_head or [],
        body_tail=body_tail or [],
    )


# --------------------------------------------------------------------------- source


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("来源：新华日报", "新华日报"),
        ("来源: 新华日报 作者：张三", "新华日报"),
        ("来源：新华日报 2023-01-29", "新华日报"),
        ("来源：新华日报2023-01-29 10:22", "新华日报"),
        ("2023-01-29 10:22 来源：新华日报 编辑：李四", "新华日报"),
        ("来源：新华日报编辑：李四", "新华日报"),
        ("来源：新华日报 | 编辑 张三", "新华日报"),
        ("来源：新华日报（记者 张三）", "新华日报"),
        ("来源：新华日报_NF4425", "新华日报"),
        ("来源：新京报记者 张三", "新京报"),
        ("来源：新华网", "新华网"),
        ("来源：《人民日报》", "人民日报"),
        ("来源：中国广州发布", "中国广州发布"),
        ("来源：澎湃新闻·澎湃号·政务", "澎湃新闻·澎湃号·政务"),
        ("来源：新浪财经-自媒体综合", "新浪财经-自媒体综合"),
        ("来源：Reuters News", "Reuters News"),
        ("来源 扬子晚报", "扬子晚报"),
        ("来源|广州参考、广州南沙发布、羊城晚报", "广州参考"),
        ("稿源：扬子晚报", "扬子晚报"),
        ("信息来源：省发改委", "省发改委"),
        ("本文来源：证券市场红周刊", "证券市场红周刊"),
        ("出处：人民网", "人民网"),
        ("转载自新华网", "新华网"),
        ("来源：网络", None),
        ("来源：本站原创", None),
        ("来源：", None),
        ("图片来源：视觉中国", None),
        ("（资料来源：参考消息、海外网等）", None),
        ("2019年02月20日 02:26:00 来自北京", None),
    ],
)
def test_source_label(line: str, expected: str | None) -> None:
    assert source_of(header=[P(line)]) == expected


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        (
            "163: label and outlet in separate elements",
            {
                "header": [
                    P("2019-09-07 13:43:45\u3000来源:", "post_time_source"),
                    P("证券市场红周刊", "ne_article_source post_time_source"),
                    P("举报", "post_jubao post_time_source"),
                ],
                "trailer": [P("本文来源：证券市场红周刊"), P("责任编辑：杨倩_NF4425")],
            },
            "证券市场红周刊",
        ),
        (
            "ifeng: 来源： then the outlet",
            {"header": [P("2019年11月25日 16:04:30"), P("来源："), P("澎湃新闻网"), P("1032")]},
            "澎湃新闻网",
        ),
        (
            "the first 来源 wins over a video caption's",
            {
                "header": [
                    P("2019-09-07 16:28:35 来源:"),
                    P("新京报", "ne_article_source"),
                    P("（来源：梨视频）"),
                ]
            },
            "新京报",
        ),
        (
            "ContentSource meta",
            {"meta": {"contentsource": "山西日报", "author": ""}},
            "山西日报",
        ),
        (
            "a header label beats the meta",
            {"header": [P("来源：长江网")], "meta": {"source": "本站"}},
            "长江网",
        ),
        (
            "sina: unlabelled piece whose class says source",
            {
                "header": [
                    P("2019年11月25日 18:57", "date date-source"),
                    P("参考消息", "source ent-source date-source"),
                    P("缩小字体", "tool-icon"),
                ],
                "meta": {"article:author": "参考消息"},
            },
            "参考消息",
        ),
        (
            "old sina: media_name",
            {"header": [P("2019年09月11日01:53", "pub_date artinfo"), P("新浪科技", "media_name")]},
            "新浪科技",
        ),
        (
            "ifeng 2022: publisher block before the date",
            {
                "header": [
                    P("中国新闻网", "sourcetitletext-3cwsuiol sourcetitle-2bea4nhz"),
                    P("下载客户端", "followtext-p_ih64hz"),
                    P("2019年02月20日 02:26:00 来自北京", "timebref-2lhnksft"),
                ]
            },
            "中国新闻网",
        ),
        (
            "wangyihao: 来源 closing the body beats the account next to the date",
            {
                "header": [
                    P("2019-05-17", "time"),
                    P("·", "point time"),
                    P("苏皖城市报道", "time"),
                ],
                "body_tail": ["平安出行，安全到家。", "来源：无锡交警"],
            },
            "无锡交警",
        ),
        (
            "trailer 本文来源",
            {
                "trailer": [
                    P("延伸阅读"),
                    P("本文来源：央视新闻客户端"),
                    P("责任编辑：化成雨_NBJ11143"),
                ]
            },
            "央视新闻客户端",
        ),
        (
            "JSON-LD publisher names the hosting site, not a credit",
            {
                "jsonld": [
                    {
                        "@type": "NewsArticle",
                        "publisher": {"@type": "Organization", "name": "扬子晚报"},
                    }
                ]
            },
            None,
        ),
        (
            "JSON-LD author that is an outlet, the platform as publisher",
            {
                "jsonld": [
                    {
                        "@type": "NewsArticle",
                        "author": {"@type": "Person", "name": "新华社"},
                        "publisher": {"@type": "Organization", "name": "今日头条"},
                    }
                ]
            },
            "新华社",
        ),
        (
            "toutiao: the account next to the date",
            {
                "header": [
                    P("原创", "original article-sub"),
                    P("南方都市报", "article-sub"),
                    P("2019-09-09 16:01:46", "article-sub"),
                ]
            },
            "南方都市报",
        ),
        (
            "baijiahao: the account, not the company that verified it",
            {
                "header": [
                    P("IT之家", "author-name author-txt"),
                    P("发布时间：09-30", "date article-source article-source-bjh"),
                    P("22:46", "time article-source article-source-bjh"),
                    P("青岛软媒网络科技有限公司", "account-authentication article-source"),
                ]
            },
            "IT之家",
        ),
        (
            "thepaper: reporter/outlet",
            {"header": [P("石佳/中国青年报", "news_about"), P("2019-09-24 09:10", "news_about")]},
            "中国青年报",
        ),
        (
            "thepaper: outlet alone before the date",
            {"header": [P("新华社", "news_about"), P("2020-01-03 18:13", "news_about"), P("字号")]},
            "新华社",
        ),
        (
            "a reporter next to the date: the outlet, never the reporter",
            {
                "header": [
                    P("澎湃新闻记者 贺梨萍", "news_about"),
                    P("2020-06-06 10:08", "news_about"),
                ]
            },
            "澎湃新闻",
        ),
        (
            "a repeated headline before the date is no source",
            {
                "header": [
                    P("债券市场是否存在泡沫？世界知名首席投资官们这么说"),
                    P("2019年09月09日 20:52"),
                ]
            },
            None,
        ),
        (
            "a bare personal name next to the date is no source",
            {"header": [P("2023-01-29 10:22"), P("张三")]},
            None,
        ),
        (
            "generic 来源 in the body's end is no source",
            {"header": [], "body_tail": ["来源：网络"]},
            None,
        ),
        ("nothing", {}, None),
    ],
)
def test_find_source(case: str, kwargs: dict[str, Any], expected: str | None) -> None:
    assert source_of(**kwargs) == expected, case


# --------------------------------------------------------------------------- author


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("作者：张三", "张三"),
        ("作者：上官云 宋宇晟", "上官云 宋宇晟"),
        ("记者 张三", "张三"),
        ("本报记者 张三 李四", "张三 李四"),
        ("新京报记者 陆一夫", "陆一夫"),
        ("新京报记者 陆一夫 编辑 刘晓阳 校对 李铭", "陆一夫"),
        ("澎湃新闻记者 段彦超 廖艳", "段彦超 廖艳"),
        ("澎湃新闻记者 贺梨萍", "贺梨萍"),
        ("本报记者 欧阳娜娜 上官云", "欧阳娜娜 上官云"),
        ("记者 王五 通讯员 赵六", "王五 赵六"),  # 通讯员 are named authors too (labelling rule)
        ("本报记者陆一夫报道", "陆一夫"),
        ("文/张三", "张三"),
        ("文|张三", "张三"),
        ("文 / 张三 图 / 李四", "张三"),
        ("撰文 张三", "张三"),
        ("张三/文", "张三"),
        ("采写：南都见习记者 林子沛", "林子沛"),
        ("原创： 路闻卓立编译 人民币交易与研究", "路闻卓立"),
        ("（记者 张三 李四）", "张三 李四"),
        ("记者 张三、李四", "张三 李四"),
    ],
)
def test_reporter_byline(line: str, expected: str) -> None:
    assert author_of(body_head=[line]) == expected
    assert author_of(header=[P(line)]) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("新京报讯（记者 陆一夫）11月25日，新京报记者登录拼多多全球购页面发现", "陆一夫"),
        ("新京报快讯（记者 裴剑飞）今日（12月28日）有网友爆料", "裴剑飞"),
        ("长江网10月4日讯（记者陈智 整合）", "陈智"),
        ("本报讯（记者 张三 通讯员 李四）昨天，全市…", "张三 李四"),
        # prose that only mentions a reporter
        ("记者从市发改委获悉，今年全市固定资产投资增长8%。", None),
        ("记者了解到，今年全市…", None),
        ("记者查询发现，今年全市…", None),
        ("记者近日试用某品牌5G手机发现，在高速行车中…", None),
        ("温先生对南都记者说，又像在喃喃自语。", None),
    ],
)
def test_reporter_in_first_paragraph(line: str, expected: str | None) -> None:
    assert author_of(body_head=[line]) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["山西品牌丝路行…南美站活动将先后在巴西、乌拉圭、阿根廷举行。（张巨峰）"], "张巨峰"),
        (["…实现轻松换新iPhone。(李楠)"], "李楠"),
        (["…总体全县投资结构趋稳趋优。（德清县发改局）"], None),
        (["…打造鼓励市民健身运动的公园。（BBC）"], None),
        (["…入市需谨慎。（完）"], None),
        (["…（应受访者要求，文中张严为化名。）"], None),
    ],
)
def test_trailing_name_byline(lines: list[str], expected: str | None) -> None:
    assert author_of(body_tail=lines) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("责任编辑：杨倩_NF4425", "杨倩"),
        ("责任编辑：杜硕_NB12556", "杜硕"),
        ("[责任编辑：韩保林 PK155]", "韩保林"),
        ("[责任编辑：刘斌]", "刘斌"),
        ("【编辑：姚昊】", "姚昊"),
        ("责任编辑：张迪", "张迪"),
        ("编辑|禤志杰", "禤志杰"),
        ("编辑 刘晓阳 校对 李铭", "刘晓阳"),
        ("责编：李跃群 校对：刘威", "李跃群"),
        ("编辑部供稿", None),
    ],
)
def test_editor_signature(line: str, expected: str | None) -> None:
    assert author_of(trailer=[P(line)]) == expected
    assert author_of(body_tail=[line]) == expected


@pytest.mark.parametrize(
    "line",
    [
        "每经记者 张蕊 摄",
        "图片来源：每经记者 张蕊 摄",
        "张蕊/摄",
        "资料图：市民在寒冷天气中出行。中新社记者 贾天勇 摄",
        "1860年的紫禁城照片。中新网记者 宋宇晟 翻摄",
        "图为启动仪式。（刘通摄）",
        "摄影：张三",
    ],
)
def test_photo_credit_names_no_author(line: str) -> None:
    assert author_of(body_head=[line], body_tail=[line]) is None


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        (
            "163: editor only",
            {
                "body_head": [
                    "（原标题：多地项目连环爆雷）",
                    "2019年，龙湖集团即将迎来赴港上市10周年。",
                ],
                "body_tail": [
                    "这需要龙湖给投资者作一个交代。",
                    "本文来源：证券市场红周刊 责任编辑：杨倩_NF4425",
                ],
            },
            "杨倩",
        ),
        (
            "163-3: photo credit in the body, editor at the end",
            {
                "body_head": ["图片来源：每经记者 张蕊 摄", "今天(9月7日)下午，…"],
                "trailer": [P("本文来源：每日经济新闻"), P("责任编辑：荀建国_NN7379")],
            },
            "荀建国",
        ),
        (
            "163-7: reporter before editors",
            {
                "body_head": ["新京报讯（记者 陆一夫）11月25日，新京报记者登录…"],
                "body_tail": ["…业务升级。", "新京报记者 陆一夫", "编辑 刘晓阳 校对 李铭"],
                "trailer": [P("本文来源：新京报"), P("责任编辑：姚立伟_NT6056")],
            },
            "陆一夫",
        ),
        (
            "cjn: reporter in the dateline, editor in the trailer",
            {
                "body_head": ["长江网10月4日讯（记者陈智 整合）", "国庆中秋长假过半…"],
                "trailer": [P("（资料来源：参考消息、海外网等）"), P("【编辑：姚昊】")],
            },
            "陈智",
        ),
        (
            "ifeng: reporter line in the header",
            {
                "header": [
                    P("2019年11月25日 16:04:30"),
                    P("来源："),
                    P("澎湃新闻网"),
                    P("澎湃新闻记者 段彦超 廖艳"),
                ],
                "body_tail": ["…有老师巡逻。", "（实习生王金茹对此文亦有贡献）"],
            },
            "段彦超 廖艳",
        ),
        (
            "thepaper: reporter/outlet beats the editor",
            {
                "header": [P("石佳/中国青年报", "news_about"), P("2019-09-24 09:10")],
                "trailer": [P("（原题为《是“收割韭菜”还是“回归理性”》）"), P("责任编辑：张珺")],
            },
            "石佳",
        ),
        (
            "baijiahao: an account name is not a person",
            {
                "header": [
                    P("加拿大必读", "author-name"),
                    P("发布时间：10-08"),
                    P("12:00"),
                    P("优质原创作者"),
                ]
            },
            None,
        ),
        (
            "trailer: 作者 label and name in separate elements",
            {"trailer": [P("作者："), P("上官云 宋宇晟")]},
            "上官云 宋宇晟",
        ),
        (
            "meta author only when it is a person",
            {
                "meta": {"author": "网易", "article:author": "新京报"},
                "trailer": [P("责任编辑：霍琦")],
            },
            "霍琦",
        ),
        ("meta author that is a person", {"meta": {"author": "张三"}}, "张三"),
        (
            "JSON-LD Person author",
            {"jsonld": [{"author": [{"@type": "Person", "name": "李四"}]}]},
            "李四",
        ),
        (
            "JSON-LD Organization author is not a person",
            {"jsonld": [{"author": {"@type": "Organization", "name": "王府井"}}]},
            None,
        ),
        ("nothing", {}, None),
    ],
)
def test_find_author(case: str, kwargs: dict[str, Any], expected: str | None) -> None:
    assert author_of(**kwargs) == expected, case


# --------------------------------------------------------------------------- credit lines


@pytest.mark.parametrize(
    "line",
    [
        "责任编辑：杨倩_NF4425",
        "（原标题：民警电话遭停机，靠拨打频次识别诈骗“智商感人）",
        "原标题：快讯！陈同佳刑满出狱，向潘晓颖家人鞠躬致歉",
        "本文原标题：《定了！广州南沙邮轮母港即将开通！》",
        "（原题为《是“收割韭菜”还是“回归理性”》）",
        "本文来源：证券市场红周刊",
        "本文来源：证券市场红周刊 责任编辑：杨倩_NF4425",
        "(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)",
        "【编辑：姚昊】",
        "[责任编辑：韩保林 PK155]",
        "澎湃新闻记者 段彦超 廖艳",
        "新京报记者 陆一夫 编辑 刘晓阳 校对 李铭",
        "编辑 刘晓阳 校对 李铭",
        "编辑|禤志杰",
        "（实习生王金茹对此文亦有贡献）",
        "转自《北京科技报》",
        "（摘自《人民日报》）",
        "来源：网络",
        "来源：无锡交警",
        "（完）",
        "完",
        "图片来自网络，如有侵权，请联系删除",
        "图片来自网络，如有侵权，请联系删除。",
        "采写：南都见习记者 林子沛",
        "作者：上官云 宋宇晟",
        "长江网10月4日讯（记者陈智 整合）",
        "本报记者陆一夫报道",
        "原创： 路闻卓立编译 人民币交易与研究",
        "（资料来源：参考消息、海外网等）",
        "（张巨峰）",
        "免责声明：自媒体综合提供的内容均源自自媒体，版权归原作者所有，转载请联系原作者并获许可。文章观点仅代表作者本人。",
        "图/pixabay",
        "图为山西品牌丝路行（南美站）启动仪式。（刘通摄）",
        "每经记者 张蕊 摄",
    ],
)
def test_is_credit_line(line: str) -> None:
    assert is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "记者从市发改委获悉，今年全市固定资产投资增长8%。",
        "记者 在现场看到，很多人排队。",
        "记者：您怎么看这次会议？",
        "新京报讯（记者 陆一夫）11月25日，新京报记者登录拼多多全球购页面发现，两家达成合作。",
        "新华社北京2月29日电 2月28日，国务院联防联控机制印发《通知》。",
        "来源于群众，服务群众。",
        "资金来源：财政拨款占六成，其余由社会资本筹集，项目将于年底完工并投入使用。",
        "编辑部的故事",
        "作者认为，这一政策将惠及全市。",
        "文化是城市的灵魂。",
        "他们正在进行拍摄",
        "（一）",
        "无锡宜兴:激励“四敢”燃新程",
        "",
    ],
)
def test_is_not_credit_line(line: str) -> None:
    assert not is_credit_line(line)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", True),
        ("陆一夫", True),
        ("欧阳娜娜", True),
        ("上官云", True),
        ("禤志杰", True),
        ("买买提·艾力", True),
        ("新华社", False),
        ("华龙网", False),
        ("华夏人文", False),
        ("中国网", False),
        ("德清县发改局", False),
        ("记者", False),
        ("了解到", False),
        ("张", False),
    ],
)
def test_is_person_name(name: str, expected: bool) -> None:
    assert is_person_name(name) is expected
