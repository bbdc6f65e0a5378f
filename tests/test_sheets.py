"""The sheets evaluators use, from a real batch of corpus reports: one filled
指标 | 分值 | 评分说明 | 自评分 | 得分 | 附件或链接 sheet per agency, the 整改清单, A4 print
setup, and a summary page whose rows link to the memos and show the change from last
year."""
from __future__ import annotations

import copy
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scorer.batch import run_batch
from scorer.render import render_xlsx
from scorer.render.sheet import evaluator_rows, rectify_rows, sheet_names
from scorer.render.summary import render_summary_html, year_over_year
from scorer.rules import RULES
from scorer.words import EVALUATOR_HEADER, RECTIFY_DEADLINE, RECTIFY_HEADER, SHEET_NAMES

from .conftest import CORPORA

REPORTS = [CORPORA / "reports" / n for n in (
    "004_shanghai_kewei_2024.md", "009_pingtan_syq_2019.txt", "010_pingtan_syq_2020.txt",
    "011_pingtan_syq_2021.txt", "023_pingtan_ziranziyuan_2021.txt")]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    report = run_batch([str(p) for p in REPORTS], "core", out, jobs=1, formats=("json", "html", "docx"))
    assert not report.failures
    results = {json.loads(p.read_text(encoding="utf-8"))["document"]["path"]: json.loads(p.read_text(encoding="utf-8"))
               for p in sorted(out.glob("*.json"))}
    return out, results


def _agency_sheet(wb, result):
    doc = result["document"]
    for name in wb.sheetnames:
        ws = wb[name]
        title = ws.cell(1, 1).value or ""
        if ws.cell(2, 1).value == "指标" and (doc.get("url") or doc["path"]) in title \
                and title.startswith(f"{doc['agency']}{doc['report_year']}年度"):
            return ws
    raise AssertionError(f"no sheet for {doc['agency']} {doc['report_year']}")


def test_one_filled_sheet_per_agency(batch):
    out, results = batch
    wb = load_workbook(out / "scores.xlsx")
    fixed = list(SHEET_NAMES.values())[:4]
    assert wb.sheetnames[:4] == fixed
    agency_sheets = wb.sheetnames[4:]
    assert len(agency_sheets) == len(results)
    # Excel's rules for sheet names
    assert len({n.lower() for n in wb.sheetnames}) == len(wb.sheetnames)
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in wb.sheetnames)
    # the agency with several years gets the year in its sheet names
    assert {"平潭综合实验区2019", "平潭综合实验区2020", "平潭综合实验区2021"} <= set(agency_sheets)

    for r in results.values():
        ws = _agency_sheet(wb, r)
        rows = list(ws.iter_rows(values_only=True))
        assert rows[1] == EVALUATOR_HEADER
        body = rows[2:2 + len(r["criteria"])]
        assert [b[0] for b in body] == [c["title"] for c in r["criteria"]]
        assert [b[1] for b in body] == [c["weight"] for c in r["criteria"]]
        for b, c in zip(body, r["criteria"]):
            assert b[3] is None  # 自评分: the agency's own figure, left blank
            assert b[4] == (None if c["verdict"] == "not_assessable" else c["points"])
            assert b[2]  # 评分说明
            # 附件或链接: the source (the URL when known, else the file) …
            assert (r["document"].get("url") or r["document"]["path"]) in b[5]
        # … and where the first quote is (a met content criterion has one)
        quoted = [b for b, c in zip(body, r["criteria"]) if c.get("evidence")]
        assert quoted and all("「" in b[5] for b in quoted)
        total = [row for row in rows if row and row[0] == "总分（百分制）"]
        assert total and total[0][4] == r["score"]["total"]
        # A4, landscape, one page wide, the two title rows on every page
        assert ws.page_setup.paperSize in (9, "9")
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$2"
    for name in fixed:
        ws = wb[name]
        assert ws.page_setup.paperSize in (9, "9") and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"


def test_rectify_sheet_lists_each_defect_with_its_basis(batch):
    out, results = batch
    wb = load_workbook(out / "scores.xlsx")
    rows = list(wb[SHEET_NAMES["rectify"]].iter_rows(values_only=True))
    assert rows[0] == RECTIFY_HEADER
    body = rows[1:]
    expected = sum(1 for r in results.values() for f in r["findings"] if f["severity"] in ("error", "warning"))
    # every error and warning is there, with its rule's advice and location
    defects = [b for b in body if any(b[3] == rule.advice for rule in RULES.values())]
    assert len(defects) >= expected > 0
    zr = next(r for r in results.values() if r["document"]["path"].endswith("023_pingtan_ziranziyuan_2021.txt"))
    f = next(f for f in zr["findings"] if f["id"] == "T3-identity")
    assert any(b[0] == zr["document"]["agency"] and b[3] == RULES["T3-identity"].advice and f["location"] in b[2]
               for b in body)
    # content criteria that lost points: their own advice
    c = next(c for c in zr["criteria"] if c["verdict"] == "not_met" and c.get("advice"))
    assert any(b[2].startswith(c["title"]) and b[3] == c["advice"] for b in body)
    assert all(b[4] == RECTIFY_DEADLINE and b[5] is None for b in body)  # fixed rule; 责任单位 for the evaluator


def test_override_fills_the_score_and_says_so(batch):
    _, results = batch
    r = copy.deepcopy(next(iter(results.values())))
    c = next(c for c in r["criteria"] if c["verdict"] == "not_met")
    c["override"] = {"verdict": "met", "reason": "网站专栏已核实", "by": "张三", "engine_verdict": "not_met"}
    rows = evaluator_rows(r)
    row = next(x for x in rows if x[0] == c["title"])
    assert row[4] == c["weight"]
    assert "人工改判：引擎结论未达标→达标（网站专栏已核实，张三）" in row[2]


def test_text_from_documents_never_becomes_a_formula(batch):
    _, results = batch
    r = copy.deepcopy(next(iter(results.values())))
    r["document"]["agency"] = "=HYPERLINK(\"http://x\")"
    r["findings"] = [{"id": "T-cell", "severity": "error", "message": "=1+2", "where": "requests.new.total",
                      "location": "=SUM(A1)", "span": None, "numbers": {}, "cells": []}]
    wb = load_workbook(io.BytesIO(render_xlsx([r])))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)
    quoted = [c for c in cells if isinstance(c.value, str) and c.value.startswith("'=")]
    # the agency (得分表, 问题清单, 整改清单), the message and location (问题清单), the sheet title
    assert len(quoted) >= 5 and all(c.data_type == "s" for c in quoted)
    assert rectify_rows(r)[0][2].startswith(RULES["T-cell"].title + "：=1+2")


def test_sheet_names_fit_excel():
    long = "某某省某某市某某区人民政府办公室政务公开科（信息公开/政务服务）[试点]"
    dicts = [{"document": {"agency": a, "report_year": y}} for a, y in
             [(long, 2022), (long, 2023), ("甲局", 2022), (None, 2022), ("得分表", 2022), ("乙\x1b局", 2022)]]
    names = sheet_names(dicts, SHEET_NAMES.values())
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len(set(names)) == len(names) and "得分表" not in names
    assert names[2] == "甲局" and names[3] == "未识别机构" and names[5] == "乙局"  # no control characters


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_row = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag == "a" and self.rows:
            self.rows[-1].append(dict(attrs)["href"])


def test_summary_links_every_agency_to_its_memos(batch):
    out, results = batch
    html = (out / "summary.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    ranked = [r for r in parser.rows if r]
    assert len(ranked) == len(results)
    for hrefs in ranked:
        assert {Path(h).suffix for h in hrefs} == {".html", ".docx"}
        assert all((out / h).is_file() and not h.startswith(("/", "http")) for h in hrefs)
    # each row's links are that row's document
    for r in results.values():
        stem = Path(r["document"]["path"]).stem
        assert f'href="{stem}.docx"' in html


def test_summary_shows_change_from_last_year(batch):
    out, results = batch
    by = {(r["document"]["agency"], r["document"]["report_year"]): r["score"]["total"] for r in results.values()}
    dicts = list(results.values())
    deltas = year_over_year(dicts)
    for d, delta in zip(dicts, deltas):
        prev = by.get((d["document"]["agency"], d["document"]["report_year"] - 1))
        assert delta == (None if prev is None else round(d["score"]["total"] - prev, 1))
    assert sum(x is not None for x in deltas) == 2  # 2020 vs 2019, 2021 vs 2020
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "较上年" in html
    for x in deltas:
        if x is not None:
            assert f"{x:+.1f}" in html
    # without links or several years the page has neither column
    plain = render_summary_html(dicts[:1])
    assert "较上年" not in plain and "<a " not in plain


class _Lazy:
    """A re-iterable sequence that is never indexed (as results drawn from the store
    may be): iterating it again yields fresh copies."""

    def __init__(self, items):
        self._items = items
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        return (copy.deepcopy(d) for d in self._items)

    def __getitem__(self, i):
        raise AssertionError("scored must be iterated, not indexed")


def test_workbook_same_bytes_from_a_lazy_sequence(batch, tmp_path):
    """The workbook's bytes depend on the results only (no timestamps), and results
    that can only be iterated give the same workbook, CSV and summary as a list."""
    from scorer.batch.sheets import sheet_paths, sheet_view, write_sheets

    _, results = batch
    views = [sheet_view(r) for r in sorted(results.values(), key=lambda r: r["document"]["path"])]
    first = render_xlsx(views)
    assert render_xlsx(views) == first
    lazy = _Lazy(views)
    assert render_xlsx(lazy) == first and lazy.passes > 1
    a, b = tmp_path / "a", tmp_path / "b"
    write_sheets(sheet_paths(a), views, [], None)
    write_sheets(sheet_paths(b), _Lazy(views), [], None)
    assert (a / "scores.xlsx").read_bytes() == (b / "scores.xlsx").read_bytes() == first
    assert (a / "scores.csv").read_bytes() == (b / "scores.csv").read_bytes()
    assert (a / "summary.html").read_text(encoding="utf-8") == (b / "summary.html").read_text(encoding="utf-8")
    # the text of every cell is what openpyxl reads back, a carriage return and a
    # literal _x000D_ included (Excel would read the latter as an escaped CR)
    r = copy.deepcopy(views[0])
    r["document"]["agency"] = "甲\r局_x000D_乙"
    wb = load_workbook(io.BytesIO(render_xlsx([r])))
    assert wb[SHEET_NAMES["scores"]].cell(2, 1).value == "甲\r局_x000D_乙"
