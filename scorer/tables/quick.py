"""The plain-Python side of table validation: which tables exist, and a pre-check
that decides when pandera must run.

The pandera schemas (:mod:`scorer.tables.schemas`) are the contract and the only
source of rule findings. Importing pandas and pandera costs most of a second and
validating a table ~15 ms, while almost every real table passes; :func:`check_tables`
therefore evaluates the same conditions in plain Python first and hands only the
tables that may fail to pandera. Tests check that :func:`quick_pass` and pandera
agree on the corpus and on generated tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorer.model import Finding
from scorer.tables import labels as L
from scorer.tables.result import TableResult

__all__ = ["TableSpec", "table_specs", "cells_ok", "quick_pass", "check_tables", "result_leaves"]

# Columns that may be negative (本年增/减) or fractional (万元 amounts).
_SIGNED = frozenset({"change"})
_FRACTIONAL = frozenset({"amount_wan_yuan", "amount"})
_PROACTIVE_COLS = {
    "2019": ["new_made", "new_published", "total_published", "prev_items", "change", "decisions", "items", "amount"],
    "2021": ["issued", "repealed", "in_force", "decisions", "amount_wan_yuan"],
}


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


def cells_ok(table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> bool:
    """True when every known cell is a non-negative whole count (or a signed /
    fractional value where the column allows one): the schema's column checks pass."""
    for r in rows:
        for c in cols:
            x = table.get(r, {}).get(c)
            if x is None:
                continue
            x = float(x)
            if x != x or (x < 0 and c not in _SIGNED) or (c not in _FRACTIONAL and not x.is_integer()):
                return False
    return True


def quick_pass(name: str, table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> bool:
    """True when the table certainly satisfies its schema (same conditions, unknown
    cells vacuous); False when pandera must look."""
    def v(r: str, c: str) -> float | None:
        x = table.get(r, {}).get(c)
        return None if x is None else float(x)

    if not cells_ok(table, rows, cols):
        return False
    if name == "requests":
        for r in rows:
            parts = [v(r, c) for c in L.APPLICANT_COLUMNS]
            t = v(r, "total")
            if t is not None and None not in parts and sum(parts) != t:  # type: ignore[arg-type]
                return False
        need = ("new", "carried_over", "total", "carried_forward")
        if all(r in rows for r in need):
            for c in cols:
                a, b, t, f = (v(r, c) for r in need)
                if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]
                    return False
        if "total" in rows:
            leaves = result_leaves(rows)
            for c in cols:
                parts = [v(r, c) for r in leaves]
                t = v("total", c)
                if t is not None and None not in parts and sum(parts) != t:  # type: ignore[arg-type]
                    return False
    if name == "review_litigation":
        for r in rows:
            parts = [v(r, c) for c in ("upheld", "corrected", "other", "pending")]
            t = v(r, "total")
            if t is not None and None not in parts and sum(parts) != t:  # type: ignore[arg-type]
                return False
    return True


def check_tables(tables: TableResult) -> list[Finding]:
    """Rule findings of the canonical tables: pandera validates every table the
    pre-check cannot pass (imported only then)."""
    suspect = [sp.name for sp in table_specs(tables) if not quick_pass(sp.name, sp.table, sp.rows, sp.cols)]
    if not suspect:
        return []
    from scorer.tables.schemas import validate_frames

    return validate_frames(tables, suspect)
