"""PDF with a text layer (pdfplumber): page text as lines, table candidates per page.

Prose lines wrapped by the layout are joined back into paragraphs so sentences are
whole; table rows (lines ending in numbers) keep their own lines.
"""
from __future__ import annotations

import io
import re

from scorer.errors import NoTextLayer, UnsupportedFormat
from scorer.formats import Block, Extracted

PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
_CJK = "\u3400-\u9fff\uf900-\ufaff"
# WPS/Word justification puts spaces between CJK characters and around digits.
_SPACE_CJK = re.compile(rf"(?<=[{_CJK}\u3000-\u303f\uff00-\uffef])[ \t]+(?=[{_CJK}\u3000-\u303f\uff00-\uffef])")
_SPACE_DIGIT_CJK = re.compile(rf"(?<=\d)[ \t]+(?=[{_CJK}])|(?<=[{_CJK}])[ \t]+(?=\d+[{_CJK}%])")
_ENDS_SENTENCE = tuple("。！？；：:;!?」』”）)")
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、．])")
_NUMERIC_TAIL = re.compile(r"(\d[\d\s.,]*)$")
_TABLE_ROW = re.compile(r"^\s*\||\|\s*$|\s\|\s")


def read_pdf(data: bytes, path: str) -> Extracted:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on junk
        raise UnsupportedFormat(f"cannot read PDF: {type(exc).__name__}", path=path) from None
    blocks: list[Block] = []
    tables: list[tuple[int, list[list[str]]]] = []
    chars = 0
    carry = False
    with pdf:
        n = len(pdf.pages)
        for i, page in enumerate(pdf.pages, start=1):
            try:
                raw = page.extract_text() or ""
            except Exception as exc:
                raise UnsupportedFormat(f"cannot read PDF page {i}: {type(exc).__name__}", path=path) from None
            chars += len(raw.strip())
            paras, open_end = join_wrapped_lines(raw)
            if paras and carry and not _HEADING.match(paras[0]):
                # a paragraph that runs over the page break stays one paragraph
                blocks[-1].text += paras.pop(0)
            for para in paras:
                blocks.append(Block(text=para, page=i, origin="pdf"))
            carry = open_end and bool(blocks)
            if re.search(r"\d\s+\d\s+\d", raw):  # only pages that look tabular
                try:
                    for t in page.extract_tables():
                        tables.append((i, [[" ".join((c or "").split()) for c in row] for row in t]))
                except Exception:
                    pass  # table candidates are a bonus; the text layer is authoritative
    if chars < 20:
        raise NoTextLayer(
            f"PDF has no text layer ({n} page(s) of images, probably scanned); run OCR first", path=path
        )
    return Extracted(format="pdf", blocks=blocks, pdf_tables=tables, n_pages=n)


def _despace(line: str) -> str:
    # twice: "年 1 月" needs the space after the digit gone before the one before it
    line = _SPACE_CJK.sub("", line)
    return _SPACE_DIGIT_CJK.sub("", _SPACE_DIGIT_CJK.sub("", line)).strip()


def join_wrapped_lines(raw: str) -> tuple[list[str], bool]:
    """Paragraphs of one page, and whether the last one runs on to the next page."""
    lines = [ln.rstrip() for ln in raw.split("\n")]
    lines = [ln for ln in lines if ln.strip() and not PAGE_NUMBER.match(ln.strip())]
    lines = [_despace(ln) for ln in lines]
    if not lines:
        return [], False
    from collections import Counter

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
