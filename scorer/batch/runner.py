"""``run_batch``: the parent of a batch. It collects the inputs, skips what is
unchanged since the last run, hands the rest to an executor as tasks, records what
the workers could not, and writes the sheets at the end.

Outputs do not depend on the number of jobs: rows are ordered by input path.

Each document is scored once. A report whose previous year's report is in the same
batch waits for it (:class:`_Series`) and is then compared with it; the rest run at
once. Memory stays flat as a batch grows: outcomes stream to a run log in a
temporary file, results to the store, and the sheets are written from the store.
"""
from __future__ import annotations

import heapq
import io
import itertools
import json
import os
import sqlite3
import tempfile
import time
import uuid
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from scorer.batch.executor import Executor, ProcessPool
from scorer.batch.inputs import collect_inputs
from scorer.batch.messages import FAILED, SCORED, BatchConfig, Outcome, Task
from scorer.batch.sheets import SHEETS, sheet_paths, sheet_view, write_sheets
from scorer.batch.state import (BATCH_STATE, STATE_DIR, batch_fingerprint, file_sha256, fingerprint, known_identity,
                                load_state, open_output_folder, record, save_batch_state, write_problem)
from scorer.model import CriteriaSet
from scorer.overrides import Override, for_document, from_mapping, overrides_digest, read_overrides
from scorer.provenance import engine_version
from scorer.errors import ScorerError
from scorer.hierarchy import Hierarchy, read_hierarchy
from scorer.history import agency_key
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
    """The outcome of :func:`run_batch`. ``outcomes`` is read from the run's log each
    time it is iterated (in input order), not held in memory; ``failures``,
    ``scored``, ``skipped`` and ``worked`` are lists drawn from it when asked for."""

    out_dir: str
    criteria_set: str
    outcomes: Sequence[DocOutcome]
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
        counts = getattr(self.outcomes, "counts", None)
        if counts is None:
            counts = {SCORED: len(self.scored), FAILED: len(self.failures), "cached": len(self.skipped)}
        lines = [
            f"共{len(self.outcomes)}份：评分{counts[SCORED]}份，失败{counts[FAILED]}份"
            f"（其中{counts['cached']}份未变化，沿用上次结果）；用时{self.seconds:.1f}秒。",
        ]
        if self.outputs:
            lines.append("输出：" + "，".join(self.outputs[k] for k in sorted(self.outputs)))
        for o in self.outcomes:  # one at a time from the log
            if o.status == FAILED:
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

    # nothing per document stays in memory but what scheduling needs: outcomes go to
    # the run log (read back in input order), results to the store
    n = len(items)
    log = _RunLog(n)
    done = 0

    def report(i: int, o: DocOutcome, fp: str) -> None:
        nonlocal done
        done += 1
        log.add(i, o, fp)
        if progress is not None:
            progress(done, n, o)

    tasks: list[Task] = []
    position: dict[str, int] = {}  # task key → input position
    known: dict[str, tuple[str | None, int | None]] = {}  # agency key and year from the last run
    # unchanged reports of a known agency and year: skipped, unless last year's report
    # of their agency is redone in this run (they were compared with the old one)
    standby: dict[str, tuple[Task, tuple[str, int], DocOutcome]] = {}
    for i, item in enumerate(items):
        sha = file_sha256(item.path)
        fp = fingerprint(item, sha, crit, fmts)
        state = load_state(state_dir, item.key)
        if not force and state and state.get("fingerprint") == fp and not state.get("timeout") and _still_current(
                state, sha, cs, db, overrides):
            if state["status"] == SCORED and all((out / n_).is_file() for n_ in state.get("outputs", [])):
                try:  # the JSON the store's copy came from must still be whole
                    sheet_view(json.loads((out / f"{item.key}.json").read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    pass
                else:
                    skipped = DocOutcome(item.path, item.key, SCORED, None, state.get("total"),
                                         0.0, True, tuple(state.get("outputs", [])))
                    task = Task(item.path, item.key, item.overrides + options, fp, sha)
                    ident = known_identity(state, task)
                    if ident is not None and ident[0] and isinstance(ident[1], int) and isinstance(cs, CriteriaSet):
                        standby[task.key] = (task, (ident[0], ident[1]), skipped)
                        position[task.key] = i
                    else:
                        report(i, skipped, fp)
                    continue
            elif state["status"] == FAILED:
                report(i, DocOutcome(item.path, item.key, FAILED, state.get("error"), None, 0.0, True), fp)
                continue
        task = Task(item.path, item.key, item.overrides + options, fp, sha)
        ident = known_identity(state, task) or _stated_identity(task)
        if ident is not None:
            known[task.key] = ident
        tasks.append(task)
        position[task.key] = i
    del items

    store_problems: list[str] = []
    batch_id = uuid.uuid4().hex

    def settle(skips: list[tuple[Task, DocOutcome]]) -> None:
        for task, outcome in skips:  # still current: reported as skipped
            report(position.pop(task.key), outcome, task.fingerprint)

    if not tasks or str(db.path) == ":memory:":  # nothing redone, or no store to compare with
        settle([(t, o) for t, _, o in standby.values()])
        standby = {}
    if tasks:
        in_memory = str(db.path) == ":memory:"
        config = BatchConfig(cs, str(out), fmts, timeout, store=None if in_memory else str(db.path),
                             overrides=overrides, exclude_batch=batch_id)
        # no store the workers can read: no last year, no series to order
        plan = _Series(tasks, known, history=not in_memory, standby=standby)
        del tasks, known, standby
        unsaved = 0
        last_commit = time.monotonic()

        def commit() -> None:
            nonlocal unsaved, last_commit
            try:
                db.commit()
            except sqlite3.Error as exc:
                store_problems.append(f"结果库未能写入（{exc}）")
            unsaved, last_commit = 0, time.monotonic()

        def finished(res: Outcome) -> list[Task] | None:
            nonlocal unsaved
            if plan.surveying(res.key):
                ready = plan.surveyed(res.key, res.identity)
                settle(plan.settled())
                return ready
            task = plan.task(res.key)
            stored = res.status == SCORED and res.record is not None and task.sha256 is not None
            if stored:  # the parent is the store's only writer
                assert res.record is not None and task.sha256 is not None
                try:
                    db.put_record(res.record["stored"], source_sha256=task.sha256, criteria_fingerprint=crit,
                                  agency_key=res.record.get("agency_key"), batch=batch_id, commit=False)
                    unsaved += 1
                except sqlite3.Error as exc:  # a full disk …: the memo is written, the store misses it
                    store_problems.append(f"{res.path}：结果未能存入结果库（{exc}）")
            if not res.recorded:  # the worker died or was killed: the parent records it
                try:
                    record(out, task, res)
                except OSError:  # no state: the document is simply redone next time
                    pass
            report(position.pop(res.key), DocOutcome(res.path, res.key, res.status, res.error, res.total,
                                                     res.seconds, False, tuple(res.outputs)), task.fingerprint)
            more = plan.finished(res.key, stored)
            # a series' next year reads this one from the store: committed first; else
            # a commit now and then, not one per document
            if more or unsaved >= 64 or (unsaved and time.monotonic() - last_commit > 2.0):
                commit()
            return more

        first = plan.first()
        settle(plan.settled())  # known once no survey is needed; else after the last survey
        executor.run(first, config, finished)
        # an executor that runs only the tasks it was given (not those on_done
        # returned) is handed the rest, round by round
        left = plan.left()
        while left:
            executor.run(left, config, finished)
            again = plan.left()
            if [t.key for t in again] == [t.key for t in left]:  # it reported none of them: stop
                break
            left = again
        commit()
        for task in plan.unfinished():  # never reported back: failed, no state (redone next run)
            report(position.pop(task.key), DocOutcome(task.path, task.key, FAILED, "执行器未返回处理结果", None, 0.0,
                                                      False), task.fingerprint)

    # the sheets show everything the store holds for this criteria set: a second
    # batch into the same store extends the picture; drawn from the store as they are written
    scored = _Stored(db, cs)
    failures = [{"file": o.path, "error": o.error or ""} for o in log if o.status == FAILED]

    # the sheets are rebuilt only when some document or the store changed (a rerun writes nothing)
    batch_fp = batch_fingerprint(itertools.chain(log.prints(), [("@store", db.state(), "")],
                                                 [("@hierarchy", hierarchy.digest, "")] if hierarchy else []), crit)
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
    return BatchReport(str(out), _set_id(cs), log, sheets, round(time.monotonic() - t0, 3), problems)


def _stated_identity(task: Task) -> tuple[str, int] | None:
    """The agency key and year a manifest row states (agency or agency key, and the
    report year): scoring takes them over the document's own, so no survey has to
    read the document for them."""
    ov = dict(task.overrides)
    year = ov.get("report_year")
    key = ov.get("agency_key") or (agency_key(ov["agency"]) if ov.get("agency") else None)
    return (key, year) if key and isinstance(year, int) else None


class _Series:
    """The order of a batch's tasks: a report whose previous year's report is in the
    batch waits for it (all of that agency and year), and then reads it from the
    store; everything else runs at once. Each document is scored once.

    The agency key and year of each document come from its rerun state when its
    bytes are unchanged, else from a survey task (the document read, nothing scored)
    run first; until all are known nothing is scored, as any document may be some
    other's previous year.

    ``standby``: reports unchanged since the last run (task, agency and year, the
    outcome that says so). Once the identities are known, one whose previous year is
    redone in this run is redone after it (and so on down its series); the others are
    given back by :meth:`settled`, to be reported as skipped.
    """

    def __init__(self, tasks: Sequence[Task], known: Mapping[str, tuple[str | None, int | None]], *,
                 history: bool, standby: Mapping[str, tuple[Task, tuple[str, int], Any]] | None = None) -> None:
        self._tasks = {t.key: t for t in tasks}  # in input order
        self._ident: dict[str, tuple[str, int]] = {k: (a, y) for k, (a, y) in known.items()
                                                    if a and isinstance(y, int)}
        self._standby = dict(standby or {})
        self._settled: list[tuple[Task, Any]] = []
        # one document alone has no series to wait for, unless unchanged ones may follow it
        self._survey = ({k for k in self._tasks if k not in known}
                        if history and (len(self._tasks) > 1 or self._standby) else set())
        self._left: dict[tuple[str, int], int] = {}  # agency and year → its tasks not finished yet
        self._scored: set[tuple[str, int]] = set()  # … of which one was scored (and stored)
        self._waiting: dict[tuple[str, int], list[str]] = {}  # agency and year → next year's task keys
        self._issued: dict[str, Task] = {}  # handed out to be scored, not finished yet

    def first(self) -> list[Task]:
        """The tasks to start with: the surveys, or when none is needed the tasks ready."""
        if self._survey:
            return [replace(t, survey=True) for k, t in self._tasks.items() if k in self._survey]
        return self._ready()

    def task(self, key: str) -> Task:
        return self._tasks[key]

    def surveying(self, key: str) -> bool:
        return key in self._survey

    def surveyed(self, key: str, identity: tuple[str | None, int | None] | None) -> list[Task] | None:
        """A survey's answer (None: the document could not be read; its scoring will
        say why); after the last one, the tasks ready."""
        self._survey.discard(key)
        if identity and identity[0] and isinstance(identity[1], int):
            self._ident[key] = (identity[0], identity[1])
        return None if self._survey else self._ready()

    def settled(self) -> list[tuple[Task, Any]]:
        """The standby reports found still current (each given back once)."""
        out, self._settled = self._settled, []
        return out

    def _wake(self) -> None:
        """Standby reports whose previous year is redone here become tasks, down the
        series; the rest are settled."""
        redone = {self._ident[k] for k in self._tasks if k in self._ident}
        # in year order, so a woken year wakes the next one in the same pass
        for key, (task, ident, outcome) in sorted(self._standby.items(), key=lambda kv: kv[1][1][1]):
            if (ident[0], ident[1] - 1) in redone:
                self._tasks[key] = task
                self._ident[key] = ident
                redone.add(ident)
            else:
                self._settled.append((task, outcome))
        self._standby = {}

    def _ready(self) -> list[Task]:
        self._wake()
        for key in self._tasks:
            ident = self._ident.get(key)
            if ident is not None:
                self._left[ident] = self._left.get(ident, 0) + 1
        ready = []
        for key, t in self._tasks.items():
            ident = self._ident.get(key)
            before = (ident[0], ident[1] - 1) if ident is not None else None
            if before in self._left:
                self._waiting.setdefault(before, []).append(key)
            else:
                ready.append(t)
        self._issued.update((t.key, t) for t in ready)
        return ready

    def unfinished(self) -> list[Task]:
        """Tasks no outcome has come back for (an executor that lost them)."""
        return list(self._tasks.values())

    def left(self) -> list[Task]:
        """Tasks handed out that no outcome has come back for."""
        return list(self._issued.values())

    def finished(self, key: str, stored: bool) -> list[Task]:
        """A task is done (``stored``: its result is in the store); the tasks of the
        next year of its agency once all of its year are done."""
        self._tasks.pop(key, None)  # its outcome is the run log's now
        self._issued.pop(key, None)
        ident = self._ident.pop(key, None)
        if ident is None or ident not in self._left:
            return []
        if stored:
            self._scored.add(ident)
        self._left[ident] -= 1
        if self._left[ident] > 0:
            return []
        del self._left[ident]
        see = ident in self._scored
        self._scored.discard(ident)
        # the previous year was scored here: read it (this batch's result) from the
        # store; it failed: read what earlier batches left, as if it were not in the batch
        released = [replace(self._tasks[k], see_batch=see) for k in self._waiting.pop(ident, [])]
        self._issued.update((t.key, t) for t in released)
        return released


class _RunLog(Sequence[DocOutcome]):
    """This run's outcomes, one JSON line each in a temporary file as they come,
    read back in input order: the parent keeps one file offset per document."""

    _FIELDS = ("path", "key", "status", "error", "total", "seconds", "cached", "outputs")

    def __init__(self, n: int) -> None:
        self._n = n
        self._offsets = array("q", [-1]) * n
        try:
            self._fh: Any = tempfile.TemporaryFile(prefix="xxgk-run-")
        except OSError:  # no temporary folder: in memory
            self._fh = io.BytesIO()
        self.counts = {SCORED: 0, FAILED: 0, "cached": 0}

    def add(self, i: int, o: DocOutcome, fp: str) -> None:
        line = json.dumps([getattr(o, f) for f in self._FIELDS] + [fp], ensure_ascii=False).encode("utf-8")
        try:
            self._fh.seek(0, io.SEEK_END)
            offset = self._fh.tell()
            self._fh.write(line + b"\n")
        except OSError:  # the temporary folder is full: the rest in memory
            data = self._fh.getvalue() if isinstance(self._fh, io.BytesIO) else self._read_all()
            self._fh = io.BytesIO(data)
            return self.add(i, o, fp)
        self._offsets[i] = offset
        self.counts[o.status] = self.counts.get(o.status, 0) + 1
        self.counts["cached"] += o.cached

    def _read_all(self) -> bytes:
        self._fh.seek(0)
        return self._fh.read()

    def _row(self, i: int) -> list[Any]:
        off = self._offsets[i]
        if off < 0:
            raise IndexError(i)
        self._fh.seek(off)
        return json.loads(self._fh.readline())

    def _outcome(self, row: list[Any]) -> DocOutcome:
        d = dict(zip(self._FIELDS, row))
        d["outputs"] = tuple(d["outputs"])
        return DocOutcome(**d)

    def __len__(self) -> int:
        return sum(1 for off in self._offsets if off >= 0)

    def __iter__(self) -> Iterator[DocOutcome]:
        for i, off in enumerate(self._offsets):
            if off >= 0:
                yield self._outcome(self._row(i))

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(self)[i]
        return list(itertools.islice(self, i, i + 1))[0] if i >= 0 else list(self)[i]

    def prints(self) -> Iterator[tuple[str, str, str]]:
        """(key, fingerprint, status) of each document, in input order."""
        for i, off in enumerate(self._offsets):
            if off >= 0:
                row = self._row(i)
                yield row[1], row[-1], row[2]


class _Stored(Sequence[dict[str, Any]]):
    """The sheet view of every result the sheets show (:func:`_latest`), read from the
    store a chunk at a time each time it is iterated. Iterated in a forked child, it
    opens a connection of its own."""

    def __init__(self, db: Store, cs: CriteriaSet | str) -> None:
        self._db, self._cs = db, cs
        self._path = None if str(db.path) == ":memory:" else db.path

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._path is None:
            yield from (sheet_view(d, agency_key=k) for k, d in _latest(self._db, self._cs))
            return
        with Store(self._path, readonly=True) as db:
            yield from (sheet_view(d, agency_key=k) for k, d in _latest(db, self._cs))

    def __len__(self) -> int:
        ids = _set_ids(self._cs)
        if self._path is None:
            return sum(self._db.count_latest(i) for i in ids)
        with Store(self._path, readonly=True) as db:
            return sum(db.count_latest(i) for i in ids)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(self)[i]
        return list(itertools.islice(self, i, i + 1))[0] if i >= 0 else list(self)[i]


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


def _set_ids(cs: CriteriaSet | str) -> list[str]:
    """The criteria set ids results of ``cs`` are filed under: one, or a family's."""
    if isinstance(cs, CriteriaSet):
        return [cs.id]
    from scorer.criteria import list_criteria

    prefix, _, suffix = cs.partition("{year}")
    return [s.id for s in list_criteria() if s.id.startswith(prefix) and s.id.endswith(suffix)]


def _latest(db: Store, cs: CriteriaSet | str) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The latest stored result of every agency and year under ``cs``, with the agency
    key it is filed under; for a family, under each of its sets, in source-path order
    (merged as they are read)."""
    ids = _set_ids(cs)
    if len(ids) == 1 and isinstance(cs, CriteriaSet):
        yield from db.latest_keyed(cs.id)
        return
    key = lambda kd: (str(kd[1]["document"].get("path")), str(kd[1].get("criteria_set")))  # noqa: E731
    # each set's results come in path order; a stable merge keeps the sets' order on ties
    yield from heapq.merge(*(db.latest_keyed(i) for i in ids), key=key)


def _set_id(cs: CriteriaSet | str) -> str:
    """The id results are filed under: a set's id, or a family's pattern."""
    return cs.id if isinstance(cs, CriteriaSet) else cs
