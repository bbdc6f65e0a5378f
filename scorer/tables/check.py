"""Rule findings of the canonical tables: the pre-check decides, pandera reports."""
from __future__ import annotations

from scorer.model import Finding
from scorer.tables.quick import failing_rules, table_specs
from scorer.tables.result import TableResult

__all__ = ["check_tables"]


def check_tables(tables: TableResult) -> list[Finding]:
    """Rule findings of the canonical tables: pandera validates every table the
    pre-check cannot pass, with the checks it flags (pandas and pandera are
    imported only then: they cost most of a second)."""
    suspect: dict[str, frozenset[str]] = {}
    for sp in table_specs(tables):
        bad = failing_rules(sp.name, sp.table, sp.rows, sp.cols)
        if bad:
            suspect[sp.name] = bad
    if not suspect:
        return []
    from scorer.tables.schemas import validate_frames

    return validate_frames(tables, suspect)
