"""Evaluators' overrides: the verdict changes with the score, the memo shows it beside
the engine's, a rerun keeps it, changed evidence flags it, the audit trail lists it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.batch import run_batch
from scorer.cli import cli
from scorer.overrides import from_mapping, read_overrides
from scorer.pipeline import ScoreOptions, run
from scorer.render import render
from scorer.store import STORE_NAME, Store
from tests.conftest import CORPORA

DOC = CORPORA / "reports" / "020_pingtan_gongan_2024.txt"
AGENCY = "平潭综合实验区公安局"


@pytest.fixture(scope="module")
def engine(core):
    return run(str(DOC), core).result.to_dict()


def _not_met(d):
    return next(c for c in d["criteria"] if c["verdict"] == "not_met" and c["evidence"] == [])


def test_a_verdict_override_rescores_and_shows_in_every_memo(core, engine):
    c = _not_met(engine)
    o = from_mapping({"agency": AGENCY, "year": 2024, "criterion": c["id"], "verdict": "met",
                      "reason": "见报告附件", "by": "张三", "at": "2026-12-01T09:00:00Z"})
    d = run(str(DOC), core, ScoreOptions(overrides=(o,))).result.to_dict()
    new = next(x for x in d["criteria"] if x["id"] == c["id"])
    assert new["verdict"] == "met" and new["points"] == c["weight"]
    assert new["override"] == {"verdict": "met", "reason": "见报告附件", "by": "张三", "at": "2026-12-01T09:00:00Z",
                               "engine_verdict": "not_met", "engine_points": 0.0, "needs_review": False}
    assert d["score"]["earned"] == pytest.approx(engine["score"]["earned"] + c["weight"])
    assert d["score"]["total"] > engine["score"]["total"]
    md = render(d, "md").decode("utf-8")
    assert "人工调整：达标（理由：见报告附件（张三，2026-12-01T09:00:00Z）；引擎原结论：未达标，0分）" in md
    assert "人工调整" in render(d, "html").decode("utf-8")
    from docx import Document as Docx
    import io

    text = "\n".join(p.text for p in Docx(io.BytesIO(render(d, "docx"))).paragraphs)
    assert "人工调整：达标" in text


def test_another_agency_or_year_is_untouched(core, engine):
    c = _not_met(engine)
    o = from_mapping({"agency": AGENCY, "year": 2023, "criterion": c["id"], "verdict": "met", "reason": "x", "by": "y"})
    assert run(str(DOC), core, ScoreOptions(overrides=(o,))).result.to_dict() == engine


def test_changed_evidence_flags_the_override_and_keeps_the_engine_verdict(core, engine):
    c = _not_met(engine)
    o = from_mapping({"agency": AGENCY, "year": 2024, "criterion": c["id"], "verdict": "met", "reason": "见附件",
                      "by": "张三", "evidence_hash": "0000000000000000"})
    d = run(str(DOC), core, ScoreOptions(overrides=(o,))).result.to_dict()
    new = next(x for x in d["criteria"] if x["id"] == c["id"])
    assert new["verdict"] == "not_met" and new["override"]["needs_review"] is True
    assert d["score"] == engine["score"]
    assert "证据已变化，需复核" in render(d, "md").decode("utf-8")


def test_dismissing_a_finding_costs_nothing(core):
    doc = CORPORA / "reports" / "077_pingtan_shichangjianguan_2024.txt"
    engine = run(str(doc), core).result.to_dict()
    charged = next(c for c in engine["criteria"] if c["findings"])
    fid = charged["findings"][0]
    o = from_mapping({"agency": "平潭综合实验区市场监督管理局", "year": 2024, "finding": fid, "reason": "读取错误",
                      "by": "李四"})
    d = run(str(doc), core, ScoreOptions(overrides=(o,))).result.to_dict()
    assert fid not in [f["id"] for f in d["findings"]]
    assert d["dismissed_findings"][0]["finding"] == fid and d["dismissed_findings"][0]["needs_review"] is False
    assert d["score"]["earned"] > engine["score"]["earned"]
    assert "人工调整：撤销问题" in render(d, "md").decode("utf-8")


def _batch(tmp_path, core, src, **kw):
    return run_batch(src, core, tmp_path / "out", jobs=1, formats=("json", "md"), **kw)


def test_cli_override_survives_a_rerun_is_flagged_when_evidence_changes_and_is_audited(tmp_path, core, engine):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / DOC.name)
    _batch(tmp_path, core, src)
    store = tmp_path / "out" / STORE_NAME
    c = _not_met(engine)
    yaml_file = tmp_path / "overrides.yaml"
    r = CliRunner().invoke(cli, ["override", "add", "--store", str(store), "--agency", AGENCY, "--year", "2024",
                                 "--criterion", c["id"], "--verdict", "partial", "--reason", "部分开展，见网站",
                                 "--by", "张三", "--file", str(yaml_file)])
    assert r.exit_code == 0, r.output
    assert "已记录" in r.output
    [o] = read_overrides(yaml_file)
    assert o.verdict == "partial" and o.evidence_hash and o.by == "张三"

    _batch(tmp_path, core, src)  # the override changed: the document is redone with it
    memo = json.loads((tmp_path / "out" / f"{DOC.stem}.json").read_text(encoding="utf-8"))
    crit = next(x for x in memo["criteria"] if x["id"] == c["id"])
    assert crit["verdict"] == "partial" and crit["override"]["needs_review"] is False
    assert "人工调整：部分达标" in (tmp_path / "out" / f"{DOC.stem}.md").read_text(encoding="utf-8")

    again = _batch(tmp_path, core, src, force=True)  # a rerun keeps it
    assert again.ok
    memo = json.loads((tmp_path / "out" / f"{DOC.stem}.json").read_text(encoding="utf-8"))
    assert next(x for x in memo["criteria"] if x["id"] == c["id"])["verdict"] == "partial"

    # the report changes: a new sentence becomes evidence for the criterion → flagged
    text = DOC.read_text(encoding="utf-8")
    kw = next(k for k in core.get(c["id"]).keywords)
    (src / DOC.name).write_text(text.replace("二、", f"本年度已开展{kw}工作。\n二、", 1), encoding="utf-8")
    _batch(tmp_path, core, src)
    memo = json.loads((tmp_path / "out" / f"{DOC.stem}.json").read_text(encoding="utf-8"))
    crit = next(x for x in memo["criteria"] if x["id"] == c["id"])
    assert crit["evidence"], "the edit should have given the criterion evidence"
    assert crit["override"]["needs_review"] is True
    assert "证据已变化，需复核" in (tmp_path / "out" / f"{DOC.stem}.md").read_text(encoding="utf-8")

    listed = CliRunner().invoke(cli, ["override", "list", "--store", str(store), "--audit"])
    assert listed.exit_code == 0
    [line] = listed.output.strip().splitlines()
    assert f"\t张三\tadd\t{AGENCY}\t2024\tcriterion:{c['id']}\tpartial\t部分开展，见网站" in line
    with Store(store, readonly=True) as db:
        assert [x["target"] for x in db.overrides()] == [f"criterion:{c['id']}"]


def test_the_yaml_file_applies_in_batch(tmp_path, core, engine):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / DOC.name)
    c = _not_met(engine)
    f = tmp_path / "mine.yaml"
    f.write_text(f"overrides:\n  - agency: {AGENCY}\n    year: 2024\n    criterion: {c['id']}\n"
                 f"    verdict: met\n    reason: 现场核实\n    by: 王五\n", encoding="utf-8")
    _batch(tmp_path, core, src, overrides=f)
    memo = json.loads((tmp_path / "out" / f"{DOC.stem}.json").read_text(encoding="utf-8"))
    assert next(x for x in memo["criteria"] if x["id"] == c["id"])["override"]["by"] == "王五"


def test_bad_override_input_is_one_clear_line(tmp_path):
    from scorer.errors import ScorerError

    f = tmp_path / "bad.yaml"
    f.write_text("overrides:\n  - agency: 某局\n    year: 2024\n    criterion: open_day\n    verdict: great\n"
                 "    reason: x\n    by: y\n", encoding="utf-8")
    with pytest.raises(ScorerError, match="verdict 应为 met、partial 或 not_met"):
        read_overrides(f)
    r = CliRunner().invoke(cli, ["override", "add", "--store", str(tmp_path / "none.sqlite"), "--agency", "某局",
                                 "--year", "2024", "--criterion", "open_day", "--verdict", "met", "--reason", "x",
                                 "--by", "y"])
    assert r.exit_code == 2 and "结果库中没有" in r.output
