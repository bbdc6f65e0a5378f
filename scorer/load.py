"""``load(path) -> Document``: any report file to a clean, located text.

Format is detected from the bytes, not the extension: ``%PDF`` → PDF, a zip with
``word/document.xml`` → DOCX, markup → HTML, anything else that decodes → text or
Markdown. The blocks each reader returns are cleaned (scorer.clean), assembled into
one text whose offsets every later stage uses, then sections and metadata are found.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from scorer.clean import clean_blocks
from scorer.errors import EmptyDocument, LoadError, NotAReport, TooLarge, UnsupportedFormat
from scorer.formats import Block, Extracted
from scorer.lines import source_line_anchors
from scorer.metadata import MetaInput, cjk_count, detect_metadata, parse_date
from scorer.model import Document, MetaValue, RawTable
from scorer.sections import find_sections

__all__ = ["load", "load_bytes", "MAX_BYTES"]

#: Files over this size are refused (a real annual report is well under 10 MB).
MAX_BYTES = 50 * 1024 * 1024

_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|table|div|p)[\s>/]", re.I)
_IMAGE_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\xd0\xcf\x11\xe0": "old Word/Excel (.doc/.xls) file; save it as .docx",
    b"Rar!": "RAR archive",
    b"\x1f\x8b": "gzip archive",
    b"7z\xbc\xaf": "7z archive",
}


def load(
    path: str | os.PathLike[str],
    *,
    agency: str | None = None,
    report_year: int | None = None,
    published_on: str | None = None,
    kind: str | None = None,
    encoding: str | None = None,
    deadline: str | None = None,
    source: str = "flag",
    require_report: bool = False,
) -> Document:
    """Load a report (txt, md, HTML, DOCX, PDF) into a :class:`~scorer.model.Document`.

    Parameters
    ----------
    path : path of the file.
    agency, report_year, published_on, kind : override detected metadata; their
        source is recorded as ``source`` ("flag" for CLI options, "manifest" for a
        batch manifest row).
    encoding : force a text encoding (e.g. ``"gbk"``) instead of detection.
    deadline : publication deadline (ISO date) when a manifest gives one.
    require_report : raise :class:`~scorer.errors.NotAReport` unless the document is
        an annual report (scoring needs one; ``inspect`` does not).

    Raises
    ------
    LoadError
        With a one-line message naming the file: missing, empty, too large, binary,
        undecodable, a broken DOCX, a PDF without a text layer, or not a report.

    Example
    -------
    >>> doc = load("corpora/seeds/003_8030f6624176119d.txt")
    >>> doc.kind, doc.report_year
    ('report', 2021)
    """
    p = str(path)
    try:
        size = os.path.getsize(p)
    except FileNotFoundError:
        raise LoadError("no such file", path=p) from None
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", path=p) from None
    if os.path.isdir(p):
        raise LoadError("is a directory, not a file", path=p)
    if size > MAX_BYTES:
        raise TooLarge(f"file is {size / 1048576:.0f} MB, over the {MAX_BYTES // 1048576} MB limit", path=p)
    try:
        data = Path(p).read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}", path=p) from None
    return load_bytes(
        data,
        p,
        agency=agency,
        report_year=report_year,
        published_on=published_on,
        kind=kind,
        encoding=encoding,
        deadline=deadline,
        source=source,
        require_report=require_report,
    )


def load_bytes(
    data: bytes,
    path: str,
    *,
    agency: str | None = None,
    report_year: int | None = None,
    published_on: str | None = None,
    kind: str | None = None,
    encoding: str | None = None,
    deadline: str | None = None,
    source: str = "flag",
    require_report: bool = False,
) -> Document:
    """:func:`load` for bytes already in memory; ``path`` names them in messages."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"file is {len(data) / 1048576:.0f} MB, over the {MAX_BYTES // 1048576} MB limit", path=path)
    if not data.strip():
        raise EmptyDocument("file is empty" if not data else "file holds only whitespace", path=path)
    ex = _extract(data, path, encoding)
    cleaned = clean_blocks(ex.blocks)
    text, raw_tables, pages = _assemble(cleaned.blocks, ex)
    if not text.strip():
        raise EmptyDocument("no text found in the document", path=path)
    # CJK characters, counted once and only as far as the stub-page note below needs
    body_chars = cjk_count(text, limit=300)
    if body_chars < 10:
        raise EmptyDocument("no Chinese text found: not a report", path=path)

    overrides: dict[str, MetaValue] = {}
    if agency:
        overrides["agency"] = MetaValue(agency, source)
    if report_year:
        overrides["report_year"] = MetaValue(int(report_year), source)
    if published_on:
        d = parse_date(published_on)
        if d is None:
            raise LoadError(f"published_on {published_on!r} is not a date YYYY-MM-DD", path=path)
        overrides["published_on"] = MetaValue(d.isoformat(), source)
    if kind:
        overrides["kind"] = MetaValue(kind, source)

    sections = find_sections(text)
    meta = detect_metadata(
        MetaInput(text=text, path=path, header=cleaned.header, page_time=cleaned.page_time, overrides=overrides),
        n_sections=sum(1 for s in sections if s.key),
    )
    notes = ex.notes + cleaned.notes + meta.notes
    if body_chars < 300:
        notes.append(f"正文仅{body_chars}个汉字，可能只是页面存根（正文在附件中）")
    if meta.kind.value == "report" and ex.format == "docx" and _blank_tables(raw_tables):
        notes.append("文档中的表格没有任何数字，可能是空白模板")
    doc = Document(
        path=path,
        format=ex.format,
        text=text,
        kind=meta.kind.value,
        title=meta.title.value if meta.title else None,
        agency=meta.agency.value if meta.agency else None,
        report_year=meta.report_year.value if meta.report_year else None,
        published_on=meta.published_on.value if meta.published_on else None,
        metadata_source=meta.sources(),
        sections=sections,
        tables=tuple(raw_tables),
        pages=tuple(pages),
        url=meta.url,
        encoding=ex.encoding,
        notes=tuple(notes),
        deadline=deadline,
        source_lines=_source_lines(data, ex, text),
    )
    if require_report and doc.kind != "report":
        from scorer.words import KIND_NAMES as NOT_A_REPORT_WORDS

        what = NOT_A_REPORT_WORDS.get(doc.kind, NOT_A_REPORT_WORDS["other"])
        raise NotAReport(f"not an annual report (looks like {doc.kind}: {what}); pass --kind report to score it anyway", path=path)
    return doc


def _source_lines(data: bytes, ex: Extracted, text: str) -> tuple[tuple[int, int], ...]:
    """Original line numbers of the text's lines, for files a person reads by line
    (txt, md); PDF pages and Word paragraphs are located otherwise."""
    if ex.format not in ("txt", "md") or not ex.encoding:
        return ()
    try:
        original = data.decode(ex.encoding, errors="replace")
    except LookupError:
        return ()
    return source_line_anchors(original, text)


def _extract(data: bytes, path: str, encoding: str | None) -> Extracted:
    head = data[:8]
    ext = os.path.splitext(path)[1].lower()
    if data.startswith(b"%PDF"):
        from scorer.formats.pdf import read_pdf

        return read_pdf(data, path)
    if data.startswith(b"PK\x03\x04"):
        from scorer.formats.docx import read_docx

        return read_docx(data, path)
    for magic, what in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedFormat(f"unsupported format: {what}", path=path)
    if ext == ".docx":
        raise UnsupportedFormat("not a valid DOCX (not a zip archive)", path=path)
    if ext == ".pdf":
        raise UnsupportedFormat("not a valid PDF (no %PDF header)", path=path)
    if _HTML_SNIFF.search(data[:4096]) and (ext in (".html", ".htm", ".shtml", "") or data.lstrip()[:1] == b"<"):
        from scorer.formats.html import read_html

        return read_html(data, path, encoding)
    from scorer.formats.text import read_text

    fmt = "md" if ext in (".md", ".markdown") else "txt"
    return read_text(data, path, encoding, fmt)


def _assemble(blocks: list[Block], ex: Extracted) -> tuple[str, list[RawTable], list[tuple[int, int]]]:
    """Join blocks into the located text; tables are rendered as `` | `` rows."""
    parts: list[str] = []
    tables: list[RawTable] = []
    page_bounds: dict[int, list[int]] = {}
    pos = 0
    for b in blocks:
        if parts:
            parts.append("\n")
            pos += 1
        if b.is_table:
            rows = tuple(tuple(r) for r in b.rows or [] if any(c.strip() for c in r))
            rendered = "\n".join(" | ".join(r) for r in rows)
            tables.append(RawTable(rows=rows, span=(pos, pos + len(rendered)), origin=b.origin, page=b.page))
            piece = rendered
        else:
            piece = b.text.rstrip()
        parts.append(piece)
        if b.page is not None:
            bounds = page_bounds.setdefault(b.page, [pos, pos + len(piece)])
            bounds[1] = pos + len(piece)
        pos += len(piece)
    text = "".join(parts)
    pages: list[tuple[int, int]] = []
    if ex.format == "pdf":
        for n in range(1, ex.n_pages + 1):
            if n in page_bounds:
                pages.append((page_bounds[n][0], page_bounds[n][1]))
            else:
                last = pages[-1][1] if pages else 0
                pages.append((last, last))
        # PDF table candidates: located on their page (pdfplumber gives no offsets)
        for n, rows in ex.pdf_tables:
            span = pages[n - 1] if 0 < n <= len(pages) else (0, 0)
            tables.append(RawTable(rows=tuple(tuple(r) for r in rows), span=span, origin="pdf", page=n))
    return text, tables, pages


def _blank_tables(tables: list[RawTable]) -> bool:
    return bool(tables) and not any(re.search(r"\d", c) for t in tables for r in t.rows[2:] for c in r)

