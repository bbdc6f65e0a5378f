"""Scoring one task of a batch, in a worker: :func:`process` scores the document
(``scorer.pipeline.score_document``, the one scoring call), writes its outputs and its
rerun state, and returns an :class:`~scorer.batch.messages.Outcome`.

The soft time limit lives here (``SIGALRM`` in the worker): it handles the ordinary
slow document cleanly; the executor's hard kill is the backstop for one stuck in C
code.
"""
from __future__ import annotations

import signal
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from scorer.batch.inputs import NO_SUCH_FILE, unreadable_reason
from scorer.batch.messages import FAILED, SCORED, BatchConfig, Outcome, Task
from scorer.batch.sheets import sheet_view
from scorer.batch.state import record, write_problem
from scorer.errors import LoadError, ScorerError
from scorer.model import CriteriaSet
from scorer.pipeline import (ScoreOptions, document_key, prepare_document, resolve_criteria, score_document,
                             section_texts)
from scorer.render import MEMO_EXTENSIONS, render, write_atomic

__all__ = ["DocumentTimeout", "process", "warm_up", "one_line", "timeout_message"]


class DocumentTimeout(BaseException):
    """A document took longer than the per-document limit.

    A ``BaseException`` so that a pipeline stage's ``except Exception`` fallback cannot
    swallow it and carry on past the limit.
    """


def timeout_message(timeout: float, killed: bool = False) -> str:
    """The one-line failure of a document over the time limit."""
    return f"超时：超过单份文件时限{timeout:g}秒" + ("，处理进程已终止" if killed else "")


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    # a LoadError's text starts with the path, which the failure list already shows
    reason = getattr(exc, "reason", None) if isinstance(exc, ScorerError) else None
    text = str(reason if isinstance(reason, str) and reason else exc).strip().splitlines()
    msg = text[0] if text else ""
    name = type(exc).__name__
    return f"{name}: {msg}" if msg else name


def _alarm(signum: int, frame: Any) -> None:
    raise DocumentTimeout()


def process(task: Task, config: BatchConfig) -> Outcome:
    """Score one document and write its outputs and rerun state. Never raises for a
    bad document: the failure is the outcome. A survey task (``task.survey``) only
    reads the document and answers with its agency key and year."""
    if task.survey:
        return survey(task, config)
    start = time.monotonic()
    timeout = config.timeout
    # soft limit: SIGALRM (Unix); elsewhere only the executor's hard kill applies
    use_alarm = (bool(timeout) and hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())
    out = Outcome(task.path, task.key, FAILED)
    try:
        if use_alarm:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, float(timeout))
        try:
            problem = unreadable_reason(task.path)
            if problem == NO_SUCH_FILE:
                raise FileNotFoundError(problem)
            if problem:
                raise LoadError(problem, path=task.path)
            _, kept = _score(task, config)
            data = kept.pop("result")  # once, for the JSON and the sheet view (the store has it packed)
            payload = {fmt: render(data, fmt) for fmt in config.formats}  # renderers read the JSON
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        written = []
        try:
            for fmt in config.formats:
                name = task.key + MEMO_EXTENSIONS[fmt]
                write_atomic(Path(config.out_dir) / name, payload[fmt])
                written.append(name)
        except OSError as exc:  # the output folder, not the document, is at fault
            for name in written:  # all of a document's outputs or none
                (Path(config.out_dir) / name).unlink(missing_ok=True)
            out = replace(out, error=f"无法写入输出文件（{write_problem(exc)}）", transient=True)
        else:
            out = replace(out, status=SCORED, result=sheet_view(data), outputs=tuple(written), record=kept,
                          identity=(kept["agency_key"], kept["report_year"]))
    except DocumentTimeout:
        out = replace(out, error=timeout_message(timeout or 0), timeout=True)
    except Exception as exc:  # one bad document must not stop the batch
        out = replace(out, error=one_line(exc))
    out = replace(out, seconds=round(time.monotonic() - start, 3))
    # the worker keeps the books for its own document, so the parent, which shares
    # the cores with the workers, does no per-document writing
    try:
        record(Path(config.out_dir), task, out)
    except OSError:  # no state: the document is simply redone next time
        return out
    return replace(out, recorded=True)


def survey(task: Task, config: BatchConfig) -> Outcome:
    """The agency key and report year of a task's document (``Outcome.identity``),
    read as scoring reads them; the parent orders a series by year with them. Writes
    nothing; a document that cannot be read answers ``None`` (its scoring reports why)."""
    start = time.monotonic()
    timeout = config.timeout
    use_alarm = (bool(timeout) and hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())
    identity = None
    try:
        if use_alarm:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, float(timeout))
        try:
            if unreadable_reason(task.path) is None:
                opts = ScoreOptions.of(**dict(task.overrides))
                doc = prepare_document(task.path, opts)
                identity = (document_key(doc, opts), doc.report_year)
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except DocumentTimeout:
        pass
    except Exception:  # scoring will fail on it and say why
        pass
    return Outcome(task.path, task.key, SCORED if identity else FAILED, identity=identity,
                   seconds=round(time.monotonic() - start, 3), recorded=True)


def _score(task: Task, config: BatchConfig) -> tuple[Any, dict[str, Any]]:
    """Score one document with last year's report from the store (when there) and
    the evaluators' overrides; returns the result and what the store keeps of it."""
    from scorer.store import Store, history_payload, packed_record

    opts = ScoreOptions.of(**dict(task.overrides))
    doc = prepare_document(task.path, opts)
    cs = resolve_criteria(config.criteria_set, doc)  # a family by year: the set of this report's year
    key = document_key(doc, opts)
    previous = None
    if config.store:
        with Store(config.store, readonly=True) as store:  # the parent is the only writer
            # this batch's results only when last year's report was scored in it
            # (the parent then waited for it): never what merely finished first
            previous = store.previous_report(key, doc.report_year, cs.id,
                                             None if task.see_batch else config.exclude_batch)
    result = score_document(doc, cs, replace(opts, previous=previous, overrides=config.overrides))
    data = result.to_dict()
    from scorer.overrides import for_document, overrides_digest

    record = {
        "result": data, "agency_key": key, "report_year": doc.report_year,
        "overrides": overrides_digest(for_document(config.overrides, key, doc.report_year, cs.id)),
        "previous_sha": previous.sha256 if previous is not None else None,
    }
    # packed here, in the worker: the parent, the store's one writer, only inserts bytes
    record["stored"] = packed_record(data, history_payload(data["tables"], section_texts(doc),
                                                           data["document"].get("format_version")))
    return result, record


_WARM_TEXT = (
    "某某局2022年度政府信息公开工作年度报告\n一、总体情况\n2022年，我局举办政府开放日活动1次。\n"
    "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
    "五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
)


def warm_up(criteria_set: CriteriaSet) -> None:
    """Load what the pipeline loads lazily (dictionaries, the evidence model) once.

    Run before the per-document clock starts: in the parent before forking (workers
    inherit it), or in each spawned worker before its first task. Without it the
    first document of every worker would pay seconds of start-up inside its limit.
    """
    from scorer.model import Document

    doc = Document(path="<warm-up>", format="txt", text=_WARM_TEXT, kind="report", title=None,
                   agency="某某局", report_year=2022, published_on=None, metadata_source={})
    try:
        from scorer.sections import find_sections

        doc = replace(doc, sections=tuple(find_sections(_WARM_TEXT)))
        score_document(doc, criteria_set)
    except Exception:
        pass  # a real document will report the real error
