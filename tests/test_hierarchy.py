"""Hierarchy on real 平潭 reports of 2021: the region's report (011) and departments,
one department of the hierarchy file deliberately left out of the batch. The
workbook (openpyxl) and summary.html list it as 未发布年报 and show the region's counts
next to its departments' sum, as information, never as an error."""
from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from scorer.batch import run_batch
from scorer.cli import cli
from scorer.errors import ManifestError
from scorer.hierarchy import (COMPARE_HEADER, HIERARCHY_SHEETS, MISSING_HEADER, STATUS_LABELS, hierarchy_report,
                              read_hierarchy)

from .conftest import CORPORA

REGION = "平潭综合实验区"
DEPTS = {  # in the batch
    "平潭综合实验区自然资源与生态环境局": CORPORA / "reports" / "023_pingtan_ziranziyuan_2021.txt",
    "平潭综合实验区旅游与文化体育局": CORPORA / "reports" / "028_pingtan_lvyouwenti_2021.txt",
    "平潭综合实验区社会事业局": CORPORA / "reports" / "073_pingtan_shehuishiye_2021.txt",  # 2019 tables in 2021
    "平潭综合实验区交通与建设局": CORPORA / "reports" / "079_pingtan_jiaotongjianshe_2021.txt",
}
LEFT_OUT = "平潭综合实验区市场监督管理局"  # its 2021 report (reports2/351) is not in the first batch
LEFT_OUT_FILE = CORPORA / "reports2" / "351_pingtan_shichangjianguan_2021.txt"
NOT_YET = "平潭综合实验区投资促进局"  # listed from 2024 on: not expected for 2021

HIERARCHY = (
    "government,agency,from_year,to_year,备注\n"
    + "".join(f"{REGION},{a},,,\n" for a in DEPTS)
    + f"{REGION},{LEFT_OUT},2019,,\n"
    + f"{REGION},{NOT_YET},2024,,新设\n"
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hier")
    hier = tmp / "hierarchy.csv"
    hier.write_text(HIERARCHY, encoding="utf-8")
    out = tmp / "out"
    files = [CORPORA / "reports" / "011_pingtan_syq_2021.txt", *DEPTS.values()]
    report = run_batch([str(p) for p in files], "core", out, jobs=1, formats=("json", "html"), hierarchy=hier)
    assert report.ok
    results = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))]
    return out, hier, {r["document"]["agency"]: r for r in results}


def _rows(wb, kind):
    return list(wb[HIERARCHY_SHEETS[kind]].iter_rows(values_only=True))


def test_missing_department_is_listed(batch):
    out, _, results = batch
    assert set(results) == {REGION, *DEPTS}
    wb = load_workbook(out / "scores.xlsx")
    assert wb.sheetnames[-2:] == list(HIERARCHY_SHEETS.values())
    rows = _rows(wb, "missing")
    assert "2021" in rows[0][0] and "hierarchy.csv" in rows[0][0]
    assert rows[1] == MISSING_HEADER
    # only the department left out; not the one set up in 2024, not anyone with a report
    assert [r[:3] for r in rows[2:]] == [(2021, REGION, LEFT_OUT)]
    assert rows[2][3] == "无年度报告"
    ws = wb[HIERARCHY_SHEETS["missing"]]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2"


def _cell(result, path):
    table, row, col = path.split(".")
    v = ((result["tables"].get(table) or {}).get(row) or {}).get(col)
    return v


def test_region_compared_with_its_departments(batch):
    out, _, results = batch
    wb = load_workbook(out / "scores.xlsx")
    rows = _rows(wb, "compare")
    assert "汇总" in rows[0][0] and "不作为错误" in rows[0][0]  # what is compared and why
    assert rows[1] == COMPARE_HEADER
    body = {r[2]: r for r in rows[2:]}
    assert all(r[0] == 2021 and r[1] == REGION for r in body.values())
    region = results[REGION]
    deps = [results[a] for a in DEPTS]
    new = body["表三 一、本年新收政府信息公开申请数量（总计列）"]
    want = sum(_cell(d, "requests.new.total") for d in deps)
    assert new[3] == _cell(region, "requests.new.total") == 70
    assert new[4] == want and new[5] == f"{len(deps)}/{len(DEPTS) + 1}"  # + the department left out
    assert new[6] == STATUS_LABELS["consistent"] and "1个部门无年报" in new[7]
    # the 2021 report in the 2019 format has no 2021 表二 cells: counted out where absent
    lic = body["表二 行政许可 本年处理决定数量"]
    with_cell = [d for d in deps if _cell(d, "proactive.licensing.decisions") is not None]
    assert lic[4] == sum(_cell(d, "proactive.licensing.decisions") for d in with_cell)
    assert lic[5] == f"{len(with_cell)}/{len(DEPTS) + 1}" and len(with_cell) < len(deps)
    # the region aggregates: 表四 行政复议 3 is the 自然资源与生态环境局's 3
    rev = body["表四 行政复议（总计列）"]
    assert rev[3] == rev[4] == 3
    # on the real reports nothing is smaller, and nothing is ever called an error
    assert {r[6] for r in body.values()} <= {STATUS_LABELS["consistent"], STATUS_LABELS["unchecked"]}
    assert not any("错误" in str(v) for r in rows[2:] for v in r)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def test_summary_has_both_sections(batch):
    out, _, _ = batch
    html = (out / "summary.html").read_text(encoding="utf-8")
    p = _Text()
    p.feed(html)
    text = "".join(p.parts)
    assert "未发布年报" in text and "上下级核对" in text
    after = text[text.index("未发布年报"):]
    assert LEFT_OUT in after and NOT_YET not in after
    assert "国办公开办函〔2021〕30号" in text and "待核对" in text  # the basis, saying what 待核对 means
    assert "一、本年新收政府信息公开申请数量" in text


def test_smaller_government_figure_is_to_check_not_an_error(batch):
    _, hier, results = batch
    tree = read_hierarchy(hier)
    region = copy.deepcopy(results[REGION])
    region["tables"]["requests"]["new"]["total"] = 10  # fewer than its departments' 23
    rep = hierarchy_report(tree, [region, *(results[a] for a in DEPTS)])
    row = next(r for r in rep.comparisons if r[2].startswith("表三 一、"))
    assert row[3] == 10 and row[4] > 10
    assert row[6] == STATUS_LABELS["check"] == "待核对" and "少于" in row[7]
    assert rep.to_check == 1
    # scores are untouched: the report is built from the results, it changes none of them
    assert region["score"] == results[REGION]["score"]


def test_second_batch_into_the_same_store_fills_the_gap(batch, tmp_path):
    out, hier, _ = batch
    # the store is the one of the first batch: the left-out department's report is added
    again = run_batch([str(LEFT_OUT_FILE)], "core", tmp_path / "out2", jobs=1, formats=("json",),
                      store=out / "results.sqlite", hierarchy=hier)
    assert again.ok
    wb = load_workbook(tmp_path / "out2" / "scores.xlsx")
    assert _rows(wb, "missing")[2:] == []
    new = next(r for r in _rows(wb, "compare")[2:] if r[2].startswith("表三 一、"))
    assert new[5] == f"{len(DEPTS) + 1}/{len(DEPTS) + 1}"


def test_without_hierarchy_no_extra_sheets(batch, tmp_path):
    out, _, _ = batch
    run_batch([str(CORPORA / "reports" / "028_pingtan_lvyouwenti_2021.txt")], "core", tmp_path, jobs=1,
              formats=("json",))
    wb = load_workbook(tmp_path / "scores.xlsx")
    assert not set(HIERARCHY_SHEETS.values()) & set(wb.sheetnames)
    assert "未发布年报" not in (tmp_path / "summary.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("body,expected", [
    ("", "层级清单是空的"),
    ("government,name\n甲,乙\n", "缺少列 agency"),
    ("government,agency\n甲,\n", "第2行 agency 为空"),
    ("government,agency,from_year\n甲,乙,21年\n", "第2行 from_year“21年”不是有效年份"),
    ("government,agency,from_year,to_year\n甲,乙,2023,2021\n", "第2行 from_year 2023 晚于 to_year 2021"),
    ("government,agency\n甲,乙\n丙,乙\n", "第3行 乙 在同一年度既属于甲（第2行）又属于丙"),
    ("government,agency\n甲,乙\n甲,乙\n", "第3行 乙 与第2行重复"),
    ("government,agency\n甲,甲\n", "第2行 甲 不能是自己的所属部门"),
    ("government,agency\n甲,乙\n乙,丙\n丙,甲\n", "层级成环"),
    ("government,agency\n甲,乙,丙\n", "第2行有3列，表头只有2列"),
])
def test_bad_hierarchy_file_one_chinese_line(tmp_path, body, expected):
    f = tmp_path / "h.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        read_hierarchy(f)
    msg = str(err.value)
    assert expected in msg and str(f) in msg and "\n" not in msg


def test_every_bad_row_is_named_at_once(tmp_path):
    # an evaluator fixes the file once, not once per run
    f = tmp_path / "h.csv"
    f.write_text("government,agency,from_year\n甲,,\n甲,乙,21年\n甲,丙,\n丁,丙,\n戊,戊,\n甲,己,\n", encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        read_hierarchy(f)
    msg = str(err.value)
    assert "\n" not in msg
    for part in ("第2行 agency 为空", "第3行 from_year“21年”不是有效年份", "第5行 丙 在同一年度既属于甲（第4行）又属于丁",
                 "第6行 戊 不能是自己的所属部门"):
        assert part in msg, part
    assert "第7行" not in msg  # a good row is not a problem


def test_a_long_list_of_problems_is_counted(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("government,agency\n" + "甲,\n" * 30, encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        read_hierarchy(f)
    msg = str(err.value)
    assert msg.count("为空") == 20 and "等共30处" in msg


def test_years_and_gbk(tmp_path):
    f = tmp_path / "h.csv"
    f.write_bytes("government,agency,from_year,to_year\n甲,乙,,2020\n丙,乙,2021,\n甲,丙,,\n".encode("gb18030"))
    tree = read_hierarchy(f)  # 乙 moved from 甲 to 丙 in 2021; 丙 is itself under 甲
    assert tree.expected(2020) == [(None, "甲"), ("甲", "乙"), ("甲", "丙")]
    assert tree.expected(2021) == [("甲", "丙"), ("丙", "乙"), (None, "甲")]
    assert [link.agency for link in tree.departments("甲", 2021)] == ["丙"]


def test_cli_bad_hierarchy_stops_before_scoring(runner, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("government\n甲\n", encoding="utf-8")
    res = runner.invoke(cli, ["batch", str(CORPORA / "reports" / "028_pingtan_lvyouwenti_2021.txt"),
                              "--out", str(tmp_path / "out"), "--hierarchy", str(f)])
    assert res.exit_code == 2
    assert re.search(r"缺少列 agency", res.output) and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "scores.xlsx").exists()


def test_an_agency_filed_under_the_manifests_key_is_found(tmp_path):
    # the hierarchy names the 旅游 bureau by its later name; the report prints the old
    # one. The evaluator's manifest files it under the hierarchy's name (agency_key):
    # it is found, not listed as 未发布年报.
    renamed = "平潭综合实验区旅游文化体育局"
    hier = tmp_path / "h.csv"
    hier.write_text(f"government,agency\n{REGION},{renamed}\n{REGION},平潭综合实验区社会事业局\n", encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "file,agency,report_year,published_on,agency_key\n"
        f"{CORPORA / 'reports' / '011_pingtan_syq_2021.txt'},,,,\n"
        f"{DEPTS['平潭综合实验区旅游与文化体育局']},,,,{renamed}\n"
        f"{DEPTS['平潭综合实验区社会事业局']},,,,\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(str(manifest), "core", out, jobs=1, formats=("json",), hierarchy=hier).ok
    missing = _rows(load_workbook(out / "scores.xlsx"), "missing")
    assert [r[:3] for r in missing[2:]] == []
    # without the key the printed name does not match, and the bureau is reported missing
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(f",{renamed}\n", ",\n"), encoding="utf-8")
    out2 = tmp_path / "out2"
    assert run_batch(str(manifest), "core", out2, jobs=1, formats=("json",), hierarchy=hier).ok
    missing = _rows(load_workbook(out2 / "scores.xlsx"), "missing")
    assert [r[:3] for r in missing[2:]] == [(2021, REGION, renamed)]
