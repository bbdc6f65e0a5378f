"""``extract_tables(doc)``: the three statutory tables of a document in canonical keys,
with the provenance of every cell and T-cell findings for what could not be read."""
from __future__ import annotations

import re
from typing import Any, Sequence

from scorer.model import Document, Finding, make_finding
from scorer.tables import labels as L
from scorer.tables.numbers import Piece, parse_value, runs, splits, with_gaps
from scorer.tables.parse import TableParse, find_proactive, find_requests, find_review, prepare
from scorer.tables.result import Cell, TableResult
from scorer.tables.solve import choose, choose_requests, review_sums_ok, row_sum_ok
from scorer.words import TABLE_NAMES



def extract_tables(doc: Document) -> TableResult:
    """Read 表二, 表三 and 表四 from a loaded document.

    Works on ``doc.text`` alone (grid tables from HTML/DOCX/PDF are rendered into it
    as `` | `` rows by the loader), so it does not depend on the section detector.

    Parameters
    ----------
    doc : Document
        A loaded document (:func:`scorer.load`).

    Returns
    -------
    TableResult
        Canonical tables (None when absent), spans, per-cell provenance and
        ``T-cell`` findings for blank, placeholder, ambiguous or unreadable cells.

    Examples
    --------
    >>> from scorer.load import load  # doctest: +SKIP
    >>> extract_tables(load("corpora/reports/029_pingtan_xingzhengshenpi_2024.txt")).value(
    ...     "requests.new.total")  # doctest: +SKIP
    28
    """
    from scorer.clean import MERGED_RUNS_NOTE

    return extract_from_text(doc.text, merged_runs=MERGED_RUNS_NOTE in doc.notes)


def extract_from_text(text: str, merged_runs: bool = False) -> TableResult:
    """:func:`extract_tables` on a bare text (the cleaned document text).

    ``merged_runs``: the source printed a run of equal neighbouring cells once
    (the loader says so in ``Document.notes``): a row with fewer numbers than cells
    is read as runs of equal cells, placed by the table's arithmetic."""
    work = prepare(text)
    req = find_requests(work)
    review = find_review(work, req.span[1] if req else 0)
    pro = find_proactive(work, req.span[0] if req else (review.span[0] if review else None))
    b = _Builder(text, merged_runs, not merged_runs and _short_run(req, review))
    b.gaps = not merged_runs and _blanks_vanish(req, review)
    if merged_runs:
        b.blank_rows = _blank_rows(req)
    requests = b.requests(req) if req else None
    review_t = b.review(review) if review else None
    proactive = b.proactive(pro) if pro else None
    variants = {}
    if pro:
        variants["proactive"] = pro.variant
    if req and req.variant:
        variants["requests"] = req.variant
    fmt = variants.get("proactive") or variants.get("requests")
    spans = {p.name: p.span for p in (pro, req, review) if p}
    # a crawler-merged page: every table was read as runs of equal cells
    layouts = {p.name: "runs" if merged_runs else p.layout for p in (pro, req, review) if p}
    notes = [n for p in (pro, req, review) if p for n in p.notes] + b.notes
    return TableResult(
        format_version=fmt,
        proactive=proactive,
        requests=requests,
        review_litigation=review_t,
        spans=spans,
        cells=dict(sorted(b.cells.items())),
        findings=tuple(sorted(b.findings, key=_finding_key)),
        variants=variants,
        layouts=layouts,
        truncated=tuple(b.truncated),
        missing_rows={k: tuple(v) for k, v in b.missing.items()},
        notes=tuple(dict.fromkeys(notes)),
    )


def _read(
    chunks: list,
    kinds: tuple[str, ...],
    span: tuple[int, int] | None,
    totals: dict[int, tuple[int, ...]] | None,
    merged_runs: bool = False,
    gaps: bool = False,
) -> list[tuple[Piece, ...]]:
    """Readings of a row: all blank when it has no content; else the readings that
    satisfy the row's own sums, or, when none does, every reading (none at all if
    there are too many to list).

    With ``merged_runs`` a row printing fewer values than cells is read as runs of
    equal cells (:func:`~scorer.tables.numbers.runs`); every expansion is returned
    and the table's arithmetic chooses among them.

    With ``gaps`` (the document shows that blank cells vanished when its tables
    were flattened) a row of fewer numbers than cells may also be those numbers
    with blank cells between them (:func:`~scorer.tables.numbers.with_gaps`)."""
    if not chunks:
        a = span[0] if span else 0
        return [tuple(Piece("", a, a, "blank") for _ in kinds)]
    if merged_runs and len(chunks) <= len(kinds) and all(c.kind in ("num", "ph") for c in chunks):
        return runs(chunks, kinds) or []
    if totals:
        fit = splits(chunks, kinds, totals=totals) or []
        # fewer numbers than cells: blank cells may have vanished in flattening; those
        # readings stand beside the glued ones and the arithmetic chooses
        vanished = with_gaps(chunks, kinds, totals) if gaps and len(chunks) < len(kinds) else []
        if vanished is None:
            return []
        if fit or vanished:
            return fit + vanished
    every = splits(chunks, kinds, limit=2000)
    if not every and totals and _one_short(chunks, len(kinds)):
        return _with_one_blank(chunks, kinds)
    return every or []


def _fewer_than(chunks: list, n: int) -> bool:
    """A row of numbers and empty fields, fewer than its ``n`` cells."""
    return 0 < len(chunks) < n and all(c.kind in ("num", "blank") for c in chunks)


def _one_short(chunks: list, n: int) -> bool:
    """A glued 表三/表四 row of digits one short of its cells ("0 00000" for seven)."""
    return all(c.kind == "num" and c.text.isdigit() for c in chunks) and sum(len(c.text) for c in chunks) == n - 1


def _with_one_blank(chunks: list, kinds: tuple[str, ...]) -> list[tuple[Piece, ...]]:
    """Readings of a row one digit short: one digit per cell with one cell blank,
    anywhere (the source left it empty, or the crawler lost it). Every cell is
    then either its digit or blank: 待核对, never a guess."""
    out: list[tuple[Piece, ...]] = []
    digits = [Piece(ch, c.start + i, c.start + i + 1, "num") for c in chunks for i, ch in enumerate(c.text)]
    for i in range(len(kinds)):
        at = digits[i].start if i < len(digits) else digits[-1].end
        out.append(tuple(digits[:i]) + (Piece("", at, at, "blank"),) + tuple(digits[i:]))
    return out


_STRAY = "数字之间夹有无法识别的文字，其后的数字可能属于未能识别标签的另一行"

# Words a page may print between the numbers of one row: the pieces of a group label
# printed around its first sub-row ("（三）" / "不予" / "1." / "属于国家秘密" / "0" /
# "公开"), the 2019 sign words ("2" / "增" / "3"), and the partial-disclosure note.
_SPLIT_LABEL_WORDS = (
    "本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理", "增减",
    "区分处理的只计这一情形不计其他情形",
)
_LABEL_DEBRIS = re.compile(r"[\s（）()、.．，,：:/一二三四五六七八九十]|^\d+[.、．]$")


#: Rows of 表三 without any value between two labels from which a crawler-merged
#: page is read as a page of blank cells. The crawler prints every non-empty cell
#: (merging equal neighbours), so only blank cells leave a row with nothing; one
#: such row could still be a label misread, two are the page's way of writing.
BLANK_ROWS_MIN = 2


def _blank_rows(req: TableParse | None) -> int:
    """How many 表三 rows hold no value at all between their label and the next
    found label (the last found row is not counted: its end is a guess)."""
    if req is None:
        return 0
    found = [r for r in req.rows if r.found]
    return sum(1 for r in found[:-1] if not r.chunks)


_BLANK_PAGE_START = "本页表三有"


def _blank_page_why(n_blank: int) -> str:
    return (
        f"{_BLANK_PAGE_START}{n_blank}行在两个标签之间没有任何数字：原网页的单元格是空白的，"
        "不是被爬虫合并的相同单元格，因此少于单元格数的数字无法确定各属哪一格"
    )


def _blanks_vanish(req: TableParse | None, review: TableParse | None) -> bool:
    """True when the document shows that blank cells of 表三/表四 vanished when the
    page was flattened (not a crawler-merged page): a 表三 row holds no number at
    all between its label and the next one, or a row of numbers alone has fewer
    digits than cells. A row of fewer numbers than cells may then hide blank
    cells anywhere; without such evidence its numbers are read as glued cells."""
    if req is not None and req.layout != "lines":
        found = [r for r in req.rows if r.found]
        if any(not r.chunks for r in found[:-1]):
            return True
    for p in (req, review):
        if p is None or p.layout == "lines":
            continue
        if any(_short_of_cells(r, p.width, blanks=True) for r in p.rows):
            return True
    return False


def _short_of_cells(r: Any, width: int, *, blanks: bool) -> bool:
    """A row of digit runs (with ``blanks``, also empty fields, one cell each) that
    cannot fill its ``width`` cells even one digit a cell."""
    if not r.chunks or not all((c.kind == "num" and c.text.isdigit()) or (blanks and c.kind == "blank")
                               for c in r.chunks):
        return False
    return sum(len(c.text) if c.kind == "num" else 1 for c in r.chunks) < width


def _short_run(req: TableParse | None, review: TableParse | None) -> bool:
    """True when a glued row of 表三 or 表四 holds fewer digits than it has cells: the
    source then wrote some cell blank, and another glued run of the document may
    hide blank cells too (see ``_Builder._row_cells``)."""
    for p in (req, review):
        if p is None or p.layout not in ("rows", "glued"):
            continue
        if any(_short_of_cells(r, p.width, blanks=False) for r in p.rows):
            return True
    return False


def _finding_key(f: Finding) -> tuple:
    return (f.span[0] if f.span else -1, f.id, f.where, f.message)


def _fmt_reading(v: Sequence[Any]) -> str:
    return "/".join("空" if x is None else _num(x) for x in v)


def _num(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.6f}".rstrip("0").rstrip(".")
    return str(x)


# A Latin letter touching a digit inside a table row ("O2", "2l", "1O0").
_LETTER_IN_NUMBER = re.compile(r"\d*[A-Za-z]+\d+[A-Za-z\d]*|\d+[A-Za-z]+[A-Za-z\d]*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_INT_KINDS = frozenset({"count", "signed"})
_STATUS = {"num": "ok", "blank": "blank", "ph": "placeholder", "gap": "blank"}


class _Builder:
    """Collects cells and findings while the three tables are built."""

    def __init__(self, text: str, merged_runs: bool = False, blanks_possible: bool = False) -> None:
        self.text = text
        self.merged_runs = merged_runs
        self.blanks_possible = blanks_possible
        # rows (where keys) that cannot be placed, and why
        self.unplaced: dict[str, str] = {}
        #: 表三 rows with no value between two labels (crawler-merged pages only):
        #: from BLANK_ROWS_MIN on, the page has blank cells and a row printing fewer
        #: values than cells is not read as runs of equal cells (see _blank_page)
        self.blank_rows = 0
        #: blank cells of this document's 表三/表四 vanished in flattening (_blanks_vanish)
        self.gaps = False
        #: rows (where keys) of numbers and empty fields fewer than their cells
        self.short_rows: set[str] = set()
        self._stated: dict[str, int] | None = None  # narrative statements, read when first needed
        self._narrowed: dict[str, str] = {}
        self.cells: dict[str, Cell] = {}
        self.findings: list[Finding] = []
        self.truncated: list[str] = []
        self.missing: dict[str, list[str]] = {}
        self.notes: list[str] = []

    # ------------------------------------------------------------------ helpers
    def _raw(self, span: tuple[int, int] | None) -> str:
        return self.text[span[0] : span[1]] if span else ""

    def _readings(
        self, pieces_list: list[tuple[Piece, ...]], kinds: Sequence[str], unit: str | None
    ) -> list[tuple[Any, ...]]:
        out = []
        for pieces in pieces_list:
            vals = []
            for p, kind in zip(pieces, kinds):
                if p.kind == "gap":
                    vals.append(0)  # a vanished blank cell counts 0 in the arithmetic
                elif p.kind != "num":
                    vals.append(None)
                elif kind in _INT_KINDS:
                    vals.append(int(p.text))  # parse_value's result for counts, without the call
                else:
                    vals.append(parse_value(p.text, kind, unit)[0])
            out.append(tuple(vals))
        return out

    def _row_cells(
        self,
        table: str,
        row: str,
        cols: Sequence[str],
        kinds: Sequence[str],
        pieces_list: list[tuple[Piece, ...]],
        readings: list[tuple[Any, ...]],
        keep: list[int],
        content_span: tuple[int, int] | None,
        unit: str | None,
        row_label: str,
        how: str | None = None,
        where: str | None = None,
        blanks_possible: bool = False,
    ) -> dict[str, Any]:
        """Cells of one row from its surviving readings; emits T-cell findings.

        ``where`` prefixes the cell keys and findings (default ``table.row``).
        ``blanks_possible``: the document's glued runs may hide blank cells, so a
        row with several readings has more than those listed: every cell of it is
        ambiguous, even one on which the listed readings agree."""
        where = where or f"{table}.{row}"
        # a crawler-merged row none of whose expansions satisfies its own sums
        # cannot be placed: every cell is 待核对, none certain
        unplaced = self.unplaced.get(where)
        values: dict[str, Any] = {}
        blank: list[str] = []
        placeholder: list[tuple[str, str]] = []
        ambiguous: list[str] = []
        content = self._raw(content_span).strip()
        # the full pattern backtracks over every digit run; most rows have no letter
        letters = _LETTER_IN_NUMBER.search(content) if _ASCII_LETTER.search(content) else None
        if letters or not keep:
            # Unreadable: no split fits, or a letter typed where a digit belongs ("O2",
            # "1l"), where reading around it would present a guess as fact.
            for col in cols:
                key = f"{where}.{col}"
                self.cells[key] = Cell.make(key, None, "unreadable", content, content_span)
                values[col] = None
            if letters:
                why = f"的数字中混有字母“{letters.group()}”（内容“{_short(content)}”），无法确定数值，请更正为数字"
                numbers = {"raw": content, "letters": letters.group()}
            else:
                why = f"的内容“{_short(content)}”无法读成{len(cols)}个单元格"
                numbers = {"raw": content, "cells": len(cols)}
            # a page whose crawler merged equal cells: the row may be whole in the
            # source, so it is 待核对 for a person, not a defect of the report
            merged = self.merged_runs and not letters
            if not letters and (where in self.short_rows or (unplaced and not self.merged_runs)):
                # fewer numbers than cells that no placement fits, or a row that
                # cannot be placed: our reading problem as much as the report's, so
                # 待核对, never charged
                why += (f"（{unplaced}），待核对" if unplaced and not self.merged_runs
                        else "（数字少于单元格数，无法按表格勾稽关系确定各属哪一格），待核对")
                self.findings.append(
                    make_finding("T-cell", where, f"{TABLE_NAMES[table]}“{row_label}”行{why}", content_span, numbers,
                                 severity="info")
                )
                return values
            self.findings.append(
                make_finding(
                    "T-cell",
                    where,
                    f"{TABLE_NAMES[table]}“{row_label}”行{why}" + ("（网页爬虫把相邻相同的单元格只印一次），待核对" if merged else ""),
                    content_span,
                    numbers,
                    **({"severity": "info"} if merged else {}),
                )
            )
            return values
        cells = self.cells
        several = len(keep) > 1 or unplaced
        # a cell takes its value from the first surviving reading; with several, only
        # where they all agree
        first = zip(cols, kinds, pieces_list[keep[0]], readings[keep[0]])
        for j, (col, kind, p, v) in enumerate(first):
            key = f"{where}.{col}"
            if several:
                vals = {readings[i][j] for i in keep}
                # a vanished blank (gap) and a printed 0 differ although both count 0
                gap = {pieces_list[i][j].kind == "gap" for i in keep}
                if len(vals) > 1 or len(gap) > 1 or blanks_possible or unplaced:
                    cands = tuple(sorted((x for i in keep if (x := readings[i][j]) is not None
                                          and pieces_list[i][j].kind != "gap"), key=float))
                    cands = tuple(dict.fromkeys(cands))
                    cells[key] = Cell.make(key, None, "ambiguous", content, content_span, cands, how)
                    values[col] = None
                    ambiguous.append(col)
                    continue
            note = None
            if p.kind == "num" and kind == "amount":
                note = parse_value(p.text, kind, unit)[1]
                if note:
                    self.notes.append(f"{key}: {note}")
            status = _STATUS[p.kind]
            if p.kind == "gap":
                v = None
            if status == "blank":
                blank.append(col)
            elif status == "placeholder":
                placeholder.append((col, p.text))
            if several and status == "ok":
                note = (note + "；" if note else "") + "多种读法下该格取值相同"
            cells[key] = Cell.make(key, v, status, p.text, (p.start, p.end), note=note)
            values[col] = v
        if blank:
            self.findings.append(
                make_finding(
                    "T-cell",
                    where if len(blank) > 1 else f"{where}.{blank[0]}",
                    f"{TABLE_NAMES[table]}“{row_label}”行有{len(blank)}个空白单元格（{'、'.join(_col_cn(table, row, c) for c in blank)}）",
                    content_span,
                    {"blank": len(blank)},
                    severity="warning",
                )
            )
        if placeholder:
            self.findings.append(
                make_finding(
                    "T-cell",
                    where if len(placeholder) > 1 else f"{where}.{placeholder[0][0]}",
                    f"{TABLE_NAMES[table]}“{row_label}”行有单元格填写占位符（"
                    + "、".join(f"{_col_cn(table, row, c)}“{t}”" for c, t in placeholder)
                    + "），未填数字",
                    content_span,
                    {"placeholders": len(placeholder)},
                    severity="warning",
                )
            )
        if ambiguous:
            shown = [
                _fmt_reading([None if p.kind == "gap" else x for p, x in zip(pieces_list[i], readings[i])])
                for i in keep[:6]
            ]
            more = f" 等{len(keep)}种" if len(keep) > 6 else ""
            if unplaced and (unplaced.startswith(_BLANK_PAGE_START) or not self.merged_runs):
                # blank cells, not merged runs, or a row that cannot be placed at
                # all: no expansion is worth showing
                message = (
                    f"{TABLE_NAMES[table]}“{row_label}”行只印出“{_short(content)}”（{unplaced}），"
                    f"无法确定{'、'.join(_col_cn(table, row, c) for c in ambiguous)}，待核对（请对照原网页核对）"
                )
                self.findings.append(
                    make_finding("T-cell", where if len(ambiguous) > 1 else f"{where}.{ambiguous[0]}", message,
                                 content_span, {"raw": content, "readings": len(keep)}, severity="info")
                )
                return values
            self.findings.append(
                make_finding(
                    "T-cell",
                    where if len(ambiguous) > 1 else f"{where}.{ambiguous[0]}",
                    (
                        f"{TABLE_NAMES[table]}“{row_label}”行只印出“{_short(content)}”"
                        f"（网页爬虫把相邻相同的单元格只印一次），" + ("还原为" if unplaced else "可还原为多种读法：")
                        if self.merged_runs
                        else f"{TABLE_NAMES[table]}“{row_label}”行的连写数字“{_short(content)}”有多种读法："
                    )
                    + "；".join(shown)
                    + more
                    + ("（有一个单元格空白或缺失，不知是哪一个）" if any(x is None for i in keep for x in readings[i]) else "")
                    + ("（数字少于单元格数，有单元格空白或缺失（表格压平时空白单元格会消失），不知是哪几格）"
                       if any(p.kind == "gap" for i in keep for p in pieces_list[i]) else "")
                    + ("（本表另有一行数字少于单元格数，连写数字中可能还有空白单元格）" if blanks_possible else "")
                    + (f"（{unplaced}，各单元格均无法确定）" if unplaced else "")
                    + f"，无法确定{'、'.join(_col_cn(table, row, c) for c in ambiguous)}"
                    + ("，待核对（请对照原网页核对）" if self.merged_runs else "（多为网页表格被压平所致，请对照原件核对）"),
                    content_span,
                    {"raw": content, "readings": len(keep)},
                    # our reading problem, not the report's defect: flagged for a person
                    # to check, and never a deduction
                    severity="info",
                )
            )
        return values

    @property
    def _blank_page(self) -> bool:
        """A crawler-merged page whose cells are really blank (rows with no value at
        all between two labels): a lone value is not a run of equal cells there."""
        return self.merged_runs and self.blank_rows >= BLANK_ROWS_MIN

    def _unplaced_why(self, chunks: list, readings: list, merged: bool, ok: Any) -> str | None:
        """Why a crawler-merged row cannot be placed, or None when it can."""
        if self._stray_text(chunks):
            return _STRAY
        if merged and self._blank_page:
            return _blank_page_why(self.blank_rows)
        if readings and (len(readings) > 1 or merged) and not any(map(ok, readings)):
            return "没有一种还原能使本行合计成立"
        return None

    def _stray_text(self, chunks: list) -> bool:
        """True when a line of text that is not part of a split label stands between
        two numbers of a crawler-merged row: the numbers after it belong to a row
        whose label was not recognised, so this row cannot be placed."""
        for a, b in zip(chunks, chunks[1:]):
            for line in self.text[a.end : b.start].split("\n"):
                t = _LABEL_DEBRIS.sub("", line.strip())
                if t and not any(t in w for w in _SPLIT_LABEL_WORDS):
                    return True
        return False

    # ------------------------------------------------------------------ narrative
    def _narrow(
        self,
        table: str,
        row: str | None,
        cols: Sequence[str],
        pieces: list[tuple[Piece, ...]],
        readings: list[tuple[Any, ...]],
        row_ok: Any,
        label: str,
        variant: str | None = None,
    ) -> tuple[list[tuple[Piece, ...]], list[tuple[Any, ...]]]:
        """Among several readings of a row, those agreeing with the numbers the
        report's narrative states for its cells ("自然人…申请19条", "行政复议1条",
        "制定规范性文件15件"), when some but not all agree (and, with ``row_ok``, some
        agreeing reading also satisfies the row's sums). The narrative never
        overrides a single reading: it only chooses among those the source allows."""
        if len(readings) < 2:
            return pieces, readings
        if self._stated is None:
            self._stated = stated_values(self.text)
        prefix = f"{table}.{row}." if row else f"{table}."
        stated = {c: self._stated[prefix + c] for c in cols if prefix + c in self._stated}
        if table == "proactive" and row == "normative_docs" and variant == "2019":
            stated = {}  # the statements count 2021 columns (制定/废止/现行有效)
        if not stated:
            return pieces, readings
        idx = [cols.index(c) for c in stated]
        fit = [i for i, v in enumerate(readings) if all(v[j] == x for j, x in zip(idx, stated.values()))]
        if not fit or len(fit) == len(readings) or (row_ok and not any(row_ok(readings[i]) for i in fit)):
            return pieces, readings
        how = "据正文所述数字（" + "、".join(f"{_col_cn(table, row or '', c)}{v}" for c, v in stated.items()) + "）确定读法"
        self._narrowed[prefix.rstrip(".")] = how
        self.notes.append(f"{TABLE_NAMES[table]}“{label}”：{how}")
        return [pieces[i] for i in fit], [readings[i] for i in fit]

    # ------------------------------------------------------------------ 表三
    def requests(self, p: TableParse) -> dict[str, dict[str, Any]]:
        kinds = ("count",) * 7
        cols = L.REQUEST_COLUMNS
        pieces: dict[str, list[tuple[Piece, ...]]] = {}
        readings: dict[str, list[tuple[Any, ...]]] = {}
        for r in p.rows:
            if not r.found and not r.chunks:
                continue
            ps = _read(r.chunks, kinds, r.content_span, {6: (0, 1, 2, 3, 4, 5)}, self.merged_runs, self.gaps)
            if self.gaps and _fewer_than(r.chunks, len(kinds)):
                self.short_rows.add(f"requests.{r.key}")
            rs = self._readings(ps, kinds, None)
            ps, rs = self._narrow("requests", r.key, cols, ps, rs, row_sum_ok, L.REQUEST_ROW_LABELS[r.key])
            pieces[r.key] = ps
            readings[r.key] = rs
            if p.unplaced and r.chunks:
                self.unplaced[f"requests.{r.key}"] = p.unplaced
            # crawler-merged (fewer numbers than cells) and no expansion fits the
            # row's sum: not placed, even when there is a single expansion
            merged = 0 < len(r.chunks) < len(kinds)
            if self.merged_runs:
                why = self._unplaced_why(r.chunks, rs, merged, row_sum_ok)
                if why:
                    self.unplaced[f"requests.{r.key}"] = why
        # a row that cannot be placed takes no part in the table's arithmetic: its
        # candidate readings must not decide the other rows
        placed = {k: v for k, v in readings.items() if f"requests.{k}" not in self.unplaced}
        keep, how = choose_requests(placed, p.variant or "2021")
        for k, v in readings.items():
            keep.setdefault(k, list(range(len(v))))
        if how:
            self.notes.append(f"表三：{how}")
        order = [r.key for r in p.rows]
        last_found = max((i for i, r in enumerate(p.rows) if r.key in readings), default=-1)
        missing = [r.key for r in p.rows if r.key not in readings]
        if missing:
            self.missing["requests"] = missing
        if last_found < len(order) - 1:
            self.truncated.append("requests")
        out: dict[str, dict[str, Any]] = {}
        for i, r in enumerate(p.rows):
            label = L.REQUEST_ROW_LABELS[r.key]
            if r.key not in readings:
                out[r.key] = {c: None for c in cols}
                for c in cols:
                    k = f"requests.{r.key}.{c}"
                    self.cells[k] = Cell.make(k, None, "missing")
                if i <= last_found:
                    self.findings.append(
                        make_finding(
                            "T-cell",
                            f"requests.{r.key}",
                            f"表三未找到“{label}”行"
                            # on a crawler-merged page a label split over lines may
                            # just not be recognised: 待核对, not charged
                            + ("（网页爬虫打乱了表格，标签可能未能识别），待核对" if self.merged_runs else ""),
                            (p.span[0], p.span[0]),
                            {},
                            **({"severity": "info"} if self.merged_runs else {}),
                        )
                    )
                continue
            out[r.key] = self._row_cells(
                "requests", r.key, cols, kinds, pieces[r.key], readings[r.key], keep[r.key],
                r.content_span, None, label, how,
            )
        return out

    # ------------------------------------------------------------------ 表四
    def review(self, p: TableParse) -> dict[str, dict[str, Any]]:
        r = p.rows[0]
        kinds = ("count",) * 15
        ps = _read(
            r.chunks, kinds, r.content_span, {4: (0, 1, 2, 3), 9: (5, 6, 7, 8), 14: (10, 11, 12, 13)}, self.merged_runs,
            self.gaps,
        )
        if self.gaps and _fewer_than(r.chunks, len(kinds)):
            self.short_rows.add("review_litigation")
        readings = self._readings(ps, kinds, None)
        cols = [f"{g}.{c}" for g in L.REVIEW_GROUPS for c in L.REVIEW_COLUMNS]
        ps, readings = self._narrow("review_litigation", None, cols, ps, readings, review_sums_ok, "行政复议、行政诉讼")
        keep, how = choose({"all": readings}, review_sums_ok)
        if how:
            self.notes.append(f"表四：{how}")
        merged = 0 < len(r.chunks) < len(kinds)
        why = self._unplaced_why(r.chunks, readings, merged, review_sums_ok) if self.merged_runs else None
        if why:
            self.unplaced["review_litigation"] = why
            keep = {"all": list(range(len(readings)))}
        # one 15-cell row keyed straight as "review_litigation.review.upheld"
        flat = self._row_cells(
            "review_litigation", "all", cols, kinds, ps, readings, keep["all"], r.content_span, None,
            "行政复议、行政诉讼", how, where="review_litigation",
        )
        out: dict[str, dict[str, Any]] = {}
        for g in L.REVIEW_GROUPS:
            out[g] = {c: flat[f"{g}.{c}"] for c in L.REVIEW_COLUMNS}
        return out

    # ------------------------------------------------------------------ 表二
    def proactive(self, p: TableParse) -> dict[str, dict[str, Any]]:
        defs = L.PROACTIVE_ROWS_2019 if p.variant == "2019" else L.PROACTIVE_ROWS_2021
        out: dict[str, dict[str, Any]] = {}
        missing = []
        for d, r in zip(defs, p.rows):
            cols = [c[0] for c in d.columns]
            kinds = tuple(c[2] for c in d.columns)
            if not r.found:
                missing.append(d.key)
                out[d.key] = {c: None for c in cols}
                for c in cols:
                    k = f"proactive.{d.key}.{c}"
                    self.cells[k] = Cell.make(k, None, "missing")
                self.findings.append(
                    make_finding(
                        "T-cell",
                        f"proactive.{d.key}",
                        f"表二未找到“{d.label}”行",
                        (p.span[0], p.span[0]),
                        {},
                        severity="warning",
                    )
                )
                continue
            own = r.columns
            if own is not None:
                out[d.key] = self._own_columns(d, r, own)
                continue
            ps = _read(r.chunks, kinds, r.content_span, None, self.merged_runs)
            readings = self._readings(ps, kinds, r.unit)
            # 表二 has no arithmetic: several readings stay ambiguous, unless the
            # report's own narrative states the numbers ("制定规范性文件15件")
            if self.merged_runs and self._stray_text(r.chunks):
                self.unplaced[f"proactive.{d.key}"] = _STRAY
            elif self._blank_page and 0 < len(r.chunks) < len(cols):
                self.unplaced[f"proactive.{d.key}"] = _blank_page_why(self.blank_rows)
            n_before = len(readings)
            ps, readings = self._narrow("proactive", d.key, cols, ps, readings, None, d.label, p.variant)
            keep = list(range(len(readings)))
            how = self._narrowed.get(f"proactive.{d.key}") if len(readings) < n_before else None
            out[d.key] = self._row_cells(
                "proactive", d.key, cols, kinds, ps, readings, keep, r.content_span, r.unit, d.label, how,
                blanks_possible=self.blanks_possible,
            )
        if missing:
            self.missing["proactive"] = missing
        return out


    def _own_columns(self, d: L.ProactiveRow, r: Any, own: list[str | None]) -> dict[str, Any]:
        """A 表二 row whose header has columns of its own (:func:`parse._own_item_columns`):
        read its numbers into those columns; a statutory column the table lacks
        is ``missing`` (None), and a column of its own is kept only in a note."""
        kinds_of = {c[0]: c[2] for c in d.columns}
        kinds = tuple(kinds_of.get(c, "count") if c else "count" for c in own)
        names = [c or f"own{i}" for i, c in enumerate(own)]
        ps = _read(r.chunks, kinds, r.content_span, None, self.merged_runs)
        readings = self._readings(ps, kinds, r.unit)
        got = self._row_cells(
            "proactive", d.key, names, kinds, ps, readings, list(range(len(readings))), r.content_span, r.unit, d.label
        )
        absent = [c[0] for c in d.columns if c[0] not in own]
        for i, c in enumerate(own):
            if c is None:
                k = f"proactive.{d.key}.own{i}"
                cell = self.cells.pop(k, None)
                if cell is not None and cell.value is not None:
                    self.notes.append(f"表二“{d.label}”：表头“{r.header}”中不属于法定格式的一列取值{_num(cell.value)}，未计入")
        out: dict[str, Any] = {}
        for c in d.columns:
            k = f"proactive.{d.key}.{c[0]}"
            if c[0] in own:
                out[c[0]] = got[c[0]]
            else:
                out[c[0]] = None
                self.cells[k] = Cell.make(k, None, "missing", note=f"表头为“{r.header}”，没有这一列")
        if absent:
            self.findings.append(
                make_finding(
                    "T-cell",
                    f"proactive.{d.key}",
                    f"表二“{d.label}”的表头为“{r.header}”，缺少法定格式的"
                    + "、".join(f"“{_col_cn('proactive', d.key, c)}”" for c in absent)
                    + "列",
                    r.content_span,
                    {"header": r.header, "missing": len(absent)},
                    severity="warning",
                )
            )
        return out


# Numbers the narrative states for table cells, by canonical key. Read from the text
# with whitespace removed (one-cell-per-line pages break "行政复议 / 1 / 条").
_COUNT_WORD = r"(\d+)(?:件|个|份|条|起|宗)"
_STATED: dict[str, re.Pattern[str]] = {
    "proactive.normative_docs.issued": re.compile(r"(?:制定|制发|出台|印发)(?:了)?(?:行政)?规范性文件(\d+)(?:件|个|份)"),
    "proactive.normative_docs.repealed": re.compile(r"废止(?:了)?(?:行政)?规范性文件(\d+)(?:件|个|份)"),
    "proactive.normative_docs.in_force": re.compile(r"现行有效(?:的)?(?:行政)?规范性文件(\d+)(?:件|个|份)"),
    "proactive.punishment.decisions": re.compile(r"作出(?:了)?行政处罚决定(?:书)?(?:共)?" + _COUNT_WORD),
    "proactive.licensing.decisions": re.compile(r"作出(?:了)?行政许可决定(?:书)?(?:共)?" + _COUNT_WORD),
    "requests.new.natural_person": re.compile(r"(?<!非)自然人(?:提出的?)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?" + _COUNT_WORD),
    "requests.new.business": re.compile(r"商业企业(?:提出的?)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?" + _COUNT_WORD),
    "requests.new.research": re.compile(r"科研机构(?:提出的?)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?" + _COUNT_WORD),
    "requests.new.social_org": re.compile(r"社会公益组织(?:提出的?)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?" + _COUNT_WORD),
    "requests.new.legal_service": re.compile(r"法律服务机构(?:提出的?)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共)?" + _COUNT_WORD),
    "review_litigation.review.total": re.compile(r"(?:被申请|引起的?|收到|发生)行政复议(?:案件)?(?:共)?" + _COUNT_WORD),
}
_SPACE = re.compile(r"\s+")


def stated_values(text: str) -> dict[str, int]:
    """The cell values the narrative states, by canonical key, for the keys stated
    with one value only (a key stated with two different values decides nothing).

    Statements inside the tables themselves cannot match: their labels and numbers
    are on separate lines or cells, and the patterns need the count word (件/条…)."""
    flat = _SPACE.sub("", text)
    out: dict[str, int] = {}
    for key, pat in _STATED.items():
        vals = {int(m.group(1)) for m in pat.finditer(flat)}
        if len(vals) == 1:
            out[key] = vals.pop()
    return out


def _short(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _col_cn(table: str, row: str, col: str) -> str:
    if table == "requests":
        return L.REQUEST_COLUMN_LABELS[col]
    if table == "review_litigation":
        if "." in col:
            g, c = col.split(".")
            return f"{L.REVIEW_GROUP_LABELS[g]}{L.REVIEW_COLUMN_LABELS[c]}"
        return L.REVIEW_COLUMN_LABELS.get(col, col)
    for d in L.PROACTIVE_ROWS_2021 + L.PROACTIVE_ROWS_2019:
        if d.key == row:
            for k, label, _ in d.columns:
                if k == col:
                    return label
    return col
