"""``xxgk score``, ``xxgk check`` and ``xxgk batch`` through click's CliRunner on real files."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from scorer.cli import cli
from scorer.render import render_json
from scorer.pipeline import score_document
from tests.conftest import CORPORA, seed

S003 = str(seed("003"))
S000 = str(seed("000"))
CLEAN = str(CORPORA / "reports" / "020_pingtan_gongan_2024.txt")  # no error findings, on time


def test_score_one_file_prints_json_contract(runner):
    res = runner.invoke(cli, ["score", S003], catch_exceptions=False)
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    assert {"document", "tables", "findings", "criteria", "score"} <= set(d)
    assert res.stdout == render_json(score_document(S003))  # same bytes as the library


def test_score_markdown_memo(runner):
    res = runner.invoke(cli, ["score", S000, "--format", "md"], catch_exceptions=False)
    assert res.exit_code == 0
    assert res.stdout.startswith("# 松江区机关事务管理局2021年度政府信息公开工作年度报告评估意见")
    assert re.search(r"【提醒】使用了过时的年报格式（S-format-outdated）.*第\d+行", res.stdout)


def test_score_html_to_stdout_and_metadata_flags(runner):
    res = runner.invoke(cli, ["score", S003, "--format", "html", "--published-on", "2022-02-15"],
                        catch_exceptions=False)
    assert res.exit_code == 0 and res.stdout.startswith("<!DOCTYPE html>")
    assert "逾期发布（P-late）" in res.stdout and "逾期8天" in res.stdout  # 2022-01-31 was 除夕: due 02-07


def test_score_several_files_writes_docx(runner, tmp_path):
    res = runner.invoke(cli, ["score", S003, S000, "--format", "docx", "--out", str(tmp_path)],
                        catch_exceptions=False)
    assert res.exit_code == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([seed("003").stem + ".docx", seed("000").stem + ".docx"])
    assert res.stdout.count(".docx") == 2
    doc = open_docx(tmp_path / (seed("003").stem + ".docx"))
    assert "缺少法定章节" in "\n".join(p.text for p in doc.paragraphs)


def test_score_xlsx(runner, tmp_path):
    res = runner.invoke(cli, ["score", S003, "--format", "xlsx", "--out", str(tmp_path)], catch_exceptions=False)
    assert res.exit_code == 0
    wb = load_workbook(tmp_path / "scores.xlsx")
    rows = list(wb["指标与分值"].iter_rows(min_row=2, values_only=True))
    assert any(r[0] == "年报六个法定部分齐全" and r[4] == 6.0 for r in rows)


def test_score_unreadable_input_exits_2(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = runner.invoke(cli, ["score", str(empty)])
    assert res.exit_code == 2
    assert res.stderr.startswith("Error: ") and "empty.txt" in res.stderr and res.stdout == ""
    res = runner.invoke(cli, ["score", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2


def test_check_lists_defects_by_points_lost_and_exits_1(runner):
    res = runner.invoke(cli, ["check", S003], catch_exceptions=False)
    assert res.exit_code == 1
    lost = [float(x) for x in re.findall(r"^\d+\. .+：失([\d.]+)分$", res.stdout, re.M)]
    assert lost and lost == sorted(lost, reverse=True)
    assert "缺少法定章节" in res.stdout and "修改：" in res.stdout


def test_check_clean_report_exits_0(runner):
    res = runner.invoke(cli, ["check", CLEAN], catch_exceptions=False)
    assert res.exit_code == 0, res.stdout
    assert "自查结果" in res.stdout and "错误0处" in res.stdout


def test_batch_lists_every_failure_and_exits_1(runner, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(S003, src / "003.txt")
    (src / "empty.txt").write_bytes(b"")
    (src / "fake.docx").write_bytes(b"not a zip")
    out = tmp_path / "out"
    args = ["batch", str(src), "--criteria", "core", "--out", str(out), "--jobs", "1", "--format", "json"]
    res = runner.invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 1
    fails = [line for line in res.stdout.splitlines() if line.startswith("失败：")]
    assert sorted(f.split("：")[1].rsplit("/", 1)[-1] for f in fails) == ["empty.txt", "fake.docx"]
    assert res.stdout.startswith("共3份：评分1份，失败2份")
    assert res.stderr == ""  # not a TTY: no progress bar
    assert (out / "scores.xlsx").is_file() and (out / "003.json").is_file()
    again = runner.invoke(cli, args, catch_exceptions=False)
    assert again.exit_code == 1 and "其中3份未变化" in again.stdout


def test_batch_bad_manifest_exits_2_naming_the_row(runner, tmp_path):
    m = tmp_path / "manifest.csv"
    m.write_text("file,agency,report_year,published_on\na.txt,甲局,2022,2023-02-30\n", encoding="utf-8")
    res = runner.invoke(cli, ["batch", str(m), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "第2行 published_on“2023-02-30”不是有效日期" in res.stderr


@pytest.mark.parametrize("command", ["score", "batch", "check"])
def test_help(runner, command):
    res = runner.invoke(cli, [command, "--help"])
    assert res.exit_code == 0 and "Example:" in res.stdout
