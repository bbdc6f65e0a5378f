"""The loader on every real document: formats, cleaning, sections, metadata, bad input."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from scorer import load
from scorer.cli import cli
from scorer.clean import normalize_width
from scorer.errors import LoadError, NoTextLayer, NotAReport, TooLarge, UnsupportedFormat
from scorer.model import SECTION_KEYS

from .conftest import CORPORA, FIXTURES, SHARED, corpus_index, seed

REPORTS = [r for r in corpus_index() if r["doc_kind"] == "report"]

# Abbreviations agencies use for themselves in titles.
_ALIASES = {"科委": "科学技术委员会", "机管局": "机关事务管理局"}


def _same_agency(found: str | None, expected: str) -> bool:
    if not found:
        return False
    a, b = found, re.sub(r"[（(]全区[)）]$", "", expected)
    for short, full in _ALIASES.items():
        a = a.replace(short, full)
    if b.endswith("管委会"):  # the zone-wide report is titled by the zone's name
        b = b[: -len("管委会")]
    return a in b or b in a


@pytest.mark.parametrize("row", REPORTS, ids=lambda r: Path(r["file"]).stem[:12])
def test_inspect_every_indexed_report(runner, row):
    """`xxgk inspect` finds kind, agency and year of every report in index.csv."""
    result = runner.invoke(cli, ["inspect", str(CORPORA / row["file"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["kind"] == "report"
    assert info["report_year"] == int(row["report_year"])
    assert _same_agency(info["agency"], row["agency"]), (info["agency"], row["agency"])
    # every report in the corpus has all six sections
    assert info["sections"] == list(SECTION_KEYS), info["sections"]


def test_every_shipped_document_loads():
    """Every corpus and seed file loads; the stub and the template say what they are."""
    for path in sorted(CORPORA.rglob("*")):
        if path.suffix not in (".txt", ".md", ".pdf", ".docx") or "labels" in path.parts:
            continue
        doc = load(path)
        assert doc.text.strip()
        if "stub" in path.name:
            assert any("页面存根" in n for n in doc.notes)
        if "template" in path.name:
            assert doc.kind == "other" and any("模板" in n for n in doc.notes)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not beside the checkout")
def test_shared_seeds_and_corpora_load():
    for path in sorted(list((SHARED / "seeds").iterdir()) + list((SHARED / "corpora").rglob("*.*"))):
        if path.suffix in (".txt", ".md", ".pdf", ".docx"):
            load(path)


def test_seed_003_has_no_section_four():
    doc = load(seed("003"))
    assert doc.section_keys == ["overview", "proactive", "requests", "problems", "other"]
    assert doc.section("review_litigation") is None


def test_kewei_renumbered_and_extra_sections():
    doc = load(CORPORA / "reports/004_shanghai_kewei_2024.md")
    assert doc.section_keys == list(SECTION_KEYS)
    extra = [s.heading for s in doc.sections if s.key is None]
    assert "二、工作机制保障" in extra
    assert doc.section("proactive").heading == "一、主动公开政府信息情况"


@pytest.mark.parametrize("indent", ["  ", "\u3000"])
def test_indented_headings_found_once(tmp_path, indent):
    # a heading indented on its own line was once listed both as one of the six and
    # as an extra section, and sorting the two crashed the loader
    src = CORPORA / "reports/004_shanghai_kewei_2024.md"
    text = src.read_text(encoding="utf-8")
    plain = load(src)
    indented = re.sub(r"(?m)^(?=[一二三四五六七八九十]、)", indent, text)
    assert indented != text
    f = tmp_path / "indented.md"
    f.write_text(indented, encoding="utf-8")
    doc = load(f)
    assert doc.section_keys == plain.section_keys == list(SECTION_KEYS)
    assert [s.heading for s in doc.sections] == [s.heading for s in plain.sections]


def test_glued_headings_in_crawler_dump():
    doc = load(CORPORA / "reports/091_pingtan_nongyenongcun_2023.txt")
    s = doc.section("overview")
    assert doc.text[s.start : s.body_start] == "一、总体情况"
    assert doc.text[s.body_start :].startswith("2023年，我局严格按照")
    assert doc.section("other").heading == "六、需要说明的其他事项与附表"


def test_repeated_body_kept_once():
    for name in ("000", "002"):
        doc = load(seed(name))
        assert doc.text.count("一、总体情况") == 1, name
        assert any("重复" in n for n in doc.notes)
    doc = load(seed("000"))
    # the last section is complete and the second copy's title is gone
    assert "(三)收取信息处理费情况" in doc.section_text("other")
    assert doc.text.count("政府信息公开工作2021年度报告") <= 2


def test_chrome_removed_and_header_lifted():
    doc = load(seed("002"))
    for chrome in ("发送至邮箱", "查看详情", "热门搜索", "相关链接"):
        assert chrome not in doc.text
    doc = load(CORPORA / "reports/011_pingtan_syq_2021.txt")
    assert not doc.text.startswith("当前位置")
    assert "QQ空间" not in doc.text and "标题:" not in doc.text
    assert doc.published_on == "2022-02-08" and doc.metadata_source["published_on"] == "header"
    assert doc.url.endswith("t20220208_80613.htm")


def test_width_normalisation():
    assert normalize_width("２０２３年　共１２件ＡＢ") == "2023年 共12件AB"
    assert normalize_width(normalize_width("（一）１２")) == "（一）12"  # idempotent, keeps Chinese brackets


def test_bad_publication_dates_rejected(tmp_path):
    """028 is signed 2021年1月25日 for the 2021 report: that cannot be the publication date."""
    src = (CORPORA / "reports/028_pingtan_lvyouwenti_2021.txt").read_text(encoding="utf-8")
    body = src.split("==================== 正文 ====================", 1)[1]
    title = "平潭综合实验区旅游与文化体育局2021年度政府信息公开工作年度报告\n"
    f = tmp_path / "028_no_header.txt"
    f.write_text(title + body, encoding="utf-8")
    doc = load(f)
    assert doc.published_on is None
    assert any("2021-01-25" in n and "不采用" in n for n in doc.notes)
    # an incomplete header date is rejected too, the URL date is used instead
    g = tmp_path / "bad_header.txt"
    g.write_text(src.replace("发布时间: 2022-01-06", "发布时间: 2022-01-"), encoding="utf-8")
    doc = load(g)
    assert any("不完整" in n for n in doc.notes)
    assert doc.metadata_source.get("published_on") in ("url", "signature")


def test_flags_override_detection(runner):
    result = runner.invoke(
        cli,
        ["inspect", str(seed("003")), "--agency", "宝山区机管局", "--report-year", "2021",
         "--published-on", "2022-01-20", "--format", "json"],
    )
    info = json.loads(result.output)
    assert info["agency"] == "宝山区机管局" and info["published_on"] == "2022-01-20"
    assert info["metadata_source"]["agency"] == "flag"


# ---------------------------------------------------------------- one test per format

def test_txt_tab_rows():
    doc = load(seed("003"))
    assert doc.format == "txt" and "\t" in doc.section_text("requests")


def test_markdown_from_pdf():
    doc = load(CORPORA / "reports/004_shanghai_kewei_2024.md")
    assert doc.format == "md" and doc.agency == "上海市科委" and doc.report_year == 2024
    assert "2024年市科委有1件涉及政府信息公开工作的行政复议" in doc.text  # wrapped lines joined


def test_pdf_text_layer_with_pages():
    doc = load(CORPORA / "reports/001_huaian_hongzequ_2023.pdf")
    assert doc.format == "pdf" and len(doc.pages) == 5
    assert doc.agency == "洪泽区人民政府" and doc.report_year == 2023
    assert "- 1 -" not in doc.text  # page numbers dropped
    off = doc.text.index("行政处罚4119") if "行政处罚4119" in doc.text else doc.text.index("行政处罚 4119")
    assert doc.page_at(off) == 3
    assert any(t.origin == "pdf" for t in doc.tables)


def test_gbk_html_tables_kept():
    doc = load(FIXTURES / "load/seed000_gbk.html")
    assert doc.format == "html" and doc.encoding in ("gb18030", "gbk")
    assert doc.agency == "松江区机关事务管理局"
    assert "不是正文" not in doc.text and "返回上一级" not in doc.text
    t3 = next(t for t in doc.tables if any("本年新收" in c for r in t.rows for c in r))
    row = next(r for r in t3.rows if r[0].startswith("一、本年新收"))
    assert row[1:8] == ("1", "0", "0", "0", "0", "0", "1")
    assert doc.text[t3.span[0] : t3.span[1]].count("\n") == len(t3.rows) - 1


def test_docx_tables_in_order():
    doc = load(FIXTURES / "load/seed003.docx")
    assert doc.format == "docx" and doc.report_year == 2021
    t = next(t for t in doc.tables if any("本年新收" in c for r in t.rows for c in r))
    row = next(r for r in t.rows if r[0].startswith("一、本年新收"))
    assert "2" in row
    assert doc.section("proactive").start < t.span[0] < doc.section("problems").start


def test_blank_template_docx():
    doc = load(CORPORA / "format/006_govnianbao_template_blank.docx")
    assert doc.kind == "other" and len(doc.tables) == 3


# ---------------------------------------------------------------- bad input

def _cli_error(runner, path) -> str:
    result = runner.invoke(cli, ["inspect", str(path)])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert lines[-1].startswith("Error: ") and "Traceback" not in result.output
    return lines[-1]


def test_bad_inputs_one_line_exit_2(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "文件为空" in _cli_error(runner, empty)
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b" \n\t\n")
    assert "只有空白字符" in _cli_error(runner, blank)
    binary = tmp_path / "garbage.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    assert "二进制数据" in _cli_error(runner, binary)
    notzip = tmp_path / "report.docx"
    notzip.write_text("这不是一个Word文件", encoding="utf-8")
    assert "不是有效的DOCX" in _cli_error(runner, notzip)
    assert "没有文字层" in _cli_error(runner, FIXTURES / "load/scanned.pdf")
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)
    assert "超过50 MB上限" in _cli_error(runner, big)
    result = runner.invoke(cli, ["inspect", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_library_errors_are_load_errors(tmp_path):
    with pytest.raises(LoadError, match="文件不存在"):
        load(tmp_path / "nope.txt")
    with pytest.raises(NoTextLayer):
        load(FIXTURES / "load/scanned.pdf")
    zipped = tmp_path / "x.docx"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnsupportedFormat, match="word/document.xml"):
        load(zipped)
    with pytest.raises(NotAReport, match="政务公开工作要点"):
        load(seed("004"), require_report=True)


def test_docx_zip_bomb_refused(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/media/pad.bin", b"\0" * (210 * 1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(TooLarge, match="压缩炸弹"):
        load(bomb)


def test_gbk_declared_as_utf8(tmp_path):
    page = (FIXTURES / "load/seed000_gbk.html").read_bytes().replace(b"charset=gbk", b"charset=utf-8")
    f = tmp_path / "lying.html"
    f.write_bytes(page)
    doc = load(f)
    assert doc.agency == "松江区机关事务管理局"
    assert any("声明编码为UTF-8" in n for n in doc.notes)


def test_truncated_utf8(tmp_path):
    data = seed("003").read_bytes()
    f = tmp_path / "cut.txt"
    f.write_bytes(data[:-1] if data[-1] >= 0x80 else data + "报".encode()[:2])
    doc = load(f)
    assert doc.kind == "report"
