"""Property: a random valid 表三/表四 (its 勾稽 arithmetic holds), rendered in each
layout seen in the corpus, parses back to the same values or reports the cells
ambiguous — never a wrong value presented as certain.

The labels are the official ones (as in corpora/format/060 and the 平潭 dumps); the
layouts are those of seeds 000 (| rows), 003 (tabs), 002 (one cell per line) and
the 平潭 crawler dumps (run-on digits, irregular spaces)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.tables import extract_from_text
from scorer.tables import labels as L

from .statutory_labels import ITEM, label_parts

# Official row labels of the 2021 format as printed in the reports (group headers
# appear before the first row of each group).
LABELS = {k: "".join(label_parts(k, "2021")) for k in ITEM if k != "other"}
HEAD = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
)
REVIEW_HEAD = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
TAIL = "五、存在的主要问题及改进情况一是政策解读形式不够丰富。六、其他需要报告的事项无。"
LAYOUTS = ("pipe", "tab", "lines", "glued", "spaced")


def _value() -> st.SearchStrategy[int]:
    # mostly zeros, as in the corpus; sometimes multi-digit counts
    return st.one_of(st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 120))


@st.composite
def valid_tables(draw):
    """表三 by columns: leaves random, total = sum of leaves, carried_forward and
    carried_over random, new from the identity; total column = row sums."""
    leaves = L.RESULT_LEAVES_2021
    cols: list[dict[str, int]] = []
    for _ in range(6):
        col = {r: draw(_value()) if draw(st.booleans()) else 0 for r in leaves}
        col["total"] = sum(col[r] for r in leaves)
        col["carried_forward"] = draw(st.integers(0, 3))
        col["carried_over"] = draw(st.integers(0, min(3, col["total"] + col["carried_forward"])))
        col["new"] = col["total"] + col["carried_forward"] - col["carried_over"]
        cols.append(col)
    req = {r: [c[r] for c in cols] + [sum(c[r] for c in cols)] for r in L.REQUEST_ROWS_2021}
    review = []
    for _ in range(3):
        parts = [draw(st.integers(0, 15)) for _ in range(4)]
        review += parts + [sum(parts)]
    return req, review


def _cells(values: list[int], layout: str, draw) -> str:
    s = [str(v) for v in values]
    if layout == "pipe":
        return " | " + " | ".join(s) + " | ||"
    if layout == "tab":
        return "\t" + "\t".join(s) + "\t"
    if layout == "lines":
        return "\n\n" + "\n\n".join(s) + "\n\n"
    if layout == "glued":
        return "".join(s)
    # spaced: some cells separated by one or more spaces, others glued (平潭 023/098)
    out = ""
    for i, v in enumerate(s):
        if i:
            out += draw(st.sampled_from(["", " ", "  "]))
        out += v
    return " " + out + " "


def render(req: dict[str, list[int]], review: list[int], layout: str, draw) -> str:
    sep = "\n" if layout in ("pipe", "tab", "lines") else ""
    parts = [HEAD + sep]
    for key in L.REQUEST_ROWS_2021:
        parts.append(LABELS[key] + _cells(req[key], layout, draw) + sep)
    parts.append(REVIEW_HEAD + sep)
    parts.append(_cells(review, layout, draw).strip("|\t ") if layout != "lines" else _cells(review, layout, draw))
    parts.append(sep + TAIL)
    return "".join(parts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), layout=st.sampled_from(LAYOUTS))
def test_valid_tables_parse_back_or_report_ambiguity(data, layout) -> None:
    req, review = data.draw(valid_tables())
    text = render(req, review, layout, data.draw)
    result = extract_from_text(text)
    assert result.requests is not None and result.review_litigation is not None
    for r in L.REQUEST_ROWS_2021:
        for j, c in enumerate(L.REQUEST_COLUMNS):
            key = f"requests.{r}.{c}"
            got = result.requests[r][c]
            if got is None:
                assert result.cells[key].status in ("ambiguous", "unreadable"), (key, layout)
            else:
                assert got == req[r][j], (key, layout, text)
    flat = [result.review_litigation[g][c] for g in L.REVIEW_GROUPS for c in L.REVIEW_COLUMNS]
    for truth, got, (g, c) in zip(review, flat, [(g, c) for g in L.REVIEW_GROUPS for c in L.REVIEW_COLUMNS]):
        if got is None:
            assert result.cells[f"review_litigation.{g}.{c}"].status in ("ambiguous", "unreadable")
        else:
            assert got == truth, (g, c, layout, text)
    # separated layouts never need guessing: every cell is read
    if layout in ("pipe", "tab", "lines"):
        assert all(v is not None for row in result.requests.values() for v in row.values())
        assert not result.findings


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_glued_tables_are_mostly_resolved_by_arithmetic(data) -> None:
    """Not a tautology: with the table's arithmetic, most glued cells are certain."""
    req, review = data.draw(valid_tables())
    result = extract_from_text(render(req, review, "glued", data.draw))
    cells = [v for row in result.requests.values() for v in row.values()]
    assert sum(v is not None for v in cells) >= 0.8 * len(cells)


def test_perturbed_cell_is_reported_by_the_right_rule() -> None:
    """A valid 表三 with one leaf changed: T3-row-sum, T3-results-sum fire; nothing else."""
    from scorer.tables.schemas import validate_frames as validate_tables

    req = {r: [0] * 7 for r in L.REQUEST_ROWS_2021}
    for r in ("new", "granted", "total"):
        req[r] = [2, 0, 0, 0, 0, 0, 2]
    req["granted"] = [3, 0, 0, 0, 0, 0, 2]  # natural person 3: row sum 3 ≠ 2, column sum 3 ≠ 2
    text = render(req, [0] * 15, "pipe", lambda s: "")
    ids = sorted({f.id for f in validate_tables(extract_from_text(text))})
    assert ids == ["T3-results-sum", "T3-row-sum"]
