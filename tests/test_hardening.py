"""Hardening, round two: the kinds of input an adversarial run found to break the
engine's promise (one Chinese line and exit 2, no traceback, no hang, safe output).
Each test is named after its case."""
from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import pytest

from scorer.cli import cli

from .conftest import seed


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail (instead of hanging the suite) when the body runs past ``seconds``: a
    generous bound that only a regression to quadratic or worse can reach."""

    def _expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def report_text() -> str:
    return seed("003").read_text(encoding="utf-8")


def one_error_line(result) -> str:
    """The CLI's whole output for bad input: exit 2 and one ``Error: …`` line."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


# --------------------------------------------------------------------------- hangs


def test_ten_thousand_alternating_headings_finish(tmp_path):
    """10,000 alternating section headings (~288 KB): repeated-body detection,
    section ends and the section of each sentence were quadratic."""
    from scorer.pipeline import run

    text = report_text()
    first, rest = text.split("\n", 1)
    heads = "\n".join("一、总体情况" if i % 2 == 0 else "二、主动公开政府信息情况" for i in range(10_000))
    f = tmp_path / "headings.txt"
    f.write_text(first + "\n" + heads + "\n" + rest, encoding="utf-8")
    assert f.stat().st_size > 250_000
    with time_limit(120):
        scored = run(f, "core")
    assert scored.document.kind == "report"
    assert scored.result.score["total"] is not None
    assert len(scored.document.sections) >= 6


def test_keyword_with_many_gaps_cannot_backtrack(tmp_path):
    """``A…B…C…`` terms were a regex with one lazy gap per ``…``: exponential
    backtracking on a hostile term. The matcher is now linear, and a criteria file
    may not give a term more than MAX_GAPS gaps."""
    from scorer.errors import CriteriaError
    from scorer.evidence.keywords import MAX_GAPS, match_terms

    term = "公" + "…公" * MAX_GAPS + "…开"
    with time_limit(60):
        assert match_terms("公" * 5000, [term]) == ((), ())
        found, spans = match_terms("公" * 50 + "开", [term])
    assert found == (term,) and spans[0][1] == 51
    # same answer as the regex it replaces (leftmost start, shortest gaps, no newline)
    assert match_terms("听取了关于工作的汇报", ["听取…汇报"]) == (("听取…汇报",), ((0, 10),))
    assert match_terms("听取\n汇报", ["听取…汇报"]) == ((), ())
    assert match_terms("听取" + "很" * 13 + "汇报", ["听取…汇报"]) == ((), ())

    core = (Path(__file__).resolve().parent.parent / "scorer/data/criteria/core.yaml").read_text(encoding="utf-8")
    f = tmp_path / "gaps.yaml"
    f.write_text(core.replace("keywords: [", "keywords: [" + "…".join(["公开"] * 60) + ", ", 1), encoding="utf-8")
    with pytest.raises(CriteriaError) as info:
        from scorer.criteria import load_criteria

        load_criteria(f)
    assert "gaps.yaml" in str(info.value) and f"{MAX_GAPS}" in str(info.value)
    assert len(str(info.value)) < 300


def _core_yaml() -> str:
    return (Path(__file__).resolve().parent.parent / "scorer/data/criteria/core.yaml").read_text(encoding="utf-8")


def _bomb(levels: int) -> str:
    lines = ['  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for x, y in zip("abcdefghij", "bcdefghijk"[: levels - 1]):
        lines.append(f"  - &{y} [" + ",".join([f"*{x}"] * 9) + "]")
    return "id: bomb\ncriteria:\n" + "\n".join(lines) + f"\ntitle: *{'abcdefghijk'[levels - 1]}\n"


@pytest.mark.parametrize(
    "name,body,part",
    [
        ("huge_weight.yaml", lambda: _core_yaml().replace("weight: 8", "weight: " + "9" * 26, 1), "weight"),
        ("digits_weight.yaml", lambda: _core_yaml().replace("weight: 8", "weight: " + "9" * 5000, 1), "5000位"),
        ("deep.yaml", lambda: _core_yaml().replace("weight: 8", "weight: " + "[" * 3000 + "]" * 3000, 1), "嵌套"),
        ("billion_laughs.yaml", lambda: _bomb(9), "别名"),
        ("small_bomb_title.yaml", lambda: _bomb(4), "title"),
    ],
)
def test_hostile_criteria_files_one_short_line(runner, tmp_path, name, body, part):
    """Huge or 5,000-digit weights, deep nesting and a YAML alias bomb used as a
    title: one line naming the file, and an echoed value never longer than ~60 chars."""
    f = tmp_path / name
    f.write_text(body(), encoding="utf-8")
    with time_limit(60):
        result = runner.invoke(cli, ["score", str(seed("003")), "--criteria", str(f)])
    line = one_error_line(result)
    assert name in line and part in line, line
    assert len(line) < len(str(f)) + 250, line


# --------------------------------------------------------------------------- special files


def test_dev_zero_refused_without_reading(runner):
    """``xxgk score /dev/zero`` read until memory ran out: special files are refused
    before anything is read."""
    with time_limit(30):
        line = one_error_line(runner.invoke(cli, ["score", "/dev/zero"]))
    assert "/dev/zero" in line and "不是普通文件" in line


def test_fifo_refused_without_hanging(runner, tmp_path):
    """A FIFO blocked the open until someone wrote to it."""
    import os

    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with time_limit(30):
        line = one_error_line(runner.invoke(cli, ["score", str(fifo)]))
    assert "report.txt" in line and "命名管道" in line


def test_read_stops_at_the_size_limit(tmp_path):
    """At most limit + 1 bytes are read, whatever the file claims to be."""
    from scorer.errors import TooLarge
    from scorer.load import read_limited

    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * 1001)
    assert read_limited(str(f), limit=1001) == b"x" * 1001
    with pytest.raises(TooLarge, match="a.txt"):
        read_limited(str(f), limit=1000)


def deep_page_tree_pdf(levels: int) -> bytes:
    """A valid PDF whose one page hangs ``levels`` /Pages nodes deep (written by hand)."""
    page_id = 2 + levels
    content_id, font_id = page_id + 1, page_id + 2
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for k in range(levels):
        oid = 2 + k
        parent = f"/Parent {oid - 1} 0 R " if k else ""
        objs[oid] = f"<< /Type /Pages {parent}/Kids [{oid + 1} 0 R] /Count 1 >>".encode()
    objs[page_id] = (f"<< /Type /Page /Parent {page_id - 1} 0 R /MediaBox [0 0 595 842] "
                     f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>").encode()
    ops = b"BT /F1 12 Tf 72 700 Td (Annual report with a text layer) Tj ET"
    objs[content_id] = b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream"
    objs[font_id] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for oid in sorted(objs):
        offsets[oid] = len(out)
        out += f"{oid} 0 obj\n".encode() + objs[oid] + b"\nendobj\n"
    xref, size = len(out), max(objs) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[i]:010d} 00000 n \n".encode() for i in range(1, size))
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_page_tree_3000_levels_deep(runner, tmp_path):
    """pdfminer walks the page tree recursively: RecursionError became a traceback."""
    from scorer import load
    from scorer.errors import LoadError

    shallow = tmp_path / "shallow.pdf"
    shallow.write_bytes(deep_page_tree_pdf(3))
    with pytest.raises(LoadError, match="中文正文"):  # the fixture itself is a readable PDF
        load(shallow)
    deep = tmp_path / "deep.pdf"
    deep.write_bytes(deep_page_tree_pdf(3000))
    with time_limit(60):
        line = one_error_line(runner.invoke(cli, ["score", str(deep)]))
    assert "deep.pdf" in line and "嵌套过深" in line


# --------------------------------------------------------------------------- fuzz


def test_fuzz_mutated_reports_only_documented_errors():
    """Seeded mutants of corpus reports (tests/fuzz_mutate.py): each is scored or
    refused with a ScorerError, finishes within a per-case limit, and gives the same
    JSON twice. A few hundred by default; XXGK_FUZZ_N=10000 for thousands."""
    import os

    from .fuzz_mutate import check

    n = int(os.environ.get("XXGK_FUZZ_N", "300"))
    report = check(n, per_case=60.0)
    assert report["scored"] + report["refused"] + len(report["uncaught"]) + len(report["hangs"]) \
        + len(report["nondeterministic"]) == n
    assert not report["uncaught"], report["uncaught"][:10]
    assert not report["hangs"], report["hangs"][:10]
    assert not report["nondeterministic"], report["nondeterministic"][:10]
    assert report["scored"] > n // 3  # most damage is survivable: the fuzz reaches the scorer


# --------------------------------------------------------------------------- valid input mishandled


def _html(body_lines: list[str], charset: str, head: str = "") -> str:
    return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>{head}"
            "</head><body>" + "".join(f"<p>{ln}</p>" for ln in body_lines) + "</body></html>")


def test_utf8_page_declaring_gb2312(tmp_path):
    """A UTF-8 page whose template still says charset=gb2312 (common on government
    sites) was refused as undecodable."""
    from scorer import load

    f = tmp_path / "page.html"
    f.write_bytes(_html(report_text().split("\n"), "gb2312").encode("utf-8"))
    doc = load(f)
    assert doc.kind == "report" and doc.agency == "上海市宝山区机关事务管理局"
    assert doc.encoding == "utf-8" and any("GB2312" in n and "UTF-8" in n for n in doc.notes)
    # a page that really is GB2312 is still read as declared
    g = tmp_path / "gbk.html"
    g.write_bytes(_html(report_text().split("\n"), "gb2312").encode("gb18030"))
    assert load(g).agency == "上海市宝山区机关事务管理局"


def test_unknown_declared_charset_falls_back_to_detection(tmp_path):
    from scorer import load

    f = tmp_path / "page.html"
    f.write_bytes(_html(report_text().split("\n"), "x-made-up-charset").encode("utf-8"))
    doc = load(f)
    assert doc.kind == "report" and any("无法识别" in n for n in doc.notes)


def test_twelve_megabyte_inline_image_is_dropped_and_noted(tmp_path):
    """A 12 MB data: URI made libxml2 give up on the page: "not a report"."""
    from scorer import load

    img = "<img src='data:image/png;base64," + "iVBORw0KGgo" * 1_100_000 + "'>"
    f = tmp_path / "page.html"
    f.write_bytes(_html([img] + report_text().split("\n"), "utf-8").encode("utf-8"))
    assert f.stat().st_size > 12_000_000
    doc = load(f)
    assert doc.kind == "report" and doc.report_year == 2021
    assert "iVBOR" not in doc.text
    assert any("data: URI" in n for n in doc.notes)  # nothing dropped silently


# --------------------------------------------------------------------------- unsafe output


@pytest.fixture(scope="module")
def scored_dirty(tmp_path_factory):
    """A real report whose title line carries ESC and other control characters."""
    from scorer.pipeline import score_document

    d = tmp_path_factory.mktemp("dirty")
    lines = report_text().split("\n")
    lines[0] = lines[0] + "\x1b[31m\x01\x0c"
    f = d / "ctrl.txt"
    f.write_text("\n".join(lines).replace("。", "。\x1b\x0b\x08", 5), encoding="utf-8")
    return score_document(f, "core")


def test_control_characters_in_docx_and_xlsx(scored_dirty, tmp_path):
    """ESC, \\x00–\\x08, \\x0b, \\x0c, \\x0e–\\x1f in the text or title made python-docx
    and openpyxl raise: the writers drop them, the JSON keeps the text as read."""
    import io
    import json

    import docx
    from openpyxl import load_workbook

    from scorer.render import render, render_xlsx

    data = json.loads(render(scored_dirty, "json"))
    assert "\x1b[31m\x01" in data["document"]["title"]  # nothing lost in JSON
    memo = docx.Document(io.BytesIO(render(scored_dirty, "docx")))
    assert any("评估意见" in p.text for p in memo.paragraphs)
    wb = load_workbook(io.BytesIO(render_xlsx([scored_dirty])))
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert cells and not any(ch in v for v in cells for ch in "\x1b\x01\x0b\x0c\x08")


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_injection_in_xlsx_and_csv(tmp_path, lead):
    """An agency or file name starting with = + - @ tab or CR is text in scores.xlsx
    (quoted, string type) and scores.csv (quoted), never a live formula."""
    import csv
    import io

    from openpyxl import load_workbook

    from scorer.pipeline import ScoreOptions, score_document
    from scorer.render import render_csv, render_xlsx

    name = lead + "HYPERLINK(\"http://x\",\"y\")"
    f = tmp_path / (lead.strip() + "cmd.txt" if lead.strip() else "cmd.txt")
    f.write_text(report_text(), encoding="utf-8")
    r = score_document(f, "core", ScoreOptions(agency=name))
    wb = load_workbook(io.BytesIO(render_xlsx([r])))
    ws = wb["得分表"]
    values = {c.value: c.data_type for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "'" + name in values and values["'" + name] == "s"
    assert not any(v.startswith(("=", "+", "@")) for v in values)
    assert all(t != "f" for ws2 in wb for row in ws2.iter_rows() for t in [c.data_type for c in row])
    rows = list(csv.reader(io.StringIO(render_csv([r]).decode("utf-8-sig"))))
    assert "'" + name in rows[1]
    assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for row in rows for v in row)


def test_outputs_honour_the_umask(runner, tmp_path):
    """write_atomic's temporary file is 0600 (mkstemp); the output must not be."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        result = runner.invoke(cli, ["score", str(seed("003")), "--out", str(tmp_path / "o")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    out = next((tmp_path / "o").glob("*.json"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    from scorer.render import write_atomic

    old = os.umask(0o027)
    try:
        p = write_atomic(tmp_path / "x.txt", "内容")
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


def test_long_file_name_with_out(runner, tmp_path):
    """A 240-byte file name: the temporary name (".<name>.<random>.tmp") went over
    the 255-byte limit."""
    f = tmp_path / ("长" * 80 + ".txt")
    f.write_text(report_text(), encoding="utf-8")
    result = runner.invoke(cli, ["score", str(f), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / ("长" * 80 + ".json")).is_file()
    assert not list((tmp_path / "o").glob(".*"))


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-5", "abc"])
@pytest.mark.parametrize("command", ["score", "check"])
def test_timeout_nan_inf_refused(runner, command, value):
    """``--timeout nan`` was accepted and then every document failed."""
    result = runner.invoke(cli, [command, str(seed("003")), "--timeout", value])
    assert result.exit_code == 2 and "--timeout" in result.output and "Traceback" not in result.output


def test_score_timeout_is_a_one_line_error(runner):
    """Per-document wall time in ``xxgk score`` and ``check`` as in ``batch``."""
    for command in ("score", "check"):
        line = one_error_line(runner.invoke(cli, [command, str(seed("003")), "--timeout", "0.001"]))
        assert seed("003").name in line and "超时" in line


def test_report_year_out_of_range(runner):
    """``--report-year 99999999999999999999`` reached the scorer."""
    result = runner.invoke(cli, ["score", str(seed("003")), "--report-year", "99999999999999999999"])
    assert result.exit_code == 2 and "--report-year" in result.output and "Traceback" not in result.output
    ok = runner.invoke(cli, ["score", str(seed("003")), "--report-year", "2021"])
    assert ok.exit_code == 0, ok.output


def test_output_name_over_255_bytes_is_shortened(runner, tmp_path):
    """An input name whose output name (.docx) would pass 255 bytes gets a cut name
    with a hash, instead of an OSError traceback."""
    f = tmp_path / ("长" * 83 + ".md")  # 249 + 3 bytes: fits; "…长.docx" would not
    f.write_text(report_text(), encoding="utf-8")
    result = runner.invoke(cli, ["score", str(f), "--out", str(tmp_path / "o"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    (out,) = (tmp_path / "o").glob("*.docx")
    assert len(out.name.encode("utf-8")) <= 255 and out.name.startswith("长" * 70)


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-3"])
def test_batch_timeout_nan_or_inf_is_refused(value, tmp_path):
    """batch takes the same --timeout as score and check: a finite positive number."""
    from click.testing import CliRunner

    from scorer.cli import cli

    res = CliRunner().invoke(cli, ["batch", str(seed("003")), "--timeout", value, "--out", str(tmp_path)])
    assert res.exit_code == 2 and "--timeout" in res.output
