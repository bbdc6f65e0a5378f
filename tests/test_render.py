"""Renderers on hand-made results: JSON bytes, escaping, DOCX/XLSX content, CJK charts."""
from __future__ import annotations

import base64
import csv
import importlib.util
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook

from scorer.render import (
    ScoreTable,
    check_items,
    render,
    render_check,
    render_csv,
    render_docx,
    render_html,
    render_json,
    render_markdown,
    render_summary_html,
    render_xlsx,
    score_table,
    write_atomic,
)
from scorer.render.sheet import competition_ranks
from scorer.render.summary import cjk_font, cjk_font_path
from scorer.score import score_assessed

_spec = importlib.util.spec_from_file_location(
    "score_synth", Path(__file__).parent / "fixtures" / "score" / "synth.py")
synth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synth)


@pytest.fixture(scope="module")
def result():
    doc = synth.make_doc()
    return score_assessed(doc, synth.criteria(), tables=None, format_version="2019",
                          findings=synth.findings(doc.text), assessments=synth.assessments(doc.text))


def other(result, path, agency, total_shift):
    d = json.loads(render_json(result))
    d["document"].update(path=path, agency=agency)
    d["score"]["total"] = round(d["score"]["total"] + total_shift, 1)
    return d


def test_json_is_the_contract_and_byte_stable(result):
    a = render_json(result)
    assert a == render_json(result) == render_json(json.loads(a))
    assert a.endswith("}\n") and "\\u" not in a  # ensure_ascii=False: Chinese as is
    assert json.loads(a) == result.to_dict()
    assert list(json.loads(a)) == sorted(json.loads(a))  # sort_keys


def test_markdown_memo_says_it_in_plain_words(result):
    md = render_markdown(result)
    assert md.startswith("# 某某区财政局2022年度政府信息公开工作年度报告评估意见\n")
    assert "**总分：62.2 / 100**" in md
    assert "| 表格数据勾稽 | 10 | 部分达标 | 7.5 |" in md
    assert ("未核对、不计入分母的指标：与上年衔接（表三上年结转与上年度报告结转下年不符（T3-carry-chain），需要上年度报告）；"
            "网站专栏（该项无法从年度报告判断（需查看网站或其他材料））。") in md
    # the finding with its numbers and where it is
    assert "【错误】表三勾稽关系" in md and "本年新收3 + 上年结转0 ≠ 办理总计2 + 结转下年0" in md
    assert "（位置：表三（依申请公开）“总计”列，三、收到和处理政府信息公开申请情况，第8行）" in md
    assert "【提醒】使用了过时的年报格式（S-format-outdated）：2022年度报告使用了2019年版表格" in md
    # a quote with markup stays literal
    assert "\\<script\\>alert(1)\\</script\\>" in md and "<script>" not in md
    assert "> 建议：" in md


def _docx_parts(data: bytes) -> dict:
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def test_memo_from_stored_json_is_the_memo_at_scoring_time(result):
    """Renderers read the JSON contract only: a memo rebuilt from a stored result
    (a batch rerun, the results store) is byte-identical to the first one."""
    from scorer.render import render, render_check

    stored = json.loads(render_json(result))
    for fmt in ("md", "html", "json"):
        assert render(stored, fmt) == render(result, fmt), fmt
    # a .docx is a zip whose entries carry the time of writing: compare what is in it
    assert _docx_parts(render(stored, "docx")) == _docx_parts(render(result, "docx"))
    assert render_check(stored) == render_check(result)
    assert "第8行" in render_markdown(stored) and "字符位置" not in render_markdown(stored)


def test_memo_from_json_without_locations_falls_back_to_offsets(result):
    """A result stored before findings carried their location still renders."""
    old = json.loads(render_json(result))
    for f in old["findings"]:
        del f["location"]
    md = render_markdown(old)
    assert "字符位置" in md and "总分：62.2" in md


def test_html_memo_escapes_quotes(result):
    html = render_html(result)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<meta name="viewport"' in html and "<link" not in html  # self-contained, phone-ready
    assert "62.2" in html and "不计入分母" in html


def test_docx_memo_opens_and_has_cjk_fonts(result):
    data = render_docx(result)
    doc = open_docx(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "某某区财政局2022年度政府信息公开工作年度报告评估意见"
    assert {"基本信息", "得分表", "发现的问题", "逐项说明", "计分说明"} <= set(headings)
    score = doc.tables[1]
    rows = [[c.text for c in r.cells] for r in score.rows]
    assert rows[0] == ["指标", "分值", "结论", "得分"]
    assert ["表格数据勾稽", "10", "部分达标", "7.5"] in rows
    assert rows[-1] == ["合计（可评分）", "41", "", "25.5"]
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "总分：62.2 / 100" in body
    assert "<script>alert(1)</script>" in body  # Word text is not markup: kept verbatim
    # every run names an East Asian font, so Word/WPS show Chinese glyphs
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) in ("宋体", "黑体") for r in runs)


def test_single_document_workbook_fills_the_evaluator_sheet(result):
    wb = load_workbook(io.BytesIO(render_xlsx([result], criteria_set=synth.criteria())))
    assert wb.sheetnames == ["得分表", "问题清单", "整改清单", "指标与分值", "某某区财政局"]
    ws = wb["指标与分值"]
    assert [c.value for c in ws[1]] == ["指标", "分值", "评分说明", "自评分", "得分", "附件或链接"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["表格数据勾稽"][1:3] == (10, rows["表格数据勾稽"][2])
    assert "每发现一处问题" in rows["表格数据勾稽"][2] and "扣2.5分" in rows["表格数据勾稽"][2]
    assert rows["表格数据勾稽"][4] == 7.5
    assert rows["网站专栏"][4] is None and "人工评分" in rows["网站专栏"][2]
    assert rows["总分（百分制）"][4] == 62.2


def test_batch_workbook_rank_findings_failures(result):
    results = [result, other(result, "b.txt", "乙局", 10.0), other(result, "c.txt", "丙局", 0.0)]
    data = render_xlsx(results, failures=[{"file": "bad.docx", "error": "UnsupportedFormat: 不是有效的DOCX"}])
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["得分表", "问题清单", "整改清单", "指标与分值", "某某区财政局", "乙局", "丙局", "未能评分"]
    ws = wb["得分表"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["机构", "年度", "总分", "排名"]
    assert "表格数据勾稽（10分）" in header and header[-3:] == ["问题数", "其中错误", "文件"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("某某区财政局", 62.2, 2), ("乙局", 72.2, 1), ("丙局", 62.2, 2)]  # ties share rank 2
    assert rows[0][header.index("问题数")] == 3 and rows[0][header.index("其中错误")] == 2
    issues = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert len(issues) == 9 and issues[0][3] == "T3-identity" and issues[0][5] == "错误"
    assert list(wb["未能评分"].iter_rows(values_only=True))[1] == ("bad.docx", "UnsupportedFormat: 不是有效的DOCX")
    evaluator = wb["指标与分值"]
    assert all(r[4] is None for r in evaluator.iter_rows(min_row=2, values_only=True))  # batch: left blank


def test_competition_ranks_on_corpus_totals():
    # equal totals share a rank and the next rank skips ("1224"), at batch scale
    totals = [62.2, None, 72.2, 62.2, 0.0, 100.0, 72.2] * 300
    ranks = competition_ranks(totals)
    assert ranks[:7] == [901, None, 301, 901, 1501, 1, 301]
    assert ranks == [None if t is None else 1 + sum(x is not None and x > t for x in totals) for t in totals]


def test_csv_opens_in_excel(result):
    data = render_csv([result, other(result, "b.txt", "乙局", 1.0)])
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel detects UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["机构", "年度", "总分", "排名"]
    assert rows[1][:4] == ["某某区财政局", "2022", "62.2", "2"]
    assert rows[2][3] == "1"
    assert rows[1][rows[0].index("网站专栏（3分）")] == ""  # not assessable: blank, not 0


def test_score_table_model_rejects_broken_tables(result):
    df = score_table([result])
    ScoreTable.validate(df)
    bad = df.copy()
    bad.loc[0, "total"] = 120.0
    with pytest.raises(pa.errors.SchemaError):
        ScoreTable.validate(bad)
    two = score_table([result, other(result, "b.txt", "乙局", 5.0)])
    two.loc[:, "rank"] = pd.array([1, 2], dtype="Int64")  # the lower total ranked first
    with pytest.raises(pa.errors.SchemaError, match="rank-order"):
        ScoreTable.validate(two)


def _text_pixels(text, font):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 0.6), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.05, 0.3, text, fontproperties=font, fontsize=20)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def test_chart_font_draws_chinese_glyphs_not_boxes():
    import warnings

    from matplotlib.font_manager import FontProperties

    cjk = cjk_font()
    assert cjk_font_path().name.endswith((".otf", ".ttf"))
    latin = FontProperties(family="DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing" warnings are the point here
        a_cjk, b_cjk = _text_pixels("得分", cjk), _text_pixels("指标", cjk)
        a_box, b_box = _text_pixels("得分", latin), _text_pixels("指标", latin)
    # without a CJK font both words are the same two empty boxes; with it they differ
    assert np.array_equal(a_box, b_box)
    assert not np.array_equal(a_cjk, b_cjk)
    assert not np.array_equal(a_cjk, a_box)
    assert (a_cjk < 128).sum() > 100  # real ink


def test_summary_page_embeds_charts_with_chinese_labels(result):
    from PIL import Image

    results = [result, other(result, "b.txt", "乙局", 20.0)]
    html = render_summary_html(results, failures=[{"file": "x.pdf", "error": "NoTextLayer: 扫描件"}])
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(pngs) == 2
    for b in pngs:
        img = Image.open(io.BytesIO(base64.b64decode(b)))
        assert img.format == "PNG" and img.size[0] >= 600
    assert "x.pdf：NoTextLayer: 扫描件" in html
    assert "评分2份，失败1份" in html
    assert "<script>" not in html
    # same input, same bytes (no timestamps in the charts)
    assert html == render_summary_html(results, failures=[{"file": "x.pdf", "error": "NoTextLayer: 扫描件"}])


def test_check_lists_points_lost_first(result):
    items = check_items(result)
    lost = [i["lost"] for i in items if i["kind"] == "criterion"]
    assert lost == sorted(lost, reverse=True) and lost[0] == 5.0
    assert items[-1]["kind"] == "finding" and items[-1]["id"] == "S-format-outdated"
    text = render_check(result)
    assert text.startswith("某某区财政局2022年度政府信息公开工作年度报告自查结果\n预计得分：62.2 / 100")
    assert "修改：" in text


def test_render_dispatch_and_atomic_write(tmp_path, result):
    assert render(result, "json") == render_json(result).encode()
    with pytest.raises(ValueError, match="unknown format"):
        render(result, "pdf")
    p = write_atomic(tmp_path / "sub" / "a.json", render(result, "json"))
    assert p.read_bytes() == render(result, "json")
    assert [x.name for x in p.parent.iterdir()] == ["a.json"]  # no temp file left
