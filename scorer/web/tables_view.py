"""The three statutory tables as read (``result["tables"]``), laid out for the page,
with the cells behind each finding marked.

A finding's ``where`` names a cell (``requests.new.total``), a row
(``proactive.rules``), a row family (``review_litigation.litigation.total`` covers
both 行政诉讼 groups) or, for the 表三 identity, a column (``requests.*.total``: its
four identity rows); every cell it names is marked.
"""
from __future__ import annotations

from typing import Any, Mapping

from scorer.words import SEVERITY_LABELS
from scorer.tables import labels as L

__all__ = ["tables_view"]


def _fmt(v: Any) -> str:
    if v is None:
        return "未读出"
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def _marks(findings: list[Mapping[str, Any]]) -> list[tuple[list[str], str, str]]:
    out = []
    for f in findings:
        where = f.get("where") or ""
        parts = where.split(".")
        if parts[0] in ("proactive", "requests", "review_litigation") and len(parts) >= 2:
            label = f"【{SEVERITY_LABELS.get(f['severity'], '提醒')}】{f['message']}"
            rows = None  # None: the row named in `where`
            if parts[1] == "*":
                # "requests.*.col" is the identity 新收+结转 = 总计+结转下年, over its four rows
                rows = L.IDENTITY_ROWS if f["id"] == "T3-identity" else ()
            out.append((parts, rows, f["severity"], label))
    return out


def _hits(marks, table: str, row: str, col: str) -> list[tuple[str, str]]:
    hits = []
    for parts, rows, sev, label in marks:
        if parts[0] != table:
            continue
        if rows is not None:
            if rows and row not in rows:
                continue
        elif not (row == parts[1] or row.startswith(parts[1] + "_")):
            continue
        if len(parts) >= 3 and parts[2] != col:
            continue
        hits.append((sev, label))
    return hits


def _cell(value: Any, hits: list[tuple[str, str]]) -> dict[str, Any]:
    sev = None
    if hits:
        sev = "err" if any(s == "error" for s, _ in hits) else "warn"
    return {"text": _fmt(value), "mark": sev, "title": "；".join(dict.fromkeys(l for _, l in hits)),
            "missing": value is None}


def tables_view(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """表二, 表三 and 表四 as header + rows of cells for the template.

    Parameters
    ----------
    result : dict
        The JSON-contract dict of a result.

    Returns
    -------
    list of dict
        ``{"title", "found", "header": [str], "rows": [{"label", "cells": [cell]}]}``;
        a cell is ``{"text", "mark": None|"err"|"warn"|"label", "title", "missing"}``
        ("label": a text cell, not a number).
    """
    t = result.get("tables") or {}
    marks = _marks(result.get("findings", []))
    out: list[dict[str, Any]] = []

    pro = t.get("proactive")
    view: dict[str, Any] = {"title": "表二 主动公开政府信息情况", "found": pro is not None,
                            "header": ["信息内容", "项目", "数值"], "rows": []}
    row_labels, col_labels = L.proactive_labels()
    for rk, cols in (pro or {}).items():
        for ck, v in (cols or {}).items():
            view["rows"].append({"label": f"{row_labels.get(rk, rk)}",
                                 "cells": [{"text": col_labels.get((rk, ck), ck), "mark": "label", "title": "", "missing": False},
                                           _cell(v, _hits(marks, "proactive", rk, ck))]})
    out.append(view)

    req = t.get("requests")
    view = {"title": "表三 收到和处理政府信息公开申请情况", "found": req is not None,
            "header": ["", *(L.REQUEST_COLUMN_LABELS[c] for c in L.REQUEST_COLUMNS)], "rows": []}
    for rk, cols in (req or {}).items():
        cols = cols or {}
        view["rows"].append({"label": L.REQUEST_ROW_LABELS.get(rk, rk),
                             "cells": [_cell(cols.get(c), _hits(marks, "requests", rk, c)) for c in L.REQUEST_COLUMNS]})
    out.append(view)

    rev = t.get("review_litigation")
    view = {"title": "表四 政府信息公开行政复议、行政诉讼情况", "found": rev is not None,
            "header": ["", *(L.REVIEW_COLUMN_LABELS[c] for c in L.REVIEW_COLUMNS)], "rows": []}
    for gk, cols in (rev or {}).items():
        cols = cols or {}
        view["rows"].append({"label": L.REVIEW_GROUP_LABELS.get(gk, gk),
                             "cells": [_cell(cols.get(c), _hits(marks, "review_litigation", gk, c)) for c in L.REVIEW_COLUMNS]})
    out.append(view)
    return out
