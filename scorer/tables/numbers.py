"""Turning the text between two row labels into cells.

A row's content is cut into *chunks*: runs of digits (possibly several cells glued
together, "713000074"), placeholders ("/", "-", "—") and, in ``|``/tab layouts, empty
fields (blank cells). :func:`splits` enumerates every way of dividing the chunks into
the row's cells; callers pick among the candidates with the table's arithmetic.

All positions are absolute offsets into the document text, so every cell keeps a span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = "\u3400-\u9fff\uf900-\ufaff"

# Page furniture inside a table that runs over a page break: "- 3 -", "第 3 页".
_PAGE_NO = re.compile(r"(?m)^[ \t]*[-—–]\s*\d{1,3}\s*[-—–][ \t]*$|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?")
# Row numbering before a label: "2.其他法律", "1、申请人" (a single digit, then CJK).
_NUMBERING = re.compile(rf"(?<![\d.])\d\s*[.、．](?=\s*[{_CJK}“\"])|[（(]\s*\d\s*[)）](?=\s*[{_CJK}])")
# Parenthesised text: a label's explanation or an annotation "22（其中修订16件）".
_PARENS = re.compile(r"[（(][^（()）\n]{0,60}[)）]")
_UNIT_PARENS = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(亿元|万元|元)\s*[)）]")
# Markdown table rules "|---|---|".
_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$")

CHUNK_RE = re.compile(r"[-+]?\d[\d.+\-]*(?:\s*(?:亿元|万元|元))?|(?<![\d\w])(?:[/／]|[—－–-]{1,2})(?![\d\w])")
PLACEHOLDERS = frozenset({"/", "／", "-", "—", "－", "–", "--", "——", "无", "空", "*"})

COUNT = re.compile(r"0|[1-9]\d*")
SIGNED = re.compile(r"[-+]?(?:0|[1-9]\d*)")
AMOUNT = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:亿元|万元|元)?")
_KIND_RE = {"count": COUNT, "signed": SIGNED, "amount": AMOUNT}


@dataclass(frozen=True)
class Chunk:
    """A piece of a row's content: ``num`` (digits, maybe several cells), ``ph``
    (a placeholder: one cell) or ``blank`` (an empty field: one cell)."""

    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Piece:
    """One cell's text and span inside a chunk."""

    text: str
    start: int
    end: int
    kind: str  # "num", "ph" or "blank"


_MD_RULE_RUN = re.compile(r"\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+")


def mask_text(text: str) -> str:
    """The document text with markdown rules and page numbers blanked out.

    Markdown tables whose lines were joined ("| 9 | 0 ||---|---|| 0 | 0 |") get
    their row breaks back: a rule run or a "||" becomes a line break. Replacement
    keeps every offset (same length), so spans stay valid."""
    out = _MD_RULE.sub(lambda m: " " * len(m.group()), text)
    if _MD_RULE_RUN.search(out):
        out = _MD_RULE_RUN.sub(lambda m: "\n" + " " * (len(m.group()) - 1), out)
        out = out.replace("||", "|\n")
    return _PAGE_NO.sub(lambda m: " " * len(m.group()), out)


def _blank(s: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), s)


def clean_content(s: str) -> tuple[str, list[str]]:
    """Blank out numbering, parenthesised notes and non-numeric text of a row's
    content (same length as ``s``). Returns the cleaned string and notes about
    annotations that were dropped."""
    notes: list[str] = []
    for m in _PARENS.finditer(s):
        inner = m.group()
        if re.search(r"\d", inner) and not _UNIT_PARENS.fullmatch(inner):
            notes.append(f"忽略了单元格中的注释“{inner}”")
    s = _blank(s, _NUMBERING)
    s = _blank(s, _PARENS)
    return s, notes


def unit_hint(s: str) -> str | None:
    """A unit stated in parentheses ("（元）", "（单位：万元）") inside a row's content."""
    m = _UNIT_PARENS.search(s)
    return m.group(1) if m else None


def bound_tail(s: str) -> int:
    """Length of the part of ``s`` that can still belong to a table row: it stops at
    the first run of two or more Chinese characters that follows a number (prose
    after the last row, "五、存在的主要问题", a narrative paragraph)."""
    seen_digit = False
    cleaned = _blank(_blank(s, _NUMBERING), _PARENS)
    for m in re.finditer(rf"\d|[{_CJK}]{{2,}}|[一二三四五六七八九十]、", cleaned):
        if m.group()[0].isdigit():
            seen_digit = True
        elif seen_digit:
            return m.start()
    return len(s)


def chunks_glued(s: str, base: int) -> list[Chunk]:
    """Chunks of whitespace-separated or glued content (no field separators)."""
    cleaned, _ = clean_content(s)
    out: list[Chunk] = []
    for m in CHUNK_RE.finditer(cleaned):
        t = m.group()
        kind = "ph" if t in PLACEHOLDERS or not re.search(r"\d", t) else "num"
        out.append(Chunk(t, base + m.start(), base + m.end(), kind))
    return out


def has_separators(s: str) -> bool:
    return "|" in s or "\t" in s


def chunks_fields(s: str, base: int, expected: int) -> list[Chunk]:
    """Chunks of a ``|`` or tab separated line: each field is a cell; empty fields
    inside the row are blank cells; leading fields without numbers (label debris,
    merged-cell leftovers) and trailing empty fields (merged-cell debris) are dropped
    unless the row needs them to reach ``expected`` cells."""
    cleaned, _ = clean_content(s)
    fields: list[tuple[str, int]] = []
    pos = 0
    for part in re.split(r"[|\t]", cleaned):
        fields.append((part, pos))
        pos += len(part) + 1
    # drop leading fields holding no cell (the label's remainder)
    while fields and not _field_value(fields[0][0]):
        fields.pop(0)
    values = [f for f in fields]
    # trailing empties: keep only as many as needed to reach `expected` cells
    n_nonempty = len(values)
    while n_nonempty and not _field_value(values[n_nonempty - 1][0]):
        n_nonempty -= 1
    ncells = sum(_cells_lower_bound(v[0]) for v in values[:n_nonempty])
    keep = n_nonempty
    while ncells < expected and keep < len(values):
        keep += 1
        ncells += 1
    out: list[Chunk] = []
    for text, off in values[:keep]:
        v = _field_value(text)
        if not v:
            stripped_at = off + (len(text) - len(text.lstrip()))
            out.append(Chunk("", base + stripped_at, base + stripped_at, "blank"))
            continue
        for m in CHUNK_RE.finditer(text):
            t = m.group()
            kind = "ph" if t in PLACEHOLDERS or not re.search(r"\d", t) else "num"
            out.append(Chunk(t, base + off + m.start(), base + off + m.end(), kind))
        raw = s[off : off + len(text)].strip()
        if raw in PLACEHOLDERS and not CHUNK_RE.search(text):
            i = s.index(raw, off)
            out.append(Chunk(raw, base + i, base + i + len(raw), "ph"))
    return out


def _field_value(text: str) -> str:
    t = text.strip()
    if t in PLACEHOLDERS:
        return t
    return " ".join(m.group() for m in CHUNK_RE.finditer(t))


def _cells_lower_bound(text: str) -> int:
    return max(1, len(list(CHUNK_RE.finditer(text))))


def splits(
    chunks: list[Chunk],
    kinds: tuple[str, ...],
    limit: int = 20000,
    totals: dict[int, tuple[int, ...]] | None = None,
) -> list[tuple[Piece, ...]] | None:
    """Every way of dividing ``chunks`` into ``len(kinds)`` cells.

    A ``num`` chunk may hold several cells (its digits glued); each cell must be a
    well-formed value of its kind (no leading zeros, a sign only in ``signed``
    columns, decimals and a unit only in ``amount`` columns). Placeholders and blank
    fields are one cell each.

    ``totals`` maps a cell index to the indices of the cells it must be the sum of
    (e.g. ``{6: (0, 1, 2, 3, 4, 5)}`` for a 表三 row); only readings satisfying
    them are returned (unknown cells make a sum vacuous), and partial sums larger
    than the remaining digits can hold are pruned early.

    Returns None when there are more than ``limit`` readings (the content cannot
    be read)."""
    n = len(kinds)
    totals = totals or {}
    if totals == {n - 1: tuple(range(n - 1))} and chunks and chunks[-1].kind == "num":
        return _splits_sum_last(chunks, kinds, limit)
    out: list[tuple[Piece, ...]] = []
    acc: list[Piece] = []
    vals: list[int | None] = []
    # digits left after each chunk, for pruning
    left = [0] * (len(chunks) + 1)
    for i in range(len(chunks) - 1, -1, -1):
        left[i] = left[i + 1] + (len(chunks[i].text) if chunks[i].kind == "num" else 0)
    overflow = False

    def sum_ok(cell: int, value: int | None) -> bool:
        parts = totals.get(cell)
        if parts is None or value is None:
            return True
        pv = [vals[i] for i in parts]
        return None in pv or sum(pv) == value  # type: ignore[arg-type]

    def bound_ok(ci: int, off: int) -> bool:
        # a pending total must still be writable with the digits that remain
        if not totals:
            return True
        cell = len(vals)
        only_num = all(c.kind == "num" for c in chunks[ci:])
        for t, parts in totals.items():
            if t < cell:
                continue
            placed = [vals[i] for i in parts if i < cell]
            if None in placed:
                continue
            unplaced = sum(1 for i in parts if i >= cell) if only_num else 0
            digits = left[ci] - off - unplaced  # digits the total can still use at most
            if digits <= 0:
                if only_num:
                    return False
                continue
            if sum(placed) >= 10 ** min(digits, 18):  # type: ignore[arg-type]
                return False
        return True

    def rec(ci: int, off: int) -> None:
        nonlocal overflow
        if overflow:
            return
        cell = len(acc)
        if ci == len(chunks):
            if cell == n:
                out.append(tuple(acc))
                if len(out) > limit:
                    overflow = True
            return
        if cell >= n or n - cell < len(chunks) - ci:
            return
        ch = chunks[ci]
        if ch.kind in ("ph", "blank"):
            acc.append(Piece(ch.text, ch.start, ch.end, ch.kind))
            vals.append(None)
            rec(ci + 1, 0)
            acc.pop()
            vals.pop()
            return
        text = ch.text
        pat = _KIND_RE[kinds[cell]]
        for j in range(len(text), off, -1):
            piece = text[off:j]
            if not pat.fullmatch(piece):
                continue
            v = int(piece) if kinds[cell] != "amount" and piece.lstrip("+-").isdigit() else None
            if not sum_ok(cell, v):
                continue
            acc.append(Piece(piece, ch.start + off, ch.start + j, "num"))
            vals.append(v)
            nci, noff = (ci + 1, 0) if j == len(text) else (ci, j)
            if bound_ok(nci, noff):
                rec(nci, noff)
            acc.pop()
            vals.pop()

    rec(0, 0)
    return None if overflow else out


def _splits_sum_last(chunks: list[Chunk], kinds: tuple[str, ...], limit: int) -> list[tuple[Piece, ...]] | None:
    """:func:`splits` for a row whose last cell is the sum of the others (表三):
    the total is taken first (a suffix of the last chunk), then the other cells are
    enumerated with their running sum bounded by it — fast even for long runs."""
    n = len(kinds)
    last = chunks[-1]
    out: list[tuple[Piece, ...]] = []
    for k in range(len(last.text) - 1, -1, -1):
        tail = last.text[k:]
        if not COUNT.fullmatch(tail):
            continue
        total = int(tail)
        head = chunks[:-1] + ([Chunk(last.text[:k], last.start, last.start + k, "num")] if k else [])
        tpiece = Piece(tail, last.start + k, last.end, "num")
        acc: list[Piece] = []

        def rec(ci: int, off: int, running: int, known: bool) -> bool:
            cell = len(acc)
            if ci == len(head):
                if cell == n - 1 and (not known or running == total):
                    out.append((*acc, tpiece))
                    return len(out) <= limit
                return True
            if cell >= n - 1 or n - 1 - cell < len(head) - ci:
                return True
            ch = head[ci]
            if ch.kind in ("ph", "blank"):
                acc.append(Piece(ch.text, ch.start, ch.end, ch.kind))
                ok = rec(ci + 1, 0, running, False)
                acc.pop()
                return ok
            text = ch.text
            for j in range(off + 1, len(text) + 1):
                piece = text[off:j]
                if not COUNT.fullmatch(piece):
                    if piece != "0":
                        if piece.startswith("0"):
                            break  # "0x…" never becomes valid by growing
                        continue
                v = int(piece)
                if known and running + v > total:
                    break  # longer pieces are larger still
                acc.append(Piece(piece, ch.start + off, ch.start + j, "num"))
                ok = rec(ci + 1, 0, running + v, known) if j == len(text) else rec(ci, j, running + v, known)
                acc.pop()
                if not ok:
                    return False
            return True

        if not rec(0, 0, 0, True):
            return None
    return out


def parse_value(text: str, kind: str, unit: str | None = None) -> tuple[float | int, str | None]:
    """The value of a well-formed cell and a note when a unit was converted.

    Amounts are in 万元: "7.63182亿元" → 76318.2, "75394432.52元" → 7539.443252."""
    if kind in ("count", "signed"):
        return int(text), None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元)?", text)
    if not m:
        raise ValueError(text)
    num = float(m.group(1))
    u = m.group(2) or unit
    if u == "亿元":
        return round(num * 10000, 6), f"“{text}”按1亿元=10000万元换算为万元"
    if u == "元":
        return round(num / 10000, 6), f"“{text}”按元换算为万元"
    return num, None
