"""DOCX: paragraphs and tables in document order (python-docx), with a guard against
zip bombs."""
from __future__ import annotations

import io
import zipfile

from scorer.errors import TooLarge, UnsupportedFormat
from scorer.formats import Block, Extracted

#: Every message this module raises: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "not_zip": "不是有效的DOCX文件（不是zip压缩包），请用Word重新另存为.docx",
    "no_document": "zip压缩包中没有word/document.xml，不是DOCX文件，请用Word重新另存为.docx",
    "bomb": "DOCX解压后有{size} MB，超过{limit} MB上限（疑似压缩炸弹），请检查文件来源",
    "broken": "DOCX文件已损坏，无法读取（{what}），请用Word打开后重新保存",
}

#: Refuse archives that unpack to more than this (a real report is a few MB).
MAX_UNPACKED = 200 * 1024 * 1024


def read_docx(data: bytes, path: str) -> Extracted:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsupportedFormat(MESSAGES["not_zip"], path=path) from None
    with zf:
        names = zf.namelist()
        if "xl/workbook.xml" in names:  # a score sheet of this engine, or any workbook
            raise UnsupportedFormat("这是Excel工作簿（如本工具输出的评分表），不是政府信息公开工作年度报告，不予评分",
                                    path=path)
        if "word/document.xml" not in names:
            raise UnsupportedFormat(MESSAGES["no_document"], path=path)
        unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > MAX_UNPACKED:
            raise TooLarge(
                MESSAGES["bomb"].format(size=unpacked // (1024 * 1024), limit=MAX_UNPACKED // (1024 * 1024)), path=path
            )
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError/ValueError/lxml errors
        raise UnsupportedFormat(MESSAGES["broken"].format(what=type(exc).__name__), path=path) from None
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
