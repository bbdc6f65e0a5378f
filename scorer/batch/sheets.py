"""The batch sheets written at the end: ``scores.xlsx``, ``scores.csv``, ``summary.html``."""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from scorer.batch.lifeline import die_with_parent
from scorer.model import CriteriaSet
from scorer.render import render_csv, render_summary_html, render_xlsx, write_atomic

__all__ = ["SHEETS", "sheet_paths", "sheet_view", "write_sheets"]

SHEETS = {"xlsx": "scores.xlsx", "csv": "scores.csv", "summary": "summary.html"}


def sheet_paths(out: Path) -> dict[str, str]:
    """The sheet files of the output folder ``out``, by kind."""
    return {k: str(out / name) for k, name in SHEETS.items()}


def sheet_view(d: Mapping[str, Any]) -> dict[str, Any]:
    """What the batch sheets need of one result: document, score, findings, and per
    criterion its points, verdict and first quote. The parent keeps only this for
    each document (not evidence lists, explanations, tables), so memory stays flat
    in a batch of thousands."""
    return {
        "document": d["document"],
        "score": d["score"],
        "criteria_set": d.get("criteria_set"),
        "findings": [dict(f) for f in d["findings"]],
        "criteria": [
            {"id": c["id"], "title": c["title"], "weight": c["weight"], "points": c["points"],
             "verdict": c["verdict"], "evidence": list(c.get("evidence") or [])[:1]}
            for c in d["criteria"]
        ],
    }


def _write_csv_and_summary(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                           failures: Sequence[Mapping[str, str]], cs: CriteriaSet | None) -> None:
    write_atomic(sheets["csv"], render_csv(scored))
    write_atomic(sheets["summary"], render_summary_html(scored, failures=failures,
                                                        title=f"年度报告评估汇总（{cs.title}）" if cs is not None
                                                        else "年度报告评估汇总（各报告按其年度的指标体系）"))


def _sheets_child(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                  failures: Sequence[Mapping[str, str]], cs: CriteriaSet | None, parent_pid: int) -> None:
    try:
        die_with_parent(parent_pid)
        _write_csv_and_summary(sheets, scored, failures, cs)
    except BaseException:
        os._exit(1)  # the parent writes them again and reports the real error
    os._exit(0)


def write_sheets(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                 failures: Sequence[Mapping[str, str]], cs: CriteriaSet | None) -> None:
    """scores.xlsx, scores.csv and summary.html. The CSV and the summary (matplotlib
    charts) are written by a forked child while the parent writes the workbook: the
    workers are done, so the second core is free, and the batch ends a second or
    two sooner."""
    child = None
    if "fork" in mp.get_all_start_methods():
        child = mp.get_context("fork").Process(target=_sheets_child,
                                               args=(sheets, scored, failures, cs, os.getpid()))
        child.start()
    failure: Exception | None = None
    try:
        write_atomic(sheets["xlsx"], render_xlsx(scored, criteria_set=cs, failures=failures))
    except Exception as exc:
        failure = exc
    if child is not None:
        child.join()
    if failure is not None:
        raise _quiet(failure)
    if child is None or child.exitcode != 0:
        _write_csv_and_summary(sheets, scored, failures, cs)


def _quiet(exc: Exception) -> Exception:
    """``exc`` without its traceback. openpyxl's write-only sheets, cut off by a full
    disk, leave generators that print tracebacks to stderr when they are collected;
    they are collected here, silently (the error itself is reported once, by the
    caller)."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        exc.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook
    return exc
