"""Plain text and Markdown: decoding with charset detection, one block per line."""
from __future__ import annotations

import codecs
import re

from scorer.errors import DecodeError, UnsupportedFormat, shown
from scorer.formats import Block, Extracted

#: Every message this module raises: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "forced": "无法按指定编码{encoding}解码（{reason}），请检查 --encoding 参数",
    "nul": "二进制数据（含NUL字节），不是文本文件，请提供报告的文字版",
    "binary": "二进制数据，不是文本文件，请提供报告的文字版",
    "unknown": "无法确定文本编码（既不是UTF-8也不是GBK），请用 --encoding 指定编码",
}

# Encodings Chinese government sites actually serve, tried in this order when the
# bytes are not valid UTF-8 (GB18030 is a superset of GBK and GB2312).
_FALLBACKS = ("gb18030", "big5")
#: Damaged UTF-8 sequences tolerated (with a note) before other encodings are tried:
#: a few, or one per this many good multi-byte characters. GBK read as UTF-8 fails
#: on nearly every Chinese character, far from either.
_FEW_BAD_BYTES = 8
_GOOD_PER_BAD = 20
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NUMBER_COLUMNS = re.compile(r"\d\s+\d\s+\d")
# Control characters other than \t \n \f \r, and the Private Use Area: a text
# holding many of them is binary or wrongly decoded.
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff]")


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Decode bytes to str. Returns (text, encoding, notes).

    UTF-8 (with or without BOM) and UTF-16 with BOM are taken as such; otherwise
    GB18030 is tried, then charset-normalizer decides. Text that is mostly control
    characters is binary, not a document.
    """
    notes: list[str] = []
    if encoding:
        try:
            return data.decode(encoding), encoding, notes
        except (LookupError, UnicodeDecodeError) as exc:
            reason = "未知编码" if isinstance(exc, LookupError) else f"第{exc.start}字节处无效"
            raise DecodeError(MESSAGES["forced"].format(encoding=shown(encoding), reason=reason), path=path) from None
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", notes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16", notes
    if data[:4096].count(b"\x00") > 2:  # a stray NUL or two is damage, many are binary
        raise UnsupportedFormat(MESSAGES["nul"], path=path)
    try:
        return data.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Truncated UTF-8: valid except for a cut multi-byte sequence at the very end.
    if len(data) - utf8_error.start <= 3 and utf8_error.start > len(data) * 0.9:
        notes.append("文件末尾的UTF-8字符不完整（文件可能被截断），已忽略最后几个字节")
        return data[: utf8_error.start].decode("utf-8"), "utf-8", notes
    # UTF-8 with a few damaged bytes (a flipped bit, a bad copy): keep the text and
    # say so, rather than refuse the report or misread all of it as another encoding
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    good = len(_NON_ASCII.findall(text)) - bad  # multi-byte characters that did decode
    if bad <= _FEW_BAD_BYTES or good >= _GOOD_PER_BAD * bad:
        notes.append(f"文件中有{bad}处字节不是有效的UTF-8（文件可能已损坏），已替换为“\ufffd”")
        return text, "utf-8", notes
    for enc in _FALLBACKS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            notes.append(f"文本不是UTF-8编码，按{enc.upper()}解码")
            return text, enc, notes
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise DecodeError(MESSAGES["unknown"], path=path)
    notes.append(f"文本编码检测为{best.encoding}")
    return str(best), best.encoding, notes


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    # a regex scan, not a Python loop over the characters (most texts have none)
    if _BAD_CHAR.search(sample) is None:
        return True
    bad = len(_BAD_CHAR.findall(sample))
    return bad / len(sample) < 0.02


def read_text(data: bytes, path: str, encoding: str | None, fmt: str) -> Extracted:
    text, enc, notes = decode(data, path, encoding)
    if not _looks_like_text(text):
        raise UnsupportedFormat(MESSAGES["binary"], path=path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if _hard_wrapped(lines):
        # Markdown or text extracted from a PDF keeps the PDF's line breaks; join
        # wrapped lines back into paragraphs as for a PDF.
        lines, pages = _join_wrapped(lines)
        notes.append("文本按版面硬换行，已将折行合并为段落")
        if pages:
            notes.append(f"已去除页码行{len(pages)}处：" + "、".join(f"“{p}”" for p in pages[:10]))
    return Extracted(format=fmt, blocks=[Block(text=ln) for ln in lines], encoding=enc, notes=notes)




def _join_wrapped(lines: list[str]) -> tuple[list[str], list[str]]:
    """Paragraphs of a hard-wrapped text, and the page-number lines removed.

    Wrapped prose lines are joined as for a PDF page (scorer.formats.pdf); a line
    holding only a number stays a line of its own (a table cell, not a page
    number), so no content is lost."""
    from scorer.formats.pdf import PAGE_MARK, PAGE_NUMBER, join_wrapped_lines

    out: list[str] = []
    pages: list[str] = []
    run: list[str] = []
    for ln in lines:
        if PAGE_MARK.match(ln):
            pages.append(ln.strip())
            continue
        if _LONE_NUMBER.match(ln) or PAGE_NUMBER.match(ln.strip()):
            # a number alone on its line ("0", "-5", "—3"): kept, never taken for a
            # page number (the PDF paragraph joiner would drop it)
            if run:
                out.extend(join_wrapped_lines("\n".join(run))[0])
                run = []
            out.append(ln.strip())
            continue
        run.append(ln)
    if run:
        out.extend(join_wrapped_lines("\n".join(run))[0])
    return out, pages


_LONE_NUMBER = re.compile(r"^\s*[-+]?\d[\d.,]*\s*$")


def _hard_wrapped(lines: list[str]) -> bool:
    """True when most long lines have the same length and end mid-sentence."""
    # prose lines only: table rows (tabs, pipes, runs of numbers) have their own shape
    long = [
        ln.strip() for ln in lines
        if len(ln.strip()) >= 15 and "\t" not in ln and "|" not in ln and not _NUMBER_COLUMNS.search(ln)
    ]
    if len(long) < 8:
        return False
    # a web page dumped one cell or text run per line (莆田 pages) is made of short
    # fragments, not of wrapped lines: most of its lines are short
    filled = [ln for ln in lines if ln.strip()]
    if sum(1 for ln in filled if len(ln.strip()) < 10) > 0.5 * len(filled):
        return False
    from collections import Counter

    # the layout's line width is the most common length (table rows vary widely)
    counts = Counter(len(ln) for ln in long)
    width = max(counts, key=lambda n: (counts[n] + counts.get(n - 1, 0) + counts.get(n + 1, 0), n))
    near = [ln for ln in long if abs(len(ln) - width) <= 2 and not ln.endswith(tuple("。！？；：:;!?”）)"))]
    return len(near) / len(long) > 0.3
