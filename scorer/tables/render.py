"""Plain-text rendering of the tables as a person reads them: Chinese row and column
labels, aligned columns (CJK characters count double width), "?" for a cell that
could not be read and "空" for a blank one."""
from __future__ import annotations

import unicodedata
from typing import Any, Sequence

from scorer.model import Finding
from scorer.tables import labels as L
from scorer.tables.result import TableResult
from scorer.explain import where_words
from scorer.rules import rule_title
from scorer.words import SEVERITY_LABELS, table_name


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    gap = " " * max(0, w - _width(s))
    return gap + s if right else s + gap


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(_pad(h, widths[i], right=i > 0) for i, h in enumerate(header)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(_pad(c, widths[i], right=i > 0) for i, c in enumerate(r)).rstrip())
    return out


def _cell(tables: TableResult, key: str, value: Any) -> str:
    c = tables.cells.get(key)
    if value is None:
        if c is None:
            return "?"
        return {"blank": "空", "placeholder": c.raw or "/", "missing": "缺", "ambiguous": "?", "unreadable": "?"}.get(
            c.status, "?"
        )
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def render_text(tables: TableResult, findings: Sequence[Finding] = ()) -> str:
    """The three tables and the findings as aligned plain text (Chinese labels)."""
    lines: list[str] = [f"格式版本：{tables.format_version or '未识别'}"]
    if tables.variants:
        lines.append("各表格式：" + "，".join(f"{_name(k)} {v}" for k, v in sorted(tables.variants.items())))
    lines.append("")
    lines.append("表二 主动公开政府信息情况")
    if tables.proactive is None:
        lines.append("（未找到）")
    else:
        defs = L.PROACTIVE_ROWS_2019 if tables.variants.get("proactive") == "2019" else L.PROACTIVE_ROWS_2021
        rows = []
        for d in defs:
            vals = tables.proactive.get(d.key, {})
            parts = [f"{label} {_cell(tables, f'proactive.{d.key}.{k}', vals.get(k))}" for k, label, _ in d.columns]
            rows.append([d.label, "；".join(parts)])
        lines += _grid(["信息内容", "数量"], rows)
    lines.append("")
    lines.append("表三 收到和处理政府信息公开申请情况")
    if tables.requests is None:
        lines.append("（未找到）")
    else:
        header = ["", *(L.REQUEST_COLUMN_LABELS[c] for c in L.REQUEST_COLUMNS)]
        rows = []
        for key, vals in tables.requests.items():
            label = L.REQUEST_ROW_LABELS[key]
            rows.append([label, *(_cell(tables, f"requests.{key}.{c}", vals.get(c)) for c in L.REQUEST_COLUMNS)])
        lines += _grid(header, rows)
    lines.append("")
    lines.append("表四 政府信息公开行政复议、行政诉讼情况")
    if tables.review_litigation is None:
        lines.append("（未找到）")
    else:
        header = ["", *(L.REVIEW_COLUMN_LABELS[c] for c in L.REVIEW_COLUMNS)]
        rows = []
        for g in L.REVIEW_GROUPS:
            vals = tables.review_litigation.get(g, {})
            rows.append(
                [L.REVIEW_GROUP_LABELS[g], *(_cell(tables, f"review_litigation.{g}.{c}", vals.get(c)) for c in L.REVIEW_COLUMNS)]
            )
        lines += _grid(header, rows)
    lines.append("")
    if findings:
        lines.append(f"发现问题 {len(findings)} 项：")
        for f in findings:
            sev = SEVERITY_LABELS.get(f.severity, f.severity)
            lines.append(f"【{sev}】{rule_title(f.id)}（{f.id}）{where_words(f.where)}：{f.message}")
    else:
        lines.append("未发现问题。")
    if tables.notes:
        lines.append("")
        lines.append("读取说明：")
        lines += [f"- {n}" for n in tables.notes]
    return "\n".join(lines) + "\n"


def _name(key: str) -> str:
    return table_name(key)
