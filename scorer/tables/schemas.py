"""pandera schemas of the canonical tables, with the 勾稽 rules of domain.md §6 as
named checks, and the one function that turns failure cases into Findings.

Frames hold floats (NaN = unknown: blank, placeholder or unreadable cell) so that a
fractional count reaches the ``T-cell`` check instead of failing dtype coercion.
Every rule check is vacuous where one of its cells is unknown: an unreadable cell
has its own T-cell finding and must not produce a second, invented one.

Rule checks return a boolean frame shaped like the data, False only at the cell
that carries the result (the 总计 cell of the row or column), so ``failure_cases``
says exactly which row/column broke the rule.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Index, Series

from scorer.model import Finding, make_finding
from scorer.tables import labels as L
from scorer.tables.quick import cells_ok, result_leaves, table_specs
from scorer.tables.result import TableResult

_T = L.REQUEST_COLUMN_LABELS


def _integral(s: pd.Series) -> pd.Series:
    return s.isna() | (s == np.round(s))


def _ok_like(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(True, index=df.index, columns=df.columns)


class RequestsSchema(pa.DataFrameModel):
    """表三 收到和处理政府信息公开申请情况: rows are canonical row keys (25 in the
    2021 format, 23 in 2019), columns the seven applicant columns."""

    row: Index[str] = pa.Field(isin=sorted(set(L.REQUEST_ROWS_2021) | set(L.REQUEST_ROWS_2019)), title="行")
    natural_person: Series[float] = pa.Field(ge=0, nullable=True, title=_T["natural_person"])
    business: Series[float] = pa.Field(ge=0, nullable=True, title=_T["business"])
    research: Series[float] = pa.Field(ge=0, nullable=True, title=_T["research"])
    social_org: Series[float] = pa.Field(ge=0, nullable=True, title=_T["social_org"])
    legal_service: Series[float] = pa.Field(ge=0, nullable=True, title=_T["legal_service"])
    other_org: Series[float] = pa.Field(ge=0, nullable=True, title=_T["other_org"])
    total: Series[float] = pa.Field(ge=0, nullable=True, title=_T["total"])

    class Config:
        strict = True
        title = "表三 收到和处理政府信息公开申请情况"

    @pa.check(*L.REQUEST_COLUMNS, name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """申请件数应为整数。"""
        return _integral(s)

    @pa.dataframe_check(name="T3-row-sum")
    def row_sum(cls, df: pd.DataFrame) -> pd.DataFrame:
        """每一行：总计 = 六类申请人之和。"""
        ok = _ok_like(df)
        parts = df[list(L.APPLICANT_COLUMNS)]
        known = parts.notna().all(axis=1) & df["total"].notna()
        ok["total"] = ~known | (parts.sum(axis=1) == df["total"])
        return ok

    @pa.dataframe_check(name="T3-identity")
    def identity(cls, df: pd.DataFrame) -> pd.DataFrame:
        """每一列：本年新收 + 上年结转 = 办理总计 + 结转下年度继续办理。"""
        ok = _ok_like(df)
        need = ("new", "carried_over", "total", "carried_forward")
        if not all(r in df.index for r in need):
            return ok
        a, b, t, f = (df.loc[r] for r in need)
        known = a.notna() & b.notna() & t.notna() & f.notna()
        ok.loc["carried_forward"] = ~known | (a + b == t + f)
        return ok

    @pa.dataframe_check(name="T3-results-sum")
    def results_sum(cls, df: pd.DataFrame) -> pd.DataFrame:
        """每一列：（七）总计 = 各项办理结果之和。"""
        ok = _ok_like(df)
        if "total" not in df.index:
            return ok
        leaves = _leaves(df.index)
        part = df.loc[leaves]
        known = part.notna().all(axis=0) & df.loc["total"].notna()
        ok.loc["total"] = ~known | (part.sum(axis=0) == df.loc["total"])
        return ok


def _leaves(index: pd.Index) -> list[str]:
    return result_leaves(list(index))


class ReviewLitigationSchema(pa.DataFrameModel):
    """表四 政府信息公开行政复议、行政诉讼情况: rows are the three groups."""

    group: Index[str] = pa.Field(isin=list(L.REVIEW_GROUPS), title="类别")
    upheld: Series[float] = pa.Field(ge=0, nullable=True, title="结果维持")
    corrected: Series[float] = pa.Field(ge=0, nullable=True, title="结果纠正")
    other: Series[float] = pa.Field(ge=0, nullable=True, title="其他结果")
    pending: Series[float] = pa.Field(ge=0, nullable=True, title="尚未审结")
    total: Series[float] = pa.Field(ge=0, nullable=True, title="总计")

    class Config:
        strict = True
        title = "表四 政府信息公开行政复议、行政诉讼情况"

    @pa.check("upheld", "corrected", "other", "pending", "total", name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """案件数应为整数。"""
        return _integral(s)

    @pa.dataframe_check(name="T4-sum")
    def group_sum(cls, df: pd.DataFrame) -> pd.DataFrame:
        """每一类：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计。"""
        ok = _ok_like(df)
        parts = df[["upheld", "corrected", "other", "pending"]]
        known = parts.notna().all(axis=1) & df["total"].notna()
        ok["total"] = ~known | (parts.sum(axis=1) == df["total"])
        return ok


class Proactive2021Schema(pa.DataFrameModel):
    """表二 主动公开政府信息情况（2021 格式）: rows 规章 … 行政事业性收费."""

    row: Index[str] = pa.Field(isin=[d.key for d in L.PROACTIVE_ROWS_2021], title="信息内容")
    issued: Series[float] = pa.Field(ge=0, nullable=True, title="本年制发件数")
    repealed: Series[float] = pa.Field(ge=0, nullable=True, title="本年废止件数")
    in_force: Series[float] = pa.Field(ge=0, nullable=True, title="现行有效件数")
    decisions: Series[float] = pa.Field(ge=0, nullable=True, title="本年处理决定数量")
    amount_wan_yuan: Series[float] = pa.Field(ge=0, nullable=True, title="本年收费金额（单位：万元）")

    class Config:
        strict = True
        title = "表二 主动公开政府信息情况（2021）"

    @pa.check("issued", "repealed", "in_force", "decisions", name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """件数应为整数。"""
        return _integral(s)


class Proactive2019Schema(pa.DataFrameModel):
    """表二 主动公开政府信息情况（2019 试行格式）: 规章/规范性文件, 许可/其他服务,
    处罚/强制, 收费, 政府集中采购."""

    row: Index[str] = pa.Field(isin=[d.key for d in L.PROACTIVE_ROWS_2019], title="信息内容")
    new_made: Series[float] = pa.Field(ge=0, nullable=True, title="本年新制作数量")
    new_published: Series[float] = pa.Field(ge=0, nullable=True, title="本年新公开数量")
    total_published: Series[float] = pa.Field(ge=0, nullable=True, title="对外公开总数量")
    prev_items: Series[float] = pa.Field(ge=0, nullable=True, title="上一年项目数量")
    change: Series[float] = pa.Field(nullable=True, title="本年增/减")  # may be negative
    decisions: Series[float] = pa.Field(ge=0, nullable=True, title="处理决定数量")
    items: Series[float] = pa.Field(ge=0, nullable=True, title="采购项目数量")
    amount: Series[float] = pa.Field(ge=0, nullable=True, title="采购总金额（万元）")

    class Config:
        strict = True
        title = "表二 主动公开政府信息情况（2019）"

    @pa.check("new_made", "new_published", "total_published", "prev_items", "change", "decisions", "items", name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """件数、项目数应为整数。"""
        return _integral(s)


# --------------------------------------------------------------------------- frames


def _frame(table: dict[str, dict[str, Any]], rows: list[str], cols: list[str], index_name: str) -> pd.DataFrame:
    data = [[_f(table.get(r, {}).get(c)) for c in cols] for r in rows]
    df = pd.DataFrame(data, index=pd.Index(rows, name=index_name), columns=cols, dtype=float)
    return df


def _f(v: Any) -> float:
    return np.nan if v is None else float(v)


def schema_for(name: str, variant: str | None) -> type[pa.DataFrameModel]:
    """The schema that validates table ``name`` in format ``variant``."""
    if name == "proactive":
        return Proactive2019Schema if variant == "2019" else Proactive2021Schema
    return {"requests": RequestsSchema, "review_litigation": ReviewLitigationSchema}[name]


def frames(tables: TableResult) -> list[tuple[str, type[pa.DataFrameModel], pd.DataFrame]]:
    """The canonical tables as frames, with the schema that validates each."""
    return [
        (sp.name, schema_for(sp.name, tables.variants.get(sp.name)), _frame(sp.table, sp.rows, sp.cols, sp.index_name))
        for sp in table_specs(tables)
    ]


@lru_cache(maxsize=None)
def _rules_only(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The model's dataframe-wide rule checks (T3-*, T4-sum) without its column
    checks: half the cost when every cell is already known to pass those."""
    full = model.to_schema()
    return pa.DataFrameSchema(checks=full.checks, name=full.name)


def validate_frames(tables: TableResult, names: list[str] | None = None) -> list[Finding]:
    """Validate the canonical tables with pandera (lazily) and return the rule findings.

    ``names`` limits it to some tables (those the quick pre-check could not pass)."""
    findings: list[Finding] = []
    for sp in table_specs(tables):
        if names is not None and sp.name not in names:
            continue
        df = _frame(sp.table, sp.rows, sp.cols, sp.index_name)
        model = schema_for(sp.name, tables.variants.get(sp.name))
        schema = _rules_only(model) if cells_ok(sp.table, sp.rows, sp.cols) else model
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            findings += failures_to_findings(sp.name, df, exc.failure_cases, tables)
    return findings


# --------------------------------------------------------------------------- findings


def failures_to_findings(
    table: str, df: pd.DataFrame, failure_cases: pd.DataFrame, tables: TableResult | None = None
) -> list[Finding]:
    """Turn pandera ``failure_cases`` into Findings (severity from ``scorer.model.RULES``).

    Built-in ``ge`` checks and the integral check are ``T-cell``; the named
    dataframe checks carry their rule id. One finding per failing (rule, row,
    column), with the numbers of the rule in Chinese."""
    out: dict[tuple[str, str], Finding] = {}
    for case in failure_cases.itertuples(index=False):
        check = str(case.check)
        rule = check if check in _BUILDERS else "T-cell"
        row = case.index
        if row is None or (isinstance(row, float) and np.isnan(row)):
            continue
        # column checks report one cell; dataframe checks report the failing
        # cells of a row as a {column: value} dict
        cols = list(case.failure_case) if isinstance(case.failure_case, dict) else [case.column]
        for col in cols:
            if col not in df.columns:
                continue
            where, message, keys, numbers = _BUILDERS[rule](table, df, str(row), str(col), check)
            if (rule, where) not in out:
                out[(rule, where)] = make_finding(rule, where, message, _span(tables, keys), numbers)
    return list(out.values())


def _span(tables: TableResult | None, keys: list[str]) -> tuple[int, int] | None:
    if tables is None:
        return None
    spans = [tables.cells[k].span for k in keys if k in tables.cells and tables.cells[k].span]
    if not spans:
        return None
    return (min(s[0] for s in spans), max(s[1] for s in spans))


def _n(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _cell_rule(table: str, df: pd.DataFrame, row: str, col: str, check: str):
    v = df.loc[row, col]
    what = "为负数" if v < 0 else "为小数，应为整数"
    label = _row_label(table, row)
    return (
        f"{table}.{row}.{col}",
        f"{_CN[table]}“{label}”行“{_col_label(table, col)}”{what}：{_n(v)}",
        [f"{table}.{row}.{col}"],
        {"value": _n(v)},
    )


def _row_sum(table: str, df: pd.DataFrame, row: str, col: str, check: str):
    parts = [_n(df.loc[row, c]) for c in L.APPLICANT_COLUMNS]
    total = _n(df.loc[row, "total"])
    return (
        f"requests.{row}.total",
        f"表三“{L.REQUEST_ROW_LABELS[row]}”行：各类申请人之和 {'+'.join(map(str, parts))} = {sum(parts)} ≠ 总计{total}",
        [f"requests.{row}.{c}" for c in L.REQUEST_COLUMNS],
        {"sum": sum(parts), "total": total},
    )


def _identity(table: str, df: pd.DataFrame, row: str, col: str, check: str):
    a, b, t, f = (_n(df.loc[r, col]) for r in ("new", "carried_over", "total", "carried_forward"))
    return (
        f"requests.*.{col}",
        f"本年新收{a} + 上年结转{b} ≠ 办理总计{t} + 结转下年{f}（{_T[col]}列）",
        [f"requests.{r}.{col}" for r in ("new", "carried_over", "total", "carried_forward")],
        {"new": a, "carried_over": b, "total": t, "carried_forward": f},
    )


def _results_sum(table: str, df: pd.DataFrame, row: str, col: str, check: str):
    leaves = _leaves(df.index)
    s = _n(df.loc[leaves, col].sum())
    t = _n(df.loc["total", col])
    return (
        f"requests.total.{col}",
        f"办理结果各项之和{s} ≠ （七）总计{t}（{_T[col]}列）",
        [f"requests.{r}.{col}" for r in [*leaves, "total"]],
        {"results_sum": s, "total": t},
    )


def _t4(table: str, df: pd.DataFrame, row: str, col: str, check: str):
    u, c, o, p, t = (_n(df.loc[row, k]) for k in L.REVIEW_COLUMNS)
    return (
        f"review_litigation.{row}.total",
        f"{L.REVIEW_GROUP_LABELS[row]}：结果维持{u} + 结果纠正{c} + 其他结果{o} + 尚未审结{p} = {u + c + o + p} ≠ 总计{t}",
        [f"review_litigation.{row}.{k}" for k in L.REVIEW_COLUMNS],
        {"upheld": u, "corrected": c, "other": o, "pending": p, "total": t},
    )


_BUILDERS: dict[str, Callable[..., tuple[str, str, list[str], dict[str, Any]]]] = {
    "T-cell": _cell_rule,
    "T3-row-sum": _row_sum,
    "T3-identity": _identity,
    "T3-results-sum": _results_sum,
    "T4-sum": _t4,
}
_CN = {"proactive": "表二", "requests": "表三", "review_litigation": "表四"}


def _row_label(table: str, row: str) -> str:
    if table == "requests":
        return L.REQUEST_ROW_LABELS.get(row, row)
    if table == "review_litigation":
        return L.REVIEW_GROUP_LABELS.get(row, row)
    for d in L.PROACTIVE_ROWS_2021 + L.PROACTIVE_ROWS_2019:
        if d.key == row:
            return d.label
    return row


def _col_label(table: str, col: str) -> str:
    if table == "requests":
        return _T.get(col, col)
    if table == "review_litigation":
        return L.REVIEW_COLUMN_LABELS.get(col, col)
    for d in L.PROACTIVE_ROWS_2021 + L.PROACTIVE_ROWS_2019:
        for k, label, _ in d.columns:
            if k == col:
                return label
    return col
