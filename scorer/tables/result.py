"""Value objects of the tables stage: :class:`Cell` (a value with its provenance) and
:class:`TableResult` (the three canonical tables, spans, cells and findings)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scorer.model import Finding, Span

#: Cell statuses. Only ``ok`` carries a value; the others are None in the tables.
CELL_STATUSES: tuple[str, ...] = ("ok", "blank", "placeholder", "ambiguous", "unreadable", "missing")


@dataclass(frozen=True)
class Cell:
    """One table cell: canonical key, value and where it came from.

    ``raw`` is the source text of the cell (for a glued run, the digits this
    reading assigns to it; for an ambiguous cell, the whole run). ``candidates``
    lists the possible values of an ambiguous cell."""

    key: str
    value: int | float | None
    status: str
    raw: str = ""
    span: Span | None = None
    candidates: tuple[int | float, ...] = ()
    note: str | None = None

    @classmethod
    def make(
        cls,
        key: str,
        value: int | float | None,
        status: str,
        raw: str = "",
        span: Span | None = None,
        candidates: tuple[int | float, ...] = (),
        note: str | None = None,
    ) -> Cell:
        """``Cell(...)``, built faster: the frozen dataclass ``__init__`` sets each of
        the seven fields through ``object.__setattr__``, and the extractor builds
        about 200 cells a document. The result is the same object (equal, same
        fields and repr; Cell has no ``__post_init__``)."""
        cell = object.__new__(cls)
        cell.__dict__.update(
            key=key, value=value, status=status, raw=raw, span=span, candidates=candidates, note=note
        )
        return cell

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "status": self.status,
            "raw": self.raw,
            "span": list(self.span) if self.span else None,
            "candidates": list(self.candidates),
            "note": self.note,
        }


@dataclass(frozen=True)
class TableResult:
    """The statutory tables of one document in canonical keys (domain.md §3–5).

    ``proactive``/``requests``/``review_litigation`` are nested dicts
    ``{row: {column: value}}`` or None when the table is absent; a blank,
    placeholder, ambiguous or unreadable cell is None. ``format_version`` is read
    from the tables themselves (表二 columns first, else 表三 rows); ``variants``
    gives each table's own version (a 2021 report may mix them). ``layouts`` tells
    how each table was read: ``rows`` (one row per label, cells separated),
    ``lines`` (numbers taken line by line, for PDF/Markdown where labels wrap
    around them), ``glued`` (digit runs split with the table's arithmetic) or
    ``runs`` (a crawler printed equal neighbouring cells once: each number is a
    run of one or more equal cells, placed by the table's arithmetic)."""

    format_version: str | None
    proactive: dict[str, dict[str, Any]] | None
    requests: dict[str, dict[str, Any]] | None
    review_litigation: dict[str, dict[str, Any]] | None
    spans: dict[str, Span] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    variants: dict[str, str] = field(default_factory=dict)
    layouts: dict[str, str] = field(default_factory=dict)
    truncated: tuple[str, ...] = ()  # tables that stop early (seed 003 stops inside 表三)
    missing_rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def table(self, name: str) -> dict[str, dict[str, Any]] | None:
        """One of ``proactive``, ``requests``, ``review_litigation``."""
        if name not in ("proactive", "requests", "review_litigation"):
            raise ValueError(f"unknown table {name!r}; use proactive, requests or review_litigation")
        return getattr(self, name)

    def value(self, key: str) -> Any:
        """The value at a dotted canonical key, e.g. ``requests.new.total``."""
        table, row, col = key.split(".")
        t = self.table(table)
        if t is None or row not in t:
            return None
        return t[row].get(col)

    def to_dict(self) -> dict[str, Any]:
        """The ``tables`` object of the JSON contract."""
        return {
            "proactive": self.proactive,
            "requests": self.requests,
            "review_litigation": self.review_litigation,
            "format_version": self.format_version,
        }
