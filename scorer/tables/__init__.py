"""The statutory tables (表二 主动公开, 表三 申请, 表四 复议诉讼): layout parsers for
every layout seen in the corpus, one canonical model per format version, and
pandera schemas of the canonical tables (:mod:`scorer.tables.schemas`)."""
from __future__ import annotations

from scorer.tables.extract import extract_from_text, extract_tables
from scorer.tables.result import Cell, TableResult

__all__ = ["extract_tables", "extract_from_text", "TableResult", "Cell"]
