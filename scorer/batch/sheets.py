"""The batch sheets written at the end: ``scores.xlsx``, ``scores.csv``, ``summary.html``."""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from scorer.batch.inputs import output_keys
from scorer.batch.lifeline import die_with_parent
from scorer.hierarchy import Hierarchy, HierarchyReport, compared_cells, hierarchy_report
from scorer.model import CriteriaSet
from scorer.render import render_csv, render_summary_html, render_xlsx, write_atomic

__all__ = ["SHEETS", "sheet_paths", "sheet_view", "write_sheets", "memo_links"]

SHEETS = {"xlsx": "scores.xlsx", "csv": "scores.csv", "summary": "summary.html"}


def sheet_paths(out: Path) -> dict[str, str]:
    """The sheet files of the output folder ``out``, by kind."""
    return {k: str(out / name) for k, name in SHEETS.items()}


def sheet_view(d: Mapping[str, Any], agency_key: str | None = None) -> dict[str, Any]:
    """What the batch sheets need of one result: document, score, findings, and per
    criterion its points, verdict and first quote. The parent keeps only this for
    each document (not evidence lists, explanations, tables), so memory stays flat
    in a batch of thousands. ``agency_key``: the key the result is filed under in the
    store (the manifest's, where it gave one), which the hierarchy also matches."""
    view = {
        "document": d["document"],
        "score": d["score"],
        "criteria_set": d.get("criteria_set"),
        "findings": [dict(f) for f in d["findings"]],
        "criteria": [
            {"id": c["id"], "title": c["title"], "weight": c["weight"], "points": c["points"],
             "verdict": c["verdict"], "evidence": list(c.get("evidence") or [])[:1],
             # the per-agency sheet and the 整改清单 name these
             "assessable_weight": c.get("assessable_weight", c["weight"]), "advice": c.get("advice"),
             "findings": list(c.get("findings") or []), "checks": dict(c.get("checks") or {}),
             **({"override": c["override"]} if c.get("override") else {})}
            for c in d["criteria"]
        ],
        # the few 表二/表三/表四 counts the hierarchy comparison reads (scorer.hierarchy)
        "hierarchy_cells": compared_cells(d),
    }
    if agency_key is not None:
        view["agency_key"] = agency_key
    return view


#: Memo formats the summary links to, in the order shown.
_LINKED = (".html", ".docx", ".md")


def memo_links(out: Path, scored: Sequence[Mapping[str, Any]],
               failures: Sequence[Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Document path → {extension: memo file name relative to ``out``}, for the memos
    the workers wrote. The names are the batch's output keys (``inputs.output_keys``
    over every input, scored or not, in path order, as the batch made them); only
    files that exist are linked."""
    paths = sorted({str(d["document"].get("path")) for d in scored} | {str(f["file"]) for f in failures})
    keys = dict(zip(paths, output_keys([Path(p) for p in paths]))) if paths else {}
    links: dict[str, dict[str, str]] = {}
    for d in scored:
        path = str(d["document"].get("path"))
        key = keys.get(path)
        if key is None:
            continue
        found = {ext: key + ext for ext in _LINKED if (out / (key + ext)).is_file()}
        if found:
            links[path] = found
    return links


def _write_csv_and_summary(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                           failures: Sequence[Mapping[str, str]], cs: CriteriaSet | None,
                           hier: HierarchyReport | None = None) -> None:
    write_atomic(sheets["csv"], render_csv(scored))
    links = memo_links(Path(sheets["summary"]).parent, scored, failures)
    write_atomic(sheets["summary"], render_summary_html(scored, failures=failures, links=links, hierarchy=hier,
                                                        title=f"年度报告评估汇总（{cs.title}）" if cs is not None
                                                        else "年度报告评估汇总（各报告按其年度的指标体系）"))


def _sheets_child(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                  failures: Sequence[Mapping[str, str]], cs: CriteriaSet | None, parent_pid: int,
                  hier: HierarchyReport | None = None) -> None:
    try:
        die_with_parent(parent_pid)
        _write_csv_and_summary(sheets, scored, failures, cs, hier)
    except BaseException:
        os._exit(1)  # the parent writes them again and reports the real error
    os._exit(0)


def write_sheets(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                 failures: Sequence[Mapping[str, str]], cs: CriteriaSet | None, *,
                 hierarchy: Hierarchy | None = None) -> None:
    """scores.xlsx, scores.csv and summary.html. The CSV and the summary (matplotlib
    charts) are written by a forked child while the parent writes the workbook: the
    workers are done, so the second core is free, and the batch ends a second or
    two sooner. With a ``hierarchy`` (:func:`scorer.hierarchy.read_hierarchy`) the
    workbook and the summary also list the expected agencies without a report
    (未发布年报) and the government-vs-departments comparison, drawn from ``scored``.
    ``scored`` is iterated, never indexed: any re-iterable sequence does."""
    hier = hierarchy_report(hierarchy, scored, unscored=len(failures)) if hierarchy is not None else None
    child = None
    if "fork" in mp.get_all_start_methods():
        child = mp.get_context("fork").Process(target=_sheets_child,
                                               args=(sheets, scored, failures, cs, os.getpid(), hier))
        child.start()
    failure: Exception | None = None
    try:
        write_atomic(sheets["xlsx"], render_xlsx(scored, criteria_set=cs, failures=failures, hierarchy=hier))
    except Exception as exc:
        failure = exc
    if child is not None:
        child.join()
    if failure is not None:
        raise _quiet(failure)
    if child is None or child.exitcode != 0:
        _write_csv_and_summary(sheets, scored, failures, cs, hier)


def _quiet(exc: Exception) -> Exception:
    """``exc`` without its traceback. A renderer cut off by a full disk may leave
    generators that print tracebacks to stderr when they are collected; they are
    collected here, silently (the error itself is reported once, by the
    caller)."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        exc.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook
    return exc
