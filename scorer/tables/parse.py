"""Layout parsing: find each table and each row label, and cut the content of every
row into chunks (see :mod:`scorer.tables.numbers`).

Strategy (one code path for every layout):

1. 表三 rows are found by their labels, in the known order, each within a bounded
   distance of the previous one (typos and wrapped labels are tolerated). The text
   between one label and the next is that row's content.
2. If every row then holds exactly its cells, the table is read as ``rows``.
   Otherwise (PDF text layers and Markdown from PDF, where labels wrap around the
   numbers) the numbers are read ``lines``-wise: every line holding exactly seven
   numbers is the next row, provided there are exactly as many such lines as rows.
3. Otherwise the row contents are digit runs (平潭 crawler dumps) and are split into
   cells with the table's arithmetic (``glued``; see :mod:`scorer.tables.solve`).

表四 is the stream of numbers after its header; 表二 rows are found by label anywhere
in the 表二 region (their order is not reliable in mangled text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from scorer.tables import labels as L
from scorer.tables.numbers import (
    CHUNK_RE,
    Chunk,
    bound_tail,
    chunks_fields,
    chunks_glued,
    count_glued,
    has_separators,
    unit_hint,
)

# Full-width digits, space and full stop → half-width. One str.replace per character
# present: str.translate with a mapping does a dict lookup for every character of a
# CJK text, and most documents hold few or none of these characters.
_FULLWIDTH = (*((chr(cp), chr(cp - 0xFEE0)) for cp in range(0xFF10, 0xFF1A)), ("\u3000", " "), ("\uff0e", "."))

_REQ_PATTERNS = {k: re.compile(v) for k, v in L.REQUEST_ROW_PATTERNS.items()}
_REQ_TAILS = {k: re.compile(v) for k, v in L.REQUEST_LABEL_TAILS.items() if v}
_VARIANT_2021 = re.compile(L.spaced("逾期不补正") + "|" + L.spaced("逾期未按收费"))
# where 表三 cannot extend past: 表四's header or the sections after it
_REQ_HARD_END = re.compile(
    L.REVIEW_HEADER_START.pattern + "|" + L.spaced("存在的主要问题") + "|" + L.spaced("其他需要报告的事项")
)
# characters that may stand between 表四's header and its numbers
_REVIEW_HEADER_CHARS = set("行政复议诉讼结果维持纠正其他尚未审结总计经直接起后的情况与和、（）()|-—:： \t\n")

_PROACTIVE_PATTERNS = {d.pattern: re.compile(d.pattern) for d in L.PROACTIVE_ROWS_2021 + L.PROACTIVE_ROWS_2019}
_PLAIN_CELL = re.compile(r"[-+]?(?:0|[1-9]\d*)(?:\.\d+)?(?:亿元|万元|元)?")

_OTHER_OR_TOTAL = re.compile(L.spaced("其他处理") + "|" + L.REQUEST_ROW_PATTERNS["total"])
MAX_GAP = 700  # max characters between two consecutive 表三 labels


def prepare(text: str) -> str:
    """Working copy of the document text: full-width digits/spaces half-width,
    markdown rules and page numbers blanked; same length, so offsets are shared."""
    from scorer.tables.numbers import mask_text

    for wide, narrow in _FULLWIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    if "+" in text:
        # "+ 14" (a space after the sign): the sign belongs to the number; "+" is
        # never a placeholder, so this is safe in every layout
        text = _SPACED_PLUS.sub(lambda m: " " * (len(m.group()) - 1) + "+", text)
    if "增" in text or "减" in text:
        # the word as the sign of a 本年增/减 cell: "16减12" in a glued run, " 增1"
        # after a space, or "增" / "3" on lines of their own (莆田 pages). One
        # character for one, so offsets stay.
        text = _SIGN_WORD.sub(lambda m: "+" if m.group() == "增" else "-", text)
        text = _SIGN_LINE.sub(lambda m: " +" if m.group(1) == "增" else " -", text)
    return mask_text(text)


_SPACED_PLUS = re.compile(r"\+[ \t]+(?=\d)")
_SIGN_WORD = re.compile(r"(?<=[\d\s])[增减](?=\d)")
_SIGN_LINE = re.compile(r"(?m)^([增减])\n(?=\d)")


@dataclass
class RowContent:
    """A row found by its label, and its content as chunks."""

    key: str
    label_span: tuple[int, int] | None
    content_span: tuple[int, int] | None
    chunks: list[Chunk] = field(default_factory=list)
    unit: str | None = None
    #: 表二: the columns the table's own header gives this row, in order, when
    #: they differ from the statutory ones (canonical key, or None for a column
    #: the format does not have); None when the header is the statutory one.
    columns: list[str | None] | None = None
    header: str = ""  # the header words those columns were read from

    @property
    def found(self) -> bool:
        return self.label_span is not None


@dataclass
class TableParse:
    """What the layout parser found for one table."""

    name: str
    variant: str | None
    span: tuple[int, int]
    rows: list[RowContent]
    layout: str  # "rows", "lines" or "glued"
    width: int  # cells per row (表三 7, 表四 15 in one stream)
    notes: list[str] = field(default_factory=list)
    #: why no row of the table can be placed by its label (None when they can)
    unplaced: str | None = None


# --------------------------------------------------------------------------- 表三


def find_requests(work: str, start: int = 0) -> TableParse | None:
    """Locate 表三 and cut its rows. None when its first row label is absent."""
    m0 = _requests_start(work, start)
    if not m0:
        return None
    hard = _REQ_HARD_END.search(work, m0.end())
    hard_end = hard.start() if hard else len(work)
    variant: str | None = "2021" if _VARIANT_2021.search(work, m0.start(), hard_end) else "2019"
    if variant == "2019" and not _OTHER_OR_TOTAL.search(work, m0.end(), hard_end):
        variant = None  # cut off before 其他处理: the row set cannot tell the format
    order = L.REQUEST_ROWS_2019 if variant == "2019" else L.REQUEST_ROWS_2021
    found = _anchor(work, order, m0, hard_end)
    rows = _contents(work, order, found, hard_end, width=7)
    end = max((r.content_span[1] for r in rows if r.content_span), default=m0.end())
    parse = TableParse("requests", variant, (m0.start(), end), rows, "rows", 7)
    if all(r.found and _plain(r.chunks, 7) for r in rows):
        return parse
    lines_from = _lines_start(work, m0.start(), start)
    by_lines = _read_lines(work, lines_from, end, 7, len(order))
    if by_lines is not None:
        for r, chunks in zip(rows, by_lines):
            r.chunks = chunks
            if chunks:
                r.content_span = (chunks[0].start, chunks[-1].end)
        parse.layout = "lines"
        parse.notes.append("表三按行读取数字（标签与数字错位的PDF/Markdown排版）")
        return parse
    parse.layout = "glued"
    bare = _bare_number_lines(work, lines_from, end, 7)
    if bare >= 3:
        # numbers on lines of their own, apart from their labels (a PDF layout),
        # but not one line per row: which label a line belongs to is unknown, and
        # the text between two labels may hold another row's numbers
        parse.unplaced = (
            f"表三有{bare}行数字与标签分开排印（PDF式排版），但数字行数与表格行数不符，无法确定各行数字属于哪一行"
        )
    return parse


def _requests_start(work: str, start: int) -> re.Match[str] | None:
    """``L.REQUESTS_START.search(work, start)``, found faster.

    That regex opens with an optional "一、", so the engine tries it at every
    offset. Its core (from "本年新收") starts with a literal, which the engine skips
    to directly; the match then starts at the "一、" right before the first core
    match, if there is one (it holds only 一, 、/. and spaces, so no earlier match
    can reach past that core)."""
    core = L.REQUESTS_START_CORE.search(work, start)
    if core is None:
        return None
    at = j = core.start()
    while j > start and work[j - 1].isspace():  # \s is str.isspace
        j -= 1
    if j > start and work[j - 1] in "、.":
        j -= 1
        while j > start and work[j - 1].isspace():
            j -= 1
        if j > start and work[j - 1] == "一":
            at = j - 1
    return L.REQUESTS_START.match(work, at)


def _anchor(work: str, order: tuple[str, ...], m0: re.Match[str], hard_end: int) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {order[0]: (m0.start(), m0.end())}
    pos = m0.end()
    for key in order[1:]:
        m = _REQ_PATTERNS[key].search(work, pos, min(hard_end, pos + MAX_GAP))
        if not m:
            continue
        end = m.end()
        tail = _REQ_TAILS.get(key)
        if tail:
            t = tail.match(work, end, min(hard_end, end + 80))
            if t:
                end = t.end()
        found[key] = (m.start(), end)
        pos = end
    return found


def _contents(
    work: str, order: tuple[str, ...], found: dict[str, tuple[int, int]], hard_end: int, width: int
) -> list[RowContent]:
    keys = [k for k in order if k in found]
    rows: dict[str, RowContent] = {}
    for i, key in enumerate(keys):
        ls, le = found[key]
        line_end = work.find("\n", le)
        line_end = len(work) if line_end < 0 else line_end
        rest = work[le:line_end]
        if has_separators(rest) and CHUNK_RE.search(rest):
            # a grid row: cells are the fields of this line
            nxt = found[keys[i + 1]][0] if i + 1 < len(keys) else line_end
            stop = min(line_end, nxt) if nxt > le else line_end
            chunks = chunks_fields(work[le:stop], le, width)
            rows[key] = RowContent(key, (ls, le), (le, stop), chunks)
            continue
        nxt = found[keys[i + 1]][0] if i + 1 < len(keys) else hard_end
        seg = work[le:nxt]
        if i + 1 == len(keys):
            seg = seg[: bound_tail(seg)]
        seg = seg.rstrip()
        rows[key] = RowContent(key, (ls, le), (le, le + len(seg)), chunks_glued(seg, le))
    return [rows.get(k, RowContent(k, None, None)) for k in order]


def _plain(chunks: list[Chunk], width: int) -> bool:
    """True when the chunks are exactly ``width`` separate cells."""
    return len(chunks) == width and all(
        c.kind != "num" or _PLAIN_CELL.fullmatch(c.text) for c in chunks
    )


_BARE_LINE = re.compile(r"[\s|]*(?:\d+[\s|]+){6}\d+[\s|]*")


def _bare_number_lines(work: str, start: int, end: int, width: int) -> int:
    """Lines holding ``width`` numbers and nothing else (no label) between
    ``start`` and ``end``."""
    return sum(1 for line in work[start:end].split("\n") if _BARE_LINE.fullmatch(line) and count_glued(line) == width)


def _lines_start(work: str, first_label: int, start: int) -> int:
    """Where 表三's number lines may begin: a PDF may print the first row's numbers
    above its (wrapped) label, so from the section heading before the first label
    (the table's header lies between them), else from the first label's line."""
    lo = max(start, first_label - 800)
    heading = None
    for m in L.SECTION_REQUESTS.finditer(work, lo, first_label):
        heading = m
    return _line_start(work, heading.start() if heading else first_label)


def _line_start(work: str, pos: int) -> int:
    return work.rfind("\n", 0, pos) + 1


def _read_lines(work: str, start: int, end: int, width: int, n_rows: int) -> list[list[Chunk]] | None:
    """Rows read line by line: each line with exactly ``width`` separate numbers is
    the next row; a line with a single stray number is ignored; anything else
    means the layout is not line-based."""
    if work.count("\n", start, end) + 1 < n_rows:
        return None  # fewer lines than rows (a whole table glued on one line)
    out: list[list[Chunk]] = []
    pos = start
    for line in work[start:end].split("\n"):
        base = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if has_separators(line):
            chunks = chunks_fields(line, base, width)
        else:
            # count first: most lines are skipped (no or one number) or end the search
            # (a whole glued table on one line), so their chunks are never needed
            count = count_glued(line)
            if count <= 1:
                continue
            if count != width:
                return None
            chunks = chunks_glued(line, base)
        chunks = [c for c in chunks if c.kind != "ph" or c.text.strip()]
        if not chunks or (len(chunks) == 1 and not has_separators(line)):
            continue
        if len(chunks) != width or not _plain(chunks, width):
            return None
        out.append(chunks)
    return out if len(out) == n_rows else None


# --------------------------------------------------------------------------- 表四


def find_review(work: str, start: int = 0) -> TableParse | None:
    """Locate 表四 (header, then 15 numbers) after ``start``."""
    pos = start
    while True:
        m = L.REVIEW_HEADER_START.search(work, pos)
        if not m:
            return None
        totals = list(L.REVIEW_TOTAL.finditer(work, m.end(), min(len(work), m.end() + 400)))[:3]
        if len(totals) >= 2:
            header_end = totals[-1].end()
            break
        wrapped = _wrapped_review_header(work, m.end())
        if wrapped is not None:
            header_end = wrapped
            break
        pos = m.end()
    i = header_end
    limit = min(len(work), header_end + 300)
    no_numbers = False
    while i < limit and not (work[i].isdigit() or work[i] in "/／"):
        ch = work[i]
        if ch not in _REVIEW_HEADER_CHARS:
            no_numbers = True  # prose before any number: the table has no numbers
            break
        i += 1
    # the row's content ends where the header's words end (its cells are empty);
    # the prose after it is not the table's content
    span_end = i
    if no_numbers:
        while span_end > header_end and work[span_end - 1].isspace():
            span_end -= 1
        i = limit
    chunks: list[Chunk] = []
    if i < limit:
        # cut back to the line start so "| 0 | 0 |" keeps its fields
        seg_start = max(header_end, _line_start(work, i))
        seg = work[seg_start:]
        seg = seg[: bound_tail(seg)].rstrip()
        if has_separators(seg):
            chunks = chunks_fields(seg.replace("\n", "|"), seg_start, 15, label=False)
        else:
            chunks = chunks_glued(seg, seg_start)
        span_end = seg_start + len(seg)
    row = RowContent("all", (m.start(), header_end), (header_end, span_end), chunks)
    return TableParse("review_litigation", None, (m.start(), span_end), [row], "rows", 15)


def _wrapped_review_header(work: str, start: int) -> int | None:
    """End of a 表四 header whose column words a PDF wrapped inside their narrow cells
    ("结果结果其他尚未总" / "维持纠正结果审结计": "总计" never stands whole), or None.
    The header is the run of header characters up to the first number; it must
    hold the characters of the three groups' 总计."""
    i = start
    limit = min(len(work), start + 400)
    while i < limit and work[i] in _REVIEW_HEADER_CHARS:
        i += 1
    if i >= limit or not work[i].isdigit():
        return None
    head = work[start:i]
    if head.count("总") >= 2 and head.count("计") >= 2 and "维" in head and "审" in head:
        while i > start and work[i - 1].isspace():
            i -= 1
        return i
    return None


# --------------------------------------------------------------------------- 表二

def _header_unit(work: str, start: int, label_start: int) -> str | None:
    """The unit a 表二 block's header states ("本年收费金额（单位：元）"): the header
    runs from the block's last "信息内容" before the row label to the label."""
    info = None
    for m in L.INFO_HEADER.finditer(work, max(start, label_start - 300), label_start):
        info = m
    return unit_hint(work[info.end() : label_start]) if info else None


_ITEM_ROWS = frozenset({"licensing", "other_services", "punishment", "coercion", "fees"})


def _own_item_columns(work: str, start: int, hits: list[tuple[int, int, str]], rows: dict[str, RowContent]) -> None:
    """The columns a 2019 表二 block really has, read from its header.

    Some sites replaced 上一年项目数量 / 本年增/减 by a column of their own
    ("2019年项目数量"): reading its numbers as 上一年项目数量 would present a count
    the report never gave. The header is the text from the block's "信息内容" to
    its first row label; only a header whose every column is recognised changes
    the row's columns."""
    for ls, _, key in hits:
        if key not in _ITEM_ROWS:
            continue
        info = None
        for m in L.INFO_HEADER.finditer(work, start, ls):
            info = m
        if info is None:
            continue
        first_label = min(a for a, _, _ in hits if a >= info.end())
        header = work[info.end() : first_label]
        found: list[tuple[int, str | None]] = []
        rest = header
        for col, pat in L.ITEMS_HEADER_2019:
            for m in pat.finditer(header):
                found.append((m.start(), col))
                rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
        if rest.strip() or not found:
            continue  # words the header holds beyond the known columns: keep the statutory ones
        cols = [c for _, c in sorted(found)]
        statutory = ["prev_items", "change", "decisions"] if key != "fees" else ["prev_items", "change"]
        if cols != statutory:
            rows[key].columns = cols
            rows[key].header = " ".join(header.split())


def find_proactive(work: str, end_hint: int | None = None) -> TableParse | None:
    """Locate 表二 and find its rows (by label, in any order)."""
    m0 = L.PROACTIVE_START.search(work, 0, end_hint if end_hint is not None else len(work))
    if not m0:
        return None
    start = m0.start()
    end = end_hint if end_hint is not None and end_hint > start else len(work)
    sec = L.SECTION_REQUESTS.search(work, m0.end(), end)
    if sec:
        end = sec.start()
    end = min(end, start + 2500)
    region = work[start:end]
    variant = "2019" if L.PROACTIVE_2019_MARKS.search(region) else "2021"
    defs = L.PROACTIVE_ROWS_2019 if variant == "2019" else L.PROACTIVE_ROWS_2021
    hits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for d in defs:
        pat = _PROACTIVE_PATTERNS[d.pattern]
        pos = start
        while (m := pat.search(work, pos, end)) is not None:
            if any(a <= m.start() < b for a, b in taken):
                pos = m.end()
                continue
            hits.append((m.start(), m.end(), d.key))
            taken.append((m.start(), m.end()))
            break
    hits.sort()
    rows: dict[str, RowContent] = {}
    for i, (ls, le, key) in enumerate(hits):
        width = len(next(d for d in defs if d.key == key).columns)
        line_end = work.find("\n", le)
        line_end = len(work) if line_end < 0 else line_end
        nxt = hits[i + 1][0] if i + 1 < len(hits) else end
        rest = work[le:min(line_end, nxt) if nxt > le else line_end]
        unit = unit_hint(work[le:nxt]) or _header_unit(work, start, ls)
        if has_separators(rest) and CHUNK_RE.search(rest):
            chunks = chunks_fields(rest, le, width)
            rows[key] = RowContent(key, (ls, le), (le, le + len(rest)), chunks, unit)
            continue
        seg = work[le:nxt]
        seg = seg[: bound_tail(seg)].rstrip()
        rows[key] = RowContent(key, (ls, le), (le, le + len(seg)), chunks_glued(seg, le), unit)
    ordered = [rows.get(d.key, RowContent(d.key, None, None)) for d in defs]
    if variant == "2019":
        _own_item_columns(work, start, hits, rows)
    span_end = max((r.content_span[1] for r in ordered if r.content_span), default=m0.end())
    return TableParse("proactive", variant, (start, span_end), ordered, "rows", 3)
