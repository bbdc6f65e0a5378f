"""The plain-Python side of table validation: which tables exist, and a pre-check
that decides when pandera must run and which of its checks.

The pandera schemas (:mod:`scorer.tables.schemas`) are the contract and the only
source of rule findings. Importing pandas and pandera costs most of a second and
validating a table several milliseconds, while almost every real table passes; the
pre-check therefore evaluates the rules in plain Python first, with the same verdict
functions the pandera checks call (:mod:`scorer.tables.arithmetic`), and
:mod:`scorer.tables.check` hands pandera only the tables that may fail, with the
rules that may fail.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorer.tables import arithmetic as A
from scorer.tables import labels as L
from scorer.tables.result import TableResult

__all__ = ["TableSpec", "table_specs", "cells_ok", "failing_rules", "quick_pass"]

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


def cells_ok(table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> bool:
    """True when every known cell is a non-negative whole count (or a signed /
    fractional value where the column allows one): the schema's column checks pass."""
    return A.cells_ok(A.grid(table, rows, cols), cols)


def failing_rules(name: str, table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> frozenset[str]:
    """The rules of the table's schema that fail: ``T-cell`` (any column check),
    ``T3-row-sum``, ``T3-identity``, ``T3-results-sum``, ``T4-sum``. Empty when the
    table certainly passes."""
    return A.failing_rules(name, A.grid(table, rows, cols), rows, cols)


def quick_pass(name: str, table: dict[str, dict[str, Any]], rows: list[str], cols: list[str]) -> bool:
    """True when the table certainly satisfies its schema; False when pandera must look."""
    return not failing_rules(name, table, rows, cols)
