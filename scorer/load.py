"""``load(path) -> Document``: any report file to a clean, located text.

Format is detected from the bytes, not the extension: ``%PDF`` → PDF, a zip with
``word/document.xml`` → DOCX, markup → HTML, anything else that decodes → text or
Markdown. The blocks each reader returns are cleaned (scorer.clean), assembled into
one text whose offsets every later stage uses, then sections and metadata are found.
"""
from __future__ import annotations

import os
import re
import stat

from scorer.clean import clean_blocks
from scorer.errors import EmptyDocument, LoadError, NotAReport, TooLarge, UnsupportedFormat, shown
from scorer.formats import Block, Extracted
from scorer.lines import source_line_anchors
from scorer.metadata import MetaInput, cjk_count, detect_metadata, parse_date
from scorer.model import Document, MetaValue, RawTable
from scorer.sections import find_sections
from scorer.words import KIND_NAMES

__all__ = ["load", "load_bytes", "read_limited", "not_a_report", "MAX_BYTES", "MESSAGES"]

#: Files over this size are refused (a real annual report is well under 10 MB).
MAX_BYTES = 50 * 1024 * 1024

#: Every message this module raises, in one place: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "missing": "文件不存在，请检查路径是否正确",
    "unreadable": "无法读取文件（{reason}），请检查文件是否存在以及读取权限",
    "directory": "这是一个目录而不是文件，请指定报告文件",
    "special": "不是普通文件（{what}），请指定保存在磁盘上的报告文件",
    "too_large": "文件超过{limit} MB上限（{size}），请确认上传的是年度报告本身",
    "empty": "文件为空，请检查是否上传了正确的文件",
    "whitespace": "文件只有空白字符，请检查是否上传了正确的文件",
    "no_text": "文档中没有找到文字，请检查是否上传了正确的文件",
    "no_chinese": "没有找到中文正文，不是年度报告，请检查是否上传了正确的文件",
    "bad_date": "发布日期{value}不是YYYY-MM-DD格式的日期，请改正后重试",
    "not_report": "不是政府信息公开工作年度报告（看起来是{what}），如确需评分请加 --kind report",
    "unsupported": "不支持的格式：{what}，请提供文字版报告（txt、md、html、docx或pdf）",
    "not_docx": "不是有效的DOCX文件（不是zip压缩包），请用Word重新另存为.docx",
    "not_pdf": "不是有效的PDF文件（缺少%PDF文件头），请重新导出PDF",
}

_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|table|div|p)[\s>/]", re.I)
_IMAGE_MAGIC = {
    b"\x89PNG": "PNG图片",
    b"\xff\xd8\xff": "JPEG图片",
    b"GIF8": "GIF图片",
    b"\xd0\xcf\x11\xe0": "旧版Word/Excel文件（.doc/.xls，请另存为.docx）",
    b"Rar!": "RAR压缩包",
    b"\x1f\x8b": "gzip压缩包",
    b"7z\xbc\xaf": "7z压缩包",
}
# what a file that is not a regular one is, for the message
_SPECIAL = ((stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
            (stat.S_ISSOCK, "套接字"))


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
    data = read_limited(p)
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


def read_limited(path: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` (default :data:`MAX_BYTES`) bytes.

    Special files are refused before they are read: ``/dev/zero`` never ends and a
    FIFO blocks until someone writes. The file is opened non-blocking and checked on
    the open descriptor (no race with a swapped path), and at most ``limit + 1`` bytes
    are read, so a file that grows while read is refused too.

    Raises
    ------
    LoadError
        Missing, unreadable, a directory or special file; :class:`TooLarge` over the limit.
    """
    limit = MAX_BYTES if limit is None else limit
    try:
        # before opening: opening a device can itself have effects
        _check_regular(os.stat(path), path, limit)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise LoadError(MESSAGES["missing"], path=path) from None
    except IsADirectoryError:
        raise LoadError(MESSAGES["directory"], path=path) from None
    except OSError as exc:
        raise LoadError(MESSAGES["unreadable"].format(reason=exc.strerror or type(exc).__name__), path=path) from None
    with os.fdopen(fd, "rb", buffering=0) as fh:
        _check_regular(os.fstat(fd), path, limit)  # the path may have been swapped meanwhile
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        got = 0
        try:
            while got <= limit:
                chunk = fh.read(min(1 << 20, limit + 1 - got))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        except OSError as exc:
            raise LoadError(MESSAGES["unreadable"].format(reason=exc.strerror or type(exc).__name__), path=path) from None
    if got > limit:
        raise TooLarge(_too_large(got, limit, grew=True), path=path)
    return b"".join(chunks)


def _check_regular(st: os.stat_result, path: str, limit: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise LoadError(MESSAGES["directory"], path=path)
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _SPECIAL if test(st.st_mode)), "特殊文件")
        raise LoadError(MESSAGES["special"].format(what=what), path=path)
    if st.st_size > limit:
        raise TooLarge(_too_large(st.st_size, limit), path=path)


def _too_large(size: int, limit: int, grew: bool = False) -> str:
    what = "读取中仍在增长" if grew else f"{size / 1048576:.0f} MB"
    return MESSAGES["too_large"].format(limit=limit // 1048576, size=what)


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
        raise TooLarge(_too_large(len(data), MAX_BYTES), path=path)
    if not data.strip():
        raise EmptyDocument(MESSAGES["empty"] if not data else MESSAGES["whitespace"], path=path)
    ex = _extract(data, path, encoding)
    cleaned = clean_blocks(ex.blocks)
    text, raw_tables, pages = _assemble(cleaned.blocks, ex)
    if not text.strip():
        raise EmptyDocument(MESSAGES["no_text"], path=path)
    # CJK characters, counted once and only as far as the stub-page note below needs
    body_chars = cjk_count(text, limit=300)
    if body_chars < 10:
        raise EmptyDocument(MESSAGES["no_chinese"], path=path)

    overrides: dict[str, MetaValue] = {}
    if agency:
        overrides["agency"] = MetaValue(agency, source)
    if report_year:
        overrides["report_year"] = MetaValue(int(report_year), source)
    if published_on:
        d = parse_date(published_on)
        if d is None:
            raise LoadError(MESSAGES["bad_date"].format(value=shown(published_on)), path=path)
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
        raise NotAReport(not_a_report(doc.kind), path=path)
    return doc


def not_a_report(kind: str) -> str:
    """The message for a document that is not an annual report (one wording for the
    loader and the pipeline)."""
    return MESSAGES["not_report"].format(what=KIND_NAMES.get(kind, KIND_NAMES["other"]))


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
            raise UnsupportedFormat(MESSAGES["unsupported"].format(what=what), path=path)
    if ext == ".docx":
        raise UnsupportedFormat(MESSAGES["not_docx"], path=path)
    if ext == ".pdf":
        raise UnsupportedFormat(MESSAGES["not_pdf"], path=path)
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
    if ex.format in ("pdf", "pdf-ocr"):
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

