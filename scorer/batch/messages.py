"""What the parent and the workers of a batch send each other.

Frozen dataclasses of plain values, picklable, so that any executor — the process
pool of :mod:`scorer.batch.executor` or one on other machines — can carry them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorer.model import CriteriaSet

__all__ = ["Task", "BatchConfig", "Outcome", "SCORED", "FAILED"]

SCORED = "scored"
FAILED = "failed"


@dataclass(frozen=True)
class Task:
    """One document to score: parent → worker."""

    path: str
    key: str  # output base name
    overrides: tuple[tuple[str, Any], ...]  # metadata overrides (ScoreOptions fields)
    fingerprint: str  # rerun state: unchanged fingerprint → skipped next time
    sha256: str | None = None  # of the input's bytes: the results store's key
    #: only read the document and report its agency key and year (``Outcome.identity``),
    #: so that the parent can order a series by year; nothing is written
    survey: bool = False
    #: its previous year's report was scored in this batch (and is in the store now):
    #: read last year from the store with this batch's results included
    see_batch: bool = False


@dataclass(frozen=True)
class BatchConfig:
    """What every task of a batch shares."""

    criteria_set: CriteriaSet | str  # a set, or a family by year ("pingtan-{year}")
    out_dir: str
    formats: tuple[str, ...]
    timeout: float | None  # seconds per document; None: no limit
    warm_in_worker: bool = False  # spawned workers load the pipeline themselves
    store: str | None = None  # results store: workers read last year's reports from it (read-only)
    overrides: tuple[Any, ...] = ()  # evaluators' overrides (scorer.overrides.Override)
    #: this batch's id in the store; its results are not read as last year's unless
    #: the task says so (``Task.see_batch``): what a document is compared with must not
    #: depend on what happened to finish first
    exclude_batch: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one task: worker (or executor, when the worker died) → parent."""

    path: str
    key: str
    status: str  # SCORED | FAILED
    error: str | None = None  # one line, for failures
    result: dict[str, Any] | None = None  # the sheet view of the result (scored only)
    outputs: tuple[str, ...] = ()  # file names written in the output folder
    timeout: bool = False  # a time limit hit: retried on the next run
    transient: bool = False  # the output folder failed, not the document: no state, redone next run
    seconds: float = 0.0
    recorded: bool = False  # the rerun state is written already (by the worker)
    #: what the parent puts in the results store (:meth:`scorer.store.Store.put_record`):
    #: the full JSON and the history payload packed by the worker, the columns, and
    #: ``agency_key``, ``report_year``, ``previous_sha``, ``overrides`` for the rerun state
    record: dict[str, Any] | None = None
    #: a survey task's answer: (agency key, report year), either may be None
    identity: tuple[str | None, int | None] | None = None

    @property
    def total(self) -> float | None:
        return self.result["score"]["total"] if self.result else None
