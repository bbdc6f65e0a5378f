"""The fast whole-table search of 表三 (solve.choose_requests) gives exactly what the
plain enumeration (solve.choose with requests_columns_ok) gives."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.tables import labels as L
from scorer.tables.solve import choose, choose_requests, requests_columns_ok, row_sum_ok

_cell = st.one_of(st.integers(0, 3), st.none())


@st.composite
def candidates(draw):
    variant = draw(st.sampled_from(["2021", "2019"]))
    rows = L.REQUEST_ROWS_2021 if variant == "2021" else L.REQUEST_ROWS_2019
    present = [r for r in rows if draw(st.integers(0, 9))]  # a row is sometimes absent
    cands = {}
    for r in present:
        n = draw(st.sampled_from([0, 1, 1, 1, 2, 3]))
        readings = []
        for _ in range(n):
            v = [draw(_cell) if draw(st.integers(0, 5)) == 0 else draw(st.integers(0, 2)) for _ in range(6)]
            total = sum(v) if None not in v and draw(st.booleans()) else draw(_cell)
            readings.append((*v, total))
        cands[r] = readings
    return variant, cands


@settings(max_examples=120, deadline=None)
@given(candidates())
def test_fast_search_equals_enumeration(case) -> None:
    variant, cands = case
    assert choose_requests(cands, variant) == choose(cands, row_sum_ok, lambda rows: requests_columns_ok(rows, variant))


def test_real_table_needs_the_search() -> None:
    """A 表三 where one row's reading is decided only by the column identities."""
    zero = (0,) * 7
    cands = {r: [zero] for r in L.REQUEST_ROWS_2021}
    cands["new"] = [(1, 0, 0, 0, 0, 0, 1)]
    cands["total"] = [(1, 0, 0, 0, 0, 0, 1)]
    cands["granted"] = [(1, 0, 0, 0, 0, 0, 1), (0, 1, 0, 0, 0, 0, 1)]
    keep, how = choose_requests(cands, "2021")
    assert keep["granted"] == [0] and how == "按全表勾稽关系选定读法"
