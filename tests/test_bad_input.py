"""What agency websites actually serve: every kind of bad input gets a clear one-line
message, is recorded as a failure in a batch, and never costs the other documents."""
from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path

import pytest

from scorer.batch import run_batch
from scorer.cli import cli

from .conftest import CORPORA, FIXTURES, seed

GOOD = [CORPORA / "reports/091_pingtan_nongyenongcun_2023.txt", seed("003")]


def _slow_pdf(path: Path, n_ops: int = 30000, pages: int = 2) -> None:
    """A valid PDF of tens of thousands of tiny text objects: pdfplumber needs ~20 s
    for it (written by hand so that making it takes a fraction of a second)."""
    import random

    rnd = random.Random(0)
    font = 3 + 2 * pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    for i in range(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font} 0 R >> >> "
                    f"/Contents {4 + 2 * i} 0 R >>".encode())
        ops = "".join(f"BT /F1 3 Tf {rnd.uniform(0, 590):.1f} {rnd.uniform(0, 840):.1f} Td ({k % 997}) Tj ET\n"
                      for k in range(n_ops)).encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def make_bad_inputs(d: Path) -> dict[str, str]:
    """Write one file per kind of bad input; returns file name -> expected message part."""
    report = seed("003").read_text(encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "whitespace.txt").write_bytes(b"  \n\t \r\n")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "notzip.docx").write_text("这不是Word文件", encoding="utf-8")
    (d / "scanned.pdf").write_bytes((FIXTURES / "load/scanned.pdf").read_bytes())
    (d / "yaodian.txt").write_bytes(seed("004").read_bytes())
    (d / "no_report.html").write_text(
        "<html><head><meta charset='utf-8'><title>首页</title></head><body>"
        "<div>返回上一级</div><p>欢迎访问本站。</p><p>Copyright</p></body></html>", encoding="utf-8")
    (d / "latin1.txt").write_bytes("Résumé naïve café ".encode("latin-1") * 50)
    with zipfile.ZipFile(d / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/media/pad.bin", b"\0" * (210 * 1024 * 1024))
    big = d / "huge.txt"
    with open(big, "wb") as fh:
        fh.write(report.encode("utf-8"))
        fh.truncate(51 * 1024 * 1024)
    return {
        "empty.txt": "文件为空",
        "whitespace.txt": "只有空白字符",
        "binary.txt": "二进制数据",
        "notzip.docx": "不是有效的DOCX",
        "scanned.pdf": "没有文字层",
        "yaodian.txt": "不是政府信息公开工作年度报告",
        "no_report.html": "不是年度报告",
        "latin1.txt": "不是年度报告",
        "bomb.docx": "压缩炸弹",
        "huge.txt": "超过50 MB上限",
    }


def test_each_bad_input_one_line_exit_2(runner, tmp_path):
    expected = make_bad_inputs(tmp_path)
    for name, part in expected.items():
        result = runner.invoke(cli, ["score", str(tmp_path / name), "--format", "json"])
        assert result.exit_code == 2, (name, result.output)
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), (name, result.output)
        assert name in lines[0] and part in lines[0], (name, lines[0])
        assert "Traceback" not in result.output


def test_batch_records_every_failure_and_keeps_the_rest(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    expected = make_bad_inputs(src)
    _slow_pdf(src / "slow.pdf")
    for g in GOOD:
        (src / g.name).write_bytes(g.read_bytes())
    report = run_batch(src, "core", tmp_path / "out", jobs=2, timeout=2, formats=("json",))
    failed = {Path(o.path).name: o.error for o in report.failures}
    assert set(failed) == set(expected) | {"slow.pdf"}
    for name, part in expected.items():
        assert part in failed[name], (name, failed[name])
        assert "\n" not in failed[name]
    assert "超时" in failed["slow.pdf"] or "time" in failed["slow.pdf"].lower()
    scored = {Path(o.path).name for o in report.scored}
    assert scored == {g.name for g in GOOD}
    for g in GOOD:
        data = json.loads((tmp_path / "out" / f"{g.stem}.json").read_text(encoding="utf-8"))
        assert data["score"]["total"] is not None
    # the sheet lists the failures too, and nothing half-written is left behind
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "out" / "scores.xlsx")
    assert len(list(wb[wb.sheetnames[-1]].iter_rows(min_row=2))) == len(failed)
    assert not list((tmp_path / "out").glob("*.tmp")) and not list((tmp_path / "out").glob(".*.tmp*"))


def test_truncated_and_mislabelled_encodings_still_load(tmp_path):
    from scorer import load

    data = seed("003").read_bytes()
    cut = tmp_path / "cut.txt"
    cut.write_bytes(data + "完".encode("utf-8")[:2])  # a multi-byte character cut in half
    assert load(cut).kind == "report"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(data.decode("utf-8").encode("gb18030"))
    doc = load(gbk)
    assert doc.agency == "上海市宝山区机关事务管理局" and any("GB18030" in n for n in doc.notes)
    bom = tmp_path / "bom.txt"
    bom.write_bytes(codecs.BOM_UTF8 + data)
    assert load(bom).report_year == 2021


def test_report_without_tables_is_scored_with_findings(runner, tmp_path):
    """Not an error: a report that lost its tables is scored and says so."""
    doc = seed("003").read_text(encoding="utf-8")
    no_tables = "\n".join(ln for ln in doc.split("\n") if "\t" not in ln)
    f = tmp_path / "no_tables.txt"
    f.write_text(no_tables, encoding="utf-8")
    result = runner.invoke(cli, ["score", str(f), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ids = {x["id"] for x in data["findings"]}
    assert "S-table-missing" in ids


def test_letters_in_number_cells_are_reported_not_guessed(runner, tmp_path):
    text = seed("003").read_text(encoding="utf-8")
    row = next(ln for ln in text.split("\n") if ln.startswith("一、本年新收"))
    bad = row.replace("\t2\t", "\tO2\t", 1)  # a letter O where a digit belongs
    f = tmp_path / "letters.txt"
    f.write_text(text.replace(row, bad), encoding="utf-8")
    result = runner.invoke(cli, ["tables", str(f), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    cells = [x for x in data["findings"] if x["id"] == "T-cell" and "字母" in x["message"]]
    assert cells and "O2" in cells[0]["message"] and cells[0]["severity"] == "error", data["findings"]
    new = data["tables"]["requests"]["new"]
    assert new["natural_person"] is None  # never a guess presented as read
    assert data["tables"]["requests"]["carried_over"]["total"] == 0  # other rows unaffected


def test_ten_megabyte_report_loads(tmp_path):
    """A report padded to 10 MB of narrative still loads and keeps its tables."""
    from scorer import load
    from scorer.tables import extract_tables

    text = seed("003").read_text(encoding="utf-8")
    filler = "本段为测试填充文字，用于模拟超长的年度报告正文。" * 20 + "\n"
    head, rest = text.split("二、主动公开政府信息情况", 1)
    big = head + filler * (10 * 1024 * 1024 // len(filler.encode("utf-8"))) + "二、主动公开政府信息情况" + rest
    f = tmp_path / "big.txt"
    f.write_text(big, encoding="utf-8")
    assert f.stat().st_size > 10 * 1024 * 1024
    doc = load(f)
    assert doc.section("requests") is not None
    assert extract_tables(doc).requests["new"]["total"] == 2


@pytest.mark.parametrize(
    "body,part",
    [
        ("file,agency,report_year\nreports/a.txt,甲,2023\n", "缺少列 published_on"),
        ("file,agency,report_year,published_on\na.txt,甲局,2023,2024-01-20\nb.txt,甲局,2023,2024-01-21\n",
         "同一机构同一年度重复"),
        ("file,agency,report_year,published_on\na.txt,甲局,2023,2024-02-30\n", "不是有效日期"),
        ("file,agency,report_year,published_on\na.txt,甲局,二〇二三,2024-01-20\n", "不是整数年份"),
    ],
)
def test_bad_manifests(runner, tmp_path, body, part):
    m = tmp_path / "manifest.csv"
    m.write_text(body, encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(m), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert part in result.output and "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if ln.strip()]) == 1
