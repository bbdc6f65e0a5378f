"""Table extraction on real corpus documents: every layout, the known defects, the
gold set, and the CLI."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from scorer.load import load
from scorer.tables import extract_tables
from xxgk_lab.tables_accuracy import run_gold, score_document

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
GOLD = ROOT / "tests" / "gold" / "tables"


@lru_cache(maxsize=None)
def doc(name: str):
    path = next(p for p in sorted(CORPORA.glob("*/*")) if p.name.startswith(name))
    return load(str(path))


@lru_cache(maxsize=None)
def tables(name: str):
    return extract_tables(doc(name))


def row(name: str, table: str, key: str) -> list:
    return list(tables(name).table(table)[key].values())


# --------------------------------------------------------------------------- gold


@pytest.mark.parametrize("gold_file", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem)
def test_gold_has_no_wrong_cell(gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    result = extract_tables(load(str(ROOT / gold["source"])))
    acc = score_document(gold_file.stem, gold["source"], gold["tables"], result)
    assert acc.wrong_cells == []
    assert result.format_version == gold["format_version"]


def test_gold_set_covers_every_layout() -> None:
    names = {p.stem[:3] for p in GOLD.glob("*.json")}
    assert len(names) >= 15
    # seeds 000/002/003, md 004, PDFs 001/003, defects 091/029/038/090, 2019 format 009/098
    assert {"000", "002", "003", "004", "001", "091", "029", "038", "090", "009", "098"} <= names
    layouts = {json.loads(p.read_text(encoding="utf-8"))["layout"].split(",")[0] for p in GOLD.glob("*.json")}
    assert any("PDF" in x for x in layouts) and any("Markdown" in x for x in layouts)


def test_accuracy_counts_a_wrong_value_as_wrong() -> None:
    gold = json.loads((GOLD / "029_pingtan_xingzhengshenpi_2024.json").read_text(encoding="utf-8"))
    gold["tables"]["requests"]["new"]["total"] = 27  # not what the report says
    gold["tables"]["review_litigation"]["review"]["total"] = "?"
    acc = score_document("x", gold["source"], gold["tables"], tables("029"))
    assert acc.wrong == 2
    assert ("requests.new.total", 27, 28) in acc.wrong_cells


def test_accuracy_counts_unread_cells_apart() -> None:
    gold = json.loads((GOLD / "091_pingtan_nongyenongcun_2023.json").read_text(encoding="utf-8"))
    gold["tables"]["proactive"]["normative_docs"] = {"issued": 4, "repealed": 9, "in_force": 20}
    acc = score_document("x", gold["source"], gold["tables"], tables("091"))
    assert acc.unreadable == 3 and acc.wrong == 0


def test_run_gold_reads_the_whole_directory() -> None:
    docs = run_gold(GOLD, load)
    assert len(docs) == len(list(GOLD.glob("*.json")))
    assert sum(d.wrong for d in docs) == 0


# --------------------------------------------------------------------------- layouts


def test_pipe_rows_with_debris_seed_000() -> None:
    t = tables("000")
    assert t.layouts["requests"] == "rows"
    assert t.variants == {"proactive": "2019", "requests": "2019"}
    assert t.proactive["procurement"] == {"items": 150, "amount": 76318.2}
    assert "亿元" in t.cells["proactive.procurement.amount"].note
    assert row("000", "requests", "total") == [1, 0, 0, 0, 0, 0, 1]
    assert "other" in t.requests and "other_misc" not in t.requests


def test_one_cell_per_line_seed_002() -> None:
    assert tables("002").layouts["requests"] == "rows"
    assert row("002", "requests", "new") == [1, 0, 0, 0, 0, 0, 1]


def test_tab_rows_truncated_seed_003() -> None:
    t = tables("003_8030")
    assert row("003_8030", "requests", "new") == [2, 0, 0, 0, 0, 0, 2]
    assert t.truncated == ("requests",)
    assert t.missing_rows["requests"][0] == "unable_not_held"
    assert t.review_litigation is None
    assert t.cells["requests.total.total"].status == "missing"
    assert "requests" not in t.variants  # cut off before 其他处理: format unknown


def test_markdown_from_pdf_004_reads_lines() -> None:
    t = tables("004")
    assert t.layouts["requests"] == "lines"
    assert row("004", "requests", "other_no_correction") == [8, 2, 0, 0, 0, 0, 10]
    assert row("004", "requests", "carried_forward") == [1, 0, 0, 0, 0, 0, None]
    assert t.cells["requests.carried_forward.total"].status == "blank"
    assert t.proactive["normative_docs"] == {"issued": 13, "repealed": 0, "in_force": 55}


def test_pdf_with_labels_around_numbers_001() -> None:
    t = tables("001_huaian")
    assert t.layouts["requests"] == "lines"
    assert t.variants == {"proactive": "2021", "requests": "2019"}  # one 其他处理 row
    assert row("001_huaian", "requests", "partial") == [4, 0, 0, 0, 0, 0, 4]
    assert row("001_huaian", "requests", "denied_state_secret") == [1, 0, 0, 0, 0, 0, 1]
    assert t.review_litigation["review"] == {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0}


def test_pdf_split_across_pages_003() -> None:
    t = tables("003_huaian")
    assert row("003_huaian", "requests", "other_no_correction") == [67, 3, 0, 0, 1, 0, 71]
    assert row("003_huaian", "requests", "unable_needs_creation") == [11, 0, 0, 0, 0, 0, 11]
    assert t.proactive["punishment"] == {"decisions": 3985758}
    assert not t.findings


def test_glued_multi_digit_cells_split_with_arithmetic_011() -> None:
    assert row("011", "requests", "new") == [64, 0, 0, 2, 0, 4, 70]
    assert row("011", "requests", "unable_not_held") == [22, 0, 0, 0, 0, 3, 25]
    assert tables("011").review_litigation["litigation_direct"]["total"] == 12


def test_column_shift_091_is_read_as_written() -> None:
    assert row("091", "requests", "new") == [6, 1, 0, 0, 0, 0, 0]
    assert row("091", "requests", "carried_over") == [0, 0, 0, 0, 0, 0, 7]


def test_inconsistent_038_total_read_as_zero() -> None:
    assert row("038", "requests", "new") == [3, 0, 0, 0, 0, 0, 3]
    assert row("038", "requests", "total") == [0] * 7


def test_029_review_upheld_one_total_zero() -> None:
    assert tables("029").review_litigation["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 0}


def test_narrative_decides_glued_proactive_row_029() -> None:
    t = tables("029")
    assert t.proactive["normative_docs"] == {"issued": 15, "repealed": 6, "in_force": 21}
    assert any("制定" in n or "本年制发件数15" in n for n in t.notes)


def test_glued_proactive_row_is_ambiguous_not_guessed_091() -> None:
    t = tables("091")
    assert t.proactive["normative_docs"] == {"issued": None, "repealed": None, "in_force": None}
    cell = t.cells["proactive.normative_docs.issued"]
    assert cell.status == "ambiguous" and cell.candidates == (4, 49)
    f = [f for f in t.findings if f.where == "proactive.normative_docs"]
    assert len(f) == 1 and f[0].id == "T-cell" and f[0].severity == "info"
    assert "4/9/20" in f[0].message and "49/2/0" in f[0].message


def test_ambiguous_total_row_lists_candidates_037() -> None:
    t = tables("037")
    assert t.requests["total"]["social_org"] == 0  # same in every reading
    assert t.requests["total"]["total"] is None
    f = next(f for f in t.findings if f.where == "requests.total")
    assert "19/1/0/0/0/0/19" in f.message


def test_blank_cells_are_none_with_warning_021() -> None:
    t = tables("021")
    assert row("021", "requests", "other_misc") == [None] * 7
    blank = [f for f in t.findings if f.where.startswith("requests.other_")]
    assert {f.severity for f in blank} == {"warning"} and len(blank) == 2
    assert t.proactive["rules"] == {"issued": None, "repealed": None, "in_force": None}  # no 规章 row


def test_fee_amount_stops_before_narrative_083() -> None:
    assert tables("083").proactive["fees"] == {"amount_wan_yuan": 18651.064104}


def test_unit_in_label_converts_yuan_099() -> None:
    cell = tables("099").cells["proactive.procurement.amount"]
    assert cell.status == "ambiguous"  # items and amount glued: "6675809"
    assert all(c < 700 for c in cell.candidates)  # 元 converted to 万元


def test_docx_template_grid_is_blank_not_zero() -> None:
    t = extract_tables(load(str(CORPORA / "format" / "006_govnianbao_template_blank.docx")))
    assert row_of(t, "requests", "new") == [None] * 7
    assert t.cells["requests.new.total"].status == "blank"
    assert t.review_litigation["review"]["total"] is None


def row_of(t, table, key):
    return list(t.table(table)[key].values())


def test_non_report_documents_have_no_tables() -> None:
    t = tables("004_778e9eaa")  # a 要点
    assert (t.proactive, t.requests, t.review_litigation) == (None, None, None)


def test_spans_point_at_the_cells() -> None:
    d, t = doc("011"), tables("011")
    c = t.cells["requests.new.natural_person"]
    assert d.text[c.span[0] : c.span[1]] == "64"
    a, b = t.spans["requests"]
    assert "本年新收" in d.text[a:b]


def test_deterministic_json() -> None:
    one = json.dumps(extract_tables(doc("014")).to_dict(), ensure_ascii=False, sort_keys=True)
    two = json.dumps(extract_tables(load(str(next(CORPORA.glob("reports/014_*"))))).to_dict(), ensure_ascii=False, sort_keys=True)
    assert one == two


# --------------------------------------------------------------------------- CLI


def test_cli_tables_text(runner) -> None:
    from scorer.cli import cli

    path = str(next(CORPORA.glob("reports/091_*")))
    res = runner.invoke(cli, ["tables", path])
    assert res.exit_code == 0, res.output
    assert "表三 收到和处理政府信息公开申请情况" in res.output
    assert "T3-row-sum" in res.output and "X-text-table" in res.output


def test_cli_tables_json(runner) -> None:
    from scorer.cli import cli

    res = runner.invoke(cli, ["tables", str(next(CORPORA.glob("reports/029_*"))), "--format", "json"])
    assert res.exit_code == 0
    out = json.loads(res.output)
    assert set(out) == {"tables", "findings"}
    assert set(out["tables"]) == {"proactive", "requests", "review_litigation", "format_version"}
    assert out["tables"]["requests"]["new"]["total"] == 28
    assert "T4-sum" in {f["id"] for f in out["findings"]}


def test_cli_tables_accuracy(runner) -> None:
    from scorer.cli import cli

    res = runner.invoke(cli, ["tables-accuracy", "--gold", str(GOLD)])
    assert res.exit_code == 0, res.output
    assert "OVERALL" in res.output and "wrong cells: 0" in res.output


def test_cli_tables_accuracy_without_gold(runner, tmp_path) -> None:
    from scorer.cli import cli

    res = runner.invoke(cli, ["tables-accuracy", "--gold", str(tmp_path)])
    assert res.exit_code == 2
    assert "no gold files" in res.output
