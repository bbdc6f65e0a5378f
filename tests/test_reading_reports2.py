"""Reading the tables of reports from sites the engine was not developed on
(corpora/reports2): the 莆田 crawler pages (one cell per line, equal neighbouring
cells printed once) and 平潭 dumps, asserting specific cells and ambiguity.

Values are those of the hand transcriptions in tests/gold/reports2 (typed from the
source without the parser); the accuracy over all of them is measured by
``xxgk tables-accuracy --gold tests/gold/reports2`` and checked at the end."""
from __future__ import annotations

from functools import lru_cache

import pytest

from scorer.load import load
from scorer.tables import extract_tables
from xxgk_lab.tables_accuracy import run_gold
from scorer.validate import validate_document

from .conftest import CORPORA, ROOT

R2 = CORPORA / "reports2"


@lru_cache(maxsize=None)
def _doc(stem: str):
    path = next(R2.glob(f"{stem}_*"))
    doc = load(path)
    return doc, extract_tables(doc)


def _cell(stem: str, key: str):
    return _doc(stem)[1].cells[key]


def _row(stem: str, table: str, row: str) -> list:
    t = _doc(stem)[1].table(table)
    return list(t[row].values())


# --------------------------------------------------------------- 莆田: merged runs


def test_lone_zero_rows_are_all_zeros() -> None:
    """308: every 表三 row "0" is seven zeros, 表四 "0" fifteen, 表二 "0" three."""
    assert _row("308", "requests", "granted") == [0] * 7
    assert [v for g in _doc("308")[1].review_litigation.values() for v in g.values()] == [0] * 15
    assert _row("308", "proactive", "normative_docs") == [0, 0, 0]


def test_first_and_last_run_placed_by_the_row_sum() -> None:
    """308 "4 / 0 / 4" and 302 "8 / 0 / 8": only N,0,0,0,0,0,N sums to the total."""
    assert _row("308", "requests", "new") == [4, 0, 0, 0, 0, 0, 4]
    assert _row("308", "requests", "unable_not_held") == [4, 0, 0, 0, 0, 0, 4]
    assert _row("302", "requests", "new") == [8, 0, 0, 0, 0, 0, 8]
    assert _cell("308", "requests.new.total").status == "ok"


def test_a_run_between_zero_runs_is_placed_by_the_columns() -> None:
    """300: 本机关不掌握 "140 5 0 1 0 146" has two row-sum readings; the column sums
    of 总计 leave one (the 1 under 法律服务机构)."""
    assert _row("300", "requests", "unable_not_held") == [140, 5, 0, 0, 1, 0, 146]
    assert _row("300", "requests", "other") == [13, 0, 0, 0, 1, 0, 14]
    assert _row("300", "requests", "granted") == [287, 24, 2, 0, 1, 1, 315]
    # 表四, 13 numbers for 15 cells: the group sums leave one expansion
    assert _row("300", "review_litigation", "review") == [3, 8, 0, 1, 12]
    assert _row("300", "review_litigation", "litigation_direct") == [0, 1, 0, 1, 2]


def test_the_narrative_chooses_the_applicant_column() -> None:
    """326 "19 / 0 / 1 / 0 / 20": the 1 may be 科研/社会公益/法律服务; the report says
    "社会公益组织政府信息公开申请1条", and the column identities carry it to 部分公开."""
    assert _row("326", "requests", "new") == [19, 0, 0, 1, 0, 0, 20]
    assert _row("326", "requests", "partial") == [3, 0, 0, 1, 0, 0, 4]
    assert any("据正文所述数字" in n for n in _doc("326")[1].notes)


def test_several_expansions_are_ambiguous_with_their_candidates() -> None:
    """326 表四 "0 / 1 / 0": the 1-run is 复议 or 直接起诉 尚未审结+总计: 待核对."""
    for key in ("review_litigation.review.pending", "review_litigation.litigation_direct.total"):
        cell = _cell("326", key)
        assert cell.status == "ambiguous" and cell.candidates == (0, 1), cell
    assert _cell("326", "review_litigation.review.upheld").value == 0
    assert _cell("326", "review_litigation.litigation_after_review.total").value == 0
    f = [x for x in _doc("326")[1].findings if x.where.startswith("review_litigation")]
    assert f and all(x.severity == "info" for x in f) and "待核对" in f[0].message


def test_two_values_for_three_cells_leave_the_middle_open() -> None:
    """306 "0 / 10", 322 "0 / 2", 309 行政强制 "11 / 0": first and last certain, the
    middle is one of the two (表二 has no arithmetic)."""
    assert _cell("306", "proactive.normative_docs.issued").value == 0
    assert _cell("306", "proactive.normative_docs.in_force").value == 10
    assert _cell("306", "proactive.normative_docs.repealed").candidates == (0, 10)
    assert _cell("322", "proactive.normative_docs.repealed").candidates == (0, 2)
    assert _cell("309", "proactive.coercion.change").candidates == (0, 11)
    assert _cell("309", "proactive.coercion.prev_items").value == 11


def test_narrative_review_count_narrows_table_four() -> None:
    """322 "0 / 1 / 0 / 1 / 0" with "因回复内容不规范引起的行政复议1条": 复议总计 1 and
    结果维持 0 are certain, where the case ended is 待核对."""
    assert _cell("322", "review_litigation.review.total").value == 1
    assert _cell("322", "review_litigation.review.upheld").value == 0
    assert _cell("322", "review_litigation.review.corrected").status == "ambiguous"


def test_ambiguous_cells_raise_no_rule_error() -> None:
    """Uncertain cells are None in the tables: no T3/T4 rule error is charged."""
    for stem in ("322", "326", "306", "309"):
        doc, tables = _doc(stem)
        errors = [f for f in validate_document(doc, tables) if f.id.startswith(("T3", "T4")) or (f.id == "T-cell" and f.severity == "error")]
        assert errors == [], (stem, errors)


def test_2019_tables_with_split_labels_and_signs() -> None:
    """327 (2019 format, 本年度新收/上年度结转, "2 / 增 / 3 / 7"): read whole."""
    assert _row("327", "proactive", "licensing") == [2, 3, 7]
    assert _row("327", "proactive", "other_services") == [35, 1, 10]
    assert _row("327", "requests", "new") == [0] * 7
    assert _row("327", "requests", "carried_forward") == [0] * 7
    # 301: signed changes written "+1" / "-1"; the procurement amount in 元
    assert _row("301", "proactive", "licensing") == [6, 1, 29]
    assert _row("301", "proactive", "other_services") == [6, -1, 0]
    assert _cell("301", "proactive.procurement.amount").value == pytest.approx(3.38)


def test_a_sites_own_header_column_is_not_a_statutory_one() -> None:
    """300's 表二 has "2019年项目数量 / 处理决定数量": 2876 is not 上一年项目数量."""
    cell = _cell("300", "proactive.licensing.prev_items")
    assert cell.value is None and cell.status == "missing"
    assert _cell("300", "proactive.licensing.decisions").value == 123291
    assert _row("300", "proactive", "fees") == [None, None]
    assert any(f.where == "proactive.licensing" and f.severity == "warning" for f in _doc("300")[1].findings)


def test_units_are_normalised_to_wan_yuan_with_the_original_kept() -> None:
    """300 "120190475.34元" and 336 "142512 / 元" (unit on its own line) → 万元."""
    cell = _cell("300", "proactive.procurement.amount")
    assert cell.value == pytest.approx(12019.047534) and cell.raw == "120190475.34元" and "元" in cell.note
    cell = _cell("336", "proactive.procurement.amount")
    assert cell.value == pytest.approx(14.2512) and "按元换算为万元" in cell.note
    assert _cell("312", "proactive.procurement.amount").value == pytest.approx(1.1499)
    # 7 decimals kept as written
    assert _cell("321", "proactive.fees.amount_wan_yuan").value == pytest.approx(651.1009986)


# --------------------------------------------------------------- 平潭 dumps


def test_sign_word_between_digits() -> None:
    """360 收费 "16减12": 上一年 16, 本年减 12."""
    assert _row("360", "proactive", "fees") == [16, -12]


def test_a_blank_shown_elsewhere_makes_glued_rows_wholly_uncertain() -> None:
    """350: 表三 新收 prints six digits for seven cells, so glued 表二 runs may hide
    blanks: "4500" is 待核对 in every cell (even 处理决定数量, 0 in each listed
    reading); "000" (one reading) stays certain."""
    assert _cell("350", "proactive.licensing.decisions").status == "ambiguous"
    assert _row("350", "proactive", "rules") == [0, 0, 0]


def test_narrative_decision_count_narrows_a_glued_run() -> None:
    """362 行政处罚 "11910305" and "作出行政处罚决定305起": 305 is certain, the rest not."""
    assert _cell("362", "proactive.punishment.decisions").value == 305
    assert _cell("362", "proactive.punishment.prev_items").status == "ambiguous"


def test_raw_html_and_its_text_dump_agree() -> None:
    """359 is the HTML page of 358: every cell the text dump reads certain agrees."""
    a, b = _doc("358")[1], _doc("359")[1]
    for key, cell in a.cells.items():
        if cell.status == "ok":
            assert b.cells[key].value == cell.value, key


# --------------------------------------------------------------- the whole set


def test_reports2_accuracy_and_no_wrong_certain_cell() -> None:
    """The development gold: ≥ 99.5 % of cells right, every gold "?" reported
    ambiguous, and no wrong cell read as certain. (353 行政处罚 "3500" = 3/50/0 or
    35/0/0: 处理决定数量 is 0 in both readings, as the gold now says.)"""
    docs = run_gold(ROOT / "tests/gold/reports2", load, ROOT)
    total = sum(d.total for d in docs)
    correct = sum(d.correct for d in docs)
    wrong = [(d.name, k) for d in docs for k, _, _ in d.wrong_cells]
    assert correct / total >= 0.995
    assert wrong == []


def test_layout_is_named() -> None:
    assert _doc("308")[1].layouts == {"proactive": "runs", "requests": "runs", "review_litigation": "runs"}
    assert _doc("358")[1].layouts["requests"] == "glued"


def test_sign_word_on_its_own_line() -> None:
    """327 prints "2 / 增 / 3 / 7": the word is the sign of 本年增/减. The same page
    with "减" must read −3, not a certain +3."""
    from scorer.tables import extract_from_text

    doc, _ = _doc("327")
    i = doc.text.index("行政许可\n2\n增\n3")
    text = doc.text[:i] + "行政许可\n2\n减\n3" + doc.text[i + len("行政许可\n2\n增\n3") :]
    t = extract_from_text(text, merged_runs=True)
    assert [t.proactive["licensing"][c] for c in ("prev_items", "change", "decisions")] == [2, -3, 7]


def test_a_row_one_digit_short_is_ambiguous_not_unreadable() -> None:
    """350 新收 "0 00000": six digits for seven cells, one cell blank or lost — which
    one cannot be told: every cell 待核对 (info), nothing charged."""
    for c in ("natural_person", "business", "total"):
        assert _cell("350", f"requests.new.{c}").status == "ambiguous"
    f = [x for x in _doc("350")[1].findings if x.where == "requests.new"]
    assert f and f[0].severity == "info" and "空白或缺失" in f[0].message


def _as_html(text: str) -> bytes:
    """A page holding ``text``: runs of `` | `` lines become one <table>, other lines <p>."""
    from html import escape

    out, rows = ["<html><head><meta charset='utf-8'></head><body>"], []
    for line in text.split("\n") + [""]:
        if "|" in line:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{escape(line)}</p>")
    return "".join(out + ["</body></html>"]).encode("utf-8")


@pytest.mark.parametrize("source", ["seeds/000_08bff46af6e18331.txt", "reports2/365_pingtan_zonghezhifa_2021.txt"])
def test_a_2019_table_as_an_html_page_reads_the_same(source: str) -> None:
    """Seed 000 (2019 tables as `|` rows) served as an HTML page with <table>
    grids, and 365 (a 2021 表二 with a 2019 表三) as a page of paragraphs: every
    cell reads as from the text."""
    from scorer.load import load_bytes

    doc = load(CORPORA / source)
    page = load_bytes(_as_html(doc.text), "page.html")
    assert page.format == "html"
    a, b = extract_tables(doc), extract_tables(page)
    assert a.variants == b.variants
    assert {k: c.value for k, c in a.cells.items()} == {k: c.value for k, c in b.cells.items()}
    assert sum(c.status == "ok" for c in b.cells.values()) >= 150


# --------------------------------------------------------------- section 六 headings
@pytest.mark.parametrize("stem, heading", [
    ("304", "六、其他需要报告事项"),   # 莆田 海洋与渔业局 drops 的 from the national heading
    ("334", "六、其他需要报告事项"),
    ("322", "六、其他应说明事项"),     # 莆田 水利局
    ("340", "六、其他应说明事项"),
])
def test_section_six_heading_variants_are_section_six(stem: str, heading: str) -> None:
    """These pages have all six sections; taking 六 for part of 五 charged a missing
    section and read 六's 要点落实 deeds as 五's plans."""
    doc = _doc(stem)[0]
    other = [s for s in doc.sections if s.key == "other"]
    assert len(other) == 1 and doc.text[other[0].start:].startswith(heading)
    problems = next(s for s in doc.sections if s.key == "problems")
    assert problems.end <= other[0].start
    assert not [f for f in validate_document(doc, _doc(stem)[1]) if f.id == "S-section-missing"]


@pytest.mark.parametrize("stem", ["303", "311", "324", "327", "348"])
def test_headings_over_several_lines_and_long_wordings_are_found(stem: str) -> None:
    """311/327 print "三、" / "收到和处理" / "政府信息" / "公开申请" over lines (and 311 六
    too); 348 uses the long 二、行政机关主动公开…/三、行政机关收到和处理…; 303/324 word 四
    as 因政府信息公开工作被申请… / 政府信息公开工作行政复议…: each still has six sections."""
    doc = _doc(stem)[0]
    assert [s.key for s in doc.sections if s.key] == [
        "overview", "proactive", "requests", "review_litigation", "problems", "other"]
