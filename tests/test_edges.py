"""What is cut from the ends of a body: one parametrize table per rule, then whole bodies."""

from __future__ import annotations

import pytest

from crawler.extraction.blocks import Block
from crawler.extraction.credits import closing_credit_start
from crawler.extraction.edges import is_caption, is_info_line, is_related_label, trim_body

PROSE = "会议强调，要以更大力度抓项目、促投资，全年新开工亿元以上产业项目不少于三百个。"
P = [f"第{i}段：{PROSE}" for i in range(1, 5)]  # four different paragraphs


@pytest.mark.parametrize(
    ("text", "after_media", "caption"),
    [
        ("姚明场边支招周琦。视频截图", True, True),
        ("“救命啊SOS”纸团。沙坪坝区公安分局供图 华龙网", True, True),
        ("共享充电宝。视觉中国 资料", True, True),
        ("图为山西品牌丝路行（南美站）启动仪式。（刘通摄）", True, True),
        ("会议现场", True, True),  # short and unpunctuated under a picture
        ("会议现场", False, False),  # the same words with no picture above are text
        (PROSE, True, False),  # a sentence after a picture is the article
        ("小屏幕里看大长春", False, False),
    ],
)
def test_is_caption(text: str, after_media: bool, caption: bool) -> None:
    assert is_caption(Block(text, after_media=after_media)) is caption


@pytest.mark.parametrize(
    ("text", "info"),
    [
        ("2023年1月29日 10:22稿源：无锡日报作者：陈晨阅读：2,301", True),
        ("2019-09-18 06:23", True),
        ("发布时间：2023-01-29 来源：常州日报 浏览次数：1024", True),
        ("2023年1月29日，无锡召开全市“新春第一会”。", False),  # a sentence with a date
        ("锡城新闻", False),
        ("5月20日至31日，", False),  # no year, no time of day
    ],
)
def test_is_info_line(text: str, info: bool) -> None:
    assert is_info_line(text) is info


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("延伸阅读", True),
        ("延伸 · 推荐", True),
        ("相关新闻：", True),
        ("【相关阅读】", True),
        ("点击进入专题：", True),
        ("往期回顾", True),
        ("相关新闻显示，今年全市经济运行平稳。", False),
        ("推荐", False),
    ],
)
def test_is_related_label(text: str, label: bool) -> None:
    assert is_related_label(text) is label


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "南美站活动将先后在巴西、乌拉圭、阿根廷举行。（张巨峰）",
            "南美站活动将先后在巴西、乌拉圭、阿根廷举行。",
        ),
        ("实现轻松换新iPhone。(李楠)", "实现轻松换新iPhone。"),
        ("总体全县投资结构趋稳趋优。（德清县发改局）", "总体全县投资结构趋稳趋优。"),
        ("重启量化宽松。（完）", "重启量化宽松。"),
        ("作者表示感谢。（上官云 宋宇晟）", "作者表示感谢。"),
        ("陆续修建了400多座“老年人运动场”。（BBC）", None),  # an outlet quoted in the text
        ("会议在南京召开（图）", None),  # no sentence before the bracket
        ("他说：“我们会继续努力。”（完整报道见第二版）", None),
    ],
)
def test_closing_credit_start(text: str, kept: str | None) -> None:
    cut = closing_credit_start(text)
    assert (text[:cut] if cut is not None else None) == kept


def _body(
    *texts: str,
    media: tuple[int, ...] = (),
    linked: tuple[int, ...] = (),
    after_links: tuple[int, ...] = (),
) -> list[Block]:
    return [
        Block(t, after_media=i in media, linked=i in linked, after_links=i in after_links)
        for i, t in enumerate(texts)
    ]


TITLE = "姚明对周琦说了啥？周琦上下半场判若两人"


@pytest.mark.parametrize(
    ("blocks", "kept", "credits"),
    [
        pytest.param(
            _body(
                "（原标题：姚明对周琦说了啥？周琦上下半场判若两人）",
                "姚明对周琦说了啥？大魔王上下半场判若两人",
                "姚明场边支招周琦。视频截图",
                PROSE,
                media=(2,),
            ),
            [PROSE],
            # a caption closing with its credit (视频截图) reads as a credit line too
            ["（原标题：姚明对周琦说了啥？周琦上下半场判若两人）", "姚明场边支招周琦。视频截图"],
            id="original-title-video-title-caption",
        ),
        pytest.param(
            _body(
                PROSE,
                PROSE,
                "延伸 · 推荐",
                "近日，四川江油一社区女民警平均日拨100余个电话。",
                "本文来源：新京报 责任编辑：史建磊_NBJ11331",
            ),
            [PROSE, PROSE],
            ["本文来源：新京报 责任编辑：史建磊_NBJ11331"],
            id="related-box-at-the-end",
        ),
        pytest.param(
            _body("新酷产品第一时间免费试玩", "相关新闻：", PROSE, PROSE, PROSE),
            [PROSE, PROSE, PROSE],
            [],
            id="related-box-at-the-start",
        ),
        pytest.param(
            _body(
                PROSE * 3,
                "这么高大上的邮轮母港开始搓搓手了！！！",
                "编辑|禤志杰",
                "责编|陈梦莹",
                "1、回复【公租房】查看最新消息",
                "点击菜单栏【便民服务】解锁更多服务！",
            ),
            [PROSE * 3, "这么高大上的邮轮母港开始搓搓手了！！！"],
            ["编辑|禤志杰", "责编|陈梦莹"],
            id="menu-after-closing-credits",
        ),
        pytest.param(
            _body(
                PROSE, "说完这些话后，陈同佳上车离开了现场。", "点击进入专题：", "责任编辑：吴金明"
            ),
            [PROSE, "说完这些话后，陈同佳上车离开了现场。"],
            ["责任编辑：吴金明"],
            id="link-lead-in-and-editor",
        ),
        pytest.param(
            _body(
                P[0],
                P[1],
                "推荐阅读",
                "·某地新闻标题（05-18）",
                "·另一条标题",
                P[2],
                P[3],
                linked=(3, 4),
            ),
            [P[0], P[1], P[2], P[3]],
            [],
            id="related-box-in-mid-article-out-the-article-goes-on",
        ),
        pytest.param(
            _body(
                P[0],
                P[1],
                "推荐阅读",
                P[2],
                P[3],
                "相关报道：",
                "·某地新闻标题",
                after_links=(3,),
                linked=(6,),
            ),
            [P[0], P[1], P[2], P[3]],
            [],
            id="box-whose-links-were-left-out-then-a-box-at-the-end",
        ),
        pytest.param(
            _body(P[0], P[1], "相关链接", P[2], P[3]),
            [P[0], P[1], "相关链接", P[2], P[3]],
            [],
            id="a-label-with-no-links-under-it-drops-nothing",
        ),
        pytest.param(
            _body(PROSE, "（张三 摄）", PROSE),
            [PROSE, "（张三 摄）", PROSE],
            [],
            id="a-credit-in-the-middle-stays",
        ),
    ],
)
def test_trim_body(blocks: list[Block], kept: list[str], credits: list[str]) -> None:
    out = trim_body(blocks, TITLE)
    assert [b.text for b in out.blocks] == kept
    assert [*out.head_credits, *out.tail_credits] == credits
