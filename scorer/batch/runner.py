"""``run_batch``: the parent of a batch. It collects the inputs, skips what is
unchanged since the last run, hands the rest to an executor as tasks, records what
the workers could not, and writes the sheets at the end.

Outputs do not depend on the number of jobs: rows are ordered by input path.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from scorer.batch.executor import Executor, ProcessPool
from scorer.batch.inputs import collect_inputs
from scorer.batch.messages import FAILED, SCORED, BatchConfig, Outcome, Task
from scorer.batch.sheets import SHEETS, sheet_paths, sheet_view, write_sheets
from scorer.batch.state import (BATCH_STATE, STATE_DIR, batch_fingerprint, file_sha256, fingerprint,
                                load_state, open_output_folder, record, save_batch_state, write_problem)
from scorer.model import CriteriaSet
from scorer.render import MEMO_EXTENSIONS
from scorer.provenance import criteria_fingerprint

__all__ = ["run_batch", "DocOutcome", "BatchReport", "DEFAULT_FORMATS", "DEFAULT_TIMEOUT"]

DEFAULT_FORMATS: tuple[str, ...] = ("json", "md", "html", "docx")
DEFAULT_TIMEOUT = 120.0  # seconds per document


@dataclass(frozen=True)
class DocOutcome:
    """What happened to one document of a batch."""

    path: str
    key: str
    status: str  # "scored" | "failed"
    error: str | None = None  # one line, for failures
    total: float | None = None
    seconds: float = 0.0
    cached: bool = False  # True: unchanged since the last run, not redone
    outputs: tuple[str, ...] = ()


@dataclass
class BatchReport:
    """The outcome of :func:`run_batch`."""

    out_dir: str
    criteria_set: str
    outcomes: list[DocOutcome]
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # batch-level failures (the sheets), one line each

    @property
    def failures(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def scored(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.status == SCORED]

    @property
    def skipped(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.cached]

    @property
    def worked(self) -> list[DocOutcome]:
        """Documents actually processed in this run (not skipped)."""
        return [o for o in self.outcomes if not o.cached]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.problems

    def summary_lines(self) -> list[str]:
        """A short Chinese summary, then one line per failure."""
        lines = [
            f"共{len(self.outcomes)}份：评分{len(self.scored)}份，失败{len(self.failures)}份"
            f"（其中{len(self.skipped)}份未变化，沿用上次结果）；用时{self.seconds:.1f}秒。",
        ]
        if self.outputs:
            lines.append("输出：" + "，".join(self.outputs[k] for k in sorted(self.outputs)))
        for o in self.failures:
            lines.append(f"失败：{o.path}：{o.error}")
        for p in self.problems:
            lines.append(f"失败：{p}")
        return lines


def run_batch(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    criteria_set: CriteriaSet | str = "core",
    out_dir: str | os.PathLike[str] = "reports_out",
    *,
    jobs: int | None = None,
    force: bool = False,
    formats: Sequence[str] = DEFAULT_FORMATS,
    manifest: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int, DocOutcome], None] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    executor: Executor | None = None,
    options: Mapping[str, Any] | None = None,
) -> BatchReport:
    """Score many documents and write memos, the score sheet and a summary page.

    Parameters
    ----------
    inputs : path or iterable of paths
        Files, directories (recursive: .txt .md .html .htm .docx .pdf) or one manifest
        CSV (columns ``file, agency, report_year, published_on``, optional ``url``,
        ``deadline``).
    criteria_set : CriteriaSet or str
        Criteria set object, shipped name or YAML path.
    out_dir : path
        Output directory: ``<name>.json/.md/.html/.docx`` per document, then
        ``scores.xlsx``, ``scores.csv``, ``summary.html``.
    jobs : int, optional
        Worker processes; default all cores.
    force : bool
        Redo documents even when unchanged since the last run.
    formats : sequence of {"json", "md", "html", "docx"}
        Per-document outputs; ``json`` is always written (it is the record the sheet
        is built from on reruns).
    manifest : path, optional
        A manifest CSV, in addition to ``inputs``.
    progress : callable(done, total, outcome), optional
        Called in the parent after each document (skipped ones included).
    timeout : float or None
        Seconds allowed per document; None for no limit.
    executor : Executor, optional
        Who runs the tasks; default a :class:`~scorer.batch.executor.ProcessPool`
        of ``jobs`` workers.

    Returns
    -------
    BatchReport
        Outcomes sorted by input path; ``report.failures`` lists every failed
        document with its one-line error.

    Raises
    ------
    ManifestError
        The manifest is invalid (nothing is scored).
    CriteriaError
        The criteria set is unknown or invalid.
    ValueError
        An unknown format.
    """
    t0 = time.monotonic()
    fmts = tuple(dict.fromkeys(["json", *formats]))
    unknown = [f for f in fmts if f not in MEMO_EXTENSIONS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; use: {', '.join(MEMO_EXTENSIONS)}")
    if isinstance(criteria_set, CriteriaSet) or "{year}" in criteria_set:
        cs = criteria_set  # a family by year: each worker takes the set of its report's year
    else:
        from scorer.criteria import load_criteria

        cs = load_criteria(criteria_set)
    out = Path(out_dir)
    lock = open_output_folder(out)  # one batch at a time per output folder
    try:
        return _run(inputs, cs, out, jobs=jobs, force=force, fmts=fmts, manifest=manifest, progress=progress,
                    options=tuple(sorted((options or {}).items())),
                    timeout=timeout, executor=executor, t0=t0)
    finally:
        if lock is not None:
            lock.close()


def _run(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], cs: CriteriaSet | str, out: Path, *,
         options: tuple[tuple[str, Any], ...] = (),
         jobs: int | None, force: bool, fmts: tuple[str, ...], manifest: str | os.PathLike[str] | None,
         progress: Callable[[int, int, DocOutcome], None] | None, timeout: float | None,
         executor: Executor | None, t0: float) -> BatchReport:
    state_dir = out / STATE_DIR
    items = collect_inputs(inputs, manifest=manifest, exclude=out)
    crit = criteria_fingerprint(cs)
    if options:  # flags such as --any-year change results: a rerun with others redoes all
        crit = criteria_fingerprint(f"{crit}{options!r}")

    outcomes: dict[str, DocOutcome] = {}
    results: dict[str, dict[str, Any]] = {}
    prints: dict[str, str] = {}
    tasks: list[Task] = []
    done = 0

    def report(o: DocOutcome) -> None:
        nonlocal done
        done += 1
        outcomes[o.path] = o
        if progress is not None:
            progress(done, len(items), o)

    for item in items:
        fp = fingerprint(item, file_sha256(item.path), crit, fmts)
        prints[item.key] = fp
        state = None if force else load_state(state_dir, item.key)
        if state and state.get("fingerprint") == fp and not state.get("timeout"):
            if state["status"] == SCORED and all((out / n).is_file() for n in state.get("outputs", [])):
                try:
                    results[item.path] = sheet_view(json.loads((out / f"{item.key}.json").read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    results.pop(item.path, None)
                else:
                    report(DocOutcome(item.path, item.key, SCORED, None, state.get("total"),
                                      0.0, True, tuple(state.get("outputs", []))))
                    continue
            elif state["status"] == FAILED:
                report(DocOutcome(item.path, item.key, FAILED, state.get("error"), None, 0.0, True))
                continue
        tasks.append(Task(item.path, item.key, item.overrides + options, fp))

    by_key = {t.key: t for t in tasks}

    def finished(res: Outcome) -> None:
        if res.status == SCORED and res.result is not None:
            results[res.path] = res.result
        if not res.recorded:  # the worker died or was killed: the parent records it
            try:
                record(out, by_key[res.key], res)
            except OSError:  # no state: the document is simply redone next time
                pass
        report(DocOutcome(res.path, res.key, res.status, res.error, res.total, res.seconds,
                          False, tuple(res.outputs)))

    if tasks:
        config = BatchConfig(cs, str(out), fmts, timeout)
        (executor or ProcessPool(jobs or os.cpu_count() or 1)).run(tasks, config, finished)

    ordered = [outcomes[i.path] for i in items]
    scored = [results[o.path] for o in ordered if o.status == SCORED and o.path in results]
    failures = [{"file": o.path, "error": o.error or ""} for o in ordered if o.status == FAILED]

    # the sheets are rebuilt only when some document changed (a rerun writes nothing)
    batch_fp = batch_fingerprint([(i.key, prints[i.key], outcomes[i.path].status) for i in items], crit)
    sheets = sheet_paths(out)
    prev = load_state(state_dir, BATCH_STATE)
    problems: list[str] = []
    if force or not prev or prev.get("fingerprint") != batch_fp or not all(Path(p).is_file() for p in sheets.values()):
        try:
            write_sheets(sheets, scored, failures, cs if isinstance(cs, CriteriaSet) else None)
            save_batch_state(state_dir, batch_fp)
        except Exception as exc:  # a full disk, a full temp folder …: the outcomes still reach the caller
            problems.append(f"汇总表（{'、'.join(SHEETS.values())}）未能写入：{write_problem(exc)}")
            sheets = {}
    return BatchReport(str(out), cs.id if isinstance(cs, CriteriaSet) else cs, ordered, sheets,
                       round(time.monotonic() - t0, 3), problems)
