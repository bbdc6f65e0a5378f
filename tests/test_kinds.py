"""Only annual reports are scored: every other kind of document is recognised and
refused with a one-line Chinese reason naming the file (scorer.metadata decides the
kind, scorer.pipeline.prepare_document refuses it)."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from scorer import load
from scorer.cli import cli
from scorer.errors import LoadError, NotAReport
from scorer.pipeline import NOT_A_REPORT_WORDS, ScoreOptions, prepare_document, run

from .conftest import CORPORA, seed

REFUSAL = "不予评分；如确为年度报告，请加 --kind report"

#: corpora/negatives/index.csv doc_kind -> the kind the engine must give it.
NEGATIVE_KINDS = {
    "negative_budget_final_accounts": "budget",
    "negative_budget": "budget",
    "negative_synthetic_report": "skeleton",
    "negative_template_placeholder": "skeleton",
    "negative_fragment": "fragment",
    "negative_zichabaogao": "self_check",
    "negative_gongzuozongjie": "work_summary",
    "negative_old_format_report": "old_format",
    "negative_zhidu": "rules",
    "negative_zhengfugongzuobaogao": "gov_work_report",
}


def _rows(index: Path) -> list[dict[str, str]]:
    with open(index, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


NEGATIVES = _rows(CORPORA / "negatives" / "index.csv")
REPORTS2 = [r for r in _rows(CORPORA / "reports2" / "index.csv") if r["doc_kind"] == "report"]
POSITIVES = (
    sorted((CORPORA / "reports").iterdir())
    + [CORPORA / r["file"] for r in REPORTS2]
    + [seed(s) for s in ("000", "002", "003")]
)


def load_text(text: str, name: str):
    """A document made from text in memory (variants of corpus files)."""
    from scorer.load import load_bytes

    return load_bytes(text.encode("utf-8"), name)


def _refusal(source, kind: str) -> str:
    """The NotAReport message for ``source``, checked to be one Chinese line."""
    with pytest.raises(NotAReport) as exc:
        prepare_document(source)
    msg = str(exc.value)
    assert "\n" not in msg
    assert f"（看起来是{NOT_A_REPORT_WORDS[kind]}）" in msg and REFUSAL in msg, msg
    return msg


# ---------------------------------------------------------------- negatives


def test_negatives_index_covers_the_folder():
    listed = {Path(r["file"]).name for r in NEGATIVES}
    present = {p.name for p in (CORPORA / "negatives").iterdir() if p.name != "index.csv"}
    assert listed == present and len(listed) == 10


@pytest.mark.parametrize("row", NEGATIVES, ids=lambda r: Path(r["file"]).stem[:16])
def test_each_negative_refused_with_its_own_reason(row):
    path = CORPORA / row["file"]
    kind = NEGATIVE_KINDS[row["doc_kind"]]
    doc = load(path)
    assert doc.kind == kind, (doc.kind, doc.notes)
    assert doc.kind != "report" and doc.notes  # the note says why, for `xxgk inspect`
    msg = _refusal(doc, kind)  # the loaded document: the PDFs take seconds to read
    assert msg.startswith(f"{path}：")


def test_batch_lists_every_negative_with_its_reason(tmp_path):
    """A batch over the negatives scores none of them and lists each with its reason;
    a report beside them is scored. (The two budget PDFs, slow to read, are left to
    the test above.)"""
    from scorer.batch import run_batch

    rows = [r for r in NEGATIVES if not r["file"].endswith(".pdf")]
    src = tmp_path / "in"
    src.mkdir()
    for row in rows:
        shutil.copy(CORPORA / row["file"], src)
    shutil.copy(CORPORA / "reports/020_pingtan_gongan_2024.txt", src)
    report = run_batch(src, "core", tmp_path / "out", jobs=1, timeout=60, formats=("json",))
    assert [Path(o.path).name for o in report.scored] == ["020_pingtan_gongan_2024.txt"]
    failed = {Path(o.path).name: o.error for o in report.failures}
    assert set(failed) == {Path(r["file"]).name for r in rows} and len(rows) == 8
    for row in rows:
        error = failed[Path(row["file"]).name]
        assert f"（看起来是{NOT_A_REPORT_WORDS[NEGATIVE_KINDS[row['doc_kind']]]}）" in error and REFUSAL in error


def test_the_reasons_differ_by_kind():
    """Each negative kind has its own wording; no two kinds share one."""
    words = list(NOT_A_REPORT_WORDS.values())
    assert len(set(words)) == len(words)
    assert set(NEGATIVE_KINDS.values()) <= set(NOT_A_REPORT_WORDS)


def test_old_format_report_is_out_of_scope():
    """The 2008 report (seven parts, 附表) is an annual report, but not one under the
    2019 条例: the message says so rather than "not a report"."""
    path = CORPORA / "negatives/397_putian_shizhengfu_nianbao_2008_oldformat.txt"
    msg = _refusal(path, "old_format")
    assert "这不是现行格式的政府信息公开工作年度报告" in msg and "不在评分范围内" in msg
    assert load(path).report_year == 2008


def test_the_year_decides_old_format():
    """A real 2019-format report relabelled as a 2018 report is out of scope: the
    year (< 2019) decides, not the file name."""
    text = (CORPORA / "reports/009_pingtan_syq_2019.txt").read_text(encoding="utf-8")
    doc = load(CORPORA / "reports/009_pingtan_syq_2019.txt")
    assert doc.kind == "report" and doc.report_year == 2019
    old = load_text(text.replace("2019", "2018"), "009_pingtan_syq_2019.txt")
    assert old.kind == "old_format" and old.report_year == 2018


def test_decision_does_not_depend_on_the_file_name(tmp_path):
    """Names that say the opposite change nothing."""
    neg = tmp_path / "平潭综合实验区2024年度政府信息公开工作年度报告.txt"
    shutil.copy(CORPORA / "negatives/393_synthetic_placeholder_report_section3.txt", neg)
    assert load(neg).kind == "skeleton"
    pos = tmp_path / "2026_yusuan_budget_juesuan.txt"
    shutil.copy(CORPORA / "reports/020_pingtan_gongan_2024.txt", pos)
    assert load(pos).kind == "report"


def test_report_signals_outweigh_a_stray_title_word():
    """A report title over the statutory tables stays a report even when the title
    also mentions a plan; without a title, the tables and the sections decide."""
    text = (CORPORA / "reports/020_pingtan_gongan_2024.txt").read_text(encoding="utf-8")
    title = "平潭综合实验区公安局2024年政府信息公开工作年度报告"
    assert title in text
    doc = load_text(text.replace(title, title + "及2025年工作计划"), "020.txt")
    assert doc.kind == "report" and doc.title.endswith("工作计划")
    body = text.split("==================== 正文 ====================", 1)[1].replace(title, "")
    doc = load_text(body, "020_untitled.txt")
    assert doc.title is None and doc.kind == "report"


def test_report_with_tables_as_images_is_still_a_report():
    """Headings and prose but no table text (tables published as images): scored, and
    the missing tables become findings, not a refusal."""
    lines = seed("003").read_text(encoding="utf-8").split("\n")
    kept = [ln for ln in lines if "\t" not in ln and not ln.strip().endswith("年度报告")]
    doc = load_text("\n".join(kept), "no_title.txt")
    assert doc.title is None and len(doc.section_keys) >= 4
    assert "本年新收" not in doc.text
    assert doc.kind == "report", doc.notes


def test_fragment_and_skeleton_cut_from_a_real_report():
    """Only the table rows of a real report: a fragment. Only its headings: a skeleton."""
    text = seed("003").read_text(encoding="utf-8")
    rows = "\n".join(ln for ln in text.split("\n") if "\t" in ln)
    assert "本年新收政府信息公开申请数量" in rows.replace(" ", "")
    assert load_text(rows, "rows.txt").kind == "fragment"
    heads = "\n".join(ln for ln in seed("002").read_text(encoding="utf-8").split("\n")
                      if ln.strip()[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"})
    doc = load_text(heads, "heads.txt")
    assert len(doc.section_keys) >= 4 and doc.kind == "skeleton"


# ---------------------------------------------------------------- 要点, plans, formats


@pytest.mark.parametrize(
    "path,kind",
    [
        (seed("004"), "yaodian"),
        (seed("001"), "plan"),
        (CORPORA / "yaodian/040_pingtan_zwgk_renwufenjie_2022.txt", "yaodian"),
        (CORPORA / "yaodian/043_pingtan_caijin_zwgk_shishifangan_2018.txt", "plan"),
        (CORPORA / "yaodian/048_pingtan_zxgk_zhongdiangongzuo_2012.txt", "yaodian"),
        (CORPORA / "yaodian/050_pingtan_gongan_yaodian_luoshi_2018.txt", "self_check"),
        (CORPORA / "yaodian/051_pingtan_jingfa_yaodian_luoshi_2015.txt", "self_check"),
    ],
    ids=lambda v: v if isinstance(v, str) else v.stem[:12],
)
def test_yaodian_and_plans_refused(path, kind):
    assert load(path).kind == kind
    _refusal(path, kind)


def test_every_yaodian_file_refused():
    for path in sorted((CORPORA / "yaodian").iterdir()):
        with pytest.raises(NotAReport):
            prepare_document(path)


@pytest.mark.parametrize("path", sorted((CORPORA / "format").iterdir()), ids=lambda p: p.stem[:12])
def test_national_format_texts_refused(path):
    """The 国办 format notices and the blank template carry the six headings and the
    tables themselves, but they are the format, not an agency's report."""
    doc = load(path)
    assert doc.kind == "other" and any("格式" in n or "通知" in n for n in doc.notes)
    _refusal(path, "other")


def test_stub_page_cannot_be_scored():
    """reports2/349 is a report's page with its title and no body: nothing to score."""
    path = CORPORA / "reports2/349_pingtan_gongan_2020_stub.txt"
    doc = load(path)
    assert doc.kind == "stub" and doc.title.endswith("年度报告")
    assert "附件" in _refusal(path, "stub")


# ---------------------------------------------------------------- the engine's own outputs


@pytest.fixture(scope="module")
def engine_outputs(tmp_path_factory) -> dict[str, Path]:
    """A corpus report scored and rendered as md/html/docx/json, and a tiny batch
    (its summary.html and score sheets)."""
    from scorer.batch import run_batch
    from scorer.render import render

    out = tmp_path_factory.mktemp("engine")
    scored = run(CORPORA / "reports/020_pingtan_gongan_2024.txt")
    files = {}
    for fmt in ("md", "html", "docx", "json"):
        files[f"memo.{fmt}"] = out / f"memo.{fmt}"
        files[f"memo.{fmt}"].write_bytes(render(scored.result, fmt))
    src = out / "in"
    src.mkdir()
    for name in ("020_pingtan_gongan_2024.txt", "014_pingtan_syq_2024.txt"):
        shutil.copy(CORPORA / "reports" / name, src / name)
    report = run_batch(src, "core", out / "batch", jobs=1, formats=("json",))
    assert report.ok
    for name in ("summary.html", "scores.csv", "scores.xlsx"):
        files[name] = out / "batch" / name
        assert files[name].exists()
    return files


@pytest.mark.parametrize("name", ["memo.md", "memo.html", "memo.docx", "memo.json", "summary.html", "scores.csv"])
def test_engine_outputs_refused(engine_outputs, name):
    path = engine_outputs[name]
    assert load(path).kind == "memo"
    _refusal(path, "memo")


def test_score_sheet_workbook_refused(engine_outputs, runner):
    path = engine_outputs["scores.xlsx"]
    with pytest.raises(LoadError, match="这是Excel工作簿（如本工具输出的评分表），不是政府信息公开工作年度报告"):
        prepare_document(path)
    line = _one_error_line(runner.invoke(cli, ["score", str(path)]))
    assert line.startswith(f"Error: {path}：这是Excel工作簿")


def test_memo_text_checked_before_its_title(engine_outputs):
    """The memo repeats the report's title (…年度报告评估意见) and quotes the report;
    the engine's own words decide first."""
    doc = load(engine_outputs["memo.md"])
    assert "年度报告" in doc.title and doc.metadata_source["kind"] == "text"


# ---------------------------------------------------------------- positives


@pytest.mark.parametrize("path", POSITIVES, ids=lambda p: p.stem[:14])
def test_every_report_accepted(path):
    doc = prepare_document(path)
    assert doc.kind == "report" and doc.report_year >= 2019


def test_reports_score_end_to_end():
    """A report of each source and layout goes through the whole pipeline."""
    for path in (CORPORA / "reports/003_huaian_shizhengfu_2024.pdf", CORPORA / "reports2/359_pingtan_syq_2025.html",
                 CORPORA / "reports2/300_putian_shizhengfu_2019.txt", seed("000")):
        assert run(path).result.score["total"] > 0


def test_kind_report_forces_scoring():
    path = CORPORA / "negatives/393_synthetic_placeholder_report_section3.txt"
    scored = run(path, options=ScoreOptions(kind="report"))
    assert scored.document.kind == "report" and scored.document.metadata_source["kind"] == "flag"
    assert scored.result.to_dict()["score"]["max"] == 100


# ---------------------------------------------------------------- CLI


def _one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, result.output
    return lines[0]


def test_cli_score_refuses_a_negative(runner):
    path = CORPORA / "negatives/399_putian_zhengfugongzuobaogao_2025.txt"
    line = _one_error_line(runner.invoke(cli, ["score", str(path), "--format", "json"]))
    assert line == f"Error: {path}：这不是政府信息公开工作年度报告（看起来是政府工作报告），{REFUSAL}"
    old = CORPORA / "negatives/397_putian_shizhengfu_nianbao_2008_oldformat.txt"
    line = _one_error_line(runner.invoke(cli, ["check", str(old)]))
    assert line == (f"Error: {old}：这不是现行格式的政府信息公开工作年度报告（看起来是2019年条例修订前的"
                    f"旧格式年度报告，不在评分范围内），{REFUSAL}")


def test_cli_score_kind_report_overrides(runner):
    path = CORPORA / "negatives/398_putian_zhudonggongkai_zhidu_2020.txt"
    _one_error_line(runner.invoke(cli, ["score", str(path)]))
    assert runner.invoke(cli, ["score", str(path), "--kind", "report", "--format", "json"]).exit_code == 0


def test_cli_criteria_draft_refuses_a_report(runner, tmp_path):
    path = CORPORA / "reports/020_pingtan_gongan_2024.txt"
    out = tmp_path / "draft.yaml"
    line = _one_error_line(runner.invoke(cli, ["criteria", "draft", str(path), "-o", str(out)]))
    assert line == (f"Error: {path}：这是政府信息公开工作年度报告，不是政务公开工作要点或工作计划，"
                    "不能据此起草评估指标；请用 xxgk score 给它评分")
    assert not out.exists()


def test_cli_inspect_shows_the_kind(runner):
    result = runner.invoke(cli, ["inspect", str(CORPORA / "negatives/399_putian_zhengfugongzuobaogao_2025.txt")])
    assert result.exit_code == 0, result.output
    assert "类型　　　　政府工作报告（gov_work_report）" in result.output
