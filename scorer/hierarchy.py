"""Hierarchy: which departments belong to which government, and what follows from it
at the end of a batch.

- **未发布年报**: every agency the hierarchy file expects for a year (the governments
  and their departments) with no report for that year among the results;
- **上下级核对**: a government's 表二/表三/表四 counts next to the sum of the same counts
  in its departments' reports.

The national format (国办公开办函〔2021〕30号, and 〔2019〕60号 before it) says that
the 本级政府 report “应当逐级汇总相关情况和数据” (the 主管部门 aggregates its
departments' and lower governments' reports), but it defines no cell-by-cell identity
between them: the aggregate also holds the lower governments, townships and the
government's own office; vertically managed systems report elsewhere; and a
government may publish only the report of 本政府机关 (its own and its office's work),
which aggregates nothing. So a government's count is at most *expected not to be
smaller* than its departments' sum, and only when its report is the aggregate one. A
smaller count is shown as 待核对 (for the evaluator to look at), never as an error,
and nothing here changes a score. docs/hierarchy.md gives the reasoning with the
format's words.

The hierarchy file is a CSV (UTF-8 or GBK) with the columns ``government, agency``
and optionally ``from_year, to_year`` (inclusive; empty: every year). Agencies are
matched by :func:`scorer.history.agency_key` of their names: the name in the report (or
the manifest's ``agency``), or the manifest's ``agency_key`` the result is filed under.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from scorer.errors import ManifestError
from scorer.history import agency_key
from scorer.tables.labels import column_label, row_label
from scorer.words import SEVERITY_LABELS, number, table_name

__all__ = ["Link", "Hierarchy", "HierarchyReport", "read_hierarchy", "compared_cells", "hierarchy_report",
           "COMPARED_CELLS", "HIERARCHY_SHEETS", "MISSING_HEADER", "COMPARE_HEADER", "HIERARCHY_BASIS",
           "STATUS_LABELS"]

#: The counts compared, as (table, row, column). Counts of events of the year that an
#: aggregate report adds up: documents issued, decisions, applications, cases. Not
#: compared: 规章 (made by governments, not by departments), 现行有效件数 and
#: 对外公开总数量 (stocks: a department lists documents of its government in force),
#: fees (amounts in 万元 rounded per report: a sum of rounded parts may exceed the
#: rounded whole).
COMPARED_CELLS: tuple[tuple[str, str, str], ...] = (
    ("proactive", "normative_docs", "issued"),
    ("proactive", "normative_docs", "new_made"),
    ("proactive", "licensing", "decisions"),
    ("proactive", "punishment", "decisions"),
    ("proactive", "coercion", "decisions"),
    ("requests", "new", "total"),
    ("requests", "carried_over", "total"),
    ("requests", "total", "total"),
    ("requests", "carried_forward", "total"),
    ("review_litigation", "review", "total"),
    ("review_litigation", "litigation_direct", "total"),
    ("review_litigation", "litigation_after_review", "total"),
)

#: Workbook sheets of the hierarchy, by kind.
HIERARCHY_SHEETS: dict[str, str] = {"missing": "未发布年报", "compare": "上下级核对"}
MISSING_HEADER: tuple[str, ...] = ("年度", "本级政府", "应发布年报的机构", "说明")
COMPARE_HEADER: tuple[str, ...] = ("年度", "本级政府", "项目", "本级报告", "所属部门合计", "计入部门数",
                                   "结论", "说明")

#: Outcome of one comparison: consistent, for the evaluator to look at, not compared.
STATUS_LABELS: dict[str, str] = {"consistent": "不少于部门合计", "check": SEVERITY_LABELS["info"], "unchecked": "未核对"}

#: What was compared and why, for the sheet's title row and the summary page.
HIERARCHY_BASIS = (
    "依据《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号；2019年试行格式同），"
    "本级政府年度报告“应当逐级汇总相关情况和数据”，由主管部门汇总所属部门和下级政府的年度报告；"
    "格式未规定本级报告与各部门报告之间逐格相等的关系（汇总范围还包括下级政府、乡镇和政府办公室本身，"
    "垂直管理系统不在其内，政府办公厅（室）也可能只发布本政府机关的报告）。因此这里只比较本年发生的件数"
    "（规范性文件制发、许可处罚强制决定、申请数、复议诉讼数）：汇总口径的本级报告不应少于清单所列所属部门之和。"
    "少于时列为“待核对”，供评估人员核实本级报告的口径，不作为错误，也不扣分。"
)

_COLUMNS = ("government", "agency", "from_year", "to_year")


@dataclass(frozen=True)
class Link:
    """One row of the hierarchy file: ``agency`` belongs to ``government`` in the
    years ``from_year``–``to_year`` (None: open)."""

    government: str
    agency: str
    from_year: int | None = None
    to_year: int | None = None
    line: int = 0

    def covers(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class Hierarchy:
    """The hierarchy file: who belongs to whom, in which years."""

    source: str
    links: tuple[Link, ...]
    digest: str  # SHA-256 of the file's content: a changed file redraws the sheets

    def governments(self) -> list[str]:
        """Governments in file order."""
        return list(dict.fromkeys(link.government for link in self.links))

    def departments(self, government: str, year: int) -> list[Link]:
        """The links of ``government``'s departments in ``year``, in file order."""
        key = agency_key(government)
        return [link for link in self.links if agency_key(link.government) == key and link.covers(year)]

    def expected(self, year: int) -> list[tuple[str | None, str]]:
        """(its government or None, agency) of every agency expected to publish a
        report for ``year``: the governments that have departments that year, then
        each department, in file order, each once."""
        out: dict[str, tuple[str | None, str]] = {}
        parent = {agency_key(link.agency): link.government for link in self.links if link.covers(year)}
        for link in self.links:
            if not link.covers(year):
                continue
            g = agency_key(link.government)
            if g not in out:
                out[g] = (parent.get(g), link.government)
            a = agency_key(link.agency)
            if a not in out:
                out[a] = (link.government, link.agency)
        return list(out.values())

    def names(self) -> set[str]:
        """Keys of every agency named in the file."""
        return {agency_key(n) for link in self.links for n in (link.government, link.agency)} - {None}


#: Row problems named in one error; the rest are counted ("……等共N处").
MAX_PROBLEMS = 20


def _year(value: str, n: int, column: str, problems: list[str]) -> int | None:
    if not value:
        return None
    if not value.isdecimal() or not 1990 <= int(value) <= 2100:
        problems.append(f"第{n}行 {column}“{value[:20]}”不是有效年份（应为如2021的四位年份，或留空表示不限）")
        return None
    return int(value)


def _raise_problems(problems: list[str], where: str) -> None:
    """One error naming every problem found (as the manifest's), the first
    :data:`MAX_PROBLEMS` in full."""
    if not problems:
        return
    shown = "；".join(problems[:MAX_PROBLEMS])
    more = f"……等共{len(problems)}处" if len(problems) > MAX_PROBLEMS else ""
    raise ManifestError(shown + more, path=where)


def read_hierarchy(path: str | os.PathLike[str]) -> Hierarchy:
    """Read and check a hierarchy file.

    Parameters
    ----------
    path : path
        CSV with a header row: ``government, agency`` and optionally ``from_year,
        to_year``; other columns (备注 …) are ignored.

    Returns
    -------
    Hierarchy

    Raises
    ------
    ManifestError
        One Chinese line naming the file and every problem of its rows (an empty
        name, a bad year, a department under two governments in the same year …), or
        what makes the whole file unusable (unreadable, missing columns); a
        government that is its own department through others is named after the rows
        are right.
    """
    from scorer.batch.manifest import read_csv_text

    p = Path(path)
    where = str(p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ManifestError(f"无法读取层级清单（{exc.strerror or exc}），请检查路径", path=where) from None
    text = read_csv_text(p, raw)
    if "\x00" in text:
        raise ManifestError("层级清单含有空字符（NUL），可能已损坏，请重新导出为CSV", path=where)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(c.strip() for c in rows[0]):
        raise ManifestError("层级清单是空的，需要表头行 government, agency（可选 from_year, to_year）", path=where)
    head = [c.strip() for c in rows[0]]
    missing = [c for c in _COLUMNS[:2] if c not in head]
    if missing:
        raise ManifestError(f"层级清单缺少列 {', '.join(missing)}（需要 government, agency，可选 from_year, to_year）",
                            path=where)
    col = {c: head.index(c) for c in _COLUMNS if c in head}
    links: list[Link] = []
    problems: list[str] = []
    for i, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue  # blank lines, as Excel leaves them
        if len(row) > len(head):
            problems.append(f"第{i}行有{len(row)}列，表头只有{len(head)}列（含逗号的名称请加引号）")
            continue
        cell = {c: (row[j].strip() if j < len(row) else "") for c, j in col.items()}
        empty = [c for c in _COLUMNS[:2] if not agency_key(cell[c])]
        problems += [f"第{i}行 {c} 为空，请填写机构名称" for c in empty]
        n = len(problems)
        lo, hi = (_year(cell.get(c, ""), i, c, problems) for c in _COLUMNS[2:])
        if lo is not None and hi is not None and lo > hi:
            problems.append(f"第{i}行 from_year {lo} 晚于 to_year {hi}")
        if not empty and agency_key(cell["government"]) == agency_key(cell["agency"]):
            problems.append(f"第{i}行 {cell['agency']} 不能是自己的所属部门")
        if not empty and len(problems) == n:
            links.append(Link(cell["government"], cell["agency"], lo, hi, i))
    problems += _link_problems(links)
    _raise_problems(problems, where)
    if not links:
        raise ManifestError("层级清单没有数据行", path=where)
    _check_cycles(links, where)
    return Hierarchy(where, tuple(links), hashlib.sha256(raw).hexdigest()[:16])


def _overlap(a: Link, b: Link) -> bool:
    lo = max(a.from_year or 0, b.from_year or 0)
    hi = min(a.to_year or 9999, b.to_year or 9999)
    return lo <= hi


def _link_problems(links: list[Link]) -> list[str]:
    """A department belongs to one government at a time (a repeated row is a slip
    too): each row that breaks it, named once."""
    out = []
    by_agency: dict[str | None, list[Link]] = {}
    for b in links:
        earlier = by_agency.setdefault(agency_key(b.agency), [])
        a = next((x for x in earlier if _overlap(x, b)), None)
        if a is not None:
            same = agency_key(a.government) == agency_key(b.government)
            out.append(f"第{b.line}行 {b.agency} " + (f"与第{a.line}行重复" if same else
                                                     f"在同一年度既属于{a.government}（第{a.line}行）又属于{b.government}")
                       + "，请删去一行或用 from_year/to_year 分开年度")
        earlier.append(b)
    return out


def _check_cycles(links: list[Link], where: str) -> None:
    """No government is below itself (through others)."""
    parents: dict[str, list[Link]] = {}
    for link in links:
        parents.setdefault(agency_key(link.agency) or "", []).append(link)
    for start in links:  # walk up from each link; a name met twice is a cycle
        seen = [agency_key(start.agency)]
        up: Link | None = start
        while up is not None:
            g = agency_key(up.government)
            if g in seen:
                raise ManifestError(f"第{start.line}行起层级成环：{start.agency} 经由上级又回到自身，请检查 government 列",
                                    path=where)
            seen.append(g)
            up = next((x for x in parents.get(g or "", []) if _overlap(x, up)), None)


def _cell(tables: Mapping[str, Any] | None, table: str, row: str, col: str) -> Any:
    t = (tables or {}).get(table)
    r = t.get(row) if isinstance(t, Mapping) else None
    v = r.get(col) if isinstance(r, Mapping) else None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def compared_cells(result: Mapping[str, Any]) -> dict[str, int | float | None]:
    """The compared counts of one JSON result (``"table.row.col"`` → value, None where
    not read with certainty or absent in the report's format). A sheet view carries
    them under ``hierarchy_cells`` (the full tables are not kept per document)."""
    if "hierarchy_cells" in result:
        return dict(result["hierarchy_cells"])
    tables = result.get("tables")
    return {".".join(k): _cell(tables, *k) for k in COMPARED_CELLS}


def _cell_label(key: str) -> str:
    table, row, col = key.split(".")
    head = f"{table_name(table)} {row_label(table, row) or row}"
    col_words = column_label(table, col) or col
    return f"{head} {col_words}" if table == "proactive" else f"{head}（{col_words}列）"


@dataclass(frozen=True)
class HierarchyReport:
    """What the batch sheets show: the agencies without a report (未发布年报) and the
    government-vs-departments comparisons, as rows for people (Chinese), plus the
    basis of the comparison."""

    source: str
    years: tuple[int, ...]
    missing: tuple[tuple[Any, ...], ...]  # MISSING_HEADER rows
    comparisons: tuple[tuple[Any, ...], ...]  # COMPARE_HEADER rows
    unscored: int = 0  # documents of the batch that could not be scored (their agency is unknown)

    @property
    def to_check(self) -> int:
        """Comparisons marked 待核对."""
        return sum(1 for r in self.comparisons if r[6] == STATUS_LABELS["check"])

    def missing_note(self) -> str:
        """The line above the 未发布年报 list."""
        years = "、".join(str(y) for y in self.years) or "—"
        text = (f"按层级清单（{Path(self.source).name}），以下机构在{years}年度的评估结果中没有年度报告。"
                "核对年度为结果库中清单所列机构有报告的年度。")
        if self.unscored:
            text += f"另有{self.unscored}份文件未能评分（见“未能评分”），其机构可能在此列中，请先核对。"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "years": list(self.years), "unscored": self.unscored,
                "missing": [dict(zip(MISSING_HEADER, r)) for r in self.missing],
                "comparisons": [dict(zip(COMPARE_HEADER, r)) for r in self.comparisons]}


def hierarchy_report(tree: Hierarchy, results: Iterable[Mapping[str, Any]], *, unscored: int = 0) -> HierarchyReport:
    """未发布年报 and 上下级核对 for the results (JSON results or sheet views, e.g. the
    latest of every agency and year in the store).

    Parameters
    ----------
    tree : Hierarchy
        From :func:`read_hierarchy`.
    results : iterable of dict
        Iterated once; of each result only its agency, year and compared counts are
        kept. Several results of one agency and year: the first counts.
    unscored : int
        Documents that could not be scored (noted above the 未发布年报 list).

    Returns
    -------
    HierarchyReport
    """
    names = tree.names()
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for d in results:
        doc = d.get("document") or {}
        year = doc.get("report_year")
        # the printed name, or the key the evaluator's manifest filed it under (an
        # agency renamed, or printed short: "市城管局" for 莆田市城市管理局)
        key = next((k for k in (agency_key(doc.get("agency")), agency_key(d.get("agency_key"))) if k in names), None)
        if key is not None and isinstance(year, int) and (key, year) not in found:
            found[(key, year)] = compared_cells(d)
    years = tuple(sorted({y for _, y in found}))
    govs = {agency_key(g) for g in tree.governments()}
    missing = [(y, g or "—", a, "无年度报告" + ("（本级政府）" if agency_key(a) in govs else ""))
               for y in years for g, a in tree.expected(y) if (agency_key(a), y) not in found]
    comparisons: list[tuple[Any, ...]] = []
    for y in years:
        for gov in tree.governments():
            own = found.get((agency_key(gov), y))
            deps = tree.departments(gov, y)
            if own is None or not deps:
                continue  # no report of the government (listed as missing) or no departments that year
            comparisons += _compare(y, gov, own, [found.get((agency_key(link.agency), y)) for link in deps])
    return HierarchyReport(tree.source, years, tuple(missing), tuple(comparisons), unscored)


def _compare(year: int, gov: str, own: Mapping[str, Any], deps: list[Mapping[str, Any] | None]) -> list[tuple[Any, ...]]:
    rows = []
    listed, reported = len(deps), [d for d in deps if d is not None]
    for k in COMPARED_CELLS:
        key = ".".join(k)
        mine = own.get(key)
        values = [d.get(key) for d in reported]
        counted = [v for v in values if v is not None]
        if mine is None and not counted:
            continue  # a cell of the other format (2019 vs 2021), or read in no report
        total = sum(counted) if counted else None
        absent = listed - len(reported)
        unread = len(reported) - len(counted)
        left = "；".join(x for x in (f"{absent}个部门无年报" if absent else "",
                                      f"{unread}个部门该项未读出" if unread else "") if x)
        if mine is None:
            status, note = "unchecked", "本级报告该项未读出"
        elif not counted:
            status, note = "unchecked", "所属部门报告该项均未读出"
        elif mine < total:
            status, note = "check", (f"本级报告{number(mine)}少于清单所列所属部门之和{number(total)}：若本级报告为汇总口径，"
                                     "不应少于部门之和；请核实本级报告是否汇总了所属部门，或部门数据是否有误")
        else:
            status, note = "consistent", ""
        if left and status != "unchecked":
            note = "；".join(x for x in (note, f"未计入：{left}") if x)
        rows.append((year, gov, _cell_label(key), mine, total, f"{len(counted)}/{listed}", STATUS_LABELS[status], note))
    return rows
