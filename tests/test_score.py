"""Scoring arithmetic, deadlines and explanations on hand-made inputs (no other layer)."""
from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from scorer.model import Assessment, CriteriaSet, Criterion, make_finding
from scorer.deadline import is_whole_government, statutory_deadline
from scorer.explain import finding_note
from scorer.score import _round, score_assessed

_spec = importlib.util.spec_from_file_location(
    "score_synth", Path(__file__).parent / "fixtures" / "score" / "synth.py")
synth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synth)


def run(doc=None, cs=None, findings=None, assessments=None):
    doc = doc or synth.make_doc()
    # tables=None: no table was read for these hand-made findings, so every rule is
    # taken to have run (rule_status needs the tables to say otherwise)
    return score_assessed(doc, cs or synth.criteria(), tables=None, format_version="2021",
                          findings=synth.findings(doc.text) if findings is None else findings,
                          assessments=synth.assessments(doc.text) if assessments is None else assessments)


def by_id(result):
    return {c.id: c for c in result.criteria}


def test_points_credits_and_total():
    r = run()
    c = by_id(r)
    assert (c["open_day"].verdict, c["open_day"].points) == ("met", 6.0)
    assert (c["press_conference"].verdict, c["press_conference"].points) == ("not_met", 0.0)
    assert (c["training"].verdict, c["training"].points) == ("not_met", 0.0)
    # one T3-identity finding at deduction 0.25 of weight 10
    assert (c["table_consistency"].verdict, c["table_consistency"].points) == ("partial", 7.5)
    assert c["table_consistency"].credit == 0.75
    assert (c["completeness"].verdict, c["completeness"].points) == ("partial", 4.0)
    assert (c["timely_publication"].verdict, c["timely_publication"].points) == ("met", 5.0)
    # checkable: False, and a rule that needs last year's report: excluded
    assert c["website_column"].verdict == "not_assessable"
    assert c["continuity"].verdict == "not_assessable"
    assert r.score == {
        "total": 62.2,  # 100 × 25.5 / 41 = 62.195…
        "max": 100,
        "earned": 25.5,
        "assessable_weight": 41.0,
        "not_assessable": ["continuity", "website_column"],
    }


def test_contract_keys():
    d = run().to_dict()
    assert {"document", "tables", "findings", "criteria", "score"} <= set(d)
    assert d["document"]["format_version"] == "2021"
    assert d["document"]["deadline"] == "2023-01-31"
    crit = d["criteria"][0]
    assert {"id", "title", "weight", "verdict", "credit", "points", "confidence", "evidence",
            "explanation"} <= set(crit)
    assert crit["evidence"][0]["section"] == "overview"


def test_deductions_floor_at_zero():
    text = synth.TEXT
    many = [make_finding("T3-identity", f"requests.{k}.total", "x") for k in range(5)]
    c = by_id(run(findings=many))["table_consistency"]
    assert (c.verdict, c.points, c.credit) == ("not_met", 0.0, 0.0)
    assert "发现5处问题" in c.explanation and "共扣10分" in c.explanation
    assert text  # findings carry no span: explanation falls back to `where`
    assert "表三（依申请公开）" in c.explanation


def test_partial_credit_and_count_below_minimum():
    doc = synth.make_doc()
    ass = synth.assessments(doc.text)
    ev = synth.evidence(doc.text, "举办政府开放日活动2次", "overview", counts=((1, "次"),))
    ass["training"] = Assessment("training", "partial", "below_min", (ev,), 0.7, 1)
    cs = synth.criteria()
    cs = replace(cs, criteria=tuple(replace(c, partial_credit=0.4) if c.id == "training" else c
                                    for c in cs.criteria))
    c = by_id(run(doc, cs, assessments=ass))["training"]
    assert (c.verdict, c.credit, c.points) == ("partial", 0.4, 2.0)
    assert c.explanation.startswith("次数1低于要求的2")
    assert "不少于2次" in c.advice
    # a "met" verdict with a count under the minimum is never full marks
    ass["training"] = Assessment("training", "met", "matched", (ev,), 0.7, 1)
    assert by_id(run(doc, cs, assessments=ass))["training"].verdict == "partial"


def test_explanations_quote_section_line_and_reason():
    c = by_id(run())
    e = c["open_day"].explanation
    assert e.startswith("已完成")
    assert "举办政府开放日活动2次" in e and "一、总体情况" in e and "第3行" in e
    assert c["press_conference"].explanation.startswith("仅为计划")
    assert "拟于2023年召开新闻发布会" in c["press_conference"].explanation
    assert c["training"].explanation.startswith("明确未开展")
    assert "第5行" in c["training"].explanation
    assert "六、其他需要报告的事项" in c["fee_statement"].explanation
    # what to add, only where points were lost
    assert c["press_conference"].advice and "新闻发布会" in c["press_conference"].advice
    assert c["open_day"].advice is None


def test_no_evidence_lists_search_words():
    doc = synth.make_doc()
    ass = synth.assessments(doc.text)
    ass["press_conference"] = Assessment("press_conference", "not_met", "no_evidence")
    c = by_id(run(doc, assessments=ass))["press_conference"]
    # the word is in the report (a plan): the memo quotes it and says why it did not count
    assert c.explanation.startswith("报告中出现“新闻发布会”（「拟于2023年召开新闻发布会。」，一、总体情况，第4行）")
    assert "但没有句子写明本年度已开展此项工作" in c.explanation
    # 未找到 only when the words are truly absent
    ass["training"] = Assessment("training", "not_met", "no_evidence")
    cs = synth.criteria()
    cs = replace(cs, criteria=tuple(replace(x, keywords=("业务竞赛",)) if x.id == "training" else x
                                    for x in cs.criteria))
    c = by_id(run(doc, cs=cs, assessments=ass))["training"]
    assert c.explanation == "未找到相关表述（检索词：业务竞赛）。"


def test_missing_assessment_is_not_assessable():
    doc = synth.make_doc()
    ass = synth.assessments(doc.text)
    del ass["fee_statement"]
    r = run(doc, assessments=ass)
    assert by_id(r)["fee_statement"].verdict == "not_assessable"
    assert "fee_statement" in r.score["not_assessable"]
    assert r.score["assessable_weight"] == 38.0


def test_finding_notes_have_numbers_and_location():
    doc = synth.make_doc()
    r = run(doc)
    notes = [finding_note(doc, f) for f in r.findings]
    t3 = next(n for n in notes if "T3-identity" in n)
    assert "本年新收3 + 上年结转0 ≠ 办理总计2 + 结转下年0" in t3
    assert "三、收到和处理政府信息公开申请情况，第8行" in t3
    fmt = next(n for n in notes if "S-format-outdated" in n)
    assert fmt.startswith("【提醒】") and "二、主动公开政府信息情况，第7行" in fmt
    # every finding of a scored result carries its location, and the rule
    # criterion that charged it quotes the same note
    located = {f.id: f.location for f in r.findings}
    assert "三、收到和处理政府信息公开申请情况，第8行" in located["T3-identity"]
    assert t3 in by_id(r)["table_consistency"].explanation


def test_p_late_added_when_published_after_deadline():
    r = run(synth.make_doc(published_on="2023-02-20"))
    late = [f for f in r.findings if f.id == "P-late"]
    assert len(late) == 1
    assert dict(late[0].numbers) == {"published_on": "2023-02-20", "deadline": "2023-01-31", "days_late": 20}
    assert "逾期20天" in late[0].message
    c = by_id(r)["timely_publication"]
    assert (c.verdict, c.points, c.findings) == ("not_met", 0.0, ("P-late",))
    assert "2023-01-31" in c.advice
    assert r.score["total"] == 50.0  # 100 × 20.5 / 41


def test_no_publication_date_is_not_assessable():
    r = run(synth.make_doc(published_on=None))
    assert by_id(r)["timely_publication"].verdict == "not_assessable"
    assert "未找到发布日期" in by_id(r)["timely_publication"].explanation
    assert not any(f.id == "P-late" for f in r.findings)
    assert "timely_publication" in r.score["not_assessable"]


def test_deadline_precedence_document_then_criteria_set():
    cs = replace(synth.criteria(), deadline="2023-01-15")
    r = run(synth.make_doc(), cs)  # published 2023-01-20
    assert by_id(r)["timely_publication"].verdict == "not_met"
    r = run(synth.make_doc(deadline="2023-01-25"), cs)
    assert by_id(r)["timely_publication"].verdict == "met"
    assert r.document["deadline"] == "2023-01-25"


@pytest.mark.parametrize("agency,whole", [
    ("淮安市人民政府", True),
    ("淮安市洪泽区人民政府", True),
    ("平潭综合实验区管委会(全区)", True),
    ("苏州工业园区管理委员会", True),
    ("平潭综合实验区管委会办公室", False),
    ("上海市宝山区机关事务管理局", False),
    ("上海市城乡建设和管理委员会", False),
    ("某某镇人民政府", False),
    ("某某区人民政府办公室", False),
    ("平潭综合实验区", True),
    ("某某县", True),
    ("某某镇", False),
    ("某某街道办事处", False),
    (None, False),
])
def test_whole_government_rule(agency, whole):
    assert is_whole_government(agency) is whole
    deadline, basis = statutory_deadline(agency, 2022)
    assert deadline == (dt.date(2023, 3, 31) if whole else dt.date(2023, 1, 31))
    assert ("本级政府" in basis) is whole


def test_whole_government_report_in_march_is_on_time():
    r = run(synth.make_doc(agency="某某区人民政府", published_on="2023-03-20"))
    assert by_id(r)["timely_publication"].verdict == "met"
    assert "本级政府报告" in by_id(r)["timely_publication"].explanation


def test_half_up_rounding():
    assert _round(12.25, 1) == 12.3  # Python's round() would give 12.2
    assert _round(0.125, 2) == 0.13


def test_zero_assessable_weight_gives_no_total():
    cs = CriteriaSet("x", "x", (Criterion("web", "网站", 3, checkable=False),))
    r = run(cs=cs, findings=[], assessments={})
    assert r.score["total"] is None and r.score["assessable_weight"] == 0.0


def test_each_finding_is_produced_once():
    """The pipeline checks a document once: no finding comes out twice."""
    from scorer.pipeline import score_document

    root = Path(__file__).resolve().parent.parent / "corpora"
    for name in ("reports/038_pingtan_jingjifazhan_2024.txt", "reports/091_pingtan_nongyenongcun_2023.txt",
                 "seeds/003_8030f6624176119d.txt"):
        r = score_document(root / name, "core")
        keys = [(f.id, f.where, f.message, f.span) for f in r.findings]
        assert keys and len(keys) == len(set(keys)), name


def test_rules_on_an_absent_table_are_not_reported_as_passed():
    doc = synth.make_doc()
    r = score_assessed(doc, synth.criteria(), tables={"requests": {"new": {}}, "review_litigation": None},
                       format_version="2021", findings=[], assessments=synth.assessments(doc.text))
    c = by_id(r)["table_consistency"]
    # 表三 holds no row the T3 rules need and 表四 is absent: nothing was checked, so
    # nothing is earned and the criterion is out of the denominator (the missing table
    # costs points under completeness, not twice)
    assert (c.verdict, c.points, c.assessable_weight) == ("not_assessable", 0.0, 0.0)
    assert "表四结果之和与总计不符（T4-sum），表四缺失" in c.explanation
    assert "表三相关行缺失或数据待核对" in c.explanation and "核对了" not in c.explanation
    # one rule on a readable table: only its share is scored
    full = {r: {col: 0 for col in ("natural_person", "business", "research", "social_org", "legal_service",
                                   "other_org", "total")} for r in ("new", "carried_over", "granted", "total",
                                                                    "carried_forward")}
    r = score_assessed(doc, synth.criteria(), tables={"requests": full, "review_litigation": None},
                       format_version="2021", findings=[], assessments=synth.assessments(doc.text))
    c = by_id(r)["table_consistency"]
    assert (c.verdict, c.points, c.assessable_weight) == ("met", 6.67, 6.67)  # 2 of 3 rules ran
    assert "核对了：表三勾稽关系" in c.explanation and "表四缺失" in c.explanation
    # every rule on absent tables: nothing left to check
    r = score_assessed(doc, synth.criteria(), tables={"requests": None, "review_litigation": None},
                       format_version=None, findings=[], assessments=synth.assessments(doc.text))
    assert by_id(r)["table_consistency"].verdict == "not_assessable"
