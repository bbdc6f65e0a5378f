"""Property: a random valid 表三/表四 rendered the way the 莆田 crawler prints a page —
one cell or text run per line, row labels and header words split over lines, and
every run of equal neighbouring lines printed once — reads back to the same values
or to 待核对 (ambiguous), never to a different certain value.

The rendering follows corpora/reports2 (308, 314, 326, 328, 340): "1." then
"属于国家秘密"; "（三）" / "不予" / "公开"; "商业" / "企业"; 表四 as one stream of
numbers after its header."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.tables import extract_from_text
from scorer.tables import labels as L

from .test_tables_property import valid_tables

# 2021 labels, each a list of ways the page splits it over lines
SPLIT_LABELS: dict[str, list[list[str]]] = {
    "new": [["一、本年新收政府信息公开申请数量"]],
    "carried_over": [["二、上年结转政府信息公开申请数量"]],
    "granted": [["三、本年度办理结果", "（一）予以公开"], ["三、本年度办理结果", "（一）", "予以公开"]],
    "partial": [["（二）部分公开", "（区分处理的，只计这一情形，不计其他情形）"], ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]],
    "denied_state_secret": [["（三）不予公开", "1.属于国家秘密"], ["（三）", "不予", "公开", "1.", "属于国家秘密"]],
    "denied_law_prohibited": [["2.其他法律行政法规禁止公开"], ["2.", "其他法律行政法规禁止公开"]],
    "denied_three_safety": [["3.危及“三安全一稳定”"], ["3.", "危及", "“", "三安全一稳定", "”"]],
    "denied_third_party": [["4.保护第三方合法权益"], ["4.", "保护第三方合法权益"]],
    "denied_internal_affairs": [["5.属于三类内部事务信息"]],
    "denied_process_info": [["6.属于四类过程性信息"]],
    "denied_enforcement_file": [["7.属于行政执法案卷"]],
    "denied_inquiry": [["8.属于行政查询事项"]],
    "unable_not_held": [["（四）无法提供", "1.本机关不掌握相关政府信息"], ["（四）", "无法", "提供", "1.", "本机关不掌握相关政府信息"]],
    "unable_needs_creation": [["2.没有现成信息需要另行制作"]],
    "unable_unclear": [["3.补正后申请内容仍不明确"]],
    "rejected_petition": [["（五）不予处理", "1.信访举报投诉类申请"], ["（五）", "不予", "处理", "1.信访举报投诉类申请"]],
    "rejected_duplicate": [["2.重复申请"]],
    "rejected_publication": [["3.要求提供公开出版物"]],
    "rejected_excessive": [["4.无正当理由大量反复申请"]],
    "rejected_confirmation": [["5.要求行政机关确认或重新出具已获取信息"]],
    "other_no_correction": [["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]],
    "other_unpaid_fee": [["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]],
    "other_misc": [["3.其他"]],
    "total": [["（七）总计"], ["（七）", "总计"]],
    "carried_forward": [["四、结转下年度继续办理"]],
}
HEAD = [
    "三、收到和处理政府信息公开申请情况",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况", "自然人", "法人或其他组织", "总计", "商业", "企业", "科研", "机构", "社会公益组织", "法律服务机构", "其他",
]
REVIEW_HEAD = (
    ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "结果维持", "结果", "纠正", "其他", "结果", "尚未", "审结", "总计",
     "未经复议直接起诉", "复议后起诉"]
    + ["结果", "维持", "结果", "纠正", "其他", "结果", "尚未", "审结", "总计"] * 2
)
TAIL = ["五、存在的主要问题及改进情况", "一是政策解读形式不够丰富。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]


# A group label printed around its first sub-row (344-like pages): the words after
# the first row's numbers. Keys: the row, the words printed after its numbers.
AFTER_NUMBERS = {"denied_state_secret": "公开", "unable_not_held": "提供", "rejected_petition": "处理"}
INTERLEAVED = {
    "denied_state_secret": ["（三）", "不予", "1.", "属于国家秘密"],
    "unable_not_held": ["（四）", "无法", "1.", "本机关不掌握相关政府信息"],
    "rejected_petition": ["（五）", "不予", "1.", "信访举报投诉类申请"],
}


def crawl(lines: list[str]) -> str:
    """What the crawler prints: a line equal to the line before it is not printed."""
    out: list[str] = []
    for ln in lines:
        if not out or ln != out[-1]:
            out.append(ln)
    return "\n".join(out)


def render(req: dict[str, list[int]], review: list[int], pick, unknown: str | None = None) -> str:
    """The crawled page; ``pick`` chooses one of the ways a label is split (or the
    label printed around the row's numbers); ``unknown`` names a row whose label
    is replaced by words the reader does not know."""
    lines = list(HEAD)
    for key in L.REQUEST_ROWS_2021:
        options = SPLIT_LABELS[key] + ([INTERLEAVED[key]] if key in INTERLEAVED else [])
        label = pick(options)
        lines += ["某某其他情形"] if key == unknown else label
        lines += [str(v) for v in req[key]]
        if key in INTERLEAVED and label is INTERLEAVED[key]:
            lines.append(AFTER_NUMBERS[key])
    lines += REVIEW_HEAD + [str(v) for v in review] + TAIL
    return crawl(lines)


def _check(result, req, review) -> tuple[int, int]:
    """Asserts no wrong certain value; returns (certain cells, all cells)."""
    certain = total = 0
    for r in L.REQUEST_ROWS_2021:
        for j, c in enumerate(L.REQUEST_COLUMNS):
            key = f"requests.{r}.{c}"
            got, cell = result.requests[r][c], result.cells[key]
            total += 1
            if got is None:
                assert cell.status in ("ambiguous", "unreadable"), (key, cell)
                if cell.status == "ambiguous":
                    assert req[r][j] in cell.candidates, (key, cell)
            else:
                assert got == req[r][j], (key, got, req[r][j])
                certain += 1
    keys = [(g, c) for g in L.REVIEW_GROUPS for c in L.REVIEW_COLUMNS]
    for truth, (g, c) in zip(review, keys):
        got, cell = result.review_litigation[g][c], result.cells[f"review_litigation.{g}.{c}"]
        total += 1
        if got is None:
            assert cell.status in ("ambiguous", "unreadable"), (g, c, cell)
        else:
            assert got == truth, (g, c, got, truth)
            certain += 1
    return certain, total


def _picker(data, split: bool = False):
    """Chooses a label's printed form; with ``split`` also breaks its pieces at
    random places inside the words (the page's markup may split any word), never
    between an item number and its dot."""

    def pick(options):
        label = data.draw(st.sampled_from(options))
        if not split:
            return label
        out = []
        for piece in label:
            cuts = [k for k in range(1, len(piece)) if not (piece[k - 1].isdigit() or piece[k] in ".．")]
            if cuts and data.draw(st.booleans()):
                k = data.draw(st.sampled_from(cuts))
                out += [piece[:k], piece[k:]]
            else:
                out.append(piece)
        return out

    return pick


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_crawled_tables_read_back_or_are_ambiguous(data) -> None:
    req, review = data.draw(valid_tables())
    text = render(req, review, _picker(data, split=data.draw(st.booleans())))
    result = extract_from_text(text, merged_runs=True)
    assert result.requests is not None and result.review_litigation is not None, text
    _check(result, req, review)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(0, 6), col=st.integers(0, 5))
def test_typical_crawled_tables_are_mostly_certain(data, n, col) -> None:
    """Not a tautology: a typical page (one applicant type, a few results, 表四
    zero) is read almost wholly certain by the arithmetic."""
    req = {r: [0] * 7 for r in L.REQUEST_ROWS_2021}
    leaves = data.draw(st.lists(st.sampled_from(L.RESULT_LEAVES_2021), min_size=n, max_size=n))
    for leaf in leaves:
        req[leaf][col] += 1
        req[leaf][6] += 1
    for r in ("new", "total"):
        req[r][col] = req[r][6] = len(leaves)
    review = [0] * 15
    result = extract_from_text(render(req, review, _picker(data)), merged_runs=True)
    certain, total = _check(result, req, review)
    if col in (0, 5) or not leaves:
        # 自然人 or 其他 next to 总计: the row sum places every run
        assert certain == total
    else:
        # a middle applicant column between zero runs: which of the four middle
        # columns holds it is 待核对, everything else is certain
        middle = set(L.REQUEST_COLUMNS[1:5])
        for key, cell in result.cells.items():
            if key.startswith("requests.") and cell.status != "ok":
                assert key.rsplit(".", 1)[1] in middle, key


def test_crawled_runs_are_not_read_as_runs_without_the_crawler_note() -> None:
    """Without the loader's note a row of 3 numbers for 7 cells is not expanded:
    "4 / 0 / 4" is then three cells with blank cells that vanished between them
    (the page has rows with fewer numbers than cells), so where the 4 and the 0
    stand is 待核对; only the total, the last number in every placement, is certain."""
    req = {r: [0] * 7 for r in L.REQUEST_ROWS_2021}
    for r in ("new", "granted", "total"):
        req[r] = [4, 0, 0, 0, 0, 0, 4]
    text = render(req, [0] * 15, lambda options: options[-1])
    plain = extract_from_text(text)
    assert plain.value("requests.new.natural_person") is None
    assert plain.cells["requests.new.natural_person"].status == "ambiguous"
    assert plain.value("requests.new.total") == 4
    merged = extract_from_text(text, merged_runs=True)
    assert merged.value("requests.new.natural_person") == 4 and merged.value("requests.new.business") == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), unknown=st.sampled_from(L.REQUEST_ROWS_2021[1:-1]))
def test_an_unknown_label_never_makes_the_row_before_it_certain_and_wrong(data, unknown) -> None:
    """A row whose label the reader cannot find leaves its numbers after the row
    before it; that row must then be 待核对, not read with the stray numbers."""
    req, review = data.draw(valid_tables())
    result = extract_from_text(render(req, review, _picker(data), unknown=unknown), merged_runs=True)
    for r in L.REQUEST_ROWS_2021:
        if r == unknown:
            continue
        for j, c in enumerate(L.REQUEST_COLUMNS):
            got = result.requests[r][c]
            assert got is None or got == req[r][j], (unknown, r, c, got, req[r][j])


def _blank_cells_render(req: dict[str, list[int]], review: list[int], pick) -> str:
    """The crawled page of a table whose zero cells are BLANK in the source: the
    crawler prints nothing for them, and equal neighbouring lines once."""
    lines = list(HEAD)
    for key in L.REQUEST_ROWS_2021:
        lines += pick(SPLIT_LABELS[key])
        lines += [str(v) for v in req[key] if v != 0]
    lines += REVIEW_HEAD + [str(v) for v in review if v != 0] + TAIL
    return crawl(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_blank_cell_pages_are_never_read_as_runs(data) -> None:
    """A page whose cells are blank (two or more 表三 rows with no value at all):
    no value is expanded into a run of equal cells; a cell is its printed value,
    blank where the source is blank, or 待核对 — and no arithmetic is charged."""
    from hypothesis import assume

    from scorer.tables.check import check_tables

    req, review = data.draw(valid_tables())
    assume(sum(1 for r in L.REQUEST_ROWS_2021[:-1] if not any(req[r])) >= 2)
    result = extract_from_text(_blank_cells_render(req, review, _picker(data)), merged_runs=True)
    for r in L.REQUEST_ROWS_2021:
        for j, c in enumerate(L.REQUEST_COLUMNS):
            cell = result.cells[f"requests.{r}.{c}"]
            if cell.value is not None:
                assert req[r][j] != 0 and cell.value == req[r][j], (r, c, cell, req[r][j])
            elif cell.status == "blank":
                assert req[r][j] == 0, (r, c, cell)
            else:
                assert cell.status in ("ambiguous", "unreadable"), (r, c, cell)
    for truth, (g, c) in zip(review, [(g, c) for g in L.REVIEW_GROUPS for c in L.REVIEW_COLUMNS]):
        cell = result.cells[f"review_litigation.{g}.{c}"]
        assert cell.value is None or (truth != 0 and cell.value == truth), (g, c, cell, truth)
    assert not [f for f in check_tables(result) if f.severity != "info"]
    assert all(f.severity != "error" for f in result.findings if f.id == "T-cell")
