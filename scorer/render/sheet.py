"""The batch score sheet: XLSX and CSV, checked by a pandera model first.

Sheets of the workbook:

- ``得分表``: one row per document (agency, year, total, rank, each criterion's points,
  findings count), in input-path order; the rank is competition ranking ("1224").
- ``问题清单``: every finding of every document.
- ``整改清单``: what each agency should fix: the problem, the requirement it breaks
  (the rule's or the criterion's advice), a fixed deadline rule (never a date computed
  from today: outputs stay deterministic) and 责任单位 left for the evaluator.
- ``指标与分值``: the criteria in the evaluators' layout
  指标 | 分值 | 评分说明 | 自评分 | 得分 | 附件或链接. For one document 得分 is filled in;
  for a batch 自评分/得分/附件或链接 are left for the evaluator.
- one sheet per scored document, named after its agency (with the year when the batch
  holds several years of it): the same layout, filled — 得分 from the engine or from an
  evaluator's override, 附件或链接 the source and where the evidence is.
- ``未能评分``: documents that could not be scored, with their one-line error (only
  when there are any).

Every sheet prints on A4, landscape, fitted to the page width, header rows repeated.
Text from documents goes through :func:`scorer.render.common.sheet_text` (no control
characters, no live formula) and is stored as a string cell. The workbook's XML is
written directly (:mod:`scorer.render.xlsx`): with one sheet per agency, openpyxl's
cell objects made a batch of 1,000 take seconds per hundred documents.

``results`` may be any re-iterable sequence (a list, or results drawn lazily from the
store): it is iterated a few times, never indexed nor copied whole.
"""
from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from scorer.model import CriteriaSet, Result
from scorer.explain import where_words
from scorer.rules import rule_title
from scorer.render.common import ResultLike, as_dict, sheet_text, xml_text
from scorer.overrides import NEEDS_REVIEW_TEXT
from scorer.rules import RULES
from scorer.words import (
    EVALUATOR_HEADER,
    MEMO_LABELS,
    RECTIFY_DEADLINE,
    RECTIFY_HEADER,
    SECTION_TITLES,
    SEVERITY_LABELS,
    SHEET_NAMES,
    VERDICT_LABELS,
    number_or_dash,
)
from scorer.grade import grade_of
from scorer.hierarchy import COMPARE_HEADER, HIERARCHY_BASIS, HIERARCHY_SHEETS, MISSING_HEADER, HierarchyReport
from scorer.render.xlsx import BOLD, HEAD, PLAIN, WRAP, Book

__all__ = [
    "ScoreTable",
    "score_table",
    "display_table",
    "render_xlsx",
    "render_csv",
    "criteria_columns",
    "scoring_note",
    "competition_ranks",
    "sheet_names",
    "evaluator_rows",
    "rectify_rows",
    "result_dicts",
]

PTS = "pts:"  # prefix of criterion point columns in the internal frame



class ScoreTable(pa.DataFrameModel):
    """The score table of a batch, one row per scored document."""

    file: Series[str] = pa.Field(unique=True, title="文件")
    agency: Series[str] = pa.Field(nullable=True, title="机构")
    report_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1990, le=2100, title="年度")
    total: Series[float] = pa.Field(nullable=True, ge=0, le=100, title="总分")
    rank: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, title="排名")
    findings: Series[int] = pa.Field(ge=0, title="问题数")
    errors: Series[int] = pa.Field(ge=0, title="其中错误")
    points: Series[float] | None = pa.Field(alias=rf"^{PTS}", regex=True, nullable=True, ge=0, title="各项得分")

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(name="rank-order")
    def rank_follows_total(cls, df: pd.DataFrame) -> bool:
        """A higher total never has a worse (larger) rank; unscored rows have no rank."""
        scored = df[df["total"].notna()].sort_values("total", ascending=False)
        ranks = scored["rank"].astype("Int64").tolist()
        ok = all(a <= b for a, b in zip(ranks, ranks[1:]))
        return bool(ok and df.loc[df["total"].isna(), "rank"].isna().all())

    @pa.dataframe_check(name="errors-le-findings")
    def errors_within_findings(cls, df: pd.DataFrame) -> pd.Series:
        """Error-severity findings are a subset of all findings."""
        return df["errors"] <= df["findings"]


def criteria_columns(results: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, float]]:
    """(id, title, weight) of every criterion, in first-seen order across results."""
    seen: dict[str, tuple[str, str, float]] = {}
    for r in results:
        for c in r.get("criteria", []):
            seen.setdefault(c["id"], (c["id"], c["title"], c["weight"]))
    return list(seen.values())


def competition_ranks(totals: Sequence[float | None]) -> list[int | None]:
    """Competition ranking: equal totals share a rank, the next rank skips."""
    scored = sorted(t for t in totals if t is not None)
    # 1 + how many totals are strictly higher, by binary search (a batch has thousands)
    return [None if t is None else 1 + len(scored) - bisect_right(scored, t) for t in totals]


def score_table(results: Iterable[ResultLike]) -> pd.DataFrame:
    """The internal score table (English column names), validated by :class:`ScoreTable`.

    Parameters
    ----------
    results : iterable of Result or dict
        Scored documents, in the order the rows should have (input path order).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, agency, report_year, total, rank, pts:<criterion id>…,
        findings, errors``.

    Raises
    ------
    pandera.errors.SchemaErrors
        The table breaks its contract (a bug upstream, never a property of a report).
    """
    dicts = result_dicts(results)
    cols = criteria_columns(dicts)
    totals = [d["score"].get("total") for d in dicts]
    ranks = competition_ranks(totals)
    rows = []
    for d, rank in zip(dicts, ranks):
        doc = d["document"]
        by_id = {c["id"]: c for c in d["criteria"]}
        row: dict[str, Any] = {
            "file": doc.get("path"),
            "agency": doc.get("agency"),
            "report_year": doc.get("report_year"),
            "total": d["score"].get("total"),
            "rank": rank,
        }
        for cid, _, _ in cols:
            c = by_id.get(cid)
            row[PTS + cid] = None if c is None or c["verdict"] == "not_assessable" else float(c["points"])
        row["findings"] = len(d["findings"])
        row["errors"] = sum(1 for f in d["findings"] if f["severity"] == "error")
        rows.append(row)
    columns = ["file", "agency", "report_year", "total", "rank"] + [PTS + c[0] for c in cols] + ["findings", "errors"]
    df = pd.DataFrame(rows, columns=columns)
    df["report_year"] = df["report_year"].astype("Int64")
    df["rank"] = df["rank"].astype("Int64")
    df["total"] = df["total"].astype(float)
    for cid, _, _ in cols:
        df[PTS + cid] = df[PTS + cid].astype(float)
    df["agency"] = df["agency"].astype(object)
    return ScoreTable.validate(df, lazy=True)


def display_table(df: pd.DataFrame, titles: Mapping[str, tuple[str, float]]) -> pd.DataFrame:
    """The score table with Chinese headers, in the order evaluators read it."""
    crit = [c for c in df.columns if c.startswith(PTS)]
    out = df[["agency", "report_year", "total", "rank"] + crit + ["findings", "errors", "file"]].copy()
    names = {"agency": "机构", "report_year": "年度", "total": "总分", "rank": "排名",
             "findings": "问题数", "errors": "其中错误", "file": "文件"}
    for c in crit:
        title, weight = titles.get(c[len(PTS):], (c[len(PTS):], 0))
        names[c] = f"{title}（{weight:g}分）"
    return out.rename(columns=names)


def scoring_note(c: Any) -> str:
    """评分说明 of a criterion: how it is scored, in the evaluators' words."""
    get = (lambda k, default=None: c.get(k, default)) if isinstance(c, Mapping) else (
        lambda k, default=None: getattr(c, k, default))
    w = float(get("weight", 0) or 0)
    scoring = get("scoring", "presence")
    clause = get("clause", "") or ""
    partial = float(get("partial_credit", 0.5) or 0)
    if get("checkable", True) is False:
        text = "无法从年度报告判断，由评估人员人工评分。"
    elif scoring == "rule":
        rules = get("rules", ()) or ()
        per = w * float(get("deduction", 0.5) or 0)
        names = "、".join(rule_title(r) for r in rules)
        text = f"每发现一处问题（{names}）扣{per:g}分，扣完为止。"
    elif isinstance(c, Mapping) and "scoring" not in c and c.get("checks"):
        # a rule criterion known only from a result (a batch over several sets): its
        # checks are in the JSON, the deduction is not
        names = "、".join(rule_title(r) for r in c["checks"])
        text = f"每发现一处问题（{names}）按指标体系规定扣分，扣完为止。"
    elif scoring == "timeliness":
        text = "在发布期限前发布得满分，逾期不得分（部门为次年1月31日，本级政府为次年3月31日，或指标体系指定的日期）；无发布日期不计分。"
    elif scoring == "count":
        n = get("min_count") or 1
        text = (f"报告写明本年度已完成且不少于{n}次得满分；有但少于{n}次得{w * partial:g}分；"
                "仅为计划或明确未开展不得分。")
    else:
        text = f"报告写明本年度已完成得满分；部分完成得{w * partial:g}分；仅为计划或明确未开展不得分。"
    return (f"要求：{clause}。" if clause else "") + text


def result_dicts(results: Iterable[ResultLike]) -> Iterable[Mapping[str, Any]]:
    """``results`` as JSON dicts that can be iterated again: a list of dicts as it
    is; Result objects converted once; a one-shot iterator kept; any other
    re-iterable (results drawn lazily from the store) converted pass by pass, so it
    is never held whole."""
    if isinstance(results, Iterator):
        return [as_dict(r) for r in results]
    if isinstance(results, (list, tuple)):
        return [as_dict(r) for r in results] if any(isinstance(r, Result) for r in results) else results
    return _AsDicts(results)


class _AsDicts:
    def __init__(self, results: Iterable[ResultLike]) -> None:
        self._results = results

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return (r if isinstance(r, Mapping) else as_dict(r) for r in self._results)


def _safe(row: Sequence[Any]) -> list[Any]:
    """One row's values; text from documents and criteria files made safe
    (sheet_text: no control characters, no live formula), missing values empty."""
    return [sheet_text(v) if type(v) is str else None if v is pd.NA or (isinstance(v, float) and v != v) else v
            for v in row]


def _write_rows(book: Book, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                widths: Sequence[int] | None = None, wrap: Sequence[int] = (),
                title: str | None = None) -> None:
    """A sheet: an optional bold ``title`` row, the header row (bold, shaded,
    wrapped), then ``rows``, streamed. The columns in ``wrap`` (0-based) wrap their
    text; the header rows are frozen and repeated on every printed page (A4,
    landscape, fitted to the page width)."""
    ws = book.sheet(name, [widths[i] if widths and i < len(widths) else max(8, min(40, 2 * len(str(h)) + 2))
                           for i, h in enumerate(header)], title_rows=2 if title else 1)
    if title:
        ws.append([sheet_text(title)], BOLD)
    ws.append([sheet_text(h) for h in header], HEAD)
    styles = [WRAP if j in wrap else PLAIN for j in range(len(header))]
    for row in rows:
        ws.append(_safe(row), styles)


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(dicts: Iterable[Mapping[str, Any]], taken: Iterable[str] = ()) -> list[str]:
    """A worksheet name per result: the agency, with the year when the results hold
    several of its years; at most 31 characters, none of []:*?/\\, unique (Excel
    compares names without case)."""
    docs = [(d["document"].get("agency") or "未识别机构", d["document"].get("report_year")) for d in dicts]
    seen: dict[str, int] = {}
    for agency, _ in docs:
        seen[agency] = seen.get(agency, 0) + 1
    many = {a for a, n in seen.items() if n > 1}
    used = {t.lower() for t in taken}
    out = []
    for agency, year in docs:
        base = agency + (f"{year}" if agency in many and year else "")
        base = _BAD_SHEET_CHARS.sub("_", xml_text(base)).strip("'") or "未识别机构"
        name, n = base[:31], 1
        while name.lower() in used:
            n += 1
            tag = f"({n})"
            name = base[:31 - len(tag)] + tag
        used.add(name.lower())
        out.append(name)
    return out


def _criteria_source(results: Iterable[Mapping[str, Any]], criteria_set: CriteriaSet | None) -> list[Any]:
    if criteria_set is not None:
        return list(criteria_set.criteria)
    seen: dict[str, Mapping[str, Any]] = {}
    for r in results:
        for c in r.get("criteria", []):
            seen.setdefault(c["id"], c)
    return list(seen.values())


def _get(c: Any, key: str, default: Any = None) -> Any:
    return c.get(key, default) if isinstance(c, Mapping) else getattr(c, key, default)


def _override_points(c: Mapping[str, Any], ov: Mapping[str, Any], partial_credit: float) -> float | None:
    """得分 of a criterion an evaluator overrode: the result's points when the result
    was already rescored with the override (or the override is not in force: its
    evidence changed, ``needs_review``), else the points the new verdict earns."""
    verdict = ov.get("verdict")
    if verdict == c["verdict"] or verdict is None or ov.get("needs_review"):  # applied, or not in force
        return None if c["verdict"] == "not_assessable" else c["points"]
    weight = float(c.get("assessable_weight", c["weight"]) or 0)
    return {"met": weight, "partial": round(weight * partial_credit, 2), "not_met": 0.0}.get(verdict)


def _evidence_place(d: Mapping[str, Any], c: Mapping[str, Any]) -> str | None:
    """Where the first finding or quote behind a criterion is, in words."""
    ids = set(c.get("findings") or ())
    for f in d.get("findings", []):
        if f["id"] in ids and (f.get("location") or f.get("where")):
            return f.get("location") or where_words(f["where"])
    ev = c.get("evidence") or []
    if ev:
        sec = SECTION_TITLES.get(ev[0].get("section") or "", "")
        quote = " ".join(str(ev[0].get("quote") or "").split())
        quote = quote[:60] + ("…" if len(quote) > 60 else "")
        return f"{sec}「{quote}」" if sec else f"「{quote}」"
    return None


def evaluator_rows(d: Mapping[str, Any], criteria_set: CriteriaSet | None = None) -> list[list[Any]]:
    """One document in the evaluators' layout 指标 | 分值 | 评分说明 | 自评分 | 得分 |
    附件或链接, with the 合计 and 总分 rows.

    得分 is the engine's, or the override's when the criterion carries one
    (``override``: verdict, reason, by, engine_verdict); 附件或链接 names the source
    (URL, else the file) and where the first finding or quote is.
    """
    defs = {c.id: c for c in criteria_set.criteria} if criteria_set is not None else {}
    doc = d["document"]
    source = doc.get("url") or doc.get("path")
    rows: list[list[Any]] = []
    for c in d.get("criteria", []):
        spec = defs.get(c["id"], c)
        note = scoring_note(spec)
        got = None if c["verdict"] == "not_assessable" else c["points"]
        ov = c.get("override")
        if isinstance(ov, Mapping):
            got = _override_points(c, ov, float(_get(spec, "partial_credit", 0.5) or 0.5))
            was = VERDICT_LABELS.get(ov.get("engine_verdict") or "", ov.get("engine_verdict") or "")
            now = VERDICT_LABELS.get(ov.get("verdict") or "", ov.get("verdict") or "")
            why = "，".join(str(x) for x in (ov.get("reason"), ov.get("by")) if x)
            note += (f"\n{MEMO_LABELS['override']}：{MEMO_LABELS['engine_verdict']}{was}→{now}"
                     + (f"（{why}）" if why else "")
                     + (f"，未生效：{NEEDS_REVIEW_TEXT}" if ov.get("needs_review") else ""))
        place = _evidence_place(d, c)
        link = "；".join(x for x in (source, place) if x) or VERDICT_LABELS.get(c["verdict"])
        rows.append([c["title"], c["weight"], note, None, got, link])
    return rows


def rectify_rows(d: Mapping[str, Any]) -> list[list[Any]]:
    """整改清单 of one document: each error or warning finding with its rule's advice,
    then each criterion that lost points without a finding, with its advice."""
    doc = d["document"]
    agency, year = doc.get("agency"), doc.get("report_year")
    rows: list[list[Any]] = []
    covered: set[str] = set()
    for f in sorted(d.get("findings", []), key=lambda f: {"error": 0, "warning": 1}.get(f["severity"], 2)):
        if f["severity"] not in ("error", "warning"):
            continue  # 待核对 is the engine's own doubt, not the agency's defect
        loc = f.get("location") or (where_words(f["where"]) if f.get("where") else "")
        problem = f"{rule_title(f['id'])}：{f['message']}" + (f"（位置：{loc}）" if loc else "")
        rule = RULES.get(f["id"])
        rows.append([agency, year, problem, rule.advice if rule else None, RECTIFY_DEADLINE, None])
        covered.add(f["id"])
    for c in d.get("criteria", []):
        if c["verdict"] not in ("partial", "not_met"):
            continue
        if set(c.get("findings") or ()) & covered:
            continue
        lost = float(c.get("assessable_weight", c["weight"]) or 0) - float(c["points"] or 0)
        problem = f"{c['title']}：{VERDICT_LABELS[c['verdict']]}（{MEMO_LABELS['lost']}{number_or_dash(lost)}分）"
        rows.append([agency, year, problem, c.get("advice"), RECTIFY_DEADLINE, None])
    return rows


def render_xlsx(
    results: Iterable[ResultLike],
    *,
    criteria_set: CriteriaSet | None = None,
    failures: Sequence[Mapping[str, str]] = (),
    hierarchy: HierarchyReport | None = None,
) -> bytes:
    """Render the score workbook.

    Parameters
    ----------
    results : sequence of Result or dict
        Scored documents in row order (batch: sorted by input path).
    criteria_set : CriteriaSet, optional
        Used for 评分说明 (clauses, rules, deductions); without it the notes are
        derived from the results.
    failures : sequence of {"file", "error"}
        Documents that could not be scored.
    hierarchy : HierarchyReport, optional
        Adds the sheets 未发布年报 and 上下级核对 (:mod:`scorer.hierarchy`).

    Returns
    -------
    bytes
        The ``.xlsx`` content.
    """
    dicts = result_dicts(results)
    df = score_table(dicts)
    titles = {cid: (title, w) for cid, title, w in criteria_columns(dicts)}
    shown = display_table(df, titles)

    book = Book()
    widths = [30, 6, 8, 6] + [10] * (len(shown.columns) - 7) + [8, 8, 40]
    _write_rows(book, SHEET_NAMES["scores"], list(shown.columns), shown.itertuples(index=False, name=None), widths)

    def findings() -> Iterator[list[Any]]:
        for d in dicts:
            doc = d["document"]
            for f in d["findings"]:
                span = f.get("span")
                yield [doc.get("agency"), doc.get("report_year"), doc.get("path"), f["id"],
                       rule_title(f["id"]), SEVERITY_LABELS.get(f["severity"], f["severity"]),
                       f.get("location") or (where_words(f["where"]) if f.get("where") else None),
                       f["message"], f"{span[0]}–{span[1]}" if span else None]
    _write_rows(book, SHEET_NAMES["findings"], ["机构", "年度", "文件", "规则代码", "问题类型", "严重程度", "位置", "说明",
                                                "字符位置"], findings(), [30, 6, 30, 16, 24, 8, 30, 60, 12], wrap=(6, 7))

    _write_rows(book, SHEET_NAMES["rectify"], RECTIFY_HEADER, (row for d in dicts for row in rectify_rows(d)),
                [24, 6, 60, 50, 16, 16], wrap=(0, 2, 3))

    single = next(iter(dicts)) if len(df) == 1 else None
    by_id = {c["id"]: c for c in single["criteria"]} if single else {}
    crows = []
    for c in _criteria_source(dicts, criteria_set):
        cid = c["id"] if isinstance(c, Mapping) else c.id
        title = c["title"] if isinstance(c, Mapping) else c.title
        weight = c["weight"] if isinstance(c, Mapping) else c.weight
        got, link = None, None
        if single and cid in by_id:
            r = by_id[cid]
            got = None if r["verdict"] == "not_assessable" else r["points"]
            ev = r.get("evidence") or []
            link = (f"「{ev[0]['quote'][:60]}」" if ev else None) or VERDICT_LABELS.get(r["verdict"])
        crows.append([title, weight, scoring_note(c), None, got, link])
    if single:
        doc = single["document"]
        crows += [[], ["合计（可评分）", single["score"].get("assessable_weight"), None, None,
                       single["score"].get("earned"), doc.get("url") or doc.get("path")],
                  ["总分（百分制）", 100, None, None, single["score"].get("total"), None]]
    _write_rows(book, SHEET_NAMES["criteria"], EVALUATOR_HEADER, crows, [28, 6, 60, 8, 8, 40], wrap=(2, 5))

    # one sheet per agency: the names from the score table's agency and year columns
    names = sheet_names(({"document": {"agency": a if isinstance(a, str) else None,
                                       "report_year": None if pd.isna(y) else int(y)}}
                         for a, y in zip(df["agency"], df["report_year"])),
                        [*SHEET_NAMES.values(), *HIERARCHY_SHEETS.values()])
    for d, name in zip(dicts, names):
        doc, sc = d["document"], d["score"]
        total = sc.get("total")
        head = (f"{doc.get('agency') or '（未识别机构）'}" + (f"{doc['report_year']}年度" if doc.get("report_year") else "")
                + f"  总分：{number_or_dash(total)}（{grade_of(total)}）"
                + (f"  {MEMO_LABELS['source']}：{doc.get('url') or doc.get('path')}" if doc.get("url") or doc.get("path") else ""))
        rows = evaluator_rows(d, criteria_set)
        rows += [[], ["合计（可评分）", sc.get("assessable_weight"), None, None, sc.get("earned"), None],
                 ["总分（百分制）", 100, None, None, total, None]]
        _write_rows(book, name, EVALUATOR_HEADER, rows, [28, 6, 60, 8, 8, 50], wrap=(0, 2, 5), title=head)

    if failures:
        _write_rows(book, SHEET_NAMES["failures"], ["文件", "错误"], [[f["file"], f["error"]] for f in failures],
                    [50, 80])

    if hierarchy is not None:
        _write_rows(book, HIERARCHY_SHEETS["missing"], MISSING_HEADER, hierarchy.missing, [8, 30, 40, 40],
                    wrap=(1, 2, 3), title=hierarchy.missing_note())
        _write_rows(book, HIERARCHY_SHEETS["compare"], COMPARE_HEADER, hierarchy.comparisons,
                    [8, 24, 40, 10, 12, 10, 14, 60], wrap=(1, 2, 7), title=HIERARCHY_BASIS)
    return book.close()


def render_csv(results: Iterable[ResultLike]) -> bytes:
    """The 得分表 as CSV in UTF-8 with a BOM, so Excel opens the Chinese correctly.

    Parameters
    ----------
    results : sequence of Result or dict
        Scored documents in row order.

    Returns
    -------
    bytes
        ``utf-8-sig`` encoded CSV, CRLF line ends.
    """
    dicts = result_dicts(results)
    df = score_table(dicts)
    shown = display_table(df, {cid: (t, w) for cid, t, w in criteria_columns(dicts)})
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([sheet_text(str(h)) for h in shown.columns])
    for row in shown.itertuples(index=False, name=None):
        writer.writerow(["" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                         else (f"{v:g}" if isinstance(v, float) else sheet_text(v)) for v in row])
    return buf.getvalue().encode("utf-8-sig")
