"""``validate_document(doc, tables)``: the findings of domain.md §6 that one document
can show on its own — table rules (through the pandera schemas), cells that could
not be read, structure (sections and tables), narrative numbers against the tables,
and wrong report years in the body.

Findings are data, never exceptions; every finding has a ``where`` and a span into
``doc.text`` and the list is sorted deterministically.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Sequence

from scorer.model import SECTION_KEYS, Document, Finding, make_finding
from scorer.tables import TableResult
from scorer.tables import labels as L
from scorer.tables.check import check_tables
from scorer.text_tables import text_vs_tables
from scorer.words import SECTION_TITLES, TABLE_NAMES

__all__ = ["validate_document", "finding_sort_key"]

_SECTION_OF_TABLE = {"proactive": "proactive", "requests": "requests", "review_litigation": "review_litigation"}
# Headings the section detector may miss (renumbered or reworded sections).
_FALLBACK_HEADINGS = {
    "overview": re.compile(r"[一二三四五六七八九十]\s*[、.．]\s*(?:总体情况|概述|概况)"),
    "problems": re.compile(r"[一二三四五六七八九十]\s*[、.．][^\n。]{0,12}(?:存在的主要问题|存在的问题|主要问题)"),
    "other": re.compile(r"[一二三四五六七八九十]\s*[、.．]\s*(?:其他需要报告的事项|需要说明的其他事项|其他需要说明的事项)"),
    "proactive": re.compile(r"主动公开政府信息情况"),
    "requests": re.compile(r"收到和处理政府信息公开申请情况"),
    "review_litigation": re.compile(r"政府信息公开(?:行政复议|工作被申请行政复议)"),
}


def finding_sort_key(f: Finding) -> tuple[Any, ...]:
    """Order of findings in every output: by position, then rule, where, message."""
    return (f.span[0] if f.span else -1, f.span[1] if f.span else -1, f.id, f.where, f.message)


def validate_document(doc: Document, tables: TableResult,
                      table_formats: Sequence[tuple[int, str]] | None = None) -> list[Finding]:
    """All single-document findings for a loaded report.

    Includes ``tables.findings`` (cells that could not be read), so callers need
    only this list. Structure rules (S-*) apply to documents of kind ``report``.

    Parameters
    ----------
    doc : Document
        The loaded document.
    tables : TableResult
        ``extract_tables(doc)``.

    Returns
    -------
    list of Finding
        Sorted by span start, rule id, ``where`` and message.

    Examples
    --------
    >>> from scorer.load import load  # doctest: +SKIP
    >>> from scorer.tables import extract_tables  # doctest: +SKIP
    >>> doc = load("corpora/reports/029_pingtan_xingzhengshenpi_2024.txt")  # doctest: +SKIP
    >>> [f.id for f in validate_document(doc, extract_tables(doc)) if f.id == "T4-sum"]  # doctest: +SKIP
    ['T4-sum']
    """
    findings: list[Finding] = list(tables.findings)
    findings += check_tables(tables)
    if doc.kind == "report":
        findings += _sections(doc, tables)
        findings += _tables_present(doc, tables)
        if table_formats is None:
            from scorer.criteria import load_criteria

            table_formats = load_criteria("core").table_formats  # stated once, in core.yaml
        findings += _format(doc, tables, table_formats)
    findings += text_vs_tables(doc, tables)  # X-text-table (scorer.text_tables)
    findings += wrong_years(doc, tables)
    unique = {(f.id, f.where, f.message, f.span): f for f in findings}
    return sorted(unique.values(), key=finding_sort_key)


# --------------------------------------------------------------------------- S-*


def _section_present(doc: Document, tables: TableResult, key: str) -> bool:
    if doc.section(key) is not None:
        return True
    if key in ("proactive", "requests", "review_litigation") and tables.table(key) is not None:
        return True  # the detector missed the heading, but the table is there
    return bool(_FALLBACK_HEADINGS[key].search(doc.text))


def _expected_at(doc: Document, key: str) -> int:
    """Where a missing section would start: the next present section, or the end."""
    later = SECTION_KEYS[SECTION_KEYS.index(key) + 1 :]
    for k in later:
        s = doc.section(k)
        if s is not None:
            return s.start
    return len(doc.text)


def _sections(doc: Document, tables: TableResult) -> list[Finding]:
    out = []
    for key in SECTION_KEYS:
        if _section_present(doc, tables, key):
            continue
        at = _expected_at(doc, key)
        out.append(
            make_finding(
                "S-section-missing",
                f"section:{key}",
                f"缺少法定章节“{SECTION_TITLES[key]}”",
                (at, at),
                {"section": key},
                cells=(f"section:{key}",),  # the cause a missing table of this section shares
            )
        )
    return out


def _tables_present(doc: Document, tables: TableResult) -> list[Finding]:
    out = []
    for name in ("proactive", "requests", "review_litigation"):
        sec = doc.section(_SECTION_OF_TABLE[name])
        if tables.table(name) is None:
            at = sec.start if sec else _expected_at(doc, name)
            where_sec = f"第{SECTION_TITLES[name][0]}部分有标题但" if sec else "相应章节也不存在，"
            out.append(
                make_finding(
                    "S-table-missing",
                    f"table:{name}",
                    f"{where_sec}未找到{TABLE_NAMES[name]}（{SECTION_TITLES[name][2:]}）",
                    (at, sec.end if sec else at),
                    {"table": name},
                    # no section, no table: one missing section is one defect
                    cells=() if sec else (f"section:{_SECTION_OF_TABLE[name]}",),
                )
            )
        elif name in tables.truncated:
            missing = tables.missing_rows.get(name, ())
            span = tables.spans.get(name)
            out.append(
                make_finding(
                    "S-table-missing",
                    f"table:{name}",
                    f"{TABLE_NAMES[name]}不完整：表格在中途结束，缺少{len(missing)}行（自“{L.row_label(name, missing[0]) or missing[0]}”起）"
                    if missing
                    else f"{TABLE_NAMES[name]}不完整",
                    span,
                    {"table": name, "missing_rows": len(missing)},
                )
            )
    return out


def format_for_year(year: int, table_formats: Sequence[tuple[int, str]]) -> str | None:
    """The statutory table format in force for a report year (criteria ``table_formats``)."""
    fmt = None
    for first, name in sorted(table_formats):
        if year >= first:
            fmt = name
    return fmt


def _format(doc: Document, tables: TableResult, table_formats: Sequence[tuple[int, str]]) -> list[Finding]:
    if doc.report_year is None or format_for_year(doc.report_year, table_formats) != "2021":
        return []
    why = {
        "proactive": "表二使用2019年试行格式的栏目（本年新制作数量/上一年项目数量等）",
        "requests": "表三“（六）其他处理”只有一行，为2019年试行格式（2021年格式分3项）",
    }
    # One finding per report: the format is one choice, however many tables show it.
    old = [name for name in ("proactive", "requests") if tables.variants.get(name) == "2019"]
    if not old:
        return []
    spans = [tables.spans[n] for n in old if tables.spans.get(n)]
    span = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None
    detail = "；".join(why[n] for n in old)
    return [
        make_finding(
            "S-format-outdated",
            "tables:" + ",".join(old),
            f"{doc.report_year}年度报告仍使用2019年试行格式：{detail}。应使用国办公开办函〔2021〕30号格式",
            span,
            {"report_year": doc.report_year, "format": "2019", "tables": ",".join(old)},
        )
    ]


# --------------------------------------------------------------------------- text helpers

#: How far a sentence or clause boundary is looked for on either side: a search
#: for a mark the text lacks must not scan the whole text once per number (a
#: 30 MB text with long lines took minutes); no real sentence is this long.
_REACH = 2000


def _bounded(text: str, start: int, end: int, marks: str) -> tuple[int, int]:
    lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
    a = max(text.rfind(ch, lo, start) for ch in marks)
    a = a + 1 if a >= 0 else lo
    ends = [i for i in (text.find(ch, end, hi) for ch in marks) if i >= 0]
    return a, (min(ends) if ends else hi)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    return _bounded(text, start, end, "。；;\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    return _bounded(text, start, end, "。！？\n")


def _in_tables(tables: TableResult, pos: int) -> bool:
    return any(a <= pos < b for a, b in tables.spans.values())


# --------------------------------------------------------------------------- Y-year

_REPORT_OF_YEAR = re.compile(
    r"(?:编制|形成|发布|完成)(?:完成|了)*\s*(20\d\d)\s*年\s*度?\s*(?:政府信息公开)?(?:工作)?(?:年度)?报告"
)
# a year that opens a clause: "2023年，在主动公开的61条…", "2023年我局共收到…"
_CLAUSE_YEAR = re.compile(r"(?:^|(?<=[。；！？\n])|(?=[（(][一二三四五六七八九十]+[)）]))[ \t]*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)?[^。；\n\d]{0,20}?(?<!\d)(20\d\d)\s*年\s*度?(?!\s*\d+\s*月)\s*(?=[，,我本全共在])")
_YEAR_START = re.compile(r"20(?<!\d20)\d\d")  # a year not preceded by a digit ("20" first: fast to find)
_NO_STOP_BEFORE = re.compile(r"[^。；\n\d]*")  # on the reversed text
_OPENING = re.compile(r"[。；！？\n（(]")


def _clause_years(text: str) -> Iterator[re.Match[str]]:
    """``_CLAUSE_YEAR.finditer(text)``, trying the pattern only where it can start.

    A match holds a year (20xx, no digit before it) and, before the year, no digit
    and none of 。；\\n; it starts at the beginning of the text, after 。；！？\\n or at
    （/(. So for each year the pattern is tried at those openings between the last
    digit/。/；/newline before it and the year, leftmost first."""
    n, rev, pos = len(text), "", 0
    for y in _YEAR_START.finditer(text):
        year = y.start()
        if year < pos:
            continue
        if not rev:
            rev = text[::-1]
        back = _NO_STOP_BEFORE.match(rev, n - year)  # back to the last digit, 。, ； or newline
        lo = max(pos, year - (back.end() - back.start()))
        starts = [0] if lo == 0 else []
        for o in _OPENING.finditer(text, max(lo - 1, 0), year + 1):
            start = o.start() if o.group() in "（(" else o.start() + 1
            if lo <= start <= year:
                starts.append(start)
        for start in sorted(set(starts)):
            m = _CLAUSE_YEAR.match(text, start)
            if m:
                yield m
                pos = m.end()
                break


_COMPARE = re.compile(r"上年|去年|上一年|同比|相比|较|比\s*20|结转|以来|决算|预算")
_FUTURE = re.compile(r"将|拟|计划|继续|进一步|力争|下一步|持续|要|预计")


def wrong_years(doc: Document, tables: TableResult) -> list[Finding]:
    """Y-year: the body speaks of another report year.

    Conservative on purpose: flags "编制完成2023年度报告" with the wrong year, and a
    clause that opens with last year as if it were the report year ("2023年，在主动
    公开的61条…" in a 2024 report) unless it compares (上年/较/同比/决算…); a clause
    opening with next year is flagged only when it is not a plan (将/拟/继续…)."""
    year = doc.report_year
    if year is None:
        return []
    text = doc.text
    out: list[Finding] = []
    done: set[int] = set()
    for m in _REPORT_OF_YEAR.finditer(text):
        y = int(m.group(1))
        if y != year:
            done.add(m.start(1))
            out.append(_year_finding(text, m.start(), m.end(), y, year, "report"))
    for m in _clause_years(text):
        y = int(m.group(1))
        if y == year or m.start(1) in done or _in_tables(tables, m.start(1)):
            continue
        a, b = _clause(text, m.start(1), m.end())
        clause = text[m.start(1) : b]
        if y == year - 1 and not _COMPARE.search(clause) and not _FUTURE.search(clause):
            out.append(_year_finding(text, m.start(1), b, y, year, "clause"))
        elif y == year + 1 and not _FUTURE.search(text[m.start(1) : _sentence(text, m.start(1), m.end())[1]]):
            out.append(_year_finding(text, m.start(1), b, y, year, "clause"))
    out += _signed_too_early(doc)
    return out


def _signed_too_early(doc: Document) -> list[Finding]:
    """Y-year: the report is signed on a day inside its own report year (028 signs
    its 2021 report 2021年1月25日): the year of the date is wrong."""
    from scorer.metadata import signature_candidates

    year = doc.report_year
    for _agency, date, raw in signature_candidates(doc.text)[:1]:  # the last date of the text
        if date is None or date.year > year:
            return []
        start = doc.text.rfind(raw)
        return [make_finding(
            "Y-year", "text",
            f"落款日期{date.year}年{date.month}月{date.day}日在报告年度{year}年之内，年报应在次年发布，"
            f"落款年份应为{year + 1}年或之后",
            (start, start + len(raw)) if start >= 0 else None,
            {"report_year": year, "signed_on": date.isoformat()},
        )]
    return []


def _year_finding(text: str, a: int, b: int, y: int, year: int, how: str) -> Finding:
    quote = " ".join(text[a:b].split())
    if len(quote) > 60:
        quote = quote[:59] + "…"
    said = f"称编制的是{y}年度报告" if how == "report" else f"把{y}年当作本年度来叙述"
    return make_finding(
        "Y-year",
        "text",
        f"报告年度为{year}年，正文却{said}：“{quote}”",
        (a, b),
        {"report_year": year, "stated_year": y},
    )
