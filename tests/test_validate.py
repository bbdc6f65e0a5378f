"""validate_document on real corpus documents: every rule it owns fires where the
report has the defect (corpora/index.csv notes) and stays silent where it does not."""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import pytest

from scorer.load import load
from scorer.tables import extract_tables
from scorer.tables.schemas import failures_to_findings, frames, validate_frames
from scorer.validate import finding_sort_key, validate_document

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


@lru_cache(maxsize=None)
def loaded(name: str):
    path = next(p for p in sorted(CORPORA.glob("*/*")) if p.name.startswith(name))
    doc = load(str(path))
    return doc, extract_tables(doc)


@lru_cache(maxsize=None)
def findings(name: str):
    doc, t = loaded(name)
    return tuple(validate_document(doc, t))


def ids(name: str, rule: str) -> list:
    return [f for f in findings(name) if f.id == rule]


# (rule, document where it fires, document where it must not)
CASES = [
    ("T3-row-sum", "091", "029"),
    ("T3-identity", "038", "029"),
    ("T3-results-sum", "038", "011"),
    ("T4-sum", "029", "003_huaian"),
    ("T-cell", "021", "003_huaian"),
    ("S-section-missing", "003_8030", "029"),
    ("S-table-missing", "003_8030", "029"),
    ("S-format-outdated", "000", "009"),
    ("X-text-table", "090", "038"),
    ("Y-year", "076", "029"),
]


@pytest.mark.parametrize("rule,fires,silent", CASES, ids=[c[0] for c in CASES])
def test_rule_fires_and_stays_silent(rule: str, fires: str, silent: str) -> None:
    assert ids(fires, rule), f"{rule} should fire on {fires}"
    assert not ids(silent, rule), f"{rule} should not fire on {silent}: {ids(silent, rule)}"


def test_every_finding_has_where_and_span() -> None:
    for name in ("091", "003_8030", "000", "076", "021", "001_huaian"):
        doc, _ = loaded(name)
        for f in findings(name):
            assert f.where and f.span is not None
            assert 0 <= f.span[0] <= f.span[1] <= len(doc.text)


def test_sorted_and_deterministic() -> None:
    doc, t = loaded("038")
    one, two = validate_document(doc, t), validate_document(doc, extract_tables(doc))
    assert one == two
    assert one == sorted(one, key=finding_sort_key)


# --------------------------------------------------------------------------- defects of index.csv


def test_091_column_shift() -> None:
    rows = {f.where for f in ids("091", "T3-row-sum")}
    assert rows == {"requests.new.total", "requests.carried_over.total"}
    # the text's 7 applications against it: tests/test_text_tables.py


def test_038_total_row_all_zero() -> None:
    f = {g.where: g for g in ids("038", "T3-identity")}
    assert set(f) == {"requests.*.natural_person", "requests.*.total"}
    assert f["requests.*.total"].message == "本年新收3 + 上年结转0 ≠ 办理总计0 + 结转下年0（总计列）"
    assert {g.where for g in ids("038", "T3-results-sum")} == {"requests.total.natural_person", "requests.total.total"}


@pytest.mark.parametrize("name", ["029", "001_huaian"])
def test_review_upheld_but_total_zero(name: str) -> None:
    f = ids(name, "T4-sum")
    assert f and all(g.severity == "error" for g in f)
    assert "review_litigation.review.total" in {g.where for g in f}


def test_seed_003_truncated_and_no_table_four() -> None:
    s = {f.where: f for f in ids("003_8030", "S-table-missing")}
    assert set(s) == {"table:requests", "table:review_litigation"}
    assert "缺少13行" in s["table:requests"].message
    assert [f.where for f in ids("003_8030", "S-section-missing")] == ["section:review_litigation"]
    # rows cut off by the truncation are reported once, as structure, not as cells
    assert not [f for f in ids("003_8030", "T-cell") if f.where.startswith("requests")]


def test_format_outdated_seed_000_and_mixed_073() -> None:
    # one finding per report, naming every table in the old format
    assert [f.where for f in ids("000", "S-format-outdated")] == ["tables:proactive,requests"]
    assert "表二" in ids("000", "S-format-outdated")[0].message and "表三" in ids("000", "S-format-outdated")[0].message
    assert [f.where for f in ids("073", "S-format-outdated")] == ["tables:proactive"]
    assert all(f.severity == "warning" for f in ids("000", "S-format-outdated"))
    assert not ids("099", "S-format-outdated")  # a 2020 report may use the 2019 format


def test_year_slips() -> None:
    assert "2023" in ids("076", "Y-year")[0].message
    y = ids("083", "Y-year")
    assert len(y) == 1 and "在主动公开的61条" in y[0].message
    for name in ("085", "004_shanghai", "010", "079", "014"):  # plans, comparisons, 决算, signatures
        assert not ids(name, "Y-year"), name


def test_blank_cells_are_warnings_ambiguous_are_for_checking() -> None:
    assert {f.severity for f in ids("021", "T-cell") if f.where.startswith("requests")} == {"warning"}
    amb = [f for f in ids("037", "T-cell") if f.where == "requests.total"]
    # an ambiguous digit run is the engine's doubt, not the report's defect
    assert amb and amb[0].severity == "info" and "请对照原件核对" in amb[0].message


def test_non_reports_get_no_structure_findings() -> None:
    assert not [f for f in findings("004_778e9eaa") if f.id.startswith("S-")]


# --------------------------------------------------------------------------- schemas


def test_schema_reports_fraction_and_negative_as_t_cell() -> None:
    _, t = loaded("029")
    req = {r: dict(c) for r, c in t.requests.items()}
    req["granted"]["business"] = 1.5
    req["partial"]["research"] = -2
    broken = dataclasses.replace(t, requests=req)
    cells = {f.where: f for f in validate_frames(broken) if f.id == "T-cell"}
    assert set(cells) == {"requests.granted.business", "requests.partial.research"}
    assert "小数" in cells["requests.granted.business"].message
    assert "负数" in cells["requests.partial.research"].message


def test_failure_cases_become_one_finding_per_rule_and_place() -> None:
    import pandera.pandas as pa

    _, t = loaded("038")
    name, schema, df = next(x for x in frames(t) if x[0] == "requests")
    with pytest.raises(pa.errors.SchemaErrors) as exc:
        schema.validate(df, lazy=True)
    out = failures_to_findings(name, df, exc.value.failure_cases, t)
    assert sorted((f.id, f.where) for f in out) == [
        ("T3-identity", "requests.*.natural_person"),
        ("T3-identity", "requests.*.total"),
        ("T3-results-sum", "requests.total.natural_person"),
        ("T3-results-sum", "requests.total.total"),
    ]
    assert all(f.severity == "error" and f.span for f in out)


# --------------------------------------------------------------------------- fast path
# The pre-check and the pandera checks call the same verdict functions
# (scorer.tables.arithmetic), so they agree by construction; what is tested here is
# that validating only the rules the pre-check flags finds what the full schemas find.

def _generated_tables():
    """A hypothesis strategy: 表三 and 表四 with cells None, 0-3, -1 or 1.5, some
    made consistent so that passing tables and single broken rules occur."""
    from hypothesis import strategies as st

    from scorer.tables import labels as L

    cell = st.one_of(st.none(), st.integers(0, 3), st.sampled_from([-1, 1.5]))
    rows21 = list(L.REQUEST_ROWS_2021)

    @st.composite
    def tables(draw):
        req = {r: {c: draw(cell) for c in L.REQUEST_COLUMNS} for r in rows21}
        if draw(st.booleans()):  # make most rules hold so the pass branch is exercised too
            for r in rows21:
                req[r] = {c: 0 for c in L.REQUEST_COLUMNS}
            req["new"] = {**{c: 0 for c in L.REQUEST_COLUMNS}, "natural_person": 1, "total": 1}
            req["granted"] = dict(req["new"])
            req["total"] = dict(req["new"])
            if draw(st.booleans()):
                req[draw(st.sampled_from(rows21))][draw(st.sampled_from(L.REQUEST_COLUMNS))] = draw(cell)
        rev = {g: {c: draw(cell) for c in L.REVIEW_COLUMNS} for g in L.REVIEW_GROUPS}
        if draw(st.booleans()):
            rev = {g: {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1} for g in L.REVIEW_GROUPS}
            if draw(st.booleans()):
                rev[draw(st.sampled_from(L.REVIEW_GROUPS))][draw(st.sampled_from(L.REVIEW_COLUMNS))] = draw(cell)
        return req, rev

    return tables()


def _same_findings(tables) -> list:
    """The pre-check path (only the broken rule checks, or the full schema when a
    cell fails) finds what the full schemas find."""
    from scorer.tables.check import check_tables

    full = sorted(validate_frames(tables), key=finding_sort_key)
    assert sorted(check_tables(tables), key=finding_sort_key) == full
    return full


def test_check_tables_gives_the_full_schema_findings_on_the_corpus() -> None:
    from .conftest import CORPORA

    compared = 0
    for path in sorted((CORPORA / "reports").glob("*.*")) + sorted((CORPORA / "seeds").glob("*.txt")):
        compared += bool(_same_findings(extract_tables(load(path))))
    assert compared >= 5  # failing tables were compared, not only clean ones


def test_check_tables_gives_the_full_schema_findings_on_generated_tables() -> None:
    from hypothesis import given, settings

    _, base = loaded("029")

    @settings(max_examples=50, deadline=None)
    @given(_generated_tables())
    def check(tables):
        req, rev = tables
        _same_findings(dataclasses.replace(base, requests=req, review_litigation=rev))

    check()


def test_rules_only_schema_gives_the_full_schema_findings() -> None:
    """When every cell passes the column checks, validating with the rule checks
    alone yields exactly the findings of the full schema."""
    import pandera.pandas as pa

    from scorer.tables.quick import cells_ok, table_specs
    from scorer.tables.schemas import _frame, _schema, failures_to_findings, schema_for

    from .conftest import CORPORA

    compared = 0
    for path in sorted((CORPORA / "reports").glob("*.*")) + sorted((CORPORA / "seeds").glob("*.txt")):
        tables = extract_tables(load(path))
        for sp in table_specs(tables):
            if not cells_ok(sp.table, sp.rows, sp.cols):
                continue
            model = schema_for(sp.name, tables.variants.get(sp.name))
            found = []
            rules_only = _schema(model, frozenset(c.name for c in model.to_schema().checks))
            for schema in (model, rules_only):
                df = _frame(sp.table, sp.rows, sp.cols, sp.index_name)
                try:
                    schema.validate(df, lazy=True)
                    found.append([])
                except pa.errors.SchemaErrors as exc:
                    found.append(failures_to_findings(sp.name, df, exc.failure_cases, tables))
            assert found[0] == found[1], (path.name, sp.name)
            compared += bool(found[0])
    assert compared >= 5  # failing tables were compared, not only clean ones


def test_fast_finditer_forms_find_what_finditer_finds() -> None:
    """validate scans with the slow year pattern only where a match can start; that
    finds the same matches as ``finditer``: on the corpus and on fuzzed text."""
    from scorer import validate as V

    from .conftest import CORPORA
    from .fuzz_mutate import fuzzed_strings

    def same(text: str) -> None:
        assert [(m.span(), m.groups()) for m in V._clause_years(text)] == [
            (m.span(), m.groups()) for m in V._CLAUSE_YEAR.finditer(text)], text

    texts = [load(p).text for p in sorted((CORPORA / "reports").glob("*.*")) + sorted((CORPORA / "seeds").glob("*.txt"))]
    for text in texts:
        same(text)
    tokens = ["行政复议", "行政诉讼", "行政", "复议", "件", "起", "宗", "2023", "2024", "20", "2", "12", "１", "２０２３",
              "年", "度", "月", "，", ",", "。", "；", "！", "？", "\n", " ", "\t", "（一）", "(二)", "（", "三、", "我",
              "本", "在", "共", "的", "政府信息公开", "案件", "发生", "3 件", "2023年，"]
    for text in fuzzed_strings(texts, tokens, seed=1, n_random=20000, max_words=30, n_spliced=3000, max_span=600):
        same(text)
