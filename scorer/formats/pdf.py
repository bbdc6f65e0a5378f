"""PDF: page text as lines, table candidates per page, OCR for pages without a text layer.

Text and tables come from pypdfium2 (the fastest reader): its characters and paths are
turned into pdfminer's boxes and classes of paths (line, rectangle, curve) and go
through pdfplumber's own steps (lines and words; ruling edges, cells, tables), redone
here where its code repeats work (text map, cell search, cell reading) and checked equal
to it, so text and table cells are the ones pdfplumber gave, without pdfplumber's parse
(pdfminer, ~90 % of its time). pdfplumber still reads a page whose pdfium boxes are not
trusted to match pdfminer's: rotated writing, unmapped glyphs, a rotated or cropped
page, a vertical-font character whose origin pdfium and pdfminer place differently, and
a space pdfium made in a gap too narrow to tell whether the file had a space glyph there
(unless both neighbours are CJK, where the space is dropped anyway, or a text object
pdfium left blank stands in the gap: a space glyph). All PDFs at hand give
byte-identical results; ``benchmarks/pdf_speed.py`` prints the times against pypdfium2's
own text (the floor).

A file with no text layer is read by OCR (``scorer.formats.ocr``, the optional extra)
or refused with the install command.

Prose lines wrapped by the layout are joined back into paragraphs so sentences are
whole; table rows (lines ending in numbers) keep their own lines.
"""
from __future__ import annotations

import ctypes
import logging
import re
from bisect import bisect_left
from collections import Counter
from itertools import groupby
from operator import itemgetter
from typing import Any

from scorer.errors import NoTextLayer, UnsupportedFormat
from scorer.formats import Block, Extracted

#: Every message this module raises: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "broken": "无法读取PDF（{what}），请用PDF阅读器打开后重新导出",
    "page": "无法读取PDF第{page}页（{what}），请用PDF阅读器打开后重新导出",
    "no_text": "PDF没有文字层（{n}页均为图片，可能是扫描件），请先做文字识别（OCR）或提供文字版",
    "too_deep": "PDF结构嵌套过深（页面树或对象层级异常），无法读取，请用PDF阅读器打开后重新导出",
}

PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
_CJK = "\u3400-\u9fff\uf900-\ufaff"
# WPS/Word justification puts spaces between CJK characters and around digits.
_SPACE_CJK = re.compile(rf"(?<=[{_CJK}\u3000-\u303f\uff00-\uffef])[ \t]+(?=[{_CJK}\u3000-\u303f\uff00-\uffef])")
_SPACE_DIGIT_CJK = re.compile(rf"(?<=\d)[ \t]+(?=[{_CJK}])|(?<=[{_CJK}])[ \t]+(?=\d+[{_CJK}%])")
_ENDS_SENTENCE = tuple("。！？；：:;!?」』”）)")
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、．])")
_NUMERIC_TAIL = re.compile(r"(\d[\d\s.,]*)$")
_TABLE_ROW = re.compile(r"^\s*\||\|\s*$|\s\|\s")
_TABULAR = re.compile(r"\d\s+\d\s+\d")  # only pages that look tabular get table candidates
_WIDE = re.compile(rf"[{_CJK}\u3000-\u303f\uff00-\uffef]")  # the characters _SPACE_CJK joins
_X_TOLERANCE = 3  # pdfplumber's default gap between words
_MIN_CHARS = 20  # fewer characters in the whole file: no text layer

OCR_INSTALL = "pip install 'xxgk-scorer[ocr]'"


def _read_pdf_pages(data: bytes, path: str) -> Extracted:
    import pypdfium2 as pdfium

    plumber = _Plumber(data, path)
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:  # pdfium refuses it: pdfminer, more lenient, may still read it
        pdf = None
    tables: list[tuple[int, list[list[str]]]] = []
    texts: list[str] = []
    notes: list[str] = []
    fmt = "pdf"
    try:
        n = len(pdf) if pdf is not None else plumber.n_pages()
        for i in range(n):
            page = pdf[i] if pdf is not None else None
            chars: list[dict[str, Any]] | None = None
            try:
                if page is None:
                    raise _Untrusted
                chars = _page_chars(page)
                raw = _chars_text(chars, page)
            except Exception:  # _Untrusted, or pdfium failed on the page: pdfplumber decides
                chars, raw = None, plumber.text(i)
            texts.append(raw)
            if _TABULAR.search(raw):
                if chars is None or page is None:
                    tables.extend((i + 1, rows) for rows in plumber.tables(i))
                else:
                    tables.extend((i + 1, rows) for rows in _tables(page, chars))
            if page is not None:
                page.close()
        if sum(len(t.strip()) for t in texts) < _MIN_CHARS:
            texts, notes = _ocr_pages(pdf, texts, path)
            fmt = "pdf-ocr"
    finally:
        plumber.close()
        if pdf is not None:
            pdf.close()
    blocks: list[Block] = []
    carry = False
    marks: list[str] = []
    for i, raw in enumerate(texts, start=1):
        raw, removed = strip_page_marks(raw, i)
        marks += removed
        paras, open_end = join_wrapped_lines(raw)
        if paras and carry and not _HEADING.match(paras[0]):
            # a paragraph that runs over the page break stays one paragraph
            blocks[-1].text += paras.pop(0)
        for para in paras:
            blocks.append(Block(text=para, page=i, origin="pdf"))
        carry = open_end and bool(blocks)
    if marks:
        notes = [*notes, f"已去除页码{len(marks)}处：" + "、".join(f"“{m}”" for m in marks[:10])]
    return Extracted(format=fmt, blocks=blocks, pdf_tables=tables, n_pages=n, notes=notes)


def _ocr_pages(pdf: Any, texts: list[str], path: str) -> tuple[list[str], list[str]]:
    """Text of the pages without a text layer, read by OCR (the optional extra)."""
    from scorer.formats import ocr

    n = len(texts)
    if pdf is None or not ocr.available():
        raise NoTextLayer(
            f"PDF没有文字层（{n}页均为图片，可能是扫描件），需要文字识别：请安装OCR组件后重试（{OCR_INSTALL}），"
            "或提供文字版",
            path=path,
        )
    out = list(texts)
    read: list[ocr.OcrPage] = []
    for i, raw in enumerate(texts):
        if raw.strip():
            continue
        page = pdf[i]
        if not ocr.looks_like_paper(page):
            page.close()
            continue
        result = ocr.read_page(page, number=i + 1)
        page.close()
        out[i] = "\n".join(result.lines)
        read.append(result)
    if sum(len(t.strip()) for t in out) < _MIN_CHARS:
        raise NoTextLayer(
            f"PDF没有文字层（{n}页均为图片），文字识别也没有找到文字：请提供带文字层的PDF或清晰的扫描件",
            path=path
        )
    return out, ocr.notes(read)


class _Untrusted(Exception):
    """pdfium's boxes for this page are not the ones pdfplumber would use."""


class _Plumber:
    """pdfplumber on the same bytes, opened only when a page needs it."""

    def __init__(self, data: bytes, path: str) -> None:
        self.data, self.path, self.pdf = data, path, None

    def open(self) -> Any:
        if self.pdf is None:
            import io

            import pdfplumber

            try:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
            except Exception as exc:  # pdfminer raises many kinds on junk
                raise _unreadable(exc, self.path) from None
        return self.pdf

    def n_pages(self) -> int:
        pdf = self.open()
        try:
            return len(pdf.pages)
        except Exception as exc:
            raise _unreadable(exc, self.path) from None

    def page(self, i: int) -> Any:
        return self.open().pages[i]

    def text(self, i: int) -> str:
        try:
            return self.page(i).extract_text() or ""
        except UnsupportedFormat:
            raise
        except Exception as exc:
            raise UnsupportedFormat(f"cannot read PDF page {i + 1}: {type(exc).__name__}", path=self.path) from None

    def tables(self, i: int) -> list[list[list[str]]]:
        try:
            return [[[" ".join((c or "").split()) for c in row] for row in t] for t in self.page(i).extract_tables()]
        except Exception:
            return []  # table candidates are a bonus; the text layer is authoritative

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _chars_text(chars: list[dict[str, Any]], page: Any) -> str:
    """The page text exactly as pdfplumber's ``extract_text()`` gives it, from pdfium's
    characters (:func:`_page_chars`)."""
    if not chars:
        return ""
    text = _lines_text(chars)
    if text is not None:
        return text
    from pdfplumber.utils.text import chars_to_textmap

    w, h = page.get_width(), page.get_height()
    return chars_to_textmap(chars, layout_bbox=(0, 0, w, h), layout_width=w, layout_height=h).as_string


def _cluster(items: list[Any], key: Any, tolerance: float, preserve_order: bool) -> list[list[Any]]:
    """pdfplumber's ``cluster_objects``: values within ``tolerance`` of the previous one
    (sorted) share a cluster; objects grouped by cluster, in cluster order or kept in
    their own order (then a cluster met again starts a new group)."""
    values = sorted(set(map(key, items)))
    ids: dict[float, int] = {}
    n, last = 0, None
    for v in values:
        if last is not None and not v <= last + tolerance:
            n += 1
        ids[v] = n
        last = v
    tagged = [(x, ids[key(x)]) for x in items]
    if not preserve_order:
        tagged.sort(key=itemgetter(1))
    return [[x for x, _ in group] for _, group in groupby(tagged, key=itemgetter(1))]


def _lines_text(chars: list[dict[str, Any]]) -> str | None:
    """pdfplumber's ``extract_text()`` (default settings, not layout) of upright
    characters, step for step but without its text map: characters clustered into lines
    by ``top``, each line in ``x0`` order cut into words (at a blank, a step back, a gap
    wider than the tolerance, a jump in ``top``), ligatures expanded; words then clustered
    into lines by their ``top`` in reading order, one space between words, one newline
    between lines. ``None`` for other characters (pdfplumber's own code reads them)."""
    from pdfplumber.utils.text import LIGATURES

    if not all(c["upright"] is True and c["text"] for c in chars):
        return None
    tol = _X_TOLERANCE  # pdfplumber's x and y tolerance are both 3
    words: list[tuple[float, str]] = []
    for line in _cluster(chars, itemgetter("top"), tol, False):
        line.sort(key=lambda c: (c["x0"], c["x0"]))
        word: list[dict[str, Any]] = []
        for c in line:
            if c["text"].isspace():
                if word:
                    words.append(_word(word, LIGATURES))
                word = []
                continue
            if word:
                p = word[-1]
                if c["x0"] < p["x0"] or c["x0"] > p["x1"] + tol or abs(c["top"] - p["top"]) > tol:
                    words.append(_word(word, LIGATURES))
                    word = []
            word.append(c)
        if word:
            words.append(_word(word, LIGATURES))
    lines = _cluster(words, itemgetter(0), tol, True)
    return "\n".join(" ".join(w[1] for w in line) for line in lines)


def _word(chars: list[dict[str, Any]], ligatures: dict[str, str]) -> tuple[float, str]:
    return min(c["top"] for c in chars), "".join(ligatures.get(c["text"], c["text"]) for c in chars)


def _page_chars(page: Any) -> list[dict[str, Any]]:
    """pdfplumber-style character dicts (x0, x1, top, bottom in points from the top left).
    Raises :class:`_Untrusted` where pdfium's boxes may differ from pdfminer's."""
    import pypdfium2.raw as R

    box = page.get_mediabox()
    if page.get_rotation() or box[:2] != (0, 0) or page.get_cropbox() != box:
        raise _Untrusted  # pdfplumber measures from the MediaBox, unrotated; keep it simple
    tp = page.get_textpage()
    try:
        n = R.FPDFText_CountChars(tp)
        if n <= 0:
            return []
        buf = ctypes.create_string_buffer((n + 1) * 2)
        got = R.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")
        if len(text) != n:  # characters outside the BMP: indices no longer line up
            raise _Untrusted
        height = page.get_height()
        rect = R.FS_RECTF()
        m = R.FS_MATRIX()
        rect_ref, m_ref = ctypes.byref(rect), ctypes.byref(m)
        raw = tp.raw  # the bare handle: ctypes converts the helper object on every call
        generated, font_size, loose_box = R.FPDFText_IsGenerated, R.FPDFText_GetFontSize, R.FPDFText_GetLooseCharBox
        out: list[dict[str, Any]] = []
        sizes: dict[tuple[float, float], float] = {}
        gap = False  # pdfium made a space here (it turns some real space glyphs into these)
        prev: dict[str, Any] | None = None
        blanks: list[tuple[float, float, float]] | None = None  # made when first needed
        for i, ch in enumerate(text):
            if ch in " \r\n" and generated(raw, i):
                gap = ch == " "
                continue
            if ch in "\ufffd\ufffe\uffff\x00":  # unmapped glyph: pdfminer writes (cid:n)
                raise _Untrusted
            loose_box(raw, i, rect_ref)
            # pdfminer's size is the font size times the text's vertical scale; the
            # matrix is fetched once per (font size, box height), i.e. per font and scale
            key = (font_size(raw, i), rect.top - rect.bottom)
            size = sizes.get(key)
            if size is None:
                R.FPDFText_GetMatrix(raw, i, m_ref)
                if m.b or m.c or m.a <= 0 or m.d <= 0:  # rotated or mirrored text
                    raise _Untrusted
                size = sizes[key] = key[0] * m.d
            x0, x1 = rect.left, rect.right
            if x1 - x0 > 1.5 * size + 0.5:  # vertical writing: pdfium's box spans the advance
                prev = _vertical_char(ch, rect, key[0], raw, i, m, height)
                out.append(prev)
                gap = False
                continue
            bottom = height - rect.bottom
            if gap and prev is not None and 0.5 < x0 - prev["x1"] <= _X_TOLERANCE and not (
                _WIDE.match(ch) and _WIDE.match(prev["text"])
            ):
                # pdfium made a space in a gap too narrow to split words by itself: was
                # there a space glyph (pdfminer keeps it, and it splits) or only kerning?
                # It matters unless both sides are CJK (``_despace`` drops that space).
                # pdfium leaves a real space glyph out of its text when it draws its own
                # space there, so a text object left blank in the gap means a space.
                # Without one it is most likely kerning, but such pages (seen from office
                # exporters) also had boxes pdfminer places differently: pdfplumber reads them.
                if blanks is None:
                    blanks = _blank_objects(page, tp, height)
                if not _space_glyph(blanks, prev, x0, bottom - size, bottom):
                    raise _Untrusted
                out.append({**prev, "text": " ", "x0": prev["x1"], "x1": x0})
            gap = False
            prev = {"text": ch, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom,
                    "doctop": bottom - size, "upright": True, "size": size}
            out.append(prev)
        return out
    finally:
        tp.close()


def _vertical_char(ch: str, rect: Any, font_size: float, raw: Any, i: int, m: Any, height: float) -> dict[str, Any]:
    """pdfminer's box of a character of a vertical (CID, Identity-V) font, from pdfium's.

    pdfium's loose box of such a character takes its vertical origin (vx, vy) and
    vertical advance w1y from the font but forgets the text matrix's scale in them,
    so with the matrix (a, d, e, f) the three can be solved for; pdfminer's box is then
    ``x0 = e - a·vx·F``, ``x1 = x0 + a·F``, y from ``f + d·(1 - vy)·F`` down by
    ``d·w1y·F`` (F the font size, per mille units). pdfminer's vx is 500 unless the
    font's W2 says otherwise, pdfium's is half the glyph width: only vx = 500 is certain."""
    import pypdfium2.raw as R

    R.FPDFText_GetMatrix(raw, i, m)
    a, d, e, f = m.a, m.d, m.e, m.f
    if m.b or m.c or a <= 0 or abs(a - d) > 1e-6 or abs(1 - a) < 1e-3 or font_size <= 0:
        raise _Untrusted
    vx = (rect.left - e + 0.5 * font_size) * 1000 / (font_size * (1 - a))
    vy = (rect.top - f) * 1000 / (font_size * (1 - d))
    w1y = (rect.bottom - rect.top) * 1000 / font_size
    if abs(vx - 500) > 0.01:
        raise _Untrusted
    vy, w1y = round(vy, 3), round(w1y, 3)
    x0 = e - a * font_size * 0.5
    y1 = f + d * (1000 - vy) * font_size * 0.001
    y0 = y1 + d * w1y * font_size * 0.001
    y0, y1 = min(y0, y1), max(y0, y1)
    size = a * font_size  # pdfminer: a vertical character's size is its width
    return {"text": ch, "x0": x0, "x1": x0 + size, "top": height - y1, "bottom": height - y0,
            "doctop": height - y1, "upright": True, "size": size}


def _blank_objects(page: Any, tp: Any, height: float) -> list[tuple[float, float, float]]:
    """Text objects whose glyphs pdfium shows as no text (its generated spaces stand in
    for them): (left, right, distance of the baseline from the top) each."""
    import pypdfium2.raw as R

    out: list[tuple[float, float, float]] = []
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    for k in range(R.FPDFPage_CountObjects(page)):
        obj = R.FPDFPage_GetObject(page, k)
        if R.FPDFPageObj_GetType(obj) != R.FPDF_PAGEOBJ_TEXT or R.FPDFTextObj_GetText(obj, tp, None, 0) > 2:
            continue  # more than the terminating NUL (two bytes): it has text
        R.FPDFPageObj_GetBounds(obj, l, b, r, t)
        out.append((l.value, r.value, height - b.value))
    return out


def _space_glyph(blanks: list[tuple[float, float, float]], prev: dict[str, Any], x0: float, top: float,
                 bottom: float) -> bool:
    """Whether a blank text object (a space glyph) stands between ``prev`` and the next
    character at ``x0``, on their line."""
    lo, hi = min(top, prev["top"]), max(bottom, prev["bottom"])
    start = prev["x1"] - 0.5  # pdfium's box of ``prev`` may end a little after its advance
    return any(start <= left and right <= x0 + 0.01 and lo <= y <= hi for left, right, y in blanks)


class _Geometry:
    """What pdfplumber's table finder reads of a page (chars, edges, bbox), from pdfium."""

    def __init__(self, chars: list[dict[str, Any]], edges: list[dict[str, Any]], bbox: tuple[float, ...]) -> None:
        self.chars, self.edges, self.bbox = chars, edges, bbox


def _tables(page: Any, chars: list[dict[str, Any]]) -> list[list[list[str]]]:
    """``pdfplumber``'s ``extract_tables()`` (default settings: ruling lines) on pdfium's
    characters and paths."""
    from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

    try:
        edges = _page_edges(page)
        if not edges:
            return []
        settings = TableSettings.resolve(None)
        geometry = _Geometry(chars, edges, (0, 0, page.get_width(), page.get_height()))
        # TableFinder's own steps, with its cell search replaced by the same search on
        # edge sets made once (it rebuilds them for every pair of points it tries)
        finder = TableFinder.__new__(TableFinder)
        finder.page, finder.settings = geometry, settings  # type: ignore[assignment]
        points = edges_to_intersections(finder.get_edges(), settings.intersection_x_tolerance,
                                        settings.intersection_y_tolerance)
        tables = [Table(geometry, group) for group in cells_to_tables(_cells(points))]  # type: ignore[arg-type]
        return [_extract(t, chars, settings.text_settings or {}) for t in tables]
    except Exception:
        return []  # table candidates are a bonus; the text layer is authoritative


def _cells(intersections: dict[tuple[float, float], dict[str, list[dict[str, Any]]]]) -> list[tuple[float, ...]]:
    """pdfplumber's ``intersections_to_cells``, step for step: for each point in sorted
    order, the first point below and the first to the right joined to it by an edge, and
    the corner that closes the cell; two points are joined when on one vertical (or
    horizontal) line they share an edge (its bounding box)."""
    from operator import itemgetter

    bbox = itemgetter("x0", "top", "x1", "bottom")
    vert = {p: {bbox(e) for e in d["v"]} for p, d in intersections.items()}
    horiz = {p: {bbox(e) for e in d["h"]} for p, d in intersections.items()}

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        return (p1[0] == p2[0] and not vert[p1].isdisjoint(vert[p2])) or (
            p1[1] == p2[1] and not horiz[p1].isdisjoint(horiz[p2])
        )

    points = sorted(intersections)
    same_x: dict[float, list[int]] = {}
    same_y: dict[float, list[int]] = {}
    for k, p in enumerate(points):
        same_x.setdefault(p[0], []).append(k)
        same_y.setdefault(p[1], []).append(k)
    cells: list[tuple[float, ...]] = []
    for i, pt in enumerate(points[:-1]):
        right = [points[j] for j in same_y[pt[1]] if j > i]
        found = None
        for below_pt in (points[j] for j in same_x[pt[0]] if j > i):
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _extract(table: Any, chars: list[dict[str, Any]], text_settings: dict[str, Any]) -> list[list[str]]:
    """pdfplumber's ``Table.extract()`` with each cell's whitespace collapsed: the same
    rule for which character is in which row and cell (its centre, half-open box), each
    centre computed once and only those in the table looked at; a cell whose characters
    are all on one line is read directly (what ``extract_text`` does for one line), the
    others by ``extract_text``."""
    from pdfplumber.utils.text import extract_text

    tx0, ttop, tx1, tbottom = table.bbox
    mids = []
    for k, c in enumerate(chars):
        h, v = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        if tx0 <= h <= tx1 and ttop <= v <= tbottom:
            mids.append((v, k, h, c))
    mids.sort(key=itemgetter(0, 1))  # by centre height: a row's characters are one slice
    heights = [m[0] for m in mids]
    out: list[list[str]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        band = mids[bisect_left(heights, top):bisect_left(heights, bottom)]  # top <= v < bottom
        band.sort(key=itemgetter(1))  # back in the page's order, as pdfplumber has them
        in_row = [(h, v, c) for v, _, h, c in band if x0 <= h < x1]
        arr: list[str] = []
        for cell in row.cells:
            if cell is None:
                arr.append("")
                continue
            cx0, ctop, cx1, cbottom = cell
            got = [c for h, v, c in in_row if cx0 <= h < cx1 and ctop <= v < cbottom]
            text = _one_line(got)
            if text is None:
                text = extract_text(got, **text_settings) if got else ""
            arr.append(" ".join(text.split()))
        out.append(arr)
    return out


def _one_line(chars: list[dict[str, Any]]) -> str | None:
    """The text of characters that are all upright and on one line, as pdfplumber's
    ``extract_text`` gives it (up to whitespace): in ``x0`` order, a new word after a
    blank or a gap wider than its tolerance, ligatures expanded. ``None`` otherwise."""
    if not chars:
        return ""
    tops = [c["top"] for c in chars]
    if max(tops) - min(tops) >= 2.9 or not all(c["upright"] and c["text"] for c in chars):
        return None  # clustering into lines could split them: pdfplumber decides
    from pdfplumber.utils.text import LIGATURES

    words: list[str] = []
    word: list[str] = []
    prev: dict[str, Any] | None = None
    for c in sorted(chars, key=lambda c: (c["x0"], c["x0"])):  # pdfplumber's sort key
        t = c["text"]
        if t.isspace():
            if word:
                words.append("".join(word))
            word, prev = [], None
            continue
        if prev is not None and (c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + _X_TOLERANCE):
            words.append("".join(word))
            word = []
        word.append(LIGATURES.get(t, t))
        prev = c
    if word:
        words.append("".join(word))
    return " ".join(words)


def _page_edges(page: Any) -> list[dict[str, Any]]:
    """The page's ruling edges as pdfplumber makes them: paths split into subpaths and
    classed as pdfminer does (line, rectangle, curve), lines first, then rectangles, then
    curves, each in drawing order."""
    from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

    lines: list[dict[str, Any]] = []
    rects: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []
    height = page.get_height()
    for pts, shape in _subpaths(page):
        obj = _classify(pts, shape, height)
        if obj is not None:
            {"line": lines, "rect": rects, "curve": curves}[obj["object_type"]].append(obj)
    return (
        [line_to_edge(x) for x in lines]
        + [e for r in rects for e in rect_to_edges(r)]
        + [e for c in curves for e in curve_to_edges(c)]
    )


def _subpaths(page: Any) -> list[tuple[list[tuple[float, float]], str]]:
    """Every painted subpath on the page: its points in page space and its operators
    (pdfminer's letters: m, l, c, h)."""
    import pypdfium2.raw as R

    out: list[tuple[list[tuple[float, float]], str]] = []
    m = R.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    m_ref, x_ref, y_ref = ctypes.byref(m), ctypes.byref(x), ctypes.byref(y)
    # bound once: ctypes looks them up on the module at every call otherwise
    obj_type, obj_matrix = R.FPDFPageObj_GetType, R.FPDFPageObj_GetMatrix
    n_segments, segment, seg_point = R.FPDFPath_CountSegments, R.FPDFPath_GetPathSegment, R.FPDFPathSegment_GetPoint
    seg_type, seg_close = R.FPDFPathSegment_GetType, R.FPDFPathSegment_GetClose
    PATH, FORM, MOVETO, BEZIERTO = R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM, R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_BEZIERTO

    def walk(count: int, get: Any, holder: Any, parent: tuple[float, ...]) -> None:
        for k in range(count):
            obj = get(holder, k)
            kind = obj_type(obj)
            if kind != PATH and kind != FORM:
                continue
            obj_matrix(obj, m_ref)
            mat = _compose((m.a, m.b, m.c, m.d, m.e, m.f), parent)
            if kind == FORM:
                walk(R.FPDFFormObj_CountObjects(obj), R.FPDFFormObj_GetObject, obj, mat)
                continue
            a, b, c, d, e, f = mat
            pts: list[tuple[float, float]] = []
            shape = ""
            bez = 0
            for j in range(n_segments(obj)):
                seg = segment(obj, j)
                seg_point(seg, x_ref, y_ref)
                sx, sy = x.value, y.value
                px, py = a * sx + c * sy + e, b * sx + d * sy + f
                kind_ = seg_type(seg)
                if kind_ == MOVETO:
                    if shape:
                        out.append((pts, shape))
                    pts, shape = [(px, py)], "m"
                elif kind_ == BEZIERTO:
                    bez += 1
                    if bez % 3:  # control points: pdfminer keeps only a curve's end point
                        continue
                    pts.append((px, py))
                    shape += "c"
                else:
                    pts.append((px, py))
                    shape += "l"
                if seg_close(seg) and pts:
                    pts.append(pts[0])
                    shape += "h"
            if shape:
                out.append((pts, shape))

    walk(R.FPDFPage_CountObjects(page.raw), R.FPDFPage_GetObject, page.raw, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    return out


def _compose(m: tuple[float, ...], parent: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix ``m`` followed by ``parent`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = parent
    if parent == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
        return m
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _classify(pts: list[tuple[float, float]], shape: str, height: float) -> dict[str, Any] | None:
    """pdfminer's ``paint_path`` for one subpath, as pdfplumber's object dict."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("mlh", "ml"):
        kind, pts = "line", pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        kind = "rect" if pts[0] == pts[4] and square else "curve"
    elif shape[:1] == "m":
        kind = "curve"
    else:
        return None
    if kind == "rect":
        xs, ys = (pts[0][0], pts[2][0]), (pts[0][1], pts[2][1])
    else:
        xs, ys = tuple(p[0] for p in pts), tuple(p[1] for p in pts)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    obj = {"object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "width": x1 - x0, "height": y1 - y0,
           "top": height - y1, "bottom": height - y0, "doctop": height - y1}
    if kind == "curve":
        obj["pts"] = [(px, height - py) for px, py in pts]
    return obj


def _despace(line: str) -> str:
    # twice: "年 1 月" needs the space after the digit gone before the one before it
    line = _SPACE_CJK.sub("", line)
    return _SPACE_DIGIT_CJK.sub("", _SPACE_DIGIT_CJK.sub("", line)).strip()


# A page number as printed: "- 3 -", "第 3 页 共 9 页". A bare digit line is one only
# when it is the page's own number at its top or bottom; anywhere else it may be a
# table cell printed on its own line.
PAGE_MARK = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$|^\s*第\s*\d+\s*页(\s*共\s*\d+\s*页)?\s*$")


def strip_page_marks(raw: str, page: int) -> tuple[str, list[str]]:
    """The page's text without its page number, and what was removed (for the notes).

    Only the first and last non-empty lines are candidates: a page mark, or a bare
    number equal to the page's own number. Nothing else is dropped."""
    lines = raw.split("\n")
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    removed: list[str] = []
    for i in dict.fromkeys(filled[:1] + filled[-1:]):
        s = lines[i].strip()
        if PAGE_MARK.match(s) or (s.isdigit() and int(s) == page):
            removed.append(s)
            lines[i] = ""
    return "\n".join(lines), removed


def join_wrapped_lines(raw: str) -> tuple[list[str], bool]:
    """Paragraphs of one page, and whether the last one runs on to the next page.
    Every non-empty line is kept (page numbers are taken off by
    :func:`strip_page_marks` first)."""
    lines = [ln.rstrip() for ln in raw.split("\n")]
    lines = [ln for ln in lines if ln.strip()]
    lines = [_despace(ln) for ln in lines]
    if not lines:
        return [], False
    # the layout's line width is the most common length of long lines
    counts = Counter(len(ln) for ln in lines if len(ln) >= 15) or Counter(len(ln) for ln in lines)
    full = max(counts, key=lambda n: (counts[n] + counts.get(n - 1, 0) + counts.get(n + 1, 0), n))
    out: list[str] = []
    cur = ""
    wrapped = False
    for ln in lines:
        if _TABLE_ROW.search(ln):  # Markdown/pipe table rows keep their own lines
            if cur:
                out.append(cur)
                cur = ""
            out.append(ln)
            wrapped = False
            continue
        if cur and _HEADING.match(ln):
            out.append(cur)
            cur = ""
        cur += ln
        wrapped = (
            len(ln) >= full - 2
            and not ln.endswith(_ENDS_SENTENCE)
            and not _NUMERIC_TAIL.search(ln)
        )
        if not wrapped:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out, wrapped


def read_pdf(data: bytes, path: str) -> Extracted:
    """Text and table candidates of a PDF; a PDF that cannot be read (a page tree
    nested thousands of levels deep, junk after the header) is one line of error."""
    # pdfminer logs a warning per damaged operator to stderr; a damaged PDF is one
    # line of error or a scored report, never a screenful of log
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return _read_pdf_pages(data, path)
    except (UnsupportedFormat, NoTextLayer):
        raise
    except Exception as exc:  # pdfminer and pdfium raise many kinds on junk
        raise _unreadable(exc, path) from None


def _unreadable(exc: BaseException, path: str) -> UnsupportedFormat:
    if _too_deep(exc):
        return UnsupportedFormat(MESSAGES["too_deep"], path=path)
    return UnsupportedFormat(MESSAGES["broken"].format(what=type(exc).__name__), path=path)


def _too_deep(exc: BaseException) -> bool:
    """A page tree or object chain nested thousands of levels deep exhausts the
    recursion limit; pdfplumber wraps the RecursionError in its own exception."""
    e: BaseException | None = exc
    for _ in range(10):
        if e is None:
            return False
        if isinstance(e, RecursionError) or "recursion" in str(e)[:200]:
            return True
        e = e.__cause__ or e.__context__
    return False
