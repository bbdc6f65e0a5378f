"""The Word memo is fit to sign: A4, page numbers, proper column widths, an official
look, a summary card first, the tables as read with the cells behind each finding
marked — and the same JSON gives the same document."""
from __future__ import annotations

import copy
import io
import json
import zipfile

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Cm

from scorer.grade import grade_of
from scorer.pipeline import score_document
from scorer.render import render, render_html, render_markdown
from scorer.render.docx import render_docx
from scorer.rules import rule_title
from scorer.tables import labels as L

from .conftest import CORPORA


@pytest.fixture(scope="module")
def result():
    # a report whose 表三 breaks the identity and the results sum
    return score_document(CORPORA / "reports" / "023_pingtan_ziranziyuan_2021.txt", "core").to_dict()


@pytest.fixture(scope="module")
def memo(result):
    return open_docx(io.BytesIO(render_docx(result)))


def _twips(cell_or_col, tag):
    el = cell_or_col.find(qn(tag))
    return int(el.get(qn("w:w")))


def test_a4_with_margins_and_page_numbers(memo):
    sec = memo.sections[0]
    assert abs(sec.page_width - Cm(21)) < Cm(0.02) and abs(sec.page_height - Cm(29.7)) < Cm(0.02)
    assert Cm(2) <= sec.left_margin <= Cm(3.2) and Cm(2) <= sec.top_margin <= Cm(3.7)
    footer = sec.footer._element.xml
    assert 'w:instr=" PAGE ' in footer and "NUMPAGES" in footer
    assert "第" in "".join(t.text or "" for t in sec.footer._element.iter(qn("w:t")))


def test_score_table_columns_have_widths(memo, result):
    score = memo.tables[1]
    assert [c.text for c in score.rows[0].cells] == ["指标", "分值", "结论", "得分"]
    grid = [int(g.get(qn("w:w"))) for g in score._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert grid[0] > 2.5 * max(grid[1:])  # 指标 wide, the rest narrow
    sec = memo.sections[0]
    assert abs(sum(grid) * 635 - (sec.page_width - sec.left_margin - sec.right_margin)) < Cm(0.05)
    # the same width on every cell (Word reads the cells, LibreOffice the grid)
    for row in score._tbl.tr_lst:
        assert [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row.tc_lst] == grid
    assert score._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    titles = [r.cells[0].text for r in score.rows[1:-1]]
    assert titles == [c["title"] for c in result["criteria"]]


def test_official_fonts_on_every_run(memo):
    runs = [r for p in memo.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in memo.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
             if r.text.strip()]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) in ("宋体", "黑体") for r in runs)
    headings = [p for p in memo.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体" for p in headings for r in p.runs
                            if r.text.strip())


def test_summary_card_comes_first(memo, result):
    paras = [p.text for p in memo.paragraphs]
    first_page = paras[:paras.index("基本信息")]
    text = "\n".join(first_page)
    total = result["score"]["total"]
    assert f"{total:.1f}" in text and grade_of(total) in text
    assert "主要问题" in text and result["document"]["url"] in text
    lost = sorted((c for c in result["criteria"] if c["verdict"] != "not_assessable"
                   and c["assessable_weight"] - c["points"] > 0),
                  key=lambda c: (-(c["assessable_weight"] - c["points"]), c["id"]))
    assert [c["title"] for c in lost[:3]] and all(c["title"] in text for c in lost[:3])
    assert "评估人（签字）" in text
    # then a page break, then the details
    body = memo.element.body
    breaks = [br for br in body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    assert len(breaks) == 1


def test_tables_mark_the_cells_behind_each_finding(memo, result):
    findings = sorted(result["findings"], key=lambda f: {"error": 0, "warning": 1}.get(f["severity"], 2))
    identity = next(i for i, f in enumerate(findings, 1) if f["id"] == "T3-identity")
    key = findings[identity - 1]["cells"][0]
    _, row_key, col_key = key.split(".")
    table = next(t for t in memo.tables if t.rows[0].cells[1].text == L.REQUEST_COLUMN_LABELS["natural_person"])
    labels = [r.cells[0].text for r in table.rows]
    assert labels[1:3] == [L.REQUEST_ROW_LABELS["new"], L.REQUEST_ROW_LABELS["carried_over"]]  # statutory order
    row = table.rows[labels.index(L.REQUEST_ROW_LABELS[row_key])]
    cell = row.cells[1 + L.REQUEST_COLUMNS.index(col_key)]
    value = result["tables"]["requests"][row_key][col_key]
    assert cell.text.startswith(str(value)) and f"[{identity}]" in cell.text
    assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "F4CCCC"
    # a cell no finding names is plain
    plain = table.rows[labels.index(L.REQUEST_ROW_LABELS["granted"])].cells[1 + L.REQUEST_COLUMNS.index("business")]
    if not any(f"requests.granted.business" in (f.get("cells") or []) for f in findings):
        assert plain._tc.tcPr.find(qn("w:shd")) is None
    # the numbered list the marks refer to
    paras = [p.text for p in memo.paragraphs]
    assert any(p.startswith(f"[{identity}] 【错误】{rule_title('T3-identity')}") for p in paras)


def test_same_json_same_document(result):
    a = render_docx(result)
    stored = json.loads(render(result, "json"))
    assert render_docx(stored) == a  # zip entries carry a fixed date: byte for byte
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert z.testzip() is None and "word/document.xml" in z.namelist()


def test_text_from_documents_is_escaped(result):
    r = copy.deepcopy(result)
    r["document"]["agency"] = "<w:p>甲&乙\x0b局"
    r["findings"][0]["message"] = "</w:t>]]>\x00"
    doc = open_docx(io.BytesIO(render_docx(r)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "<w:p>甲&乙局" in text and "</w:t>]]>" in text


def test_markdown_and_html_memos_open_with_the_card(result):
    md = render_markdown(result)
    head = md.split("## 基本信息")[0]
    assert f"**等级：{grade_of(result['score']['total'])}**" in head and "**主要问题：**" in head
    html = render_html(result)
    assert html.index('class="card"') < html.index("<h2>基本信息</h2>")
