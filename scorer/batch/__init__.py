"""Batch scoring: many reports, all cores, one bad file never stops the rest.

``run_batch`` takes files, directories (searched recursively for .txt .md .html .htm
.docx .pdf) or a manifest CSV, scores every document in worker processes, writes each
document's outputs atomically, and at the end writes the batch score sheet
(``scores.xlsx``, ``scores.csv``) and ``summary.html``. Reruns skip documents whose
input bytes, metadata overrides, criteria set, engine version and formats are
unchanged (state in ``OUT/.xxgk/``); ``force=True`` redoes them.

One module per job:

- :mod:`~scorer.batch.manifest` — the manifest CSV (pandera ``Manifest``, ``read_manifest``);
- :mod:`~scorer.batch.inputs` — files and folders → ``BatchItem`` s with output keys;
- :mod:`~scorer.batch.messages` — ``Task``, ``BatchConfig``, ``Outcome``: what parent and
  workers exchange (frozen, picklable);
- :mod:`~scorer.batch.worker` — ``process(task, config) -> Outcome``: one document, with
  the soft time limit, its outputs and its rerun state;
- :mod:`~scorer.batch.executor` — the ``Executor`` interface and ``ProcessPool`` (hard
  limit, crashed workers replaced);
- :mod:`~scorer.batch.dask_executor` — ``DaskExecutor``: the same tasks on a Dask
  cluster (optional extra ``dask``; imported only when chosen);
- :mod:`~scorer.batch.state` — rerun fingerprints, the ``.xxgk`` state files, the folder lock;
- :mod:`~scorer.batch.sheets` — scores.xlsx, scores.csv, summary.html;
- :mod:`~scorer.batch.lifeline` — child processes die with the batch;
- :mod:`~scorer.batch.runner` — ``run_batch`` and its ``BatchReport``.
"""
from __future__ import annotations

from scorer.batch.executor import Executor, ProcessPool
from scorer.batch.inputs import BATCH_EXTENSIONS, BatchItem, collect_inputs
from scorer.batch.manifest import Manifest, read_manifest
from scorer.batch.messages import BatchConfig, Outcome, Task
from scorer.batch.runner import (DEFAULT_FORMATS, DEFAULT_TIMEOUT, EXECUTORS, BatchReport, DocOutcome,
                                 make_executor, run_batch)
from scorer.batch.sheets import sheet_view
from scorer.batch.worker import DocumentTimeout, process

__all__ = [
    "run_batch",
    "collect_inputs",
    "read_manifest",
    "Manifest",
    "BatchItem",
    "DocOutcome",
    "BatchReport",
    "BATCH_EXTENSIONS",
    "DEFAULT_FORMATS",
    "DEFAULT_TIMEOUT",
    "sheet_view",
    "DocumentTimeout",
    "Task",
    "BatchConfig",
    "Outcome",
    "process",
    "Executor",
    "ProcessPool",
    "make_executor",
    "EXECUTORS",
]
