"""Modality/polarity and quantity recognisers on real corpus sentences."""
from __future__ import annotations

import pytest

from scorer.evidence.modality import judge_modality
from scorer.evidence.quantities import cn_number, extract_counts, extract_months


def _judge(text: str, kw: str, year: int, section: str | None = None, improvement: bool = False) -> str:
    i = text.index(kw)
    return judge_modality(text, ((i, i + len(kw)),), report_year=year, section=section,
                          improvement=improvement).modality


@pytest.mark.parametrize(
    "text, kw, year, section, improvement, expected",
    [
        # seed 001 (a 2022 work plan)
        ("拟于 2022 年 6-7 月公共机构节能周期间，举办开放日活动", "开放日", 2022, None, False, "planned"),
        # seed 000
        ("3、新闻发布情况:认真参与区委宣传部组织的新闻发言人培训,规范新闻发布的流程,本年度未召开新闻发布会。", "新闻发布会", 2021, "overview", False, "denied"),
        ("为推进政策决策过程公开,2021年,邀请相关利益第三方列席有关会议,年内共2次。", "列席", 2021, "other", False, "done"),
        ("对松江机关事务近年来发布的关于办公用房管理、公务用车管理等方面的政策文件,进一步扩大政策解读传播面,要通过上海松江、区门户网站和新媒体平台转发转载,提高政策到达率和知晓度。", "新媒体", 2021, "other", False, "planned"),
        # 076 (2022 report), section 五
        ("2023年，我局将进一步加强政务公开管理工作，坚持以公开为常态、不公开为例外，拓宽信息公开渠道，进一步丰富信息公开工作内容,加大政策解读力度,促进政策解读形式多样化，提高政策解读内容质量。", "解读", 2022, "problems", True, "planned"),
        # 022: denial of forms in 五, improvement plans, the fee statement
        ("三是政策解读不规范，未提供政策咨询方式，解读方式以文字解读为主，未运用图表、动画、音频、视频等趣味性形式开展解读；", "视频", 2022, "problems", False, "denied"),
        ("一是继续组织人员培训，提高业务水平，继续加强对政府网站栏目更新情况的监管，根据省上要求不断优化栏目设置，提高栏目更新率。", "培训", 2022, "problems", True, "planned"),
        ("2022年度我局未产生信息公开处理费。", "信息公开处理费", 2022, "other", False, "denied"),
        # 022 overview: 将 as preposition elsewhere in the text is not a plan
        ("为做好政府信息公开工作，我局由局办公室牵头，组织各处室经办人员展开研讨培训，明确栏目分工及各处室职责", "培训", 2022, "overview", False, "done"),
        ("2021年,松江区机管局紧紧围绕区委、区政府决策部署,将政务公开工作摆上重要位置,并作为建章立制的重要内容,开展政策解读", "解读", 2021, "overview", False, "done"),
        # 086: last year's problems fixed, in section 五 but done
        ("我局针对2020年政府信息公开工作中存在的问题，采取措施，扎实改进。", "问题", 2021, "problems", False, "done"),
        # 011: a shortcoming is not a deed
        ("政策解读形式不够丰富，未能充分运用数字化、图表图解等方式通俗易懂地解读政策文件。", "政策解读", 2021, "problems", False, "other"),
    ],
)
def test_modality_on_corpus_sentences(text, kw, year, section, improvement, expected) -> None:
    assert _judge(text, kw, year, section, improvement) == expected


def test_unrelated_negation_does_not_deny() -> None:
    # 001 洪泽: "未经审核" is not a denial of publishing; 000: 未发生泄密 is about leaks
    text = "严格执行“分级审核、先审后发”程序,落实“三审三校”制度,从严从实把好政治关、法律关、政策关、保密关、文字关,未经审核的信息一律不准发布。"
    assert _judge(text, "三审三校", 2023, "overview") == "done"
    text2 = "全年无一例因政府信息公开引起的投诉，及时回应关切。"
    assert _judge(text2, "回应关切", 2022, "overview") == "done"


def test_future_year_marks_plan_only_after_report_year() -> None:
    text = "2023年将丰富解读形式"
    assert _judge(text, "解读", 2022) == "planned"
    assert _judge("2023年，我局丰富解读形式，制作图解3期。", "图解", 2023) == "done"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("为推进政策决策过程公开,2021年,邀请相关利益第三方列席有关会议,年内共2次。", [(2, "次")]),
        ("同时，围绕海防、反诈、禁毒、交通安全等职责业务，全年召开新闻发布会2场、媒体见面会9场，开展局长微访谈、做客电台等活动5次", [(2, "场"), (9, "场"), (5, "次")]),
        ("制作宣传折页10000张进行发放宣传;把“一网通办”五周年宣传活动和“政府开放日”活动紧密结合,线下集中开展2场宣传解读活动", [(2, "场")]),
        ("组织开展政务公开业务培训两次，参训120人次。", [(2, "次"), (120, "人次")]),
        ("决策文件出台后10个工作日内公开意见采纳情况", []),
        ("全年组织4次政府信息公开栏目全覆盖检查", [(4, "次")]),
    ],
)
def test_counts(text, expected) -> None:
    assert [(q.number, q.unit) for q in extract_counts(text)] == expected


def test_months_and_chinese_numerals() -> None:
    assert [m.months for m in extract_months("在2021年6-7月公共机构节能周期间,举办“绿色机管 活力后勤”开放日活动")] == [(6, 7)]
    assert extract_months("在2021年6-7月公共机构节能周期间")[0].year == 2021
    assert [m.months for m in extract_months("探索线上+线下，办好“后勤管家开放日”政府开放日活动。8月份")] == [(8,)]
    assert [m.months for m in extract_months("八月举办政府开放月活动")] == [(8,)]
    assert extract_months("3个月内完成") == []
    assert (cn_number("两"), cn_number("三"), cn_number("十二"), cn_number("二十")) == (2, 3, 12, 20)
