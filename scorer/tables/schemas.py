"""pandera schemas of the canonical tables, with the 勾稽 rules of domain.md §6 as
named checks, and the one function that turns failure cases into Findings.

Frames hold floats (NaN = unknown: blank, placeholder or unreadable cell) so that a
fractional count reaches the ``T-cell`` check instead of failing dtype coercion.
Every rule check is vacuous where one of its cells is unknown: an unreadable cell
has its own T-cell finding and must not produce a second, invented one.

Rule checks return a boolean Series over the rows, False at the row that carries
the result: the row itself for a row rule (T3-row-sum, T4-sum), the 结转下年 / 总计
row for a column rule (T3-identity, T3-results-sum). pandera handles a row verdict
several times faster than a boolean frame; its failure cases then list the known
cells of that row, and :func:`failures_to_findings` keeps the cells that carry a
broken rule (the 总计 cell of a broken row, the columns whose sum is broken), read
from the same verdict functions the checks use.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Index, Series

from scorer.model import Finding, make_finding
from scorer.tables import arithmetic as A
from scorer.tables import labels as L
from scorer.tables.quick import table_specs
from scorer.tables.result import TableResult
from scorer.words import TABLE_NAMES

_T = L.REQUEST_COLUMN_LABELS


def _cell_verdicts(s: pd.Series) -> pd.Series:
    """``T-cell`` over one column: :func:`scorer.tables.arithmetic.cell_ok` per cell."""
    column = str(s.name)
    return s.map(lambda x: A.cell_ok(None if x != x else x, column)).astype(bool)


# --------------------------------------------------------------------------- rule verdicts
# The checks wrap the verdict functions of scorer.tables.arithmetic, which the plain
# pre-check calls too. A column rule's verdict is reported on the row that carries it
# (结转下年 for T3-identity, 总计 for T3-results-sum).


def _grid(df: pd.DataFrame) -> tuple[A.Grid, list[str], list[str]]:
    """The frame as the arithmetic's grid (NaN → None), its row and column keys."""
    g = [[None if x != x else x for x in row] for row in df.to_numpy().tolist()]
    return g, [str(r) for r in df.index], [str(c) for c in df.columns]


def _row_verdict(rule: str, df: pd.DataFrame) -> pd.Series:
    """A rule's verdict per row of the frame."""
    g, rows, cols = _grid(df)
    verdicts = A.rule_verdicts(rule, g, rows, cols)
    ok = [True] * len(rows)
    if rule in A.ROW_RULES:
        ok = list(verdicts or ok)
    elif verdicts is not None and not all(verdicts):
        ok[rows.index(A.CARRIER_ROW[rule])] = False
    return pd.Series(ok, index=df.index, dtype=bool)


def _broken_cells(rule: str, df: pd.DataFrame) -> set[tuple[str, str]]:
    """(row, column) of the cells that carry a broken dataframe rule."""
    g, rows, cols = _grid(df)
    return A.broken_cells(rule, g, rows, cols)


class RequestsSchema(pa.DataFrameModel):
    """表三 收到和处理政府信息公开申请情况: rows are canonical row keys (25 in the
    2021 format, 23 in 2019), columns the seven applicant columns."""

    row: Index[str] = pa.Field(isin=sorted(set(L.REQUEST_ROWS_2021) | set(L.REQUEST_ROWS_2019)), title="行")
    natural_person: Series[float] = pa.Field(nullable=True, title=_T["natural_person"])
    business: Series[float] = pa.Field(nullable=True, title=_T["business"])
    research: Series[float] = pa.Field(nullable=True, title=_T["research"])
    social_org: Series[float] = pa.Field(nullable=True, title=_T["social_org"])
    legal_service: Series[float] = pa.Field(nullable=True, title=_T["legal_service"])
    other_org: Series[float] = pa.Field(nullable=True, title=_T["other_org"])
    total: Series[float] = pa.Field(nullable=True, title=_T["total"])

    class Config:
        strict = True
        title = "表三 收到和处理政府信息公开申请情况"

    @pa.check(*L.REQUEST_COLUMNS, name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """申请件数应为非负整数。"""
        return _cell_verdicts(s)

    @pa.dataframe_check(name="T3-row-sum")
    def row_sum(cls, df: pd.DataFrame) -> Series[bool]:
        """每一行：总计 = 六类申请人之和。"""
        return _row_verdict("T3-row-sum", df)

    @pa.dataframe_check(name="T3-identity")
    def identity(cls, df: pd.DataFrame) -> Series[bool]:
        """每一列：本年新收 + 上年结转 = 办理总计 + 结转下年度继续办理（结果记在结转下年行）。"""
        return _row_verdict("T3-identity", df)

    @pa.dataframe_check(name="T3-results-sum")
    def results_sum(cls, df: pd.DataFrame) -> Series[bool]:
        """每一列：（七）总计 = 各项办理结果之和（结果记在总计行）。"""
        return _row_verdict("T3-results-sum", df)


class ReviewLitigationSchema(pa.DataFrameModel):
    """表四 政府信息公开行政复议、行政诉讼情况: rows are the three groups."""

    group: Index[str] = pa.Field(isin=list(L.REVIEW_GROUPS), title="类别")
    upheld: Series[float] = pa.Field(nullable=True, title="结果维持")
    corrected: Series[float] = pa.Field(nullable=True, title="结果纠正")
    other: Series[float] = pa.Field(nullable=True, title="其他结果")
    pending: Series[float] = pa.Field(nullable=True, title="尚未审结")
    total: Series[float] = pa.Field(nullable=True, title="总计")

    class Config:
        strict = True
        title = "表四 政府信息公开行政复议、行政诉讼情况"

    @pa.check(*L.REVIEW_COLUMNS, name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """案件数应为非负整数。"""
        return _cell_verdicts(s)

    @pa.dataframe_check(name="T4-sum")
    def group_sum(cls, df: pd.DataFrame) -> Series[bool]:
        """每一类：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计。"""
        return _row_verdict("T4-sum", df)


class Proactive2021Schema(pa.DataFrameModel):
    """表二 主动公开政府信息情况（2021 格式）: rows 规章 … 行政事业性收费."""

    row: Index[str] = pa.Field(isin=[d.key for d in L.PROACTIVE_ROWS_2021], title="信息内容")
    issued: Series[float] = pa.Field(nullable=True, title="本年制发件数")
    repealed: Series[float] = pa.Field(nullable=True, title="本年废止件数")
    in_force: Series[float] = pa.Field(nullable=True, title="现行有效件数")
    decisions: Series[float] = pa.Field(nullable=True, title="本年处理决定数量")
    amount_wan_yuan: Series[float] = pa.Field(nullable=True, title="本年收费金额（单位：万元）")

    class Config:
        strict = True
        title = "表二 主动公开政府信息情况（2021）"

    @pa.check("issued", "repealed", "in_force", "decisions", "amount_wan_yuan", name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """件数应为非负整数，收费金额不为负。"""
        return _cell_verdicts(s)


class Proactive2019Schema(pa.DataFrameModel):
    """表二 主动公开政府信息情况（2019 试行格式）: 规章/规范性文件, 许可/其他服务,
    处罚/强制, 收费, 政府集中采购."""

    row: Index[str] = pa.Field(isin=[d.key for d in L.PROACTIVE_ROWS_2019], title="信息内容")
    new_made: Series[float] = pa.Field(nullable=True, title="本年新制作数量")
    new_published: Series[float] = pa.Field(nullable=True, title="本年新公开数量")
    total_published: Series[float] = pa.Field(nullable=True, title="对外公开总数量")
    prev_items: Series[float] = pa.Field(nullable=True, title="上一年项目数量")
    change: Series[float] = pa.Field(nullable=True, title="本年增/减")  # may be negative
    decisions: Series[float] = pa.Field(nullable=True, title="处理决定数量")
    items: Series[float] = pa.Field(nullable=True, title="采购项目数量")
    amount: Series[float] = pa.Field(nullable=True, title="采购总金额（万元）")

    class Config:
        strict = True
        title = "表二 主动公开政府信息情况（2019）"

    @pa.check("new_made", "new_published", "total_published", "prev_items", "change", "decisions", "items",
              "amount", name="T-cell")
    def whole_counts(cls, s: pd.Series) -> pd.Series:
        """件数、项目数应为非负整数（本年增/减可为负），金额不为负。"""
        return _cell_verdicts(s)


# --------------------------------------------------------------------------- frames


def _frame(table: dict[str, dict[str, Any]], rows: list[str], cols: list[str], index_name: str) -> pd.DataFrame:
    # one float64 block straight from numpy (None -> NaN): cheaper than pandas
    # building it from a list of lists
    data = np.array(A.grid(table, rows, cols), dtype=float).reshape(len(rows), len(cols))
    return pd.DataFrame(data, index=pd.Index(rows, name=index_name), columns=cols)


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
def _schema(model: type[pa.DataFrameModel], rules: frozenset[str] | None = None) -> pa.DataFrameSchema:
    """The model's schema (cached), or, given ``rules``, a schema with only those of
    its dataframe rule checks (T3-*, T4-sum) and none of its column checks."""
    full = model.to_schema()
    if rules is None:
        return full
    return pa.DataFrameSchema(checks=[c for c in full.checks if c.name in rules], name=full.name)


def validate_frames(tables: TableResult, rules: Mapping[str, Collection[str]] | None = None) -> list[Finding]:
    """Validate the canonical tables with pandera and return the rule findings.

    Without ``rules``, every table against its full schema (lazily: all failures).
    With ``rules`` (from the quick pre-check: table -> the rules it found broken),
    only those tables. A table whose cells all pass the column checks is validated
    against each broken rule check alone, eagerly (one check: its first failure is
    all of them, and pandera skips the lazy summary); the rules the pre-check passed
    are not run. With ``T-cell`` among the broken rules, the full schema: with
    fractional cells the plain-Python sums need not round like pandas' sums, so the
    pre-check's verdict on the other rules is not relied on."""
    findings: list[Finding] = []
    for sp in table_specs(tables):
        broken = None if rules is None else rules.get(sp.name)
        if rules is not None and not broken:
            continue
        model = schema_for(sp.name, tables.variants.get(sp.name))
        if broken is None or "T-cell" in broken:
            runs = [(_schema(model), True)]
        else:
            runs = [(_schema(model, frozenset({rule})), False) for rule in sorted(broken)]
        df = _frame(sp.table, sp.rows, sp.cols, sp.index_name)
        for schema, lazy in runs:
            try:
                # inplace: the frame is ours and nothing is coerced; saves a copy
                schema.validate(df, lazy=lazy, inplace=True)
            except pa.errors.SchemaErrors as exc:
                findings += failures_to_findings(sp.name, df, exc.failure_cases, tables)
            except pa.errors.SchemaError as exc:
                if isinstance(exc.failure_cases, pd.DataFrame):  # not a check that raised
                    cases = exc.failure_cases.assign(check=exc.check.name)
                    findings += failures_to_findings(sp.name, df, cases, tables)
    return findings


# --------------------------------------------------------------------------- findings


def failures_to_findings(
    table: str, df: pd.DataFrame, failure_cases: pd.DataFrame, tables: TableResult | None = None
) -> list[Finding]:
    """Turn pandera ``failure_cases`` into Findings (severity from the rule registry, ``scorer.rules``).

    Built-in ``ge`` checks and the integral check are ``T-cell``; the named
    dataframe checks carry their rule id. One finding per failing (rule, row,
    column), with the numbers of the rule in Chinese. A dataframe check reports
    every known cell of the row it fails; only the cells that carry a broken rule
    (``_broken_cells``) make findings."""
    out: dict[tuple[str, str], Finding] = {}
    carriers: dict[str, set[tuple[str, str]]] = {}
    at = _Values(df)
    cases = zip(failure_cases["check"].tolist(), failure_cases["index"].tolist(), failure_cases["column"].tolist())
    for check, row, col in cases:
        check = str(check)
        rule = check if check in _BUILDERS else "T-cell"
        if row is None or (isinstance(row, float) and np.isnan(row)):
            continue
        if col not in at.col:
            continue
        row, col = str(row), str(col)
        if rule != "T-cell":
            if rule not in carriers:
                carriers[rule] = _broken_cells(rule, df)
            if (row, col) not in carriers[rule]:
                continue
        where, message, keys, numbers = _BUILDERS[rule](table, at, row, col, check)
        if (rule, where) not in out:
            out[(rule, where)] = make_finding(rule, where, message, _span(tables, keys), numbers, cells=tuple(keys))
    return list(out.values())


class _Values:
    """The frame's cells for the finding builders: numpy lookups, not ``df.loc``."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.v = df.to_numpy()
        self.rows = [str(r) for r in df.index]
        self.row = {r: i for i, r in enumerate(self.rows)}
        self.col = {str(c): j for j, c in enumerate(df.columns)}

    def __call__(self, row: str, col: str) -> float:
        return self.v[self.row[row], self.col[col]]

    def column_sum(self, rows: list[str], col: str) -> float:
        # a contiguous 1-D copy summed by numpy, as pandas sums ``df.loc[rows, col]``
        return self.v[[self.row[r] for r in rows], self.col[col]].sum()


def _span(tables: TableResult | None, keys: list[str]) -> tuple[int, int] | None:
    if tables is None:
        return None
    spans = [tables.cells[k].span for k in keys if k in tables.cells and tables.cells[k].span]
    if not spans:
        return None
    return (min(s[0] for s in spans), max(s[1] for s in spans))


def _n(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _cell_rule(table: str, at: _Values, row: str, col: str, check: str):
    v = at(row, col)
    what = "为负数" if v < 0 else "为小数，应为整数"
    label = L.row_label(table, row) or row
    return (
        f"{table}.{row}.{col}",
        f"{TABLE_NAMES[table]}“{label}”行“{L.column_label(table, col) or col}”{what}：{_n(v)}",
        [f"{table}.{row}.{col}"],
        {"value": _n(v)},
    )


def _row_sum(table: str, at: _Values, row: str, col: str, check: str):
    parts = [_n(at(row, c)) for c in L.APPLICANT_COLUMNS]
    total = _n(at(row, "total"))
    return (
        f"requests.{row}.total",
        f"表三“{L.REQUEST_ROW_LABELS[row]}”行：各类申请人之和 {'+'.join(map(str, parts))} = {sum(parts)} ≠ 总计{total}",
        [f"requests.{row}.{c}" for c in L.REQUEST_COLUMNS],
        {"sum": sum(parts), "total": total},
    )


def _identity(table: str, at: _Values, row: str, col: str, check: str):
    a, b, t, f = (_n(at(r, col)) for r in L.IDENTITY_ROWS)
    return (
        f"requests.*.{col}",
        f"本年新收{a} + 上年结转{b} ≠ 办理总计{t} + 结转下年{f}（{_T[col]}列）",
        [f"requests.{r}.{col}" for r in L.IDENTITY_ROWS],
        {"new": a, "carried_over": b, "total": t, "carried_forward": f},
    )


def _results_sum(table: str, at: _Values, row: str, col: str, check: str):
    leaves = A.result_leaves(at.rows)
    s = _n(at.column_sum(leaves, col))
    t = _n(at("total", col))
    return (
        f"requests.total.{col}",
        f"办理结果各项之和{s} ≠ （七）总计{t}（{_T[col]}列）",
        [f"requests.{r}.{col}" for r in [*leaves, "total"]],
        {"results_sum": s, "total": t},
    )


def _t4(table: str, at: _Values, row: str, col: str, check: str):
    u, c, o, p, t = (_n(at(row, k)) for k in L.REVIEW_COLUMNS)
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


