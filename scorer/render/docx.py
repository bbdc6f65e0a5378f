"""The Word memo, ready to print and sign: A4, page numbers, an official look.

The package is written directly as WordprocessingML (a handful of small XML parts in a
zip), not through python-docx: python-docx builds a tree of proxy objects per
paragraph and per cell and saves a 800 KB style template each time, which cost five
times the scoring of the document. Here the static parts (styles, footer with the
PAGE field, settings) are made once per process and each memo only writes its own
``document.xml`` — one string joined from escaped pieces. Zip entries carry a fixed
date, so the same result gives the same bytes.

Layout: a one-page summary card (total, grade band, the three main problems, space
for the evaluator's signature), then the details: basic information, the score table
(指标 wide; 分值/结论/得分 narrow — set on the grid and on every cell, so Word, WPS and
LibreOffice all keep it), the findings, the statutory tables as read with the cells
behind each finding shaded and numbered, per-criterion explanations, the method.

Every run names an East Asian font (``w:eastAsia``): without it Word and WPS fall back
to a Latin theme font for Chinese and may show the wrong glyphs.
"""
from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from scorer.render.common import ResultLike, as_dict, memo_context, xml_text
from scorer.tables import labels as L
from scorer.words import MEMO_LABELS, TABLE_TITLES

__all__ = ["render_docx", "BODY_FONT", "HEADING_FONT", "PAGE_TWIPS", "TEXT_WIDTH", "table_views"]

BODY_FONT = "宋体"  # SimSun: present on every Chinese Windows; WPS maps it too
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"

#: A4 in twentieths of a point (21 × 29.7 cm).
PAGE_TWIPS = (11906, 16838)
#: Margins (top, right, bottom, left) in twips: 3.0 / 2.6 / 2.5 / 2.8 cm, close to the
#: GB/T 9704 layout of official documents, leaving room for binding on the left.
MARGINS = (1701, 1474, 1417, 1587)
TEXT_WIDTH = PAGE_TWIPS[0] - MARGINS[1] - MARGINS[3]  # 8845 twips, 15.6 cm

_VERDICT_COLOR = {"met": "17663A", "partial": "8A5A00", "not_met": "B3261E", "not_assessable": "666666"}
_SEVERITY_FILL = {"error": "F4CCCC", "warning": "FFF2CC", "info": "E7E6E6"}
_GREY = "666666"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

def _x(text: Any) -> str:
    """Text as XML character data: escaped, invalid characters dropped."""
    s = xml_text(str(text))
    # chained replace: faster than str.translate on the short strings of a memo
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --------------------------------------------------------------------------- runs

@lru_cache(maxsize=256)
def _rpr(font: str, bold: bool, color: str | None, size: float | None) -> str:
    out = f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}"/>'
    if bold:
        out += "<w:b/><w:bCs/>"
    if color:
        out += f'<w:color w:val="{color}"/>'
    if size:
        half = int(round(size * 2))
        out += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    return f"<w:rPr>{out}</w:rPr>"


def _r(text: str, *, bold: bool = False, color: str | None = None, size: float | None = None,
       font: str = BODY_FONT, sup: bool = False) -> str:
    rpr = _rpr(font, bold, color, size)
    if sup:
        rpr = rpr.replace("</w:rPr>", '<w:vertAlign w:val="superscript"/></w:rPr>')
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_x(text)}</w:t></w:r>'


def _p(runs: str | Iterable[str] = "", *, style: str | None = None, jc: str | None = None,
       ppr: str = "") -> str:
    body = runs if isinstance(runs, str) else "".join(runs)
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + ppr + (f'<w:jc w:val="{jc}"/>' if jc else "")
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"


def _heading(text: str, level: int, extra: str = "") -> str:
    style = "Title" if level == 0 else f"Heading{level}"
    return _p(_r(text, font=HEADING_FONT) + extra, style=style)


def _page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


# --------------------------------------------------------------------------- tables

def _table(widths: Sequence[int], rows: Iterable[Sequence[str]], *, header_rows: int = 1,
           size: float | None = None) -> str:
    """A fixed-layout grid table. ``rows`` hold cell XML made by :func:`_tc`, or plain
    strings (escaped here). Widths (twips) go on the grid and on every cell: Word reads
    the cells, LibreOffice the grid."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
           f'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for i, row in enumerate(rows):
        head = i < header_rows
        trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if head else "<w:trPr><w:cantSplit/></w:trPr>"
        cells = []
        for w, cell in zip(widths, row):
            if isinstance(cell, _Cell):
                cells.append(cell.xml(w, size))
            else:
                cells.append(_Cell(cell, bold=head, fill="DDEBF7" if head else None).xml(w, size))
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


class _Cell:
    """One table cell: text (or ready runs), alignment, fill, colour."""

    __slots__ = ("text", "bold", "color", "right", "fill", "runs", "center")

    def __init__(self, text: str = "", *, bold: bool = False, color: str | None = None, right: bool = False,
                 fill: str | None = None, runs: str | None = None, center: bool = False) -> None:
        self.text, self.bold, self.color, self.right = text, bold, color, right
        self.fill, self.runs, self.center = fill, runs, center

    def xml(self, width: int, size: float | None) -> str:
        shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{self.fill}"/>' if self.fill else ""
        runs = self.runs if self.runs is not None else (
            _r(self.text, bold=self.bold, color=self.color, size=size) if self.text else "")
        jc = "right" if self.right else ("center" if self.center else None)
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shd}<w:vAlign w:val="center"/></w:tcPr>'
                f"{_p(runs, jc=jc)}</w:tc>")


def _widths(fractions: Sequence[float]) -> list[int]:
    """Column widths in twips filling the text width, from relative fractions."""
    total = sum(fractions)
    ws = [int(TEXT_WIDTH * f / total) for f in fractions]
    ws[0] += TEXT_WIDTH - sum(ws)
    return ws


# --------------------------------------------------------------------------- the tables as read

def _marks(findings: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str, str], list[tuple[int, str]]]:
    """Cell key → [(finding number in the memo, severity)], from each finding's
    ``cells`` (canonical keys ``table.row.column``) or, without them, from its
    ``where`` (a cell, or a row: column ``*``)."""
    out: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    for i, f in enumerate(findings, 1):
        keys = list(f.get("cells") or [])
        where = f.get("where") or ""
        if not keys and where.count(".") in (1, 2) and "*" not in where:
            keys = [where if where.count(".") == 2 else where + ".*"]  # a row: all its cells
        if not keys and where.startswith("requests.*.") and f.get("id") == "T3-identity":
            col = where.rsplit(".", 1)[1]
            keys = [f"requests.{r}.{col}" for r in L.IDENTITY_ROWS]
        for k in keys:
            parts = str(k).split(".")
            if len(parts) == 3:
                out.setdefault((parts[0], parts[1], parts[2]), []).append((i, f["severity"]))
    return out


def _value_text(v: Any) -> str:
    if v is None:
        return MEMO_LABELS["cell_unread"]
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def _ordered(table: Mapping[str, Any] | None, order: Sequence[str]) -> list[tuple[str, Any]]:
    """A table's rows in the statutory order (the JSON sorts keys), unknown rows last."""
    rows = dict(table or {})
    known = [(k, rows.pop(k)) for k in order if k in rows]
    return known + sorted(rows.items())


def table_views(result: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """表二/表三/表四 as read (``result["tables"]``), each cell with the numbers of the
    findings (as numbered in ``findings``) that name it.

    Returns
    -------
    list of dict
        ``{"key", "title", "found", "header", "rows": [[label, (text, [(n, severity)]), …]]}``
    """
    t = result.get("tables") or {}
    found = _marks(findings)

    def hits(table: str, row: str, col: str) -> list[tuple[int, str]]:
        return found.get((table, row, col), []) + found.get((table, row, "*"), [])

    out: list[dict[str, Any]] = []
    pro = t.get("proactive")
    row_labels, col_labels = L.proactive_labels()
    rows = []
    defs = L.PROACTIVE_ROWS_2019 if t.get("format_version") == "2019" else L.PROACTIVE_ROWS_2021
    col_order = {d.key: [k for k, _, _ in d.columns] for d in defs}
    for rk, cols in _ordered(pro, [d.key for d in defs]):
        for ck, v in _ordered(cols, col_order.get(rk, ())):
            rows.append([row_labels.get(rk, rk), col_labels.get((rk, ck), ck),
                         (_value_text(v), hits("proactive", rk, ck))])
    out.append({"key": "proactive", "title": TABLE_TITLES["proactive"], "found": pro is not None,
                "header": ["信息内容", "项目", "数值"], "rows": rows})
    req = t.get("requests")
    rows = [[L.REQUEST_ROW_LABELS.get(rk, rk),
             *((_value_text((cols or {}).get(c)), hits("requests", rk, c)) for c in L.REQUEST_COLUMNS)]
            for rk, cols in _ordered(req, L.REQUEST_ROWS_2019 if t.get("format_version") == "2019" else L.REQUEST_ROWS_2021)]
    out.append({"key": "requests", "title": TABLE_TITLES["requests"], "found": req is not None,
                "header": ["", *(L.REQUEST_COLUMN_LABELS[c] for c in L.REQUEST_COLUMNS)], "rows": rows})
    rev = t.get("review_litigation")
    rows = [[L.REVIEW_GROUP_LABELS.get(gk, gk),
             *((_value_text((cols or {}).get(c)), hits("review_litigation", gk, c)) for c in L.REVIEW_COLUMNS)]
            for gk, cols in _ordered(rev, L.REVIEW_GROUPS)]
    out.append({"key": "review_litigation", "title": TABLE_TITLES["review_litigation"], "found": rev is not None,
                "header": ["", *(L.REVIEW_COLUMN_LABELS[c] for c in L.REVIEW_COLUMNS)], "rows": rows})
    return out


_TABLE_FRACTIONS = {"proactive": (3, 3, 2), "requests": (6.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3),
                    "review_litigation": (5.1, 2.1, 2.1, 2.1, 2.1, 2.1)}


def _value_cell(text: str, hits: Sequence[tuple[int, str]]) -> _Cell:
    if not hits:
        return _Cell(text, right=True)
    sev = "error" if any(s == "error" for _, s in hits) else ("warning" if any(s == "warning" for _, s in hits) else "info")
    nums = "".join(dict.fromkeys(f"[{n}]" for n, _ in hits))
    runs = _r(text, bold=True, size=8) + _r(nums, color=_VERDICT_COLOR["not_met"], size=8, sup=True)
    return _Cell(runs=runs, right=True, fill=_SEVERITY_FILL[sev])


def _tables_xml(views: Sequence[Mapping[str, Any]]) -> str:
    out = []
    for v in views:
        out.append(_heading(v["title"], 2))
        if not v["found"] or not v["rows"]:
            out.append(_p(_r(MEMO_LABELS["table_not_found"], color=_GREY)))
            continue
        rows: list[list[Any]] = [list(v["header"])]
        for row in v["rows"]:
            cells: list[Any] = []
            for c in row:
                cells.append(_value_cell(*c) if isinstance(c, tuple) else _Cell(c))
            rows.append(cells)
        out.append(_table(_widths(_TABLE_FRACTIONS[v["key"]]), rows, size=8))
    return "".join(out)


# --------------------------------------------------------------------------- the document

def _body(d: Mapping[str, Any]) -> tuple[str, str]:
    c = memo_context(d)
    s = c["score"]
    lab = c["labels"]
    x: list[str] = []

    # ---- page 1: the summary card
    x.append(_heading(c["title"], 0))
    box = ('<w:pBdr><w:top w:val="single" w:sz="8" w:space="4" w:color="000000"/>'
           '<w:left w:val="single" w:sz="8" w:space="4" w:color="000000"/>'
           '<w:bottom w:val="single" w:sz="8" w:space="4" w:color="000000"/>'
           '<w:right w:val="single" w:sz="8" w:space="4" w:color="000000"/></w:pBdr>'
           '<w:spacing w:before="60" w:after="60"/><w:ind w:left="113" w:right="113"/>')
    x.append(_p(_r(lab["card"], font=HEADING_FONT, size=14), ppr=box, jc="center"))
    x.append(_p([_r(f"{lab['total']}：", bold=True), _r(s["total_text"], bold=True, size=22),
                 _r(" / 100    "), _r(f"{lab['grade']}：", bold=True), _r(s["grade"], bold=True, size=16)],
                ppr=box, jc="center"))
    x.append(_p(_r(f"（实得{s['earned_text']}分，可评分值{s['weight_text']}分；发现错误{c['n_errors']}处、"
                   f"提醒{c['n_warnings']}处、待核对{c['n_info']}处）", size=10.5), ppr=box, jc="center"))
    for label, value in c["meta"][2:4]:  # 机构, 报告年度
        x.append(_p([_r(f"{label}：", bold=True), _r(value)], ppr=box))
    if c["source"]:
        x.append(_p([_r(f"{lab['source']}：", bold=True), _r(c["source"], size=10.5)], ppr=box, jc="left"))
    x.append(_p(_r(f"{lab['main_problems']}：", bold=True), ppr=box))
    if c["main_problems"]:
        for i, m in enumerate(c["main_problems"], 1):
            runs = [_r(f"{i}. "), _r(m["title"], bold=True)]
            if m["lost_text"]:
                runs.append(_r(f"（{m['lost_text']}）", color=_VERDICT_COLOR["not_met"]))
            runs.append(_r(f"：{m['todo']}" if m["todo"] else ""))
            x.append(_p(runs, ppr=box.replace('w:left="113"', 'w:left="113" w:hanging="0"')))
    else:
        x.append(_p(_r(lab["no_problems"]), ppr=box))
    x.append(_p("", ppr='<w:spacing w:before="600"/>'))
    x.append(_p([_r(lab["sign_evaluator"]), _r("\u3000" * 10), _r(lab["sign_date"]), _r("\u3000" * 8)],
                ppr='<w:spacing w:before="240"/>', jc="right"))
    x.append(_page_break())

    # ---- details
    x.append(_heading("基本信息", 1))
    meta_rows = [[_Cell(label, bold=True), _Cell(value)] for label, value in
                 c["meta"] + [("读取说明", n) for n in c["notes"]]]
    x.append(_table(_widths((2.6, 13)), meta_rows, header_rows=0, size=10.5))

    x.append(_heading("得分表", 1))
    rows: list[list[Any]] = [["指标", "分值", "结论", "得分"]]
    for r in c["rows"]:
        rows.append([_Cell(r["title"]), _Cell(r["weight_text"], right=True),
                     _Cell(r["verdict_label"], color=_VERDICT_COLOR.get(r["verdict"]), center=True),
                     _Cell(r["points_text"], right=True)])
    rows.append([_Cell("合计（可评分）", bold=True), _Cell(s["weight_text"], bold=True, right=True), _Cell(""),
                 _Cell(s["earned_text"], bold=True, right=True)])
    x.append(_table(_widths((8.4, 2.4, 3.1, 1.7)), rows, size=10.5))
    if c["not_assessable"]:
        x.append(_p(_r(c["not_assessable_heading"] + "：" + "；".join(c["not_assessable"]) + "。", size=10.5)))

    x.append(_heading("发现的问题", 1))
    if c["findings"]:
        for i, f in enumerate(c["findings"], 1):
            color = _VERDICT_COLOR["not_met"] if f["severity"] == "error" else _VERDICT_COLOR["partial"]
            runs = [_r(f"[{i}] 【{f['severity_label']}】", bold=True, color=color),
                    _r(f"{f['title']}（{f['id']}）：{f['message']}")]
            if f["location"]:
                runs.append(_r(f"（位置：{f['location']}）", color=_GREY))
            x.append(_p(runs))
    else:
        x.append(_p(_r("未发现表格、结构或时限方面的问题。")))

    views = table_views(d, _numbered(d))
    if any(v["found"] for v in views):
        x.append(_heading(lab["tables"], 1))
        x.append(_tables_xml(views))

    x.append(_heading("逐项说明", 1))
    for i, r in enumerate(c["rows"], 1):
        x.append(_heading(f"{i}. {r['title']}：", 2,
                          _r(r["verdict_label"], font=HEADING_FONT, color=_VERDICT_COLOR.get(r["verdict"]))
                          + _r(f"，{r['points_text']}/{r['weight_text']}分", font=HEADING_FONT)))
        x.append(_p(_r(r["explanation"])))
        if r.get("override_text"):
            x.append(_p(_r(r["override_text"], bold=True)))
        if r["advice"]:
            x.append(_p([_r("建议：", bold=True), _r(r["advice"])]))

    x.append(_heading("计分说明", 1))
    x.append(_p(_r(c["method"], size=9)))
    return "".join(x), c["title"]


def _numbered(d: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The JSON findings in the memo's order (errors first), so a cell's [n] is the
    n-th item of 发现的问题."""
    order = {"error": 0, "warning": 1}
    return sorted(d.get("findings", []), key=lambda f: order.get(f["severity"], 2))


# --------------------------------------------------------------------------- the package

_DOC_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>')
_SECT = (f'<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>'
         f'<w:pgSz w:w="{PAGE_TWIPS[0]}" w:h="{PAGE_TWIPS[1]}"/>'
         f'<w:pgMar w:top="{MARGINS[0]}" w:right="{MARGINS[1]}" w:bottom="{MARGINS[2]}" w:left="{MARGINS[3]}" '
         f'w:header="851" w:footer="850" w:gutter="0"/><w:cols w:space="425"/>'
         f'<w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr></w:body></w:document>')


def _fonts(east_asia: str) -> str:
    return f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{east_asia}" w:cs="{LATIN_FONT}"/>'


def _style(sid: str, name: str, ppr: str, rpr: str, *, based: str | None = "Normal", kind: str = "paragraph",
           default: bool = False) -> str:
    dflt = ' w:default="1"' if default else ""
    return (f'<w:style w:type="{kind}"{dflt} w:styleId="{sid}"><w:name w:val="{name}"/>'
            + (f'<w:basedOn w:val="{based}"/>' if based else "") + "<w:qFormat/>"
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "") + "</w:style>")


def _styles_xml() -> str:
    black = '<w:color w:val="000000"/>'
    borders = "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                      for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{_W}">'
        f'<w:docDefaults><w:rPrDefault><w:rPr>{_fonts(BODY_FONT)}<w:sz w:val="24"/><w:szCs w:val="24"/>'
        f'<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="320" w:lineRule="auto"/><w:jc w:val="both"/>'
        f'</w:pPr></w:pPrDefault></w:docDefaults>'
        + _style("Normal", "Normal", "", "", based=None, default=True)
        + _style("Title", "Title", '<w:keepNext/><w:spacing w:before="240" w:after="360"/><w:jc w:val="center"/>',
                 f'{_fonts(HEADING_FONT)}{black}<w:sz w:val="36"/><w:szCs w:val="36"/>')
        + _style("Heading1", "heading 1", '<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/>'
                 '<w:jc w:val="left"/><w:outlineLvl w:val="0"/>',
                 f'{_fonts(HEADING_FONT)}{black}<w:sz w:val="30"/><w:szCs w:val="30"/>')
        + _style("Heading2", "heading 2", '<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/>'
                 '<w:jc w:val="left"/><w:outlineLvl w:val="1"/>',
                 f'{_fonts(HEADING_FONT)}{black}<w:sz w:val="24"/><w:szCs w:val="24"/>')
        + '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
          '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
          '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
          '</w:tblCellMar></w:tblPr></w:style>'
        + f'<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
          f'<w:pPr><w:spacing w:before="20" w:after="20" w:line="260" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr>'
          f'<w:tblPr><w:tblBorders>{borders}</w:tblBorders></w:tblPr></w:style>'
        + "</w:styles>"
    )


def _footer_xml() -> str:
    before, _, rest = MEMO_LABELS["page"].partition("{page}")
    middle, _, after = rest.partition("{pages}")

    def field(instr: str) -> str:
        return f'<w:fldSimple w:instr=" {instr} \\* MERGEFORMAT ">{_r("1", size=10.5)}</w:fldSimple>'

    runs = _r(before, size=10.5) + field("PAGE")
    if "{pages}" in rest:
        runs += (_r(middle, size=10.5) if middle else "") + field("NUMPAGES") + (_r(after, size=10.5) if after else "")
    elif middle:
        runs += _r(middle, size=10.5)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{_W}" xmlns:r="{_R}">'
            f'{_p(runs, jc="center")}</w:ftr>')


@lru_cache(maxsize=1)
def _static_parts() -> tuple[tuple[str, bytes], ...]:
    """The parts every memo shares, made once per process."""
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
          '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
          '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
                '<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
                '</Relationships>')
    settings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{_W}">'
                '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
                '<w:characterSpacingControl w:val="compressPunctuation"/>'
                '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
                '</w:settings>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>xxgk-scorer</Application></Properties>')
    return (("[Content_Types].xml", ct.encode()), ("_rels/.rels", rels.encode()),
            ("docProps/app.xml", app.encode()), ("word/_rels/document.xml.rels", doc_rels.encode()),
            ("word/styles.xml", _styles_xml().encode()), ("word/settings.xml", settings.encode()),
            ("word/footer1.xml", _footer_xml().encode()))


def _core_xml(title: str) -> bytes:
    # no created/modified dates: the same result gives the same package
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{_x(title)}</dc:title><dc:creator>xxgk-scorer</dc:creator>'
            '<dc:language>zh-CN</dc:language></cp:coreProperties>').encode()


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def render_docx(result: ResultLike) -> bytes:
    """Render the memo as a Word document.

    Parameters
    ----------
    result : Result or dict
        A scored document.

    Returns
    -------
    bytes
        The ``.docx`` file content (opens in Word, WPS and LibreOffice); identical
        bytes for an identical result.
    """
    d = as_dict(result)
    body, title = _body(d)
    parts = list(_static_parts())
    parts.insert(2, ("docProps/core.xml", _core_xml(title)))
    parts.insert(4, ("word/document.xml", (_DOC_HEAD + body + _SECT).encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            # level 1: the memo's XML is repetitive, so fast deflate is nearly as small
            z.writestr(info, data, compresslevel=1)
    return buf.getvalue()
