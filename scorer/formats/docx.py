"""DOCX: paragraphs and tables in document order (python-docx), with a guard against
zip bombs."""
from __future__ import annotations

import io
import zipfile

from scorer.errors import TooLarge, UnsupportedFormat
from scorer.formats import Block, Extracted

#: Refuse archives that unpack to more than this (a real report is a few MB).
MAX_UNPACKED = 200 * 1024 * 1024


def read_docx(data: bytes, path: str) -> Extracted:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsupportedFormat("not a valid DOCX (not a zip archive)", path=path) from None
    with zf:
        names = zf.namelist()
        if "xl/workbook.xml" in names:  # a score sheet of this engine, or any workbook
            raise UnsupportedFormat("这是Excel工作簿（如本工具输出的评分表），不是政府信息公开工作年度报告，不予评分",
                                    path=path)
        if "word/document.xml" not in names:
            raise UnsupportedFormat("zip archive without word/document.xml: not a DOCX", path=path)
        unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > MAX_UNPACKED:
            raise TooLarge(
                f"DOCX unpacks to {unpacked // (1024 * 1024)} MB, over the {MAX_UNPACKED // (1024 * 1024)} MB limit (zip bomb?)",
                path=path,
            )
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError/ValueError/lxml errors
        raise UnsupportedFormat(f"cannot read DOCX: {exc}", path=path) from None
    blocks: list[Block] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Block(text=Paragraph(child, d).text, origin="docx"))
        elif tag == "tbl":
            blocks.append(Block(rows=_grid(Table(child, d)), origin="docx"))
    return Extracted(format="docx", blocks=blocks)


def _grid(table) -> list[list[str]]:
    """Cells of a merged range are the same XML cell; keep its text once (first
    position) so merged headers do not repeat numbers or labels."""
    grid: list[list[str]] = []
    seen: dict[int, object] = {}  # holds the elements so their ids stay unique
    for row in table.rows:
        out: list[str] = []
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                out.append("")
            else:
                seen[key] = cell._tc
                out.append(" ".join(cell.text.split()))
        grid.append(out)
    return grid
