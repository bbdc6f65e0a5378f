"""The batch score sheet: XLSX (openpyxl) and CSV, checked by a pandera model first.

Sheets of the workbook:

- ``得分表``: one row per document (agency, year, total, rank, each criterion's points,
  findings count), in input-path order; the rank is competition ranking ("1224").
- ``问题清单``: every finding of every document.
- ``指标与分值``: the criteria in the evaluators' layout
  指标 | 分值 | 评分说明 | 自评分 | 得分 | 附件或链接. For one document 得分 is filled in;
  for a batch 自评分/得分/附件或链接 are left for the evaluator.
- ``failures``: documents that could not be scored, with their one-line error (only
  when there are any).
"""
from __future__ import annotations

import csv
import io
from bisect import bisect_right
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pandera.typing import Series

from scorer.explain import where_words
from scorer.model import CriteriaSet
from scorer.render.common import ResultLike, as_dict, sheet_text
from scorer.rules import rule_title
from scorer.words import SEVERITY_LABELS, VERDICT_LABELS

__all__ = [
    "ScoreTable",
    "score_table",
    "display_table",
    "render_xlsx",
    "render_csv",
    "criteria_columns",
    "scoring_note",
    "competition_ranks",
]

PTS = "pts:"  # prefix of criterion point columns in the internal frame

EVALUATOR_HEADER = ("指标", "分值", "评分说明", "自评分", "得分", "附件或链接")


class ScoreTable(pa.DataFrameModel):
    """The score table of a batch, one row per scored document."""

    file: Series[str] = pa.Field(unique=True, title="文件")
    agency: Series[str] = pa.Field(nullable=True, title="机构")
    report_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1990, le=2100, title="年度")
    total: Series[float] = pa.Field(nullable=True, ge=0, le=100, title="总分")
    rank: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, title="排名")
    findings: Series[int] = pa.Field(ge=0, title="问题数")
    errors: Series[int] = pa.Field(ge=0, title="其中错误")
    points: Series[float] | None = pa.Field(alias=rf"^{PTS}", regex=True, nullable=True, ge=0, title="各项得分")

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="rank-order")
    def rank_follows_total(cls, df: pd.DataFrame) -> bool:
        """A higher total never has a worse (larger) rank; unscored rows have no rank."""
        scored = df[df["total"].notna()].sort_values("total", ascending=False)
        ranks = scored["rank"].astype("Int64").tolist()
        ok = all(a <= b for a, b in zip(ranks, ranks[1:]))
        return bool(ok and df.loc[df["total"].isna(), "rank"].isna().all())

    @pa.dataframe_check(name="errors-le-findings")
    def errors_within_findings(cls, df: pd.DataFrame) -> pd.Series:
        """Error-severity findings are a subset of all findings."""
        return df["errors"] <= df["findings"]


def criteria_columns(results: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, float]]:
    """(id, title, weight) of every criterion, in first-seen order across results."""
    seen: dict[str, tuple[str, str, float]] = {}
    for r in results:
        for c in r.get("criteria", []):
            seen.setdefault(c["id"], (c["id"], c["title"], c["weight"]))
    return list(seen.values())


def competition_ranks(totals: Sequence[float | None]) -> list[int | None]:
    """Competition ranking: equal totals share a rank, the next rank skips."""
    scored = sorted(t for t in totals if t is not None)
    # 1 + how many totals are strictly higher, by binary search (a batch has thousands)
    return [None if t is None else 1 + len(scored) - bisect_right(scored, t) for t in totals]


def score_table(results: Iterable[ResultLike]) -> pd.DataFrame:
    """The internal score table (English column names), validated by :class:`ScoreTable`.

    Parameters
    ----------
    results : iterable of Result or dict
        Scored documents, in the order the rows should have (input path order).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, agency, report_year, total, rank, pts:<criterion id>…,
        findings, errors``.

    Raises
    ------
    pandera.errors.SchemaErrors
        The table breaks its contract (a bug upstream, never a property of a report).
    """
    dicts = [as_dict(r) for r in results]
    cols = criteria_columns(dicts)
    totals = [d["score"].get("total") for d in dicts]
    ranks = competition_ranks(totals)
    rows = []
    for d, rank in zip(dicts, ranks):
        doc = d["document"]
        by_id = {c["id"]: c for c in d["criteria"]}
        row: dict[str, Any] = {
            "file": doc.get("path"),
            "agency": doc.get("agency"),
            "report_year": doc.get("report_year"),
            "total": d["score"].get("total"),
            "rank": rank,
        }
        for cid, _, _ in cols:
            c = by_id.get(cid)
            row[PTS + cid] = None if c is None or c["verdict"] == "not_assessable" else float(c["points"])
        row["findings"] = len(d["findings"])
        row["errors"] = sum(1 for f in d["findings"] if f["severity"] == "error")
        rows.append(row)
    columns = ["file", "agency", "report_year", "total", "rank"] + [PTS + c[0] for c in cols] + ["findings", "errors"]
    df = pd.DataFrame(rows, columns=columns)
    df["report_year"] = df["report_year"].astype("Int64")
    df["rank"] = df["rank"].astype("Int64")
    df["total"] = df["total"].astype(float)
    for cid, _, _ in cols:
        df[PTS + cid] = df[PTS + cid].astype(float)
    df["agency"] = df["agency"].astype(object)
    return ScoreTable.validate(df, lazy=True)


def display_table(df: pd.DataFrame, titles: Mapping[str, tuple[str, float]]) -> pd.DataFrame:
    """The score table with Chinese headers, in the order evaluators read it."""
    crit = [c for c in df.columns if c.startswith(PTS)]
    out = df[["agency", "report_year", "total", "rank"] + crit + ["findings", "errors", "file"]].copy()
    names = {"agency": "机构", "report_year": "年度", "total": "总分", "rank": "排名",
             "findings": "问题数", "errors": "其中错误", "file": "文件"}
    for c in crit:
        title, weight = titles.get(c[len(PTS):], (c[len(PTS):], 0))
        names[c] = f"{title}（{weight:g}分）"
    return out.rename(columns=names)


def scoring_note(c: Any) -> str:
    """评分说明 of a criterion: how it is scored, in the evaluators' words."""
    get = (lambda k, default=None: c.get(k, default)) if isinstance(c, Mapping) else (
        lambda k, default=None: getattr(c, k, default))
    w = float(get("weight", 0) or 0)
    scoring = get("scoring", "presence")
    clause = get("clause", "") or ""
    partial = float(get("partial_credit", 0.5) or 0)
    if get("checkable", True) is False:
        text = "无法从年度报告判断，由评估人员人工评分。"
    elif scoring == "rule":
        rules = get("rules", ()) or ()
        per = w * float(get("deduction", 0.5) or 0)
        names = "、".join(rule_title(r) for r in rules)
        text = f"每发现一处问题（{names}）扣{per:g}分，扣完为止。"
    elif scoring == "timeliness":
        text = "在发布期限前发布得满分，逾期不得分（部门为次年1月31日，本级政府为次年3月31日，或指标体系指定的日期）；无发布日期不计分。"
    elif scoring == "count":
        n = get("min_count") or 1
        text = (f"报告写明本年度已完成且不少于{n}次得满分；有但少于{n}次得{w * partial:g}分；"
                "仅为计划或明确未开展不得分。")
    else:
        text = f"报告写明本年度已完成得满分；部分完成得{w * partial:g}分；仅为计划或明确未开展不得分。"
    return (f"要求：{clause}。" if clause else "") + text


_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _write_rows(ws: Any, header: Sequence[str], rows: Iterable[Sequence[Any]],
                widths: Sequence[int] | None = None, wrap: Sequence[int] = ()) -> None:
    """Stream a header and rows into a write-only sheet (openpyxl's fast mode: no
    cell objects are kept, a batch has tens of thousands of cells). Widths and the
    frozen header row must be set before the first row; the columns in ``wrap``
    (0-based) wrap their text."""
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, 1):
        w = widths[i - 1] if widths and i - 1 < len(widths) else max(8, min(40, 2 * len(str(h)) + 2))
        ws.column_dimensions[get_column_letter(i)].width = w
    head = []
    for h in header:
        cell = _text_cell(ws, sheet_text(h))
        cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _WRAP
        head.append(cell)
    ws.append(head)
    for row in rows:
        _append(ws, row, wrap)


def _text_cell(ws: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    return cell


def _append(ws: Any, row: Sequence[Any], wrap: Sequence[int] = ()) -> None:
    """Append one row; text from documents and criteria files is made safe first
    (sheet_text: no control characters, no live formula)."""
    values: list[Any] = [None if (isinstance(v, float) and pd.isna(v)) or v is pd.NA else sheet_text(v)
                         for v in row]
    for j, v in enumerate(values):
        if isinstance(v, str) and (j in wrap or v.startswith("'")):
            cell = _text_cell(ws, v)
            if j in wrap:
                cell.alignment = _WRAP
            values[j] = cell
    ws.append(values)


def _criteria_source(results: Sequence[Mapping[str, Any]], criteria_set: CriteriaSet | None) -> list[Any]:
    if criteria_set is not None:
        return list(criteria_set.criteria)
    seen: dict[str, Mapping[str, Any]] = {}
    for r in results:
        for c in r.get("criteria", []):
            seen.setdefault(c["id"], c)
    return list(seen.values())


def render_xlsx(
    results: Sequence[ResultLike],
    *,
    criteria_set: CriteriaSet | None = None,
    failures: Sequence[Mapping[str, str]] = (),
) -> bytes:
    """Render the score workbook.

    Parameters
    ----------
    results : sequence of Result or dict
        Scored documents in row order (batch: sorted by input path).
    criteria_set : CriteriaSet, optional
        Used for 评分说明 (clauses, rules, deductions); without it the notes are
        derived from the results.
    failures : sequence of {"file", "error"}
        Documents that could not be scored.

    Returns
    -------
    bytes
        The ``.xlsx`` content.
    """
    dicts = [as_dict(r) for r in results]
    df = score_table(dicts)
    titles = {cid: (title, w) for cid, title, w in criteria_columns(dicts)}
    shown = display_table(df, titles)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("得分表")
    widths = [30, 6, 8, 6] + [10] * (len(shown.columns) - 7) + [8, 8, 40]
    _write_rows(ws, list(shown.columns), shown.itertuples(index=False, name=None), widths)

    wf = wb.create_sheet("问题清单")
    frows = []
    for d in dicts:
        doc = d["document"]
        for f in d["findings"]:
            span = f.get("span")
            frows.append([doc.get("agency"), doc.get("report_year"), doc.get("path"), f["id"],
                          rule_title(f["id"]), SEVERITY_LABELS.get(f["severity"], f["severity"]),
                          f.get("location") or (where_words(f["where"]) if f.get("where") else None),
                          f["message"], f"{span[0]}–{span[1]}" if span else None])
    _write_rows(wf, ["机构", "年度", "文件", "规则代码", "问题类型", "严重程度", "位置", "说明", "字符位置"], frows,
                [30, 6, 30, 16, 24, 8, 24, 60, 12], wrap=(7,))

    wc = wb.create_sheet("指标与分值")
    single = dicts[0] if len(dicts) == 1 else None
    by_id = {c["id"]: c for c in single["criteria"]} if single else {}
    crows = []
    for c in _criteria_source(dicts, criteria_set):
        cid = c["id"] if isinstance(c, Mapping) else c.id
        title = c["title"] if isinstance(c, Mapping) else c.title
        weight = c["weight"] if isinstance(c, Mapping) else c.weight
        got, link = None, None
        if single and cid in by_id:
            r = by_id[cid]
            got = None if r["verdict"] == "not_assessable" else r["points"]
            ev = r.get("evidence") or []
            link = (f"「{ev[0]['quote'][:60]}」" if ev else None) or VERDICT_LABELS.get(r["verdict"])
        crows.append([title, weight, scoring_note(c), None, got, link])
    _write_rows(wc, EVALUATOR_HEADER, crows, [28, 6, 60, 8, 8, 40], wrap=(2, 5))
    if single:
        doc = single["document"]
        _append(wc, [])
        _append(wc, ["合计（可评分）", single["score"].get("assessable_weight"), None, None,
                     single["score"].get("earned"), doc.get("url") or doc.get("path")])
        _append(wc, ["总分（百分制）", 100, None, None, single["score"].get("total"), None])

    if failures:
        wx = wb.create_sheet("未能评分")
        _write_rows(wx, ["文件", "错误"], [[f["file"], f["error"]] for f in failures], [50, 80])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_csv(results: Sequence[ResultLike]) -> bytes:
    """The 得分表 as CSV in UTF-8 with a BOM, so Excel opens the Chinese correctly.

    Parameters
    ----------
    results : sequence of Result or dict
        Scored documents in row order.

    Returns
    -------
    bytes
        ``utf-8-sig`` encoded CSV, CRLF line ends.
    """
    dicts = [as_dict(r) for r in results]
    df = score_table(dicts)
    shown = display_table(df, {cid: (t, w) for cid, t, w in criteria_columns(dicts)})
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([sheet_text(str(h)) for h in shown.columns])
    for row in shown.itertuples(index=False, name=None):
        writer.writerow(["" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                         else (f"{v:g}" if isinstance(v, float) else sheet_text(v)) for v in row])
    return buf.getvalue().encode("utf-8-sig")
