"""The loader keeps every piece of content: what cleaning removes it can name and
records, and kept plus removed text accounts for the whole input, on every
document of the corpus that loads."""
from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest

from scorer.clean import MERGED_RUNS_NOTE, clean_blocks, normalize_width
from scorer.errors import LoadError
from scorer.formats.pdf import PAGE_MARK
from scorer.formats.text import decode
from scorer.load import _extract, load

from .conftest import CORPORA

DOCS = sorted(
    p
    for sub in ("reports", "reports2", "seeds", "negatives")
    for p in (CORPORA / sub).iterdir()
    if p.suffix in (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
)


def _chars(s: str) -> Counter[str]:
    return Counter(c for c in s if not c.isspace())


def _block_text(b) -> str:
    return "\n".join(" ".join(r) for r in b.rows) if b.is_table else b.text


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem[:24])
def test_kept_and_removed_text_account_for_the_whole_input(path: Path) -> None:
    """Every non-whitespace character of the decoded input is in the document text
    or in a removal cleaning recorded (crawler header, page chrome, a repeated top
    title, a repeated body, the page tail, page-number lines "- 3 -")."""
    data = path.read_bytes()
    try:
        doc = load(path)
    except LoadError:
        return  # refused with a message (tested in test_bad_input)
    ex = _extract(data, str(path), None)
    if ex.format in ("txt", "md"):
        text = decode(data, str(path))[0]
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if any("硬换行" in n for n in doc.notes):
            lines = [ln for ln in lines if not PAGE_MARK.match(ln)]
        source = normalize_width("\n".join(lines))
    else:
        # HTML, DOCX, PDF: the reader's blocks (markup is not content)
        source = normalize_width("\n".join(_block_text(b) for b in ex.blocks))
    cleaned = clean_blocks(copy.deepcopy(ex.blocks))
    removed = "".join(t for _, t in cleaned.removed)
    # the " | " between rendered grid cells is the loader's, not the source's
    separators = sum(len(r) - 1 for t in doc.tables if t.origin != "pdf" for r in t.rows)
    kept = _chars(doc.text)
    kept["|"] -= separators
    assert +kept + _chars(removed) == +_chars(source)


def test_equal_neighbouring_lines_are_kept() -> None:
    """A table flattened one cell per line repeats equal cells: "2 / 0 / 0 / 0 / 0 /
    0 / 2" must not become "2 / 0 / 2" (it did, and every row of 表三 was misread)."""
    from scorer.load import load_bytes

    body = (
        "某局2023年政府信息公开工作年度报告\n一、总体情况\n本年度依法做好政府信息公开工作，全年收到申请2件。\n"
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n2\n0\n0\n0\n0\n0\n2\n"
    )
    doc = load_bytes(body.encode(), "x.txt")
    assert "\n2\n0\n0\n0\n0\n0\n2" in doc.text


def test_a_title_printed_twice_is_removed_and_noted() -> None:
    """Seed 000 prints its title twice at the top: the one removal by equality, noted."""
    doc = load(next((CORPORA / "seeds").glob("000_*.txt")))
    title = "松江区机关事务管理局政府信息公开工作2021年度报告"
    assert doc.text.count(title) == 1
    assert any("标题重复" in n for n in doc.notes)


def test_putian_pages_keep_their_cells_and_are_named() -> None:
    """308 was taken for hard-wrapped text and every lone number dropped as a page
    number: 表三 came out empty. Its cells are kept and the crawler is named."""
    doc = load(CORPORA / "reports2/308_putian_shenji_2025.txt")
    assert not any("硬换行" in n for n in doc.notes)
    assert MERGED_RUNS_NOTE in doc.notes
    i = doc.text.index("一、本年新收政府信息公开申请数量")
    assert doc.text[i:].split("\n")[1:4] == ["4", "0", "4"]
    # a 平潭 dump is not that crawler
    assert MERGED_RUNS_NOTE not in load(CORPORA / "reports2/358_pingtan_syq_2025.txt").notes


def test_hard_wrapped_markdown_keeps_lone_numbers() -> None:
    """004 (Markdown from a PDF) is joined into paragraphs; a number alone on its
    line stays (it was dropped as a page number)."""
    doc = load(CORPORA / "reports/004_shanghai_kewei_2024.md")
    assert any("硬换行" in n for n in doc.notes)
    assert "\n1\n" in doc.text
