"""The Word memo (python-docx), for evaluators' and agencies' own files.

Every run and style names an East Asian font (``w:eastAsia``): without it Word and WPS
fall back to a Latin theme font for Chinese and may show the wrong glyphs.
"""
from __future__ import annotations

import io
from typing import Any

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from scorer.render.common import ResultLike, memo_context, xml_text

__all__ = ["render_docx", "BODY_FONT", "HEADING_FONT"]

BODY_FONT = "宋体"  # SimSun: present on every Chinese Windows; WPS maps it too
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"

_VERDICT_COLOR = {
    "met": RGBColor(0x17, 0x66, 0x3A),
    "partial": RGBColor(0x8A, 0x5A, 0x00),
    "not_met": RGBColor(0xB3, 0x26, 0x1E),
    "not_assessable": RGBColor(0x66, 0x66, 0x66),
}


def _set_fonts(rpr_owner: Any, east_asia: str) -> None:
    """Set ascii/hAnsi/eastAsia fonts on a run's or style's ``w:rPr``."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme_attr), None)  # a theme font would override the name


def _run(par: Any, text: str, *, bold: bool = False, color: RGBColor | None = None,
         font: str = BODY_FONT, size: float | None = None) -> Any:
    run = par.add_run(xml_text(text))  # a report may carry ESC, form feeds, NUL
    run.bold = bold or None
    if color is not None:
        run.font.color.rgb = color
    if size:
        run.font.size = Pt(size)
    _set_fonts(run._r, font)
    return run


def _heading(doc: Any, text: str, level: int) -> None:
    h = doc.add_heading(level=level)
    _run(h, text, font=HEADING_FONT)


def _para(doc: Any, text: str = "", **kw: Any) -> Any:
    p = doc.add_paragraph()
    if text:
        _run(p, text, **kw)
    return p


def _cell(cell: Any, text: str, *, bold: bool = False, color: RGBColor | None = None,
          right: bool = False) -> None:
    p = cell.paragraphs[0]
    _run(p, text, bold=bold, color=color)
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _setup_styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _set_fonts(normal.element, BODY_FONT)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        try:
            _set_fonts(doc.styles[name].element, HEADING_FONT)
        except KeyError:
            pass


def render_docx(result: ResultLike) -> bytes:
    """Render the memo as a Word document.

    Parameters
    ----------
    result : Result or dict
        A scored document.

    Returns
    -------
    bytes
        The ``.docx`` file content (opens in Word and WPS).
    """
    c = memo_context(result)
    s = c["score"]
    doc = new_docx()
    _setup_styles(doc)
    doc.core_properties.title = xml_text(c["title"])
    doc.core_properties.language = "zh-CN"
    doc.core_properties.author = "xxgk-scorer"

    _heading(doc, c["title"], 0)
    p = _para(doc)
    _run(p, "总分：", bold=True)
    _run(p, f"{s['total_text']} / 100", bold=True, size=16)
    _run(p, f"（实得{s['earned_text']}分，可评分值{s['weight_text']}分；"
            f"发现错误{c['n_errors']}处、提醒{c['n_warnings']}处、待核对{c['n_info']}处）")

    _heading(doc, "基本信息", 1)
    meta = doc.add_table(rows=0, cols=2)
    meta.style = "Table Grid"
    for label, value in c["meta"] + [("读取说明", n) for n in c["notes"]]:
        row = meta.add_row().cells
        _cell(row[0], label, bold=True)
        _cell(row[1], value)

    _heading(doc, "得分表", 1)
    t = doc.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ("指标", "分值", "结论", "得分")):
        _cell(cell, text, bold=True)
    for r in c["rows"]:
        row = t.add_row().cells
        _cell(row[0], r["title"])
        _cell(row[1], r["weight_text"], right=True)
        _cell(row[2], r["verdict_label"], color=_VERDICT_COLOR.get(r["verdict"]))
        _cell(row[3], r["points_text"], right=True)
    row = t.add_row().cells
    _cell(row[0], "合计（可评分）", bold=True)
    _cell(row[1], s["weight_text"], bold=True, right=True)
    _cell(row[3], s["earned_text"], bold=True, right=True)
    if c["not_assessable"]:
        _para(doc, c["not_assessable_heading"] + "：" + "；".join(c["not_assessable"]) + "。")

    _heading(doc, "发现的问题", 1)
    if c["findings"]:
        for i, f in enumerate(c["findings"], 1):
            p = _para(doc)
            _run(p, f"{i}. 【{f['severity_label']}】", bold=True,
                 color=_VERDICT_COLOR["not_met"] if f["severity"] == "error" else _VERDICT_COLOR["partial"])
            _run(p, f"{f['title']}（{f['id']}）：{f['message']}")
            if f["location"]:
                _run(p, f"（位置：{f['location']}）", color=_VERDICT_COLOR["not_assessable"])
    else:
        _para(doc, "未发现表格、结构或时限方面的问题。")

    _heading(doc, "逐项说明", 1)
    for i, r in enumerate(c["rows"], 1):
        h = doc.add_heading(level=2)
        _run(h, f"{i}. {r['title']}：", font=HEADING_FONT)
        _run(h, r["verdict_label"], font=HEADING_FONT, color=_VERDICT_COLOR.get(r["verdict"]))
        _run(h, f"，{r['points_text']}/{r['weight_text']}分", font=HEADING_FONT)
        _para(doc, r["explanation"])
        if r["override_text"]:
            _run(_para(doc), r["override_text"], bold=True)
        if r["advice"]:
            p = _para(doc)
            _run(p, "建议：", bold=True)
            _run(p, r["advice"])

    _heading(doc, "计分说明", 1)
    _para(doc, c["method"], size=9)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
