"""HTML pages: text blocks in document order, ``<table>`` kept as grids."""
from __future__ import annotations

import re

from scorer.errors import UnsupportedFormat
from scorer.formats import Block, Extracted
from scorer.formats.text import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)

#: Every message this module raises: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "broken": "无法解析网页（{what}），请在浏览器中打开后另存为网页或文本",
}

# Elements that never hold report text.
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "button", "select", "svg")
_BLOCK = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "tr", "ul", "ol", "blockquote", "pre", "dd", "dt", "center", "body", "table",
}


def read_html(data: bytes, path: str, encoding: str | None) -> Extracted:
    import lxml.html

    notes: list[str] = []
    declared = None
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
    enc = encoding
    if enc is None and declared and declared not in ("utf-8", "utf8"):
        enc = "gb18030" if declared.replace("-", "") in ("gbk", "gb2312", "gb18030") else declared
    try:
        text, used, dec_notes = decode(data, path, enc)
    except LookupError:
        text, used, dec_notes = decode(data, path, None)
    notes.extend(dec_notes)
    if declared in ("utf-8", "utf8") and used not in ("utf-8", "utf-8-sig"):
        notes.append(f"网页声明编码为UTF-8，实际为{used.upper()}")
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises several types on junk
        raise UnsupportedFormat(MESSAGES["broken"].format(what=type(exc).__name__), path=path) from None
    for el in root.iter(*_DROP):
        el.drop_tree() if el.getparent() is not None else None
    blocks: list[Block] = []
    _walk(root, blocks, [""])
    out = [b for b in blocks if b.is_table or b.text.strip()]
    return Extracted(format="html", blocks=out, encoding=used, notes=notes)


def _walk(el, blocks: list[Block], buf: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        _flush(blocks, buf)
        blocks.append(Block(rows=_grid(el), origin="html"))
        if el.tail:
            buf[0] += el.tail
        return
    is_block = tag in _BLOCK
    if is_block:
        _flush(blocks, buf)
    if el.text and tag:
        buf[0] += el.text
    for child in el:
        _walk(child, blocks, buf)
    if is_block:
        _flush(blocks, buf)
    if el.tail:
        buf[0] += el.tail


def _flush(blocks: list[Block], buf: list[str]) -> None:
    t = " ".join(buf[0].split()) if buf[0].strip() else ""
    if t:
        blocks.append(Block(text=t, origin="html"))
    buf[0] = ""


def _grid(table) -> list[list[str]]:
    """Expand rowspan/colspan so every row has one entry per grid column; a spanned
    position repeats nothing (empty string) so numbers are never duplicated."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    for r, tr in enumerate(rows):
        row: list[str] = []
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = " ".join(cell.text_content().split())
            cs = _span(cell.get("colspan"))
            rs = _span(cell.get("rowspan"))
            row.append(text)
            for k in range(1, cs):
                row.append("")
            for dr in range(1, rs):
                for k in range(cs):
                    pending[(r + dr, c + k)] = ""
            c += cs
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        grid.append(row)
    return grid


def _owner_table(tr):
    p = tr.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _span(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 50))
    except ValueError:
        return 1
