"""Criteria sets: YAML files of what an annual report is scored against.

``load_criteria("core")`` reads and validates a set (``criteria/README.md`` has the
format); ``draft_criteria(path)`` turns a 政务公开工作要点 or an agency's plan into a
draft set an evaluator edits.
"""
from __future__ import annotations

from scorer.criteria.draft import draft_criteria
from scorer.criteria.loader import (
    list_criteria,
    load_criteria,
    resolve_criteria,
    shipped_dir,
    shipped_names,
)
from scorer.criteria.fields import CLASSIFIER_LABELS, CORE_IDS

__all__ = [
    "load_criteria",
    "list_criteria",
    "draft_criteria",
    "resolve_criteria",
    "shipped_dir",
    "shipped_names",
    "CORE_IDS",
    "CLASSIFIER_LABELS",
]
