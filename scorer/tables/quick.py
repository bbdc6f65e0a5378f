"""The plain-Python side of table validation: which tables exist, and a pre-check
that decides when pandera must run and which of its checks.

The pandera schemas (:mod:`scorer.tables.schemas`) are the contract and the only
source of rule findings. Importing pandas and pandera costs most of a second and
validating a table several milliseconds, while almost every real table passes;
:func:`check_tables` therefore evaluates the same conditions in plain Python first
(:func:`failing_rules`) and hands pandera only the tables that may fail, with the
rules that may fail. Tests check that the pre-check and pandera agree, rule by rule,
on the corpus and on generated tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from scorer.model import Finding
from scorer.tables import labels as L
from scorer.tables.result import TableResult

__all__ = [
    "TableSpec", "table_specs", "grid", "cells_ok", "failing_rules", "quick_pass", "check_tables", "result_leaves",
]

# Columns that may be negative (本年增/减) or fractional (万元 amounts).
_SIGNED = frozenset({"change"})
_FRACTIONAL = frozenset({"amount_wan_yuan", "amount"})
_PROACTIVE_COLS = {
    "2019": ["new_made", "new_published", "total_published", "prev_items", "change", "decisions", "items", "amount"],
    "2021": ["issued", "repealed", "in_force", "decisions", "amount_wan_yuan"],
}

Grid = list[list["float | None"]]


@dataclass(frozen=True)
class TableSpec:
    """A canonical table as rows x columns of its schema."""

    name: str
    table: dict[str, dict[str, Any]]
    rows: list[str]
    cols: list[str]
    index_name: str


def table_specs(tables: TableResult) -> list[TableSpec]:
    """The tables present, with the rows and columns their schemas expect."""
    out: list[TableSpec] = []
    if tables.proactive is not None:
        old = tables.variants.get("proactive") == "2019"
        defs = L.PROACTIVE_ROWS_2019 if old else L.PROACTIVE_ROWS_2021
        rows = [d.key for d in defs if d.key in tables.proactive]
        out.append(TableSpec("proactive", tables.proactive, rows, _PROACTIVE_COLS["2019" if old else "2021"], "row"))
    if tables.requests is not None:
        out.append(TableSpec("requests", tables.requests, list(tables.requests), list(L.REQUEST_COLUMNS), "row"))
    if tables.review_litigation is not None:
        out.append(TableSpec("review_litigation", tables.review_litigation, list(L.REVIEW_GROUPS),
                             list(L.REVIEW_COLUMNS), "group"))
    return out


def result_leaves(rows: list[str]) -> list[str]:
    """The result rows of 表三 (予以公开 … 其他处理) present, in the format's order."""
    leaves = L.RESULT_LEAVES_2021 if "other_misc" in rows or "other_no_correction" in rows else L.RESULT_LEAVES_2019
    return [r for r in leaves if r in rows]


def grid(table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> Grid:
    """The cells as floats, rows x cols, None where unknown: the values of the
    schema's frame (None becomes NaN there)."""
    out: Grid = []
    for r in rows:
        row = table.get(r)
        values = map(row.get, cols) if row else [None] * len(cols)
        out.append([None if x is None else float(x) for x in values])
    return out


def _cells_ok(g: Grid, cols: list[str]) -> bool:
    if _SIGNED.isdisjoint(cols) and _FRACTIONAL.isdisjoint(cols):
        # every column a whole count (表三, 表四); NaN fails ``x >= 0`` too
        return all(x is None or (x >= 0 and x.is_integer()) for row in g for x in row)
    kinds = [(c in _SIGNED, c in _FRACTIONAL) for c in cols]
    for row in g:
        for x, (signed, fractional) in zip(row, kinds):
            if x is not None and (x != x or (x < 0 and not signed) or (not fractional and not x.is_integer())):
                return False
    return True


def cells_ok(table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> bool:
    """True when every known cell is a non-negative whole count (or a signed /
    fractional value where the column allows one): the schema's column checks pass."""
    return _cells_ok(grid(table, rows, cols), cols)


def _sum_breaks(parts: tuple[float | None, ...], total: float | None) -> bool:
    """A sum rule is broken only where every cell is known (unknown cells are vacuous)."""
    return total is not None and None not in parts and sum(parts) != total  # type: ignore[arg-type]


def _row_sums_break(g: Grid, cols: list[str], parts: tuple[str, ...]) -> bool:
    """Some row's 总计 differs from the sum of its ``parts`` columns."""
    ti = cols.index("total")
    take = itemgetter(*[cols.index(c) for c in parts])  # two or more columns: a tuple
    return any(_sum_breaks(take(row), row[ti]) for row in g)


def failing_rules(name: str, table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> frozenset[str]:
    """The rules of the table's schema that fail, by the schema's own conditions:
    ``T-cell`` (any column check), ``T3-row-sum``, ``T3-identity``, ``T3-results-sum``,
    ``T4-sum``. Empty when the table certainly passes."""
    g = grid(table, rows, cols)
    bad: set[str] = set()
    if not _cells_ok(g, cols):
        bad.add("T-cell")
    if name == "requests":
        if _row_sums_break(g, cols, L.APPLICANT_COLUMNS):
            bad.add("T3-row-sum")
        at = {r: i for i, r in enumerate(rows)}
        if all(r in at for r in L.IDENTITY_ROWS):
            a, b, t, f = (g[at[r]] for r in L.IDENTITY_ROWS)
            for j in range(len(cols)):
                if None not in (a[j], b[j], t[j], f[j]) and a[j] + b[j] != t[j] + f[j]:  # type: ignore[operator]
                    bad.add("T3-identity")
                    break
        if "total" in at:
            leaves = [g[at[r]] for r in result_leaves(rows)]
            by_column = list(zip(*leaves)) if leaves else [()] * len(cols)
            if any(_sum_breaks(parts, t) for parts, t in zip(by_column, g[at["total"]])):
                bad.add("T3-results-sum")
    elif name == "review_litigation":
        if _row_sums_break(g, cols, L.REVIEW_PARTS):
            bad.add("T4-sum")
    return frozenset(bad)


def quick_pass(name: str, table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> bool:
    """True when the table certainly satisfies its schema (same conditions, unknown
    cells vacuous); False when pandera must look."""
    return not failing_rules(name, table, rows, cols)


def check_tables(tables: TableResult) -> list[Finding]:
    """Rule findings of the canonical tables: pandera validates every table the
    pre-check cannot pass, with the checks it flags (imported only then)."""
    suspect: dict[str, frozenset[str]] = {}
    for sp in table_specs(tables):
        bad = failing_rules(sp.name, sp.table, sp.rows, sp.cols)
        if bad:
            suspect[sp.name] = bad
    if not suspect:
        return []
    from scorer.tables.schemas import validate_frames

    return validate_frames(tables, suspect)
