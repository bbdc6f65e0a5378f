"""The 勾稽 arithmetic of the statutory tables, written once.

Each rule of domain.md §6 that a table can break on its own is a verdict function
over a grid of cells (rows × columns, ``None`` where a cell is unknown). The plain
pre-check (:mod:`scorer.tables.quick`) and the pandera checks
(:mod:`scorer.tables.schemas`) both call these functions, so the two agree by
construction. A rule is vacuous wherever one of its cells is unknown: an unreadable
or ambiguous cell has its own ``T-cell`` finding and must not produce a second,
invented one.

Row rules (``T3-row-sum``, ``T4-sum``) give one verdict per row; column rules
(``T3-identity``, ``T3-results-sum``) one per column, carried by one row (结转下年
and 总计 respectively) when they are reported.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from scorer.tables import labels as L

__all__ = [
    "Grid",
    "grid",
    "result_leaves",
    "cell_ok",
    "cells_ok",
    "sum_holds",
    "row_sum_verdicts",
    "identity_verdicts",
    "results_sum_verdicts",
    "rule_verdicts",
    "broken_cells",
    "failing_rules",
    "coverage",
    "ROW_RULES",
    "COLUMN_RULES",
    "CARRIER_ROW",
]

Grid = list[list["float | None"]]

# Columns that may be negative (本年增/减) or fractional (万元 amounts).
SIGNED_COLUMNS = frozenset({"change"})
FRACTIONAL_COLUMNS = frozenset({"amount_wan_yuan", "amount"})

#: Rules with a verdict per row, and the columns whose sum must equal 总计.
ROW_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "T3-row-sum": ("requests", L.APPLICANT_COLUMNS),
    "T4-sum": ("review_litigation", L.REVIEW_PARTS),
}
#: Rules with a verdict per column of 表三.
COLUMN_RULES: frozenset[str] = frozenset({"T3-identity", "T3-results-sum"})
#: The row that carries a broken column rule in findings.
CARRIER_ROW: dict[str, str] = {"T3-identity": "carried_forward", "T3-results-sum": "total"}


def grid(table: dict[str, dict[str, Any]], rows: Sequence[str], cols: Sequence[str]) -> Grid:
    """The cells as floats, rows × cols, ``None`` where unknown."""
    out: Grid = []
    for r in rows:
        row = table.get(r)
        values = map(row.get, cols) if row else [None] * len(cols)
        out.append([None if x is None else float(x) for x in values])
    return out


def result_leaves(rows: Sequence[str]) -> list[str]:
    """The result rows of 表三 (予以公开 … 其他处理) present, in the format's order."""
    leaves = L.RESULT_LEAVES_2021 if "other_misc" in rows or "other_no_correction" in rows else L.RESULT_LEAVES_2019
    return [r for r in leaves if r in rows]


def cell_ok(x: float | None, column: str) -> bool:
    """The ``T-cell`` value rule: a known cell is a non-negative whole count, or
    signed (本年增/减) / fractional (万元 amounts) where its column allows it."""
    if x is None:
        return True
    if x != x:  # NaN: a value that is not a number
        return False
    if x < 0 and column not in SIGNED_COLUMNS:
        return False
    return column in FRACTIONAL_COLUMNS or x.is_integer()


def cells_ok(g: Grid, cols: Sequence[str]) -> bool:
    """True when every known cell passes :func:`cell_ok`."""
    return all(cell_ok(x, c) for row in g for x, c in zip(row, cols))


def sum_holds(parts: Sequence[float | None], total: float | None) -> bool:
    """``sum(parts) == total``, vacuously true where any cell is unknown."""
    return total is None or None in parts or sum(parts) == total  # type: ignore[arg-type]


def row_sum_verdicts(g: Grid, cols: Sequence[str], parts: Sequence[str]) -> list[bool]:
    """Per row: 总计 = the sum of the ``parts`` columns."""
    ti = cols.index("total")
    idx = [cols.index(c) for c in parts]
    return [sum_holds([row[i] for i in idx], row[ti]) for row in g]


def identity_verdicts(g: Grid, rows: Sequence[str], n_cols: int) -> list[bool] | None:
    """表三, per column: 本年新收 + 上年结转 = 办理总计 + 结转下年 (None: a row is absent)."""
    at = {r: i for i, r in enumerate(rows)}
    if not all(r in at for r in L.IDENTITY_ROWS):
        return None
    a, b, t, f = (g[at[r]] for r in L.IDENTITY_ROWS)
    return [None in (a[j], b[j], t[j], f[j]) or a[j] + b[j] == t[j] + f[j]  # type: ignore[operator]
            for j in range(n_cols)]


def results_sum_verdicts(g: Grid, rows: Sequence[str], n_cols: int) -> list[bool] | None:
    """表三, per column: （七）总计 = 各项办理结果之和 (None: no 总计 row)."""
    at = {r: i for i, r in enumerate(rows)}
    if "total" not in at:
        return None
    leaves = [g[at[r]] for r in result_leaves(rows)]
    total = g[at["total"]]
    return [sum_holds([row[j] for row in leaves], total[j]) for j in range(n_cols)]


def rule_verdicts(rule: str, g: Grid, rows: Sequence[str], cols: Sequence[str]) -> list[bool] | None:
    """The verdicts of one dataframe rule: per row for a row rule, per column for a
    column rule; None when the table lacks the rows the rule needs."""
    if rule in ROW_RULES:
        return row_sum_verdicts(g, cols, ROW_RULES[rule][1])
    if rule == "T3-identity":
        return identity_verdicts(g, rows, len(cols))
    if rule == "T3-results-sum":
        return results_sum_verdicts(g, rows, len(cols))
    raise ValueError(f"not a table rule: {rule}")


def broken_cells(rule: str, g: Grid, rows: Sequence[str], cols: Sequence[str]) -> set[tuple[str, str]]:
    """(row, column) of the cells that carry a broken rule: the 总计 cell of a broken
    row, or the carrier row's cell of a broken column."""
    verdicts = rule_verdicts(rule, g, rows, cols)
    if verdicts is None:
        return set()
    if rule in ROW_RULES:
        return {(str(r), "total") for r, ok in zip(rows, verdicts) if not ok}
    return {(CARRIER_ROW[rule], str(c)) for c, ok in zip(cols, verdicts) if not ok}


def failing_rules(name: str, g: Grid, rows: Sequence[str], cols: Sequence[str]) -> frozenset[str]:
    """The rules of table ``name`` that its cells break: ``T-cell`` (any column
    check) and the table's dataframe rules. Empty when the table certainly passes."""
    bad: set[str] = set()
    if not cells_ok(g, cols):
        bad.add("T-cell")
    for rule in ("T3-row-sum", "T3-identity", "T3-results-sum", "T4-sum"):
        table = ROW_RULES[rule][0] if rule in ROW_RULES else "requests"
        if table != name:
            continue
        verdicts = rule_verdicts(rule, g, rows, cols)
        if verdicts is not None and not all(verdicts):
            bad.add(rule)
    return frozenset(bad)


def coverage(rule: str, table: Mapping[str, Mapping[str, Any]] | None) -> tuple[int, int]:
    """How much of ``table`` a rule could check: (instances whose cells are all
    known, all instances). An instance is a row for a row rule and a column for a
    column rule; a rule whose rows are absent has no known instance. A table read
    only as 待核对 (ambiguous or unreadable cells are None) checks nothing certain."""
    if table is None:
        return (0, 0)
    if rule == "T4-sum":
        rows, cols = [g for g in L.REVIEW_GROUPS if g in table], list(L.REVIEW_COLUMNS)
    else:
        rows, cols = list(table), list(L.REQUEST_COLUMNS)
    g = grid(dict(table), rows, cols)  # type: ignore[arg-type]
    if rule in ROW_RULES:
        idx = [cols.index(c) for c in ROW_RULES[rule][1]] + [cols.index("total")]
        known = sum(all(row[i] is not None for i in idx) for row in g)
        return (known, len(g))
    at = {r: i for i, r in enumerate(rows)}
    needed = list(L.IDENTITY_ROWS) if rule == "T3-identity" else [*result_leaves(rows), "total"]
    if rule == "T3-results-sum" and "total" not in at:
        return (0, len(cols))
    if not all(r in at for r in needed):
        return (0, len(cols))
    known = sum(all(g[at[r]][j] is not None for r in needed) for j in range(len(cols)))
    return (known, len(cols))
