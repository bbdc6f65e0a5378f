"""HTML pages: text blocks in document order, ``<table>`` kept as grids."""
from __future__ import annotations

import codecs
import re

from scorer.errors import UnsupportedFormat, shown
from scorer.formats import Block, Extracted
from scorer.formats.text import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)

#: Every message this module raises: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "broken": "无法解析网页（{what}），请在浏览器中打开后另存为网页或文本",
}

# a data: URI with a payload (at least one character after the comma)
_DATA_URI = re.compile(r"""(?<![\w-])data:[^,"'<>\s]{0,200},[^"'<>\s)]+""", re.I)

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
    text, used = _decode_declared(data, path, encoding, declared, notes)
    text, n_data, size = _drop_data_uris(text)
    if n_data:
        notes.append(f"已去除网页中内嵌的{n_data}处图片等数据（data: URI，共{size / 1048576:.1f} MB）")
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


def _decode_declared(data: bytes, path: str, forced: str | None, declared: str | None,
                     notes: list[str]) -> tuple[str, str]:
    """Decode a page: a forced encoding strictly; else the declared charset strictly,
    falling back to UTF-8 when the page is in fact UTF-8 (government sites often keep
    ``charset=gb2312`` in a template after moving to UTF-8), and to detection when the
    charset is unknown or wrong."""
    if forced:
        text, used, dec_notes = decode(data, path, forced)
        notes.extend(dec_notes)
        return text, used
    if declared and declared not in ("utf-8", "utf8"):
        enc = "gb18030" if declared.replace("-", "").replace("_", "") in ("gbk", "gb2312", "gb18030") else declared
        try:
            codecs.lookup(enc)
        except LookupError:
            notes.append(f"网页声明的编码{shown(declared)}无法识别，已自动检测编码")
            enc = None
        if enc:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                pass
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                notes.append(f"网页声明编码为{declared.upper()}，但按此编码无法解码，已自动检测编码")
            else:
                notes.append(f"网页声明编码为{declared.upper()}，实际为UTF-8")
                return text, "utf-8"
    text, used, dec_notes = decode(data, path, None)
    notes.extend(dec_notes)
    if declared in ("utf-8", "utf8") and used not in ("utf-8", "utf-8-sig"):
        notes.append(f"网页声明编码为UTF-8，实际为{used.upper()}")
    return text, used


def _drop_data_uris(text: str) -> tuple[str, int, int]:
    """Inline ``data:`` URIs (base64 images of many MB) hold no text, and libxml2 stops
    parsing at a 10 MB attribute, losing the report after it. Returns the text, how
    many were dropped and their size in characters. One linear regex pass."""
    if "data:" not in text:
        return text, 0, 0
    count = size = 0

    def cut(m: re.Match[str]) -> str:
        nonlocal count, size
        count += 1
        size += len(m.group(0))
        return "data:,"

    out = _DATA_URI.sub(cut, text)
    return out, count, size


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
