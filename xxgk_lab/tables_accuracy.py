"""Cell accuracy of the table extractor against hand-checked gold files.

A gold file (``tests/gold/tables/<doc-stem>.json``) holds ``source`` (path of the
corpus file, relative to the repository root) and ``tables`` in canonical keys.
A gold value is a number, ``null`` (the report leaves the cell blank or the table
is absent) or ``"?"`` (the report itself is ambiguous: the extractor must say so).

Each gold cell is counted once as:

``correct``
    the extracted value equals the gold (for ``"?"``: the cell is reported
    ambiguous/unreadable; for ``null``: the cell is None);
``unreadable``
    the extractor reported the cell as ambiguous or unreadable (no value
    presented) while the gold has a value — a miss, but an honest one;
``wrong``
    a value is presented that is not the gold (including a value for a cell the
    gold marks ``"?"``) — the failure that must not happen.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from scorer.model import Document
from scorer.tables.extract import extract_tables
from scorer.tables.result import TableResult

UNREAD = ("ambiguous", "unreadable")


@dataclass
class DocAccuracy:
    """Counts for one gold document, and the cells that were wrong or unread."""

    name: str
    source: str
    total: int = 0
    correct: int = 0
    unreadable: int = 0
    wrong: int = 0
    source_ambiguous: int = 0  # gold "?" cells (counted in total; correct when reported ambiguous)
    wrong_cells: list[tuple[str, Any, Any]] = field(default_factory=list)  # key, gold, got
    unread_cells: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "cells": self.total,
            "correct": self.correct,
            "unreadable": self.unreadable,
            "wrong": self.wrong,
            "source_ambiguous": self.source_ambiguous,
            "accuracy": round(self.accuracy, 4),
            "wrong_cells": [{"key": k, "gold": g, "got": v} for k, g, v in self.wrong_cells],
            "unreadable_cells": list(self.unread_cells),
        }


def _cells(tables: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for t in ("proactive", "requests", "review_litigation"):
        tab = tables.get(t)
        if tab is None:
            out[t] = None
            continue
        for row, cols in tab.items():
            for col, v in cols.items():
                out[f"{t}.{row}.{col}"] = v
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-6
    return a == b


def score_document(name: str, source: str, gold: dict[str, Any], result: TableResult) -> DocAccuracy:
    """Compare one extraction with its gold tables."""
    acc = DocAccuracy(name, source)
    got = result.to_dict()
    for key, g in sorted(_cells(gold).items()):
        acc.total += 1
        if g is None and "." not in key:  # a whole table absent in the report
            if got.get(key) is None:
                acc.correct += 1
            else:
                acc.wrong += 1
                acc.wrong_cells.append((key, None, "table found"))
            continue
        value = result.value(key) if got.get(key.split(".")[0]) is not None else None
        cell = result.cells.get(key)
        status = cell.status if cell else ("missing" if value is None else "ok")
        if g == "?":
            acc.source_ambiguous += 1
            if value is None and status in UNREAD:
                acc.correct += 1
            else:
                acc.wrong += 1
                acc.wrong_cells.append((key, g, value))
        elif g is None:
            if value is None and status not in UNREAD:
                acc.correct += 1
            else:
                acc.wrong += 1
                acc.wrong_cells.append((key, g, value if value is not None else status))
        elif value is not None and _same(value, g):
            acc.correct += 1
        elif value is None and status in UNREAD:
            acc.unreadable += 1
            acc.unread_cells.append(key)
        else:
            acc.wrong += 1
            acc.wrong_cells.append((key, g, value if value is not None else status))
    return acc


def run_gold(gold_dir: Path, loader: Callable[[str], Document], root: Path | None = None) -> list[DocAccuracy]:
    """Score every ``*.json`` gold file in ``gold_dir``.

    ``source`` paths are resolved against ``root`` (default: the current directory,
    then the repository root three levels above ``gold_dir``)."""
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        src = Path(gold["source"])
        for base in ([root] if root else []) + [Path.cwd(), gold_dir.resolve().parents[2]]:
            if (base / src).exists():
                src = base / src
                break
        doc = loader(str(src))
        out.append(score_document(path.stem, gold["source"], gold["tables"], extract_tables(doc)))
    return out


def summary(docs: list[DocAccuracy]) -> dict[str, Any]:
    """Overall counts over documents."""
    total = sum(d.total for d in docs)
    correct = sum(d.correct for d in docs)
    return {
        "documents": len(docs),
        "cells": total,
        "correct": correct,
        "unreadable": sum(d.unreadable for d in docs),
        "wrong": sum(d.wrong for d in docs),
        "source_ambiguous": sum(d.source_ambiguous for d in docs),
        "accuracy": round(correct / total, 4) if total else 1.0,
    }
