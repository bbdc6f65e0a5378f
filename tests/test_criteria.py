"""Criteria files: shipped sets, the core contract, extends, and every validation error."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import cli
from scorer.criteria import CORE_IDS, list_criteria, load_criteria, shipped_dir, shipped_names
from scorer.errors import CriteriaError
from scorer.model import SCORING_KINDS
from scorer.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path("tests/fixtures/criteria")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    """Run from the repo root so that messages show repo-relative paths."""
    monkeypatch.chdir(ROOT)


# --------------------------------------------------------------------------- shipped sets


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_set_loads_and_sums_to_100(name):
    cs = load_criteria(name)
    assert cs.id == name  # a bare name is the file stem and the set id
    assert cs.total_weight == pytest.approx(100, abs=0.01)
    assert all(c.weight > 0 for c in cs.criteria)
    assert all(c.scoring in SCORING_KINDS for c in cs.criteria)
    # The top-level criteria/ folder offers the same file.
    top = ROOT / "criteria" / f"{name}.yaml"
    assert top.resolve() == (shipped_dir() / f"{name}.yaml").resolve()
    assert load_criteria(f"criteria/{name}.yaml").criteria == cs.criteria


def test_shipped_sets_are_the_expected_ones():
    assert {"core", "qingpu-lvrong-2022", "songjiang-jiguanju-2022", "pingtan-2021",
            "pingtan-2022"} <= set(shipped_names())
    assert [cs.id for cs in list_criteria()] == shipped_names()


def test_core_carries_the_16_ids_and_weights_sum_to_exactly_100():
    core = load_criteria("core")
    ids = [c.id for c in core.criteria]
    assert set(CORE_IDS) <= set(ids)
    assert len(ids) == len(set(ids))
    assert sum(c.weight for c in core.criteria) == 100
    assert core.get("timely_publication").scoring == "timeliness"
    assert core.get("timely_publication").rules == ("P-late",)
    assert core.get("fee_statement").sections == ("other",)
    assert core.get("prior_rectification").sections == ("problems",)
    # Each rule of domain.md §6 costs points in exactly one criterion.
    used = [r for c in core.criteria for r in c.rules]
    assert sorted(used) == sorted(RULES)
    for cid in ("statutory_sections", "statutory_tables", "table_consistency", "year_consistency"):
        assert core.get(cid).scoring == "rule"
    # Text criteria are labelled for the classifier with their own id.
    for cid in CORE_IDS[:-1]:
        assert core.get(cid).classifier_label == cid
        assert core.get(cid).keywords


def _corpus_texts() -> dict[str, str]:
    files = sorted((ROOT / "corpora" / "reports").glob("*.txt"))
    files += sorted((ROOT / "corpora" / "reports").glob("*.md"))
    files += sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
    return {f.name: f.read_text(encoding="utf-8") for f in files}


@pytest.mark.skipif(not (ROOT / "corpora" / "reports").is_dir(), reason="corpus absent")
def test_core_keywords_find_real_evidence_in_the_corpus():
    """Every text criterion's words occur in real reports (not only in the 要点)."""
    texts = _corpus_texts()
    core = load_criteria("core")
    for cid in CORE_IDS[:-1]:
        c = core.get(cid)
        words = c.keywords + c.synonyms
        hits = [name for name, t in texts.items() if any(w in t for w in words)]
        assert hits, f"no corpus document mentions any word of {cid}: {words}"


@pytest.mark.parametrize("name", [n for n in shipped_names() if n != "core"])
def test_clauses_are_verbatim_from_the_source(name):
    cs = load_criteria(name)
    assert cs.source and cs.extends == "core"
    source = ROOT / cs.source
    if not source.is_file():
        pytest.skip(f"{cs.source} absent")
    text = re.sub(r"\s+", "", source.read_text(encoding="utf-8"))
    clauses = [c for c in cs.criteria if c.clause]
    assert len(clauses) >= 10
    for c in clauses:
        assert re.sub(r"\s+", "", c.clause) in text, f"{c.id}: clause not in {cs.source}"


def test_qingpu_set_keeps_the_yaodian_numbers():
    cs = load_criteria("qingpu-lvrong-2022")
    assert (cs.report_year, cs.deadline) == (2022, "2023-01-31")
    assert cs.get("public_attendance").min_count == 1
    assert cs.get("public_attendance").scoring == "count"
    assert cs.get("training").min_count == 1
    assert cs.get("leadership_review").min_count == 1
    assert cs.get("open_day").months == (8,)
    assert cs.get("consultation_feedback").within_days == 10
    assert cs.get("acceptance_point").min_count == 1
    assert cs.get("document_push").min_count == 12  # frequency: monthly
    assert not cs.get("policy_search").checkable
    # Overrides keep the core keywords.
    assert cs.get("public_attendance").keywords == load_criteria("core").get(
        "public_attendance").keywords


def test_songjiang_set_keeps_the_plan_commitments():
    cs = load_criteria("songjiang-jiguanju-2022")
    assert cs.get("open_day").months == (6, 7, 8)
    assert cs.get("public_attendance").min_count == 1
    assert cs.get("leadership_review").min_count == 4  # 每季度至少听取一次
    assert cs.get("bureau_meeting_report").min_count == 12  # 每月一次的局务会
    assert cs.get("self_inspection").min_count == 2  # 每半年
    assert cs.get("decision_consultation").months == (4, 5, 6)  # 第二季度


# --------------------------------------------------------------------------- extends


def test_extends_overrides_adds_and_drops():
    core = load_criteria("core")
    cs = load_criteria(FIXTURES / "extend_ok.yaml")
    assert cs.extends == "core" and cs.report_year == 2022
    ids = [c.id for c in cs.criteria]
    assert "press_conference" not in ids  # dropped
    assert ids[-1] == "acceptance_point"  # added after the inherited ones
    assert ids[:-1] == [c.id for c in core.criteria if c.id != "press_conference"]
    od = cs.get("open_day")
    assert od.weight == 5 and od.months == (8,) and od.clause.startswith("积极配合")
    assert od.keywords == core.get("open_day").keywords  # inherited field
    pa = cs.get("public_attendance")
    assert pa.min_count == 1 and pa.scoring == "count"  # a minimum makes it a count
    assert cs.get("acceptance_point").scoring == "count"
    assert cs.total_weight == pytest.approx(100)
    assert core.get("open_day").weight == 4  # the parent is untouched


def test_extends_by_relative_path_with_parent_weight_and_frequency():
    parent = load_criteria(FIXTURES / "extend_ok.yaml")
    cs = load_criteria(FIXTURES / "extend_chain.yaml")
    assert cs.extends == "extend-ok"
    for c in parent.criteria:
        assert cs.get(c.id).weight == pytest.approx(c.weight * 0.9, abs=1e-4)
    assert cs.get("leadership_review").min_count == 4
    assert cs.get("leadership_review").scoring == "count"
    assert cs.get("document_push").min_count == 12
    assert cs.total_weight == pytest.approx(100, abs=0.01)


def test_minimal_hand_written_set_gets_defaults(tmp_path):
    """A minimal hand-written set: two items, defaults filled in."""
    f = tmp_path / "mini.yaml"
    f.write_text(
        "id: mini\ntitle: 最小指标集\ncriteria:\n"
        "  - {id: open_day, title: 开放活动, weight: 70, keywords: [开放日]}\n"
        "  - {id: late, title: 按时发布, weight: 30, scoring: timeliness}\n",
        encoding="utf-8",
    )
    cs = load_criteria(str(f))
    assert cs.get("open_day").scoring == "presence"
    assert cs.get("open_day").classifier_label == "open_day"
    assert cs.get("late").rules == ("P-late",)
    assert cs.get("open_day").source_line == 4


# --------------------------------------------------------------------------- broken files

BROKEN = [
    ("unknown_key.yaml", 6, "wieght",
     "指标“open_day”中有未知的键'wieght'，是否应为“weight”？"),
    ("duplicate_id.yaml", 12, "id", "指标id“open_day”重复（首次在第4行），请改为不同的id"),
    ("negative_weight.yaml", 10, "weight",
     "指标“open_day”的“weight”必须是(0, 100]之间的数，实际为-3"),
    ("cycle_a.yaml", 3, "extends",
     "extends形成循环：tests/fixtures/criteria/cycle_a.yaml -> tests/fixtures/criteria/cycle_b.yaml"
     " -> tests/fixtures/criteria/cycle_a.yaml，请去掉其中一处继承"),
    ("missing_parent.yaml", 3, "extends",
     "指标体系“broken-missing-parent”的extends指向'cor'，它既不是同目录下的文件也不是内置指标体系"),
    ("empty_keywords.yaml", 11, "keywords",
     "指标“open_day”是presence类指标，“keywords”不能为空"),
    ("bad_scoring.yaml", 7, "scoring",
     "指标“training”的“scoring”必须是以下之一：presence、count、rule、timeliness，实际为'prescence'"),
    ("bad_rule.yaml", 8, "rules", "指标“table_consistency”的“rules”必须是domain.md §6的规则编号"),
    ("min_count_zero.yaml", 8, "min_count",
     "指标“public_attendance”的“min_count”必须是正整数，实际为0"),
    ("min_count_float.yaml", 8, "min_count",
     "指标“public_attendance”的“min_count”必须是正整数，实际为1.5"),
    ("bad_months.yaml", 12, "months",
     "指标“open_day”的“months”必须是1到12之间的月份，实际为[13]"),
    ("duplicate_key.yaml", 8, "weight", "键'weight'重复（首次在第6行），请删除其中一个"),
    ("weights_total.yaml", 3, "weight",
     "指标体系“broken-weights-total”的权重合计为90，必须合计为100"),
    ("bad_yaml.yaml", 8, None, "YAML格式错误（expected ',' or ']'"),
    ("drop_unknown.yaml", 4, "drop",
     "指标体系“broken-drop-unknown”的drop列出了“press_conferenc”，但指标体系“core”中没有这一项，"
     "是否应为“press_conference”？"),
]


@pytest.mark.parametrize("name,line,field,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_error_names_file_line_and_field(name, line, field, message):
    path = FIXTURES / name
    with pytest.raises(CriteriaError) as info:
        load_criteria(str(path))
    err = info.value
    where = "tests/fixtures/criteria/cycle_b.yaml" if name == "cycle_a.yaml" else str(path)
    assert str(err).startswith(f"{where} 第{line}行：{message}"), str(err)
    assert "\n" not in str(err)
    assert (err.path, err.line, err.field) == (where, line, field)


@pytest.mark.parametrize("name", [b[0] for b in BROKEN])
def test_cli_check_of_a_broken_file_exits_2(name):
    result = CliRunner().invoke(cli, ["criteria", "check", str(FIXTURES / name)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: tests/fixtures/criteria/")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_set_level_values_are_checked(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("id: s\ntitle: t\nextends: core\ndeadline: 2023-02-30\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"s\.yaml 第4行：指标体系“s”的“deadline”必须是"
                       r"YYYY-MM-DD格式的日期，实际为'2023-02-30'$"):
        load_criteria(str(f))
    f.write_text("id: s\ntitle: t\nextends: core\nparent_weight: 0\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"第4行：指标体系“s”的“parent_weight”必须是"
                       r"\(0, 100\]之间的数，实际为0$"):
        load_criteria(str(f))


def test_unknown_set_name():
    with pytest.raises(CriteriaError, match=r"^nope：找不到这个指标文件，也没有同名的内置指标体系"):
        load_criteria("nope")


def test_type_errors_are_located(tmp_path):
    cases = {
        "weight: abc": "第6行：指标“x”的“weight”必须是数字，实际为'abc'",
        "checkable: yes please": "第6行：指标“x”的“checkable”必须是true或false，实际为'yes please'",
        "keywords: 培训": "第6行：指标“x”的“keywords”必须是非空文本的列表",
        "frequency: 每月": "第6行：指标“x”的“frequency”必须是weekly、monthly",
        "sections: [overview, appendix]": "第6行：指标“x”的“sections”必须是domain.md §2的章节键",
        "classifier_label: foo": "第6行：指标“x”的“classifier_label”必须是核心指标id",
        "deduction: 2": "第6行：指标“x”的“deduction”必须是(0, 1]之间的数，实际为2",
        "keywords: [培训, 培训]": "第6行：指标“x”的“keywords”重复列出'培训'",
        "months: [八月]": "第6行：指标“x”的“months”必须是1–12的月份或月份列表",
        "within_days: -10": "第6行：指标“x”的“within_days”必须是正整数，实际为-10",
    }
    for extra, expected in cases.items():
        f = tmp_path / "t.yaml"
        f.write_text(
            "id: t\ntitle: t\ncriteria:\n  - id: x\n    title: 培训\n    " + extra + "\n"
            + ("    weight: 100\n" if "weight" not in extra else "")
            + ("    keywords: [培训]\n" if "keywords" not in extra else ""),
            encoding="utf-8",
        )
        with pytest.raises(CriteriaError) as info:
            load_criteria(str(f))
        assert f"{f} {expected}" in str(info.value), (extra, str(info.value))


# --------------------------------------------------------------------------- CLI


def test_cli_check_prints_an_aligned_table():
    result = CliRunner().invoke(cli, ["criteria", "check", "qingpu-lvrong-2022"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("qingpu-lvrong-2022: 2022年青浦区绿化和市容管理局政务公开工作要点\n")
    assert "extends: core" in out and "deadline: 2023-01-31" in out
    assert re.search(r"^public_attendance +邀请公众代表列席决策会议 +公众参与 +2\.4  count +≥1次",
                     out, re.M)
    assert re.search(r"^open_day .* 月8 ", out, re.M)
    assert re.search(r"^policy_search .* presence\*$", out, re.M)
    assert out.rstrip().endswith(
        "total weight 100 over 40 criteria; * = not checkable from a report (2).")


def test_cli_list_shows_every_shipped_set():
    result = CliRunner().invoke(cli, ["criteria", "list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "title", "items", "weight", "extends", "year"]
    for name in shipped_names():
        assert any(line.startswith(name + " ") for line in lines)


def test_quick_pass_agrees_with_pandera_on_every_set_and_fixture():
    """The plain pre-check passes a criteria table exactly when pandera does."""
    import pandera.pandas as pa

    from scorer.criteria import loader
    from scorer.criteria.fields import quick_pass
    from scorer.criteria.schema import CriteriaTable

    captured = []
    real = loader.quick_pass

    def spy(rows):
        captured.append(rows)
        return real(rows)

    root = Path(__file__).resolve().parent.parent
    paths = sorted((root / "scorer/data/criteria").glob("*.yaml")) + sorted((root / "tests/fixtures/criteria").glob("*.yaml"))
    outcomes = set()
    for p in paths:
        captured.clear()
        loader.quick_pass = spy
        try:
            load_criteria(str(p))
        except CriteriaError:
            pass
        finally:
            loader.quick_pass = real
        for values in captured:
            rows = [type("R", (), {"values": v})() for v in values]
            try:
                CriteriaTable.validate(loader._table(rows), lazy=True)
                ok = True
            except pa.errors.SchemaErrors:
                ok = False
            assert quick_pass(values) == ok, p
            outcomes.add(ok)
    assert outcomes == {True, False}
