"""X-text-table (scorer.text_tables) on real corpus documents: each kind of figure
fires on a real mismatch, or on a real report with one figure of its prose edited,
and stays quiet on the consistent reports and on the sentences that only look like
a figure of the tables (other years, comparisons, cumulative counts, items rather
than applications, scopes the prose narrows, cells read only as 待核对)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from scorer.load import load
from scorer.tables import extract_tables
from scorer.text_tables import stated_figures, text_vs_tables
from scorer.validate import validate_document

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


def _path(name: str) -> Path:
    return next(p for p in sorted(CORPORA.glob("*/*")) if p.name.startswith(name))


@lru_cache(maxsize=None)
def real(name: str):
    doc = load(str(_path(name)))
    return doc, extract_tables(doc)


def edited(tmp_path: Path, name: str, old: str, new: str):
    """A real report with one passage of its prose replaced (the file's own bytes)."""
    src = _path(name)
    text = src.read_text(encoding="utf-8")
    assert text.count(old) == 1, (name, old)
    out = tmp_path / src.name
    out.write_text(text.replace(old, new), encoding="utf-8")
    doc = load(str(out))
    return doc, extract_tables(doc)


def x(doc_tables) -> list:
    return text_vs_tables(*doc_tables)


def errors(doc_tables) -> list:
    return [f for f in x(doc_tables) if f.severity == "error"]


# --------------------------------------------------------------------------- moved from test_validate.py
# (through validate_document, as the pipeline sees them)


def ids(name: str, rule: str) -> list:
    return [f for f in validate_document(*real(name)) if f.id == rule]


def test_091_text_against_column_shift() -> None:
    x = ids("091", "X-text-table")
    assert len(x) == 1 and x[0].numbers == (("text", 7), ("table", 0))


def test_090_text_says_zero_applications() -> None:
    x = ids("090", "X-text-table")
    assert [f.numbers for f in x] == [(("text", 0), ("table", 3))]
    assert "收到政府信息公开申请0条" in x[0].message


def test_029_text_mentions_one_review() -> None:
    x = ids("029", "X-text-table")
    assert [f.where for f in x] == ["review_litigation.review.total"]


@pytest.mark.parametrize("name", ["076", "022", "085"])
def test_items_disclosed_on_request_are_not_applications(name: str) -> None:
    # "依申请公开信息1180条" is not a count of applications
    assert not ids(name, "X-text-table")


@pytest.mark.parametrize("name", ["003_huaian", "004_shanghai", "029", "081", "086", "093"])
def test_text_counts_that_agree_with_the_table(name: str) -> None:
    assert not [f for f in ids(name, "X-text-table") if f.where == "requests.new.total"]


# --------------------------------------------------------------------------- real mismatches


def test_text_says_no_applications_table_three() -> None:  # 090: 收到申请0条, 表三 新收3
    f = errors(real("090"))
    assert [(g.where, g.numbers) for g in f] == [("requests.new.total", (("text", 0), ("table", 3)))]
    assert "收到政府信息公开申请0条" in f[0].message
    assert "而表三（依申请公开）“一、本年新收政府信息公开申请数量”行“总计”列为3，两者不一致" in f[0].message
    assert f[0].cells == ("requests.new.total",)


def test_review_stated_but_table_total_zero() -> None:  # 029: 引发行政复议1起, 表四 复议总计0
    f = errors(real("029"))
    assert [(g.where, g.numbers) for g in f] == [("review_litigation.review.total", (("text", 1), ("table", 0)))]
    # the same cell as T4-sum's: one cause, charged once
    t4 = [g for g in validate_document(*real("029")) if g.id == "T4-sum" and g.where == "review_litigation.review.total"]
    assert t4 and set(f[0].cells) & set(t4[0].cells)


def test_denied_count_differs_from_the_rows_of_table_three() -> None:
    # 300 (莆田 全市 2019): "不予公开35件" while 表三's 不予公开 rows add up to 32
    f = errors(real("300"))
    assert [(g.where, g.numbers) for g in f] == [("requests.denied.total", (("text", 35), ("table", 32)))]
    assert "“（三）不予公开”各行“总计”列合计为32" in f[0].message
    assert len(f[0].cells) == 8 and all(c.startswith("requests.denied_") for c in f[0].cells)


# --------------------------------------------------------------------------- each kind, on an edited real report

EDITS = [
    # (report, passage, replacement, where, text, table)
    ("021", "2023年共收到政府信息公开申请1件", "2023年未收到政府信息公开申请", "requests.new.total", 0, 1),
    ("014", "全年办理政府信息公开申请218件", "全年办理政府信息公开申请217件", "requests.total.total", 217, 218),
    ("004", "申请 2 件，所有申请均已", "申请 3 件，所有申请均已", "requests.carried_over.total", 3, 2),
    ("011", "1件结转下年度", "2件结转下年度", "requests.carried_forward.total", 2, 1),
    ("314", "予以公开15件", "予以公开14件", "requests.granted.total", 14, 15),
    ("326", "部分公开4条", "部分公开5条", "requests.partial.total", 5, 4),
    ("302", "无法提供4条", "无法提供3条", "requests.unable.total", 3, 4),
    ("314", "本机关不掌握相关政府信息5件", "本机关不掌握相关政府信息6件", "requests.unable_not_held.total", 6, 5),
    ("004", "不予处理 0 件", "不予处理 1 件", "requests.rejected.total", 1, 0),
    ("358", "行政诉讼9起", "行政诉讼8起", "review_litigation.litigation.total", 8, 9),
    ("358", "行政诉讼9起", "未经复议直接起诉的行政诉讼7起、复议后起诉的3起", "review_litigation.litigation_direct.total", 7, 6),
    ("358", "行政诉讼9起", "直接提起行政诉讼6起、复议后提起行政诉讼4起", "review_litigation.litigation_after_review.total", 4, 3),
    ("358", "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
     "全年未发生因政府信息公开申请引发的行政复议。", "review_litigation.review.total", 0, 36),
    # (029's 表二 row is a glued run its own prose chooses the reading of: not edited here)
    ("331", "现有规范性文件32份", "现有规范性文件32份，本年制定规范性文件1份", "proactive.normative_docs.issued", 1, 0),
    ("302", "废止失效的行政规范性文件共15件", "废止失效的行政规范性文件共14件", "proactive.normative_docs.repealed", 14, 15),
    ("331", "现有规范性文件32份", "现有规范性文件31份", "proactive.normative_docs.in_force", 31, 32),
    ("029", "制定规范性文件15件", "制定规范性文件15件，制定规章1件", "proactive.rules.issued", 1, 0),
    ("334", "行政许可审批结果共370件", "行政许可审批结果共371件", "proactive.licensing.decisions", 371, 370),
    ("084", "行政处罚决定753起", "行政处罚决定735起", "proactive.punishment.decisions", 735, 753),
    ("084", "行政处罚决定753起", "行政处罚决定753起，行政强制决定2件", "proactive.coercion.decisions", 2, 0),
    # a count in force is the table's own; only a clean-up's "保留" may mean in force − made this year (6 = 9 − 3)
    ("302", "根据《莆田市人民政府办公室关于开展行政规范性文件清理工作的通知》要求，我局组织对2021年12月31日前以莆田市城市管理局名义发布，"
     "以及由莆田市住房和城乡建设局发布，在市级机构改革后移交我局执行的行政规范性文件进行全面清理。保留继续有效的行政规范性文件6件",
     "我局现行有效的行政规范性文件6件", "proactive.normative_docs.in_force", 6, 9),

]


@pytest.mark.parametrize("name,old,new,where,said,table", EDITS, ids=[e[3] for e in EDITS])
def test_each_kind_fires_on_an_edited_real_figure(tmp_path: Path, name: str, old: str, new: str, where: str,
                                                  said: int, table: int) -> None:
    published = {(g.where, g.numbers) for g in errors(real(name))}  # 029 has one real mismatch
    f = [g for g in errors(edited(tmp_path, name, old, new)) if (g.where, g.numbers) not in published]
    assert [(g.where, dict(g.numbers)) for g in f] == [(where, {"text": said, "table": table})]
    assert f[0].cells and f[0].span


def test_both_kinds_of_litigation_when_the_text_says_none(tmp_path: Path) -> None:
    f = errors(edited(tmp_path, "358", "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
                      "全年未发生因政府信息公开申请引发的行政复议和行政诉讼。"))
    assert sorted((g.where, dict(g.numbers)["table"]) for g in f) == [
        ("review_litigation.litigation.total", 9), ("review_litigation.review.total", 36)]
    lit = next(g for g in f if g.where == "review_litigation.litigation.total")
    assert set(lit.cells) == {"review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"}
    assert "“行政诉讼”各行“总计”列合计为9" in lit.message


# --------------------------------------------------------------------------- fees: units and printed precision

FEE = "我局共收到政府网站上政府信息公开申请件2件"  # 083: 表二 行政事业性收费 18651.064104 万元


@pytest.mark.parametrize("stated", ["18651.06万元", "18651.1万元", "18651万元", "1.87亿元", "186510641.04元"])
def test_fees_agree_to_the_printed_precision(tmp_path: Path, stated: str) -> None:
    dt = edited(tmp_path, "083", FEE, f"我局本年行政事业性收费{stated}，{FEE}")
    assert "fees" in {f.kind for f in stated_figures(*dt)}
    assert not x(dt)


@pytest.mark.parametrize("stated,wan", [("1865.1万元", 1865.1), ("18652.06万元", 18652.06), ("18651064.1元", 1865.10641)])
def test_fees_that_differ_fire(tmp_path: Path, stated: str, wan: float) -> None:
    f = errors(edited(tmp_path, "083", FEE, f"我局本年行政事业性收费{stated}，{FEE}"))
    assert [(g.where, dict(g.numbers)) for g in f] == [
        ("proactive.fees.amount_wan_yuan", {"text": wan, "table": 18651.064104})]
    assert "“行政事业性收费”行“本年收费金额（万元）”列为18651.064104万元" in f[0].message


def test_information_processing_fees_are_not_table_two_fees(tmp_path: Path) -> None:
    dt = edited(tmp_path, "083", FEE, f"本年度行政事业性收费中信息处理费0元，{FEE}")
    assert not x(dt)


# --------------------------------------------------------------------------- quiet: consistent reports

CONSISTENT = ["001_huaian", "003_huaian", "004_shanghai", "010", "011", "014", "020", "021", "026", "030", "035",
              "077", "078", "081", "082", "083", "084", "086", "092", "093", "095", "098", "099", "302", "304",
              "307", "310", "312", "313", "314", "321", "322", "326", "331", "334", "338", "341", "342",
              "355", "356", "357", "358", "359", "362", "363", "364", "000_08", "003_8030"]


@pytest.mark.parametrize("name", CONSISTENT)
def test_consistent_reports_are_quiet(name: str) -> None:
    assert not x(real(name)), [f.message for f in x(real(name))]


def test_consistent_reports_state_many_figures() -> None:
    # the quiet above is not for want of reading: these reports state figures of every kind
    kinds = {f.kind for name in CONSISTENT for f in stated_figures(*real(name))}
    assert kinds >= {"new", "new_person", "handled", "carried_over", "carried_forward", "granted", "partial",
                     "denied", "unable", "not_held", "rejected", "review", "litigation", "normative_docs.issued",
                     "normative_docs.repealed", "normative_docs.in_force", "licensing", "punishment"}


# --------------------------------------------------------------------------- quiet: what only looks like a table figure


@pytest.mark.parametrize("name", ["076", "022", "085", "090", "357", "354", "355", "356"])
def test_items_disclosed_are_not_applications_or_results(name: str) -> None:
    # "依申请公开信息1180条" (076), "依申请公开130条、不予公开55条" (090: documents made,
    # not applications), "不予公开信息数137条" (354)
    assert not [f for f in x(real(name)) if f.where != "requests.new.total"]
    assert not [f for f in stated_figures(*real(name)) if f.kind == "denied"]


def test_proactive_items_are_not_decisions() -> None:
    # 029 "行政许可类信息3条", 091 "公示行政许可信息782条": items disclosed, not 表二 figures
    for name in ("029", "091", "311", "328"):
        assert not [f for f in stated_figures(*real(name)) if f.kind in ("licensing", "punishment", "coercion")]


def test_counts_of_other_things_that_share_words(tmp_path: Path) -> None:
    # 302: "2022年我局共发布政策解读10条" and "主动公开政府信息25条，其中…规范性文件3条"
    doc, tables = real("302")
    for f in stated_figures(doc, tables):
        said = doc.text[f.sentence[0]:f.sentence[1]]
        assert "政策解读" not in said and "主动公开政府信息25条" not in said, said
    # applications turned down or still open are not applications received or handled
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "2023年共收到政府信息公开申请1件，不予受理申请2件，未办结申请3件")
    assert not x(dt)
    # a part of them ("其中局本级收到…") is not all the applications
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "2023年共收到政府信息公开申请1件，其中局本级收到申请3件")
    assert not x(dt)


def test_ocr_tables_are_only_for_checking() -> None:
    import dataclasses

    doc, tables = real("090")
    f = x((dataclasses.replace(doc, format="pdf-ocr"), tables))
    assert [(g.severity, g.where) for g in f] == [("info", "requests.new.total")]
    assert "待核对" in f[0].message


def test_another_year_is_not_this_years_figure(tmp_path: Path) -> None:
    # 337 (a 2025 report): "2024年度我局未收到依申请公开事项" speaks of another year
    assert not [f for f in stated_figures(*real("337")) if f.kind == "new"]
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "2022年共收到政府信息公开申请5件")
    assert not x(dt)


def test_comparisons_are_not_counts(tmp_path: Path) -> None:
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "2023年共收到政府信息公开申请1件，较上年减少4件")
    assert not x(dt)
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "2023年收到政府信息公开申请同比减少4件")
    assert not x(dt)


def test_cumulative_counts_are_not_this_years(tmp_path: Path) -> None:
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "截至2023年底累计收到政府信息公开申请15件")
    assert not x(dt)
    # the same sentence without 累计 is this year's figure, and differs
    dt = edited(tmp_path, "021", "2023年共收到政府信息公开申请1件", "截至2023年底收到政府信息公开申请15件")
    assert [f.where for f in errors(dt)] == ["requests.new.total"]


def test_a_total_with_last_years_applications(tmp_path: Path) -> None:
    # 004: 新收34 + 上年结转2
    old = "全年收到政府信息公开申请 34 件，上年结转政府信息公开\n申请 2 件"
    dt = edited(tmp_path, "004_shanghai", old, "全年共收到政府信息公开申请36件（含上年结转申请2件）")
    assert not x(dt)
    dt = edited(tmp_path, "004_shanghai", old, "全年共收到政府信息公开申请38件（含上年结转申请2件）")
    assert [(f.where, dict(f.numbers)["text"]) for f in errors(dt)] == [("requests.new.total", 38)]


def test_a_narrowed_result_is_not_the_results_total() -> None:
    # 341: "非我局职能不予公开3件，无相关统计数据不予公开1件" are parts, and 表三
    # counts them as 无法提供; 092: "不予公开2件，分别属于本机关不掌握…及行政执法案卷"
    for name in ("341", "092"):
        assert not x(real(name))


def test_a_clean_up_of_older_documents_counts_those_kept() -> None:
    # 302: "对2021年12月31日前…发布的…规范性文件进行全面清理。保留继续有效的行政规范性文件6件"
    # while 表二 has 现行有效9 = 6 kept + 3 made in 2022
    figs = [f for f in stated_figures(*real("302")) if f.kind == "normative_docs.in_force"]
    assert [int(f.value) for f in figs] == [6]
    assert not x(real("302"))


def test_an_ambiguous_cell_is_never_charged(tmp_path: Path) -> None:
    # 357's 行政规范性文件 row is the run "164640": 制发 1, 16, 164 or 1646
    old = "2025年我局共制发政府信息405条"
    dt = edited(tmp_path, "357", old, "2025年我局制定规范性文件16件，共制发政府信息405条")
    assert not x(dt)  # one reading agrees
    dt = edited(tmp_path, "357", old, "2025年我局制定规范性文件5件，共制发政府信息405条")
    f = x(dt)
    assert [(g.severity, g.where) for g in f] == [("info", "proactive.normative_docs.issued")]
    assert "待核对" in f[0].message and "1或16或164或1646" in f[0].message


def test_findings_name_cells_in_chinese_and_quote_the_sentence() -> None:
    for name in ("090", "091", "029", "300"):
        doc, _ = real(name)
        for f in x(real(name)):
            assert "正文称" in f.message and "（“" in f.message
            assert "requests." not in f.message and "review_litigation" not in f.message
            assert 0 <= f.span[0] < f.span[1] <= len(doc.text)


def test_scan_finds_what_finditer_finds() -> None:
    """Figures are looked for only around their words (text_tables.scan); that finds
    the same matches as ``finditer``: on the corpus and on fuzzed text."""
    from scorer import text_tables as T

    from .fuzz_mutate import fuzzed_strings

    patterns = T._PATTERNS + T._NONE_PATTERNS

    def same(s: str) -> None:
        for kind, pat, needles in patterns:
            assert [(m.span(), m.groups()) for m in T.scan(pat, needles, s)] == [
                (m.span(), m.groups()) for m in pat.finditer(s)], (kind, pat.pattern, s)

    texts = ["".join(load(str(p)).text.split()) for p in sorted((CORPORA / "reports").glob("*.*"))]
    for s in texts:
        same(s)
    words = ["申请", "收到", "受理", "办结", "行政复议", "行政诉讼", "结转", "下年度", "转至", "2026年", "件", "起", "条",
             "1", "23", "0.5", "，", "。", "、", "予以公开", "不予公开", "部分公开", "无法提供", "不掌握", "信息",
             "规范性文件", "规章", "制定", "废止", "现行有效", "行政处罚决定", "行政许可决定", "行政事业性收费", "万元",
             "元", "未", "没有", "直接", "复议后", "起诉", "的", "共", "为", "政府信息公开", "9" * 90]
    for s in fuzzed_strings(texts, words, seed=3, n_random=5000, max_words=40, n_spliced=1000, max_span=500):
        same(s)
