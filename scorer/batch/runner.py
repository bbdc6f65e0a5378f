"""``run_batch``: the parent of a batch. It collects the inputs, skips what is
unchanged since the last run, hands the rest to an executor as tasks, records what
the workers could not, and writes the sheets at the end.

Outputs do not depend on the number of jobs: rows are ordered by input path.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from scorer.batch.executor import Executor, ProcessPool
from scorer.batch.inputs import collect_inputs
from scorer.batch.messages import FAILED, SCORED, BatchConfig, Outcome, Task
from scorer.batch.sheets import SHEETS, sheet_paths, sheet_view, write_sheets
from scorer.batch.state import (BATCH_STATE, STATE_DIR, batch_fingerprint, file_sha256, fingerprint,
                                load_state, open_output_folder, record, save_batch_state, write_problem)
from scorer.model import CriteriaSet
from scorer.overrides import Override, for_document, from_mapping, overrides_digest, read_overrides
from scorer.provenance import engine_version
from scorer.errors import ScorerError
from scorer.hierarchy import Hierarchy, read_hierarchy
from scorer.store import STORE_NAME, Store, open_store
from scorer.render import MEMO_EXTENSIONS
from scorer.provenance import criteria_fingerprint

__all__ = ["run_batch", "make_executor", "EXECUTORS", "DocOutcome", "BatchReport", "DEFAULT_FORMATS",
           "DEFAULT_TIMEOUT"]

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
    executor: Executor | str | None = None,
    scheduler: str | None = None,
    options: Mapping[str, Any] | None = None,
    store: str | os.PathLike[str] | None = None,
    overrides: str | os.PathLike[str] | None = None,
    hierarchy: str | os.PathLike[str] | None = None,
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
    executor : Executor or {"local", "dask"}, optional
        Who runs the tasks: an :class:`~scorer.batch.executor.Executor`, or a name —
        ``"local"`` (default) a :class:`~scorer.batch.executor.ProcessPool` of
        ``jobs`` workers; ``"dask"`` a
        :class:`~scorer.batch.dask_executor.DaskExecutor` on ``scheduler`` (or on a
        local cluster of ``jobs`` workers).
    scheduler : str, optional
        Dask scheduler address (``tcp://HOST:PORT``) for ``executor="dask"``.
    store : path, optional
        The results store (default ``<out_dir>/results.sqlite``): every result is
        added to it, last year's reports are read from it, and the sheets show the
        latest result of every agency and year in it, earlier batches included.
    overrides : path, optional
        A YAML file of evaluators' overrides (:mod:`scorer.overrides`), applied with
        those kept in the store.
    hierarchy : path, optional
        A CSV of governments and their departments (:mod:`scorer.hierarchy`): the
        sheets then list the expected agencies without a report (未发布年报) and
        compare each government's counts with its departments'.

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
        An unknown format or executor name.
    ScorerError
        ``executor="dask"`` without the ``dask`` extra installed, or an unreachable
        scheduler.
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
    runner = make_executor(executor, jobs=jobs, scheduler=scheduler)
    out = Path(out_dir)
    extra = read_overrides(overrides) if overrides is not None else ()
    tree = read_hierarchy(hierarchy) if hierarchy is not None else None  # a bad file stops the batch before scoring
    lock = open_output_folder(out)  # one batch at a time per output folder
    try:
        db, problem = _open_store(store, out)
        with db:
            all_overrides = tuple(from_mapping(o) for o in db.overrides()) + tuple(extra)
            report = _run(inputs, cs, out, jobs=jobs, force=force, fmts=fmts, manifest=manifest, progress=progress,
                          timeout=timeout, executor=runner, t0=t0, db=db, overrides=all_overrides,
                          options=tuple(sorted((options or {}).items())), hierarchy=tree)
            if problem:
                report.problems.insert(0, problem)
            return report
    finally:
        if lock is not None:
            lock.close()


EXECUTORS = ("local", "dask")


def make_executor(executor: Executor | str | None, *, jobs: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor named (``"local"``, ``"dask"``) or given; Dask is imported only
    when asked for."""
    if executor is None or executor == "local":
        return ProcessPool(jobs or os.cpu_count() or 1)
    if executor == "dask":
        from scorer.batch.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, workers=jobs)
    if isinstance(executor, str):
        raise ValueError(f"unknown executor {executor!r}; use: {', '.join(EXECUTORS)}")
    return executor


def _run(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], cs: CriteriaSet | str, out: Path, *,
         options: tuple[tuple[str, Any], ...] = (),
         jobs: int | None, force: bool, fmts: tuple[str, ...], manifest: str | os.PathLike[str] | None,
         progress: Callable[[int, int, DocOutcome], None] | None, timeout: float | None,
         executor: Executor, t0: float, db: Store, overrides: tuple[Override, ...],
         hierarchy: Hierarchy | None = None) -> BatchReport:
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

    shas: dict[str, str | None] = {}
    for item in items:
        sha = shas[item.key] = file_sha256(item.path)
        fp = fingerprint(item, sha, crit, fmts)
        prints[item.key] = fp
        state = None if force else load_state(state_dir, item.key)
        if state and state.get("fingerprint") == fp and not state.get("timeout") and _still_current(
                state, sha, cs, db, overrides):
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
        tasks.append(Task(item.path, item.key, item.overrides + options, fp, sha))

    by_key = {t.key: t for t in tasks}
    records: dict[str, dict[str, Any]] = {}  # this run's scored documents, by key
    store_problems: list[str] = []
    second_wave = False

    def finished(res: Outcome) -> None:
        if res.status == SCORED and res.result is not None:
            results[res.path] = res.result
        if res.status == SCORED and res.record is not None:
            task = by_key[res.key]
            if task.sha256 is not None:  # the parent is the store's only writer
                try:
                    db.put(res.record["result"], source_sha256=task.sha256, criteria_fingerprint=crit,
                           agency_key=res.record.get("agency_key"), history=res.record.get("history"),
                           batch=batch_id)
                except sqlite3.Error as exc:  # a full disk …: the memo is written, the store misses it
                    store_problems.append(f"{res.path}：结果未能存入结果库（{exc}）")
            records[res.key] = res.record
        if not res.recorded:  # the worker died or was killed: the parent records it
            try:
                record(out, by_key[res.key], res)
            except OSError:  # no state: the document is simply redone next time
                pass
        o = DocOutcome(res.path, res.key, res.status, res.error, res.total, res.seconds, False, tuple(res.outputs))
        if second_wave:
            outcomes[o.path] = o
        else:
            report(o)

    batch_id = uuid.uuid4().hex
    if tasks:
        in_memory = str(db.path) == ":memory:"
        config = BatchConfig(cs, str(out), fmts, timeout, store=None if in_memory else str(db.path),
                             overrides=overrides, exclude_batch=batch_id)
        executor.run(tasks, config, finished)
        # documents whose previous year was scored in this same batch are scored once
        # more after it, now with last year's report from the store: a chain of years
        # wave by wave (2022 once 2021 is final, then 2023 …), so the outcome does not
        # depend on which document finished first
        second_wave = True
        waves = {} if in_memory else _later_waves(records, by_key, shas)
        config = replace(config, exclude_batch=None)
        for depth in sorted(waves):
            executor.run(waves[depth], config, finished)

    ordered = [outcomes[i.path] for i in items]
    # the sheets show everything the store holds for this criteria set: a second
    # batch into the same store extends the picture
    scored = [sheet_view(d) for d in _latest(db, cs)]
    failures = [{"file": o.path, "error": o.error or ""} for o in ordered if o.status == FAILED]

    # the sheets are rebuilt only when some document or the store changed (a rerun writes nothing)
    batch_fp = batch_fingerprint([(i.key, prints[i.key], outcomes[i.path].status) for i in items]
                                 + [("@store", db.state(), "")]
                                 + ([("@hierarchy", hierarchy.digest, "")] if hierarchy else []), crit)
    sheets = sheet_paths(out)
    prev = load_state(state_dir, BATCH_STATE)
    problems: list[str] = list(dict.fromkeys(store_problems))
    if force or not prev or prev.get("fingerprint") != batch_fp or not all(Path(p).is_file() for p in sheets.values()):
        try:
            write_sheets(sheets, scored, failures, cs if isinstance(cs, CriteriaSet) else None, hierarchy=hierarchy)
            save_batch_state(state_dir, batch_fp)
        except Exception as exc:  # a full disk, a full temp folder …: the outcomes still reach the caller
            problems.append(f"汇总表（{'、'.join(SHEETS.values())}）未能写入：{write_problem(exc)}")
            sheets = {}
    return BatchReport(str(out), _set_id(cs), ordered, sheets, round(time.monotonic() - t0, 3), problems)


def _still_current(state: dict[str, Any], sha: str | None, cs: CriteriaSet | str, db: Store,
                   overrides: tuple[Override, ...]) -> bool:
    """Whether a document unchanged since the last run may be skipped: its result is
    in the store, last year's report there is the one it was compared with, and its
    overrides are the same."""
    if state.get("status") != SCORED:
        return True
    if not isinstance(cs, CriteriaSet):  # a family: which set a report gets is decided in its worker
        return False
    if sha is None or not db.has(sha, cs.id, engine_version()):
        return False
    key, year = state.get("agency_key"), state.get("report_year")
    if db.previous_sha(key, year, cs.id) != state.get("previous_sha"):
        return False
    return overrides_digest(for_document(overrides, key, year, cs.id)) == state.get("overrides")


def _later_waves(records: dict[str, dict[str, Any]], tasks: dict[str, Task],
                 shas: dict[str, str | None]) -> dict[int, list[Task]]:
    """Tasks scored in the first wave whose previous-year report was scored in it too,
    by wave: a report whose previous year has n earlier years in the batch before it
    goes in wave n + 1, after them."""
    scored = {(r.get("agency_key"), r.get("report_year")) for r in records.values()
              if r.get("agency_key") and r.get("report_year") is not None and r.get("result") is not None}

    def depth(key: str, year: int) -> int:
        n = 0
        while (key, year - 1) in scored:
            n, year = n + 1, year - 1
        return n

    waves: dict[int, list[Task]] = {}
    for k, r in sorted(records.items()):
        key, year = r.get("agency_key"), r.get("report_year")
        if key and year is not None and shas.get(k) is not None:
            d = depth(key, year)
            if d:
                waves.setdefault(d, []).append(tasks[k])
    return waves


def _open_store(path: str | os.PathLike[str] | None, out: Path) -> tuple[Store, str | None]:
    """The batch's store; when the default one in the output folder cannot be
    written, one in memory for this batch's sheets (and a problem to report). A
    store named with --store that cannot be opened stops the batch (ScorerError)."""
    if path is not None:
        return open_store(path, out), None
    try:
        return open_store(None, out), None
    except ScorerError as exc:
        return Store(":memory:"), f"结果库（{out / STORE_NAME}）无法写入：{exc.reason if hasattr(exc, 'reason') else exc}"


def _latest(db: Store, cs: CriteriaSet | str) -> list[dict[str, Any]]:
    """The latest stored result of every agency and year under ``cs``; for a family,
    under each of its sets, in source-path order."""
    if isinstance(cs, CriteriaSet):
        return list(db.latest(cs.id))
    from scorer.criteria import list_criteria

    prefix, _, suffix = cs.partition("{year}")
    ids = [s.id for s in list_criteria() if s.id.startswith(prefix) and s.id.endswith(suffix)]
    found = [d for i in ids for d in db.latest(i)]
    return sorted(found, key=lambda d: (str(d["document"].get("path")), str(d.get("criteria_set"))))


def _set_id(cs: CriteriaSet | str) -> str:
    """The id results are filed under: a set's id, or a family's pattern."""
    return cs.id if isinstance(cs, CriteriaSet) else cs
