"""The results store: batches add to it, the sheets are drawn from it, last year's
reports are found in it (also when scored in the same batch)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from scorer.batch import run_batch
from scorer.history import agency_key
from scorer.store import STORE_NAME, Store, rule_code_hash
from tests.conftest import CORPORA

R = CORPORA / "reports"
A = [R / "020_pingtan_gongan_2024.txt", R / "092_pingtan_shichangjianguan_2022.txt"]
B = [R / "083_pingtan_caizhengjinrong_2024.txt", R / "029_pingtan_xingzhengshenpi_2024.txt"]
PREV, CUR = R / "021_pingtan_shichangjianguan_2023.txt", R / "077_pingtan_shichangjianguan_2024.txt"


def _folder(tmp: Path, name: str, files) -> Path:
    d = tmp / name
    d.mkdir()
    for f in files:
        shutil.copy(f, d / f.name)
    return d


def _sheet_agencies(out: Path) -> list[str]:
    ws = load_workbook(out / "scores.xlsx", read_only=True)["得分表"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = rows[0]
    col = next(i for i, h in enumerate(header) if h and "机构" in str(h))
    return [r[col] for r in rows[1:] if r[col]]


def test_a_second_batch_into_the_same_place_extends_the_sheets(tmp_path, core):
    out = tmp_path / "out"
    run_batch(_folder(tmp_path, "a", A), core, out, jobs=1, formats=("json",))
    first = _sheet_agencies(out)
    assert len(first) == 2
    rep = run_batch(_folder(tmp_path, "b", B), core, out, jobs=1, formats=("json",))
    assert rep.ok
    both = _sheet_agencies(out)
    assert sorted(both) == sorted(first + ["平潭综合实验区财政金融局", "平潭综合实验区行政审批局"])
    csv_lines = (out / "scores.csv").read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(csv_lines) == 1 + 4
    assert "平潭综合实验区公安局" in (out / "summary.html").read_text(encoding="utf-8")
    with Store(out / STORE_NAME, readonly=True) as db:
        assert len(list(db.latest("core"))) == 4


def test_the_store_keeps_provenance_and_upserts(tmp_path, core):
    store = tmp_path / "shared.sqlite"
    src = _folder(tmp_path, "a", A[:1])
    run_batch(src, core, tmp_path / "o1", jobs=1, formats=("json",), store=store)
    run_batch(src, core, tmp_path / "o2", jobs=1, formats=("json",), store=store)  # same bytes: one row
    import sqlite3

    con = sqlite3.connect(store)
    rows = con.execute("SELECT agency, agency_key, report_year, source_sha256, criteria_set, rule_hash,"
                       " length(result), length(history) FROM results").fetchall()
    assert len(rows) == 1
    agency, key, year, sha, cs, rule_hash, n_result, n_hist = rows[0]
    assert (agency, key, year, cs) == ("平潭综合实验区公安局", "平潭综合实验区公安局", 2024, "core")
    assert len(sha) == 64 and rule_hash == rule_code_hash() and n_result > 1000 and n_hist > 1000
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not (tmp_path / "o1" / STORE_NAME).exists()  # --store names another place


def test_agency_key_strips_spaces_and_brackets():
    assert agency_key(" 平潭综合实验区 社会事业局（全区）") == "平潭综合实验区社会事业局"
    assert agency_key("平潭综合实验区社会事业局(本级)") == "平潭综合实验区社会事业局"
    assert agency_key("") is None


def test_last_years_report_from_the_store_in_a_later_batch(tmp_path, core):
    out = tmp_path / "out"
    run_batch(_folder(tmp_path, "a", [PREV]), core, out, jobs=1, formats=("json",))
    run_batch(_folder(tmp_path, "b", [CUR]), core, out, jobs=1, formats=("json",))
    d = json.loads((out / f"{CUR.stem}.json").read_text(encoding="utf-8"))
    assert d["history"]["previous"]["report_year"] == 2023
    assert "Q-repeat" in [f["id"] for f in d["findings"]]


def test_previous_year_in_the_same_batch_is_used_in_a_second_wave(tmp_path, core):
    out = tmp_path / "out"
    rep = run_batch(_folder(tmp_path, "a", [PREV, CUR, A[0]]), core, out, jobs=2, formats=("json",))
    assert rep.ok and len(rep.outcomes) == 3
    d = json.loads((out / f"{CUR.stem}.json").read_text(encoding="utf-8"))
    assert d["history"]["previous"]["source"].endswith(PREV.name)
    assert "Q-repeat" in [f["id"] for f in d["findings"]]
    # the others had no previous year in the batch: scored once, without history
    assert "history" not in json.loads((out / f"{PREV.stem}.json").read_text(encoding="utf-8"))
    # a rerun does no work: the history it was compared with is unchanged
    again = run_batch(tmp_path / "a", core, out, jobs=1, formats=("json",))
    assert len(again.skipped) == 3


def test_a_chain_of_years_in_one_batch_is_scored_year_after_year(tmp_path, core):
    first = R / "092_pingtan_shichangjianguan_2022.txt"
    out = tmp_path / "out"
    rep = run_batch(_folder(tmp_path, "a", [first, PREV, CUR]), core, out, jobs=2, formats=("json",))
    assert rep.ok
    d21 = json.loads((out / f"{PREV.stem}.json").read_text(encoding="utf-8"))
    d24 = json.loads((out / f"{CUR.stem}.json").read_text(encoding="utf-8"))
    assert d21["history"]["previous"]["report_year"] == 2022
    # 2024 was compared with 2023 as finally scored (with its own history), not a first draft
    assert d24["history"]["previous"]["total"] == d21["score"]["total"]
    assert "history" not in json.loads((out / f"{first.stem}.json").read_text(encoding="utf-8"))


def test_manifest_agency_key_matches_a_renamed_agency(tmp_path, core):
    src = _folder(tmp_path, "a", [PREV, CUR])
    (src / "manifest.csv").write_text(
        "file,agency,report_year,published_on,agency_key\n"
        f"{PREV.name},平潭综合实验区工商局,2023,,平潭市场监管\n"
        f"{CUR.name},平潭综合实验区市场监督管理局,2024,,平潭市场监管\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(src / "manifest.csv", core, out, jobs=1, formats=("json",)).ok
    d = json.loads((out / f"{CUR.stem}.json").read_text(encoding="utf-8"))
    assert d["history"]["previous"]["agency"] == "平潭综合实验区工商局"
    with Store(out / STORE_NAME, readonly=True) as db:
        assert db.result_for("平潭市场监管", 2023, "core")["document"]["agency"] == "平潭综合实验区工商局"
