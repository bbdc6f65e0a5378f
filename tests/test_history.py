"""Year-over-year checks on real 平潭 series: they fire on a real break and stay
quiet on a consistent pair; without last year's report they stay 未核对."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pytest

from scorer.history import PreviousReport, section_similarity
from scorer.pipeline import ScoreOptions, run, section_texts
from tests.conftest import CORPORA

R, R2 = CORPORA / "reports", CORPORA / "reports2"
YEAR_RULES = ("T3-carry-chain", "T2-in-force", "Q-repeat")


@lru_cache(maxsize=None)
def previous(path: str) -> PreviousReport:
    s = run(path)
    d = s.result.to_dict()
    return PreviousReport(agency=s.document.agency, report_year=s.document.report_year, tables=d["tables"],
                          sections=section_texts(s.document), source=path,
                          format_version=d["document"]["format_version"], result=d)


def scored(prev: str, cur: str, **kw):
    p = previous(str(prev))
    return run(str(cur), "core", ScoreOptions(previous=p, **kw)).result.to_dict()


def ids(d, rule):
    return [f for f in d["findings"] if f["id"] == rule]


def test_carry_chain_fires_on_a_real_break():
    # 农业农村局: 2022 reports 0 carried forward, 2023 reports 7 carried over (总计 column)
    d = scored(R / "026_pingtan_nongyenongcun_2022.txt", R / "091_pingtan_nongyenongcun_2023.txt")
    [f] = ids(d, "T3-carry-chain")
    assert f["where"] == "requests.carried_over.total" and f["cells"] == ["requests.carried_over.total"]
    assert f["numbers"] == {"carried_over": 7, "previous_carried_forward": 0}
    assert f["span"] is not None and "上年结转" in f["message"]
    crit = next(c for c in d["criteria"] if c["id"] == "table_consistency")
    assert "T3-carry-chain" in crit["findings"] and crit["verdict"] == "partial"


def test_carry_chain_quiet_on_a_consistent_pair():
    d = scored(R / "092_pingtan_shichangjianguan_2022.txt", R / "021_pingtan_shichangjianguan_2023.txt")
    assert ids(d, "T3-carry-chain") == []
    assert "T3-carry-chain" in d["history"]["checked"]


def test_in_force_fires_on_a_real_break():
    # 财政金融局 2021: 3 规范性文件 in force; 2022: 8 issued, 0 repealed, but 8 in force (not 11)
    d = scored(R2 / "354_pingtan_caizhengjinrong_2021.txt", R2 / "355_pingtan_caizhengjinrong_2022.txt")
    [f] = ids(d, "T2-in-force")
    assert f["where"] == "proactive.normative_docs.in_force"
    assert f["numbers"]["expected"] == 11 and f["numbers"]["in_force"] == 8
    assert "proactive.normative_docs.issued" in f["cells"]


def test_in_force_quiet_on_a_consistent_pair():
    # 交通与建设局 2021: 12 in force; 2022: +4 −0 = 16 in force
    d = scored(R / "079_pingtan_jiaotongjianshe_2021.txt", R / "093_pingtan_jiaotongjianshe_2022.txt")
    assert ids(d, "T2-in-force") == []
    assert "T2-in-force" in d["history"]["checked"]


def test_in_force_needs_the_2021_format_both_years():
    # 2020 report (2019 format) → 2021: the columns differ, nothing is compared
    d = scored(R / "098_pingtan_xingzhengshenpi_2020.txt", R / "086_pingtan_xingzhengshenpi_2021.txt")
    assert "T2-in-force" not in d["history"]["checked"]
    crit = next(c for c in d["criteria"] if c["id"] == "table_consistency")
    assert "未核对，不计入分母：表二现行有效件数与上年不衔接（T2-in-force）" in crit["explanation"]


def test_repeat_fires_on_077_copied_from_021():
    d = scored(R / "021_pingtan_shichangjianguan_2023.txt", R / "077_pingtan_shichangjianguan_2024.txt")
    [f] = ids(d, "Q-repeat")
    assert f["severity"] == "warning"
    assert "存在的主要问题及改进情况" in f["message"] and "相似度98%" in f["message"]
    assert f["numbers"]["similarity.problems"] > 0.95 and f["numbers"]["threshold"] == 0.9
    crit = next(c for c in d["criteria"] if c["id"] == "year_consistency")
    assert crit["verdict"] == "partial" and "Q-repeat" in crit["findings"]


def test_repeat_threshold_comes_from_the_criteria_set():
    from scorer.criteria import load_criteria

    strict = replace(load_criteria("core"), repeat_threshold=0.99)
    p = previous(str(R / "021_pingtan_shichangjianguan_2023.txt"))
    d = run(str(R / "077_pingtan_shichangjianguan_2024.txt"), strict, ScoreOptions(previous=p)).result.to_dict()
    assert ids(d, "Q-repeat") == []
    assert "Q-repeat" in d["history"]["checked"]


def test_repeat_quiet_on_rewritten_sections():
    d = scored(R / "079_pingtan_jiaotongjianshe_2021.txt", R / "093_pingtan_jiaotongjianshe_2022.txt")
    assert ids(d, "Q-repeat") == []
    assert section_similarity("今年开展了培训三次", "今年开展了培训三次") == 1.0


def test_without_last_year_the_rules_stay_unchecked_and_no_history_key():
    d = run(str(R / "077_pingtan_shichangjianguan_2024.txt")).result.to_dict()
    assert "history" not in d
    assert not [f for f in d["findings"] if f["id"] in YEAR_RULES]
    crit = next(c for c in d["criteria"] if c["id"] == "year_consistency")
    assert crit["assessable_weight"] == 1.5  # Q-repeat's half of the weight is out of the denominator
    assert "未核对，不计入分母：内容与上年度报告高度雷同（Q-repeat），需要上年度报告" in crit["explanation"]
    with_prev = scored(R / "021_pingtan_shichangjianguan_2023.txt", R / "077_pingtan_shichangjianguan_2024.txt")
    assert next(c for c in with_prev["criteria"] if c["id"] == "year_consistency")["assessable_weight"] == 3


def test_trend_names_the_changed_verdicts():
    d = scored(R / "021_pingtan_shichangjianguan_2023.txt", R / "077_pingtan_shichangjianguan_2024.txt")
    h = d["history"]
    assert h["previous"]["total"] == previous(str(R / "021_pingtan_shichangjianguan_2023.txt")).result["score"]["total"]
    assert h["total_change"] == pytest.approx(d["score"]["total"] - h["previous"]["total"], abs=0.051)
    assert {"id": "year_consistency", "title": "报告年度表述正确、内容不照搬上年", "previous": "met",
            "current": "partial"} in h["changed"]


def test_repeat_threshold_is_read_from_a_criteria_file(tmp_path):
    from scorer.criteria import load_criteria
    from scorer.errors import CriteriaError

    f = tmp_path / "mine.yaml"
    f.write_text("id: mine\ntitle: 我的\nextends: core\nrepeat_threshold: 0.8\ncriteria: []\n", encoding="utf-8")
    assert load_criteria(str(f)).repeat_threshold == 0.8
    assert load_criteria("core").repeat_threshold == 0.9
    f.write_text("id: mine\ntitle: 我的\nextends: core\nrepeat_threshold: 1.5\ncriteria: []\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match="repeat_threshold"):
        load_criteria(str(f))
