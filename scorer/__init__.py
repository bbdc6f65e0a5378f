"""xxgk-scorer: compliance scoring of 政府信息公开工作年度报告.

The public API is small; heavy modules are imported on first use so that
``import scorer`` (and the CLI) start fast.

>>> import scorer
>>> doc = scorer.load("corpora/seeds/000_08bff46af6e18331.txt")
>>> doc.agency
'松江区机关事务管理局'
"""
from __future__ import annotations

from typing import Any

from scorer.errors import (
    CriteriaError,
    LoadError,
    ManifestError,
    ModelError,
    NotAReport,
    ScorerError,
)
from scorer.load import load
from scorer.model import Document, Finding, Result

__version__ = "0.1.0"

__all__ = [
    "load",
    "extract_tables",
    "validate_document",
    "load_criteria",
    "score_document",
    "ScoreOptions",
    "Upload",
    "Document",
    "Finding",
    "Result",
    "ScorerError",
    "LoadError",
    "NotAReport",
    "CriteriaError",
    "ManifestError",
    "ModelError",
    "__version__",
]

_LAZY = {
    "extract_tables": ("scorer.tables", "extract_tables"),
    "validate_document": ("scorer.validate", "validate_document"),
    "load_criteria": ("scorer.criteria", "load_criteria"),
    "score_document": ("scorer.pipeline", "score_document"),
    "ScoreOptions": ("scorer.pipeline", "ScoreOptions"),
    "Upload": ("scorer.pipeline", "Upload"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'scorer' has no attribute {name!r}")
