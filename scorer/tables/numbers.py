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
from decimal import Decimal

_CJK = "\u3400-\u9fff\uf900-\ufaff"

# Page furniture inside a table that runs over a page break: "- 3 -", "第 3 页".
_PAGE_NO = re.compile(r"(?m)^[ \t]*[-—–]\s*\d{1,3}\s*[-—–][ \t]*$|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?")
# Row numbering before a label: "2.其他法律", "1、申请人" (a single digit, then CJK),
# "（2）申请人". Same as r"(?<![\d.])\d\s*[.、．](?=…)|[（(]\s*\d\s*[)）](?=…)", written to
# start with one character class, which lets the regex engine skip to candidate
# characters instead of trying both branches at every offset.
_NUMBERING = re.compile(
    rf"[\d（(](?:(?<=\d)(?<![\d.]\d)\s*[.、．](?=\s*[{_CJK}“\"])|(?<=[（(])\s*\d\s*[)）](?=\s*[{_CJK}]))"
)
# Parenthesised text: a label's explanation or an annotation "22（其中修订16件）".
_PARENS = re.compile(r"[（(][^（()）\n]{0,60}[)）]")
_UNIT_PARENS = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(亿元|万元|元)\s*[)）]")
# Markdown table rules "|---|---|".
_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$")

# a unit after the number: 亿元, 万元, 元, or a bare 万 ending the cell ("16 / 万" when
# a page prints the unit on a line of its own)
_NUM_CHUNK = rf"[-+]?\d[\d.+\-]*(?:\s*(?:亿元|万元|元|万(?![{_CJK}])))?"
_PH_CHUNK = r"(?<![\d\w])(?:[/／]|[—－–-]{1,2})(?![\d\w])"
CHUNK_RE = re.compile(_NUM_CHUNK + "|" + _PH_CHUNK)
# The same matcher with the number alternative captured: ``m.lastindex`` then tells a
# number (it has a digit) from a placeholder (it has none) without a second scan.
_CHUNK_TYPED = re.compile(f"({_NUM_CHUNK})|{_PH_CHUNK}")
PLACEHOLDERS = frozenset({"/", "／", "-", "—", "－", "–", "--", "——", "无", "空", "*"})

COUNT = re.compile(r"0|[1-9]\d*")
SIGNED = re.compile(r"[-+]?(?:0|[1-9]\d*)")
AMOUNT = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:亿元|万元|元|万)?")
_KIND_RE = {"count": COUNT, "signed": SIGNED, "amount": AMOUNT}


# Chunk and Piece are value objects, never changed once made. They are not declared
# frozen because a frozen dataclass sets every field through object.__setattr__,
# which makes it ~5× slower to build, and a document builds hundreds of them.


@dataclass(slots=True)
class Chunk:
    """A piece of a row's content: ``num`` (digits, maybe several cells), ``ph``
    (a placeholder: one cell) or ``blank`` (an empty field: one cell)."""

    text: str
    start: int
    end: int
    kind: str


@dataclass(slots=True)
class Piece:
    """One cell's text and span inside a chunk."""

    text: str
    start: int
    end: int
    kind: str  # "num", "ph", "blank", or "gap" (a blank cell that vanished: see with_gaps)


_MD_RULE_RUN = re.compile(r"\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+")
# Cheap necessary conditions for _PAGE_NO (a regex anchored with (?m)^ is tried at
# every offset of the document): its first form starts a line with a dash, its
# second contains "页".
_DASH_LINE = re.compile(r"\n[ \t]*[-—–]")
_DASH_FIRST_LINE = re.compile(r"[ \t]*[-—–]")
_DIGIT = re.compile(r"\d")
_FIELD_SEP = re.compile(r"[|\t]")
# What ends a table row's content once a number was seen (see bound_tail).
_TAIL_STOP = re.compile(rf"[{_CJK}]{{2,}}|[一二三四五六七八九十]、")
_AMOUNT_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元|万)?")
_POW10 = tuple(10**i for i in range(19))


def _spaces(m: re.Match[str]) -> str:
    return " " * len(m.group())


def mask_text(text: str) -> str:
    """The document text with markdown rules and page numbers blanked out.

    Markdown tables whose lines were joined ("| 9 | 0 ||---|---|| 0 | 0 |") get
    their row breaks back: a rule run or a "||" becomes a line break. Replacement
    keeps every offset (same length), so spans stay valid."""
    out = text
    if "---" in out:  # both rule patterns need a run of three dashes
        out = _MD_RULE.sub(_spaces, out)
        if _MD_RULE_RUN.search(out):
            out = _MD_RULE_RUN.sub(lambda m: "\n" + " " * (len(m.group()) - 1), out)
            out = out.replace("||", "|\n")
    if "页" in out or _DASH_LINE.search(out) or _DASH_FIRST_LINE.match(out):
        out = _PAGE_NO.sub(_spaces, out)
    return out


def _clean(s: str) -> str:
    """``s`` with row numbering and parenthesised text blanked (same length)."""
    return _PARENS.sub(_spaces, _NUMBERING.sub(_spaces, s))


def clean_content(s: str) -> tuple[str, list[str]]:
    """Blank out numbering, parenthesised notes and non-numeric text of a row's
    content (same length as ``s``). Returns the cleaned string and notes about
    annotations that were dropped."""
    notes: list[str] = []
    for m in _PARENS.finditer(s):
        inner = m.group()
        if _DIGIT.search(inner) and not _UNIT_PARENS.fullmatch(inner):
            notes.append(f"忽略了单元格中的注释“{inner}”")
    return _clean(s), notes


def unit_hint(s: str) -> str | None:
    """A unit stated in parentheses ("（元）", "（单位：万元）") inside a row's content."""
    m = _UNIT_PARENS.search(s)
    return m.group(1) if m else None


def bound_tail(s: str) -> int:
    """Length of the part of ``s`` that can still belong to a table row: it stops at
    the first run of two or more Chinese characters that follows a number (prose
    after the last row, "五、存在的主要问题", a narrative paragraph)."""
    cleaned = _clean(s)
    first = _DIGIT.search(cleaned)
    if first is None:
        return len(s)
    stop = _TAIL_STOP.search(cleaned, first.end())
    return stop.start() if stop else len(s)


def chunks_glued(s: str, base: int) -> list[Chunk]:
    """Chunks of whitespace-separated or glued content (no field separators)."""
    return [
        Chunk(m.group(), base + m.start(), base + m.end(), "num" if m.lastindex else "ph")
        for m in _CHUNK_TYPED.finditer(_clean(s))
    ]


def count_glued(s: str) -> int:
    """``len(chunks_glued(s, base))``, without building the chunks."""
    return len(CHUNK_RE.findall(_clean(s)))


def has_separators(s: str) -> bool:
    return "|" in s or "\t" in s


def chunks_fields(s: str, base: int, expected: int, label: bool = True) -> list[Chunk]:
    """Chunks of a ``|`` or tab separated line: each field is a cell; empty fields
    inside the row are blank cells; leading fields without numbers (label debris,
    merged-cell leftovers) and trailing empty fields (merged-cell debris) are dropped
    unless the row needs them to reach ``expected`` cells. ``label``: ``s`` starts
    inside the row's label cell (False for a line of cells alone)."""
    cleaned = _clean(s)
    fields: list[tuple[str, int]] = []
    pos = 0
    for part in _FIELD_SEP.split(cleaned):
        fields.append((part, pos))
        pos += len(part) + 1
    # drop leading fields holding no cell (the label's remainder)
    first = 0
    while first < len(fields) and not _field_value(fields[first][0]):
        first += 1
    # the field before the first separator: the label's remainder, or nothing
    # before an opening "|"; a line of cells alone (表四) starts with a cell
    lead = 1 if label or s.lstrip(" \n").startswith("|") else 0
    body = fields[lead:]
    if body and not body[-1][0].strip() and s.rstrip(" \n").endswith(("|", "\t")):
        body = body[:-1]  # the nothing after a closing "|"
    if lead < first <= len(fields) and len(body) == expected and all(_cells_lower_bound(f[0]) == 1 for f in body):
        # exactly one field per cell: the empty fields before the first number are
        # blank cells of the row ("| 标签 |  |  | 1 |  | 3 | 4 |"), not merged-cell
        # debris, which would make the row longer than its cells
        first = lead
    values = fields[first:]
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
        at = base + off
        for m in _CHUNK_TYPED.finditer(text):
            out.append(Chunk(m.group(), at + m.start(), at + m.end(), "num" if m.lastindex else "ph"))
        raw = s[off : off + len(text)].strip()
        if raw in PLACEHOLDERS and not CHUNK_RE.search(text):
            i = s.index(raw, off)
            out.append(Chunk(raw, base + i, base + i + len(raw), "ph"))
    return out


def _field_value(text: str) -> str:
    t = text.strip()
    if t in PLACEHOLDERS:
        return t
    return " ".join(CHUNK_RE.findall(t))


def _cells_lower_bound(text: str) -> int:
    return max(1, len(CHUNK_RE.findall(text)))


def _ends(text: str, off: int, kind: str) -> range | list[int]:
    """Ends ``j`` (ascending) for which ``text[off:j]`` is a well-formed ``kind`` cell.

    For counts and signed numbers they are contiguous: after the first digit (and a
    sign) every further digit keeps the number valid, a leading "0" stands alone,
    and the first other character ends it; so one regex match at ``off`` gives them
    all, instead of one fullmatch per candidate end."""
    if kind == "count":
        m = COUNT.match(text, off)
        return range(off + 1, m.end() + 1) if m else range(0)
    if kind == "signed":
        m = SIGNED.match(text, off)
        if not m:
            return range(0)
        first_digit = off + 1 if text[off] in "+-" else off
        return range(first_digit + 1, m.end() + 1)
    pat = _KIND_RE[kind]
    return [j for j in range(off + 1, len(text) + 1) if pat.fullmatch(text, off, j)]


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
    nch = len(chunks)
    out: list[tuple[Piece, ...]] = []
    # the search keeps (text, start, end, kind) tuples; Pieces are made only for the
    # readings returned, once each (see _emit)
    acc: list[tuple[str, int, int, str]] = []
    made: dict[tuple[str, int, int, str], Piece] = {}
    vals: list[int | None] = []
    # digits left after each chunk, whether only numbers follow, and how many cells
    # the chunks from there on can hold at most (a character or a placeholder each)
    left = [0] * (nch + 1)
    only_num = [True] * (nch + 1)
    room = [0] * (nch + 1)
    for i in range(nch - 1, -1, -1):
        is_num = chunks[i].kind == "num"
        left[i] = left[i + 1] + (len(chunks[i].text) if is_num else 0)
        only_num[i] = only_num[i + 1] and is_num
        room[i] = room[i + 1] + (len(chunks[i].text) if is_num else 1)
    total_items = tuple(totals.items())
    overflow = False

    def sum_ok(cell: int, value: int | None) -> bool:
        parts = totals.get(cell)
        if parts is None or value is None:
            return True
        pv = [vals[i] for i in parts]
        return None in pv or sum(pv) == value  # type: ignore[arg-type]

    def bound_ok(ci: int, off: int) -> bool:
        # a pending total must still be writable with the digits that remain
        cell = len(vals)
        rest_num = only_num[ci]
        for t, parts in total_items:
            if t < cell:
                continue
            placed = [vals[i] for i in parts if i < cell]
            if None in placed:
                continue
            unplaced = sum(1 for i in parts if i >= cell) if rest_num else 0
            digits = left[ci] - off - unplaced  # digits the total can still use at most
            if digits <= 0:
                if rest_num:
                    return False
                continue
            if sum(placed) >= _POW10[min(digits, 18)]:  # type: ignore[arg-type]
                return False
        return True

    def rec(ci: int, off: int) -> None:
        nonlocal overflow
        if overflow:
            return
        cell = len(acc)
        if ci == nch:
            if cell == n:
                out.append(_emit(acc, made))
                if len(out) > limit:
                    overflow = True
            return
        if cell >= n or n - cell < nch - ci:
            return
        ch = chunks[ci]
        if ch.kind in ("ph", "blank"):
            acc.append((ch.text, ch.start, ch.end, ch.kind))
            vals.append(None)
            rec(ci + 1, 0)
            acc.pop()
            vals.pop()
            return
        text = ch.text
        kind = kinds[cell]
        # a cell ending after `longest` leaves too little text for the cells after it
        longest = len(text) + room[ci + 1] - (n - cell - 1)
        for j in reversed(_ends(text, off, kind)):  # longest cell first
            if j > longest:
                continue
            piece = text[off:j]
            v = int(piece) if kind != "amount" and piece.lstrip("+-").isdigit() else None
            if totals and not sum_ok(cell, v):
                continue
            acc.append((piece, ch.start + off, ch.start + j, "num"))
            vals.append(v)
            nci, noff = (ci + 1, 0) if j == len(text) else (ci, j)
            if not totals or bound_ok(nci, noff):
                rec(nci, noff)
            acc.pop()
            vals.pop()

    forced = _forced_split(chunks, n)
    if forced is None:
        rec(0, 0)
        return None if overflow else out
    # a single candidate: run the search's checks along it, cell by cell
    ci = off = 0
    for cell, (piece, _, _, piece_kind) in enumerate(forced):
        if piece_kind in ("ph", "blank"):
            vals.append(None)
            ci += 1
            continue
        kind = kinds[cell]
        if not _KIND_RE[kind].fullmatch(piece):
            return []
        v = int(piece) if kind != "amount" and piece.lstrip("+-").isdigit() else None
        if totals and not sum_ok(cell, v):
            return []
        vals.append(v)
        off += len(piece)
        if off == len(chunks[ci].text):
            ci, off = ci + 1, 0
        if totals and not bound_ok(ci, off):
            return []
    return None if limit < 1 else [tuple([Piece(*c) for c in forced])]


def _emit(acc: list[tuple[str, int, int, str]], made: dict[tuple[str, int, int, str], Piece]) -> tuple[Piece, ...]:
    """The Pieces of one reading; readings of a row share them."""
    reading = []
    for t in acc:
        p = made.get(t)
        if p is None:
            p = made[t] = Piece(*t)
        reading.append(p)
    return tuple(reading)


def _splits_sum_last(chunks: list[Chunk], kinds: tuple[str, ...], limit: int) -> list[tuple[Piece, ...]] | None:
    """:func:`splits` for a row whose last cell is the sum of the others (表三):
    the total is taken first (a suffix of the last chunk), then the other cells are
    enumerated with their running sum bounded by it — fast even for long runs."""
    n = len(kinds)
    forced = _forced_split(chunks, n)
    if forced is not None:
        return _check_sum_last(forced, limit)
    last = chunks[-1]
    nfix = len(chunks) - 1  # chunks before the last: the head of every reading
    out: list[tuple[Piece, ...]] = []
    acc: list[tuple[str, int, int, str]] = []
    made: dict[tuple[str, int, int, str], Piece] = {}
    # the reading being searched: its total, and the chunks before it (the last
    # chunk, cut at the total's start `cut`, is head chunk `nfix` when cut > 0)
    total = 0
    cut = 0
    nhead = nfix
    # how many cells the chunks from i to nfix - 1 can hold at most
    room = [0] * (nfix + 1)
    for i in range(nfix - 1, -1, -1):
        room[i] = room[i + 1] + (1 if chunks[i].kind in ("ph", "blank") else len(chunks[i].text))

    def rec(ci: int, off: int, running: int, known: bool) -> bool:
        cell = len(acc)
        if ci == nhead:
            if cell == n - 1 and (not known or running == total):
                acc.append((last.text[cut:], last.start + cut, last.end, "num"))
                out.append(_emit(acc, made))
                acc.pop()
                return len(out) <= limit
            return True
        if cell >= n - 1 or n - 1 - cell < nhead - ci:
            return True
        ch = chunks[ci]
        if ch.kind in ("ph", "blank"):
            acc.append((ch.text, ch.start, ch.end, ch.kind))
            ok = rec(ci + 1, 0, running, False)
            acc.pop()
            return ok
        text = ch.text if ci < nfix else ch.text[:cut]
        end = len(text)
        # a cell ending after `longest` leaves too little text for the cells after it
        longest = end + (room[ci + 1] + cut if ci < nfix else 0) - (n - 2 - cell)
        for j in _ends(text, off, "count"):
            if j > longest:
                break
            piece = text[off:j]
            v = int(piece)
            if known and running + v > total:
                break  # longer pieces are larger still
            acc.append((piece, ch.start + off, ch.start + j, "num"))
            ok = rec(ci + 1, 0, running + v, known) if j == end else rec(ci, j, running + v, known)
            acc.pop()
            if not ok:
                return False
        return True

    text = last.text
    for k in range(len(text) - 1, -1, -1):
        if not COUNT.fullmatch(text, k):
            continue
        total = int(text[k:])
        cut = k
        nhead = nfix + (1 if k else 0)
        if not rec(0, 0, 0, True):
            return None
    return out


def _forced_split(chunks: list[Chunk], n: int) -> list[tuple[str, int, int, str]] | None:
    """The only conceivable division of ``chunks`` into ``n`` cells, as
    (text, start, end, kind), when there is just one: a cell per chunk (as many
    chunks as cells; each chunk is at least one cell), or a cell per character (as
    many characters as cells; each cell is at least one character). Most rows of a
    report are one of these ("0 0 0 0 0 0 0", "0000000"). None otherwise."""
    if len(chunks) == n:
        return [(c.text, c.start, c.end, c.kind) for c in chunks]
    if sum(1 if c.kind in ("ph", "blank") else len(c.text) for c in chunks) != n:
        return None
    out: list[tuple[str, int, int, str]] = []
    for c in chunks:
        if c.kind in ("ph", "blank"):
            out.append((c.text, c.start, c.end, c.kind))
        else:
            out.extend((ch, c.start + i, c.start + i + 1, "num") for i, ch in enumerate(c.text))
    return out


def _check_sum_last(cells: list[tuple[str, int, int, str]], limit: int) -> list[tuple[Piece, ...]] | None:
    """:func:`_splits_sum_last` on its only candidate reading: the reading (or
    nothing) under the search's rules — counts well-formed, the sum of the cells
    before the first unknown one at most the total, and equal to it when all are
    known."""
    total_text = cells[-1][0]
    if not COUNT.fullmatch(total_text):
        return []
    total = int(total_text)
    running = 0
    known = True
    for text, _, _, kind in cells[:-1]:
        if kind in ("ph", "blank"):
            known = False
            continue
        if not COUNT.fullmatch(text):
            return []
        if known:
            running += int(text)
            if running > total:
                return []
    if known and running != total:
        return []
    if limit < 1:
        return None
    return [tuple([Piece(*c) for c in cells])]


def parse_value(text: str, kind: str, unit: str | None = None) -> tuple[float | int, str | None]:
    """The value of a well-formed cell and a note when a unit was converted.

    Amounts are in 万元: "7.63182亿元" → 76318.2, "75394432.52元" → 7539.443252."""
    if kind in ("count", "signed"):
        return int(text), None
    m = _AMOUNT_VALUE.fullmatch(text)
    if not m:
        raise ValueError(text)
    num = float(m.group(1))
    u = m.group(2) or unit
    # decimal arithmetic: moving the point four places is exact ("651.1009986元"
    # is 0.06511009986 万元, not a rounded 0.06511)
    if u == "亿元":
        return float(Decimal(m.group(1)).scaleb(4)), f"“{text}”按1亿元=10000万元换算为万元"
    if u == "元":
        return float(Decimal(m.group(1)).scaleb(-4)), f"“{text}”按元换算为万元"
    if u == "万":
        return num, f"“{text}”的单位“万”按万元读取"
    return num, None


def _compositions(n: int, k: int):
    """Every way of writing ``n`` as an ordered sum of ``k`` positive parts."""
    if k == 1:
        yield (n,)
        return
    for first in range(1, n - k + 2):
        for rest in _compositions(n - first, k - 1):
            yield (first, *rest)


def runs(chunks: list[Chunk], kinds: tuple[str, ...], limit: int = 20000) -> list[tuple[Piece, ...]] | None:
    """Every way of reading ``chunks`` as runs of equal cells filling ``len(kinds)``
    cells, for sources that print a run of equal neighbouring cells once (the 莆田
    crawler: "8 / 0 / 8" in a 表三 row is 8,0,0,0,0,0,8 or 8,8,0,0,0,0,8 …).

    Each chunk is one value (it stands on its own line: its digits are never split)
    repeated over one or more consecutive cells, and must be well formed for every
    column it covers. None when there are more than ``limit`` readings; an empty
    list when none is well formed."""
    n, k = len(kinds), len(chunks)
    if k == 0 or k > n:
        return []
    out: list[tuple[Piece, ...]] = []
    # a value and its unit may stand on separate lines ("142512 / 元"): one cell
    pieces = [Piece("".join(c.text.split()), c.start, c.end, c.kind) for c in chunks]
    for comp in _compositions(n, k):
        reading: list[Piece] = []
        ok = True
        for p, r in zip(pieces, comp):
            if p.kind == "num":
                for kind in kinds[len(reading) : len(reading) + r]:
                    if not _KIND_RE[kind].fullmatch(p.text):
                        ok = False
                        break
                if not ok:
                    break
            reading.extend([p] * r)
        if ok:
            out.append(tuple(reading))
            if len(out) > limit:
                return None
    return out


class _TooMany(Exception):
    """More readings (or search steps) than a row may have."""


#: search steps :func:`with_gaps` may take for one row before it gives up
MAX_GAP_STEPS = 200_000


def with_gaps(
    chunks: list[Chunk],
    kinds: tuple[str, ...],
    totals: dict[int, tuple[int, ...]],
    limit: int = 20000,
) -> list[tuple[Piece, ...]] | None:
    """Readings of a row whose blank cells vanished when the table was flattened
    (an HTML row printed one cell per line, or with spaces, drops its empty cells):
    the chunks fill fewer cells than the row has, in order, and each other cell is
    a ``gap`` (blank in the source). Only readings whose ``totals`` hold with a gap
    counted as 0 are returned — the table's arithmetic is what places the numbers.
    Readings without a gap are :func:`splits`'s.

    Only for rows of count cells made of numbers and empty fields (a row of tab
    or ``|`` separated cells whose trailing empty fields were stripped); an empty
    field stays a blank cell and counts 0 like a gap. The search goes cell by cell
    and checks each total as soon as it is placed (every total follows its parts).
    None when there are more than ``limit`` readings or ``MAX_GAP_STEPS`` steps."""
    n, k = len(kinds), len(chunks)
    if not 0 < k < n or any(c.kind not in ("num", "blank") for c in chunks) or any(x != "count" for x in kinds):
        return []
    out: list[tuple[Piece, ...]] = []
    acc: list[Piece] = []
    vals: list[int] = []
    steps = 0

    def least(text: str) -> int:
        # fewest cells a digit run can fill: a count never starts with 0, so each
        # leading zero is a cell of its own, and the rest needs at least one more
        rest = text.lstrip("0")
        return len(text) - len(rest) + (1 if rest else 0)

    # fewest cells the chunks from index j on need (a blank field is one cell)
    after = [0] * (k + 1)
    for j in range(k - 1, -1, -1):
        after[j] = after[j + 1] + (1 if chunks[j].kind == "blank" else least(chunks[j].text))

    def need(ci: int, off: int) -> int:
        if ci == k:
            return 0
        if off:
            return least(chunks[ci].text[off:]) + after[ci + 1]
        return after[ci]

    def fits(i: int) -> bool:
        parts = totals.get(i)
        return parts is None or sum(vals[p] for p in parts) == vals[i]

    def rec(i: int, ci: int, off: int, gaps: int) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_GAP_STEPS:
            raise _TooMany
        if n - i < need(ci, off):  # the numbers left cannot fit the cells left: no reading here
            return
        if i == n:
            if ci == k and gaps:
                out.append(tuple(acc))
                if len(out) > limit:
                    raise _TooMany
            return
        # a gap here, if the cells left can still hold the chunks left
        if n - i - 1 >= need(ci, off):
            pos = acc[-1].end if acc else chunks[0].start
            acc.append(Piece("", pos, pos, "gap"))
            vals.append(0)
            if fits(i):
                rec(i + 1, ci, off, gaps + 1)
            acc.pop()
            vals.pop()
        if ci == k:
            return
        ch = chunks[ci]
        if ch.kind == "blank":
            acc.append(Piece(ch.text, ch.start, ch.end, "blank"))
            vals.append(0)
            if fits(i):
                rec(i + 1, ci + 1, 0, gaps)
            acc.pop()
            vals.pop()
            return
        text = ch.text
        for j in _ends(text, off, "count"):
            nci, noff = (ci + 1, 0) if j == len(text) else (ci, j)
            if n - i - 1 < k - nci:
                continue
            acc.append(Piece(text[off:j], ch.start + off, ch.start + j, "num"))
            vals.append(int(text[off:j]))
            if fits(i):
                rec(i + 1, nci, noff, gaps)
            acc.pop()
            vals.pop()

    try:
        rec(0, 0, 0, 0)
    except _TooMany:
        return None
    return out
