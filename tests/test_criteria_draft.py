"""``draft_criteria``: real 要点 and plans become loadable sets with their numbers."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import cli
from scorer.criteria import draft_criteria, load_criteria
from scorer.criteria.draft import DraftItem, _quantities
from scorer.errors import EmptyDocument, UnsupportedFormat
from scorer.model import Document

ROOT = Path(__file__).resolve().parents[1]
SEED_004 = ROOT / "corpora" / "seeds" / "004_778e9eaa94c38b02.txt"
SEED_001 = ROOT / "corpora" / "seeds" / "001_1ca1bc342bc23096.txt"
PT_2021 = ROOT / "corpora" / "yaodian" / "041_pingtan_zwgk_renwufenjie_2021.txt"
PT_2022 = ROOT / "corpora" / "yaodian" / "040_pingtan_zwgk_renwufenjie_2022.txt"

needs = pytest.mark.skipif(
    not all(p.is_file() for p in (SEED_004, SEED_001, PT_2021, PT_2022)), reason="corpus absent"
)


def _load_draft(text: str, tmp_path: Path, name: str = "draft.yaml"):
    out = tmp_path / name
    out.write_text(text, encoding="utf-8")
    return load_criteria(str(out))


def _one(cs, fragment: str):
    found = [c for c in cs.criteria if fragment in c.clause]
    assert len(found) == 1, f"{fragment!r}: {[c.id for c in found]}"
    return found[0]


@pytest.fixture(scope="module")
def draft_004() -> str:
    return draft_criteria(SEED_004)


@pytest.fixture(scope="module")
def draft_001() -> str:
    return draft_criteria(SEED_001)


@needs
def test_seed_004_draft_captures_every_quantified_requirement(draft_004, tmp_path):
    cs = _load_draft(draft_004, tmp_path)
    assert cs.extends == "core" and cs.report_year == 2022
    assert cs.title == "2022年青浦区绿化和市容管理局政务公开工作要点"
    assert cs.total_weight == pytest.approx(100, abs=0.01)

    attendance = _one(cs, "列席本单位决策会议不少于")  # 列席不少于1次
    assert attendance.id == "public_attendance" and attendance.min_count == 1
    assert attendance.scoring == "count"
    training = _one(cs, "通识培训不少于")  # 培训不少于1次
    assert training.id == "training" and training.min_count == 1
    review = _one(cs, "至少专门听取")  # 听取汇报至少1次
    assert review.id == "leadership_review" and review.min_count == 1
    feedback = _one(cs, "10 个工作日内")  # 10个工作日内
    assert feedback.within_days == 10
    open_month = _one(cs, "8月政府开放月")  # 8月政府开放月
    assert open_month.id == "open_day" and open_month.months == (8,)
    point = _one(cs, "受理点")  # 受理点1个
    assert point.min_count == 1
    push = _one(cs, "手动推送")  # 手动推送每月不少于一次
    assert push.min_count == 12
    block = draft_004.split("手动推送", 1)[1].split("\n  - id:", 1)[0]
    assert "frequency: monthly" in block and "不低于每月一次" in block

    # Website features cannot be judged from a report.
    assert not _one(cs, "搜索功能").checkable
    # Core overrides keep the core keywords; new items get jieba keywords.
    assert attendance.keywords == load_criteria("core").get("public_attendance").keywords
    assert "受理点" in point.keywords
    # The preamble (总体要求) is not a clause.
    assert not any("总体要求" in c.clause for c in cs.criteria)


@needs
def test_draft_is_byte_identical_on_reruns(draft_004):
    assert draft_criteria(SEED_004) == draft_004
    assert draft_criteria(str(SEED_004)) == draft_004


@needs
def test_seed_001_draft_captures_the_plan_commitments_with_dates(draft_001, tmp_path):
    cs = _load_draft(draft_001, tmp_path)
    assert cs.report_year == 2022 and cs.title == "区机管局2022年政务公开工作计划"
    open_body = _one(cs, "6-7 月公共机构节能周期间，举办开放日活动")
    assert open_body.months == (6, 7) and open_body.classifier_label == "open_day"
    open_row = _one(cs, "后勤管家开放日")  # the schedule table says 8月份
    assert open_row.months == (8,) and open_row.classifier_label == "open_day"
    # One of them overrides the core open_day, the other is a new item.
    assert sorted([open_body.id, open_row.id])[0] == "open_day"
    attendance = _one(cs, "列席有关会议，年内不少于 1 次")
    assert attendance.id == "public_attendance" and attendance.min_count == 1
    quarterly = _one(cs, "每季度至少听取一次汇报")
    assert quarterly.min_count == 4 and quarterly.classifier_label == "leadership_review"
    monthly = _one(cs, "每月一次的局务会")
    assert monthly.min_count == 12
    assert _one(cs, "每半年做好自查自纠").min_count == 2
    assert _one(cs, "每季度统计").min_count == 4
    assert _one(cs, "发布重大行政决策目录清单").months == (4, 5, 6)  # 第二季度
    assert _one(cs, "标准目录的动态更新").months == (7, 8, 9)  # 三季度
    assert _one(cs, "补齐政务公开工作短板，完善工作机制").months == (1, 2, 3)  # 第一季度
    assert _one(cs, "严格抓好整改落实").id == "prior_rectification"
    # The signature and the form fields under the plan are not clauses.
    assert "李婧超" not in draft_001 and "联系电话" not in draft_001


@needs
def test_pingtan_task_tables_give_one_item_per_task(tmp_path):
    text = draft_criteria(PT_2022)
    cs = _load_draft(text, tmp_path)
    assert cs.report_year == 2022
    assert text.count("    clause: ") == 18  # tasks 1–18 of the table
    # The responsible units appended to each task are not part of the clause.
    assert not any(c.clause.endswith("（街道办事处）") for c in cs.criteria)

    text = draft_criteria(PT_2021)
    cs = _load_draft(text, tmp_path, "d2021.yaml")
    assert cs.report_year == 2021
    assert text.count("    clause: ") == 36  # tasks 1–37; the dump lacks task 28
    assert "期限：2021年底前" in text.split("推进地方政府规章集中统一公开", 1)[1].split("- id:")[0]
    assert _one(cs, "同步组织、同步审签、同步部署").id == "interpretation_sync"
    assert _one(cs, "计收信息处理费").id == "fee_statement"


@needs
def test_standalone_draft_and_document_input(tmp_path):
    cs = _load_draft(draft_criteria(SEED_004, extends=None), tmp_path)
    assert cs.extends is None and cs.total_weight == pytest.approx(100, abs=0.01)
    assert _one(cs, "列席本单位决策会议不少于").classifier_label == "public_attendance"

    doc = Document(path=str(SEED_004), format="txt", text=SEED_004.read_text(encoding="utf-8"),
                   kind="yaodian", title="2022年青浦区绿化和市容管理局政务公开工作要点",
                   agency=None, report_year=2022, published_on=None, metadata_source={})
    assert draft_criteria(doc).split("\n", 1)[1] == draft_criteria(SEED_004).split("\n", 1)[1]


def test_draft_errors(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(EmptyDocument):
        draft_criteria(empty)
    prose = tmp_path / "prose.txt"
    prose.write_text("今天天气很好，我们去公园散步，看见湖边开满了花。\n", encoding="utf-8")
    with pytest.raises(EmptyDocument, match="no checkable clause"):
        draft_criteria(prose)
    if importlib.util.find_spec("scorer.load") is None:
        docx = tmp_path / "x.docx"
        docx.write_bytes(b"PK\x03\x04")
        with pytest.raises(UnsupportedFormat):
            draft_criteria(docx)


@pytest.mark.parametrize(
    "text,min_count,frequency,months,within_days",
    [
        ("年内邀请公众代表列席本单位决策会议不少于 1 次", 1, None, (), None),
        ("年内至少专门听取 1 次工作汇报", 1, None, (), None),
        ("做好手动推送工作,频次不低于每月一次", 12, "monthly", (), None),
        ("每月不少于2次", 24, "monthly", (), None),
        ("分管领导每季度至少听取一次汇报", 4, "quarterly", (), None),
        ("每半年做好自查自纠", 2, "half_yearly", (), None),
        ("决策文件出台后的 10 个工作日内", None, None, (), 10),
        ("积极配合区政府 8月政府开放月活动", None, None, (8,), None),
        ("拟于 2022 年 6-7 月举办开放日活动", None, None, (6, 7), None),
        ("8月份", None, None, (8,), None),
        ("第二季度", None, None, (4, 5, 6), None),
        ("三季度", None, None, (7, 8, 9), None),
        ("设立1个专门的信息公开受理点", 1, None, (), None),
        ("上海市松江区机关事务管理局 2022年3月4日", None, None, (), None),
        ("7月底前提出方案，10月底前完成", None, None, (), None),
        ("3个月内完成", None, None, (), None),
    ],
)
def test_quantities(text, min_count, frequency, months, within_days):
    item = DraftItem(text, "", "", (), "sentence")
    _quantities(item, text)
    assert (item.min_count, item.frequency, item.months, item.within_days) == (
        min_count, frequency, months, within_days)


@needs
def test_cli_draft_writes_a_loadable_file_and_refuses_to_overwrite(tmp_path, draft_004):
    out = tmp_path / "qingpu.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["criteria", "draft", str(SEED_004), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == draft_criteria(str(SEED_004))
    assert "Wrote a draft with" in result.stderr
    assert runner.invoke(cli, ["criteria", "check", str(out)]).exit_code == 0

    again = runner.invoke(cli, ["criteria", "draft", str(SEED_004), "-o", str(out)])
    assert again.exit_code == 2 and "exists; pass --force" in again.stderr
    assert runner.invoke(cli, ["criteria", "draft", str(SEED_004), "-o", str(out),
                               "--force"]).exit_code == 0

    stdout = runner.invoke(cli, ["criteria", "draft", str(SEED_004)])
    assert stdout.exit_code == 0 and stdout.stdout == draft_criteria(str(SEED_004))
