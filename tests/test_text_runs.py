"""Sentences of texts that break lines inside sentences, and the plan part of texts
that are not annual reports (issue 14).

The 莆田 crawler dumps print each run of an HTML paragraph on a line of its own
("今年我局主动公开的政府信息数" / "37件，其中…", "20" / "21年度"); their sentences are
whole only when those lines are joined. Other layouts keep their line breaks.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from scorer.load import load
from scorer.sentences import is_text_runs, plan_start, split_sentences

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


@lru_cache(maxsize=None)
def _doc(rel: str):
    return load(str(CORPORA / rel))


def _flat(rel: str) -> list[str]:
    return [s.flat for s in split_sentences(_doc(rel))]


@pytest.mark.parametrize("rel", [
    "reports2/304_putian_haiyangyuye_2021.txt",
    "reports2/308_putian_shenji_2025.txt",
    "reports2/348_putian_wenlv_2022.txt",
])
def test_putian_dumps_are_text_runs(rel: str) -> None:
    assert is_text_runs(_doc(rel).text, _doc(rel).format)


@pytest.mark.parametrize("rel", [
    "reports/011_pingtan_syq_2021.txt",  # one line per page
    "reports2/302_putian_chengguan_2022.txt",  # one paragraph per line
    "reports/004_shanghai_kewei_2024.md",
    "reports/001_huaian_hongzequ_2023.pdf",  # PDF lines wrap by width (_soft_wrap)
    "seeds/000_08bff46af6e18331.txt",
])
def test_other_layouts_are_not_text_runs(rel: str) -> None:
    assert not is_text_runs(_doc(rel).text, _doc(rel).format)


def test_runs_are_joined_into_sentences() -> None:
    flat = _flat("reports2/304_putian_haiyangyuye_2021.txt")
    # "今年我局主动公开的政府信息数" / "37件，其中…" on two lines of the dump
    assert any(t.startswith("今年我局主动公开的政府信息数37件，其中发展规划3件") for t in flat)
    # a year split over lines ("20" / "21") is whole again
    assert any("《2021年度政府信息公开工作年度报告》" in t for t in flat)
    # "二是" on a line of its own opens the item it names, "。" on its own ends a sentence
    assert "二是健全工作制度。" in flat
    # enumerated headings stay sentences of their own
    assert "（二）夯实信息公开平台渠道" in flat


def test_runs_keep_header_fields_and_headings_apart() -> None:
    flat = _flat("reports2/304_putian_haiyangyuye_2021.txt")
    assert "发布机构: 莆田市海洋与渔业局" in flat
    assert "栏目: 政府信息公开年报" in flat
    # the section heading is cut from the prose before and after it
    assert not any("一、总体情况2021年" in t for t in flat)


def test_run_joining_keeps_every_character() -> None:
    # nothing lost: joining changes where sentences end, not what they hold
    doc = _doc("reports2/308_putian_shenji_2025.txt")
    sents = split_sentences(doc)
    for s in sents:
        assert doc.text[s.span[0]:s.span[1]] == s.text
    # spans are in order and do not overlap
    assert all(a.span[1] <= b.span[0] for a, b in zip(sents, sents[1:]))


def test_a_pingtan_one_line_dump_is_split_as_before() -> None:
    # no line breaks inside its body: the same sentences with and without the rule
    flat = _flat("reports/021_pingtan_shichangjianguan_2023.txt")
    assert any(t.startswith("政策解读的形式还不够丰富") for t in flat)


def test_plan_part_of_a_government_work_report() -> None:
    doc = _doc("negatives/399_putian_zhengfugongzuobaogao_2025.txt")
    start = plan_start(doc)
    assert start is not None and doc.text[start:].lstrip().startswith("2025年工作安排")
    sents = split_sentences(doc)
    before = [s for s in sents if s.span[0] < start]
    after = [s for s in sents if s.span[0] >= start]
    assert before and after
    assert not any(s.improvement for s in before)
    assert all(s.improvement for s in after)


def test_annual_reports_have_no_plan_part() -> None:
    # a report states its plans in 五 (improvement_start), never by a work-plan heading
    assert plan_start(_doc("reports2/304_putian_haiyangyuye_2021.txt")) is None
    assert plan_start(_doc("reports/011_pingtan_syq_2021.txt")) is None
