"""The fast PDF path (pypdfium2 characters and paths through pdfplumber's algorithms) gives
exactly what pdfplumber gives, page by page, on every corpus PDF, and is the path taken
for most pages; pages it does not trust go to pdfplumber."""
from __future__ import annotations

import pdfplumber
import pypdfium2 as pdfium
import pytest

from scorer.formats import pdf as P

from .conftest import CORPORA

PDFS = sorted((CORPORA / "reports").glob("*.pdf")) + sorted((CORPORA / "negatives").glob("*.pdf"))


def _plumber_tables(page) -> list[list[list[str]]]:  # noqa: ANN001
    return [[[" ".join((c or "").split()) for c in row] for row in t] for t in page.extract_tables()]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name[:3])
def test_pdfium_pages_equal_pdfplumber(path) -> None:  # noqa: ANN001
    trusted = 0
    fast = pdfium.PdfDocument(str(path))
    with pdfplumber.open(path) as slow:
        assert len(fast) == len(slow.pages)
        for i, ref in enumerate(slow.pages):
            page = fast[i]
            try:
                chars = P._page_chars(page)
            except P._Untrusted:
                continue
            trusted += 1
            assert P._chars_text(chars, page) == (ref.extract_text() or ""), (path.name, i + 1)
            assert P._tables(page, chars) == _plumber_tables(ref), (path.name, i + 1)
    n = len(fast)
    fast.close()
    # the fast path is the usual one: at most three pages of a file fall back
    assert trusted >= n - 3, (path.name, trusted)


def test_read_pdf_uses_pdfplumber_only_where_pdfium_is_not_trusted(monkeypatch) -> None:
    opened: list[int] = []
    real = P._Plumber.page
    monkeypatch.setattr(P._Plumber, "page", lambda self, i: opened.append(i + 1) or real(self, i))
    ex = P.read_pdf((CORPORA / "reports/003_huaian_shizhengfu_2024.pdf").read_bytes(), "003.pdf")
    assert opened == [] and ex.n_pages == 6 and ex.pdf_tables
    # 表三's row labels in a vertical font (001 p3), space glyphs pdfium draws as its own
    # spaces (391 p6, p10): pdfium's boxes are turned into pdfminer's, no fallback
    ex = P.read_pdf((CORPORA / "reports/001_huaian_hongzequ_2023.pdf").read_bytes(), "001.pdf")
    assert opened == [] and ex.n_pages == 5
    ex = P.read_pdf((CORPORA / "negatives/391_shanghai_putuo_sifaju_yusuan_2026.pdf").read_bytes(), "391.pdf")
    assert opened == [] and ex.n_pages == 23


def test_vertical_font_and_blank_space_glyphs_read_as_pdfplumber_reads_them() -> None:
    """The pages that needed pdfplumber before: each character box pdfium gives for a
    vertical font, and each space glyph it leaves blank, is pdfminer's."""
    for name, pno in (("reports/001_huaian_hongzequ_2023.pdf", 3), ("negatives/391_shanghai_putuo_sifaju_yusuan_2026.pdf", 6)):
        fast = pdfium.PdfDocument(str(CORPORA / name))
        with pdfplumber.open(CORPORA / name) as slow:
            ref = [c for c in slow.pages[pno - 1].chars]
        chars = P._page_chars(fast[pno - 1])
        fast.close()
        glyphs = [c for c in chars if c["text"] != " "]
        assert [c["text"] for c in glyphs] == [c["text"] for c in ref if c["text"] != " "], name
        for got, want in zip(glyphs, [c for c in ref if c["text"] != " "]):
            for k in ("x0", "x1", "top", "bottom", "size"):
                assert abs(got[k] - want[k]) < 0.01, (name, got["text"], k)
        spaces = [c for c in chars if c["text"] == " "]
        assert len(spaces) == 3 if pno == 6 else not spaces
        for sp in spaces:  # pdfminer has a space glyph there (its right edge is its advance)
            assert any(w["text"] == " " and abs(w["x0"] - sp["x0"]) < 0.5 and abs(w["bottom"] - sp["bottom"]) < 0.01 for w in ref)


def test_pdf_pdfium_refuses_junk_with_one_line() -> None:
    from scorer.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat, match="无法读取PDF"):
        P.read_pdf(b"%PDF-1.4\n\x00\x01garbage", "junk.pdf")


def test_only_the_pages_own_number_is_taken_off_and_noted() -> None:
    from scorer.formats.pdf import strip_page_marks
    from scorer.load import load

    text, removed = strip_page_marks("3\n表四\n0 1 0\n3\n", 3)
    assert removed == ["3", "3"] and "0 1 0" in text
    text, removed = strip_page_marks("表三\n7\n12\n", 3)  # 12 is not page 3's number: a cell
    assert removed == [] and text.split("\n")[-2] == "12"
    text, removed = strip_page_marks("- 2 -\n正文", 2)
    assert removed == ["- 2 -"]
    doc = load(CORPORA / "reports" / "001_huaian_hongzequ_2023.pdf")
    assert any(n.startswith("已去除页码5处") for n in doc.notes)
