"""The outline audit (scorer/outline.py, rule S-outline) on real corpus documents:
each kind of defect fires where a report has it and stays quiet on clean reports,
warnings cost one small deduction together, wording variants cost nothing, and the
audit never changes the sections found or the tables read.

Three kinds have no real case in the corpus (two numbering systems, a heading
without its numeral, a statutory heading printed twice): they are tested on a real
report (305, 莆田市科学技术局 2024) with that one heading changed.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from scorer.load import load
from scorer.outline import audit_outline
from scorer.pipeline import Upload, check, score_document

from .conftest import CORPORA


def _path(name: str) -> Path:
    return next(p for p in sorted(CORPORA.glob("*/*")) if p.name.startswith(name))


@lru_cache(maxsize=None)
def checked(name: str):
    return check(str(_path(name)), require_report=False)


def outline(name: str) -> list:
    return [f for f in checked(name).findings if f.id == "S-outline"]


def kinds(findings: list) -> list[tuple[str, str]]:
    return [(dict(f.numbers)["kind"], f.severity) for f in findings]


def _variant(old: str, new: str, name: str = "305_putian_keji_2024") -> list:
    """S-outline findings of a real report with one heading changed."""
    text = _path(name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    got = check(Upload(f"{name}_variant.txt", text.replace(old, new).encode("utf-8")))
    return [f for f in got.findings if f.id == "S-outline"]


# --------------------------------------------------------------------------- quiet


@pytest.mark.parametrize("name", [
    "305_putian_keji_2024", "313_putian_tongji_2021",  # 313: 总体情况 with six sub-items
    "302_putian_chengguan_2022", "311_putian_minzongju_2020",  # 311: headings broken over lines
    "309_putian_linye_2019", "354_pingtan_caizhengjinrong_2021",  # 354: no 六 (S-section-missing's)
    "360_pingtan_nongyenongcun_2019", "362_pingtan_zonghezhifa_2019",
    "014_pingtan_syq_2024", "029_pingtan_xingzhengshenpi_2024",  # 029: 四 with 与 for 、
    "037_pingtan_ziranziyuan_2023", "001_huaian_hongzequ_2023", "002_7c96ac5b",
])
def test_clean_outlines_stay_quiet(name: str) -> None:
    assert outline(name) == []


def test_a_heading_taken_from_the_opening_sentence_is_not_the_printed_one() -> None:
    # 303: a crawler put "总体情况" of the opening sentence on a line of its own and the
    # section detector took it; the printed heading is "一、总体情况" (line 50)
    doc = checked("303_putian_haiyangyuye_2019").document
    assert doc.section("overview").heading == "总体情况"
    heading = audit_outline(doc.text, doc.sections).statutory["overview"]
    assert (heading.printed, heading.system, heading.ordinal) == ("一、总体情况", "一、", 1)
    assert doc.line_at(heading.start) == 50
    assert kinds(outline("303_putian_haiyangyuye_2019")) == [("renamed", "info")]


@pytest.mark.parametrize("name", [p.name for p in sorted((CORPORA / "negatives").iterdir())
                                  if p.suffix != ".csv"])
def test_not_a_report_gets_no_outline_finding(name: str) -> None:
    got = checked(name.split(".")[0])
    assert got.document.kind != "report"
    assert outline(name.split(".")[0]) == []


# --------------------------------------------------------------------------- 004 上海市科委


def test_004_subtopics_numbered_as_sections_shift_the_statutory_ordinals() -> None:
    found = outline("004_shanghai_kewei_2024")
    assert kinds(found) == [("subtopic", "warning"), ("shifted", "warning"), ("missing_heading", "warning")]
    sub, shifted, missing = found
    for heading, line in [("二、工作机制保障", 23), ("三、主动公开工作情况", 30), ("四、政府信息公开申请情况", 41),
                          ("五、政府信息管理", 48), ("六、政府信息公开平台建设", 55)]:
        assert f"“{heading}”（第{line}行）" in sub.message
    for heading, line, want in [("一、主动公开政府信息情况", 73, "二"), ("二、收到和处理政府信息公开申请情况", 91, "三"),
                                ("三、政府信息公开行政复议、行政诉讼情况", 180, "四"), ("五、其他需要报告的事项", 205, "六")]:
        assert f"“{heading}”（第{line}行）应为“{want}、”" in shifted.message
    assert "“（一）主要问题”" in missing.message and "五、存在的主要问题及改进情况" in missing.message
    assert {f.cells for f in found} == {("outline",)}


def test_004_outline_facts() -> None:
    doc = checked("004_shanghai_kewei_2024").document
    o = audit_outline(doc.text, doc.sections)
    printed = [(doc.line_at(h.start), h.numeral, h.key) for h in o.headings]
    assert printed[:3] == [(13, "一、", "overview"), (23, "二、", None), (30, "三、", None)]
    assert (192, "（一）", "problems") in printed and (205, "五、", "other") in printed


def test_004_outline_costs_one_small_deduction_and_is_located_by_line() -> None:
    r = score_document(_path("004_shanghai_kewei_2024"))
    c = next(c for c in r.criteria if c.id == "statutory_sections")
    assert c.points == pytest.approx(c.weight - 1.0)  # 8 × 0.25 × 0.5, once for three warnings
    locs = [f.location for f in r.findings if f.id == "S-outline"]
    assert locs == ["报告提纲，第23行", "报告提纲，第73行", "报告提纲，第192行"]
    assert "报告提纲（章节编号、标题）不规范" in c.explanation


# --------------------------------------------------------------------------- wording


@pytest.mark.parametrize("name, part, printed", [
    ("303_putian_haiyangyuye_2019", "第五部分", "五、政府信息公开工作存在的主要问题及改进措施"),
    ("364_pingtan_nongyenongcun_2021", "第六部分", "六、需要说明的其他事项与附表"),
    ("026_pingtan_nongyenongcun_2022", "第六部分", "六、需要说明的其他事项与附表"),
    ("020_pingtan_gongan_2024", "第五部分", "五、存在的主要问题及明年工作计划"),
    ("363_pingtan_shehuishiye_2025", "第四部分", "四、政府信息公开行政法复议、行政诉讼情况"),
])
def test_reworded_headings_are_info(name: str, part: str, printed: str) -> None:
    found = outline(name)
    assert kinds(found) == [("renamed", "info")]
    assert f"{part}的标题为“{printed}”" in found[0].message


def test_reworded_headings_cost_nothing() -> None:
    r = score_document(_path("364_pingtan_nongyenongcun_2021"))
    c = next(c for c in r.criteria if c.id == "statutory_sections")
    assert c.verdict == "met" and c.points == c.weight


def test_trailing_full_stop_in_a_heading() -> None:
    # 348: only its headings are read here
    found = outline("348_putian_wenlv_2022")
    assert kinds(found) == [("renamed", "info")]
    assert "“三、行政机关收到和处理政府信息公开申请情况。”" in found[0].message
    assert "末尾不加标点" in found[0].message


def test_an_unrecognised_heading_is_the_cause_of_the_missing_section() -> None:
    # 322 with 六 reworded beyond every known variant ("六、其他应说明事项" itself is
    # section 六): the section detector does not know the words, so S-section-missing
    # names 六, and the outline audit quotes the heading: one defect, charged once
    name = "322_putian_shuili_2024"
    text = _path(name).read_text(encoding="utf-8").replace("六、其他应说明事项", "六、其他说明")
    upload = Upload(f"{name}_variant.txt", text.encode("utf-8"))
    got = check(upload).findings
    missing = [f for f in got if f.id == "S-section-missing"]
    renamed = [f for f in got if f.id == "S-outline" and "六、其他说明" in f.message]
    assert [f.where for f in missing] == ["section:other"]
    assert len(renamed) == 1 and renamed[0].cells == missing[0].cells == ("section:other",)
    assert "缺少法定章节" in renamed[0].message
    scored = score_document(upload)
    c = next(c for c in scored.criteria if c.id == "statutory_sections")
    assert c.points == pytest.approx(c.weight - 2.0)  # the missing section's one deduction
    # the real page has all six sections and is not charged
    real = next(c for c in score_document(_path(name)).criteria if c.id == "statutory_sections")
    assert real.points == real.weight


def test_doubled_numeral_in_353() -> None:
    found = outline("353_pingtan_caizhengjinrong_2019")
    assert kinds(found) == [("doubled", "info")]
    assert "“三三、本年度办理结果”，应为“三、”" in found[0].message
    assert found[0].location is None  # set when scored; the message quotes the heading


# --------------------------------------------------------------------------- variants of a real report


def test_two_numbering_systems() -> None:
    found = _variant("三、收到和处理政府信息公开申请情况", "（三）收到和处理政府信息公开申请情况")
    assert kinds(found) == [("two_systems", "warning")]
    assert "“（三）收到和处理政府信息公开申请情况”（第49行）用“（一）”式" in found[0].message


def test_heading_without_its_numeral() -> None:
    found = _variant("四、政府信息公开行政复议、行政诉讼情况", "政府信息公开行政复议、行政诉讼情况")
    assert kinds(found) == [("no_ordinal", "warning")]
    assert "“政府信息公开行政复议、行政诉讼情况”缺少序号" in found[0].message


def test_statutory_heading_printed_twice() -> None:
    text = "五、存在的主要问题及改进情况"
    found = _variant(text, text + "\n" + text)
    assert kinds(found) == [("duplicated", "warning")]
    assert "第151行" in found[0].message and "第152行" in found[0].message


def test_audit_changes_neither_sections_nor_tables() -> None:
    for name in ("004_shanghai_kewei_2024", "322_putian_shuili_2024", "353_pingtan_caizhengjinrong_2019"):
        doc = load(str(_path(name)))
        got = checked(name)
        assert got.document.sections == doc.sections
        from scorer.tables import extract_tables

        assert got.tables.to_dict() == extract_tables(doc).to_dict()


def test_table_of_contents_is_not_a_second_outline() -> None:
    # the section detector takes the contents' entries; the body's headings are not
    # "printed twice", and the audit reads those
    heads = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    toc = "目录\n" + "".join(f"{h}……………………{n}\n" for n, h in enumerate(heads, 1))
    assert _variant("一、总体情况", toc + "一、总体情况") == []


def test_a_one_line_dump_says_which_outline_checks_did_not_run() -> None:
    # 021 is a 平潭 crawler dump on one line: the checks that need a heading's line
    # cannot run there, and the memo says so rather than passing them silently
    from scorer.explain import OUTLINE_UNLINED_NOTE

    assert OUTLINE_UNLINED_NOTE in checked("021_pingtan_shichangjianguan_2023").document.notes
    assert OUTLINE_UNLINED_NOTE not in checked("305_putian_keji_2024").document.notes
