"""Choosing among the readings of glued digit runs with the tables' own arithmetic.

A reading that is the only way to split a run is taken as it is, even when the
table's arithmetic then fails (the report is inconsistent; validation says so).
Arithmetic only chooses among several readings: first each row's own sum
(T3-row-sum), then, jointly over the table, the column identities (T3-identity,
T3-results-sum). A unique fit is taken; several fits or none leave the differing
cells ambiguous, with their candidates.
"""
from __future__ import annotations

from itertools import product
from typing import Callable, Sequence

from scorer.tables import labels as L

Values = tuple  # a row reading: tuple of int | float | None
MAX_COMBOS = 300_000


def row_sum_ok(v: Values) -> bool:
    """T3-row-sum on one reading (unknown cells make it vacuously true)."""
    if any(x is None for x in v):
        return True
    return sum(v[:6]) == v[6]


def review_sums_ok(v: Values) -> bool:
    """T4-sum on a 15-cell reading of 表四."""
    for g in range(3):
        part = v[g * 5 : g * 5 + 5]
        if any(x is None for x in part):
            continue
        if sum(part[:4]) != part[4]:
            return False
    return True


def requests_columns_ok(rows: dict[str, Values], variant: str) -> bool:
    """T3-identity and T3-results-sum for every column where all cells are known."""
    leaves = L.RESULT_LEAVES_2021 if variant == "2021" else L.RESULT_LEAVES_2019
    for c in range(7):
        def val(r: str) -> int | None:
            v = rows.get(r)
            return None if v is None else v[c]

        a, b, t, f = val("new"), val("carried_over"), val("total"), val("carried_forward")
        if None not in (a, b, t, f) and a + b != t + f:
            return False
        lv = [val(r) for r in leaves]
        if t is not None and None not in lv and sum(lv) != t:
            return False
    return True


def choose(
    cands: dict[str, Sequence[Values]],
    row_ok: Callable[[Values], bool],
    table_ok: Callable[[dict[str, Values]], bool] | None = None,
) -> tuple[dict[str, list[int]], str | None]:
    """Surviving candidate indices per row, and a note on how they were chosen.

    Rows with no candidate (unreadable) map to an empty list."""
    keep: dict[str, list[int]] = {}
    for row, cs in cands.items():
        if len(cs) <= 1:
            keep[row] = list(range(len(cs)))
            continue
        fit = [i for i, v in enumerate(cs) if row_ok(v)]
        keep[row] = fit if fit else list(range(len(cs)))
    amb = [r for r, ks in keep.items() if len(ks) > 1]
    if not amb or table_ok is None:
        return keep, None
    size = 1
    for r in amb:
        size *= len(keep[r])
    if size > MAX_COMBOS:
        return keep, f"候选组合过多（{size}），未做整表校验"
    fixed = {r: cands[r][ks[0]] for r, ks in keep.items() if len(ks) == 1}
    survivors: list[tuple[int, ...]] = []
    for combo in product(*(keep[r] for r in amb)):
        rows = dict(fixed)
        rows.update({r: cands[r][i] for r, i in zip(amb, combo)})
        if table_ok(rows):
            survivors.append(combo)
    if not survivors:
        return keep, "没有一种读法能使全表勾稽关系成立"
    for j, r in enumerate(amb):
        keep[r] = sorted({combo[j] for combo in survivors})
    return keep, "按全表勾稽关系选定读法"
