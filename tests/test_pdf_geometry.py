"""The PDF reader's own versions of pdfplumber's steps (page text without the text map,
the cell search, reading the cells) give exactly what pdfplumber's code gives, on
pdfplumber's own characters and tables of every corpus PDF page, and on pdfium's."""
from __future__ import annotations

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils.text import chars_to_textmap

from scorer.formats import pdf as P

from .conftest import CORPORA

PDFS = sorted((CORPORA / "reports").glob("*.pdf")) + sorted((CORPORA / "negatives").glob("*.pdf"))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name[:3])
def test_own_steps_equal_pdfplumbers(path) -> None:  # noqa: ANN001
    text_settings = TableSettings.resolve(None).text_settings
    fast = pdfium.PdfDocument(str(path))
    tables = cells = 0
    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            where = (path.name, i + 1)
            box = {"layout_bbox": (0, 0, page.width, page.height), "layout_width": page.width,
                   "layout_height": page.height}
            for chars in (page.chars, P._page_chars(fast[i])):
                want = chars_to_textmap(chars, **box).as_string if chars else ""
                assert (P._lines_text(chars) if chars else "") == want, where
            # text-strategy tables too: more cells, with more than one line in some
            for settings in (None, {"vertical_strategy": "text", "horizontal_strategy": "text"}):
                finder = TableFinder(page, settings)
                assert P._cells(finder.intersections) == finder.cells, where
                for t in finder.tables:
                    want = [[" ".join((c or "").split()) for c in row] for row in t.extract(**text_settings)]
                    assert P._extract(t, page.chars, text_settings) == want, where
                    tables += 1
                    cells += sum(len(r) for r in want)
    fast.close()
    assert tables and cells > 50  # every corpus PDF has tables: the comparison saw cells


def test_one_line_cells_only() -> None:
    """A cell's characters on two lines are left to pdfplumber (its clustering decides)."""
    a = {"text": "1", "x0": 10.0, "x1": 15.0, "top": 100.0, "bottom": 110.0, "upright": True}
    b = {**a, "text": "2", "x0": 15.5, "x1": 20.5}
    far = {**a, "text": "3", "x0": 30.0, "x1": 35.0}
    below = {**a, "text": "4", "top": 112.0, "bottom": 122.0}
    assert P._one_line([b, a]) == "12"
    assert P._one_line([a, far]) == "1 3"  # a gap wider than the tolerance: two words
    assert P._one_line([a, {**a, "text": " ", "x0": 15.0}, b]) == "1 2"
    assert P._one_line([a, below]) is None
    assert P._one_line([{**a, "text": "ﬁ"}]) == "fi"
