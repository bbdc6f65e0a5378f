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
from typing import Any, Callable, Mapping, Sequence

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
    keep = _fitting_rows(cands, row_ok)
    amb = [r for r, ks in keep.items() if len(ks) > 1]
    if not amb or table_ok is None:
        return keep, None
    too_many = _too_many(keep, amb)
    if too_many:
        return keep, too_many
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


def _too_many(keep: dict[str, list[int]], amb: list[str]) -> str | None:
    """The note when the ambiguous rows' readings make more combinations than the
    whole-table check may try (MAX_COMBOS), else None."""
    size = 1
    for r in amb:
        size *= len(keep[r])
    return f"候选组合过多（{size}），未做整表校验" if size > MAX_COMBOS else None


def choose_requests(
    cands: dict[str, Sequence[Values]], variant: str
) -> tuple[dict[str, list[int]], str | None]:
    """:func:`choose` for 表三 with ``row_sum_ok`` and ``requests_columns_ok``, the
    whole-table search done by accumulating each column's two balances (本年新收 +
    上年结转 − 办理总计 − 结转下年, and the result leaves − 办理总计) along the
    combination instead of re-adding every column for each one: the same result,
    fast enough for pages where many rows have several readings."""
    keep = _fitting_rows(cands, row_sum_ok)
    amb = [r for r, ks in keep.items() if len(ks) > 1]
    if not amb:
        return keep, None
    too_many = _too_many(keep, amb)
    if too_many:
        return keep, too_many
    leaves = set(L.RESULT_LEAVES_2021 if variant == "2021" else L.RESULT_LEAVES_2019)
    ident = {"new": 1, "carried_over": 1, "total": -1, "carried_forward": -1}
    # a balance is checked only where every cell it needs is known: rows absent
    # from the table make it vacuous for every column
    id_off = any(r not in cands or not keep[r] for r in ident)
    rs_off = any(r not in cands or not keep[r] for r in leaves | {"total"})

    def contrib(row: str, v: Values) -> tuple[list[int], list[int], int, int]:
        a = ident.get(row, 0)
        b = 1 if row in leaves else (-1 if row == "total" else 0)
        idv, rsv, idn, rsn = [0] * 7, [0] * 7, 0, 0
        for c in range(7):
            x = v[c]
            if x is None:
                if a:
                    idn |= 1 << c
                if b:
                    rsn |= 1 << c
                continue
            idv[c] = a * x
            rsv[c] = b * x
        return idv, rsv, idn, rsn

    idv, rsv, idn, rsn = [0] * 7, [0] * 7, 0, 0
    for r, ks in keep.items():
        if len(ks) == 1 and (r in ident or r in leaves):
            i, s, n1, n2 = contrib(r, cands[r][ks[0]])
            idv = [x + y for x, y in zip(idv, i)]
            rsv = [x + y for x, y in zip(rsv, s)]
            idn |= n1
            rsn |= n2
    # identity rows first: their balance is complete once they are chosen
    amb.sort(key=lambda r: r not in ident)
    n_ident = sum(1 for r in amb if r in ident)
    options = [[(k, contrib(r, cands[r][k])) for k in keep[r]] for r in amb]
    # columns a later row may still make vacuous (one of its readings has a None)
    may_vanish = [0] * (len(amb) + 1)
    for level in range(len(amb) - 1, -1, -1):
        m = 0
        for _, (_, _, _, n2) in options[level]:
            m |= n2
        may_vanish[level] = may_vanish[level + 1] | m
    total_known = "total" not in amb
    total_level = len(amb) if total_known else amb.index("total")
    survivors: list[set[int]] = [set() for _ in amb]
    chosen: list[int] = []

    def dfs(level: int, idv: list[int], rsv: list[int], idn: int, rsn: int, pin: tuple[int, int]) -> bool:
        """Finds one valid combination through the rows from ``level`` on, with row
        ``pin[0]`` taking reading ``pin[1]``; records it in ``survivors``."""
        if level == n_ident and not id_off:
            for c in range(7):
                if not idn >> c & 1 and idv[c]:
                    return False
        if not rs_off and (total_known or level > total_level):
            # leaves are counts (never negative): once the results exceed 总计 in a
            # column no later row can bring them back
            for c in range(7):
                if rsv[c] > 0 and not (rsn | may_vanish[level]) >> c & 1:
                    return False
        if level == len(amb):
            if not rs_off:
                for c in range(7):
                    if not rsn >> c & 1 and rsv[c]:
                        return False
            for j, k in enumerate(chosen):
                survivors[j].add(k)
            return True
        for k, (i, s, n1, n2) in options[level]:
            if level == pin[0] and k != pin[1]:
                continue
            chosen.append(k)
            found = dfs(level + 1, [x + y for x, y in zip(idv, i)], [x + y for x, y in zip(rsv, s)], idn | n1, rsn | n2, pin)
            chosen.pop()
            if found:
                return True
        return False

    # a reading survives when some combination through it fits; each search stops at
    # its first fit, and readings already seen in a fit need no search of their own
    for j, r in enumerate(amb):
        for k in keep[r]:
            if k not in survivors[j]:
                dfs(0, idv, rsv, idn, rsn, (j, k))
    if not survivors[0]:
        return keep, "没有一种读法能使全表勾稽关系成立"
    for j, r in enumerate(amb):
        keep[r] = sorted(survivors[j])
    return keep, "按全表勾稽关系选定读法"


def _fitting_rows(cands: Mapping[str, Sequence[Any]], ok: Callable[[Any], bool]) -> dict[str, list[int]]:
    """Per row, the indices of the candidates that pass the row's own check (all of
    them when none does, so the table's arithmetic can still choose)."""
    keep: dict[str, list[int]] = {}
    for row, cs in cands.items():
        if len(cs) <= 1:
            keep[row] = list(range(len(cs)))
            continue
        fit = [i for i, v in enumerate(cs) if ok(v)]
        keep[row] = fit if fit else list(range(len(cs)))
    return keep
